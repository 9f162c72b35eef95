"""Why a scan could not be read at all, with a machine reason code for each case."""

from __future__ import annotations

OCR_LANGUAGE_MISSING = "ocr_language_missing"


class UnreadableScanError(Exception):
    """A file that cannot be read as a scan; `reason` is a stable machine code."""

    reason = "unreadable"

    def __init__(self, reason: str | None = None, message: str = "") -> None:
        """Keep the machine reason and a message for people."""
        self.reason = reason or type(self).reason
        self.message = message or self.reason
        super().__init__(f"{self.reason}: {self.message}")


class EmptyFileError(UnreadableScanError):
    """The file has no bytes."""

    reason = "empty_file"


class UnsupportedFormatError(UnreadableScanError):
    """The file is neither a PDF nor a TIFF, JPEG or PNG image."""

    reason = "unsupported_format"


class EncryptedPdfError(UnreadableScanError):
    """The PDF needs a password to open."""

    reason = "encrypted_pdf"


class CorruptFileError(UnreadableScanError):
    """The file claims a known format but cannot be decoded (`corrupt_pdf`, `corrupt_image`)."""

    reason = "corrupt_file"


class TooManyPagesError(UnreadableScanError):
    """The file has more pages than one read accepts."""

    reason = "too_many_pages"


class ImageTooLargeError(UnreadableScanError):
    """An image has more pixels than Pillow's decompression-bomb limit."""

    reason = "image_too_large"


class ScanTimeoutError(UnreadableScanError):
    """Reading took longer than the per-page time allowance."""

    reason = "timeout"


class MissingLanguageError(UnreadableScanError):
    """Tesseract on this server lacks a language the scan is read in (its traineddata)."""

    reason = OCR_LANGUAGE_MISSING


class OcrFailedError(UnreadableScanError):
    """OCRmyPDF stopped with an error on a file that had loaded fine."""

    reason = "ocr_failed"
