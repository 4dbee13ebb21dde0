"""Satterthwaite ddf of the REML engine recomputed independently, and one answer per trial.

lmerTest's definition (Kuznetsova, Brockhoff & Christensen 2017, J. Stat. Softw. 82(13),
section 3.1; ``lmerTest:::vcov_varpar``, ``contestMD``): the covariance of the variance
parameters is ``A = 2 H^{-1}`` with ``H`` the Hessian of the REML deviance (``-2`` times the
REML log-likelihood) in lme4's parameterisation ``(theta, sigma)`` (``theta`` = standard
deviation of each random effect divided by ``sigma``), at the optimum; a contrast ``l`` gets
``nu = 2 (l' Phi l)^2 / (g' A g)`` with ``g`` the gradient of ``l' Phi(theta, sigma) l``; an
F test diagonalises ``L Phi L'`` and combines the eigen-contrasts' ``nu`` (Fai & Cornelius
1996, ``lmerTest:::get_Fstat_ddf``).  yieldtrial works on the variance scale with the
analytic observed information; at the exact optimum the ddf does not depend on the
parameterisation (the gradient of the deviance vanishes, so the Hessian transforms as
``J' H J`` and the contrast gradient as ``J' g``).

Everything expected here is computed in this file with numpy from the definition: the REML
deviance is written out with the full n x n covariance matrix ``V``, its optimum found by
Nelder-Mead and Newton steps, its Hessian and the contrast gradients by central finite
differences with one Richardson extrapolation (truncation error O(h^4)).  The hypotheses
are lmerTest's type III bases written on R's ``contr.treatment`` model matrix (alpha-lattice:
the treatment coefficients; split plot: every level against the first on the marginal
means and their Kronecker product on the cell means, the basis the R references of
tests/test_stats_mixed_lme4.py confirm).

Cases: an alpha-lattice from ``alpha_design`` (24 entries, blocks of 4, 3 replicates,
seed 7) with seeded SYNTHETIC yields and 2 plots deleted, and Yates' oats split plot with 3
missing sub-plots (tests/data/r_reference/oats_missing3.csv).  The two entry points,
``yieldtrial.stats.mixed_model`` and ``FieldTrial``, fit the same model and must agree to
rounding (1e-8) on every number; before issue 15's stop 31 they ordered the treatment
levels differently (first appearance against natural sort) and the alpha-lattice's ddf were
30.4310 and 30.4231.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from yieldtrial import FieldTrial
from yieldtrial.design import alpha_design
from yieldtrial.stats import compare_means_to_control, mixed_model

DATA = Path(__file__).parent / "data" / "r_reference"

#: ddf from the finite-difference definition vs the engine (FD error ~1e-9 after Richardson).
RTOL_INDEPENDENT = 1e-6
#: The two entry points run the same arithmetic on the same model: rounding only.
RTOL_SAME = 1e-8


# ------------------------------------------------------------------------------ the data


@functools.cache
def _alpha_plots() -> pd.DataFrame:
    """Alpha-lattice field book (24 entries, k = 4, r = 3, seed 7), SYNTHETIC yields."""
    book = alpha_design([f"G{i}" for i in range(1, 25)], block_size=4, replicates=3, seed=7)
    rng = np.random.default_rng(11)
    genotype = {t: rng.normal(0.0, 600.0) for t in sorted(book["treatment"].unique())}
    rep = {b: rng.normal(0.0, 400.0) for b in sorted(book["block"].unique())}
    keys = list(zip(book["block"], book["incomplete_block"], strict=True))
    iblock = {key: rng.normal(0.0, 500.0) for key in sorted(set(keys))}
    y = [
        8000.0 + genotype[t] + rep[b] + iblock[(b, i)] + rng.normal(0.0, 350.0)
        for t, (b, i) in zip(book["treatment"], keys, strict=True)
    ]
    plots = pd.DataFrame(
        {
            "plot_id": book["plot_id"].astype(str),
            "block": book["block"].astype(str),
            "incomplete_block": book["incomplete_block"].astype(str),
            "treatment": book["treatment"].astype(str),
            "yield_kg_ha": np.round(y, 1),
        }
    )
    plots.loc[[5, 40], "yield_kg_ha"] = np.nan  # two missing plots
    return plots


def _oats_plots() -> pd.DataFrame:
    """Yates' oats split plot, 3 missing sub-plots (rows 4, 21 and 42 blank)."""
    return pd.read_csv(DATA / "oats_missing3.csv", dtype={"nitro": str})


