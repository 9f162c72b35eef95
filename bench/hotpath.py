"""Where a request's time goes: the form POST and the SMS webhook in-process, beside the bare apps.

Calls each WSGI app directly with prepared requests (no server, no network, one thread), so
the figures are the app's own CPU time per request, steadier than a load test on a shared
machine. Prints the SQL each request runs, CPU per request and the ratio to the bare app;
with --profile, the functions that take the most time (cProfile, cumulative).

    .venv/bin/python bench/hotpath.py [web|sms] [--profile] [--requests 3000]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from twilio.request_validator import RequestValidator
from werkzeug.test import EnvironBuilder

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from load import TEXT  # noqa: E402
from sms import ACCOUNT, PATH, PUBLIC_URL, TEXTS, TOKEN  # noqa: E402

sys.path.insert(0, str(BENCH.parent))  # the `admin` package, not bench/admin.py

WSGI = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Environ = dict[str, Any]


def _call(app: WSGI, environ: Environ) -> str:
    statuses: list[str] = []
    b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    return statuses[0]


def _form_poster(app: Any) -> Callable[[], Environ]:
    # A browser: the token and cookie from the form page, a fresh nonce per post.
    client = app.test_client()
    page = client.get("/c/demo").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]*)"', page)
    token = match.group(1) if match else ""
    cookie = client.get_cookie("session")
    headers = {"Cookie": f"session={cookie.value}"} if cookie else {}

    def make() -> Environ:
        data = {"csrf_token": token, "nonce": secrets.token_urlsafe(18), "text": TEXT}
        builder = EnvironBuilder(path="/c/demo", method="POST", data=data, headers=headers)
        return builder.get_environ()

    return make


def _sms_sender() -> Callable[[], Environ]:
    # Twenty phones; one message in ten is a retry, as in bench/sms.py.
    validator, sent = RequestValidator(TOKEN), []

    def make() -> Environ:
        if sent and random.random() < 0.1:
            params = random.choice(sent)
        else:
            sid = "SM" + secrets.token_hex(16)
            params = {
                "MessageSid": sid,
                "AccountSid": ACCOUNT,
                "From": f"+32470{random.randrange(20):06d}",
                "To": "+3225550100",
                "Body": random.choice(TEXTS),
                "NumMedia": "0",
            }
            sent.append(params)
        signature = validator.compute_signature(PUBLIC_URL + PATH, params)
        headers = {"X-Twilio-Signature": signature}
        return EnvironBuilder(path=PATH, method="POST", data=params, headers=headers).get_environ()

    return make


def _cpu_per_request(app: WSGI, make: Callable[[], Environ], count: int) -> float:
    environs = [make() for _ in range(count + 200)]
    for environ in environs[:200]:  # warm caches and pools
        assert _call(app, environ).startswith("200")
    started = time.process_time()
    for environ in environs[200:]:
        assert _call(app, environ).startswith("200")
    return 1e6 * (time.process_time() - started) / count


def _statements(engine: Any, app: WSGI, make: Callable[[], Environ]) -> list[str]:
    # Every statement SQLite runs for one request, BEGIN and COMMIT too, on fresh connections.
    from sqlalchemy import event

    statements: list[str] = []

    def trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(statements.append)

    event.listen(engine, "connect", trace)
    engine.dispose()
    _call(app, make())
    event.remove(engine, "connect", trace)
    engine.dispose()
    return statements


def main() -> None:
    """Measure the chosen routes and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("route", nargs="?", choices=["web", "sms", "both"], default="both")
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    parser.add_argument("--requests", type=int, default=3000)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="inspraak-profile-"))
    os.environ.update(
        INSPRAAK_DATA_DIR=str(work / "data"),
        INSPRAAK_WEB_RATE_LIMIT="100000000",
        INSPRAAK_PUBLIC_URL=PUBLIC_URL,
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_AUTH_TOKEN=TOKEN,
        BARE_DATABASE_URL=f"sqlite:///{work / 'bare.db'}",
        BARE_DATABASE=str(work / "bare-sms.db"),
    )
    os.environ.pop("INSPRAAK_DATABASE_URL", None)
    import bare_app
    import bare_sms

    from intake.app import create_app
    from intake.consultations import seed_demo
    from intake.migrations import upgrade
    from intake.runtime import Runtime

    runtime = Runtime.start()
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        seed_demo(session)
        session.commit()
    app = create_app(runtime_=runtime)
    routes = {
        "web": (_form_poster(app), app.wsgi_app, _form_poster(bare_app.app), bare_app.app),
        "sms": (_sms_sender(), app.wsgi_app, _sms_sender(), bare_sms.app),
    }
    for name in ("web", "sms") if options.route == "both" else (options.route,):
        make, wsgi, make_bare, bare = routes[name]
        _cpu_per_request(wsgi, make, 20)
        statements = _statements(runtime.db.engine, wsgi, make)
        print(f"{name}: {len(statements)} SQL statements a request")
        for statement in statements:
            print(f"    {' '.join(statement.split())[:96]}")
        ours = _cpu_per_request(wsgi, make, options.requests)
        base = _cpu_per_request(bare.wsgi_app, make_bare, options.requests)
        share = f"{base / ours:.0%}"
        print(f"{name}: Inspraak {ours:.0f} µs CPU a request, bare {base:.0f} µs ({share})")
        if options.profile:
            environs = [make() for _ in range(options.requests)]
            profiler = cProfile.Profile()
            profiler.enable()
            for environ in environs:
                _call(wsgi, environ)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
