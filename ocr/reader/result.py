"""What reading a scan found, page by page and form by form."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ocr.forms.layout import ChoiceLayout
from ocr.forms.spec import PageId

# Reason codes a page or form carries when a person should look at it.
NO_QR = "no_qr"
UNKNOWN_FORM = "unknown_form"
MARKS_MISSING = "marks_missing"
LOW_CONFIDENCE = "low_confidence"
UNSURE_CHECKBOX = "unsure_checkbox"
NO_TEXT = "no_text"
MISSING_PAGES = "missing_pages"
SEVERAL_TICKED = "several_ticked"
QUESTION_UNANSWERED = "question_unanswered"
REASONS = (
    NO_QR,
    UNKNOWN_FORM,
    MARKS_MISSING,
    LOW_CONFIDENCE,
    UNSURE_CHECKBOX,
    NO_TEXT,
    MISSING_PAGES,
    SEVERAL_TICKED,
    QUESTION_UNANSWERED,
)
# Reasons read from a form's fields, the most telling first: the first is the one staff see.
FIELD_REASONS = (SEVERAL_TICKED, UNSURE_CHECKBOX, QUESTION_UNANSWERED, LOW_CONFIDENCE)


@dataclass(frozen=True)
class OptionTick:
    """One option's box of a closed question: the share of ink in it and what that means."""

    option: str
    fill_ratio: float
    checked: bool
    unsure: bool


@dataclass(frozen=True)
class FieldResult:
    """One field as read: text for text and letter fields, `checked` for check boxes."""

    kind: str
    text: str
    confidence: float
    checked: bool | None
    unsure: bool
    crop_png: bytes
    # The printed form flags this field as personal data (a name).
    personal: bool = False
    # Where the field sits on its page image, in pixels (x0, y0, x1, y1).
    box: tuple[int, int, int, int] | None = None
    # A closed question (`choice`): what its boxes mean, and each box as read.
    choice: ChoiceLayout | None = None
    ticks: tuple[OptionTick, ...] = ()

    @property
    def ticked(self) -> OptionTick | None:
        """Return a closed question's one ticked box, when exactly one is, clearly."""
        checked = [tick for tick in self.ticks if tick.checked]
        if len(checked) != 1 or any(tick.unsure for tick in self.ticks):
            return None
        return checked[0]

    @property
    def problem(self) -> str | None:
        """Return why a person should answer a closed question from its boxes, if at all."""
        if sum(tick.checked for tick in self.ticks) > 1:
            return SEVERAL_TICKED
        if any(tick.unsure for tick in self.ticks):
            return UNSURE_CHECKBOX
        if self.choice is not None and self.choice.required and self.ticked is None:
            return QUESTION_UNANSWERED
        return None


@dataclass
class PageRead:
    """One page of the input: its QR identity, fields, image and plain text."""

    index: int
    qr: PageId | None
    fields: dict[str, FieldResult]
    image_jpeg: bytes
    text: str
    reasons: list[str] = field(default_factory=list)
    # The image with the fields that name someone painted over, when the page has such.
    covered_jpeg: bytes | None = None

    @property
    def names_someone(self) -> bool:
        """Tell whether the page has a field for a name or contact (its image shows it)."""
        return self.covered_jpeg is not None

    @property
    def needs_person(self) -> bool:
        """Tell whether a person should check this page."""
        return bool(self.reasons)


@dataclass
class FormRead:
    """Consecutive pages of one filled-in form, or of one letter without a QR code."""

    qr: PageId | None
    pages: list[PageRead]
    reasons: list[str] = field(default_factory=list)

    @property
    def needs_person(self) -> bool:
        """Tell whether a person should check this form."""
        return bool(self.reasons)

    @property
    def fields(self) -> dict[str, FieldResult]:
        """Merge the pages' fields; a text field continued over pages is joined."""
        merged: dict[str, FieldResult] = {}
        for page in self.pages:
            for name, result in page.fields.items():
                before = merged.get(name)
                if before is None or before.kind != "text":
                    merged[name] = result
                    continue
                merged[name] = FieldResult(
                    kind="text",
                    text="\n".join(t for t in (before.text, result.text) if t),
                    confidence=min(before.confidence, result.confidence),
                    checked=None,
                    unsure=before.unsure or result.unsure,
                    crop_png=before.crop_png,
                    personal=before.personal or result.personal,
                    box=before.box,
                )
        return merged

    @property
    def names_someone(self) -> bool:
        """Tell whether a page of the form holds a name or contact (so do its originals)."""
        return any(page.names_someone for page in self.pages)

    @property
    def text(self) -> str:
        """Return the full text of every page, pages separated by a form feed."""
        return "\f".join(page.text for page in self.pages)


@dataclass
class ScanResult:
    """Everything read from one input file, and its searchable PDF/A archive copy."""

    source: Path
    archive_pdf: Path
    pages: list[PageRead]
    forms: list[FormRead]

    @property
    def needs_person(self) -> bool:
        """Tell whether any form in the file needs a person."""
        return any(form.needs_person for form in self.forms)

    def archive_bytes(self) -> bytes:
        """Return the PDF/A archive copy."""
        return self.archive_pdf.read_bytes()
