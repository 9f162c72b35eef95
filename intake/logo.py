"""`GET /logo`: the logo of the municipality whose pages these are."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from intake.current import runtime
from intake.storage import MediaNotFoundError
from intake.tenancy import current_tenant_id

blueprint = Blueprint("logo", __name__)
# A logo changes rarely; a new one gets a new key, and the page names no version.
MAX_AGE_SECONDS = 3600


@blueprint.get("/logo")
def logo() -> Response:
    """Send the logo (PNG or JPEG, checked when it was given), or 404 without one."""
    rt = runtime()
    tenant = rt.tenants.get(current_tenant_id())
    if tenant.logo_key is None or tenant.logo_type is None:
        abort(404)
    try:
        with rt.media.open(tenant.logo_key) as stored:
            data = stored.read()
    except MediaNotFoundError:
        abort(404)
    response = Response(data, mimetype=tenant.logo_type)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    return response
