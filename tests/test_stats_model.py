"""Tests of the design model (yieldtrial.stats.model)."""

from __future__ import annotations

import warnings
from itertools import product
from typing import Any

import numpy as np
import pandas as pd
import pytest

from reference_cases import SEEDRATE_Y, seedrate_frame
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.stats.model import DESIGNS, fit, least_squares, model_matrix, reference_grid_means
from yieldtrial.stats.results import MeansModel


def random_unbalanced_rcbd(seed: int, *, n_treatments: int = 5, n_blocks: int = 4) -> pd.DataFrame:
    """RCBD with 3 plots missing (every treatment keeps >= 1) and 2 duplicated cells."""
    rng = np.random.default_rng(seed)
    rows = [(f"T{i}", f"B{j}") for i, j in product(range(n_treatments), range(n_blocks))]
    df = pd.DataFrame(rows, columns=["treatment", "block"])
    extra = df.sample(2, random_state=seed)
    df = pd.concat([df, extra], ignore_index=True)
    t_eff = rng.normal(0, 300, n_treatments)
    b_eff = rng.normal(0, 500, n_blocks)
    df["yield_kg_ha"] = (
        6000
        + t_eff[df["treatment"].str[1:].astype(int)]
        + b_eff[df["block"].str[1:].astype(int)]
        + rng.normal(0, 200, len(df))
    )
    drop = rng.choice(len(df), size=3, replace=False)
    df.loc[drop, "yield_kg_ha"] = np.nan
    return df