_ALPHA_ARGS = {"response": "yield_kg_ha", "design": "alpha", "treatment": "treatment",
               "block": "block", "incomplete_block": "incomplete_block"}  # fmt: skip
_OATS_ARGS = {"response": "yield", "design": "split_plot", "block": "block",
              "whole_plot": "gen", "sub_plot": "nitro"}  # fmt: skip


@functools.cache
def _public(case: str, ddf: str) -> Any:
    plots, kwargs = (
        (_alpha_plots(), _ALPHA_ARGS) if case == "alpha" else (_oats_plots(), _OATS_ARGS)
    )
    return mixed_model(plots, ddf=ddf, **kwargs)


@functools.cache
def _trial(case: str, ddf: str) -> FieldTrial:
    if case == "alpha":
        return FieldTrial.from_dataframe(
            _alpha_plots(), crop="maize", design="alpha", control="G1", ddf=ddf
        )
    plots = _oats_plots().rename(columns={"nitro": "treatment", "yield": "yield_kg_ha"})
    plots["plot_id"] = [str(i + 1) for i in range(len(plots))]
    return FieldTrial.from_dataframe(
        plots, crop="wheat", design="split_plot", factors=("gen",), control="0", ddf=ddf
    )


def _trial_fit(case: str, ddf: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _trial(case, ddf).anova()


# ------------------------------------------------------- the definition, written with numpy


def _dummies(codes: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((codes.size, k))
    out[np.arange(codes.size), codes] = 1.0
    return out


def _cov_h(par: np.ndarray, zs: list[np.ndarray]) -> np.ndarray:
    """``V = sigma^2 (I + sum theta_k^2 Z_k Z_k')`` for ``par = (theta..., sigma)``."""
    n = zs[0].shape[0]
    h = np.eye(n)
    for t, z in zip(par[:-1], zs, strict=True):
        h += t**2 * (z @ z.T)
    return par[-1] ** 2 * h


def _deviance(par: np.ndarray, y: np.ndarray, x: np.ndarray, zs: list[np.ndarray]) -> float:
    """REML deviance ``log|V| + log|X'V^-1X| + r'V^-1 r + (n - p) log 2 pi`` (lme4's REMLcrit)."""
    v = _cov_h(par, zs)
    vi = np.linalg.inv(v)
    xvx = x.T @ vi @ x
    beta = np.linalg.solve(xvx, x.T @ vi @ y)
    r = y - x @ beta
    n, p = x.shape
    return float(
        np.linalg.slogdet(v)[1] + np.linalg.slogdet(xvx)[1] + r @ vi @ r
        + (n - p) * np.log(2.0 * np.pi)
    )  # fmt: skip


def _phi(par: np.ndarray, x: np.ndarray, zs: list[np.ndarray]) -> np.ndarray:
    """``(X'V^-1X)^-1``."""
    return np.linalg.inv(x.T @ np.linalg.solve(_cov_h(par, zs), x))


def _steps(par: np.ndarray, rel: float) -> np.ndarray:
    return rel * np.maximum(np.abs(par), 1e-3)


def _gradient(f: Any, par: np.ndarray, rel: float = 1e-3) -> np.ndarray:
    """Central differences at h and h/2, Richardson-extrapolated."""

    def central(h: np.ndarray) -> np.ndarray:
        eye = np.diag(h)
        return np.array(
            [(f(par + e) - f(par - e)) / (2.0 * hi) for e, hi in zip(eye, h, strict=True)]
        )

    h = _steps(par, rel)
    return (4.0 * central(h / 2.0) - central(h)) / 3.0


def _hessian(f: Any, par: np.ndarray, rel: float = 1e-3) -> np.ndarray:
    """Central second differences at h and h/2, Richardson-extrapolated."""

    def central(h: np.ndarray) -> np.ndarray:
        m = par.size
        out = np.zeros((m, m))
        eye = np.diag(h)
        for i in range(m):
            for j in range(m):
                ei, ej = eye[i], eye[j]
                out[i, j] = (
                    f(par + ei + ej) - f(par + ei - ej) - f(par - ei + ej) + f(par - ei - ej)
                ) / (4.0 * h[i] * h[j])
        return (out + out.T) / 2.0

    h = _steps(par, rel)
    return (4.0 * central(h / 2.0) - central(h)) / 3.0


def _optimum(y: np.ndarray, x: np.ndarray, zs: list[np.ndarray]) -> np.ndarray:
    """REML optimum in ``(theta, sigma)``: Nelder-Mead, then Newton steps on the FD derivatives."""

    def f(p: np.ndarray) -> float:
        return _deviance(p, y, x, zs)

    start = np.r_[np.ones(len(zs)), 1.0]
    par = minimize(f, start, method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-12, "maxfev": 20000}).x  # fmt: skip
    for _ in range(6):
        par = par - np.linalg.solve(_hessian(f, par), _gradient(f, par))
    return np.asarray(par)


def _fstat_ddf(nu: np.ndarray) -> float:
    """Combine eigen-contrast df as lmerTest's ``get_Fstat_ddf``."""
    if nu.size == 1:
        return float(nu[0])
    if np.all(np.abs(np.diff(nu)) < 1e-8):
        return float(np.mean(nu))
    if np.any(nu <= 2):
        return 2.0
    e = float(np.sum(nu / (nu - 2.0)))
    return 2.0 * e / (e - nu.size)


def _satterthwaite(
    lmat: np.ndarray, par: np.ndarray, y: np.ndarray, x: np.ndarray, zs: list[np.ndarray]
) -> float:
    """Fai-Cornelius ddf of ``H0: L beta = 0`` with ``A = 2 H^-1`` (lmerTest)."""
    a = 2.0 * np.linalg.inv(_hessian(lambda p: _deviance(p, y, x, zs), par))
    d, u = np.linalg.eigh(lmat @ _phi(par, x, zs) @ lmat.T)
    nu = []
    for m in range(d.size):
        row = u[:, m] @ lmat
        g = _gradient(lambda p, row=row: float(row @ _phi(p, x, zs) @ row), par)
        nu.append(2.0 * d[m] ** 2 / float(g @ a @ g))
    return _fstat_ddf(np.array(nu))


def _versus_first(k: int) -> np.ndarray:
    out = np.zeros((k - 1, k))
    out[:, 0] = -1.0
    out[np.arange(k - 1), np.arange(1, k)] = 1.0
    return out


@functools.cache
def _independent(
    case: str,
) -> tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, float]]:
    """Return what the definitions give, computed with numpy.

    F ddf by term, variance components, and the Satterthwaite and Kenward-Roger df of each
    level minus the first.
    """
    if case == "alpha":
        plots = _alpha_plots().dropna(subset=["yield_kg_ha"]).reset_index(drop=True)
        levels = sorted(plots["treatment"].unique(), key=lambda s: int(s[1:]))  # G1..G24
        k = len(levels)
        t = plots["treatment"].map({g: i for i, g in enumerate(levels)}).to_numpy()
        rep = pd.factorize(plots["block"], sort=True)[0]
        ib = pd.factorize(plots["block"] + ":" + plots["incomplete_block"])[0]
        raw = plots["yield_kg_ha"].to_numpy()
        # R: y ~ block + treatment + (1 | block:incomplete_block), contr.treatment
        x = np.hstack([np.ones((raw.size, 1)), _dummies(rep, rep.max() + 1)[:, 1:],
                       _dummies(t, k)[:, 1:]])  # fmt: skip
        zs = [_dummies(ib, ib.max() + 1)]
        first_t = 1 + rep.max()
        hyps = {"treatment": np.eye(x.shape[1])[first_t:]}
        pairs = {levels[j]: np.eye(x.shape[1])[first_t + j - 1] for j in range(1, k)}
        names = ["block:incomplete_block"]
    else:
        plots = _oats_plots().dropna(subset=["yield"]).reset_index(drop=True)
        gens = list(pd.unique(_oats_plots()["gen"]))
        nitro = list(pd.unique(_oats_plots()["nitro"]))
        a = plots["gen"].map({g: i for i, g in enumerate(gens)}).to_numpy()
        b = plots["nitro"].map({g: i for i, g in enumerate(nitro)}).to_numpy()
        blk = pd.factorize(plots["block"])[0]
        wp = pd.factorize(plots["block"] + ":" + plots["gen"])[0]
        raw = plots["yield"].to_numpy()
        na, nb = len(gens), len(nitro)
        x = _dummies(a * nb + b, na * nb)  # cell means: beta = the 12 cell means
        zs = [_dummies(blk, blk.max() + 1), _dummies(wp, wp.max() + 1)]
        ca, cb = _versus_first(na), _versus_first(nb)
        hyps = {
            "gen": np.kron(ca, np.ones((1, nb)) / nb),
            "nitro": np.kron(np.ones((1, na)) / na, cb),
            "gen:nitro": np.kron(ca, cb),
        }
        marg = np.kron(np.ones((1, na)) / na, cb)  # nitro means against the first (0)
        pairs = {nitro[j]: marg[j - 1] for j in range(1, nb)}
        names = ["block", "block:gen"]
    scale = float(np.std(raw))
    y = (raw - raw.mean()) / scale  # ddf are scale-free; the deviance is better conditioned
    par = _optimum(y, x, zs)
    ddf = {term: _satterthwaite(lmat, par, y, x, zs) for term, lmat in hyps.items()}
    pair_df = {lvl: _satterthwaite(row[None, :], par, y, x, zs) for lvl, row in pairs.items()}
    sigma2 = (par[-1] * scale) ** 2
    vc = {name: float(th**2 * sigma2) for name, th in zip(names, par[:-1], strict=True)}
    vc["residual"] = float(sigma2)
    kr_df = {lvl: _kenward_roger_df(row, par, x, zs) for lvl, row in pairs.items()}
    return ddf, vc, pair_df, kr_df


