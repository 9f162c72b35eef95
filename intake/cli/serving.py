"""Commands that serve: the WSGI server, the worker, and both together."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any

import click
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from intake import logs
from intake.cli.state import State, pass_state
from intake.jobs.worker import Worker


class _ProtectedLogger(Logger):  # type: ignore[misc]
    """Gunicorn's error log, with the personal-data filter on each of its handlers."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in (*self.error_log.handlers, *self.access_log.handlers):
            logs.protect(handler)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """Gunicorn running Inspraak's app factory in each worker process."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from intake.app import create_app

        return create_app()


def _default_workers() -> int:
    return min(2 * (os.cpu_count() or 1), 8)


def _serve(host: str, port: int, workers: int, threads: int) -> None:
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": None,  # addresses and query strings are personal data: no access log
            "errorlog": "-",
            "loglevel": "warning",
            "timeout": 60,
            "graceful_timeout": 20,
            "forwarded_allow_ips": "127.0.0.1,::1",
            "logger_class": _ProtectedLogger,
        }
    ).run()


_host = click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
_port = click.option("--port", default=8000, show_default=True, type=int, help="Port to bind.")
_workers = click.option(
    "--workers", default=_default_workers, type=int, help="Web processes (default 2 per core)."
)
_threads = click.option("--threads", default=4, show_default=True, type=int, help="Threads each.")


@click.command()
@_host
@_port
@_workers
@_threads
@pass_state
def serve(state: State, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web app with the production WSGI server (gunicorn)."""
    state.runtime.db.dispose()  # fail fast on bad settings, then let each process connect
    _serve(host, port, workers, threads)


@click.command()
@click.option("--until-idle", is_flag=True, help="Exit 0 once no job is ready.")
@pass_state
def worker(state: State, until_idle: bool) -> None:
    """Run jobs: downloads, transcription, OCR, replies."""
    runner = Worker(state.runtime)
    runner.install_signal_handlers()
    done = runner.run(until_idle=until_idle)
    if until_idle:
        click.echo(f"{done} jobs done")


def _supervise(name: str, stop: threading.Event) -> None:
    # The worker (and the mailbox reader) are child processes so a crash in a job engine
    # never takes the web down; each is restarted when it dies, and stopped with the server.
    command = [sys.executable, "-m", "intake", *name.split()]
    while not stop.is_set():
        child = subprocess.Popen(command)
        while child.poll() is None:
            if stop.wait(1):
                child.terminate()
                child.wait(30)
                return
        click.echo(f"{name} exited with {child.returncode}; restarting", err=True)
        stop.wait(2)


@click.command()
@_host
@_port
@_workers
@_threads
@pass_state
def run(state: State, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web app and run a worker beside it, and the mailbox reader when configured."""
    state.runtime.db.dispose()
    stop = threading.Event()
    children = ["worker"]
    if state.runtime.settings.imap_url is not None:
        children.append("email poll")
    supervisors = [
        threading.Thread(target=_supervise, args=(name, stop), daemon=True) for name in children
    ]
    for supervisor in supervisors:
        supervisor.start()
    click.echo(f"Inspraak on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    try:
        _serve(host, port, workers, threads)
    finally:
        stop.set()
        for supervisor in supervisors:
            supervisor.join(35)
