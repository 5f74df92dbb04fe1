"""`tradewind users create|list|delete|add-role|remove-role|reset-password`."""

from __future__ import annotations

import argparse
import secrets
import sys

from tradewind.cli.common import ready_db
from tradewind.exceptions import UsageError, UserAlreadyExists


def random_password() -> str:
    return secrets.token_urlsafe(12)


def _password(args: argparse.Namespace) -> str:
    """--password, --password-stdin, --use-random-password (printed once), or asked twice without echo."""
    sources = {
        "--password": args.password is not None,
        "--password-stdin": args.password_stdin,
        "--use-random-password": args.use_random_password,
    }
    given = [flag for flag, on in sources.items() if on]
    if len(given) > 1:
        raise UsageError(
            f"give either {' or '.join(given)}, not both"
            if len(given) == 2
            else f"give only one of {', '.join(sources)}"
        )
    if args.password is not None:
        return str(args.password)
    if args.password_stdin:
        return _password_from_stdin()
    if args.use_random_password:
        password = random_password()
        print(f"Generated password: {password}")
        return password
    import getpass

    if not sys.stdin.isatty():
        raise UsageError(
            "no terminal to ask for the password on: pass --password, --password-stdin or --use-random-password"
        )
    try:
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Repeat for confirmation: ")
    except (EOFError, KeyboardInterrupt):
        raise UsageError("no password given (use --password or --use-random-password)") from None
    if first != second:
        raise UsageError("passwords did not match")
    if not first:
        raise UsageError("the password must not be empty")
    return first


def _password_from_stdin() -> str:
    """One line of stdin, without its line ending (as `docker login --password-stdin`): a password a pipe can give."""
    line = sys.stdin.readline()
    password = line.removesuffix("\n").removesuffix("\r")
    if not password:
        raise UsageError(
            "--password-stdin: no password on stdin " + ("(its first line is empty)" if line else "(it is empty)")
        )
    return password


def create(args: argparse.Namespace) -> int:
    from tradewind.actions.users import create_user
    from tradewind.store.users import check_role, get_user

    role = check_role(args.role)
    ready_db()
    if get_user(args.username) is not None:  # before asking for a password that would be thrown away
        raise UserAlreadyExists(f"user '{args.username}' already exists")
    password = _password(args)
    create_user(args.username, args.firstname, args.lastname, args.email, [role], password)
    print(f'User "{args.username}" created with role "{role}"')
    return 0


def list_(args: argparse.Namespace) -> int:
    from tradewind.cli.output import print_records
    from tradewind.store.records import pick
    from tradewind.store.users import list_users

    ready_db()
    columns = ("id", "username", "email", "first_name", "last_name", "roles")
    records = [pick(u, *columns, "active") for u in list_users()]
    print_records(records, args.output, columns=columns)
    return 0


def delete(args: argparse.Namespace) -> int:
    from tradewind.actions.users import delete_user

    ready_db()
    delete_user(args.username)
    print(f'User "{args.username}" deleted')
    return 0


def add_role(args: argparse.Namespace) -> int:
    from tradewind.actions.users import add_role as add

    ready_db()
    add(args.username, args.role)
    print(f'User "{args.username}" added to role "{_canonical(args.role)}"')
    return 0


def remove_role(args: argparse.Namespace) -> int:
    from tradewind.actions.users import remove_role as remove

    ready_db()
    remove(args.username, args.role)
    print(f'User "{args.username}" removed from role "{_canonical(args.role)}"')
    return 0


def reset_password(args: argparse.Namespace) -> int:
    from tradewind.actions.users import reset_password
    from tradewind.store.users import get_user

    ready_db()
    if get_user(args.username) is None:
        raise UsageError(f"user '{args.username}' does not exist")
    reset_password(args.username, _password(args))
    print(f'Password for user "{args.username}" reset.')
    return 0


def _canonical(role: str) -> str:
    from tradewind.permissions import canonical_role

    return canonical_role(role) or role
