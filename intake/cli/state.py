"""The lazily built runtime the commands share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from intake.runtime import Runtime

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """Holds the runtime, built on first use so `--help` needs no configuration."""

    def __init__(self) -> None:
        self._runtime: Runtime | None = None

    @property
    def runtime(self) -> Runtime:
        """Return the process runtime, starting it on first use."""
        if self._runtime is None:
            self._runtime = Runtime.start()
        return self._runtime


pass_state = click.make_pass_decorator(State, ensure=True)
