"""The lazily built runtime the commands share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from intake.runtime import Runtime
from intake.tenancy import enter

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """Holds the runtime, built on first use so `--help` needs no configuration."""

    def __init__(self) -> None:
        self._runtime: Runtime | None = None
        # The municipality the command works for (`inspraak --tenant SLUG …`).
        self.tenant_slug: str | None = None

    @property
    def runtime(self) -> Runtime:
        """Return the process runtime, starting it on first use."""
        if self._runtime is None:
            self._runtime = Runtime.start()
            if self.tenant_slug:
                found = next(
                    (t for t in self._runtime.tenants.all() if t.slug == self.tenant_slug), None
                )
                if found is None:
                    raise click.ClickException(f"no municipality {self.tenant_slug!r}")
                enter(found.id)
        return self._runtime

    def segments(self) -> set[str]:
        """Return the first path segments the web app serves (no municipality may take one)."""
        from intake.app import create_app

        app = create_app(runtime_=self.runtime)
        return {rule.rule.lstrip("/").split("/")[0] for rule in app.url_map.iter_rules()}


pass_state = click.make_pass_decorator(State, ensure=True)
