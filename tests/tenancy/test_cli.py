"""`inspraak tenant` and `--tenant`: adding a municipality and working for it from the shell."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from intake.app import create_app
from intake.config import load_settings
from intake.inbound import Inbound, InboundMedia
from intake.models import Attachment, Consultation, Contribution, StaffUser, utcnow
from intake.receive import receive
from intake.runtime import Runtime
from intake.tenancy import scoped
from tests.cli import inspraak


def _old_original(runtime: Runtime, tenant_id: int, words: str) -> str:
    """Store a contribution under no consultation, received 60 days ago, with a recording."""
    key, size = runtime.media.put_bytes(words.encode())
    with scoped(tenant_id), runtime.db.session() as session:
        receipt = receive(
            session,
            Inbound(
                channel="voice",
                language="nl",
                text=words,
                media=(InboundMedia("recording", "audio/wav", key, size),),
            ),
        )
        session.execute(
            update(Contribution)
            .where(Contribution.id == receipt.id)
            .values(received_at=utcnow() - timedelta(days=60))
        )
        session.commit()
    return key


def test_a_municipality_added_and_served_from_the_shell(tmp_path: Path) -> None:
    data = tmp_path / "data"
    inspraak(data, "db", "upgrade")
    made = inspraak(
        data,
        "tenant",
        "add",
        "gemeente-b",
        "--name",
        "Gemeente B",
        "--host",
        "inspraak.gemeente-b.be",
        "--number",
        "+3250111111",
        "--languages",
        "nl,fr",
        "--retention-days",
        "30",
    )
    assert "gemeente-b: Gemeente B — inspraak.gemeente-b.be" in made.stdout
    refused = inspraak(data, "tenant", "add", "admin", "--name", "X", check=False)
    assert refused.returncode != 0 and "path the site itself uses" in refused.stderr
    pale = inspraak(
        data, "tenant", "add", "gemeente-c", "--name", "C", "--accent", "#ffcc00", check=False
    )
    assert pale.returncode != 0 and "contrast" in pale.stderr

    # Work for B from the shell: a consultation and a member of staff of its own.
    inspraak(
        data, "--tenant", "gemeente-b", "consultation", "create", "brug",
        "--title", "Brug", "--question", "Waar?",
    )  # fmt: skip
    inspraak(
        data, "--tenant", "gemeente-b", "user", "create", "staf@gemeente-b.be",
        "--role", "admin", "--password-stdin", stdin="correct horse battery\n",
    )  # fmt: skip
    unknown = inspraak(data, "--tenant", "elders", "consultation", "list", check=False)
    assert unknown.returncode != 0 and "no municipality 'elders'" in unknown.stderr
    assert "brug" not in inspraak(data, "consultation", "list").stdout
    assert "brug" in inspraak(data, "--tenant", "gemeente-b", "consultation", "list").stdout

    runtime = Runtime.start(load_settings({"INSPRAAK_DATA_DIR": str(data)}))
    try:
        b = next(t.id for t in runtime.tenants.all() if t.slug == "gemeente-b")
        with scoped(b), runtime.db.session() as session:
            assert session.scalars(select(Consultation.slug)).all() == ["brug"]
            assert session.scalars(select(StaffUser.email)).all() == ["staf@gemeente-b.be"]
        # Retention: B keeps originals 30 days, the default municipality 365: one purge
        # applies each municipality's own rule.
        b_key = _old_original(runtime, b, "stem uit B")
        a_key = _old_original(runtime, 1, "stem uit A")
        purged = inspraak(data, "purge")
        assert "gemeente-b: purged 1 originals (1 files)" in purged.stdout
        assert "default: purged 0 originals" in purged.stdout
        with runtime.db.session() as session:
            assert session.scalars(select(Attachment.sha256)).all() == [a_key]
        assert a_key in set(runtime.media.stored_keys())
        assert b_key not in set(runtime.media.stored_keys())
    finally:
        runtime.db.dispose()


def test_a_municipality_offers_its_own_languages(tmp_path: Path) -> None:
    data = tmp_path / "data"
    inspraak(data, "db", "upgrade")
    inspraak(data, "tenant", "add", "gemeente-b", "--name", "B", "--languages", "fr,nl")
    runtime = Runtime.start(load_settings({"INSPRAAK_DATA_DIR": str(data)}))
    try:
        app = create_app(runtime_=runtime)
        page = app.test_client().get("/gemeente-b/", headers={"Accept-Language": "en"})
        html = page.get_data(as_text=True)
        assert '<html lang="nl"' in html  # English is not offered: its first choice, Dutch
        assert 'hreflang="fr"' in html and 'hreflang="en"' not in html
        french = app.test_client().get("/gemeente-b/?lang=fr").get_data(as_text=True)
        assert '<html lang="fr"' in french
        # The default municipality still offers all three.
        assert 'hreflang="en"' in app.test_client().get("/").get_data(as_text=True)
    finally:
        runtime.db.dispose()
