"""The report's mixed-model numbers against lme4 + lmerTest + pbkrtest + emmeans (issue 15).

Independent verification through the surface a user meets: ``yieldtrial report FILE
--format json`` (run in-process with ``yieldtrial.cli.main``) on eight SYNTHETIC trials
that tests/test_stats_mixed_lme4.py does not use, most of them field books written by
``yieldtrial design`` (tests/data/r_reference_surface/make_surface_inputs.py: seeds 8080-8787
and 9101-9808; sources and missing plots in its README.md):

* ``split_missing1``: 3 x 4 split plot in 4 blocks, one sub-plot missing;
* ``split_missing3``: 4 x 3 split plot in 3 blocks, three missing, two of them in the
  same whole plot;
* ``strip_missing2``: 3 x 4 strip plot in 4 blocks, two missing;
* ``alpha24_missing1`` (24 entries, blocks of 4, 3 replicates) and ``alpha30_missing1``
  (30 entries, blocks of 5, 2 replicates): alpha-lattices, one plot missing each;
* ``augmented_4x5_30``: augmented RCBD, 4 checks in 5 blocks, 30 entries, with blocks
  fixed (Federer, ``lm``) and random (``--block-effects random``);
* ``rowcol_missing1``: resolvable row-column design, 12 entries in 3 replicates of
  3 rows x 4 columns, one plot missing;
* ``rcbd_random_missing2``: RCBD, 7 treatments in 4 blocks, blocks random, two missing.

Every expected value is R's, stored with 17 significant digits in
``tests/data/r_reference_surface/reference.csv`` by ``make_reference.R`` in the same folder
(R 4.2.2; lme4 1.1-31, lmerTest 3.1-3, pbkrtest 0.5.2, emmeans 1.8.4-1, mvtnorm 1.1-3;
rerun with ``Rscript tests/data/r_reference_surface/make_reference.R``): the ``table``
column of each row names the R call (``vc``: VarCorr and lmerTest's vcov_varpar;
``anova``: ``anova(m, type = 3, ddf = ...)``; ``emmeans``: ``summary(emmeans(m, ~ spec,
lmer.df = ...))``; ``dunnett``: ``contrast(emm, "trt.vs.ctrl")`` with ``adjust = "none"``
and ``"mvt"``, and ``p_hi``: ``1 - pmvt(...)`` at high precision, interpolated to the
row's exact df).  No R at test time.

Tolerances are the precision of the methods: REML optima (lme4 tight nloptwrap and
yieldtrial) to ~1e-9 relative; lmerTest's Satterthwaite df use numDeriv's Hessian (~1e-6);
emmeans' ``mvt`` p-values are randomized (abseps 1e-3) on df rounded to an integer, so
they are compared to 2e-3 plus the effect of that rounding, and yieldtrial's p-values are
compared with ``p_hi`` (error bound ``p_hi_err`` plus yieldtrial's stated error).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
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
from yieldtrial.cli import main as cli

DATA = Path(__file__).parent / "data" / "r_reference_surface"

RTOL_VC = 1e-5  # variance components
RTOL_VC_SE = 1e-4  # their SEs (lmerTest: numerical Hessian)
ATOL_P_MVT = 2e-3  # emmeans' mvt: mvtnorm abseps 1e-3 (99 % bound)

#: case -> (plot table, report flags, R case name, control, R spec of the control family)
CASES: dict[str, tuple[str, list[str], str, str, str]] = {
    "split_missing1": (
        "split_missing1.csv", ["--design", "split_plot", "--factors", "main,sub"],
        "split_missing1", "N0", "sub",
    ),
    "split_missing3": (
        "split_missing3.csv", ["--design", "split_plot", "--factors", "main,sub"],
        "split_missing3", "S1", "sub",
    ),
    "strip_missing2": (
        "strip_missing2.csv", ["--design", "strip_plot", "--factors", "h,v"],
        "strip_missing2", "V1", "v",
    ),
    "alpha24_missing1": (
        "alpha24_missing1.csv", ["--design", "alpha"], "alpha24_missing1", "G01", "treatment",
    ),
    "alpha30_missing1": (
        "alpha30_missing1.csv", ["--design", "alpha"], "alpha30_missing1", "G01", "treatment",
    ),
    "augmented_random": (
        "augmented_4x5_30.csv", ["--design", "augmented", "--block-effects", "random"],
        "augmented_4x5_30_random", "CK1", "treatment",
    ),
    "rowcol_missing1": (
        "rowcol_missing1.csv", ["--design", "row_column"], "rowcol_missing1", "V01", "treatment",
    ),
    "rcbd_random_missing2": (
        "rcbd_random_missing2.csv", ["--block-effects", "random"],
        "rcbd_random_missing2", "T01", "treatment",
    ),
}  # fmt: skip

DDF = ("satterthwaite", "kenward-roger")


def reference() -> pd.DataFrame:
    """reference.csv of this module's cases (:func:`r_tables.read_reference`)."""
    return read_reference(DATA / "reference.csv")


