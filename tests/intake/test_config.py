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
