"""Helpers shared by the hostile-input and output-fault tests (``test_*_hostile*.py``).

Every hostile case is checked the same way: the exit status, exactly one line on
stderr (``yieldtrial: error: ...``), no traceback, the input files unchanged and no
output file under its final name.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from yieldtrial.cli import main

#: A small valid plot table (two treatments, two blocks).
HEADER = "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
ROWS = (
    "101,1,CK,20,14.98,12.7\n",
    "102,1,T,20,13.77,13.7\n",
    "201,2,CK,20,14.97,13.4\n",
    "202,2,T,20,13.89,13.8\n",
)


#: The same table as workbook cells: its header and its typed values.
COLUMNS = HEADER.strip().split(",")
VALUES = [
    [101, 1, "CK", 20, 14.98, 12.7],
    [102, 1, "T", 20, 13.77, 13.7],
    [201, 2, "CK", 20, 14.97, 13.4],
    [202, 2, "T", 20, 13.89, 13.8],
]


def plot_table(folder: Path, name: str = "plots.csv", *, rows: Sequence[str] = ROWS) -> Path:
    """Write the small plot table (UTF-8) and return its path."""
    path = folder / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


#: A three-block RCBD of the same columns, and the trial.toml head that analyses it.
RCBD_ROWS = (
    "101,1,CK,20,14.98,22.7\n",
    "102,1,T,20,13.77,23.7\n",
    "201,2,CK,20,14.97,23.4\n",
    "202,2,T,20,13.89,23.8\n",
    "301,3,CK,20,14.50,23.0\n",
    "302,3,T,20,13.60,23.2\n",
)
RCBD_TOML_HEAD = '[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\n'


def config_report_argv(
    folder: Path, toml: str, *extra: str, suffix: str = "md"
) -> tuple[list[str], list[Path]]:
    """Write the RCBD table and ``toml`` into ``folder``; ``report --config`` argv and inputs."""
    plots = plot_table(folder, rows=RCBD_ROWS)
    config = folder / "trial.toml"
    config.write_text(toml, encoding="utf-8")
    out = folder / f"r.{suffix}"
    argv = ["report", str(plots), "--config", str(config), "--no-figures", "-o", str(out), *extra]
    return argv, [plots, config]


def standardize_argv(
    path: Path, folder: Path, *, crop: str = "wheat", out: str = "out.csv"
) -> list[str]:
    """``yieldtrial standardize`` of ``path`` for ``crop``, written to ``folder / out``."""
    return ["standardize", str(path), "--crop", crop, "-o", str(folder / out)]


def plot_workbook(
    path: Path,
    *,
    percent: Sequence[int] = (),
    moisture_scale: float = 1.0,
    change: object = None,
    title: str | None = None,
) -> Path:
    """Write the small plot table to an .xlsx workbook (openpyxl) and return its path.

    ``title``: a line above the header; ``change``: the fresh mass of plot 102 (cell E3
    without a title); ``percent``: rows (0-3) whose moisture cell gets Excel's ``0.0%``
    format, the value stored as Excel stores it (12.7 % as 0.127, times ``moisture_scale``).
    """
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if title is not None:
        sheet.append([title])
    sheet.append(COLUMNS)
    for number, row in enumerate(VALUES):
        cells = list(row)
        if change is not None and number == 1:
            cells[4] = change  # fresh_mass_kg of plot 102
        if number in percent:
            cells[5] = cells[5] / 100 * moisture_scale  # Excel stores 12.7 % as 0.127
        sheet.append(cells)
        if number in percent:
            sheet.cell(sheet.max_row, 6).number_format = "0.0%"
    book.save(path)
    return path


def padded_workbook(source: Path, target: Path, blank_mib: int) -> Path:
    """Copy a workbook with ``blank_mib`` MiB of blanks before its sheet's end (packs ~1000x)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                new.writestr(item.filename, data)
                continue
            head, tail = data.split(b"</worksheet>")
            with new.open(item.filename, "w", force_zip64=True) as stream:
                stream.write(head)
                for _ in range(blank_mib):
                    stream.write(b" " * (1 << 20))
                stream.write(b"</worksheet>" + tail)
    return target


def shared_strings_copy(source: Path, target: Path, index: int | None) -> Path:
    """Copy a workbook, its text cells moved to shared strings; cell C3 points at ``index``.

    ``index=None`` keeps C3's own text (a valid workbook).
    """
    texts: list[str] = []

    def shared(match: re.Match[bytes]) -> bytes:
        text = match.group(2).decode()
        if text not in texts:
            texts.append(text)
        if match.group(1) == b"C3" and index is not None:
            return b'<c r="C3" t="s"><v>' + str(index).encode() + b"</v></c>"
        number = str(texts.index(text))
        return b'<c r="' + match.group(1) + b'" t="s"><v>' + number.encode() + b"</v></c>"

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>', shared, data
                )
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings" '
                    b'Target="sharedStrings.xml"/></Relationships>',
                )
            new.writestr(item, data)
        items = "".join(f"<si><t>{text}</t></si>" for text in texts)
        new.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>',
        )
    return target


def digests(paths: Iterable[Path]) -> dict[Path, str]:
    """SHA-256 of each existing file (to prove inputs stay unchanged)."""
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def run_cli(
    argv: Sequence[str],
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, list[str]]:
    """Run the CLI in-process; return the exit status and the stderr lines."""
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.strip()]


def run_cli_text(argv: Sequence[str]) -> tuple[int, str]:
    """Run the CLI in-process without ``capsys``; return the exit status and the stderr text.

    For tests that cannot take the fixture (hypothesis) or that run the CLI in a loop;
    the standard output is dropped.
    """
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, err.getvalue()


def assert_one_line_error(
    argv: Sequence[str],
    capsys: pytest.CaptureFixture[str],
    *,
    code: int = 1,
    match: str = "",
    untouched: Iterable[Path] = (),
    absent: Iterable[Path] = (),
) -> str:
    """Run ``argv``; assert the exit status, one error line, unchanged and absent files."""
    kept = list(untouched)
    before = digests(kept)
    status, lines = run_cli(argv, capsys)
    assert status == code, lines
    assert len(lines) == 1, lines
    prefix = "yieldtrial: error:" if code == 1 else "yieldtrial"
    assert lines[0].startswith(prefix), lines
    assert "Traceback" not in lines[0]
    if match:
        import re

        assert re.search(match, lines[0]), lines[0]
    assert digests(kept) == before
    for path in absent:
        assert not path.exists(), path
    return lines[0]
