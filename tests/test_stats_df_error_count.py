"""Error df by counting (complete CRD, complete balanced RCBD) equals the design-model fit's."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from yieldtrial.errors import DataValidationError
from yieldtrial.stats import trial_analysis
from yieldtrial.stats.model import fit


def random_layout(seed: int) -> tuple[pd.DataFrame, dict]:
    """Build a random CRD or RCBD table: text, object-text or integer labels; some incomplete."""
    rng = np.random.default_rng(seed)
    design = "rcbd" if rng.random() < 0.7 else "crd"
    t, b, reps = int(rng.integers(1, 7)), int(rng.integers(1, 6)), int(rng.integers(1, 3))
    treatment = np.tile(np.arange(t), b * reps)
    block = np.repeat(np.arange(b), t * reps)
    order = rng.permutation(treatment.size)  # rows in field order, not sorted
    data = pd.DataFrame({"treatment": treatment[order], "block": block[order]})
    data["yield_kg_ha"] = rng.normal(6000.0, 400.0, len(data))
    kind = int(rng.integers(3))
    for name in ("treatment", "block"):
        if kind == 0:
            data[name] = [f"L{v}" for v in data[name]]
        elif kind == 1:
            data[name] = pd.Series([f"L{v}" for v in data[name]], dtype=object)
    change = int(rng.integers(4))
    if change == 1 and len(data) > 2:  # a missing plot
        data.loc[int(rng.integers(len(data))), "yield_kg_ha"] = np.nan
    elif change == 2 and len(data) > 2:  # a dropped row: unbalanced
        data = data.drop(index=int(rng.integers(len(data)))).reset_index(drop=True)
    elif change == 3:  # a treatment repeated in a block
        data = pd.concat([data, data.iloc[[0]]], ignore_index=True)
    columns = {"design": design, "block": "block" if design == "rcbd" else None,
               "row": None, "column": None, "factors": ("treatment",)}  # fmt: skip
    return data, columns


@pytest.mark.parametrize("chunk", range(4))
def test_counted_df_error_equals_the_fit_on_random_layouts(chunk):
    """200 random layouts: where counting answers, it gives the fit's df_error exactly.

    The reference is :func:`yieldtrial.stats.model.fit` (``df_error`` = observed plots
    minus the model rank) on the same table; counting answers every complete layout.
    """
    counted_any = 0
    for seed in range(50 * chunk, 50 * chunk + 50):
        data, columns = random_layout(seed)
        counted = trial_analysis._counted_df_error(data, columns=columns, response="yield_kg_ha")
        try:
            model = fit(data, response="yield_kg_ha", treatment="treatment",
                        block=columns["block"], design=columns["design"])  # fmt: skip
        except DataValidationError as exc:  # the fit refuses: so must design_df_error
            assert counted is None, f"seed {seed}"
            with pytest.raises(DataValidationError, match=re.escape(str(exc))):
                trial_analysis.design_df_error(data, columns=columns, response="yield_kg_ha")
            continue
        if counted is not None:
            counted_any += 1
            assert counted == model.df_error, f"seed {seed}"
        assert (
            trial_analysis.design_df_error(data, columns=columns, response="yield_kg_ha")
            == model.df_error
        ), f"seed {seed}"
    assert counted_any >= 15


def test_counting_leaves_incomplete_and_unbalanced_tables_to_the_fit():
    """A missing plot, an unequal cell or text-equal labels are not counted (None)."""
    data = pd.DataFrame({"treatment": ["A", "B", "A", "B"], "block": ["1", "1", "2", "2"],
                         "yield_kg_ha": [1.0, 2.0, 3.0, 4.0]})  # fmt: skip
    columns = {"design": "rcbd", "block": "block", "factors": ("treatment",)}
    count = trial_analysis._counted_df_error
    assert count(data, columns=columns, response="yield_kg_ha") == 1  # 4 - 2 - 2 + 1
    missing = data.assign(yield_kg_ha=[1.0, np.nan, 3.0, 4.0])
    assert count(missing, columns=columns, response="yield_kg_ha") is None
    unequal = pd.concat([data, data.iloc[[0]]], ignore_index=True)
    assert count(unequal, columns=columns, response="yield_kg_ha") is None
    floats = data.assign(block=[1.0, 1.0, 2.0, 2.0])  # 1.0 and "1" are labelled alike
    assert count(floats, columns=columns, response="yield_kg_ha") is None
