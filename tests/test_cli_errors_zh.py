"""``--lang zh``: the common error and warning lines in Chinese (commands/_zh_messages).

Each catalogue entry is triggered for real through ``yieldtrial.cli.main``: in English
(default ``--lang``) its regular expression must match the line the code prints (so the
catalogue cannot rot when a message is reworded), and under ``--lang zh`` the line is
Chinese, one line, with the user's values verbatim and the same exit status.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from hostile import HEADER, ROWS, digests, plot_table, run_cli
from yieldtrial.commands._zh_messages import TEMPLATES, translate

#: Words that may stay in a Chinese line: the program, flags, file and format names.
_KEPT_WORDS = re.compile(
    r"yieldtrial|--crop wheat|--[a-z-]+|-o/--output|trial\.toml|\[trial\]|crop =|utf-8|gb18030|"
    r"big5|inf|[\w.-]+\.(?:csv|html|toml)|\b[A-Za-z]\w*_\w+\b|\[analysis\]|factors =|"
    r"\.[a-z]+\b"
)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _table(folder: Path, rows: list[str], header: str = HEADER) -> Path:
    path = folder / "plots.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def _report(folder: Path, plots: Path | str, *extra: str) -> list[str]:
    return ["report", str(plots), "--crop", "wheat", "--control", "CK", *extra]


def _html(folder: Path) -> list[str]:
    return ["-o", str(folder / "r.html")]


def _case_existing_output(tmp: Path) -> tuple[list[str], str]:
    (tmp / "r.html").write_text("my own notes", encoding="utf-8")
    return _report(tmp, plot_table(tmp), *_html(tmp)), "r.html"


def _case_output_is_input(tmp: Path) -> tuple[list[str], str]:
    plots = plot_table(tmp)
    return _report(tmp, plots, "--format", "html", "-o", str(plots)), "plots.csv"


def _case_read_not_regular(tmp: Path) -> tuple[list[str], str]:
    fifo = tmp / "管道.csv"
    os.mkfifo(fifo)
    return _report(tmp, fifo, *_html(tmp)), "管道.csv"


def _case_write_not_regular(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--format", "html", "-o", os.devnull), os.devnull


def _case_read_folder(tmp: Path) -> tuple[list[str], str]:
    (tmp / "数据 2024").mkdir()
    return _report(tmp, tmp / "数据 2024", *_html(tmp)), "数据 2024"


def _case_no_such_file(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, tmp / "小区 表.csv", *_html(tmp)), "小区 表.csv"


def _case_unknown_encoding(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--encoding", "latin-9x", *_html(tmp)), "'latin-9x'"


def _case_non_numeric(tmp: Path) -> tuple[list[str], str]:
    rows = list(ROWS)
    rows[1] = "102,1,T,20,十三点八,13.7\n"
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'十三点八'"


def _case_fractions(tmp: Path) -> tuple[list[str], str]:
    rows = ["101,1,CK,20,14.98,0.127\n", "102,1,T,20,13.77,0.137\n"]
    rows += ["201,2,CK,20,14.97,0.134\n", "202,2,T,20,13.89,0.138\n"]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "0.127"


def _case_duplicate_plots(tmp: Path) -> tuple[list[str], str]:
    rows = [*ROWS, "A-1x,2,T,20,13.89,13.8\n", "A-1x,2,CK,20,13.89,13.8\n"]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'A-1x'"


def _case_summary_row(tmp: Path) -> tuple[list[str], str]:
    rows = [*ROWS, "合计,,,,57.61,\n"]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'合计'"


def _case_percent_range(tmp: Path) -> tuple[list[str], str]:
    rows = list(ROWS)
    rows[1] = "102,1,T,20,13.77,137\n"
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'102' = 137"


def _case_negative_mass(tmp: Path) -> tuple[list[str], str]:
    rows = list(ROWS)
    rows[1] = "102,1,T,20,-13.77,13.7\n"
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'102' = -13.77"


def _case_control_not_found(tmp: Path) -> tuple[list[str], str]:
    argv = ["report", str(plot_table(tmp)), "--crop", "wheat", "--control", "ck 甲", *_html(tmp)]
    return argv, "'ck 甲'"


def _case_crop_missing(tmp: Path) -> tuple[list[str], str]:
    return ["report", str(plot_table(tmp)), "--control", "CK", *_html(tmp)], "--crop wheat"


def _case_missing_moisture(tmp: Path) -> tuple[list[str], str]:
    header = "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,水 分 %\n"
    return _report(tmp, _table(tmp, list(ROWS), header), *_html(tmp)), "'水 分 %'"


def _case_implausible_moisture(tmp: Path) -> tuple[list[str], str]:
    rows = list(ROWS)
    rows[1] = "1-02,1,T,20,13.77,38\n"
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'1-02' = 38%"


def _case_report_format(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "-o", str(tmp / "报告.pdf")), "报告.pdf'"


def _case_absent_factor(tmp: Path) -> tuple[list[str], str]:
    argv = _report(tmp, plot_table(tmp), "--design", "split_plot", "--factors", "氮肥,品种 B")
    return [*argv, *_html(tmp)], "'品种 B'"


#: Catalogue entry -> how to trigger it: (argv without --lang, a user value the line keeps).
CASES: dict[str, Callable[[Path], tuple[list[str], str]]] = {
    "existing-output": _case_existing_output,
    "output-is-input": _case_output_is_input,
    "read-not-regular": _case_read_not_regular,
    "write-not-regular": _case_write_not_regular,
    "read-folder": _case_read_folder,
    "no-such-file": _case_no_such_file,
    "unknown-encoding": _case_unknown_encoding,
    "non-numeric": _case_non_numeric,
    "fractions": _case_fractions,
    "duplicate-plots": _case_duplicate_plots,
    "summary-row": _case_summary_row,
    "percent-range": _case_percent_range,
    "negative-mass": _case_negative_mass,
    "control-not-found": _case_control_not_found,
    "crop-missing": _case_crop_missing,
    "missing-moisture": _case_missing_moisture,
    "implausible-moisture": _case_implausible_moisture,
    "report-format": _case_report_format,
    "absent-factor": _case_absent_factor,
}
#: Parts of a Chinese line that list column names unquoted (left out of the English check).
NAMES = {"absent-factor": r"表中的列：[^）]*"}
#: Entries that are warnings (exit 0, the report is written).
WARNINGS = ("implausible-moisture",)


def _message_lines(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Run; the stderr lines without the ``wrote ...`` lines of a successful run."""
    code, lines = run_cli(argv, capsys)
    return code, [line for line in lines if not line.startswith("wrote ")]


