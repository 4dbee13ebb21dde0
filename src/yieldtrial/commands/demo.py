"""``yieldtrial demo``: build the reports of the example trials shipped with yieldtrial.

yieldtrial demo -o yieldtrial-demo
"""

from __future__ import annotations

import argparse
import functools
import html
import sys
from pathlib import Path
from typing import Any

from yieldtrial.commands._figures import use_file_backend as _use_file_backend

#: Examples the demo reports on, in index order.
DEMO_EXAMPLES: tuple[str, ...] = ("jinzhong-2024", "replicated-rcbd")

EXAMPLES = """\
examples:
  yieldtrial demo                       # writes ./yieldtrial-demo/index.html and the reports
  yieldtrial demo -o out --lang zh      # Chinese reports (kg/mu), out/index.zh.html
"""


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser(
        "demo",
        help="build the reports of the shipped example trials (no input needed)",
        description="Write HTML, Markdown, JSON (and DOCX when python-docx is installed) "
        "reports of the example trials shipped with yieldtrial, and an index linking them "
        "(index.html; index.zh.html for --lang zh, so both languages share a folder).",
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
    parser.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the reports (zh in kg/mu) and their index (index.zh.html), the "
        "lines printed ('wrote ...') and the messages (default en)",
    )
    parser.set_defaults(handler=_run)


def build_demo(
    out: str | Path, *, lang: str = "en", report_date: str | None = None, force: bool = False
) -> list[Path]:
    """Write the demo reports and their index into ``out``.

    Parameters
    ----------
    out : path
        Output folder (created when missing).  It must be new, empty, or hold only an
        earlier demo (yieldtrial's own unchanged outputs).
    lang : {"en", "zh"}
        Report language.
    report_date : str, optional
        Date printed in the reports (default today).
    force : bool, default False
        Write into a folder that holds other files too (files of the same names are
        replaced, the others left alone).

    Returns
    -------
    list of Path
        The files written, the index of ``lang`` (:func:`index_name`) last; the other
        language's index, when an earlier demo wrote it and nobody changed it since, is
        rewritten too (it then lists the new reports).
    """
    from yieldtrial.datasets import example_path
    from yieldtrial.io.output import check_folder, is_own_output, output_group, write_output
    from yieldtrial.report.files import report_from_files, write_report_file

    folder = check_folder(out, force=force)
    formats = [("html", ".html"), ("markdown", ".md"), ("json", ".json")]
    try:
        import docx  # noqa: F401

        formats.append(("docx", ".docx"))
    except ImportError:
        pass
    written: list[Path] = []
    with output_group():  # a failure removes the files this demo created
        for name in DEMO_EXAMPLES:
            plots = example_path(name)
            config = example_path(name, "trial.toml")
            report, _ = report_from_files(plots, config, lang=lang, report_date=report_date)
            _draw_each_svg_once(report)
            for fmt, suffix in formats:
                target = folder / f"{name}{_lang_suffix(lang)}{suffix}"
                written.append(write_report_file(report, target, fmt=fmt, force=force))
        index = folder / index_name(lang)
        written.append(write_output(index, index_page(folder, lang), force=force))
        for other in ("en", "zh"):  # the other language's index lists the new reports too
            path = folder / index_name(other)
            if other != lang and path.is_file() and is_own_output(path):
                written.insert(-1, write_output(path, index_page(folder, other)))
    return written


def index_name(lang: str) -> str:
    """Return the index page's name: ``index.html`` (English), ``index.zh.html`` (Chinese).

    A demo in each language written into one folder keeps both indexes, each linking
    every report on disk and the other index.
    """
    return f"index{_lang_suffix(lang)}.html"


#: Report files of one example and language, in the order the index links them.
_FORMATS: tuple[tuple[str, str], ...] = (
    ("HTML", ".html"),
    ("DOCX", ".docx"),
    ("Markdown", ".md"),
    ("JSON", ".json"),
)


