"""Real servers on loopback for the network providers' tests: HTTP (http.server), FTP/FTPS (pyftpdlib), SSH/SFTP (asyncssh).

Each runs on a daemon thread of the test process, on a free port, and is reachable from the
`tradewind` child processes the end-to-end tests start.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import signal
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# --- HTTP --------------------------------------------------------------------------------------
#: route → (status, headers, body) from the request (method, path with query, headers, body)
Route = Callable[["HttpRequest"], tuple[int, dict[str, str], bytes]]


@dataclass
class HttpRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpHandle:
    host: str
    port: int
    requests: list[HttpRequest]
    _server: Any = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def start_http(routes: dict[str, Route]) -> HttpHandle:
    """Serve `routes` (keyed by path without the query); unknown paths are 404. Records every request."""
    from urllib.parse import parse_qs, urlsplit

    seen: list[HttpRequest] = []

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = HttpRequest(
                self.command, parts.path, parse_qs(parts.query), dict(self.headers.items()), self.rfile.read(length)
            )
            seen.append(request)
            route = routes.get(parts.path)
            status, headers, body = route(request) if route else (404, {}, b"no such page")
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return HttpHandle("127.0.0.1", server.server_address[1], seen, server)


def json_reply(data: Any, status: int = 200) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(data).encode()


# --- FTP / FTPS --------------------------------------------------------------------------------
@dataclass
class FtpServer:
    host: str
    port: int
    root: Path
    _stop: threading.Event = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def self_signed_cert(folder: Path) -> Path:
    """A PEM file holding a fresh key and a self-signed certificate for 127.0.0.1 (made with `cryptography`)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    path = folder / "ftps.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        + cert.public_bytes(serialization.Encoding.PEM)
    )
    return path


def start_ftp(root: Path, user: str, password: str, *, tls_cert: Path | None = None) -> FtpServer:
    """pyftpdlib serving `root` to `user`; with `tls_cert`, FTPS only (TLS required on control and data)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from pyftpdlib.authorizers import DummyAuthorizer
        from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
        from pyftpdlib.servers import FTPServer

    root.mkdir(parents=True, exist_ok=True)
    authorizer = DummyAuthorizer()
    authorizer.add_user(user, password, str(root), perm="elradfmwMT")
    base: Any = TLS_FTPHandler if tls_cert else FTPHandler

    class Handler(base):  # type: ignore[misc, valid-type]
        pass

    Handler.authorizer = authorizer
    Handler.auth_failed_timeout = 0.05
    if tls_cert:
        Handler.certfile = str(tls_cert)
        Handler.tls_control_required = True
        Handler.tls_data_required = True
    server = FTPServer(("127.0.0.1", 0), Handler)
    port = int(server.socket.getsockname()[1])
    stop = threading.Event()
    import logging

    logger = logging.getLogger("pyftpdlib")
    logger.setLevel(logging.WARNING)
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())  # else pyftpdlib installs its own INFO handler

    def serve() -> None:
        try:
            while not stop.is_set():
                server.ioloop.loop(timeout=0.1, blocking=False)
        finally:
            server.close_all()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return FtpServer("127.0.0.1", port, root, stop, thread)


# --- SSH / SFTP --------------------------------------------------------------------------------
@dataclass
class SshServer:
    host: str
    port: int
    root: Path
    user: str
    password: str
    client_key_file: Path
    client_key_text: str
    #: the client key again, encrypted with the passphrase "key-passphrase-1"
    client_key_encrypted: str
    #: the server's public host key, as a known_hosts line's "type base64" part
    host_key_line: str
    #: what the server saw of each command: {"command", "env", "term_type"}
    commands: list[dict[str, Any]]
    _loop: asyncio.AbstractEventLoop = field(repr=False)
    _server: Any = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _running: set[Any] = field(repr=False, default_factory=set)

    def stop(self) -> None:
        async def close() -> None:
            for item in list(self._running):
                if isinstance(item, asyncio.subprocess.Process):  # a command still running (its client timed out)
                    if item.returncode is None:
                        os.killpg(item.pid, signal.SIGKILL)  # the shell and what it started
                    await item.wait()
                else:  # a client connection: closing the server does not close them
                    item.close()
                    await item.wait_closed()
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()


def start_ssh(root: Path, user: str, password: str, key_dir: Path) -> SshServer:
    """asyncssh: password and public-key login for `user`; commands run by /bin/sh in `root`; SFTP chrooted to `root`."""
    import logging

    import asyncssh

    logging.getLogger("asyncssh").setLevel(logging.WARNING)  # its per-connection INFO lines would fill task logs
    root.mkdir(parents=True, exist_ok=True)
    key_dir.mkdir(parents=True, exist_ok=True)
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    key_file = key_dir / "id_ed25519"
    key_text = client_key.export_private_key("openssh").decode()
    # few KDF rounds: decrypting the key stays fast (it is a throwaway test key)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # bcrypt warns about so few rounds
        key_encrypted = client_key.export_private_key("openssh", passphrase="key-passphrase-1", rounds=2).decode()
    host_key_line = host_key.export_public_key("openssh").decode().strip()
    key_file.write_text(key_text)
    key_file.chmod(0o600)
    authorized = asyncssh.import_authorized_keys(client_key.export_public_key("openssh").decode())
    commands: list[dict[str, Any]] = []
    running: set[Any] = set()

    class Server(asyncssh.SSHServer):
        def connection_made(self, conn: Any) -> None:
            running.add(conn)

        def connection_lost(self, exc: Exception | None) -> None:
            pass

        def begin_auth(self, username: str) -> bool:
            return True

        def password_auth_supported(self) -> bool:
            return True

        def validate_password(self, username: str, given: str) -> bool:
            return username == user and given == password

    async def run_command(process: Any) -> None:
        env = {
            (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in dict(process.env).items()
        }
        commands.append({"command": process.command, "env": env, "term_type": process.term_type})
        if not process.command:
            process.exit(0)
            return
        proc = await asyncio.create_subprocess_shell(
            process.command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **env},
            cwd=str(root),
            start_new_session=True,
        )
        running.add(proc)

        async def pump(source: Any, target: Any) -> None:
            while chunk := await source.read(4096):
                target.write(chunk)

        try:
            await asyncio.gather(pump(proc.stdout, process.stdout), pump(proc.stderr, process.stderr))
            process.exit(await proc.wait())
        finally:
            running.discard(proc)

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def listen() -> Any:
        return await asyncssh.create_server(
            Server,
            "127.0.0.1",
            0,
            server_host_keys=[host_key],
            authorized_client_keys=authorized,
            process_factory=run_command,
            sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=str(root).encode()),
            encoding=None,
            allow_scp=False,
        )

    server = asyncio.run_coroutine_threadsafe(listen(), loop).result(timeout=10)
    port = server.sockets[0].getsockname()[1]
    return SshServer(
        "127.0.0.1",
        port,
        root,
        user,
        password,
        client_key_file=key_file,
        client_key_text=key_text,
        client_key_encrypted=key_encrypted,
        host_key_line=host_key_line,
        commands=commands,
        _loop=loop,
        _server=server,
        _thread=thread,
        _running=running,
    )
