"""Rules the foundation keeps: authentication, the SDK fixes, the import boundary, settings."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app import create_app
from dialogs.allocation import first_thursday, format_meeting_date, next_allocation_meeting
from settings import Settings, SettingsError, load_settings
from storage.crypto import FieldCipher
from tests.conftest import activity, start_bot
from tests.fake_connector import FakeConnector

REPO = Path(__file__).resolve().parent.parent
SDK_PACKAGES = ("botbuilder", "botframework", "msrest")


async def test_unsigned_request_is_401_when_an_app_id_is_set(
    database_url: str, tmp_path: Path, cipher: FieldCipher, connector: FakeConnector
) -> None:
    settings = Settings(
        app_id="00000000-0000-0000-0000-000000000001",
        app_password="secret",
        database_url=database_url,
        data_dir=tmp_path,
    )
    client, _ = await start_bot(settings, cipher, connector)
    try:
        response = await client.post("/api/messages", json=activity(connector.url, text="hi"))
        forged = await client.post(
            "/api/messages",
            json=activity(connector.url, text="hi"),
            headers={"Authorization": "Bearer not-a-real-token"},
        )
    finally:
        await client.close()
    assert response.status == 401
    assert forged.status == 401
    assert connector.sent == []


def test_msrest_retry_policy_fix_is_applied_at_start_up(
    settings: Settings, cipher: FieldCipher
) -> None:
    from msrest.universal_http.requests import ClientRetryPolicy

    create_app(settings, cipher=cipher, background=False)
    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
    assert 408 not in ClientRetryPolicy.safe_codes
    assert 200 in ClientRetryPolicy.safe_codes


def _sdk_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [n for n in names if n.split(".")[0] in SDK_PACKAGES]
    return found


def test_only_bot_and_app_import_the_sdk() -> None:
    offenders = {}
    for path in REPO.rglob("*.py"):
        rel = path.relative_to(REPO)
        if rel.parts[0] in (".venv", "bot", "tests") or rel.as_posix() == "app.py":
            continue
        imports = _sdk_imports(path)
        if imports:
            offenders[rel.as_posix()] = imports
    assert offenders == {}


def test_local_mode_listens_on_loopback_only() -> None:
    settings = load_settings({})
    assert settings.local_mode
    assert settings.host == "127.0.0.1"


def test_with_an_app_id_it_listens_on_all_interfaces() -> None:
    settings = load_settings({"MicrosoftAppId": "abc", "MicrosoftAppPassword": "pw"})
    assert not settings.local_mode
    assert settings.host == "0.0.0.0"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        (
            {
                "MicrosoftAppId": "a",
                "MicrosoftAppPassword": "p",
                "MicrosoftAppType": "SingleTenant",
            },
            "MicrosoftAppTenantId",
        ),
        ({"MicrosoftAppType": "Sometimes"}, "MicrosoftAppType"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://u@h/db"}, "DATABASE_URL"),
        ({"PORT": "eighty"}, "PORT"),
        ({"MicrosoftAppId": "a"}, "MicrosoftAppPassword"),
        ({"VIG_MEETING_CUTOFF_HOUR": "25"}, "VIG_MEETING_CUTOFF_HOUR"),
    ],
)
def test_a_configuration_that_cannot_work_names_the_setting(
    env: dict[str, str], named: str
) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(env)


def test_start_up_with_a_bad_setting_prints_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "serve"],
        cwd=REPO,
        env={
            "PATH": "/usr/bin:/bin",
            "MicrosoftAppType": "Sometimes",
            "VIG_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "MicrosoftAppType" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_an_encryption_key_refuses_to_start(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "serve"],
        cwd=REPO,
        env={
            "PATH": "/usr/bin:/bin",
            "MicrosoftAppId": "00000000-0000-0000-0000-000000000001",
            "MicrosoftAppPassword": "pw",
            "VIG_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "DATA_ENCRYPTION_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_first_thursday_of_a_month() -> None:
    assert first_thursday(2026, 12) == date(2026, 12, 3)
    assert first_thursday(2027, 1) == date(2027, 1, 7)
    assert first_thursday(2026, 10) == date(2026, 10, 1)


def test_next_meeting_is_this_months_when_it_is_still_ahead() -> None:
    assert next_allocation_meeting(datetime(2026, 11, 2, 12, tzinfo=UTC)) == date(2026, 11, 5)


def test_next_meeting_rolls_to_next_month_after_this_months() -> None:
    assert next_allocation_meeting(datetime(2026, 11, 21, 12, tzinfo=UTC)) == date(2026, 12, 3)


def test_meeting_day_counts_until_the_cut_off_hour_uk_time() -> None:
    # 3 Dec 2026 is a meeting day; 08:30 UTC is 08:30 in London in December.
    assert next_allocation_meeting(datetime(2026, 12, 3, 8, 30, tzinfo=UTC), 9) == date(2026, 12, 3)
    assert next_allocation_meeting(datetime(2026, 12, 3, 9, 30, tzinfo=UTC), 9) == date(2027, 1, 7)


def test_cut_off_is_read_in_uk_summer_time() -> None:
    # 1 Oct 2026 is a meeting day; 08:30 UTC is 09:30 BST, after a 9 o'clock cut-off.
    assert next_allocation_meeting(datetime(2026, 10, 1, 8, 30, tzinfo=UTC), 9) == date(2026, 11, 5)


def test_december_rolls_into_january() -> None:
    assert next_allocation_meeting(datetime(2026, 12, 20, tzinfo=UTC)) == date(2027, 1, 7)


def test_meeting_dates_read_as_people_write_them() -> None:
    assert format_meeting_date(date(2026, 12, 3)) == "Thursday 3 December 2026"
