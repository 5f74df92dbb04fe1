"""Virtual environments for `PythonVirtualenvOperator`: built once per set of requirements, then reused.

A venv lives in `<cache>/venv-<hash>`, where the hash covers everything that shapes it (requirements,
pip options, index URLs, Python version, system site packages), as Airflow's `venv_cache_path`. A
file lock keeps two tasks from building the same venv at once, and a marker written last tells a
finished venv from one a killed build left half done. `uv` builds it when installed, else
`python -m venv` and pip; the installer's output goes to the task log line by line.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from tradewind.exceptions import VirtualenvError

MARKER = "install_complete_marker.json"
_TAIL_LINES = 25  # of the installer's output, repeated in the error so the failure line says why


@dataclass(frozen=True)
class VenvSpec:
    """Everything a venv's content depends on; its JSON is the cache key."""

    requirements: tuple[str, ...]
    python_version: str | None
    system_site_packages: bool
    pip_install_options: tuple[str, ...]
    index_urls: tuple[str, ...] | None  # None: pip's own configuration; (): no index at all

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def directory(self, cache_root: Path) -> Path:
        digest = hashlib.md5(self.key().encode(), usedforsecurity=False).hexdigest()
        return cache_root / f"venv-{digest[:8]}"


def run_logged(cmd: Sequence[str], log: logging.Logger, env: Mapping[str, str] | None = None) -> tuple[int, list[str]]:
    """Run `cmd`, sending its stdout and stderr to `log` as they come; its exit code and output lines."""
    log.info("Executing cmd: %s", " ".join(cmd))
    lines: list[str] = []
    with subprocess.Popen(
        list(cmd),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=None if env is None else dict(env),
        text=True,
        errors="replace",
    ) as proc:
        assert proc.stdout is not None
        try:
            for raw in proc.stdout:
                line = raw.rstrip("\n")
                lines.append(line)
                log.info("%s", line)
        except BaseException:  # execution_timeout or a stop: the child must not outlive the task
            proc.kill()
            raise
    return proc.returncode, lines


def ensure_venv(spec: VenvSpec, cache_root: Path, log: logging.Logger) -> Path:
    """The python of a finished venv for `spec` under `cache_root`, building it if there is none."""
    import fcntl

    venv = spec.directory(cache_root)
    cache_root.mkdir(parents=True, exist_ok=True)
    with open(f"{venv}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a parallel task building the same venv finishes first
        marker = venv / MARKER
        if marker.is_file() and marker.read_text(encoding="utf-8") == spec.key():
            log.info("Re-using cached Python virtual environment in %s", venv)
            return venv / "bin" / "python"
        if venv.exists():
            log.warning("Found a partly built virtual environment in %s; building it again", venv)
            shutil.rmtree(venv)
        log.info("Creating Python virtual environment in %s", venv)
        try:
            _build(venv, spec, log)
        except BaseException:
            shutil.rmtree(venv, ignore_errors=True)
            raise
        marker.write_text(spec.key(), encoding="utf-8")
        log.info("New Python virtual environment created in %s", venv)
        return venv / "bin" / "python"


def _base_python(version: str | None) -> str:
    if not version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if found is None:
        raise VirtualenvError(f"python_version={version!r}: no python{version} interpreter on PATH")
    return found


def _build(venv: Path, spec: VenvSpec, log: logging.Logger) -> None:
    python = _base_python(spec.python_version)
    uv = shutil.which("uv")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    if uv:
        create = [uv, "venv", "--seed", "--python", python, str(venv)]
    else:
        create = [python, "-m", "venv", str(venv)]
    if spec.system_site_packages:
        create.insert(-1, "--system-site-packages")
    _check(run_logged(create, log, env), "create the virtual environment")
    if not spec.requirements:
        return
    requirements = venv / "requirements.txt"
    requirements.write_text("\n".join(spec.requirements) + "\n", encoding="utf-8")
    venv_python = str(venv / "bin" / "python")
    if uv:
        install = [uv, "pip", "install", "--python", venv_python, *_uv_index_options(spec.index_urls)]
    else:
        _write_pip_conf(venv, spec.index_urls)
        install = [venv_python, "-m", "pip", "install"]
    install += [*spec.pip_install_options, "-r", str(requirements)]
    _check(run_logged(install, log, env), "install the requirements")


def _write_pip_conf(venv: Path, index_urls: tuple[str, ...] | None) -> None:
    """pip in the venv reads `<venv>/pip.conf`: the index URLs given, or no index for an empty list."""
    if index_urls is None:
        return
    if not index_urls:
        options = "no-index = true"
    else:
        options = f"index-url = {index_urls[0]}"
        if len(index_urls) > 1:
            options += f"\nextra-index-url = {' '.join(index_urls[1:])}"
    (venv / "pip.conf").write_text(f"[global]\n{options}\n", encoding="utf-8")


def _uv_index_options(index_urls: tuple[str, ...] | None) -> list[str]:
    if index_urls is None:
        return []
    if not index_urls:
        return ["--no-index"]
    return ["--index-url", index_urls[0], *(f"--extra-index-url={url}" for url in index_urls[1:])]


def _check(result: tuple[int, list[str]], what: str) -> None:
    code, lines = result
    if code != 0:
        tail = "\n".join(lines[-_TAIL_LINES:])
        raise VirtualenvError(f"could not {what} (exit code {code}):\n{tail}")