def _kenward_roger_df(
    row: np.ndarray, par: np.ndarray, x: np.ndarray, zs: list[np.ndarray]
) -> float:
    """Kenward-Roger df of one contrast, ``2 v^2 / (g' W g)`` (KR 1997 with q = 1).

    pbkrtest (Halekoh & Hojsgaard 2014, J. Stat. Softw. 59(9), section 4; ``vcovAdj``):
    variance parameters on the variance scale, ``V = sum s_i V_i`` (``V_i = Z_i Z_i'``, the
    identity for the residual), ``W = 2 IE2^{-1}`` with the EXPECTED information
    ``IE2_ij = tr(P V_i P V_j)``; ``g`` the gradient of ``row' Phi(s) row`` in ``s``.
    """
    s = np.r_[par[:-1] ** 2 * par[-1] ** 2, par[-1] ** 2]
    mats = [z @ z.T for z in zs] + [np.eye(x.shape[0])]

    def phi_s(svec: np.ndarray) -> np.ndarray:
        v = sum(si * vi for si, vi in zip(svec, mats, strict=True))
        return np.linalg.inv(x.T @ np.linalg.solve(v, x))

    v = sum(si * vi for si, vi in zip(s, mats, strict=True))
    vi_ = np.linalg.inv(v)
    p = vi_ - vi_ @ x @ phi_s(s) @ x.T @ vi_
    ie2 = np.array([[np.trace(p @ a @ p @ b) for b in mats] for a in mats])
    w = 2.0 * np.linalg.inv(ie2)
    g = _gradient(lambda sv: float(row @ phi_s(sv) @ row), s)
    var = float(row @ phi_s(s) @ row)
    return 2.0 * var**2 / float(g @ w @ g)