def r_values(
    case: str, table: str, stat: str, *, ddf: str = "", spec: str = "", by: str = ""
) -> pd.Series:
    """Values of one statistic of one R table, indexed by ``term``."""
    return select(reference(), case, table, stat, ddf=ddf, spec=spec, by=by)


@functools.cache
def report(case: str, ddf: str, tmp: str) -> dict[str, Any]:
    """Run ``yieldtrial report CASE --format json`` in-process and return the JSON.

    With ``--letters lsd``: no test here reads the letters, and the report's default Tukey
    letters (the single-step curve of the LS-means' covariance) were most of a report's
    CPU (stop 49).  The report's Tukey letters of mixed models are checked against
    ``multcomp::cld`` in tests/test_report_mixed_lme4_trials.py.
    """
    name, flags, _, control, _ = CASES[case]
    out = Path(tmp) / f"{case}.{ddf}.json"
    options = ["--control", control, *flags, "--ddf", ddf, "--letters", "lsd"]
    return json_report(DATA / name, options, out)


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("mixed_lme4_reports"))


def _cases_ddf() -> list[tuple[str, str]]:
    return [(c, d) for c in CASES for d in DDF]


# ----------------------------------------------------------------------------- variance


@pytest.mark.parametrize("case", list(CASES))
def test_variance_components_match_lme4(case: str, tmp: str) -> None:
    """Report's variance components and SEs = VarCorr and lmerTest's information."""
    rcase = CASES[case][2]
    anova = report(case, "satterthwaite", tmp)["results"]["anova"]
    got = pd.DataFrame(anova["variance_components"]).set_index("component")
    variance = r_values(rcase, "vc", "variance")
    se = r_values(rcase, "vc", "se")
    assert set(got.index) == {"residual" if c == "Residual" else c for c in variance.index}
    for component, value in variance.items():
        row = got.loc["residual" if component == "Residual" else component]
        assert not row["boundary"]
        assert row["variance"] == pytest.approx(value, rel=RTOL_VC)
        assert row["se"] == pytest.approx(se[component], rel=RTOL_VC_SE)


# ----------------------------------------------------------------------------- F tests


@pytest.mark.parametrize(("case", "ddf"), _cases_ddf())
def test_f_tests_match_lmertest(case: str, ddf: str, tmp: str) -> None:
    """Report's F, numerator df, denominator df and p = lmerTest's anova(type = 3).

    The fixed replicates of alpha and row-column designs are not tested by yieldtrial
    (nuisance); every other R term is.
    """
    table = pd.DataFrame(report(case, ddf, tmp)["results"]["anova"]["table"]).set_index("source")
    assert_f_tests(table, reference(), CASES[case][2], ddf)


# ----------------------------------------------------------------------------- LS-means


@pytest.mark.parametrize(("case", "ddf"), _cases_ddf())
def test_lsmeans_match_emmeans(case: str, ddf: str, tmp: str) -> None:
    """Report's means table (LS-mean, SE, CI df) = emmeans of the control's factor."""
    _, _, rcase, _, spec = CASES[case]
    means = pd.DataFrame(report(case, ddf, tmp)["results"]["means"]).set_index("treatment")
    assert_lsmeans(means, reference(), rcase, ddf, spec, same_order=True)


