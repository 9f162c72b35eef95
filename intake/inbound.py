"""What every channel hands to the core: one channel-neutral shape, no provider types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from intake.evidence import AnswerEvidence
from intake.hashing import keyed_hash
from intake.models import TextOrigin


@dataclass(frozen=True)
class Sender:
    """Who sent it, as a keyed hash; the address itself only where a reply is allowed.

    `confirmed` says the address was proven to be the sender's: a provider vouches for the
    number that texted or the chat that wrote. An address typed on a form is not, and
    `receive` holds it for confirmation instead of giving it to the resident it names.
    """

    kind: str
    address_hash: str
    address: str | None = None
    wants_updates: bool = False
    confirmed: bool = False

    @classmethod
    def of(
        cls,
        secret: str,
        kind: str,
        address: str,
        *,
        may_reply: bool,
        confirmed: bool,
        wants_updates: bool = False,
    ) -> Sender:
        """Hash `address` under the instance secret and keep it only if `may_reply`."""
        return cls(
            kind=kind,
            address_hash=keyed_hash(secret, kind, address),
            address=address if may_reply else None,
            wants_updates=wants_updates and may_reply,
            confirmed=confirmed,
        )

    @property
    def needs_confirmation(self) -> bool:
        """Tell whether an address came that nobody has yet proven to be the sender's."""
        return self.address is not None and not self.confirmed


@dataclass(frozen=True)
class InboundMedia:
    """An original already put in the media store (sha256 key), to attach as evidence."""

    kind: str
    media_type: str
    sha256: str | None = None
    size: int | None = None
    duration_seconds: float | None = None
    pages: int | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobRequest:
    """Slow work to do once the contribution is stored; its id is added to the payload."""

    kind: str
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GivenAnswer:
    """A closed question's answer as a channel understood it: which option, and how."""

    question_id: int
    option: str
    evidence: AnswerEvidence


@dataclass(frozen=True)
class Inbound:
    """A resident's contribution as it arrived, before it is stored."""

    channel: str
    language: str
    text: str = ""
    consultation_id: int | None = None
    channel_message_id: str | None = None
    text_origin: str = TextOrigin.TYPED
    sender: Sender | None = None
    author_name: str | None = None
    postcode: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    closed_answers: tuple[GivenAnswer, ...] = ()
    media: tuple[InboundMedia, ...] = ()
    jobs: tuple[JobRequest, ...] = ()
    needs_person_reason: str | None = None
    received_at: datetime | None = None
