"""The Teams app manifest and the package `make package` builds."""

from __future__ import annotations

import json
import zipfile
from typing import Any

import pytest

from cards.welcome import welcome_card
from dialogs.content import service_facts
from manifest.build import (
    DEFAULT_PACKAGE,
    LOCAL_BOT_ID,
    ManifestError,
    build_manifest,
    default_teams_app_id,
    main,
    write_package,
)
from settings import Settings
from tests.schemas import manifest_validator

BOT_ID = "3f2c8a1e-6b7d-4e5f-9a0b-1c2d3e4f5a6b"
OTHER_APP_ID = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
PERSONAL_COMMANDS = ["new request", "continue", "my requests", "ask a question", "help"]
TEAM_COMMANDS = ["agenda", "use this channel for VIG requests", "help"]
ENV = {"MicrosoftAppId": BOT_ID, "MicrosoftAppPassword": "secret"}


def _manifest(**settings: Any) -> dict[str, Any]:
    return build_manifest(Settings(**{"app_id": BOT_ID, **settings}))


def _commands(manifest: dict[str, Any], scope: str) -> list[str]:
    lists = [c for c in manifest["bots"][0]["commandLists"] if c["scopes"] == [scope]]
    assert len(lists) == 1
    return [command["title"] for command in lists[0]["commands"]]


def _schema_errors(manifest: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in manifest_validator().iter_errors(manifest)
    ]


def test_manifest_is_valid_against_the_1_29_schema():
    assert _schema_errors(_manifest()) == []


def test_local_manifest_without_an_app_id_is_valid_against_the_schema():
    assert _schema_errors(build_manifest(Settings())) == []


def test_manifest_declares_schema_1_29():
    manifest = _manifest()
    assert manifest["manifestVersion"] == "1.29"
    assert manifest["$schema"].endswith("/teams/v1.29/MicrosoftTeams.schema.json")


def test_bot_id_is_the_microsoft_app_id():
    assert _manifest(app_id=BOT_ID)["bots"][0]["botId"] == BOT_ID


def test_without_an_app_id_the_bot_id_is_the_local_placeholder():
    assert build_manifest(Settings())["bots"][0]["botId"] == LOCAL_BOT_ID


def test_an_app_id_that_is_not_a_guid_is_refused_naming_the_setting():
    with pytest.raises(ManifestError, match="MicrosoftAppId"):
        _manifest(app_id="my-bot")


def test_bot_is_offered_in_personal_and_team_scopes():
    assert sorted(_manifest()["bots"][0]["scopes"]) == ["personal", "team"]


def test_bot_is_conversational_and_takes_no_files():
    bot = _manifest()["bots"][0]
    assert bot["isNotificationOnly"] is False
    assert bot["supportsFiles"] is False


def test_there_are_two_command_lists_one_per_scope():
    lists = _manifest()["bots"][0]["commandLists"]
    assert sorted(scope for c in lists for scope in c["scopes"]) == ["personal", "team"]


def test_personal_commands_are_the_ones_the_bot_understands():
    assert _commands(_manifest(), "personal") == PERSONAL_COMMANDS


def test_team_commands_are_the_ones_the_bot_understands():
    assert _commands(_manifest(), "team") == TEAM_COMMANDS


def test_every_welcome_card_button_sends_a_personal_command():
    sent = [a["data"]["msteams"]["value"] for a in welcome_card(service_facts())["actions"]]
    assert set(sent) <= set(_commands(_manifest(), "personal"))


def test_every_command_has_a_short_description():
    lists = _manifest()["bots"][0]["commandLists"]
    descriptions = [c.get("description", "") for cl in lists for c in cl["commands"]]
    assert all(0 < len(d) <= 60 for d in descriptions)


def test_app_names_are_the_agreed_ones():
    assert _manifest()["name"] == {
        "short": "VIG Requests",
        "full": "Video Interaction Guidance requests",
    }


def test_short_description_fits_teams_80_characters():
    assert 0 < len(_manifest()["description"]["short"]) <= 80


def test_full_description_says_it_is_automated_and_not_for_safeguarding():
    full = _manifest()["description"]["full"]
    assert len(full) <= 4000
    assert "automated" in full
    assert "999" in full


