"""SSH: `SSHHook`, `SSHOperator` — Airflow's `ssh` provider on paramiko (the `ssh` extra)."""
