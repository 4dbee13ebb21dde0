"""Reports of many entries: full per-entry tables up to a limit, a summary above it."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import numpy as np
import pytest

from entry_cases import EFFECTS, plots
from yieldtrial.report import entries
from yieldtrial.report.build import build_report
from yieldtrial.report.model import Paragraph, Table
from yieldtrial.trial import FieldTrial

DATE = "2026-01-01"


pytestmark = pytest.mark.usefixtures("close_figures")


def _trial(effects: np.ndarray = EFFECTS) -> FieldTrial:
    return FieldTrial.from_dataframe(plots(effects), crop="wheat", control="CK", design="rcbd")


def _report(trial: FieldTrial | None = None, **options: Any) -> Any:
    return build_report(trial or _trial(), report_date=DATE, figures=False, **options)


def _shared_report(*, figures: bool = False) -> Any:
    """Return the report of ``_trial()`` (English), built once per entry-table limits.

    ``_report()`` (``figures=False``) or ``build_report(_trial(), report_date=DATE)``
    (``figures=True``) as they are while the test runs (``small_limit`` or not); about 1.7 s
    of CPU each, so the tests that only read that report share it (stop 45).  A test that
    changes anything else the build reads builds its own.
    """
    limits = (entries.ENTRY_TABLE_LIMIT, entries.ENTRY_TABLE_TOP, entries.ENTRY_TABLE_BOTTOM)
    return _built(limits, figures)


@functools.cache
def _built(limits: tuple[int, int, int], figures: bool) -> Any:
    assert limits == (entries.ENTRY_TABLE_LIMIT, entries.ENTRY_TABLE_TOP,
                      entries.ENTRY_TABLE_BOTTOM)  # fmt: skip
    return build_report(_trial(), report_date=DATE, figures=figures)


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Summarise above 10 entries: top 3, bottom 2."""
    monkeypatch.setattr(entries, "ENTRY_TABLE_LIMIT", 10)
    monkeypatch.setattr(entries, "ENTRY_TABLE_TOP", 3)
    monkeypatch.setattr(entries, "ENTRY_TABLE_BOTTOM", 2)


def _means_table(report: Any) -> Table:
    return next(b for b in report.section("means").blocks if isinstance(b, Table))


def _ranked(trial: FieldTrial) -> list[str]:
    """Entries by plain treatment mean, highest first (= LS-means of a complete RCBD)."""
    data = trial.yields()
    means = data.groupby(data["treatment"].astype(str))["yield_kg_ha"].mean()
    return list(means.sort_values(ascending=False).index)


def test_full_table_below_limit() -> None:
    """Up to the limit (30 entries < 200) the means table lists every entry, no summary."""
    report = _shared_report()
    table = _means_table(report)
    assert len(table.rows) == 30
    assert not any(isinstance(b, Paragraph) for b in report.section("means").blocks)
    assert report.companions == []
    assert "means_listing" not in report.results


def test_summary_above_limit_lists_top_better_controls_bottom(small_limit: None) -> None:
    """Above the limit: top 3, every entry significantly better than CK, CK, bottom 2."""
    trial = _trial()
    ranked = _ranked(trial)
    comp = trial.compare_to_control(control="CK", method="dunnett")
    better = set(comp.loc[(comp["p_value_adjusted"] < 0.05) & (comp["difference_kg_ha"] > 0),
                          "treatment"])  # fmt: skip
    assert better == {"E01", "E02", "E03", "E04"}  # by construction (effects >= 1,500 kg/ha)
    expected = [v for v in ranked if v in set(ranked[:3]) | better | {"CK"} | set(ranked[-2:])]
    table = _means_table(_shared_report())
    assert [row["treatment"] for row in table.rows] == expected