def test_developer_details_come_from_the_settings():
    manifest = _manifest(
        developer_name="Example Council",
        website_url="https://example.org/vig",
        privacy_url="https://example.org/privacy",
        terms_url="https://example.org/terms",
    )
    assert manifest["developer"] == {
        "name": "Example Council",
        "websiteUrl": "https://example.org/vig",
        "privacyUrl": "https://example.org/privacy",
        "termsOfUseUrl": "https://example.org/terms",
    }


def test_developer_name_longer_than_teams_allows_is_refused():
    with pytest.raises(ManifestError, match="VIG_DEVELOPER_NAME"):
        _manifest(developer_name="A" * 33)


def test_a_privacy_url_that_is_not_https_is_refused_naming_the_setting():
    with pytest.raises(ManifestError, match="VIG_PRIVACY_URL"):
        _manifest(privacy_url="www.example.org/privacy")


def test_teams_app_id_is_stable_by_default():
    assert _manifest()["id"] == default_teams_app_id()
    assert build_manifest(Settings())["id"] == default_teams_app_id()


def test_teams_app_id_can_be_overridden():
    assert build_manifest(Settings(app_id=BOT_ID), OTHER_APP_ID)["id"] == OTHER_APP_ID


def test_an_overriding_teams_app_id_must_be_a_guid():
    with pytest.raises(ManifestError, match="VIG_TEAMS_APP_ID"):
        build_manifest(Settings(app_id=BOT_ID), "vig")


def test_manifest_names_the_two_icons_in_the_package():
    assert _manifest()["icons"] == {"color": "color.png", "outline": "outline.png"}


def test_building_does_not_change_the_template():
    build_manifest(Settings(app_id=BOT_ID), OTHER_APP_ID)
    assert build_manifest(Settings())["id"] == default_teams_app_id()
    assert build_manifest(Settings())["bots"][0]["botId"] == LOCAL_BOT_ID


def test_package_holds_the_manifest_and_icons_at_its_root(tmp_path):
    path = write_package(_manifest(), tmp_path / "app.zip")
    with zipfile.ZipFile(path) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]


def test_packaged_manifest_equals_build_manifest(tmp_path):
    manifest = _manifest()
    with zipfile.ZipFile(write_package(manifest, tmp_path / "app.zip")) as package:
        assert json.loads(package.read("manifest.json")) == manifest


def test_same_settings_give_a_byte_identical_package(tmp_path):
    first = write_package(_manifest(), tmp_path / "first.zip").read_bytes()
    assert write_package(_manifest(), tmp_path / "second.zip").read_bytes() == first


def test_default_package_path_is_dist_vig_referral_assistant_zip():
    assert DEFAULT_PACKAGE.parts[-2:] == ("dist", "vig-referral-assistant.zip")


def test_build_command_uses_the_app_ids_from_the_environment(tmp_path):
    env = {**ENV, "VIG_TEAMS_APP_ID": OTHER_APP_ID}
    assert main([str(tmp_path / "app.zip")], env) == 0
    with zipfile.ZipFile(tmp_path / "app.zip") as package:
        manifest = json.loads(package.read("manifest.json"))
    assert (manifest["bots"][0]["botId"], manifest["id"]) == (BOT_ID, OTHER_APP_ID)


def test_build_command_says_where_it_wrote_the_package(tmp_path, capsys):
    main([str(tmp_path / "app.zip")], ENV)
    assert str((tmp_path / "app.zip").resolve()) in capsys.readouterr().out


def test_build_command_without_an_app_id_warns_it_is_for_local_testing(tmp_path, capsys):
    assert main([str(tmp_path / "app.zip")], {}) == 0
    assert "local testing only" in capsys.readouterr().err


def test_build_command_fails_with_a_message_for_a_bad_setting(tmp_path, capsys):
    env = {**ENV, "MicrosoftAppId": "not-a-guid"}
    assert main([str(tmp_path / "app.zip")], env) == 2
    assert "MicrosoftAppId" in capsys.readouterr().err
    assert not (tmp_path / "app.zip").exists()
