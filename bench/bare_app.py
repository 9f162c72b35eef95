"""The baseline: a bare Flask handler that does one insert into a SQLite table (WAL)."""

from __future__ import annotations

import os
import sqlite3
import threading

from flask import Flask, request

DATABASE = os.environ.get("BARE_DATABASE", "/tmp/bare.db")
app = Flask(__name__)
_local = threading.local()


def _connection() -> sqlite3.Connection:
    if not hasattr(_local, "connection"):
        connection = sqlite3.connect(DATABASE, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, text TEXT)")
        _local.connection = connection
    return _local.connection  # type: ignore[no-any-return]


@app.post("/c/demo")
def insert() -> tuple[str, int]:
    """Store the posted text, nothing else."""
    _connection().execute("INSERT INTO note (text) VALUES (?)", (request.form.get("text", ""),))
    return "ok", 200


@app.get("/c/demo")
def page() -> str:
    """Answer the warm-up GET the load generator makes."""
    return '<input type="hidden" name="csrf_token" value="">'