def _lang_suffix(lang: str) -> str:
    return "" if lang == "en" else f".{lang}"


def _code(text: str) -> str:
    """Escape ``text`` for HTML, writing `backticked` spans as <code> (no literal backticks)."""
    import re

    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def index_page(folder: Path, lang: str) -> str:
    """Build the demo index: every demo report found in ``folder``, in each language.

    A demo written into the folder of a demo in the other language keeps both:
    the index lists the reports present on disk, not only those just written.

    Parameters
    ----------
    folder : Path
        The demo folder.
    lang : {"en", "zh"}
        Language of the index page's own text.

    Returns
    -------
    str
        The HTML page.
    """
    import json

    from yieldtrial.report.i18n import LANGUAGES, t

    items = []
    languages = set()  # the heading says "in English and Chinese" only when both are there
    for name in DEMO_EXAMPLES:
        for report_lang in LANGUAGES:
            stem = f"{name}{_lang_suffix(report_lang)}"
            links = [
                (label, f"{stem}{suffix}")
                for label, suffix in _FORMATS
                if (folder / f"{stem}{suffix}").is_file()
            ]
            if not links:
                continue
            languages.add(report_lang)
            title = name
            json_file = folder / f"{stem}.json"
            if json_file.is_file():
                # a JSON report someone edited may hold anything (a list, a number, no
                # title) or be unreadable: the index then names the example
                try:
                    document = json.loads(json_file.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    document = None
                if isinstance(document, dict) and isinstance(document.get("title"), str):
                    title = document["title"]
            language = html.escape(t(f"index.lang_{report_lang}", lang))
            # the page's own punctuation: "（jinzhong-2024，中文）：" on the Chinese index
            about = (
                f"（{html.escape(name)}，{language}）："
                if lang == "zh"
                else f" ({html.escape(name)}, {language}): "
            )
            items.append(
                f'<li lang="{"zh-CN" if report_lang == "zh" else "en"}">'
                f"<b>{html.escape(title)}</b>{about}"
                + " · ".join(
                    f'<a href="{html.escape(href)}">{html.escape(label)}</a>'
                    for label, href in links
                )
                + "</li>"
            )
    body = "\n".join(items)
    heading = t("index.both" if len(languages) > 1 else "index.one_lang", lang)
    others = [  # the other language's index, when a demo in that language wrote one here
        f'<p><a href="{html.escape(index_name(other))}">'
        f"{html.escape(t(f'index.to_{other}', lang))}</a></p>\n"
        for other in LANGUAGES
        if other != lang and (folder / index_name(other)).is_file()
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{html.escape(t("index.title", lang))}</title>\n'
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.6}"
        "</style>\n</head>\n<body>\n"
        f"<h1>{html.escape(t('index.title', lang))}</h1>\n"
        f"<p>{_code(t('index.intro', lang))}</p>\n"
        + "".join(others)
        + f"<h2>{html.escape(heading)}</h2>\n<ul>\n{body}\n</ul>\n</body>\n</html>\n"
    )


def _draw_each_svg_once(report: Any) -> None:
    """Let the HTML and the Markdown file of a demo report share each figure's SVG.

    Both hold the same picture (inline in the HTML, a file beside the Markdown); drawing
    it twice cost the demo about 0.4 s of its 3.2 s of CPU.  Only here, where the files
    are written one after the other in one process: a report a user renders again after
    changing matplotlib's settings is drawn again.
    """
    from yieldtrial.report.model import Figure

    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Figure):
                block.svg = functools.cache(block.svg)  # type: ignore[method-assign]


def _run(args: argparse.Namespace) -> int:
    from yieldtrial.io.output import shown_path

    _use_file_backend()
    written = build_demo(args.output, lang=args.lang, force=getattr(args, "force", False))
    from yieldtrial.commands._zh_messages import wrote_line

    for path in written:
        print(wrote_line(shown_path(path)), file=sys.stderr)
    return 0
