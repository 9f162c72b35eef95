"""The status page `/r/<reference>` could be asked without end: references were enumerable.

Through the real `inspraak serve` (two gunicorn processes sharing the counters in the
database), on SQLite and PostgreSQL: one network address that walks through references,
or through codes, gets a friendly page in its language with status 429, while another
address is served as before.
"""

from __future__ import annotations

import re
from pathlib import Path

import requests

from intake.references import new_reference
from tests.cli import inspraak
from tests.server import running_server

PROBER = {"X-Forwarded-For": "203.0.113.50"}
NEIGHBOUR = {"X-Forwarded-For": "198.51.100.20"}


def _contribute(base: str) -> str:
    """Send the demo form as a neighbour would and return the reference shown."""
    with requests.Session() as browser:
        page = browser.get(f"{base}/c/demo", headers=NEIGHBOUR, timeout=10).text
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        thanks = browser.post(
            f"{base}/c/demo", data={**fields, "text": "Bankjes"}, headers=NEIGHBOUR, timeout=10
        )
    match = re.search(r'<p class="ref">([^<]+)</p>', thanks.text)
    assert thanks.status_code == 200 and match
    return match.group(1)


def test_walking_through_references_is_stopped_per_network_address(
    tmp_path: Path, database_url: str
) -> None:
    data = tmp_path / "data"
    env = {"INSPRAAK_DATABASE_URL": database_url, "INSPRAAK_PROXY_HOPS": "1"}
    inspraak(data, "db", "upgrade", **env)
    inspraak(data, "demo", **env)
    limit = 30  # INSPRAAK_STATUS_RATE_LIMIT's default, per ten minutes
    with running_server(data, **env) as base:
        reference = _contribute(base)
        codes = []
        with requests.Session() as prober:
            for _ in range(limit + 5):
                guess = prober.get(
                    f"{base}/r/{new_reference()}?lang=fr", headers=PROBER, timeout=10
                )
                codes.append(guess.status_code)
            stopped = guess.text
            own = prober.get(f"{base}/r/{reference}", headers=PROBER, timeout=10)
        neighbour = requests.get(f"{base}/r/{reference}", headers=NEIGHBOUR, timeout=10)
    assert set(codes[:limit]) == {404}  # (a guess that hits a real one would show 200)
    assert set(codes[limit:]) == {429}
    assert "Vous avez cherché ou tapé beaucoup de codes en peu de temps." in stopped
    assert '<html lang="fr"' in stopped
    assert own.status_code == 429  # the limit is the address's, whatever it asks
    assert neighbour.status_code == 200 and reference in neighbour.text
