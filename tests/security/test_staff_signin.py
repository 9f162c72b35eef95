"""Finding 9: sign-in tells a guesser nothing and slows them, without locking the owner out.

Against the real `inspraak serve` behind one trusted proxy (so X-Forwarded-For says where
a browser is): an unknown address costs argon2's time like a known one; a hundred wrong
passwords from one address leave the owner free to sign in from their usual browser or
from anywhere else; guesses spread over many addresses still leave the owner's usual
browser in; every failure gets the same answer; the audit log keeps the sign-ins and
refusals, never what was typed.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, update

from intake.migrations import upgrade
from intake.models import AuditEvent, StaffUser
from intake.runtime import Runtime
from intake.staff import create_user
from tests.admin.conftest import PASSWORD
from tests.channels.web.helpers import hidden_fields
from tests.conftest import make_settings
from tests.server import running_server

OWNER = "an@gemeente.be"
INSIDER = "mo@gemeente.be"
SWITCHED_OFF = "weg@gemeente.be"
WRONG = "Tr0ub4dor&3-guess"


@dataclass
class Site:
    """The running server and a view on its database."""

    base: str
    runtime: Runtime

    def attempt(
        self, browser: requests.Session, address: str, email: str, password: str
    ) -> requests.Response:
        """Post the sign-in form from `address` (as the proxy reports it)."""
        headers = {"X-Forwarded-For": address}
        page = browser.get(f"{self.base}/admin/login", headers=headers, timeout=30).text
        return browser.post(
            f"{self.base}/admin/login",
            data={**hidden_fields(page), "email": email, "password": password},
            headers=headers,
            allow_redirects=False,
            timeout=60,
        )

    def audit(self, action: str) -> list[AuditEvent]:
        """Return the audit entries of one kind."""
        with self.runtime.db.session() as session:
            query = select(AuditEvent).where(AuditEvent.action == action)
            return list(session.scalars(query.order_by(AuditEvent.id)))


def error_of(response: requests.Response) -> str:
    """Return the error message on a refused sign-in page."""
    match = re.search(r'<p class="error"[^>]*>([^<]+)</p>', response.text)
    assert match, response.text[:500]
    return match.group(1)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A real server behind one trusted proxy, with three accounts, one switched off."""
    data_dir = tmp_path / "data"
    # Set up in this process (the commands have their own tests); only the server is served.
    runtime = Runtime.start(make_settings(data_dir))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        for email in (OWNER, INSIDER, SWITCHED_OFF):
            create_user(session, email, "admin", PASSWORD)
        session.commit()
    with runtime.db.session() as session:
        session.execute(
            update(StaffUser).where(StaffUser.email == SWITCHED_OFF).values(active=False)
        )
        session.commit()
    with running_server(data_dir, INSPRAAK_PROXY_HOPS="1") as base:
        yield Site(base, runtime)
    runtime.db.dispose()


def _timed(site: Site, address: str, email: str) -> float:
    browser = requests.Session()
    start = time.perf_counter()
    answer = site.attempt(browser, address, email, WRONG)
    took = time.perf_counter() - start
    assert answer.status_code == 401
    return took


def test_an_unknown_address_takes_as_long_as_a_known_one(site: Site) -> None:
    known, unknown, page = [], [], []
    for round_ in range(7):
        # A fresh address each time: no count slows any of these down.
        known.append(_timed(site, f"10.1.0.{round_}", OWNER))
        unknown.append(_timed(site, f"10.2.0.{round_}", f"nobody{round_}@gemeente.be"))
        start = time.perf_counter()
        requests.get(f"{site.base}/admin/login", timeout=30)
        page.append(time.perf_counter() - start)
    # Two warm-up rounds, one per worker process.
    known, unknown, page = known[2:], unknown[2:], page[2:]
    # argon2 dominates a sign-in: without it, an unknown address would answer like a page.
    assert statistics.median(known) > 3 * statistics.median(page)
    assert statistics.median(unknown) >= 0.5 * statistics.median(known)


