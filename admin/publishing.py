"""What staff put on the public results page: the municipality's decisions, and quotes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from admin.audit import record
from admin.review import review_state
from intake.i18n import LANGUAGES
from intake.i18n import gettext as _
from intake.models import Decision, utcnow
from intake.reporting.results import QUOTE_MAX

TITLE_MAX = 200
BODY_MAX = 5000


class PublicationError(Exception):
    """A quote cannot be published as written; the message (translated) says why."""


@dataclass
class DecisionForm:
    """A decision as staff typed it: the day, and a title and body per language."""

    decided_on: str = ""
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: MultiDict[str, str]) -> DecisionForm:
        """Read the posted fields (`decided_on`, `nl_title`, `nl_body`, ...)."""
        texts = {
            language: {
                part: form.get(f"{language}_{part}", "").strip() for part in ("title", "body")
            }
            for language in LANGUAGES
        }
        return cls(form.get("decided_on", "").strip(), texts)

    @classmethod
    def of(cls, decision: Decision) -> DecisionForm:
        """Fill the form with a stored decision."""
        texts = {
            language: {
                "title": str(decision.texts.get(language, {}).get("title", "")),
                "body": str(decision.texts.get(language, {}).get("body", "")),
            }
            for language in LANGUAGES
        }
        return cls(decision.decided_on.isoformat(), texts)

    def validate(self) -> date | None:
        """Check the fields, filling `errors`; return the day when all is well."""
        day = None
        if not self.decided_on:
            self.errors["decided_on"] = _("Geef de datum van het besluit.")
        else:
            try:
                day = date.fromisoformat(self.decided_on)
            except ValueError:
                self.errors["decided_on"] = _("Geef een datum zoals 2026-03-01.")
        for language, text in self.texts.items():
            if len(text.get("title", "")) > TITLE_MAX:
                self.errors[f"{language}_title"] = _(
                    "De titel is te lang (hoogstens %(max)d tekens).", max=TITLE_MAX
                )
            elif text.get("body") and not text.get("title"):
                self.errors[f"{language}_title"] = _("Geef ook in deze taal een titel.")
            if len(text.get("body", "")) > BODY_MAX:
                self.errors[f"{language}_body"] = _(
                    "De tekst is te lang (hoogstens %(max)d tekens).", max=BODY_MAX
                )
        if not self.texts.get("nl", {}).get("title"):
            self.errors["nl_title"] = _("Geef minstens een titel in het Nederlands.")
        return None if self.errors else day

    def stored_texts(self) -> dict[str, Any]:
        """Return the texts to store: only the languages that have a title."""
        return {language: dict(text) for language, text in self.texts.items() if text["title"]}


def save_decision(
    session: Session,
    consultation_id: int,
    day: date,
    texts: dict[str, Any],
    decision: Decision | None = None,
    actor_id: int | None = None,
) -> Decision:
    """Add a decision to a consultation, or change one; flush and audit."""
    if decision is None:
        decision = Decision(consultation_id=consultation_id, created_by_id=actor_id)
        session.add(decision)
        action = "decision.add"
    else:
        action = "decision.edit"
    decision.decided_on = day
    decision.texts = texts
    session.flush()
    record(session, action, "decision", decision.id, consultation_id=consultation_id)
    return decision


def delete_decision(session: Session, decision: Decision) -> None:
    """Remove a decision from the results page; flush and audit."""
    session.delete(decision)
    session.flush()
    record(
        session,
        "decision.delete",
        "decision",
        decision.id,
        consultation_id=decision.consultation_id,
    )


def set_publication(session: Session, contribution_id: int, publishable: bool, quote: str) -> None:
    """Allow (or stop) quoting a contribution publicly, with the words staff chose."""
    quote = " ".join(quote.split())
    if len(quote) > QUOTE_MAX:
        raise PublicationError(
            _("Het citaat is te lang (hoogstens %(max)d tekens).", max=QUOTE_MAX)
        )
    state = review_state(session, contribution_id)
    state.publishable = publishable
    state.public_quote = quote or None
    state.updated_at = utcnow()
    session.flush()
    # Whether a quote was written, never the words: the audit trail holds no residents' text.
    record(
        session,
        "contribution.publication",
        "contribution",
        contribution_id,
        publishable=publishable,
        quote=bool(quote),
    )
