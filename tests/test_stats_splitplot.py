"""Split-plot and strip-plot stratum ANOVA (yieldtrial.stats.splitplot)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from yieldtrial.errors import DataValidationError
from yieldtrial.stats.splitplot import (
    SPLIT_PLOT_COMPARISONS,
    STRIP_PLOT_COMPARISONS,
    satterthwaite_df,
    split_plot_anova,
    strip_plot_anova,
)

REFERENCE = Path(__file__).parent / "data" / "reference" / "yates_oats_splitplot.json"


def _oats_case() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def oats() -> pd.DataFrame:
    """Load Yates' oats split-plot (Yates 1935; agridat yates.oats; MASS::oats)."""
    case = _oats_case()
    return pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])


@pytest.fixture(scope="module")
def oats_result():
    """Analyse the oats split-plot (varieties on whole plots, nitrogen on sub-plots)."""
    return split_plot_anova(
        oats(), response="yield", block="block", whole_plot="gen", sub_plot="nitro"
    )


def _row(result, source: str) -> pd.Series:
    return result.table.loc[result.table["source"] == source].iloc[0]


# ----------------------------------------------------------------------------- published table

_EXPECTED_ROWS = {
    "block": "block",
    "gen": "gen",
    "error_a": "error_a",
    "nitro": "nitro",
    "gen_nitro": "gen:nitro",
    "error_b": "error_b",
}


@pytest.mark.parametrize("name", sorted(_oats_case()["expected"]))
def test_oats_anova_matches_published_strata(oats_result, name: str) -> None:
    """Every figure of the oats stratum ANOVA equals Venables & Ripley (2002) sec. 6.7."""
    # expected values: tests/data/reference/yates_oats_splitplot.json (V&R 4th ed. sec. 6.7,
    # summary(aov(Y ~ N*V + Error(B/V))): B 5 15875.3; V 2 1786.4 893.2 F 1.485;
    # B:V residual 10 6013.3 601.3; N 3 20020.5 6673.5 F 37.69; N:V 6 321.8 53.6 F 0.303;
    # within residual 45 7968.8 177.1)
    spec = _oats_case()["expected"][name]
    stat, source = name.split("_", 1)
    row = _row(oats_result, _EXPECTED_ROWS[source])
    column = {"df": "df", "ss": "sum_sq", "ms": "mean_sq", "f": "f"}[stat]
    assert row[column] == pytest.approx(spec["value"], abs=spec["abs_tol"])


def test_oats_strata_and_error_terms(oats_result) -> None:
    """Variety is tested against error a (block x variety), nitrogen and N x V against error b."""
    table = oats_result.table
    assert table["stratum"].tolist() == [
        "block",
        "whole_plot",
        "whole_plot",
        "sub_plot",
        "sub_plot",
        "sub_plot",
        "total",
    ]
    assert dict(zip(table["source"], table["error_term"], strict=True)) == {
        "block": "",
        "gen": "error_a",
        "error_a": "",
        "nitro": "error_b",
        "gen:nitro": "error_b",
        "error_b": "",
        "total": "",
    }
    # F = MS(term) / MS(its error); p from F(df_term, df_error) -- hand derivation
    ms_a, ms_b = _row(oats_result, "error_a")["mean_sq"], _row(oats_result, "error_b")["mean_sq"]
    gen = _row(oats_result, "gen")
    assert gen["f"] == pytest.approx(gen["mean_sq"] / ms_a, rel=1e-12)
    assert gen["p_value"] == pytest.approx(stats.f.sf(gen["f"], 2, 10), rel=1e-10)
    nitro = _row(oats_result, "nitro")
    assert nitro["f"] == pytest.approx(nitro["mean_sq"] / ms_b, rel=1e-12)
    # V&R print P = 0.27239 for varieties (sec. 6.7)
    assert gen["p_value"] == pytest.approx(0.27239, abs=5e-5)


