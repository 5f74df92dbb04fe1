"""Finding DAG files, importing them safely, and recording what they define or why they failed."""
