"""The baseline: a bare Flask handler doing one insert, through the same database layer.

Same engine set-up as Inspraak (SQLAlchemy, SQLite in WAL mode), no validation, no
CSRF, no rate limit, no page: what any Flask app must at least do to store a form.
"""

from __future__ import annotations

import os

from flask import Flask, request
from sqlalchemy import Column, Integer, MetaData, Table, Text

from intake.db import make_engine

engine = make_engine(os.environ.get("BARE_DATABASE_URL", "sqlite:////tmp/bare.db"))
notes = Table("note", MetaData(), Column("id", Integer, primary_key=True), Column("text", Text))
notes.create(engine, checkfirst=True)
app = Flask(__name__)


@app.post("/c/demo")
def insert() -> tuple[str, int]:
    """Store the posted text, nothing else."""
    with engine.begin() as connection:
        connection.execute(notes.insert(), {"text": request.form.get("text", "")})
    return "ok", 200


@app.get("/c/demo")
def page() -> str:
    """Answer the warm-up GET the load generator makes."""
    return '<input type="hidden" name="csrf_token" value="">'
