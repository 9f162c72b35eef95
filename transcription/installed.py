"""Which Vosk model serves each language: installed ones in DATA_DIR/models, then the env's."""

from __future__ import annotations

import threading
from pathlib import Path

from intake.config import Settings
from transcription.speech_models import ModelRegistry

MODELS_FOLDER = "models"
# Each language folder names its active model in this file, so an install swaps atomically.
CURRENT = "current"

# A new install makes a new set of paths; only a few sets stay, so old models can be freed.
KEEP_REGISTRIES = 4
_registries: dict[tuple[tuple[str, str], ...], ModelRegistry] = {}
_lock = threading.Lock()


def models_dir(settings: Settings) -> Path:
    """Return the folder `inspraak models install` unpacks models into."""
    return settings.data_dir / MODELS_FOLDER


def installed_models(settings: Settings) -> dict[str, Path]:
    """Return the models `inspraak models install` put in the data dir, by language."""
    found: dict[str, Path] = {}
    root = models_dir(settings)
    if not root.is_dir():
        return found
    for folder in sorted(root.iterdir()):
        marker = folder / CURRENT
        if marker.is_file():
            model = folder / marker.read_text().strip()
            if model.is_dir():
                found[folder.name] = model
    return found


def model_paths(settings: Settings) -> dict[str, Path]:
    """Return every language's model; INSPRAAK_VOSK_MODEL_<LANG> wins over an installed one."""
    return {**installed_models(settings), **settings.vosk_models}


def shared_registry(settings: Settings) -> ModelRegistry:
    """Return this process's registry for the current models, so each loads only once."""
    paths = model_paths(settings)
    key = tuple(sorted((code, str(path)) for code, path in paths.items()))
    with _lock:
        registry = _registries.pop(key, None) or ModelRegistry(paths)
        _registries[key] = registry  # most recently used last
        while len(_registries) > KEEP_REGISTRIES:
            del _registries[next(iter(_registries))]
        return registry
