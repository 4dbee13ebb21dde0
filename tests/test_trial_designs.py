"""FieldTrial with Latin-square, split-plot, strip-plot and factorial designs (issue 7)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reference_cases import load_case, oats_plots
from yieldtrial import FieldTrial
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.stats.anova_tables import anova
from yieldtrial.stats.factorial import factorial_anova
from yieldtrial.stats.multiple_range import two_level_letters
from yieldtrial.stats.splitplot import StrataAnova, split_plot_anova


@pytest.fixture(scope="module")
def oats_trial() -> FieldTrial:
    """Oats: varieties on whole plots (factors=("gen",)), nitrogen = treatment on sub-plots."""
    return FieldTrial.from_dataframe(
        oats_plots(), crop="wheat", control="0", design="split_plot", factors=("gen",)
    )


def _strata(trial: FieldTrial) -> StrataAnova:
    """Return the trial's ANOVA, checked to be a stratum ANOVA."""
    res = trial.anova()
    assert isinstance(res, StrataAnova)
    return res


def _row(table: pd.DataFrame, source: str) -> pd.Series:
    return table.loc[table["source"] == source].iloc[0]


# Venables & Ripley (2002) sec. 6.7, summary(aov(Y ~ N*V + Error(B/V))) on the oats:
# B 5 df SS 15875.3; V 2 df 1786.4; B:V (error a) 10 df 6013.3 (MS 601.3);
# N 3 df 20020.5; N:V 6 df 321.8; within (error b) 45 df 7968.8 (MS 177.1)
_PUBLISHED = {
    "block": (5, 15875.3),
    "gen": (2, 1786.4),
    "error_a": (10, 6013.3),
    "treatment": (3, 20020.5),
    "gen:treatment": (6, 321.8),
    "error_b": (45, 7968.8),
}


# ----------------------------------------------------------------------------- split plot


def test_split_plot_trial_gives_the_published_stratum_table(oats_trial: FieldTrial) -> None:
    """FieldTrial.anova() of the oats split plot equals the published ANOVA by stratum."""
    table = oats_trial.anova().table
    for source, (df, ss) in _PUBLISHED.items():
        row = _row(table, source)
        assert row["df"] == df
        assert row["sum_sq"] == pytest.approx(ss, abs=0.06)  # published rounded to 0.1
    assert _row(table, "gen")["error_term"] == "error_a"
    assert _row(table, "treatment")["error_term"] == "error_b"
    # V&R: F(V) = 893.2 / 601.3 = 1.485, F(N) = 6673.5 / 177.1 = 37.69
    assert _row(table, "gen")["f"] == pytest.approx(1.485, abs=5e-4)
    assert _row(table, "treatment")["f"] == pytest.approx(37.69, abs=5e-3)


def test_split_plot_trial_equals_the_direct_call(oats_trial: FieldTrial) -> None:
    """The trial passes its yields and design columns to split_plot_anova unchanged."""
    direct = split_plot_anova(
        oats_plots(), response="yield_kg_ha", block="block", whole_plot="gen",
        sub_plot="treatment",
    )  # fmt: skip
    pd.testing.assert_frame_equal(oats_trial.anova().table, direct.table)


def test_split_plot_trial_with_two_named_factors() -> None:
    """factors=(whole, sub) with a combined treatment label gives the same strata."""
    trial = FieldTrial.from_dataframe(
        oats_plots(treatment="combined"), crop="wheat", design="split_plot",
        factors=("gen", "nitro"),
    )  # fmt: skip
    table = trial.anova().table
    assert _row(table, "nitro")["sum_sq"] == pytest.approx(20020.5, abs=0.05)  # V&R sec. 6.7
    assert _row(table, "error_a")["df"] == 10
    assert trial.design_columns()["factors"] == ("gen", "nitro")
    assert "split_plot (gen x nitro)" in dict(trial._summary())["design"]


