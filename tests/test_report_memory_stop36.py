"""Memory of the report on large tables (issue 13, stop 36): the same values, less held.

Expected values come from the code each change replaces: the numeric columns read by
pyarrow were slices of buffers sized on an estimate of the rows (``values[:done]``).
"""

from __future__ import annotations

import numpy as np
import pytest


def test_fitted_buffer_keeps_the_values_and_drops_the_tail() -> None:
    from yieldtrial.io.table_files import _fitted

    values = np.empty(1000)
    values[:600] = np.arange(600) * 0.5
    expected = values[:600].copy()  # what the slice held
    kept = _fitted(values, 600)
    np.testing.assert_array_equal(kept, expected)
    assert kept.shape == (600,)
    assert kept.base is None  # its own buffer of 600 values, not a view of 1000
    assert kept.nbytes == 600 * 8


def test_fitted_buffer_of_the_exact_size_is_returned_as_it_is() -> None:
    from yieldtrial.io.table_files import _fitted

    values = np.arange(5.0)
    assert _fitted(values, 5) is values


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
    pa = pytest.importorskip("pyarrow")
    import pandas as pd

    from yieldtrial.io import read_plots, table_files

    try:
        pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas < 2.3: the arrow reader is not used
        pytest.skip("the arrow reader is not used with this pandas")
    calls: list[str] = []
    pool = pa.default_memory_pool()

    class Spy:
        def release_unused(self) -> None:
            calls.append("release")

        def __getattr__(self, name: str) -> object:
            return getattr(pool, name)

    monkeypatch.setattr(pa, "default_memory_pool", lambda: Spy())
    path = tmp_path / "plots.csv"  # type: ignore[operator]
    rows = ["plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct"]
    rows += [f"{i},{1 + i % 2},T{i % 3},20,{10 + i % 7}.5,13" for i in range(1, 13)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(table_files, "RELEASE_ROWS", 10**9)
    small = read_plots(path)
    assert calls == []  # below RELEASE_ROWS: the pages stay with the allocator
    monkeypatch.setattr(table_files, "RELEASE_ROWS", 12)
    large = read_plots(path)
    assert calls == ["release"]
    pd.testing.assert_frame_equal(small, large)  # the same table either way
