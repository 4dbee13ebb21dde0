"""The residual normality test above 5,000 residuals: D'Agostino-Pearson K², not Shapiro-Wilk.

Shapiro-Wilk's p-value (Royston's AS R94) is defined for 3 to 5000 observations; with more
residuals :func:`yieldtrial.stats.residual_checks.diagnostics` runs the D'Agostino-Pearson
K² omnibus test.  Expected values come from ``scipy.stats.shapiro`` / ``scipy.stats.normaltest``
called directly on residuals computed here by hand (a CRD's residuals are the yields minus
their treatment mean; an RCBD's, the two-way double-centred yields).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from yieldtrial import design
from yieldtrial.report.files import report_from_files
from yieldtrial.report.i18n import translate_message
from yieldtrial.stats.residual_checks import Diagnostics, diagnostics


def _crd(n: int, *, skewed: bool = False, seed: int = 3) -> pd.DataFrame:
    """Build a CRD of ``n`` plots, treatments A-D in turn (unequal groups unless 4 divides n)."""
    rng = np.random.default_rng(seed)
    error = rng.exponential(150.0, n) if skewed else rng.normal(0.0, 150.0, n)
    return pd.DataFrame({"treatment": np.resize(list("ABCD"), n), "y": 6000.0 + error})


def _crd_residuals(data: pd.DataFrame) -> np.ndarray:
    """Return the yields minus their treatment mean (a CRD's residuals; leverage 1/n_i < 1)."""
    means = data.groupby("treatment")["y"].transform("mean")
    return (data["y"] - means).to_numpy()


def _check(data: pd.DataFrame) -> Diagnostics:
    return diagnostics(data, response="y", treatment="treatment", design="crd")


def test_exactly_5000_residuals_use_shapiro_wilk() -> None:
    """The boundary 5000 is still Shapiro-Wilk (AS R94 is defined up to n = 5000)."""
    data = _crd(5000)
    d = _check(data)
    expected = stats.shapiro(_crd_residuals(data))
    assert d.normality_test == "shapiro_wilk"
    assert d.shapiro == pytest.approx((expected.statistic, expected.pvalue), rel=1e-9)


def test_5001_residuals_use_dagostino_pearson() -> None:
    """One residual more: D'Agostino-Pearson K², equal to scipy's normaltest."""
    data = _crd(5001)
    d = _check(data)
    expected = stats.normaltest(_crd_residuals(data))
    assert d.normality_test == "dagostino_pearson"
    assert d.shapiro == pytest.approx((expected.statistic, expected.pvalue), rel=1e-9)


def test_frame_row_names_the_test_above_5000() -> None:
    """The tidy frame's first row is ``dagostino_pearson`` with K² and its p-value."""
    data = _crd(5001)
    row = _check(data).to_frame().iloc[0]
    expected = stats.normaltest(_crd_residuals(data))
    assert row["check"] == "dagostino_pearson"
    assert (row["statistic"], row["p_value"]) == pytest.approx(
        (expected.statistic, expected.pvalue), rel=1e-9
    )


def test_frame_row_stays_shapiro_wilk_at_5000() -> None:
    assert _check(_crd(5000)).to_frame().iloc[0]["check"] == "shapiro_wilk"


def test_provenance_names_dagostino_pearson_above_5000() -> None:
    prov = _check(_crd(5001)).provenance
    assert prov is not None
    assert str(prov.test).startswith("D'Agostino-Pearson K²; Brown-Forsythe")


def test_non_normal_finding_names_k2_above_5000() -> None:
    """Exponential errors: the finding quotes K² (2 decimals) and p, as scipy gives them."""
    data = _crd(6000, skewed=True)
    expected = stats.normaltest(_crd_residuals(data))
    finding = (
        f"residuals depart from normality (D'Agostino-Pearson K² = {expected.statistic:.2f}, "
        f"p = {expected.pvalue:.3g}); look for outliers or consider a transformation."
    )
    assert finding in _check(data).warnings


def test_k2_finding_in_chinese() -> None:
    """The K² finding (the exact f-string, values filled in by hand) reads in Chinese."""
    text = (
        "residuals depart from normality (D'Agostino-Pearson K² = 1234.56, p = 0); "
        "look for outliers or consider a transformation."
    )
    assert translate_message(text, "zh") == (
        "残差偏离正态分布（D'Agostino-Pearson K² = 1234.56，P = 0）；请检查异常值或考虑数据转换。"
    )


# --- the report of a large trial (4 treatments x 1251 blocks = 5004 plots) -----------------


@pytest.fixture(scope="module")
def large_trial(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    """Plot table and trial.toml of a 5004-plot RCBD, and K² of its residuals (scipy)."""
    tmp = tmp_path_factory.mktemp("large")
    book = design.rcbd(["A", "B", "C", "D"], blocks=1251, seed=1)
    rng = np.random.default_rng(7)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 12.0 + rng.normal(0.0, 0.4, len(book))
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.5
    book.to_csv(tmp / "plots.csv", index=False)
    (tmp / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "rcbd"\n', encoding="utf-8"
    )
    # the yield is the fresh mass times one constant (same moisture, impurity and area on
    # every plot), and K² is scale-free: the RCBD residuals of the fresh mass give its K²
    y = book["fresh_mass_kg"]
    e = (
        y
        - book.groupby("treatment")["fresh_mass_kg"].transform("mean")
        - book.groupby("block")["fresh_mass_kg"].transform("mean")
        + y.mean()
    )
    return tmp / "plots.csv", tmp / "trial.toml", stats.normaltest(e.to_numpy())


def test_large_trial_report_text_en(large_trial: tuple[Path, Path, Any]) -> None:
    plots, config, k2 = large_trial
    report, _ = report_from_files(plots, config, figures=False)
    assert (
        "- Normality of residuals (D'Agostino-Pearson; Shapiro-Wilk is defined for at most "
        f"5,000 residuals): K² = {k2.statistic:.2f}, P = {k2.pvalue:.3f} - no evidence against "
        "normality. With thousands of residuals even a trivial departure is significant: judge "
        "by their skewness and a Q-Q plot rather than by P."
    ) in report.to_markdown()


def test_large_trial_report_text_zh(large_trial: tuple[Path, Path, Any]) -> None:
    plots, config, k2 = large_trial
    report, _ = report_from_files(plots, config, figures=False, lang="zh")
    assert (
        "- 残差正态性（D'Agostino-Pearson 检验；Shapiro-Wilk 检验仅适用于不超过 5,000 个残差）："
        f"K² = {k2.statistic:.2f}，P = {k2.pvalue:.3f}，未见偏离正态。"
        "残差数以千计时，微小偏离也会显著，应依据偏度和 Q-Q 图而非 P 值判断。"
    ) in report.to_markdown()


def test_large_trial_zh_bullet_uses_only_allowed_latin_words(
    large_trial: tuple[Path, Path, Any],
) -> None:
    """The zh bullet's Latin words (K², D'Agostino-Pearson, Q-Q) are on the zh allowed list."""
    from zh_purity import english_words

    plots, config, _ = large_trial
    report, _ = report_from_files(plots, config, figures=False, lang="zh")
    bullet = next(line for line in report.to_markdown().splitlines() if "残差正态性" in line)
    assert english_words(bullet) == []


def test_large_trial_json_names_the_test(large_trial: tuple[Path, Path, Any]) -> None:
    """JSON ``diagnostics``: ``normality_test``, K² and p; the Shapiro-Wilk keys are null."""
    plots, config, k2 = large_trial
    report, _ = report_from_files(plots, config, figures=False)
    diag = json.loads(report.to_json())["results"]["diagnostics"]
    assert diag["normality_test"] == "dagostino_pearson"
    assert (diag["normality_statistic"], diag["normality_p"]) == pytest.approx(
        (k2.statistic, k2.pvalue), rel=1e-6
    )
    assert diag["shapiro_w"] is None and diag["shapiro_p"] is None