def statsmodels_lsmeans(df: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Independent LS-means: predict every treatment x block cell, average over blocks."""
    import patsy
    import statsmodels.formula.api as smf

    obs = df.dropna(subset=["yield_kg_ha"])
    res = smf.ols("yield_kg_ha ~ C(treatment) + C(block)", data=obs).fit()
    levels = list(dict.fromkeys(obs["treatment"]))
    blocks = list(dict.fromkeys(obs["block"]))
    grid = pd.DataFrame(list(product(levels, blocks)), columns=["treatment", "block"])
    # patsy DesignInfo of the fitted formula (statsmodels 0.14: design_info; 0.15: model_spec)
    data = res.model.data
    design_info = getattr(data, "model_spec", None) or data.design_info
    x_grid = np.asarray(patsy.build_design_matrices([design_info], grid)[0])
    lmat = np.vstack([x_grid[grid["treatment"].to_numpy() == t].mean(axis=0) for t in levels])
    params = res.params.to_numpy()
    return levels, lmat @ params, lmat @ res.cov_params().to_numpy() @ lmat.T


def test_designs_tuple() -> None:
    """The dispatch tuple lists the three additive designs."""
    assert DESIGNS == ("crd", "rcbd", "latin")


def test_fit_balanced_rcbd_lsmeans_equal_raw_means() -> None:
    """Balanced RCBD: LS-means equal the arithmetic treatment means."""
    f = fit(seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block")
    # balanced data: equal block weights = raw mean; Gomez Table 2.5 treatment totals / 4
    expected = [np.mean(v) for v in SEEDRATE_Y.values()]
    np.testing.assert_allclose(f.lsmeans, expected, rtol=1e-12)
    assert f.levels == ("25", "50", "75", "100", "125", "150")


def test_fit_balanced_rcbd_mse_and_se() -> None:
    """Balanced RCBD: MSE from Gomez Table 2.6 and se = sqrt(MSE / r)."""
    f = fit(seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block")
    # Gomez & Gomez (1984) Table 2.6, p. 28: error MS 110,558 with 15 df (printed, rounded)
    assert f.df_error == 15
    assert f.mse == pytest.approx(110558.0, abs=1.0)
    np.testing.assert_allclose(f.lsmeans_se, np.sqrt(f.mse / 4), rtol=1e-12)
    # balanced: LS-means are raw means of disjoint plots, so their covariance is 0 (hand)
    off_diagonal = f.lsmeans_cov[~np.eye(6, dtype=bool)]
    np.testing.assert_allclose(off_diagonal, 0.0, atol=1e-9 * f.mse)


def test_fit_formula_per_design() -> None:
    """The formula string names the response and the factor columns."""
    df = seedrate_frame()
    f_rcbd = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    f_crd = fit(df, response="yield_kg_ha", treatment="treatment", design="crd")
    assert f_rcbd.formula == "yield_kg_ha ~ treatment + block"
    assert f_crd.formula == "yield_kg_ha ~ treatment"
    assert f_crd.block is None and f_crd.blocks == ()


def test_fit_fitted_plus_residuals_is_response() -> None:
    """Fitted values plus residuals give back the observed response, index kept."""
    df = random_unbalanced_rcbd(3)
    f = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    obs = df["yield_kg_ha"].dropna()
    pd.testing.assert_index_equal(f.residuals.index, obs.index)
    np.testing.assert_allclose(f.fitted + f.residuals, obs, rtol=1e-12)
    # hat-matrix trace = rank (hand: trace of a projection is its rank)
    assert f.leverage.sum() == pytest.approx(f.rank)


def test_fit_missing_plot_matches_yates_estimate() -> None:
    """One missing plot: LS-mean = (observed + Yates missing-plot estimate) / r."""
    df = seedrate_frame()
    df.loc[0, "yield_kg_ha"] = np.nan  # treatment "25", block R1
    f = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    obs = df.dropna()
    t, r = 6, 4
    total_t = obs.loc[obs.treatment == "25", "yield_kg_ha"].sum()
    total_b = obs.loc[obs.block == "R1", "yield_kg_ha"].sum()
    grand = obs["yield_kg_ha"].sum()
    # Gomez & Gomez (1984) ch. 7, missing-data formula (RCB): X = (rB + tT - G) / ((r - 1)(t - 1))
    estimate = (r * total_b + t * total_t - grand) / ((r - 1) * (t - 1))
    assert f.lsmeans[0] == pytest.approx((total_t + estimate) / r, rel=1e-12)


def test_fit_missing_plot_keeps_blocks_and_loses_one_df() -> None:
    """A missing plot keeps every block and costs exactly one error df."""
    df = seedrate_frame()
    full = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    df.loc[5, "yield_kg_ha"] = np.nan  # treatment "50", block R2
    part = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    assert part.blocks == full.blocks == ("R1", "R2", "R3", "R4")
    assert part.df_error == full.df_error - 1  # 15 -> 14
    assert part.n.tolist() == [4, 3, 4, 4, 4, 4]
    assert part.missing_cells.to_dict("records") == [
        {"treatment": "50", "block": "R2", "reason": "missing response"}
    ]


def test_fit_absent_record_listed_as_missing_cell() -> None:
    """A treatment x block cell with no row at all is listed as 'no record'."""
    df = seedrate_frame().drop(index=23)  # treatment "150", block R4
    f = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    assert f.missing_cells.to_dict("records") == [
        {"treatment": "150", "block": "R4", "reason": "no record"}
    ]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_fit_lsmeans_match_statsmodels(seed: int) -> None:
    """Unbalanced RCBD: LS-means and their covariance equal an independent statsmodels fit."""
    df = random_unbalanced_rcbd(seed)
    f = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    levels, est, cov = statsmodels_lsmeans(df)
    assert list(f.levels) == levels
    np.testing.assert_allclose(f.lsmeans, est, rtol=1e-10)
    np.testing.assert_allclose(f.lsmeans_cov, cov, rtol=1e-8, atol=1e-8 * np.abs(cov).max())


def test_fit_means_model_contract() -> None:
    """means_model() carries the LS-means, covariance, df and provenance fields."""
    df = random_unbalanced_rcbd(1)
    f = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    mm = f.means_model()
    assert isinstance(mm, MeansModel)
    assert mm.factor == "treatment" and mm.error_term == "residual"
    assert mm.design == "rcbd" and mm.formula == f.formula and mm.response == "yield_kg_ha"
    assert mm.df == f.df_error and mm.mse == f.mse
    np.testing.assert_array_equal(mm.estimates, f.lsmeans)
    np.testing.assert_array_equal(mm.cov, f.lsmeans_cov)
    np.testing.assert_array_equal(mm.n, f.n)


def test_fit_means_model_carries_centred_lsmeans() -> None:
    """estimates_centred = LS-means minus the centre (the observed mean), kept from the solve."""
    df = random_unbalanced_rcbd(2)
    f = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    mm = f.means_model()
    assert mm.estimates_centred is not None
    # hand: the centre is the mean of the observed yields; estimates = centred + centre
    assert f.centre == pytest.approx(df["yield_kg_ha"].mean(), rel=1e-14)
    np.testing.assert_allclose(mm.estimates_centred + f.centre, mm.estimates, rtol=1e-14)


def test_compare_to_control_differences_invariant_to_1e12_offset() -> None:
    """Adding 1e12 to every yield changes no Dunnett difference by more than 1e-9."""
    from yieldtrial.stats.compare import compare_to_control

    # Gomez & Gomez Table 2.5 with one plot missing (unbalanced); integer yields are exact at
    # 1e12 (double spacing there 2**-13), so the true differences are identical.
    df = seedrate_frame()
    df.loc[5, "yield_kg_ha"] = np.nan
    moved = df.assign(yield_kg_ha=df["yield_kg_ha"] + 1e12)
    kw: dict[str, Any] = dict(
        response="yield_kg_ha", treatment="treatment", block="block", control="25"
    )
    base = compare_to_control(df, **kw)
    other = compare_to_control(moved, **kw)
    np.testing.assert_allclose(other["difference_kg_ha"], base["difference_kg_ha"], atol=1e-9)
    np.testing.assert_allclose(other["ci_low_kg_ha"], base["ci_low_kg_ha"], atol=1e-9)
    np.testing.assert_allclose(other["p_value_adjusted"], base["p_value_adjusted"], atol=1e-9)


def test_fit_unreplicated_gives_nan_error_without_exception() -> None:
    """One plot per treatment: df_error 0, MSE and covariance NaN, LS-means = data."""
    df = pd.DataFrame({"treatment": ["CK", "A", "B"], "yield_kg_ha": [7000.0, 7240.0, 6900.0]})
    f = fit(df, response="yield_kg_ha", treatment="treatment", design="crd")
    assert f.df_error == 0
    assert np.isnan(f.mse) and np.isnan(f.lsmeans_cov).all()
    np.testing.assert_allclose(f.lsmeans, [7000.0, 7240.0, 6900.0])


def test_fit_empty_treatment_level_raises() -> None:
    """A treatment whose plots are all blank cannot be estimated."""
    df = seedrate_frame()
    df.loc[df.treatment == "75", "yield_kg_ha"] = np.nan
    with pytest.raises(DataValidationError, match="'75'"):
        fit(df, response="yield_kg_ha", treatment="treatment", block="block")


def test_fit_refused_for_memory_does_not_copy_the_table(monkeypatch) -> None:
    """A dense fit refused for memory copies no rows first (issue 13: report refit peak)."""
    from yieldtrial.stats import model

    calls: list[int] = []

    def counting(data: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
        calls.append(int(keep.sum()))
        return data.loc[keep].copy()

    monkeypatch.setattr(model, "private_rows", counting)
    monkeypatch.setattr(model, "DENSE_FIT_MAX_BYTES", 1)  # every dense fit is refused
    df = seedrate_frame()
    df.loc[0, "yield_kg_ha"] = np.nan  # one plot missing: unbalanced, the dense SVD path
    with pytest.raises(DataValidationError, match="dense least-squares fit"):
        fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    assert calls == []


def test_fit_disconnected_design_raises() -> None:
    """Treatments confounded with blocks (disconnected) are not estimable."""
    df = pd.DataFrame(
        {
            "treatment": ["A", "A", "B", "B", "C", "C"],
            "block": ["1", "1", "2", "2", "2", "2"],
            "y": [1.0, 2.0, 3.0, 5.0, 4.0, 6.0],
        }
    )
    with pytest.raises(DataValidationError, match="not estimable"):
        fit(df, response="y", treatment="treatment", block="block")


def test_fit_rcbd_without_block_raises() -> None:
    """An explicit design='rcbd' without a block column is refused, naming block=."""
    with pytest.raises(DataValidationError, match="needs block="):
        fit(seedrate_frame(), response="yield_kg_ha", treatment="treatment", design="rcbd")


def test_fit_default_design_follows_block_argument() -> None:
    """No design given: block= -> RCBD model, no block -> CRD (response ~ treatment)."""
    df = seedrate_frame()
    with_block = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    without = fit(df, response="yield_kg_ha", treatment="treatment")
    assert (with_block.design, with_block.formula) == ("rcbd", "yield_kg_ha ~ treatment + block")
    assert (without.design, without.formula) == ("crd", "yield_kg_ha ~ treatment")


def test_fit_unknown_design_raises() -> None:
    """An unknown design key lists the valid ones."""
    with pytest.raises(DataValidationError, match="'crd', 'rcbd', 'latin'"):
        fit(seedrate_frame(), response="yield_kg_ha", treatment="treatment", design="alpha")


def test_fit_missing_column_raises() -> None:
    """A column that is not in the data is named in the error."""
    with pytest.raises(DataValidationError, match="'rep'"):
        fit(seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="rep")


def test_fit_non_numeric_response_raises() -> None:
    """A text yield is reported with its row."""
    df = seedrate_frame().astype({"yield_kg_ha": object})
    df.loc[2, "yield_kg_ha"] = "lost"
    with pytest.raises(DataValidationError, match="row 2 holds 'lost'"):
        fit(df, response="yield_kg_ha", treatment="treatment", block="block")


def test_fit_missing_treatment_label_raises() -> None:
    """A blank treatment label is an error naming the column."""
    df = seedrate_frame().astype({"treatment": object})
    df.loc[4, "treatment"] = None
    with pytest.raises(DataValidationError, match="'treatment' has 1 missing label"):
        fit(df, response="yield_kg_ha", treatment="treatment", block="block")


def test_fit_categorical_treatment_keeps_category_order() -> None:
    """Categorical treatments keep their category order; unused categories are dropped."""
    df = seedrate_frame()
    order = ["150", "125", "unused", "100", "75", "50", "25"]
    df["treatment"] = pd.Categorical(df["treatment"], categories=order)
    f = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    assert f.levels == ("150", "125", "100", "75", "50", "25")
    assert f.lsmeans[0] == pytest.approx(np.mean(SEEDRATE_Y["150"]))


def test_fit_numeric_labels_become_strings() -> None:
    """Integer treatment labels become strings in order of first appearance."""
    df = seedrate_frame()
    df["treatment"] = df["treatment"].astype(int)
    f = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    assert f.levels == ("25", "50", "75", "100", "125", "150")


def latin_frame() -> pd.DataFrame:
    """4 x 4 cyclic Latin square with additive row/column/treatment effects plus noise."""
    rng = np.random.default_rng(7)
    rows = []
    for r, c in product(range(4), range(4)):
        t = (r + c) % 4
        y = 5000 + 200 * r - 150 * c + 100 * t + rng.normal(0, 50)
        rows.append((f"r{r}", f"c{c}", f"T{t}", y))
    return pd.DataFrame(rows, columns=["row", "col", "treatment", "y"])


def test_fit_latin_square_lsmeans_and_df() -> None:
    """Complete Latin square: LS-means = raw means, error df = (t-1)(t-2)."""
    df = latin_frame()
    f = fit(df, response="y", treatment="treatment", design="latin", row="row", column="col")
    # hand: t = 4 -> (4 - 1)(4 - 2) = 6 error df; balanced -> raw means
    assert f.df_error == 6
    np.testing.assert_allclose(f.lsmeans, df.groupby("treatment", sort=False)["y"].mean())
    assert f.formula == "y ~ treatment + row + col"


def test_fit_latin_missing_cell_listed() -> None:
    """A blank plot in a Latin square is listed by row, column and treatment."""
    df = latin_frame()
    df.loc[5, "y"] = np.nan  # r1, c1, T2
    f = fit(df, response="y", treatment="treatment", design="latin", row="row", column="col")
    assert f.df_error == 5
    assert f.missing_cells.to_dict("records") == [
        {"row": "r1", "column": "c1", "treatment": "T2", "reason": "missing response"}
    ]


def test_least_squares_rank_deficient() -> None:
    """Aliased columns are detected; fitted values are still the projection."""
    x = np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [1.0, 0.0, 1.0]])
    sol = least_squares(x, np.array([1.0, 3.0, 5.0, 9.0]))
    assert sol.rank == 2  # column 0 = column 1 + column 2
    np.testing.assert_allclose(sol.fitted, [2.0, 2.0, 7.0, 7.0])  # group means (hand)


def test_fit_wholly_missing_block_is_left_out() -> None:
    """A block without any observed plot is not used and all its cells are listed."""
    df = seedrate_frame()
    df.loc[df.block == "R4", "yield_kg_ha"] = np.nan
    f = fit(df, response="yield_kg_ha", treatment="treatment", block="block")
    assert f.blocks == ("R1", "R2", "R3")
    assert f.df_error == 10  # (6 - 1)(3 - 1), hand
    assert f.missing_cells["block"].tolist() == ["R4"] * 6


def test_fit_repr_html_names_formula() -> None:
    """The notebook representation shows the formula and the LS-means table."""
    f = fit(seedrate_frame(), response="yield_kg_ha", treatment="treatment", block="block")
    text = f._repr_html_()
    assert "yield_kg_ha ~ treatment + block" in text and "lsmean" in text


# ------------------------------------------- a notebook chain: fit's result passed on as data


@pytest.mark.parametrize("function", ["anova", "diagnostics", "means", "pairwise"])
def test_fitted_model_passed_as_data_names_the_table_to_pass(function: str) -> None:
    """``st.anova(fit, ...)`` after ``fit = st.fit(df, ...)``: the error says to pass fit.data."""
    from shipped import example_trial
    from yieldtrial import stats

    columns = {"response": "yield_kg_ha", "treatment": "treatment", "block": "block"}
    data = example_trial().yields(unit="kg/ha")
    model = fit(data, **columns)
    with pytest.raises(DataValidationError, match=r"got DesignFit: .*\(fit\.data\)"):
        getattr(stats, function)(model, **columns)
    with warnings.catch_warnings():  # the shipped trial's own diagnostics warnings
        warnings.simplefilter("ignore", YieldTrialWarning)
        assert getattr(stats, function)(model.data, **columns) is not None


def test_field_trial_passed_as_data_names_yields() -> None:
    """A FieldTrial given where a plot table is expected points to trial.yields()."""
    from shipped import example_trial
    from yieldtrial import stats

    with pytest.raises(DataValidationError, match=r"got FieldTrial: pass trial\.yields\(\)"):
        stats.anova(example_trial(), response="yield_kg_ha", treatment="treatment")


def _missing_cells_reference(observed, *, design, labels, codes, factors):
    """Count the cells as before stop 32's third pass: each count from its own bincount."""
    a, b = factors[:2] if design == "rcbd" else factors[1:3]
    na, nb = len(labels[a]), len(labels[b])
    cell = codes[a].astype(np.int64) * nb + codes[b]
    n_records = np.bincount(cell, minlength=na * nb)
    n_observed = np.bincount(cell[observed], minlength=na * nb)
    empty = np.flatnonzero(n_observed == 0)
    return empty, ["missing response" if n_records[c] else "no record" for c in empty.tolist()]


def test_missing_cells_equal_the_two_count_version_on_random_tables() -> None:
    # all plots observed (the counts shared) or some not: the same cells and reasons
    from yieldtrial.stats.model import _missing_cells

    rng = np.random.default_rng(32)
    for trial in range(40):
        na, nb = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        n = int(rng.integers(1, 40))
        codes = {"treatment": rng.integers(0, na, n), "block": rng.integers(0, nb, n)}
        labels = {
            "treatment": tuple(f"T{i}" for i in range(na)),
            "block": tuple(f"B{j}" for j in range(nb)),
        }
        observed = np.ones(n, dtype=bool) if trial % 2 else rng.random(n) < 0.7
        got = _missing_cells(
            pd.DataFrame(index=range(n)),
            observed,
            design="rcbd",
            factors=["treatment", "block"],
            labels=labels,
            codes=codes,
        )
        empty, reasons = _missing_cells_reference(
            observed, design="rcbd", labels=labels, codes=codes, factors=["treatment", "block"]
        )
        ia, ib = np.divmod(empty, nb)
        assert got["treatment"].tolist() == [labels["treatment"][i] for i in ia]
        assert got["block"].tolist() == [labels["block"][j] for j in ib]
        assert got["reason"].tolist() == reasons


def test_design_fit_repr_is_one_line_without_the_data() -> None:
    """repr(fit) is one line naming the model, as MeansModel's (stop 39).

    It printed the whole plot table, the fitted values, residuals, ... (2,065 characters for
    12 plots).
    """
    data = pd.DataFrame(
        {"treatment": list("ABCABC"), "block": list("111222"), "y": [1.0, 2, 3, 2, 3, 5]}
    )
    result = fit(data, response="y", treatment="treatment", block="block")
    text = repr(result)
    assert "\n" not in text and "fitted" not in text
    assert text.startswith("DesignFit(response='y', treatment='treatment', block='block'")
    assert "plots=6, levels=3, df_error=2" in text  # (3 - 1) x (2 - 1) RCBD error df


def test_a_factor_column_given_twice_is_named() -> None:
    """Two 'treatment' columns are a named error (stop 39).

    They failed in the cache key: "'DataFrame' object has no attribute 'dtype'".
    """
    data = pd.DataFrame(
        {"treatment": list("ABCABC"), "block": list("111222"), "y": [1.0, 2, 3, 2, 3, 5]}
    )
    twice = pd.concat([data, data[["treatment"]]], axis=1)
    with pytest.raises(DataValidationError, match=r"more than once in data: treatment="):
        fit(twice, response="y", treatment="treatment", block="block")


def test_a_repeated_column_the_fit_does_not_read_is_left_alone() -> None:
    """Only the response and factor columns must be unique."""
    data = pd.DataFrame(
        {"treatment": list("ABCABC"), "block": list("111222"), "y": [1.0, 2, 3, 2, 3, 5]}
    ).assign(note="")
    twice = pd.concat([data, data[["note"]]], axis=1)
    assert fit(twice, response="y", treatment="treatment", block="block").df_error == 2


def test_latin_square_with_two_plots_at_one_position_is_refused():
    """Stop 40: fit(design='latin') took a plot typed at another's row and column."""
    data = pd.DataFrame(
        [{"plot_id": f"{r}{c}", "row": r, "column": c, "treatment": "ABC"[(r + c) % 3],
          "y": 10.0 + r + 2 * c + ((r * c) % 2)} for r in range(3) for c in range(3)]
    )  # fmt: skip
    data.loc[4, ["row", "column"]] = [0, 0]
    with pytest.raises(DataValidationError, match=r"plots '00' and '11' \(row 0, column 0\)"):
        fit(data, response="y", treatment="treatment", design="latin", row="row", column="column")


def _grid_means(focus: str, n_levels: dict[str, int], terms: list[tuple[str, ...]]) -> np.ndarray:
    """Average the model-matrix rows of every grid cell per focus level (the definition)."""
    factors = list(n_levels)
    grid = np.array(list(product(*(range(n_levels[f]) for f in factors))), dtype=int)
    grid_codes = {f: grid[:, i] for i, f in enumerate(factors)}
    x_grid, _ = model_matrix(grid_codes, n_levels, terms)
    return np.vstack([x_grid[grid_codes[focus] == j].mean(axis=0) for j in range(n_levels[focus])])


@pytest.mark.parametrize(
    ("n_levels", "terms"),
    [
        ({"t": 304, "b": 6}, [("t",), ("b",)]),  # an augmented design's model
        ({"a": 3, "b": 7, "c": 6}, [("a",), ("b",), ("a", "b"), ("c",), ("b", "c")]),
        ({"a": 3, "b": 4, "c": 5}, [("a",), ("b",), ("c",), ("a", "b", "c")]),
        ({"a": 2, "b": 1}, [("a",), ("b",)]),  # a one-level factor has no column
    ],
)
def test_reference_grid_means_equal_grid_average_bitwise(
    n_levels: dict[str, int], terms: list[tuple[str, ...]]
) -> None:
    # formed without the grid (issue 13), the weights are the grid's column means bit for bit
    for focus in n_levels:
        expected = _grid_means(focus, n_levels, terms)
        got = reference_grid_means(focus, n_levels, terms)
        assert got.shape == expected.shape
        assert np.array_equal(got, expected)
