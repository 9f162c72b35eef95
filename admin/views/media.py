"""Originals (recordings, scans, photos) from the media store, with byte ranges for players.

The image of a personal field (the name a resident wrote on a paper form) is sent only
with a grant: a signed, short-lived token the audited "show personal data" view puts in
its links, for the moderator who asked and that one attachment.
"""

from __future__ import annotations

from flask import abort, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import ContentRange
from werkzeug.wrappers import Response
from werkzeug.wsgi import wrap_file

from admin.auth import may, staff
from admin.blueprint import blueprint
from intake.current import db_session, runtime
from intake.models import Attachment, Role
from intake.personal import is_personal_evidence
from intake.storage import MediaNotFoundError

GRANT_SECONDS = 600


def _grants() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(runtime().settings.secret_key, salt="inspraak.personal-media")


def personal_media_url(attachment_id: int) -> str:
    """Return a link to a personal field's image, valid a few minutes for this staff member."""
    grant = _grants().dumps([attachment_id, staff().id])
    return url_for("admin.media", attachment_id=attachment_id, grant=grant)


def _granted(attachment_id: int) -> bool:
    try:
        granted = _grants().loads(request.args.get("grant", ""), max_age=GRANT_SECONDS)
    except BadSignature:
        return False
    return granted == [attachment_id, staff().id] and may(Role.MODERATOR)


@blueprint.get("/media/<int:attachment_id>")
def media(attachment_id: int) -> Response:
    """Send an original, or the byte range an audio player asks for (206)."""
    attachment = db_session().get(Attachment, attachment_id)
    if attachment is None or attachment.sha256 is None:
        abort(404)
    if is_personal_evidence(attachment.details) and not _granted(attachment_id):
        abort(403)
    store = runtime().media
    try:
        size = store.size(attachment.sha256)
    except MediaNotFoundError:
        abort(404)
    asked = request.range
    if asked is None:
        body = wrap_file(request.environ, store.open(attachment.sha256))
        response = Response(body, mimetype=attachment.media_type, direct_passthrough=True)
        response.content_length = size
    else:
        bounds = asked.range_for_length(size)
        if bounds is None:
            response = Response(status=416)
            response.headers["Content-Range"] = f"bytes */{size}"
            return response
        start, end = bounds
        with store.open(attachment.sha256, start, end) as part:
            response = Response(part.read(), 206, mimetype=attachment.media_type)
        response.content_range = ContentRange("bytes", start, end, size)
    response.accept_ranges = "bytes"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Residents chose these bytes: never let them run as a page in the staff area.
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; frame-ancestors 'none'"
    )
    return response
