"""The data-quality checks name at most 20 possible outliers (the largest first)."""

from __future__ import annotations

import pandas as pd

from yieldtrial.report._format import outlier_items


def _outliers(n: int) -> pd.DataFrame:
    # plot i has studentized residual 3 + i/100 (sign alternating): the largest |t| are the
    # last plots, so the 20 named out of 25 are plots 5..24
    return pd.DataFrame({
        "plot_id": [f"P{i}" for i in range(n)],
        "treatment": ["T1"] * n,
        "block": ["1"] * n,
        "residual": [1.0] * n,
        "studentized_residual": [(3 + i / 100) * (-1) ** i for i in range(n)],
    })  # fmt: skip


def test_up_to_twenty_outliers_are_all_named() -> None:
    text = outlier_items(_outliers(20), "en")
    assert text.count("(T1)") == 20
    assert "more" not in text


def test_above_twenty_the_largest_are_named_and_the_rest_counted() -> None:
    text = outlier_items(_outliers(25), "en")
    named = [f"P{i} (T1)" for i in range(5, 25)]
    assert all(item in text for item in named)
    assert "P4 (T1)" not in text
    assert text.endswith("and 5 more (all listed in the JSON report, `diagnostics.outliers`)")


def test_the_count_of_the_rest_is_chinese_in_a_zh_report() -> None:
    text = outlier_items(_outliers(25), "zh")
    assert "另有 5 个" in text
    assert "more" not in text
