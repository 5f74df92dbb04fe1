"""FTP and FTPS: `FTPHook`/`FTPSHook`, `FTPSensor`/`FTPSSensor`, `FTPFileTransmitOperator` — Airflow's `ftp` provider on the standard library's ftplib."""
