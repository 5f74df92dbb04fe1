"""SFTP: `SFTPHook`, `SFTPSensor`, `SFTPOperator` — Airflow's `sftp` provider on paramiko (the `sftp` extra)."""
