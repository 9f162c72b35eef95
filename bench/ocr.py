"""Benchmark reading paper forms: read_scan beside plain OCRmyPDF, throughput, check boxes.

Run: .venv/bin/python bench/ocr.py [--runs 5] [--pages 6] [--dpi 300] [--no-accuracy]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "ocr")]
os.environ["OMP_THREAD_LIMIT"] = "1"  # as read_scan runs Tesseract: one thread per page

import formlab as lab  # noqa: E402
import ocrmypdf  # noqa: E402
import paperscan as paper  # noqa: E402
import scanset  # noqa: E402

from channels.paper.jobs import queue_file  # noqa: E402
from intake.config import load_settings  # noqa: E402
from intake.consultations import seed_demo  # noqa: E402
from intake.jobs.worker import Worker  # noqa: E402
from intake.migrations import upgrade  # noqa: E402
from intake.runtime import Runtime  # noqa: E402
from ocr.forms import FormLayout  # noqa: E402
from ocr.printed import print_form  # noqa: E402
from ocr.reader import read_scan  # noqa: E402
from ocr.reader.engine import warm_up  # noqa: E402
from ocr.reader.scan import DEFAULT_LANGUAGES  # noqa: E402


def one_page_scan(folder: Path, dpi: int) -> tuple[Path, list[FormLayout]]:
    """Fill in, scan and save one A4 form page as a PDF, as a municipal scanner would."""
    printed = scanset.print_form(scanset.MARKTPLEIN)
    page = lab.fill(printed.pdf, printed.layout, scanset.TYPED, seed=21)[0]
    scanned = paper.scan(page, dpi=dpi, angle=1.2, seed=21)
    return paper.save_pdf([scanned], folder / f"form-{dpi}dpi.pdf", dpi), [printed.layout]


def plain_ocrmypdf(source: Path, out: Path, *, straighten: bool) -> None:
    """Run OCRmyPDF alone with read_scan's options."""
    ocrmypdf.ocr(
        source,
        out,
        language=list(DEFAULT_LANGUAGES),
        output_type="pdfa",
        deskew=straighten,
        rotate_pages=straighten,
        jobs=1,
        progress_bar=False,
    )


def timed(action: Callable[[], object]) -> float:
    """Return the seconds `action` takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def compare(source: Path, layouts: list[FormLayout], work: Path, runs: int) -> dict[str, float]:
    """Time read_scan and plain OCRmyPDF on the same page, interleaved, and take medians."""
    read_scan(source, workdir=work, layouts=layouts)  # starts the launcher, warms caches
    times: dict[str, list[float]] = {"read_scan": [], "same_options": [], "with_straighten": []}
    for _ in range(runs):
        times["read_scan"].append(timed(lambda: read_scan(source, workdir=work, layouts=layouts)))
        times["same_options"].append(
            timed(lambda: plain_ocrmypdf(source, work / "plain.pdf", straighten=False))
        )
        times["with_straighten"].append(
            timed(lambda: plain_ocrmypdf(source, work / "plain.pdf", straighten=True))
        )
    return {name: statistics.median(values) for name, values in times.items()}


_job: tuple[Path, list[FormLayout], Path] | None = None


def _worker_init(source: Path, layouts: list[FormLayout], work: Path) -> None:
    """Remember the job and start this worker's OCR launcher."""
    global _job
    _job = (source, layouts, work)
    warm_up()


def _read_once(_: int) -> int:
    """Read the benchmark file once; return its page count."""
    assert _job is not None
    source, layouts, work = _job
    return len(read_scan(source, workdir=work, layouts=layouts).pages)


def pages_per_minute(
    source: Path, layouts: list[FormLayout], work: Path, processes: int, pages: int
) -> float:
    """Read `pages` one-page files with `processes` worker processes; return pages a minute."""
    with ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(source, layouts, work),
    ) as pool:
        list(pool.map(_read_once, range(processes)))  # every worker warm before timing
        start = time.perf_counter()
        done = sum(pool.map(_read_once, range(pages)))
        return done / (time.perf_counter() - start) * 60