def test_summary_marks_the_control_row(small_limit: None) -> None:
    """The control's row has the row style "control" (shaded in HTML and DOCX)."""
    table = _means_table(_shared_report())
    styles = {row["treatment"]: table.row_style(i) for i, row in enumerate(table.rows)}
    assert styles["CK"] == "control"
    assert {v for k, v in styles.items() if k != "CK"} == {""}


def test_note_says_how_many_and_where(small_limit: None) -> None:
    """The paragraph above the summary: entries in the trial, shown, counts, where the rest is."""
    report = _shared_report()
    note = report.section("means").blocks[0]
    assert isinstance(note, Paragraph)
    shown = len(_means_table(report).rows)
    assert "The trial has 30 entries" in note.text
    assert f"the table shows {shown} of them" in note.text
    assert "all 4 entries significantly better than CK" in note.text
    assert "4 entries significantly better" in note.text
    assert "results.means" in note.text and "Excel report" in note.text


def test_json_keeps_every_entry(small_limit: None) -> None:
    """The JSON results hold all 30 means and 29 comparisons, and say what the tables show."""
    report = _shared_report()
    results = json.loads(report.to_json())["results"]
    assert len(results["means"]) == 30
    assert len(results["means_display"]) == 30
    assert len(results["control_comparisons"]) == 29
    listing = results["means_listing"]
    assert listing["n_entries"] == 30
    assert listing["shown"] == [row["treatment"] for row in _means_table(report).rows]
    assert listing["n_significantly_better"] == {"CK": 4}
    assert listing["n_compared"] == {"CK": 29}


def test_better_entries_capped_at_the_limit(small_limit: None) -> None:
    """More entries significantly better than CK than the limit: the 10 highest are shown."""
    effects = np.concatenate([[0.0], np.linspace(1500, 4000, 20), np.linspace(-500, 0, 9)])
    trial = _trial(effects)
    report = _report(trial)
    listing = report.results["means_listing"]
    assert listing["n_significantly_better"] == {"CK": 20}
    assert listing["significantly_better"]["CK"] == _ranked(trial)[:10]
    assert "the 10 highest of the 20 entries significantly better than CK" in (
        report.section("means").blocks[0].text
    )


def test_noninferiority_table_summarised(small_limit: None) -> None:
    """With a margin, the non-inferiority table lists the entries of the means table only."""
    report = _report(margin_pct=5.0)
    blocks = report.section("noninferiority").blocks
    table = next(b for b in blocks if isinstance(b, Table))
    shown = [row["treatment"] for row in _means_table(report).rows if row["treatment"] != "CK"]
    assert [row["comparison"] for row in table.rows] == [f"{v} – CK" for v in shown]
    assert isinstance(blocks[0], Paragraph)
    assert {c.key for c in report.companions} == {
        "means",
        "noninferiority",
        "plots",
        "plots_by_treatment",
    }


def test_conclusions_count_instead_of_listing(small_limit: None) -> None:
    """Conclusions give the counts vs CK and name only the better entries among the top 3."""
    items = _shared_report().results["conclusions"]
    assert any("of the 29 entries 4 yielded significantly more" in item for item in items)
    assert not any("not significant (Dunnett" in item for item in items)
    named = [item.split(" ")[0] for item in items if "out-yielded CK" in item]
    assert named == ["E04", "E03", "E02"]  # the top 3 are the three highest better entries
    assert any(item.startswith("The 3 highest LS-means") for item in items)


def test_methods_count_the_family(small_limit: None) -> None:
    """The methods give the size of the Dunnett family, not its 29 members."""
    text = " ".join(
        b.text for b in _shared_report().section("methods").blocks if isinstance(b, Paragraph)
    )
    assert "treatments vs CK: 29 treatments" in text  # stop 39: a family counts treatments
    assert "E05" not in text


