"""Exceptions as logs and job errors may show them: never a resident's data, only our own words.

A database driver's message may repeat the row it refused (PostgreSQL: "Failing row contains
(…)"), and any library may echo what it was given; so an exception becomes text here, and
only here: its class, the database's error code and constraint, and the message of our own
`SafeError`s, which are written to carry reason codes and never a resident's data.
"""

from __future__ import annotations

import traceback

MAX_CHAIN = 5


class SafeError(Exception):
    """An error whose message Inspraak wrote itself and which names no resident.

    Only reason codes, counts, provider status codes and host names belong in its message:
    it is shown to staff as a job's error and written to logs as it is.
    """


def _database_facts(error: BaseException) -> list[str]:
    facts: list[str] = []
    sqlstate = getattr(error, "sqlstate", None)  # psycopg
    if isinstance(sqlstate, str):
        facts.append(f"SQLSTATE {sqlstate}")
    sqlite_name = getattr(error, "sqlite_errorname", None)  # sqlite3
    if isinstance(sqlite_name, str):
        facts.append(sqlite_name)
    constraint = getattr(getattr(error, "diag", None), "constraint_name", None)
    if isinstance(constraint, str):
        facts.append(f"constraint {constraint}")  # a name from our schema, not a value
    return facts


def describe(error: BaseException) -> str:
    """Describe `error` for a log line or a job's last error, without any personal data."""
    name = type(error).__name__
    if isinstance(error, SafeError):
        message = str(error)
        return f"{name}: {message}" if message else name
    # SQLAlchemy wraps the driver's exception: name both, with the database's own codes.
    original = getattr(error, "orig", None)
    if isinstance(original, BaseException):
        facts = [type(original).__name__, *_database_facts(original)]
        return f"{name} ({', '.join(facts)})"
    facts = _database_facts(error)
    return f"{name} ({', '.join(facts)})" if facts else name


def _chain(error: BaseException) -> list[BaseException]:
    chain = [error]
    while len(chain) < MAX_CHAIN:
        current = chain[-1]
        following = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
        if following is None or following in chain:
            break
        chain.append(following)
    return list(reversed(chain))


def safe_traceback(error: BaseException) -> str:
    """Format `error`'s traceback with where it happened, each exception only `describe`d."""
    lines: list[str] = []
    for index, link in enumerate(_chain(error)):
        if index:
            lines.append("The above led to:")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(link.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        lines.append(describe(link))
    return "\n".join(lines)


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""
