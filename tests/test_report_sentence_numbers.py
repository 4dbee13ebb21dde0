"""Report sentences group thousands as the report's tables (stop 46).

The tables grouped from 1,000 ("7,134.0") while the sentences grouped from 10,000
("yields ranged from 6719.5 to 7230.4 kg/ha"); quantities in the text now group as the
tables, identifiers (plot ids, dates) stay as typed.
"""

from __future__ import annotations

from typing import Any

import pytest

from yieldtrial.report._format import fmt_number, group_numeral


def _rcbd_with_a_missing_plot() -> Any:
    """Return an RCBD of three treatments in three blocks, plots 2024-2032 (2032 unharvested).

    CK and A are complete, so their LS-means are their plot means (the additive model's
    normal equations make a complete treatment's residuals sum to zero): CK (6700 + 6720 +
    6738.5) / 3 = 6719.5 kg/ha, A (7230 + 7215 + 7246.2) / 3 = 7230.4 kg/ha, the lowest and
    the highest mean (B's plots lie between them).
    """
    import pandas as pd

    from yieldtrial import FieldTrial

    yields = {"CK": [6700.0, 6720.0, 6738.5], "A": [7230.0, 7215.0, 7246.2]}
    yields["B"] = [6950.0, 7010.0, float("nan")]
    rows = [(t, b + 1, y) for t, ys in yields.items() for b, y in enumerate(ys)]
    plots = pd.DataFrame(rows, columns=["treatment", "block", "yield_kg_ha"])
    plots.insert(0, "plot_id", [str(2024 + i) for i in range(len(plots))])
    return FieldTrial.from_dataframe(plots, crop="wheat", control="CK", design="rcbd")


@pytest.mark.parametrize(
    ("lang", "means", "missing"),
    [
        ("en", "ranged from 6,719.5 to 7,230.4 kg/ha", "Missing or excluded plots: 2032 (B)"),
        ("zh", "各处理平均产量为 6,719.5～7,230.4 kg/公顷", "缺失或剔除小区：2032 (B)"),
    ],
)
def test_sentence_groups_a_yield_but_not_a_plot_id_or_a_year(
    lang: str, means: str, missing: str
) -> None:
    """The summary reads "6,719.5" as the means table; plot 2032 and 2024-06-01 stay whole."""
    report = _rcbd_with_a_missing_plot().report(
        figures=False, lang=lang, unit="kg/ha", report_date="2024-06-01"
    )
    text = report.to_markdown()
    assert means in text
    assert missing in text
    assert "2024-06-01" in text
    assert "2,032" not in text and "2,024" not in text
    assert "6719.5" not in text and "7230.4" not in text


def test_signed_difference_is_grouped_as_the_table_column() -> None:
    """A difference of +1,225.8 kg/ha reads as the "signed" table column writes it."""
    from yieldtrial.report.model import REPORT_NUMBER_STYLE, Column, format_value

    column = Column("d", "Difference", "signed", 1)
    for value in (1225.84, -1225.84, 999.94, -0.04):
        shown = fmt_number(value, 1, sign=True)
        assert shown == format_value(value, column, REPORT_NUMBER_STYLE)
    assert fmt_number(1225.84, 1, sign=True) == "+1,225.8"
    assert fmt_number(999.96, 1, sign=True) == "+1,000.0"  # grouped as shown, not as given


def test_published_figure_keeps_its_decimals_when_grouped() -> None:
    """A published figure typed "7234.50" reads "7,234.50": grouped, its decimals as typed."""
    assert group_numeral("7234.50") == "7,234.50"
    assert group_numeral("477.36") == "477.36"
    assert group_numeral("n/a") == "n/a"


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "T: 1,504.9 kg/ha (+24.8 %) over CK"), ("zh", "平均比CK增产 1,504.9 kg/公顷")],
)
def test_network_conclusion_groups_the_difference(lang: str, words: str) -> None:
    """A network's difference over the check reads "1,504.9" as its tables, not "1504.9".

    Three sites named by year (2022-2024), RCBD of two blocks: T - CK is (1500 + 1530 - 0
    - 20) / 2 = 1505 kg/ha at each site, 1504.75 at 2022 (its first CK plot + 0.5, as an
    exactly additive table is an exact fit, refused); balanced, the difference is the mean
    of the sites' (1504.75 + 1505 + 1505) / 3 = 1504.9 kg/ha.  CK's mean is 6076.75 kg/ha,
    so +24.8 %.  The report date keeps its year whole.
    """
    import pandas as pd

    from yieldtrial.network import analyze_many
    from yieldtrial.report.network import network_report

    rows = []
    for site, base in {"2022": 6000.0, "2023": 6400.0, "2024": 5800.0}.items():
        for block, (check, treated) in enumerate(
            [(base, base + 1500.0), (base + 20.0, base + 1530.0)]
        ):
            rows += [(site, block + 1, "CK", check), (site, block + 1, "T", treated)]
    rows[0] = ("2022", 1, "CK", 6000.5)
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_ha"])
    result = analyze_many(
        plots, by="site", response="yield_kg_ha", treatment="treatment", control="CK",
        design="rcbd", block="block",
    )  # fmt: skip
    text = network_report(result, report_date="2024-01-01", lang=lang).to_markdown()
    assert words in text
    assert "1504.9" not in text
    assert "2024-01-01" in text and "2,024" not in text