def test_whole_plot_comparisons_use_error_a(oats_trial: FieldTrial) -> None:
    """Variety comparisons through FieldTrial use error a: df 10, SED sqrt(2 Ea / (r b))."""
    ea, df_a = _strata(oats_trial).error("error_a")
    out = oats_trial.compare_to_control(kind="whole_plot", control="Victory")
    # hand derivation: r = 6 blocks, b = 4 nitrogen rates; Ea = 6013.3 / 10 = 601.33
    assert df_a == 10
    assert out["df"].tolist() == [10.0, 10.0]
    se_column = [c for c in out.columns if c.startswith("se_")][0]
    assert out[se_column].to_numpy() == pytest.approx(np.sqrt(2 * ea / (6 * 4)))
    assert np.sqrt(2 * ea / 24) == pytest.approx(7.079, abs=1e-3)  # sqrt(2 x 601.33 / 24)
    by_name = oats_trial.compare_to_control(kind="gen", control="Victory")
    pd.testing.assert_frame_equal(out, by_name)


def test_sub_plot_comparisons_use_error_b(oats_trial: FieldTrial) -> None:
    """Nitrogen (= treatment) comparisons use error b: df 45, SED sqrt(2 Eb / (r a))."""
    eb, df_b = _strata(oats_trial).error("error_b")
    out = oats_trial.compare_to_control()  # the trial's control "0", sub-plot means
    # hand derivation: r = 6 blocks, a = 3 varieties; Eb = 7968.8 / 45 = 177.08
    assert df_b == 45
    assert out["control"].unique().tolist() == ["0"]
    assert out["df"].tolist() == [45.0, 45.0, 45.0]
    se_column = [c for c in out.columns if c.startswith("se_")][0]
    assert out[se_column].to_numpy() == pytest.approx(np.sqrt(2 * eb / (6 * 3)))


def test_sub_plot_pairs_within_one_variety_use_sqrt_2eb_over_r(oats_trial: FieldTrial) -> None:
    """pairwise(kind='sub_plot_within_whole', at=...) uses SED sqrt(2 Eb / r) on error b df."""
    eb, _ = _strata(oats_trial).error("error_b")
    out = oats_trial.pairwise(kind="sub_plot_within_whole", at="Victory")
    # Gomez & Gomez (1984) ch. 5: two sub-plot means at one whole-plot level, r = 6
    assert out["df"].unique().tolist() == [45.0]
    se_column = [c for c in out.columns if c.startswith("se_")][0]
    assert out[se_column].to_numpy() == pytest.approx(np.sqrt(2 * eb / 6))


def test_split_plot_means_with_two_level_letters(oats_trial: FieldTrial) -> None:
    """means(two_level=True) adds Duncan letters_05/letters_01 from the sub-plot MeansModel."""
    table = oats_trial.means(two_level=True)
    mm = oats_trial.means_model()
    assert mm.error_term == "error_b" and mm.df == 45
    # expected: two_level_letters on the same error-b MeansModel
    ref = two_level_letters(mm).set_index("level")
    assert table["letters_05"].tolist() == ref.loc[table["treatment"], "letters_05"].tolist()
    assert table["letters_01"].tolist() == ref.loc[table["treatment"], "letters_01"].tolist()
    assert table["treatment"].tolist() == ["0.6", "0.4", "0.2", "0"]  # means 123.4 ... 79.4


def test_split_plot_whole_plot_means_table(oats_trial: FieldTrial) -> None:
    """means(kind='whole_plot') lists the varieties with error a in its provenance."""
    table = oats_trial.means(kind="whole_plot", letters="tukey")
    assert sorted(table["treatment"]) == ["GoldenRain", "Marvellous", "Victory"]
    assert table.attrs["provenance"]["error_term"] == "error_a"
    assert table.attrs["provenance"]["df_error"] == 10


def test_split_plot_kind_needed_when_treatment_is_not_a_factor() -> None:
    """With two named factors, means_model() needs kind= and lists the choices."""
    trial = FieldTrial.from_dataframe(
        oats_plots(treatment="combined"), crop="wheat", design="split_plot",
        factors=("gen", "nitro"),
    )  # fmt: skip
    with pytest.raises(DataValidationError, match="pass kind=<one of whole_plot, sub_plot"):
        trial.means_model()
    assert trial.means_model("nitro").error_term == "error_b"


