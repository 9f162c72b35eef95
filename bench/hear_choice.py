"""Benchmark hearing a spoken closed answer (Vosk grammar mode) against free decoding.

Both listen to the same word said by espeak-ng on an 8 kHz phone line, with the Korean test
model loaded once beforehand; the baseline is free decoding measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The package folders come first, so a script beside this one cannot shadow them.
sys.path[:0] = [str(ROOT)]

from transcription.choices import hear_choice  # noqa: E402
from transcription.engine import transcribe  # noqa: E402
from transcription.speech_models import ModelRegistry, packaged_korean_model  # noqa: E402

WORD = "자전거"
OPTIONS = {"1": ["도서관", "하나"], "2": [WORD, "둘"], "3": ["놀이터", "셋"]}


def _said(folder: Path) -> Path:
    source, phone = folder / "source.wav", folder / "phone.wav"
    subprocess.run(["espeak-ng", "-v", "ko+f2", "-s", "185", "-w", str(source), WORD], check=True)
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), "-ar", "8000", str(phone)],
        check=True,
    )
    return phone


def _median_ms(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    """Print the median time of each way of listening, and what each heard."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    rounds = parser.parse_args().rounds
    registry = ModelRegistry({"ko": packaged_korean_model()})
    start = time.perf_counter()
    registry.get("ko")
    print(f"model load: {(time.perf_counter() - start) * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as folder:
        path = _said(Path(folder))
        heard = hear_choice(path, "ko", registry, OPTIONS)
        free = transcribe(path, "ko", registry)
        grammar_ms = _median_ms(lambda: hear_choice(path, "ko", registry, OPTIONS), rounds)
        free_ms = _median_ms(lambda: transcribe(path, "ko", registry), rounds)
    print(f"grammar mode: {grammar_ms:.0f} ms, heard option {heard.option} ({heard.words!r})")
    print(f"free decoding (baseline): {free_ms:.0f} ms, heard {free.text!r}")
    print(f"ratio: {grammar_ms / free_ms:.2f}")


if __name__ == "__main__":
    main()
