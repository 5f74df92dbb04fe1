"""Hooks: code that talks to an external system through a Connection (Airflow's `airflow.hooks`)."""
