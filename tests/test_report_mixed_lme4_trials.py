"""The report's mixed-model, augmented and Dunnett numbers against R on new trials (issue 15).

A differential pass (stop 38) ran 52 new SYNTHETIC trials through ``yieldtrial design`` ->
yields -> missing plots at random places -> ``yieldtrial report --format json`` and the same
models in R; these 13 cases are kept (tests/data/r_reference_trials, README.md there):
split plots with 1, 3 and 5 missing sub-plots, a whole plot lost, a sub-plot treatment lost
in two blocks and a block variance estimated at zero; an alpha-lattice (18 entries, blocks
of 3, 3 replicates, 2 missing) and one whose incomplete-block variance is estimated at zero;
a 5 x 5 Latin square with rows and columns random and a plot missing; two augmented RCBDs
(4 checks in 3 blocks with a check lost in one block; 3 checks in 4 blocks, whose
Kenward-Roger Dunnett family stopped the report with an internal error before this stop),
each with blocks random (REML) and fixed (Federer, ``lm``).

A second pass (stop 39) added 25 of 35 more trials (README.md there, "Second round"):
split plots with 2 and 5 whole-plot and 2 and 6 sub-plot levels (one with the whole-plot
control, one with a cell left in one block), strip plots with 1 and 3 missing, row-column
designs (replicates fixed and random) and resolvable incomplete blocks of unequal sizes with
missing plots, RCBDs with blocks random (the control itself missing; a treatment with one
plot left) and fixed, Latin squares with rows and columns fixed and random, and augmented
RCBDs whose checks are unequal in number per block; and the outputs the first pass left out:
Tukey pairwise p and letters (emmeans ``pairs`` and ``multcomp::cld``), one-sided Dunnett,
the entries against the best check and the four SED kinds of an augmented design.

A third pass (stop 40) added 25 trials of shapes not yet here (README.md there, "Third
round"): split plots with unequal level counts and either control, strip plots whose
control is a horizontal level, alpha-lattices and unequal resolvable incomplete blocks with
replicates fixed and random, row-column designs with missing plots in several replicates,
augmented RCBDs with checks of unequal replication and an entry lost, RCBDs and Latin
squares with blocks random and several plots missing; and the report's letters against
``multcomp::cld`` (the report's two-level Tukey letters had used the studentized range at
the smallest pair's df).

A fourth pass (stop 41) added 21 trials built by hand (README.md there, "Fourth round"):
the published rice split plot of Gomez & Gomez with 1 and 3 sub-plots deleted (in one whole
plot, in three whole plots, one variety in each block), a whole plot lost, two plots of the
control lost, a cell left on one plot and the block effects taken out, each with the control
a sub-plot level and (``_main``) a whole-plot level; its whole-plot variance is at zero in
all of them (error a below error b in the published data).  Also a 24-entry alpha-lattice and
an augmented RCBD from ``yieldtrial design`` with yields on a field gradient (the control
left on one plot; a check lost in a block), and strip plots with a cell lost in two blocks
and a whole horizontal strip lost.

Every expected value is R's (``make_reference.R``: lme4 1.1-31, lmerTest 3.1-3, pbkrtest
0.5.2, emmeans 1.8.4-1, mvtnorm 1.1-3, R 4.2.2), stored with 17 significant digits in
``reference.csv``; no R at test time.  Tolerances are those of
tests/test_report_mixed_lme4.py (the precision of the methods).  Adjusted p-values are
compared with R's high-precision integral ``p_hi`` (its error bound plus yieldtrial's
stated error) where that is at least 1e-4; below, ``1 - P`` from mvtnorm has lost its
relative accuracy (two R values there fall below their own raw p), so the adjusted p is
checked against the Bonferroni bounds raw p <= p_adj <= k raw p.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from r_tables import (
    RTOL_DF,
    RTOL_MEAN,
    assert_design_means,
    assert_f_tests,
    assert_lsmeans,
    json_report,
    read_reference,
    select,
)

DATA = Path(__file__).parent / "data" / "r_reference_trials"

RTOL_VC = 1e-5  # variance components
RTOL_VC_SE = 1e-4  # their SEs (lmerTest: numerical Hessian)
#: a variance near zero, as a fraction of the total: latin5_random_m3's column variance is
#: 76.505672 (kg/ha)^2 (SE 13,247; 0.03 % of the total 223,170) against lme4's 76.504581;
#: R's REML criterion at yieldtrial's variances, 252.50165188329018, is 3e-14 below lme4's own
ATOL_VC = 1e-8
ATOL_P_MVT = 2e-3  # emmeans' mvt: mvtnorm abseps 1e-3
#: differences near zero, in SEs (t units): REML optima agree to ~1e-7 relative in the
#: variances, which moves an LS-mean difference by ~1e-7 of its SE; relative to the
#: difference that is unbounded (rowcol_4x3_r3_m4 V09 - V01 = -16.99 kg/ha, SE 242: lme4's
#: tight nloptwrap and bobyqa optima differ by 1.9e-5 kg/ha, 1.1e-6 of the difference, at
#: REML criteria equal to 6e-14; yieldtrial lies between them)
ABS_T = 1e-6

_SPLIT = ["--design", "split_plot", "--factors", "main,sub"]
_STRIP = ["--design", "strip_plot", "--factors", "h,v"]
_RANDOM = ["--design", "rcbd", "--block-effects", "random"]
_ALPHA_RANDOM = ["--design", "alpha", "--block-effects", "random"]
#: the published rice split plot (fourth round): its ``variety`` header is read as the
#: treatment column, so yieldtrial names that factor ``treatment`` (docs/cli.md, --factors)
_GOMEZ = ["--design", "split_plot", "--factors", "nitrogen,variety"]
_AUG_RANDOM = ["--design", "augmented", "--block-effects", "random"]
#: case -> (report flags, control, R spec of the control's family)
CASES: dict[str, tuple[list[str], str, str]] = {
    "sp_3x4_b4_m1": (_SPLIT, "S1", "sub"),
    "sp_3x4_b4_m3": (_SPLIT, "S1", "sub"),
    "sp_4x4_b4_m5": (_SPLIT, "S1", "sub"),
    "sp_wholeplot_lost": (_SPLIT, "S1", "sub"),
    "sp_subtrt_lost_2blocks": (_SPLIT, "S1", "sub"),
    "sp_block_zero_m2": (_SPLIT, "S1", "sub"),
    "alpha18_k3_r3_m2": (["--design", "alpha"], "G01", "treatment"),
    "alpha16_k4_r3_ibzero_m1": (["--design", "alpha"], "G01", "treatment"),
    "latin5_m1": (["--design", "latin", "--block-effects", "random"], "A", "treatment"),
    "aug_4ck_3b_10_ckmiss_random": (
        ["--design", "augmented", "--block-effects", "random"], "CK1", "treatment",
    ),
    "aug_3ck_4b_17_tinyblock_random": (
        ["--design", "augmented", "--block-effects", "random"], "CK1", "treatment",
    ),
    # second round (stop 39)
    "sp_2x6_b4_m3": (_SPLIT, "S1", "sub"),
    "sp_5x2_b4_m1": (_SPLIT, "S1", "sub"),
    "sp_2x2_b5_m1": (_SPLIT, "S1", "sub"),
    "sp_5x6_b3_m3": (_SPLIT, "S1", "sub"),
    "sp_5x2_b4_m3_main": (_SPLIT, "W1", "main"),
    "sp_2x6_near_singular": (_SPLIT, "S1", "sub"),
    "strip_3x4_b4_m1b": (_STRIP, "V1", "v"),
    "strip_3x4_b4_m3": (_STRIP, "V1", "v"),
    "strip_2x5_b3_m3": (_STRIP, "V1", "v"),
    "rowcol_3x4_r3_m3": (["--design", "row_column"], "V01", "treatment"),
    "rowcol_4x4_r2_m2": (["--design", "row_column"], "V01", "treatment"),
    "rowcol_3x5_r3_m1_random": (
        ["--design", "row_column", "--block-effects", "random"], "V01", "treatment",
    ),
    "ribd_14_r3_m2": (["--design", "alpha"], "G01", "treatment"),
    "alpha12_k3_r3_m2": (["--design", "alpha"], "G01", "treatment"),
    "rcbd_random_6x4_ckmiss": (_RANDOM, "T01", "treatment"),
    "rcbd_random_8x3_m2": (_RANDOM, "T01", "treatment"),
    "rcbd_random_one_left": (_RANDOM, "T01", "treatment"),
    "latin6_random_m2": (["--design", "latin", "--block-effects", "random"], "A", "treatment"),
    "aug_3ck_5b_12_unequal_random": (
        ["--design", "augmented", "--block-effects", "random"], "CK1", "treatment",
    ),
    # third round (stop 40)
    "sp_4x3_b4_m4": (_SPLIT, "S1", "sub"),
    "sp_3x5_b3_m2_wp": (_SPLIT, "S1", "sub"),
    "sp_4x3_b4_m4_main": (_SPLIT, "W1", "main"),
    "sp_2x4_b6_m5_main": (_SPLIT, "W1", "main"),
    "sp_6x3_b3_m4": (_SPLIT, "S1", "sub"),
    "strip_4x3_b3_m4": (_STRIP, "V1", "v"),
    "strip_3x5_b4_m5_h": (_STRIP, "H1", "h"),
    "strip_5x2_b4_m3_h": (_STRIP, "H1", "h"),
    "alpha15_k3_r4_m5": (["--design", "alpha"], "G01", "treatment"),
    "alpha15_k3_r4_m5_random": (_ALPHA_RANDOM, "G01", "treatment"),
    "alpha20_k4_r3_m4_random": (_ALPHA_RANDOM, "G01", "treatment"),
    "ribd_13_r3_m3": (["--design", "alpha"], "G01", "treatment"),
    "ribd_13_r3_m3_random": (_ALPHA_RANDOM, "G01", "treatment"),
    "ribd_10_r4_m4_random": (_ALPHA_RANDOM, "G01", "treatment"),
    "rowcol_4x3_r3_m4": (["--design", "row_column"], "V01", "treatment"),
    "rowcol_4x3_r3_m4_random": (
        ["--design", "row_column", "--block-effects", "random"], "V01", "treatment",
    ),
    "rowcol_2x5_r4_m5": (["--design", "row_column"], "V01", "treatment"),
    "aug_3ck_6b_14_entrymiss_random": (
        ["--design", "augmented", "--block-effects", "random"], "CK1", "treatment",
    ),
    "aug_2ck_5b_10_entrymiss_random": (
        ["--design", "augmented", "--block-effects", "random"], "CK1", "treatment",
    ),
    "rcbd_random_7x5_m4": (_RANDOM, "T01", "treatment"),
    "rcbd_random_6x3_m4": (_RANDOM, "T01", "treatment"),
    "latin5_random_m3": (["--design", "latin", "--block-effects", "random"], "A", "treatment"),
    "latin7_random_m4": (["--design", "latin", "--block-effects", "random"], "A", "treatment"),
    # fourth round (stop 41): built by hand; the rice split plot with the control a sub-plot
    # level (V1) and a whole-plot level (N0)
    **{f"gomez_sp_{n}": (_GOMEZ, "V1", "treatment")
       for n in ("m1", "m3_same_wp", "m3_diff_wp", "m3_same_sub", "wp_lost", "ctrl_m2",
                 "cell_one_left", "block_zero_m3")},
    **{f"gomez_sp_{n}_main": (_GOMEZ, "N0", "nitrogen")
       for n in ("m1", "m3_same_wp", "m3_diff_wp", "m3_same_sub", "wp_lost", "ctrl_m2",
                 "block_zero_m3")},
    "alpha24_k4_r3_field_ctrl_one_left": (["--design", "alpha"], "G01", "treatment"),
    "alpha24_k4_r3_field_m3_random": (_ALPHA_RANDOM, "G01", "treatment"),
    "aug_4ck_4b_20_field_ckmiss_random": (_AUG_RANDOM, "CK1", "treatment"),
    "strip_3x4_b4_cell2": (_STRIP, "V1", "v"),
    "strip_3x4_b4_hstrip_lost": (_STRIP, "V1", "v"),
}  # fmt: skip
FEDERER = (
    "aug_4ck_3b_10_ckmiss_fixed",
    "aug_3ck_4b_17_tinyblock_fixed",
    "aug_3ck_5b_12_unequal_fixed",
    "aug_4ck_4b_8_unequal_fixed",
    "aug_3ck_6b_14_entrymiss_fixed",
    "aug_2ck_5b_10_entrymiss_fixed",
    "aug_4ck_4b_20_field_ckmiss_fixed",
)
#: least squares with missing plots (blocks, or rows and columns, fixed): case -> (report
#: flags, control); R: lm, drop1(test = "F") (Latin square) or anova(lm(y ~ block +
#: treatment)) (RCBD), emmeans on the lm
LEAST_SQUARES: dict[str, tuple[list[str], str]] = {
    "rcbd_fixed_6x4_ckmiss": (["--design", "rcbd"], "T01"),
    "rcbd_fixed_5x4_one_left": (["--design", "rcbd"], "T01"),
    "latin5_fixed_m2": (["--design", "latin"], "A"),
    "latin6_fixed_m1": (["--design", "latin"], "A"),
}
DDF = ("satterthwaite", "kenward-roger")


@functools.cache
def reference() -> pd.DataFrame:
    """reference.csv; the rice split plot's ``variety`` named ``treatment`` as yieldtrial does."""
    ref = read_reference(DATA / "reference.csv").copy()
    gomez = ref["case"].str.startswith("gomez_")
    for col in ("term", "spec"):
        ref.loc[gomez, col] = ref.loc[gomez, col].str.replace("variety", "treatment")
    return ref


