"""Every reason a channel or engine can leave for a person has a label in nl, fr and en."""

from __future__ import annotations

import inspect

from babel.messages.pofile import read_po

from intake.plugins import discover
from ocr import jobs as ocr_jobs
from ocr.reader import errors, result
from tests.cli import ROOT
from transcription import audio, quality
from transcription import jobs as transcription_jobs


def _left_by_the_code() -> set[str]:
    """Return the reason codes the installed channels and engines can set."""
    codes = {str(r) for r in quality.Reason} | set(result.REASONS)
    codes |= {
        c.reason for _n, c in inspect.getmembers(errors, inspect.isclass) if hasattr(c, "reason")
    }
    codes |= {c.code for _n, c in inspect.getmembers(audio, inspect.isclass) if hasattr(c, "code")}
    # CorruptFileError names what was corrupt; load.py raises these two.
    codes |= {"corrupt_pdf", "corrupt_image"}
    codes |= {ocr_jobs.AWAITING_SCAN_READING, ocr_jobs.SCAN_MISSING, ocr_jobs.SEVERAL_FORMS}
    codes |= {
        transcription_jobs.AWAITING_TRANSCRIPTION,
        transcription_jobs.NO_SPEECH_MODEL,
        transcription_jobs.SPEECH_MODEL_BROKEN,
        transcription_jobs.AUDIO_MISSING,
    }
    # What the channels' download jobs leave when a file does not come home.
    codes |= {"media_refused", "media_unavailable", "audio_too_long", "media_not_downloaded"}
    codes |= {"disk_full"}  # the media store was full at the download's last attempt
    return codes


def test_every_reason_left_is_declared_with_a_label_in_every_language() -> None:
    declared = discover().reasons
    assert _left_by_the_code() - set(declared) == set()
    for language in ("nl", "fr", "en"):
        with (ROOT / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po)
        untranslated = {
            code
            for code, label in declared.items()
            if label not in catalog or not catalog[label].string
        }
        assert untranslated == set(), language


def test_every_channel_is_named_in_every_language() -> None:
    registry = discover()
    assert {"web", "sms", "whatsapp", "voice", "telegram", "paper", "assisted"} <= set(
        registry.channels
    )
    for language in ("nl", "fr", "en"):
        with (ROOT / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po)
        labels = [c.label for c in registry.channels.values()]
        labels += list(registry.address_kinds.values())
        assert [
            label for label in labels if not catalog.get(label) or not catalog[label].string
        ] == []
