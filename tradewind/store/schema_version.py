"""The schema revision this Tradewind needs, readable without importing Alembic or SQLAlchemy.

Bump it with every new file in `migrations/versions/`; a test checks it equals Alembic's head.
"""

from __future__ import annotations

HEAD_REVISION = "0011"
