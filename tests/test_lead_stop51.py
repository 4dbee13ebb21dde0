"""Stop 51, the lead's merge: what two branches did not say together.

tidy56 names a factor read from a ``variety`` header as "variety" (not "treatment") in the
report; the split-plot SED table's comparisons come from the statistics, worded with the
model's column names, and still said "two treatment means at the same nitrogen level".
"""

from __future__ import annotations

from pathlib import Path

from yieldtrial.cli import main

RICE = Path(__file__).parents[1] / "src" / "yieldtrial" / "datasets" / "gomez-rice-split-plot"


def test_split_plot_sed_table_names_the_variety_header(tmp_path: Path) -> None:
    """Gomez & Gomez's rice split plot (shipped): variety is the sub-plot factor's header.

    The four kinds of comparison of a split plot (Gomez & Gomez 1984, table 3.11) read with
    the header the user wrote; the numbers are those of tests/test_report_split_plot*.
    """
    out = tmp_path / "rice.md"
    argv = ["report", str(RICE / "plots.csv"), "--crop", "rice_indica", "--design",
            "split_plot", "--factors", "nitrogen", "--no-figures", "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    text = out.read_text(encoding="utf-8")
    assert "| two sub-plot (variety) means |" in text
    assert "| two variety means at the same nitrogen level |" in text
    assert "| two nitrogen means at the same or different variety level |" in text
    assert "treatment means at the same" not in text