def r_values(
    case: str, table: str, stat: str, *, ddf: str = "", spec: str = "", by: str = ""
) -> pd.Series:
    """Values of one statistic of one R table, indexed by ``term``."""
    return select(reference(), case, table, stat, ddf=ddf,
                  spec=spec, by=by)  # fmt: skip


def _run(case: str, flags: list[str], control: str, out: Path) -> dict[str, Any]:
    return json_report(DATA / f"{case}.csv", ["--control", control, *flags], out)


#: reports that keep the default Tukey letters although cld does not check them here: the
#: single-step letters of a strip plot and of an augmented design (mixed and Federer) stay
#: exercised (``test_tukey_letters_outside_the_cld_cases_letter_every_level``)
TUKEY_SMOKE = (
    ("strip_3x4_b4_m3", "satterthwaite"),
    ("aug_4ck_3b_10_ckmiss_random", "satterthwaite"),
    ("aug_4ck_3b_10_ckmiss_fixed", "residual"),
)


def _letters(case: str, ddf: str) -> list[str]:
    """``--letters lsd`` unless the report's Tukey letters are checked (stop 49).

    The report's Tukey letters are compared with ``multcomp::cld`` for the TUKEY cases
    only; in every other report they were most of its CPU (the single-step curve of the
    LS-means' covariance: about 4 of the 4.6-4.7 CPU s of an augmented or a 20-entry alpha
    report, 0.6 s with LSD letters; stop 49) and no test read them.  The ANOVA, variance
    components, LS-means, Dunnett and methods text checked here do not depend on the
    letter test.
    """
    return [] if (case, ddf) in TUKEY or (case, ddf) in TUKEY_SMOKE else ["--letters", "lsd"]


