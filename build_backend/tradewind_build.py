"""Tradewind's build backend: setuptools', plus `tradewind_airflow_shim.pth` at the root of every wheel.

A `.pth` file must land in site-packages itself, which setuptools cannot do for editable installs
(PEP 660: only package files are mapped into the editable wheel). So both `build_wheel` (pip install .)
and `build_editable` (pip install -e .) let setuptools build the wheel, then add the file and its
RECORD line. pip then installs it, and uninstalls it with the package.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 — every other hook is setuptools' own

PTH = Path(__file__).resolve().parent.parent / "tradewind" / "compat" / "airflow" / "tradewind_airflow_shim.pth"


def build_wheel(
    wheel_directory: str, config_settings: dict | None = None, metadata_directory: str | None = None
) -> str:
    name = _setuptools.build_wheel(wheel_directory, config_settings, metadata_directory)
    add_to_wheel(Path(wheel_directory, name), PTH.name, PTH.read_bytes())
    return name


def build_editable(
    wheel_directory: str, config_settings: dict | None = None, metadata_directory: str | None = None
) -> str:
    name = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    add_to_wheel(Path(wheel_directory, name), PTH.name, PTH.read_bytes())
    return name


def add_to_wheel(wheel: Path, arcname: str, data: bytes) -> None:
    """Rewrite `wheel` with one more file at its root, listed in its RECORD (a zip member cannot be replaced)."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    rebuilt = wheel.with_suffix(".tmp")
    with zipfile.ZipFile(wheel) as old, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            content = old.read(item)
            if item.filename.endswith(".dist-info/RECORD"):
                content += f"{arcname},sha256={digest},{len(data)}\n".encode()
                info = zipfile.ZipInfo(arcname, date_time=item.date_time)
                info.external_attr = 0o644 << 16  # rw-r--r--, as the files beside it
                new.writestr(info, data, zipfile.ZIP_DEFLATED)
            new.writestr(item, content)
    rebuilt.replace(wheel)
