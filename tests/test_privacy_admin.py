"""The admin commands: purge, export, erase and reencrypt, as an operator runs them."""

from __future__ import annotations

import argparse
import io
import json
import stat
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import admin
from settings import Settings
from storage.crypto import FieldCipher, generate_key_spec, parse_keys
from storage.db import Database
from storage.models import AuditEntry
from tests.test_privacy_support import ANSWERS, NOW, file_request, references, set_status

KEY = generate_key_spec("adm1")


@dataclass
class Result:
    code: int
    out: str
    err: str


def parse(*argv: str) -> argparse.Namespace:
    """Parse as app.py does: the commands added to its subparsers."""
    parser = argparse.ArgumentParser(prog="python -m app")
    admin.add_commands(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(list(argv))


async def run(settings: Settings, *argv: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = await admin.run_command(parse(*argv), settings, out=out, err=err)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def settings(db: Database, tmp_path: Path) -> Settings:
    """Settings on the test database with a configured key."""
    return Settings(database_url=db.url, data_dir=tmp_path / "data", data_encryption_key=KEY)


@pytest.fixture
def key() -> FieldCipher:
    return FieldCipher(parse_keys(KEY))


async def actions(db: Database, reference: str) -> list[tuple[str, str]]:
    async with db.transaction() as session:
        rows = await session.execute(
            select(AuditEntry.action, AuditEntry.actor)
            .where(AuditEntry.reference == reference)
            .order_by(AuditEntry.id)
        )
        return [(row.action, row.actor) for row in rows]


def assert_one_line_error(result: Result, expected: str) -> None:
    assert result.err.count("\n") == 1, result.err
    assert expected in result.err
    assert "Traceback" not in result.err


async def test_export_prints_the_request_as_json_and_warns_on_stderr(db, settings, key):
    reference = await file_request(db, key)
    result = await run(settings, "export", reference, "--actor", "dpo")
    assert result.code == 0
    assert json.loads(result.out)["details"] == ANSWERS
    assert "personal data" in result.err


async def test_export_is_audited_with_the_actor_given(db, settings, key):
    reference = await file_request(db, key)
    await run(settings, "export", reference, "--actor", "Data Protection Officer")
    assert (await actions(db, reference))[-1] == ("exported", "Data Protection Officer")


async def test_the_actor_defaults_to_the_os_user(db, settings, key, monkeypatch):
    monkeypatch.setattr(admin.getpass, "getuser", lambda: "opsuser")
    reference = await file_request(db, key)
    await run(settings, "export", reference)
    assert (await actions(db, reference))[-1] == ("exported", "opsuser")


async def test_export_to_a_file_is_readable_by_its_owner_only(db, settings, key, tmp_path):
    reference = await file_request(db, key)
    path = tmp_path / "export.json"
    result = await run(settings, "export", reference, "--out", str(path))
    assert result.code == 0 and result.out == ""
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text(encoding="utf-8"))["reference"] == reference
    assert "personal data" in result.err


async def test_export_over_an_existing_file_makes_it_owner_only(db, settings, key, tmp_path):
    reference = await file_request(db, key)
    path = tmp_path / "export.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)
    await run(settings, "export", reference, "--out", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_export_of_a_missing_reference_is_one_clear_line_and_leaves_no_file(
    settings, tmp_path
):
    path = tmp_path / "export.json"
    result = await run(settings, "export", "VIG-2026-9999", "--out", str(path))
    assert result.code == 1
    assert_one_line_error(result, "No request with reference VIG-2026-9999")
    assert not path.exists()


async def test_export_with_a_wrong_key_is_one_clear_line(db, settings, key):
    reference = await file_request(db, key)
    wrong = Settings(
        database_url=settings.database_url,
        data_dir=settings.data_dir,
        data_encryption_key=generate_key_spec("adm1"),
    )
    result = await run(wrong, "export", reference)
    assert result.code == 1 and result.out == ""
    assert_one_line_error(result, "Cannot decrypt stored data")


async def test_erase_refuses_without_yes(db, settings, key):
    reference = await file_request(db, key)
    result = await run(settings, "erase", reference)
    assert result.code == 2
    assert "--yes" in result.err
    assert await references(db) == {reference}


async def test_erase_with_yes_erases_and_is_audited(db, settings, key):
    reference = await file_request(db, key)
    result = await run(settings, "erase", reference, "--yes", "--actor", "dpo")
    assert result.code == 0 and "Erased" in result.out
    assert await references(db) == set()
    assert (await actions(db, reference))[-1] == ("erased", "dpo")


async def test_erase_of_a_missing_reference_is_one_clear_line(settings):
    result = await run(settings, "erase", "VIG-2026-9999", "--yes")
    assert result.code == 1
    assert_one_line_error(result, "No request with reference VIG-2026-9999")


async def test_purge_deletes_what_is_due_and_prints_counts(db, settings, key):
    long_ago = NOW - timedelta(days=settings.referral_retention_days + 400)
    reference = await file_request(db, key, now=long_ago)
    await set_status(db, reference, "declined", updated_at=long_ago)
    result = await run(settings, "purge")
    assert result.code == 0
    assert "1 requests" in result.out
    assert await references(db) == set()


async def test_reencrypt_moves_values_to_the_new_key_and_says_the_old_can_go(db, settings, key):
    reference = await file_request(db, key)
    new_key = generate_key_spec("adm2")
    rotated = Settings(
        database_url=settings.database_url,
        data_dir=settings.data_dir,
        data_encryption_key=f"{new_key},{KEY}",
    )
    result = await run(rotated, "reencrypt")
    assert result.code == 0
    assert "older keys can be removed" in result.out
    new_only = Settings(
        database_url=settings.database_url,
        data_dir=settings.data_dir,
        data_encryption_key=new_key,
    )
    assert (await run(new_only, "export", reference)).code == 0


async def test_production_without_a_key_is_a_configuration_error(settings):
    production = Settings(
        app_id="app-id", app_password="secret", database_url=settings.database_url
    )
    result = await run(production, "purge")
    assert result.code == 2
    assert_one_line_error(result, "DATA_ENCRYPTION_KEY")


async def test_an_unmigrated_database_is_one_clear_line(tmp_path):
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}",
        data_dir=tmp_path,
        data_encryption_key=KEY,
    )
    result = await run(settings, "export", "VIG-2026-0001")
    assert result.code == 1
    assert_one_line_error(result, "migrate")


def test_python_m_admin_runs_a_command_with_settings_from_the_environment(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("DATA_ENCRYPTION_KEY", KEY)
    monkeypatch.delenv("MicrosoftAppId", raising=False)
    assert admin.main(["erase", "VIG-2026-0001"]) == 2
    assert "--yes" in capsys.readouterr().err