@pytest.mark.parametrize(
    ("case", "ddf"), [(c, d) for c in CASES for d in DDF if CASES[c][4] != "treatment"]
)
def test_factor_and_cell_means_match_emmeans(case: str, ddf: str, tmp: str) -> None:
    """Split and strip plots: every design_means table (each factor, cells) = emmeans."""
    tables = report(case, ddf, tmp)["results"]["design_means"]
    a, b = ("main", "sub") if case.startswith("split") else ("h", "v")
    assert sorted(t["factor"] for t in tables) == sorted([a, b, f"{a}:{b}"])
    assert_design_means(tables, reference(), CASES[case][2], ddf)


# ----------------------------------------------------------------------------- Dunnett


@pytest.mark.parametrize(("case", "ddf"), _cases_ddf())
def test_dunnett_matches_emmeans(case: str, ddf: str, tmp: str) -> None:
    """Report's comparisons with the control = emmeans trt.vs.ctrl (difference, SE, df, t).

    Adjusted p: against this script's high-precision single-step p at the row's exact df
    (``p_hi``, where R computed it) to its error bound plus yieldtrial's stated error,
    and against emmeans' own ``adjust = "mvt"`` (randomized, abseps 1e-3, df rounded to
    ``floor(df + 0.25)``) to 2e-3 plus the change of the raw p from that rounding.
    """
    _, _, rcase, _, spec = CASES[case]
    data = report(case, ddf, tmp)["results"]
    rows = pd.DataFrame(data["control_comparisons"]).set_index("treatment")
    stated = data["control_comparisons_accuracy"]["abs_error"] or 1e-6
    est = r_values(rcase, "dunnett", "estimate", ddf=ddf, spec=spec)
    assert sorted(rows.index) == sorted(est.index)
    r = {s: r_values(rcase, "dunnett", s, ddf=ddf, spec=spec)
         for s in ("SE", "df", "t", "p_none", "p_mvt", "p_hi", "p_hi_err")}  # fmt: skip
    for level, row in rows.iterrows():
        assert row["difference_kg_ha"] == pytest.approx(est[level], rel=RTOL_MEAN)
        assert row["se_kg_ha"] == pytest.approx(r["SE"][level], rel=RTOL_MEAN)
        assert row["df"] == pytest.approx(r["df"][level], rel=RTOL_DF)
        assert row["statistic"] == pytest.approx(r["t"][level], rel=RTOL_MEAN)
        assert row["p_value"] == pytest.approx(r["p_none"][level], rel=1e-4, abs=1e-10)
        if not np.isnan(r["p_hi"][level]):
            tol = r["p_hi_err"][level] + stated + 1e-6
            assert row["p_value_adjusted"] == pytest.approx(r["p_hi"][level], abs=tol)
        rounded = np.floor(r["df"][level] + 0.25)
        t_abs = abs(r["t"][level])
        shift = 2 * abs(stats.t.sf(t_abs, rounded) - stats.t.sf(t_abs, r["df"][level]))
        assert row["p_value_adjusted"] == pytest.approx(
            r["p_mvt"][level], abs=ATOL_P_MVT + len(rows) * shift
        )


# ----------------------------------------------------------------------------- augmented


@functools.cache
def federer(tmp: str) -> dict[str, Any]:
    """Return the augmented RCBD's report with blocks fixed (Federer), the default."""
    out = Path(tmp) / "augmented_fixed.json"
    argv = ["report", str(DATA / "augmented_4x5_30.csv"), "--crop", "wheat", "--control",
            "CK1", "--design", "augmented", "--format", "json", "-o", str(out),
            "--force"]  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli(argv) == 0
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def test_augmented_federer_anova_matches_lm(tmp: str) -> None:
    """Federer's two sequential tables = anova(lm(y ~ block + treatment)) and its reverse."""
    anova = federer(tmp)["results"]["anova"]
    first = pd.DataFrame(anova["table"]).set_index("source")
    second = pd.DataFrame(anova["table_block_adjusted"]).set_index("source")
    case = "augmented_4x5_30_fixed"

    def r(table: str, term: str, stat: str) -> float:
        return float(r_values(case, table, stat, ddf="residual")[term])

    pairs = [
        (first.loc["block (ignoring treatments)"], "anova_block_first", "block"),
        (first.loc["treatment (eliminating blocks)"], "anova_block_first", "treatment"),
        (first.loc["residual"], "anova_block_first", "Residuals"),
        (second.loc["treatment (ignoring blocks)"], "anova_treatment_first", "treatment"),
        (second.loc["block (eliminating treatments)"], "anova_treatment_first", "block"),
    ]
    for row, table, term in pairs:
        assert row["df"] == r(table, term, "df")
        assert row["sum_sq"] == pytest.approx(r(table, term, "sum_sq"), rel=1e-9)
        if term != "Residuals":
            assert row["f"] == pytest.approx(r(table, term, "F"), rel=1e-9)
            assert row["p_value"] == pytest.approx(r(table, term, "p"), rel=1e-7)


