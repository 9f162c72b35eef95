"""`inspraak models list` and `inspraak models install URL|ZIP --lang nl [--sha256 H]`."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import NoReturn

import click
import requests

from intake.config import load_settings
from transcription.installed import CURRENT, installed_models, model_paths, models_dir
from transcription.speech_models import ModelRegistry

LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
CHUNK = 1 << 20
DOWNLOAD_TIMEOUT = 60


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group()
def models() -> None:
    """Speech models (Vosk) per language."""


@models.command("list")
def list_models() -> None:
    """Show which languages have a model, and check that each one loads."""
    settings = load_settings()
    paths = model_paths(settings)
    if not paths:
        click.echo("No speech model: recordings wait for a person.")
        return
    installed = installed_models(settings)
    registry = ModelRegistry(paths)
    broken = 0
    for code in registry.languages:
        check = registry.check(code)
        source = "installed" if installed.get(code) == paths[code] else "environment"
        if check.ok:
            state = f"loads in {check.load_seconds or 0.0:.1f} s"
        else:
            broken += 1
            state = f"BROKEN: {check.error}"
        click.echo(f"{code}\t{check.name}\t{source}\t{state}\t{check.path}")
    if broken:
        sys.exit(1)


@models.command("install")
@click.argument("source")
@click.option("--lang", "language", required=True, help="Language the model serves, e.g. nl.")
@click.option("--sha256", "expected", help="Refuse the archive unless it has this SHA-256.")
def install(source: str, language: str, expected: str | None) -> None:
    """Unpack a Vosk model zip (a file or an URL) for a language into the data dir."""
    language = language.strip().lower()
    if not LANGUAGE.match(language):
        _fail(f"{language!r} is not a language code like nl or fr.")
    target = models_dir(load_settings()) / language
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target, prefix=".install-") as tmp:
        archive = _obtain(source, Path(tmp))
        digest = _sha256(archive)
        if expected and digest != expected.strip().lower():
            _fail(f"the archive's SHA-256 is {digest}, not the expected {expected}.")
        name = _unpack(archive, Path(tmp) / "unpacked")
        final = target / name
        if final.exists():
            shutil.rmtree(final)
        os.replace(Path(tmp) / "unpacked" / name, final)
    check = ModelRegistry({language: final}).check(language)
    if not check.ok:
        shutil.rmtree(final)
        _fail(f"the archive holds no usable model: {check.error}")
    marker = target / f".{CURRENT}.tmp"
    marker.write_text(name + "\n")
    os.replace(marker, target / CURRENT)
    click.echo(f"{language}: installed {name} (sha256 {digest}) in {final}")


def _obtain(source: str, folder: Path) -> Path:
    if not source.startswith(("http://", "https://")):
        path = Path(source)
        if not path.is_file():
            _fail(f"{source} is not a file.")
        return path
    archive = folder / "model.zip"
    try:
        with requests.get(source, stream=True, timeout=DOWNLOAD_TIMEOUT) as response:
            response.raise_for_status()
            with archive.open("wb") as out:
                for chunk in response.iter_content(CHUNK):
                    out.write(chunk)
    except requests.RequestException as error:
        _fail(f"download failed: {error}")
    return archive


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _unpack(archive: Path, into: Path) -> str:
    """Extract the archive's single top folder safely and return its name."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            names = [PurePosixPath(info.filename) for info in bundle.infolist()]
            if any(n.is_absolute() or ".." in n.parts for n in names):
                _fail("the archive holds paths outside its folder.")
            tops = {n.parts[0] for n in names if n.parts}
            if len(tops) != 1 or all(len(n.parts) == 1 for n in names):
                _fail("a Vosk model zip holds exactly one folder (e.g. vosk-model-small-nl-0.22).")
            bundle.extractall(into)
    except zipfile.BadZipFile:
        _fail("the file is not a zip archive.")
    return tops.pop()