def test_whole_plot_comparison_needs_a_control_level(oats_trial: FieldTrial) -> None:
    """Comparing varieties without control= names the variety levels."""
    with pytest.raises(DataValidationError, match="pass control='<level>'.*Victory"):
        oats_trial.compare_to_control(kind="whole_plot")


def test_strip_plot_trial_dispatches() -> None:
    """design='strip_plot' gives the three-error strip-plot table."""
    trial = FieldTrial.from_dataframe(
        oats_plots(), crop="wheat", design="strip_plot", factors=("gen",)
    )
    res = _strata(trial)
    assert res.design == "strip_plot"
    # strip-plot df (Gomez & Gomez sec. 3.5): error a (r-1)(a-1) = 10, b (r-1)(b-1) = 15,
    # c (r-1)(a-1)(b-1) = 30
    assert [res.error(e)[1] for e in ("error_a", "error_b", "error_c")] == [10, 15, 30]
    assert trial.means_model("vertical").error_term == "error_b"


# ----------------------------------------------------------------------------- Latin square


def rocket_plots() -> pd.DataFrame:
    """Montgomery's rocket-propellant Latin square (batches = rows, operators = columns)."""
    case = load_case("montgomery_rocket_latin")
    df = pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])
    df = df.rename(
        columns={
            "batch": "row",
            "operator": "column",
            "formulation": "treatment",
            "y": "yield_kg_ha",
        }
    )
    df["plot_id"] = [str(i + 1) for i in range(len(df))]
    return df


def test_latin_trial_matches_montgomery() -> None:
    """FieldTrial(design='latin').anova() equals Montgomery Table 4.10 (330, 68, 150, 128)."""
    trial = FieldTrial.from_dataframe(rocket_plots(), crop="wheat", design="latin", control="A")
    table = trial.anova().table.set_index("source")
    # Montgomery, Design and Analysis of Experiments, Table 4.10
    assert table.loc["treatment", "sum_sq"] == pytest.approx(330.0)
    assert table.loc["row", "sum_sq"] == pytest.approx(68.0)
    assert table.loc["column", "sum_sq"] == pytest.approx(150.0)
    assert table.loc["residual", "sum_sq"] == pytest.approx(128.0)
    assert table.loc["residual", "df"] == 12


def test_latin_trial_comparisons_use_the_latin_error() -> None:
    """Latin-square comparisons use MSE 10.67 on 12 df (Montgomery Table 4.10)."""
    trial = FieldTrial.from_dataframe(rocket_plots(), crop="wheat", design="latin", control="A")
    out = trial.compare_to_control()
    assert out["df"].unique().tolist() == [12.0]
    se_column = [c for c in out.columns if c.startswith("se_")][0]
    # SED = sqrt(2 x 128/12 / 5) with 5 plots per formulation
    assert out[se_column].to_numpy() == pytest.approx(np.sqrt(2 * (128 / 12) / 5))


def test_latin_trial_needs_row_and_column() -> None:
    """design='latin' without a column column is refused, naming it."""
    plots = rocket_plots().drop(columns=["column"])
    with pytest.raises(DataValidationError, match="design 'latin' needs row and column"):
        FieldTrial.from_dataframe(plots, crop="wheat", design="latin")


# ----------------------------------------------------------------------------- factorial


def battery_plots() -> pd.DataFrame:
    """Montgomery's battery factorial (Example 5.1): material x temperature, 4 per cell."""
    cells = load_case("montgomery_battery_factorial")["data"]["cells"]
    rows = [
        {"material": key.split("|")[0], "temperature": float(key.split("|")[1]), "life": v}
        for key, values in cells.items()
        for v in values
    ]
    df = pd.DataFrame(rows)
    df["plot_id"] = [str(i + 1) for i in range(len(df))]
    df["treatment"] = df["material"] + "|" + df["temperature"].astype(str)
    df["yield_kg_ha"] = df["life"].astype(float)
    return df


