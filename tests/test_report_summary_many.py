"""The report's summary condenses the Dunnett verdicts of many comparisons (report.sections.extra).

Up to SUMMARY_COMPARISONS comparisons the summary repeats every verdict (the shipped
examples, tests/test_report_sections_extra.py); above, it counts them per control, names the
significant ones and shows the top of the ranking, while the conclusions keep every line up
to ``CONCLUSIONS_LIST_MAX`` (40) comparisons; above, they fold the non-significant verdicts
into one count per control (stop 49: a 200-entry report had 199 such bullets, about 10 of its
34 pages; tests/test_user_pass_stop49.py).
The counts are checked against the report's own comparison table (JSON ``dunnett``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldtrial.cli import main
from yieldtrial.design.alpha import alpha_design
from yieldtrial.report.sections.conclusions import CONCLUSIONS_LIST_MAX
from yieldtrial.report.sections.extra import SUMMARY_COMPARISONS, SUMMARY_SIGNIFICANT


def _alpha_trial(path: Path, shifts: dict[str, float]) -> Path:
    """24 entries, 3 replicates, blocks of 4; SYNTHETIC masses (seeded), entry shifts in kg."""
    book = alpha_design([f"G{i:02d}" for i in range(1, 25)], block_size=4, replicates=3, seed=3)
    rng = np.random.default_rng(1)
    book["harvested_area_m2"] = 10.0
    book["fresh_mass_kg"] = (
        6.5 + rng.normal(0, 0.3, len(book)) + book["treatment"].map(shifts).fillna(0.0)
    ).round(2)
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 1.0
    book.to_csv(path, index=False)
    return path


def _report(tmp_path: Path, shifts: dict[str, float], *extra: str) -> dict:
    data = _alpha_trial(tmp_path / "alpha.csv", shifts)
    out = tmp_path / "r.json"
    assert main(["report", str(data), "--crop", "wheat", "--control", "G01", *extra,
                 "-o", str(out)]) == 0  # fmt: skip
    return json.loads(out.read_text(encoding="utf-8"))


def _summary_text(doc: dict) -> str:
    section = next(s for s in doc["sections"] if s["key"] == "summary")
    return " ".join(b.get("text", "") for b in section["blocks"])


SHIFTS = {"G05": 1.6, "G07": 1.2, "G09": -1.5, "G11": 1.0, "G13": 1.1, "G15": 1.3, "G17": 1.4}


def test_many_comparisons_are_counted_not_listed(tmp_path: Path) -> None:
    doc = _report(tmp_path, SHIFTS)
    text = _summary_text(doc)
    rows = pd.DataFrame(doc["results"]["control_comparisons"])
    assert len(rows) == 23 > SUMMARY_COMPARISONS
    sig = rows["p_value_adjusted"] < 0.05
    up = int((sig & (rows["difference_kg_ha"] > 0)).sum())
    down = int((sig & (rows["difference_kg_ha"] < 0)).sum())
    assert (
        f"{up} yielded significantly more, {down} significantly less and {23 - up - down}" in text
    )
    assert text.count("not significant (Dunnett") == 0  # no per-comparison hedges
    named = text.count("out-yielded G01") + text.count("yielded less than G01")
    assert named == min(up + down, SUMMARY_SIGNIFICANT)
    assert "The 5 highest LS-means" in text
    # 23 <= CONCLUSIONS_LIST_MAX comparisons: the conclusions still hold every verdict
    assert 23 <= CONCLUSIONS_LIST_MAX
    assert (
        sum("G01" in line and "Dunnett P" in line for line in doc["results"]["conclusions"]) == 23
    )


def test_largest_significant_differences_are_named_first(tmp_path: Path) -> None:
    doc = _report(tmp_path, SHIFTS)
    text = _summary_text(doc)
    rows = pd.DataFrame(doc["results"]["control_comparisons"])
    sig = rows[rows["p_value_adjusted"] < 0.05]
    first = sig.loc[sig["difference_kg_ha"].abs().idxmax(), "treatment"]
    positions = [text.find(f"{t} out-yielded") for t in sig["treatment"]] + [
        text.find(f"{t} yielded less") for t in sig["treatment"]
    ]
    assert text.find(f"{first} ") == min(p for p in positions if p >= 0)


def test_chinese_summary_counts_in_chinese(tmp_path: Path) -> None:
    text = _summary_text(_report(tmp_path, SHIFTS, "--lang", "zh"))
    assert "与 G01 比较的 23 个处理中" in text
    assert "完整排序见结论" in text


@pytest.mark.parametrize("margin", ["5"])
def test_noninferiority_is_a_count_when_many(tmp_path: Path, margin: str) -> None:
    doc = _report(tmp_path, SHIFTS, "--margin-pct", margin)
    rows = pd.DataFrame(doc["results"]["control_comparisons"])
    n_yes = int(rows["noninferior"].astype(bool).sum())
    assert f"{n_yes} of 23 treatments were shown non-inferior within a 5 % margin" in (
        _summary_text(doc)
    )


def test_tall_field_map_fits_the_docx_page(tmp_path: Path) -> None:
    """An 18-row field map is scaled to fit the A4 text height (252 mm) with its caption.

    Word and LibreOffice clip a picture taller than the page (seen: rows 9-18 cut off).
    The picture's extent ``cy`` is in EMU (36,000 per mm).
    """
    import re
    import zipfile

    data = _alpha_trial(tmp_path / "alpha.csv", {})
    out = tmp_path / "r.docx"
    assert main(["report", str(data), "--crop", "wheat", "--control", "G01", "-o", str(out)]) == 0
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    heights_mm = [int(cy) / 36000 for cy in re.findall(r'<wp:extent cx="\d+" cy="(\d+)"', xml)]
    assert heights_mm
    assert max(heights_mm) <= 0.8 * (297 - 25 - 20) + 1e-6


def test_field_maps_of_the_replicates_share_the_treatment_colours(tmp_path: Path) -> None:
    """The alpha lattice's map is drawn replicate by replicate; a treatment keeps its colour."""
    import matplotlib.pyplot as plt

    from yieldtrial.report.files import report_from_files

    data = _alpha_trial(tmp_path / "alpha.csv", {})
    report, _ = report_from_files(data, crop="wheat", control="G01")
    figures = [b for b in report.section("field_map").blocks if b.type == "figure"]
    assert len(figures) == 3  # one per replicate (the whole field is too tall to print)
    colours: dict[str, set[tuple[float, ...]]] = {}
    for figure in figures:
        ax = figure.draw()
        labels = [text.get_text().split("\n")[-1] for text in ax.texts if "\n" in text.get_text()]
        for label, patch in zip(labels, ax.patches, strict=True):
            colours.setdefault(label, set()).add(tuple(patch.get_facecolor()))
        plt.close(ax.figure)
    assert len(colours) == 24 and all(len(found) == 1 for found in colours.values())


