"""Airflow 2.11.2's recorded answers, kept in the repo (tests/data/airflow) so a fresh clone can test against them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DIR = Path(__file__).resolve().parent / "data" / "airflow"


def load(name: str) -> dict[str, Any]:
    """The parsed JSON of one recorded file; a missing file fails the test that needs it, loudly."""
    return json.loads((DIR / name).read_text())
