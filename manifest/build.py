"""Build the Teams app package: `python -m manifest.build [zip path]` (or `make package`).

The manifest's wording, commands and app version live in manifest.template.json; what differs
between installations comes from the settings at build time: the bot id (`MicrosoftAppId`), the
developer name and links (`VIG_DEVELOPER_NAME`, `VIG_WEBSITE_URL`, `VIG_PRIVACY_URL`,
`VIG_TERMS_URL`) and, rarely, the Teams app id (`VIG_TEAMS_APP_ID`).
"""

from __future__ import annotations

import json
import os
import re
import sys
import zipfile
from collections.abc import Mapping
from copy import deepcopy
from functools import cache
from pathlib import Path
from typing import Any

from settings import Settings, SettingsError, load_settings

MANIFEST_DIR = Path(__file__).resolve().parent
TEMPLATE_PATH = MANIFEST_DIR / "manifest.template.json"
ICON_FILES = ("color.png", "outline.png")
DEFAULT_PACKAGE = MANIFEST_DIR.parent / "dist" / "vig-referral-assistant.zip"
# The schema insists on a GUID. This one can never be a real Azure app, so a package built
# without MicrosoftAppId cannot be mistaken for one that reaches a deployed bot.
LOCAL_BOT_ID = "00000000-0000-0000-0000-000000000000"
DEVELOPER_NAME_MAX = 32
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# A fixed timestamp inside the zip, so the same inputs always give the same bytes.
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


class ManifestError(ValueError):
    """A setting that would make a package Teams rejects; the message names the setting."""


@cache
def _template() -> dict[str, Any]:
    with TEMPLATE_PATH.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _check_guid(name: str, value: str) -> str:
    if not _GUID.match(value):
        raise ManifestError(f"{name} must be a GUID like {LOCAL_BOT_ID}, not {value!r}.")
    return value


def _check_url(name: str, value: str) -> str:
    if not value.lower().startswith("https://"):
        raise ManifestError(f"{name} must be a web address starting with https://, not {value!r}.")
    return value


def default_teams_app_id() -> str:
    """The Teams app id in the template: stable, so an upload replaces the app, not adds one."""
    return str(_template()["id"])


def build_manifest(settings: Settings, teams_app_id: str | None = None) -> dict[str, Any]:
    """The manifest for these settings; `teams_app_id` overrides the template's app id."""
    if len(settings.developer_name) > DEVELOPER_NAME_MAX:
        raise ManifestError(
            f"VIG_DEVELOPER_NAME must be at most {DEVELOPER_NAME_MAX} characters for Teams."
        )
    developer = {
        "name": settings.developer_name,
        "websiteUrl": _check_url("VIG_WEBSITE_URL", settings.website_url),
        "privacyUrl": _check_url("VIG_PRIVACY_URL", settings.privacy_url),
        "termsOfUseUrl": _check_url("VIG_TERMS_URL", settings.terms_url),
    }
    bot_id = _check_guid("MicrosoftAppId", settings.app_id) if settings.app_id else LOCAL_BOT_ID
    app_id = _check_guid("VIG_TEAMS_APP_ID", teams_app_id or default_teams_app_id())
    manifest: dict[str, Any] = {}
    for key, value in deepcopy(_template()).items():
        manifest[key] = value
        if key == "id":
            manifest["id"] = app_id
            manifest["developer"] = developer
    manifest["bots"][0] = {"botId": bot_id, **manifest["bots"][0]}
    return manifest


def write_package(manifest: dict[str, Any], path: Path) -> Path:
    """Write the zip Teams admins upload: manifest.json and the two icons at its root."""
    path.parent.mkdir(parents=True, exist_ok=True)
    members = {"manifest.json": json.dumps(manifest, indent=2, ensure_ascii=False).encode()}
    for name in ICON_FILES:
        members[name] = (MANIFEST_DIR / name).read_bytes()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    return path


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Build the package from `env` (default: the environment and `.env`); say where it went."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PACKAGE
    try:
        settings = load_settings(env)
        # Read after load_settings, which has loaded `.env` into the environment.
        source = os.environ if env is None else env
        teams_app_id = source.get("VIG_TEAMS_APP_ID", "").strip() or None
        manifest = build_manifest(settings, teams_app_id)
    except (SettingsError, ManifestError) as error:
        print(f"Cannot build the Teams app package: {error}", file=sys.stderr)
        return 2
    write_package(manifest, path)
    print(f"Wrote the Teams app package to {path.resolve()}")
    print(f"App version {manifest['version']}, Teams app id {manifest['id']}.")
    if settings.local_mode:
        print(
            "WARNING: MicrosoftAppId is not set, so this package has a placeholder bot id "
            f"({LOCAL_BOT_ID}). It is for local testing only and cannot reach a deployed bot. "
            "Set MicrosoftAppId and run `make package` again before giving it to a Teams admin.",
            file=sys.stderr,
        )
    else:
        print(f"Bot id {settings.app_id} (MicrosoftAppId).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
