"""A Dunnett or Tukey P value whose stated numerical error could move its verdict is warned of.

The multivariate t probabilities of irregular designs are integrated numerically; each
states an absolute error (``MvtProbability.abs_error``, ``attrs["accuracy_abs_error"]``).
Above 1e-4, and only when some adjusted P lies within that error of alpha, the verdict at
alpha is uncertain: a YieldTrialWarning names the family and the error (stop 38).  The
integration is stubbed here with a stated error of 2e-3 (what a quasi-Monte Carlo run that
stopped at its largest point set can state), keeping the real P values except where a test
puts one near alpha.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from yieldtrial.errors import YieldTrialWarning
from yieldtrial.report.i18n import translate_message
from yieldtrial.stats import compare
from yieldtrial.stats.compare import compare_means_to_control, pairwise_means
from yieldtrial.stats.distributions import MvtProbability, tukey_general_note
from yieldtrial.stats.results import MeansModel

#: Three LS-means, variance 4 each, 16 error df (the compare_means_to_control doctest's).
MM = MeansModel(
    "treatment", ("CK", "A", "B"), np.array([100.0, 104.0, 112.0]), np.eye(3) * 4.0, 12.0,
    np.array([4, 4, 4]), 16.0, "residual", "rcbd", "yield_kg_ha ~ treatment + block",
    "yield_kg_ha",
)  # fmt: skip


def _stub_dunnett(monkeypatch, error: float, first_p: float | None) -> None:
    """Dunnett P values with a stated error; the first one set to ``first_p`` when given."""
    real = compare.dunnett_pvalues

    def stated(*args, **kwargs):
        p, acc = real(*args, **kwargs)
        p = np.array(p, dtype=float)
        if first_p is not None:
            p[0] = first_p
        return p, MvtProbability(acc.value, "qmc", error)

    monkeypatch.setattr(compare, "dunnett_pvalues", stated)


def _borderline(caught) -> list[str]:
    return [str(w.message) for w in caught if "verdict at alpha is uncertain" in str(w.message)]


def test_dunnett_p_within_a_large_error_of_alpha_warns(monkeypatch):
    """P = 0.051 with a stated error of 2e-3 (|0.051 - 0.05| <= 0.002): one warning."""
    _stub_dunnett(monkeypatch, 2e-3, 0.051)
    with pytest.warns(YieldTrialWarning) as caught:
        out = compare_means_to_control(MM, control="CK")
    assert out.attrs["accuracy_abs_error"] == pytest.approx(2e-3)
    assert _borderline(caught) == [
        "Dunnett's comparisons with the control: 1 adjusted P value(s) lie within the stated "
        "error of their numerical integration (2.0e-03, above 1e-4) of alpha = 0.05 (closest: "
        "P = 0.0510); their verdict at alpha is uncertain: treat them as borderline"
    ]


def test_dunnett_large_error_far_from_alpha_is_silent(monkeypatch):
    """The real P values (A: t = 4/sqrt(8) = 1.41, P about 0.3; B: t = 4.24) are far from 0.05."""
    _stub_dunnett(monkeypatch, 2e-3, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compare_means_to_control(MM, control="CK")
    assert _borderline(caught) == []


def test_dunnett_error_of_1e4_is_silent_even_at_alpha(monkeypatch):
    """An error of 1e-4 (not above the threshold) is not warned of, even at P = 0.05005."""
    _stub_dunnett(monkeypatch, 1e-4, 0.05005)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compare_means_to_control(MM, control="CK")
    assert _borderline(caught) == []


def test_tukey_p_within_a_large_error_of_alpha_warns(monkeypatch):
    """Tukey on correlated LS-means (stubbed: error 5e-4, one P at 0.0497) is warned of."""

    def stated(statistics, cov, df, *, alpha=0.05):
        p = np.full(np.shape(statistics), 0.5)
        p.flat[0] = 0.0497
        return p, 3.0, "multivariate t (correlated LS-means), abs. error <= 5.0e-04", 5e-4

    monkeypatch.setattr(compare, "tukey_adjusted_with_error", stated)
    with pytest.warns(YieldTrialWarning) as caught:
        pairwise_means(MM, method="tukey")
    (message,) = _borderline(caught)
    assert message.startswith("Tukey's pairwise comparisons: 1 adjusted P value(s)")
    assert "(5.0e-04, above 1e-4)" in message


def test_borderline_warning_is_chinese_in_a_chinese_report(monkeypatch):
    """The report's warnings list shows it in Chinese, the family and error kept."""
    _stub_dunnett(monkeypatch, 2e-3, 0.051)
    with pytest.warns(YieldTrialWarning) as caught:
        compare_means_to_control(MM, control="CK")
    (message,) = _borderline(caught)
    assert translate_message(message, "zh") == (
        "Dunnett 法与对照的比较：有 1 个校正后的 P 值与 α = 0.05 之差不超过其数值积分的标称误差"
        "（2.0e-03，大于 1e-4；最接近者 P = 0.0510），在 α 水平上的判定不确定，应视为临界结果。"
    )


@pytest.mark.usefixtures("close_figures")
@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Dunnett's comparisons with the control: 1 adjusted P value(s) lie within"),
        ("zh", "Dunnett 法与对照的比较：有 1 个校正后的 P 值与 α = 0.05 之差不超过"),
    ],
)
def test_borderline_warning_is_in_the_reports_warnings(monkeypatch, tmp_path, lang, expected):
    """`yieldtrial report` lists it with the data-quality warnings (Markdown, in each language)."""
    from hostile import plot_table
    from yieldtrial.cli import main

    _stub_dunnett(monkeypatch, 2e-3, 0.051)
    out = tmp_path / "r.md"
    argv = ["report", str(plot_table(tmp_path)), "--crop", "wheat", "--control", "CK"]
    assert main([*argv, "--lang", lang, "--no-figures", "-o", str(out)]) == 0
    assert expected in out.read_text(encoding="utf-8")


def test_tukey_note_states_the_largest_error_of_the_df_groups(monkeypatch):
    """Pairs in two df groups (mixed models): the note states the larger group's error.

    Stubbed: the pairs' df are 10 (pair CK-A) and 20 (the others); the integration states
    9.0e-05 at 10 df and 2.0e-05 at 20 df.  The groups run in df order, so the last group
    (20 df) stated the note before: 2.0e-05, below the first group's real bound.
    """

    def stated(statistics, cov, df, *, alpha=0.05, need_critical=True):
        err = 9e-5 if df == 10.0 else 2e-5
        p = np.full(np.shape(statistics), 0.5)
        note = tukey_general_note(err)
        return p, 3.0, note, err

    monkeypatch.setattr(compare, "tukey_adjusted_with_error", stated)
    monkeypatch.setattr(compare, "_pairs_df", lambda mm, i, j: np.array([10.0, 20.0, 20.0]))
    out = pairwise_means(MM, method="tukey")
    adjustment = out.attrs["provenance"]["adjustment"]
    assert adjustment.endswith("abs. error <= 9.0e-05)")
