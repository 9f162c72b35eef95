"""Staff pages in headless Chromium: axe-core finds nothing, and the keyboard is enough."""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from intake.evidence import TimedWord, Transcript
from intake.inbound import Inbound, InboundMedia
from intake.receive import receive
from intake.runtime import Runtime
from tests.admin.conftest import PASSWORD, demo_id
from tests.admin.test_themes import TOPICS
from tests.browser import axe_violations, chromium
from tests.cli import inspraak
from tests.conftest import make_settings
from tests.server import running_server

pytestmark = pytest.mark.browser


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        tone = (int(8000 * math.sin(2 * math.pi * 440 * n / 8000)) for n in range(16000))
        out.writeframes(b"".join(struct.pack("<h", s) for s in tone))
    return buffer.getvalue()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 200), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _seed(data_dir: Path) -> dict[str, int]:
    runtime = Runtime.start(make_settings(data_dir))
    audio, audio_size = runtime.media.put_bytes(_wav())
    scan, scan_size = runtime.media.put_bytes(_png())
    ids, consultation_id = {}, demo_id(runtime)
    with runtime.db.session() as session:
        # The recording carries what the recogniser heard, so the page marks an unsure word.
        heard = Transcript(
            words=(TimedWord("meer", 0.1, 0.4, 0.9), TimedWord("bomen", 0.4, 0.9, 0.4))
        )
        recording = InboundMedia(
            "audio", "audio/wav", audio, audio_size, 2.0, details=heard.stored_in({})
        )
        for name, channel, media, origin in (
            ("voice", "voice", recording, "transcribed"),
            ("paper", "paper", InboundMedia("scan", "image/png", scan, scan_size, pages=1), "ocr"),
        ):
            ids[name] = receive(
                session,
                Inbound(
                    channel=channel,
                    language="nl",
                    text="meer bomen in het park",
                    consultation_id=consultation_id,
                    channel_message_id=name,
                    text_origin=origin,
                    media=(media,),
                ),
            ).id
        for topic, texts in TOPICS.items():
            for number, text in enumerate(texts):
                inbound = Inbound(
                    channel="web",
                    language="nl",
                    text=text,
                    consultation_id=consultation_id,
                    channel_message_id=f"{topic}-{number}",
                )
                ids[f"{topic}-{number}"] = receive(session, inbound).id
        session.commit()
    runtime.db.dispose()
    return ids


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real server with a moderator account and a recorded and a scanned contribution."""
    data_dir = tmp_path_factory.mktemp("staff")
    inspraak(data_dir, "db", "upgrade")
    inspraak(data_dir, "demo")
    inspraak(
        data_dir,
        "user",
        "create",
        "mod@gemeente.be",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    # A second account, a moderator, who writes decisions and marks quotes.
    inspraak(
        data_dir,
        "user",
        "create",
        "redactie@gemeente.be",
        "--role",
        "moderator",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    ids = _seed(data_dir)
    inspraak(data_dir, "themes", "demo")
    with running_server(data_dir) as base:
        yield base, ids


@pytest.fixture(scope="module")
def browser() -> Any:
    """One headless Chromium for the module."""
    with chromium() as instance:
        yield instance


def _sign_in(page: Any, base: str, lang: str = "nl", email: str = "mod@gemeente.be") -> None:
    page.goto(f"{base}/admin/login?lang={lang}")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_staff_pages_have_no_axe_violations(site: Any, browser: Any, lang: str) -> None:
    base, ids = site
    page = browser.new_page()
    page.goto(f"{base}/admin/login?lang={lang}")
    checked = {"login": axe_violations(page)}
    _sign_in(page, base, lang)
    for name, path in (
        ("queue", "/admin/"),
        ("filtered", "/admin/?channel=voice&q=bomen"),
        ("voice", f"/admin/c/{ids['voice']}"),
        ("paper", f"/admin/c/{ids['paper']}"),
        ("consultation", "/admin/consultations/1"),
        ("new consultation", "/admin/consultations/new"),
        ("dashboard", "/admin/dashboard"),
        ("assisted", "/admin/assisted"),
        ("themes", "/admin/themes"),
        ("theme", "/admin/themes/1"),
        ("reach", "/admin/reach"),
        ("uploads", "/admin/uploads"),
    ):
        page.goto(f"{base}{path}")
        checked[name] = axe_violations(page)
    # A file that is no scan: the error is tied to the field.
    text = {"name": "notities.txt", "mimeType": "text/plain", "buffer": b"geen scan"}
    page.set_input_files("#files", files=[text])
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.get_attribute("#files", "aria-invalid") == "true"
    checked["upload refused"] = axe_violations(page)
    assert {name: v for name, v in checked.items() if v} == {}
    page.goto(f"{base}/admin/c/{ids['voice']}")
    assert page.eval_on_selector("audio", "a => a.readyState >= 1 || a.networkState !== 3")
    duration = page.wait_for_function(
        "() => { const a = document.querySelector('audio'); return a.duration > 0 && a.duration; }"
    ).json_value()
    assert 1.5 < duration < 2.5
    page.goto(f"{base}/admin/c/{ids['paper']}")
    assert page.eval_on_selector("img.scan", "i => i.complete && i.naturalWidth") == 400
    page.close()


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_decisions_and_quotes_have_no_axe_violations(site: Any, browser: Any, lang: str) -> None:
    base, ids = site
    contribution_id = ids["voice"]
    page = browser.new_page()
    _sign_in(page, base, lang, "redactie@gemeente.be")
    checked = {}
    page.goto(f"{base}/admin/consultations/1/decisions")
    checked["empty list"] = axe_violations(page)
    # The server's own messages, as a browser without form validation would get them.
    page.eval_on_selector_all("[required]", "els => els.forEach(e => e.required = false)")
    page.fill("#nl_body", "Zonder titel")
    with page.expect_navigation():
        page.click("main form:not(.inline) button[type=submit]")
    checked["errors"] = axe_violations(page)
    page.fill("#decided_on", "2026-04-20")
    page.fill("#nl_title", f"Besluit {lang}")
    with page.expect_navigation():
        page.click("main form:not(.inline) button[type=submit]")
    checked["list"] = axe_violations(page)
    with page.expect_navigation():
        page.click("main td a")
    checked["edit"] = axe_violations(page)
    page.goto(f"{base}/admin/c/{contribution_id}")
    page.check("input[name=publishable]")
    page.fill("#quote", "Meer bomen en bankjes in de schaduw.")
    with page.expect_navigation():
        page.click("form[action$='/publication'] button")
    assert page.is_checked("input[name=publishable]")
    checked["detail"] = axe_violations(page)
    page.goto(f"{base}/c/demo/results?lang={lang}")
    assert "Meer bomen en bankjes in de schaduw." in page.inner_text("main")
    assert f"Besluit {lang}" in page.inner_text("main")
    checked["results"] = axe_violations(page)
    assert {name: v for name, v in checked.items() if v} == {}
    page.close()


def test_a_contribution_is_reviewed_with_the_keyboard_alone(site: Any, browser: Any) -> None:
    base, ids = site
    page = browser.new_page(java_script_enabled=False)
    _sign_in(page, base, "en")
    page.goto(f"{base}/admin/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for _ in range(80):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.endswith(f"/admin/c/{ids['paper']}"):
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.focus("#status")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Clear proposal")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "The status has been saved." in page.inner_text("main")
    assert page.input_value("#reason") == "Clear proposal"
    assert page.eval_on_selector("#status", "s => s.value") == "accepted"
    page.close()
