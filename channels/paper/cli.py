"""`inspraak scans import PATH…` and `inspraak scans watch DIR`: scanned forms in."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import click

from channels.paper.jobs import SUFFIXES, Outcome, Queued, outcome, queue_file
from channels.paper.resplit import remove_unused, resplit
from channels.paper.watcher import Finished, UnsafeFolderError, Watcher, local_worker
from intake.cli.state import State, pass_state
from intake.runtime import Runtime
from intake.storage import StorageFullError

POLL_SECONDS = 0.5


@click.group()
def scans() -> None:
    """Read scanned paper forms (PDF, TIFF, JPEG, PNG) into contributions."""


def scan_files(paths: Iterable[Path]) -> list[Path]:
    """List the given files, and the scans in the given folders and below."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        else:
            found.append(path)
    return found


@scans.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--queue-only", is_flag=True, help="Leave the reading to the running workers.")
@pass_state
def import_command(state: State, paths: tuple[Path, ...], queue_only: bool) -> None:
    """Keep each file as an original, queue its reading, and (by default) read them here."""
    runtime = state.runtime
    files = scan_files(paths)
    queued: list[Queued] = []
    for number, path in enumerate(files):
        # One commit per file: running workers can start on the first while the rest is stored.
        with runtime.db.session() as session:
            try:
                queued.append(queue_file(runtime, session, path, str(path)))
            except StorageFullError:
                # What is queued stays queued; the rest is still where it was read from.
                click.echo(f"{len(queued)} files queued for reading", err=True)
                raise click.ClickException(
                    f"disk full: {len(files) - number} files not imported, from {path} on; "
                    "make room in the media store and import them again"
                ) from None
            session.commit()
    if queue_only:
        click.echo(f"{len(queued)} files queued for the workers")
        return
    with local_worker(runtime):
        results = _follow(runtime, queued)
    _summary(queued, results)


def _follow(runtime: Runtime, queued: list[Queued]) -> dict[int, Outcome]:
    """Show a progress bar until the job of every file has ended."""
    results: dict[int, Outcome] = {}
    with click.progressbar(length=len(queued), label="Reading scans") as bar:
        while len(results) < len(queued):
            with runtime.db.session(write=False) as session:
                for item in queued:
                    if item.job_id in results:
                        continue
                    found = outcome(session, item.job_id)
                    if found is not None and found.state != "waiting":
                        results[item.job_id] = found
                        bar.update(1)
            if len(results) < len(queued):
                time.sleep(POLL_SECONDS)
    return results


def _summary(queued: list[Queued], results: dict[int, Outcome]) -> None:
    read = [results[q.job_id] for q in queued if results[q.job_id].state == "read"]
    refused = [(q, results[q.job_id]) for q in queued if results[q.job_id].state == "refused"]
    forms = sum(r.forms for r in read)
    pages = sum(r.pages_needing_person for r in read)
    click.echo(f"{len(read)} files read: {forms} forms, {pages} pages need a person")
    click.echo(f"{len(refused)} files refused")
    for item, result in refused:
        click.echo(f"  {item.name}: {result.reason}")


@scans.command("split")
@pass_state
def split_command(state: State) -> None:
    """Cut files imported whole, before each form kept its own pages, into one per form."""
    runtime = state.runtime
    with runtime.db.session() as session:
        done = resplit(session, runtime.media)
        session.commit()
        remove_unused(session, runtime.media, done.unused)
    click.echo(f"{done.files} shared files cut into their forms' own pages")


@scans.command("watch")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--poll-seconds", default=2.0, show_default=True, help="Seconds between looks.")
@click.option("--queue-only", is_flag=True, help="Leave the reading to the running workers.")
@pass_state
def watch_command(state: State, folder: Path, poll_seconds: float, queue_only: bool) -> None:
    """Read every file that lands in FOLDER; move it to done/ or failed/ afterwards."""
    runtime = state.runtime
    folder.mkdir(parents=True, exist_ok=True)
    try:
        watcher = Watcher(runtime, folder)
    except UnsafeFolderError as error:
        raise click.ClickException(f"{error}: remove it, and the watcher makes a folder") from None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_args: stop.set())
    click.echo(f"watching {folder} (Ctrl-C stops)")

    def report(item: Finished) -> None:
        result = item.outcome
        if result.state == "read":
            click.echo(f"{item.name}: {result.forms} forms, moved to {item.moved_to}")
        else:
            click.echo(f"{item.name}: refused ({result.reason}), moved to {item.moved_to}")

    try:
        if queue_only:
            watcher.run(stop, report, poll_seconds)
        else:
            with local_worker(runtime):
                watcher.run(stop, report, poll_seconds)
    except KeyboardInterrupt:
        stop.set()
