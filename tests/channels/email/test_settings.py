"""Mail settings: off without a server; a wrong one stops start-up without showing the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from channels.email.mailbox import Account
from intake.config import ConfigError, load_settings
from intake.plugins import discover

SECRET = "Zeer-Geheim-42"
_SMTP = {
    "INSPRAAK_SMTP_URL": "smtp://u:p@smtp.gemeente.be",
    "INSPRAAK_MAIL_FROM": "inspraak@gemeente.be",
    "INSPRAAK_PUBLIC_URL": "https://inspraak.gemeente.be",
}


def _load(tmp_path: Path, **env: str):  # noqa: ANN202 - Settings
    return load_settings({"INSPRAAK_DATA_DIR": str(tmp_path), **env})


def test_without_a_mail_server_no_channel_delivers_to_e_mail(tmp_path: Path) -> None:
    settings = _load(tmp_path)
    assert settings.smtp_url is None
    assert "email" not in discover(settings=settings).deliverers


def test_with_a_mail_server_e_mail_is_delivered_and_the_password_never_shown(
    tmp_path: Path,
) -> None:
    settings = _load(
        tmp_path,
        INSPRAAK_SMTP_URL=f"smtps://inspraak%40gemeente.be:{SECRET}@smtp.gemeente.be:465",
        INSPRAAK_MAIL_FROM="Gemeente Inspraak <inspraak@gemeente.be>",
        INSPRAAK_PUBLIC_URL="https://inspraak.gemeente.be",
    )
    assert discover(settings=settings).deliverers["email"] == "email"
    assert SECRET not in repr(settings)


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"INSPRAAK_SMTP_URL": f"http://u:{SECRET}@host"}, "must look like smtp://"),
        ({"INSPRAAK_SMTP_URL": f"smtp://u:{SECRET}@host:abc"}, "port that is not a number"),
        ({"INSPRAAK_SMTP_URL": f"smtp://u:{SECRET}@host:587"}, "INSPRAAK_MAIL_FROM must be"),
        (
            {"INSPRAAK_SMTP_URL": f"smtp://u:{SECRET}@host", "INSPRAAK_MAIL_FROM": "a@b.be"},
            "needs INSPRAAK_PUBLIC_URL",
        ),
        ({"INSPRAAK_MAIL_FROM": "a@b.be"}, "needs INSPRAAK_SMTP_URL"),
        ({**_SMTP, "INSPRAAK_IMAP_URL": f"pop3://u:{SECRET}@host"}, "must look like imaps://"),
        ({**_SMTP, "INSPRAAK_IMAP_URL": f"imaps://u:{SECRET}@host:x/INBOX"}, "not a number"),
        ({"INSPRAAK_IMAP_URL": f"imaps://u:{SECRET}@host/INBOX"}, "needs INSPRAAK_SMTP_URL"),
    ],
)
def test_a_wrong_mail_setting_stops_start_up_with_a_clear_message(
    tmp_path: Path, env: dict[str, str], said: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, **env)
    assert said in str(raised.value) and SECRET not in str(raised.value)


def test_the_mailbox_is_read_from_its_url_and_its_password_never_shown(tmp_path: Path) -> None:
    url = f"imap://inspraak%40gemeente.be:{SECRET}@imap.gemeente.be/Postvak%20IN"
    settings = _load(tmp_path, **_SMTP, INSPRAAK_IMAP_URL=url, INSPRAAK_MAIL_MAX_BYTES="1000")
    assert settings.imap_url == url and settings.mail_max_bytes == 1000
    assert settings.imap_done_folder == "Inspraak/Verwerkt"
    assert SECRET not in repr(settings)
    account = Account.from_url(url)
    assert (account.user, account.folder, account.port) == (
        "inspraak@gemeente.be",
        "Postvak IN",
        143,
    )
    assert not account.implicit_tls  # and so STARTTLS, before any login
