"""Augmented RCBD (yieldtrial.stats.augmented).

Expected values: the augmentedRCBD vignette (Aravind et al., 'Data Analysis with
augmentedRCBD', section 7.1, Table 1 data; tests/data/reference/augmentedrcbd_vignette.json)
and independent statsmodels OLS sequential (type I) sums of squares.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldtrial.errors import DataValidationError
from yieldtrial.stats.augmented import AUGMENTED_COMPARISONS, augmented_anova

REFERENCE = Path(__file__).parent / "data" / "reference" / "augmentedrcbd_vignette.json"
CASE = json.loads(REFERENCE.read_text(encoding="utf-8"))


def vignette() -> pd.DataFrame:
    """Table 1 of the augmentedRCBD vignette: 3 blocks, checks 1-4, entries 5-12."""
    return pd.DataFrame(CASE["data"]["rows"], columns=CASE["data"]["columns"])


@pytest.fixture(
    scope="module",
    params=[("y1", "general"), ("y2", "general"), ("y1", "absorbed"), ("y2", "absorbed")],
    ids=lambda p: "-".join(p),
)
def result(request: pytest.FixtureRequest):
    """Analyse one trait of the vignette's example, by the general or the absorbed fit.

    ``absorbed``: the entries absorbed (issue 13's path for thousands of entries, normally
    from :data:`~yieldtrial.stats.augmented.ABSORB_MIN_TREATMENTS` treatments on), forced here
    so the published example checks it too.
    """
    import yieldtrial.stats.augmented as aug

    trait, path = request.param
    saved = aug.ABSORB_MIN_TREATMENTS
    aug.ABSORB_MIN_TREATMENTS = 0 if path == "absorbed" else 10**9
    try:
        res = augmented_anova(vignette(), response=trait, treatment="treatment", block="block")
    finally:
        aug.ABSORB_MIN_TREATMENTS = saved
    assert isinstance(res._means_model.cov, np.ndarray) == (path == "general")
    return trait, res


def _expected(trait: str, name: str) -> dict:
    return CASE["expected"][f"{trait}.{name}"]


_ROWS_T = {
    "block_ignoring": "block (ignoring treatments)",
    "treatment_eliminating": "treatment (eliminating blocks)",
    "check": "checks",
    "test_and_test_vs_check": "entries + entries vs checks",
    "residual": "residual",
}
_ROWS_B = {
    "treatment_ignoring": "treatment (ignoring blocks)",
    "test": "entries",
    "test_vs_check": "entries vs checks",
    "block_eliminating": "block (eliminating treatments)",
}
_COLUMNS = {"df": "df", "ss": "sum_sq", "ms": "mean_sq", "f": "f", "p": "p_value"}


def test_anova_tables_match_vignette(result) -> None:
    """Both ANOVA tables equal the printed augmentedRCBD output (to its rounding)."""
    trait, res = result
    checked = 0
    for key, spec in CASE["expected"].items():
        t, name = key.split(".", 1)
        stat, _, row = name.partition("_")
        if t != trait or stat not in _COLUMNS or row not in {**_ROWS_T, **_ROWS_B}:
            continue
        table = res.table if row in _ROWS_T else res.table_block_adjusted
        source = {**_ROWS_T, **_ROWS_B}[row]
        value = table.set_index("source").loc[source, _COLUMNS[stat]]
        # half a unit of the printed digit, plus rounding of a value on that boundary (y2's
        # residual SS is 1717.5 exactly, printed 1718; the absorbed fit's 1717.4999999999998)
        tol = spec["abs_tol"] * (1.0 + 1e-9)
        assert value == pytest.approx(spec["value"], abs=tol), key
        checked += 1
    assert checked >= 15


def test_adjusted_means_match_vignette(result) -> None:
    """Adjusted means of checks and entries equal the vignette's (2 decimals)."""
    trait, res = result
    means = res.means.set_index("treatment")
    for t in means.index:
        spec = _expected(trait, f"adjusted_mean[{t}]")
        assert means.loc[t, "adjusted_mean"] == pytest.approx(spec["value"], abs=spec["abs_tol"])
    se_check = _expected(trait, "se_adjusted_mean_check")
    se_entry = _expected(trait, "se_adjusted_mean_entry")
    kinds = means.groupby("kind")["se"]
    assert kinds.max()["check"] == pytest.approx(se_check["value"], abs=se_check["abs_tol"])
    assert kinds.max()["entry"] == pytest.approx(se_entry["value"], abs=se_entry["abs_tol"])


