"""Denominator df of mixed models: Kenward-Roger and per-comparison Satterthwaite df.

References for the expected values:

- pbkrtest vignette "01 - Introduction to pbkrtest" (Halekoh & Hojsgaard; package version
  0.5.x, hojsgaard/pbkrtest ``articles/a01-pbkrtest.html``): the MASS ``shoes`` data, wear ~
  material + (1 | boy), balanced and with (boy 1, A) and (boy 2, B) deleted. Published:
  balanced KR and Satterthwaite F = 11.215 on (1, 9); imbalanced ``KRmodcomp`` F = 5.9893,
  ddf = 7.021904, F.scaling = 1, p = 0.04418; ``SATmodcomp`` F = 6.00, ddf = 7.010863.
- An independent dense implementation of Kenward & Roger (1997) written below from the
  paper's formulas (n x n matrices, derivatives of V by central differences), which shares
  no code with yieldtrial's (Woodbury, orthonormal fixed basis, analytic derivatives).
- Yates' oats split plot (stratum ANOVA) for the balanced case.
"""

from __future__ import annotations

from itertools import combinations, product
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reference_cases import case_frame
from yieldtrial.stats.compare import compare_means_to_control, pairwise_means
from yieldtrial.stats.distributions import (
    dunnett_critical_value,
    dunnett_pvalues,
    tukey_critical_value,
    tukey_pvalues,
)
from yieldtrial.stats.mixed import mixed_model
from yieldtrial.stats.splitplot import split_plot_anova

#: MASS::shoes, wear of materials A and B on the two feet of ten boys.
SHOES_A = [13.2, 8.2, 10.9, 14.3, 10.7, 6.6, 9.5, 10.8, 8.8, 13.3]
SHOES_B = [14.0, 8.8, 11.2, 14.2, 11.8, 6.4, 9.8, 11.3, 9.3, 13.6]


def shoes(imbalanced: bool) -> pd.DataFrame:
    """Shoes in long form; imbalanced: rows 1 and 12 (boy a/A, boy b/B) blank, as pbkrtest."""
    df = pd.DataFrame(
        {
            "wear": SHOES_A + SHOES_B,
            "boy": [f"b{i:02d}" for i in range(1, 11)] * 2,
            "material": ["A"] * 10 + ["B"] * 10,
        }
    )
    if imbalanced:
        df.loc[[0, 11], "wear"] = np.nan
    return df


def oats(missing: list[int] | None = None) -> pd.DataFrame:
    """Yates' oats split plot (V&R sec. 6.7); ``missing`` rows blanked."""
    df = case_frame("yates_oats_splitplot")
    df["yield"] = df["yield"].astype(float)
    if missing:
        df.loc[missing, "yield"] = np.nan
    return df


def split(df: pd.DataFrame, ddf: str) -> Any:
    return mixed_model(
        df, response="yield", design="split_plot", block="block", whole_plot="gen",
        sub_plot="nitro", ddf=ddf,
    )  # fmt: skip


THREE_MISSING = [3, 20, 41]


# ----------------------------------------------------------------------------- published


@pytest.mark.parametrize("imbalanced", [False, True], ids=["balanced", "imbalanced"])
def test_kenward_roger_matches_pbkrtest_vignette(imbalanced: bool) -> None:
    """Shoes RCBD with random boys: KR F, ddf and p = pbkrtest's published KRmodcomp."""
    fit = mixed_model(
        shoes(imbalanced), response="wear", design="rcbd", treatment="material", block="boy",
        ddf="kenward-roger",
    )  # fmt: skip
    row = fit.table.iloc[0]
    if imbalanced:  # pbkrtest vignette: F 5.9893, ddf 7.021904, p 0.04418
        assert row["df_denominator"] == pytest.approx(7.021904, abs=5e-7)
        assert row["f"] == pytest.approx(5.9893, abs=5e-5)
        assert row["p_value"] == pytest.approx(0.04418, abs=5e-6)
    else:  # balanced: the paired t test, F 11.215 on (1, 9), p 0.008539
        assert row["df_denominator"] == pytest.approx(9.0, rel=1e-9)
        assert row["f"] == pytest.approx(11.215, abs=5e-4)
        assert row["p_value"] == pytest.approx(0.008539, abs=5e-7)
    assert fit.provenance.df_method == "kenward-roger"


