"""``yieldtrial demo``: build the reports of the example trials shipped with yieldtrial.

yieldtrial demo -o yieldtrial-demo
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path
from typing import Any

#: Examples the demo reports on, in index order.
DEMO_EXAMPLES: tuple[str, ...] = ("jinzhong-2024", "replicated-rcbd")

EXAMPLES = """\
examples:
  yieldtrial demo                       # writes ./yieldtrial-demo/index.html and the reports
  yieldtrial demo -o out --lang zh      # Chinese reports (kg/mu)
"""


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser(
        "demo",
        help="build the reports of the shipped example trials (no input needed)",
        description="Write HTML, Markdown, JSON (and DOCX when python-docx is installed) "
        "reports of the example trials shipped with yieldtrial, and an index.html linking them.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-o",
        "--output",
        default="yieldtrial-demo",
        metavar="DIR",
        help="output folder (default: ./yieldtrial-demo)",
    )
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="report language")
    parser.set_defaults(handler=_run)


def build_demo(out: str | Path, *, lang: str = "en", report_date: str | None = None) -> list[Path]:
    """Write the demo reports and their index into ``out``.

    Parameters
    ----------
    out : path
        Output folder (created when missing).
    lang : {"en", "zh"}
        Report language.
    report_date : str, optional
        Date printed in the reports (default today).

    Returns
    -------
    list of Path
        The files written, ``index.html`` last.
    """
    from yieldtrial.datasets import example_path
    from yieldtrial.io.output import atomic_write_text
    from yieldtrial.report.files import report_from_files
    from yieldtrial.report.i18n import t

    folder = Path(out)
    formats = [("html", ".html"), ("markdown", ".md"), ("json", ".json")]
    try:
        import docx  # noqa: F401

        formats.append(("docx", ".docx"))
    except ImportError:
        pass
    written: list[Path] = []
    entries: list[tuple[str, str, list[tuple[str, str]]]] = []
    for name in DEMO_EXAMPLES:
        plots = example_path(name)
        config = example_path(name, "trial.toml")
        report, _ = report_from_files(plots, config, lang=lang, report_date=report_date)
        links = []
        for fmt, suffix in formats:
            target = folder / f"{name}{'' if lang == 'en' else '.' + lang}{suffix}"
            written.append(report.write(target, format=fmt))
            links.append((fmt.upper() if fmt != "markdown" else "Markdown", target.name))
        entries.append((name, report.title, links))
    items = "\n".join(
        f"<li><b>{html.escape(title)}</b> ({html.escape(name)}): "
        + " · ".join(
            f'<a href="{html.escape(href)}">{html.escape(label)}</a>' for label, href in links
        )
        + "</li>"
        for name, title, links in entries
    )
    page = (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{html.escape(t("index.title", lang))}</title>\n'
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.6}"
        "</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(t('index.title', lang))}</h1>\n"
        f"<p>{html.escape(t('index.intro', lang))}</p>\n<ul>\n{items}\n</ul>\n</body>\n</html>\n"
    )
    written.append(atomic_write_text(folder / "index.html", page))
    return written


def _run(args: argparse.Namespace) -> int:
    _use_file_backend()
    written = build_demo(args.output, lang=args.lang)
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _use_file_backend() -> None:
    """Draw figures off-screen: the command only writes files (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
