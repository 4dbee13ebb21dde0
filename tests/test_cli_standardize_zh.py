"""``standardize --lang zh``: its own lines in Chinese (stop 39; before, it took no --lang).

The usage errors are catalogue entries (tests/test_cli_usage_zh.py), the data errors and
warnings too (tests/test_cli_errors_zh.py); here are the lines standardize writes itself:
the sentence under a single MASS, its note on another method, the note on missing plots,
the note on cut text, the ``wrote`` line and the progress line.  Each in English (default)
and in Chinese.
"""

from __future__ import annotations

import re

import pytest

from hostile import HEADER, ROWS, plot_table
from yieldtrial.cli import main
from yieldtrial.commands import standardize

#: 442 at 5 % moisture to 13 %: dry matter 442 x 95 / 87 = 482.64; shrink: below the
#: standard nothing is taken off (442.00), 40.64 less than dry matter.
MASS = ["standardize", "442", "--moisture", "5", "--standard", "13"]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], list[str]]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


@pytest.mark.parametrize("where", ["after", "before"])
def test_lang_zh_is_taken_before_and_after_the_command(where, capsys):
    """``yieldtrial --lang zh standardize ...`` and ``standardize ... --lang zh`` alike."""
    argv = ["--lang", "zh", *MASS] if where == "before" else [*MASS, "--lang", "zh"]
    code, out, err = _run(argv, capsys)
    assert (code, err) == (0, [])
    assert out == [
        "482.64",
        "含水量 5% 时的 442 -> 标准含水量 13% 时为 482.64（干物质守恒法：标准水分产量 = "
        "实测产量 × (100 − 5) ÷ (100 − 13)）",
    ]


def test_single_mass_sentence_stays_english_by_default(capsys):
    code, out, _ = _run(MASS, capsys)
    assert code == 0
    assert out[1] == (
        "442 at 5 % moisture -> 482.64 at 13 % (dry-matter basis: Y_std = Y x (100 - 5) / "
        "(100 - 13))"
    )


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        (
            "en",
            "note: shrink is not the dry-matter method of the yield-test protocols; "
            "dry_matter gives 482.64 (+40.64)",
        ),
        ("zh", "注意：shrink 不是产量测定规程的干物质守恒法；按 dry_matter 为 482.64（+40.64）"),
    ],
)
def test_note_on_another_method(lang, note, capsys):
    argv = [*MASS, "--method", "shrink", "--shrink-per-point", "1.2", "--lang", lang]
    code, out, _ = _run(argv, capsys)
    assert code == 0
    assert out[0] == "442.00"
    assert out[2] == note


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "yieldtrial: warning: moisture 5 % is outside the plausible harvest range for "
         "wheat (8-25 %); check for a typing error"),
        ("zh", "yieldtrial: 警告：含水量 5% 超出小麦收获时的合理含水量范围（8-25%）；"
         "请检查是否录入错误"),
    ],
)  # fmt: skip
def test_single_mass_moisture_warning(lang, line, capsys):
    """The plausible range of wheat (protocols.py: 8-25 %) is named with the crop in Chinese."""
    code, _, err = _run(["standardize", "442", "--moisture", "5", "--crop", "wheat", "--lang",
                         lang], capsys)  # fmt: skip
    assert (code, err) == (0, [line])


@pytest.mark.parametrize(
    ("lang", "note", "wrote"),
    [
        (
            "en",
            "yieldtrial: note: 1 missing plot(s) without a mass or yield, kept with an empty "
            "yield: '102'",
            "wrote {out} (4 plots, yields in kg/ha at 13 % moisture)",
        ),
        (
            "zh",
            "yieldtrial: 注意：1 个缺失小区没有质量或产量，保留为空产量：'102'",
            "已写入 {out}（4 个小区，产量单位 kg/ha，标准含水量 13%）",
        ),
    ],
)
def test_missing_plot_note_and_wrote_line(lang, note, wrote, tmp_path, capsys):
    rows = list(ROWS)
    rows[1] = "102,1,T,20,,13.7\n"
    plots = plot_table(tmp_path, rows=rows)
    out = tmp_path / "产量.csv"
    argv = ["standardize", str(plots), "--crop", "wheat", "-o", str(out), "--lang", lang]
    code, _, err = _run(argv, capsys)
    assert code == 0
    assert err == [note, wrote.format(out=out)]


def test_streamed_table_wrote_line_is_chinese(tmp_path, capsys, monkeypatch):
    """A large CSV is standardized block by block: its wrote line is Chinese too."""
    monkeypatch.setattr(standardize, "STREAM_MIN_BYTES", 1)
    plots = tmp_path / "plots.csv"
    plots.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    out = tmp_path / "y.csv"
    argv = ["standardize", str(plots), "--crop", "wheat", "-o", str(out), "--lang", "zh"]
    code, _, err = _run(argv, capsys)
    assert (code, err) == (0, [f"已写入 {out}（4 个小区，产量单位 kg/ha，标准含水量 13%）"])


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("en", "yieldtrial: standardizing 50/100 rows (50 %)"),
     ("zh", "yieldtrial: 正在折算 50/100 行（50%）")],
)  # fmt: skip
def test_progress_line(lang, shown, monkeypatch):
    from yieldtrial.commands._zh_messages import set_language

    drawn: list[str] = []
    monkeypatch.setattr(standardize, "draw_status", drawn.append)
    set_language(lang, "standardize")
    try:
        standardize._Progress("standardizing")(50, 100)
    finally:
        set_language(None, None)
    assert drawn == [shown]


def test_cut_text_note_is_chinese(monkeypatch, capsys):
    """On an 80-column terminal the long descriptions are cut; the note says so in Chinese."""
    monkeypatch.setenv("COLUMNS", "80")
    argv = ["standardize", "--example", "jinzhong-2024", "--format", "table", "--lang", "zh"]
    code, _, err = _run(argv, capsys)
    assert code == 0
    notes = [line for line in err if "截断" in line]
    assert notes == [
        "yieldtrial: 注意：长于 40 个字符的文本已截断（…）以适应终端宽度（80 列）；"
        "--format csv 或 -o FILE 保留全文"
    ]
    assert not any(re.match(r"yieldtrial: (note|warning):", line) for line in err), err


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["--lang", "zh", "standardize", "100"],
            "yieldtrial standardize: 错误：单个质量 MASS 需要 --moisture（实测含水量，%）",
        ),
        (
            ["standardize", "100"],
            "yieldtrial standardize: error: a single MASS needs --moisture (the measured "
            "moisture, %)",
        ),
    ],
)
def test_lang_zh_before_standardize_is_taken(argv, line, capsys):
    """Stop 38 left `yieldtrial --lang zh standardize 100` saying "unrecognized: --lang 100"."""
    code, _, err = _run(argv, capsys)
    assert (code, err) == (2, [line])


@pytest.mark.parametrize(("lang", "sheet"), [("en", "yields"), ("zh", "产量")])
def test_workbook_sheet_is_named_in_the_language_asked_for(lang, sheet, tmp_path, capsys):
    """``-o yields.xlsx --lang zh``: the sheet is 产量; the column names stay identifiers."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "yields.xlsx"
    argv = ["standardize", str(plot_table(tmp_path)), "--crop", "wheat", "-o", str(out)]
    assert main([*argv, "--lang", lang]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [sheet]
    assert book[sheet]["A1"].value == "plot_id"