def test_oats_sums_of_squares_match_statsmodels(oats_result) -> None:
    """Every stratum SS equals statsmodels' sequential SS of the equivalent fixed model."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    df = oats().rename(columns={"yield": "y"})
    ols = smf.ols(
        "y ~ C(block) + C(gen) + C(block):C(gen) + C(nitro) + C(gen):C(nitro)", data=df
    ).fit()
    ref = sm.stats.anova_lm(ols, typ=1)
    mapping = {
        "block": "C(block)",
        "gen": "C(gen)",
        "error_a": "C(block):C(gen)",
        "nitro": "C(nitro)",
        "gen:nitro": "C(gen):C(nitro)",
        "error_b": "Residual",
    }
    for ours, theirs in mapping.items():
        assert _row(oats_result, ours)["sum_sq"] == pytest.approx(
            ref.loc[theirs, "sum_sq"], rel=1e-10
        )
        assert _row(oats_result, ours)["df"] == ref.loc[theirs, "df"]


def test_oats_total_is_sum_of_parts(oats_result) -> None:
    """Total SS and df are the sums over the strata (orthogonal decomposition)."""
    table = oats_result.table
    parts = table[table["source"] != "total"]
    total = _row(oats_result, "total")
    assert total["sum_sq"] == pytest.approx(parts["sum_sq"].sum(), rel=1e-12)
    assert total["df"] == parts["df"].sum() == 71


def test_oats_misanalysed_as_rcbd_factorial_overstates_variety(oats_result) -> None:
    """Pooling the errors (one residual) tests varieties against the wrong, smaller error."""
    from yieldtrial.stats.factorial import factorial_anova

    wrong = factorial_anova(
        oats(), response="yield", factor_a="gen", factor_b="nitro", block="block"
    )
    wrong_f = wrong.table.loc[wrong.table["source"] == "gen", "f"].iloc[0]
    # pooled residual = (6013.31 + 7968.75) / (10 + 45) = 254.22, F = 893.18 / 254.22 = 3.51
    assert wrong_f == pytest.approx(893.1806 / ((6013.3056 + 7968.75) / 55), rel=1e-6)
    assert wrong_f > 2 * _row(oats_result, "gen")["f"]


# ----------------------------------------------------------------------------- SEDs


def test_oats_sed_formulas(oats_result) -> None:
    """SEDs follow Gomez & Gomez (1984) ch. 5 with r=6 blocks, a=3 varieties, b=4 rates."""
    ea, eb = 6013.305556 / 10, 7968.75 / 45  # error mean squares from the table above
    sed = oats_result.sed.set_index("comparison")
    assert list(sed.index) == list(SPLIT_PLOT_COMPARISONS)
    # two variety means: sqrt(2 Ea / (r b)) = sqrt(2 * 601.33 / 24) = 7.079
    assert sed.loc["whole_plot", "sed"] == pytest.approx(np.sqrt(2 * ea / 24), rel=1e-9)
    assert sed.loc["whole_plot", "sed"] == pytest.approx(7.079, abs=5e-4)
    assert sed.loc["whole_plot", "df"] == 10
    # two nitrogen means: sqrt(2 Eb / (r a)) = sqrt(2 * 177.08 / 18) = 4.436
    assert sed.loc["sub_plot", "sed"] == pytest.approx(4.436, abs=5e-4)
    assert sed.loc["sub_plot", "df"] == 45
    # two nitrogen means at one variety: sqrt(2 Eb / r) = 7.683
    assert sed.loc["sub_plot_within_whole", "sed"] == pytest.approx(np.sqrt(2 * eb / 6), rel=1e-9)
    # two variety means at one nitrogen rate: sqrt(2 ((b-1) Eb + Ea) / (r b)) = 9.715
    wp = np.sqrt(2 * (3 * eb + ea) / 24)
    assert sed.loc["whole_plot_within_sub", "sed"] == pytest.approx(wp, rel=1e-9)
    assert sed.loc["whole_plot_within_sub", "sed"] == pytest.approx(9.715, abs=5e-4)
    # Satterthwaite df: (3 Eb + Ea)^2 / ((3 Eb)^2 / 45 + Ea^2 / 10)
    df_s = (3 * eb + ea) ** 2 / ((3 * eb) ** 2 / 45 + ea**2 / 10)
    assert sed.loc["whole_plot_within_sub", "df"] == pytest.approx(df_s, rel=1e-8)
    # LSD = t_{0.025, df} * SED
    assert sed.loc["whole_plot", "lsd"] == pytest.approx(
        stats.t.ppf(0.975, 10) * sed.loc["whole_plot", "sed"], rel=1e-12
    )


def test_oats_seds_match_statsmodels_mixedlm(oats_result) -> None:
    """REML with a random whole-plot effect gives the same SEDs (balanced data, positive VC)."""
    import warnings

    import statsmodels.formula.api as smf

    df = oats().rename(columns={"yield": "y"})
    df["wholeplot"] = df["block"] + ":" + df["gen"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mixed = smf.mixedlm("y ~ C(block) + C(gen) * C(nitro)", df, groups=df["wholeplot"]).fit(
            reml=True
        )
    names = mixed.model.exog_names
    exog = pd.DataFrame(mixed.model.exog, columns=names)
    cov = mixed.cov_params().loc[names, names].to_numpy()

    def sed(mask_a: np.ndarray, mask_b: np.ndarray) -> float:
        contrast = exog[mask_a].mean().to_numpy() - exog[mask_b].mean().to_numpy()
        return float(np.sqrt(contrast @ cov @ contrast))

    gen, nitro = df["gen"].to_numpy(), df["nitro"].to_numpy()
    ours = oats_result.sed.set_index("comparison")["sed"]
    assert sed(gen == "GoldenRain", gen == "Victory") == pytest.approx(ours["whole_plot"], rel=1e-3)
    assert sed(nitro == "0", nitro == "0.6") == pytest.approx(ours["sub_plot"], rel=1e-3)
    assert sed((gen == "Victory") & (nitro == "0"), (gen == "Victory") & (nitro == "0.4")) == (
        pytest.approx(ours["sub_plot_within_whole"], rel=1e-3)
    )
    assert sed(
        (gen == "Victory") & (nitro == "0.2"), (gen == "Marvellous") & (nitro == "0.2")
    ) == pytest.approx(ours["whole_plot_within_sub"], rel=1e-3)


def test_satterthwaite_df_single_term_is_its_df() -> None:
    """One mean square alone keeps its own df (hand derivation: (c MS)^2 / ((c MS)^2 / df))."""
    assert satterthwaite_df(np.array([2.0]), np.array([5.0]), np.array([7.0])) == pytest.approx(7)


# ----------------------------------------------------------------------------- MeansModels


@pytest.mark.parametrize("kind", SPLIT_PLOT_COMPARISONS)
def test_means_model_reproduces_sed(oats_result, kind: str) -> None:
    """Every pair of a kind's MeansModel has exactly the SED and df of the SED table."""
    at = {"sub_plot_within_whole": "Victory", "whole_plot_within_sub": "0.2"}.get(kind)
    mm = oats_result.means_model(kind, at=at)
    row = oats_result.sed.set_index("comparison").loc[kind]
    k = len(mm.levels)
    for i in range(k):
        for j in range(i + 1, k):
            w = np.zeros(k)
            w[i], w[j] = 1.0, -1.0
            assert mm.contrast(w)[1] == pytest.approx(row["sed"], rel=1e-10)
    assert mm.df == pytest.approx(row["df"])
    assert np.all(np.linalg.eigvalsh(mm.cov) > 0)
    assert mm.design == "split_plot"


