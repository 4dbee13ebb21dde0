"""Many-entry reports of augmented designs: the entries and the checks are counted apart.

In an augmented design (Federer 1956) the entries are the unreplicated test lines and the
checks the controls repeated in every block; a summarised report (more entries than
``report.entries.ENTRY_TABLE_LIMIT``) says how many *entries* beat the control and gives the
other checks' verdicts by name (stop 42: "14 entries significantly better" counted a check).
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from yieldtrial.design.augmented import augmented_design
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.report import entries
from yieldtrial.report.build import build_report
from yieldtrial.report.model import Paragraph
from yieldtrial.trial import FieldTrial

DATE = "2026-01-01"

pytestmark = pytest.mark.usefixtures("close_figures")

#: SYNTHETIC effects (kg/ha above 7000) of the small trial: checks CK1 (the control) to CK3,
#: entries E01-E24.  The error (SD 50 kg/ha) is far below the effects, so the Dunnett
#: verdicts against CK1 are known: entries E01 (+3000), E02 (+2500), E04 (+2000) better,
#: E03 (-3000) worse, E05-E24 (within +-50) not different; the check CK2 (+2800) better,
#: CK3 (0) not different.  Ranked: E01, CK2, E02, E04, ... so the top 3 (the fixture's
#: limit) hold E01, CK2 and E02, and E04 is the "1 more entry" the conclusions count.
CHECK_EFFECTS = {"CK1": 0.0, "CK2": 2800.0, "CK3": 0.0}
ENTRY_EFFECTS = {"E01": 3000.0, "E02": 2500.0, "E03": -3000.0, "E04": 2000.0} | {
    f"E{i:02d}": v for i, v in zip(range(5, 25), np.linspace(-50.0, 50.0, 20), strict=True)
}


def _small_plots() -> pd.DataFrame:
    """4 blocks, each with CK1-CK3 and 6 of the 24 entries (SYNTHETIC yields, SD 50 kg/ha)."""
    rng = np.random.default_rng(11)
    names = list(ENTRY_EFFECTS)
    rows = []
    for b in range(4):
        for label in [*CHECK_EFFECTS, *names[6 * b : 6 * b + 6]]:
            effect = CHECK_EFFECTS.get(label, ENTRY_EFFECTS.get(label, 0.0))
            rows.append(
                {
                    "plot_id": f"B{b + 1}-{label}",
                    "block": f"B{b + 1}",
                    "treatment": label,
                    "yield_kg_ha": 7000.0 + effect + 100.0 * b + rng.normal(0.0, 50.0),
                }
            )
    return pd.DataFrame(rows)


def _small(block_effects: str = "fixed", **options: Any) -> Any:
    trial = FieldTrial.from_dataframe(
        _small_plots(), crop="wheat", control="CK1", design="augmented", block_effects=block_effects
    )
    return build_report(trial, report_date=DATE, figures=False, **options)


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Summarise above 10 treatments (27 here): top 3, bottom 2."""
    monkeypatch.setattr(entries, "ENTRY_TABLE_LIMIT", 10)
    monkeypatch.setattr(entries, "ENTRY_TABLE_TOP", 3)
    monkeypatch.setattr(entries, "ENTRY_TABLE_BOTTOM", 2)


def _note(report: Any) -> str:
    return str(report.section("means").blocks[0].text)


def _summary(report: Any) -> str:
    blocks = report.section("summary").blocks
    return " ".join(b.text for b in blocks if isinstance(b, Paragraph))


def test_note_counts_entries_and_checks_apart(small_limit: None) -> None:
    """The means note: "24 entries and 3 checks", not "27 entries"."""
    note = _note(_small())
    assert note.startswith("The trial has 24 entries and 3 checks, more than the report lists")
    assert "27 entries" not in note
    assert "The complete table of all 24 entries and 3 checks is in" in note


def test_note_counts_only_entries_against_the_control(small_limit: None) -> None:
    """Against CK1: 3 entries better (E01, E02, E04), 1 worse (E03), 20 not; CK2 apart."""
    note = _note(_small())
    assert (
        "Against CK1 (Dunnett, alpha = 0.05): 3 entries significantly better, 1 significantly "
        "worse, 20 not significantly different. The other checks against CK1: CK2 significantly "
        "better; CK3 not significantly different. "
    ) in note


