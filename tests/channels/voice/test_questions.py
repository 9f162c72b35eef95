"""Closed questions by phone, through the real webhooks: keys, silence, star, spoken answers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from intake import privacy, questions
from intake.consultations import find, forget_cached
from intake.jobs.worker import Worker
from intake.models import Answer, Attachment, Contribution
from intake.runtime import Runtime
from tests.admin.conftest import add_user, sign_in
from tests.channels.voice.conftest import Caller, record_of, spoken_text
from tests.support.questions import PARK_QUESTIONS
from tests.support.twilio import FakeTwilio
from tests.transcription.speech import said_on_phone

# Dutch speech is heard by the Korean test model (see `voice_env`), so the spoken test's
# "Dutch" options are Korean words that model knows: library and bicycle; the caller says
# bicycle, or playground, a word the model knows too but that no option holds.
LIBRARY, BICYCLE, PLAYGROUND = "도서관", "자전거", "놀이터"
KOREAN_QUESTION: list[dict[str, Any]] = [
    {
        "key": "place",
        "required": True,
        "texts": {"nl": "Waar gaat u liever heen?", "en": "Where would you rather go?"},
        "options": [{"nl": LIBRARY, "en": "Library"}, {"nl": BICYCLE, "en": "Bicycle"}],
    }
]


def _ask(runtime: Runtime, entries: list[dict[str, Any]]) -> None:
    """Make the demo consultation (the only one open: no consultation menu) ask `entries`."""
    with runtime.db.session() as session:
        questions.save(session, find(session, "demo"), entries)
        session.commit()


def _voicemail(caller: Caller, twilio: FakeTwilio, audio: bytes, language: str) -> ET.Element:
    """Call, choose `language`, leave a voicemail; return what the call says next."""
    question = caller.press(caller.dial(), language)
    sid, url = twilio.add_recording(audio)
    caller.callback(question, sid, url)
    return caller.record(question, sid, url)


def _answers(runtime: Runtime) -> list[tuple[str, str, dict[str, Any]]]:
    with runtime.db.session() as session:
        found = session.scalars(select(Answer).order_by(Answer.id)).all()
        return [(a.question.key, a.option, a.evidence) for a in found]


def _only(runtime: Runtime) -> Contribution:
    with runtime.db.session() as session:
        return session.scalars(select(Contribution)).one()


def test_a_call_answered_with_keys_counts_on_the_results(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    _ask(voice_runtime, PARK_QUESTIONS)
    caller = Caller(voice_client)
    first = _voicemail(caller, twilio, phone_wav, "2")

    gather = first.find("Gather")
    assert gather is not None and gather.attrib["input"] == "dtmf"
    assert spoken_text(first) == [
        "Merci pour votre message. Encore quelques courtes questions.",
        "Question 1 sur 2.",
        "À quelle fréquence utiliseriez-vous le parc ?",
        "Pour Tous les jours, appuyez sur 1.",
        "Pour Chaque semaine, appuyez sur 2.",
        "Pour Rarement, appuyez sur 3.",
        "Vous pouvez aussi dire votre réponse, après le bip.",
    ]
    assert int(record_of(first).attrib["maxLength"]) <= 5

    second = caller.press(first, "2")
    assert spoken_text(second)[:2] == ["Question 2 sur 2.", "Voulez-vous un espace pour chiens ?"]
    assert "Passer cette question ? Appuyez sur étoile." in spoken_text(second)
    end = caller.press(second, "1")
    reference = _only(voice_runtime).reference
    assert end.find("Hangup") is not None
    assert any(reference[0] in line for line in spoken_text(end))

    assert _answers(voice_runtime) == [
        ("often", "2", {"source": "key", "key": "2"}),
        ("dogs", "1", {"source": "key", "key": "1"}),
    ]
    with voice_runtime.db.session() as session:
        find(session, "demo").closed_results_public = True
        session.commit()
    forget_cached()
    html = voice_client.get("/c/demo/results?lang=fr").get_data(as_text=True)
    # Option | total | phone | French
    assert '<tr><th scope="row">Chaque semaine</th><td>1</td><td>1</td><td>1</td></tr>' in html
    assert '<tr><th scope="row">Oui</th><td>1</td><td>1</td><td>1</td></tr>' in html


def test_a_caller_who_calls_again_replaces_their_answer(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    _ask(voice_runtime, PARK_QUESTIONS[:1])
    for key in ("1", "3"):
        caller = Caller(voice_client)  # the same number, a new call
        caller.press(_voicemail(caller, twilio, phone_wav, "1"), key)
    with voice_runtime.db.session() as session:
        answers = session.scalars(select(Answer).order_by(Answer.id)).all()
        assert [(a.option, a.superseded_at is None) for a in answers] == [("1", False), ("3", True)]


def test_star_skips_an_optional_question_and_silence_leaves_a_required_one_to_a_person(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    _ask(voice_runtime, PARK_QUESTIONS)
    caller = Caller(voice_client)
    first = _voicemail(caller, twilio, phone_wav, "1")
    assert "Overslaan? Druk op sterretje." not in spoken_text(first)  # required

    again = caller.press(first, "*")  # a required question cannot be skipped
    assert spoken_text(again)[:2] == ["Dat hebben we niet begrepen.", "Vraag 1 van 2."]
    second = caller.press(again, None)  # silence, the second time: on to the next question
    assert spoken_text(second)[0] == "Vraag 2 van 2."
    assert "Overslaan? Druk op sterretje." in spoken_text(second)
    end = caller.press(second, "*")
    assert end.find("Hangup") is not None

    Worker(voice_runtime).run(until_idle=True)  # the voicemail's transcription changes nothing
    assert _answers(voice_runtime) == []
    contribution = _only(voice_runtime)
    assert contribution.needs_person
    assert contribution.needs_person_reason == "question_unanswered"


def test_silence_skips_an_optional_question_at_once(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    _ask(voice_runtime, PARK_QUESTIONS[1:])
    caller = Caller(voice_client)
    first = _voicemail(caller, twilio, phone_wav, "3")
    assert "Question 1 of 1." in spoken_text(first)
    end = caller.press(first, None)
    assert end.find("Hangup") is not None and end.find("Gather") is None
    assert _answers(voice_runtime) == []
    assert _only(voice_runtime).needs_person_reason == "awaiting_transcription"


@pytest.fixture(scope="module")
def spoken_answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Each Korean word said by espeak-ng, as Twilio records a phone line (8 kHz WAV)."""
    folder = tmp_path_factory.mktemp("answers")
    return {word: said_on_phone(word, folder).read_bytes() for word in (BICYCLE, PLAYGROUND)}


