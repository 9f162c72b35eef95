"""The plain web form: checked form fields → an `Inbound`, or errors tied to fields."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from intake.contacts.numbers import NumberRefusedError, mobile_number, refusal
from intake.i18n import lazy_gettext as _l
from intake.inbound import GivenAnswer, Inbound, Sender
from intake.questions import choices_in

CHANNEL = "web"
NAME_MAX = 120
POSTCODE = re.compile(r"^[1-9]\d{3}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[\d\s./()-]{8,20}$")
NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# A closed question's radio buttons are named after its key: `q-often`.
QUESTION_FIELD = "q-"


@dataclass
class FormInput:
    """What the resident typed, kept whole so a page with errors can show it again."""

    text: str = ""
    name: str = ""
    postcode: str = ""
    contact: str = ""
    consent: bool = False
    nonce: str = ""
    # The closed questions' answers: question key → option key ("1", "2", …).
    choices: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> FormInput:
        """Read the posted fields, trimmed."""
        return cls(
            text=form.get("text", "").strip(),
            name=form.get("name", "").strip(),
            postcode=form.get("postcode", "").strip(),
            contact=form.get("contact", "").strip(),
            consent=form.get("consent") == "yes",
            nonce=form.get("nonce", ""),
            choices=choices_in(form, QUESTION_FIELD),
        )


def _contact_kind(contact: str) -> str | None:
    if EMAIL.match(contact):
        return "email"
    if PHONE.match(contact) and sum(c.isdigit() for c in contact) >= 8:
        return "phone"
    return None


def contact_address(contact: str, regions: Sequence[str]) -> tuple[str, str]:
    """Return the kind of a typed contact and the address to keep (a number in E.164).

    Raises NumberRefusedError for a number Inspraak may not text (another country, a
    premium-rate or satellite number …) and ValueError for anything else.
    """
    kind = _contact_kind(contact)
    if kind == "email":
        return kind, contact
    if kind == "phone":
        return kind, mobile_number(contact, regions)
    raise ValueError("neither an e-mail address nor a phone number")


def validate(data: FormInput, max_length: int, regions: Sequence[str]) -> dict[str, str]:
    """Return a message per field that is not right; empty when the form can be stored."""
    errors: dict[str, str] = {}
    if not data.text:
        errors["text"] = str(_l("Schrijf uw mening in het tekstvak."))
    elif len(data.text) > max_length:
        errors["text"] = str(
            _l(
                "Uw tekst is %(count)d tekens lang; het maximum is %(max)d. Maak hem wat korter.",
                count=len(data.text),
                max=max_length,
            )
        )
    if len(data.name) > NAME_MAX:
        errors["name"] = str(_l("Die naam is te lang."))
    if data.postcode and not POSTCODE.match(data.postcode):
        errors["postcode"] = str(_l("Een postcode heeft vier cijfers, bijvoorbeeld 9000."))
    if data.contact:
        try:
            contact_address(data.contact, regions)
        except NumberRefusedError as refused:
            errors["contact"] = refusal(refused.problem, regions)
        except ValueError:
            errors["contact"] = str(_l("Vul een e-mailadres of een telefoonnummer in."))
    if data.contact and not data.consent:
        errors["consent"] = str(
            _l("Vink dit vakje aan als we u mogen contacteren, of laat het contactveld leeg.")
        )
    return errors


def to_inbound(
    data: FormInput,
    *,
    consultation_id: int,
    language: str,
    secret: str,
    regions: Sequence[str],
    kiosk: bool = False,
    closed_answers: tuple[GivenAnswer, ...] = (),
) -> Inbound:
    """Turn a valid form into the channel-neutral `Inbound`.

    A typed contact is unconfirmed: the core holds it until its owner confirms it.
    """
    sender = None
    if data.contact and data.consent:
        kind, address = contact_address(data.contact, regions)
        sender = Sender.of(
            secret, kind, address, may_reply=True, wants_updates=True, confirmed=False
        )
    return Inbound(
        channel=CHANNEL,
        language=language,
        text=data.text,
        consultation_id=consultation_id,
        channel_message_id=data.nonce if NONCE.match(data.nonce) else None,
        sender=sender,
        author_name=data.name or None,
        postcode=data.postcode or None,
        answers={"via": "kiosk"} if kiosk else {},
        closed_answers=closed_answers,
    )