def test_whole_plot_means_model_uses_error_a(oats_result) -> None:
    """Variety means: raw means (balanced), error a, 10 df, SE sqrt(Ea / (r b))."""
    mm = oats_result.means_model("whole_plot")
    assert mm.levels == ("GoldenRain", "Marvellous", "Victory")
    # variety means 104.5, 109.79, 97.625 (V&R sec. 6.7 model.tables)
    assert mm.estimates == pytest.approx([104.5, 109.7916667, 97.625], abs=1e-6)
    assert mm.error_term == "error_a"
    assert mm.df == 10
    assert mm.se == pytest.approx(np.sqrt(601.330556 / 24) * np.ones(3), rel=1e-6)


def test_within_kinds_need_a_level(oats_result) -> None:
    """A *_within_* kind without at= or with an unknown level is refused with the levels listed."""
    with pytest.raises(DataValidationError, match="pass at="):
        oats_result.means_model("sub_plot_within_whole")
    with pytest.raises(DataValidationError, match="not a level of 'gen'"):
        oats_result.means_model("sub_plot_within_whole", at="Nonesuch")
    with pytest.raises(DataValidationError, match="unknown comparison kind"):
        oats_result.means_model("interaction")


def test_duncan_and_dunnett_run_on_split_plot_means(oats_result) -> None:
    """Comparisons reuse the MeansModel: nitrogen vs no nitrogen on error b (45 df)."""
    from yieldtrial.stats.compare import compare_means_to_control
    from yieldtrial.stats.multiple_range import duncan

    mm = oats_result.means_model("sub_plot")
    res = compare_means_to_control(mm, control="0")
    assert set(res["df"]) == {45.0}
    # every N rate beats no N: differences 19.5, 34.8, 44.0 vs SED 4.436
    assert (res["p_value_adjusted"] < 0.001).all()
    letters = duncan(mm).letters
    assert letters == {"0.6": "a", "0.4": "b", "0.2": "c", "0": "d"}
    # whole-plot (variety) comparisons: error a, 10 df, SED sqrt(2 * 601.3306 / 24) = 7.0789
    wp = compare_means_to_control(oats_result.means_model("whole_plot"), control="Victory")
    assert set(wp["df"]) == {10.0}
    se_col = [c for c in wp.columns if c.startswith("se")][0]
    assert wp[se_col].to_numpy() == pytest.approx([7.0789, 7.0789], abs=1e-4)


