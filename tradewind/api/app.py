"""The one ASGI application: the REST API under /api/v1 and the web UI, sharing auth and errors."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

API_PREFIX = "/api/v1"


def create_app() -> FastAPI:
    """Build the app; the database must be reachable (it is migrated if empty and auto_migrate is on)."""
    from fastapi.staticfiles import StaticFiles

    from tradewind import __version__
    from tradewind.api import errors, openapi
    from tradewind.api.routes import (
        config,
        dag_runs,
        dags,
        datasets,
        event_logs,
        monitor,
        server,
        task_instance_batch,
        task_instances,
        users,
        xcom,
    )
    from tradewind.api.security import secret_key
    from tradewind.store.migrate import ensure_ready
    from tradewind.ui import routes as ui

    ensure_ready()
    secret_key()  # generated and saved now, not on the first login
    app = FastAPI(
        title="Tradewind REST API",
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,  # Swagger UI would load its assets from a CDN
        generate_unique_id_function=lambda route: route.name,  # operation ids: Airflow's, else the function's
        description="Airflow's stable REST API resources (dags, dagRuns, taskInstances, …). "
        "Authenticate with HTTP basic, or with the web UI's session cookie plus its "
        "X-CSRF-Token header for changes. Errors are JSON problems (title, status, detail).",
    )
    routers = [
        module.router
        for module in (
            dags,
            dag_runs,
            task_instances,
            task_instance_batch,
            xcom,
            datasets,
            event_logs,
            config,
            users,
            monitor,
            server,
        )
    ]
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    openapi.install(app, routers, API_PREFIX)
    app.add_api_route("/health", monitor.health, methods=["GET"], include_in_schema=False)
    ui.install(app)
    static = Path(__file__).resolve().parent.parent / "ui" / "static"
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=static), name="static")
    errors.install(app)
    app.add_middleware(errors.BodyLimit)
    return app
