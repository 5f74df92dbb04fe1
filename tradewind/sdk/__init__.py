"""The authoring API: what DAG files import. Pure Python — no database, web or Jinja imports here."""