def test_every_catalogue_entry_has_a_case():
    """Each template is triggered by a test below, so none is left untested."""
    assert sorted(CASES) == sorted(t.name for t in TEMPLATES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_catalogue_regex_matches_the_real_english_message(name, tmp_path, capsys):
    """The English line the code really prints is matched in full by the entry's regex."""
    argv, _ = CASES[name](tmp_path)
    code, lines = _message_lines(argv, capsys)
    assert len(lines) == 1, lines
    prefix = "yieldtrial: warning: " if name in WARNINGS else "yieldtrial: error: "
    assert code == (0 if name in WARNINGS else 1), lines
    assert lines[0].startswith(prefix), lines
    template = next(t for t in TEMPLATES if t.name == name)
    assert template.regex.fullmatch(lines[0].removeprefix(prefix)), lines[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_line_is_chinese_under_lang_zh(name, tmp_path, capsys):
    """One Chinese line, the same exit status, the user's value verbatim, no English left."""
    argv, kept = CASES[name](tmp_path)
    inputs = [Path(a) for a in argv if Path(a).is_file()]
    before = digests(inputs)
    code, lines = _message_lines([*argv, "--lang", "zh"], capsys)
    assert len(lines) == 1, lines
    prefix = "yieldtrial: 警告：" if name in WARNINGS else "yieldtrial: 错误："
    assert code == (0 if name in WARNINGS else 1), lines
    assert lines[0].startswith(prefix), lines
    assert kept in lines[0], lines[0]
    assert digests(inputs) == before
    rest = re.sub(NAMES.get(name, "^$"), "", lines[0].removeprefix(prefix))
    rest = _KEPT_WORDS.sub("", _QUOTED.sub("", rest))
    assert not re.search(r"[A-Za-z]{2,}", rest), (rest, lines[0])


def test_uncatalogued_message_stays_english_under_lang_zh(tmp_path, capsys):
    """An error the catalogue does not hold is printed in English, whole."""
    argv = ["report", str(plot_table(tmp_path)), "--crop", "whet", "--lang", "zh"]
    code, lines = _message_lines([*argv, *_html(tmp_path)], capsys)
    assert code == 1
    assert lines == [lines[0]]
    assert lines[0].startswith("yieldtrial: error: unknown crop 'whet'"), lines


def test_listing_with_an_unknown_english_word_stays_english():
    """A listing holding a word the catalogue cannot translate leaves the whole line English."""
    message = (
        "plots.csv: fresh_mass_kg (mass) must be in [0, inf); 1 value out of range: "
        "sample '102' = -3. Masses and yields cannot be negative"
    )
    assert translate(message) is None


def test_user_value_with_english_words_is_kept_verbatim():
    """A quoted value is never translated, even when it reads like a listing word."""
    message = (
        "control 'plot 7 and 2 more' is not a treatment of this trial; treatments present: "
        "'CK', 'T'. Labels are case-sensitive: pass --control one of them"
    )
    assert "'plot 7 and 2 more'" in (translate(message) or "")


def test_design_takes_lang_zh_for_its_errors(tmp_path, capsys):
    """``design --lang zh`` names its command in the Chinese prefix."""
    out = tmp_path / "book.csv"
    out.write_text("my notes\n", encoding="utf-8")
    argv = ["design", "rcbd", "--treatments", "CK,T", "--blocks", "2", "-o", str(out)]
    code, lines = _message_lines([*argv, "--lang", "zh"], capsys)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith("yieldtrial: 错误：'"), lines
    assert out.read_text(encoding="utf-8") == "my notes\n"


def test_next_run_is_english_again(tmp_path, capsys):
    """The language of one in-process run does not leak into the next."""
    argv, _ = _case_no_such_file(tmp_path)
    _message_lines([*argv, "--lang", "zh"], capsys)
    _, lines = _message_lines(argv, capsys)
    assert lines[0].startswith("yieldtrial: error: cannot read"), lines
