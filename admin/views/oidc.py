"""Sign in through the municipality's OpenID provider, and out there too."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from flask import abort, g, redirect, render_template, request, session
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from admin import oidc
from admin.audit import record
from admin.auth import landing, sign_in
from admin.blueprint import blueprint
from admin.views.login import login_options, safe_next
from intake import staff as accounts
from intake.current import db_session, runtime
from intake.i18n import gettext as _
from intake.models import Role, utcnow

log = logging.getLogger(__name__)
VIA = "staff_via"
NEXT = "staff_next"


@blueprint.get("/login/oidc")
def oidc_login() -> Response:
    """Send the browser to the provider, with a fresh state, nonce and PKCE challenge."""
    client = oidc.client()
    if client is None:
        abort(404)
    session[NEXT] = safe_next(request.args.get("next"))
    callback = oidc.external_url("admin.oidc_callback", runtime().settings.public_url)
    try:
        return client.authorize_redirect(callback)  # type: ignore[no-any-return]
    except (requests.RequestException, AuthlibBaseError, ValueError) as error:
        log.warning("OpenID provider unreachable: %s", type(error).__name__)
        return _refused("unreachable", 502)  # type: ignore[return-value]


def _refused(reason: str, status: int) -> tuple[str, int]:
    messages = {
        "unmapped": _(
            "Uw account bij de gemeente geeft (nog) geen toegang tot Inspraak. Vraag wie de "
            "groepen beheert om u in de juiste groep te zetten."
        ),
        "switched_off": _("Uw account in Inspraak is uitgeschakeld. Vraag een beheerder."),
        "unreachable": _(
            "De aanmeldserver van de gemeente antwoordt niet. Probeer het over enkele "
            "minuten opnieuw."
        ),
    }
    error = messages.get(reason) or _(
        "Aanmelden met uw account van de gemeente lukte niet. Probeer het opnieuw."
    )
    return render_template(
        "admin/login.html", email="", error=error, expired=False, **login_options()
    ), status


@blueprint.get("/login/oidc/callback")
def oidc_callback() -> Response | tuple[str, int]:
    """Check what the provider sent back (state, code, ID token) and sign the person in."""
    client = oidc.client()
    if client is None:
        abort(404)
    settings = runtime().settings
    target = session.pop(NEXT, None)
    try:
        token = client.authorize_access_token(leeway=oidc.LEEWAY)
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError) as error:
        # The state, the code, the signature, the nonce or a time did not hold.
        _audit_refusal(type(error).__name__)
        return _refused("invalid", 401)
    claims = token.get("userinfo")
    if not claims:
        _audit_refusal("no_id_token")
        return _refused("invalid", 401)
    work = db_session()
    try:
        user, changes = oidc.account_for(work, settings, dict(claims))
    except oidc.SignInRefusedError as refused:
        work.rollback()
        ended = 0
        if refused.user is not None:
            user = work.merge(refused.user)
            ended = accounts.end_sessions(work, user.id)
        _audit_refusal(refused.reason, refused.user.id if refused.user else None, ended)
        return _refused(refused.reason, 403)
    if changes.get("created"):
        record(work, "user.create.oidc", "staff_user", user.id, role=user.role)
    if changes.get("role") or changes.get("grants") or changes.get("linked"):
        record(work, "user.access.oidc", "staff_user", user.id, **_plain(changes))
    user.last_login_at = utcnow()
    sign_in(user)
    g.staff = user
    session[VIA] = "oidc"
    record(work, "staff.login", "staff_user", user.id, via="oidc")
    work.commit()
    if user.role == Role.PLATFORM:
        return redirect(landing(user))
    return redirect(safe_next(target))


def _plain(changes: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in changes.items() if key != "created"}


def _audit_refusal(reason: str, user_id: int | None = None, ended: int = 0) -> None:
    # Never the claims: they hold names and addresses.
    work = db_session()
    record(
        work,
        "staff.login.refused",
        "staff_user" if user_id else None,
        user_id,
        reason=reason,
        via="oidc",
        sessions_ended=ended,
    )
    work.commit()


def provider_sign_out() -> str | None:
    """Return where to sign out at the provider too, when it says where (else None)."""
    client = oidc.client()
    if client is None:
        return None
    try:
        endpoint = client.load_server_metadata().get("end_session_endpoint")
    except (requests.RequestException, AuthlibBaseError, ValueError):
        return None
    if not endpoint:
        return None
    settings = runtime().settings
    query = urlencode(
        {
            "client_id": settings.oidc_client_id,
            "post_logout_redirect_uri": oidc.external_url("admin.login", settings.public_url),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def signed_in_at_provider() -> bool:
    """Tell whether this browser's session began at the provider."""
    return session.get(VIA) == "oidc"
