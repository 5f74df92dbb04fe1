"""Helpers shared by the seed's example pipelines (weekly ML pipeline, monthly retrain, OCR).

This package is not a DAG folder: `examples/.tradewindignore` keeps the DAG parser out of it.
DAG files, scripts and notebooks import it because `examples/` is on `sys.path`.
"""
