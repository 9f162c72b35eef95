"""What jobs leave on an attachment or a contribution, as one type for the writer and the reader.

Each value keeps the JSON shape already stored in databases (no data migration): `to_json`
writes it, `from_json` reads it back, older shapes included, and `of(details)` finds it
among an attachment's other details.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

# Below this confidence a recognised word or form field is shown as one to check.
UNSURE_BELOW = 0.6
Box = tuple[int, int, int, int]


def _float(value: Any, default: float | None = None) -> float | None:
    if isinstance(value, bool):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _optional_text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


@dataclass(frozen=True, slots=True)
class TimedWord:
    """One recognised word: its time span in seconds (when known) and the model's confidence."""

    text: str
    start: float | None
    end: float | None
    confidence: float

    @property
    def unsure(self) -> bool:
        """Tell whether a person should listen to this word again."""
        return self.confidence < UNSURE_BELOW

    def to_json(self) -> list[Any]:
        """Return the stored shape: `[text, start, end, confidence]`."""
        return [self.text, self.start, self.end, round(self.confidence, 4)]

    @classmethod
    def from_json(cls, raw: Any) -> TimedWord | None:
        """Read a stored word; also `{"text"|"word", "confidence"|"conf"}` and `[text, conf]`."""
        if isinstance(raw, Mapping):
            text = raw.get("text", raw.get("word"))
            confidence = raw.get("confidence", raw.get("conf"))
            start, end = raw.get("start"), raw.get("end")
        elif isinstance(raw, list | tuple) and len(raw) >= 2:
            text, confidence = raw[0], raw[-1]
            start, end = (raw[1], raw[2]) if len(raw) >= 4 else (None, None)
        else:
            return None
        if text is None:
            return None
        return cls(_text(text), _float(start), _float(end), _float(confidence, 1.0) or 0.0)


def _words(raw: Any) -> tuple[TimedWord, ...]:
    if not isinstance(raw, list | tuple):
        return ()
    return tuple(w for w in map(TimedWord.from_json, raw) if w is not None)


@dataclass(frozen=True)
class Transcript:
    """What the recogniser heard in a recording, kept on the recording's attachment."""

    KEY: ClassVar[str] = "transcript"

    words: tuple[TimedWord, ...]
    model: str = ""
    language: str = ""
    duration_seconds: float | None = None
    reason: str | None = None

    @property
    def text(self) -> str:
        """Return the words as one line."""
        return " ".join(word.text for word in self.words)

    def to_json(self) -> dict[str, Any]:
        """Return the stored shape."""
        return {
            "model": self.model,
            "language": self.language,
            "duration_seconds": (
                None if self.duration_seconds is None else round(self.duration_seconds, 3)
            ),
            "words": [word.to_json() for word in self.words],
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Transcript:
        """Read a stored transcript, tolerating missing or odd fields."""
        return cls(
            words=_words(data.get("words")),
            model=_text(data.get("model")),
            language=_text(data.get("language")),
            duration_seconds=_float(data.get("duration_seconds")),
            reason=_optional_text(data.get("reason")),
        )

    @classmethod
    def of(cls, details: Mapping[str, Any]) -> Transcript | None:
        """Find the transcript in an attachment's details (or, older, a bare `words` list)."""
        stored = details.get(cls.KEY)
        if isinstance(stored, Mapping):
            return cls.from_json(stored)
        if isinstance(details.get("words"), list):
            return cls(words=_words(details["words"]))
        return None

    def stored_in(self, details: Mapping[str, Any]) -> dict[str, Any]:
        """Return `details` with this transcript added."""
        return {**details, self.KEY: self.to_json()}


@dataclass(frozen=True)
class _Trace:
    """A reason code and a detail for staff, kept beside what identifies the item."""

    KEY: ClassVar[str]

    reason: str
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        """Return the stored shape (two keys beside the attachment's other details)."""
        return {self.KEY: self.reason, "detail": self.detail}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Read a stored trace."""
        return cls(_text(data.get(cls.KEY)), _text(data.get("detail")))

    @classmethod
    def of(cls, details: Mapping[str, Any]) -> Self | None:
        """Find this trace in an attachment's details."""
        return cls.from_json(details) if details.get(cls.KEY) else None

    def stored_in(self, details: Mapping[str, Any]) -> dict[str, Any]:
        """Return `details` (what identifies the item) with this trace added."""
        return {**details, **self.to_json()}


class TranscriptionFailure(_Trace):
    """Why a recording could not be transcribed, for the person who will listen to it."""

    KEY = "transcription_failed"


class MissingMedia(_Trace):
    """The trace of a file a provider announced but that could not be fetched."""

    KEY = "missing"


@dataclass(frozen=True)
class ScanReading:
    """How reading a photo or scan went: how many forms were found, and why to look."""

    KEY: ClassVar[str] = "scan_read"

    forms: int
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the stored shape."""
        return {"forms": self.forms, "reason": self.reason}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScanReading:
        """Read a stored scan reading."""
        return cls(int(_float(data.get("forms"), 0) or 0), _optional_text(data.get("reason")))

    @classmethod
    def of(cls, details: Mapping[str, Any]) -> ScanReading | None:
        """Find the scan reading in an attachment's details."""
        stored = details.get(cls.KEY)
        return cls.from_json(stored) if isinstance(stored, Mapping) else None

    def stored_in(self, details: Mapping[str, Any]) -> dict[str, Any]:
        """Return `details` with this reading added."""
        return {**details, self.KEY: self.to_json()}


def _box(raw: Any) -> Box | None:
    if isinstance(raw, list | tuple) and len(raw) == 4:
        numbers = [_float(n) for n in raw]
        if all(n is not None for n in numbers):
            x0, y0, x1, y1 = (round(n) for n in numbers if n is not None)
            return (x0, y0, x1, y1)
    return None


@dataclass(frozen=True)
class FieldCrop:
    """One form field's image as kept on a crop attachment: where it was and what it read."""

    KEY: ClassVar[str] = "field"

    field: str
    page: int | None = None
    text: str = ""
    checked: bool | None = None
    personal: bool = False
    # Where the field sits on its page image, in pixels (x0, y0, x1, y1); older crops lack it.
    box: Box | None = None
    confidence: float | None = None

    @property
    def unsure(self) -> bool:
        """Tell whether a person should compare the reading with the image."""
        return self.confidence is not None and self.confidence < UNSURE_BELOW

    def to_json(self) -> dict[str, Any]:
        """Return the stored shape; optional facts only when known."""
        data: dict[str, Any] = {"field": self.field, "page": self.page, "text": self.text}
        if self.checked is not None:
            data["checked"] = self.checked
        if self.personal:
            data["personal"] = True
        if self.box is not None:
            data["box"] = list(self.box)
        if self.confidence is not None:
            data["confidence"] = round(self.confidence, 4)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FieldCrop:
        """Read a stored crop's details."""
        page = _float(data.get("page"))
        checked = data.get("checked")
        return cls(
            field=_text(data.get("field")),
            page=None if page is None else int(page),
            text=_text(data.get("text")),
            checked=checked if isinstance(checked, bool) else None,
            personal=data.get("personal") is True,
            box=_box(data.get("box")),
            confidence=_float(data.get("confidence")),
        )

    @classmethod
    def of(cls, details: Mapping[str, Any]) -> FieldCrop | None:
        """Find a field crop's facts in an attachment's details."""
        return cls.from_json(details) if isinstance(details.get(cls.KEY), str) else None


@dataclass(frozen=True)
class FieldReading:
    """One form field as read, kept in the contribution's answers under `fields`."""

    kind: str
    text: str
    confidence: float
    checked: bool | None = None
    unsure: bool = False
    # The sha256 of the field's crop in the media store.
    crop: str | None = None
    personal: bool = False
    box: Box | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the stored shape."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "text": self.text,
            "confidence": round(self.confidence, 4),
            "checked": self.checked,
            "unsure": self.unsure,
            "crop": self.crop,
        }
        if self.personal:
            data["personal"] = True
        if self.box is not None:
            data["box"] = list(self.box)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FieldReading:
        """Read a stored field."""
        confidence = _float(data.get("confidence"), 1.0)
        checked = data.get("checked")
        return cls(
            kind=_text(data.get("kind")) or "text",
            text=_text(data.get("text")),
            confidence=1.0 if confidence is None else confidence,
            checked=checked if isinstance(checked, bool) else None,
            unsure=data.get("unsure") is True,
            crop=_optional_text(data.get("crop")),
            personal=data.get("personal") is True,
            box=_box(data.get("box")),
        )


