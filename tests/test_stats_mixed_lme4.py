"""yieldtrial's mixed models against lme4 + lmerTest + pbkrtest + emmeans (issue 15 acceptance).

The expected values are R's output, stored with 17 significant digits in
``tests/data/r_reference/reference.csv`` by ``tests/data/r_reference/make_reference.R``
(R 4.2.2, Debian bookworm: lme4 1.1-31, lmerTest 3.1-3, pbkrtest 0.5.2, emmeans 1.8.4-1,
mvtnorm 1.1-3; rerun with ``Rscript tests/data/r_reference/make_reference.R``).  CI has
no R; the CSV is the reference.  Each row of the CSV names the R call that produced it in
its ``table`` column; the R functions are cited by name and line below (``R:<line>``).

Cases (plot tables in the same folder, sources in its README.md):

* ``oats_missing1``, ``oats_missing3``: split plot (Yates' oats) with one and three
  missing sub-plots, ``yield ~ gen * nitro + (1 | block) + (1 | block:gen)``;
* ``alpha_synthetic`` (yieldtrial's ``alpha_design``, seeded SYNTHETIC yields) and
  ``john_alpha`` (John & Williams 1995, agridat ``john.alpha``): alpha-lattices,
  ``yield ~ rep + gen + (1 | rep:block)``;
* ``augmented_synthetic`` (``augmented_design``, SYNTHETIC yields) and
  ``augmented_vignette`` (augmentedRCBD vignette, trait y1): augmented RCBDs with blocks
  fixed (``lm(y ~ block + treatment)``, Federer's analysis) and random
  (``y ~ treatment + (1 | block)``);
* ``rcbd_missing``: RCBD with random blocks and one missing plot (Gomez & Gomez 1984);
* the hard SYNTHETIC cases of ``make_inputs.SYNTHETIC_CASES`` (seeded yields on field books
  of yieldtrial's ``split_plot``, ``alpha_design``, ``augmented_design`` and ``rcbd``):
  split plots with 0, 1 and 3 missing sub-plots and one with a whole plot missing, strip
  plots with 3 missing plots, alpha-lattices with missing plots, an augmented RCBD with a
  missing check plot, and RCBDs with random blocks; eight of them have a variance
  component estimated at zero (the REML boundary, see ``BOUNDARY``).

Tolerances are the precision of the methods: the REML optimum of lme4 (tight nloptwrap,
checked against a bobyqa refit to < 1e-7 in theta, R:fit_lmer) and of yieldtrial (1e-11);
lmerTest's Satterthwaite df use a numerical Hessian (numDeriv) of the deviance, good to
~1e-6; the Dunnett adjusted p-values of emmeans (``adjust = "mvt"``) are randomized with
mvtnorm's default absolute error 1e-3 and use integer df.

Conventions asserted here (documented in docs/mixed-models.md):

* a variance component estimated at zero has SE NaN in yieldtrial (lmerTest's numerical
  Hessian gives a meaningless small number); at the boundary lmerTest's Satterthwaite df
  treat the zero component as known (its stratum pools with the one below) while
  pbkrtest's Kenward-Roger df include its uncertainty: yieldtrial reproduces both
  (test_boundary_df_methods_part_ways);
* the Satterthwaite ddf of a multi-df F test depends on the basis of the hypothesis;
  yieldtrial uses the basis of lmerTest's ``anova()``: its type III basis (every level
  against the first) and, when the fixed part has a single term, its type 1 (Doolittle)
  basis, as ``anova()`` switches to it (``contestMD`` with every level against the first
  gives another ddf there: test_one_term_uses_the_anova_basis);
* emmeans' ``mvt`` adjustment rounds each row's df to ``floor(df + 0.25)``; yieldtrial
  uses the exact df.  For families of up to 5 comparisons the script integrates the
  Dunnett probability at the exact df itself (``p_exact``, R:dunnett_exact).
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from r_tables import read_reference, select
from yieldtrial import FieldTrial
from yieldtrial.stats.augmented import augmented_anova
from yieldtrial.stats.compare import compare_means_to_control
from yieldtrial.stats.mixed import MixedModelFit, mixed_model
from yieldtrial.stats.results import MeansModel

#: The trials with a whole-plot or strip variance at zero warn that its stratum is pooled
#: (stats.mixed.pooled_strata_messages, tests/test_stats_mixed_pooled_strata.py); the
#: numbers against R are checked here
pytestmark = pytest.mark.filterwarnings(
    "ignore:REML estimates the:yieldtrial.errors.YieldTrialWarning"
)

DATA = Path(__file__).parent / "data" / "r_reference"

# Line numbers in tests/data/r_reference/make_reference.R of the calls that produced each
# section of reference.csv (the ``table`` column).
R_LINES = {
    "fit": "fit_lmer(), R:90-102 (tight nloptwrap fit, bobyqa refit, lme4 defaults)",
    "vc": "variance_components(), R:104-122 (VarCorr; SE: delta method on m@vcov_varpar)",
    "anova": "anova_tables(), R:124-135 (anova(m, type = 3, ddf = ...))",
    "contest_versus_first": "versus_first_test(), R:179-191 (contestMD(m, L = [0 | I]))",
    "wald": "wald_test(), R:193-215 (anova()'s hypothesis, Wald F computed directly)",
    "emmeans": "emmeans_and_dunnett(), R:217-234 (summary(emmeans(m, spec, lmer.df)))",
    "dunnett": "emmeans_and_dunnett(), R:235-262 (contrast(emm, 'trt.vs.ctrl')); "
    "p_exact: dunnett_exact(), R:156-169",
    "lm": "augmented cases, R:302-331 and R:376-387 (anova(lm), emmeans(lm), contrast)",
    "synthetic": "the SYNTHETIC hard cases, R:341-399 (the functions above on each case)",
}

#: Relative tolerances (the precision of each method, see the module docstring).
RTOL_MEAN = 1e-6  # LS-means, differences, t
RTOL_VC = 1e-5  # variance components, standard errors
RTOL_DF = 1e-4  # denominator df
RTOL_VC_SE = 1e-4  # SEs of variance components (lmerTest's numerical Hessian)
ATOL_P_EXACT = 1e-6  # exact-df integration to 1e-13; yieldtrial states 1e-4, reaches 4e-8
ATOL_P_MVT = 2e-3  # emmeans mvt: mvtnorm abseps 1e-3 (a 99 % bound) + df rounding


def reference() -> pd.DataFrame:
    """reference.csv of this module's cases (:func:`r_tables.read_reference`)."""
    return read_reference(DATA / "reference.csv")


