"""Finding 8: every page carries protective headers; the kiosk forgets; no inline script.

Against the real `inspraak serve`: every public, kiosk, staff and error page forbids
framing, sniffing, referrers and any script; the kiosk is never cached and never autofilled;
headless Chromium renders the pages with their styles under that policy, reports no
violation of it, and axe-core finds nothing.
"""

from __future__ import annotations

import io
import math
import re
import struct
import wave
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

from intake.app import create_app
from intake.inbound import Inbound, InboundMedia
from intake.models import Contribution
from intake.receive import receive
from intake.runtime import Runtime
from tests.admin.conftest import PASSWORD, demo_id
from tests.browser import axe_violations, chromium, watch_policy
from tests.channels.web.helpers import hidden_fields, reference_on
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.server import running_server
from tests.support.http import fake_server

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_FOLDERS = [ROOT / "intake", ROOT / "channels", ROOT / "admin", ROOT / "ocr"]
ADMIN = "beheer@gemeente.be"
VIEWER = "lezer@gemeente.be"


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        tone = (int(8000 * math.sin(2 * math.pi * 440 * n / 8000)) for n in range(16000))
        out.writeframes(b"".join(struct.pack("<h", s) for s in tone))
    return buffer.getvalue()


def _seed_recording(data_dir: Path) -> tuple[int, int]:
    """Store a voicemail with its recording; return the contribution's and attachment's ids."""
    runtime = Runtime.start(make_settings(data_dir))
    key, size = runtime.media.put_bytes(_wav())
    with runtime.db.session() as session:
        receipt = receive(
            session,
            Inbound(
                channel="voice",
                language="nl",
                text="meer bomen in het park",
                consultation_id=demo_id(runtime),
                channel_message_id="voicemail-1",
                text_origin="transcribed",
                media=(InboundMedia("audio", "audio/wav", key, size, 2.0),),
            ),
        )
        session.commit()
        contribution = session.get(Contribution, receipt.id)
        assert contribution is not None
        attachment_id = contribution.attachments[0].id
    runtime.db.dispose()
    return receipt.id, attachment_id


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real server with the demo consultation, an admin, a viewer and a voicemail."""
    data_dir = tmp_path_factory.mktemp("headers")
    inspraak(data_dir, "db", "upgrade")
    inspraak(data_dir, "demo")
    for email, role in ((ADMIN, "admin"), (VIEWER, "viewer")):
        inspraak(
            data_dir, "user", "create", email, "--role", role, "--password-stdin", stdin=PASSWORD
        )
    voicemail, recording = _seed_recording(data_dir)
    with running_server(data_dir) as base:
        yield base, voicemail, recording


def _signed_in(base: str, email: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/admin/login", timeout=30).text
    answer = browser.post(
        f"{base}/admin/login",
        data={**hidden_fields(page), "email": email, "password": PASSWORD},
        allow_redirects=False,
        timeout=60,
    )
    assert answer.status_code == 302, answer.text
    return browser


def _policy(response: requests.Response) -> dict[str, str]:
    value = response.headers.get("Content-Security-Policy", "")
    directives = (part.strip().split(None, 1) for part in value.split(";") if part.strip())
    return {d[0]: (d[1] if len(d) > 1 else "") for d in directives}


def assert_protected(response: requests.Response, what: str) -> None:
    """Fail unless the response carries every protective header."""
    headers = response.headers
    policy = _policy(response)
    assert policy.get("default-src") == "'none'", what
    assert policy.get("frame-ancestors") == "'none'", what
    assert "script-src" not in policy, what  # so default-src 'none': no script at all
    assert "unsafe-inline" not in policy.get("style-src", ""), what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") in ("no-referrer", "same-origin"), what
    assert "Strict-Transport-Security" not in headers, f"{what}: HSTS over plain http"


def test_every_page_and_error_carries_the_headers(site: Any) -> None:
    base, voicemail, recording = site
    resident = requests.Session()
    form = resident.get(f"{base}/c/demo", timeout=30)
    thanks = resident.post(
        f"{base}/c/demo", data={**hidden_fields(form.text), "text": "Meer bomen"}, timeout=30
    )
    reference = reference_on(thanks.text)
    kiosk = resident.get(f"{base}/kiosk/demo", timeout=30)
    kiosk_thanks = resident.post(
        f"{base}/kiosk/demo", data={**hidden_fields(kiosk.text), "text": "Bankjes"}, timeout=30
    )
    public = {
        "front page": resident.get(f"{base}/", timeout=30),
        "form": form,
        "thanks": thanks,
        "status": resident.get(f"{base}/r/{reference}", timeout=30),
        "results": resident.get(f"{base}/c/demo/results", timeout=30),
        "kiosk": kiosk,
        "kiosk thanks": kiosk_thanks,
        "kiosk thanks again": resident.get(
            f"{base}/kiosk/demo/thanks/{reference_on(kiosk_thanks.text)}", timeout=30
        ),
        "health": resident.get(f"{base}/healthz", timeout=30),
        "not found": resident.get(f"{base}/nope", timeout=30),
        "unknown reference": resident.get(f"{base}/r/KKK-KKK", timeout=30),
        "stale form": resident.post(f"{base}/c/demo", data={"text": "x"}, timeout=30),
        "stale kiosk": resident.post(f"{base}/kiosk/demo", data={"text": "x"}, timeout=30),
        "wrong method": resident.get(f"{base}/admin/logout", timeout=30),
        "telegram off": resident.post(f"{base}/hooks/telegram", json={}, timeout=30),
    }
    assert public["status"].status_code == 200 and public["not found"].status_code == 404
    assert public["stale kiosk"].status_code == 400 and public["wrong method"].status_code == 405
    admin = _signed_in(base, ADMIN)
    viewer = _signed_in(base, VIEWER)
    staff = {
        "login": requests.get(f"{base}/admin/login", timeout=30),
        "not signed in": requests.get(f"{base}/admin/", allow_redirects=False, timeout=30),
        "sign-in without token": requests.post(
            f"{base}/admin/login", data={"email": "x@y.be"}, timeout=30
        ),
        "queue": admin.get(f"{base}/admin/", timeout=30),
        "contribution": admin.get(f"{base}/admin/c/{voicemail}", timeout=30),
        "recording": admin.get(f"{base}/admin/media/{recording}", timeout=30),
        "dashboard": admin.get(f"{base}/admin/dashboard", timeout=30),
        "users": admin.get(f"{base}/admin/users", timeout=30),
        "account": admin.get(f"{base}/admin/account", timeout=30),
        "audit": admin.get(f"{base}/admin/audit", timeout=30),
        "forbidden": viewer.get(f"{base}/admin/users", timeout=30),
        "missing": admin.get(f"{base}/admin/c/999999", timeout=30),
    }
    assert staff["forbidden"].status_code == 403 and staff["missing"].status_code == 404
    assert staff["recording"].headers["Content-Type"] == "audio/wav"
    for name, response in {**public, **staff}.items():
        assert_protected(response, name)
    for name in ("kiosk", "kiosk thanks", "kiosk thanks again", "stale kiosk"):
        assert public[name].headers.get("Cache-Control") == "no-store", name
    for name in ("queue", "contribution", "recording", "users", "login"):
        assert "no-store" in staff[name].headers.get("Cache-Control", ""), name


def test_the_kiosk_asks_the_browser_to_remember_nothing(site: Any) -> None:
    base, _voicemail, _recording = site
    html = requests.get(f"{base}/kiosk/demo", timeout=30).text
    fields = re.findall(r"<(?:input|textarea)\b[^>]*>", html)
    typed = [f for f in fields if not re.search(r'type="(hidden|checkbox|submit)"', f)]
    assert {re.search(r'id="([^"]+)"', f).group(1) for f in typed} >= {  # type: ignore[union-attr]
        "text",
        "name",
        "postcode",
        "contact",
    }
    for field in typed:
        assert 'autocomplete="off"' in field, field
    assert re.search(r'<form method="post"[^>]*autocomplete="off"', html)
    # The ordinary form keeps helping residents at home fill in their own details.
    ordinary = requests.get(f"{base}/c/demo", timeout=30).text
    assert 'autocomplete="name"' in ordinary and 'autocomplete="email"' in ordinary


def _app(tmp_path: Path, **env: str) -> Flask:
    runtime = Runtime.start(make_settings(tmp_path / "data", **env))
    app = create_app(runtime_=runtime)
    app.config["TESTING"] = True
    return app


def test_https_is_demanded_once_the_site_is_served_over_https(tmp_path: Path) -> None:
    plain = _app(tmp_path).test_client()
    assert "Strict-Transport-Security" not in plain.get("/healthz").headers
    # Behind the trusted proxy: the proxy says the browser came over https.
    proxied = _app(tmp_path, INSPRAAK_PROXY_HOPS="1").test_client()
    secure = proxied.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in proxied.get("/healthz").headers
    # Without a trusted proxy, anyone could send the header: it counts for nothing.
    spoofed = plain.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers
    public = _app(tmp_path, INSPRAAK_PUBLIC_URL="https://inspraak.example.be").test_client()
    assert "max-age=" in public.get("/nope").headers["Strict-Transport-Security"]


def _templates() -> list[Path]:
    found = [p for folder in TEMPLATE_FOLDERS for p in folder.rglob("templates/**/*.html")]
    assert len(found) > 20, "templates not found"
    return found


def test_no_template_holds_script_or_event_handlers() -> None:
    for path in _templates():
        html = path.read_text()
        assert not re.search(r"<script\b", html, re.IGNORECASE), f"{path}: inline <script>"
        handler = re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html, re.IGNORECASE | re.DOTALL)
        assert handler is None, f"{path}: event handler attribute {handler.group(0)!r}"
        assert "javascript:" not in html.lower(), f"{path}: javascript: URL"
        # Styles live in the pages' static <style> elements, allowed by their hashes.
        assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE), f"{path}: style attribute"


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_chromium_renders_every_page_styled_under_the_policy(site: Any, lang: str) -> None:
    base, voicemail, _recording = site
    with chromium() as browser, fake_server() as elsewhere:
        page = browser.new_page()
        violations = watch_policy(page)
        checked: dict[str, Any] = {}
        styles: dict[str, str] = {}

        def visit(name: str, path: str | None = None) -> None:
            # The skip link sits off screen only when the layout's own stylesheet applies.
            if path is not None:
                page.goto(f"{base}{path}{'&' if '?' in path else '?'}lang={lang}")
            styles[name] = page.eval_on_selector(".skip", "e => getComputedStyle(e).position")
            checked[name] = axe_violations(page)

        visit("front page", "/")
        visit("form", "/c/demo")
        visit("results", "/c/demo/results")
        assert page.eval_on_selector(".pair", "e => getComputedStyle(e).display") == "flex"
        visit("not found", "/nope")
        page.goto(f"{base}/c/demo?lang={lang}")
        page.fill("#text", "Meer schaduw op het plein")
        with page.expect_navigation():
            page.click("button[type=submit]")
        visit("thanks")
        reference = page.inner_text(".ref")
        visit("status", f"/r/{reference}")
        # Leaving the status page for another site tells that site nothing of the reference.
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.id = 'out';"
            " a.textContent = 'elders'; document.querySelector('main').append(a); }",
            f"{elsewhere.base_url}/landing",
        )
        with page.expect_navigation():
            page.click("#out")
        [arrival] = [r for r in elsewhere.requests if r.path == "/landing"]
        assert "Referer" not in arrival.headers and reference not in str(arrival.headers)
        visit("kiosk", "/kiosk/demo")
        kiosk_size = page.eval_on_selector("body", "e => getComputedStyle(e).fontSize")
        assert kiosk_size == "24px"  # the kiosk's own larger stylesheet applies too
        page.fill("#text", "Een zebrapad")
        with page.expect_navigation():
            page.click("button[type=submit]")
        visit("kiosk thanks")
        visit("staff login", "/admin/login")
        page.fill("#email", ADMIN)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        visit("queue")
        border = page.eval_on_selector("header", "e => getComputedStyle(e).borderBottomStyle")
        assert border == "solid"
        visit("contribution", f"/admin/c/{voicemail}")
        duration = page.wait_for_function(
            "() => { const a = document.querySelector('audio');"
            " return a && a.duration > 0 && a.duration; }"
        ).json_value()
        assert 1.5 < duration < 2.5  # the recording plays under media-src 'self'
        visit("users", "/admin/users")
        visit("account", "/admin/account")
        page.close()
    assert violations == []
    assert {name: s for name, s in styles.items() if s != "absolute"} == {}
    assert {name: v for name, v in checked.items() if v} == {}