FIELDS = "fields"


def form_fields(answers: Mapping[str, Any]) -> dict[str, FieldReading]:
    """Return the form fields kept in a contribution's answers, by name."""
    stored = answers.get(FIELDS)
    if not isinstance(stored, Mapping):
        return {}
    return {
        str(name): FieldReading.from_json(value)
        for name, value in stored.items()
        if isinstance(value, Mapping)
    }


def first_transcript(sources: Iterable[Mapping[str, Any]]) -> Transcript | None:
    """Return the first transcript with words among attachments' details (or answers)."""
    for details in sources:
        found = Transcript.of(details) if isinstance(details, Mapping) else None
        if found is not None and found.words:
            return found
    return None


@dataclass(frozen=True)
class AnswerEvidence:
    """How a closed question's answer was given, kept on the answer, and who corrected it.

    `source` says the way (`web`, `text`, `key`, `button`, `speech`, `paper`, `staff`); the
    other facts are those that way leaves: the key pressed (or the option of the chat button
    tapped), the token read from a text, the words heard and their confidence, the box's crop
    (sha256) and how much ink filled it.
    """

    source: str
    key: str | None = None
    token: str | None = None
    words: str | None = None
    confidence: float | None = None
    crop: str | None = None
    fill_ratio: float | None = None
    # The staff member who changed the answer, and the option it had before.
    corrected_by: int | None = None
    previous: str | None = None

    @property
    def unsure(self) -> bool:
        """Tell whether a person should check the answer against its evidence."""
        return self.confidence is not None and self.confidence < UNSURE_BELOW

    def to_json(self) -> dict[str, Any]:
        """Return the stored shape: the source and each fact that is known."""
        data: dict[str, Any] = {"source": self.source}
        for name in ("key", "token", "words", "crop", "corrected_by", "previous"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        for name in ("confidence", "fill_ratio"):
            value = getattr(self, name)
            if value is not None:
                data[name] = round(value, 4)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnswerEvidence:
        """Read stored evidence, tolerating missing or odd fields."""
        corrected_by = _float(data.get("corrected_by"))
        return cls(
            source=_text(data.get("source")),
            key=_optional_text(data.get("key")),
            token=_optional_text(data.get("token")),
            words=_optional_text(data.get("words")),
            confidence=_float(data.get("confidence")),
            crop=_optional_text(data.get("crop")),
            fill_ratio=_float(data.get("fill_ratio")),
            corrected_by=None if corrected_by is None else int(corrected_by),
            previous=_optional_text(data.get("previous")),
        )
