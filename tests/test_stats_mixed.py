"""Mixed models fitted by REML (yieldtrial.stats.mixed, yieldtrial.stats._reml).

Proof of the numbers, three ways:

* balanced trials: REML equals the stratum ANOVA (variance components from the expected
  mean squares, F tests and their df, SEDs) computed by :mod:`yieldtrial.stats.splitplot`
  and :mod:`yieldtrial.stats.anova_tables`, which are themselves checked against published tables;
* unbalanced trials: statsmodels MixedLM with the same fixed and random structure (an
  independent REML optimiser) for the variance components, and a dense numpy computation
  of :math:`(X'V^{-1}X)^{-1}` from those components (patsy model matrices, n x n V) for the
  LS-means and their covariance;
* Satterthwaite df: an independent dense computation with numerical derivatives
  (finite differences of the REML log-likelihood and of the contrast variance).
"""

from __future__ import annotations

import warnings
from itertools import combinations, product
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reference_cases import alpha_fit, case_frame, john_alpha, load_case, seedrate_frame
from yieldtrial.errors import DataValidationError
from yieldtrial.stats.compare import compare_means_to_control, pairwise_means
from yieldtrial.stats.mixed import MIXED_DESIGNS, mixed_model
from yieldtrial.stats.splitplot import split_plot_anova, strip_plot_anova

MIXED_DATA = Path(__file__).parent / "data" / "mixed"


def oats() -> pd.DataFrame:
    """Yates' oats split plot (V&R sec. 6.7): 6 blocks, 3 varieties (whole plots), 4 N rates."""
    return case_frame("yates_oats_splitplot")


def oats_missing(rows: list[int]) -> pd.DataFrame:
    """Oats with the response of ``rows`` blanked (missing sub-plots)."""
    df = oats()
    df["yield"] = df["yield"].astype(float)
    df.loc[rows, "yield"] = np.nan
    return df


#: Sub-plots removed for the unbalanced split plots (one; three in different whole plots).
ONE_MISSING = [3]
THREE_MISSING = [3, 20, 41]


def burgueno() -> pd.DataFrame:
    """Burgueno et al. (2000) row-column trial (agridat burgueno.rowcol)."""
    df = pd.read_csv(MIXED_DATA / "burgueno_rowcol.tsv", sep="\t")
    df["row"] = df["row"].astype(str)
    df["col"] = df["col"].astype(str)
    return df


def _split(df: pd.DataFrame, **kw: Any) -> Any:
    return mixed_model(
        df, response="yield", design="split_plot", block="block", whole_plot="gen",
        sub_plot="nitro", **kw,
    )  # fmt: skip


# ----------------------------------------------------------------------------- statsmodels


def _mixedlm(formula: str, df: pd.DataFrame, **kw: Any) -> Any:
    """Statsmodels MixedLM by REML, converged tightly (BFGS, gradient tolerance 1e-10)."""
    import statsmodels.formula.api as smf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = smf.mixedlm(formula, df, **kw)
        result = model.fit(reml=True, method=["bfgs"], gtol=1e-10, maxiter=5000)
    assert result.converged
    return model, result


def _dense(
    df: pd.DataFrame, fixed: str, random: list[str], theta: np.ndarray, response: str
) -> dict[str, Any]:
    """Independent dense GLS: patsy X, n x n V from the variance components ``theta``."""
    import patsy

    x = np.asarray(patsy.dmatrix(fixed, df))
    y = df[response].to_numpy(dtype=float)
    v = theta[-1] * np.eye(len(df))
    zs = []
    for term in random:
        z = np.asarray(patsy.dmatrix(f"0 + C({term})", df))
        zs.append(z)
    for t, z in zip(theta[:-1], zs, strict=True):
        v += t * z @ z.T
    vi = np.linalg.inv(v)
    phi = np.linalg.inv(x.T @ vi @ x)
    beta = phi @ x.T @ vi @ y
    return {"x": x, "y": y, "zs": zs, "phi": phi, "beta": beta, "fixed": fixed}


def _grid_rows(
    dense: dict[str, Any],
    df: pd.DataFrame,
    by: list[str],
    over: list[str],
    order: dict[str, tuple[str, ...]] | None = None,
) -> np.ndarray:
    """LS-mean rows (equal weights over the grid of ``over``) in the patsy coding.

    Levels of ``by`` in ``order`` (default: first appearance in ``df``).
    """
    import patsy

    info = patsy.dmatrix(dense["fixed"], df).design_info
    levels = {f: list(dict.fromkeys(df[f].astype(str))) for f in by + over}
    levels.update({f: list(v) for f, v in (order or {}).items()})
    grid = pd.DataFrame(list(product(*(levels[f] for f in by + over))), columns=by + over)
    for f in by + over:
        grid[f] = pd.Categorical(grid[f], categories=sorted(df[f].astype(str).unique()))
    (xg,) = patsy.build_design_matrices([info], grid)
    xg = np.asarray(xg)
    keys = grid[by].astype(str).agg(":".join, axis=1)
    order = list(dict.fromkeys(":".join(c) for c in product(*(levels[f] for f in by))))
    return np.vstack([xg[(keys == k).to_numpy()].mean(axis=0) for k in order])


