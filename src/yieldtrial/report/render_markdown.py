"""Markdown renderer (GitHub-flavoured tables; figures as SVG files next to the ``.md``).

:func:`render_markdown` returns the text (figures listed by caption, or linked when
their file names are given); :func:`write_markdown` writes the ``.md`` and its
figures (``report_files/fig1.svg`` ...) atomically, and refuses to replace a file
in that folder that yieldtrial did not write.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from yieldtrial.errors import DataValidationError
from yieldtrial.io.output import markdown_text
from yieldtrial.report.model import (
    Bullets,
    Figure,
    KeyValues,
    Paragraph,
    Table,
    caption_sentence,
)

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.report.model import Report

__all__ = ["FIGURE_MARK", "figure_folder", "figure_paths", "render_markdown", "write_markdown"]

#: First line of every figure file yieldtrial writes (so it knows it may replace it).
FIGURE_MARK = "<!-- yieldtrial report figure -->"


def _cell(text: str) -> str:
    return markdown_text(text, cell=True)


def _text(text: object, *, line_start: bool = False) -> str:
    return markdown_text(text, line_start=line_start)


def render_markdown(report: Report, *, figure_files: list[str] | None = None) -> str:
    """Render ``report`` as Markdown.

    Parameters
    ----------
    report : Report
        The report model.
    figure_files : list of str, optional
        Relative paths of the figure files, in figure order; each figure is then
        an image link.  Without them the figures' captions are listed.

    Returns
    -------
    str
        Markdown text.
    """
    from yieldtrial.report.i18n import t

    report = report.shown()  # no column empty in every row
    zh = report.lang == "zh"

    out: list[str] = [f"# {_text(report.title, line_start=True)}", ""]
    figure_no = 0
    numbers = report.numbers()
    for section in report.sections:
        out += [f"## {_text(section.title, line_start=True)}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                prefix = "> **!** " if block.style == "warning" else ""
                body = markdown_text(block.text, line_start=not prefix and block.style != "claim")
                text = f"**{body}**" if block.style == "claim" else body
                out += [prefix + text, ""]
            elif isinstance(block, Bullets) and block.style == "warning":
                # the list of a warning stays inside its quote ("> **!** Warnings:" above)
                if len(out) >= 2 and out[-1] == "" and out[-2].startswith("> "):
                    out[-1] = ">"
                out += [f"> - {_text(item, line_start=True)}" for item in block.items] + [""]
            elif isinstance(block, Bullets):
                out += [f"- {_text(item, line_start=True)}" for item in block.items] + [""]
            elif isinstance(block, KeyValues):
                colon = "：" if report.lang == "zh" else ":"
                out += [
                    f"- **{_text(key)}{colon}** {_text(value)}" for key, value in block.items
                ] + [""]
            elif isinstance(block, Table):
                if block.caption:  # no italics for Chinese
                    label = t("label.table", report.lang, n=numbers[id(block)])
                    text = _text(caption_sentence(block.caption, report.lang))
                    caption = f"{label}{'　' if zh else ' '}{text}"
                    out += [caption if zh else f"*{caption}*", ""]
                colon = "：" if zh else ": "
                header = [
                    _cell(f"{c.group}{colon}{c.label}" if c.group else c.label)
                    for c in block.columns
                ]
                align = ["---" if c.kind == "text" else "---:" for c in block.columns]
                out.append("| " + " | ".join(header) + " |")
                out.append("| " + " | ".join(align) + " |")
                for row in block.formatted(report.number_style):
                    out.append("| " + " | ".join(_cell(v) for v in row) + " |")
                out.append("")
                for label, value in block.footer:
                    out.append(f"- {_text(label, line_start=True)}{colon}{_text(value)}")
                if block.footer:
                    out.append("")
                for note in block.notes:
                    out += [_text(note, line_start=True) if zh else f"_{_text(note)}_", ""]
            elif isinstance(block, Figure):
                figure_no += 1
                label = t("label.figure", report.lang, n=figure_no)
                text = _text(caption_sentence(block.caption, report.lang))
                caption = f"{label}{'　' if zh else ' '}{text}"
                if figure_files and figure_no <= len(figure_files):
                    alt = _cell(caption).replace("[", "(").replace("]", ")")
                    out += [f"![{alt}]({figure_files[figure_no - 1]})", ""]
                out += [caption if zh else f"*{caption}*", ""]
    meta = report.metadata
    out += [
        "---",
        "",
        t(
            "footer.generated",
            report.lang,
            version=meta.get("yieldtrial_version", ""),
            date=meta.get("report_date", ""),
        ),
        "",
    ]
    return "\n".join(out)


def figure_folder(path: str | os.PathLike[str]) -> Path:
    """Folder of a Markdown report's figures: ``report.md`` -> ``report_files``."""
    target = Path(path)
    return target.parent / f"{target.stem}_files"