def test_satterthwaite_matches_pbkrtest_vignette() -> None:
    """Imbalanced shoes: Satterthwaite ddf 7.010863 and F 6.00 (pbkrtest SATmodcomp)."""
    fit = mixed_model(
        shoes(True), response="wear", design="rcbd", treatment="material", block="boy"
    )
    row = fit.table.iloc[0]
    assert row["df_denominator"] == pytest.approx(7.010863, abs=5e-7)
    assert row["f"] == pytest.approx(6.00, abs=5e-3)


def test_kenward_roger_single_contrast_df_equals_its_f_test() -> None:
    """One contrast: the comparison's df and t^2 equal the KR F test (F scaling 1)."""
    fit = mixed_model(
        shoes(True), response="wear", design="rcbd", treatment="material", block="boy",
        ddf="kenward-roger",
    )  # fmt: skip
    out = pairwise_means(fit.means_model(), method="lsd", protected=False)
    assert out["df"].iloc[0] == pytest.approx(fit.table.iloc[0]["df_denominator"], rel=1e-10)
    assert out["statistic"].iloc[0] ** 2 == pytest.approx(fit.table.iloc[0]["f"], rel=1e-10)


# ----------------------------------------------------------------------------- balanced


@pytest.mark.parametrize("ddf", ["satterthwaite", "kenward-roger"])
def test_balanced_split_plot_equals_strata(ddf: str) -> None:
    """Balanced oats: KR and Satterthwaite F, df, SEDs and comparison df = stratum ANOVA."""
    strata = split_plot_anova(
        oats(), response="yield", block="block", whole_plot="gen", sub_plot="nitro"
    )
    fit = split(oats(), ddf)
    mine = fit.table.set_index("source")
    theirs = strata.table.set_index("source")
    for source, error in (("gen", "error_a"), ("nitro", "error_b"), ("gen:nitro", "error_b")):
        assert mine.loc[source, "f"] == pytest.approx(theirs.loc[source, "f"], rel=1e-9)
        assert mine.loc[source, "df_denominator"] == pytest.approx(
            theirs.loc[error, "df"], rel=1e-9
        )
    for kind, df_stratum in (("whole_plot", 10.0), ("sub_plot", 45.0)):
        mm, ref = fit.means_model(kind), strata.means_model(kind)
        k = len(mm.levels)
        diffs = np.array([np.eye(k)[i] - np.eye(k)[j] for i, j in combinations(range(k), 2)])
        np.testing.assert_allclose(  # covariance of the differences (blocks random vs fixed)
            diffs @ mm.cov @ diffs.T, diffs @ ref.cov @ diffs.T, rtol=1e-9, atol=1e-9
        )
        out = compare_means_to_control(mm, control=mm.levels[0])
        np.testing.assert_allclose(out["df"], df_stratum, rtol=1e-9)
        ref_out = compare_means_to_control(ref, control=ref.levels[0])
        np.testing.assert_allclose(
            out["p_value_adjusted"], ref_out["p_value_adjusted"], rtol=1e-7, atol=1e-12
        )
        pairs = pairwise_means(mm)
        np.testing.assert_allclose(pairs["df"], df_stratum, rtol=1e-9)
        np.testing.assert_allclose(
            pairs["p_value_adjusted"], pairwise_means(ref)["p_value_adjusted"], rtol=1e-7,
            atol=1e-12,
        )  # fmt: skip


# ----------------------------------------------------------------------------- dense KR


