"""The moisture audit's calculation column gets a sensible width (HTML and DOCX).

In a Chinese report the calculation (formula with the trial's numbers) was a strip beside a
method column as wide as "粮食收购水分增量规则" on one line: 7 characters a line at a 600 px
window, 3 to 5 lines a row in the DOCX.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from yieldtrial.datasets import example_path
from yieldtrial.report._widths import narrowest_mm
from yieldtrial.report.files import report_from_files


def _report(lang: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the example's 5 % harvest moisture is flagged
        report, _ = report_from_files(
            example_path("jinzhong-2024"),
            example_path("jinzhong-2024", "trial.toml"),
            report_date="2024-06-01",
            figures=False,
            lang=lang,
        )
    return report


def _audit_table(report: Any) -> Any:
    return next(b for b in report.section("moisture_audit").blocks if b.type == "table")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_docx_calculation_takes_the_width_the_method_names_do_not_need(lang: str) -> None:
    pytest.importorskip("docx")
    from yieldtrial.report.render_docx import _Writer

    report = _report(lang)
    table = _audit_table(report)
    plan = _Writer(report).plan(table)
    widths = plan.widths_mm[0]
    names = [row[0] for row in table.formatted(report.number_style)]
    assert widths[0] == pytest.approx(narrowest_mm(table.columns[0].label, names, font_pt=9))
    assert max(widths) == widths[1]  # the calculation is the widest column
    # the text width of the portrait page is unchanged: 170 mm (render_docx.PORTRAIT_TEXT_MM)
    assert sum(widths) == pytest.approx(170.0)


def test_docx_zh_method_column_wraps_the_longest_name_into_halves() -> None:
    """A 10-character name ("粮食收购水分增量规则") may wrap; an 8-character one stays whole."""
    # 8 characters at 9 pt (1 em = 9 pt = 3.175 mm) plus the 3.2 mm cell padding
    assert narrowest_mm("方法", ["百分点直接加减法", "粮食收购水分增量规则"], font_pt=9) == (
        pytest.approx(8 * 9 * 25.4 / 72 + 3.2)
    )


def test_html_rule_names_the_calculation_column_by_its_place() -> None:
    """The stylesheet's rule addresses the calculation as column 2 of #table-moisture_audit."""
    report = _report("zh")
    assert [c.key for c in _audit_table(report).columns][:2] == ["method", "formula"]
    html = report.to_html()
    assert "html:lang(zh) #table-moisture_audit td:nth-child(2) { min-width: 13em; }" in html
    assert '<figure class="table" id="table-moisture_audit">' in html
