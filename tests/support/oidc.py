"""A real OpenID provider (Node's certified `oidc-provider`) on 127.0.0.1, for sign-in tests.

`make test` installs the package into .cache/node, beside axe-core; tests skip without it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

from tests.server import free_port, stop

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / ".cache" / "node" / "node_modules"
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "inspraak"
CLIENT_SECRET = "a-client-secret-only-the-tests-know-0123456789"


@dataclass
class Provider:
    """The running provider: its issuer URL, and the switches the tests turn."""

    issuer: str
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def set(self, **switches: str) -> None:
        """Change the provider's behaviour (clock, tamper, nonce; see the script)."""
        requests.get(f"{self.issuer}/_test/set", params=switches, timeout=10).raise_for_status()

    def move(self, login: str, groups: list[str]) -> None:
        """Put an account in other groups at the provider."""
        params = {"login": login, "groups": ",".join(groups)}
        requests.get(f"{self.issuer}/_test/account", params=params, timeout=10).raise_for_status()

    def reset(self) -> None:
        """Make the provider behave again."""
        requests.get(f"{self.issuer}/_test/reset", timeout=10).raise_for_status()

    def settings(self, **extra: str) -> dict[str, str]:
        """Return Inspraak's environment for signing in at this provider."""
        return {
            "INSPRAAK_OIDC_ISSUER": self.issuer,
            "INSPRAAK_OIDC_CLIENT_ID": CLIENT_ID,
            "INSPRAAK_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            **extra,
        }


def _form(html: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form[^>]*action="([^"]+)"', html)
    assert action, f"no form on the provider's page: {html[:300]}"
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    return unescape(action.group(1)), fields


def sign_in_at(provider: Provider, browser: requests.Session, url: str, login: str) -> str:
    """Follow the provider's pages from `url`, sign in as `login`; return where it sends back.

    The returned URL is Inspraak's callback with the code and state, not yet visited.
    """
    response = browser.get(url, allow_redirects=False, timeout=10)
    for _step in range(10):
        location = response.headers.get("Location")
        if location:
            target = urljoin(response.url, location)
            if not target.startswith(provider.issuer):
                return target
            response = browser.get(target, allow_redirects=False, timeout=10)
            continue
        assert response.status_code == 200, response.text[:500]
        action, fields = _form(response.text)
        if 'name="login"' in response.text:
            fields.update(login=login, password="any password")
        response = browser.post(
            urljoin(response.url, action), data=fields, allow_redirects=False, timeout=10
        )
    raise AssertionError("the provider never sent the browser back")


def sign_out_at(provider: Provider, browser: requests.Session, url: str) -> str:
    """Confirm sign-out on the provider's page; return where it sends the browser after."""
    page = browser.get(url, allow_redirects=False, timeout=10)
    assert page.status_code == 200, page.text[:500]
    action, fields = _form(page.text)
    fields["logout"] = "yes"
    done = browser.post(urljoin(page.url, action), data=fields, allow_redirects=False, timeout=10)
    assert done.status_code in (302, 303), done.text[:500]
    return urljoin(done.url, done.headers["Location"])


@contextmanager
def running_provider(
    accounts: dict[str, dict[str, Any]],
    redirect_bases: list[str],
    **extra: Any,
) -> Iterator[Provider]:
    """Start the provider with these accounts; Inspraak may live at any of `redirect_bases`.

    `extra` goes into the provider's configuration: other `clients` (instead of Inspraak's
    staff sign-in), `scopes`, `features`.
    """
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "oidc-provider").is_dir():
        pytest.skip("needs node and oidc-provider in .cache/node (make test installs them)")
    port = free_port()
    staff_sign_in = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{b}/admin/login/oidc/callback" for b in redirect_bases],
        "post_logout_redirect_uris": [f"{b}/admin/login" for b in redirect_bases],
    }
    config = {"port": port, "clients": [staff_sign_in], "accounts": accounts, **extra}
    environment = {**os.environ, "INSPRAAK_NODE_MODULES": str(NODE_MODULES)}
    process = subprocess.Popen(
        [node, str(SCRIPT), json.dumps(config)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("ready "):
            process.kill()
            raise RuntimeError(f"the OpenID provider did not start: {process.stderr.read()}")
        yield Provider(line.split()[1], accounts)
    finally:
        stop(process, 10)
