"""The dialogue: language and consultation by buttons, deep links, commands, references."""

from __future__ import annotations

import re

from intake.models import Contributor
from tests.channels.telegram.conftest import Bot
from tests.support.telegram import message, tap

RESIDENT = 5_550_001


def _reference(text: str) -> str:
    match = re.search(r"\b([3-9A-Y]{3}-[3-9A-Y]{3})\b", text)
    assert match, text
    return match.group(1)


def test_start_asks_language_then_consultation_then_takes_a_text(bot: Bot) -> None:
    bot.open_second_consultation()
    assert bot.post(message(RESIDENT, "/start", language_code="fr")).status_code == 200
    bot.work()
    [language] = bot.api.sent()
    assert language.chat_id == RESIDENT
    assert language.button_labels == ["Français", "Nederlands", "English"]
    assert language.button_data == ["lang:fr", "lang:nl", "lang:en"]

    answer = bot.post(tap(RESIDENT, "lang:fr", language_code="fr"))
    assert answer.get_json()["method"] == "answerCallbackQuery"
    bot.work()
    choose = bot.api.sent()[-1]
    assert choose.button_labels == [
        "Un nouveau parc au bord de l'Escaut",
        "Une piste cyclable le long du canal",
    ]

    bot.post(tap(RESIDENT, choose.button_data[1], language_code="fr"))
    bot.work()
    question = bot.api.sent()[-1]
    assert "Où faut-il la piste cyclable ?" in question.text and question.buttons == []

    bot.post(message(RESIDENT, "Le long de l'eau, côté sud.", language_code="fr"))
    bot.work()
    thanks = bot.api.sent()[-1]
    [stored] = bot.contributions()
    assert stored.text == "Le long de l'eau, côté sud." and stored.language == "fr"
    assert stored.consultation.slug == "fietspad" and stored.channel == "telegram"
    assert _reference(thanks.text) == stored.reference
    assert "Merci" in thanks.text


def test_a_deep_link_goes_straight_to_the_question(bot: Bot) -> None:
    bot.open_second_consultation()
    bot.post(message(RESIDENT, "/start fietspad", language_code="en"))
    bot.work()
    [question] = bot.api.sent()
    assert "Waar moet het fietspad komen?" in question.text  # no English text: Dutch
    assert "/language" in question.text and question.buttons == []
    bot.post(message(RESIDENT, "Along the canal", language_code="en"))
    bot.work()
    [stored] = bot.contributions()
    assert stored.consultation.slug == "fietspad" and stored.language == "en"
    assert "Thank you" in bot.api.sent()[-1].text


def test_with_one_open_consultation_its_question_follows_the_language(bot: Bot) -> None:
    bot.post(message(RESIDENT, "/start"))
    bot.post(tap(RESIDENT, "lang:nl"))
    bot.work()
    language, question = bot.api.sent()
    assert language.buttons and "Wat wilt u graag in het nieuwe park" in question.text


def test_a_deep_link_to_a_closed_consultation_offers_the_open_ones(bot: Bot) -> None:
    bot.open_second_consultation()
    bot.post(message(RESIDENT, "/start gesloten", language_code="nl"))
    bot.work()
    [offer] = bot.api.sent()
    assert offer.text.startswith("Die vraag vinden we niet") and len(offer.buttons) == 2


def test_a_message_before_any_choice_with_several_open_asks_first(bot: Bot) -> None:
    bot.open_second_consultation()
    bot.post(message(RESIDENT, "Meer bomen"))
    bot.work()
    [offer] = bot.api.sent()
    assert offer.text.startswith("Kies eerst") and len(offer.buttons) == 2
    assert bot.contributions() == []


def test_status_language_help_and_unknown_commands(bot: Bot) -> None:
    bot.post(message(RESIDENT, "Meer bankjes"))
    bot.work()
    reference = _reference(bot.api.sent()[-1].text)
    bot.post(message(RESIDENT, f"/status {reference.lower().replace('-', '')}"))
    bot.post(message(RESIDENT, "/status KKK"))
    bot.post(message(RESIDENT, "/status 333-333"))
    bot.post(message(RESIDENT, "/help"))
    bot.post(message(RESIDENT, "/weer"))
    bot.post(message(RESIDENT, "/language"))
    bot.work()
    status, usage, unknown, help_, weird, language = bot.api.sent()[-6:]
    assert status.text.startswith(f"Bijdrage {reference}: Ontvangen.")
    assert "/status K7M-4PQ" in usage.text
    assert "333-333" in unknown.text
    assert "/stop" in help_.text and weird.text.startswith("Dat commando kennen we niet")
    assert language.button_data == ["lang:nl", "lang:fr", "lang:en"]
    bot.post(tap(RESIDENT, "lang:en"))
    bot.work()
    assert "What would you like in the new park" in bot.api.sent()[-1].text


def test_stop_says_goodbye_at_once_and_then_stays_silent(bot: Bot) -> None:
    bot.post(message(RESIDENT, "Een hondenweide"))
    bot.work()
    answer = bot.post(message(RESIDENT, "/stop"))
    goodbye = answer.get_json()
    assert goodbye["method"] == "sendMessage" and goodbye["chat_id"] == RESIDENT
    assert "geen berichten meer" in goodbye["text"]
    with bot.runtime.db.session() as session:
        [contributor] = session.query(Contributor).all()
        assert contributor.opted_out and contributor.address is None
    bot.post(message(RESIDENT, "Toch nog iets"))
    bot.work()
    assert len(bot.api.sent()) == 1  # only the thank-you from before /stop
    assert len(bot.contributions()) == 2
    bot.post(message(RESIDENT, "/start"))
    bot.work()
    assert bot.api.sent()[-1].button_data[0] == "lang:nl"
    with bot.runtime.db.session() as session:
        [contributor] = session.query(Contributor).all()
        assert not contributor.opted_out and contributor.address == str(RESIDENT)


def test_an_edited_message_keeps_the_first_version_and_says_so(bot: Bot) -> None:
    first = message(RESIDENT, "Meer bomen")
    bot.post(first)
    edit = message(RESIDENT, "Meer bomen en bankjes", edited=True)
    edit["edited_message"]["message_id"] = first["message"]["message_id"]
    assert bot.post(edit).status_code == 200
    bot.work()
    [stored] = bot.contributions()
    assert stored.text == "Meer bomen"
    assert bot.api.sent()[-1].text.startswith("U hebt een bericht aangepast")