def r_values(
    case: str, table: str, stat: str, *, ddf: str = "", spec: str = "", by: str = ""
) -> pd.Series:
    """Values of one statistic of one R table, indexed by ``term``."""
    return select(reference(), case, table, stat, ddf=ddf, spec=spec, by=by)


def _read(name: str, **dtypes: Any) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=dtypes)


_OATS = {"response": "yield", "design": "split_plot", "block": "block",
         "whole_plot": "gen", "sub_plot": "nitro"}  # fmt: skip

#: case -> (plot table, its dtypes, mixed_model arguments)
CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "oats_missing1": ("oats_missing1.csv", {"nitro": str}, _OATS),
    "oats_missing3": ("oats_missing3.csv", {"nitro": str}, _OATS),
    "alpha_synthetic": (
        "alpha_synthetic.csv",
        {"block": str, "incomplete_block": str},
        {
            "response": "yield_kg_ha",
            "design": "alpha",
            "treatment": "treatment",
            "block": "block",
            "incomplete_block": "incomplete_block",
        },
    ),  # fmt: skip
    "john_alpha": (
        "john_alpha.csv",
        {},
        {
            "response": "yield",
            "design": "alpha",
            "treatment": "gen",
            "block": "rep",
            "incomplete_block": "block",
        },
    ),  # fmt: skip
    "augmented_synthetic_random": (
        "augmented_synthetic.csv",
        {"block": str},
        {
            "response": "yield_kg_ha",
            "design": "rcbd",
            "treatment": "treatment",
            "block": "block",
            "blocks": "random",
        },
    ),  # fmt: skip
    "augmented_vignette_random": (
        "augmented_vignette.csv",
        {"block": str, "treatment": str},
        {
            "response": "y1",
            "design": "rcbd",
            "treatment": "treatment",
            "block": "block",
            "blocks": "random",
        },
    ),  # fmt: skip
    "rcbd_missing": (
        "rcbd_missing.csv",
        {"treatment": str},
        {"response": "yield_kg_ha", "design": "rcbd", "treatment": "treatment", "block": "block"},
    ),  # fmt: skip
}

_SPLIT = {"response": "yield_kg_ha", "design": "split_plot", "block": "block",
          "whole_plot": "wp", "sub_plot": "sp"}  # fmt: skip
_STRIP = {"response": "yield_kg_ha", "design": "strip_plot", "block": "block",
          "horizontal": "h", "vertical": "v"}  # fmt: skip
_ALPHA = {"response": "yield_kg_ha", "design": "alpha", "treatment": "treatment",
          "block": "block", "incomplete_block": "incomplete_block"}  # fmt: skip
_RANDOM_BLOCKS = {"response": "yield_kg_ha", "design": "rcbd", "treatment": "treatment",
                  "block": "block", "blocks": "random"}  # fmt: skip
_TEXT = {"block": str, "incomplete_block": str}

#: The hard SYNTHETIC cases (make_inputs.SYNTHETIC_CASES).
SPLIT_CASES = (
    "sp_wp_zero_complete",
    "sp_wp_zero_missing1",
    "sp_wp_zero_missing3",
    "sp_block_zero_missing1",
    "sp_wp_near_zero_missing3",
    "sp_whole_plot_missing",
)
STRIP_CASES = ("strip_missing3", "strip_h_zero_missing3")
ALPHA_CASES = ("alpha_ib_zero_missing2", "alpha_missing3", "alpha_k3_missing2")
CASES.update({c: (f"{c}.csv", _TEXT, _SPLIT) for c in SPLIT_CASES})
CASES.update({c: (f"{c}.csv", _TEXT, _STRIP) for c in STRIP_CASES})
CASES.update({c: (f"{c}.csv", _TEXT, _ALPHA) for c in ALPHA_CASES})
CASES["augmented_missing_check_random"] = ("augmented_missing_check.csv", _TEXT, _RANDOM_BLOCKS)
CASES["rcbd_block_zero_missing2"] = ("rcbd_block_zero_missing2.csv", _TEXT, _RANDOM_BLOCKS)
CASES["rcbd_block_zero_missing1"] = ("rcbd_block_zero_missing1.csv", _TEXT, _RANDOM_BLOCKS)