def test_cv_and_overall_adjusted_mean_match_vignette(result) -> None:
    """CV (100 sqrt(MSE) / grand mean) and the mean of the adjusted means."""
    trait, res = result
    for name, value in (
        ("cv_pct", res.cv_pct),
        ("overall_adjusted_mean", res.overall_adjusted_mean),
    ):
        spec = _expected(trait, name)
        assert value == pytest.approx(spec["value"], abs=spec["abs_tol"])


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("two_checks", "two_checks"),
        ("two_entries_same_block", "two_entries_same_block"),
        ("two_entries_different_blocks", "two_entries_different_blocks"),
    ],
)
def test_sed_and_critical_difference_match_vignette(result, kind: str, name: str) -> None:
    """Three of the four SEDs and CDs (5 %) equal the vignette's 'Standard Errors' table."""
    trait, res = result
    row = res.sed.set_index("comparison").loc[kind]
    sed, cd = _expected(trait, f"sed_{name}"), _expected(trait, f"cd5_{name}")
    assert row["sed"] == pytest.approx(sed["value"], abs=sed["abs_tol"])
    assert row["lsd"] == pytest.approx(cd["value"], abs=cd["abs_tol"])


def test_entry_vs_check_sed_textbook_and_exact(result) -> None:
    """Entry vs check: textbook (b+1)(c+1)MSE/(bc) = vignette summary; exact = its pairs (6.36).

    The vignette's 'Standard Errors' table prints Federer's formula (6.704752 for y1); its
    emmeans pairwise table prints SE 6.36 for every check-entry pair, which is the exact
    MSE (1 + 1/b + 1/c - 1/(bc)) (hand derivation in the module notes) that yieldtrial uses.
    """
    trait, res = result
    row = res.sed.set_index("comparison").loc["entry_vs_check"]
    spec = _expected(trait, "sed_entry_vs_check")
    assert row["sed_textbook"] == pytest.approx(spec["value"], abs=spec["abs_tol"])
    b, c = 3, 4
    assert row["sed"] == pytest.approx(np.sqrt(res.mse * (1 + 1 / b + 1 / c - 1 / (b * c))))
    if trait == "y1":
        assert round(row["sed"], 2) == 6.36  # vignette pairwise table, e.g. treatment1 - treatment5


def test_sequential_sums_of_squares_equal_statsmodels(result) -> None:
    """Blocks ignoring/eliminating treatments = statsmodels type I SS in both orders."""
    import statsmodels.formula.api as smf
    from statsmodels.stats.anova import anova_lm

    trait, res = result
    df = vignette()
    first = anova_lm(smf.ols(f"{trait} ~ C(block) + C(treatment)", df).fit(), typ=1)
    second = anova_lm(smf.ols(f"{trait} ~ C(treatment) + C(block)", df).fit(), typ=1)
    t = res.table.set_index("source")["sum_sq"]
    tb = res.table_block_adjusted.set_index("source")["sum_sq"]
    assert t["block (ignoring treatments)"] == pytest.approx(first.loc["C(block)", "sum_sq"])
    assert t["treatment (eliminating blocks)"] == pytest.approx(first.loc["C(treatment)", "sum_sq"])
    assert tb["block (eliminating treatments)"] == pytest.approx(second.loc["C(block)", "sum_sq"])
    assert t["residual"] == pytest.approx(first.loc["Residual", "sum_sq"])


def test_checks_inferred_and_ordered_first() -> None:
    """Checks default to the repeated treatments and lead the means table."""
    res = augmented_anova(vignette(), response="y1", treatment="treatment", block="block")
    assert res.checks == ("1", "2", "3", "4")
    assert len(res.entries) == 8
    assert res.means["kind"].tolist()[:4] == ["check"] * 4
    assert res.means_model().levels[:4] == res.checks


