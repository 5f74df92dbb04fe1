"""Download the data drops of an interval from the FTP server of a connection (Python's ftplib).

The Python counterpart of work_automation/download_data.sh, for the one-file and monthly
pipelines: the same connection (`ftp_default`: host, port, login, password, extra `path`).
"""

from __future__ import annotations

import ftplib
from datetime import date
from pathlib import Path

from seedlib.drops import drop_date


def fetch_drops(conn_id: str, raw_dir: str | Path, start: date, end: date) -> list[str]:
    """Fetch every drop whose week lies in [start, end) into `raw_dir`; fail if there is none."""
    from tradewind.hooks.base import BaseHook

    conn = BaseHook.get_connection(conn_id)
    remote_dir = conn.extra_dejson.get("path", "drops")
    target = Path(raw_dir)
    target.mkdir(parents=True, exist_ok=True)
    fetched = []
    with ftplib.FTP() as ftp:
        ftp.connect(conn.host or "127.0.0.1", conn.port or 21, timeout=30)
        ftp.login(conn.login or "anonymous", conn.password or "")
        ftp.cwd(remote_dir)
        for name in sorted(ftp.nlst()):
            day = drop_date(name)
            if day is None or not start <= day < end:
                continue
            part = target / f"{name}.part"
            with part.open("wb") as fh:
                ftp.retrbinary(f"RETR {name}", fh.write)
            part.replace(target / name)
            print(f"Downloaded {name} into {target}")
            fetched.append(name)
    if not fetched:
        raise FileNotFoundError(f"no data drop for {start} to {end} on ftp://{conn.host}:{conn.port}/{remote_dir}/")
    return fetched