def test_augmented_federer_means_and_dunnett_match_emmeans(tmp: str) -> None:
    """Adjusted means, SEs and the Dunnett table (residual df 12) = emmeans on the lm."""
    data = federer(tmp)["results"]
    case = "augmented_4x5_30_fixed"
    means = pd.DataFrame(data["means"]).set_index("treatment")
    emmean = r_values(case, "emmeans", "emmean", ddf="residual", spec="treatment")
    se = r_values(case, "emmeans", "SE", ddf="residual", spec="treatment")
    for level, row in means.iterrows():
        assert row["mean"] == pytest.approx(emmean[level], rel=1e-9)
        assert row["se"] == pytest.approx(se[level], rel=1e-9)
    rows = pd.DataFrame(data["control_comparisons"]).set_index("treatment")
    stated = data["control_comparisons_accuracy"]["abs_error"] or 1e-6
    r = {s: r_values(case, "dunnett", s, ddf="residual", spec="treatment")
         for s in ("estimate", "SE", "df", "t", "p_mvt", "p_hi", "p_hi_err")}  # fmt: skip
    assert sorted(rows.index) == sorted(r["estimate"].index)
    for level, row in rows.iterrows():
        assert row["difference_kg_ha"] == pytest.approx(r["estimate"][level], rel=1e-9)
        assert row["se_kg_ha"] == pytest.approx(r["SE"][level], rel=1e-9)
        assert row["df"] == r["df"][level] == 12
        if not np.isnan(r["p_hi"][level]):
            tol = r["p_hi_err"][level] + stated + 1e-6
            assert row["p_value_adjusted"] == pytest.approx(r["p_hi"][level], abs=tol)
        assert row["p_value_adjusted"] == pytest.approx(r["p_mvt"][level], abs=ATOL_P_MVT)


# ----------------------------------------------------------------------------- text


#: case -> (the trial's design in the provenance, R model formula of make_reference.R);
#: the augmented trial with random blocks is fitted as an RCBD but recorded as augmented
PROVENANCE = {
    "split_missing1": ("split_plot", "yield_kg_ha ~ main * sub + (1 | block) + (1 | block:main)"),
    "split_missing3": ("split_plot", "yield_kg_ha ~ main * sub + (1 | block) + (1 | block:main)"),
    "strip_missing2": (
        "strip_plot", "yield_kg_ha ~ h * v + (1 | block) + (1 | block:h) + (1 | block:v)",
    ),
    "alpha24_missing1": (
        "alpha", "yield_kg_ha ~ block + treatment + (1 | block:incomplete_block)",
    ),
    "alpha30_missing1": (
        "alpha", "yield_kg_ha ~ block + treatment + (1 | block:incomplete_block)",
    ),
    "augmented_random": ("augmented", "yield_kg_ha ~ treatment + (1 | block)"),
    "rowcol_missing1": (
        "row_column", "yield_kg_ha ~ block + treatment + (1 | block:row) + (1 | block:column)",
    ),
    "rcbd_random_missing2": ("rcbd", "yield_kg_ha ~ treatment + (1 | block)"),
}  # fmt: skip

#: Designs whose blocks do not hold every treatment: df approximations with complete data.
NON_ORTHOGONAL = ("alpha24_missing1", "alpha30_missing1", "augmented_random", "rowcol_missing1")


