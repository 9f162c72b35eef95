"""Scan or photograph filled-in paper, as a municipal scanner or a resident's phone would."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from formlab import DEJAVU, DRAW_DPI
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ocr.reader import geometry


def scan(page: Image.Image, *, dpi: int, angle: float, seed: int) -> Image.Image:
    """Scan a page: resample to `dpi`, turn it slightly, add sensor noise and dust."""
    rng = np.random.default_rng(seed)
    grey = page.convert("L")
    if dpi != DRAW_DPI:
        size = (round(grey.width * dpi / DRAW_DPI), round(grey.height * dpi / DRAW_DPI))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    grey = grey.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=250)
    pixels = np.asarray(grey, dtype=np.float32) * 0.96 + 6
    pixels += rng.normal(0, 6, pixels.shape)
    for _ in range(60):  # dust specks of a dirty scanner glass
        y, x = rng.integers(0, pixels.shape[0]), rng.integers(0, pixels.shape[1])
        r = int(rng.integers(1, 3))
        pixels[max(0, y - r) : y + r, max(0, x - r) : x + r] = rng.uniform(20, 90)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def photograph(page: Image.Image, *, seed: int) -> Image.Image:
    """Photograph a page lying on a table: perspective, uneven light, soft focus, no dpi."""
    rng = np.random.default_rng(seed)
    w, h = page.size
    out = (3000, 4000)
    jitter = lambda: float(rng.uniform(-90, 90))  # noqa: E731
    corners = [
        (330 + jitter(), 260 + jitter()),
        (2700 + jitter(), 330 + jitter()),
        (2860 + jitter(), 3760 + jitter()),
        (180 + jitter(), 3700 + jitter()),
    ]
    to_page = geometry.fit_homography(corners, [(0, 0), (w, 0), (w, h), (0, h)])
    photo = page.transform(
        out,
        Image.Transform.PERSPECTIVE,
        geometry.perspective_coefficients(to_page),
        resample=Image.Resampling.BICUBIC,
        fillcolor=(120, 95, 70),
    )
    pixels = np.asarray(photo, dtype=np.float32)
    yy, xx = np.mgrid[0 : out[1], 0 : out[0]].astype(np.float32)
    light = 0.55 + 0.45 * np.clip((xx / out[0]) * 0.8 + (yy / out[1]) * 0.4, 0, 1)
    shadow = 1 - 0.25 * np.exp(-(((xx - 900) / 600) ** 2 + ((yy - 2600) / 900) ** 2))
    pixels *= (light * shadow)[..., None]
    pixels += rng.normal(0, 4, pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image.filter(ImageFilter.GaussianBlur(0.8))


def save_pdf(pages: list[Image.Image], path: Path, dpi: int) -> Path:
    """Save scanned pages as a PDF, as a scanner's 'scan to PDF' does."""
    pages[0].save(path, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return path


def save_tiff(pages: list[Image.Image], path: Path, dpi: int) -> Path:
    """Save scanned pages as one multi-page TIFF."""
    pages[0].save(
        path,
        format="TIFF",
        save_all=True,
        append_images=pages[1:],
        dpi=(dpi, dpi),
        compression="tiff_deflate",
    )
    return path


def letter_page(text: str) -> Image.Image:
    """Type a letter on a plain A4 sheet: no QR code, no marks."""
    page = Image.new("RGB", (2480, 3508), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(DEJAVU), 46)
    y = 400
    for line in text.split("\n"):
        draw.text((260, y), line, font=font, fill=(0, 0, 0))
        y += 80
    return page