@functools.cache
def report(case: str, ddf: str, tmp: str) -> dict[str, Any]:
    """Run ``yieldtrial report CASE --format json`` in-process (mixed model, ``ddf``)."""
    flags, control, _ = CASES[case]
    options = [*flags, "--ddf", ddf, *_letters(case, ddf)]
    data = _run(case, options, control, Path(tmp) / f"{case}.{ddf}.json")
    _tukey_after_report(case, ddf)
    return data


def _tukey_after_report(case: str, ddf: str) -> None:
    """Build a TUKEY case's pairs and letters right after its report (stop 46).

    The report's letters integrate the all-pairs curve of the LS-means' covariance; the
    curve is cached in-process (``distributions._pairwise_curve_cached``, the last 32
    matrices) and ``FieldTrial.pairwise`` of the same trial and df method finds it there
    while it is fresh: 2 s of quadrature once per case instead of three times.  The
    values are the same either way (the curve is a function of the rounded matrix).
    """
    if (case, ddf) in TUKEY:
        _tukey_pairs(case, ddf)
        _tukey_letters(case, ddf)


@functools.cache
def federer(case: str, tmp: str) -> dict[str, Any]:
    """Return the augmented trial's report with blocks fixed (Federer), the default."""
    options = ["--design", "augmented", *_letters(case, "residual")]
    return _run(case, options, "CK1", Path(tmp) / f"{case}.json")


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("mixed_lme4_trials"))


