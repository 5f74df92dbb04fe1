"""`tradewind webserver` (uvicorn serving the UI and REST API) and `tradewind standalone`.

`standalone` is the two-command start: it migrates, makes sure an admin exists, then runs the
scheduler and the webserver as child processes and stops both when it is told to stop.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

from tradewind.exceptions import UsageError

PASSWORD_FILE = "standalone_admin_password.txt"


def _address(args: argparse.Namespace) -> tuple[str, int, int]:
    from tradewind.config import conf

    host = args.hostname if getattr(args, "hostname", None) is not None else conf.get("webserver", "web_server_host")
    port = args.port if args.port is not None else conf.getint("webserver", "web_server_port")
    workers = getattr(args, "workers", None)
    workers = workers if workers is not None else conf.getint("webserver", "workers", fallback=1)
    if not 1 <= port <= 65535:
        raise UsageError(f"--port must be between 1 and 65535, not {port}")
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, not {workers}")
    return str(host), int(port), int(workers)


def _check_free(host: str, port: int) -> None:
    """Fail with one line now rather than with uvicorn's log after start-up."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def forwarded_allow_ips() -> str | None:
    """[webserver] forwarded_allow_ips, checked: the proxies whose X-Forwarded-For/-Proto uvicorn may believe.

    None (the default, empty) believes no one. uvicorn's own default believes any client on loopback,
    so anything on the machine (or a local reverse proxy passing the header through) could pick the
    address the login throttle counts failures against. Entries are checked as uvicorn reads them: an
    entry it cannot parse would silently trust nothing.
    """
    import ipaddress

    from tradewind.config import conf
    from tradewind.exceptions import ConfigError

    items = [i.strip() for i in str(conf.get("webserver", "forwarded_allow_ips", fallback="") or "").split(",")]
    items = [i for i in items if i]
    for item in (i for i in items if i != "*"):
        parse = ipaddress.ip_network if "/" in item else ipaddress.ip_address
        try:
            parse(item)
        except ValueError:
            raise ConfigError(
                f"[webserver] forwarded_allow_ips: {item!r} is not an IP address, a network (such as 10.0.0.0/8) or '*'"
            ) from None
    return ",".join(items) or None


def _prepare() -> None:
    """Schema at head and the session key saved, before any worker starts (workers must share it)."""
    from tradewind.api.session_key import ensure_secret_key
    from tradewind.cli.common import ready_db

    ready_db()
    ensure_secret_key()


def webserver(args: argparse.Namespace) -> int:
    import uvicorn

    host, port, workers = _address(args)
    proxies = forwarded_allow_ips()
    _prepare()
    _check_free(host, port)
    print(f"Tradewind webserver on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''})", flush=True)
    # uvicorn shuts down gracefully, then re-raises the signal it caught: make that a clean exit.
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        uvicorn.run(
            "tradewind.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            server_header=False,
            proxy_headers=proxies is not None,
            forwarded_allow_ips=proxies,
        )
    except (KeyboardInterrupt, _Stopped):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


class _Stopped(Exception):
    """SIGTERM arrived (after uvicorn's graceful shutdown)."""


def _stop(signum: int, frame: object) -> None:
    raise _Stopped()


# --- standalone ---------------------------------------------------------------------------------
def password_file() -> Path:
    from tradewind.config import tradewind_home

    return tradewind_home() / PASSWORD_FILE


def ensure_admin() -> str | None:
    """Create `admin` (Admin) with a generated password when there is no user; returns that password."""
    from tradewind.cli.commands.users import random_password
    from tradewind.store.users import count_users, create_user

    if count_users() > 0:
        return None
    password = random_password()
    fd = os.open(password_file(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        os.fchmod(fh.fileno(), 0o600)  # an older file may have had another mode
        fh.write(password + "\n")
    create_user("admin", "Admin", "User", "admin@localhost", ["Admin"], password)
    return password


def standalone(args: argparse.Namespace) -> int:
    from tradewind.secrets.fernet import ensure_fernet_key
    from tradewind.store.migrate import migrate

    host, port, _workers = _address(
        argparse.Namespace(port=args.port, hostname=getattr(args, "hostname", None), workers=1)
    )
    migrate()
    ensure_fernet_key()
    _prepare()
    _check_free(host, port)
    password = ensure_admin()
    if password is not None:
        print(
            f"standalone | Created user 'admin' with password: {password}\n"
            f"standalone | (saved in {password_file()}, readable by you only)",
            flush=True,
        )
    else:
        print("standalone | Users exist already: log in with one of them.", flush=True)
    return Standalone(host, port).run()


class Standalone:
    """The scheduler, the triggerer and the webserver as children; on SIGINT/SIGTERM (or if one dies) stop all."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.stop = threading.Event()
        self.children: dict[str, subprocess.Popen[bytes]] = {}

    def _spawn(self, name: str, *argv: str) -> None:
        from tradewind.utils.parent_death import preexec

        # Own process group: Ctrl-C reaches only us, and we stop the children in order. If we are
        # killed (even with SIGKILL), the kernel sends each child SIGTERM: it stops as on Ctrl-C.
        self.children[name] = subprocess.Popen(
            [sys.executable, "-m", "tradewind", *argv], preexec_fn=preexec(signal.SIGTERM, new_session=True)
        )

    def run(self) -> int:
        previous = {sig: signal.signal(sig, lambda *_: self.stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        failed: str | None = None
        try:
            self._spawn("scheduler", "scheduler")
            self._spawn("triggerer", "triggerer")
            self._spawn("webserver", "webserver", "--hostname", self.host, "--port", str(self.port), "--workers", "1")
            print(
                f"standalone | scheduler pid {self.children['scheduler'].pid}, triggerer pid "
                f"{self.children['triggerer'].pid}, webserver pid {self.children['webserver'].pid} "
                f"on http://{self.host}:{self.port}; Ctrl-C stops them",
                flush=True,
            )
            while not self.stop.wait(0.5):
                dead = [name for name, proc in self.children.items() if proc.poll() is not None]
                if dead:
                    failed = dead[0]
                    print(
                        f"standalone | the {failed} exited with code {self.children[failed].returncode}; stopping",
                        file=sys.stderr,
                        flush=True,
                    )
                    break
        finally:
            self._shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        print("standalone | stopped", flush=True)
        return 1 if failed else 0

    def _shutdown(self) -> None:
        """Webserver first (no new requests), then the scheduler, which lets running tasks finish; the triggerer."""
        from tradewind.config import conf

        timeout = conf.getfloat("scheduler", "graceful_shutdown_timeout") + 10
        for name in ("webserver", "scheduler", "triggerer"):
            proc = self.children.get(name)
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                print(f"standalone | the {name} did not stop in {timeout:.0f}s; killing it", file=sys.stderr)
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
