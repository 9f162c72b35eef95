"""Which consultations the signed-in staff member may see, and with what role: in one place.

An admin sees everything. Anyone else holds grants: a role (moderator or viewer) in named
consultations, or in all of them. Every staff URL that names a record (a contribution, a
consultation, a theme, a decision, an attachment, a question) is checked here before its view runs:
a record outside the grants answers 404, as if it did not exist. A URL part this module
does not know answers 403 to non-admins, so a new route cannot forget its check. Lists
narrow their queries through `condition()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import abort, g, request
from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from intake.models import (
    Attachment,
    ClosedQuestion,
    Consultation,
    Contribution,
    Decision,
    Job,
    Role,
    StaffGrant,
    StaffUser,
    Theme,
)

RANK = {Role.VIEWER: 0, Role.MODERATOR: 1, Role.ADMIN: 2}
# Routes with these parts are for admins only (accounts, jobs, residents across
# consultations); their views say so with @requires(Role.ADMIN).
ADMIN_PARTS = frozenset({"user_id", "job_id", "contributor_id", "grant_id"})


class _Missing:
    """The record a URL names does not exist."""


MISSING = _Missing()
Resolved = int | None | _Missing


@dataclass(frozen=True)
class Access:
    """What one staff member may do where."""

    admin: bool = False
    everywhere: Role | None = None
    named: Mapping[int, Role] = field(default_factory=dict)

    def role_on(self, consultation_id: int | None) -> Role | None:
        """Return the role held in a consultation (None: a contribution filed under none)."""
        if self.admin:
            return Role.ADMIN
        held = [self.everywhere, self.named.get(consultation_id) if consultation_id else None]
        roles = [role for role in held if role is not None]
        return max(roles, key=RANK.__getitem__) if roles else None

    def best(self) -> Role | None:
        """Return the highest role held anywhere."""
        if self.admin:
            return Role.ADMIN
        roles = [r for r in (self.everywhere, *self.named.values()) if r is not None]
        return max(roles, key=RANK.__getitem__) if roles else None

    @property
    def sees_all(self) -> bool:
        """Tell whether every consultation is visible (and contributions filed under none)."""
        return self.admin or self.everywhere is not None

    def visible(self) -> frozenset[int] | None:
        """Return the visible consultations' ids, or None when all are."""
        return None if self.sees_all else frozenset(self.named)

    def condition(
        self, column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None]
    ) -> ColumnElement[bool]:
        """Return a WHERE clause keeping rows of visible consultations in `column`."""
        if self.sees_all:
            return true()
        return column.in_(sorted(self.named))

    def moderates(self, consultation_id: int | None) -> bool:
        """Tell whether the role held in a consultation lets one change its contributions."""
        role = self.role_on(consultation_id)
        return role is not None and RANK[role] >= RANK[Role.MODERATOR]


def load(session: Session, user: StaffUser) -> Access:
    """Read a staff member's grants."""
    if user.role == Role.ADMIN:
        return Access(admin=True)
    if user.role == Role.PLATFORM:
        return Access()  # no consultation, resident or contribution of any municipality
    everywhere, named = None, {}
    for grant in session.scalars(select(StaffGrant).where(StaffGrant.staff_user_id == user.id)):
        if grant.role not in (Role.MODERATOR, Role.VIEWER):
            continue
        if grant.consultation_id is None:
            everywhere = Role(grant.role)
        else:
            named[grant.consultation_id] = Role(grant.role)
    return Access(everywhere=everywhere, named=named)


def current() -> Access:
    """Return the signed-in staff member's access (nothing when nobody is signed in)."""
    return g.get("staff_access") or Access()


def _one(session: Session, query: Select[tuple[int | None]]) -> Resolved:
    row = session.execute(query).first()
    return MISSING if row is None else row[0]


RESOLVERS: dict[str, Callable[[Session, int], Resolved]] = {
    "consultation_id": lambda s, i: _one(s, select(Consultation.id).where(Consultation.id == i)),
    "contribution_id": lambda s, i: _one(
        s, select(Contribution.consultation_id).where(Contribution.id == i)
    ),
    "theme_id": lambda s, i: _one(s, select(Theme.consultation_id).where(Theme.id == i)),
    "decision_id": lambda s, i: _one(s, select(Decision.consultation_id).where(Decision.id == i)),
    "question_id": lambda s, i: _one(
        s, select(ClosedQuestion.consultation_id).where(ClosedQuestion.id == i)
    ),
    "attachment_id": lambda s, i: _one(
        s,
        select(Contribution.consultation_id)
        .join(Attachment, Attachment.contribution_id == Contribution.id)
        .where(Attachment.id == i),
    ),
}


def enter(session: Session, access: Access) -> None:
    """Refuse a URL naming a record outside the staff member's grants; remember its consultation.

    `may()` then answers for the consultation the URL is about.
    """
    g.staff_access = access
    for name, value in (request.view_args or {}).items():
        resolve = RESOLVERS.get(name)
        if resolve is None:
            if not access.admin:
                abort(403)
            continue
        if not isinstance(value, int):
            abort(404)
        consultation_id = resolve(session, value)
        if isinstance(consultation_id, _Missing):
            abort(404)
        if access.role_on(consultation_id) is None:
            abort(404)
        g.staff_consultation = consultation_id


def role_here() -> Role | None:
    """Return the role held for what this request is about (else the highest held)."""
    access = current()
    if "staff_consultation" in g:
        return access.role_on(g.staff_consultation)
    return access.best()


def require(consultation_id: int | None, role: Role) -> None:
    """Refuse (404 unseen, 403 below `role`) a consultation a form named."""
    held = current().role_on(consultation_id)
    if held is None:
        abort(404)
    if RANK[held] < RANK[role]:
        abort(403)


def consultations(
    query: Select[tuple[Consultation]], role: Role = Role.VIEWER
) -> Select[tuple[Consultation]]:
    """Narrow a query of consultations to the ones held with at least `role`."""
    access = current()
    if access.admin or (access.everywhere and RANK[access.everywhere] >= RANK[role]):
        return query
    ids = sorted(cid for cid, held in access.named.items() if RANK[held] >= RANK[role])
    return query.where(Consultation.id.in_(ids))


def contributions() -> ColumnElement[bool]:
    """Return a WHERE clause keeping the contributions the staff member may see."""
    return current().condition(Contribution.consultation_id)


def condition_on_jobs() -> ColumnElement[bool]:
    """Return a WHERE clause keeping the jobs of contributions the staff member may see."""
    access = current()
    if access.sees_all:
        return true()
    seen = select(Contribution.id).where(access.condition(Contribution.consultation_id))
    return Job.contribution_id.in_(seen)