# ---------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("case", ["alpha", "oats"])
def test_f_ddf_equal_the_finite_difference_definition(case: str) -> None:
    """F denominator df (Satterthwaite) of mixed_model = lmerTest's definition in numpy."""
    expected, _, _, _ = _independent(case)
    table = _public(case, "satterthwaite").table.set_index("source")
    for term, value in expected.items():
        assert table.loc[term, "df_denominator"] == pytest.approx(value, rel=RTOL_INDEPENDENT)


@pytest.mark.parametrize("case", ["alpha", "oats"])
def test_variance_components_equal_the_numpy_reml_optimum(case: str) -> None:
    """The REML optimum of the numpy deviance gives the engine's variance components."""
    _, expected, _, _ = _independent(case)
    vc = _public(case, "satterthwaite").variance_components.set_index("component")["variance"]
    for name, value in expected.items():
        assert vc[name] == pytest.approx(value, rel=1e-7)


@pytest.mark.parametrize("case", ["alpha", "oats"])
def test_contrast_ddf_equal_the_finite_difference_definition(case: str) -> None:
    """Each level minus the first (Dunnett's contrasts): Satterthwaite df = the numpy value."""
    _, _, expected, _ = _independent(case)
    fit = _public(case, "satterthwaite")
    mm = fit.means_model() if case == "alpha" else fit.means_model("sub_plot")
    df = mm.pairwise_df()
    for level, value in expected.items():
        assert df[0, mm.levels.index(level)] == pytest.approx(value, rel=RTOL_INDEPENDENT)


