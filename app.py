"""The aiohttp application and the command line: `python -m app serve|migrate|...`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter

import admin
from bot.channel import ChannelSender
from bot.handler import BotDeps, VigBot
from bot.http import healthz, messages_handler, readyz_handler
from bot.profiles import ProfileCache
from bot.sdk import build_adapter
from bot.validation import MAX_BODY_BYTES
from settings import Settings, SettingsError, load_settings
from storage.conversations import ConversationStore
from storage.crypto import FieldCipher, KeyConfigError, cipher_from_settings, generate_key_spec
from storage.db import Database
from storage.migrate import upgrade
from storage.retention import purge_loop

log = logging.getLogger("vig")

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
CIPHER = web.AppKey("cipher", FieldCipher)
ADAPTER = web.AppKey("adapter", CloudAdapter)
BOT = web.AppKey("bot", VigBot)
OUTBOX_SENDER = web.AppKey("outbox_sender", ChannelSender)


def build_cipher(settings: Settings) -> FieldCipher:
    """The field cipher for these settings (a local key is generated in local mode)."""
    return cipher_from_settings(
        settings.data_encryption_key, local_mode=settings.local_mode, data_dir=settings.data_dir
    )


def _background(
    name: str, make: Callable[[web.Application], Coroutine[Any, Any, None]]
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A cleanup context running one background task for the app's lifetime."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        task: asyncio.Task[None] = asyncio.create_task(make(app), name=name)
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return ctx


async def _database_ctx(app: web.Application) -> AsyncIterator[None]:
    yield
    await app[DATABASE].dispose()


def create_app(
    settings: Settings, *, cipher: FieldCipher | None = None, background: bool = True
) -> web.Application:
    """Build the application; the database is opened here and closed on cleanup."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[DATABASE] = Database(settings.sqlalchemy_url)
    app[CIPHER] = cipher or build_cipher(settings)
    app[ADAPTER] = build_adapter(settings)
    app[OUTBOX_SENDER] = ChannelSender(app[DATABASE], app[CIPHER], app[ADAPTER], settings)
    deps = BotDeps(
        settings=settings,
        db=app[DATABASE],
        cipher=app[CIPHER],
        conversations=ConversationStore(app[CIPHER]),
        profiles=ProfileCache(),
        wake_outbox=app[OUTBOX_SENDER].wake,
    )
    app[BOT] = VigBot(deps)
    app.cleanup_ctx.append(_database_ctx)
    if background:
        # Retention: idle drafts, closed requests past their time, and old activity ids.
        app.cleanup_ctx.append(
            _background("purge", lambda a: purge_loop(a[DATABASE], a[CIPHER], a[SETTINGS]))
        )
        app.cleanup_ctx.append(_background("outbox", lambda a: a[OUTBOX_SENDER].run()))
    app.router.add_post("/api/messages", messages_handler(app[ADAPTER], app[BOT]))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz_handler(app[DATABASE]))
    return app


async def _migrate(settings: Settings) -> None:
    db = Database(settings.sqlalchemy_url)
    try:
        await upgrade(db)
    finally:
        await db.dispose()


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # The SDK and HTTP client log request details that may carry personal data.
    for noisy in ("msrest", "botbuilder", "botframework", "urllib3", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def serve(settings: Settings) -> None:
    """Run the server until interrupted."""
    app = create_app(settings)
    if settings.local_mode:
        log.warning(
            "LOCAL MODE: MicrosoftAppId is not set, so requests are NOT authenticated. "
            "Listening on %s:%d only. Never run like this in production.",
            settings.host,
            settings.port,
        )
    else:
        log.info(
            "authentication on for app id %s; listening on port %d", settings.app_id, settings.port
        )
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)


def main(argv: list[str] | None = None) -> int:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="serve the bot")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("genkey", help="print a new DATA_ENCRYPTION_KEY entry")
    admin.add_commands(sub)
    args = parser.parse_args(argv)
    _configure_logging()
    try:
        settings = load_settings()
        if args.command == "genkey":
            print(generate_key_spec())
            return 0
        if args.command in admin.COMMANDS:
            return asyncio.run(admin.run_command(args, settings))
        if args.command == "migrate":
            asyncio.run(_migrate(settings))
            log.info("database is up to date")
            return 0
        build_cipher(settings)  # fail before listening if the key is wrong or missing
        serve(settings)
        return 0
    except (SettingsError, KeyConfigError) as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