@pytest.mark.parametrize(
    ("design", "first", "second", "kinds"),
    [
        ("split", "whole_plot", "sub_plot", SPLIT_PLOT_COMPARISONS),
        ("strip", "horizontal", "vertical", STRIP_PLOT_COMPARISONS),
    ],
)
def test_differences_invariant_to_1e12_offset(
    design: str, first: str, second: str, kinds: tuple[str, ...]
) -> None:
    """Every kind's differences (and the cells') agree to 1e-9 after adding 1e12 to the yield."""
    func = split_plot_anova if design == "split" else strip_plot_anova
    data = oats()  # integer yields: exact at 1e12 (double spacing there 2**-13)
    moved = data.assign(**{"yield": data["yield"] + 1e12})
    factors: Any = {first: "gen", second: "nitro"}
    base, other = (func(d, response="yield", block="block", **factors) for d in (data, moved))
    for kind in (*kinds, "cells"):
        at = None
        if kind.endswith(("_within_whole", "_within_horizontal")):
            at = "Victory"
        elif kind.endswith(("_within_sub", "_within_vertical")):
            at = "0.2"
        mm0, mm1 = base.means_model(kind, at=at), other.means_model(kind, at=at)
        assert mm1.estimates_centred is not None
        k = len(mm0.levels)
        weights = np.eye(k)[1:] - np.eye(k)[0]  # each level minus the first
        d0 = [mm0.contrast(w)[0] for w in weights]
        d1 = [mm1.contrast(w)[0] for w in weights]
        np.testing.assert_allclose(d1, d0, atol=1e-9)


def test_means_table_margins(oats_result) -> None:
    """Cell means with variety and nitrogen margins (balanced: margins = means of cells)."""
    table = oats_result.means_table()
    # V&R model.tables: GoldenRain at 0 cwt = 80.0, grand mean 103.97
    assert table.loc["GoldenRain", "0"] == pytest.approx(80.0)
    assert table.loc["mean", "mean"] == pytest.approx(103.9722222, abs=1e-6)
    assert table.loc["Victory", "mean"] == pytest.approx(97.625)


def test_cv_per_error(oats_result) -> None:
    """CV(a) = 100 sqrt(Ea) / mean, CV(b) = 100 sqrt(Eb) / mean (Gomez & Gomez sec. 3.4)."""
    assert oats_result.cv_pct["error_a"] == pytest.approx(
        100 * np.sqrt(601.330556) / 103.972222, rel=1e-6
    )
    assert oats_result.cv_pct["error_b"] == pytest.approx(
        100 * np.sqrt(177.083333) / 103.972222, rel=1e-6
    )


def test_provenance_names_both_errors(oats_result) -> None:
    """Provenance records the design, the strata formula and each error's df."""
    prov = oats_result.to_frame().attrs["provenance"]
    assert prov["design"] == "split_plot"
    assert prov["model"] == "yield ~ gen * nitro + Error(block/gen)"
    assert "error_a = block:gen (10 df)" in prov["error_term"]
    assert "error_b = residual (45 df)" in prov["error_term"]


# ----------------------------------------------------------------------------- validation


def test_missing_plot_is_reported_with_its_cell() -> None:
    """A blank sub-plot is refused, naming block, variety and nitrogen level."""
    df = oats()
    df.loc[0, "yield"] = np.nan
    with pytest.raises(DataValidationError, match="block=B1, gen=GoldenRain, nitro=0"):
        split_plot_anova(df, response="yield", block="block", whole_plot="gen", sub_plot="nitro")