def _methods(data: dict[str, Any]) -> str:
    section = next(s for s in data["sections"] if s["key"] == "methods")
    return " ".join(b["text"] for b in section["blocks"] if b["type"] == "paragraph")


@pytest.mark.parametrize(("case", "ddf"), _cases_ddf())
def test_provenance_names_design_model_and_df_method(case: str, ddf: str, tmp: str) -> None:
    """JSON provenance: the fitted model is R's formula, REML, the df method asked for."""
    data = report(case, ddf, tmp)
    anova = data["results"]["anova"]
    design, formula = PROVENANCE[case]
    assert anova["design"] == design and anova["model"] == formula
    assert anova["df_method"] == ddf and anova["variance_estimation"] == "REML"
    components = [c["component"] for c in anova["variance_components"]]
    assert anova["error_term"] == "REML variance components: " + ", ".join(components)
    assert {r["error_term"] for r in anova["table"]} == {f"REML, {ddf} df"}
    settings = data["metadata"]["settings"]
    assert settings["alpha"] == 0.05 and settings["control"] == [CASES[case][3]]
    rows = data["results"]["control_comparisons"]
    assert {(r["method"], r["alternative"], r["confidence"]) for r in rows} == {
        ("dunnett", "two-sided", 0.95)
    }
    label = "Satterthwaite" if ddf == "satterthwaite" else "Kenward-Roger"
    assert all(r["error_term"].startswith("REML (") and label in r["error_term"] for r in rows)
    families = data["results"]["comparison_families"]
    assert families["adjustment"] == "Dunnett single-step within each control's family"


@pytest.mark.parametrize(("case", "ddf"), _cases_ddf())
def test_methods_name_the_mixed_model_reml_and_df_method(case: str, ddf: str, tmp: str) -> None:
    """Methods: "linear mixed model <formula>", REML, the df method, the df caveat."""
    text = _methods(report(case, ddf, tmp))
    assert f"analysed with the linear mixed model {PROVENANCE[case][1]} (" in text
    assert "estimated by residual maximum likelihood (REML)" in text
    if ddf == "satterthwaite":
        assert "compared with Satterthwaite denominator degrees of freedom" in text
        assert "Kenward-Roger standard errors" not in text
    else:
        assert "Kenward-Roger standard errors and denominator degrees of freedom" in text
    assert 'emmeans\' "mvt" adjustment rounds the df' in text
    if case in NON_ORTHOGONAL:
        # no stratum ANOVA whose df these could equal (an entry-check pair of the
        # augmented design: 12.86 df against the 12 residual df, no plot missing)
        assert "approximations even with no plot missing" in text
        assert "stratum df" not in text
    elif ddf == "satterthwaite":
        # one sentence: exact stratum df with no plot missing, approximate with the case's
        # missing plots (the digit of its name, e.g. split_missing3)
        n = int(case[-1])
        assert "with no plot missing both give the exact stratum df of the ANOVA" in text
        assert f"with {n} of the plots missing, as here, the df are approximate." in text
    else:
        assert "With no plot missing these equal the stratum df of the ANOVA" in text


@pytest.mark.parametrize("case", ["alpha24_missing1", "rowcol_missing1"])
def test_raw_plot_means_note_says_lsmeans_differ_without_missing_plots(case: str, tmp: str) -> None:
    """Incomplete blocks: the raw plot mean is not the LS-mean even with every plot."""
    data = report(case, "satterthwaite", tmp)
    section = next(s for s in data["sections"] if s["key"] == "plots")
    notes = [n for b in section["blocks"] if b["type"] == "table" for n in b.get("notes", [])]
    assert any("differs from it even with no plot missing" in n for n in notes)
    assert not any("With a missing plot it differs" in n for n in notes)


def test_augmented_random_block_table_of_checks_has_no_raw_mean_note(tmp: str) -> None:
    """Augmented, random blocks: the block table lists the checks, complete in every block.

    An entry's one plot is fitted exactly (its own fixed effect), so the checks' LS-means
    rest on a complete checks x blocks table and equal their raw plot means (REML or not):
    no raw-mean note (stop 31 lists the checks only; the entries' rows were dashes).
    """
    data = report("augmented_random", "satterthwaite", tmp)
    section = next(s for s in data["sections"] if s["key"] == "plots")
    (table,) = [b for b in section["blocks"] if b.get("key") == "plots_by_block"]
    assert not table.get("notes")
    assert [row["treatment"] for row in table["rows"]] == ["CK1", "CK2", "CK3", "CK4"]


