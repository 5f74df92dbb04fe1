"""`tradewind users ...`: create (password given, random, or asked on a real terminal), list, roles, reset, delete."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from typing import Any

USER = ("-u", "ada", "-f", "Ada", "-l", "Lovelace", "-e", "ada@example.com")


def authenticates(username: str, password: str) -> bool:
    from tradewind.store.users import authenticate

    return authenticate(username, password) is not None


def test_create_list_and_log_in(cli: Any) -> None:
    created = cli("users", "create", *USER, "-r", "admin", "--password", "analytical")
    assert created.code == 0, created.err
    assert 'User "ada" created with role "Admin"' in created.out
    listed = json.loads(cli("users", "list", "-o", "json").out)
    assert listed == [
        {
            "id": 1,
            "username": "ada",
            "email": "ada@example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "roles": ["Admin"],
        }
    ]
    assert authenticates("ada", "analytical") and not authenticates("ada", "engine")
    table = cli("users", "list").out
    assert "ada" in table and "Admin" in table


def test_the_password_is_stored_as_an_argon2_hash(cli: Any) -> None:
    from tradewind.store.users import get_user

    assert cli("users", "create", *USER, "-r", "Viewer", "-p", "analytical").code == 0
    stored = get_user("ada").password_hash
    assert stored.startswith("$argon2") and "analytical" not in stored


def test_random_password_is_printed_once_and_works(cli: Any) -> None:
    result = cli("users", "create", *USER, "-r", "Op", "--use-random-password")
    assert result.code == 0, result.err
    password = result.out.split("Generated password: ")[1].split()[0]
    assert authenticates("ada", password)


def test_mistakes_get_one_line_and_a_non_zero_exit(cli: Any) -> None:
    assert cli("users", "create", *USER, "-r", "Viewer", "-p", "x").code == 0
    cases = {
        ("users", "create", *USER, "-r", "Viewer", "-p", "x"): "already exists",
        (
            "users",
            "create",
            "-u",
            "bob",
            "-f",
            "B",
            "-l",
            "B",
            "-e",
            "b@x",
            "-r",
            "Overlord",
            "-p",
            "x",
        ): "unknown role",
        (
            "users",
            "create",
            "-u",
            "bob",
            "-f",
            "B",
            "-l",
            "B",
            "-e",
            "b@x",
            "-r",
            "Op",
            "-p",
            "x",
            "--use-random-password",
        ): "either --password or --use-random-password",
        ("users", "create", "-u", "bob", "-f", "B", "-l", "B", "-e", "b@x", "-r", "Op", "-p", ""): "must not be empty",
        ("users", "delete", "-u", "ghost"): "does not exist",
        ("users", "add-role", "-u", "ghost", "-r", "Op"): "does not exist",
        ("users", "add-role", "-u", "ada", "-r", "Viewer"): "already has the role",
        ("users", "remove-role", "-u", "ada", "-r", "Admin"): "does not have the role",
        ("users", "reset-password", "-u", "ghost", "-p", "x"): "does not exist",
    }
    for argv, message in cases.items():
        result = cli(*argv)
        assert result.code == 1, argv
        assert message in result.err and len(result.err.strip().splitlines()) == 1, (argv, result.err)
        assert "Traceback" not in result.err


def test_roles_reset_password_and_delete(cli: Any) -> None:
    from tradewind.store.users import get_user

    assert cli("users", "create", *USER, "-r", "Viewer", "-p", "first").code == 0
    assert cli("users", "add-role", "-u", "ada", "-r", "op").code == 0
    assert get_user("ada").roles == ["Op", "Viewer"]
    assert cli("users", "remove-role", "-u", "ada", "-r", "Viewer").code == 0
    assert get_user("ada").roles == ["Op"]
    assert cli("users", "reset-password", "-u", "ada", "-p", "second").code == 0
    assert authenticates("ada", "second") and not authenticates("ada", "first")
    deleted = cli("users", "delete", "-u", "ada")
    assert deleted.code == 0 and get_user("ada") is None


def test_no_password_and_no_terminal_is_a_clear_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tradewind", "users", "create", *USER, "-r", "Op"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "tradewind: error: no terminal to ask for the password on: "
        "pass --password, --password-stdin or --use-random-password"
    )


def _piped(argv: tuple[str, ...], stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tradewind", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )


def test_password_from_a_pipe_with_password_stdin() -> None:
    created = _piped(("users", "create", *USER, "-r", "Op", "--password-stdin"), "piped secret\nsecond line\n")
    assert created.returncode == 0, created.stderr
    assert authenticates("ada", "piped secret")  # one line, without its line ending
    reset = _piped(("users", "reset-password", "-u", "ada", "--password-stdin"), "windows line\r\n")
    assert reset.returncode == 0, reset.stderr
    assert authenticates("ada", "windows line") and not authenticates("ada", "piped secret")
    for stdin, why in (("", "(it is empty)"), ("\nlater\n", "(its first line is empty)")):
        failed = _piped(
            ("users", "create", "-u", "bob", "-f", "B", "-l", "B", "-e", "b@x", "-r", "Op", "--password-stdin"), stdin
        )
        assert failed.returncode == 1
        assert failed.stderr.strip() == f"tradewind: error: --password-stdin: no password on stdin {why}"
    both = _piped(("users", "reset-password", "-u", "ada", "-p", "x", "--password-stdin"), "y\n")
    assert both.returncode == 1 and "give either --password or --password-stdin, not both" in both.stderr


def _on_a_terminal(argv: list[str], answers: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run `tradewind ARGV` on a real pseudo-terminal, typing each answer after each `Password`-ish prompt."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal, as in a shell
        os.execve(sys.executable, [sys.executable, "-m", "tradewind", *argv], dict(os.environ))
    seen = b""
    deadline = time.monotonic() + timeout
    pending = list(answers)
    answered = 0
    try:
        while time.monotonic() < deadline:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if pending and seen[answered:].rstrip().endswith(b":"):  # a new prompt, not the last one again
                os.write(fd, pending.pop(0).encode() + b"\n")
                answered = len(seen)
        else:
            os.kill(pid, signal.SIGKILL)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_without_a_password_it_is_asked_twice_without_echo() -> None:
    code, screen = _on_a_terminal(["users", "create", *USER, "-r", "User"], ["typed-secret", "typed-secret"])
    assert code == 0, screen
    assert "Password:" in screen and "Repeat for confirmation:" in screen
    assert "typed-secret" not in screen  # hidden input
    assert authenticates("ada", "typed-secret")


def test_two_different_answers_create_nobody() -> None:
    from tradewind.store.users import get_user

    code, screen = _on_a_terminal(["users", "create", *USER, "-r", "User"], ["one-secret", "another"])
    assert code == 1 and "passwords did not match" in screen
    assert get_user("ada") is None
