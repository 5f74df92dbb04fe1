"""Folders and files only their owner can open: the SQLite database, the config file with its keys, the logs.

They hold password hashes, the Fernet and session keys, and task output that may carry secrets;
on a shared machine the default umask (022) would let every user read them. Created with an
explicit mode rather than by changing the process-wide umask, which other threads share.
Existing paths are left as they are: their owner may have chosen their mode.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> None:
    """Create `path` and any missing parent, each 0700 (`mkdir -p` would give the parents the umask's mode)."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:  # another process made it meanwhile
            pass


def private_file(path: Path) -> None:
    """Create `path` empty, 0600, in a 0700 folder, unless it exists (SQLite then opens it and keeps its mode)."""
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