def test_block_effects_from_checks() -> None:
    """Block effect j = mean of the checks in block j minus the mean of all check plots."""
    df = vignette()
    res = augmented_anova(df, response="y1", treatment="treatment", block="block")
    checks = df[df["treatment"].isin(res.checks)]
    expected = checks.groupby("block")["y1"].mean() - checks["y1"].mean()
    np.testing.assert_allclose(res.block_effects.to_numpy(), expected.to_numpy())


def test_vs_best_check_uses_exact_entry_vs_check_se() -> None:
    """Entries against the best check: difference, SE of the LS difference, sorted best first."""
    res = augmented_anova(vignette(), response="y2", treatment="treatment", block="block")
    assert res.best_check == "4"  # highest check adjusted mean, 264.00
    out = res.vs_best_check()
    assert set(out["treatment"]) == set(res.entries)
    assert out["control"].unique().tolist() == ["4"]
    assert out.iloc[0]["treatment"] == "10"  # 437.67, the best entry
    exact = res.sed.set_index("comparison").loc["entry_vs_check", "sed"]
    np.testing.assert_allclose(out["se"], exact)
    assert out.iloc[0]["difference"] == pytest.approx(437.6666667 - 264.0)


def test_means_model_feeds_comparisons() -> None:
    """The MeansModel (residual df 6) works with Dunnett."""
    from yieldtrial.stats.compare import compare_means_to_control

    res = augmented_anova(vignette(), response="y1", treatment="treatment", block="block")
    mm = res.means_model()
    assert mm.df == 6 and mm.design == "augmented"
    out = compare_means_to_control(mm, control="1")
    assert len(out) == 11


def test_missing_check_plot_still_analysed() -> None:
    """A lost check plot: least squares still adjusts every entry; SEDs become averages."""
    df = vignette()
    df.loc[0, "y1"] = np.nan  # check 1 in block 1
    res = augmented_anova(df, response="y1", treatment="treatment", block="block")
    assert res.df_error == 5
    assert res.means.set_index("treatment").loc["1", "n"] == 2


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"checks": ["99"]}, "not found"),
        ({"checks": ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]}, "entr"),
    ],
    ids=["unknown-check", "no-entries"],
)
def test_bad_checks_raise(kwargs: dict, match: str) -> None:
    """Unknown checks, or no entries left, are refused."""
    with pytest.raises(DataValidationError, match=match):
        augmented_anova(vignette(), response="y1", treatment="treatment", block="block", **kwargs)


def test_entry_in_block_without_checks_raises() -> None:
    """An entry in a block without checks cannot be adjusted."""
    df = pd.concat(
        [vignette(), pd.DataFrame([["4", "13", 80, 300]], columns=vignette().columns)],
        ignore_index=True,
    )
    with pytest.raises(DataValidationError, match="no check"):
        augmented_anova(df, response="y1", treatment="treatment", block="block")


def test_comparisons_constant() -> None:
    """The SED table lists the four kinds in order."""
    res = augmented_anova(vignette(), response="y1", treatment="treatment", block="block")
    assert tuple(res.sed["comparison"]) == AUGMENTED_COMPARISONS


def test_repr_is_one_line_without_tables(result) -> None:
    """``print(res)`` names the design's size, not every table (it printed them all).

    The vignette's trial: 4 checks, 8 entries in 3 blocks, residual df (b - 1)(c - 1) = 6.
    """
    trait, res = result
    assert repr(res) == (
        f"AugmentedAnova(response='{trait}', model='{trait} ~ treatment + block', checks=4, "
        "entries=8, "
        "blocks=3, df_error=6)"
    )


def test_one_check_given_as_a_string() -> None:
    """checks="1" is one label, as checks=["1"] (it looked up the characters of "CK1")."""
    df = vignette()
    one = augmented_anova(df, response="y1", treatment="treatment", block="block", checks="1")
    listed = augmented_anova(df, response="y1", treatment="treatment", block="block",
                             checks=["1"])  # fmt: skip
    assert one.checks == listed.checks == ("1",)
    pd.testing.assert_frame_equal(one.table, listed.table)


