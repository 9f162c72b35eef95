"""Files handed in through the staff area: scans from the library's scanner, read by a worker.

No access to the server is needed: the files go to the media store (the local folder or the
object store) and each is read by the job of the plugin that takes that kind of file; the
page then shows how far the reading of each of the staff member's own files got.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from admin.audit import record
from admin.auth import requires, staff
from admin.blueprint import blueprint
from admin.labels import reason_label
from intake.current import db_session, registry, runtime
from intake.i18n import gettext as _
from intake.i18n import ngettext
from intake.models import Job, Role
from intake.plugins import Upload, UploadOutcome
from intake.storage import StorageFullError

SHOWN = 20  # the staff member's most recent files on the page
LOOKED_AT = 500  # recent reading jobs looked through for them


def _name(file: FileStorage) -> str:
    # Only the last part of what the browser sent: some send the whole path on the PC.
    return PurePath((file.filename or "").replace("\\", "/")).name[:200]


def _state(found: UploadOutcome | None) -> str:
    if found is None or found.state == "waiting":
        return _("Wordt gelezen")
    if found.state == "refused":
        code = found.reason.partition(":")[0].strip()
        return _("Geweigerd: %(reason)s", reason=reason_label(code))
    text = ngettext("%(num)d bijdrage", "%(num)d bijdragen", found.forms)
    if found.pages_needing_person:
        waiting = ngettext(
            "%(num)d pagina wacht op een persoon",
            "%(num)d pagina's wachten op een persoon",
            found.pages_needing_person,
        )
        text = f"{text}, {waiting}"
    return _("Gelezen: %(found)s", found=text)


def _mine() -> list[dict[str, Any]]:
    """The staff member's recently uploaded files, newest first, with how far each got."""
    uploads = registry().uploads.values()
    kinds = {upload.job_kind: upload for upload in uploads}
    session = db_session()
    jobs = session.scalars(
        select(Job).where(Job.kind.in_(kinds)).order_by(Job.id.desc()).limit(LOOKED_AT)
    )
    me = staff().id
    rows = []
    for job in jobs:
        upload = kinds[job.kind]
        if upload.uploader(job.payload) != me:
            continue
        rows.append(
            {
                "name": str(job.payload.get("name", "")),
                "at": job.created_at,
                "state": _state(upload.outcome(session, job.id)),
            }
        )
        if len(rows) == SHOWN:
            break
    return rows


def _page(errors: dict[str, str], code: int = 200, kind: str = "") -> tuple[str, int]:
    uploads = registry().uploads
    return render_template(
        "admin/uploads.html",
        uploads=uploads,
        kind=kind or next(iter(uploads), ""),
        errors=errors,
        files=_mine(),
        received=request.args.get("received", type=int),
    ), code


@blueprint.get("/uploads")
@requires(Role.MODERATOR)
def uploads() -> tuple[str, int]:
    """Show the upload form and the reading of the files this staff member handed in."""
    if not registry().uploads:
        abort(404)
    return _page({})


def _refusal(upload: Upload | None, files: list[FileStorage]) -> str | None:
    if upload is None:
        return _("Kies wat u inleest.")
    if not files:
        return _("Kies een of meer bestanden.")
    wrong = [_name(f) for f in files if PurePath(_name(f)).suffix.lower() not in upload.suffixes]
    if wrong:
        kinds = ", ".join(sorted({s.lstrip(".") for s in upload.suffixes}))
        return _(
            "Deze bestanden kunnen niet gelezen worden: %(names)s. Kies bestanden van het "
            "type %(kinds)s.",
            names=", ".join(wrong),
            kinds=kinds,
        )
    return None


@blueprint.post("/uploads")
@requires(Role.MODERATOR)
def uploads_post() -> Response | tuple[str, int]:
    """Keep each file and queue its reading; one commit per file, so none waits on the rest."""
    kind = request.form.get("kind", "")
    upload = registry().uploads.get(kind)
    files = [f for f in request.files.getlist("files") if f.filename]
    try:
        return _receive(kind, upload, files)
    finally:
        for file in request.files.getlist("files"):
            file.close()  # large uploads wait in temporary files


def _receive(
    kind: str, upload: Upload | None, files: list[FileStorage]
) -> Response | tuple[str, int]:
    refused = _refusal(upload, files)
    if refused is not None or upload is None:
        return _page({"files": refused or ""}, 422, kind)
    session = db_session()
    received = 0
    for file in files:
        try:
            upload.queue(runtime(), session, file.stream, _name(file), staff().id)
        except StorageFullError:
            session.rollback()
            full = _(
                "De server heeft geen plaats meer: %(num)d van %(all)d bestanden ontvangen. "
                "Meld het aan de beheerder.",
                num=received,
                all=len(files),
            )
            return _page({"files": full}, 507, kind)
        record(session, "upload.add", None, None, kind=kind)
        session.commit()
        received += 1
    return redirect(url_for("admin.uploads", received=received), 303)
