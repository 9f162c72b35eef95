"""The dialogue with one resident: language, consultation, then contributions.

The webhook and the poller both hand every update to `handle_update`. It stores what
must last (dialogue state, contributions, queued replies) in the caller's transaction and
never calls Telegram itself: replies are jobs. The one thing that must happen at once (a
button's spinner, the goodbye after /stop, when no reply may be queued any more) comes back
as an `Immediate` call for the caller to make.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from telegram import Update

from channels.telegram import adapter, texts
from channels.telegram.adapter import (
    CHANNEL,
    PROMPT_JOB,
    Action,
    Choice,
    Command,
    Content,
    Edited,
    Event,
    Membership,
)
from channels.telegram.client import Buttons
from channels.telegram.closed import ANSWER_CHOICE, AskingQuestions
from intake import consultations, conversations, quotas, ratelimit
from intake.hashing import keyed_hash
from intake.i18n import LANGUAGES, supported, using_language
from intake.jobs import enqueue
from intake.models import (
    Consultation,
    Contribution,
    Contributor,
    ConversationState,
    utcnow,
)
from intake.outbound import queue_message
from intake.receive import receive, upsert_contributor
from intake.references import normalise_reference
from intake.runtime import Runtime

STATE_DAYS = 90
SEEN_UPDATES = 32
# Enough to follow one's own contributions; too few to try references one after another.
STATUS_PER_HOUR = 10


@dataclass(frozen=True)
class Immediate:
    """A Bot API call to make right away: in the webhook's answer, or by the poller."""

    method: str
    params: Mapping[str, Any] = field(default_factory=dict)


def handle_update(session: Session, runtime: Runtime, update: Update) -> Immediate | None:
    """Act on one update, once: a redelivered update changes nothing and says nothing."""
    event = adapter.parse(update)
    if event is None:
        return None
    key = keyed_hash(runtime.settings.secret_key, CHANNEL, str(event.person.user_id))
    state = conversations.locked(session, CHANNEL, key)
    seen = list(state.data.get("seen", []))
    if event.update_id in seen:
        return None
    state.data = {**state.data, "seen": [*seen, event.update_id][-SEEN_UPDATES:]}
    state.updated_at = utcnow()
    state.expires_at = state.updated_at + timedelta(days=STATE_DAYS)
    turn = Turn(session, runtime, event, state, key)
    with using_language(turn.language):
        return turn.act()


def while_away(update: Update) -> Immediate | None:
    """Say at once, without the database, what a spooled update gets: a thank-you or a spinner."""
    event = adapter.parse(update)
    if event is None:
        return None
    action = event.action
    if isinstance(action, Choice):
        return Immediate("answerCallbackQuery", {"callback_query_id": action.callback_query_id})
    if not isinstance(action, Content) or action.unsupported:
        return None  # the replay answers commands and the rest
    with using_language(supported(event.person.language_code)):
        return Immediate("sendMessage", {"chat_id": event.person.chat_id, "text": texts.spooled()})


