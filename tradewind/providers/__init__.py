"""Hooks, operators and sensors for the systems small teams glue together (SQL, HTTP, FTP/SFTP/SSH, S3).

Each provider is a subpackage that imports its client library only when a hook or operator is
built, so `import tradewind` never pays for them; a missing client names the extra to install
(`ProviderExtraMissing`). Airflow's `airflow.providers.*` paths map here through the compat tables.
"""
