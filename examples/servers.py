"""Local FTP and SMTP servers for the seed's pipelines, their tests and the demo.

The weekly pipeline downloads its data from an FTP server and emails on failure. To run it
for real on a laptop (and in tests, with no mocks) this module starts:

* an FTP server (pyftpdlib) serving one folder to one user, on a background thread;
* an SMTP sink (aiosmtpd) that stores every mail it receives as an ``.eml`` file in a folder.

    python examples/servers.py --ftp-root ~/tradewind/ftp --maildir ~/tradewind/mail

runs both in the foreground until Ctrl-C and prints where they listen.
"""

from __future__ import annotations

import argparse
import itertools
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_FTP_USER = "tradewind"
DEFAULT_FTP_PASSWORD = "tradewind"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (aiosmtpd's Controller cannot bind port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class FtpHandle:
    """A running FTP server: where it listens, who may log in, and how to stop it."""

    host: str
    port: int
    user: str
    password: str
    root: Path
    _stop: threading.Event = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        return f"ftp://{self.host}:{self.port}/"

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def start_ftp(
    root: str | Path,
    host: str = "127.0.0.1",
    port: int = 0,
    user: str = DEFAULT_FTP_USER,
    password: str = DEFAULT_FTP_PASSWORD,
) -> FtpHandle:
    """Serve `root` over FTP to `user`/`password` on a daemon thread; port 0 picks a free port."""
    import warnings

    with warnings.catch_warnings():  # pyftpdlib imports asyncore/asynchat, deprecated since Python 3.10
        warnings.simplefilter("ignore", DeprecationWarning)
        from pyftpdlib.authorizers import DummyAuthorizer
        from pyftpdlib.handlers import FTPHandler
        from pyftpdlib.servers import FTPServer

    root = Path(root).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    authorizer = DummyAuthorizer()
    authorizer.add_user(user, password, str(root), perm="elradfmw")

    class Handler(FTPHandler):
        pass

    Handler.authorizer = authorizer
    Handler.auth_failed_timeout = 0.1  # pyftpdlib waits 3 s after a bad password by default
    Handler.banner = "Tradewind example FTP server ready."
    Handler.log_prefix = "[ftp %(username)s@%(remote_ip)s]"
    server = FTPServer((host, port), Handler)
    real_port = int(server.socket.getsockname()[1])
    stop = threading.Event()
    _quiet_pyftpdlib()

    def serve() -> None:
        try:
            while not stop.is_set():
                server.ioloop.loop(timeout=0.2, blocking=False)
        finally:
            server.close_all()

    thread = threading.Thread(target=serve, name=f"ftp-{real_port}", daemon=True)
    thread.start()
    return FtpHandle(host, real_port, user, password, root, stop, thread)


def _quiet_pyftpdlib() -> None:
    """Keep pyftpdlib's per-connection INFO lines out of the demo's and the tests' output."""
    import logging

    logger = logging.getLogger("pyftpdlib")
    logger.setLevel(logging.WARNING)
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())  # else pyftpdlib installs its own INFO handler


class _MaildirHandler:
    """aiosmtpd handler: write each received message to `<maildir>/<time>-<n>.eml`."""

    def __init__(self, maildir: Path) -> None:
        self.maildir = maildir
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            n = next(self._counter)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        body = envelope.original_content or envelope.content
        if isinstance(body, str):
            body = body.encode("utf-8")
        target = self.maildir / f"{stamp}-{n:04d}.eml"
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(body)
        tmp.replace(target)  # readers never see half a mail
        return "250 Message accepted for delivery"


@dataclass
class SmtpHandle:
    """A running SMTP sink: where it listens, where mails land, and how to stop it."""

    host: str
    port: int
    maildir: Path
    _controller: Any = field(repr=False)

    def messages(self) -> list[Path]:
        """The stored mails, oldest first."""
        return sorted(self.maildir.glob("*.eml"))

    def stop(self) -> None:
        self._controller.stop()


def start_smtp(maildir: str | Path, host: str = "127.0.0.1", port: int = 0) -> SmtpHandle:
    """Accept mail on `host:port` (0 = a free port) and store each one as an .eml in `maildir`."""
    from aiosmtpd.controller import Controller

    maildir = Path(maildir).expanduser().resolve()
    maildir.mkdir(parents=True, exist_ok=True)
    port = port or free_port(host)
    controller = Controller(_MaildirHandler(maildir), hostname=host, port=port)
    controller.start()
    return SmtpHandle(host, port, maildir, controller)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the example FTP server and SMTP sink until Ctrl-C.")
    parser.add_argument("--ftp-root", default="ftp", help="folder served over FTP (default: ./ftp)")
    parser.add_argument("--ftp-port", type=int, default=2121)
    parser.add_argument("--ftp-user", default=DEFAULT_FTP_USER)
    parser.add_argument("--ftp-password", default=DEFAULT_FTP_PASSWORD)
    parser.add_argument("--maildir", default="mail", help="folder where received mails are stored (default: ./mail)")
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    try:
        ftp = start_ftp(args.ftp_root, args.host, args.ftp_port, args.ftp_user, args.ftp_password)
    except OSError as exc:
        print(f"error: cannot start the FTP server on {args.host}:{args.ftp_port}: {exc}", file=sys.stderr)
        return 1
    try:
        smtp = start_smtp(args.maildir, args.host, args.smtp_port)
    except (OSError, RuntimeError) as exc:
        ftp.stop()
        print(f"error: cannot start the SMTP sink on {args.host}:{args.smtp_port}: {exc}", file=sys.stderr)
        return 1
    print(f"FTP  {ftp.url}  user={ftp.user} password={ftp.password}  serving {ftp.root}")
    print(f"SMTP {smtp.host}:{smtp.port}  mails stored in {smtp.maildir}")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        smtp.stop()
        ftp.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
