"""``yieldtrial audit PLOTS``: messages name the plot table's column as the user typed it.

The reader keeps a yield column beside complete harvest columns as ``reported_<name>``
(``yield_kg_ha`` -> ``reported_yield_kg_ha``); the audit's messages named that internal
column, and ``--reported yield_kg_ha`` (the header as typed) was refused.
"""

from __future__ import annotations

from hostile import assert_one_line_error
from yieldtrial.cli import main

HEADER = "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct,{yield_header}\n"
# plot 102's published figure is refused (1e308 is above the 1e100 of any grain mass or yield)
ROWS = "101,1,CK,20,14.98,22.7,6000\n102,1,T,20,13.77,23.7,1e308\n"


def _plots(tmp_path, yield_header: str = "yield_kg_ha"):
    path = tmp_path / "plots.csv"
    path.write_text(HEADER.format(yield_header=yield_header) + ROWS, encoding="utf-8")
    return path


def test_refused_figure_names_the_header_of_the_detected_column(tmp_path, capsys) -> None:
    plots = _plots(tmp_path)
    assert_one_line_error(
        ["audit", str(plots), "--crop", "wheat", "--format", "csv"],
        capsys,
        match=r"--reported column 'yield_kg_ha', plot '102': reported_mass must be",
        untouched=[plots],
    )


def test_refused_figure_names_a_mapped_header_as_typed(tmp_path, capsys) -> None:
    plots = _plots(tmp_path, "折标产量(kg/亩)")
    argv = ["audit", str(plots), "--crop", "wheat", "--column", "折标产量(kg/亩)=yield_kg_mu"]
    assert_one_line_error(
        argv, capsys, match=r"--reported column '折标产量\(kg/亩\)', plot '102'", untouched=[plots]
    )


def test_reported_flag_takes_the_header_as_typed(tmp_path, capsys) -> None:
    plots = tmp_path / "plots.csv"
    plots.write_text(
        HEADER.format(yield_header="yield_kg_ha") + ROWS.replace("1e308", "5600"), encoding="utf-8"
    )
    out = tmp_path / "audit.csv"
    argv = ["audit", str(plots), "--crop", "wheat", "--reported", "yield_kg_ha", "-o", str(out)]
    assert main([*argv, "--format", "csv"]) == 0  # was refused: "needs ... one column ..."
    assert out.read_text(encoding="utf-8").startswith("plot_id,treatment,unit,method")


def test_missing_column_lists_the_headers_as_typed(tmp_path, capsys) -> None:
    plots = _plots(tmp_path)
    assert_one_line_error(
        ["audit", str(plots), "--crop", "wheat", "--reported", "yield_kg_mu"],
        capsys,
        match=r"columns found: plot_id, .*, moisture_pct, yield_kg_ha$",
        untouched=[plots],
    )


def test_refused_figure_of_a_header_with_an_apostrophe_is_chinese_under_lang_zh(
    tmp_path, capsys
) -> None:
    # the header is shown as Python's repr, in double quotes: "farmer's yield"; the Chinese
    # catalogue took only single-quoted columns, and the line fell back to English
    from hostile import run_cli

    plots = _plots(tmp_path, "farmer's yield")
    argv = ["audit", str(plots), "--crop", "wheat", "--column", "farmer's yield=yield_kg_mu"]
    status, lines = run_cli([*argv, "--lang", "zh"], capsys)
    assert status == 1
    assert lines == [
        "yieldtrial: 错误：--reported 列 \"farmer's yield\" 的小区 '102'：reported_mass 应在 "
        "[0, 1e+100] 之内，实为 1e+308。没有任何籽粒质量或产量接近 1e100：请更正该数值"
    ]