def _dense_kenward_roger(df: pd.DataFrame, theta: np.ndarray) -> dict[str, Any]:
    """Kenward & Roger (1997) from the paper's formulas, dense, V derivatives numerically.

    Model: yield ~ gen * nitro (sum-to-zero free coding of cells), random block and
    block:gen, residual; ``theta`` = (block, block:gen, residual) variances.
    """
    n = len(df)
    cells = sorted(set(zip(df["gen"], df["nitro"], strict=True)))
    x = np.array(
        [[float((g, r) == c) for c in cells] for g, r in zip(df["gen"], df["nitro"], strict=True)]
    )
    z_block = pd.get_dummies(df["block"]).to_numpy(dtype=float)
    z_wp = pd.get_dummies(df["block"] + ":" + df["gen"]).to_numpy(dtype=float)

    def v_of(th: np.ndarray) -> np.ndarray:
        return th[0] * z_block @ z_block.T + th[1] * z_wp @ z_wp.T + th[2] * np.eye(n)

    h = 1e-3
    v_i = []
    for i in range(3):
        e = np.eye(3)[i] * h
        v_i.append((v_of(theta + e) - v_of(theta - e)) / (2 * h))  # dV/dtheta_i
    vinv = np.linalg.inv(v_of(theta))
    phi = np.linalg.inv(x.T @ vinv @ x)
    p_proj = vinv - vinv @ x @ phi @ x.T @ vinv  # REML projection
    p_mats = [-x.T @ vinv @ vi @ vinv @ x for vi in v_i]  # P_i
    q_mats = {
        (i, j): x.T @ vinv @ v_i[i] @ vinv @ v_i[j] @ vinv @ x for i in range(3) for j in range(3)
    }
    info = np.array(
        [[0.5 * np.trace(p_proj @ v_i[i] @ p_proj @ v_i[j]) for j in range(3)] for i in range(3)]
    )
    w = np.linalg.inv(info)  # asymptotic covariance of theta (expected information)
    lam = sum(
        w[i, j] * (q_mats[i, j] - p_mats[i] @ phi @ p_mats[j]) for i in range(3) for j in range(3)
    )
    phi_a = phi + 2 * phi @ lam @ phi  # eq. (3.5), R_ij = 0
    y = df["yield"].to_numpy(dtype=float)
    beta = phi @ x.T @ vinv @ y
    return {"cells": cells, "phi": phi, "phi_a": phi_a, "p": p_mats, "w": w, "beta": beta}


def _dense_kr_test(d: dict[str, Any], lmat: np.ndarray) -> tuple[float, float]:
    """F* and m of Kenward & Roger (1997) eqs. (3.7)-(3.13) for H0: L beta = 0."""
    lt = lmat.T  # the paper's L is p x q
    q = lt.shape[1]
    phi, phi_a, p_mats, w = d["phi"], d["phi_a"], d["p"], d["w"]
    theta_m = lt @ np.linalg.inv(lt.T @ phi @ lt) @ lt.T
    a1 = sum(
        w[i, j] * np.trace(theta_m @ phi @ p_mats[i] @ phi)
        * np.trace(theta_m @ phi @ p_mats[j] @ phi)
        for i in range(3) for j in range(3)
    )  # fmt: skip
    a2 = sum(
        w[i, j] * np.trace(theta_m @ phi @ p_mats[i] @ phi @ theta_m @ phi @ p_mats[j] @ phi)
        for i in range(3) for j in range(3)
    )  # fmt: skip
    b = (a1 + 6 * a2) / (2 * q)
    g = ((q + 1) * a1 - (q + 4) * a2) / ((q + 2) * a2)
    c1 = g / (3 * q + 2 * (1 - g))
    c2 = (q - g) / (3 * q + 2 * (1 - g))
    c3 = (q + 2 - g) / (3 * q + 2 * (1 - g))
    e_star = 1 / (1 - a2 / q)
    v_star = (2 / q) * (1 + c1 * b) / ((1 - c2 * b) ** 2 * (1 - c3 * b))
    rho = v_star / (2 * e_star**2)
    m = 4 + (q + 2) / (q * rho - 1)
    lam = m / (e_star * (m - 2))
    est = lt.T @ d["beta"]
    f = float(est @ np.linalg.solve(lt.T @ phi_a @ lt, est)) / q
    return lam * f, m


@pytest.fixture(scope="module")
def unbalanced_kr() -> dict[str, Any]:
    """Oats with three missing sub-plots: the KR fit and the dense reference."""
    df = oats(THREE_MISSING)
    fit = split(df, "kenward-roger")
    obs = df.dropna(subset=["yield"]).reset_index(drop=True)
    obs["nitro"] = obs["nitro"].astype(str)
    theta = np.array([fit.variance("block"), fit.variance("block:gen"), fit.residual_variance])
    return {"fit": fit, "dense": _dense_kenward_roger(obs, theta)}


