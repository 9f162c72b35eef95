"""Finding 9: a staff session lives on the server, so a stolen cookie can be made worthless.

Against the real `inspraak serve` with two worker processes, on SQLite and on PostgreSQL:
someone who copied a staff member's cookies is shown the login page once that person signs
out, changes their password, gets another role or is switched off, and once the session
idles or grows too old. The cookie holds a random token; the database only its hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, text, update

from intake.consultations import seed_demo
from intake.migrations import upgrade
from intake.models import AuditEvent, StaffSession, StaffUser, utcnow
from intake.runtime import Runtime
from intake.staff import create_user
from tests.admin.conftest import PASSWORD
from tests.channels.web.helpers import hidden_fields
from tests.conftest import make_settings
from tests.server import running_server

ADMIN = "beheer@gemeente.be"
VICTIM = "an@gemeente.be"
NEW_PASSWORD = "a much longer new passphrase"


@dataclass
class Site:
    """The running server and a view on its database."""

    base: str
    runtime: Runtime

    def user_id(self, email: str) -> int:
        """Return the id of a staff account."""
        with self.runtime.db.session() as session:
            return int(session.scalars(select(StaffUser.id).where(StaffUser.email == email)).one())

    def sign_in(self, email: str, password: str = PASSWORD) -> requests.Session:
        """Sign in through the form in a fresh browser."""
        browser = requests.Session()
        page = browser.get(f"{self.base}/admin/login", timeout=30).text
        answer = browser.post(
            f"{self.base}/admin/login",
            data={**hidden_fields(page), "email": email, "password": password},
            allow_redirects=False,
            timeout=60,
        )
        assert answer.status_code == 302, f"sign-in refused: {answer.status_code}"
        return browser

    def post(self, browser: requests.Session, path: str, data: dict[str, str]) -> requests.Response:
        """Post a staff form with the token of the page the browser is on."""
        page = browser.get(f"{self.base}/admin/account", timeout=30).text
        return browser.post(
            f"{self.base}{path}",
            data={**hidden_fields(page), **data},
            allow_redirects=False,
            timeout=60,
        )


def _flask_session(cookie: str) -> dict[str, object]:
    # Flask's cookie is readable by anyone (only signed): base64 JSON, zlib'd when long.
    compressed = cookie.startswith(".")
    payload = base64.urlsafe_b64decode(cookie.lstrip(".").split(".")[0] + "===")
    return dict(json.loads(zlib.decompress(payload) if compressed else payload))


def steal(browser: requests.Session) -> requests.Session:
    """Copy every cookie of a browser into another, as a thief with the cookie jar would."""
    thief = requests.Session()
    for cookie in browser.cookies:
        thief.cookies.set(cookie.name, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def lands_on_login(site: Site, browser: requests.Session) -> bool:
    """Tell whether a staff page sends this browser to the login page."""
    answer = browser.get(f"{site.base}/admin/", timeout=30)
    signed_out = answer.url.split("?")[0].endswith("/admin/login")
    return signed_out and 'id="password"' in answer.text and "Wachtrij" not in answer.text


def in_the_queue(site: Site, browser: requests.Session) -> bool:
    """Tell whether this browser sees the review queue."""
    answer = browser.get(f"{site.base}/admin/", allow_redirects=False, timeout=30)
    return answer.status_code == 200 and "Wachtrij" in answer.text


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[Site]:
    """A real server (two workers) with an admin and a moderator, on the given database."""
    env = {"INSPRAAK_DATABASE_URL": database_url}
    data_dir = tmp_path / "data"
    # Set up in this process (the commands have their own tests); only the server is served.
    runtime = Runtime.start(make_settings(data_dir, database_url))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        for email, role in ((ADMIN, "admin"), (VICTIM, "moderator")):
            create_user(session, email, role, PASSWORD)
        session.commit()
    with running_server(data_dir, **env) as base:
        yield Site(base, runtime)
    runtime.db.dispose()


def test_a_stolen_cookie_is_worthless_once_the_session_ends(site: Site) -> None:
    admin = site.sign_in(ADMIN)
    victim_id = site.user_id(VICTIM)

    # Signing out.
    victim = site.sign_in(VICTIM)
    thief = steal(victim)
    assert in_the_queue(site, thief)
    page = thief.get(f"{site.base}/admin/account", timeout=30).text
    assert site.post(victim, "/admin/logout", {}).status_code == 302
    assert lands_on_login(site, thief) and lands_on_login(site, victim)
    # Not even a form with the token the thief saw while the session lived goes through.
    forged = thief.post(
        f"{site.base}/admin/account/sessions/end",
        data=hidden_fields(page),
        allow_redirects=False,
        timeout=30,
    )
    assert forged.status_code == 302 and "/admin/login" in forged.headers["Location"]

    # Changing one's own password: this browser stays signed in, the copy does not.
    victim = site.sign_in(VICTIM)
    thief = steal(victim)
    changed = site.post(
        victim,
        "/admin/account/password",
        {"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
    )
    assert changed.status_code == 302 and "changed=1" in changed.headers["Location"]
    assert in_the_queue(site, victim)
    assert lands_on_login(site, thief)
    assert site.post(victim, "/admin/logout", {}).status_code == 302

    # An admin changes the role.
    victim = site.sign_in(VICTIM, NEW_PASSWORD)
    thief = steal(victim)
    assert in_the_queue(site, thief)
    changed = site.post(admin, f"/admin/users/{victim_id}", {"role": "viewer", "active": "1"})
    assert changed.status_code == 302
    assert lands_on_login(site, thief) and lands_on_login(site, victim)

    # An admin gives a new password (the person forgot theirs, or the laptop was lost).
    victim = site.sign_in(VICTIM, NEW_PASSWORD)
    thief = steal(victim)
    reset = site.post(admin, f"/admin/users/{victim_id}/password", {"password": PASSWORD})
    assert reset.status_code == 302
    assert lands_on_login(site, thief)

    # An admin switches the account off.
    victim = site.sign_in(VICTIM)
    thief = steal(victim)
    assert in_the_queue(site, thief)
    assert site.post(admin, f"/admin/users/{victim_id}", {"role": "viewer"}).status_code == 302
    assert lands_on_login(site, thief) and lands_on_login(site, victim)
    with site.runtime.db.session() as session:
        assert (
            session.scalars(
                select(StaffSession.id).where(StaffSession.staff_user_id == victim_id)
            ).all()
            == []
        )
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target_id == victim_id)
        ).all()
    for action in ("staff.logout", "staff.password.change", "user.update", "user.password.reset"):
        assert action in actions
    assert in_the_queue(site, admin)


def test_sessions_end_after_idling_and_after_their_lifetime(site: Site) -> None:
    victim = site.sign_in(VICTIM)
    thief = steal(victim)
    with site.runtime.db.session() as session:
        session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
        session.commit()
    answer = thief.get(f"{site.base}/admin/", allow_redirects=False, timeout=30)
    assert answer.status_code == 302 and "expired=1" in answer.headers["Location"]
    assert lands_on_login(site, victim)

    # Busy all day long still ends: twelve hours after signing in.
    victim = site.sign_in(VICTIM)
    thief = steal(victim)
    with site.runtime.db.session() as session:
        session.execute(update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert lands_on_login(site, thief) and lands_on_login(site, victim)


def test_the_cookie_holds_a_random_token_and_the_database_only_its_hash(site: Site) -> None:
    victim = site.sign_in(VICTIM)
    [token] = [c.value for c in victim.cookies if c.name == "inspraak_staff"]
    [cookie] = [c for c in victim.cookies if c.name == "inspraak_staff"]
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.expires is None
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 32 random bytes, nothing else
    with site.runtime.db.session() as session:
        stored = session.scalars(select(StaffSession)).one()
        dump = session.execute(text("SELECT * FROM staff_session")).all()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(dump)
    # The signed Flask cookie (CSRF token, language) no longer says who is signed in.
    assert in_the_queue(site, victim)
    assert "_csrf" in _flask_session(victim.cookies.get("session") or "")
    assert set(_flask_session(victim.cookies.get("session") or "")) <= {"_csrf", "staff_language"}
    # Another user's browser cannot guess its way in with a made-up token.
    guesser = requests.Session()
    guesser.cookies.set("inspraak_staff", re.sub(r".$", "x", token))
    assert lands_on_login(site, guesser)
    assert in_the_queue(site, victim)


def test_staff_can_see_and_end_their_other_sessions(site: Site) -> None:
    at_desk = site.sign_in(VICTIM)
    at_home = site.sign_in(VICTIM)
    page = at_desk.get(f"{site.base}/admin/account", timeout=30).text
    assert page.count("Een andere computer of browser") == 1 and "Deze computer" in page
    ended = site.post(at_desk, "/admin/account/sessions/end", {})
    assert ended.status_code == 302
    assert in_the_queue(site, at_desk) and lands_on_login(site, at_home)
