"""Hooks, operators, sensors and triggers for AWS, laid out as Airflow's amazon provider.

Importing any of them checks (without importing it) that boto3 is installed, so a DAG file using
them gets an import error naming `pip install "tradewind[amazon]"`; boto3 itself is imported only
when a hook first talks to AWS, so parsing such a file stays cheap.
"""

from tradewind.providers.amazon.aws.boto import ensure_installed

ensure_installed()