def test_kenward_roger_f_tests_match_dense_formulas(unbalanced_kr: dict[str, Any]) -> None:
    """Three missing sub-plots: every KR F and ddf = the dense implementation to 1e-6."""
    fit, d = unbalanced_kr["fit"], unbalanced_kr["dense"]
    gens, rates = fit.levels["gen"], fit.levels["nitro"]
    cell_of = {c: i for i, c in enumerate(d["cells"])}
    cells = np.zeros((len(gens), len(rates), len(d["cells"])))
    for (a, g), (b, r) in product(enumerate(gens), enumerate(rates)):
        cells[a, b, cell_of[(g, r)]] = 1.0

    def succ(k: int) -> np.ndarray:
        return np.eye(k)[:-1] - np.eye(k)[1:]

    hypotheses = {
        "gen": succ(len(gens)) @ cells.mean(axis=1),
        "nitro": succ(len(rates)) @ cells.mean(axis=0),
        "gen:nitro": np.kron(succ(len(gens)), succ(len(rates)))
        @ cells.reshape(len(gens) * len(rates), -1),
    }
    table = fit.table.set_index("source")
    for source, lmat in hypotheses.items():
        f, m = _dense_kr_test(d, lmat)
        assert table.loc[source, "df_denominator"] == pytest.approx(m, rel=1e-6)
        assert table.loc[source, "f"] == pytest.approx(f, rel=1e-6)
        assert table.loc[source, "p_value"] == pytest.approx(
            stats.f.sf(f, lmat.shape[0], m), rel=1e-5
        )


def test_kenward_roger_comparisons_match_dense_formulas(unbalanced_kr: dict[str, Any]) -> None:
    """Whole-plot LS-mean pairs: adjusted SE and per-pair df = dense KR (q = 1) to 1e-6."""
    fit, d = unbalanced_kr["fit"], unbalanced_kr["dense"]
    gens, rates = fit.levels["gen"], fit.levels["nitro"]
    rows = np.zeros((len(gens), len(d["cells"])))
    for a, g in enumerate(gens):
        for r in rates:
            rows[a, d["cells"].index((g, r))] = 1.0 / len(rates)
    mm = fit.means_model("whole_plot")
    np.testing.assert_allclose(mm.cov, rows @ d["phi_a"] @ rows.T, rtol=1e-6)
    out = pairwise_means(mm, method="tukey")
    for k, (i, j) in enumerate(combinations(range(len(gens)), 2)):
        lrow = (rows[i] - rows[j])[None, :]
        _, m = _dense_kr_test(d, lrow)
        assert out["df"].iloc[k] == pytest.approx(m, rel=1e-6)
        se = float(np.sqrt(lrow @ d["phi_a"] @ lrow.T)[0, 0])
        assert out["se"].iloc[k] == pytest.approx(se, rel=1e-6)


# ----------------------------------------------------------------------------- per-row df


@pytest.fixture(scope="module")
def unbalanced_sat() -> Any:
    return split(oats(THREE_MISSING), "satterthwaite")


def test_dunnett_rows_use_their_own_df(unbalanced_sat: Any) -> None:
    """Each Dunnett row: p and critical value of the family's max-t at that row's df."""
    mm = unbalanced_sat.means_model("sub_plot")
    out = compare_means_to_control(mm, control=mm.levels[0])
    k = len(mm.levels)
    w = np.eye(k)[1:] - np.eye(k)[0]
    row_df = mm.contrast_df(w)
    np.testing.assert_allclose(out["df"], row_df, rtol=1e-12)
    assert np.ptp(row_df) > 0.3  # the df really differ between rows
    cov = w @ mm.cov @ w.T
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    t = out["statistic"].to_numpy()
    for i in range(k - 1):
        p_i, _ = dunnett_pvalues(t[i : i + 1], corr, float(row_df[i]))
        c_i, _ = dunnett_critical_value(corr, float(row_df[i]))
        assert out["p_value_adjusted"].iloc[i] == pytest.approx(p_i[0], rel=1e-9)
        assert out["critical_value"].iloc[i] == pytest.approx(c_i, rel=1e-9)
        assert out["p_value"].iloc[i] == pytest.approx(
            2 * stats.t.sf(abs(t[i]), row_df[i]), rel=1e-12
        )