def test_means_figure_is_a_histogram_above_limit(small_limit: None) -> None:
    """Above the limit the means figure is a histogram of all entry means, CK marked."""
    trial = _trial()
    report = _shared_report(figures=True)
    figure = next(b for b in report.section("figures").blocks if b.key == "means")
    assert "histogram" in figure.caption
    ax = figure.draw()
    heights = [patch.get_height() for patch in ax.patches]
    assert sum(heights) == 29  # every entry but the control, once
    ck = trial.yields().query("treatment == 'CK'")["yield_kg_ha"].mean()
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert [line.get_xdata()[0] for line in dashed] == [pytest.approx(ck, rel=1e-9)]


def test_histogram_caption_names_no_hatched_bars(small_limit: None) -> None:
    """The histogram of many entries draws no bars: no "Hatched bars" sentence (stop 40)."""
    data = plots(EFFECTS)
    data["data_status"] = np.where(data["treatment"] == "CK", "illustrative", "")
    trial = FieldTrial.from_dataframe(data, crop="wheat", control="CK", design="rcbd")
    report = build_report(trial, report_date=DATE)
    figure = next(b for b in report.section("figures").blocks if b.key == "means")
    assert "histogram" in figure.caption
    assert "Hatched" not in figure.caption


def test_chinese_summary_wording(small_limit: None) -> None:
    """A Chinese report says the same in Chinese, with no English word in the note."""
    from zh_purity import english_words

    report = _report(lang="zh")
    note = report.section("means").blocks[0].text
    assert "本试验共 30 个处理" in note
    assert "显著高于对照 4 个" in note
    labels = frozenset(["CK", *[f"E{i:02d}" for i in range(1, 30)]])
    assert english_words(note, labels) == []


def test_plot_listing_summarised_above_limit(small_limit: None) -> None:
    """Above the limit the plot listing is summarised as the per-entry tables (stop 48).

    It kept every plot (2,000 plots of 1,000 entries: some 45 printed pages); now the
    per-treatment summary and the first plots, every plot in the companion table; the
    treatment x block view is left out.
    """
    from yieldtrial.report.context import PLOT_LISTING_SHOWN

    report = _shared_report()
    blocks = report.section("plots").blocks
    keys = [b.key for b in blocks if isinstance(b, Table)]
    assert keys == ["plots_by_treatment", "plots"]
    n_plots = len(report.results["plots"])  # the JSON keeps every plot
    assert len(blocks[-1].rows) == min(PLOT_LISTING_SHOWN, n_plots)
    complete = {c.key: c.table for c in report.companions}["plots"]
    assert len(complete.rows) == n_plots
    assert blocks[0].text.startswith(f"The trial has {n_plots} plots of 30 entries")


def test_treatment_by_block_table_below_limit() -> None:
    """Up to the limit a complete RCBD gets the treatment x block table after the listing."""
    keys = [b.key for b in _shared_report().section("plots").blocks if isinstance(b, Table)]
    assert keys == ["plots", "plots_by_block"]


#: 30 entries: CK at 0; only E01 (3,000 kg/ha above CK) is better; E02-E29 from -2,000 to 0.
EFFECTS_ONE_BETTER = np.concatenate([[0.0, 3000.0], np.linspace(-2000, 0, 28)])


def test_one_better_entry_is_singular(small_limit: None) -> None:
    """One entry better than the control: "1 entry", "the only entry" (not "all 1 entries").

    With noise SD 50 kg/ha only E01 (3,000 above CK) is significantly better (see plots()).
    """
    note = _report(_trial(EFFECTS_ONE_BETTER)).section("means").blocks[0].text
    assert "the only entry significantly better than CK" in note
    assert "1 entry significantly better," in note
    assert "1 entries" not in note


def test_one_better_entry_chinese_wording(small_limit: None) -> None:
    """zh: "显著高于 CK 的唯一处理" (not "全部 1 个")."""
    note = _report(_trial(EFFECTS_ONE_BETTER), lang="zh").section("means").blocks[0].text
    assert "显著高于 CK 的唯一处理" in note
    assert "显著高于对照 1 个" in note
    assert "全部 1 个" not in note


