"""Memory of the report on large tables (issue 13, stop 36): the same values, less held.

Expected values come from the code each change replaces: the numeric columns read by
pyarrow were slices of buffers sized on an estimate of the rows (``values[:done]``).
"""

from __future__ import annotations

import numpy as np
import pytest

from arrow_spy import spy_release_unused


def test_fitted_buffer_keeps_the_values_and_drops_the_tail() -> None:
    from yieldtrial.io.table_files import _fitted

    columns = {0: np.empty(1000)}  # the dict holds the only reference, as in the reader
    columns[0][:600] = np.arange(600) * 0.5
    expected = columns[0][:600].copy()  # what the slice held
    kept = _fitted(columns, 600)[0]
    np.testing.assert_array_equal(kept, expected)
    assert kept.shape == (600,)
    assert kept.base is None  # its own buffer of 600 values, not a view of 1000
    assert kept.nbytes == 600 * 8


def test_fitted_buffer_of_the_exact_size_is_returned_as_it_is() -> None:
    from yieldtrial.io.table_files import _fitted

    values = np.arange(5.0)
    assert _fitted({0: values}, 5)[0] is values


def test_read_numeric_columns_hold_no_spare_rows(tmp_path: object) -> None:
    pytest.importorskip("pyarrow")
    import pandas as pd

    from yieldtrial.io import read_plots

    try:
        pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3: pandas' C engine reads, no estimate-sized buffers
        pytest.skip("the arrow reader is not used with this pandas")
    path = tmp_path / "plots.csv"  # type: ignore[operator]
    rows = ["plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct"]
    # long first lines, short later ones: the row estimate from the head is well over
    rows += [f"{i},1,T{i % 3},20.000000000,{10 + i % 7}.5,13.0" for i in range(1, 50)]
    rows += [f"{i},2,T{i % 3},20,{10 + i % 7}.5,13" for i in range(50, 3000)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    plots = read_plots(path)
    mass = plots["fresh_mass_kg"].to_numpy()
    base = mass if mass.base is None else mass.base
    assert len(plots) == 2999
    assert getattr(base, "nbytes", len(plots) * 8) <= len(plots) * 8
    assert mass[0] == 11.5 and mass[-1] == 10.0 + 2999 % 7 + 0.5  # the file's cells


def test_large_arrow_read_gives_the_allocators_free_pages_back(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    from yieldtrial.io import read_plots, table_files

    calls = spy_release_unused(monkeypatch)  # skips without pyarrow
    try:
        pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3: the arrow reader is not used
        pytest.skip("the arrow reader is not used with this pandas")
    path = tmp_path / "plots.csv"  # type: ignore[operator]
    rows = ["plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct"]
    rows += [f"{i},{1 + i % 2},T{i % 3},20,{10 + i % 7}.5,13" for i in range(1, 13)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(table_files, "RELEASE_ROWS", 10**9)
    small = read_plots(path)
    assert calls == []  # below RELEASE_ROWS: the pages stay with the allocator
    monkeypatch.setattr(table_files, "RELEASE_ROWS", 12)
    large = read_plots(path)
    # twice: after the reading, and after the label checks (before the yields, stop 44)
    assert calls == ["release", "release"]
    pd.testing.assert_frame_equal(small, large)  # the same table either way


def test_median_of_others_takes_a_handed_over_sort_and_empties_it() -> None:
    """A list of the sort gives the numbers of the tuple (and of no sort given) and is emptied."""
    from yieldtrial.stats._group_screen import _sorted_groups, median_of_others

    rng = np.random.default_rng(36)
    values = np.round(rng.normal(50, 5, 400), 1)
    codes = rng.integers(0, 7, 400)
    pool = rng.random(400) > 0.1
    expected = median_of_others(values, codes, pool)  # sorts itself
    kept = _sorted_groups(values, codes, pool)
    from_tuple = median_of_others(values, codes, pool, ordered=kept)
    handed = list(_sorted_groups(values, codes, pool))
    from_list = median_of_others(values, codes, pool, ordered=handed)
    assert handed == []
    assert len(kept) == 4  # a tuple is only read
    for got in (from_tuple, from_list):
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])


def test_repeated_cells_equal_the_pairs_counted_by_pandas() -> None:
    import pandas as pd

    from yieldtrial.stats.screening import _repeated_cells

    rng = np.random.default_rng(7)
    first = rng.integers(0, 5, 300).astype(np.int32)
    second = rng.integers(0, 90, 300).astype(np.int32)
    pairs = pd.DataFrame({"a": first, "b": second})
    expected = pairs.duplicated(keep=False).to_numpy()  # a pair seen more than once
    np.testing.assert_array_equal(_repeated_cells(first, second), expected)


@pytest.mark.parametrize("blank", [False, True])
def test_copied_row_found_with_every_record_complete_or_not(blank: bool) -> None:
    """The all-complete shortcut and the general path name the same copied rows."""
    import pandas as pd

    from yieldtrial.stats.screening import _copied_rows, _Labels

    # plot 7 repeats plot 6's record (A in block 3, mass 10.5, area 20); plot 3 has the
    # same mass and area in block 2: another cell, so not a copy
    treatments = _Labels.of(pd.Series(["A", "B", "C", "A", "B", "C", "A", "A"]))
    blocks = _Labels.of(pd.Series(["1", "1", "1", "2", "2", "2", "3", "3"]))
    mass = np.array([10.0, 11.0, 12.0, 10.5, 11.5, 12.5, 10.5, 10.5])
    area = np.full(8, 20.0)
    observed = np.ones(8, dtype=bool)
    if blank:
        mass[1] = np.nan  # one incomplete record: the general path
    ids = np.array([f"p{i}" for i in range(8)], dtype=object)

    def row(i: int, variable: str, rule: str, pattern: str, message: str) -> dict[str, object]:
        return {"i": i, "pattern": pattern}

    found = _copied_rows([mass, area], ["mass", "area"], ids, treatments, blocks, observed, row)
    assert sorted(r["i"] for r in found) == [6, 7]
    assert {r["pattern"] for r in found} == {"copied row"}
