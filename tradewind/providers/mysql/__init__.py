"""MySQL and MariaDB (Airflow's `airflow.providers.mysql`): `MySqlHook` on PyMySQL, installed by the `mysql` extra."""
