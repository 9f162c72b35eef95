"""Print a consultation's form and keep the layout of every version handed out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake import questions
from intake.models import ClosedQuestion, Consultation, PrintedForm
from ocr.forms import FormLayout, FormSpec, PageId, form_layout, render_form_pdf
from ocr.forms.spec import QuestionSpec


def form_spec(
    consultation: Consultation,
    language: str,
    version: int,
    asked: Sequence[ClosedQuestion] = (),
) -> FormSpec:
    """Build the form's content from the consultation's texts and questions in `language`."""
    texts = consultation.text_in(language)
    return FormSpec(
        slug=consultation.slug,
        version=version,
        language=language,
        title=texts.title,
        question=texts.question,
        description=texts.description,
        questions=tuple(
            QuestionSpec(
                question_id=q.id,
                key=q.key,
                version=q.version,
                text=q.text_in(language),
                options=tuple(q.labels_in(language)),
                required=q.required,
            )
            for q in asked
        ),
    )


def print_form(
    session: Session, consultation: Consultation, language: str, *, large_print: bool = False
) -> tuple[PrintedForm, bytes]:
    """Return the form's PDF, storing its layout as a new version only when it changed."""
    last = session.scalar(
        select(PrintedForm)
        .where(
            PrintedForm.slug == consultation.slug,
            PrintedForm.language == language,
            PrintedForm.large_print == large_print,
        )
        .order_by(PrintedForm.version.desc())
        .limit(1)
    )
    asked = questions.current(session, consultation.id)
    spec = form_spec(consultation, language, last.version if last else 1, asked)
    layout = form_layout(spec, large_print=large_print)
    if last is None or last.layout != layout.to_json():
        if last is not None:
            spec = replace(spec, version=last.version + 1)
            layout = form_layout(spec, large_print=large_print)
        last = PrintedForm(
            slug=spec.slug,
            version=spec.version,
            language=language,
            large_print=large_print,
            layout=layout.to_json(),
        )
        session.add(last)
        session.flush()
    return last, render_form_pdf(spec, large_print=large_print)


def stored_layout(session: Session, page: PageId) -> FormLayout | None:
    """Return the stored layout of the form version a page's QR code names."""
    text = session.scalar(
        select(PrintedForm.layout).where(
            PrintedForm.slug == page.slug,
            PrintedForm.version == page.version,
            PrintedForm.language == page.language,
            PrintedForm.large_print == page.large_print,
        )
    )
    return FormLayout.from_json(text) if text else None
