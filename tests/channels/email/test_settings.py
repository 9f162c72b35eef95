"""Mail settings: off without a server; a wrong one stops start-up without showing the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.config import ConfigError, load_settings
from intake.plugins import discover

SECRET = "Zeer-Geheim-42"


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
    ],
)
def test_a_wrong_mail_setting_stops_start_up_with_a_clear_message(
    tmp_path: Path, env: dict[str, str], said: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, **env)
    assert said in str(raised.value) and SECRET not in str(raised.value)
