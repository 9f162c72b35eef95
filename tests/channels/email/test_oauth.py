"""Signing in to the mailbox with an app's OAuth2 token (XOAUTH2), as Microsoft 365 requires.

A real OAuth2 server (the certified `oidc-provider`) gives the app a token by the
client-credentials grant; a real Dovecot takes the XOAUTH2 sign-in and asks that server
whether the token is good (introspection), as Exchange Online asks Entra ID.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from channels.email.mailbox import MailboxError, opened
from channels.email.oauth import TokenSource, xoauth2
from channels.email.poller import Poller
from intake.config import ConfigError
from intake.mail_settings import MailOAuth
from intake.models import Contribution
from tests.channels.email.conftest import mail_town
from tests.channels.email.mails import mail
from tests.conftest import make_settings
from tests.support.imap import USER, Mailbox, imap_server
from tests.support.oidc import Provider, running_provider
from tests.support.smtp import MailServer

APP_SECRET = "geheim-van-de-app"
CHECKER, CHECKER_SECRET = "dovecot", "geheim-van-de-mailserver"


@pytest.fixture
def issuer() -> Iterator[Provider]:
    """The municipality's identity provider, with the mailbox app and the mail server on it."""
    apps = [
        {
            # The app's id is the mailbox's user, as the mail server checks the token against it.
            "client_id": USER,
            "client_secret": APP_SECRET,
            "grant_types": ["client_credentials"],
            "response_types": [],
            "redirect_uris": [],
            "token_endpoint_auth_method": "client_secret_post",
            "scope": "imap",
        },
        {
            "client_id": CHECKER,
            "client_secret": CHECKER_SECRET,
            "grant_types": ["client_credentials"],
            "response_types": [],
            "redirect_uris": [],
        },
    ]
    features = {"clientCredentials": {"enabled": True}, "introspection": {"enabled": True}}
    with running_provider({}, [], clients=apps, scopes=["imap"], features=features) as provider:
        yield provider


@pytest.fixture
def oauth_mailbox(
    tmp_path: Path, issuer: Provider, smtp: MailServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Mailbox]:
    checker = issuer.issuer.replace("http://", f"http://{CHECKER}:{CHECKER_SECRET}@")
    with imap_server(tmp_path, introspection=f"{checker}/token/introspection") as server:
        bundle = tmp_path / "trusted.pem"
        bundle.write_bytes(smtp.cert.read_bytes() + server.cert.read_bytes())
        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
        yield server


def _oauth(issuer: Provider, secret: str = APP_SECRET) -> MailOAuth:
    return MailOAuth(f"{issuer.issuer}/token", USER, secret, "imap")


def test_a_mail_is_taken_in_with_the_apps_token(
    tmp_path: Path, issuer: Provider, oauth_mailbox: Mailbox, smtp: MailServer
) -> None:
    oauth_mailbox.deliver(mail("Meer bomen in het park, graag."))
    url = f"imaps://{USER}@127.0.0.1:{oauth_mailbox.port}/INBOX"
    env = {
        "INSPRAAK_IMAP_URL": url,
        "INSPRAAK_IMAP_OAUTH_TOKEN_URL": f"{issuer.issuer}/token",
        "INSPRAAK_IMAP_OAUTH_CLIENT_ID": USER,
        "INSPRAAK_IMAP_OAUTH_CLIENT_SECRET": APP_SECRET,
        "INSPRAAK_IMAP_OAUTH_SCOPE": "imap",
    }
    with mail_town(tmp_path / "data", f"sqlite:///{tmp_path / 'town.db'}", smtp, **env) as town:
        assert Poller(town).run(once=True) == 1
        with town.db.session() as session:
            (stored,) = session.scalars(select(Contribution)).all()
    assert stored.channel == "email" and "bomen" in stored.text
    assert oauth_mailbox.count("INBOX") == 0
    log = (tmp_path / "dovecot" / "dovecot.log").read_text(encoding="utf-8")
    assert "method=XOAUTH2" in log


def test_a_token_the_issuer_does_not_vouch_for_is_refused(
    issuer: Provider, oauth_mailbox: Mailbox
) -> None:
    url = f"imaps://{USER}@127.0.0.1:{oauth_mailbox.port}/INBOX"
    with (
        pytest.raises(MailboxError, match="refused the login"),
        opened(url, lambda user: xoauth2(user, "made-up-token")),
    ):
        pass
    tokens = TokenSource(_oauth(issuer, secret="fout"))
    with pytest.raises(MailboxError, match=r"refused the app \(HTTP 401\)") as refused:
        tokens.token()
    assert "fout" not in str(refused.value)


def test_a_token_is_kept_until_it_nearly_runs_out(issuer: Provider) -> None:
    tokens = TokenSource(_oauth(issuer))
    first = tokens.token()
    assert tokens.token() == first
    answer = requests.post(
        f"{issuer.issuer}/token/introspection",
        data={"token": first},
        auth=(CHECKER, CHECKER_SECRET),
        timeout=10,
    ).json()
    assert answer["active"] and answer["client_id"] == USER and answer["scope"] == "imap"


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"INSPRAAK_IMAP_OAUTH_TOKEN_URL": "https://login.example/t"}, "or none of them"),
        ({"INSPRAAK_IMAP_OAUTH_TOKEN_URL": "http://login.example/t"}, "https://"),
        ({"INSPRAAK_IMAP_URL": "imaps://u:p@mail.example/INBOX"}, "without a password"),
    ],
)
def test_oauth_settings_are_checked_at_start(
    env: dict[str, str], complaint: str, tmp_path: Path, smtp: MailServer
) -> None:
    values = {
        "INSPRAAK_SMTP_URL": smtp.url(),
        "INSPRAAK_MAIL_FROM": "inspraak@gemeente.example.be",
        "INSPRAAK_PUBLIC_URL": "https://inspraak.example.be",
        "INSPRAAK_IMAP_URL": "imaps://u@mail.example/INBOX",
        "INSPRAAK_IMAP_OAUTH_TOKEN_URL": "https://login.example/token",
        "INSPRAAK_IMAP_OAUTH_CLIENT_ID": "app",
        "INSPRAAK_IMAP_OAUTH_CLIENT_SECRET": "secret",
        **env,
    }
    if complaint == "or none of them":
        del values["INSPRAAK_IMAP_OAUTH_CLIENT_SECRET"]
    with pytest.raises(ConfigError, match=complaint):
        make_settings(tmp_path / "data", **values)
