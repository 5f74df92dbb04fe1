"""Triggers: small asyncio waits a deferred task hands over (`BaseOperator.defer`), as Airflow's `airflow.triggers`."""