def _as_str(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    out = df.copy()
    for c in cols:
        out[c] = out[c].astype(str)
    return out


# ----------------------------------------------------------------------------- balanced


@pytest.fixture(scope="module")
def oats_fits() -> tuple[Any, Any]:
    """REML and stratum ANOVA of the balanced oats split plot."""
    strata = split_plot_anova(
        oats(), response="yield", block="block", whole_plot="gen", sub_plot="nitro"
    )
    return _split(oats()), strata


def test_split_plot_balanced_variance_components_equal_anova(oats_fits: Any) -> None:
    """Balanced split plot: REML = ANOVA estimates from the expected mean squares."""
    fit, strata = oats_fits
    table = strata.table.set_index("source")
    ea, eb = strata.error("error_a")[0], strata.error("error_b")[0]
    ms_block = float(table.loc["block", "mean_sq"])
    # E(MS error b) = s2; E(MS error a) = s2 + b s2_wp; E(MS block) = s2 + b s2_wp + a b s2_block
    a, b = 3, 4
    expected = {"residual": eb, "block:gen": (ea - eb) / b, "block": (ms_block - ea) / (a * b)}
    for name, value in expected.items():
        assert fit.variance(name) == pytest.approx(value, rel=1e-9)
    # lme4 prints for lmer(yield ~ nitro * gen + (1 | block/gen)): 214.5, 106.1, 177.1
    assert [round(fit.variance(n), 1) for n in ("block", "block:gen", "residual")] == [
        214.5,
        106.1,
        177.1,
    ]


def test_split_plot_balanced_f_tests_equal_strata(oats_fits: Any) -> None:
    """Balanced split plot: Wald F and Satterthwaite df = stratum F tests and stratum df."""
    fit, strata = oats_fits
    table = strata.table.set_index("source")
    for source, error in (("gen", "error_a"), ("nitro", "error_b"), ("gen:nitro", "error_b")):
        row = fit.table.set_index("source").loc[source]
        assert row["f"] == pytest.approx(table.loc[source, "f"], rel=1e-9)
        assert row["df"] == table.loc[source, "df"]
        assert row["df_denominator"] == pytest.approx(strata.error(error)[1], rel=1e-9)
        assert row["p_value"] == pytest.approx(table.loc[source, "p_value"], rel=1e-7)


@pytest.mark.parametrize(
    ("kind", "at"),
    [
        ("whole_plot", None),
        ("sub_plot", None),
        ("sub_plot_within_whole", "Victory"),
        ("whole_plot_within_sub", "0.4"),
        ("cells", None),
    ],
)
def test_split_plot_balanced_means_models_equal_strata(
    oats_fits: Any, kind: str, at: str | None
) -> None:
    """Every comparison kind: same means, same SE of every difference, same df."""
    fit, strata = oats_fits
    mine, theirs = fit.means_model(kind, at=at), strata.means_model(kind, at=at)
    np.testing.assert_allclose(mine.estimates, theirs.estimates, rtol=1e-12)
    k = len(mine.levels)
    for i, j in combinations(range(k), 2):
        w = np.zeros(k)
        w[i], w[j] = 1.0, -1.0
        assert mine.contrast(w)[1] == pytest.approx(theirs.contrast(w)[1], rel=1e-9)
    # whole_plot_within_sub: the stratum Satterthwaite df of (b - 1) Eb + Ea
    assert mine.df == pytest.approx(theirs.df, rel=1e-8)


def test_split_plot_balanced_sed_table_equals_strata(oats_fits: Any) -> None:
    """The SED table (sed, df, lsd) equals the stratum one."""
    fit, strata = oats_fits
    np.testing.assert_allclose(fit.sed["sed"], strata.sed["sed"], rtol=1e-9)
    np.testing.assert_allclose(fit.sed["df"], strata.sed["df"], rtol=1e-8)
    np.testing.assert_allclose(fit.sed["lsd"], strata.sed["lsd"], rtol=1e-8)
    assert fit.cv_pct == pytest.approx(strata.cv_pct, rel=1e-9)


def test_strip_plot_balanced_equals_strata() -> None:
    """Gomez & Gomez (1984) strip plot: REML F tests, df and SEDs = the stratum ANOVA."""
    df = case_frame("gomez_stripplot_rice")
    strata = strip_plot_anova(df, response="yield", block="rep", horizontal="gen", vertical="nitro")
    fit = mixed_model(
        df, response="yield", design="strip_plot", block="rep", horizontal="gen", vertical="nitro"
    )
    assert not fit.variance_components["boundary"].any()  # all components positive here
    table = strata.table.set_index("source")
    for source, error in (("gen", "error_a"), ("nitro", "error_b"), ("gen:nitro", "error_c")):
        row = fit.table.set_index("source").loc[source]
        assert row["f"] == pytest.approx(table.loc[source, "f"], rel=1e-9)
        assert row["df_denominator"] == pytest.approx(strata.error(error)[1], rel=1e-8)
    np.testing.assert_allclose(fit.sed["sed"], strata.sed["sed"], rtol=1e-9)
    np.testing.assert_allclose(fit.sed["df"], strata.sed["df"], rtol=1e-8)
    for name, (ms, _) in strata._errors.items():
        assert fit.stratum_mean_squares()[name] == pytest.approx(ms, rel=1e-9)


def test_rcbd_random_blocks_balanced_equals_fixed_anova() -> None:
    """Gomez & Gomez (1984) Table 2.5: random blocks give the fixed-block F, df and SED."""
    from yieldtrial.stats.anova_tables import anova

    df = seedrate_frame()
    fixed = anova(df, response="yield_kg_ha", treatment="treatment", block="block")
    fit = mixed_model(
        df, response="yield_kg_ha", design="rcbd", treatment="treatment", block="block"
    )
    row = fixed.table.set_index("source").loc["treatment"]
    mine = fit.table.iloc[0]
    assert mine["f"] == pytest.approx(row["f"], rel=1e-9)
    assert mine["df_denominator"] == pytest.approx(fixed.df_error, rel=1e-9)  # 15
    assert fit.residual_variance == pytest.approx(fixed.mse, rel=1e-9)
    mm = fit.means_model()
    np.testing.assert_allclose(mm.estimates, fixed.fit.lsmeans, rtol=1e-12)
    assert mm.contrast(np.array([1.0, -1.0, 0, 0, 0, 0]))[1] == pytest.approx(fixed.sed, rel=1e-9)
    assert mm.df == pytest.approx(15.0, rel=1e-9)


def test_latin_random_rows_columns_balanced_equals_fixed_anova() -> None:
    """Montgomery's rocket-propellant Latin square: random rows/columns = fixed ANOVA F."""
    from yieldtrial.stats.anova_tables import anova

    df = case_frame("montgomery_rocket_latin")
    fixed = anova(
        df, response="y", treatment="formulation", design="latin", row="batch", column="operator"
    )
    fit = mixed_model(
        df, response="y", design="latin", treatment="formulation", row="batch", column="operator"
    )
    assert not fit.variance_components["boundary"].any()
    row = fixed.table.set_index("source").loc["formulation"]
    assert fit.table.iloc[0]["f"] == pytest.approx(row["f"], rel=1e-9)
    assert fit.table.iloc[0]["df_denominator"] == pytest.approx(fixed.df_error, rel=1e-9)


# ----------------------------------------------------------------------------- published


def test_alpha_lattice_matches_published_lme4() -> None:
    """john.alpha: variance components and variety differences printed by agridat (lme4)."""
    case = load_case("john_williams_alpha_oats")
    exp = case["expected"]
    fit = mixed_model(
        john_alpha(), response="yield", design="alpha", treatment="gen", block="rep",
        incomplete_block="block",
    )  # fmt: skip
    assert fit.formula == "yield ~ rep + gen + (1 | rep:block)"
    for name, key in (("rep:block", "variance_rep_block"), ("residual", "variance_residual")):
        assert fit.variance(name) == pytest.approx(exp[key]["value"], abs=exp[key]["abs_tol"])
    mm = fit.means_model()
    gens = ["G01", "G02", "G03", "G04", "G05", "G06"]
    mine = np.array([mm.estimates[mm.index(g)] for g in gens])
    published = np.array([exp[f"fixef_intra[{g}]"]["value"] for g in gens])
    # lme4's coefficients are LS-means + a constant (reference rep); differences are invariant.
    # Printed to 6 decimals, from lme4's own (default-tolerance) optimum: agree to 2e-6.
    np.testing.assert_allclose(mine - mine[0], published - published[0], atol=2e-6)


def test_alpha_lattice_intra_block_fixed_matches_published_lm() -> None:
    """john.alpha with incomplete blocks fixed is lm(yield ~ gen + rep + rep:block)."""
    case = load_case("john_williams_alpha_oats")
    exp = case["expected"]
    from yieldtrial.stats.model import least_squares, model_matrix

    df = john_alpha()
    df["rb"] = df["rep"] + df["block"]
    codes = {c: pd.factorize(df[c])[0] for c in ("gen", "rb")}
    x, _ = model_matrix(codes, {c: int(v.max()) + 1 for c, v in codes.items()}, [("gen",), ("rb",)])
    sol = least_squares(x, df["yield"].to_numpy(float))
    labels = list(pd.factorize(df["gen"])[1])
    coef = {g: (sol.coef[labels.index(g)] if labels.index(g) > 0 else 0.0) for g in labels}
    gens = ["G02", "G03", "G04", "G05", "G06"]
    mine = np.array([coef[g] - coef["G11"] for g in gens])
    published = np.array(
        [exp[f"fixef_ib[{g}]"]["value"] - exp["fixef_ib[G01]"]["value"] for g in gens]
    )
    mine_g01 = coef["G01"] - coef["G11"]
    np.testing.assert_allclose(mine - mine_g01, published, atol=2e-6)


# ----------------------------------------------------------------------------- vs statsmodels


def _check_against_dense(
    fit: Any, df: pd.DataFrame, dense: dict[str, Any], by: list[str], over: list[str], kind: Any
) -> None:
    rows = _grid_rows(dense, df, by, over, order=fit.levels)
    est = rows @ dense["beta"]
    cov = rows @ dense["phi"] @ rows.T
    mm = fit.means_model(kind) if kind is not None else fit.means_model()
    np.testing.assert_allclose(mm.estimates, est, rtol=1e-6)
    np.testing.assert_allclose(mm.cov, cov, rtol=1e-6)


@pytest.mark.parametrize("missing", [ONE_MISSING, THREE_MISSING], ids=["one", "three"])
def test_split_plot_missing_matches_statsmodels(missing: list[int]) -> None:
    """Split plot with missing sub-plots: variance components = MixedLM; means = dense GLS."""
    df = oats_missing(missing)
    fit = _split(df)
    obs = _as_str(df.dropna(subset=["yield"]).reset_index(drop=True), ["nitro"])
    _, res = _mixedlm(
        "Q('yield') ~ C(gen) * C(nitro)", obs, groups="block", re_formula="1",
        vc_formula={"wp": "0 + C(gen)"},
    )  # fmt: skip
    theirs = {"block": res.cov_re.iloc[0, 0], "block:gen": res.vcomp[0], "residual": res.scale}
    for name, value in theirs.items():
        assert fit.variance(name) == pytest.approx(value, rel=1e-6)
    obs["bg"] = obs["block"] + ":" + obs["gen"]
    theta = np.array([fit.variance("block"), fit.variance("block:gen"), fit.residual_variance])
    dense = _dense(obs, "C(gen) * C(nitro)", ["block", "bg"], theta, "yield")
    # fixed effects: MixedLM's own estimates (same patsy coding) = GLS at yieldtrial's theta
    np.testing.assert_allclose(res.fe_params.to_numpy(), dense["beta"], rtol=1e-6, atol=1e-6)
    cells = _grid_rows(dense, obs, ["gen", "nitro"], [], order=fit.levels)
    np.testing.assert_allclose(
        fit.means_model("cells").estimates, cells @ res.fe_params.to_numpy(), rtol=1e-6
    )
    _check_against_dense(fit, obs, dense, ["gen"], ["nitro"], "whole_plot")
    _check_against_dense(fit, obs, dense, ["nitro"], ["gen"], "sub_plot")
    _check_against_dense(fit, obs, dense, ["gen", "nitro"], [], "cells")
    assert len(fit.missing_cells) == len(missing)


def test_strip_plot_missing_matches_statsmodels() -> None:
    """Strip plot with two missing plots: three variance components = MixedLM."""
    df = case_frame("gomez_stripplot_rice")
    df["yield"] = df["yield"].astype(float)
    df.loc[[4, 30], "yield"] = np.nan
    fit = mixed_model(
        df, response="yield", design="strip_plot", block="rep", horizontal="gen", vertical="nitro"
    )
    obs = df.dropna(subset=["yield"]).reset_index(drop=True)
    _, res = _mixedlm(
        "Q('yield') ~ C(gen) * C(nitro)", obs, groups="rep", re_formula="1",
        vc_formula={"a": "0 + C(gen)", "b": "0 + C(nitro)"},
    )  # fmt: skip
    theirs = {
        "rep": res.cov_re.iloc[0, 0],
        "rep:gen": res.vcomp[0],
        "rep:nitro": res.vcomp[1],
        "residual": res.scale,
    }
    for name, value in theirs.items():
        assert fit.variance(name) == pytest.approx(value, rel=1e-6)


def test_alpha_lattice_missing_matches_statsmodels() -> None:
    """Alpha design with two missing plots: rep fixed, block-in-rep random (MixedLM)."""
    df = john_alpha()
    df.loc[[5, 40], "yield"] = np.nan
    fit = mixed_model(
        df, response="yield", design="alpha", treatment="gen", block="rep",
        incomplete_block="block",
    )  # fmt: skip
    obs = df.dropna(subset=["yield"]).reset_index(drop=True)
    obs["rb"] = obs["rep"] + obs["block"]
    _, res = _mixedlm("Q('yield') ~ C(gen) + C(rep)", obs, groups="rb", re_formula="1")
    assert fit.variance("rep:block") == pytest.approx(res.cov_re.iloc[0, 0], rel=1e-6)
    assert fit.residual_variance == pytest.approx(res.scale, rel=1e-6)
    theta = np.array([fit.variance("rep:block"), fit.residual_variance])
    dense = _dense(obs, "C(gen) + C(rep)", ["rb"], theta, "yield")
    _check_against_dense(fit, obs, dense, ["gen"], ["rep"], None)


def test_row_column_matches_statsmodels() -> None:
    """Row-column design (Burgueno et al. 2000): rep fixed, row- and column-in-rep random."""
    df = burgueno()
    fit = mixed_model(
        df, response="yield", design="row_column", treatment="gen", block="rep", row="row",
        column="col",
    )  # fmt: skip
    _, res = _mixedlm(
        "Q('yield') ~ C(gen) + C(rep)", df, groups="rep", re_formula="0",
        vc_formula={"col": "0 + C(col)", "row": "0 + C(row)"},
    )  # fmt: skip
    # vc_formula terms are sorted by name: col, row
    assert fit.variance("rep:col") == pytest.approx(res.vcomp[0], rel=1e-6)
    assert fit.variance("rep:row") == pytest.approx(res.vcomp[1], rel=1e-6)
    assert fit.residual_variance == pytest.approx(res.scale, rel=1e-6)


def test_rcbd_random_blocks_missing_matches_statsmodels() -> None:
    """RCBD with random blocks and two missing plots (inter-block recovery) vs MixedLM."""
    df = seedrate_frame()
    df.loc[[0, 9], "yield_kg_ha"] = np.nan
    fit = mixed_model(
        df, response="yield_kg_ha", design="rcbd", treatment="treatment", block="block"
    )
    obs = df.dropna().reset_index(drop=True)
    _, res = _mixedlm("yield_kg_ha ~ C(treatment)", obs, groups="block", re_formula="1")
    assert fit.variance("block") == pytest.approx(res.cov_re.iloc[0, 0], rel=1e-6)
    assert fit.residual_variance == pytest.approx(res.scale, rel=1e-6)


# ----------------------------------------------------------------------------- Satterthwaite


def _dense_loglik(theta: np.ndarray, x: np.ndarray, y: np.ndarray, zs: list[np.ndarray]) -> float:
    """REML log-likelihood (up to a constant), dense: -(log|V| + log|X'V^-1X| + r'V^-1 r)/2."""
    v = theta[-1] * np.eye(y.size)
    for t, z in zip(theta[:-1], zs, strict=True):
        v += t * z @ z.T
    vi = np.linalg.inv(v)
    xvx = x.T @ vi @ x
    beta = np.linalg.solve(xvx, x.T @ vi @ y)
    r = y - x @ beta
    return -0.5 * (np.linalg.slogdet(v)[1] + np.linalg.slogdet(xvx)[1] + r @ vi @ r)


def _dense_phi(theta: np.ndarray, x: np.ndarray, zs: list[np.ndarray]) -> np.ndarray:
    v = theta[-1] * np.eye(x.shape[0])
    for t, z in zip(theta[:-1], zs, strict=True):
        v += t * z @ z.T
    return np.linalg.inv(x.T @ np.linalg.inv(v) @ x)


def _numerical_satterthwaite(
    theta: np.ndarray, x: np.ndarray, y: np.ndarray, zs: list[np.ndarray], c: np.ndarray
) -> np.ndarray:
    """Satterthwaite df of the rows of ``c`` by central finite differences (independent)."""
    m = theta.size
    h = 1e-4 * theta
    hess = np.zeros((m, m))
    for i in range(m):
        for j in range(m):
            e_i, e_j = np.eye(m)[i] * h[i], np.eye(m)[j] * h[j]
            hess[i, j] = (
                _dense_loglik(theta + e_i + e_j, x, y, zs)
                - _dense_loglik(theta + e_i - e_j, x, y, zs)
                - _dense_loglik(theta - e_i + e_j, x, y, zs)
                + _dense_loglik(theta - e_i - e_j, x, y, zs)
            ) / (4 * h[i] * h[j])
    a = np.linalg.inv(-hess)
    var = np.einsum("ci,ij,cj->c", c, _dense_phi(theta, x, zs), c)
    grad = np.zeros((m, c.shape[0]))
    for i in range(m):
        e = np.eye(m)[i] * h[i]
        up = np.einsum("ci,ij,cj->c", c, _dense_phi(theta + e, x, zs), c)
        down = np.einsum("ci,ij,cj->c", c, _dense_phi(theta - e, x, zs), c)
        grad[i] = (up - down) / (2 * h[i])
    return 2 * var**2 / np.einsum("ic,ij,jc->c", grad, a, grad)


@pytest.fixture(scope="module")
def unbalanced_oats() -> dict[str, Any]:
    """Three missing sub-plots: the REML fit and the dense ingredients of an independent check."""
    df = oats_missing(THREE_MISSING)
    fit = _split(df)
    obs = _as_str(df.dropna(subset=["yield"]).reset_index(drop=True), ["nitro"])
    obs["bg"] = obs["block"] + ":" + obs["gen"]
    theta = np.array([fit.variance("block"), fit.variance("block:gen"), fit.residual_variance])
    dense = _dense(obs, "C(gen) * C(nitro)", ["block", "bg"], theta, "yield")
    return {"fit": fit, "obs": obs, "theta": theta, "dense": dense}


def test_reml_estimate_is_a_stationary_point(unbalanced_oats: dict[str, Any]) -> None:
    """The dense REML log-likelihood has zero gradient at yieldtrial's estimate."""
    d, theta = unbalanced_oats["dense"], unbalanced_oats["theta"]
    grad = []
    for i in range(theta.size):
        e = np.eye(theta.size)[i] * 1e-4 * theta[i]
        up = _dense_loglik(theta + e, d["x"], d["y"], d["zs"])
        down = _dense_loglik(theta - e, d["x"], d["y"], d["zs"])
        grad.append((up - down) / (2 * e[i]) * theta[i])  # relative (elasticity) scale
    assert np.max(np.abs(grad)) < 1e-6


def test_satterthwaite_pairwise_df_match_numerical(unbalanced_oats: dict[str, Any]) -> None:
    """Per-pair df of the whole-plot and cell means = numerical-derivative Satterthwaite."""
    fit, obs, d = unbalanced_oats["fit"], unbalanced_oats["obs"], unbalanced_oats["dense"]
    for kind, by, over in (("whole_plot", ["gen"], ["nitro"]), ("cells", ["gen", "nitro"], [])):
        mm = fit.means_model(kind)
        rows = _grid_rows(d, obs, by, over, order=fit.levels)
        pairs = list(combinations(range(rows.shape[0]), 2))
        c = np.array([rows[i] - rows[j] for i, j in pairs])
        expected = _numerical_satterthwaite(unbalanced_oats["theta"], d["x"], d["y"], d["zs"], c)
        mine = np.array([mm.pairwise_df()[i, j] for i, j in pairs])
        np.testing.assert_allclose(mine, expected, rtol=1e-5)
        assert mm.df == pytest.approx(float(np.min(expected)), rel=1e-5)


def test_f_test_df_match_fai_cornelius_numerical(unbalanced_oats: dict[str, Any]) -> None:
    """Multi-df F denominator df = Fai-Cornelius combination of numerical eigen-contrast df."""
    fit, obs, d = unbalanced_oats["fit"], unbalanced_oats["obs"], unbalanced_oats["dense"]
    levels_g = list(dict.fromkeys(obs["gen"]))
    levels_n = list(dict.fromkeys(obs["nitro"]))
    cells = _grid_rows(d, obs, ["gen", "nitro"], [], order=fit.levels).reshape(
        len(levels_g), len(levels_n), -1
    )

    def succ(k: int) -> np.ndarray:
        # every level against the first (lmerTest's type III basis with contr.treatment);
        # the Fai-Cornelius ddf depends on the basis, see tests/test_stats_mixed_lme4.py
        return np.eye(k)[1:] - np.eye(k)[[0] * (k - 1)]

    hyp = {
        "gen": succ(len(levels_g)) @ cells.mean(axis=1),
        "nitro": succ(len(levels_n)) @ cells.mean(axis=0),
        "gen:nitro": np.kron(succ(len(levels_g)), succ(len(levels_n)))
        @ cells.reshape(len(levels_g) * len(levels_n), -1),
    }
    table = fit.table.set_index("source")
    for source, lmat in hyp.items():
        vlb = lmat @ d["phi"] @ lmat.T
        evals, evecs = np.linalg.eigh(vlb)
        contrasts = evecs.T @ lmat
        nu = _numerical_satterthwaite(unbalanced_oats["theta"], d["x"], d["y"], d["zs"], contrasts)
        e = np.sum(nu / (nu - 2))
        ddf = 2 * e / (e - nu.size)  # Fai & Cornelius (1996) eq. for q > 1 (all nu > 2 here)
        est = lmat @ d["beta"]
        f = est @ np.linalg.solve(vlb, est) / lmat.shape[0]
        assert table.loc[source, "df_denominator"] == pytest.approx(ddf, rel=1e-5)
        assert table.loc[source, "f"] == pytest.approx(f, rel=1e-8)
        assert table.loc[source, "p_value"] == pytest.approx(
            stats.f.sf(f, lmat.shape[0], ddf), rel=1e-4
        )


def test_variance_component_se_match_numerical_information(
    unbalanced_oats: dict[str, Any],
) -> None:
    """SEs of the variance components = sqrt(diag(inverse observed information)), numerically."""
    fit, d, theta = unbalanced_oats["fit"], unbalanced_oats["dense"], unbalanced_oats["theta"]
    m = theta.size
    h = 1e-4 * theta
    hess = np.zeros((m, m))
    for i in range(m):
        for j in range(m):
            e_i, e_j = np.eye(m)[i] * h[i], np.eye(m)[j] * h[j]
            f = [
                _dense_loglik(theta + s_i * e_i + s_j * e_j, d["x"], d["y"], d["zs"])
                for s_i, s_j in ((1, 1), (1, -1), (-1, 1), (-1, -1))
            ]
            hess[i, j] = (f[0] - f[1] - f[2] + f[3]) / (4 * h[i] * h[j])
    se = np.sqrt(np.diag(np.linalg.inv(-hess)))
    np.testing.assert_allclose(fit.variance_components["se"], se, rtol=1e-5)


# ----------------------------------------------------------------------------- boundary


def test_component_estimated_at_zero_pools_into_residual() -> None:
    """Block MS below the error MS: REML block variance 0; tests = the CRD analysis."""
    from yieldtrial.stats.anova_tables import anova

    rng = np.random.default_rng(11)
    rows = [(f"T{t}", f"B{b}") for t, b in product(range(4), range(4))]
    df = pd.DataFrame(rows, columns=["treatment", "block"])
    df["y"] = 50 + df["treatment"].str[1:].astype(int) + rng.normal(0, 1, len(df))
    # remove any block effect so that the block mean square is below the error mean square
    df["y"] -= df.groupby("block")["y"].transform("mean") - df["y"].mean()
    fit = mixed_model(df, response="y", design="rcbd", treatment="treatment", block="block")
    vc = fit.variance_components.set_index("component")
    assert vc.loc["block", "variance"] == 0.0
    assert bool(vc.loc["block", "boundary"])
    assert np.isnan(vc.loc["block", "se"])
    crd = anova(df, response="y", treatment="treatment", design="crd")
    assert fit.table.iloc[0]["f"] == pytest.approx(
        crd.table.set_index("source").loc["treatment", "f"]
    )
    assert fit.table.iloc[0]["df_denominator"] == pytest.approx(crd.df_error)
    assert fit.residual_variance == pytest.approx(crd.mse, rel=1e-9)
    assert "estimated at zero" in fit.provenance.error_term


# ----------------------------------------------------------------------------- contract


def test_means_model_feeds_dunnett_and_tukey(unbalanced_oats: dict[str, Any]) -> None:
    """The MeansModel works with the comparisons; each row carries its own Satterthwaite df."""
    mm = unbalanced_oats["fit"].means_model("sub_plot")
    out = compare_means_to_control(mm, control="0")
    w = np.eye(4)[1:] - np.eye(4)[0]  # each rate minus rate 0
    np.testing.assert_allclose(out["df"], mm.contrast_df(w), rtol=1e-12)
    assert out["df"].min() >= mm.df  # mm.df is the family's smallest pairwise df
    assert out["p_value_adjusted"].notna().all()
    pairs = pairwise_means(mm)
    assert len(pairs) == 6
    np.testing.assert_allclose(pairs["df"], mm.pairwise_df()[np.triu_indices(4, 1)], rtol=1e-12)
    assert mm.df_method == "satterthwaite"


def test_provenance_states_model_reml_and_df_method() -> None:
    """Provenance: lme4-style model, REML, Satterthwaite df."""
    fit = _split(oats_missing(ONE_MISSING))
    prov = fit.provenance
    assert prov.model == "yield ~ gen * nitro + (1 | block) + (1 | block:gen)"
    assert prov.df_method == "satterthwaite"
    assert prov.variance_estimation == "REML"
    mmp = fit.means_model("whole_plot").provenance(test="dunnett")
    assert mmp.df_method == "satterthwaite" and mmp.variance_estimation == "REML"
    # no sums of squares behind a comparison of REML LS-means (was "type II")
    assert mmp.sum_of_squares == "none (REML LS-means and their covariance)"
    dunnett = compare_means_to_control(fit.means_model("sub_plot"), control="0")
    assert dunnett.attrs["provenance"]["sum_of_squares"] == mmp.sum_of_squares
    assert fit.table.attrs["provenance"]["df_method"] == "satterthwaite"


def test_fixed_blocks_split_plot_formula() -> None:
    """blocks='fixed' puts the blocks in the fixed part (only block:whole_plot random)."""
    fit = _split(oats_missing(ONE_MISSING), blocks="fixed")
    assert fit.formula == "yield ~ block + gen * nitro + (1 | block:gen)"
    assert list(fit.variance_components["component"]) == ["block:gen", "residual"]


def test_missing_cells_listed() -> None:
    """Blank responses are listed with their block and factor levels."""
    fit = _split(oats_missing(THREE_MISSING))
    cells = fit.missing_cells
    assert list(cells.columns) == ["block", "gen", "nitro", "reason"]
    assert set(cells["reason"]) == {"missing response"}
    assert fit.n_obs == 69


def test_means_table_margins_are_lsmeans(unbalanced_oats: dict[str, Any]) -> None:
    """The two-way table's margins are the whole-plot and sub-plot LS-means."""
    fit = unbalanced_oats["fit"]
    table = fit.means_table()
    np.testing.assert_allclose(
        table["mean"].to_numpy()[:-1], fit.means_model("whole_plot").estimates
    )
    np.testing.assert_allclose(
        table.loc["mean"].to_numpy()[:-1], fit.means_model("sub_plot").estimates
    )


def test_lsmeans_frame_has_provenance() -> None:
    """lsmeans() returns level, n, lsmean, se with provenance."""
    fit = mixed_model(seedrate_frame(), response="yield_kg_ha", design="rcbd",
                      treatment="treatment", block="block")  # fmt: skip
    frame = fit.lsmeans()
    assert list(frame.columns) == ["treatment", "n", "lsmean", "se"]
    assert frame.attrs["provenance"]["variance_estimation"] == "REML"


# ----------------------------------------------------------------------------- errors


def test_unknown_design_raises() -> None:
    """Designs outside MIXED_DESIGNS are refused with the list."""
    with pytest.raises(DataValidationError, match="split_plot"):
        mixed_model(oats(), response="yield", design="crd", treatment="gen")
    assert "alpha" in MIXED_DESIGNS


def test_bad_blocks_option_raises() -> None:
    """Blocks must be 'fixed' or 'random'."""
    with pytest.raises(DataValidationError, match="blocks must be"):
        _split(oats(), blocks="mixed")


def test_missing_design_column_raises() -> None:
    """A design needs its columns (alpha: incomplete_block)."""
    with pytest.raises(DataValidationError, match="incomplete_block"):
        mixed_model(john_alpha(), response="yield", design="alpha", treatment="gen", block="rep")


def test_duplicated_split_plot_cell_raises() -> None:
    """Two plots in one block x A x B cell are refused (subsamples)."""
    df = pd.concat([oats(), oats().iloc[[0]]], ignore_index=True)
    with pytest.raises(DataValidationError, match="2 plots share"):
        _split(df)


def test_treatment_level_without_plots_raises() -> None:
    """A level whose every plot is blank cannot be estimated."""
    df = oats()
    df["yield"] = df["yield"].astype(float)
    df.loc[df["nitro"] == "0.6", "yield"] = np.nan
    with pytest.raises(DataValidationError, match="0.6"):
        _split(df)


def test_non_estimable_cell_raises() -> None:
    """An A x B combination missing in every block makes the LS-means non-estimable."""
    df = oats()
    df["yield"] = df["yield"].astype(float)
    df.loc[(df["gen"] == "Victory") & (df["nitro"] == "0.2"), "yield"] = np.nan
    with pytest.raises(DataValidationError, match="not estimable"):
        _split(df)


def test_within_kind_needs_at() -> None:
    """The *_within_* kinds need at=<level>."""
    fit = _split(oats_missing(ONE_MISSING))
    with pytest.raises(DataValidationError, match="pass at="):
        fit.means_model("sub_plot_within_whole")
    with pytest.raises(DataValidationError, match="not a level"):
        fit.means_model("sub_plot_within_whole", at="Nope")
    with pytest.raises(DataValidationError, match="unknown comparison kind"):
        fit.means_model("horizontal")


def test_single_block_raises() -> None:
    """One block leaves no block variance to estimate."""
    df = oats()
    df = df[df["block"] == "B1"]
    with pytest.raises(DataValidationError, match="single observed level"):
        _split(df)


def test_row_column_without_residual_df_raises() -> None:
    """A saturated row-column layout is refused before REML, not a brentq RuntimeError.

    Two replicates of 2 rows x 3 columns with 6 treatments: 12 plots; fixed intercept +
    block (1) + treatment (5) = 7 columns, plus 4 row and 6 column effects, rank 12 =
    every plot fitted exactly (hand count), so no residual variance exists.
    """
    layout = {"1": ["T5", "T3", "T2", "T0", "T1", "T4"], "2": ["T3", "T5", "T2", "T4", "T1", "T0"]}
    rows = []
    for rep, treatments in layout.items():
        for i, treatment in enumerate(treatments):
            rows.append({"block": rep, "row": f"{rep}-{i // 3}", "column": str(i % 3),
                         "treatment": treatment})  # fmt: skip
    df = pd.DataFrame(rows)
    df["yield"] = [6831.3, 6602.0, 7060.8, 6459.2, 7084.9, 7464.6,
                   6246.1, 5893.2, 7123.1, 7866.8, 6496.4, 6361.0]  # fmt: skip
    with pytest.raises(DataValidationError, match="no residual degrees of freedom"):
        mixed_model(df, response="yield", design="row_column", treatment="treatment",
                    block="block", row="row", column="column")  # fmt: skip


@pytest.mark.parametrize("value", [6919.540229885058, 5000.0], ids=["rounding", "exact"])
def test_constant_response_raises(value: float) -> None:
    """A yield column of one value has no variance: one error naming it, no numpy warning.

    6919.540229885058 kg/ha (7.0 kg on 10 m2 at 14 % moisture to 13 %) is not exact in
    binary, so the mean of 72 copies differs from it by rounding; REML then fitted that
    noise (variances of 1e-55, F 0.06, numpy "invalid value" warnings).  5000.0 is exact.
    """
    df = john_alpha().assign(**{"yield": value})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataValidationError, match=r"'yield' has the same value .* 72"):
            alpha_fit(df)