def test_row_column_note_names_rows_and_columns_not_blocks(tmp: str) -> None:
    """Row-column: the replicates hold every treatment; the rows and columns do not."""
    data = report("rowcol_missing1", "satterthwaite", tmp)
    section = next(s for s in data["sections"] if s["key"] == "plots")
    notes = [n for b in section["blocks"] if b["type"] == "table" for n in b.get("notes", [])]
    assert any("The rows and columns within a replicate do not hold every" in n for n in notes)
    assert not any("The blocks do not hold every treatment" in n for n in notes)


# ----------------------------------------------------------------------------- Python API

#: case -> FieldTrial arguments (the documented API: docs/mixed-models.md)
API = {
    "split_missing3": {"control": "S1", "design": "split_plot", "factors": ["main", "sub"]},
    "alpha30_missing1": {"control": "G01", "design": "alpha"},
    "rcbd_random_missing2": {"control": "T01", "block_effects": "random"},
}


@pytest.mark.parametrize(("case", "ddf"), [(c, d) for c in API for d in DDF])
def test_field_trial_matches_lmertest_and_emmeans(case: str, ddf: str) -> None:
    """FieldTrial.anova() and compare_to_control() = lmerTest anova() and emmeans."""
    from yieldtrial import FieldTrial

    _, _, rcase, control, spec = CASES[case]
    trial = FieldTrial.from_csv(DATA / CASES[case][0], crop="wheat", ddf=ddf, **API[case])
    table = trial.anova().table.set_index("source")
    for term, value in r_values(rcase, "anova", "F", ddf=ddf).items():
        if term in table.index:
            assert table.loc[term, "f"] == pytest.approx(value, rel=RTOL_MEAN)
            den = r_values(rcase, "anova", "den_df", ddf=ddf)[term]
            assert table.loc[term, "df_denominator"] == pytest.approx(den, rel=RTOL_DF)
    rows = trial.compare_to_control().set_index("treatment")
    est = r_values(rcase, "dunnett", "estimate", ddf=ddf, spec=spec)
    se = r_values(rcase, "dunnett", "SE", ddf=ddf, spec=spec)
    df = r_values(rcase, "dunnett", "df", ddf=ddf, spec=spec)
    mvt = r_values(rcase, "dunnett", "p_mvt", ddf=ddf, spec=spec)
    assert sorted(rows.index) == sorted(est.index) and set(rows["control"]) == {control}
    for level, row in rows.iterrows():
        assert row["difference_kg_ha"] == pytest.approx(est[level], rel=RTOL_MEAN)
        assert row["se_kg_ha"] == pytest.approx(se[level], rel=RTOL_MEAN)
        assert row["df"] == pytest.approx(df[level], rel=RTOL_DF)
        # emmeans' randomized mvt at floor(df + 0.25); the df are all above 10 here
        assert row["p_value_adjusted"] == pytest.approx(mvt[level], abs=2 * ATOL_P_MVT)


#: Split and strip plots with the control in the first factor (whole plot, horizontal).
FIRST_FACTOR = {"split_missing1": ("I1", "main"), "split_missing3": ("A1", "main"),
                "strip_missing2": ("H1", "h")}  # fmt: skip


