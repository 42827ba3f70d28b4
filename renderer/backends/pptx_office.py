"""Checking renderings with real office software: LibreOffice (headless) → PDF → pdftoppm → images.

Used by the tests (and usable by hand) to see what an office application makes of our PPTX and SVG
files, and to compare that with our own PNG at low resolution.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

COMPARE_WIDTH = 64  # px: coarse enough that anti-aliasing and hinting differences average out


def soffice() -> str | None:
    """The LibreOffice executable, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdftoppm() -> str | None:
    """Poppler's pdftoppm, if installed."""
    return shutil.which("pdftoppm")


def missing_tools() -> str | None:
    """Why office checks cannot run here (None when they can)."""
    if soffice() is None:
        return "LibreOffice (soffice) not found: install Debian's libreoffice-impress"
    if pdftoppm() is None:
        return "pdftoppm not found: install Debian's poppler-utils"
    return None


def to_pdf(files: Sequence[Path], outdir: Path, timeout: float = 300) -> list[Path]:
    """Convert PPTX/SVG files to PDF with one headless LibreOffice run (own profile, so runs may overlap)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError(missing_tools())
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vizspec-lo-") as profile:
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(outdir), *[str(f) for f in files]]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    pdfs = [outdir / (Path(f).stem + ".pdf") for f in files]
    missing = [p for p in pdfs if not p.is_file()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice could not convert {[str(m) for m in missing]}: "
                           f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}")
    return pdfs


def pdf_to_pngs(pdf: Path, dpi: float = 48, outdir: Path | None = None) -> list[Path]:
    """Every page of a PDF as a PNG at `dpi` (96 dpi = 1 px per CSS px), in page order."""
    exe = pdftoppm()
    if exe is None:
        raise RuntimeError(missing_tools())
    outdir = outdir or pdf.parent
    prefix = outdir / pdf.stem
    subprocess.run([exe, "-png", "-r", f"{dpi:g}", str(pdf), str(prefix)], check=True, capture_output=True)
    pages = sorted((p for p in outdir.glob(f"{pdf.stem}-*.png") if p.stem.rsplit("-", 1)[1].isdigit()),
                   key=lambda p: int(p.stem.rsplit("-", 1)[1]))  # (not other files that share the prefix)
    return pages


def rasterise(files: Sequence[Path], outdir: Path, dpi: float = 48) -> dict[Path, list[Image.Image]]:
    """Each file's pages as images, as LibreOffice draws them."""
    pdfs = to_pdf(files, outdir)
    return {f: [Image.open(p).convert("RGB") for p in pdf_to_pngs(pdf, dpi)] for f, pdf in zip(files, pdfs,
                                                                                               strict=True)}


def first_pages(documents: dict[str, bytes], outdir: Path, dpi: float = 48) -> dict[str, Image.Image]:
    """Write each document (file name → bytes) to `outdir` and return the first page LibreOffice draws of it."""
    outdir.mkdir(parents=True, exist_ok=True)
    files = [outdir / name for name in documents]
    for f, data in zip(files, documents.values(), strict=True):
        f.write_bytes(data)
    return {f.name: pages[0] for f, pages in rasterise(files, outdir, dpi).items()}


def distance(a: Image.Image, b: Image.Image, width: int = COMPARE_WIDTH) -> float:
    """Mean absolute RGB difference (0–255) after shrinking both images to `width` px (box filter).

    Both are resized to the same size (from a's aspect ratio), so a 1 px difference in page size
    between two renderers does not shift rows.
    """
    size = (width, max(1, round(a.height * width / a.width)))
    x = np.asarray(a.convert("RGB").resize(size, Image.Resampling.BOX), dtype=float)
    y = np.asarray(b.convert("RGB").resize(size, Image.Resampling.BOX), dtype=float)
    return float(np.abs(x - y).mean())
