"""Amazon Web Services (S3) for Tradewind, at Airflow's `airflow.providers.amazon.aws...` paths (extra `amazon`)."""
