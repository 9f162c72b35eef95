"""Closed questions in the chat, through the real webhook and poller: a button per option."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from channels.telegram.poller import Poller
from intake.consultations import find, forget_cached
from intake.models import Answer, Contribution
from tests.channels.telegram.conftest import Bot, running_bot
from tests.channels.web.helpers import submit
from tests.support.questions import park
from tests.support.telegram import FakeTelegram, Sent, message, tap, voice

RESIDENT = 5_550_018


def _park_only(bot: Bot) -> Bot:
    with bot.runtime.db.session() as session:
        find(session, "demo").status = "closed"
        park(session)
        session.commit()
    forget_cached()
    return bot


@pytest.fixture
def park_bot(bot: Bot) -> Bot:
    """The bot with only the park consultation open: two closed questions, one optional."""
    return _park_only(bot)


@pytest.fixture
def park_bot_on(tmp_path: Path, telegram_api: FakeTelegram, database_url: str) -> Iterator[Bot]:
    """The same, once on a SQLite file and once on the real PostgreSQL server."""
    with running_bot(tmp_path / "data", telegram_api, database_url) as started:
        yield _park_only(started)


def _answers(bot: Bot) -> list[tuple[str, str, dict[str, object]]]:
    with bot.runtime.db.session() as session:
        found = session.scalars(select(Answer).order_by(Answer.id)).all()
        return [(a.question.key, a.option, a.evidence) for a in found]


def _question(bot: Bot) -> tuple[int, Sent]:
    """Return the last message the bot sent, as the chat shows it, and its id."""
    message_id = bot.api.last_message_id()
    return message_id, bot.api.shown(message_id)


def _press(bot: Bot, message_id: int, label: str, **options: object) -> dict[str, object]:
    """Tap the button labelled `label` under message `message_id`; return the webhook answer."""
    shown = bot.api.shown(message_id)
    data = dict(row[0] for row in shown.buttons)[label]
    under = bot.api.messages[message_id]
    answer = bot.post(tap(RESIDENT, data, under=under, **options))  # type: ignore[arg-type]
    assert answer.status_code == 200
    return dict(answer.get_json())


def test_a_full_dialogue_in_french_with_buttons(park_bot_on: Bot) -> None:
    park_bot_on.post(message(RESIDENT, "/start park", language_code="fr"))
    park_bot_on.post(message(RESIDENT, "Plus d'arbres et des bancs", language_code="fr"))
    park_bot_on.work()
    thanks = park_bot_on.api.sent()[-2]
    [stored] = park_bot_on.contributions()
    assert stored.reference in thanks.text and thanks.text.startswith("Merci")
    first_id, first = _question(park_bot_on)
    assert first.text == (
        "Question 1 sur 2 : À quelle fréquence utiliseriez-vous le parc ?\n\n"
        "Touchez votre réponse, ou tapez-la."
    )
    # One wide button a row, no skip: the question is required.
    assert first.buttons == [
        [("Tous les jours", f"q:{_id(first, 0)}:1")],
        [("Chaque semaine", f"q:{_id(first, 0)}:2")],
        [("Rarement", f"q:{_id(first, 0)}:3")],
    ]
    assert all(len(data.encode()) <= 64 for data in first.button_data)

    answered = _press(park_bot_on, first_id, "Chaque semaine", language_code="fr")
    assert answered["method"] == "answerCallbackQuery" and "text" not in answered
    park_bot_on.work()
    # The question keeps its text and shows the answer; its buttons are gone.
    assert park_bot_on.api.shown(first_id) == Sent(
        RESIDENT,
        "À quelle fréquence utiliseriez-vous le parc ?\n\n✓ Votre réponse : Chaque semaine",
        [],
    )
    second_id, second = _question(park_bot_on)
    assert second.text.startswith("Question 2 sur 2 : Voulez-vous un espace pour chiens ?")
    assert second.button_labels == ["Oui", "Non", "Suivant"]

    _press(park_bot_on, second_id, "Non", language_code="fr")
    park_bot_on.work()
    done = park_bot_on.api.sent()[-1]
    assert done.text == (
        f"Merci pour vos réponses ! Avec /status {stored.reference}, vous verrez plus tard "
        "où en est votre contribution."
    )
    assert _answers(park_bot_on) == [
        ("often", "2", {"source": "button", "key": "2"}),
        ("dogs", "2", {"source": "button", "key": "2"}),
    ]
    assert len(park_bot_on.contributions()) == 1  # the answers are no contributions


def _id(sent: Sent, row: int) -> str:
    found = re.match(r"q:(\d+):", sent.buttons[row][0][1])
    assert found, sent.buttons
    return found.group(1)


def test_a_typed_answer_a_language_change_and_a_skip(park_bot: Bot) -> None:
    park_bot.post(message(RESIDENT, "Meer schaduw graag"))
    park_bot.work()
    park_bot.post(message(RESIDENT, "vaak"))  # no option: asked again
    park_bot.work()
    _again_id, again = _question(park_bot)
    assert again.text.startswith("Dat antwoord begrepen we niet.\n\nVraag 1 van 2:")
    park_bot.post(message(RESIDENT, "verder"))  # required: cannot be skipped
    park_bot.work()
    assert _question(park_bot)[1].text.startswith("Deze vraag kunt u niet overslaan.")
    park_bot.post(message(RESIDENT, "Elke dag"))  # an option's text
    park_bot.work()
    _question_id, second = _question(park_bot)
    assert second.text.startswith("Vraag 2 van 2: Wilt u een hondenweide?")
    assert second.text.endswith("Liever niet antwoorden? Tik op Verder.")
    park_bot.post(tap(RESIDENT, "lang:fr"))  # from /language: the same question, in French
    park_bot.work()
    second_id, second = _question(park_bot)
    assert second.text.startswith("Question 2 sur 2 : Voulez-vous un espace pour chiens ?")
    assert second.button_labels == ["Oui", "Non", "Suivant"]
    _press(park_bot, second_id, "Suivant")
    park_bot.work()
    assert park_bot.api.shown(second_id).text.endswith("✓ Question passée")
    assert park_bot.api.sent()[-1].text.startswith("Merci pour vos réponses !")
    assert _answers(park_bot) == [("often", "1", {"source": "text", "token": "Elke dag"})]
    # A longer text afterwards is a new contribution, and asks again.
    park_bot.post(message(RESIDENT, "Et une fontaine près des jeux"))
    park_bot.work()
    assert len(park_bot.contributions()) == 2
    assert _question(park_bot)[1].text.startswith("Question 1 sur 2 :")


def test_a_repeated_update_and_a_stale_button_change_nothing(park_bot: Bot) -> None:
    park_bot.post(message(RESIDENT, "More trees", language_code="en"))
    park_bot.work()
    first_id, first = _question(park_bot)
    pressed = tap(RESIDENT, first.button_data[0], language_code="en")
    pressed["callback_query"]["message"] = park_bot.api.messages[first_id]
    assert "text" not in park_bot.post(pressed).get_json()
    assert park_bot.post(pressed).status_code == 200  # Telegram delivers it again
    park_bot.work()
    assert [a[:2] for a in _answers(park_bot)] == [("often", "1")]
    assert len(park_bot.api.sent()) == 3  # thanks, question 1, question 2: nothing twice
    assert len(park_bot.jobs("telegram.edit")) == 1

    # A button of the first question pressed again (its old buttons still on a slow phone).
    late = tap(RESIDENT, first.button_data[1], language_code="en")
    late["callback_query"]["message"] = pressed["callback_query"]["message"]
    again = park_bot.post(late).get_json()
    assert again["text"] == (
        "That question was answered already or is not being asked now. "
        "Please answer the latest question."
    )
    # A made-up callback for a question id that is not the current one, or for none.
    second_id, second = _question(park_bot)
    forged = tap(RESIDENT, "q:999999:1", language_code="en")
    forged["callback_query"]["message"] = park_bot.api.messages[second_id]
    assert park_bot.post(forged).get_json()["text"] == again["text"]
    park_bot.work()
    assert [a[:2] for a in _answers(park_bot)] == [("often", "1")]
    # The second question is still asked, its buttons still there.
    assert park_bot.api.shown(second_id).button_labels == ["Yes", "No", "Skip"]
    _press(park_bot, second_id, "Yes", language_code="en")
    park_bot.work()
    assert [a[:2] for a in _answers(park_bot)] == [("often", "1"), ("dogs", "1")]


def test_a_required_question_cannot_be_skipped_by_a_made_up_button(park_bot: Bot) -> None:
    park_bot.post(message(RESIDENT, "Meer bomen"))
    park_bot.work()
    first_id, first = _question(park_bot)
    skip = tap(RESIDENT, f"q:{_id(first, 0)}:skip")
    skip["callback_query"]["message"] = park_bot.api.messages[first_id]
    answer = park_bot.post(skip).get_json()
    assert answer["text"] == "Deze vraag kunt u niet overslaan. Kies een antwoord."
    park_bot.work()
    assert _answers(park_bot) == [] and park_bot.api.shown(first_id).buttons == first.buttons


def test_a_voice_note_is_asked_the_questions_too(park_bot: Bot) -> None:
    park_bot.post(message(RESIDENT, language_code="en", **voice("AwACAgQparkvoice", 2048)))
    park_bot.work()
    [stored] = park_bot.contributions()
    assert stored.attachments[0].kind == "audio"
    first_id, first = _question(park_bot)
    assert first.text.startswith("Question 1 of 2: How often would you use the park?")
    assert first.button_labels == ["Every day", "Every week", "Rarely"]
    _press(park_bot, first_id, "Rarely", language_code="en")
    with park_bot.runtime.db.session() as session:
        [answer] = session.scalars(select(Answer)).all()
        assert (answer.contribution_id, answer.option) == (stored.id, "3")


def test_the_poller_takes_a_button_press(park_bot: Bot) -> None:
    park_bot.api.updates.append(message(RESIDENT, "Des jeux d'eau", language_code="fr"))
    Poller(park_bot.runtime).run(once=True)
    park_bot.work()
    first_id, first = _question(park_bot)
    pressed = tap(RESIDENT, first.button_data[2], language_code="fr")
    pressed["callback_query"]["message"] = park_bot.api.messages[first_id]
    park_bot.api.updates.append(pressed)
    assert Poller(park_bot.runtime).run(once=True) == 1
    [answered] = park_bot.api.calls("answerCallbackQuery")
    assert answered["callback_query_id"] == pressed["callback_query"]["id"]
    park_bot.work()
    assert park_bot.api.shown(first_id).text.endswith("✓ Votre réponse : Rarement")
    assert _answers(park_bot) == [("often", "3", {"source": "button", "key": "3"})]
    # Pressed again from a phone that still shows the buttons: told on the button itself.
    again = tap(RESIDENT, first.button_data[0], language_code="fr")
    again["callback_query"]["message"] = pressed["callback_query"]["message"]
    park_bot.api.updates.append(again)
    Poller(park_bot.runtime).run(once=True)
    told = park_bot.api.calls("answerCallbackQuery")[-1]
    assert told["text"].startswith("Cette question a déjà reçu une réponse")
    assert _answers(park_bot) == [("often", "3", {"source": "button", "key": "3"})]


def test_totals_count_telegram_beside_the_web_form(park_bot: Bot) -> None:
    for resident, option in ((5_550_101, 0), (5_550_102, 1)):
        park_bot.post(message(resident, "Plus de bancs à l'ombre", language_code="fr"))
        park_bot.work()
        question_id, question = _question(park_bot)
        pressed = tap(resident, question.button_data[option], language_code="fr")
        pressed["callback_query"]["message"] = park_bot.api.messages[question_id]
        park_bot.post(pressed)
    submit(park_bot.client, "park", lang="fr", text="Des arbres", **{"q-often": "1"})
    with park_bot.runtime.db.session() as session:
        find(session, "park").closed_results_public = True
        session.commit()
        answered = session.scalars(select(Contribution.channel).order_by(Contribution.id)).all()
    assert answered == ["telegram", "telegram", "web"]
    forget_cached()
    html = park_bot.client.get("/c/park/results?lang=fr").get_data(as_text=True)
    # Option | total | Telegram | web | French
    assert (
        '<tr><th scope="row">Tous les jours</th><td>2</td><td>1</td><td>1</td><td>2</td></tr>'
        in html
    )
    assert (
        '<tr><th scope="row">Chaque semaine</th><td>1</td><td>1</td><td>0</td><td>1</td></tr>'
        in html
    )
    assert (
        '<tfoot><tr><th scope="row">Total</th><td>3</td><td>2</td><td>1</td><td>3</td></tr>' in html
    )
