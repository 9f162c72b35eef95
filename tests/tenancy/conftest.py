"""Two municipalities on one installation: the default one (A) and Gemeente B."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from intake.app import create_app
from intake.consultations import save, seed_demo
from intake.inbound import Inbound, InboundMedia, Sender
from intake.models import (
    ClosedQuestion,
    Contribution,
    Decision,
    Job,
    JobStatus,
    StaffGrant,
    Theme,
)
from intake.receive import receive
from intake.runtime import Runtime
from intake.staff import create_user, grant
from intake.tenancy import scoped
from intake.tenant_setup import TenantChanges, add_tenant
from tests.admin.conftest import PASSWORD

B_HOST = "inspraak.gemeente-b.be"
B_NUMBER = "+3250111111"
B_PHONE = "+32470999888"
B_TEXT = "Een fietsbrug over de Nete (alleen in Gemeente B)"
# A PNG of one pixel: the logo.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f5e8"
    "b30000000049454e44ae426082"
)


class HostClient(FlaskClient):
    """A browser on one host name (its cookies stay with that host, as a browser's do)."""

    host = "localhost"

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        kwargs.setdefault("base_url", f"http://{self.host}")
        return super().open(*args, **kwargs)


def browser_on(app: Flask, host: str) -> HostClient:
    """Return a test client whose requests go to `host`."""
    client = HostClient(app, app.response_class, use_cookies=True)
    client.host = host
    return client


@dataclass(frozen=True)
class TenantB:
    """Gemeente B's identifiers: what a member of staff of A must never reach."""

    tenant_id: int
    consultation_id: int
    only_slug: str
    contribution_id: int
    reference: str
    attachment_id: int
    contributor_id: int
    question_id: int
    decision_id: int
    theme_id: int
    job_id: int
    user_id: int
    grant_id: int


def add_b(runtime: Runtime, **changes: object) -> int:
    """Add Gemeente B on its own host name and Twilio number; return its id."""
    with runtime.db.session() as session:
        tenant = add_tenant(
            session,
            runtime.media,
            "gemeente-b",
            TenantChanges(
                name="Gemeente B",
                hosts=[B_HOST],
                phone_numbers=[B_NUMBER],
                accent="#7a1f5c",
                logo=PIXEL,
                **changes,  # type: ignore[arg-type]
            ),
        )
        session.commit()
        tenant_id = tenant.id
    runtime.tenants.forget()
    return tenant_id


def fill_b(runtime: Runtime, tenant_id: int) -> TenantB:
    """Give Gemeente B a resident's contribution with a recording, and everything around it."""
    key, size = runtime.media.put_bytes(b"RIFF....WAVEfmt voice of B")
    with scoped(tenant_id), runtime.db.session() as session:
        demo = seed_demo(session)
        only = save(
            session,
            {
                "slug": "fietsbrug",
                "status": "open",
                "texts": {"nl": {"title": "Brug", "question": "?"}},
            },
        )
        sender = Sender.of(
            runtime.settings.secret_key, "phone", B_PHONE, may_reply=True, confirmed=True
        )
        receipt = receive(
            session,
            Inbound(
                channel="voice",
                language="nl",
                text=B_TEXT,
                channel_message_id="CA-b-1",
                sender=sender,
                consultation_id=only.id,
                media=(InboundMedia("recording", "audio/wav", key, size, 3.0),),
            ),
        )
        question = ClosedQuestion(
            consultation_id=only.id,
            key="q1",
            version=1,
            position=1,
            kind="single",
            required=False,
            texts={"nl": "Goed idee?"},
            options=[{"nl": "Ja"}, {"nl": "Nee"}],
        )
        decision = Decision(consultation_id=only.id, decided_on=date(2026, 12, 1), texts={})
        theme = Theme(consultation_id=only.id, labels={"nl": "Brug"})
        job = Job(kind="b.dead", payload={}, status=JobStatus.DEAD)
        session.add_all([question, decision, theme, job])
        user = create_user(session, "staf@gemeente-b.be", "moderator", PASSWORD)
        grant(session, user, only.id, "viewer")
        session.flush()
        contribution = session.get(Contribution, receipt.id)
        assert contribution is not None
        made = TenantB(
            tenant_id=tenant_id,
            consultation_id=only.id,
            only_slug=only.slug,
            contribution_id=receipt.id,
            reference=receipt.reference,
            attachment_id=contribution.attachments[0].id,
            contributor_id=int(contribution.contributor_id or 0),
            question_id=question.id,
            decision_id=decision.id,
            theme_id=theme.id,
            job_id=job.id,
            user_id=user.id,
            grant_id=session.scalars(
                select(StaffGrant.id).where(
                    StaffGrant.staff_user_id == user.id, StaffGrant.consultation_id == only.id
                )
            ).one(),
        )
        assert demo.id != only.id
        session.commit()
    return made


@pytest.fixture
def gemeente_b(any_runtime: Runtime) -> TenantB:
    """Gemeente B with its data."""
    return fill_b(any_runtime, add_b(any_runtime))


@pytest.fixture
def two_app(any_runtime: Runtime, gemeente_b: TenantB) -> Flask:
    """The web app serving both."""
    app = create_app(runtime_=any_runtime)
    app.config["TESTING"] = True
    return app
