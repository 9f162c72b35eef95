"""`inspraak models list` and `inspraak models install`, run as the real command."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.cli import inspraak
from tests.conftest import make_settings
from tests.support.http import Reply, fake_server
from transcription.cli import models
from transcription.installed import model_paths
from transcription.speech_models import packaged_korean_model

NAME = "vosk-model-small-ko-test"


@pytest.fixture(scope="module")
def model_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Korean test model packed the way alphacephei.com ships models: one top folder."""
    archive = tmp_path_factory.mktemp("zip") / f"{NAME}.zip"
    source = packaged_korean_model()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
        for path in sorted(source.rglob("*")):
            bundle.write(path, f"{NAME}/{path.relative_to(source)}")
    return archive


def run(data_dir: Path, *args: str) -> Result:
    """Run `inspraak models ARGS…` in this process (the quick checks need no model load)."""
    return CliRunner().invoke(models, list(args), env={"INSPRAAK_DATA_DIR": str(data_dir)})


def _small_zip(**files: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in files.items():
            bundle.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


def test_without_models_the_list_says_recordings_wait_for_a_person(tmp_path: Path) -> None:
    shown = inspraak(tmp_path, "models", "list")
    assert "No speech model" in shown.stdout


def test_an_installed_model_is_verified_listed_and_used_without_a_variable(
    tmp_path: Path, model_zip: Path
) -> None:
    digest = hashlib.sha256(model_zip.read_bytes()).hexdigest()
    wrong = inspraak(tmp_path, "models", "install", str(model_zip), "--lang", "nl",
                     "--sha256", "0" * 64, check=False)  # fmt: skip
    assert wrong.returncode == 1 and "SHA-256" in wrong.stderr
    assert not (tmp_path / "models" / "nl" / "current").exists()

    done = inspraak(tmp_path, "models", "install", str(model_zip), "--lang", "nl",
                    "--sha256", digest)  # fmt: skip
    assert NAME in done.stdout
    assert (tmp_path / "models" / "nl" / "current").read_text().strip() == NAME

    listed = inspraak(tmp_path, "models", "list")
    (line,) = listed.stdout.splitlines()
    assert line.startswith(f"nl\t{NAME}\tinstalled\tloads in ")

    settings = make_settings(tmp_path)
    assert model_paths(settings) == {"nl": tmp_path / "models" / "nl" / NAME}
    # A variable names the model explicitly, so it wins over an installed one.
    env = make_settings(tmp_path, INSPRAAK_VOSK_MODEL_NL=str(packaged_korean_model()))
    assert model_paths(env) == {"nl": packaged_korean_model()}


def test_install_refuses_archives_that_are_no_model(tmp_path: Path) -> None:
    escaping = tmp_path / "escape.zip"
    escaping.write_bytes(_small_zip(**{"../evil": b"x"}))
    loose = tmp_path / "loose.zip"
    loose.write_bytes(_small_zip(**{"am__final.mdl": b"x", "conf__model.conf": b"x"}))
    empty_model = tmp_path / "empty.zip"
    empty_model.write_bytes(_small_zip(**{"vosk-model-x__README": b"x"}))
    not_zip = tmp_path / "model.zip"
    not_zip.write_bytes(b"not a zip")
    for archive, says in (
        (escaping, "outside"),
        (loose, "exactly one folder"),
        (empty_model, "no usable model"),
        (not_zip, "not a zip"),
    ):
        result = run(tmp_path, "install", str(archive), "--lang", "fr")
        assert result.exit_code == 1 and says in result.output, result.output
    assert not (tmp_path / "models" / "fr" / "current").exists()
    bad = run(tmp_path, "install", str(not_zip), "--lang", "x/y")
    assert bad.exit_code == 1 and "language code" in bad.output


def test_install_downloads_an_url_and_checks_its_hash(tmp_path: Path) -> None:
    archive = _small_zip(**{"vosk-model-x__README": b"x"})
    with fake_server() as server:
        server.route("GET", "/models/x.zip", Reply(200, archive))
        url = server.base_url + "/models/x.zip"
        result = run(tmp_path, "install", url, "--lang", "en", "--sha256", "ab" * 32)
        missing = run(tmp_path, "install", server.base_url + "/nope.zip", "--lang", "en")
    assert result.exit_code == 1 and hashlib.sha256(archive).hexdigest() in result.output
    assert [r.path for r in server.requests] == ["/models/x.zip", "/nope.zip"]
    assert missing.exit_code == 1 and "download failed" in missing.output