def test_duplicate_plot_is_refused() -> None:
    """Two records for one block x whole x sub cell are refused."""
    df = pd.concat([oats(), oats().iloc[[0]]], ignore_index=True)
    with pytest.raises(DataValidationError, match="2 plots share"):
        split_plot_anova(df, response="yield", block="block", whole_plot="gen", sub_plot="nitro")


def test_unknown_column_is_refused() -> None:
    """A wrong column name lists the available columns."""
    with pytest.raises(DataValidationError, match="column\\(s\\) not found.*variety"):
        split_plot_anova(
            oats(), response="yield", block="block", whole_plot="variety", sub_plot="nitro"
        )


def test_non_numeric_response_is_refused() -> None:
    """Text in the response column names the row."""
    df = oats().astype({"yield": object})
    df.loc[3, "yield"] = "n/a"
    with pytest.raises(DataValidationError, match="row 3"):
        split_plot_anova(df, response="yield", block="block", whole_plot="gen", sub_plot="nitro")


def test_bad_alpha_is_refused() -> None:
    """Refuse alpha outside (0, 1)."""
    with pytest.raises(DataValidationError, match="alpha"):
        split_plot_anova(
            oats(), response="yield", block="block", whole_plot="gen", sub_plot="nitro", alpha=5
        )


# ----------------------------------------------------------------------------- strip plot


@pytest.fixture(scope="module")
def strip_result():
    """Analyse the oats data as if varieties and nitrogen were laid out in strips."""
    return strip_plot_anova(
        oats(), response="yield", block="block", horizontal="gen", vertical="nitro"
    )


def test_strip_plot_sums_of_squares_match_statsmodels(strip_result) -> None:
    """Strip-plot strata SS equal statsmodels' sequential SS; F tests use errors a, b, c."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    df = oats().rename(columns={"yield": "y"})
    ols = smf.ols(
        "y ~ C(block) + C(gen) + C(block):C(gen) + C(nitro) + C(block):C(nitro) + C(gen):C(nitro)",
        data=df,
    ).fit()
    ref = sm.stats.anova_lm(ols, typ=1)
    mapping = {
        "block": "C(block)",
        "gen": "C(gen)",
        "error_a": "C(block):C(gen)",
        "nitro": "C(nitro)",
        "error_b": "C(block):C(nitro)",
        "gen:nitro": "C(gen):C(nitro)",
        "error_c": "Residual",
    }
    for ours, theirs in mapping.items():
        assert _row(strip_result, ours)["sum_sq"] == pytest.approx(
            ref.loc[theirs, "sum_sq"], rel=1e-10
        )
        assert _row(strip_result, ours)["df"] == ref.loc[theirs, "df"]
    ms = {e: _row(strip_result, e)["mean_sq"] for e in ("error_a", "error_b", "error_c")}
    assert _row(strip_result, "nitro")["f"] == pytest.approx(
        _row(strip_result, "nitro")["mean_sq"] / ms["error_b"], rel=1e-12
    )
    assert _row(strip_result, "gen:nitro")["f"] == pytest.approx(
        _row(strip_result, "gen:nitro")["mean_sq"] / ms["error_c"], rel=1e-12
    )


@pytest.mark.parametrize("kind", STRIP_PLOT_COMPARISONS)
def test_strip_plot_means_model_reproduces_sed(strip_result, kind: str) -> None:
    """Strip-plot MeansModels reproduce the SED table (Gomez & Gomez ch. 5 formulas)."""
    at = {"vertical_within_horizontal": "Victory", "horizontal_within_vertical": "0"}.get(kind)
    mm = strip_result.means_model(kind, at=at)
    row = strip_result.sed.set_index("comparison").loc[kind]
    w = np.zeros(len(mm.levels))
    w[0], w[-1] = 1.0, -1.0
    assert mm.contrast(w)[1] == pytest.approx(row["sed"], rel=1e-10)
    ea, eb, ec = (strip_result.error(e)[0] for e in ("error_a", "error_b", "error_c"))
    expected = {
        "horizontal": 2 * ea / 24,  # 2 Ea / (r b)
        "vertical": 2 * eb / 18,  # 2 Eb / (r a)
        "vertical_within_horizontal": 2 * (2 * ec + eb) / 18,  # 2 ((a-1) Ec + Eb) / (r a)
        "horizontal_within_vertical": 2 * (3 * ec + ea) / 24,  # 2 ((b-1) Ec + Ea) / (r b)
    }[kind]
    assert row["sed"] ** 2 == pytest.approx(expected, rel=1e-12)


GOMEZ_STRIP = Path(__file__).parent / "data" / "reference" / "gomez_stripplot_rice.json"


def _gomez_case() -> dict:
    return json.loads(GOMEZ_STRIP.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gomez_strip():
    """Analyse Gomez & Gomez's rice strip-plot (Table 3.11: 6 varieties x 3 N rates, 3 reps)."""
    case = _gomez_case()
    df = pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])
    return strip_plot_anova(df, response="yield", block="rep", horizontal="gen", vertical="nitro")


