"""Roles per consultation: a moderator of one consultation meets nothing of another.

The walk goes through the app's own URL map, so a route added later is walked too; a URL
part the walk cannot fill fails the test until someone says which record it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from intake import staff as accounts
from intake.consultations import DEMO, save
from intake.inbound import Inbound, InboundMedia, Sender
from intake.models import (
    Attachment,
    AuditEvent,
    ClosedQuestion,
    Contribution,
    Decision,
    Job,
    StaffGrant,
    StaffUser,
    Theme,
)
from intake.receive import receive
from intake.runtime import Runtime
from tests.admin.conftest import add_user, demo_id, sign_in, token

SECRET = "Geheimfietsenstallingwens"
OURS = "Onzeparkbankjes"
# Routes that are about the signed-in person themselves, or that sign in or out.
OWN = {
    "admin.login",
    "admin.login_post",
    "admin.logout",
    "admin.oidc_login",
    "admin.oidc_callback",
    "admin.account",
    "admin.account_password",
    "admin.account_end_sessions",
}


@dataclass(frozen=True)
class World:
    """Two consultations, each with its records, and a moderator of only one."""

    ours: int
    theirs: dict[str, int]
    our_contribution: int
    client: FlaskClient


def _contribution(runtime: Runtime, consultation_id: int, text: str, key: str) -> int:
    audio, size = runtime.media.put_bytes(f"RIFF {key}".encode())
    sender = Sender.of(
        runtime.settings.secret_key, "phone", "+32470000001", may_reply=True, confirmed=True
    )
    with runtime.db.session() as session:
        receipt = receive(
            session,
            Inbound(
                channel="sms",
                language="nl",
                text=text,
                consultation_id=consultation_id,
                channel_message_id=key,
                sender=sender,
                media=(InboundMedia("audio", "audio/wav", audio, size, 1.0),),
            ),
        )
        session.commit()
        return receipt.id


@pytest.fixture
def world(app: Flask, runtime: Runtime) -> World:
    theirs_id = demo_id(runtime)
    with runtime.db.session() as session:
        ours = save(
            session,
            {
                **DEMO,
                "slug": "markt",
                "sms_keyword": "MARKT",
                "phone_digit": "2",
                "texts": {"nl": {"title": "Fietsen op de markt", "question": "Waar?"}},
            },
        )
        session.commit()
        ours_id = ours.id
    theirs_contribution = _contribution(runtime, theirs_id, SECRET, "theirs")
    our_contribution = _contribution(runtime, ours_id, OURS, "ours")
    admin_id = add_user(runtime, "beheer@gemeente.be", "admin")
    moderator_id = add_user(runtime, "park@gemeente.be", "moderator")
    with runtime.db.session() as session:
        moderator = session.get(StaffUser, moderator_id)
        assert moderator is not None
        accounts.set_grants(session, moderator, {(ours_id, "moderator")})
        theme = Theme(consultation_id=theirs_id, labels={"nl": SECRET}, top_terms=[SECRET])
        decision = Decision(
            consultation_id=theirs_id,
            decided_on=date(2026, 11, 1),
            texts={"nl": {"title": SECRET, "body": SECRET}},
        )
        question = ClosedQuestion(
            consultation_id=theirs_id,
            key="geheim",
            texts={"nl": SECRET},
            options=[{"nl": SECRET}, {"nl": "b"}],
        )
        session.add_all([theme, decision, question])
        session.flush()
        theirs = {
            "consultation_id": theirs_id,
            "contribution_id": theirs_contribution,
            "theme_id": theme.id,
            "decision_id": decision.id,
            "question_id": question.id,
            "attachment_id": session.scalars(
                select(Attachment.id).where(Attachment.contribution_id == theirs_contribution)
            ).one(),
            "contributor_id": session.scalars(
                select(Contribution.contributor_id).where(Contribution.id == theirs_contribution)
            ).one(),
            "job_id": session.scalars(select(Job.id).order_by(Job.id)).first() or 1,
            "user_id": admin_id,
            "grant_id": session.scalars(
                select(StaffGrant.id).where(StaffGrant.staff_user_id == moderator_id)
            ).one(),
        }
        session.commit()
    client = app.test_client()
    assert sign_in(client, "park@gemeente.be").status_code == 302
    return World(ours_id, theirs, our_contribution, client)


def _form(world: World) -> dict[str, Any]:
    """What a form would send naming the other consultation's records."""
    theirs = world.theirs
    return {
        "consultation_id": theirs["consultation_id"],
        "consultation": theirs["consultation_id"],
        "theme_id": theirs["theme_id"],
        "theme_ids": theirs["theme_id"],
        "into": theirs["theme_id"],
        "other_id": theirs["contribution_id"],
        "text": "veranderd",
        "status": "reviewed",
        "language": "nl",
        "email": "iemand@gemeente.be",
        "role": "admin",
        "password": "een lang genoeg wachtwoord",
        "query": SECRET,
    }