def test_a_spoken_answer_is_heard_among_the_options_only(
    voice_client: FlaskClient,
    voice_runtime: Runtime,
    twilio: FakeTwilio,
    phone_wav: bytes,
    spoken_answers: dict[str, bytes],
) -> None:
    """A caller says "bicycle": option 2. Another says "playground", no option's word: no
    answer, a person listens. Only Korean has a model here, so the words are Korean."""
    _ask(voice_runtime, KOREAN_QUESTION)
    recordings = []
    for word in (BICYCLE, PLAYGROUND):
        caller = Caller(voice_client, number=f"+3247000000{len(recordings)}")
        question = _voicemail(caller, twilio, phone_wav, "1")
        assert "Voor 자전거, druk 2." in spoken_text(question)
        sid, url = twilio.add_recording(spoken_answers[word])
        recordings.append(sid)
        end = caller.record(question, sid, url, seconds=2)
        assert end.find("Hangup") is not None

    Worker(voice_runtime).run(until_idle=True)

    with voice_runtime.db.session() as session:
        calls = session.scalars(select(Contribution).order_by(Contribution.id)).all()
        kept = {
            a.details.get("recording_sid"): (a.contribution_id, a.details.get("heard"))
            for a in session.scalars(select(Attachment).where(Attachment.kind == "audio"))
        }
        answers = session.scalars(select(Answer)).all()
        assert [(a.contribution_id, a.option) for a in answers] == [(calls[0].id, "2")]
        evidence = answers[0].evidence
        assert (evidence["source"], evidence["words"]) == ("speech", BICYCLE)
        assert evidence["confidence"] >= 0.6
        assert calls[1].needs_person and calls[1].needs_person_reason == "spoken_answer_unclear"
    staff = voice_client.application.test_client()
    add_user(voice_runtime, "moderator@gemeente.be", "moderator")
    assert sign_in(staff, "moderator@gemeente.be").status_code == 302
    page = staff.get(f"/admin/c/{calls[0].id}").get_data(as_text=True)
    assert f"uitgesproken “{BICYCLE}” · zekerheid" in page
    assert "Gesproken antwoord op een gesloten vraag" in page
    # Both answers were kept beside their voicemail, and Twilio's copies deleted.
    assert kept[recordings[0]] == (
        calls[0].id,
        {"option": "2", "words": BICYCLE, "confidence": evidence["confidence"]},
    )
    assert kept[recordings[1]] == (calls[1].id, {"option": None, "words": "", "confidence": None})
    assert set(recordings) <= set(twilio.deleted)


def test_a_call_erased_during_its_questions_keeps_nothing_and_twilio_keeps_nothing(
    voice_client: FlaskClient,
    voice_runtime: Runtime,
    twilio: FakeTwilio,
    phone_wav: bytes,
    spoken_answers: dict[str, bytes],
) -> None:
    _ask(voice_runtime, PARK_QUESTIONS)
    caller = Caller(voice_client)
    first = _voicemail(caller, twilio, phone_wav, "1")
    with voice_runtime.db.session() as session:
        privacy.erase_contribution(
            session,
            session.scalars(select(Contribution.reference)).one(),
            secret=voice_runtime.settings.secret_key,
            reason="Verzoek van de beller",
            keep_jobs=voice_runtime.registry.after_erasure,
        )
        session.commit()
    second = caller.press(first, "1")
    sid, url = twilio.add_recording(spoken_answers[BICYCLE])
    end = caller.record(second, sid, url, seconds=2)
    assert end.find("Hangup") is not None

    Worker(voice_runtime).run(until_idle=True)

    assert _answers(voice_runtime) == []
    with voice_runtime.db.session() as session:
        assert session.scalars(select(Contribution)).all() == []
        assert session.scalars(select(Attachment)).all() == []
    assert sid in twilio.deleted
