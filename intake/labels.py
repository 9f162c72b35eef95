"""Words for states, channels and languages that residents and staff read, in every language.

Channels name themselves in their plugins; this module reads their names from the registry.
"""

from __future__ import annotations

from intake.current import registry
from intake.i18n import N_
from intake.i18n import gettext as _
from intake.models import ContributionStatus

_STATUS = {
    ContributionStatus.NEW: (N_("Ontvangen"), N_("We hebben uw bijdrage goed ontvangen.")),
    ContributionStatus.IN_REVIEW: (N_("Wordt gelezen"), N_("Een medewerker leest uw bijdrage.")),
    ContributionStatus.ACCEPTED: (
        N_("Meegenomen"),
        N_("Uw bijdrage is gelezen en wordt meegenomen in de beslissing."),
    ),
    ContributionStatus.NOT_RELEVANT: (
        N_("Niet voor deze bevraging"),
        N_("Uw bijdrage is gelezen, maar gaat niet over deze vraag."),
    ),
    ContributionStatus.DUPLICATE: (
        N_("Samengevoegd"),
        N_("Uw bijdrage is gelezen en samengevoegd met een gelijkaardige bijdrage."),
    ),
}
CONSULTATION_STATES = {
    "draft": N_("Ontwerp"),
    "open": N_("Open"),
    "closed": N_("Afgesloten"),
}
# Names of the languages in the reader's language (the language switch uses their own names).
LANGUAGE_LABELS = {"nl": N_("Nederlands"), "fr": N_("Frans"), "en": N_("Engels")}


def status_label(status: str) -> str:
    """Name a contribution's status in the current language."""
    return _(_STATUS[ContributionStatus(status)][0])


def status_explanation(status: str) -> str:
    """Say in one sentence what a contribution's status means for the resident."""
    return _(_STATUS[ContributionStatus(status)][1])


def resident_status(reference: str, state: str) -> str:
    """Tell a resident, in a text message or a mail, where their contribution stands."""
    return _(
        "Uw bijdrage %(reference)s: %(label)s. %(explanation)s",
        reference=reference,
        label=status_label(state),
        explanation=status_explanation(state),
    )


def channel_label(channel: str) -> str:
    """Name a channel as its plugin declares it (the code itself when none does)."""
    declared = registry().channels.get(channel)
    return _(declared.label) if declared else channel


def channel_choices() -> dict[str, str]:
    """Return every loaded channel's code and translated name, in the order of the names."""
    names = {code: _(c.label) for code, c in registry().channels.items()}
    return dict(sorted(names.items(), key=lambda item: item[1].casefold()))


def consultation_state(status: str) -> str:
    """Name a consultation's state."""
    return _(CONSULTATION_STATES[status]) if status in CONSULTATION_STATES else status


def language_label(language: str) -> str:
    """Name a language in the current language."""
    return _(LANGUAGE_LABELS[language]) if language in LANGUAGE_LABELS else language