#: Models whose fixed part has one term (lmerTest's anova() uses its type 1 basis).
ONE_TERM = (
    "augmented_synthetic_random",
    "augmented_vignette_random",
    "rcbd_missing",
    "augmented_missing_check_random",
    "rcbd_block_zero_missing2",
    "rcbd_block_zero_missing1",
)

#: lmerTest's anova() F (Satterthwaite) is not the Wald F here: L V L' has a repeated
#: eigenvalue and contestMD's eigen() without symmetric = TRUE (make_reference.R:
#: wald_test); yieldtrial is compared with R's own Wald F of the same hypothesis.
LMERTEST_EIGEN_ARTEFACT = ("rcbd_block_zero_missing1",)

#: Variance components estimated at zero (REML boundary; lme4: < 1e-9 of the total).
BOUNDARY = {
    "augmented_synthetic_random": {"block"},
    "sp_wp_zero_complete": {"block:wp"},
    "sp_wp_zero_missing1": {"block:wp"},
    "sp_wp_zero_missing3": {"block:wp"},
    "sp_block_zero_missing1": {"block"},
    "strip_h_zero_missing3": {"block:h"},
    "alpha_ib_zero_missing2": {"block:incomplete_block"},
    "rcbd_block_zero_missing2": {"block"},
    "rcbd_block_zero_missing1": {"block"},
}

#: case -> [(emmeans spec, Dunnett control or None)]
_OATS_SPECS = [("gen", "GoldenRain"), ("nitro", "0"), ("nitro | gen", "0"), ("gen:nitro", None)]
SPECS: dict[str, list[tuple[str, str | None]]] = {
    "oats_missing1": _OATS_SPECS,
    "oats_missing3": _OATS_SPECS,
    "alpha_synthetic": [("treatment", "G01")],
    "john_alpha": [("gen", "G01")],
    "augmented_synthetic_random": [("treatment", "CK1")],
    "augmented_vignette_random": [("treatment", "1")],
    "rcbd_missing": [("treatment", "25")],
}
SPECS.update(
    {c: [("wp", "W1"), ("sp", "N0"), ("sp | wp", "N0"), ("wp:sp", None)] for c in SPLIT_CASES}
)
SPECS.update({c: [("h", "H1"), ("v", "V1"), ("v | h", "V1"), ("h:v", None)] for c in STRIP_CASES})
SPECS.update({c: [("treatment", "G01")] for c in ALPHA_CASES})
SPECS["augmented_missing_check_random"] = [("treatment", "CK1")]
SPECS["rcbd_block_zero_missing2"] = [("treatment", "T01")]
SPECS["rcbd_block_zero_missing1"] = [("treatment", "T01")]

DDF = ("satterthwaite", "kenward-roger")


@functools.cache
def fit(case: str, ddf: str) -> MixedModelFit:
    """Return yieldtrial's REML fit of a case (the public mixed_model())."""
    name, dtypes, kwargs = CASES[case]
    return mixed_model(_read(name, **dtypes), ddf=ddf, **kwargs)


@functools.cache
def families(case: str, ddf: str, spec: str) -> list[tuple[str, MeansModel]]:
    """(by level, MeansModel) of one emmeans spec: the same LS-means family in yieldtrial."""
    f = fit(case, ddf)
    if "|" in spec:  # "b | a": the b means at each level of a (sub-plot within whole plot)
        within = f.comparisons[2]
        return [(g, f.means_model(within, at=g)) for g in f.levels[f.factor_a]]
    if ":" in spec:
        return [("", f.means_model("cells"))]
    if f.two_factor:
        return [("", f.means_model(spec))]
    return [("", f.means_model())]


def _cases_ddf() -> list[tuple[str, str]]:
    return [(c, d) for c in CASES for d in DDF]


def _cases_ddf_spec(dunnett: bool = False) -> list[tuple[str, str, str, str | None]]:
    return [
        (c, d, s, ctrl)
        for c in CASES
        for d in DDF
        for s, ctrl in SPECS[c]
        if ctrl is not None or not dunnett
    ]


def _lsmean_df(mm: MeansModel, level: str) -> float:
    weights = np.zeros(len(mm.levels))
    weights[mm.index(level)] = 1.0
    return float(np.atleast_1d(mm.contrast_df(weights))[0])


def _unit_free(table: pd.DataFrame) -> pd.DataFrame:
    """Drop the response-unit suffix of ``difference<u>`` and ``se<u>``."""
    names = {c: c.split("_")[0] for c in table.columns
             if c.startswith(("difference", "se")) and not c.endswith("_pct")}  # fmt: skip
    return table.rename(columns=names)


