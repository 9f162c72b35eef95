"""OCRmyPDF plugin that keeps each page's hOCR, whose word confidences the PDF layer drops."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ocrmypdf import OcrOptions, hookimpl
from ocrmypdf.builtin_plugins.tesseract_ocr import TesseractOcrEngine

HOCR_DIR_ENV = "INSPRAAK_HOCR_DIR"


class HocrKeepingEngine(TesseractOcrEngine):
    """Tesseract as OCRmyPDF runs it, copying each page's hOCR into $INSPRAAK_HOCR_DIR."""

    @staticmethod
    def generate_hocr(
        input_file: Path, output_hocr: Path, output_text: Path, options: OcrOptions
    ) -> None:
        """Run Tesseract, then keep the hOCR under its page-numbered name."""
        TesseractOcrEngine.generate_hocr(input_file, output_hocr, output_text, options)
        target = os.environ.get(HOCR_DIR_ENV)
        if target and Path(output_hocr).exists():
            shutil.copyfile(output_hocr, Path(target) / Path(output_hocr).name)


@hookimpl
def get_ocr_engine(options: OcrOptions | None) -> HocrKeepingEngine:
    """Replace the built-in Tesseract engine with the hOCR-keeping one."""
    return HocrKeepingEngine()
