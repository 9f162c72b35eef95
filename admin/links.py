"""Links between contributions: one person or one matter, reached through two channels."""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from admin.audit import record
from intake.models import Contribution, ContributionLink


def _pair(first: int, second: int) -> tuple[int, int]:
    return (first, second) if first < second else (second, first)


def link(session: Session, contribution_id: int, other_id: int, actor_id: int) -> bool:
    """Link two contributions; False when they are the same one or already linked."""
    if contribution_id == other_id or session.get(Contribution, other_id) is None:
        return False
    low, high = _pair(contribution_id, other_id)
    if session.get(ContributionLink, (low, high)) is not None:
        return False
    session.add(ContributionLink(low_id=low, high_id=high, created_by_id=actor_id))
    record(session, "contribution.link", "contribution", contribution_id, other=other_id)
    return True


def unlink(session: Session, contribution_id: int, other_id: int) -> None:
    """Remove the link between two contributions, if there is one."""
    low, high = _pair(contribution_id, other_id)
    session.execute(
        delete(ContributionLink).where(
            ContributionLink.low_id == low, ContributionLink.high_id == high
        )
    )
    record(session, "contribution.unlink", "contribution", contribution_id, other=other_id)


def linked_to(session: Session, contribution_id: int) -> list[Contribution]:
    """Return the contributions linked to this one, oldest first."""
    pairs = session.execute(
        select(ContributionLink.low_id, ContributionLink.high_id).where(
            or_(
                ContributionLink.low_id == contribution_id,
                ContributionLink.high_id == contribution_id,
            )
        )
    ).all()
    others = {low if high == contribution_id else high for low, high in pairs}
    if not others:
        return []
    return list(
        session.scalars(
            select(Contribution).where(Contribution.id.in_(others)).order_by(Contribution.id)
        )
    )