def _dunnett(mm: MeansModel, control: str, method: str = "dunnett") -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = compare_means_to_control(mm, control=control, method=method)
    return _unit_free(table).set_index("treatment")


# ----------------------------------------------------------------------------- variance


@pytest.mark.parametrize("case", list(CASES))
def test_variance_components_match_lme4(case: str) -> None:
    """REML variance components = lme4 VarCorr (R_LINES['vc'])."""
    vc = fit(case, "satterthwaite").variance_components.set_index("component")
    expected = r_values(case, "vc", "variance")
    scale = float(expected.sum())
    for component, value in expected.items():
        got = vc.loc["residual" if component == "Residual" else component, "variance"]
        if component in BOUNDARY.get(case, ()):
            # lme4 stops at theta ~ 1e-8 from the boundary; yieldtrial holds it at 0
            assert got == 0.0 and value < 1e-9 * scale
        else:
            assert got == pytest.approx(value, rel=RTOL_VC)


@pytest.mark.parametrize("case", list(CASES))
def test_variance_component_se_match_lmertest_information(case: str) -> None:
    """SEs = sqrt(diag) of the inverse observed information, lmerTest's (R_LINES['vc'])."""
    vc = fit(case, "satterthwaite").variance_components.set_index("component")
    for component, value in r_values(case, "vc", "se").items():
        got = vc.loc["residual" if component == "Residual" else component, "se"]
        if component in BOUNDARY.get(case, ()):
            assert np.isnan(got)  # convention: no SE at the boundary (lmerTest: 1.6e-5)
        else:
            assert got == pytest.approx(value, rel=RTOL_VC_SE)


# ----------------------------------------------------------------------------- F tests


@pytest.mark.parametrize(("case", "ddf"), _cases_ddf())
def test_f_tests_match_lmertest(case: str, ddf: str) -> None:
    """Type III F, numerator and denominator df, p = lmerTest anova() (R_LINES['anova']).

    One-term models included (lmerTest's type 1 basis there, as its anova() uses it); see
    test_one_term_uses_the_anova_basis.  Terms yieldtrial does not test (the fixed
    replicates of an alpha design) are skipped.
    """
    table = fit(case, ddf).table.set_index("source")
    section = "anova"
    expected_f = r_values(case, section, "F", ddf=ddf)
    tested = [term for term in expected_f.index if term in table.index]
    assert tested, f"no common F test: R {list(expected_f.index)}, yieldtrial {list(table.index)}"
    artefact = case in LMERTEST_EIGEN_ARTEFACT and ddf == "satterthwaite"
    for term in tested:
        row = table.loc[term]
        wald = "wald" if artefact else section  # see test_lmertest_eigen_artefact
        assert row["f"] == pytest.approx(r_values(case, wald, "F", ddf=ddf)[term], rel=RTOL_MEAN)
        assert row["df"] == r_values(case, section, "num_df", ddf=ddf)[term]
        assert row["df_denominator"] == pytest.approx(
            r_values(case, section, "den_df", ddf=ddf)[term], rel=RTOL_DF
        )
        assert row["p_value"] == pytest.approx(
            r_values(case, wald, "p", ddf=ddf)[term], rel=RTOL_DF, abs=1e-12
        )


@pytest.mark.parametrize("case", [c for c in ONE_TERM if c not in LMERTEST_EIGEN_ARTEFACT])
def test_one_term_uses_the_anova_basis(case: str) -> None:
    """One-term model: yieldtrial's Satterthwaite ddf = anova()'s (Doolittle basis).

    The F statistic and Kenward-Roger's ddf are invariant to the basis (R: anova() and
    contestMD with every level against the first agree on both); the Satterthwaite
    (Fai-Cornelius) ddf is not, and yieldtrial's is that of anova(), which a user of
    lmerTest sees (R_LINES['anova'], R_LINES['contest_versus_first']).
    """
    table = fit(case, "satterthwaite").table.set_index("source")
    anova_f = r_values(case, "anova", "F", ddf="satterthwaite")["treatment"]
    contest_f = r_values(case, "contest_versus_first", "F", ddf="satterthwaite")["treatment"]
    assert anova_f == pytest.approx(contest_f, rel=1e-9)
    assert table.loc["treatment", "f"] == pytest.approx(anova_f, rel=RTOL_MEAN)
    kr_anova = r_values(case, "anova", "den_df", ddf="kenward-roger")["treatment"]
    kr_contest = r_values(case, "contest_versus_first", "den_df", ddf="kenward-roger")
    assert kr_anova == pytest.approx(kr_contest["treatment"], rel=1e-9)
    anova_ddf = r_values(case, "anova", "den_df", ddf="satterthwaite")["treatment"]
    assert table.loc["treatment", "df_denominator"] == pytest.approx(anova_ddf, rel=1e-6)