@pytest.mark.parametrize(
    ("lang", "title", "caption"),
    [
        ("en", "Replicate", "lines join the plots of one replicate."),
        ("zh", "重复", "同一重复的小区以线相连。"),
    ],
)
def test_alpha_yields_figure_names_replicates(
    tmp_path: Path, lang: str, title: str, caption: str
) -> None:
    """The alpha lattice's block column holds replicates, as the field-map captions say.

    The plot-yields figure called them blocks ("lines join the plots of one block"), which a
    reader of an incomplete-block design takes for the incomplete blocks.
    """
    import matplotlib.pyplot as plt

    from yieldtrial.report.files import report_from_files

    data = _alpha_trial(tmp_path / "alpha.csv", {})
    report, _ = report_from_files(data, crop="wheat", control="G01", lang=lang)
    figure = next(b for b in report.section("figures").blocks if b.key == "yields")
    assert figure.caption.endswith(caption)
    ax = figure.draw()
    assert ax.get_legend().get_title().get_text() == title
    plt.close(ax.figure)


def test_chinese_methods_have_no_space_after_a_full_stop(tmp_path: Path) -> None:
    """The Dunnett-accuracy sentence was joined with an ASCII space: "百分之几。 在该协方差"."""
    from yieldtrial.report.files import report_from_files

    data = _alpha_trial(tmp_path / "alpha.csv", {})
    report, _ = report_from_files(data, crop="wheat", control="G01", lang="zh", figures=False)
    methods = "\n".join(b.text for b in report.section("methods").blocks if b.type == "paragraph")
    assert "在该协方差结构下" in methods  # the sentence is there (numerical integration)
    assert "。 " not in methods and "； " not in methods


def test_summary_range_is_of_the_treatment_means(tmp_path: Path) -> None:
    """The summary's range is that of the LS-means, and says so (not "yields ranged").

    Its numbers were the lowest and highest treatment mean while the sentence said "yields
    ... ranged", which a reader checks against the plot yields: those spread wider.
    """
    doc = _report(tmp_path, SHIFTS)
    text = _summary_text(doc)
    means = [row["mean"] for row in doc["results"]["means"]]
    plots = [row["yield_kg_ha"] for row in doc["results"]["plots"]]
    assert min(plots) < min(means) and max(means) < max(plots)  # the two ranges differ
    low, high = f"{min(means):,.1f}", f"{max(means):,.1f}"  # kg/ha: 1 decimal, grouped from 1,000
    assert f"the treatment means at 13 % moisture ranged from {low} to {high} kg/ha" in text


def test_chinese_summary_range_is_of_the_treatment_means(tmp_path: Path) -> None:
    doc = _report(tmp_path, SHIFTS, "--lang", "zh")
    assert "按 13% 标准含水量折算，各处理平均产量为 " in _summary_text(doc)
