"""Memory of the report on large tables (issue 13, stop 40): the same numbers, less held.

The per-treatment plot summary and the moisture means of the means table group by the
treatment codes the display order and the design fit keep
(:func:`yieldtrial.io._factorize.kept_label_codes`) instead of factorizing the text again.
Expected values come from the code each change replaces: pandas' group size and mean by
the text column itself (``groupby(text, sort=False)``), the former ``_mean_by_label``
(copied below as :func:`_mean_by_label_before`), and whole reports written with the
replaced groupings (monkeypatched back in).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldtrial.io import _factorize
from yieldtrial.io.validation import as_labels
from yieldtrial.report.sections import data as data_section
from yieldtrial.report.sections import statistics as statistics_section
from yieldtrial.stats import model as model_module
from yieldtrial.stats._common import factorizes_like_text

DATASETS = Path(__file__).parents[1] / "src" / "yieldtrial" / "datasets"
EXAMPLES = Path(__file__).parents[1] / "examples"


def _text(labels: np.ndarray) -> pd.Series:
    return pd.Series(pd.array(labels, dtype="str"))


def _arrow_text() -> bool:
    dtype = _text(np.array(["a"])).dtype
    return getattr(dtype, "storage", "") == "pyarrow"


arrow_only = pytest.mark.skipif(not _arrow_text(), reason="pandas' text is not pyarrow here")


@arrow_only
@pytest.mark.parametrize(("n_labels", "width"), [(40, np.int8), (1000, np.int16)])
def test_kept_label_codes_are_the_kept_compact_codes(n_labels: int, width: type) -> None:
    rng = np.random.default_rng(n_labels)
    labels = _text(np.array([f"T{i}" for i in range(n_labels)])[rng.integers(0, n_labels, 5000)])
    expected_codes, expected_uniques = pd.factorize(labels, sort=False)
    codes, uniques = _factorize.kept_label_codes(labels)  # type: ignore[misc]
    assert codes.dtype == width and not codes.flags.writeable
    np.testing.assert_array_equal(codes, expected_codes)
    assert list(uniques) == list(expected_uniques)
    again, _ = _factorize.kept_label_codes(labels)  # type: ignore[misc]
    assert again is codes  # the kept array itself, no copy


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["a", "b", "a"], dtype=object),
        pd.Series([1, 2, 1]),
        pd.Series([1.0, 2.0, 1.0]),
    ],
)
def test_kept_label_codes_are_none_for_other_columns(column: pd.Series) -> None:
    assert _factorize.kept_label_codes(column) is None


@pytest.mark.parametrize("n_labels", [3, 40, 1000])
@pytest.mark.parametrize("kind", ["arrow", "object", "missing"])
def test_kept_groups_give_the_text_groups_size_and_mean(n_labels: int, kind: str) -> None:
    """Sizes and means bit for bit as grouped by the text (pandas' compensated sums)."""
    rng = np.random.default_rng(n_labels)
    raw = np.array([f"V{i:04d}" for i in rng.permutation(n_labels)])[
        rng.integers(0, n_labels, 20_011)
    ]
    labels = _text(raw) if kind != "object" else pd.Series(raw, dtype=object)
    if kind == "missing":
        labels[7] = None
    values = pd.Series(rng.normal(6_000.0, 900.0, raw.size))
    values[rng.integers(0, raw.size, 30)] = np.nan
    expected = values.groupby(labels, sort=False).agg(["size", "mean"])
    key = data_section._kept_groups(labels)
    if kind == "arrow" and _arrow_text():
        assert isinstance(key.dtype, pd.CategoricalDtype)
    else:
        assert key is labels  # other columns and blanks: grouped as before
    grouped = values.groupby(key, sort=False, observed=True)
    got = pd.DataFrame({"size": grouped.size(), "mean": grouped.mean()})
    if isinstance(got.index, pd.CategoricalIndex):
        got.index = pd.Index(got.index.to_numpy(), dtype=labels.dtype)
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_names=False)


def _mean_by_label_before(labels: pd.Series, values: pd.Series) -> dict[str, float]:
    """``report.sections.statistics._mean_by_label`` before stop 40 (the reference)."""
    if factorizes_like_text(labels) and not labels.isna().any():
        codes, uniques = pd.factorize(labels, sort=False)
        texts, merged = pd.factorize(pd.Index(as_labels(list(uniques)), dtype=object))
        grouped = values.groupby(np.asarray(texts)[codes]).mean()
        keys, group_means = grouped.index.to_numpy().tolist(), grouped.to_numpy().tolist()
        return {str(merged[k]): float(v) for k, v in zip(keys, group_means, strict=True)}
    by_text = pd.Series(as_labels(labels.tolist()), index=labels.index)
    grouped = values.groupby(by_text).mean()
    return {str(k): float(v) for k, v in grouped.items()}


@pytest.mark.parametrize("n_labels", [4, 40, 1000])
@pytest.mark.parametrize("kind", ["arrow", "object", "int64", "Int64", "missing"])
def test_mean_by_label_equals_the_replaced_grouping(n_labels: int, kind: str) -> None:
    rng = np.random.default_rng(n_labels + 1)
    picks = rng.integers(0, n_labels, 30_007)
    names = np.array([f"T{i}" for i in rng.permutation(n_labels)])
    labels = {
        "arrow": lambda: _text(names[picks]),
        "object": lambda: pd.Series(names[picks], dtype=object),
        "int64": lambda: pd.Series(picks * 3 + 1),
        "Int64": lambda: pd.Series(picks * 3 + 1, dtype="Int64"),
        "missing": lambda: _text(names[picks]).where(np.arange(picks.size) != 5),
    }[kind]()
    values = pd.Series(rng.normal(14.0, 2.0, picks.size))
    values[rng.integers(0, picks.size, 40)] = np.nan
    got = statistics_section._mean_by_label(labels, values)
    expected = _mean_by_label_before(labels, values)
    assert list(got.items()) == list(expected.items())  # same keys, order and bits


