"""Compare the HTML report's print-width estimate of each table with Chromium's width.

Usage::

    python tools/measure_table_widths.py PLOTS [--config trial.toml] [--lang zh]
        [--crop wheat] [--control CK]

Builds the report of ``PLOTS`` (as ``yieldtrial report`` does, without figures), renders it
to HTML, sets each ``table.data`` to ``width: min-content`` in headless Chromium and reads its
width back (``getBoundingClientRect``).  Prints one line per table: its key, its number of
columns, ``render_html.print_width_px`` (the estimate that chooses portrait, a smaller print
font or a landscape page), Chromium's width [px at 96 dpi] and the difference in percent.
tests/test_report_pages_stop39.py holds such readings (``MEASURED_PX``).  Needs ``chromium``
and the fonts of the stylesheet (``fonts-noto-cjk``); see tools/render_report.py.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SCRIPT = """<script>
window.addEventListener('load', () => {
  const out = {};
  for (const figure of document.querySelectorAll('figure.table')) {
    const table = figure.querySelector('table.data');
    table.style.width = 'min-content';
    out[figure.id] = table.getBoundingClientRect().width;
  }
  const pre = document.createElement('pre');
  pre.id = 'yt-widths';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script></body>"""


def chromium_widths(page: Path) -> dict[str, float]:
    """Return Chromium's min-content width of each table of ``page`` [px], by figure id."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("measure_table_widths: chromium is not installed")
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(  # noqa: S603 - fixed program and flags
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout
    found = re.search(r'<pre id="yt-widths">(.*?)</pre>', dom, flags=re.S)
    if found is None:
        raise SystemExit("measure_table_widths: Chromium returned no widths")
    widths: dict[str, float] = json.loads(html.unescape(found.group(1)))
    return widths


def main(argv: list[str] | None = None) -> int:
    """Command line: one line per table of the report."""
    from yieldtrial.report.files import report_from_files
    from yieldtrial.report.model import Table
    from yieldtrial.report.render_html import print_width_px, render_html

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("plots", type=Path)
    parser.add_argument("--config", type=Path)
    parser.add_argument("--lang", default="en", choices=("en", "zh"))
    parser.add_argument("--crop")
    parser.add_argument("--control")
    args = parser.parse_args(argv)
    report, _ = report_from_files(
        args.plots, args.config, crop=args.crop, control=args.control, lang=args.lang,
        figures=False,
    )  # fmt: skip
    shown = report.shown()
    with tempfile.TemporaryDirectory() as work:
        page = Path(work) / "report.html"
        page.write_text(render_html(report).replace("</body>", SCRIPT, 1), encoding="utf-8")
        measured = chromium_widths(page)
    for section in shown.sections:
        for block in section.blocks:
            if not isinstance(block, Table) or f"table-{block.key}" not in measured:
                continue
            estimate = print_width_px(block, shown.number_style)
            width = measured[f"table-{block.key}"]
            print(
                f"{block.key:28s} {len(block.columns):3d} columns  estimate {estimate:7.1f}"
                f"  Chromium {width:7.1f}  {100 * (estimate / width - 1):+6.1f} %"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
