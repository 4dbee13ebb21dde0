"""Loose ends of stop 48 fixed in stop 49: one rule in Python and trial.toml, zh lines."""

from __future__ import annotations

import numpy as np
import pytest

from yieldtrial.commands._zh_messages import translate
from yieldtrial.config import TrialConfig
from yieldtrial.errors import DataValidationError


def test_blank_design_column_in_python_has_its_chinese_line() -> None:
    with pytest.raises(DataValidationError) as caught:
        TrialConfig(block="")
    assert translate(str(caught.value)) == (
        "TrialConfig：[analysis] block = '' 没有给出列名（为空）；请写出小区表中该列的列名，如 "
        'block = "rep"；该列本就名为 block 时，删去此项即可。'
    )


def test_unused_price_of_the_economics_argument_has_its_chinese_line() -> None:
    message = (
        "prices gives a price for 'Urea ', which no treatment's fertilizer names as its "
        "product, so it is not used (the products: 'urea'); check the spelling against the "
        "products' names, or remove it"
    )
    assert translate(message) == (
        "prices 中有未被使用的价格：'Urea '；没有哪个处理的肥料以其为产品（现有产品：'urea'）；"
        "请对照产品名称检查拼写，或将其删去"
    )


@pytest.mark.parametrize(
    ("argv", "echo"),
    [
        (["--alpha", "5.00"], "--alpha = 5.00;"),
        (["--difference", "5e3"], "(8 for 8 %); got 5e3"),
        (["--cv", "500"], "(8 for 8 %); got 500"),
    ],
)
def test_plan_echoes_a_number_as_typed(argv: list[str], echo: str, capsys) -> None:
    """``--alpha 5`` was echoed ``5.0``, ``--difference 5e3`` as ``5000.0`` (stop 49)."""
    from yieldtrial.cli import main

    options = {"--cv": "10", "--difference": "5"} | dict(zip(argv[::2], argv[1::2], strict=True))
    assert main(["plan", "--treatments", "4", *[x for kv in options.items() for x in kv]]) == 1
    assert echo in capsys.readouterr().err


def test_typed_number_is_a_float_that_pickles() -> None:
    import pickle

    from yieldtrial.commands._input import number_option

    value = number_option("５.00")  # full-width digits are read as ASCII, as in a cell
    assert value == 5.0 and repr(value) == "5.00" and repr(value + 1) == "6.0"
    assert repr(pickle.loads(pickle.dumps(value))) == "5.00"  # noqa: S301 - our own bytes


def _field_book(folder, capsys):
    """Write a field book with ``design`` (recorded as its output), not filled in."""
    from yieldtrial.cli import main

    book = folder / "plan.csv"
    argv = ["design", "rcbd", "--treatments", "A", "B", "C", "--blocks", "2", "--seed", "1"]
    assert main([*argv, "-o", str(book)]) == 0
    capsys.readouterr()
    return book


def test_another_commands_output_is_not_replaced_without_force(tmp_path, capsys) -> None:
    """``standardize -o plan.csv`` replaced design's unfilled field book (stop 49: refused)."""
    from hostile import plot_table
    from yieldtrial.cli import main

    book = _field_book(tmp_path, capsys)
    before = book.read_bytes()
    argv = ["standardize", str(plot_table(tmp_path)), "--crop", "wheat", "-o", str(book)]
    assert main(argv) == 1
    assert capsys.readouterr().err == (
        f"yieldtrial: error: {str(book)!r} is an unchanged output of 'yieldtrial design', not "
        "of 'yieldtrial standardize'; refusing to replace it (another command's output is kept "
        "as the user's file, e.g. a field book not yet filled in). Choose another output name, "
        "or add --force to replace it\n"
    )
    assert book.read_bytes() == before
    assert main([*argv, "--force"]) == 0