def test_response_fitted_exactly_raises() -> None:
    """Yields that are exactly replicate + genotype effects leave a zero error variance.

    Built as 4 + 0.1 x (genotype number) + 0.3 x (replicate number) [t/ha]: every plot is
    fitted by the fixed effects, so the residual variance is zero (up to rounding, which
    REML turned into an F of about 1e29 on more df than plots).
    """
    df = john_alpha()
    gen = df["gen"].str[1:].astype(int)
    rep = df["rep"].str[1:].astype(int)
    df["yield"] = 4.0 + 0.1 * gen + 0.3 * rep
    with pytest.raises(DataValidationError, match="fits every observed plot exactly"):
        alpha_fit(df)


def test_single_replicate_of_alpha_raises() -> None:
    """One replicate of an alpha-lattice: the error names the column and reads as English."""
    df = john_alpha()
    with pytest.raises(DataValidationError) as info:
        alpha_fit(df[df["rep"] == "R1"])
    assert str(info.value) == (
        "block column 'rep' has a single observed level (R1); the alpha design needs at least two."
    )


def test_repr_is_one_line_without_tables() -> None:
    """``print(fit)`` names the model, not the plot table (it printed every dataclass field)."""
    fit = alpha_fit(john_alpha())
    assert repr(fit) == (
        "MixedModelFit(design='alpha', formula='yield ~ rep + gen + (1 | rep:block)', "
        "plots=72, missing_cells=0, ddf='satterthwaite')"
    )


