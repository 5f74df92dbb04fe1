"""SQLite (Airflow's `airflow.providers.sqlite`): `SqliteHook`, on the standard library's sqlite3 (no extra)."""