def test_lmertest_eigen_artefact() -> None:
    """The Wald F, not lmerTest's anova() F where R's eigen() misfires (R's own Wald F).

    RCBD with random blocks, block variance at zero, one plot missing: L V L' of anova()'s
    hypothesis has a repeated eigenvalue and is asymmetric by ~1e-12 after rounding, so
    R's eigen() (called without symmetric = TRUE in lmerTest's contestMD) returns a
    non-orthogonal eigenbasis and anova() prints F = 7.0075; the Wald F of the same
    hypothesis, computed directly or with eigen(symmetric = TRUE), and contestMD with every
    level against the first, are 5.7712 (R_LINES['wald']).  The ddf (23) are unaffected.
    """
    case, ddf = "rcbd_block_zero_missing1", "satterthwaite"
    anova_f = r_values(case, "anova", "F", ddf=ddf)["treatment"]
    wald_f = r_values(case, "wald", "F", ddf=ddf)["treatment"]
    assert r_values(case, "wald", "is_symmetric", ddf=ddf)["treatment"] == 0.0
    assert r_values(case, "wald", "F_symmetric_eigen", ddf=ddf)["treatment"] == pytest.approx(
        wald_f, rel=1e-9
    )
    contest_f = r_values(case, "contest_versus_first", "F", ddf=ddf)["treatment"]
    assert contest_f == pytest.approx(wald_f, rel=1e-9)
    assert anova_f == pytest.approx(7.0075, abs=1e-4) and wald_f == pytest.approx(5.7712, abs=1e-4)
    table = fit(case, ddf).table.set_index("source")
    assert table.loc["treatment", "f"] == pytest.approx(wald_f, rel=RTOL_MEAN)
    assert table.loc["treatment", "df_denominator"] == pytest.approx(
        r_values(case, "anova", "den_df", ddf=ddf)["treatment"], rel=RTOL_DF
    )


def test_one_term_lsd_gate_is_the_anova_test() -> None:
    """The LSD gate of a one-term model uses anova()'s basis too (same F and ddf as R).

    augmentedRCBD vignette with random blocks (unequal plot counts: anova()'s ddf 6.34,
    6.10 with every level against the first); R_LINES['anova'].
    """
    from yieldtrial.stats.compare import pairwise_means

    case, ddf = "augmented_vignette_random", "satterthwaite"
    mm = fit(case, ddf).means_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gate = pairwise_means(mm, method="lsd").attrs["f_test"]
    assert gate["f"] == pytest.approx(r_values(case, "anova", "F", ddf=ddf)["treatment"], rel=1e-6)
    expected = r_values(case, "anova", "den_df", ddf=ddf)["treatment"]
    assert gate["df_denominator"] == pytest.approx(expected, rel=1e-6)


def test_one_term_anova_basis_difference_is_material() -> None:
    """The basis matters: augmentedRCBD vignette, anova() ddf 6.34 vs 6.10 for the basis."""
    anova = r_values("augmented_vignette_random", "anova", "den_df", ddf="satterthwaite")
    contest = r_values(
        "augmented_vignette_random", "contest_versus_first", "den_df", ddf="satterthwaite"
    )
    assert abs(anova["treatment"] - contest["treatment"]) > 0.1


@pytest.mark.parametrize(
    ("case", "satterthwaite", "kenward_roger"),
    [("sp_wp_zero_complete", 33.0, 6.0), ("sp_wp_zero_missing1", 13.07, 1.96)],
)
def test_boundary_df_methods_part_ways(
    case: str, satterthwaite: float, kenward_roger: float
) -> None:
    """Whole-plot variance estimated at zero: lmerTest pools the stratum, pbkrtest does not.

    R (R_LINES['anova']): complete 3 x 4 split plot in 4 blocks, whole-plot F test on 33 df
    (Satterthwaite: error a's 6 + error b's 27, the zero component treated as known) against
    6 (Kenward-Roger: its uncertainty included; the stratum df); with one sub-plot missing
    13.07 against 1.96.  yieldtrial reproduces both conventions (docs/mixed-models.md).
    """
    vc = fit(case, "satterthwaite").variance_components.set_index("component")
    assert bool(vc.loc["block:wp", "boundary"]) and vc.loc["block:wp", "variance"] == 0.0
    for ddf, value in (("satterthwaite", satterthwaite), ("kenward-roger", kenward_roger)):
        r_ddf = r_values(case, "anova", "den_df", ddf=ddf)["wp"]
        assert r_ddf == pytest.approx(value, abs=0.005)
        got = fit(case, ddf).table.set_index("source").loc["wp", "df_denominator"]
        assert got == pytest.approx(r_ddf, rel=RTOL_DF)


# ----------------------------------------------------------------------------- LS-means


@pytest.mark.parametrize(("case", "ddf", "spec", "control"), _cases_ddf_spec())
def test_lsmeans_match_emmeans(case: str, ddf: str, spec: str, control: str | None) -> None:
    """LS-means, their SEs and df = emmeans(m, spec, lmer.df = ddf) (R_LINES['emmeans'])."""
    for by, mm in families(case, ddf, spec):
        est = r_values(case, "emmeans", "emmean", ddf=ddf, spec=spec, by=by)
        se = r_values(case, "emmeans", "SE", ddf=ddf, spec=spec, by=by)
        df = r_values(case, "emmeans", "df", ddf=ddf, spec=spec, by=by)
        assert sorted(est.index) == sorted(mm.levels)
        for level in est.index:
            i = mm.index(level)
            assert mm.estimates[i] == pytest.approx(est[level], rel=RTOL_MEAN)
            assert mm.se[i] == pytest.approx(se[level], rel=RTOL_VC)
            assert _lsmean_df(mm, level) == pytest.approx(df[level], rel=RTOL_DF)