def test_note_lists_the_better_check_as_a_check(small_limit: None) -> None:
    """The table's parts name CK2 as a check, not as a 4th better entry."""
    note = _note(_small())
    assert "all 3 entries and the check CK2 significantly better than CK1" in note
    assert "all 4 entries" not in note


def test_means_table_shows_the_better_check(small_limit: None) -> None:
    """CK2 (significantly better than CK1) is a row of the summarised means table."""
    report = _small()
    listing = report.results["means_listing"]
    assert "CK2" in listing["shown"]
    assert listing["checks_significantly_better"] == {"CK1": ["CK2"]}
    assert listing["checks_significantly_worse"] == {"CK1": []}


def test_json_counts_the_entries(small_limit: None) -> None:
    """results.means_listing counts entries (24 compared, 3 better) and names the checks."""
    listing = json.loads(_small().to_json())["results"]["means_listing"]
    assert listing["n_compared"] == {"CK1": 24}
    assert listing["n_significantly_better"] == {"CK1": 3}
    assert listing["n_significantly_worse"] == {"CK1": 1}
    assert listing["significantly_better"] == {"CK1": ["E01", "E02", "E04"]}
    assert listing["checks"] == ["CK1", "CK2", "CK3"]


def test_conclusions_count_the_entries(small_limit: None) -> None:
    """Conclusions: "of the 24 entries 3 ...", then the other checks by name."""
    items = _small().results["conclusions"]
    assert any(
        item.startswith(
            "Against CK1 (Dunnett, alpha = 0.05), of the 24 entries 3 yielded significantly "
            "more, 1 significantly less and 20 did not differ significantly"
        )
        for item in items
    )
    assert (
        "The other checks against CK1 (Dunnett, alpha = 0.05): CK2 significantly better; "
        "CK3 not significantly different."
    ) in items


def test_conclusions_one_more_entry_is_singular(small_limit: None) -> None:
    """E04 (better, not among the top 3) is "1 more entry ... lists it"; CK2 is not counted."""
    report = _small()
    sentence = "1 more entry yielded significantly more than CK1; the means table lists it."
    assert sentence in report.results["conclusions"]
    # Table 6: the plot listing of more entries than the report lists is summarised (stop 48)
    assert sentence.replace("table", "table (Table 6)") in _summary(report)
    assert "more entries" not in _summary(report)


def test_summary_keeps_the_checks_verdicts(small_limit: None) -> None:
    """The summary gives the other checks' verdicts after the entries' counts."""
    summary = _summary(_small())
    counts = summary.index("of the 24 entries 3 yielded significantly more")
    checks = summary.index("The other checks against CK1")
    assert counts < checks


def test_ranking_counts_entries_and_checks(small_limit: None) -> None:
    """The conclusions' ranking: "all 24 entries and 3 checks"."""
    items = _small().results["conclusions"]
    assert any("The ranking of all 24 entries and 3 checks is in" in item for item in items)


def test_histogram_caption_counts_entries_and_checks(small_limit: None) -> None:
    """Figure 1's caption: "LS-means of all 24 entries and 3 checks (histogram)"."""
    trial = FieldTrial.from_dataframe(
        _small_plots(), crop="wheat", control="CK1", design="augmented"
    )
    report = build_report(trial, report_date=DATE)
    figure = next(b for b in report.section("figures").blocks if b.key == "means")
    assert figure.caption.startswith("LS-means of all 24 entries and 3 checks (histogram)")


def test_random_blocks_take_the_repeated_treatments_as_checks(small_limit: None) -> None:
    """Random blocks (REML, no Federer fit): the checks are the treatments with several plots."""
    note = _note(_small(block_effects="random"))
    assert note.startswith("The trial has 24 entries and 3 checks")


def test_chinese_note_names_entries_and_checks(small_limit: None) -> None:
    """zh: 参试材料 (entries) and 对照 (checks), as the zh report's augmented design says."""
    note = _note(_small(lang="zh"))
    assert note.startswith("本试验共 24 个参试材料和 3 个对照")
    assert "参试材料显著高于对照 3 个，显著低于对照 1 个，差异不显著 20 个。" in note
    assert "其他对照与 CK1 比较：CK2 显著较高；CK3 差异不显著。" in note
    assert "显著高于 CK1 的全部 3 个参试材料及对照 CK2" in note


