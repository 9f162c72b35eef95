"""Run OCRmyPDF in a killable child process, keeping the PDF/A and per-page hOCR.

A small launcher process imports OCRmyPDF once (about a second) and forks one child per
job. Each child leads its own process group, so a timeout kills Tesseract and Ghostscript
with it. Unlike multiprocessing's spawn or forkserver, the caller's main module is never
re-imported, and unlike a plain fork the caller's threads are not copied.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from ocr.reader.errors import MissingLanguageError, OcrFailedError, ScanTimeoutError

POLL_SECONDS = 0.05


_INSTALLED: dict[str | None, frozenset[str]] = {}


def installed_languages() -> frozenset[str]:
    """Return the languages Tesseract has data for (asked once per `TESSDATA_PREFIX`)."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix not in _INSTALLED:
        try:
            listed = subprocess.run(
                ["tesseract", "--list-langs"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            ).stdout
        except FileNotFoundError:  # Tesseract itself is missing: no language at all
            listed = ""
        # The first line names the folder; each further line is one language.
        _INSTALLED[prefix] = frozenset(listed.split("\n")[1:]) - {""}
    return _INSTALLED[prefix]


def require_languages(languages: tuple[str, ...]) -> None:
    """Raise MissingLanguageError, naming them, if Tesseract lacks any of `languages`."""
    missing = [language for language in languages if language not in installed_languages()]
    if missing:
        _INSTALLED.pop(os.environ.get("TESSDATA_PREFIX"), None)  # ask again once installed
        raise MissingLanguageError(
            message=f"Tesseract has no data for {', '.join(missing)} on this server"
        )


@dataclass(frozen=True)
class OcrJob:
    """What to OCR, where to put the results, and with which options."""

    input_pdf: str
    output_pdf: str
    hocr_dir: str
    languages: tuple[str, ...]
    straighten: bool
    page_timeout: float
    jobs: int = 1

    def options(self) -> dict[str, Any]:
        """Return the keyword arguments for `ocrmypdf.ocr`."""
        return {
            "language": list(self.languages),
            "output_type": "pdfa",
            "deskew": self.straighten,
            "rotate_pages": self.straighten,
            "jobs": self.jobs,
            "tesseract_timeout": self.page_timeout,
            "tesseract_non_ocr_timeout": self.page_timeout,
            "progress_bar": False,
            "plugins": ["ocr.reader.hocr_plugin"],
        }

    @property
    def status_file(self) -> Path:
        """Return where the child reports success or its error."""
        return Path(self.output_pdf).with_suffix(".status.json")


class RunningOcr:
    """One OCRmyPDF job in progress, awaited with a deadline."""

    def __init__(self, job: OcrJob, *, timeout: float) -> None:
        """Hand the job to the launcher and start the clock."""
        self.job = job
        self.deadline = time.monotonic() + timeout
        Path(job.hocr_dir).mkdir(parents=True, exist_ok=True)
        self.pid: int | None = _launcher().start(job)

    def wait(self) -> None:
        """Block until OCRmyPDF is done; kill it and raise on timeout or failure."""
        while self.pid is not None and _alive(self.pid):
            if time.monotonic() > self.deadline:
                self.kill()
                raise ScanTimeoutError(message="OCR took longer than the per-page allowance")
            time.sleep(POLL_SECONDS)
        self.pid = None
        try:
            error = json.loads(self.job.status_file.read_text()).get("error")
        except (OSError, ValueError):
            error = "OCRmyPDF ended without reporting"
        if error:
            raise OcrFailedError(message=str(error))

    def kill(self) -> None:
        """End the job and everything it started; harmless once it has ended."""
        if self.pid is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, signal.SIGKILL)
        self.pid = None


def _alive(pid: int) -> bool:
    """Tell whether a process with this pid still runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Launcher:
    """The client side of the launcher process: send a job, get the child's pid."""

    def __init__(self) -> None:
        """Start the launcher process."""
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ocr.reader.launcher"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        self.lock = threading.Lock()

    def start(self, job: OcrJob) -> int:
        """Hand `job` to the launcher and return the pid of the child running it."""
        stdin, stdout = _pipes(self.process)
        with self.lock:
            try:
                stdin.write(json.dumps(asdict(job)).encode() + b"\n")
                stdin.flush()
                line = stdout.readline()
            except (BrokenPipeError, OSError) as error:
                raise OcrFailedError(message=f"OCR launcher unavailable: {error}") from error
        if not line:
            raise OcrFailedError(message="OCR launcher stopped")
        return int(json.loads(line)["pid"])

    def close(self) -> None:
        """Let the launcher finish: it stops when its input closes."""
        with contextlib.suppress(OSError):
            _pipes(self.process)[0].close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        with contextlib.suppress(OSError):
            _pipes(self.process)[1].close()


def _pipes(process: subprocess.Popen[bytes]) -> tuple[IO[bytes], IO[bytes]]:
    """Return the launcher's input and output pipes."""
    assert process.stdin is not None and process.stdout is not None
    return process.stdin, process.stdout


_current: _Launcher | None = None
_current_lock = threading.Lock()


def _launcher() -> _Launcher:
    """Return the running launcher, starting one if needed."""
    global _current
    with _current_lock:
        if _current is None or _current.process.poll() is not None:
            if _current is not None:
                _current.close()
            _current = _Launcher()
        return _current


def _forget_launcher() -> None:
    """In a forked child, leave the parent's launcher to the parent and start afresh."""
    global _current, _current_lock
    _current, _current_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_launcher)


def warm_up() -> None:
    """Start the OCR launcher now (e.g. in a worker after fork), not on the first scan."""
    _launcher()


@atexit.register
def _shutdown() -> None:
    """Stop the launcher when the interpreter exits."""
    if _current is not None:
        _current.close()