def test_the_same_command_replaces_its_unchanged_output(tmp_path, capsys) -> None:
    from yieldtrial.cli import main

    book = _field_book(tmp_path, capsys)
    argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", "3", "--seed", "2"]
    assert main([*argv, "-o", str(book)]) == 0
    assert "B" in book.read_text(encoding="utf-8") and "C" not in book.read_text(encoding="utf-8")


def test_a_filled_field_book_is_replaced_by_no_command_without_force(tmp_path, capsys) -> None:
    from hostile import plot_table
    from yieldtrial.cli import main

    book = _field_book(tmp_path, capsys)
    with book.open("a", encoding="utf-8") as handle:
        handle.write("# harvested\n")  # any change makes it the user's file
    argv = ["standardize", str(plot_table(tmp_path)), "--crop", "wheat", "-o", str(book)]
    assert main(argv) == 1
    assert "is not an unchanged output of yieldtrial" in capsys.readouterr().err


def test_utf16_without_bom_names_the_encoding_and_the_fix(tmp_path, capsys) -> None:
    """It said "every other byte is NUL" (untrue of Chinese labels) and no program (stop 49)."""
    from hostile import HEADER, ROWS
    from yieldtrial.cli import main

    path = tmp_path / "unicode.txt"
    path.write_bytes((HEADER + "".join(ROWS)).replace(",CK,", ",对照,").encode("utf-16-le"))
    assert main(["standardize", str(path), "--crop", "wheat"]) == 1
    assert capsys.readouterr().err == (
        "yieldtrial: error: unicode.txt: the file looks like UTF-16-LE text without a byte-order "
        "mark (as Excel's 'Unicode text' can save it), which yieldtrial does not guess; save "
        "it as 'CSV UTF-8' (in Excel: File > Save As > CSV UTF-8), or pass --encoding "
        "utf-16-le (encoding='utf-16-le' in Python)\n"
    )


def test_screened_outlier_not_flagged_is_explained_in_the_data_checks() -> None:
    """The data-quality screen named plot 106 while "No plot was flagged" (stop 49)."""
    from yieldtrial.design import rcbd
    from yieldtrial.report.build import build_report
    from yieldtrial.report.render_markdown import render_markdown
    from yieldtrial.trial import FieldTrial

    book = rcbd([f"T{i}" for i in range(10)], blocks=6, seed=2, plot_area_m2=20.0)
    # SYNTHETIC: 12 kg + 0.1 per treatment number + 0.1 per block + N(0, 0.15) (seed 1);
    # plot 106 +0.6 kg: internally studentized residual 3.41 (> 3, the screen) while the
    # Bonferroni outlier test of 60 plots at P < 0.01 does not flag it
    noise = np.random.default_rng(1).normal(0, 0.15, len(book))
    book["fresh_mass_kg"] = (
        12 + 0.1 * book["treatment"].str[1:].astype(int) + 0.1 * book["block"].astype(int) + noise
    ).round(2) + np.where(book["plot_id"] == "106", 0.6, 0.0)
    book["moisture_pct"], book["impurity_pct"] = 14.0, 0.0
    trial = FieldTrial.from_dataframe(book, crop="wheat", control="T0")
    text = render_markdown(build_report(trial, lang="en", figures=False))
    assert (
        "Possible outliers by the residual screen (|internally studentized residual| > 3;" in text
    )
    assert "No plot was flagged: neither the outlier test" in text
    assert (
        "The residual screen under data quality (|internally studentized residual| > 3) names "
        "106 (T5), but the outlier test (Bonferroni P < 0.01 on the externally studentized "
        "residuals) flags none of the screened plots: a screen, not a finding."
    ) in text


def test_screen_note_has_its_chinese_sentence() -> None:
    from yieldtrial.report.i18n import t

    assert t("checks.screen_only", "zh", items="106 (T5)", alpha="0.01") == (
        "数据质量一节的残差筛查（|内学生化残差| > 3）提示了 106 (T5)，但离群值检验（外学生化残差，"
        "Bonferroni 校正 P < 0.01）未将其判为可疑：仅为筛查提示，并非判定。"
    )