def test_factorial_trial_matches_montgomery() -> None:
    """FieldTrial(design='factorial') gives Montgomery Table 5.5 (CRD, no block column)."""
    trial = FieldTrial.from_dataframe(
        battery_plots(), crop="wheat", design="factorial", factors=("material", "temperature")
    )
    res = trial.anova()
    table = res.table.set_index("source")
    exp = {k: v["value"] for k, v in load_case("montgomery_battery_factorial")["expected"].items()}
    assert table.loc["material", "sum_sq"] == pytest.approx(exp["ss_material"], abs=0.01)
    assert table.loc["temperature", "sum_sq"] == pytest.approx(exp["ss_temperature"], abs=0.01)
    assert table.loc["material:temperature", "sum_sq"] == pytest.approx(
        exp["ss_interaction"], abs=0.01
    )
    assert table.loc["residual", "df"] == exp["df_error"]
    # numeric temperatures 15.0, 70.0 are labels "15", "70" (as read_plots writes labels)
    mm = trial.means_model("material", at="70")
    assert mm.estimates == pytest.approx([57.25, 119.75, 145.75])  # Montgomery cell means


def test_factorial_trial_equals_the_direct_call() -> None:
    """The trial's factorial ANOVA equals factorial_anova on the same yields."""
    plots = battery_plots()
    trial = FieldTrial.from_dataframe(
        plots, crop="wheat", design="factorial", factors=("material", "temperature")
    )
    data = plots.assign(temperature=plots["temperature"].map(lambda v: f"{v:g}"))
    direct = factorial_anova(
        data, response="yield_kg_ha", factor_a="material", factor_b="temperature"
    )
    pd.testing.assert_frame_equal(trial.anova().table, direct.table)


def test_factorial_trial_in_blocks() -> None:
    """A factorial trial with a block column is analysed as a factorial RCBD."""
    trial = FieldTrial.from_dataframe(
        oats_plots(), crop="wheat", design="factorial", factors=("gen",)
    )
    res = trial.anova()
    direct = anova(
        oats_plots(), response="yield_kg_ha", block="block", design="factorial",
        factor_a="gen", factor_b="treatment",
    )  # fmt: skip
    pd.testing.assert_frame_equal(res.table, direct.table)
    assert res.table["source"].iloc[0] == "block"
    assert trial.means_model().factor == "treatment"  # treatment is factor B


def test_factorial_trial_diagnostics_use_the_full_model_residuals() -> None:
    """diagnostics() of a factorial uses the A x B cell model: MSE 675.21 on 27 df."""
    trial = FieldTrial.from_dataframe(
        battery_plots(), crop="wheat", design="factorial", factors=("material", "temperature")
    )
    diag = trial.diagnostics(cv_warn_pct=100.0, cv_strong_pct=200.0)  # battery CV is ~25 %
    # Montgomery Table 5.5: error MS 675.21 on 27 df
    assert diag.df_error == 27
    assert diag.fit is not None and diag.fit.mse == pytest.approx(675.21, abs=0.005)


# ----------------------------------------------------------------------------- CRD/RCBD, errors


def test_rcbd_two_level_means_keep_the_plain_columns() -> None:
    """means(two_level=True) on an RCBD is means() plus letters_05 and letters_01."""
    # the oats read as an RCBD of the nitrogen rates (varieties ignored): only the columns matter
    trial = FieldTrial.from_dataframe(oats_plots(), crop="wheat", control="0", design="rcbd")
    plain = trial.means()
    both = trial.means(two_level="snk")
    pd.testing.assert_frame_equal(both.drop(columns=["letters_05", "letters_01"]), plain)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"design": "rcbd", "factors": ("gen",)}, r"factors=\('gen',\) applies to the two-factor"),
        ({"design": "split_plot"}, r"needs factors=\(<whole-plot column>, <sub-plot column>\)"),
        (
            {"design": "split_plot", "factors": ("variety",)},
            r"'variety' \(whole_plot in trial.toml\) is not in the plot table",
        ),
        ({"design": "factorial", "factors": ("gen", "gen")}, r"two different columns"),
    ],
)
def test_design_setting_errors(kwargs: dict, message: str) -> None:
    """Inconsistent design settings are refused at construction, naming what is needed."""
    with pytest.raises(DataValidationError, match=message):
        FieldTrial.from_dataframe(oats_plots(), crop="wheat", **kwargs)


