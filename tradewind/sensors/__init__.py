"""Sensors: operators that wait for something (another DAG's task, a file, a time, a callable).

Module names follow Airflow's (`tradewind.sensors.base`, `.external_task`, `.filesystem`,
`.python`, `.time_delta`, `.date_time`), so `from airflow.sensors.X import Y` maps one to one.
"""
