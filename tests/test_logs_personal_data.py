"""Logs never hold names, dates of birth, free text or emails, and ids in them are hashed.

Every logger is captured at DEBUG, libraries included, while a full referral goes through the
real bot; a failing turn must log only the error's type and place, never its message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from dialogs import router
from storage.keys import short_hash
from tests.test_privacy_raw_data import SAID, answer_until, send_full_referral
from tests.test_privacy_support import CHILD_NAME, EMAIL, SECRETS


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every logger at DEBUG, whatever level or propagation a library set."""
    loggers = [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.propagate = True
    caplog.set_level(logging.DEBUG)
    yield caplog
    for logger, level, propagate in saved:
        logger.setLevel(level)
        logger.propagate = propagate


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Everything logged: formatted messages, their arguments and any tracebacks."""
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_text:
            parts.append(record.exc_text)
    return "\n".join(parts)


def personal_data_in(text: str) -> list[str]:
    return [s for s in SECRETS if s in text or s.lower() in text.lower()]


async def test_a_full_referral_logs_no_personal_data(bot, cipher, all_logs):
    await send_full_referral(bot, cipher)
    assert all_logs.records, "nothing was captured, so the test would prove nothing"
    assert personal_data_in(logged(all_logs)) == []


async def test_a_full_referral_logs_conversation_and_user_ids_only_hashed(bot, cipher, all_logs):
    await send_full_referral(bot, cipher)
    text = logged(all_logs)
    assert short_hash(SAID["conversation_id"]) in text
    for raw_id in (SAID["conversation_id"], SAID["user_id"], SAID["aad_id"]):
        assert raw_id not in text


async def test_a_failing_turn_logs_the_error_type_not_its_message(
    bot, cipher, all_logs, monkeypatch
):
    await answer_until(bot, cipher, "child_name")

    async def fail(*args: object, **kwargs: object) -> object:
        raise ValueError(f"could not understand {CHILD_NAME} <{EMAIL}>")

    monkeypatch.setattr(router, "handle", fail)
    await bot.say(CHILD_NAME, **SAID)
    text = logged(all_logs)
    assert "turn failed" in text and "ValueError" in text
    assert personal_data_in(text) == []