def _counts(runtime: Runtime) -> tuple[int, int]:
    with runtime.db.session(write=False) as session:
        return (
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
            session.scalar(select(func.count()).select_from(Contribution)) or 0,
        )


def test_a_moderator_of_one_consultation_meets_nothing_of_another(
    app: Flask, runtime: Runtime, world: World
) -> None:
    client = world.client
    html = client.get("/admin/").get_data(as_text=True)
    csrf = token(html)
    walked = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or rule.endpoint in OWN:
            continue
        unknown = set(rule.arguments) - set(world.theirs)
        assert not unknown, f"{rule.rule}: which record does {unknown} name? add it to the walk"
        with app.test_request_context():
            from flask import url_for

            path = url_for(rule.endpoint, **{a: world.theirs[a] for a in rule.arguments})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            before = _counts(runtime)
            if method == "GET":
                # Searching for part of the word: the page may repeat the search, not the text.
                query = {"consultation": world.theirs["consultation_id"], "q": SECRET[:-1]}
                response = client.get(path, query_string=query)
            else:
                response = client.post(path, data={"csrf_token": csrf, **_form(world)})
            body = response.get_data(as_text=True)
            where = f"{method} {rule.rule} answered {response.status_code}"
            walked.append(rule.endpoint)
            if rule.arguments:
                assert response.status_code in (403, 404), where
            else:
                assert response.status_code in (200, 302, 403, 404, 422), where
                assert SECRET not in body, where
                assert "Een nieuw park aan de Schelde" not in body, where
            if response.status_code in (403, 404, 422):
                # Refused: nothing was written, not even an audit entry of it.
                assert _counts(runtime) == before, where
    assert {"admin.export", "admin.media", "admin.theme", "admin.reach_csv"} <= set(walked)


def test_the_moderator_works_in_their_own_consultation(world: World) -> None:
    client = world.client
    page = client.get(f"/admin/c/{world.our_contribution}")
    assert page.status_code == 200
    assert OURS in page.get_data(as_text=True)
    queue = client.get("/admin/").get_data(as_text=True)
    assert OURS in queue and SECRET not in queue
    exported = client.post(
        f"/admin/consultations/{world.ours}/export",
        data={"csrf_token": token(queue), "format": "json"},
    )
    assert exported.status_code == 200
    assert OURS in exported.get_data(as_text=True)
    note = client.post(
        f"/admin/c/{world.our_contribution}/note",
        data={"csrf_token": token(queue), "note": "nagekeken"},
    )
    assert note.status_code == 302


def test_giving_and_taking_a_role_is_audited(
    runtime: Runtime, signed_in: Any, world: World
) -> None:
    admin = signed_in("admin")
    with runtime.db.session(write=False) as session:
        moderator_id = session.scalars(
            select(StaffUser.id).where(StaffUser.email == "park@gemeente.be")
        ).one()
    page = admin.get(f"/admin/users/{moderator_id}/access").get_data(as_text=True)
    assert "Rol per bevraging" in page
    given = admin.post(
        f"/admin/users/{moderator_id}/access",
        data={
            "csrf_token": token(page),
            "consultation": world.theirs["consultation_id"],
            "role": "viewer",
        },
    )
    assert given.status_code == 302
    # The grant holds at once, without signing in again: the page opens, changing is refused.
    contribution = world.theirs["contribution_id"]
    assert world.client.get(f"/admin/c/{contribution}").status_code == 200
    html = world.client.get("/admin/").get_data(as_text=True)
    changed = world.client.post(
        f"/admin/c/{contribution}/note", data={"csrf_token": token(html), "note": "x"}
    )
    assert changed.status_code == 403
    with runtime.db.session(write=False) as session:
        grant_id = session.scalars(
            select(StaffGrant.id).where(
                StaffGrant.staff_user_id == moderator_id,
                StaffGrant.consultation_id == world.theirs["consultation_id"],
            )
        ).one()
    taken = admin.post(
        f"/admin/users/{moderator_id}/access/{grant_id}/delete",
        data={"csrf_token": token(page)},
    )
    assert taken.status_code == 302
    assert world.client.get(f"/admin/c/{contribution}").status_code == 404
    with runtime.db.session(write=False) as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_(["user.grant", "user.revoke"]))
            .order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.target_id, e.details["role"]) for e in events] == [
        ("user.grant", moderator_id, "viewer"),
        ("user.revoke", moderator_id, "viewer"),
    ]
