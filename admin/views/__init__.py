"""The staff area's pages; importing this package registers them on the blueprint."""

from admin.views import (
    assisted,
    audit,
    consultations,
    dashboard,
    decisions,
    detail,
    exports,
    login,
    media,
    privacy,
    publication,
    queue,
    reach,
    related,
    themes,
    users,
)

__all__ = [
    "assisted",
    "audit",
    "consultations",
    "dashboard",
    "decisions",
    "detail",
    "exports",
    "login",
    "media",
    "privacy",
    "publication",
    "queue",
    "reach",
    "related",
    "themes",
    "users",
]
