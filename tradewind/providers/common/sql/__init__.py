"""SQL for any DB-API database: `DbApiHook`, `SQLExecuteQueryOperator`, the check operators, `SqlSensor`.

Airflow's `airflow.providers.common.sql`; the database-specific hooks (postgres, mysql, sqlite)
subclass `DbApiHook`. Importing this package imports no database driver.
"""