# ----------------------------------------------------------------------------- Dunnett


@pytest.mark.parametrize(("case", "ddf", "spec", "control"), _cases_ddf_spec(dunnett=True))
def test_dunnett_t_and_df_match_emmeans(case: str, ddf: str, spec: str, control: str) -> None:
    """Differences, SE, t, df and raw p = contrast(emm, 'trt.vs.ctrl', adjust = 'none')."""
    for by, mm in families(case, ddf, spec):
        table = _dunnett(mm, control, method="t")  # unadjusted: t, df, raw p
        expected = {s: r_values(case, "dunnett", s, ddf=ddf, spec=spec, by=by)
                    for s in ("estimate", "SE", "t", "df", "p_none")}  # fmt: skip
        assert sorted(expected["t"].index) == sorted(table.index)
        for level in expected["t"].index:
            row = table.loc[level]
            assert row["difference"] == pytest.approx(expected["estimate"][level], rel=RTOL_MEAN)
            assert row["se"] == pytest.approx(expected["SE"][level], rel=RTOL_VC)
            assert row["statistic"] == pytest.approx(expected["t"][level], rel=RTOL_VC)
            assert row["df"] == pytest.approx(expected["df"][level], rel=RTOL_DF)
            assert row["p_value"] == pytest.approx(expected["p_none"][level], rel=1e-4, abs=1e-12)


#: Families of more than 5 comparisons are integrated once per case (one df method each,
#: both methods over the cases) to keep the module fast; the t and df of both are tested.
_ADJUSTED_ONE_DDF = {
    "alpha_synthetic": "kenward-roger",
    "john_alpha": "satterthwaite",
    "augmented_synthetic_random": "satterthwaite",
    "augmented_vignette_random": "kenward-roger",
    "alpha_ib_zero_missing2": "kenward-roger",
    "alpha_missing3": "satterthwaite",
    "alpha_k3_missing2": "kenward-roger",
    "augmented_missing_check_random": "satterthwaite",
    "rcbd_block_zero_missing2": "kenward-roger",
}


def _adjusted_cases() -> list[tuple[str, str, str, str | None]]:
    rows = []
    for row in _cases_ddf_spec(dunnett=True):
        case, ddf, spec, _ = row
        if _ADJUSTED_ONE_DDF.get(case, ddf) != ddf:
            continue
        if "|" in spec and ddf == "satterthwaite":
            continue  # families at each level; Kenward-Roger only (speed), both for the others
        rows.append(row)
    return rows


@pytest.mark.parametrize(("case", "ddf", "spec", "control"), _adjusted_cases())
def test_dunnett_adjusted_p_match(case: str, ddf: str, spec: str, control: str) -> None:
    """Dunnett adjusted p (each row on its own df, emmeans' rule) = R (R_LINES['dunnett']).

    Families of <= 5 comparisons: the script's exact-df integration (p_exact, quadrature
    error p_exact_err < 1e-13) to 1e-6.  Every family of two or more comparisons: the
    family's probability that yieldtrial integrates, evaluated at emmeans' integer df
    floor(df + 0.25) (emmeans' .fix.df), equals emmeans' adjust = "mvt" to mvtnorm's
    precision (abseps 1e-3; 2e-3 asserted); and where that rounding moves the df by <= 0.1
    (df >= 3), yieldtrial's exact-df p does too.  A single comparison is not adjusted by
    emmeans (p_mvt = the t test's p).
    """
    from yieldtrial.stats.distributions import dunnett_pvalues

    for by, mm in families(case, ddf, spec):
        table = _dunnett(mm, control)
        exact = r_values(case, "dunnett", "p_exact", ddf=ddf, spec=spec, by=by)
        mvt = r_values(case, "dunnett", "p_mvt", ddf=ddf, spec=spec, by=by)
        df = r_values(case, "dunnett", "df", ddf=ddf, spec=spec, by=by)
        levels = [lev for lev in mm.levels if lev != control]
        t, corr = _family_t_and_corr(mm, control, table, levels)
        for level in mvt.index:
            got = table.loc[level, "p_value_adjusted"]
            if np.isfinite(exact[level]):
                err = r_values(case, "dunnett", "p_exact_err", ddf=ddf, spec=spec, by=by)[level]
                assert err < 1e-9
                assert got == pytest.approx(exact[level], abs=ATOL_P_EXACT)
            if len(levels) == 1:
                assert got == pytest.approx(mvt[level], rel=1e-4, abs=1e-12)
                continue
            integer_df = np.floor(max(1.0, df[level]) + 0.25)
            at_integer = dunnett_pvalues(t, corr, integer_df)[0][levels.index(level)]
            assert at_integer == pytest.approx(mvt[level], abs=ATOL_P_MVT)
            if abs(integer_df - df[level]) <= 0.1 and df[level] >= 3:
                assert got == pytest.approx(mvt[level], abs=ATOL_P_MVT)


