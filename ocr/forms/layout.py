"""Where everything sits on a printed form, as data the reader can load back from JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from intake.personal import is_personal
from ocr.forms.spec import PageId

LAYOUT_SCHEMA = 1
FIELD_KINDS = ("text", "letters", "checkbox", "choice")


@dataclass(frozen=True)
class Rect:
    """A rectangle in millimetres from the centre of the top-left corner mark, y pointing down."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        """Return the x of the right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> float:
        """Return the y of the bottom edge."""
        return self.y + self.h

    def contains(self, x: float, y: float) -> bool:
        """Tell whether the point lies inside."""
        return self.x <= x <= self.right and self.y <= y <= self.bottom


@dataclass(frozen=True)
class ChoiceLayout:
    """What the boxes of a `choice` field mean: the question (version) and each box's option."""

    question_id: int
    key: str
    version: int
    options: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class FieldLayout:
    """One field on one page: its crop area and, for boxes, each box to read."""

    name: str
    kind: str
    page: int
    area: Rect
    cells: tuple[Rect, ...] = ()
    # What the resident writes here names or reaches them (their name): personal data.
    personal: bool = False
    # For a closed question (`choice`): which option each of `cells` stands for.
    choice: ChoiceLayout | None = None


@dataclass(frozen=True)
class FormLayout:
    """The geometry of one form version, language and variant, page by page."""

    slug: str
    version: int
    language: str
    large_print: bool
    pages: int
    page_size: tuple[float, float]
    origin: tuple[float, float]
    mark_span: tuple[float, float]
    mark_size: float
    qr: Rect
    fields: tuple[FieldLayout, ...]
    schema: int = LAYOUT_SCHEMA

    @property
    def key(self) -> tuple[str, int, str, bool]:
        """Return the identity a QR code carries, minus the page."""
        return (self.slug, self.version, self.language, self.large_print)

    def page_id(self, page: int) -> PageId:
        """Return the identity printed in the QR code of `page`."""
        return PageId(self.slug, self.version, self.language, self.large_print, page, self.pages)

    def fields_on(self, page: int) -> tuple[FieldLayout, ...]:
        """Return the fields printed on `page` (1-based)."""
        return tuple(field for field in self.fields if field.page == page)

    def mark_centres(self) -> tuple[tuple[float, float], ...]:
        """Return the corner mark centres: top-left, top-right, bottom-right, bottom-left."""
        w, h = self.mark_span
        return ((0.0, 0.0), (w, 0.0), (w, h), (0.0, h))

    def to_json(self) -> str:
        """Serialise for storage beside the form version."""
        data = asdict(self)
        for field in data["fields"]:
            if field["choice"] is None:
                del field["choice"]  # forms without questions keep the shape they had
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FormLayout:
        """Load a layout saved with `to_json`."""
        data = json.loads(text)
        if data.get("schema") != LAYOUT_SCHEMA:
            raise ValueError(f"unsupported layout schema {data.get('schema')!r}")
        fields = tuple(
            FieldLayout(
                name=f["name"],
                kind=f["kind"],
                page=f["page"],
                area=Rect(**f["area"]),
                cells=tuple(Rect(**c) for c in f["cells"]),
                # Layouts printed before fields carried the flag: the core's list decides.
                personal=bool(f.get("personal", is_personal(f["name"]))),
                choice=_choice(f.get("choice")),
            )
            for f in data["fields"]
        )
        return cls(
            slug=data["slug"],
            version=data["version"],
            language=data["language"],
            large_print=data["large_print"],
            pages=data["pages"],
            page_size=tuple(data["page_size"]),
            origin=tuple(data["origin"]),
            mark_span=tuple(data["mark_span"]),
            mark_size=data["mark_size"],
            qr=Rect(**data["qr"]),
            fields=fields,
        )


def _choice(data: dict[str, Any] | None) -> ChoiceLayout | None:
    if data is None:
        return None
    return ChoiceLayout(
        question_id=data["question_id"],
        key=data["key"],
        version=data["version"],
        options=tuple(data["options"]),
        required=bool(data.get("required", False)),
    )