def test_tukey_rows_use_their_own_df(unbalanced_sat: Any) -> None:
    """Each Tukey-Kramer row: studentized range of k means at that pair's df (as emmeans)."""
    mm = unbalanced_sat.means_model("whole_plot")
    out = pairwise_means(mm, method="tukey")
    pair_df = mm.pairwise_df()[np.triu_indices(3, 1)]
    np.testing.assert_allclose(out["df"], pair_df, rtol=1e-12)
    q = np.sqrt(2) * np.abs(out["statistic"].to_numpy())
    for i in range(3):
        expected_p = tukey_pvalues(q[i : i + 1], 3, float(pair_df[i]))[0]
        assert out["p_value_adjusted"].iloc[i] == pytest.approx(expected_p, rel=1e-9)
        crit = tukey_critical_value(3, float(pair_df[i])) / np.sqrt(2)
        assert out["critical_value"].iloc[i] == pytest.approx(crit, rel=1e-9)


def test_bonferroni_and_holm_rows_use_their_own_df(unbalanced_sat: Any) -> None:
    """Bonferroni/Holm: unadjusted p on each row's df, then adjusted over the family."""
    mm = unbalanced_sat.means_model("sub_plot")
    for method in ("bonferroni", "holm"):
        out = compare_means_to_control(mm, control="0", method=method)
        p = 2 * stats.t.sf(np.abs(out["statistic"]), out["df"])
        np.testing.assert_allclose(out["p_value"], p, rtol=1e-12)
        if method == "bonferroni":
            np.testing.assert_allclose(out["p_value_adjusted"], np.minimum(1, 3 * p), rtol=1e-12)
        crit = stats.t.isf(0.05 / 6, out["df"])
        np.testing.assert_allclose(out["critical_value"], crit, rtol=1e-12)


def test_noninferiority_uses_the_ni_contrast_df(unbalanced_sat: Any) -> None:
    """NI bound: critical value at the df of e_T - (1 - m) e_C, not of the difference."""
    mm = unbalanced_sat.means_model("cells")
    k = len(mm.levels)
    out = compare_means_to_control(
        mm, control=mm.levels[0], method="t", alternative="greater", margin_pct=5.0
    )
    w = np.eye(k)[1:] - 0.95 * np.eye(k)[0]
    ni_df = mm.contrast_df(w)
    ni_se = np.sqrt(np.einsum("ci,ij,cj->c", w, mm.cov, w))
    ni_est = w @ mm.estimates
    expected = ni_est - stats.t.isf(0.05, ni_df) * ni_se
    np.testing.assert_allclose(out["noninferiority_ci_low"], expected, rtol=1e-9)


def test_lsd_gate_uses_the_mixed_model_f_test(unbalanced_sat: Any) -> None:
    """The pairwise F test (LSD gate) of a mixed model = its own table's F and ddf."""
    mm = unbalanced_sat.means_model("sub_plot")
    f_test = pairwise_means(mm, method="lsd").attrs["f_test"]
    row = unbalanced_sat.table.set_index("source").loc["nitro"]
    assert f_test["f"] == pytest.approx(row["f"], rel=1e-9)
    assert f_test["df_denominator"] == pytest.approx(row["df_denominator"], rel=1e-9)


def test_provenance_says_satterthwaite(unbalanced_sat: Any) -> None:
    """Comparison tables record the df method in the provenance."""
    out = compare_means_to_control(unbalanced_sat.means_model("sub_plot"), control="0")
    assert out.attrs["provenance"]["df_method"] == "satterthwaite"


def test_unknown_ddf_raises() -> None:
    """An unknown ddf method is refused."""
    from yieldtrial.errors import DataValidationError

    with pytest.raises(DataValidationError, match="ddf must be one of"):
        split(oats(), "containment")


def test_lsmean_intervals_use_each_means_df(unbalanced_sat: Any) -> None:
    """means_table: each LS-mean's CI is t on that mean's own Satterthwaite df."""
    from yieldtrial.stats.tables import means_table

    mm = unbalanced_sat.means_model("whole_plot")
    table = means_table(mm, letters=None).set_index("treatment")
    own_df = mm.contrast_df(np.eye(3))
    for i, level in enumerate(mm.levels):
        half = stats.t.isf(0.025, own_df[i]) * mm.se[i]
        assert table.loc[level, "ci_low"] == pytest.approx(mm.estimates[i] - half, rel=1e-12)