def test_split_plot_needs_blocks() -> None:
    """design='split_plot' without a block column is refused."""
    with pytest.raises(DataValidationError, match="design 'split_plot' needs a block column"):
        FieldTrial.from_dataframe(
            oats_plots().drop(columns=["block"]), crop="wheat", design="split_plot",
            factors=("gen",),
        )  # fmt: skip


def test_split_plot_trial_diagnostics_use_the_sub_plot_stratum(oats_trial: FieldTrial) -> None:
    """diagnostics() of a split plot checks the sub-plot residuals: error b 177.08 on 45 df."""
    diag = oats_trial.diagnostics(cv_warn_pct=30.0, cv_strong_pct=40.0)  # CVs 12.8 / 23.6 %
    assert diag.df_error == 45 and diag.strata is not None
    # Venables & Ripley (2002) sec. 6.7: error b SS 7968.75 / 45 df = 177.0833
    resid = diag.residuals["residual"].to_numpy()
    assert float(resid @ resid) / 45 == pytest.approx(177.0833, abs=1e-4)
    assert diag.residuals["plot_id"].tolist()[:2] == ["1", "2"]
    assert any(w.startswith("not checked: the error_a stratum") for w in diag.warnings)


def test_strip_plot_trial_diagnostics_do_not_raise() -> None:
    """A strip-plot trial gets diagnostics on its intersection stratum (error c, 30 df)."""
    trial = FieldTrial.from_dataframe(
        oats_plots(), crop="wheat", control="0", design="strip_plot", factors=("gen",)
    )
    diag = trial.diagnostics(cv_warn_pct=30.0, cv_strong_pct=40.0)
    assert diag.df_error == 30  # (6 - 1)(3 - 1)(4 - 1) (hand)
    assert diag.shapiro[1] > 0.0 and np.isfinite(diag.levene[1])


def test_replace_keeps_factors(oats_trial: FieldTrial) -> None:
    """replace(design='factorial') keeps the factors; repr shows them."""
    other = oats_trial.replace(design="factorial")
    assert other.factors == ("gen",)
    assert "factors=('gen',)" in repr(other)


# ----------------------------------------------------------------------------- at= and detection


def test_pairwise_at_a_variety_compares_nitrogen_within_it(oats_trial: FieldTrial) -> None:
    """pairwise(at='Victory') compares N rates within Victory (sqrt(2 Eb / r)), not overall."""
    eb, _ = _strata(oats_trial).error("error_b")
    out = oats_trial.pairwise(at="Victory")
    # Gomez & Gomez (1984) ch. 5: two sub-plot means at one whole-plot level, r = 6
    assert out["se_kg_ha"].to_numpy() == pytest.approx(np.sqrt(2 * eb / 6))
    assert out["df"].unique().tolist() == [45.0]
    # differences of the Victory cell means, computed here from the published plot yields
    plots = oats_plots()
    victory = plots[plots["gen"] == "Victory"].groupby("nitro")["yield_kg_ha"].mean()
    want = [victory[a] - victory[b] for a, b in zip(out["group1"], out["group2"], strict=True)]
    assert out["difference_kg_ha"].to_numpy() == pytest.approx(want)


def test_means_and_control_at_a_variety(oats_trial: FieldTrial) -> None:
    """means(at=) and compare_to_control(at=) give the Victory means, not the overall N means."""
    plots = oats_plots()
    victory = plots[plots["gen"] == "Victory"].groupby("nitro")["yield_kg_ha"].mean()
    table = oats_trial.means(at="Victory").set_index("treatment")["yield_kg_ha"]
    # Victory cell means of the published yields (computed here)
    assert table.sort_index().to_numpy() == pytest.approx(victory.sort_index().to_numpy())
    dunnett = oats_trial.compare_to_control(at="Victory")
    assert dunnett["mean_treatment_kg_ha"].to_numpy() == pytest.approx(
        victory.loc[dunnett["treatment"]].to_numpy()
    )


