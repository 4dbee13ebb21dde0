"""Print reports as a reader sees them: HTML through Chromium, DOCX through LibreOffice, then PNG.

Usage::

    python tools/render_report.py OUTDIR REPORT.html [REPORT.docx ...] [--dpi 60]

For each input, writes ``OUTDIR/<name>.<kind>.pdf`` (``kind`` is ``html`` or ``docx``) and
``OUTDIR/<name>.<kind>-<page>.png`` (one PNG per page, ``pdftoppm -png -r DPI``), and prints
the page count of each PDF.  Needs the system programs ``chromium`` (HTML), ``soffice``
(``libreoffice-writer-nogui``, DOCX), ``pdftoppm`` (``poppler-utils``) and the CJK fonts
(``fonts-noto-cjk``) for Chinese reports::

    apt-get install -y chromium libreoffice-writer-nogui fonts-noto-cjk fonts-liberation \
        poppler-utils

``fonts-liberation`` (Times New Roman's metrics, a recommended package that
``--no-install-recommends`` leaves out): without it LibreOffice sets the Word report's
Latin text in DejaVu Serif (digits 0.64 em against 0.50, "C" 0.77 against 0.67), and
numbers wrap in their columns ("7023." / "7"), which the Word report on a reader's machine
does not do.

The network is not used (Chromium's background networking is switched off).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


def _program(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit(f"render_report: none of {', '.join(names)} is installed (see --help)")


def html_to_pdf(source: Path, pdf: Path) -> Path:
    """Print ``source`` to ``pdf`` with headless Chromium."""
    chromium = _program("chromium", "chromium-browser", "google-chrome")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(  # noqa: S603 - fixed program and flags, paths from the caller
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf}",
                source.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return pdf


def docx_to_pdf(source: Path, pdf: Path) -> Path:
    """Convert ``source`` to ``pdf`` with LibreOffice (headless)."""
    soffice = _program("soffice", "libreoffice")
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(  # noqa: S603
            [
                soffice,
                f"-env:UserInstallation=file://{work}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                work,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        shutil.move(str(Path(work) / (source.stem + ".pdf")), pdf)
    return pdf


def pdf_to_png(pdf: Path, prefix: Path, dpi: int) -> list[Path]:
    """Write one PNG per page of ``pdf`` (``<prefix>-<n>.png``) and return them."""
    pdftoppm = _program("pdftoppm")
    for old in prefix.parent.glob(prefix.name + "-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603
        [pdftoppm, "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True, timeout=300
    )
    return sorted(prefix.parent.glob(prefix.name + "-*.png"))


def render(source: Path, outdir: Path, dpi: int = 60) -> list[Path]:
    """Render one report file (.html or .docx) to PDF and PNG pages in ``outdir``."""
    kind = source.suffix.lower().lstrip(".")
    if kind in ("html", "htm"):
        kind = "html"
        pdf = html_to_pdf(source, outdir / f"{source.stem}.html.pdf")
    elif kind == "docx":
        pdf = docx_to_pdf(source, outdir / f"{source.stem}.docx.pdf")
    else:
        raise SystemExit(f"render_report: {source.name}: expected .html or .docx")
    return pdf_to_png(pdf, outdir / f"{source.stem}.{kind}", dpi)


def main(argv: list[str] | None = None) -> int:
    """Command line: render every given report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="folder for the PDFs and PNG pages")
    parser.add_argument("reports", nargs="+", type=Path, help=".html or .docx reports")
    parser.add_argument("--dpi", type=int, default=60, help="PNG resolution (default 60)")
    args = parser.parse_args(argv)
    for source in args.reports:  # one line and exit 1, not LibreOffice's traceback
        if not source.is_file():
            raise SystemExit(f"render_report: {source}: no such file")
    args.outdir.mkdir(parents=True, exist_ok=True)
    for source in args.reports:
        pages = render(source, args.outdir, args.dpi)
        print(f"{source}: {len(pages)} pages -> {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
