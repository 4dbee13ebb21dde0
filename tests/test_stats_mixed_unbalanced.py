"""Unbalanced trials the other mixed-model tests do not cover, against an independent path.

Every expected value is recomputed in this file, without yieldtrial's engine:

* variance components: statsmodels MixedLM (REML, BFGS, gtol 1e-10) with the same random
  terms as variance components of one group;
* fixed effects, LS-means and their SEs: dense generalised least squares with the n x n
  covariance ``V = sum s_k Z_k Z_k' + s_0 I`` at those variances, R's ``contr.treatment``
  model matrix, LS-means averaged equally over the other fixed factors (emmeans);
* Satterthwaite df (lmerTest; Kuznetsova et al. 2017, J. Stat. Softw. 82(13), section 3.1):
  ``A = 2 H^-1`` with ``H`` the Hessian of the REML deviance in lme4's ``(theta, sigma)``
  by central differences (Richardson-extrapolated), a contrast's df ``2 v^2 / (g' A g)``
  with ``g`` the numerical gradient of ``l' Phi l``, multi-df F tests by Fai & Cornelius
  (1996) on lmerTest's type III basis (every level against the first);
* Kenward-Roger (Kenward & Roger 1997, Biometrics 53, eqs. 3.7-3.13, with pbkrtest's
  expected information on the variance scale): ``Phi_A``, the scaled F and its ddf ``m``.

The trials are SYNTHETIC (seeded numpy yields): a 3 x 4 split plot in 4 blocks with three
missing sub-plots all in block R1, the same with a whole plot of R1 gone, a 3 x 4 strip
plot with three missing plots in one block, an RCBD with random blocks whose treatment T6
is missing from 3 of the 5 blocks, and an alpha-lattice from ``alpha_design`` (18 entries,
blocks of 3, 3 replicates) with 4 missing plots.  Largest differences seen when written
(both df methods; relative unless marked): variance components 4e-8, F 1e-8, F ddf 1.2e-8,
LS-means 1.3e-7 kg/ha (abs.), their SEs 3e-9, Dunnett t 2e-8 (abs.) and df 3e-9 (the strip
plot, whose block:horizontal variance is 1 % of the total, is the least well conditioned).

Through the report (``yieldtrial report --format json`` of a ``yieldtrial design
split_plot`` field book with the yields typed in and a whole plot lost), both variance
components at zero: the F tests equal the dense formulas at the boundary (Satterthwaite 31
pooled df for every term, Kenward-Roger 5.31 / 23.33 / 23.32). statsmodels MixedLM stops at a
worse point there (REML deviance 1.07 higher), so that test checks the optimum instead.

Kenward-Roger's F test can have no valid df: ``tests/data/mixed/augmented_kr_no_df.csv``
(augmented RCBD, random blocks estimated at zero, 21 treatment df on 8 residual df) gives
m = -1.461 by the paper's formulas; yieldtrial used to print that as the denominator df
(F 0.88, P NaN) and now shows no F test, and the report says why.
"""

from __future__ import annotations

import functools
import itertools
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from yieldtrial import FieldTrial
from yieldtrial.cli import main
from yieldtrial.design import alpha_design
from yieldtrial.stats import compare_means_to_control, mixed_model

pytestmark = pytest.mark.filterwarnings("ignore::yieldtrial.YieldTrialWarning")

DATA = Path(__file__).parent / "data" / "mixed"

#: REML optimum of two optimisers; finite-difference df (error ~1e-8 after Richardson).
RTOL = 1e-6


# ------------------------------------------------------------------- the independent path


