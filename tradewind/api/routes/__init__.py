"""One module per REST resource, after Airflow's stable REST API."""
