"""PostgreSQL (Airflow's `airflow.providers.postgres`): `PostgresHook` on psycopg 3, installed by the `postgres` extra."""