def test_a_hundred_guesses_from_one_address_leave_the_owner_free(site: Site) -> None:
    usual_browser = requests.Session()
    assert site.attempt(usual_browser, "198.51.100.20", OWNER, PASSWORD).status_code == 302
    usual_browser.post(  # signs out at the end of the day; the device cookie stays
        f"{site.base}/admin/logout",
        data=hidden_fields(usual_browser.get(f"{site.base}/admin/", timeout=30).text),
        timeout=30,
    )
    assert any(c.name == "inspraak_device" for c in usual_browser.cookies)

    attacker = requests.Session()
    answers, took = [], []
    for _ in range(100):
        start = time.perf_counter()
        answers.append(site.attempt(attacker, "203.0.113.9", OWNER, WRONG))
        took.append(time.perf_counter() - start)
    assert {a.status_code for a in answers} == {401}
    assert len({error_of(a) for a in answers}) == 1  # a pause reads like a wrong password
    # The attacker is refused even with the right password, before any password check.
    assert site.attempt(attacker, "203.0.113.9", OWNER, PASSWORD).status_code == 401
    assert statistics.median(took[10:]) < statistics.median(took[:5])

    # The owner's usual browser gets in, even from the very same (office) address …
    assert site.attempt(usual_browser, "203.0.113.9", OWNER, PASSWORD).status_code == 302
    # … and so does a browser the owner never used, from another address.
    elsewhere = requests.Session()
    assert site.attempt(elsewhere, "192.0.2.55", OWNER, PASSWORD).status_code == 302

    refusals = site.audit("staff.login.refused")
    # Each refused password is on record; the flood after a pause began is one entry a count.
    reasons = [e.details["reason"] for e in refusals]
    assert reasons[:5] == ["password"] * 5 and set(reasons[5:]) == {"paused"}
    assert len(reasons) <= 5 + 3
    assert all(e.actor_id is None for e in refusals)
    logged = str([(e.details, e.target_id) for e in refusals + site.audit("staff.login")])
    for secret in (WRONG, PASSWORD, OWNER, "203.0.113.9"):
        assert secret not in logged
    assert len(site.audit("staff.login")) == 3


def test_guesses_from_many_addresses_pause_new_browsers_but_not_the_owners(site: Site) -> None:
    usual_browser = requests.Session()
    assert site.attempt(usual_browser, "198.51.100.20", OWNER, PASSWORD).status_code == 302
    insider = requests.Session()  # a colleague, with a device cookie of their own account
    assert site.attempt(insider, "198.51.100.21", INSIDER, PASSWORD).status_code == 302

    for number in range(12):
        attacker = requests.Session()
        assert site.attempt(attacker, f"100.64.0.{number}", OWNER, WRONG).status_code == 401
    # Over the account's count: browsers the owner never used must wait …
    fresh = requests.Session()
    assert site.attempt(fresh, "192.0.2.99", OWNER, PASSWORD).status_code == 401
    # … a device cookie of another account vouches for nothing here …
    assert site.attempt(insider, "198.51.100.21", OWNER, PASSWORD).status_code == 401
    # … and the owner's usual browser is let in.
    assert site.attempt(usual_browser, "100.64.0.1", OWNER, PASSWORD).status_code == 302


def test_every_failure_gets_the_same_answer(site: Site) -> None:
    answers = {
        "wrong password": site.attempt(requests.Session(), "10.9.0.1", OWNER, WRONG),
        "unknown address": site.attempt(requests.Session(), "10.9.0.2", "x@gemeente.be", WRONG),
        "switched off": site.attempt(requests.Session(), "10.9.0.3", SWITCHED_OFF, PASSWORD),
    }
    browser = requests.Session()
    for _ in range(6):
        answers["paused"] = site.attempt(browser, "10.9.0.4", INSIDER, WRONG)
    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 401)
    assert len({error_of(a) for a in answers.values()}) == 1
