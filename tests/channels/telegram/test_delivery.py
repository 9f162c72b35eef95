"""Replies as jobs: retried when the Bot API fails, given up when the resident blocked the bot."""

from __future__ import annotations

from sqlalchemy import select

from channels.telegram.adapter import PROMPT_JOB
from intake.models import Contributor, JobStatus, OutboundMessage
from intake.outbound import SEND_JOB, queue_message
from tests.channels.telegram.conftest import Bot
from tests.support.telegram import BLOCKED, BROKEN, blocked, message

RESIDENT = 5_550_004


def _contributor(bot: Bot) -> Contributor:
    with bot.runtime.db.session() as session:
        return session.scalars(select(Contributor)).one()


def test_a_failing_bot_api_is_retried_until_it_recovers(bot: Bot) -> None:
    bot.api.fail("sendMessage", BROKEN)
    bot.post(message(RESIDENT, "Meer licht op het pad"))
    bot.work()
    [job] = bot.jobs(SEND_JOB)
    assert job.status == JobStatus.QUEUED and job.attempts == 1
    assert "Internal Server Error" in (job.last_error or "")
    bot.make_jobs_due()
    bot.work()
    [job] = bot.jobs(SEND_JOB)
    assert job.status == JobStatus.DONE and job.attempts == 2
    first, second = bot.api.sent()
    assert first.text == second.text and second.text.startswith("Bedankt!")
    with bot.runtime.db.session() as session:
        sent = session.scalars(select(OutboundMessage)).one()
        assert sent.status == "sent" and sent.provider_message_id


def test_a_resident_who_blocked_the_bot_is_marked_and_not_retried(bot: Bot) -> None:
    bot.api.fail("sendMessage", BLOCKED)
    bot.post(message(RESIDENT, "Een bankje bij de vijver"))
    bot.work()
    assert _contributor(bot).unreachable
    assert [job.status for job in bot.jobs(SEND_JOB)] == [JobStatus.DONE]
    with bot.runtime.db.session() as session:
        contributor = session.scalars(select(Contributor)).one()
        assert queue_message(session, contributor, "telegram", "Nieuws") is None
    bot.work()
    assert len(bot.api.sent()) == 1
    bot.post(message(RESIDENT, "Nog iets"))  # only possible once they unblocked the bot
    bot.work()
    assert not _contributor(bot).unreachable
    assert len(bot.api.sent()) == 2 and bot.api.sent()[-1].text.startswith("Bedankt!")


def test_a_blocked_prompt_marks_the_resident_too(bot: Bot) -> None:
    bot.api.fail("sendMessage", BLOCKED)
    bot.post(message(RESIDENT, "/start"))
    bot.work()
    contributor = _contributor(bot)
    assert contributor.unreachable and contributor.address is None
    assert [job.status for job in bot.jobs(PROMPT_JOB)] == [JobStatus.DONE]


def test_blocking_the_bot_forgets_the_chat_and_unblocking_brings_it_back(bot: Bot) -> None:
    bot.post(message(RESIDENT, "Een speeltuin"))
    bot.post(blocked(RESIDENT))
    contributor = _contributor(bot)
    assert contributor.unreachable and contributor.address is None
    bot.work()
    assert bot.api.sent() == []  # the thank-you is not sent to a blocked chat
    bot.post(blocked(RESIDENT, status="member"))
    contributor = _contributor(bot)
    assert not contributor.unreachable and contributor.address == str(RESIDENT)
    bot.post(message(RESIDENT, "/start"))
    bot.work()
    assert len(bot.api.sent()) == 1
