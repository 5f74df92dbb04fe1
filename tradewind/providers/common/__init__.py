"""Providers shared by several systems (Airflow's `airflow.providers.common.*`)."""
