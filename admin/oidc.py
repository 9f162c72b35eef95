"""Staff sign-in at the municipality's OpenID provider: the client, and who the claims make.

The flow is the authorization code with PKCE (S256), a state and a nonce, through Authlib;
the ID token's signature (the provider's published keys), issuer, audience, expiry and
nonce are checked before anything here reads it. Roles come from the provider's group
claim through INSPRAAK_OIDC_ROLES, again on every sign-in: who left a group loses what it
gave, and who is in no mapped group any more is refused and signed out everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import staff as accounts
from intake.config import RoleMapping, Settings
from intake.models import Consultation, Role, StaffUser
from intake.staff import EMAIL, NO_PASSWORD, Grant

NAME = "municipality"
SCOPES = "openid email profile"
# Seconds of clock difference with the provider tolerated on the ID token's times.
LEEWAY = 30


class SignInRefusedError(Exception):
    """The provider vouched for someone who may not sign in here; `reason` says why."""

    def __init__(self, reason: str, user: StaffUser | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user


def setup(app: Flask, settings: Settings) -> None:
    """Register the provider's client on the app when one is configured."""
    if not settings.oidc_enabled:
        return
    oauth = OAuth(app)
    oauth.register(
        NAME,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "default_timeout": 15},
    )
    app.extensions["inspraak.oidc"] = oauth.create_client(NAME)


def client() -> Any:
    """Return the provider's client of this app (None when none is configured)."""
    return current_app.extensions.get("inspraak.oidc")


def external_url(endpoint: str, public_url: str | None) -> str:
    """Return the full URL of an endpoint, as the provider must be told it."""
    if public_url:
        return public_url + url_for(endpoint)
    return url_for(endpoint, _external=True)


def groups_of(claims: dict[str, Any], claim: str) -> set[str]:
    """Return the groups (or roles) a claim lists; a single value counts as one group."""
    value = claims.get(claim)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {str(item) for item in value}
    return set()


@dataclass(frozen=True)
class Mapped:
    """What an account's groups give it here."""

    admin: bool
    grants: set[Grant]

    @property
    def anything(self) -> bool:
        """Tell whether the groups give any access at all."""
        return self.admin or bool(self.grants)


def map_groups(session: Session, mappings: tuple[RoleMapping, ...], groups: set[str]) -> Mapped:
    """Turn provider groups into a role: admin, or grants per consultation (or all)."""
    admin = False
    best: dict[int | None, str] = {}
    slugs = {m.consultation for m in mappings if m.group in groups and m.consultation}
    ids = dict(
        session.execute(
            select(Consultation.slug, Consultation.id).where(Consultation.slug.in_(slugs))
        ).all()
    )
    for mapping in mappings:
        if mapping.group not in groups:
            continue
        if mapping.role == Role.ADMIN:
            admin = True
            continue
        where = ids.get(mapping.consultation) if mapping.consultation else None
        if mapping.consultation and where is None:
            continue  # a consultation not (or no longer) here gives nothing
        if best.get(where) != Role.MODERATOR:
            best[where] = mapping.role
    return Mapped(admin, set() if admin else set(best.items()))


def _email(claims: dict[str, Any]) -> str:
    for name in ("email", "preferred_username", "upn"):
        value = str(claims.get(name) or "").strip().lower()
        if EMAIL.match(value):
            return value
    raise SignInRefusedError("no_email")


def account_for(
    session: Session, settings: Settings, claims: dict[str, Any]
) -> tuple[StaffUser, dict[str, Any]]:
    """Find or create the account the claims vouch for and give it its mapped role.

    Return it with what changed (for the audit trail); flush, never commit. Raise
    SignInRefusedError when the account may not sign in (it carries the account, if any,
    so that its sessions can be ended).
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefusedError("no_subject")
    user = session.scalar(select(StaffUser).where(StaffUser.oidc_subject == subject))
    email = _email(claims)
    changes: dict[str, Any] = {}
    if user is None:
        user = session.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is not None and (
            user.oidc_subject is not None or claims.get("email_verified") is False
        ):
            # The address belongs to someone else at the provider, or the provider does not
            # vouch for it: never hand an existing account over on its strength.
            raise SignInRefusedError("email_taken")
        if user is not None:
            changes["linked"] = True
    mapped = map_groups(session, settings.oidc_roles, groups_of(claims, settings.oidc_groups_claim))
    if not mapped.anything:
        raise SignInRefusedError("unmapped", user)
    if user is not None and not user.active:
        raise SignInRefusedError("switched_off", user)
    if user is None:
        role = Role.ADMIN if mapped.admin else Role.VIEWER
        user = StaffUser(email=email, role=role, password_hash=NO_PASSWORD, oidc_subject=subject)
        session.add(user)
        session.flush()
        changes["created"] = True
    user.oidc_subject = subject
    if user.email != email and not session.scalar(
        select(StaffUser.id).where(StaffUser.email == email, StaffUser.id != user.id)
    ):
        user.email = email
    was = user.role
    if mapped.admin:
        user.role = Role.ADMIN
        granted = accounts.set_grants(session, user, set())
    else:
        user.role = Role.VIEWER  # set_grants raises it to the highest role granted
        granted = accounts.set_grants(session, user, mapped.grants)
    if was != user.role:
        changes["role"] = {"was": was, "now": user.role}
    if granted["added"] or granted["removed"]:
        changes["grants"] = granted
    return user, changes
