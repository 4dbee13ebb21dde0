"""Stop 49's user pass: the notebook user and the fertilizer trial (each fix has a test).

The trials here are SYNTHETIC (seeded); every expected number says where it comes from.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from factorial_trials import n_rate_by_variety
from yieldtrial.cli import main
from yieldtrial.report.sections.conclusions import CONCLUSIONS_LIST_MAX

#: Entries 3 and 7 out-yield the control by 2.5 and 2.0 kg a plot, entry 11 falls 2.5 kg
#: short (about 8 plot SDs of 0.3 kg: significant whatever the seed); the others are noise.
_SHIFTS = {3: 2.5, 7: 2.0, 11: -2.5}


def _many_entries(path: Path, n: int) -> Path:
    """Write an RCBD of ``n`` treatments (CK and V001...) in 3 blocks, SYNTHETIC masses."""
    rng = np.random.default_rng(5)
    rows = [
        {
            "plot_id": f"{b}{i:03d}",
            "block": b,
            "treatment": "CK" if i == 0 else f"V{i:03d}",
            "harvested_area_m2": 10.0,
            "fresh_mass_kg": round(6.5 + _SHIFTS.get(i, 0.0) + rng.normal(0, 0.3), 2),
            "moisture_pct": 14.0,
        }
        for b in (1, 2, 3)
        for i in range(n)
    ]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _conclusions(doc: dict) -> list[str]:
    section = next(s for s in doc["sections"] if s["key"] == "conclusions")
    return list(section["blocks"][0]["items"])


@pytest.mark.parametrize(
    ("lang", "count", "hedge"),
    [
        ("en", "41 of the 44 comparisons with CK", "each difference and Dunnett P is in the means"),
        ("zh", "与 CK 比较的 44 个处理中，41 个差异不显著", "各处理的差值与 Dunnett P 见均值表"),
    ],
)
def test_conclusions_fold_many_non_significant_verdicts(
    tmp_path: Path, lang: str, count: str, hedge: str
) -> None:
    """Above 40 comparisons the conclusions list the significant ones and count the rest.

    A 200-entry report had 199 "not significant" bullets (about 10 of its 34 pages).  45
    treatments: 44 comparisons with CK, 3 significant (the shifted entries), 41 counted.
    """
    assert 44 > CONCLUSIONS_LIST_MAX
    data = _many_entries(tmp_path / "plots.csv", 45)
    out = tmp_path / "r.json"
    argv = ["report", str(data), "--crop", "wheat", "--control", "CK", "--no-figures"]
    assert main([*argv, "--lang", lang, "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    items = _conclusions(doc)
    rows = pd.DataFrame(doc["results"]["control_comparisons"])
    significant = set(rows.loc[rows["p_value_adjusted"] < 0.05, "treatment"])
    assert significant == {"V003", "V007", "V011"}
    dunnett = [i for i in items if "Dunnett P = " in i or "Dunnett P < " in i]
    assert sorted(i.split(" ")[0] for i in dunnett) == sorted(significant)
    folded = [i for i in items if count in i]
    assert len(folded) == 1 and hedge in folded[0]
    assert "(Table" in folded[0] or "（表" in folded[0]  # the means table's number


def test_markdown_conclusions_fold_and_summary_points_at_the_table(tmp_path: Path) -> None:
    """The Markdown report (as HTML and Word, rendered from the same model) folds too.

    The summary said "every comparison is listed under Conclusions", no longer true.
    """
    data = _many_entries(tmp_path / "plots.csv", 45)
    out = tmp_path / "r.md"
    argv = ["report", str(data), "--crop", "wheat", "--control", "CK", "--no-figures"]
    assert main([*argv, "--margin-pct", "5", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("not significant (Dunnett P") == 0
    assert "every comparison is listed under Conclusions" not in text
    assert "the significant ones are listed under Conclusions, every comparison in the means" in (
        text
    )
    # non-inferiority: each treatment shown non-inferior is named (a non-significant one
    # too: "no yield loss" is the claim the margin is for), the others counted
    doc_ni = [line for line in text.splitlines() if " is non-inferior to CK" in line]
    match = re.search(r"was not shown for (\d+) treatments", text)
    assert match and len(doc_ni) + int(match.group(1)) == 44
    assert any(not line.startswith(("- V003", "- V007")) for line in doc_ni)


def test_trial_read_with_config_has_its_fertilizer(tmp_path: Path) -> None:
    """``from_csv(config=)`` keeps the ``[[treatments]]`` products, as ``load_example`` does.

    ``trial.efficiency()`` of the replicated example read with its trial.toml said "no
    fertilizer description for this trial" although the file gives grade and rate.
    CK1: compound 15-15-15 at 40 kg/mu = 6 kg N/mu = 90 kg N/ha (15 mu = 1 ha);
    PFP = LS-mean / N rate = 7,134.04 / 90 = 79.27 kg/kg (LS-mean from ``trial.means()``).
    """
    import warnings

    import yieldtrial as yt
    from yieldtrial.datasets import example_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", yt.YieldTrialWarning)  # 6 error df
        trial = yt.FieldTrial.from_csv(
            example_path("replicated-rcbd"),
            config=example_path("replicated-rcbd", "trial.toml"),
        )
        table = trial.efficiency()
        mean_ck1 = float(trial.means().set_index("treatment").loc["CK1", "yield_kg_ha"])
    pfp = table.set_index(["treatment", "metric"]).loc[("CK1", "partial_factor_productivity")]
    assert pfp["nutrient_rate_kg_ha"] == pytest.approx(90.0)
    assert pfp["value"] == pytest.approx(mean_ck1 / 90.0)
    assert mean_ck1 == pytest.approx(7134.04, abs=0.01)


def test_table_and_section_show_the_first_rows_in_a_notebook() -> None:
    """A report table or section in a notebook: HTML with 20 rows at most.

    The notebook printed the dataclass repr: every Column and every row
    (``report.section("means")``, as the user guide shows, ~3,000 characters for 3
    treatments, ~60,000 for 200).
    """
    from yieldtrial.report.model import REPR_ROWS, Column, Paragraph, Section, Table

    rows = [{"t": f"V{i:03d}", "y": 7000.0 + i} for i in range(200)]
    table = Table("means", [Column("t", "Treatment", "text"), Column("y", "Yield (kg/ha)")], rows)
    html = table._repr_html_()
    assert html.count("<tr>") == 1 + REPR_ROWS  # header + the first 20 rows
    assert "<td>7,000.00</td>" in html  # grouped as the report prints it (2 digits: default)
    assert "180 more rows" in html
    section = Section("means", "Means", [Paragraph("200 entries."), table])._repr_html_()
    assert section.startswith("<h3>Means</h3><p>200 entries.</p><table>")
    assert len(section) < 2_000


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "_The interaction is significant: compare the levels of one factor within"),
        ("zh", "\n交互作用显著：应在另一因素的各水平内比较"),  # zh notes are not italic
    ],
)
def test_factorial_interaction_note_prints_p_as_the_table(
    tmp_path: Path, lang: str, note: str
) -> None:
    """The English ANOVA note read "p = 1.28e-05 < 0.05" under a P column of "<0.001"."""
    data = n_rate_by_variety(tmp_path / "plots.csv")
    out = tmp_path / "r.md"
    argv = ["report", str(data), "--crop", "wheat", "--design", "factorial", "--factors",
            "n_rate,variety", "--control", "N0", "--no-figures", "--lang", lang,
            "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    text = out.read_text(encoding="utf-8")
    assert note in text
    assert "e-0" not in text and "p = " not in text


@pytest.mark.parametrize(("lang", "saved"), [("en", 8 * 15.0), ("zh", 8.0)])
def test_fertilizer_saved_is_in_the_column_unit(lang: str, saved: float) -> None:
    """The economics column "Fertilizer saved (kg/ha)" held the rates as typed (kg/mu).

    Replicated example: CK1 40 kg/mu, CK2 32 kg/mu of compound fertilizer -> 8 kg/mu
    saved = 8 x 15 = 120 kg/ha (15 mu = 1 ha); the English report is in kg/ha, the
    Chinese one per mu.
    """
    import warnings

    import yieldtrial as yt
    from yieldtrial.datasets import example_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", yt.YieldTrialWarning)
        report, _ = yt.report_from_files(
            example_path("replicated-rcbd"),
            example_path("replicated-rcbd", "trial.toml"),
            lang=lang,
            figures=False,
        )
    table = report.section("economics").blocks[0]
    row = next(r for r in table.rows if (r["treatment"], r["control"]) == ("CK2", "CK1"))
    assert row["fertilizer_saved"] == pytest.approx(saved)


def test_efficiency_drops_the_pfp_change_against_a_zero_n_control(tmp_path: Path) -> None:
    """A rate trial's control N0 has no PFP (no N): no column of dashes "PFP vs N0".

    The three columns of the PFP change (and its note on how the parts add up) were "–"
    in every row of the factorial N-rate x variety report.
    """
    from yieldtrial.report.files import report_from_files

    data = n_rate_by_variety(tmp_path / "plots.csv")
    toml = tmp_path / "trial.toml"
    toml.write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "factorial"\n'
        'factors = ["n_rate", "variety"]\ncontrol = "N0"\n'
        + "".join(
            f'\n[[treatments]]\nlabel = "{label}"\nproduct = "urea"\ngrade = "46-0-0"\n'
            f'rate = {rate}\nrate_unit = "kg/ha"\n'
            for label, rate in (("N0", 0), ("N90", 195.7), ("N180", 391.3))
        ),
        encoding="utf-8",
    )
    report, _ = report_from_files(data, toml, figures=False)
    table = report.section("efficiency").blocks[0]
    keys = [c.key for c in table.columns]
    assert "pfp" in keys and "ae" in keys  # AE against the zero-N plot stays
    assert not {"pfp_change_pct", "rate_effect_pct", "yield_effect_pct"} & set(keys)
    assert not any("split additively" in note for note in table.notes)


@pytest.mark.parametrize(
    ("lang", "caption"),
    [
        ("en", "SE and letters from the mixed model fitted by REML (Satterthwaite df, smallest"),
        ("zh", "标准误与字母标记基于 REML 拟合的混合模型（Satterthwaite 自由度，最小为"),
    ],
)
def test_split_plot_with_a_lost_sub_plot_names_the_mixed_model(
    tmp_path: Path, lang: str, caption: str
) -> None:
    """N on whole plots, varieties on sub-plots, one sub-plot lost: a REML fit.

    The factor-means captions read "SE and letters on REML (9.0 df)", REML named as if it
    were an error stratum (Error a, Error b in a complete split plot).
    """
    frame = pd.read_csv(n_rate_by_variety(tmp_path / "plots.csv"))
    frame = frame.drop(columns="treatment").rename(columns={"variety": "treatment"})
    frame.loc[0, "fresh_mass_kg"] = None  # a lost sub-plot
    frame.to_csv(tmp_path / "split.csv", index=False)
    out = tmp_path / "r.md"
    argv = ["report", str(tmp_path / "split.csv"), "--crop", "wheat", "--design", "split_plot",
            "--factors", "n_rate", "--control", "V1", "--no-figures", "--lang", lang,
            "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count(caption) == 2  # the means of N and of the varieties
    assert "on REML" not in text and "基于REML" not in text


@pytest.mark.parametrize(
    ("lang", "caption"),
    [
        ("en", "N rate along the axis, one line per variety level"),
        ("zh", "横轴为 N rate，每条线为 variety 的一个水平"),
    ],
)
def test_two_factor_report_draws_the_rate_response_per_variety(
    tmp_path: Path, lang: str, caption: str
) -> None:
    """An N-rate x variety trial showed its interaction only as a table of cell means.

    The figure draws the cell means of ``ctx.anova.means_table()``: one line per variety
    across the N rates, in the report's unit (kg/mu in Chinese: the kg/ha means / 15).
    """
    import matplotlib.pyplot as plt

    from yieldtrial.report.files import report_from_files

    data = n_rate_by_variety(tmp_path / "plots.csv")
    report, _ = report_from_files(
        data,
        crop="wheat",
        control="N0",
        overrides={"design": "factorial", "factors": ("n_rate", "variety")},
        lang=lang,
    )
    figure = next(b for b in report.section("figures").blocks if b.key == "interaction")
    assert caption in figure.caption
    ax = figure.draw()
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"V1", "V2"}
    assert [t.get_text() for t in ax.get_xticklabels()] == ["N0", "N90", "N180"]
    table = next(b for b in report.section("design_means").blocks if b.key == "means_cells")
    column = next(c.key for c in table.columns if c.label == "V2")
    expected = [row[column] for row in table.rows[:3]]  # the cell-means table's V2 column
    assert list(lines["V2"].get_ydata()) == pytest.approx(expected)
    plt.close(ax.figure)
