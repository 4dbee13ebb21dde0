"""The methods section states how accurate the Dunnett probabilities are.

A balanced RCBD has the product-form (equal-correlation) Dunnett family, integrated in
one dimension to 1e-6: no sentence.  Three missing plots give a non-product correlation
whose probabilities are integrated numerically (``stats._mvt_sov``): the methods say so,
with the bound ``compare_to_control(...).attrs["accuracy_abs_error"]`` (the same number
the JSON carries), in English and in Chinese.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from yieldtrial.report import build_report
from yieldtrial.report.render_json import report_dict
from yieldtrial.trial import FieldTrial

DATE = "2026-12-04"


def _trial(missing: bool) -> FieldTrial:
    """RCBD, 5 treatments x 4 blocks (synthetic yields); optionally three plots lost."""
    rng = np.random.default_rng(11)
    rows = []
    for b in range(1, 5):
        for i, trt in enumerate(["CK", "N1", "N2", "N3", "N4"]):
            rows.append(
                {
                    "plot": f"{b}{i}",
                    "block": str(b),
                    "treatment": trt,
                    "yield_kg_ha": 7000.0 + 150.0 * i + 100.0 * b + rng.normal(0.0, 120.0),
                }
            )
    frame = pd.DataFrame(rows)
    if missing:
        lost = {("N3", "2"), ("N1", "3"), ("CK", "4")}
        keep = [(t, b) not in lost for t, b in zip(frame["treatment"], frame["block"], strict=True)]
        frame = frame[keep]
    return FieldTrial.from_dataframe(frame, crop="wheat", control="CK", design="rcbd")


def _methods(report: Any) -> str:
    return " ".join(b.text for b in report.section("methods").blocks)


@pytest.fixture(scope="module")
def lost_plot() -> dict[str, Any]:
    trial = _trial(missing=True)
    return {
        lang: build_report(trial, lang=lang, figures=False, report_date=DATE)
        for lang in ("en", "zh")
    }


def test_balanced_trial_has_no_accuracy_sentence() -> None:
    report = build_report(_trial(missing=False), figures=False, report_date=DATE)
    assert "integrated numerically" not in _methods(report)
    accuracy = report_dict(report)["results"]["control_comparisons_accuracy"]
    assert accuracy["abs_error"] is None and accuracy["note"].startswith("exact")


def test_missing_plot_states_the_integration_error(lost_plot: dict[str, Any]) -> None:
    trial = _trial(missing=True)
    bound = trial.compare_to_control(control="CK").attrs["accuracy_abs_error"]
    assert math.isfinite(bound) and bound <= 1e-4  # the stated target of stats._mvt_sov
    text = _methods(lost_plot["en"])
    assert "integrated numerically" in text
    assert f"at most {bound:.1e}" in text


def test_json_carries_the_same_bound(lost_plot: dict[str, Any]) -> None:
    accuracy = report_dict(lost_plot["en"])["results"]["control_comparisons_accuracy"]
    bound = _trial(missing=True).compare_to_control(control="CK").attrs["accuracy_abs_error"]
    assert accuracy["abs_error"] == pytest.approx(bound, rel=1e-12)
    assert "quasi-Monte Carlo" in accuracy["note"]


def test_chinese_report_states_it_in_chinese(lost_plot: dict[str, Any]) -> None:
    text = _methods(lost_plot["zh"])
    assert "数值积分" in text and "绝对误差不超过" in text
    assert "Monte Carlo" not in text and "Sobol'" not in text


def test_many_entries_with_missing_plots_state_the_li_shao_bound() -> None:
    """60 entries (absorbed fit, near product form): the bound at the critical value."""
    rng = np.random.default_rng(3)
    rows = [
        {
            "plot": f"{b}-{i}",
            "block": str(b),
            "treatment": "CK" if i == 0 else f"E{i}",
            "yield_kg_ha": 7000.0 + rng.normal(0.0, 300.0),
        }
        for b in range(3)
        for i in range(60)
    ]
    frame = pd.DataFrame(rows).drop(index=[5, 70, 130, 8, 99])
    trial = FieldTrial.from_dataframe(frame, crop="wheat", control="CK", design="rcbd")
    bound = trial.compare_to_control(control="CK").attrs["accuracy_abs_error"]
    assert math.isfinite(bound)
    text = _methods(build_report(trial, figures=False, report_date=DATE))
    assert "Li-Shao normal comparison bound" in text
    assert f"at most {bound:.1e} for every adjusted P at or below alpha" in text


def _complete_augmented_trial() -> FieldTrial:
    """Augmented RCBD, 3 checks in each of 4 blocks, 3 entries per block, no plot missing."""
    rng = np.random.default_rng(5)
    rows = []
    for b in range(1, 5):
        for trt in ["CK1", "CK2", "CK3"] + [f"E{3 * (b - 1) + k + 1:02d}" for k in range(3)]:
            rows.append({"plot": f"{b}-{trt}", "block": str(b), "treatment": trt,
                         "yield_kg_ha": 7000.0 + 100.0 * b + rng.normal(0.0, 200.0)})  # fmt: skip
    return FieldTrial.from_dataframe(
        pd.DataFrame(rows), crop="wheat", control="CK1", design="augmented"
    )


def test_complete_augmented_trial_says_why_it_integrates_numerically() -> None:
    """An augmented RCBD with no plot missing and fixed blocks gets its own sentence.

    Its entry-vs-check comparisons are not of the product form (entries in one block share
    their block adjustment) but exactly bifactor (every check in every block), so Dunnett is
    the nested quadrature of stats._mvt_nested (stop 31; before, the sentence said
    "integrated numerically" for "missing plots, a mixed model or an augmented design").
    """
    trial = _complete_augmented_trial()
    assert trial.missing_plots.empty
    text = _methods(build_report(trial, figures=False, report_date=DATE))
    assert "With every check in every block" in text
    assert "nested one-dimensional quadrature, with an absolute error of at most" in text
    assert "Sobol" not in text


def test_complete_augmented_trial_nested_sentence_in_chinese() -> None:
    """The zh methods paragraph names the nested quadrature and its error bound."""
    trial = _complete_augmented_trial()
    text = _methods(build_report(trial, lang="zh", figures=False, report_date=DATE))
    assert "嵌套一维数值积分" in text and "绝对误差不超过" in text


def _large_augmented_trial(checks: int) -> FieldTrial:
    """SYNTHETIC augmented RCBD, ``checks`` checks in each of 12 blocks, 50 entries each.

    603-604 treatments: fitted with the entries absorbed (``ABSORB_MIN_TREATMENTS``).
    """
    rng = np.random.default_rng(43)
    block_eff = rng.normal(0.0, 250.0, 12)
    rows = []
    for b in range(12):
        labels = [f"CK{k + 1}" for k in range(checks)] + [
            f"E{50 * b + j + 1:04d}" for j in range(50)
        ]
        for trt in labels:
            base = 7000.0 + (150.0 * int(trt[2:]) if trt.startswith("CK") else rng.normal(0, 600))
            rows.append({"plot": f"{b + 1}-{trt}", "block": str(b + 1), "treatment": trt,
                         "yield_kg_ha": base + block_eff[b] + rng.normal(0.0, 400.0)})  # fmt: skip
    return FieldTrial.from_dataframe(
        pd.DataFrame(rows), crop="wheat", control="CK1", design="augmented"
    )


@pytest.mark.parametrize("checks", [3, 4])
def test_large_augmented_trial_states_the_exact_integration(checks: int) -> None:
    """600 entries (absorbed fit): the nested quadrature's sentence, no Li-Shao, no flags.

    Before stop 43 this family was integrated for the product form with a Li-Shao bound
    of 0.040 at 600 entries (and 7 borderline P values flagged on the 600-entry bench
    table); now its exact bifactor form (four checks: the other checks a group of rank two)
    is integrated with a stated error of about 1e-6.
    """
    report = build_report(_large_augmented_trial(checks), figures=False, report_date=DATE)
    data = report_dict(report)
    accuracy = data["results"]["control_comparisons_accuracy"]
    assert accuracy["note"].startswith("nested quadrature") and accuracy["abs_error"] < 1e-4
    text = _methods(report)
    assert "nested one-dimensional quadrature" in text and "Li-Shao" not in text
    assert "borderline" not in str(data["results"]["warnings"])