_GOMEZ_ROWS = {
    "rep": "rep",
    "gen": "gen",
    "error_a": "error_a",
    "nitro": "nitro",
    "error_b": "error_b",
    "gen_nitro": "gen:nitro",
    "error_c": "error_c",
}


@pytest.mark.parametrize("name", sorted(_gomez_case()["expected"]))
def test_gomez_strip_plot_matches_table_3_15(gomez_strip, name: str) -> None:
    """Every figure of the strip-plot ANOVA equals Gomez & Gomez (1984) Table 3.15."""
    # expected values: tests/data/reference/gomez_stripplot_rice.json (Table 3.15: variety
    # 5 df SS 57,100,201 F 7.65; error a 10 df 14,922,619; nitrogen 2 df 50,676,061 F 34.07;
    # error b 4 df 2,974,908; V x N 10 df 23,877,979 F 5.80; error c 20 df 8,232,917)
    spec = _gomez_case()["expected"][name]
    stat, source = name.split("_", 1)
    row = _row(gomez_strip, _GOMEZ_ROWS[source])
    column = {"df": "df", "ss": "sum_sq", "f": "f"}[stat]
    assert row[column] == pytest.approx(spec["value"], abs=spec["abs_tol"])


@pytest.mark.parametrize("fixture", ["oats_result", "strip_result"])
def test_cells_means_model_has_the_right_sed_for_every_pair(fixture: str, request) -> None:
    """Cell means: same-A pairs get the within-A SED, other pairs the across-A/B SEDs."""
    res = request.getfixturevalue(fixture)
    mm = res.means_model("cells")
    a_levels, b_levels = res.levels[res.factor_a], res.levels[res.factor_b]
    assert len(mm.levels) == len(a_levels) * len(b_levels)
    sed = res.sed.set_index("comparison")["sed"]
    kinds = res.comparisons
    b = len(b_levels)

    def pair_sed(i: int, j: int) -> float:
        w = np.zeros(len(mm.levels))
        w[i], w[j] = 1.0, -1.0
        return mm.contrast(w)[1]

    # same A level, different B (cells 0 and 1): "B within A" SED
    assert pair_sed(0, 1) == pytest.approx(sed[kinds[2]], rel=1e-10)
    # same B level, different A (cells 0 and b): "A within B" SED
    assert pair_sed(0, b) == pytest.approx(sed[kinds[3]], rel=1e-10)
    assert mm.df == pytest.approx(res.sed["df"].iloc[1:].min())
    assert np.all(np.linalg.eigvalsh(mm.cov) > 0)


GOMEZ_SPLIT = Path(__file__).parent / "data" / "reference" / "gomez_splitplot_rice.json"


def _gomez_split_case() -> dict:
    return json.loads(GOMEZ_SPLIT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gomez_split():
    """Analyse Gomez & Gomez's rice split-plot (Table 3.7: N on main plots, varieties on sub)."""
    case = _gomez_split_case()
    df = pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])
    return split_plot_anova(
        df, response="yield", block="rep", whole_plot="nitrogen", sub_plot="variety"
    )


_GOMEZ_SPLIT_ROWS = {
    "rep": "rep",
    "nitrogen": "nitrogen",
    "error_a": "error_a",
    "variety": "variety",
    "nitrogen_variety": "nitrogen:variety",
    "error_b": "error_b",
    "total": "total",
}