@pytest.mark.parametrize(("case", "ddf"), [(c, d) for c in FIRST_FACTOR for d in DDF])
def test_whole_plot_control_dunnett_matches_emmeans(case: str, ddf: str, tmp: str) -> None:
    """A whole-plot (horizontal) control: the family is emmeans' ~ main (~ h) trt.vs.ctrl.

    emmeans' mvt p is not compared: at whole-plot df of about 6 its rounding of the df to
    an integer moves the adjusted p by up to 8e-3 here; ``p_hi`` integrates at the exact df.
    """
    name, flags, rcase, _, _ = CASES[case]
    control, spec = FIRST_FACTOR[case]
    out = Path(tmp) / f"{case}.{ddf}.first.json"
    argv = ["report", str(DATA / name), "--crop", "wheat", "--control", control, *flags,
            "--ddf", ddf, "--format", "json", "-o", str(out), "--force"]  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli(argv) == 0
    data = json.loads(out.read_text(encoding="utf-8"))["results"]
    rows = pd.DataFrame(data["control_comparisons"]).set_index("treatment")
    stated = data["control_comparisons_accuracy"]["abs_error"] or 1e-6
    r = {s: r_values(rcase, "dunnett", s, ddf=ddf, spec=spec)
         for s in ("estimate", "SE", "df", "p_hi", "p_hi_err")}  # fmt: skip
    assert sorted(rows.index) == sorted(r["estimate"].index)
    for level, row in rows.iterrows():
        assert row["difference_kg_ha"] == pytest.approx(r["estimate"][level], rel=RTOL_MEAN)
        assert row["se_kg_ha"] == pytest.approx(r["SE"][level], rel=RTOL_MEAN)
        assert row["df"] == pytest.approx(r["df"][level], rel=RTOL_DF)
        tol = r["p_hi_err"][level] + stated + 1e-6
        assert row["p_value_adjusted"] == pytest.approx(r["p_hi"][level], abs=tol)
    means = pd.DataFrame(data["means"]).set_index("treatment")
    emmean = r_values(rcase, "emmeans", "emmean", ddf=ddf, spec=spec)
    se = r_values(rcase, "emmeans", "SE", ddf=ddf, spec=spec)
    assert list(means.index) == list(emmean.index)
    for level, row in means.iterrows():
        assert row["mean"] == pytest.approx(emmean[level], rel=RTOL_MEAN)
        assert row["se"] == pytest.approx(se[level], rel=RTOL_MEAN)


# ----------------------------------------------------------------------------- contrasts


@pytest.mark.parametrize("ddf", DDF)
def test_named_contrast_matches_emmeans(ddf: str, tmp_path: Path) -> None:
    """A [[contrasts]] entry of trial.toml = emmeans' contrast of the two LS-means.

    R: ``summary(contrast(emmeans(m, ~ treatment, lmer.df = ddf), list(w)), infer = TRUE)``
    (make_reference.R, ``named_contrast``; table ``contrast``).  The note under the table
    names the df method and points to each contrast's own df (it printed one error term and
    the family's smallest df, 35.12, next to a contrast tested on 35.67).
    """
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "alpha"\ncontrol = "G01"\n'
        f'ddf = "{ddf}"\n\n[[contrasts]]\nname = "G15 vs G03"\ntreatment = "G15"\n'
        'versus = "G03"\n',
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    argv = ["report", str(DATA / "alpha24_missing1.csv"), "--config",
            str(tmp_path / "trial.toml"), "--format", "json", "-o", str(out)]  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli(argv) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    (got,) = data["results"]["named_contrasts"]

    def r(stat: str) -> float:
        case = "alpha24_missing1"
        return float(r_values(case, "contrast", stat, ddf=ddf, spec="treatment")["G15 - G03"])

    assert got["estimate"] == pytest.approx(r("estimate"), rel=RTOL_MEAN)
    assert got["se"] == pytest.approx(r("SE"), rel=RTOL_MEAN)
    assert got["df"] == pytest.approx(r("df"), rel=RTOL_DF)
    assert got["ci_low"] == pytest.approx(r("lower.CL"), rel=RTOL_MEAN)
    assert got["ci_high"] == pytest.approx(r("upper.CL"), rel=RTOL_MEAN)
    assert got["t"] == pytest.approx(r("t.ratio"), rel=RTOL_MEAN)
    assert got["p"] == pytest.approx(r("p.value"), rel=RTOL_DF)
    label = "Satterthwaite" if ddf == "satterthwaite" else "Kenward-Roger"
    assert (
        got["error_term"] == f"REML (block:incomplete_block, residual); {label} df per comparison"
    )
    notes = [n for s in data["sections"] for b in s["blocks"] if b["type"] == "table"
             and b["key"] == "contrasts" for n in b["notes"]]  # fmt: skip
    assert any(f"on the contrast's own {label} df (the df column)" in n for n in notes)
