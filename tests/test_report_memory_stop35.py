"""Memory of the report on large tables (issue 13, stop 35): the same numbers, less held.

Expected values come from the code each change replaces: ``numpy.full(n, leverage)`` for
a balanced fit's hat diagonal, the scalar ``standard_moisture_pct`` assigned to the
yields table, and the whole report written with both constants as arrays of their own
(the thresholds above every table of the test).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldtrial.io import plots as plots_module
from yieldtrial.io import yields
from yieldtrial.stats import model as model_module

EXAMPLE = Path(__file__).parents[1] / "src" / "yieldtrial" / "datasets" / "replicated-rcbd"


def _copy_on_write() -> bool:
    return yields._COPY_ON_WRITE


@pytest.mark.parametrize("n", [1, 7, 100])
def test_constant_leverage_equals_full(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = np.full(n, 0.3125)
    small = model_module.constant_leverage(0.3125, n)
    np.testing.assert_array_equal(small, expected)
    assert small.flags.writeable
    monkeypatch.setattr(model_module, "CONSTANT_LEVERAGE_PLOTS", 1)
    large = model_module.constant_leverage(0.3125, n)
    np.testing.assert_array_equal(large, expected)
    assert large.dtype == np.float64 and large.shape == (n,)
    assert not large.flags.writeable  # one value, read-only


def _rcbd(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "treatment": np.tile(["A", "B", "C", "D"], 6),
            "block": np.repeat([f"B{j}" for j in range(6)], 4),
            "y": 50 + rng.normal(0, 2, 24),
        }
    )


def test_fit_with_one_leverage_value_gives_the_same_diagnostics(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A balanced fit holding its leverage as one value: every diagnostic unchanged."""
    from yieldtrial.stats.residual_checks import diagnostics

    data = _rcbd(8)
    args = {"response": "y", "treatment": "treatment", "block": "block", "design": "rcbd"}
    model_module._fit_cache.clear()
    expected = diagnostics(data, **args)
    model_module._fit_cache.clear()
    monkeypatch.setattr(model_module, "CONSTANT_LEVERAGE_PLOTS", 1)
    got = diagnostics(data, **args)
    model_module._fit_cache.clear()
    pd.testing.assert_frame_equal(got.residuals, expected.residuals)
    assert got.shapiro == expected.shapiro and got.levene == expected.levene
    pd.testing.assert_frame_equal(got.outliers, expected.outliers)


def test_fit_wraps_its_arrays_without_copies() -> None:
    """Fitted values and residuals wrapped without a copy still add up to the response."""
    model_module._fit_cache.clear()
    data = _rcbd(9)
    result = model_module.fit(data, response="y", treatment="treatment", block="block")
    model_module._fit_cache.clear()
    fitted, residuals = result.fitted.to_numpy(), result.residuals.to_numpy()
    np.testing.assert_allclose(fitted + residuals, data["y"].to_numpy(), rtol=1e-12)


@pytest.mark.parametrize("n", [1, 5, 40])
def test_constant_number_equals_the_assigned_scalar(
    n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = pd.RangeIndex(n)
    assert yields.constant_number(13.0, index) == 13.0  # below the threshold: the scalar
    monkeypatch.setattr(yields, "CONSTANT_NUMBER_PLOTS", 1)
    got = pd.DataFrame({"a": np.arange(n, dtype=float)})
    got["standard_moisture_pct"] = yields.constant_number(13.0, got.index)
    expected = pd.DataFrame({"a": np.arange(n, dtype=float)})
    expected["standard_moisture_pct"] = 13.0
    pd.testing.assert_frame_equal(got, expected)
    if _copy_on_write() and n > 1:  # pandas 3 keeps the one value; older pandas copy it
        assert got["standard_moisture_pct"].to_numpy().strides == (0,)


def test_yields_table_with_one_moisture_value_is_equal(monkeypatch: pytest.MonkeyPatch) -> None:
    from yieldtrial.io.plots import read_plots

    plots = read_plots(EXAMPLE / "plots.csv")
    kwargs = {"standard_moisture_pct": 13.0, "moisture_method": "dry_matter", "crop": "wheat"}
    per_ha = yields.plot_yield_kg_ha(plots, **kwargs)
    expected = yields.yields_table(plots, per_ha, unit="kg/ha", **kwargs)
    monkeypatch.setattr(yields, "CONSTANT_NUMBER_PLOTS", 1)
    got = yields.yields_table(plots, per_ha, unit="kg/ha", **kwargs)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize("suffix", [".md", ".json"])
def test_report_with_both_constants_is_byte_identical(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole report with the one-value leverage and moisture equals the arrays' one."""
    from yieldtrial.cli import main

    def report(name: str) -> bytes:
        model_module._fit_cache.clear()
        out = tmp_path / f"{name}{suffix}"
        argv = ["report", str(EXAMPLE / "plots.csv"), "--config", str(EXAMPLE / "trial.toml")]
        assert main([*argv, "--no-figures", "-o", str(out)]) == 0
        return out.read_bytes()

    expected = report("arrays")
    monkeypatch.setattr(model_module, "CONSTANT_LEVERAGE_PLOTS", 1)
    monkeypatch.setattr(yields, "CONSTANT_NUMBER_PLOTS", 1)
    # and the plot table's constant area held as one value (stop 51, io.plots)
    monkeypatch.setattr(plots_module, "CONSTANT_COLUMN_PLOTS", 1)
    # and its blocks and treatments held as categoricals (stop 52, io.plots)
    monkeypatch.setattr(plots_module, "CODED_LABEL_PLOTS", 1)
    got = report("constants")
    model_module._fit_cache.clear()
    if suffix == ".json":  # the same up to the output file's own name
        got = got.replace(b"constants.json", b"arrays.json")
    assert got == expected


@pytest.mark.parametrize("span", [1, 3, 1 << 20])
@pytest.mark.parametrize("seed", range(6))
def test_absent_cells_by_spans_equal_the_multiindex_difference(
    span: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The absent cells found a span of plots at a time are the level product's set difference."""
    from yieldtrial.report.sections import data as data_section

    monkeypatch.setattr(data_section, "_CELL_SPAN", span)
    rng = np.random.default_rng(seed)
    keys = ["block", "a"]
    names = [[f"{k}{i}" for i in rng.permutation(4)] for k in keys]
    n = 25
    text = pd.DataFrame(
        {
            k: pd.Series(rng.choice([*v, "x"], n), dtype="str")
            for k, v in zip(keys, names, strict=True)
        }
    )
    levels = [list(v) for v in names]
    expected = list(
        pd.MultiIndex.from_product(levels).difference(
            pd.MultiIndex.from_frame(text[keys]), sort=False
        )
    )
    assert data_section._cells_without_rows(text, keys, levels) == expected