def _filled(book: pd.DataFrame) -> pd.DataFrame:
    """Fill the harvest columns of a field book (masses vary by plot)."""
    n = len(book)
    return book.assign(
        harvested_area_m2=20.0,
        fresh_mass_kg=10.0 + (np.arange(n) * 7 % 5) * 0.3,
        moisture_pct=13.0,
        impurity_pct=1.0,
    )


def test_split_plot_field_book_is_detected() -> None:
    """A yieldtrial.design.split_plot field book is read back as a split plot with its factors."""
    from yieldtrial.design import split_plot

    book = split_plot(
        ["I0", "I1"],
        ["N0", "N1", "N2"],
        blocks=3,
        seed=1,
        main_factor="irrigation",
        sub_factor="nitrogen",
    )
    trial = FieldTrial.from_dataframe(_filled(book), crop="wheat")
    assert trial.design == "split_plot"
    assert trial.factors == ("irrigation", "nitrogen")
    assert "detected from the layout" in trial.metadata["design_source"]
    table = _strata(trial).table
    # split-plot df (Gomez & Gomez 1984 sec. 3.4), r = 3, a = 2, b = 3: block r-1 = 2,
    # error a (r-1)(a-1) = 2, B b-1 = 2, AxB (a-1)(b-1) = 2, error b a(r-1)(b-1) = 8
    df = dict(zip(table["source"], table["df"], strict=True))
    assert [df[s] for s in ("block", "irrigation", "error_a", "nitrogen", "error_b")] == [
        2,
        1,
        2,
        2,
        8,
    ]


def test_latin_square_field_book_is_detected() -> None:
    """A yieldtrial.design.latin_square field book (row/column, no block) is analysed as Latin."""
    from yieldtrial.design import latin_square

    trial = FieldTrial.from_dataframe(
        _filled(latin_square(["A", "B", "C", "D"], seed=2)), crop="wheat"
    )
    assert trial.design == "latin"
    table = trial.anova().table
    # t x t Latin square (Gomez & Gomez 1984 sec. 2.3), t = 4: rows, columns, treatments
    # t-1 = 3 df each, error (t-1)(t-2) = 6
    df = dict(zip(table["source"], table["df"], strict=True))
    assert [df[s] for s in ("row", "column", "treatment", "residual")] == [3, 3, 3, 6]


def test_crd_field_book_with_rows_and_columns_stays_crd() -> None:
    """A CRD laid out on a 4 x 4 grid is not a Latin square: it stays CRD."""
    from yieldtrial.design import crd

    book = crd(["A", "B", "C", "D"], replicates=4, seed=2, columns=4)
    trial = FieldTrial.from_dataframe(_filled(book), crop="wheat")
    assert trial.design == "crd"
    assert "design_source" not in trial.metadata


def test_given_design_wins_over_detection() -> None:
    """design='rcbd' on a split-plot field book is honoured (detection only when design is None)."""
    from yieldtrial.design import split_plot

    book = split_plot(["I0", "I1"], ["N0", "N1"], blocks=3, seed=4)
    trial = FieldTrial.from_dataframe(_filled(book), crop="wheat", design="rcbd")
    assert trial.design == "rcbd" and trial.factors == ()


def _augmented_plots() -> pd.DataFrame:
    """Return the augmentedRCBD vignette's Table 1 (tests/data/reference) as a plot table."""
    case = json.loads(
        (Path(__file__).parent / "data/reference/augmentedrcbd_vignette.json").read_text(
            encoding="utf-8"
        )
    )
    data = pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])
    plots = data.rename(columns={"y1": "yield_kg_ha"})[["block", "treatment", "yield_kg_ha"]]
    plots.insert(0, "plot_id", [str(i) for i in range(1, len(plots) + 1)])
    return plots.astype({"block": str, "treatment": str})


