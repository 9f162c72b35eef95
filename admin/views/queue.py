"""The review queue: every contribution from every channel, newest first."""

from __future__ import annotations

from collections import defaultdict

from flask import g, render_template, request
from sqlalchemy import select

from admin import scope
from admin.blueprint import blueprint
from admin.queue import QueueFilter, counts, page
from intake.current import db_session
from intake.i18n import LANGUAGES
from intake.labels import channel_choices
from intake.models import Consultation, ContributionStatus, ContributionTag, Tag


@blueprint.get("/")
def queue() -> str:
    """Show one page of the queue under the chosen filters, with counts per value."""
    session = db_session()
    chosen = QueueFilter.from_args(request.args, within=scope.current().visible())
    shown = page(
        session, chosen, after=request.args.get("after"), before=request.args.get("before")
    )
    ids = [row.id for row in shown.rows]
    tags: dict[int, list[str]] = defaultdict(list)
    if ids:
        for contribution_id, name in session.execute(
            select(ContributionTag.contribution_id, Tag.name)
            .join(Tag, Tag.id == ContributionTag.tag_id)
            .where(ContributionTag.contribution_id.in_(ids))
            .order_by(Tag.name)
        ):
            tags[contribution_id].append(name)
    consultations = {
        c.id: c
        for c in session.scalars(
            scope.consultations(select(Consultation).order_by(Consultation.id))
        )
    }
    return render_template(
        "admin/queue.html",
        chosen=chosen,
        shown=shown,
        counts=counts(session, chosen),
        tags=tags,
        consultations=consultations,
        titles={cid: c.text_in(g.language).title for cid, c in consultations.items()},
        tag_names=session.scalars(select(Tag.name).order_by(Tag.name)).all(),
        channels=channel_choices(),
        languages=LANGUAGES,
        statuses=list(ContributionStatus),
    )