def test_missing_incomplete_block_label_raises() -> None:
    """A blank incomplete-block label is named with its column and rows (was 'a block')."""
    df = john_alpha()
    df.loc[5, "block"] = None
    with pytest.raises(DataValidationError) as info:
        alpha_fit(df)
    assert str(info.value) == (
        "column 'block' has 1 missing label(s) (rows [5]); every plot needs a label in "
        "'block'. Fill them in or drop those rows."
    )


def test_bad_response_cell_names_the_row_plainly() -> None:
    """Text or an infinite value in the response: the row label without numpy's repr.

    With numpy 2 the messages said "row np.int64(2)"; since stop 44 they name the index
    label and the plot, as the readers of a DataFrame do.
    """
    df = john_alpha()
    df["yield"] = df["yield"].astype(object)
    df.loc[2, "yield"] = "abc"
    with pytest.raises(DataValidationError, match=r"must be numeric; row 2 holds 'abc'"):
        alpha_fit(df)
    df = john_alpha()
    df.loc[0, "yield"] = np.inf
    with pytest.raises(DataValidationError, match=r"infinite value at index 0;"):
        alpha_fit(df)


def test_an_unknown_variance_component_is_a_yieldtrial_error(oats_fits: Any) -> None:
    """variance('plot') was a bare KeyError; now a yieldtrial error listing the components."""
    from yieldtrial.errors import UnknownNameError

    fit, _ = oats_fits
    with pytest.raises(UnknownNameError, match=r"'plot' is not a variance component.*residual"):
        fit.variance("plot")


