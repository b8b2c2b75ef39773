"""A whole referral through the aiohttp app, the fake connector and the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dialogs.referral import FORM_VERB
from settings import Settings
from storage.crypto import FieldCipher
from tests.conftest import BotHarness, start_bot
from tests.fake_connector import FakeConnector
from tests.test_referral_form import FORM_ANSWERS
from tests.transcript import HAPPY_PATH

HANNAH = {"id": "29:user-hannah", "name": "Hannah Visitor", "email": "hannah.visitor@nhs.example"}


def _profile(connector: FakeConnector) -> None:
    connector.members["29:user-hannah"] = {**HANNAH, "aadObjectId": "aad-hannah"}


async def _walk(bot: BotHarness, answers: list[tuple[str, str]]) -> list[str]:
    replies: list[str] = []
    for _step, answer in answers:
        replies = await bot.say(answer)
        assert replies, f"no reply to {answer!r}"
    return replies


async def test_a_full_referral_is_filed_with_a_reference_and_meeting_date(bot: BotHarness) -> None:
    _profile(bot.connector)
    opening = await bot.say("new request")
    assert any("automated" in r for r in opening)
    assert any("999" in r for r in opening)
    await _walk(bot, HAPPY_PATH)
    summary = bot.connector.messages()[-1]
    assert summary.card is not None, "the summary is a card"
    filed = " ".join(await bot.say("send"))
    assert "VIG-" in filed
    assert "Thursday" in filed


async def test_sending_twice_files_once(bot: BotHarness) -> None:
    _profile(bot.connector)
    await bot.say("new request")
    await _walk(bot, HAPPY_PATH)
    first = " ".join(await bot.say("send"))
    second = " ".join(await bot.say("send"))
    reference = next(w.strip(".,") for w in first.split() if w.startswith("VIG-20"))
    assert reference in second
    listing = (await bot.send(text="my requests"))[0].card
    assert listing is not None
    assert str(listing).count("VIG-20") == 1  # one referral (peer contact is VIG-PC-)


async def test_a_question_mid_referral_is_answered_and_the_step_asked_again(
    bot: BotHarness,
) -> None:
    _profile(bot.connector)
    await bot.say("new request")
    await _walk(bot, HAPPY_PATH[:4])  # now at the child's date of birth
    replies = await bot.say("how many sessions are there?")
    assert any("3 and 7" in r or "3 to 7" in r for r in replies)
    assert "date of birth" in replies[-1]


async def test_a_risk_message_outside_a_referral_gets_the_safeguarding_numbers(
    bot: BotHarness,
) -> None:
    replies = " ".join(await bot.say("I think a child is being abused at home"))
    assert "999" in replies
    assert "0300 123 1116" in replies
    assert "01208 251300" in replies


async def test_my_requests_shows_only_the_referrers_own(bot: BotHarness) -> None:
    _profile(bot.connector)
    await bot.say("new request")
    await _walk(bot, HAPPY_PATH)
    await bot.say("send")
    other = await bot.send(
        text="my requests",
        user_id="29:user-other",
        aad_id="aad-other",
        user_name="Other Worker",
        conversation_id="a:personal-other",
    )
    card = other[0].card
    assert card is not None
    assert "VIG-20" not in str(card)


async def test_a_restart_mid_referral_carries_on_at_the_same_question(
    settings: Settings, cipher: FieldCipher, connector: FakeConnector, tmp_path: Path
) -> None:
    _profile(connector)
    client, _ = await start_bot(settings, cipher, connector)
    first = BotHarness(client, connector, settings, _)
    await first.say("new request")
    asked = await _walk(first, HAPPY_PATH[:5])
    await client.close()

    client2, db2 = await start_bot(settings, cipher, connector)
    second = BotHarness(client2, connector, settings, db2)
    try:
        again = await second.say("continue")
        assert asked[-1] in " ".join(again) or "case holder" in " ".join(again).lower()
        after = await second.say("me")
        assert after, "the conversation carried on"
    finally:
        await client2.close()


def _card_submit_data(card: dict[str, Any], verb: str) -> dict[str, Any]:
    """The data of the card's first action with this verb, as Teams would send it back."""
    for action in card.get("actions", []):
        data = action.get("data") or {}
        if data.get("verb") == verb:
            return dict(data)
    raise AssertionError(f"no action with verb {verb!r}")


async def test_the_form_path_files_a_request_through_the_app(bot: BotHarness) -> None:
    _profile(bot.connector)
    opening = await bot.send(text="new request")
    assert "Fill in as a form" in opening[-1].buttons
    form = (await bot.send(text="form"))[-1].card
    assert form is not None
    submitted = {**_card_submit_data(form, FORM_VERB), **FORM_ANSWERS}
    summary = (await bot.send(value=submitted))[-1].card
    assert summary is not None
    assert "Leo" in str(summary)
    filed = " ".join(await bot.say("send"))
    assert "VIG-20" in filed


async def test_an_invalid_form_comes_back_through_the_app_with_answers_kept(
    bot: BotHarness,
) -> None:
    _profile(bot.connector)
    await bot.send(text="new request")
    form = (await bot.send(text="form"))[-1].card
    assert form is not None
    submitted = {**_card_submit_data(form, FORM_VERB), **FORM_ANSWERS, "child_dob": "2031-01-01"}
    again = (await bot.send(value=submitted))[-1].card
    assert again is not None
    assert "Camborne health visiting team" in str(again)
    assert _card_submit_data(again, FORM_VERB)["verb"] == FORM_VERB