def test_summary_of_many_entries_names_fewer_than_the_conclusions(
    small_limit: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # E01-E04 are 1,500-3,000 kg/ha above CK (significant); the conclusions name those among
    # the top 3 LS-means (E04, E03, E02) and count E01; with SUMMARY_SIGNIFICANT = 1 the
    # summary names E04 only and counts the 3 others, and shows the 2 highest LS-means
    from yieldtrial.report.sections import extra

    monkeypatch.setattr(extra, "SUMMARY_SIGNIFICANT", 1)
    monkeypatch.setattr(extra, "SUMMARY_RANKED", 2)
    report = _report()
    conclusions = report.results["conclusions"]
    assert sum("out-yielded CK" in c for c in conclusions) == 3
    summary = " ".join(b.text for b in report.section("summary").blocks if isinstance(b, Paragraph))
    assert summary.count("out-yielded CK") == 1
    assert "E04 out-yielded CK" in summary
    assert "3 more entries yielded significantly more than CK" in summary
    assert "The 2 highest LS-means" in summary


def _yields_figure(report: Any) -> Any:
    return next(b for b in report.section("figures").blocks if b.key == "yields")


def _drawn(figure: Any) -> list[str]:
    ax = figure.draw()
    return [label.get_text() for label in ax.get_xticklabels()]


def test_yields_figure_draws_the_entries_of_the_means_table(small_limit: None) -> None:
    """The plot-yield figure beside a summarised means table draws the same entries, in order.

    It drew the highest and lowest MAX_BARS // 2 means (20 and 20 of 300) while the table
    listed the 20 highest and the 5 lowest; the caption said 20 lowest.
    """
    report = _shared_report(figures=True)
    listed = [row["treatment"] for row in _means_table(report).rows]
    figure = _yields_figure(report)
    assert _drawn(figure) == listed
    # the caption names the means table with its number (stop 32)
    shown = rf"Showing the {len(listed)} entries the means table \(Table \d+\) lists"
    assert re.search(shown, figure.caption)
    assert "the 3 highest LS-means" in figure.caption and "the 2 lowest" in figure.caption


def test_yields_figure_of_a_long_summary_draws_its_top_control_bottom(
    small_limit: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A summary longer than the figure holds: its top 3, the control and its bottom 2."""
    from yieldtrial.report.sections import figures

    monkeypatch.setattr(figures, "MAX_BARS", 6)
    report = build_report(_trial(), report_date=DATE)
    listed = [row["treatment"] for row in _means_table(report).rows]
    assert len(listed) == 7  # E04-E02 (top 3), E01 (better than CK), CK, 2 lowest
    ranked = _ranked(_trial())
    expected = [v for v in listed if v in {*ranked[:3], "CK", *ranked[-2:]}]
    figure = _yields_figure(report)
    assert _drawn(figure) == expected and len(expected) == 6
    assert re.search(
        r"Showing 6 of the 7 entries the means table \(Table \d+\) lists", figure.caption
    )


def test_yields_figure_caption_in_chinese(small_limit: None) -> None:
    """The Chinese caption says the same: the entries of the means table, no English word."""
    from zh_purity import english_words

    report = build_report(_trial(), report_date=DATE, lang="zh")
    n = len(_means_table(report).rows)
    caption = _yields_figure(report).caption
    assert re.search(rf"仅显示均值表（表 \d+）列出的 {n} 个处理（平均产量最高的 3 个", caption)
    labels = frozenset(["CK", *[f"E{i:02d}" for i in range(1, 30)]])
    assert english_words(caption, labels) == []


def test_one_more_better_entry_is_singular(small_limit: None) -> None:
    """E01-E04 better than CK, the top 3 named: E01 is "1 more entry ... lists it" (stop 42)."""
    items = _shared_report().results["conclusions"]
    assert "1 more entry yielded significantly more than CK; the means table lists it." in items
    assert not any("1 more entries" in item for item in items)
