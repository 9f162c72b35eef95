"""Words for states that residents and staff read, in every language."""

from __future__ import annotations

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


def status_label(status: str) -> str:
    """Name a contribution's status in the current language."""
    return _(_STATUS[ContributionStatus(status)][0])


def status_explanation(status: str) -> str:
    """Say in one sentence what a contribution's status means for the resident."""
    return _(_STATUS[ContributionStatus(status)][1])
