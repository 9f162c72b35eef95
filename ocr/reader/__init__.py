"""Reading scanned and photographed paper forms: `read_scan` and what it returns."""

from ocr.reader.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedPdfError,
    ImageTooLargeError,
    OcrFailedError,
    ScanTimeoutError,
    TooManyPagesError,
    UnreadableScanError,
    UnsupportedFormatError,
)
from ocr.reader.result import FieldResult, FormRead, PageRead, ScanResult
from ocr.reader.scan import read_scan

__all__ = [
    "CorruptFileError",
    "EmptyFileError",
    "EncryptedPdfError",
    "FieldResult",
    "FormRead",
    "ImageTooLargeError",
    "OcrFailedError",
    "PageRead",
    "ScanResult",
    "ScanTimeoutError",
    "TooManyPagesError",
    "UnreadableScanError",
    "UnsupportedFormatError",
    "read_scan",
]
