"""Wire the UI's pages into the app, and send anonymous visitors to the login page."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response


def install(app: FastAPI) -> None:
    from tradewind.api.security import LoginRequired
    from tradewind.ui.views import admin, audit_log, auth, browse, charts, dag, datasets, home, preferences, task

    for module in (auth, home, dag, charts, task, browse, datasets, preferences, admin, audit_log):
        app.include_router(module.router, include_in_schema=False)

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={exc.next_url}", status_code=303)