def figure_paths(report: Report, path: str | os.PathLike[str]) -> list[Path]:
    """Files of a Markdown report's figures: ``report_files/fig1.svg``, ... (one per figure).

    Raises
    ------
    FileAccessError
        The report has figures and their folder's name is longer than the file system
        allows (a report name of 250 bytes or more): the folder is named, not a figure
        file the user never typed (loose56).
    """
    folder = figure_folder(path)
    count = sum(isinstance(b, Figure) for s in report.sections for b in s.blocks)
    if count:
        _check_folder_name(folder, Path(path))
    return [folder / f"fig{i}.svg" for i in range(1, count + 1)]


def _check_folder_name(folder: Path, path: Path) -> None:
    """Refuse a figure folder whose name is longer than its file system allows."""
    size = len(os.fsencode(folder.name))
    limit = _name_max(folder.parent)
    if limit <= 0 or size <= limit:
        return
    from yieldtrial.errors import FileAccessError

    most = limit - (size - len(os.fsencode(path.stem)))
    raise FileAccessError(
        f"cannot write the figures of the report {str(path)!r} into the folder "
        f"{str(folder)!r} because that folder's name is {size:,} bytes long, more than the "
        f"{limit:,} the file system allows; give the report a name of at most {most:,} bytes "
        "before its .md, or leave the figures out (--no-figures, figures=False in Python)"
    )


def _name_max(folder: Path) -> int:
    """Longest file name [bytes] of the file system of ``folder`` (its nearest existing part).

    255 where the system cannot say (no ``os.pathconf``); 0 or less: no limit.
    """
    pathconf = getattr(os, "pathconf", None)
    if pathconf is None:  # pragma: no cover - Windows
        return 255
    for place in (folder, *folder.parents):
        try:
            return int(pathconf(place, "PC_NAME_MAX"))
        except (OSError, ValueError):
            continue
    return 255  # pragma: no cover - no part of the path exists, not even its root


def write_markdown(report: Report, path: Path, *, checked: bool = False) -> Path:
    """Write the Markdown report and its figures (SVG) next to it, atomically.

    Every figure is drawn before the first file is written, and the files are written
    as one :func:`~yieldtrial.io.output.output_group`: when one cannot be written, the
    files this call created are removed again.

    Parameters
    ----------
    report : Report
        The report model.
    path : Path
        The ``.md`` file; figures go to ``<stem>_files/fig<n>.svg``.
    checked : bool, default False
        The caller has checked every target (:func:`figure_paths`) with
        :func:`~yieldtrial.io.output.check_output`, and each file (figures, then the
        Markdown) is recorded as yieldtrial's own output as it is renamed into place
        (``atomic_write_bytes(..., record=True)``); otherwise an existing figure
        file without yieldtrial's figure mark is refused.

    Returns
    -------
    Path
        The Markdown file.

    Raises
    ------
    DataValidationError
        If a figure file exists that yieldtrial did not write (it is left alone).
    """
    from yieldtrial.io.output import (
        atomic_write_bytes,
        output_group,
    )

    figures = [b for s in report.sections for b in s.blocks if isinstance(b, Figure)]
    targets = figure_paths(report, path)
    if not checked:
        for target in targets:
            _check_own_figure(target)
    svgs = [
        f'<?xml version="1.0" encoding="utf-8"?>\n{FIGURE_MARK}\n{figure.svg()}'.encode()
        for figure in figures
    ]
    links = [f"{target.parent.name}/{target.name}" for target in targets]
    text = render_markdown(report, figure_files=links)
    with output_group():
        for target, svg in zip(targets, svgs, strict=True):
            # recorded before its rename too: a run killed at any moment leaves own outputs
            atomic_write_bytes(target, svg, record=checked)
        return atomic_write_bytes(path, text.encode("utf-8"), record=checked)


def _check_own_figure(path: Path) -> None:
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(200)
    except OSError:
        head = b""
    if FIGURE_MARK.encode("utf-8") not in head:
        raise DataValidationError(
            f"{path} exists and was not written by yieldtrial; refusing to replace it with a "
            "report figure. Move it, or write the report under another name."
        )