def _cases_ddf() -> list[tuple[str, str]]:
    return [(c, d) for c in CASES for d in DDF]


@pytest.mark.parametrize("case", list(CASES))
def test_variance_components_match_lme4(case: str, tmp: str) -> None:
    """Variances and SEs = VarCorr and lmerTest; a zero estimate is flagged, lme4 near 0."""
    anova = report(case, "satterthwaite", tmp)["results"]["anova"]
    got = pd.DataFrame(anova["variance_components"]).set_index("component")
    variance = r_values(case, "vc", "variance")
    se = r_values(case, "vc", "se")
    total = float(variance.sum())
    assert set(got.index) == {"residual" if c == "Residual" else c for c in variance.index}
    for component, value in variance.items():
        row = got.loc["residual" if component == "Residual" else component]
        if row["boundary"]:
            # yieldtrial holds it at 0 (SE NaN); lme4 stops at theta ~ 1e-8
            assert row["variance"] == 0.0 and np.isnan(row["se"])
            assert value <= 1e-7 * total
            continue
        # a component near the boundary: to ATOL_VC of the total (the REML surface is flat)
        assert row["variance"] == pytest.approx(value, rel=RTOL_VC, abs=ATOL_VC * total)
        assert row["se"] == pytest.approx(se[component], rel=RTOL_VC_SE)


#: second and third rounds: the components estimated at zero (lme4: below 1e-7 of the total)
ZERO_SECOND_ROUND = {
    "sp_5x2_b4_m1": ["block"],
    "strip_2x5_b3_m3": ["block"],
    "rowcol_4x4_r2_m2": ["block:column"],
    "rowcol_3x5_r3_m1_random": ["block"],
    "rcbd_random_8x3_m2": ["block"],
    "latin6_random_m2": ["row"],
    # third round (stop 40): the replicates of three of the four alpha and resolvable
    # designs with replicates random, a strip plot's blocks, a row-column's columns
    "strip_5x2_b4_m3_h": ["block"],
    "alpha15_k3_r4_m5_random": ["block"],
    "alpha20_k4_r3_m4_random": ["block"],
    "ribd_10_r4_m4_random": ["block"],
    "rowcol_2x5_r4_m5": ["block:column"],
    # fourth round (stop 41): the published rice split plot's error (a) mean square (141,968)
    # lies below error (b)'s (349,580): its whole-plot variance is at zero in every case; the
    # blocks too with a whole plot lost in block II (N3) and with the block effects taken out
    **{c: ["block:nitrogen"] for c in CASES if c.startswith("gomez_")},
    "gomez_sp_wp_lost": ["block", "block:nitrogen"],
    "gomez_sp_block_zero_m3": ["block", "block:nitrogen"],
    "gomez_sp_block_zero_m3_main": ["block", "block:nitrogen"],
    "aug_4ck_4b_20_field_ckmiss_random": ["block"],
    "strip_3x4_b4_hstrip_lost": ["block"],
}


@pytest.mark.parametrize("ddf", DDF)
def test_second_round_zero_estimates_are_flagged_under_both_df_methods(ddf: str, tmp: str) -> None:
    """Each trial of the second to fourth rounds has exactly these components at the boundary."""
    second = list(CASES)[list(CASES).index("sp_2x6_b4_m3") :]
    for case in second:
        rows = report(case, ddf, tmp)["results"]["anova"]["variance_components"]
        assert [r["component"] for r in rows if r["boundary"]] == ZERO_SECOND_ROUND.get(case, [])


def test_zero_estimates_are_the_designed_ones(tmp: str) -> None:
    """The two trials simulated without that variance have it estimated at zero."""
    for case, component in (("sp_block_zero_m2", "block"),
                            ("alpha16_k4_r3_ibzero_m1", "block:incomplete_block")):  # fmt: skip
        rows = report(case, "satterthwaite", tmp)["results"]["anova"]["variance_components"]
        assert [r["component"] for r in rows if r["boundary"]] == [component]


@pytest.mark.parametrize(("case", "ddf"), _cases_ddf())
def test_f_tests_match_lmertest(case: str, ddf: str, tmp: str) -> None:
    """F, numerator df, denominator df and p = lmerTest's anova(type = 3, ddf = ...)."""
    table = pd.DataFrame(report(case, ddf, tmp)["results"]["anova"]["table"]).set_index("source")
    assert_f_tests(table, reference(), case, ddf)


@pytest.mark.parametrize(("case", "ddf"), _cases_ddf())
def test_lsmeans_match_emmeans(case: str, ddf: str, tmp: str) -> None:
    """Means table (LS-mean, SE, CI df) and every design_means table = emmeans."""
    _, _, spec = CASES[case]
    results = report(case, ddf, tmp)["results"]
    means = pd.DataFrame(results["means"]).set_index("treatment")
    ref = reference()
    # same levels; the Latin square lists them in the field book's order (B first)
    assert_lsmeans(means, ref, case, ddf, spec, same_order=False)
    assert_design_means(results.get("design_means") or [], ref, case, ddf)


