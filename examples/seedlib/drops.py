"""Weekly data drops: a dataset shipped with scikit-learn, cut into one CSV per week.

The seed's pipeline retrains every week on the data received so far. To show that for real
without a download, the breast-cancer dataset (569 rows, 30 features) is shuffled once and cut
into N weekly drops named for the Sunday that starts their week (`2026-11-15.csv`): the
weekly run for that week downloads that file. A few duplicated and incomplete rows are
mixed in, as real drops have, for the preprocessing step to clean.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

DROP_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.csv$")
ID_COLUMN = "row_id"
TARGET_COLUMN = "target"


def week_start(day: date) -> date:
    """The Sunday on or before `day` (`@weekly` intervals start on Sunday 00:00)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def drop_weeks(weeks: int, end: date) -> list[date]:
    """The `weeks` Sundays ending with the week that contains `end`, oldest first."""
    last = week_start(end)
    return [last - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def load_dataset():  # type: ignore[no-untyped-def]
    """The bundled dataset as one DataFrame with a stable `row_id` and a `target` column."""
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    frame.insert(0, ID_COLUMN, range(len(frame)))
    return frame


def make_drops(out_dir: str | Path, weeks: int = 3, end: date | None = None, seed: int = 7) -> list[Path]:
    """Write `weeks` weekly drops into `out_dir` (the week of `end` last); return their paths."""
    import numpy as np

    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frame = load_dataset().sample(frac=1.0, random_state=seed).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    paths = []
    for week, part in zip(drop_weeks(weeks, end or date.today()), np.array_split(frame.index, weeks)):
        rows = frame.loc[part].copy()
        dirty = rows.sample(n=min(3, len(rows)), random_state=seed)  # resent rows: duplicates
        broken = rows.sample(n=min(2, len(rows)), random_state=seed + 1).copy()
        broken.iloc[:, 1] = np.nan  # a row with a missing value
        broken[ID_COLUMN] = broken[ID_COLUMN] + 100_000
        rows = _concat([rows, dirty, broken]).sample(frac=1.0, random_state=int(rng.integers(1 << 30)))
        path = out / f"{week.isoformat()}.csv"
        tmp = path.with_suffix(".tmp")
        rows.to_csv(tmp, index=False)
        tmp.replace(path)
        paths.append(path)
    return paths


def _concat(frames):  # type: ignore[no-untyped-def]
    import pandas as pd

    return pd.concat(frames, ignore_index=True)


def drop_date(path: str | Path) -> date | None:
    """The week a drop file is named for, or None for any other file."""
    match = DROP_NAME.match(Path(path).name)
    return date.fromisoformat(match.group(1)) if match else None


def drops_in(folder: str | Path, start: date | None = None, end: date | None = None) -> list[Path]:
    """Drop files in `folder` whose week lies in [start, end), oldest first."""
    found = []
    for path in sorted(Path(folder).glob("*.csv")):
        day = drop_date(path)
        if day is None or (start is not None and day < start) or (end is not None and day >= end):
            continue
        found.append(path)
    return found


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Write N weekly data drops (CSV) named for their week's Sunday.")
    parser.add_argument("out_dir", help="folder to write the drops into (e.g. the FTP server's drops/ folder)")
    parser.add_argument("-n", "--weeks", type=int, default=3)
    parser.add_argument(
        "--end", type=date.fromisoformat, default=date.today(), help="a day of the last week (YYYY-MM-DD)"
    )
    args = parser.parse_args(argv)
    for path in make_drops(args.out_dir, args.weeks, args.end):
        print(path)
    return 0