def test_block_without_observed_checks_is_named_with_its_entries() -> None:
    """Block 2's check plots blank: the error names block 2 and its entries 5 and 9.

    It listed the first five treatments of the trial ('1', '2', '3', '4', '5') as lacking a
    check in their block, though checks 1-4 are in every block and 7 (block 1) is fine.
    """
    df = vignette()
    df["y1"] = df["y1"].astype(float)
    df.loc[(df["block"].astype(str) == "2") & df["treatment"].astype(str).isin(list("1234")),
           "y1"] = np.nan  # fmt: skip
    with pytest.raises(DataValidationError) as info:
        augmented_anova(df, response="y1", treatment="treatment", block="block")
    message = str(info.value)
    assert message.startswith(
        "block '2' has no check plot with a yield, so its entries '5', '9' cannot be adjusted"
    )


def test_pair_variances_same_values_and_order_as_the_pair_loop() -> None:
    # the definition (the loop over combinations this replaced, issue 13) on a random
    # covariance with an entry in two blocks (-1) and blocks of 1-3 entries: equal bit for bit
    from itertools import combinations

    from yieldtrial.stats.augmented import _pair_variances

    rng = np.random.default_rng(46)
    c, blocks = 3, np.array([0, 0, 1, -1, 2, 2, 2, 1, 0, 3])
    n_t = c + blocks.size
    a = rng.normal(size=(n_t, n_t))
    cov = a @ a.T
    d = np.diag(cov)
    var = d[:, None] + d[None, :] - 2.0 * cov
    expected: dict[str, list[float]] = {k: [] for k in AUGMENTED_COMPARISONS}
    for i, j in combinations(range(n_t), 2):
        if j < c:
            expected["two_checks"].append(var[i, j])
        elif i < c:
            expected["entry_vs_check"].append(var[i, j])
        elif blocks[i - c] == blocks[j - c] != -1:
            expected["two_entries_same_block"].append(var[i, j])
        else:
            expected["two_entries_different_blocks"].append(var[i, j])
    got = _pair_variances(cov, d, c, blocks)
    for kind in AUGMENTED_COMPARISONS:
        assert np.array_equal(got[kind], np.array(expected[kind]))
        assert np.mean(got[kind]) == np.mean(expected[kind])


# --------------------------------------------------------------------------- entries absorbed
# Issue 13 (10,000 entries): the fit with the entries absorbed (a (c + b)-sized least
# squares, LS-means covariance diag + low rank) against the general fit of the full model
# matrix on the same trial.  Both are least squares of the same model, so they agree to
# rounding: 1e-10 relative; the rows that are differences of sums of squares
# ("entries vs checks" = treatments - checks - entries) lose digits to cancellation, so
# sums of squares are also allowed 1e-12 of the total sum of squares.


def _synthetic(c: int, b: int, per_block: int, seed: int) -> pd.DataFrame:
    """Return a SYNTHETIC augmented RCBD: c checks in each of b blocks, per_block entries."""
    rng = np.random.default_rng(seed)
    rows = []
    entry = 0
    for j in range(b):
        for k in range(c):
            rows.append((f"B{j}", f"CK{k}", 7000 + 300 * k + 200 * j + rng.normal(0, 400)))
        for _ in range(per_block):
            entry += 1
            rows.append((f"B{j}", f"E{entry:03d}", 7000 + 200 * j + rng.normal(0, 700)))
    return pd.DataFrame(rows, columns=["block", "treatment", "y"])


def _both_fits(df: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, response: str = "y"):
    import yieldtrial.stats.augmented as aug

    kw = {"response": response, "treatment": "treatment", "block": "block"}
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 10**9)
    general = augmented_anova(df, **kw)
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 0)
    absorbed = augmented_anova(df, **kw)
    return general, absorbed