def test_chinese_conclusions_count_the_entries(small_limit: None) -> None:
    """Chinese conclusions: "24 个参试材料中 3 个显著增产", "另有 1 个参试材料"."""
    items = _small(lang="zh").results["conclusions"]
    assert any("24 个参试材料中 3 个显著增产，1 个显著减产，20 个差异不显著" in i for i in items)
    assert "另有 1 个参试材料显著高于 CK1，见均值表。" in items


def test_chinese_wording_has_no_english(small_limit: None) -> None:
    """The zh note has no English word besides the labels."""
    from zh_purity import english_words

    note = _note(_small(lang="zh"))
    labels = frozenset([*CHECK_EFFECTS, *ENTRY_EFFECTS])
    assert english_words(note, labels) == []


# ------------------------------------------------------------------ 600 entries, 4 checks
def _breeding_plots() -> pd.DataFrame:
    """Build the SYNTHETIC 600-entry augmented table of benchmarks/breeding_designs.py.

    Same field book (``yieldtrial design augmented``, 12 blocks, seed 1) and yields (seed 1)
    (entry SD 600, block SD 250, noise SD 400 kg/ha) as its ``augmented(out, 600, 4)``.
    """
    labels = [f"E{i:05d}" for i in range(1, 601)]
    book = augmented_design([f"CK{i}" for i in range(1, 5)], labels, blocks=12, seed=1)
    book = book.drop(columns=["harvested_area_m2", "fresh_mass_kg", "moisture_pct", "impurity_pct"])
    rng = np.random.default_rng(1)

    def effects(by: pd.Series, sd: float) -> np.ndarray:
        codes, uniques = pd.factorize(by, sort=True)
        return rng.normal(0.0, sd, len(uniques))[codes]

    book["yield_kg_ha"] = (
        7000.0
        + effects(book["treatment"], 600.0)
        + effects(book["block"].astype(str), 250.0)
        + rng.normal(0.0, 400.0, len(book))
    )
    return book


@pytest.fixture(scope="module")
def breeding() -> dict[str, Any]:
    """Build the trial and its en and zh reports (no figures)."""
    trial = FieldTrial.from_dataframe(_breeding_plots(), crop="wheat", control="CK1")
    return {
        "trial": trial,
        "en": build_report(trial, report_date=DATE, figures=False),
        "zh": build_report(trial, report_date=DATE, figures=False, lang="zh"),
    }


def _dunnett_counts(trial: FieldTrial, kind: str) -> tuple[int, int, int]:
    """Better / worse / not different vs CK1 among ``kind`` rows of the field book.

    Independent of the report: the library's Dunnett comparisons, split by the field
    book's ``entry_type`` column.
    """
    book = _breeding_plots()
    labels = set(book.loc[book["entry_type"] == kind, "treatment"].astype(str))
    with warnings.catch_warnings():  # 7 P values lie within the integration error of alpha
        warnings.simplefilter("ignore", YieldTrialWarning)  # (the report says so too)
        comp = trial.compare_to_control(control="CK1", method="dunnett")
    mine = comp.loc[comp["treatment"].astype(str).isin(labels)]
    diff = mine["difference_kg_ha"]
    significant = mine["p_value_adjusted"] < 0.05
    better = int((significant & (diff > 0)).sum())
    worse = int((significant & (diff < 0)).sum())
    return better, worse, len(mine) - better - worse


def test_breeding_trial_note_counts_600_entries(breeding: dict[str, Any]) -> None:
    """600 entries, 4 checks; the entries' counts vs CK1 as the library's Dunnett gives them."""
    better, worse, ns = _dunnett_counts(breeding["trial"], "entry")
    assert better + worse + ns == 600
    note = _note(breeding["en"])
    assert note.startswith("The trial has 600 entries and 4 checks, more than")
    entry = "entry" if better == 1 else "entries"
    assert (
        f"Against CK1 (Dunnett, alpha = 0.05): {better} {entry} significantly better, "
        f"{worse} significantly worse, {ns} not significantly different. "
        "The other checks against CK1: "
    ) in note


