"""The REST API (JSON under /api/v1) and the FastAPI application that also serves the web UI."""
