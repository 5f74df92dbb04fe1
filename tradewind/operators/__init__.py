"""Built-in operators, in modules named as Airflow names them."""