def test_breeding_trial_conclusions_count_600_entries(breeding: dict[str, Any]) -> None:
    """The conclusions count the 600 entries (not 603 = entries + the other checks)."""
    better, worse, ns = _dunnett_counts(breeding["trial"], "entry")
    items = breeding["en"].results["conclusions"]
    assert any(
        f"of the 600 entries {better} yielded significantly more, {worse} significantly "
        f"less and {ns} did not differ significantly" in item
        for item in items
    )
    assert not any("603" in item for item in items)


def test_breeding_trial_checks_verdicts(breeding: dict[str, Any]) -> None:
    """CK2-CK4 against CK1 are named with their verdicts, in the note and the conclusions."""
    better, worse, ns = _dunnett_counts(breeding["trial"], "check")
    assert better + worse + ns == 3
    text = _note(breeding["en"])
    verdicts = text.split("The other checks against CK1: ", 1)[1].split(". ", 1)[0]
    for check in ("CK2", "CK3", "CK4"):
        assert check in verdicts


def test_breeding_trial_chinese(breeding: dict[str, Any]) -> None:
    """zh: "本试验共 600 个参试材料和 4 个对照"; the conclusions count 600 个参试材料."""
    better, worse, ns = _dunnett_counts(breeding["trial"], "entry")
    note = _note(breeding["zh"])
    assert note.startswith("本试验共 600 个参试材料和 4 个对照")
    assert f"参试材料显著高于对照 {better} 个，显著低于对照 {worse} 个，差异不显著 {ns} 个" in note
    items = breeding["zh"].results["conclusions"]
    assert any(f"600 个参试材料中 {better} 个显著增产" in item for item in items)


def test_histogram_axis_counts_entries_and_checks(small_limit: None) -> None:
    """The histogram's y axis counts entries and checks (the other checks are bars too)."""
    trial = FieldTrial.from_dataframe(
        _small_plots(), crop="wheat", control="CK1", design="augmented"
    )
    report = build_report(trial, report_date=DATE)
    figure = next(b for b in report.section("figures").blocks if b.key == "means")
    ax = figure.draw()
    assert ax.get_ylabel() == "Entries and checks"
    assert sum(patch.get_height() for patch in ax.patches) == 26  # 24 entries, CK2, CK3


def test_noninferiority_counts_the_entries(small_limit: None) -> None:
    """With a margin the conclusions' non-inferiority count is "of the 24 entries"."""
    items = _small(margin_pct=5.0).results["conclusions"]
    counts = [item for item in items if item.startswith("Non-inferiority to CK1")]
    assert len(counts) == 1
    assert "of the 24 entries are non-inferior" in counts[0]


def _without_control() -> Any:
    """Report the small trial with its checks named and no control (``report --checks``)."""
    trial = FieldTrial.from_dataframe(
        _small_plots(), crop="wheat", checks=list(CHECK_EFFECTS), design="augmented"
    )
    return build_report(trial, report_date=DATE, figures=True)


def test_checks_listed_without_a_control(small_limit: None) -> None:
    """Without a control the summarised means table listed none of the checks (stop 48).

    Top 3 (E01, CK2, E02) and bottom 2 as before; CK1 and CK3 (middling means) are listed
    too, and the note names the checks not named otherwise.
    """
    report = _without_control()
    table = next(b for b in report.section("means").blocks if getattr(b, "key", "") == "means")
    listed = [row["treatment"] for row in table.rows]
    assert {"CK1", "CK2", "CK3"} <= set(listed)
    assert len(listed) == 3 + 2 + 2  # top 3 (CK2 among them), the other two checks, bottom 2
    assert "the checks CK1, CK2, CK3" in _note(report)


def test_histogram_caption_names_no_control_when_there_is_none(small_limit: None) -> None:
    """Without a control the histogram's caption said "dashed lines: the control(s) –"."""
    report = _without_control()
    figure = next(b for b in report.section("figures").blocks if getattr(b, "key", "") == "means")
    assert "dashed" not in figure.caption and "–" not in figure.caption
    assert figure.caption.startswith("LS-means of all 24 entries and 3 checks (histogram). ")
