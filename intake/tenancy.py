"""Which municipality (tenant) the work at hand is for, and the rule that keeps it there.

The current tenant lives in a context variable: a request sets it from its host, path,
the number called or texted, the bot written to or the address mailed; a job from the
tenant that queued it. Every ORM statement on a tenant's table (`TenantOwned`) gets the
criterion `tenant_id = current` added when it runs (`scope_statements`), so a view cannot
forget it; a new row takes the current tenant by its column default. Code that must see
every tenant (the job queue, the platform's usage) says so per statement with
`every_tenant()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

DEFAULT_TENANT_ID = 1
# An execution option: the statement reads or writes across tenants, on purpose.
EVERY_TENANT = "inspraak_every_tenant"

_current: ContextVar[int] = ContextVar("inspraak_tenant", default=DEFAULT_TENANT_ID)


def current_tenant_id() -> int:
    """Return the tenant the work at hand is for (the default tenant unless set)."""
    return _current.get()


@contextmanager
def scoped(tenant_id: int) -> Iterator[None]:
    """Do the enclosed work for `tenant_id`."""
    token = _current.set(tenant_id)
    try:
        yield
    finally:
        _current.reset(token)


def enter(tenant_id: int) -> None:
    """Switch the rest of this request to `tenant_id` (its router resets it at the end)."""
    _current.set(tenant_id)


def every_tenant() -> dict[str, Any]:
    """Return the execution options of a statement that spans tenants on purpose."""
    return {EVERY_TENANT: True}


def _scope(state: ORMExecuteState) -> None:
    if state.is_column_load or state.is_relationship_load:
        return  # loads an object already scoped (the option travels with it)
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get(EVERY_TENANT):
        return
    from intake.models.tenant import TenantOwned

    tenant_id = current_tenant_id()
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantOwned, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
        )
    )


def scope_statements() -> None:
    """Add the current tenant's criterion to every ORM statement of every session."""
    if not event.contains(Session, "do_orm_execute", _scope):
        event.listen(Session, "do_orm_execute", _scope)


scope_statements()