def _dummies(codes: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((codes.size, k))
    out[np.arange(codes.size), codes] = 1.0
    return out


class _Dense:
    """Dense REML model: R's contr.treatment X, indicator Z per random term."""

    def __init__(self, data: pd.DataFrame, fixed: list[tuple[str, ...]],
                 random: list[tuple[str, ...]], levels: dict[str, list[str]]) -> None:  # fmt: skip
        d = data.dropna(subset=["y"]).reset_index(drop=True)
        self.fixed, self.levels = fixed, levels
        cols = [np.ones((len(d), 1))]
        for term in fixed:
            block = np.ones((len(d), 1))
            for f in term:
                codes = d[f].map({lv: j for j, lv in enumerate(levels[f])}).to_numpy()
                dm = _dummies(codes, len(levels[f]))[:, 1:]
                block = np.einsum("ni,nj->nij", block, dm).reshape(len(d), -1)
            cols.append(block)
        self.x = np.hstack(cols)
        assert np.linalg.matrix_rank(self.x) == self.x.shape[1]
        self.zs = []
        for term in random:
            codes = pd.factorize(d[list(term)].astype(str).agg(":".join, axis=1))[0]
            self.zs.append(_dummies(codes, codes.max() + 1))
        self.raw = d["y"].to_numpy(float)
        self.scale = float(np.std(self.raw))
        self.y = (self.raw - self.raw.mean()) / self.scale

    def cov(self, par: np.ndarray) -> np.ndarray:
        h = np.eye(self.y.size)
        for th, z in zip(par[:-1], self.zs, strict=True):
            h = h + th**2 * (z @ z.T)
        return par[-1] ** 2 * h

    def deviance(self, par: np.ndarray) -> float:
        vi = np.linalg.inv(self.cov(par))
        xvx = self.x.T @ vi @ self.x
        r = self.y - self.x @ np.linalg.solve(xvx, self.x.T @ vi @ self.y)
        return float(np.linalg.slogdet(self.cov(par))[1] + np.linalg.slogdet(xvx)[1] + r @ vi @ r)

    def phi(self, par: np.ndarray) -> np.ndarray:
        return np.linalg.inv(self.x.T @ np.linalg.solve(self.cov(par), self.x))

    def xrow(self, at: dict[str, str]) -> np.ndarray:
        row = [1.0]
        for term in self.fixed:
            block = np.ones(1)
            for f in term:
                v = np.zeros(len(self.levels[f]))
                v[self.levels[f].index(at[f])] = 1.0
                block = np.outer(block, v[1:]).ravel()
            row.extend(block)
        return np.array(row)


def _fd(f: Any, x: np.ndarray, second: bool) -> Any:
    """Central differences at h and h/2, Richardson-extrapolated."""

    def central(h: np.ndarray) -> Any:
        e = np.diag(h)
        if not second:
            return np.array([(f(x + e[i]) - f(x - e[i])) / (2 * h[i]) for i in range(x.size)])
        out = np.zeros((x.size, x.size))
        for i, j in itertools.product(range(x.size), repeat=2):
            out[i, j] = (f(x + e[i] + e[j]) - f(x + e[i] - e[j]) - f(x - e[i] + e[j])
                         + f(x - e[i] - e[j])) / (4 * h[i] * h[j])  # fmt: skip
        return out

    h = 1e-3 * np.maximum(np.abs(x), 1e-2)
    return (4.0 * central(h / 2.0) - central(h)) / 3.0


def _statsmodels_variances(data: pd.DataFrame, fixed: str, random: list[tuple[str, ...]]) -> dict:
    d = data.dropna(subset=["y"]).copy()
    d["one"] = 1
    vc = {}
    for term in random:
        name = "_".join(term)
        d[name] = d[list(term)].astype(str).agg(":".join, axis=1)
        vc[name] = f"0 + C({name})"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = smf.mixedlm(f"y ~ {fixed}", d, groups="one", vc_formula=vc, re_formula="0")
        res = model.fit(reml=True, method=["bfgs"], gtol=1e-10, maxiter=5000)
    by_name = dict(zip(model.exog_vc.names, res.vcomp, strict=True))
    out = {":".join(t): float(by_name["_".join(t)]) for t in random}
    out["residual"] = float(res.scale)
    return out


def _reference(m: _Dense, variances: dict[str, float], hyps: dict[str, np.ndarray],
               family: dict[str, np.ndarray]) -> dict[str, Any]:  # fmt: skip
    """F tests (both df methods), LS-means and Dunnett rows (first level the control)."""
    s2 = variances["residual"] / m.scale**2
    names = list(variances)[:-1]
    par = np.r_[[np.sqrt(variances[n] / variances["residual"]) for n in names], np.sqrt(s2)]
    a_cov = 2.0 * np.linalg.inv(_fd(m.deviance, par, second=True))
    phi = m.phi(par)
    vi = np.linalg.inv(m.cov(par))
    beta = phi @ m.x.T @ vi @ m.raw
    # Kenward-Roger on the variance scale (standardised response)
    svec = np.r_[par[:-1] ** 2 * s2, s2]
    mats = [z @ z.T for z in m.zs] + [np.eye(m.y.size)]
    proj = vi - vi @ m.x @ phi @ m.x.T @ vi
    w = np.linalg.inv(np.array([[0.5 * np.trace(proj @ a @ proj @ b) for b in mats] for a in mats]))
    ps = [-m.x.T @ vi @ v @ vi @ m.x for v in mats]
    u = sum(w[i, j] * (m.x.T @ vi @ mats[i] @ vi @ mats[j] @ vi @ m.x - ps[i] @ phi @ ps[j])
            for i in range(len(mats)) for j in range(len(mats)))  # fmt: skip
    phi_a = phi + 2.0 * phi @ u @ phi
    assert np.allclose(svec, np.r_[[variances[n] for n in names], variances["residual"]]
                       / m.scale**2)  # fmt: skip

    def satt(row: np.ndarray) -> float:
        g = _fd(lambda p: float(row @ m.phi(p) @ row), par, second=False)
        return 2.0 * float(row @ phi @ row) ** 2 / float(g @ a_cov @ g)

    def kr1(row: np.ndarray) -> float:
        g = np.array([-(row @ phi @ p @ phi @ row) for p in ps])
        return 2.0 * float(row @ phi @ row) ** 2 / float(g @ w @ g)

    out: dict[str, Any] = {"F": {}}
    for term, lmat in hyps.items():
        lpl = lmat @ phi @ lmat.T
        ev, vec = np.linalg.eigh(lpl)
        q = ev.size
        lb = lmat @ beta
        f = float(lb @ np.linalg.solve(lpl * m.scale**2, lb)) / q
        nu = np.array([satt(vec[:, i] @ lmat) for i in range(q)])
        e = float(np.sum(nu / (nu - 2.0)))
        ddf = float(nu[0]) if q == 1 else 2.0 * e / (e - q)
        theta = lmat.T @ np.linalg.solve(lpl, lmat)
        tr = [np.trace(theta @ phi @ p @ phi) for p in ps]
        k = range(len(ps))
        a1 = sum(w[i, j] * tr[i] * tr[j] for i in k for j in k)
        a2 = sum(w[i, j] * np.trace(theta @ phi @ ps[i] @ phi @ theta @ phi @ ps[j] @ phi)
                 for i in k for j in k)  # fmt: skip
        b = (a1 + 6 * a2) / (2 * q)
        g = ((q + 1) * a1 - (q + 4) * a2) / ((q + 2) * a2)
        den = 3 * q + 2 * (1 - g)
        c1, c2, c3 = g / den, (q - g) / den, (q + 2 - g) / den
        e_star = 1 / (1 - a2 / q)
        v_star = 2 / q * (1 + c1 * b) / ((1 - c2 * b) ** 2 * (1 - c3 * b))
        mdf = 4 + (q + 2) / (q * v_star / (2 * e_star**2) - 1)
        lam = mdf / (e_star * (mdf - 2))
        f_kr = lam * float(lb @ np.linalg.solve(lmat @ phi_a @ lmat.T * m.scale**2, lb)) / q
        out["F"][term] = {"satterthwaite": (f, ddf), "kenward-roger": (f_kr, mdf)}
    levels = list(family)
    out["lsmean"] = {lv: float(family[lv] @ beta) for lv in levels}
    out["se"] = {
        "satterthwaite": {lv: float(np.sqrt(r @ phi @ r)) * m.scale for lv, r in family.items()},
        "kenward-roger": {lv: float(np.sqrt(r @ phi_a @ r)) * m.scale for lv, r in family.items()},
    }
    dun: dict[str, dict[str, tuple[float, float, float]]] = {}
    for method, cov, dfun in (("satterthwaite", phi, satt), ("kenward-roger", phi_a, kr1)):
        dun[method] = {}
        for lv in levels[1:]:
            row = family[lv] - family[levels[0]]
            est = float(row @ beta)
            dun[method][lv] = (est, est / (float(np.sqrt(row @ cov @ row)) * m.scale), dfun(row))
    out["dunnett"] = dun
    return out


def _versus_first(k: int) -> np.ndarray:
    out = np.zeros((k - 1, k))
    out[:, 0] = -1.0
    out[np.arange(k - 1), np.arange(1, k)] = 1.0
    return out


# ------------------------------------------------------------------------------ the trials


def _two_factor(seed: int, missing: list[tuple[int, int, int]]) -> pd.DataFrame:
    """3 x 4 two-factor trial in 4 blocks, SYNTHETIC yields; ``missing`` (block, a, b) 1-based."""
    rng = np.random.default_rng(seed)
    blk, fa, fb = rng.normal(0, 300, 4), rng.normal(0, 500, 3), rng.normal(0, 400, 4)
    inter = rng.normal(0, 150, (3, 4))
    rows = []
    for k, i in itertools.product(range(4), range(3)):
        wp = rng.normal(0, 250)
        for j in range(4):
            y = 6000 + blk[k] + fa[i] + fb[j] + inter[i, j] + wp + rng.normal(0, 200)
            rows.append({"block": f"R{k + 1}", "a": f"A{i + 1}", "b": f"N{j + 1}",
                         "y": round(y, 1)})  # fmt: skip
    d = pd.DataFrame(rows)
    for k, i, j in missing:
        hit = (d["block"] == f"R{k}") & (d["a"] == f"A{i}") & (d["b"] == f"N{j}")
        d.loc[hit, "y"] = np.nan
    return d


def _rcbd() -> pd.DataFrame:
    """6 treatments x 5 blocks, SYNTHETIC; T6 missing from blocks B3-B5."""
    rng = np.random.default_rng(5)
    blk, trt = rng.normal(0, 300, 5), rng.normal(0, 400, 6)
    d = pd.DataFrame(
        [{"block": f"B{k + 1}", "t": f"T{i + 1}",
          "y": round(7000 + blk[k] + trt[i] + rng.normal(0, 250), 1)}
         for k in range(5) for i in range(6)]
    )  # fmt: skip
    d.loc[(d["t"] == "T6") & d["block"].isin(["B3", "B4", "B5"]), "y"] = np.nan
    return d


def _alpha() -> pd.DataFrame:
    """alpha_design(18 entries, blocks of 3, 3 replicates, seed 3), SYNTHETIC, 4 missing."""
    book = alpha_design([f"G{i:02d}" for i in range(1, 19)], block_size=3, replicates=3, seed=3)
    rng = np.random.default_rng(5)
    gen = {t: rng.normal(0, 500) for t in sorted(book["treatment"].unique())}
    keys = list(zip(book["block"], book["incomplete_block"], strict=True))
    ib = {k: rng.normal(0, 400) for k in sorted(set(keys))}
    rep = {k: rng.normal(0, 300) for k in sorted(book["block"].unique())}
    d = pd.DataFrame({"block": book["block"].astype(str),
                      "ib": book["incomplete_block"].astype(str),
                      "t": book["treatment"].astype(str)})  # fmt: skip
    d["y"] = [round(8000 + gen[t] + rep[b] + ib[(b, i)] + rng.normal(0, 300), 1)
              for t, (b, i) in zip(book["treatment"], keys, strict=True)]  # fmt: skip
    d.loc[[2, 20, 21, 40], "y"] = np.nan
    return d


_TWO_FACTOR = {
    # three missing sub-plots, all in block R1
    "split_three_missing_in_one_block": ("split_plot", 1, [(1, 1, 2), (1, 2, 3), (1, 3, 1)]),
    # whole plot A1 of block R1 gone, and one more sub-plot of that block
    "split_whole_plot_gone": ("split_plot", 2, [(1, 1, j) for j in range(1, 5)] + [(1, 2, 3)]),
    # strip plot, three missing plots in block R2
    "strip_three_missing_in_one_block": ("strip_plot", 4, [(2, 1, 2), (2, 2, 2), (2, 3, 3)]),
}


@functools.cache
def _case(name: str) -> tuple[pd.DataFrame, dict[str, Any], dict[str, Any], str]:
    """Plot table, mixed_model arguments, the independent reference, the family's kind."""
    if name in _TWO_FACTOR:
        design, seed, missing = _TWO_FACTOR[name]
        d = _two_factor(seed, missing)
        levels = {"a": ["A1", "A2", "A3"], "b": ["N1", "N2", "N3", "N4"]}
        random = [("block",), ("block", "a")] + ([("block", "b")] if design == "strip_plot" else [])
        m = _Dense(d, [("a",), ("b",), ("a", "b")], random, levels)
        cells = np.array([m.xrow({"a": a, "b": b}) for a in levels["a"] for b in levels["b"]])
        hyps = {
            "a": np.kron(_versus_first(3), np.ones((1, 4)) / 4) @ cells,
            "b": np.kron(np.ones((1, 3)) / 3, _versus_first(4)) @ cells,
            "a:b": np.kron(_versus_first(3), _versus_first(4)) @ cells,
        }
        family = {b: np.mean([m.xrow({"a": a, "b": b}) for a in levels["a"]], axis=0)
                  for b in levels["b"]}  # fmt: skip
        variances = _statsmodels_variances(d, "C(a) * C(b)", random)
        roles = ({"whole_plot": "a", "sub_plot": "b"} if design == "split_plot"
                 else {"horizontal": "a", "vertical": "b"})  # fmt: skip
        kwargs = {"design": design, "block": "block", **roles}
        kind = "sub_plot" if design == "split_plot" else "vertical"
    elif name == "rcbd_treatment_in_two_of_five_blocks":
        d = _rcbd()
        m = _Dense(d, [("t",)], [("block",)], {"t": [f"T{i}" for i in range(1, 7)]})
        # lmerTest's anova() of a one-term model: type 1 basis, rows of the unit upper
        # Doolittle (LDL') factor of X'X for the term (lmerTest:::get_contrasts_type1)
        chol = np.linalg.cholesky(m.x.T @ m.x)
        hyps = {"t": (chol / np.diag(chol)).T[1:]}
        family = {f"T{i}": m.xrow({"t": f"T{i}"}) for i in range(1, 7)}
        random = [("block",)]
        variances = _statsmodels_variances(d, "C(t)", random)
        kwargs = {"design": "rcbd", "treatment": "t", "block": "block"}
        kind = ""
    else:  # alpha
        d = _alpha()
        reps = sorted(d["block"].unique())
        entries = sorted(d["t"].unique())
        m = _Dense(d, [("block",), ("t",)], [("block", "ib")], {"block": reps, "t": entries})
        hyps = {"t": np.eye(m.x.shape[1])[len(reps) :]}
        family = {t: np.mean([m.xrow({"block": r, "t": t}) for r in reps], axis=0)
                  for t in entries}  # fmt: skip
        variances = _statsmodels_variances(d, "C(block) + C(t)", [("block", "ib")])
        kwargs = {"design": "alpha", "treatment": "t", "block": "block", "incomplete_block": "ib"}
        kind = ""
    return d, kwargs, {"variances": variances, **_reference(m, variances, hyps, family)}, kind


CASES = [*_TWO_FACTOR, "rcbd_treatment_in_two_of_five_blocks", "alpha_four_missing"]
DDF = ["satterthwaite", "kenward-roger"]


@functools.cache
def _fit(name: str, ddf: str) -> Any:
    d, kwargs, _, _ = _case(name)
    return mixed_model(d, response="y", ddf=ddf, **kwargs)


# ---------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", CASES)
def test_variance_components_equal_statsmodels(name: str) -> None:
    """REML variance components = statsmodels MixedLM's."""
    expected = _case(name)[2]["variances"]
    got = _fit(name, "satterthwaite").variance_components.set_index("component")["variance"]
    for component, value in expected.items():
        assert got[component] == pytest.approx(value, rel=RTOL)


@pytest.mark.parametrize("ddf", DDF)
@pytest.mark.parametrize("name", CASES)
def test_f_tests_equal_the_formulas(name: str, ddf: str) -> None:
    """F and denominator df = lmerTest's / Kenward & Roger's definitions, computed densely."""
    expected = _case(name)[2]["F"]
    table = _fit(name, ddf).table.set_index("source")
    for term, by_method in expected.items():
        f, df_den = by_method[ddf]
        assert table.loc[term, "f"] == pytest.approx(f, rel=RTOL)
        assert table.loc[term, "df_denominator"] == pytest.approx(df_den, rel=RTOL)


@pytest.mark.parametrize("ddf", DDF)
@pytest.mark.parametrize("name", CASES)
def test_lsmeans_and_standard_errors_equal_dense_gls(name: str, ddf: str) -> None:
    """LS-means and their SEs (Kenward-Roger: from Phi_A) = dense GLS."""
    _, _, ref, kind = _case(name)
    fit = _fit(name, ddf)
    table = fit.lsmeans(kind) if kind else fit.lsmeans()
    table = table.set_index(table.columns[0])
    for level, value in ref["lsmean"].items():
        assert table.loc[level, "lsmean"] == pytest.approx(value, abs=1e-6)  # kg/ha
        assert table.loc[level, "se"] == pytest.approx(ref["se"][ddf][level], rel=RTOL)


@pytest.mark.parametrize("ddf", DDF)
@pytest.mark.parametrize("name", CASES)
def test_dunnett_rows_equal_the_formulas(name: str, ddf: str) -> None:
    """Each Dunnett row's difference, t and own df (first level the control)."""
    _, _, ref, kind = _case(name)
    fit = _fit(name, ddf)
    mm = fit.means_model(kind) if kind else fit.means_model()
    control = mm.levels[0]
    rows = compare_means_to_control(mm, control=control).set_index("treatment")
    diff = next(c for c in rows.columns if c.startswith("difference") and "pct" not in c)
    for level, (est, t_value, df) in ref["dunnett"][ddf].items():
        assert rows.loc[level, diff] == pytest.approx(est, abs=1e-6)  # kg/ha
        assert rows.loc[level, "statistic"] == pytest.approx(t_value, rel=RTOL)
        assert rows.loc[level, "df"] == pytest.approx(df, rel=RTOL)


# ------------------------------------------- Kenward-Roger without a valid denominator df


@functools.cache
def _augmented_kr() -> tuple[pd.DataFrame, dict[str, Any]]:
    plots = pd.read_csv(DATA / "augmented_kr_no_df.csv", dtype={"plot_id": str, "block": str})
    d = plots.rename(columns={"yield_kg_ha": "y", "treatment": "t"})
    observed = d.dropna(subset=["y"])
    checks = ["CK1", "CK2", "CK3"]
    levels = checks + sorted(set(observed["t"]) - set(checks))
    m = _Dense(observed, [("t",)], [("block",)], {"t": levels})
    chol = np.linalg.cholesky(m.x.T @ m.x)
    hyps = {"t": (chol / np.diag(chol)).T[1:]}  # lmerTest's type 1 basis (one-term model)
    family = {t: m.xrow({"t": t}) for t in levels}
    variances = _statsmodels_variances(observed, "C(t)", [("block",)])
    variances["block"] = max(variances["block"], 0.0)
    return plots, _reference(m, {"block": 0.0, "residual": variances["residual"]}, hyps, family)


def test_kenward_roger_formula_has_no_valid_df_here() -> None:
    """The dense Kenward & Roger formulas give m = -1.461 (not positive: no F approximation)."""
    _, ref = _augmented_kr()
    assert ref["F"]["t"]["kenward-roger"][1] == pytest.approx(-1.461085, abs=1e-5)


def test_kenward_roger_f_test_without_valid_df_is_not_reported() -> None:
    """No F, df or P where m <= 0 (it printed Den. df -1.5, F 0.88 and P NaN)."""
    plots, _ = _augmented_kr()
    trial = FieldTrial.from_dataframe(
        plots, crop="maize", design="augmented", control="CK1", block_effects="random",
        ddf="kenward-roger",
    )  # fmt: skip
    row = trial.anova().table.iloc[0]
    assert row["df"] == 21
    assert np.isnan(row["df_denominator"]) and np.isnan(row["f"]) and np.isnan(row["p_value"])


def test_satterthwaite_f_test_of_the_same_trial_is_the_formula() -> None:
    """Satterthwaite keeps its F test there: block variance 0, so the residual's 8 df."""
    plots, ref = _augmented_kr()
    trial = FieldTrial.from_dataframe(
        plots, crop="maize", design="augmented", control="CK1", block_effects="random"
    )
    row = trial.anova().table.iloc[0]
    f, ddf = ref["F"]["t"]["satterthwaite"]
    assert row["f"] == pytest.approx(f, rel=RTOL)
    assert row["df_denominator"] == pytest.approx(ddf, rel=RTOL)
    assert ddf == pytest.approx(8.0, rel=1e-6)


@pytest.mark.parametrize(
    ("lang", "needle"),
    [
        ("en", "Kenward-Roger's approximation gives no F test of Treatments"),
        ("zh", "Kenward-Roger 近似无法给出处理的 F 检验"),
    ],
)
def test_report_says_why_the_kenward_roger_f_test_is_missing(
    tmp_path: Path, lang: str, needle: str
) -> None:
    """The methods paragraph names the test and the way out (Satterthwaite)."""
    toml = tmp_path / "trial.toml"
    toml.write_text(
        '[trial]\ncrop = "maize"\n[analysis]\ncontrol = "CK1"\nblock_effects = "random"\n'
        'ddf = "kenward-roger"\n',
        encoding="utf-8",
    )
    out = tmp_path / "report.md"
    code = main(["report", str(DATA / "augmented_kr_no_df.csv"), "--config", str(toml),
                 "--lang", lang, "--no-figures", "-o", str(out)])  # fmt: skip
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert needle in text
    assert "-1.5" not in text.split("Den. df")[-1].split("\n\n")[0]


# -------------------------------------------------- design alpha -> yields typed -> report


def test_design_alpha_field_book_with_typed_yields_reports(tmp_path: Path) -> None:
    """`yieldtrial design alpha`, yields typed into yield_kg_ha, two plots lost: the report.

    The field book keeps its blank harvest columns; the yield column used to be renamed
    reported_yield_kg_ha and the report refused "all 54 plots are missing". The methods
    text names the model, REML and the df method, in English and Chinese.
    """
    book = tmp_path / "book.csv"
    labels = ",".join(f"G{i:02d}" for i in range(1, 19))
    assert main(["design", "alpha", "--treatments", labels, "--block-size", "3",
                 "--replicates", "3", "--seed", "11", "-o", str(book)]) == 0  # fmt: skip
    plots = pd.read_csv(book, dtype=str)
    rng = np.random.default_rng(21)
    plots["yield_kg_ha"] = [f"{v:.1f}" for v in rng.normal(8000.0, 400.0, len(plots))]
    plots.loc[[5, 30], "yield_kg_ha"] = ""
    plots.to_csv(book, index=False)
    toml = tmp_path / "trial.toml"
    toml.write_text('[trial]\ncrop = "maize"\n[analysis]\ncontrol = "G01"\n'
                    'ddf = "kenward-roger"\n', encoding="utf-8")  # fmt: skip
    needles = {
        "en": ["linear mixed model yield\\_kg\\_ha \\~ block + treatment + "
               "(1 | block:incomplete\\_block)", "residual maximum likelihood (REML)",
               "Kenward-Roger"],
        "zh": ["线性混合模型", "约束最大似然法（REML）", "Kenward-Roger"],
    }  # fmt: skip
    for lang, expected in needles.items():
        out = tmp_path / f"report_{lang}.md"
        code = main(["report", str(book), "--config", str(toml), "--lang", lang,
                     "--no-figures", "-o", str(out)])  # fmt: skip
        assert code == 0
        text = out.read_text(encoding="utf-8")
        for needle in expected:
            assert needle in text


# ------------------------- both variance components at zero, a whole plot gone (report)


@functools.cache
def _split_both_zero(tmp: str) -> tuple[Path, pd.DataFrame]:
    """`yieldtrial design split_plot` (3 x 4, 4 blocks, seed 3), SYNTHETIC yields typed in.

    Yields N(7000, 300) kg/ha (numpy seed 2) with no block or whole-plot effect; whole plot
    1-1 (its four sub-plots) and plot 11 lost. REML puts both components at zero.
    """
    book = Path(tmp) / "book.csv"
    assert main(["design", "split_plot", "--treatments", "I1,I2,I3", "--sub-treatments",
                 "N1,N2,N3,N4", "--blocks", "4", "--seed", "3", "-o", str(book)]) == 0  # fmt: skip
    plots = pd.read_csv(book, dtype=str)
    rng = np.random.default_rng(2)
    plots["yield_kg_ha"] = [f"{v:.1f}" for v in rng.normal(7000.0, 300.0, len(plots))]
    plots.loc[[0, 1, 2, 3, 10], "yield_kg_ha"] = ""
    plots.to_csv(book, index=False)
    frame = pd.DataFrame({"block": plots["block"], "a": plots["main"], "b": plots["sub"],
                          "y": pd.to_numeric(plots["yield_kg_ha"])})  # fmt: skip
    return book, frame


@pytest.mark.parametrize("ddf", DDF)
def test_report_split_plot_with_both_components_at_zero(tmp_path: Path, ddf: str) -> None:
    """The report's F tests = the dense formulas at the boundary; REML beats statsmodels.

    statsmodels MixedLM stops at block 3413, block:main 2299 (kg/ha)^2, whose REML deviance
    is 1.07 above that of (0, 0); the dense deviance also rises from (0, 0) along each
    component, so (0, 0) is the optimum and the reference is evaluated there. Satterthwaite
    pools both strata: 43 plots - 12 cell means = 31 df for every term.
    """
    book, d = _split_both_zero(str(tmp_path))
    toml = tmp_path / "trial.toml"
    toml.write_text(f'[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "N1"\nddf = "{ddf}"\n',
                    encoding="utf-8")  # fmt: skip
    out = tmp_path / "report.json"
    assert main(["report", str(book), "--config", str(toml), "--format", "json",
                 "--no-figures", "-o", str(out)]) == 0  # fmt: skip
    anova = json.loads(out.read_text(encoding="utf-8"))["results"]["anova"]
    vc = {row["component"]: row["variance"] for row in anova["variance_components"]}
    assert vc["block"] == 0.0 and vc["block:main"] == 0.0

    levels = {"a": ["I1", "I2", "I3"], "b": ["N1", "N2", "N3", "N4"]}
    random = [("block",), ("block", "a")]
    m = _Dense(d, [("a",), ("b",), ("a", "b")], random, levels)
    sm = _statsmodels_variances(d, "C(a) * C(b)", random)
    s2 = vc["residual"] / m.scale**2
    at_zero = m.deviance(np.array([0.0, 0.0, np.sqrt(s2)]))
    theirs = np.sqrt([sm["block"] / sm["residual"], sm["block:a"] / sm["residual"],
                      sm["residual"] / m.scale**2])  # fmt: skip
    assert m.deviance(theirs) > at_zero + 1.0
    for step in (np.array([0.05, 0.0]), np.array([0.0, 0.05])):
        assert m.deviance(np.r_[step, np.sqrt(s2)]) > at_zero

    cells = np.array([m.xrow({"a": a, "b": b}) for a in levels["a"] for b in levels["b"]])
    hyps = {
        "main": np.kron(_versus_first(3), np.ones((1, 4)) / 4) @ cells,
        "sub": np.kron(np.ones((1, 3)) / 3, _versus_first(4)) @ cells,
        "main:sub": np.kron(_versus_first(3), _versus_first(4)) @ cells,
    }
    family = {b: np.mean([m.xrow({"a": a, "b": b}) for a in levels["a"]], axis=0)
              for b in levels["b"]}  # fmt: skip
    ref = _reference(m, {"block": 0.0, "block:a": 0.0, "residual": vc["residual"]}, hyps,
                     family)  # fmt: skip
    table = {row["source"]: row for row in anova["table"]}
    for term, by_method in ref["F"].items():
        f, df_den = by_method[ddf]
        assert table[term]["f"] == pytest.approx(f, rel=RTOL)
        assert table[term]["df_denominator"] == pytest.approx(df_den, rel=RTOL)
        if ddf == "satterthwaite":
            assert df_den == pytest.approx(31.0, rel=1e-9)
