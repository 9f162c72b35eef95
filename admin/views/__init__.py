"""The staff area's pages; importing this package registers them on the blueprint."""

from admin.views import (
    assisted,
    audit,
    consultations,
    dashboard,
    detail,
    exports,
    login,
    media,
    privacy,
    queue,
    users,
)

__all__ = [
    "assisted",
    "audit",
    "consultations",
    "dashboard",
    "detail",
    "exports",
    "login",
    "media",
    "privacy",
    "queue",
    "users",
]
