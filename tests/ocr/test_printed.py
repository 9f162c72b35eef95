"""Printing keeps one layout per form version; a new version only when the layout changes."""

from __future__ import annotations

from sqlalchemy import select

from intake.consultations import find
from intake.models import PrintedForm
from intake.runtime import Runtime
from ocr.forms import PageId
from ocr.printed import print_form, stored_layout


def _print(runtime: Runtime, language: str = "nl", large_print: bool = False) -> int:
    with runtime.db.session() as session:
        printed, pdf = print_form(session, find(session, "demo"), language, large_print=large_print)
        assert pdf.startswith(b"%PDF-")
        session.commit()
        return printed.version


def test_reprinting_the_same_form_keeps_its_version(runtime: Runtime) -> None:
    assert [_print(runtime), _print(runtime)] == [1, 1]
    assert _print(runtime, "fr") == 1 and _print(runtime, "nl", large_print=True) == 1
    with runtime.db.session(write=False) as session:
        assert len(session.scalars(select(PrintedForm)).all()) == 3
        layout = stored_layout(session, PageId("demo", 1, "fr", False, 1, 1))
        assert layout is not None and layout.language == "fr"
        assert stored_layout(session, PageId("demo", 2, "fr", False, 1, 1)) is None


def test_a_changed_layout_is_a_new_version_and_the_old_one_stays(runtime: Runtime) -> None:
    assert _print(runtime) == 1
    with runtime.db.session() as session:
        text = find(session, "demo").text_in("nl")
        text.description = "Een veel langere uitleg. " * 12
        session.commit()
    assert [_print(runtime), _print(runtime)] == [2, 2]
    with runtime.db.session(write=False) as session:
        versions = session.scalars(select(PrintedForm.version).order_by(PrintedForm.version))
        assert list(versions) == [1, 2]
        old = stored_layout(session, PageId("demo", 1, "nl", False, 1, 1))
        new = stored_layout(session, PageId("demo", 2, "nl", False, 1, 1))
        assert old is not None and new is not None and old.fields != new.fields
