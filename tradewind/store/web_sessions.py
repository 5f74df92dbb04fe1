"""The web UI's sessions, kept server-side so that signing out (here or everywhere) ends them at once.

A session is known by the SHA-256 of its token (`api/security.py` makes both); a row outlives its
cookie by nothing: it expires with it, and expired rows are swept whenever a session opens.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tradewind.exceptions import NotFound
from tradewind.store.engine import session, transaction
from tradewind.store.models import ab_user, web_session
from tradewind.store.sql import utcnow
from tradewind.store.users import UserRecord


def open_session(session_id: str, user_id: int, lifetime_seconds: int) -> None:
    now = utcnow()
    with transaction() as conn:
        conn.execute(sa.delete(web_session).where(web_session.c.expires_at <= now))
        conn.execute(
            sa.insert(web_session).values(
                id=session_id, user_id=user_id, created_at=now, expires_at=now + timedelta(seconds=lifetime_seconds)
            )
        )


def session_user(session_id: str) -> UserRecord | None:
    """The user of a live session (one query: a request pays no more than it did for the user alone)."""
    query = (
        sa.select(ab_user)
        .join(web_session, web_session.c.user_id == ab_user.c.id)
        .where(web_session.c.id == session_id, web_session.c.expires_at > utcnow())
    )
    with session() as conn:
        row = conn.execute(query).first()
    return UserRecord.from_row(row) if row is not None else None


def end_session(session_id: str) -> None:
    with transaction() as conn:
        conn.execute(sa.delete(web_session).where(web_session.c.id == session_id))


def end_user_sessions(username: str) -> int:
    """Sign a user out everywhere; returns how many sessions ended. NotFound for an unknown user."""
    with transaction() as conn:
        user_id = conn.execute(sa.select(ab_user.c.id).where(ab_user.c.username == username)).scalar()
        if user_id is None:
            raise NotFound(f"user '{username}' does not exist")
        return int(conn.execute(sa.delete(web_session).where(web_session.c.user_id == user_id)).rowcount)
