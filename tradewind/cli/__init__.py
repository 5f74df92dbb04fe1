"""The `tradewind` command line, mirroring Airflow's command names and flags."""