def test_latin_square_ddf_does_not_depend_on_the_row_order_of_the_plot_table() -> None:
    """A Latin square's rows list the treatments in randomized orders: natural sort, as R.

    tests/data/r_reference_trials/latin6_random_m2.csv (6 x 6 from ``yieldtrial design
    latin``, rows and columns random, 2 plots missing; its first row lists D, E, C, F, A,
    B).  lmerTest's type-1 (Doolittle) basis of the treatment F test depends on the level
    order; R with the levels sorted gives the Satterthwaite ddf 23.914996845031144
    (make_reference.R, reference.csv there).  Before stop 39 the order was the first
    appearance (D first): 23.913627, and the plot table read in another row order gave
    another ddf; a Latin square has no block column, so the randomized-layout rule of
    :func:`yieldtrial.io.levels.default_order` never saw its rows.
    """
    path = Path(__file__).parent / "data" / "r_reference_trials" / "latin6_random_m2.csv"
    df = pd.read_csv(path, dtype={"treatment": str, "row": str, "column": str})
    df = df.dropna(subset=["yield_kg_ha"])
    ddf = []
    for order in (df, df.iloc[::-1], df.sample(frac=1.0, random_state=3)):
        fit = mixed_model(
            order.reset_index(drop=True), response="yield_kg_ha", design="latin",
            treatment="treatment", row="row", column="column",
        )  # fmt: skip
        assert fit.levels["treatment"] == ("A", "B", "C", "D", "E", "F")
        ddf.append(float(fit.table.set_index("source").loc["treatment", "df_denominator"]))
    assert ddf[0] == pytest.approx(23.914996845031144, rel=1e-7)
    assert ddf[1] == pytest.approx(ddf[0], rel=1e-10) and ddf[2] == pytest.approx(ddf[0], rel=1e-10)


def _latin_4x4() -> pd.DataFrame:
    """Return a cyclic 4 x 4 Latin square (treatment (r + c) mod 4), SYNTHETIC yields."""
    rows = [
        {"plot_id": f"{r}{c}", "rep": "1", "row": r, "column": c, "treatment": "ABCD"[(r + c) % 4],
         "y": 7000.0 + 37 * ((3 * r + 5 * c) % 7)}
        for r in range(4) for c in range(4)
    ]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize("design", ["latin", "row_column"])
def test_two_plots_at_one_position_are_refused(design):
    """Stop 40: a grid with plot '01' typed at plot '00''s row and column was fitted (exit 0)."""
    data = pd.concat([_latin_4x4(), _latin_4x4().assign(rep="2")], ignore_index=True)
    data = data if design == "row_column" else data[data["rep"] == "1"].copy()
    data.loc[1, "column"] = 0
    block = {"block": "rep"} if design == "row_column" else {}
    with pytest.raises(DataValidationError, match=r"^plots share a row and column position: "
                       r"plots '00' and '01' \(row 0, column 0"):  # fmt: skip
        mixed_model(data, response="y", design=design, treatment="treatment", row="row",
                    column="column", **block)  # fmt: skip