@pytest.mark.parametrize(
    "name",
    sorted(
        k for k in _gomez_split_case()["expected"] if k.split("_")[0] in ("df", "ss", "ms", "f")
    ),
)
def test_gomez_split_plot_matches_table_3_10(gomez_split, name: str) -> None:
    """Every figure of the split-plot ANOVA equals Gomez & Gomez (1984) Table 3.10."""
    # expected values: tests/data/reference/gomez_splitplot_rice.json (Table 3.10: nitrogen
    # 5 df 30,429,200 F 42.87; error a 10 df 1,419,678; variety 3 df 89,888,101 F 85.71;
    # N x V 15 df 69,343,487 F 13.22; error b 36 df 12,584,873; total 71 df 204,747,916)
    spec = _gomez_split_case()["expected"][name]
    stat, source = name.split("_", 1)
    row = _row(gomez_split, _GOMEZ_SPLIT_ROWS[source])
    column = {"df": "df", "ss": "sum_sq", "ms": "mean_sq", "f": "f"}[stat]
    assert row[column] == pytest.approx(spec["value"], abs=spec["abs_tol"])


def test_gomez_split_plot_cv_and_seds(gomez_split) -> None:
    """CV(a) 6.9 %, CV(b) 10.8 %, grand mean 5,479 and the four SEDs 153.8/197.1/482.8/445.5."""
    # Gomez & Gomez (1984) Table 3.10 (CVs) and the SEDs (ch. 5) for this example, as
    # listed in the DOEpro validation (see tests/data/reference/gomez_splitplot_rice.json)
    exp = _gomez_split_case()["expected"]
    assert gomez_split.cv_pct["error_a"] == pytest.approx(exp["cv_pct_a"]["value"], abs=0.05)
    assert gomez_split.cv_pct["error_b"] == pytest.approx(exp["cv_pct_b"]["value"], abs=0.05)
    assert gomez_split.grand_mean == pytest.approx(exp["grand_mean"]["value"], abs=0.5)
    sed = gomez_split.sed.set_index("comparison")["sed"]
    for kind in SPLIT_PLOT_COMPARISONS:
        assert sed[kind] == pytest.approx(exp[f"sed[{kind}]"]["value"], abs=0.05)


def test_categorical_level_order_is_kept() -> None:
    """Ordered categorical factors keep their order in the table of means and the MeansModels."""
    df = oats()
    df["nitro"] = pd.Categorical(df["nitro"], categories=["0.6", "0.4", "0.2", "0"])
    res = split_plot_anova(df, response="yield", block="block", whole_plot="gen", sub_plot="nitro")
    assert res.means_model("sub_plot").levels == ("0.6", "0.4", "0.2", "0")
    assert list(res.means_table().columns[:4]) == ["0.6", "0.4", "0.2", "0"]


@pytest.mark.parametrize(
    ("kind", "at", "within"),
    [
        ("sub_plot", "Victory", "sub_plot_within_whole"),
        ("whole_plot", "0.2", "whole_plot_within_sub"),
    ],
)
def test_main_kind_with_at_is_the_simple_comparison(oats_result, kind, at, within) -> None:
    """kind=sub_plot/whole_plot with at= is never ignored: it is the matching *_within_* kind."""
    got = oats_result.means_model(kind, at=at)
    want = oats_result.means_model(within, at=at)
    # same estimates, covariance and df as the explicit within kind (SED table row `within`)
    assert got.estimates == pytest.approx(want.estimates)
    assert got.cov == pytest.approx(want.cov)
    assert got.df == pytest.approx(want.df)


def test_cells_with_at_is_refused(oats_result) -> None:
    """kind='cells' with at= is an error rather than silently ignoring at."""
    with pytest.raises(DataValidationError, match="does not apply to kind 'cells'"):
        oats_result.means_model("cells", at="Victory")


def test_cell_means_table_carries_the_provenance(oats_result) -> None:
    """StrataAnova.means has the same attrs["provenance"] as its F table."""
    assert oats_result.means.attrs["provenance"] == oats_result.table.attrs["provenance"]


def test_repr_is_one_line_without_tables(oats_result) -> None:
    """``print(res)`` names the design and its size (Yates: 3 varieties, 4 N rates, 6 blocks)."""
    assert repr(oats_result) == (
        "StrataAnova(design='split_plot', model='yield ~ gen * nitro + Error(block/gen)', "
        "levels={'gen': 3, 'nitro': 4}, blocks=6)"
    )


def test_an_unknown_error_term_is_a_yieldtrial_error_listing_the_terms(oats_result) -> None:
    """error('error_x') was a bare KeyError; now a yieldtrial error (still a KeyError)."""
    from yieldtrial.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match=r"'error_x' is not an error term.*error_a"):
        oats_result.error("error_x")
