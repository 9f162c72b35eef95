"""Settings fail fast with a clear message; a secret is generated once and kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.config import ConfigError, load_settings


def test_defaults_put_everything_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings({"INSPRAAK_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'inspraak.db'}"
    assert settings.media_dir == tmp_path / "media"
    assert settings.twilio_account_sid is None and settings.telegram_bot_token is None
    assert settings.database_timeout_seconds == 30


def test_a_secret_is_generated_once_and_reused(tmp_path: Path) -> None:
    first = load_settings({"INSPRAAK_DATA_DIR": str(tmp_path)}).secret_key
    second = load_settings({"INSPRAAK_DATA_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("INSPRAAK_SECRET_KEY", "short", "at least 32 characters"),
        ("INSPRAAK_DATABASE_URL", "mysql://x", "SQLite or PostgreSQL"),
        ("INSPRAAK_PUBLIC_URL", "inspraak.example.be", "must start with http"),
        ("INSPRAAK_WEB_RATE_LIMIT", "many", "whole number"),
        ("INSPRAAK_WEB_RATE_LIMIT", "0", "at least 1"),
        ("INSPRAAK_SMS_REGIONS", "BE,Belgium", "two-letter country codes"),
        ("INSPRAAK_CONFIRMATIONS_PER_DAY", "lots", "whole number"),
        ("INSPRAAK_DATABASE_TIMEOUT", "0", "at least 1"),
        ("INSPRAAK_VOSK_MODEL_NL", "/nonexistent/model", "not a folder"),
        ("TWILIO_ACCOUNT_SID", "AC123", "Set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"),
    ],
)
def test_bad_values_stop_with_a_message_naming_the_setting(
    tmp_path: Path, name: str, value: str, says: str
) -> None:
    with pytest.raises(ConfigError, match=says) as caught:
        load_settings({"INSPRAAK_DATA_DIR": str(tmp_path), name: value})
    assert name in str(caught.value) or "TWILIO" in str(caught.value)


def test_vosk_models_are_read_per_language(tmp_path: Path) -> None:
    (tmp_path / "nl-model").mkdir()
    settings = load_settings(
        {"INSPRAAK_DATA_DIR": str(tmp_path), "INSPRAAK_VOSK_MODEL_NL": str(tmp_path / "nl-model")}
    )
    assert settings.vosk_models == {"nl": tmp_path / "nl-model"}


OIDC = {
    "INSPRAAK_OIDC_ISSUER": "https://sso.gemeente.be/realms/gemeente/",
    "INSPRAAK_OIDC_CLIENT_ID": "inspraak",
    "INSPRAAK_OIDC_CLIENT_SECRET": "s3cret",
}


def test_the_openid_provider_and_its_group_mapping_are_read(tmp_path: Path) -> None:
    from intake.config import RoleMapping

    settings = load_settings(
        {
            "INSPRAAK_DATA_DIR": str(tmp_path),
            **OIDC,
            "INSPRAAK_OIDC_ROLES": " grp-a=admin, grp-b=Moderator:park ,x=y=viewer",
            "INSPRAAK_OIDC_GROUPS_CLAIM": "roles",
            "INSPRAAK_PASSWORD_SIGN_IN": "admins",
        }
    )
    assert settings.oidc_enabled
    assert settings.oidc_issuer == "https://sso.gemeente.be/realms/gemeente"
    assert settings.oidc_roles == (
        RoleMapping("grp-a", "admin"),
        RoleMapping("grp-b", "moderator", "park"),
        RoleMapping("x=y", "viewer"),
    )
    assert settings.oidc_groups_claim == "roles" and settings.password_sign_in == "admins"
    plain = load_settings({"INSPRAAK_DATA_DIR": str(tmp_path)})
    assert not plain.oidc_enabled and plain.password_sign_in == "on"


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"INSPRAAK_OIDC_ISSUER": "https://sso.example"}, "or none of them"),
        ({**OIDC, "INSPRAAK_OIDC_ROLES": "grp-a=boss"}, "INSPRAAK_OIDC_ROLES"),
        ({**OIDC, "INSPRAAK_OIDC_ROLES": "grp-a=admin:park"}, "INSPRAAK_OIDC_ROLES"),
        ({**OIDC, "INSPRAAK_PASSWORD_SIGN_IN": "sometimes"}, "on, admins or off"),
        ({"INSPRAAK_PASSWORD_SIGN_IN": "off"}, "INSPRAAK_OIDC_ISSUER"),
    ],
)
def test_bad_sign_in_settings_stop_with_a_message(
    tmp_path: Path, env: dict[str, str], says: str
) -> None:
    with pytest.raises(ConfigError, match=says):
        load_settings({"INSPRAAK_DATA_DIR": str(tmp_path), **env})
