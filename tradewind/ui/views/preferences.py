"""The viewer's own settings: the time zone pages show times in (a cookie, per browser, as Airflow's UI keeps it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from tradewind.api.security import Caller, ui_user
from tradewind.ui.render import page, redirect
from tradewind.ui.timezones import COOKIE, all_zones, default_zone, zone, zone_name
from tradewind.ui.views.auth import safe_next

router = APIRouter()
SignedIn = Annotated[Caller, Depends(ui_user(None))]
ONE_YEAR = 365 * 24 * 3600


@router.get("/timezone")
def timezone_page(request: Request, caller: SignedIn, next: str = "/home") -> Response:  # noqa: A002
    return page(
        request,
        "timezone.html",
        caller,
        zones=all_zones(),
        default=zone_name(default_zone()),
        next=safe_next(next),
    )


@router.post("/timezone")
def timezone_save(
    _: SignedIn,
    tz: Annotated[str, Form(max_length=64)],
    next: Annotated[str, Form(max_length=2000)] = "/home",  # noqa: A002
) -> Response:
    chosen = zone(tz.strip())
    if chosen is None:
        return redirect(f"/timezone?next={safe_next(next)}", f"Error: unknown time zone {tz.strip()!r}")
    response = redirect(safe_next(next), f"Times are now shown in {zone_name(chosen)}")
    response.set_cookie(COOKIE, zone_name(chosen), max_age=ONE_YEAR, httponly=True, samesite="lax", path="/")
    return response
