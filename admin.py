"""Admin commands for personal data: purge, export, erase, reencrypt.

`app.py` adds them to its command line with `add_commands(subparsers)` and runs them with
`run_command(args, settings)`; `python -m admin ...` runs them on their own. Errors are one clear
line on stderr and an exit code, never a traceback (a traceback can quote personal data).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.exc import SQLAlchemyError

from settings import Settings, SettingsError, load_settings
from storage.crypto import DecryptionError, FieldCipher, KeyConfigError
from storage.db import Database
from storage.retention import purge_due
from storage.rotation import reencrypt_all, values_on_old_keys
from storage.subject_rights import RequestNotFoundError, erase_request, export_request

COMMANDS = ("purge", "export", "erase", "reencrypt")

OK = 0
FAILED = 1
USAGE = 2

EXPORT_WARNING = (
    "This export holds personal data about a child and family. Keep it somewhere safe, share it "
    "only with the person who asked, and delete it when you are done."
)


def default_actor() -> str:
    """Who is running the command, for the audit trail: the OS user."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown-operator"


def add_commands(subparsers: Any) -> None:
    """Add the personal-data commands to the app's `argparse` subparsers."""
    subparsers.add_parser(
        "purge", help="delete drafts and closed requests that are past their retention"
    )
    export = subparsers.add_parser(
        "export", help="write everything held about one request as JSON (subject access)"
    )
    export.add_argument("reference", help="the request's reference, e.g. VIG-2026-0001")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.add_argument("--actor", default=None, help="who is exporting (default: the OS user)")
    erase = subparsers.add_parser(
        "erase", help="delete one request and what is held about it (right to erasure)"
    )
    erase.add_argument("reference", help="the request's reference, e.g. VIG-2026-0001")
    erase.add_argument("--yes", action="store_true", help="confirm: erasure cannot be undone")
    erase.add_argument("--actor", default=None, help="who is erasing (default: the OS user)")
    subparsers.add_parser(
        "reencrypt", help="rewrite every encrypted value with the current (first) key"
    )


def _open_private(path: Path) -> TextIO:
    """Open `path` for writing so that only its owner can read it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # O_CREAT's mode applies only to a new file; an existing one is tightened too.
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8")


def _discard(target: TextIO, path: Path) -> None:
    """Close and delete a half-written export."""
    target.close()
    path.unlink(missing_ok=True)


async def purge(db: Database, cipher: FieldCipher, settings: Settings, out: TextIO) -> int:
    """Delete what the retention settings say is due; print the counts."""
    report = await purge_due(
        db,
        cipher,
        now=datetime.now(UTC),
        draft_retention_days=settings.draft_retention_days,
        referral_retention_days=settings.referral_retention_days,
    )
    print(
        f"Purged {report.drafts} drafts, {report.requests} requests "
        f"({report.outbox} outbox messages), {report.activities} activity ids.",
        file=out,
    )
    return OK


async def export(
    db: Database,
    cipher: FieldCipher,
    reference: str,
    *,
    actor: str,
    destination: Path | None,
    out: TextIO,
    err: TextIO,
) -> int:
    """Export one request as JSON to `destination` (a 0600 file) or `out`; audited."""
    target = out
    if destination is not None:
        # Opened first, so that an unwritable path fails before the export is made and audited.
        try:
            target = _open_private(destination)
        except OSError as exc:
            print(f"Cannot write {destination}: {exc.strerror or type(exc).__name__}.", file=err)
            return FAILED
    try:
        exported = await export_request(db, cipher, reference, actor=actor, now=datetime.now(UTC))
        print(EXPORT_WARNING, file=err)
        target.write(json.dumps(exported, indent=2, ensure_ascii=False) + "\n")
    except BaseException:
        if destination is not None:
            _discard(target, destination)
        raise
    if destination is not None:
        target.close()
        print(f"Wrote {reference} to {destination} (readable by you only).", file=err)
    return OK


async def erase(
    db: Database, cipher: FieldCipher, reference: str, *, actor: str, out: TextIO
) -> int:
    """Erase one request, keeping the audit trail; audited."""
    if await erase_request(db, cipher, reference, actor=actor, now=datetime.now(UTC)):
        print(f"Erased {reference}. The audit trail keeps who erased it and when.", file=out)
    else:
        print(f"{reference} had already been erased or purged; nothing to do.", file=out)
    return OK


async def reencrypt(db: Database, cipher: FieldCipher, out: TextIO) -> int:
    """Re-encrypt every value under the current key; say whether old keys can now go."""
    rewritten = await reencrypt_all(db, cipher)
    left = await values_on_old_keys(db, cipher)
    key_id = cipher.current.key_id
    print(f"Re-encrypted {rewritten} values with key {key_id!r}.", file=out)
    if left:
        print(
            f"{left} values are still under older keys: keep them in DATA_ENCRYPTION_KEY.",
            file=out,
        )
        return FAILED
    print(f"Every value now uses {key_id!r}: older keys can be removed.", file=out)
    return OK


async def run_command(
    args: argparse.Namespace,
    settings: Settings,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run one admin command; the exit code. Errors are one line on stderr."""
    from app import build_cipher  # app imports the bot; importing it here avoids a cycle

    out = out or sys.stdout
    err = err or sys.stderr
    command = args.command
    if command == "erase" and not args.yes:
        print(
            f"Erasing {args.reference} cannot be undone. Run again with --yes to confirm.",
            file=err,
        )
        return USAGE
    try:
        cipher = build_cipher(settings)
    except KeyConfigError as exc:
        print(f"Configuration error: {exc}", file=err)
        return USAGE
    actor = getattr(args, "actor", None) or default_actor()
    db = Database(settings.sqlalchemy_url)
    try:
        if command == "purge":
            return await purge(db, cipher, settings, out)
        if command == "export":
            return await export(
                db, cipher, args.reference, actor=actor, destination=args.out, out=out, err=err
            )
        if command == "erase":
            return await erase(db, cipher, args.reference, actor=actor, out=out)
        if command == "reencrypt":
            return await reencrypt(db, cipher, out)
        print(f"Unknown command {command!r}.", file=err)
        return USAGE
    except RequestNotFoundError as exc:
        print(f"No request with reference {exc.reference}.", file=err)
        return FAILED
    except DecryptionError as exc:
        print(f"Cannot decrypt stored data: {exc}. Check DATA_ENCRYPTION_KEY.", file=err)
        return FAILED
    except SQLAlchemyError as exc:
        # The type only: a database error's message can quote the values it was given.
        print(
            f"Database error ({type(exc).__name__}). Is DATABASE_URL right, and has "
            "`python -m app migrate` been run?",
            file=err,
        )
        return FAILED
    except OSError as exc:
        print(f"Cannot reach the database ({type(exc).__name__}). Is DATABASE_URL right?", file=err)
        return FAILED
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> int:
    """`python -m admin COMMAND`: the admin commands without the server's command line."""
    parser = argparse.ArgumentParser(prog="python -m admin", description=__doc__)
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return USAGE
    return asyncio.run(run_command(args, settings))


if __name__ == "__main__":
    sys.exit(main())
