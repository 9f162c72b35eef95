"""Headless Chromium (Debian's) with axe-core, to check pages as assistive tech meets them."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def watch_policy(page: Any) -> list[str]:
    """Collect, from now on, every Content-Security-Policy violation the page reports."""
    reported: list[str] = []

    def console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            reported.append(message.text)

    page.on("console", console)
    return reported


@contextmanager
def chromium() -> Iterator[Any]:
    """Launch Debian's headless Chromium through Playwright; skip when it is not installed."""
    executable = shutil.which("chromium")
    if executable is None or not AXE.exists():
        pytest.skip("needs Debian's chromium and axe-core (make test installs both)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0–2.2 A and AA rules) on the page and return its violations."""
    # Evaluated through the DevTools protocol, not as a <script> tag: the pages' policy
    # allows no script, and axe must see them under that policy, styles as they apply.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values:
        ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]
