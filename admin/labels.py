"""Names staff read for roles, channels, text origins and job states, in their language."""

from __future__ import annotations

from intake.i18n import N_
from intake.i18n import gettext as _

CHANNELS = {
    "web": N_("Website"),
    "sms": N_("Sms"),
    "whatsapp": N_("WhatsApp"),
    "voice": N_("Telefoon"),
    "telegram": N_("Telegram"),
    "paper": N_("Papier"),
    "assisted": N_("Met hulp ingevoerd"),
}
# Replies may go by e-mail although no contribution comes in that way.
_ALL_CHANNELS = {**CHANNELS, "email": N_("E-mail")}
ORIGINS = {
    "typed": N_("Getypt door de inwoner"),
    "transcribed": N_("Uitgeschreven uit een opname"),
    "ocr": N_("Gelezen van papier"),
    "corrected": N_("Verbeterd door een medewerker"),
    "none": N_("Nog geen tekst"),
}
ROLES = {
    "viewer": N_("lezer"),
    "moderator": N_("moderator"),
    "admin": N_("beheerder"),
}


def channel_label(channel: str) -> str:
    """Name a channel."""
    return _(_ALL_CHANNELS[channel]) if channel in _ALL_CHANNELS else channel


def origin_label(origin: str) -> str:
    """Say where a text came from."""
    return _(ORIGINS[origin]) if origin in ORIGINS else origin


def role_label(role: str) -> str:
    """Name a staff role."""
    return _(ROLES[role]) if role in ROLES else role


CONSULTATION_STATES = {
    "draft": N_("Ontwerp"),
    "open": N_("Open"),
    "closed": N_("Afgesloten"),
}


def consultation_state(status: str) -> str:
    """Name a consultation's state."""
    return _(CONSULTATION_STATES[status]) if status in CONSULTATION_STATES else status