def whole_job(folder: Path, dpi: int, runs: int) -> float:
    """Time `paper.import_file` end to end: store, read, keep the evidence, receive, commit."""
    runtime = Runtime.start(load_settings({"INSPRAAK_DATA_DIR": str(folder / "data")}))
    upgrade(runtime.db.engine)
    with runtime.db.session() as session:
        printed, pdf = print_form(session, seed_demo(session), "nl")
        layout = FormLayout.from_json(printed.layout)
        session.commit()
    page = lab.fill(pdf, layout, scanset.TYPED, seed=22)[0]
    times = []
    for run in range(runs + 1):
        # A new scan each run: the same file again would only find the forms it made before.
        scan = paper.save_pdf(
            [paper.scan(page, dpi=dpi, angle=0.8, seed=100 + run)], folder / f"job-{run}.pdf", dpi
        )
        start = time.perf_counter()
        with runtime.db.session() as session:
            queue_file(runtime, session, scan)
            session.commit()
        Worker(runtime).run(until_idle=True)
        if run:  # the first run warms the caches, as in `compare`
            times.append(time.perf_counter() - start)
    runtime.db.dispose()
    return statistics.median(times)


def check_box_accuracy(folder: Path) -> tuple[int, int, int]:
    """Read the test scan set; return check boxes right, unsure, and in all."""
    printed = scanset.print_all()
    layouts = [p.layout for p in printed.values()]
    cases = scanset.read_all(scanset.build_cases(printed, folder / "scans"), layouts, folder)
    right = unsure = total = 0
    for case in cases.values():
        assert case.result is not None
        for form, (_printed, filling) in zip(case.result.forms, case.expected, strict=True):
            if filling is None:
                continue
            for name, field in form.fields.items():
                if field.kind == "checkbox":
                    total += 1
                    unsure += field.unsure
                    right += field.checked == (name in filling.ticks) and not field.unsure
    return right, unsure, total


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per method (median)")
    parser.add_argument("--pages", type=int, default=6, help="pages per throughput measurement")
    parser.add_argument("--dpi", type=int, default=300, help="scan resolution of the test page")
    parser.add_argument("--no-accuracy", action="store_true", help="skip the check-box accuracy")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="inspraak-bench-") as tmp:
        folder = Path(tmp)
        source, layouts = one_page_scan(folder, args.dpi)
        print(f"one filled-in A4 form, scanned at {args.dpi} dpi, {os.cpu_count()} cores")
        medians = compare(source, layouts, folder / "work", args.runs)
        ours, same, full = medians["read_scan"], medians["same_options"], medians["with_straighten"]
        print(f"median of {args.runs} runs, seconds per page:")
        print(f"  read_scan                                   {ours:6.2f}")
        print(f"  plain OCRmyPDF, options read_scan gave it   {same:6.2f}")
        print(f"  plain OCRmyPDF, plus --deskew --rotate-pages {full:5.2f}")
        job = whole_job(folder, args.dpi, args.runs)
        print(f"  the whole paper.import_file job             {job:6.2f}")
        print(f"overhead over the same OCRmyPDF run:          {(ours / same - 1) * 100:+6.1f} %")
        print(f"versus OCRmyPDF straightening the scan itself: {(ours / full - 1) * 100:+6.1f} %")
        print(f"whole job over the same OCRmyPDF run:          {(job / same - 1) * 100:+6.1f} %")
        for processes in (1, 2):
            rate = pages_per_minute(source, layouts, folder / "work", processes, args.pages)
            print(f"pages per minute, {processes} process(es):            {rate:6.1f}")
        if not args.no_accuracy:
            right, unsure, total = check_box_accuracy(folder)
            print(
                f"check boxes on the test scans: {right}/{total} right "
                f"({right / total * 100:.1f} %), {unsure} unsure"
            )


if __name__ == "__main__":
    main()
