"""Plain-English descriptions of 5-field cron expressions, for the UI and `dags details`.

Airflow uses the cron-descriptor package; this covers the common shapes with the same wording
("At 00:00, only on Sunday") without another dependency, and falls back to the expression.
"""

from __future__ import annotations

_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip
_NAMES = {name[:3].lower(): i for i, name in enumerate(_DAYS[:7])} | {
    name[:3].lower(): i for i, name in enumerate(_MONTHS) if name
}


def _num(token: str) -> int:
    return int(_NAMES.get(token.lower(), token))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _values(field: str, names: list[str] | None = None) -> str:
    """'1,15' -> '1 and 15'; '1-5' -> 'Monday through Friday' (with names)."""
    parts = []
    for part in field.split(","):
        if "-" in part:
            lo, hi = (_num(x) for x in part.split("-", 1))
            parts.append(f"{names[lo]} through {names[hi]}" if names else f"{lo} through {hi}")
        else:
            parts.append(names[_num(part)] if names else str(_num(part)))
    return _join(parts)


def _time_part(minute: str, hour: str) -> str:
    plain = minute.isdigit() and all(h.isdigit() for h in hour.split(","))
    if plain:
        return "At " + _join([f"{int(h):02d}:{int(minute):02d}" for h in hour.split(",")])
    if minute == "*":
        head = "Every minute"
    elif minute.startswith("*/"):
        head = f"Every {minute[2:]} minutes"
    elif minute.isdigit():
        head = f"At {int(minute)} minutes past the hour"
    else:
        head = f"At minutes {_values(minute)} past the hour"
    if hour == "*":
        return head
    if hour.startswith("*/"):
        return f"{head}, every {hour[2:]} hours"
    return f"{head}, between hours {_values(hour)}" if "-" in hour else f"{head}, at hour {_values(hour)}"


def describe_cron(expression: str) -> str:
    """A sentence for the expression, or the expression itself if its shape is unusual."""
    try:
        minute, hour, dom, month, dow = expression.split()
        text = _time_part(minute, hour)
        if dom.startswith("*/"):
            text += f", every {dom[2:]} days"
        elif dom != "*":
            text += f", on day {_values(dom)} of the month"
        if dow != "*":
            text += f", only on {_values(dow, _DAYS)}" if "-" not in dow else f", {_values(dow, _DAYS)}"
        if month.startswith("*/"):
            text += f", every {month[2:]} months"
        elif month != "*":
            text += f", only in {_values(month, _MONTHS)}"
        return text
    except (ValueError, IndexError, KeyError):
        return f"Cron: {expression}"