def _check_dunnett(rows: pd.DataFrame, case: str, ddf: str, spec: str, stated: float,
                   *, exact_df: bool) -> None:  # fmt: skip
    r = {s: r_values(case, "dunnett", s, ddf=ddf, spec=spec)
         for s in ("estimate", "SE", "df", "t", "p_none", "p_mvt", "p_hi", "p_hi_err")}  # fmt: skip
    assert sorted(rows.index) == sorted(r["estimate"].index)
    k = len(rows)
    for level, row in rows.iterrows():
        # a difference near zero: to RTOL_MEAN of its SE (ABS_T), the REML optimum's precision
        se = row["se_kg_ha"]
        assert row["difference_kg_ha"] == pytest.approx(
            r["estimate"][level], rel=RTOL_MEAN, abs=ABS_T * se
        )
        assert se == pytest.approx(r["SE"][level], rel=RTOL_MEAN)
        assert row["df"] == pytest.approx(r["df"][level], rel=1e-12 if exact_df else RTOL_DF)
        assert row["statistic"] == pytest.approx(r["t"][level], rel=RTOL_MEAN, abs=ABS_T)
        assert row["p_value"] == pytest.approx(r["p_none"][level], rel=RTOL_DF, abs=1e-10)
        p = row["p_value_adjusted"]
        # (a family of one: p_adj = p to rounding)
        assert row["p_value"] * (1 - 1e-12) <= p <= min(1.0, k * row["p_value"]) + stated
        if not np.isnan(r["p_hi"][level]) and r["p_hi"][level] >= 1e-4:
            # twice mvtnorm's error estimate: aug_3ck_4b_17_tinyblock_fixed E05 (19
            # comparisons, abseps 2e-5) is 0.8489812 +- 1.6e-5, 1.8e-5 from yieldtrial's
            # 0.8489991; pmvt with maxpts 1e8 gave 0.84899897 +- 8e-7 (1.4e-7 from it)
            tol = 2 * r["p_hi_err"][level] + stated + 1e-6
            assert p == pytest.approx(r["p_hi"][level], abs=tol)
        rounded = np.floor(r["df"][level] + 0.25)
        t_abs = abs(r["t"][level])
        shift = 2 * abs(stats.t.sf(t_abs, rounded) - stats.t.sf(t_abs, r["df"][level]))
        assert p == pytest.approx(r["p_mvt"][level], abs=ATOL_P_MVT + k * shift)


@pytest.mark.parametrize(("case", "ddf"), _cases_ddf())
def test_dunnett_matches_emmeans(case: str, ddf: str, tmp: str) -> None:
    """Comparisons with the control = emmeans trt.vs.ctrl; adjusted p = mvtnorm's."""
    _, _, spec = CASES[case]
    data = report(case, ddf, tmp)["results"]
    rows = pd.DataFrame(data["control_comparisons"]).set_index("treatment")
    stated = data["control_comparisons_accuracy"]["abs_error"] or 1e-6
    _check_dunnett(rows, case, ddf, spec, stated, exact_df=False)


@pytest.mark.parametrize("case", FEDERER)
def test_federer_anova_means_and_dunnett_match_lm(case: str, tmp: str) -> None:
    """Blocks fixed: both sequential tables = anova(lm), means and Dunnett = emmeans."""
    data = federer(case, tmp)["results"]
    first = pd.DataFrame(data["anova"]["table"]).set_index("source")
    second = pd.DataFrame(data["anova"]["table_block_adjusted"]).set_index("source")
    pairs = [
        (first.loc["block (ignoring treatments)"], "anova_block_first", "block"),
        (first.loc["treatment (eliminating blocks)"], "anova_block_first", "treatment"),
        (first.loc["residual"], "anova_block_first", "Residuals"),
        (second.loc["treatment (ignoring blocks)"], "anova_treatment_first", "treatment"),
        (second.loc["block (eliminating treatments)"], "anova_treatment_first", "block"),
    ]
    for row, table, term in pairs:
        assert row["df"] == r_values(case, table, "Df", ddf="residual")[term]
        ss = r_values(case, table, "Sum Sq", ddf="residual")[term]
        assert row["sum_sq"] == pytest.approx(ss, rel=1e-9)
        if term != "Residuals":
            assert row["f"] == pytest.approx(
                r_values(case, table, "F value", ddf="residual")[term], rel=1e-9
            )
            assert row["p_value"] == pytest.approx(
                r_values(case, table, "Pr(>F)", ddf="residual")[term], rel=1e-7
            )
    means = pd.DataFrame(data["means"]).set_index("treatment")
    emmean = r_values(case, "emmeans", "emmean", ddf="residual", spec="treatment")
    se = r_values(case, "emmeans", "SE", ddf="residual", spec="treatment")
    for level, row in means.iterrows():
        assert row["mean"] == pytest.approx(emmean[level], rel=1e-9)
        assert row["se"] == pytest.approx(se[level], rel=1e-9)
    rows = pd.DataFrame(data["control_comparisons"]).set_index("treatment")
    stated = data["control_comparisons_accuracy"]["abs_error"] or 1e-6
    _check_dunnett(rows, case, "residual", "treatment", stated, exact_df=True)


@pytest.mark.parametrize(("case", "ddf"), _cases_ddf())
def test_methods_name_model_reml_and_df_method(case: str, ddf: str, tmp: str) -> None:
    """Methods: the R formula of make_reference.R, REML, the df method asked for."""
    data = report(case, ddf, tmp)
    manifest = pd.read_csv(DATA / "manifest.tsv", sep="\t", dtype=str).set_index("case")
    formula = manifest.loc[case, "formula"]
    # Gomez's variety is read as the model's treatment column; the methods name it by the
    # header the user wrote (stop 51, tidy56), the results by the model's column
    model = formula.replace("variety", "treatment") if case.startswith("gomez_") else formula
    assert data["results"]["anova"]["model"] == model
    section = next(s for s in data["sections"] if s["key"] == "methods")
    text = " ".join(b["text"] for b in section["blocks"] if b["type"] == "paragraph")
    assert f"analysed with the linear mixed model {formula} (" in text
    assert "estimated by residual maximum likelihood (REML)" in text
    if ddf == "satterthwaite":
        assert "compared with Satterthwaite denominator degrees of freedom" in text
    else:
        assert "Kenward-Roger standard errors and denominator degrees of freedom" in text
    zero = [r["component"] for r in data["results"]["anova"]["variance_components"]
            if r["boundary"]]  # fmt: skip
    assert ("estimate of" in text and "is zero (the boundary)" in text) is bool(zero)


