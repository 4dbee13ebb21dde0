"""Large closed-form fits compute their fitted values and residuals when asked (stop 53, issue 13).

Expected values: the same fit with the arrays held (the threshold left at 2**20 plots, above
these tables), whose ``fitted`` and ``residuals`` are the closed form's own sums
(``stats.model.orthogonal_fit``); the computed ones must be equal to the last bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.stats import model as model_module
from yieldtrial.stats._stratum_fit import externally_studentized, studentize
from yieldtrial.stats.model import fit


def _rcbd(offset: float = 0.0, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t, b = 5, 4
    return pd.DataFrame(
        {
            "plot_id": [f"{j}{i}" for j in range(b) for i in range(t)],
            "treatment": [f"T{i}" for _ in range(b) for i in range(t)],
            "block": [f"B{j}" for j in range(b) for _ in range(t)],
            "y": offset + rng.normal(6000.0, 300.0, t * b),
        }
    )


@pytest.mark.parametrize("offset", [0.0, 1e12])
def test_computed_fitted_values_and_residuals_are_the_held_ones_bit_for_bit(
    offset: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _rcbd(offset)
    model_module._fit_cache.clear()  # fits are cached by content: each fitted afresh
    held = fit(data, response="y", treatment="treatment", block="block")
    model_module._fit_cache.clear()
    monkeypatch.setattr(model_module, "COMPUTED_FIT_PLOTS", 1)
    computed = fit(data.copy(), response="y", treatment="treatment", block="block")
    model_module._fit_cache.clear()
    assert held.held_fitted is not None and computed.held_fitted is None
    for name in ("fitted", "residuals"):
        a, b = getattr(held, name), getattr(computed, name)
        assert a.to_numpy().view(np.int64).tolist() == b.to_numpy().view(np.int64).tolist()
        pd.testing.assert_series_equal(a, b)
    assert computed.mse == held.mse and computed.df_error == held.df_error


def test_a_computed_fit_holds_neither_array(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_module, "COMPUTED_FIT_PLOTS", 1)
    model_module._fit_cache.clear()
    result = fit(_rcbd(), response="y", treatment="treatment", block="block")
    model_module._fit_cache.clear()
    assert result.held_fitted is None and result.held_residuals is None
    assert result.effects is not None
    assert result.fitted is not result.fitted  # a new Series at each read


def test_a_fit_with_a_missing_plot_keeps_its_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not every plot observed: not the closed form's rule, the arrays are held as before."""
    monkeypatch.setattr(model_module, "COMPUTED_FIT_PLOTS", 1)
    data = _rcbd()
    data.loc[3, "y"] = np.nan
    model_module._fit_cache.clear()
    result = fit(data, response="y", treatment="treatment", block="block")
    model_module._fit_cache.clear()
    assert result.held_fitted is not None and result.held_residuals is not None


def test_externally_studentized_is_studentizes_second_array() -> None:
    rng = np.random.default_rng(8)
    e = rng.normal(0.0, 2.0, 50)
    e[7] = 40.0  # near the bound nu: the unbounded branch's neighbourhood
    h = np.full(50, 0.3)
    h[3] = 1.0  # undefined: NaN in both
    expected = studentize(e, h, 12, 4.0)[1]
    np.testing.assert_array_equal(externally_studentized(e, h, 12, 4.0), expected)


def test_a_computed_fit_in_another_treatment_order_computes_the_same_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fit reordered to the display order computes the held reordered fit's values.

    ``_in_treatment_order`` renumbers the treatments of a cached fit.

    (Found by the shipped replicated RCBD's report at the lowered threshold: the effects
    were read with the old numbering and the report's residuals changed.)
    """
    data = _rcbd(seed=11)
    shown = data.copy()
    order = ["T3", "T0", "T4", "T1", "T2"]
    shown["treatment"] = pd.Categorical(shown["treatment"], categories=order)
    model_module._fit_cache.clear()
    held = model_module._in_treatment_order(
        fit(data, response="y", treatment="treatment", block="block"), shown, "treatment"
    )
    model_module._fit_cache.clear()
    monkeypatch.setattr(model_module, "COMPUTED_FIT_PLOTS", 1)
    computed = model_module._in_treatment_order(
        fit(data, response="y", treatment="treatment", block="block"), shown, "treatment"
    )
    model_module._fit_cache.clear()
    assert held is not None and computed is not None and computed.held_fitted is None
    for name in ("fitted", "residuals"):
        a, b = getattr(held, name).to_numpy(), getattr(computed, name).to_numpy()
        assert a.view(np.int64).tolist() == b.view(np.int64).tolist()
