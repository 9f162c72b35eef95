"""Names staff read for roles, text origins and review reasons.

Reasons are declared, with their labels, by the plugins that leave them; channels: intake.labels.
"""

from __future__ import annotations

from intake.current import registry
from intake.i18n import N_
from intake.i18n import gettext as _

__all__ = [
    "ORIGINS",
    "ROLES",
    "origin_label",
    "reason_label",
    "role_label",
]

ORIGINS = {
    "typed": N_("Getypt door de inwoner"),
    "transcribed": N_("Uitgeschreven uit een opname"),
    "ocr": N_("Gelezen van papier"),
    "corrected": N_("Verbeterd door een medewerker"),
    "none": N_("Nog geen tekst"),
}
ROLES = {
    "platform": N_("platformbeheerder"),
    "viewer": N_("lezer"),
    "moderator": N_("moderator"),
    "admin": N_("beheerder"),
}


def origin_label(origin: str) -> str:
    """Say where a text came from."""
    return _(ORIGINS[origin]) if origin in ORIGINS else origin


def reason_label(reason: str | None) -> str:
    """Say why a contribution waits for a person (the code itself when it is new)."""
    if not reason:
        return _("Ja")
    label = registry().reasons.get(reason)
    return _(label) if label else reason


def role_label(role: str) -> str:
    """Name a staff role."""
    return _(ROLES[role]) if role in ROLES else role