def test_augmented_lost_entry_is_left_out_with_a_warning() -> None:
    """One lost entry plot warns and leaves the entry out; the others are as without its row.

    Expected: the same trial with that row deleted by hand (an entry's only plot adds nothing
    to the block effects or the error, Federer 1956).
    """
    plots = _augmented_plots()
    entries = plots["treatment"].value_counts()
    lost = str(entries[entries == 1].index[0])
    with_loss = plots.assign(yield_kg_ha=plots["yield_kg_ha"].where(plots["treatment"] != lost))
    message = rf"augmented design: 1 entry without a yield.*'{lost}'"
    with pytest.warns(YieldTrialWarning, match=message):
        trial = FieldTrial.from_dataframe(with_loss, crop="wheat", design="augmented")
    expected = FieldTrial.from_dataframe(
        plots[plots["treatment"] != lost], crop="wheat", design="augmented"
    )
    assert lost not in trial.treatments
    got = trial.means().set_index("treatment")
    want = expected.means().set_index("treatment")
    pd.testing.assert_frame_equal(got, want)


def test_augmented_check_without_any_yield_is_still_an_error() -> None:
    """A check (replicated in every block) with no yield cannot be left out: an error."""
    plots = _augmented_plots()
    check = str(plots["treatment"].value_counts().index[0])
    no_check = plots.assign(yield_kg_ha=plots["yield_kg_ha"].where(plots["treatment"] != check))
    trial = FieldTrial.from_dataframe(no_check, crop="wheat", design="augmented")
    with pytest.raises(DataValidationError, match=rf"treatment '{check}'.*has no observed yield"):
        trial.means()


def test_strip_plot_whose_vertical_labels_combine_both_factors_is_refused() -> None:
    """Oats with treatment 'Victory:0.0' as the second factor next to gen: nested, not crossed.

    Every treatment label occurs with one variety only, so the vertical means would not be
    estimable; the message names the column holding the nitrogen rates alone (nitro).
    """
    with pytest.raises(
        DataValidationError,
        match=r"the vertical factor column 'treatment' has each of its labels under one "
        r"horizontal level of 'gen' only .*The column 'nitro' holds the vertical levels alone: "
        r'name it in trial.toml \[analysis\] \(horizontal = "gen", vertical = "nitro"\)',
    ):
        FieldTrial.from_dataframe(
            oats_plots(treatment="gen:nitro"), crop="wheat", design="strip_plot", factors=("gen",)
        )


def test_the_messages_name_the_trial_toml_role_keys() -> None:
    """design.resolve.FACTOR_KEYS (for messages) are the keys config.py reads."""
    from yieldtrial.config import FACTOR_ROLES
    from yieldtrial.design.resolve import FACTOR_KEYS

    assert FACTOR_KEYS == FACTOR_ROLES


def _filled_split_plot_book() -> pd.DataFrame:
    from yieldtrial.design import split_plot

    book = split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    n = len(book)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 14.0 + (np.arange(n) * 7 % 11) / 10
    book["moisture_pct"] = 13.0
    book["impurity_pct"] = 1.0
    return book


def test_declared_split_plot_finds_the_field_book_factors() -> None:
    """design='split_plot' on a `design split_plot` field book needs no factors=.

    It was refused ("needs factors=") although detection (design=None) finds the book's
    factor columns main and sub; both routes now give the same model.
    """
    book = _filled_split_plot_book()
    declared = FieldTrial.from_dataframe(book, crop="wheat", design="split_plot")
    detected = FieldTrial.from_dataframe(book, crop="wheat")
    assert declared.factors == detected.factors == ("main", "sub")
    pd.testing.assert_frame_equal(declared.anova().table, detected.anova().table)


def test_augmented_trial_whose_every_entry_is_lost_names_them():
    """Stop 40: "found 2 check(s) and 0 entr(y/ies) ... Pass checks=[...]" named no entry."""
    from yieldtrial.design import augmented_design

    book = augmented_design(["CK1", "CK2"], ["E1", "E2", "E3"], blocks=2, seed=1)
    book["yield_kg_ha"] = np.where(book["entry_type"] == "check", 7000.0 + book.index, np.nan)
    with pytest.raises(DataValidationError, match=r"^augmented design: every entry's plot is "
                       r"lost \(no yield\): 'E\d' \(plot '\d+'\), 'E\d' \(plot '\d+'\), "
                       r"'E\d' \(plot '\d+'\); only the checks are left"):  # fmt: skip
        FieldTrial(book, crop="wheat", design="augmented", control="CK1")
