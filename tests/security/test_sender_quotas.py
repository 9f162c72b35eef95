"""One sender cannot flood the service: messages and media are capped per sender and channel,
the sender is told once in their own language, and everybody else's work goes first.

Floods go through the real webhooks (SMS through the real `inspraak serve`), and the order in
which a real worker takes the jobs afterwards is read from the jobs themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy import select, update

from channels.sms.segments import fits
from intake import quotas
from intake.app import create_app
from intake.config import ConfigError, Quota
from intake.i18n import LANGUAGES, using_language
from intake.jobs.worker import Worker
from intake.models import Contribution, Job, OutboundMessage, SenderQuota, utcnow
from intake.runtime import Runtime
from tests.channels.sms.conftest import PUBLIC_URL, WEBHOOK, start_runtime
from tests.channels.voice.conftest import VOICE_URL, voice_env
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.server import running_server
from tests.support.telegram import SECRET, FakeTelegram, document, fake_telegram, message, voice
from tests.support.twilio import FakeTwilio, fake_twilio, message_params, new_sid, sign

FLOODER, NEIGHBOUR = "+32470111222", "+32470333444"
PDF = b"%PDF-1.4\n% not really a form\n"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with fake_twilio() as fake:
        yield fake


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with fake_telegram() as fake:
        yield fake


def _client(runtime: Runtime) -> FlaskClient:
    app = create_app(runtime_=runtime)
    app.config["TESTING"] = True
    return app.test_client()


def _reply(answer: requests.Response) -> str | None:
    assert answer.status_code == 200, answer.text
    found = ElementTree.fromstring(answer.content).findall("Message")
    return found[0].text if found else None


def _contributions(runtime: Runtime) -> list[Contribution]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Contribution).order_by(Contribution.id)))


def test_an_sms_flood_is_capped_and_told_once_in_its_own_language(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    data = tmp_path / "data"
    env = twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL, INSPRAAK_QUOTA_MESSAGES_SMS="5/hour,8/day")
    inspraak(data, "db", "upgrade", **env)
    inspraak(data, "demo", **env)

    def text(base: str, body: str, number: str) -> str | None:
        params = message_params(body, number=number)
        signature = sign(PUBLIC_URL + WEBHOOK, params)
        answer = requests.post(
            base + WEBHOOK, data=params, headers={"X-Twilio-Signature": signature}, timeout=30
        )
        return _reply(answer)

    flood = "DEMO Je voudrais des bancs et des arbres dans le parc, numéro {n}"
    with running_server(data, **env) as base:
        answers = [text(base, flood.format(n=n), FLOODER) for n in range(12)]
        neighbour = text(base, "DEMO Meer fietsenstallingen aan het station", NEIGHBOUR)

    assert all(a is not None and a.startswith("Merci") for a in answers[:5]), answers[:5]
    assert answers[5] is not None and answers[5].startswith("Vous avez envoyé beaucoup")
    assert answers[6:] == [None] * 6  # told once: the rest of the flood costs no reply
    assert neighbour is not None and neighbour.startswith("Bedankt!")
    runtime = Runtime.start(make_settings(data, **env))
    stored = _contributions(runtime)
    assert [c.language for c in stored] == ["fr"] * 5 + ["nl"]

    # An hour later the sender may send again (within the day's 8), and is told once more.
    with runtime.db.session() as session:
        an_hour_ago = utcnow() - timedelta(minutes=61)
        session.execute(update(SenderQuota).values(hour_start=an_hour_ago))
        session.commit()
    app = _client(runtime)
    later = []
    for n in range(5):
        params = message_params(flood.format(n=100 + n), number=FLOODER)
        signature = sign(PUBLIC_URL + WEBHOOK, params)
        answer = app.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": signature})
        found = ElementTree.fromstring(answer.get_data()).findall("Message")
        later.append(found[0].text if found else None)
    assert [a is not None and a.startswith("Merci") for a in later[:3]] == [True] * 3
    assert later[3] is not None and later[3].startswith("Vous avez déjà envoyé beaucoup")
    assert later[4] is None
    assert len(_contributions(runtime)) == 9
    runtime.db.dispose()


def test_over_the_media_quota_the_text_is_kept_and_the_pictures_refused(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    env = twilio.env(INSPRAAK_PUBLIC_URL=PUBLIC_URL, INSPRAAK_QUOTA_MEDIA_SMS="2/hour")
    runtime = start_runtime(tmp_path / "data", **env)
    client = _client(runtime)

    def text(body: str, pictures: int) -> str | None:
        media = [
            (twilio.add_media(b"\xff\xd8\xff" + bytes([n])), "image/jpeg") for n in range(pictures)
        ]
        params = message_params(body, number=FLOODER, media=media)
        signature = sign(PUBLIC_URL + WEBHOOK, params)
        answer = client.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": signature})
        found = ElementTree.fromstring(answer.get_data()).findall("Message")
        return found[0].text if found else None

    first = text("DEMO Hier ligt al weken afval, kijk maar", 3)
    picture_only = text("", 1)
    words = text("En hier ook", 0)

    reference = re.search(r"code ([0-9A-Z]{3}-[0-9A-Z]{3})", first or "")
    assert reference and "namen geen foto's, bestanden of spraakberichten meer aan" in (first or "")
    assert picture_only is None  # already told this hour; nothing to keep
    assert words is not None and words.startswith("Bedankt!")
    kept, second = _contributions(runtime)
    assert (
        kept.reference == reference.group(1) and kept.text == "Hier ligt al weken afval, kijk maar"
    )
    assert second.text == "En hier ook"
    with runtime.db.session() as session:
        downloads = session.scalars(select(Job).where(Job.kind == "sms.media")).all()
    assert [job.payload["index"] for job in downloads] == [0, 1]
    runtime.db.dispose()


def _bot(tmp_path: Path, telegram: FakeTelegram, **env: str) -> tuple[Runtime, FlaskClient]:
    runtime = start_runtime(tmp_path / "bot", **{**telegram.env(), **env})
    return runtime, _client(runtime)


def _post(client: FlaskClient, update: dict[str, object]) -> None:
    answer = client.post(
        "/hooks/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert answer.status_code == 200


def test_a_telegram_flood_of_pdfs_is_capped_and_everybody_else_goes_first(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    runtime, client = _bot(tmp_path, telegram, INSPRAAK_QUOTA_MEDIA_TELEGRAM="4/hour,6/day")
    flooder, neighbour = 5_550_301, 5_550_302
    for n in range(40):  # forty 20 MB PDFs, each up to 100 minutes of OCR
        file_id = f"BQACAgQAAxkBAAPDF{n:04d}"
        telegram.add_file(file_id, PDF, f"documents/file_{n}.pdf", size=20 * 1024 * 1024 - 1)
        pdf = document(file_id, 20 * 1024 * 1024 - 1, "application/pdf", f"brief-{n}.pdf")
        _post(client, message(flooder, language_code="en", **pdf))
    telegram.add_file("AwACAgQAAxkBAAIBvoice", b"OggS" + b"\0" * 60, "voice/file_1.oga")
    _post(client, message(neighbour, language_code="nl", **voice("AwACAgQAAxkBAAIBvoice", 64)))
    _post(client, message(neighbour, "En meer zitbanken aan de speeltuin"))

    with runtime.db.session() as session:
        replies: dict[int | None, list[str]] = {}
        for who, body in session.execute(
            select(OutboundMessage.contributor_id, OutboundMessage.body).order_by(
                OutboundMessage.id
            )
        ):
            replies.setdefault(who, []).append(body)
    stored = _contributions(runtime)
    assert len(stored) == 4 + 2  # four PDFs kept; the neighbour's voice note and text
    flood_replies, neighbour_replies = replies.values()
    # Four thank-yous and one notice, in English; the other 35 PDFs (and, after the 20th
    # message, the hour's message limit) got no answer at all.
    assert len(flood_replies) == 5
    assert [b.startswith("Thank you") for b in flood_replies[:4]] == [True] * 4
    assert flood_replies[4].startswith("Your photo, file or voice message did not arrive")
    assert [b.startswith("Bedankt!") for b in neighbour_replies] == [True, True]

    Worker(runtime).run(until_idle=True)
    with runtime.db.session() as session:
        done = session.execute(
            select(Job.kind, Job.contributor_id, Job.sender_rank)
            .where(Job.finished_at.is_not(None))
            .order_by(Job.finished_at, Job.id)
        ).all()
        neighbour_id = session.scalars(
            select(Contribution.contributor_id).where(Contribution.text.like("En meer%"))
        ).one()
    order = [
        (
            "reply" if kind == "outbound.send" else kind,
            "neighbour" if who == neighbour_id else "flood",
        )
        for kind, who, _rank in done
    ]
    # Every reply first, the neighbour's among them though it was queued last.
    assert {kind for kind, _who in order[:7]} == {"reply"}
    assert ("reply", "neighbour") in order[:7]
    heavy = order[7:]
    # Each sender's first heavy job before anybody's second: the neighbour's download and its
    # transcription come before the flood's second, third … download.
    assert heavy[:2] == [("telegram.fetch_media", "flood"), ("telegram.fetch_media", "neighbour")]
    assert heavy.index(("transcription.transcribe", "neighbour")) < 4
    assert sum(1 for entry in heavy if entry == ("telegram.fetch_media", "flood")) == 4
    runtime.db.dispose()


def test_a_caller_over_the_daily_calls_is_told_once_then_rejected_unanswered(
    tmp_path: Path, twilio: FakeTwilio
) -> None:
    runtime = start_runtime(tmp_path / "data", **voice_env(twilio, INSPRAAK_QUOTA_CALLS="2/day"))
    client = _client(runtime)

    def call(number: str) -> str:
        params = {"CallSid": new_sid("CA"), "From": number, "To": "+3225550100"}
        answer = client.post(
            "/hooks/twilio/voice",
            data=params,
            headers={"X-Twilio-Signature": sign(VOICE_URL, params)},
        )
        return answer.get_data(as_text=True)

    first, second, third, fourth = (call(FLOODER) for _ in range(4))
    other = call(NEIGHBOUR)
    hidden = [call("+266696687") for _ in range(4)]  # everyone who hides their number
    assert "<Gather" in first and "<Gather" in second and "<Gather" in other
    assert all("<Gather" in answer for answer in hidden)
    assert "U belde vandaag al vaak" in third and "Vous avez déjà appelé souvent" in third
    assert "You have already called often today" in third and "<Hangup" in third
    assert '<Reject reason="busy"' in fourth and "<Say" not in fourth
    runtime.db.dispose()


def test_quotas_are_configured_per_channel_with_defaults_and_checked(tmp_path: Path) -> None:
    defaults = make_settings(tmp_path)
    assert defaults.quota("messages", "sms") == Quota(per_hour=20, per_day=60)
    assert defaults.quota("media", "telegram") == Quota(per_hour=5, per_day=10)
    assert defaults.quota("calls", "voice") == Quota(per_day=5)
    tuned = make_settings(
        tmp_path,
        INSPRAAK_QUOTA_MESSAGES="30/hour",
        INSPRAAK_QUOTA_MEDIA_WHATSAPP="50/day",
        INSPRAAK_QUOTA_CALLS="off",
    )
    assert tuned.quota("messages", "telegram") == Quota(per_hour=30)
    assert tuned.quota("media", "whatsapp") == Quota(per_day=50)
    assert tuned.quota("media", "sms") == Quota(per_hour=5, per_day=10)
    assert tuned.quota("calls", "voice") == Quota()
    for bad in ("many", "5/week", "0/hour", "5/hour,6/hour"):
        with pytest.raises(ConfigError, match="INSPRAAK_QUOTA_MEDIA"):
            make_settings(tmp_path, INSPRAAK_QUOTA_MEDIA=bad)


def test_every_notice_fits_two_text_messages_in_every_language() -> None:
    for language in LANGUAGES:
        with using_language(language):
            for window in ("hour", "day"):
                for notice in (
                    quotas.too_many_messages(window),
                    quotas.too_many_files(window, None),
                    quotas.too_many_files(window, "K7M-4PQ"),
                ):
                    assert fits(notice, 2), (language, notice)
                    if language != "nl":
                        assert not notice.startswith(("U ", "Uw ", "Bedankt")), notice