def test_augmented_check_lost_in_a_block_has_no_suspect_labels_or_mixed_model_note(
    tmp: str,
) -> None:
    """A check lost in one block: no "mistyped treatment label"; Federer names no mixed model.

    Blocks 2 and 3 hold 7 of the 14 labels once each (median count 0.5), and all 14 of
    their plots were listed as "recorded more often in a block than the others"; the
    Federer analysis (blocks fixed) warned "the mixed model's tests use their own df".
    """
    for data in (federer("aug_4ck_3b_10_ckmiss_fixed", tmp),
                 report("aug_4ck_3b_10_ckmiss_random", "satterthwaite", tmp)):  # fmt: skip
        suspects = data["results"]["suspect_plots"]
        assert not [s for s in suspects if s["pattern"] == "treatment label"]
    warnings = federer("aug_4ck_3b_10_ckmiss_fixed", tmp)["results"]["warnings"]
    assert any(w.startswith("only 5 error degrees of freedom") for w in warnings)
    assert not any("mixed model" in w for w in warnings)
    warnings = report("aug_4ck_3b_10_ckmiss_random", "satterthwaite", tmp)["results"]["warnings"]
    assert any("the mixed model's tests use their own df" in w for w in warnings)


@pytest.mark.parametrize(("case", "ddf"), TUKEY_SMOKE)
def test_tukey_letters_outside_the_cld_cases_letter_every_level(
    case: str, ddf: str, tmp: str
) -> None:
    """A strip plot's and an augmented design's report letters by Tukey, every level lettered.

    No R reference for these letters (cld covers the TUKEY cases); the other reports of
    this file use ``--letters lsd`` (:func:`_letters`), so these keep the single-step
    letters of two more design families running in the report.
    """
    data = federer(case, tmp) if ddf == "residual" else report(case, ddf, tmp)
    letters = data["results"]["letters"]
    assert letters["test"] == "tukey"
    levels = [row["treatment"] for row in data["results"]["means"]]
    got = {row["level"]: row["letters_05"] for row in letters["table"]}
    assert set(levels) <= set(got) and all(got[level] for level in levels)


# ------------------------------------------------------- second round (stop 39)


@functools.cache
def least_squares(case: str, tmp: str) -> dict[str, Any]:
    """Return the report of a least-squares trial (blocks, or rows and columns, fixed)."""
    flags, control = LEAST_SQUARES[case]
    data = _run(case, flags, control, Path(tmp) / f"{case}.json")
    _tukey_after_report(case, "residual")
    return data


@pytest.mark.parametrize("case", list(LEAST_SQUARES))
def test_least_squares_with_missing_plots_match_lm(case: str, tmp: str) -> None:
    """Treatment F, LS-means and Dunnett (the control itself missing) = lm and emmeans.

    R: ``drop1(lm(y ~ row + column + treatment), test = "F")`` for the Latin squares (the
    report's type II table) and ``anova(lm(y ~ block + treatment))`` (treatments
    eliminating blocks) for the RCBDs; ``emmeans(lm, ~ treatment)``.
    """
    data = least_squares(case, tmp)["results"]
    table = pd.DataFrame(data["anova"]["table"]).set_index("source")
    latin = case.startswith("latin")
    stat = ("F", "num_df", "p") if latin else ("F value", "Df", "Pr(>F)")
    section = "anova" if latin else "anova_block_first"
    f, df, p = (r_values(case, section, x, ddf="residual")["treatment"] for x in stat)
    assert table.loc["treatment", "f"] == pytest.approx(f, rel=1e-9)
    assert table.loc["treatment", "df"] == df
    assert table.loc["treatment", "p_value"] == pytest.approx(p, rel=1e-7)
    means = pd.DataFrame(data["means"]).set_index("treatment")
    assert_lsmeans(means, reference(), case, "residual",
                   "treatment", same_order=False)  # fmt: skip
    rows = pd.DataFrame(data["control_comparisons"]).set_index("treatment")
    stated = data["control_comparisons_accuracy"]["abs_error"] or 1e-6
    _check_dunnett(rows, case, "residual", "treatment", stated, exact_df=True)


@functools.cache
def _trial(case: str, ddf: str) -> Any:
    """Return ``FieldTrial.from_csv`` of a case (the documented Python path).

    One trial per (case, df method), shared by the tests of the module: its fitted model
    (REML) is kept by the trial, so the Tukey, letters and one-sided Dunnett tests of a
    case fit it once; no test changes the trial.
    """
    from yieldtrial import FieldTrial

    if case in LEAST_SQUARES:
        flags, control = LEAST_SQUARES[case]
    elif case in FEDERER:
        flags, control = ["--design", "augmented"], "CK1"
    else:
        flags, control, _ = CASES[case]
    names = {"--design": "design", "--block-effects": "block_effects", "--factors": "factors"}
    kwargs: dict[str, Any] = {names[k]: v for k, v in zip(flags[::2], flags[1::2], strict=True)}
    if "factors" in kwargs:
        kwargs["factors"] = kwargs["factors"].split(",")
    if ddf != "residual":
        kwargs["ddf"] = ddf
    return FieldTrial.from_csv(DATA / f"{case}.csv", crop="wheat", control=control, **kwargs)


