"""The closed-form path of complete balanced designs equals the general SVD path.

Expected values come from the same fit with ``orthogonal_fit`` disabled (the
rank-revealing SVD least squares of the full model matrix), so every field of the
fit and of the ANOVA table is checked against an independent computation.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pandas as pd
import pytest

from yieldtrial.stats.anova_tables import anova, term_sums_of_squares
from yieldtrial.stats.model import fit, orthogonal_fit


def _crd(seed: int = 1) -> tuple[pd.DataFrame, dict[str, object]]:
    rng = np.random.default_rng(seed)
    t = np.repeat([f"T{i}" for i in range(5)], 4)
    y = 1e6 + rng.normal(0.0, 300.0, t.size) + np.repeat(rng.normal(0, 500, 5), 4)
    return pd.DataFrame({"treatment": t, "y": y}), {"design": "crd"}


def _rcbd(reps_per_cell: int, seed: int = 2) -> tuple[pd.DataFrame, dict[str, object]]:
    rng = np.random.default_rng(seed)
    rows = [(f"T{i}", f"B{j}") for j in range(4) for i in range(6) for _ in range(reps_per_cell)]
    frame = pd.DataFrame(rows, columns=["treatment", "block"])
    frame["y"] = 7000.0 + rng.normal(0.0, 400.0, len(frame))
    return frame, {"design": "rcbd", "block": "block"}


def _latin(seed: int = 3) -> tuple[pd.DataFrame, dict[str, object]]:
    rng = np.random.default_rng(seed)
    k = 5
    rows = [(f"T{(r + c) % k}", f"R{r}", f"C{c}") for r in range(k) for c in range(k)]
    frame = pd.DataFrame(rows, columns=["treatment", "row", "column"])
    frame["y"] = 5.0 + rng.normal(0.0, 1.0, len(frame))
    return frame, {"design": "latin", "row": "row", "column": "column"}


anova_module = importlib.import_module("yieldtrial.stats.anova_tables")
model_module = importlib.import_module("yieldtrial.stats.model")

CASES = [_crd(), _rcbd(1), _rcbd(2), _latin()]


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_module, "orthogonal_fit", lambda *a, **k: None)
    monkeypatch.setattr(anova_module, "orthogonal_sums_of_squares", lambda *a, **k: None)


@pytest.mark.parametrize(("data", "kw"), CASES)
def test_balanced_fit_equals_general_path(
    data: pd.DataFrame, kw: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = fit(data, response="y", treatment="treatment", **kw)  # type: ignore[arg-type]
    _general(monkeypatch)
    slow = fit(data, response="y", treatment="treatment", **kw)  # type: ignore[arg-type]
    scale = float(np.std(data["y"]))
    assert fast.rank == slow.rank and fast.df_error == slow.df_error
    np.testing.assert_allclose(fast.lsmeans, slow.lsmeans, rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(fast.lsmeans_cov, slow.lsmeans_cov, rtol=1e-9, atol=1e-9)
    assert fast.mse == pytest.approx(slow.mse, rel=1e-9)
    np.testing.assert_allclose(fast.residuals, slow.residuals, rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(fast.fitted, slow.fitted, rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(fast.leverage, slow.leverage, rtol=0, atol=1e-9)
    assert fast.lsmeans_centred is not None and slow.lsmeans_centred is not None
    np.testing.assert_allclose(fast.lsmeans_centred, slow.lsmeans_centred, atol=1e-9 * scale)


@pytest.mark.parametrize(("data", "kw"), CASES)
def test_balanced_sums_of_squares_equal_general_path(
    data: pd.DataFrame, kw: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    model = fit(data, response="y", treatment="treatment", **kw)  # type: ignore[arg-type]
    fast = term_sums_of_squares(model)
    fast_table = anova(data, response="y", treatment="treatment", **kw).table  # type: ignore[arg-type]
    _general(monkeypatch)
    slow = term_sums_of_squares(model)
    slow_table = anova(data, response="y", treatment="treatment", **kw).table  # type: ignore[arg-type]
    assert fast.keys() == slow.keys()
    for term, (df, ss) in slow.items():
        assert fast[term][0] == df
        assert fast[term][1] == pytest.approx(ss, rel=1e-9)
    pd.testing.assert_frame_equal(fast_table, slow_table, rtol=1e-9)


def test_orthogonal_fit_refuses_unbalanced_counts() -> None:
    # treatment 0 has 2 plots, treatment 1 has 1: not balanced -> general path
    assert orthogonal_fit({"t": np.array([0, 0, 1])}, {"t": 2}, np.zeros(3)) is None


def test_orthogonal_fit_refuses_missing_cell() -> None:
    # 2 treatments x 3 blocks, one cell missing and one doubled: one-way counts equal,
    # two-way table not constant
    t = np.array([0, 1, 0, 1, 0, 0, 1, 1])
    b = np.array([0, 0, 1, 1, 2, 0, 2, 2])
    assert orthogonal_fit({"t": t, "b": b}, {"t": 2, "b": 3}, np.zeros(8)) is None


def test_fit_is_cached_on_content() -> None:
    data, kw = _rcbd(1)
    first = fit(data, response="y", treatment="treatment", **kw)  # type: ignore[arg-type]
    again = fit(data.copy(), response="y", treatment="treatment", **kw)  # type: ignore[arg-type]
    assert again is first


def test_fit_cache_misses_when_a_value_changes() -> None:
    data, kw = _rcbd(1)
    first = fit(data, response="y", treatment="treatment", **kw)  # type: ignore[arg-type]
    changed = data.copy()
    changed.loc[0, "y"] += 1.0
    other = fit(changed, response="y", treatment="treatment", **kw)  # type: ignore[arg-type]
    assert other is not first
    # one plot raised by 1: its treatment mean rises by 1/4 (4 blocks)
    i = other.levels.index(str(changed.loc[0, "treatment"]))
    assert other.lsmeans[i] - first.lsmeans[i] == pytest.approx(0.25)


def test_fit_cache_key_of_text_columns_follows_their_content() -> None:
    """Arrow text columns are keyed by their buffers: equal text hits, changed text misses.

    A column sliced out of a longer one (non-zero offset into its buffers) keys like the
    same text built fresh; one changed or blanked label gives another key.
    """
    from yieldtrial.stats.model import fit_key

    pytest.importorskip("pyarrow")
    text = pd.Series(["A", "B", "C", "A"], dtype="string[pyarrow]")
    data = pd.DataFrame({"treatment": text, "y": [1.0, 2.0, 3.0, 4.0]})
    longer = pd.Series(["Z", "A", "B", "C", "A"], dtype="string[pyarrow]")
    sliced = data.assign(treatment=longer.iloc[1:].reset_index(drop=True))
    args = ("y", "treatment")
    key = fit_key(data, ["y", "treatment"], args)
    assert key is not None
    assert fit_key(sliced, ["y", "treatment"], args) == key
    changed = data.assign(treatment=pd.Series(["A", "B", "C", "B"], dtype="string[pyarrow]"))
    blank = data.assign(treatment=pd.Series(["A", "B", "C", None], dtype="string[pyarrow]"))
    empty = data.assign(treatment=pd.Series(["A", "B", "C", ""], dtype="string[pyarrow]"))
    keys = {fit_key(d, ["y", "treatment"], args) for d in (changed, blank, empty)}
    assert len(keys) == 3 and key not in keys


def test_fit_cache_key_of_categorical_columns_follows_codes_and_categories() -> None:
    """A categorical column is keyed by its codes and categories (no per-row hashing).

    The same labels and categories hit; another label, another category order, another
    category type (``1`` and ``"1"``) or an ordered categorical miss.
    """
    from yieldtrial.stats.model import fit_key

    def frame(values: list[object], categories: list[object], ordered: bool = False) -> Any:
        column = pd.Categorical(values, categories=categories, ordered=ordered)
        return pd.DataFrame({"treatment": column, "y": [1.0, 2.0, 3.0, 4.0]})

    args = ("y", "treatment")
    key = fit_key(frame(["A", "B", "C", "A"], ["A", "B", "C"]), ["y", "treatment"], args)
    assert key is not None and key[-2] == "raw"
    again = fit_key(frame(["A", "B", "C", "A"], ["A", "B", "C"]), ["y", "treatment"], args)
    assert again == key
    others = [
        frame(["A", "B", "C", "B"], ["A", "B", "C"]),
        frame(["A", "B", "C", "A"], ["C", "B", "A"]),
        frame(["A", "B", "C", "A"], ["A", "B", "C"], ordered=True),
    ]
    keys = {fit_key(d, ["y", "treatment"], args) for d in others}
    ints = fit_key(frame([1, 2, 3, 1], [1, 2, 3]), ["y", "treatment"], args)
    texts = fit_key(frame(["1", "2", "3", "1"], ["1", "2", "3"]), ["y", "treatment"], args)
    assert len(keys) == 3 and key not in keys and ints != texts


def _counting_fits(monkeypatch: Any) -> list[int]:
    from yieldtrial.stats import model

    calls: list[int] = []
    real = model._fit

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "_fit", counted)
    model._fit_cache.clear()
    return calls


def _text_rcbd(treatments: int = 5, blocks: int = 4, seed: int = 3) -> pd.DataFrame:
    pytest.importorskip("pyarrow")  # arrow text columns are keyed by their buffers
    rng = np.random.default_rng(seed)
    text = "string[pyarrow]"
    return pd.DataFrame(
        {
            "treatment": pd.Series(
                np.tile([f"T{i}" for i in range(treatments)], blocks), dtype=text
            ),
            "block": pd.Series(
                np.repeat([str(b + 1) for b in range(blocks)], treatments), dtype=text
            ),
            "y": 6000 + rng.normal(0, 300, treatments * blocks).round(1),
        }
    )


def test_fit_in_another_treatment_order_reorders_the_closed_form_fit(monkeypatch) -> None:
    """A complete RCBD refitted with its treatments in another order is reordered, not refitted.

    The same plots with the treatments as a categorical in another order reuse the cached
    fit: every array equals a fresh fit of that table to the last bit.
    """
    from yieldtrial.stats import model

    calls = _counting_fits(monkeypatch)
    text = _text_rcbd()
    order = ["T3", "T0", "T4", "T1", "T2"]
    ordered = text.assign(treatment=pd.Categorical(text["treatment"], categories=order))
    model.fit(text, response="y", treatment="treatment", block="block")
    reordered = model.fit(ordered, response="y", treatment="treatment", block="block")
    assert len(calls) == 1
    model._fit_cache.clear()
    fresh = model.fit(ordered, response="y", treatment="treatment", block="block")
    assert len(calls) == 2
    assert reordered.levels == fresh.levels == tuple(order)
    for name in ("n", "lsmeans", "lsmeans_centred"):
        np.testing.assert_array_equal(getattr(reordered, name), getattr(fresh, name))
    np.testing.assert_array_equal(reordered.lsmeans_cov.diag, fresh.lsmeans_cov.diag)
    for name in ("fitted", "residuals", "leverage"):
        pd.testing.assert_series_equal(getattr(reordered, name), getattr(fresh, name))
    for name in fresh.codes:
        np.testing.assert_array_equal(reordered.codes[name], fresh.codes[name])
    assert reordered.factor_levels == fresh.factor_levels
    assert (reordered.mse, reordered.df_error, reordered.rank) == (
        fresh.mse, fresh.df_error, fresh.rank,
    )  # fmt: skip
    pd.testing.assert_frame_equal(reordered.missing_cells, fresh.missing_cells)
    pd.testing.assert_frame_equal(reordered.data, fresh.data)


def test_fit_in_another_order_with_a_missing_plot_is_fitted_afresh(monkeypatch) -> None:
    """A missing plot (not solved in closed form) or another label is never reordered."""
    from yieldtrial.stats import model

    calls = _counting_fits(monkeypatch)
    text = _text_rcbd()
    text.loc[2, "y"] = np.nan
    order = ["T3", "T0", "T4", "T1", "T2"]
    ordered = text.assign(treatment=pd.Categorical(text["treatment"], categories=order))
    model.fit(text, response="y", treatment="treatment", block="block")
    model.fit(ordered, response="y", treatment="treatment", block="block")
    assert len(calls) == 2
    complete = _text_rcbd()
    model.fit(complete, response="y", treatment="treatment", block="block")
    swapped = complete["treatment"].to_numpy(dtype=object).copy()
    swapped[[0, 1]] = swapped[[1, 0]]  # two plots' labels exchanged within a block
    other = complete.assign(treatment=pd.Categorical(swapped, categories=order))
    refit = model.fit(other, response="y", treatment="treatment", block="block")
    assert len(calls) == 4
    assert refit.codes["treatment"][0] == order.index(str(swapped[0]))


def test_fit_cache_key_of_a_text_column_changed_in_place_misses() -> None:
    """A text column's digest is kept for its arrow array; a cell set in place misses.

    pandas gives the column a new arrow array when a cell is set, so the kept digest of the
    old array is not reused.
    """
    from yieldtrial.stats.model import fit_key

    pytest.importorskip("pyarrow")
    data = pd.DataFrame(
        {"treatment": pd.Series(["A", "B", "A"], dtype="string[pyarrow]"), "y": [1.0, 2.0, 3.0]}
    )
    args = ("y", "treatment")
    key = fit_key(data, ["y", "treatment"], args)
    assert fit_key(data, ["y", "treatment"], args) == key
    data.loc[2, "treatment"] = "B"
    changed = fit_key(data, ["y", "treatment"], args)
    fresh = pd.DataFrame(
        {"treatment": pd.Series(["A", "B", "B"], dtype="string[pyarrow]"), "y": [1.0, 2.0, 3.0]}
    )
    assert changed != key
    assert changed == fit_key(fresh, ["y", "treatment"], args)


def test_orthogonal_fit_by_spans_equals_one_span(monkeypatch) -> None:
    # expected: the same fit with every plot in one span (the sums taken in the same
    # order plot by plot, so equal to the last bit), here 48 plots in spans of 5
    from yieldtrial.stats import model as model_module

    frame, _ = _rcbd(reps_per_cell=2)
    t = pd.factorize(frame["treatment"])[0]
    b = pd.factorize(frame["block"])[0]
    y = frame["y"].to_numpy() - frame["y"].mean()
    whole = orthogonal_fit({"t": t, "b": b}, {"t": 6, "b": 4}, y)
    monkeypatch.setattr(model_module, "_SPAN", 5)
    spans = orthogonal_fit({"t": t, "b": b}, {"t": 6, "b": 4}, y)
    assert whole is not None and spans is not None
    assert spans.fitted.tobytes() == whole.fitted.tobytes()
    assert spans.residuals.tobytes() == whole.residuals.tobytes()


def test_orthogonal_fit_by_spans_refuses_a_missing_cell(monkeypatch) -> None:
    # the cell counts summed over spans of 3 plots: the doubled cell (t0, b0) is still seen
    from yieldtrial.stats import model as model_module

    monkeypatch.setattr(model_module, "_SPAN", 3)
    t = np.array([0, 1, 0, 1, 0, 0, 1, 1])
    b = np.array([0, 0, 1, 1, 2, 0, 2, 2])
    assert orthogonal_fit({"t": t, "b": b}, {"t": 2, "b": 3}, np.zeros(8)) is None


def test_fit_with_every_plot_observed_equals_fit_without_the_copy() -> None:
    # expected: the same table with one extra unobserved plot of a new block (dropped by
    # the fit, so the observed codes are copied and renumbered as before this change)
    frame, kwargs = _rcbd(reps_per_cell=1)
    extra = pd.DataFrame({"treatment": ["T0"], "block": ["B9"], "y": [np.nan]})
    full = fit(frame, response="y", treatment="treatment", **kwargs)  # type: ignore[arg-type]
    padded = fit(pd.concat([frame, extra], ignore_index=True), response="y",
                 treatment="treatment", **kwargs)  # type: ignore[arg-type]  # fmt: skip
    assert full.factor_levels == padded.factor_levels
    for f in ("treatment", "block"):
        assert full.codes[f].tolist() == padded.codes[f].tolist()
        assert full.codes[f].dtype == padded.codes[f].dtype
    assert full.fitted.to_numpy().tobytes() == padded.fitted.to_numpy().tobytes()
    assert full.lsmeans.tobytes() == padded.lsmeans.tobytes()
