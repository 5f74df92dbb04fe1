"""HTTP: `HttpHook`, `HttpOperator` (and Airflow's old name `SimpleHttpOperator`), `HttpSensor` — Airflow's `http` provider on `requests`."""