def _family(case: str) -> tuple[str, str | None]:
    """R's spec of the control's family and FieldTrial's ``kind`` for it (whole plots)."""
    spec = CASES[case][2] if case in CASES else "treatment"
    return spec, (None if spec == "treatment" else spec)


#: (case, df key) whose all-pairs family is checked against emmeans' pairs() and
#: multcomp::cld (manifest extras "tukey")
TUKEY = [
    *[(c, d) for c in ("alpha12_k3_r3_m2", "rcbd_random_6x4_ckmiss", "rcbd_random_8x3_m2",
                       "rcbd_random_one_left") for d in DDF],
    # third round (stop 40)
    *[(c, d) for c in ("alpha15_k3_r4_m5", "alpha15_k3_r4_m5_random", "ribd_13_r3_m3_random",
                       "rowcol_4x3_r3_m4_random", "rcbd_random_7x5_m4", "rcbd_random_6x3_m4",
                       "latin5_random_m3") for d in DDF],
    *[(c, "residual") for c in LEAST_SQUARES],
    # the rice split plot: varieties (sub-plot family), nitrogen rates (whole-plot family)
    *[(f"gomez_sp_{n}", d) for n in ("m1", "m3_same_wp", "m3_diff_wp", "m1_main") for d in DDF],
]  # fmt: skip


@functools.cache
def _tukey_pairs(case: str, ddf: str) -> pd.DataFrame:
    """``FieldTrial.pairwise("tukey")`` of the control's family (built once; not changed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few error df; borderline p near alpha
        return _trial(case, ddf).pairwise(method="tukey", unit="kg/ha", kind=_family(case)[1])


@functools.cache
def _tukey_letters(case: str, ddf: str) -> pd.Series:
    """``FieldTrial.means(letters="tukey")``'s letters of the family's levels (built once)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few error df; borderline p near alpha
        means = _trial(case, ddf).means(letters="tukey", unit="kg/ha", kind=_family(case)[1])
    return means.set_index("treatment")["letters"]


@pytest.mark.parametrize(("case", "ddf"), TUKEY)
def test_tukey_pairs_and_letters_match_emmeans_and_cld(case: str, ddf: str) -> None:
    """FieldTrial.pairwise("tukey") and the letters = emmeans pairs() and multcomp::cld.

    Independent (or blocks-only correlated) LS-means: Tukey-Kramer, R's ``adjust =
    "tukey"`` (ptukey at each pair's df) to 1e-6.  Correlated LS-means (incomplete
    blocks, missing plots with blocks fixed, a mixed model): yieldtrial integrates the
    single-step multivariate t, R's ``p_hi`` (1 - pmvt of the pairs' correlation) within
    both stated errors where R computed it, and emmeans' randomized ``mvt`` at integer df
    to 2e-3 plus the change of the raw p from that rounding.  Letters: two levels share
    one exactly when cld (same alpha, same adjustment) gives them a common letter; pairs
    whose adjusted p lies within 2e-3 of 0.05 (where the randomized R p may fall either
    side) are not compared.
    """
    spec = _family(case)[0]
    pairs = _tukey_pairs(case, ddf)
    letters = _tukey_letters(case, ddf)
    prov = pairs.attrs["provenance"]
    names = ("estimate", "SE", "df", "p_none", "p_tukey", "p_mvt", "p_hi", "p_hi_err")
    r = {s: r_values(case, "tukey", s, ddf=ddf, spec=spec) for s in names}
    kramer = prov["test"] == "Tukey-Kramer"
    stated = 0.0 if kramer else float(prov["adjustment"].split("<= ")[1].rstrip(")"))
    adjusted = {}
    for _, row in pairs.iterrows():
        label, sign = f"{row['group1']} - {row['group2']}", 1.0
        if label not in r["estimate"].index:
            label, sign = f"{row['group2']} - {row['group1']}", -1.0
        assert sign * row["difference_kg_ha"] == pytest.approx(
            r["estimate"][label], rel=RTOL_MEAN, abs=ABS_T * row["se_kg_ha"]
        )
        assert row["se_kg_ha"] == pytest.approx(r["SE"][label], rel=RTOL_MEAN)
        assert row["df"] == pytest.approx(r["df"][label], rel=RTOL_DF)
        assert row["p_value"] == pytest.approx(r["p_none"][label], rel=RTOL_DF, abs=1e-10)
        p = row["p_value_adjusted"]
        adjusted[label] = p
        if kramer:
            # the studentized range at the pair's df: R's ptukey, df to RTOL_DF
            assert p == pytest.approx(r["p_tukey"][label], rel=RTOL_DF, abs=1e-8)
            continue
        if not np.isnan(r["p_hi"][label]) and r["p_hi"][label] >= 1e-4:
            tol = 2 * r["p_hi_err"][label] + stated + 1e-6
            assert p == pytest.approx(r["p_hi"][label], abs=tol)
        rounded = np.floor(r["df"][label] + 0.25)
        t_abs = abs(row["statistic"])
        shift = 2 * abs(stats.t.sf(t_abs, rounded) - stats.t.sf(t_abs, r["df"][label]))
        assert p == pytest.approx(r["p_mvt"][label], abs=ATOL_P_MVT + len(pairs) * shift)
    same = r_values(case, "tukey_cld", "same_group", ddf=ddf, spec="tukey" if kramer else "mvt")
    for label, value in same.items():
        a, b = label.split(" - ")
        key = label if label in adjusted else f"{b} - {a}"
        if abs(adjusted[key] - 0.05) < 2e-3:
            continue
        assert bool(set(letters[a]) & set(letters[b])) is bool(value)


