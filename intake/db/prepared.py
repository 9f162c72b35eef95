"""Statements every incoming message runs: compiled once, run straight on the DBAPI cursor."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, InvalidRequestError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import BindParameter, Executable, TableClause

from intake.db import Executor

_Processor = Callable[[Any], Any] | None
_GIVEN = object()  # a value the caller gives each time


class Prepared:
    """A Core statement compiled once per database and run on the DBAPI cursor.

    Every SMS and form runs a handful of statements, and SQLAlchemy's work per call (cache
    key, execution context, result object) takes longer than SQLite takes to run them. The
    SQL and the type processing of parameters and results are SQLAlchemy's own, so values
    are stored and read back exactly as through `Session.execute`, in the session's
    transaction, and errors are SQLAlchemy's (`IntegrityError` …). Two differences:
    column defaults are not filled in (the statement names every value; one that needs
    defaults is refused when compiled), and engine events and SQL echo do not see it.
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._forms: dict[tuple[object, ...], _Form] = {}

    def rows(self, session: Executor, parameters: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run the statement in the session's or connection's transaction; return its rows."""
        connection = session.connection() if isinstance(session, Session) else session
        dialect = connection.dialect
        key = (dialect.name, dialect.driver, dialect.server_version_info)
        form = self._forms.get(key)
        if form is None:
            form = self._forms[key] = _Form(self.statement, dialect)
        return form.run(connection, parameters)

    def first(self, session: Executor, parameters: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Run the statement and return its first row, or None."""
        found = self.rows(session, parameters)
        return found[0] if found else None

    def scalar(self, session: Executor, parameters: Mapping[str, Any]) -> Any:
        """Run the statement and return the first column of its first row, or None."""
        row = self.first(session, parameters)
        return row[0] if row is not None else None


def bound(table: TableClause, names: Sequence[str]) -> dict[str, BindParameter[Any]]:
    """Return `.values()` for an INSERT naming `names`, each a parameter of its column's type."""
    return {name: bindparam(name, type_=table.c[name].type) for name in names}


class _Form:
    """The statement compiled for one database: SQL, parameter order and type processors."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        if compiled.insert_prefetch or compiled.update_prefetch:
            names = [c.name for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
            raise ValueError(f"name every value of a prepared statement: {', '.join(names)}")
        self.sql = compiled.string
        # Where each value of the SQL comes from, in the order the driver takes them: the
        # caller's parameters (by key), or the statement itself; and how it is converted.
        escaped = compiled.escaped_bind_names
        slots: dict[str, tuple[str, Any, _Processor]] = {}
        for parameter, name in compiled.bind_names.items():
            if parameter.expanding or parameter.callable is not None:
                raise ValueError(f"a prepared statement takes plain values: {parameter.key}")
            fixed = _GIVEN if parameter.required else parameter.value
            process = parameter.type.dialect_impl(dialect).bind_processor(dialect)
            slots[escaped.get(name, name)] = (parameter.key, fixed, process)
        self.names = list(compiled.positiontup or ()) if dialect.positional else list(slots)
        self.slots = [slots[name] for name in self.names]
        self.positional = dialect.positional
        # An INSERT's RETURNING may hold columns the compiler added (PostgreSQL's new key).
        returning = compiled.effective_returning
        columns = getattr(statement, "exported_columns", ()) if returning is None else returning
        self.result_types = [column.type for column in columns]
        self.result_processors: list[_Processor] | None = None

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any] | dict[str, Any]:
        """Return the driver's arguments: each value from `parameters` or the statement."""
        values = []
        for key, fixed, process in self.slots:
            if fixed is _GIVEN:
                if key not in parameters:
                    raise InvalidRequestError(f"A value is required for bind parameter {key!r}")
                value = parameters[key]
            else:
                value = parameters.get(key, fixed)
            values.append(value if process is None else process(value))
        return values if self.positional else dict(zip(self.names, values, strict=True))

    def run(self, connection: Connection, parameters: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        arguments = self.arguments(parameters)
        dialect = connection.dialect
        error_base = dialect.loaded_dbapi.Error
        cursor = connection.connection.cursor()
        try:
            cursor.execute(self.sql, arguments)
            description = cursor.description
            found = cursor.fetchall() if description else []
        except error_base as error:
            raise DBAPIError.instance(
                self.sql,
                arguments,
                error,
                error_base,
                hide_parameters=connection.engine.hide_parameters,
                dialect=dialect,
            ) from error
        finally:
            cursor.close()
        if not found:
            return []
        processors = self.result_processors
        if processors is None:
            processors = self.result_processors = [
                type_.dialect_impl(dialect).result_processor(dialect, column[1])
                for type_, column in zip(self.result_types, description, strict=True)
            ]
        if not any(processors):
            return [tuple(row) for row in found]
        return [
            tuple(
                value if p is None else p(value) for p, value in zip(processors, row, strict=True)
            )
            for row in found
        ]
