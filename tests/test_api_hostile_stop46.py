"""Stop 46 hostile pass over the Python API with the objects a notebook holds.

A script fed ``FieldTrial.from_dataframe``, ``read_plots``, the formula functions,
``analyze_many`` and the trial's methods pandas ``category``/nullable/pyarrow columns,
``Decimal``/``Fraction``/NumPy-scalar cells, odd indexes and column headers, and the
output of the call before.  Each test pins one case that escaped: a trial that could not
be pickled or deep-copied (its read-only metadata), and ``Fraction`` cells refused as
"non-numeric" in the mass and moisture columns while ``Decimal`` cells were read.
"""

from __future__ import annotations

import copy
import pickle
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.datasets import example_path
from yieldtrial.errors import DataValidationError


@pytest.fixture(scope="module")
def plots() -> pd.DataFrame:
    """Read the shipped replicated RCBD (3 treatments x 4 blocks) as a notebook reads it."""
    return pd.read_csv(example_path("replicated-rcbd"))


def _trial(plots: pd.DataFrame) -> yt.FieldTrial:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 6 error df: the small example's own warning
        return yt.FieldTrial.from_dataframe(
            plots, crop="wheat", control="CK1", metadata={"title": "wheat yield test"}
        )


def _fingerprint(frame: pd.DataFrame) -> tuple[int, list[str], list[str]]:
    hashed = int(pd.util.hash_pandas_object(frame, index=True).sum())
    return hashed, list(map(str, frame.columns)), list(map(str, frame.dtypes))


# ------------------------------------------------------------------ pickling and copying


def test_a_trial_survives_pickle_with_its_exclusions_and_metadata(plots: pd.DataFrame) -> None:
    """A notebook saving its trial (pickle, joblib) got "cannot pickle 'mappingproxy'"."""
    trial = _trial(plots).exclude(101, reason="lodged")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        means = trial.means()
        restored = pickle.loads(pickle.dumps(trial))  # noqa: S301  # our own bytes
        pd.testing.assert_frame_equal(restored.means(), means)  # same fit, rebuilt
    assert restored.exclusions == (("101", "lodged"),)
    assert dict(restored.metadata) == {"title": "wheat yield test"}
    with pytest.raises(TypeError):  # still read-only after the round trip
        restored.metadata["title"] = "changed"  # type: ignore[index]


def test_a_deep_copy_of_a_trial_is_independent(plots: pd.DataFrame) -> None:
    """copy.deepcopy raised the same TypeError; the copy's plot table is its own."""
    trial = _trial(plots)
    copied = copy.deepcopy(trial)
    assert copied.plots is not trial.plots
    pd.testing.assert_frame_equal(copied.yields(), trial.yields())
    assert copied.metadata == trial.metadata


def test_a_pickle_leaves_the_kept_tables_behind(plots: pd.DataFrame) -> None:
    """The memoised tables are rebuilt on use, not written into the pickle."""
    trial = _trial(plots)
    trial.yields()
    state = trial.__getstate__()
    assert "_yields_memo" in trial.__dict__
    assert "_yields_memo" not in state
    assert isinstance(state["metadata"], dict)


# ------------------------------------------------------------------ Fraction cells


@pytest.mark.parametrize("column", ["fresh_mass_kg", "moisture_pct", "harvested_area_m2"])
def test_fraction_cells_are_read_as_the_numbers_they_are(plots: pd.DataFrame, column: str) -> None:
    """Fraction cells gave "non-numeric value" for the mass and moisture (Decimal worked).

    Each Fraction is the exact value of the CSV text, so the yields equal those of the
    float table (independent path: the unchanged example).
    """
    exact = plots.copy()
    exact[column] = pd.Series([Fraction(str(v)) for v in plots[column]], dtype=object)
    before = _fingerprint(exact)
    got = _trial(exact).yields()["yield_kg_ha"]
    np.testing.assert_allclose(got, _trial(plots).yields()["yield_kg_ha"], rtol=1e-12)
    assert _fingerprint(exact) == before  # the caller's frame is untouched