def _lost(df: pd.DataFrame, treatment: str, block: str) -> pd.DataFrame:
    out = df.copy()
    out["y"] = out["y"].astype(float)
    out.loc[(out["treatment"] == treatment) & (out["block"] == block), "y"] = np.nan
    return out


_TRIALS = {
    "balanced-c3-b5": lambda: _synthetic(3, 5, 4, 1),
    "balanced-c2-b8": lambda: _synthetic(2, 8, 3, 2),
    "lost-check-plot": lambda: _lost(_synthetic(4, 6, 5, 3), "CK1", "B2"),
    "lost-entry-plot": lambda: _lost(_synthetic(4, 6, 5, 4), "E007", "B1"),
    "lost-both": lambda: _lost(_lost(_synthetic(3, 7, 2, 5), "CK0", "B6"), "E003", "B1"),
}


@pytest.mark.parametrize("name", sorted(_TRIALS))
def test_absorbed_fit_equals_general_fit(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables, means, SEs, block effects, SEDs and covariance: the general fit's, to 1e-10."""
    general, absorbed = _both_fits(_TRIALS[name](), monkeypatch)
    assert isinstance(general._means_model.cov, np.ndarray)
    assert type(absorbed._means_model.cov).__name__ == "LowRankUpdateCovariance"
    total = float(general.table["sum_sq"].sum())
    for attr in ("table", "table_block_adjusted"):
        got, want = getattr(absorbed, attr), getattr(general, attr)
        assert got["source"].tolist() == want["source"].tolist()
        assert got["df"].tolist() == want["df"].tolist()
        np.testing.assert_allclose(got["sum_sq"], want["sum_sq"], rtol=1e-10, atol=1e-12 * total)
        np.testing.assert_allclose(got["f"], want["f"], rtol=1e-10, atol=1e-12)
    pd.testing.assert_frame_equal(absorbed.means, general.means, rtol=1e-10)
    pd.testing.assert_frame_equal(absorbed.sed, general.sed, rtol=1e-10)
    scale = float(np.max(np.abs(general.block_effects)))
    np.testing.assert_allclose(absorbed.block_effects, general.block_effects, atol=1e-10 * scale)
    dense = np.asarray(absorbed._means_model.cov)
    np.testing.assert_allclose(dense, general._means_model.cov, rtol=0, atol=1e-10 * dense.max())
    assert absorbed.mse == pytest.approx(general.mse, rel=1e-10)


def test_replicated_entry_takes_the_treatment_absorbed_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An entry in two blocks (p-rep, stop 43): the treatment-absorbed fit, general numbers.

    The one-plot absorption refuses it; from ABSORB_MIN_TREATMENTS treatments on (forced to
    0 here) ``_prep_fit`` runs instead of the full model matrix, to 1e-10 of the general fit.
    """
    import yieldtrial.stats.augmented as aug

    df = _synthetic(3, 4, 3, 6)
    extra = pd.DataFrame([["B3", "E001", 7100.0]], columns=df.columns)
    df = pd.concat([df, extra], ignore_index=True)
    kw = {"response": "y", "treatment": "treatment", "block": "block",
          "checks": ["CK0", "CK1", "CK2"]}  # fmt: skip
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 0)
    res = augmented_anova(df, **kw)
    assert type(res._means_model.cov).__name__ == "LowRankUpdateCovariance"
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 10**9)
    general = augmented_anova(df, **kw)
    assert isinstance(general._means_model.cov, np.ndarray)
    pd.testing.assert_frame_equal(res.means, general.means, rtol=1e-10)
    pd.testing.assert_frame_equal(res.sed, general.sed, rtol=1e-10)


def test_absorbed_means_model_subset_stays_structured(monkeypatch: pytest.MonkeyPatch) -> None:
    """means_model(levels) of an absorbed fit takes rows of F: no dense levels x levels."""
    import yieldtrial.stats.augmented as aug

    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 0)
    res = augmented_anova(_synthetic(3, 5, 4, 7), response="y", treatment="treatment",
                          block="block")  # fmt: skip
    levels = ["CK1", "E003", "E010"]
    sub = res.means_model(levels)
    assert type(sub.cov).__name__ == "LowRankUpdateCovariance"
    idx = [res.means_model().index(level) for level in levels]
    full = np.asarray(res.means_model().cov)
    np.testing.assert_array_equal(np.asarray(sub.cov), full[np.ix_(idx, idx)])


def test_large_trial_absorbed_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """From ABSORB_MIN_TREATMENTS treatments on the default fit is the absorbed one.

    3 checks + 500 entries: the general fit's means, SEs and SEDs to 1e-10 relative.
    """
    import yieldtrial.stats.augmented as aug

    df = _synthetic(3, 10, 50, 8)
    res = augmented_anova(df, response="y", treatment="treatment", block="block")
    assert len(res.checks) + len(res.entries) >= aug.ABSORB_MIN_TREATMENTS
    assert type(res._means_model.cov).__name__ == "LowRankUpdateCovariance"
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 10**9)
    general = augmented_anova(df, response="y", treatment="treatment", block="block")
    pd.testing.assert_frame_equal(res.means, general.means, rtol=1e-10)
    pd.testing.assert_frame_equal(res.sed, general.sed, rtol=1e-10)


def test_default_checks_is_the_rule_of_the_analysis() -> None:
    """The checks inferred by augmented_anova are default_checks() of its own n column."""
    from yieldtrial.stats.augmented import default_checks

    res = augmented_anova(vignette(), response="y1", treatment="treatment", block="block")
    assert default_checks(res.means["treatment"].tolist(), res.means["n"]) == res.checks


def test_report_takes_the_checks_the_analysis_used() -> None:
    """Explicit checks unlike the n > 1 rule are the report's checks too, not re-derived.

    The vignette's treatment 4 has three plots (n > 1 would make it a check); named as
    an entry here, the analysis and the report's entry selection both leave it out.
    """
    from types import SimpleNamespace

    from yieldtrial.report.context import ReportContext
    from yieldtrial.stats.augmented import default_checks

    res = augmented_anova(
        vignette(), response="y1", treatment="treatment", block="block", checks=["1", "2", "3"]
    )
    assert res.checks == ("1", "2", "3")
    assert default_checks(res.means["treatment"].tolist(), res.means["n"]) != res.checks
    context = SimpleNamespace(s=SimpleNamespace(design="augmented"), anova=res, means=res.means)
    assert ReportContext._augmented_checks(context) == res.checks  # type: ignore[arg-type]


def test_general_fit_entry_blocks_as_the_per_entry_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entry -> block of the general fit: one block, or "" for an entry in two blocks.

    Reference: the per-entry loop the vectorised code replaced (np.unique of each entry's
    block codes; one block -> that block, else none).  E001 is in B0 and B3 (no block),
    E002 twice in its own block (that block).
    """
    import yieldtrial.stats.augmented as aug

    df = _synthetic(3, 4, 3, 6)
    home = df.loc[df["treatment"] == "E002", "block"].iloc[0]
    extra = pd.DataFrame([["B3", "E001", 7100.0], [home, "E002", 6900.0]], columns=df.columns)
    df = pd.concat([df, extra], ignore_index=True)
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 10**9)  # the general fit
    res = augmented_anova(df, response="y", treatment="treatment", block="block",
                          checks=["CK0", "CK1", "CK2"])  # fmt: skip
    assert isinstance(res._means_model.cov, np.ndarray)
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 0)  # the p-rep absorbed fit: the same
    prep = augmented_anova(df, response="y", treatment="treatment", block="block",
                           checks=["CK0", "CK1", "CK2"])  # fmt: skip
    assert prep.means["block"].tolist() == res.means["block"].tolist()
    entries = res.means[res.means["kind"] == "entry"]
    expected = []
    for label in entries["treatment"]:
        blocks = np.unique(df.loc[df["treatment"] == label, "block"])
        expected.append(str(blocks[0]) if blocks.size == 1 else "")
    assert entries["block"].tolist() == expected
    assert entries.set_index("treatment").loc[["E001", "E002"], "block"].tolist() == ["", home]
