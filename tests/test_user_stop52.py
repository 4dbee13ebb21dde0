"""Stop 52's user pass: a new user's first afternoon, from the docs (each fix has a test).

The data are the shipped examples (``site-network`` is synthetic); every expected value
says where it comes from.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.datasets import example_path

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def network() -> yt.network.NetworkResult:
    """Analyse the shipped site network as networks.md's first call does (4 sites, CK, N1, N2)."""
    plots = pd.read_csv(example_path("site-network"))
    return yt.analyze_many(
        plots,
        by="site",
        response="yield_kg_ha",
        treatment="treatment",
        block="block",
        control="CK",
    )


def test_plot_means_takes_the_across_site_summary(network) -> None:
    """Draw the across-site summary as it comes: ``plot_means(res.summary.treatments)``.

    It stopped: no mean column, then (with ``mean="across_site_mean"``) ci_low/ci_high
    "are not confidence limits". Now the bars are the across-site means and no interval
    is drawn: that table's ``ci_low``/``ci_high`` bound the difference from CK
    (network-json-schema.md).
    """
    import matplotlib.pyplot as plt

    from yieldtrial.plotting import plot_mean_histogram, plot_means

    table = network.summary.treatments
    ax = plot_means(table, control="CK")
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == pytest.approx(table["across_site_mean"].tolist())  # the table's own
    assert not ax.lines or all(line.get_linestyle() == "--" for line in ax.lines)  # CK only
    assert not [c for c in ax.containers if type(c).__name__ == "ErrorbarContainer"]
    plot_mean_histogram(table, control="CK")  # the same mean column
    plt.close("all")


def _python_blocks(page: str) -> list[str]:
    text = (ROOT / page).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize(
    ("page", "call"),
    [
        ("README.md", 'load_example("jinzhong-2024")'),
        ("docs/efficiency.md", 'load_example("jinzhong-2024")'),
        ("docs/statistics.md", "st.diagnostics(df"),
    ],
)
def test_a_snippet_that_warns_says_so(page, call) -> None:
    """A notebook running the page saw a YieldTrialWarning the snippet did not announce.

    (The warnings themselves are tested where they are raised: 5 % moisture for wheat,
    outside 8-25 %, in test_trial.py; fewer than 10 error df in test_stats_diagnostics.py.)
    """
    block = next(b for b in _python_blocks(page) if call in b)
    assert "warns" in block


def test_standardize_workbook_columns_show_their_headers() -> None:
    """``standardize -o yields.xlsx``: LibreOffice showed "harvested_fresh_masmoisture_p".

    Every column was Excel's default 8.43 digits wide, so a header longer than that was
    cut by its neighbour. Now each column is at least as wide as its header and its
    longest text (the widths are excel_digits of those texts, the report sheets' measure).
    """
    import io

    import openpyxl

    from yieldtrial.report._widths import excel_digits
    from yieldtrial.report.render_xlsx import table_xlsx

    frame = pd.DataFrame(
        {
            "plot_id": ["101", "102"],
            "standardized_mass_kg": [14.7449689655172, 13.5226148275862],
            "notes": ["bird damage at the edge", None],
        }
    )
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(frame))).active
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths[0] == pytest.approx(8.43)  # "plot_id" fits Excel's default width
    assert widths[1] >= excel_digits("standardized_mass_kg")
    assert widths[2] >= excel_digits("bird damage at the edge")