class Turn(AskingQuestions):
    """One update's worth of dialogue."""

    def __init__(
        self, session: Session, runtime: Runtime, event: Event, state: ConversationState, key: str
    ) -> None:
        self.session = session
        self.settings = runtime.settings
        self.event = event
        self.state = state
        self.key = key
        self.language = state.language or supported(event.person.language_code)

    def act(self) -> Immediate | None:
        """Dispatch on what the resident did."""
        action = self.event.action
        if isinstance(action, Membership):
            self._membership(action)
            return None
        restart = isinstance(action, Command) and action.name == "start"
        self.contributor = self._contributor(restart=restart)
        allowed = self._within_quota(action)
        if allowed is None:
            if not isinstance(action, Choice):
                return None
            # Stop the button's spinner: free, and no message.
            return Immediate("answerCallbackQuery", {"callback_query_id": action.callback_query_id})
        action = allowed
        if isinstance(action, Command):
            return self._command(action)
        if isinstance(action, Choice):
            notice = self._choice(action)
            shown = {"text": notice} if notice else {}
            return Immediate(
                "answerCallbackQuery", {"callback_query_id": action.callback_query_id, **shown}
            )
        if isinstance(action, Edited):
            self._say(texts.edited())
        elif isinstance(action, Content):
            self._content(action)
        return None

    def _within_quota(self, action: Action) -> Action | None:
        """Return what of the action the resident's quota allows, or None; tell them once.

        Over the message limit nothing is taken (but /stop still works); over the media
        limit a caption is stored as a text and the file is left out.
        """
        stopping = isinstance(action, Command) and action.name == "stop"
        file = action.file if isinstance(action, Content) and not action.unsupported else None
        offered = 1 if file is not None and not file.too_large else 0
        now = utcnow()
        verdict = quotas.judge(
            quotas.usage_of(self.session, CHANNEL, self.key),
            self.settings.quota("messages", CHANNEL),
            self.settings.quota("media", CHANNEL),
            offered,
            now,
        )
        who = self.contributor
        if who.opted_out or who.unreachable or who.address is None:
            verdict = replace(verdict, notice=False)  # nobody to tell
        quotas.record(self.session, CHANNEL, self.key, verdict, now)
        window = verdict.window or quotas.HOUR
        if not verdict.message:
            if verdict.notice:
                self._say(quotas.too_many_messages(window))
            return action if stopping else None
        if verdict.refused_media and isinstance(action, Content):
            if verdict.notice:
                self._say(quotas.too_many_files(window, None))
            return Content(text=action.text) if action.text else None
        return action

    # Who the resident is

    def _known(self) -> Contributor | None:
        return self.session.scalar(
            select(Contributor).where(
                Contributor.address_kind == CHANNEL, Contributor.address_hash == self.key
            )
        )

    def _contributor(self, *, restart: bool) -> Contributor:
        existing = self._known()
        may_reply = restart or existing is None or not existing.opted_out
        sender = adapter.sender(self.settings.secret_key, self.event.person, may_reply=may_reply)
        contributor_id = upsert_contributor(self.session, sender, self.language)
        contributor = self.session.get(Contributor, contributor_id, populate_existing=True)
        assert contributor is not None
        # Nobody can write to a bot they blocked: whoever writes can be answered again.
        contributor.unreachable = False
        if restart:
            contributor.opted_out = False
        return contributor

    def _membership(self, action: Membership) -> None:
        contributor = self._known()
        if contributor is None:
            return
        contributor.unreachable = action.blocked
        if action.blocked:
            # A resident who blocked the bot cannot get replies: forget where to send them.
            contributor.address = None
        elif not contributor.opted_out:
            contributor.address = str(self.event.person.chat_id)

    # Saying things (always queued: sent by the worker, with retries)

    def _say(self, text: str, *, contribution_id: int | None = None) -> None:
        queue_message(
            self.session, self.contributor, CHANNEL, text, contribution_id=contribution_id
        )

    def _ask(self, text: str, buttons: Buttons) -> None:
        who = self.contributor
        if who.opted_out or who.unreachable or who.address is None:
            return
        rows = [[list(button) for button in row] for row in buttons]
        enqueue(self.session, PROMPT_JOB, {"contributor_id": who.id, "text": text, "buttons": rows})

    # The dialogue

    def _command(self, command: Command) -> Immediate | None:
        if command.name == "start":
            self._start(command.argument)
        elif command.name == "language":
            self._ask_language()
        elif command.name == "status":
            self._status(command.argument)
        elif command.name == "help":
            self._say(texts.help_text())
        elif command.name == "stop":
            return self._stop()
        else:
            self._say(texts.unknown_command())
        return None

    def _start(self, slug: str) -> None:
        if not slug:
            self._ask_language()
            return
        found = self.session.scalar(select(Consultation).where(Consultation.slug == slug))
        if found is not None and found.is_open():
            self._show_question(found)
        else:
            self._offer_consultations(texts.unknown_consultation())

    def _ask_language(self) -> None:
        self._ask(*texts.language_prompt(self.language))

    def _choice(self, choice: Choice) -> str | None:
        """Act on a button; return the notice to show on it, if any."""
        if choice.data.startswith(ANSWER_CHOICE):
            return self._tapped(choice)
        if choice.data.startswith(texts.LANGUAGE_CHOICE):
            language = choice.data.removeprefix(texts.LANGUAGE_CHOICE)
            if language not in LANGUAGES:
                return None
            self.state.language = self.language = language
            self.contributor.preferred_language = language
            with using_language(language):
                asking = self._asking()
                if asking is not None:  # /language amid the closed questions
                    self._ask_current(asking)
                else:
                    self._continue()
        elif choice.data.startswith(texts.CONSULTATION_CHOICE):
            raw_id = choice.data.removeprefix(texts.CONSULTATION_CHOICE)
            found = self.session.get(Consultation, int(raw_id)) if raw_id.isdigit() else None
            if found is not None and found.is_open():
                self._show_question(found)
            else:
                self._offer_consultations(texts.unknown_consultation())
        return None

    def _continue(self) -> None:
        current = self._current_consultation()
        if current is not None:
            self._show_question(current)
        else:
            self._offer_consultations()

    def _current_consultation(self) -> Consultation | None:
        if self.state.consultation_id is None:
            return None
        found = self.session.get(Consultation, self.state.consultation_id)
        return found if found is not None and found.is_open() else None

    def _offer_consultations(self, lead: str | None = None) -> None:
        available = consultations.open_now(self.session)
        if not available:
            self.state.consultation_id = None
            self._say(" ".join(part for part in (lead, texts.none_open()) if part))
        elif len(available) == 1:
            self._show_question(available[0], lead)
        else:
            self._ask(*texts.consultation_prompt(available, self.language, lead))

    def _show_question(self, consultation: Consultation, lead: str | None = None) -> None:
        self.state.consultation_id = consultation.id
        self._stop_asking()  # a new start: a number typed now is no answer to an old question
        self._say(texts.question(consultation, self.language, lead))

    def _status(self, typed: str) -> None:
        asked = ratelimit.hit(
            self.session, self.settings.secret_key, "telegram-status", self.key, 3600
        )
        if asked > STATUS_PER_HOUR:
            # Said once; after that silence, so a flood of questions is no flood of answers.
            if asked == STATUS_PER_HOUR + 1:
                self._say(texts.status_paused())
            return
        reference = normalise_reference(typed)
        if reference is None:
            self._say(texts.status_usage())
            return
        # Only the asker's own: someone else's contribution gets the same answer as one
        # that does not exist, so a reference tells a stranger nothing.
        found = self.session.scalar(
            select(Contribution.status).where(
                Contribution.reference == reference,
                Contribution.contributor_id == self.contributor.id,
            )
        )
        self._say(texts.status(reference, found) if found else texts.status_unknown(reference))

    def _stop(self) -> Immediate:
        self.contributor.opted_out = True
        self.contributor.wants_updates = False
        self.contributor.address = None
        # No reply can be queued for someone who opted out: say goodbye in the answer itself.
        return Immediate(
            "sendMessage", {"chat_id": self.event.person.chat_id, "text": texts.stopped()}
        )

    def _content(self, content: Content) -> None:
        if content.unsupported:
            self._say(texts.unsupported(content.unsupported))
            return
        if content.file is not None and content.file.too_large:
            self._say(texts.too_large())
            return
        if content.file is None and self._typed_answer(content.text):
            return
        consultation = self._consultation_for_content()
        if consultation is None:
            return
        sender = adapter.sender(
            self.settings.secret_key,
            self.event.person,
            may_reply=self.contributor.address is not None,
        )
        inbound = adapter.to_inbound(
            self.event,
            content,
            consultation_id=consultation.id,
            language=self.language,
            sender=sender,
        )
        receipt = receive(self.session, inbound)
        if receipt.created:
            self._say(texts.thanks(receipt.reference), contribution_id=receipt.id)
            self._begin_questions(consultation.id, receipt.id, receipt.reference)

    def _consultation_for_content(self) -> Consultation | None:
        chosen = self.state.consultation_id
        current = self._current_consultation()
        if current is not None:
            return current
        if chosen is not None:
            # Never file a message under another question than the one the resident saw.
            self._offer_consultations(texts.closed())
            return None
        available = consultations.open_now(self.session)
        if len(available) != 1:
            self._offer_consultations(texts.choose_first() if available else None)
            return None
        self.state.consultation_id = available[0].id
        return available[0]