@pytest.mark.parametrize("case", ["alpha", "oats"])
def test_kenward_roger_contrast_df_use_the_expected_information(case: str) -> None:
    """Kenward-Roger df of each level minus the first = pbkrtest's definition in numpy.

    pbkrtest uses the expected information on the variance scale, not lmerTest's observed
    information on the (theta, sigma) scale.
    """
    _, _, _, expected = _independent(case)
    fit = _public(case, "kenward-roger")
    mm = fit.means_model() if case == "alpha" else fit.means_model("sub_plot")
    df = mm.pairwise_df()
    for level, value in expected.items():
        assert df[0, mm.levels.index(level)] == pytest.approx(value, rel=RTOL_INDEPENDENT)


@pytest.mark.parametrize("ddf", ["satterthwaite", "kenward-roger"])
@pytest.mark.parametrize("case", ["alpha", "oats"])
def test_mixed_model_and_field_trial_give_one_f_table(case: str, ddf: str) -> None:
    """The same F, ddf and p from yieldtrial.stats.mixed_model and FieldTrial.anova()."""
    public = _public(case, ddf)
    trial = _trial_fit(case, ddf)
    mine = public.table.set_index("source")
    theirs = trial.table.set_index("source")
    if case == "oats":  # the trial's sub-plot factor is its treatment column
        theirs = theirs.rename(index=lambda s: s.replace("treatment", "nitro"))
    assert list(public.levels[public.factor_a]) == list(trial.levels[trial.factor_a])
    for column in ("f", "df_denominator", "p_value"):
        np.testing.assert_allclose(
            theirs.loc[mine.index, column].to_numpy(float),
            mine[column].to_numpy(float),
            rtol=RTOL_SAME,
        )


@pytest.mark.parametrize("ddf", ["satterthwaite", "kenward-roger"])
@pytest.mark.parametrize("case", ["alpha", "oats"])
def test_mixed_model_and_field_trial_give_one_dunnett(case: str, ddf: str) -> None:
    """The same t, df, p and Dunnett p from both entry points.

    mixed_model + compare_means_to_control against FieldTrial.compare_to_control().
    """
    public = _public(case, ddf)
    mm = public.means_model() if case == "alpha" else public.means_model("sub_plot")
    control = "G1" if case == "alpha" else "0"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine = compare_means_to_control(mm, control=control).set_index("treatment")
        theirs = _trial(case, ddf).compare_to_control(unit="kg/ha").set_index("treatment")
    assert sorted(mine.index) == sorted(theirs.index)
    for column in ("statistic", "df", "p_value", "p_value_adjusted"):
        np.testing.assert_allclose(
            theirs.loc[mine.index, column].to_numpy(float),
            mine[column].to_numpy(float),
            rtol=RTOL_SAME,
        )


def test_alpha_ddf_no_longer_depends_on_the_entry_point_level_order() -> None:
    """The reviewer's case: plot table in field-book order (G16 first), no categorical.

    mixed_model used to take the levels in order of first appearance (G16 the reference of
    the type III basis: ddf 30.4310) and FieldTrial in natural order (G1: 30.4231); both now
    use the latter, and its value is the independent one.
    """
    plots = _alpha_plots()
    assert plots["treatment"].iloc[0] != "G1"  # the reference would differ without the rule
    fit = _public("alpha", "satterthwaite")
    assert fit.levels["treatment"][0] == "G1"
