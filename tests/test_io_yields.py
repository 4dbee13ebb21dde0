"""Plot yields and the yields table from a standardized mass computed once."""

from __future__ import annotations

import pandas as pd
import pytest

from yieldtrial.io import yields


@pytest.fixture
def plots() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "plot_id": ["1", "2", "3"],
            "treatment": ["CK", "T1", "T2"],
            "harvested_area_m2": [20.0, 20.0, 12.5],
            "fresh_mass_kg": [15.41, 13.53, float("nan")],
            "moisture_pct": [13.3, 20.0, 14.0],
            "impurity_pct": [1.1, 0.0, 0.5],
        }
    )


SETTINGS = {"standard_moisture_pct": 13.0, "moisture_method": "dry_matter"}


def test_given_standardized_mass_gives_the_same_yields_and_table(plots):
    """Passing the mass computed once (the streamed path) changes no value, bit for bit."""
    mass = yields.standardized_plot_mass_kg(plots, **SETTINGS)
    alone = yields.plot_yield_kg_ha(plots, crop="wheat", **SETTINGS)
    given = yields.plot_yield_kg_ha(plots, crop="wheat", **SETTINGS, standardized_mass_kg=mass)
    pd.testing.assert_series_equal(given, alone, check_exact=True)
    table = yields.yields_table(plots, alone, unit="kg/ha", crop="wheat", **SETTINGS)
    reused = yields.yields_table(
        plots, given, unit="kg/ha", crop="wheat", **SETTINGS, standardized_mass_kg=mass
    )
    pd.testing.assert_frame_equal(reused, table, check_exact=True)


@pytest.mark.parametrize(
    "n", [0, 5, yields.CONSTANT_TEXT_CHUNK, yields.CONSTANT_TEXT_CHUNK + 1, 200_003]
)
@pytest.mark.parametrize("index_kind", ["range", "spaced", "repeated"])
def test_constant_text_equals_the_assigned_scalar(n: int, index_kind: str) -> None:
    """The repeated-piece column gives the table that assigning the scalar gives."""
    import numpy as np

    index = {
        "range": pd.RangeIndex(n),
        "spaced": pd.Index(np.arange(n) * 2 + 7),
        "repeated": pd.Index(np.zeros(n, dtype=int)),
    }[index_kind]
    assigned = pd.DataFrame({"x": np.zeros(n)}, index=index)
    built = assigned.copy()
    assigned["moisture_method"] = "wet_basis"  # the reference: pandas broadcasts the scalar
    built["moisture_method"] = yields.constant_text("wet_basis", index)
    pd.testing.assert_frame_equal(built, assigned)


def test_constant_text_column_can_be_changed_and_written() -> None:
    """A cell of the repeated-piece column changes alone; the CSV is the scalar's."""
    n = yields.CONSTANT_TEXT_CHUNK * 2 + 3
    index = pd.RangeIndex(n)
    built = pd.DataFrame({"m": yields.constant_text("given", index)}, index=index)
    reference = pd.DataFrame({"m": ["given"] * n}, index=index)
    assert built.to_csv() == reference.to_csv()
    built.loc[1, "m"] = "other"
    assert built["m"].tolist() == ["given", "other"] + ["given"] * (n - 2)


def test_constant_text_columns_share_one_piece_and_change_alone(monkeypatch) -> None:
    """The piece is built once per text; a cell changed in one column leaves the other."""
    pa = pytest.importorskip("pyarrow")
    n = yields.CONSTANT_TEXT_CHUNK * 2 + 3
    index = pd.RangeIndex(n)
    yields._constant_piece.cache_clear()
    built = []
    real = pa.array

    def counting(*args, **kwargs):
        if args and isinstance(args[0], list) and len(args[0]) == yields.CONSTANT_TEXT_CHUNK:
            built.append(args[0][0])  # a piece (pandas builds small arrays of its own)
        return real(*args, **kwargs)

    monkeypatch.setattr(pa, "array", counting)
    first = pd.DataFrame({"m": yields.constant_text("dry_matter", index)}, index=index)
    second = pd.DataFrame({"m": yields.constant_text("dry_matter", index)}, index=index)
    monkeypatch.undo()
    if isinstance(first["m"].array, str) or not built:  # pragma: no cover - no pyarrow text
        pytest.skip("this pandas keeps text without pyarrow: the scalar is assigned")
    assert built == ["dry_matter"]  # once, for both columns
    first.loc[1, "m"] = "other"
    assert second["m"].tolist() == ["dry_matter"] * n
    assert first["m"].tolist() == ["dry_matter", "other"] + ["dry_matter"] * (n - 2)


@pytest.mark.parametrize(
    ("values", "warned"),
    [([0.004, 0.007, None], True), ([0.004, 150.0, None], False), ([0.0, 0.0, None], False)],
    ids=["all-below-1", "one-at-150", "all-zero"],
)
def test_every_yield_below_one_kg_ha_warns(values, warned) -> None:
    """Stop 40: masses in mg read as kg reported "yields ranged from 0.0 to 0.0 kg/ha".

    A trial of zero yields (a lost crop) is no unit slip, nor one plot above 100 kg/ha (stop
    53: a largest yield from 1 to 100 kg/ha has its own warning, ``test_user_stop53``).
    """
    import warnings

    plots = pd.DataFrame({"plot_id": ["1", "2", "3"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yields.warn_tiny_yields(plots, pd.Series(values, dtype=float))
    messages = [str(w.message) for w in caught]
    if warned:
        assert messages == [
            "every standardized yield is below 1 kg/ha (the largest: plot '2' = 0.007 kg/ha), "
            "far below any harvested crop, and the report rounds such yields to 0.0: check the "
            "units: is the mass in mg but read as kg, or the area in cm2 or mm2 but read as m2?"
        ]
    else:
        assert messages == []