def _family_t_and_corr(
    mm: MeansModel, control: str, table: pd.DataFrame, levels: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Return the t statistics and correlation of the treatment-versus-control differences."""
    c = mm.index(control)
    contrasts = np.zeros((len(levels), len(mm.levels)))
    for row, level in enumerate(levels):
        contrasts[row, mm.index(level)] = 1.0
        contrasts[row, c] = -1.0
    cov = contrasts @ mm.cov @ contrasts.T
    sd = np.sqrt(np.diag(cov))
    t = np.array([table.loc[level, "statistic"] for level in levels])
    return t, cov / np.outer(sd, sd)


# ----------------------------------------------------------------------------- augmented, fixed


def _augmented(case: str) -> tuple[Any, str]:
    if case == "augmented_synthetic_fixed":
        data = _read("augmented_synthetic.csv", block=str)
        return augmented_anova(data, response="yield_kg_ha", treatment="treatment",
                               block="block"), "CK1"  # fmt: skip
    if case == "augmented_missing_check_fixed":
        data = _read("augmented_missing_check.csv", block=str)
        return augmented_anova(data, response="yield_kg_ha", treatment="treatment",
                               block="block"), "CK1"  # fmt: skip
    data = _read("augmented_vignette.csv", block=str, treatment=str)
    return augmented_anova(data, response="y1", treatment="treatment", block="block"), "1"


AUGMENTED_FIXED = (
    "augmented_synthetic_fixed",
    "augmented_vignette_fixed",
    "augmented_missing_check_fixed",
)


@pytest.mark.parametrize("case", AUGMENTED_FIXED)
def test_augmented_fixed_anova_matches_lm(case: str) -> None:
    """Treatments eliminating blocks F, blocks eliminating treatments F, MSE = anova(lm).

    R_LINES['lm'].
    """
    aug, _ = _augmented(case)
    table = aug.table.set_index("source")
    adjusted = aug.table_block_adjusted.set_index("source")
    row = table.loc["treatment (eliminating blocks)"]
    assert row["f"] == pytest.approx(
        r_values(case, "anova", "F", ddf="residual")["treatment"], rel=1e-9
    )
    assert row["df"] == r_values(case, "anova", "num_df", ddf="residual")["treatment"]
    assert aug.df_error == r_values(case, "anova", "den_df", ddf="residual")["treatment"]
    assert row["p_value"] == pytest.approx(
        r_values(case, "anova", "p", ddf="residual")["treatment"], rel=1e-9
    )
    assert adjusted.loc["block (eliminating treatments)", "f"] == pytest.approx(
        r_values(case, "anova", "F", ddf="residual")["block"], rel=1e-9
    )
    assert aug.mse == pytest.approx(
        r_values(case, "anova", "mean_sq", ddf="residual")["Residuals"], rel=1e-12
    )


@pytest.mark.parametrize("case", AUGMENTED_FIXED)
def test_augmented_fixed_means_and_dunnett_match_emmeans(case: str) -> None:
    """Adjusted means, SEs, df and Dunnett t / p = emmeans on lm(y ~ block + treatment).

    R_LINES['lm'].
    """
    aug, control = _augmented(case)
    mm = aug.means_model()
    est = r_values(case, "emmeans", "emmean", ddf="residual", spec="treatment")
    se = r_values(case, "emmeans", "SE", ddf="residual", spec="treatment")
    for level in est.index:
        assert mm.estimates[mm.index(level)] == pytest.approx(est[level], rel=1e-10)
        assert mm.se[mm.index(level)] == pytest.approx(se[level], rel=1e-10)
    assert np.all(r_values(case, "emmeans", "df", ddf="residual", spec="treatment") == mm.df)
    table = _dunnett(mm, control)
    t = r_values(case, "dunnett", "t", ddf="residual", spec="treatment")
    p = r_values(case, "dunnett", "p_none", ddf="residual", spec="treatment")
    mvt = r_values(case, "dunnett", "p_mvt", ddf="residual", spec="treatment")
    for level in t.index:
        assert table.loc[level, "statistic"] == pytest.approx(t[level], rel=1e-10)
        assert table.loc[level, "p_value"] == pytest.approx(p[level], rel=1e-8, abs=1e-14)
        # integer residual df: emmeans does not round; mvtnorm's error only
        assert table.loc[level, "p_value_adjusted"] == pytest.approx(mvt[level], abs=ATOL_P_MVT)


# ----------------------------------------------------------------------------- FieldTrial


def _plots(case: str) -> pd.DataFrame:
    if case.startswith("oats"):
        df = _read(f"{case}.csv", nitro=str)
        df["plot_id"] = [str(i + 1) for i in range(len(df))]
        return df.rename(columns={"nitro": "treatment", "yield": "yield_kg_ha"})
    if case == "alpha_synthetic":
        return _read("alpha_synthetic.csv", plot_id=str, block=str, incomplete_block=str)
    if case in CASES and case != "augmented_synthetic_random":  # the synthetic hard cases
        return _read(CASES[case][0], plot_id=str, block=str, incomplete_block=str)
    return _read("augmented_synthetic.csv", plot_id=str, block=str)


@pytest.mark.parametrize(
    ("case", "design", "control", "extra", "spec", "ddf"),
    [
        ("oats_missing3", "split_plot", "0", {"factors": ("gen",)}, "nitro", "satterthwaite"),
        ("alpha_synthetic", "alpha", "G01", {}, "treatment", "kenward-roger"),
        ("augmented_synthetic_random", "augmented", "CK1", {"block_effects": "random"},
         "treatment", "satterthwaite"),
        ("augmented_synthetic_fixed", "augmented", "CK1", {}, "treatment", "residual"),
        ("sp_wp_zero_missing1", "split_plot", "N0", {"factors": ("wp", "sp")}, "sp",
         "kenward-roger"),
        ("sp_whole_plot_missing", "split_plot", "N0", {"factors": ("wp", "sp")}, "sp",
         "satterthwaite"),
        ("strip_h_zero_missing3", "strip_plot", "V1", {"factors": ("h", "v")}, "v",
         "kenward-roger"),
        ("rcbd_block_zero_missing2", "rcbd", "T01", {"block_effects": "random"}, "treatment",
         "satterthwaite"),
    ],
)  # fmt: skip
def test_field_trial_dunnett_matches_emmeans(
    case: str, design: str, control: str, extra: dict[str, Any], spec: str, ddf: str
) -> None:
    """FieldTrial(design=...).compare_to_control(): t, df, p = emmeans (R_LINES['dunnett']).

    The trial detects the model from its design (REML for the split plot with missing
    plots, the alpha-lattice and the augmented design with random blocks; Federer's
    analysis for the augmented design with fixed blocks) and states its df method.
    """
    fixed = ddf == "residual"
    trial = FieldTrial.from_dataframe(
        _plots(case), crop="wheat", control=control, design=design,
        ddf=None if fixed else ddf, **extra,
    )  # fmt: skip
    # 3 comparisons: Dunnett too; others unadjusted (speed)
    small = case.startswith(("oats", "sp_", "strip_"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = trial.compare_to_control(method="dunnett" if small else "t")
    table = _unit_free(raw).set_index("treatment")
    table.attrs = raw.attrs
    t = r_values(case, "dunnett", "t", ddf=ddf, spec=spec)
    df = r_values(case, "dunnett", "df", ddf=ddf, spec=spec)
    p = r_values(case, "dunnett", "p_none", ddf=ddf, spec=spec)
    assert sorted(t.index) == sorted(table.index)
    for level in t.index:
        assert table.loc[level, "statistic"] == pytest.approx(t[level], rel=RTOL_VC)
        assert table.loc[level, "df"] == pytest.approx(df[level], rel=RTOL_DF)
        assert table.loc[level, "p_value"] == pytest.approx(p[level], rel=1e-4, abs=1e-12)
    if small:
        exact = r_values(case, "dunnett", "p_exact", ddf=ddf, spec=spec)
        for level in exact.index:
            assert table.loc[level, "p_value_adjusted"] == pytest.approx(
                exact[level], abs=ATOL_P_EXACT
            )
    if not fixed:
        assert table.attrs["provenance"]["df_method"] == ddf


@pytest.mark.parametrize(
    ("case", "design", "control", "extra", "section"),
    [
        ("alpha_k3_missing2", "alpha", "G01", {}, "anova"),
        ("augmented_missing_check_random", "augmented", "CK1", {"block_effects": "random"},
         "anova"),
    ],
)  # fmt: skip
def test_field_trial_f_test_does_not_depend_on_row_order(
    case: str, design: str, control: str, extra: dict[str, Any], section: str
) -> None:
    """FieldTrial.anova() tests the treatments in display order, whatever the row order.

    The Satterthwaite ddf of a multi-df F test depends on which level is first (lmerTest's
    type III and type 1 bases).  R's levels here are G01, G02, ... (CK1, CK2, ... then the entries),
    the trial's display order; with the plot table's rows shuffled the trial used to take
    the first level of the shuffled table (ddf 16.755 against R's 16.744 for the
    alpha-lattice) while its comparisons and LSD gate used the display order.
    """
    plots = _plots(case).sample(frac=1.0, random_state=0).reset_index(drop=True)
    trial = FieldTrial.from_dataframe(
        plots, crop="wheat", control=control, design=design, ddf="satterthwaite", **extra
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = trial.anova().table.set_index("source")
    expected = r_values(case, section, "den_df", ddf="satterthwaite")["treatment"]
    assert table.loc["treatment", "df_denominator"] == pytest.approx(expected, rel=1e-6)


def test_reference_fits_converged() -> None:
    """lme4's tight fit and a bobyqa refit agree (R_LINES['fit']): the reference is the optimum."""
    ref = reference()
    diffs = ref[(ref["table"] == "fit") & (ref["stat"] == "max_abs_diff_bobyqa")]["value"]
    assert len(diffs) == 21
    assert float(diffs.max()) < 1e-6