def _reports(argv: list[str], tmp_path: Path, name: str) -> dict[str, bytes]:
    from yieldtrial.cli import main

    out: dict[str, bytes] = {}
    for suffix in (".md", ".json"):
        model_module._fit_cache.clear()
        path = tmp_path / f"{name}{suffix}"
        assert main([*argv, "--no-figures", "-o", str(path)]) == 0
        out[suffix] = path.read_bytes().replace(name.encode(), b"OUT")
    model_module._fit_cache.clear()
    return out


def _with_missing_plots(tmp_path: Path) -> list[str]:
    table = pd.read_csv(DATASETS / "replicated-rcbd" / "plots.csv", dtype=str)
    path = tmp_path / "missing.csv"
    table.drop(index=[0, 9]).to_csv(path, index=False)  # two plots not harvested
    return ["report", str(path), "--config", str(DATASETS / "replicated-rcbd" / "trial.toml")]


def _arguments(case: str, tmp_path: Path) -> list[str]:
    if case == "missing plots":
        return _with_missing_plots(tmp_path)
    folder = DATASETS / case if (DATASETS / case).is_dir() else EXAMPLES / case
    return ["report", str(folder / "plots.csv"), "--config", str(folder / "trial.toml")]


@pytest.mark.parametrize(
    "case", ["replicated-rcbd", "doubled-weight", "jinzhong-2024", "missing plots"]
)
def test_report_equals_the_one_grouped_by_text(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole reports (Markdown, JSON) equal those written with the replaced groupings.

    ``doubled-weight`` has a suspect plot (a fresh weight typed twice) and ``missing
    plots`` two plots not harvested: the data checks and the plot summary of both paths.
    """
    from yieldtrial.report import context

    # a plot listing too long to print: the per-treatment summary is written instead
    monkeypatch.setattr(context, "PLOT_LISTING_LIMIT", 5)
    monkeypatch.setattr(context, "PLOT_LISTING_SHOWN", 3)
    argv = _arguments(case, tmp_path)
    keys: list[pd.Series] = []
    kept_groups = data_section._kept_groups
    monkeypatch.setattr(
        data_section, "_kept_groups", lambda labels: keys.append(kept_groups(labels)) or keys[-1]
    )
    got = _reports(argv, tmp_path, "zzkeptzz")
    assert all(isinstance(key.dtype, pd.CategoricalDtype) == _arrow_text() for key in keys)
    assert keys or case == "jinzhong-2024"  # (its plot section lists no treatment summary)
    monkeypatch.setattr(data_section, "_kept_groups", lambda labels: labels)
    monkeypatch.setattr(statistics_section, "_mean_by_label", _mean_by_label_before)
    expected = _reports(argv, tmp_path, "zztextzz")
    assert got == expected


@pytest.mark.parametrize("n_labels", [5, 40, 1000, 70_000])
@pytest.mark.parametrize("kind", ["arrow", "object"])
def test_screening_labels_are_the_factorization_in_int32(n_labels: int, kind: str) -> None:
    """The screening's label codes: ``pd.factorize``'s codes in int32, the labels as text."""
    from yieldtrial.stats.screening import _Labels

    rng = np.random.default_rng(n_labels)
    raw = np.array([f"B{i}" for i in range(n_labels)])[rng.integers(0, n_labels, 100_003)]
    column = _text(raw) if kind == "arrow" else pd.Series(raw, dtype=object)
    codes, uniques = pd.factorize(column, sort=False)
    got = _Labels.of(column)
    assert got.codes.dtype == np.int32
    np.testing.assert_array_equal(got.codes, codes)
    assert list(got.labels) == [str(u) for u in uniques]
    if kind == "arrow" and _arrow_text() and n_labels > 32_767:  # int32 kept: shared
        assert not got.codes.flags.writeable
        assert got.codes is _factorize.kept_label_codes(column)[0]  # type: ignore[index]


@pytest.mark.parametrize("kind", ["arrow", "object", "int64"])
def test_absent_cell_label_codes_are_the_factorization(kind: str) -> None:
    """The quality section's label codes: ``pd.factorize``'s, the labels as text."""
    rng = np.random.default_rng(11)
    picks = rng.integers(0, 300, 50_000)
    make = {
        "arrow": lambda v: _text(np.array([f"L{i}" for i in v])),
        "object": lambda v: pd.Series([f"L{i}" for i in v], dtype=object),
        "int64": lambda v: pd.Series(v * 7),
    }[kind]
    frame = pd.DataFrame({"block": make(picks), "treatment": make(picks[::-1].copy() % 40)})
    coded = data_section._label_codes(frame, ["block", "treatment"])
    assert coded is not None
    for (codes, labels), name in zip(coded, ["block", "treatment"], strict=True):
        expected_codes, uniques = pd.factorize(frame[name], sort=False)
        np.testing.assert_array_equal(codes, expected_codes)
        assert labels == [str(u) for u in uniques]