@pytest.mark.parametrize(("case", "ddf"), [(c, d) for c, d in TUKEY if c in CASES])
def test_report_letters_match_cld(case: str, ddf: str, tmp: str) -> None:
    """The report's letters (JSON ``results.letters``, alpha 0.05) = multcomp::cld.

    What the user reads, not only the API: two levels share a letter exactly when cld
    (Tukey-Kramer or the single step, as the report's pairs) gives them a common one.
    Pairs whose adjusted p lies within 2e-3 of 0.05 are not compared (as above).
    """
    letters = report(case, ddf, tmp)["results"]["letters"]
    assert letters["test"] == "tukey"
    got = {row["level"]: row["letters_05"] for row in letters["table"]}
    pairs = _tukey_pairs(case, ddf)
    kramer = pairs.attrs["provenance"]["test"] == "Tukey-Kramer"
    adjusted = {frozenset((r["group1"], r["group2"])): r["p_value_adjusted"]
                for _, r in pairs.iterrows()}  # fmt: skip
    same = r_values(case, "tukey_cld", "same_group", ddf=ddf, spec="tukey" if kramer else "mvt")
    assert len(same) == len(adjusted)
    for label, value in same.items():
        a, b = label.split(" - ")
        if abs(adjusted[frozenset((a, b))] - 0.05) < 2e-3:
            continue
        assert bool(set(got[a]) & set(got[b])) is bool(value), label


#: (case, df key) whose one-sided Dunnett (manifest extras "greater") R computed
GREATER = [
    *[(c, d) for c in ("alpha12_k3_r3_m2", "rcbd_random_6x4_ckmiss", "sp_2x6_b4_m3",
                       "sp_4x3_b4_m4_main", "alpha15_k3_r4_m5_random", "rcbd_random_7x5_m4")
      for d in DDF],
    ("rcbd_fixed_6x4_ckmiss", "residual"),
    # fourth round (stop 41): the rice split plot's whole-plot family (control N0)
    *[(c, d) for c in ("gomez_sp_m1_main", "gomez_sp_m3_same_wp_main",
                       "gomez_sp_m3_diff_wp_main", "gomez_sp_m3_same_sub_main") for d in DDF],
]  # fmt: skip


@pytest.mark.parametrize(("case", "ddf"), GREATER)
def test_one_sided_dunnett_matches_emmeans(case: str, ddf: str) -> None:
    """compare_to_control(alternative="greater") = emmeans trt.vs.ctrl, side = ">".

    Raw p to 1e-4 (df); adjusted p: R's one-sided single step ``1 - pmvt(-Inf, t)`` at
    the exact df (``p_hi``) within both stated errors, and emmeans' ``mvt`` (integer df)
    to 2e-3 plus the change of the raw p from that rounding.
    """
    spec = CASES[case][2] if case in CASES else "treatment"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = _trial(case, ddf).compare_to_control(
            alternative="greater", unit="kg/ha", kind=_family(case)[1]
        )
    rows = rows.set_index("treatment")
    stated = float(rows.attrs.get("accuracy_abs_error") or "nan")
    stated = 1e-6 if np.isnan(stated) else stated  # NaN: exact (product form)
    r = {s: r_values(case, "dunnett_greater", s, ddf=ddf, spec=spec)
         for s in ("t", "df", "p_none", "p_mvt", "p_hi", "p_hi_err")}  # fmt: skip
    assert sorted(rows.index) == sorted(r["t"].index)
    assert set(rows["alternative"]) == {"greater"}
    for level, row in rows.iterrows():
        assert row["statistic"] == pytest.approx(r["t"][level], rel=RTOL_MEAN)
        assert row["p_value"] == pytest.approx(r["p_none"][level], rel=RTOL_DF, abs=1e-10)
        p = row["p_value_adjusted"]
        if not np.isnan(r["p_hi"][level]) and r["p_hi"][level] >= 1e-4:
            assert p == pytest.approx(r["p_hi"][level], abs=r["p_hi_err"][level] + stated + 1e-6)
        rounded = np.floor(r["df"][level] + 0.25)
        t = row["statistic"]
        shift = 2 * abs(stats.t.sf(t, rounded) - stats.t.sf(t, r["df"][level]))
        assert p == pytest.approx(r["p_mvt"][level], abs=ATOL_P_MVT + len(rows) * shift)


@pytest.mark.parametrize("case", FEDERER[2:])
def test_augmented_best_check_and_four_seds_match_emmeans(case: str) -> None:
    """Checks unequal in number per block: best check, entries vs it, the four SEDs.

    R (blocks fixed, ``lm``): the check with the highest LS-mean; each entry minus it
    (``contrast``: estimate, SE, raw p); each SED kind as the root mean of the pair
    variances of ``vcov(emmeans(m, ~ treatment))`` over the pairs of that kind.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = _trial(case, "residual").anova()
    best = r_values(case, "best_check", "best", ddf="residual", spec="treatment")
    assert fit.best_check == best.index[0]
    got = fit.vs_best_check().set_index("treatment")
    r = {s: r_values(case, "best_check", s, ddf="residual", spec="treatment")
         for s in ("estimate", "SE", "df", "p.value")}  # fmt: skip
    assert sorted(got.index) == sorted(r["estimate"].index)
    for level, row in got.iterrows():
        assert row["difference_kg_ha"] == pytest.approx(r["estimate"][level], rel=1e-9)
        assert row["se_kg_ha"] == pytest.approx(r["SE"][level], rel=1e-9)
        assert row["df"] == r["df"][level]
        assert row["p_value"] == pytest.approx(r["p.value"][level], rel=1e-7)
    sed = fit.sed.set_index("comparison")["sed"]
    for kind, value in r_values(case, "sed", "sed", ddf="residual", spec="treatment").items():
        assert sed[kind] == pytest.approx(value, rel=1e-9)
