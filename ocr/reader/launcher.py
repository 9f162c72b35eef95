"""The OCR launcher process: imports OCRmyPDF once and forks one child per job."""

from __future__ import annotations

import json
import os
import signal
import sys

import ocrmypdf  # imported once here, inherited by every forked child

from ocr.reader.engine import OcrJob
from ocr.reader.hocr_plugin import HOCR_DIR_ENV


def _serve() -> None:
    """Launcher loop: read one job per line, fork a child for it, answer with its pid."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished children
    for line in sys.stdin.buffer:
        data = json.loads(line)
        job = OcrJob(**{**data, "languages": tuple(data["languages"])})
        pid = os.fork()
        if pid == 0:
            _child(job)
        sys.stdout.write(json.dumps({"pid": pid}) + "\n")
        sys.stdout.flush()


def _child(job: OcrJob) -> None:
    """Run one job as the leader of a new process group, then exit without cleanup."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # OCRmyPDF waits for its own children
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # the launcher's stdout carries the protocol
        os.environ[HOCR_DIR_ENV] = job.hocr_dir
        try:
            result = ocrmypdf.ocr(job.input_pdf, job.output_pdf, **job.options())
            error = None if int(result) == 0 else f"OCRmyPDF exit code {int(result)}"
        except Exception as exc:  # reported to the caller, which raises OcrFailedError
            error = f"{type(exc).__name__}: {exc}"
        job.status_file.write_text(json.dumps({"error": error}))
        code = 0
    finally:
        os._exit(code)


if __name__ == "__main__":
    _serve()
