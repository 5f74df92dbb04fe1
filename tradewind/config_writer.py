"""Write one option into `tradewind.toml`, keeping everything else in the file as it was.

Used to save a generated `[core] fernet_key` (as `airflow db migrate` writes one into
airflow.cfg). Line-based, so comments and layout survive; the result is parsed again before it
replaces the file, and the replacement is atomic. Stdlib only.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from pathlib import Path

from tradewind.exceptions import ConfigError

_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]\s*(#.*)?$")
_ANY_TABLE = re.compile(r"^\s*\[")


def set_config_option(section: str, key: str, value: str, path: Path | None = None) -> Path:
    """Set `[section] key = "value"` in the config file (created, mode 0600, if absent)."""
    from tradewind.config import conf, config_file_path

    target = path or config_file_path()
    try:
        original = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        original = None
    except OSError as exc:
        raise ConfigError(f"cannot read {target}: {exc.strerror}") from None
    updated = _with_option(original or "", section, key, value)
    try:
        parsed = tomllib.loads(updated)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot add {key} to {target} safely ({exc}); add it by hand under [{section}]") from None
    found = {k.lower(): v for k, v in parsed.get(_section_name(parsed, section), {}).items()}
    if found.get(key.lower()) != value:
        raise ConfigError(f"cannot add {key} to {target} safely; add it by hand under [{section}]")
    _atomic_write(target, updated, keep_mode_of=target if original is not None else None)
    conf.reload()
    return target


def _section_name(parsed: dict, section: str) -> str:
    for name in parsed:
        if name.lower() == section.lower():
            return name
    return section


def _with_option(text: str, section: str, key: str, value: str) -> str:
    line = f"{key} = {json.dumps(value)}"
    lines = text.splitlines()
    start = next(
        (i for i, raw in enumerate(lines) if (m := _HEADER.match(raw)) and m.group(1).lower() == section.lower()),
        None,
    )
    if start is None:
        prefix = text if not text or text.endswith("\n") else text + "\n"
        return f"{prefix}{chr(10) if prefix else ''}[{section}]\n{line}\n"
    end = next((i for i in range(start + 1, len(lines)) if _ANY_TABLE.match(lines[i])), len(lines))
    key_re = re.compile(rf"^\s*{re.escape(key)}\s*=", re.IGNORECASE)
    for i in range(start + 1, end):
        if key_re.match(lines[i]):
            lines[i] = line
            break
    else:
        last = start
        for i in range(start + 1, end):
            if lines[i].strip():
                last = i
        lines.insert(last + 1, line)
    return "\n".join(lines) + "\n"


def _atomic_write(target: Path, text: str, *, keep_mode_of: Path | None) -> None:
    from tradewind.utils.private import private_dir

    private_dir(target.parent)
    mode = keep_mode_of.stat().st_mode & 0o777 if keep_mode_of is not None else 0o600
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ConfigError(f"cannot write {target}: {exc.strerror}") from None
