"""Settings, read once from the environment (and `.env`) into a frozen dataclass."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
DEFAULT_DATA_DIR = Path("data")


class SettingsError(ValueError):
    """A configuration that cannot work; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    """Everything the server reads from its environment."""

    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    app_tenant_id: str = ""
    port: int = 3978
    database_url: str = ""
    data_dir: Path = DEFAULT_DATA_DIR
    data_encryption_key: str = ""
    vig_team_id: str = ""
    health_visitor_max_age: int = 3
    meeting_cutoff_hour: int = 9
    draft_retention_days: int = 30
    referral_retention_days: int = 2190
    purge_interval_seconds: int = 3600
    outbox_poll_seconds: float = 2.0
    developer_name: str = "Cornwall Council"
    website_url: str = "https://www.cornwall.gov.uk/earlyhelphub"
    privacy_url: str = "https://www.cornwall.gov.uk/privacy"
    terms_url: str = "https://www.cornwall.gov.uk/termsofuse"

    @property
    def local_mode(self) -> bool:
        """No app id: requests are not authenticated, so the server only listens on loopback."""
        return not self.app_id

    @property
    def host(self) -> str:
        """The interface to listen on: loopback only in local mode."""
        return "127.0.0.1" if self.local_mode else "0.0.0.0"  # authenticated, so open to all

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to a SQLite file under the data folder."""
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'vig.sqlite3'}"


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}.")
    return value


def _check_database_url(url: str) -> None:
    if not url:
        return
    if url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        return
    if url.startswith(("postgres://", "postgresql://")):
        raise SettingsError(
            "DATABASE_URL must use the asyncpg driver: postgresql+asyncpg://user@host/db."
        )
    raise SettingsError(
        "DATABASE_URL must start with postgresql+asyncpg:// or sqlite+aiosqlite:///."
    )


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check the settings; raise `SettingsError` naming the setting that is wrong."""
    if env is None:
        from dotenv import load_dotenv

        load_dotenv(override=False)
        env = os.environ
    app_id = env.get("MicrosoftAppId", "").strip()
    app_type = env.get("MicrosoftAppType", "").strip() or "MultiTenant"
    tenant = env.get("MicrosoftAppTenantId", "").strip()
    if app_type not in APP_TYPES:
        raise SettingsError(f"MicrosoftAppType must be one of {', '.join(APP_TYPES)}.")
    if app_id and app_type == "SingleTenant" and not tenant:
        raise SettingsError("MicrosoftAppTenantId is required when MicrosoftAppType=SingleTenant.")
    if app_id and app_type != "UserAssignedMSI" and not env.get("MicrosoftAppPassword"):
        raise SettingsError("MicrosoftAppPassword is required when MicrosoftAppId is set.")
    database_url = env.get("DATABASE_URL", "").strip()
    _check_database_url(database_url)
    port = _int(env, "PORT", 3978, minimum=1)
    if port > 65535:
        raise SettingsError("PORT must be between 1 and 65535.")
    cutoff = _int(env, "VIG_MEETING_CUTOFF_HOUR", 9)
    if cutoff > 23:
        raise SettingsError("VIG_MEETING_CUTOFF_HOUR must be an hour from 0 to 23.")
    return Settings(
        app_id=app_id,
        app_password=env.get("MicrosoftAppPassword", ""),
        app_type=app_type,
        app_tenant_id=tenant,
        port=port,
        database_url=database_url,
        data_dir=Path(env.get("VIG_DATA_DIR", "").strip() or DEFAULT_DATA_DIR),
        data_encryption_key=env.get("DATA_ENCRYPTION_KEY", "").strip(),
        vig_team_id=env.get("VIG_TEAM_ID", "").strip(),
        health_visitor_max_age=_int(env, "VIG_HEALTH_VISITOR_MAX_AGE", 3),
        meeting_cutoff_hour=cutoff,
        draft_retention_days=_int(env, "DRAFT_RETENTION_DAYS", 30, minimum=1),
        referral_retention_days=_int(env, "REFERRAL_RETENTION_DAYS", 2190, minimum=1),
        purge_interval_seconds=_int(env, "PURGE_INTERVAL_SECONDS", 3600, minimum=60),
        developer_name=env.get("VIG_DEVELOPER_NAME", "").strip() or Settings.developer_name,
        website_url=env.get("VIG_WEBSITE_URL", "").strip() or Settings.website_url,
        privacy_url=env.get("VIG_PRIVACY_URL", "").strip() or Settings.privacy_url,
        terms_url=env.get("VIG_TERMS_URL", "").strip() or Settings.terms_url,
    )
