"""Files that cannot be read are refused with a specific reason, quickly and without leftovers."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image

from ocr.reader import (
    CorruptFileError,
    EmptyFileError,
    EncryptedPdfError,
    ImageTooLargeError,
    ScanTimeoutError,
    TooManyPagesError,
    UnreadableScanError,
    UnsupportedFormatError,
    read_scan,
)
from ocr.reader.scan import DEFAULT_MAX_PAGES


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(path: Path, side: int) -> Path:
    """Write a valid, tiny PNG that decodes to side x side one-bit pixels."""
    row = b"\x00" + bytes((side + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", body)
        + _png_chunk(b"IEND", b"")
    )
    return path


def blank_pdf(path: Path, pages: int) -> Path:
    """Write a PDF of empty A4 pages."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.save(path)
    return path


def refuse(
    path: Path, work: Path, error: type[UnreadableScanError], reason: str, **kw: Any
) -> None:
    with pytest.raises(error) as caught:
        read_scan(path, workdir=work, **kw)
    assert isinstance(caught.value, UnreadableScanError)
    assert caught.value.reason == reason
    assert not list(work.glob("scan-*")), "a refused file left work files behind"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    refuse(path, tmp_path / "work", EmptyFileError, "empty_file")


def test_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("Dit is geen scan maar een tekstbestand.\n")
    refuse(path, tmp_path / "work", UnsupportedFormatError, "unsupported_format")


def test_encrypted_pdf(tmp_path: Path) -> None:
    source = blank_pdf(tmp_path / "plain.pdf", 1)
    path = tmp_path / "locked.pdf"
    with pikepdf.open(source) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="geheim", owner="geheimer"))
    refuse(path, tmp_path / "work", EncryptedPdfError, "encrypted_pdf")


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    refuse(path, tmp_path / "work", CorruptFileError, "corrupt_pdf")


def test_truncated_jpeg(tmp_path: Path) -> None:
    whole = tmp_path / "whole.jpg"
    Image.new("L", (800, 1100), 200).save(whole, quality=90)
    path = tmp_path / "cut.jpg"
    path.write_bytes(whole.read_bytes()[:600])
    refuse(path, tmp_path / "work", CorruptFileError, "corrupt_image")


def test_too_many_pages_by_default(tmp_path: Path) -> None:
    path = blank_pdf(tmp_path / "stack.pdf", 200)
    assert DEFAULT_MAX_PAGES < 200
    refuse(path, tmp_path / "work", TooManyPagesError, "too_many_pages")


def test_page_limit_is_configurable(tmp_path: Path) -> None:
    path = blank_pdf(tmp_path / "three.pdf", 3)
    refuse(path, tmp_path / "work", TooManyPagesError, "too_many_pages", max_pages=2)


def test_too_many_tiff_pages(tmp_path: Path) -> None:
    path = tmp_path / "stack.tif"
    frames = [Image.new("L", (60, 80), 255) for _ in range(4)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    refuse(path, tmp_path / "work", TooManyPagesError, "too_many_pages", max_pages=3)


@pytest.mark.parametrize("side", [10_000, 20_000])  # above Pillow's warning and error limits
def test_decompression_bomb(tmp_path: Path, side: int) -> None:
    path = bomb_png(tmp_path / "bomb.png", side)
    assert path.stat().st_size < 200_000
    refuse(path, tmp_path / "work", ImageTooLargeError, "image_too_large")


def test_per_page_timeout_stops_the_read(tmp_path: Path, sample_png: Path) -> None:
    refuse(sample_png, tmp_path / "work", ScanTimeoutError, "timeout", page_timeout=0.3)
