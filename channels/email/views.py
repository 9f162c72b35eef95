"""The stop link of every mail: GET shows a button, POST (or a mail program's one click) stops."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from channels.email.adapter import EMAIL
from channels.email.stopping import address_hash_of, stop
from intake.current import db_session, runtime

# Under /hooks/: like a provider's webhook, the request carries its own proof (the signed
# token) and no form token; mail programs post the one click (RFC 8058) without a session.
blueprint = Blueprint(EMAIL, __name__, template_folder="templates", url_prefix="/hooks/email")


def _hash_or_404(token: str) -> str:
    found = address_hash_of(runtime().settings.secret_key, token)
    if found is None:
        abort(404)
    return found


@blueprint.get("/stop/<token>")
def stop_page(token: str) -> str:
    """Ask to confirm: scanners that open every link must not unsubscribe anyone."""
    _hash_or_404(token)
    return render_template("email/stop.html", token=token, stopped=False)


@blueprint.post("/stop/<token>")
def stop_post(token: str) -> str:
    """Record STOP for the address the link was made for; answer the same every time."""
    address_hash = _hash_or_404(token)
    session = db_session()
    stop(session, address_hash)
    session.commit()
    return render_template("email/stop.html", token=token, stopped=True)