def test_a_fraction_beyond_float_range_names_its_cell(plots: pd.DataFrame) -> None:
    """Fraction(10**400) overflows float(): the cell is named, not an OverflowError."""
    huge = plots.copy()
    huge["fresh_mass_kg"] = pd.Series(
        [Fraction(10**400), *plots["fresh_mass_kg"].iloc[1:]], dtype=object
    )
    with pytest.raises(DataValidationError, match=r"fresh_mass_kg index 0 \(plot '101'\)"):
        _trial(huge)


# ------------------------------------------------------------------ exclusions


@pytest.mark.parametrize("reason", [None, float("nan"), pd.NA])
def test_an_exclusion_without_a_reason_is_refused(plots: pd.DataFrame, reason: object) -> None:
    """reason=None was stored as the text 'None' (and NaN as 'nan') and printed in the report."""
    trial = _trial(plots)
    with pytest.raises(DataValidationError, match=r"excluding plot '101' needs a reason"):
        trial.exclude(101, reason=reason)  # type: ignore[arg-type]
    assert trial.exclusions == ()


# ------------------------------------------------------------------ float16 measurements


def test_a_float16_mass_column_warns_that_its_digits_are_gone(plots: pd.DataFrame) -> None:
    """float16 held 14.35 kg as 14.3515625 and the yields moved silently; now it warns.

    The yields are those of the values as held (the lost digits cannot be recovered);
    float32 keeps about 7 digits and is read without a warning.
    """
    half = plots.assign(fresh_mass_kg=plots["fresh_mass_kg"].astype("float16"))
    before = _fingerprint(half)
    with pytest.warns(
        yt.YieldTrialWarning,
        match=r"fresh_mass_kg is float16 \(fresh_mass_kg "
        r"14\.35 is held as 14\.3515625\), which keeps about 3 significant",
    ):
        yt.read_plots(half)
    assert _fingerprint(half) == before
    single = plots.assign(fresh_mass_kg=plots["fresh_mass_kg"].astype("float32"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yt.read_plots(single)


def test_the_float16_warning_has_its_chinese_line() -> None:
    """The report translates the warning (the purity check is in test_report_zh_warnings)."""
    from yieldtrial.report.i18n import translate_message

    english = (
        "fresh_mass_kg, moisture_pct are float16 (fresh_mass_kg 14.35 is held as 14.3515625), "
        "which keeps about 3 significant digits: the yields and statistics carry that "
        "rounding. Read the values again as float64 from their source (astype('float64') "
        "cannot restore the lost digits)"
    )
    assert translate_message(english, "zh").startswith("有测量列以半精度浮点数存储")


# ------------------------------------------------------------------ load_example


def test_load_example_names_itself_for_an_unknown_setting() -> None:
    """A typo escaped as "FieldTrial.from_csv() got an unexpected keyword argument"."""
    from yieldtrial.datasets import load_example
    from yieldtrial.errors import WrongTypeError

    with pytest.raises(
        WrongTypeError,
        match=r"load_example\(\) got an unknown setting 'moisture_methd' \(did you mean "
        r"'moisture_method'\?\); its settings: crop, control, .*moisture_method",
    ):
        load_example("replicated-rcbd", moisture_methd="percentage_point")


def test_another_trials_excluded_plots_table_feeds_replace(plots: pd.DataFrame) -> None:
    """replace(exclusions=other.excluded_plots) raised pandas' "truth value ... ambiguous"."""
    trial = _trial(plots)
    marked = trial.exclude(101, reason="lodged").exclude(202, reason="typed twice")
    table = marked.excluded_plots
    before = _fingerprint(table)
    assert trial.replace(exclusions=table).exclusions == marked.exclusions
    assert _fingerprint(table) == before


def test_an_exclusions_table_without_reasons_is_refused(plots: pd.DataFrame) -> None:
    trial = _trial(plots)
    with pytest.raises(DataValidationError, match=r"needs plot_id and reason columns"):
        trial.replace(exclusions=plots[["plot_id"]])


@pytest.mark.parametrize("exclusions", [5, [5], "101"])
def test_exclusions_that_are_not_pairs_are_refused(plots: pd.DataFrame, exclusions: object) -> None:
    """5 and [5] escaped as "object of type 'int' has no len()" / "not iterable"."""
    with pytest.raises(DataValidationError, match=r"\(plot_id, reason\)"):
        _trial(plots).replace(exclusions=exclusions)


def test_a_nan_reason_given_to_replace_is_no_reason(plots: pd.DataFrame) -> None:
    """(101, nan), a reasons column with an empty cell, was stored as the reason 'nan'."""
    with pytest.raises(DataValidationError, match=r"excluding plot '101' needs a reason"):
        _trial(plots).replace(exclusions=[(101, float("nan"))])


def test_replace_refuses_metadata_that_is_not_a_mapping(plots: pd.DataFrame) -> None:
    """replace(metadata=[1]) escaped as dict()'s TypeError; from_dataframe already refused it."""
    with pytest.raises(DataValidationError, match=r"metadata must be a mapping .*got list"):
        _trial(plots).replace(metadata=[1])


# ------------------------------------------------------------------ efficiency inputs


def test_decimal_yields_feed_the_economics_table() -> None:
    """A Decimal yield was "not a number" in efficiency/economics (FieldTrial reads Decimal).

    Same table as for the floats: the Decimal is the float's exact decimal text.
    """
    from decimal import Decimal

    fertilizer = {
        "CK": {"product": "urea", "rate_kg_mu": 0},
        "N1": {"product": "urea", "rate_kg_mu": 10},
    }
    floats = pd.Series({"CK": 6000.0, "N1": 6500.0})
    decimals = floats.map(lambda v: Decimal(str(v)))
    settings = {"control": "CK", "grain_price_per_kg": 2.4, "currency": "CNY"}
    settings["prices"] = {"urea": 2.0}
    expected = yt.economics_table(floats, fertilizer, **settings)
    pd.testing.assert_frame_equal(yt.economics_table(decimals, fertilizer, **settings), expected)
    assert isinstance(decimals.iloc[0], Decimal)  # the caller's Series is untouched


# ------------------------------------------------------------------ missing labels


@pytest.mark.parametrize(
    ("column", "spoil"),
    [
        ("treatment", lambda s: pd.Categorical(s.where(s.index != 3))),
        ("block", lambda s: pd.Categorical(s.where(s.index != 3))),
        ("plot_id", lambda s: s.astype("Int64").where(s.index != 3, pd.NA)),
    ],
    ids=["category treatment", "category block", "Int64 plot_id"],
)
def test_a_missing_label_in_a_typed_column_is_empty_not_text(
    plots: pd.DataFrame, column: str, spoil: object
) -> None:
    """Under pandas < 3 a category/Int64 column's missing cell became a treatment 'nan'.

    (or a plot '<NA>'): the trial had a fourth treatment made of one plot.
    """
    spoiled = plots.copy()
    spoiled[column] = spoil(plots[column])  # type: ignore[operator]
    before = _fingerprint(spoiled)
    with pytest.raises(DataValidationError, match=rf"{column} is empty in index 3; every plot"):
        _trial(spoiled)
    assert _fingerprint(spoiled) == before


# ------------------------------------------------------------------ yields() fed back


def test_yields_of_another_moisture_method_fed_back_warn(plots: pd.DataFrame) -> None:
    """yields() of a percentage-point trial, read again as dry matter, changed silently.

    With the table's own method the yields are the table's (a round trip); with another
    the warning names both methods and the setting that keeps the table's yields.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = yt.FieldTrial.from_dataframe(
            plots, crop="wheat", control="CK1", moisture_method="percentage_point"
        ).yields()
        same = yt.FieldTrial.from_dataframe(
            table, crop="wheat", control="CK1", moisture_method="percentage_point"
        )
    np.testing.assert_allclose(same.yields()["yield_kg_ha"], table["yield_kg_ha"], rtol=1e-12)
    with pytest.warns(
        yt.YieldTrialWarning,
        match=r"computed with moisture_method percentage_point .*recomputed with dry_matter "
        r".*set the moisture method to percentage_point",
    ):
        yt.FieldTrial.from_dataframe(table, crop="wheat", control="CK1")
