"""Stop 47: the API fed its own outputs, and hostile values through those chains.

A script (``/tmp/chain52/``) fed each public function what the call a user makes before
it returns (``yields()`` into ``from_dataframe``, a result frame into ``analyze_many``,
a trial into ``report(config)``, results pickled, copied and compared) and then the same
chains with labels, dtypes, missing values and indexes a notebook produces.  Each test
pins one case that escaped; each checks that the caller's objects are unchanged.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.datasets import example_path

_T = TypeVar("_T")


@pytest.fixture(scope="module")
def plots() -> pd.DataFrame:
    """Read the shipped replicated RCBD (3 treatments x 4 blocks) as a notebook does."""
    return pd.read_csv(example_path("replicated-rcbd"))


@pytest.fixture(scope="module")
def network() -> pd.DataFrame:
    """Read the shipped site network (4 sites, RCBD each) as a notebook does."""
    return pd.read_csv(example_path("site-network"))


def _fingerprint(frame: pd.DataFrame) -> tuple[int, list[str], list[str]]:
    hashed = int(pd.util.hash_pandas_object(frame, index=True).sum())
    return hashed, list(map(str, frame.columns)), list(map(str, frame.dtypes))


def _quiet(run: Callable[[], _T]) -> _T:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", yt.YieldTrialWarning)  # the small examples' df
        return run()


def _network(data: pd.DataFrame, **settings: Any) -> Any:
    options: dict[str, Any] = {"by": "site", "response": "yield_kg_ha"}
    options |= {"treatment": "treatment", "block": "block", "control": "CK"}
    return _quiet(lambda: yt.analyze_many(data, **(options | settings)))


# ------------------------------------------------------------------ comparing results


def test_a_network_result_compares_with_its_copy(network: pd.DataFrame) -> None:
    """A result == its deep copy raised pandas' "truth value of a DataFrame is ambiguous".

    Results compare by identity, as FieldTrial, AnovaResult and Diagnostics do; hash()
    raised "unhashable type: 'DataFrame'".
    """
    result = _network(network)
    copied = copy.deepcopy(result)
    assert result == result and result != copied  # identity
    assert result.summary is not None
    assert result.summary != copy.deepcopy(result.summary)
    assert hash(result) == hash(result) and hash(result.summary) == hash(result.summary)
    assert len({result, copied}) == 2


def test_a_stability_result_compares_with_its_copy(network: pd.DataFrame) -> None:
    """StabilityResult (and its AMMI, GGE, BLUP parts) had the same ValueError."""
    result = _quiet(
        lambda: yt.stability(
            network, env="site", treatment="treatment", response="yield_kg_ha", block="block"
        )
    )
    assert result != copy.deepcopy(result)
    assert result == result
    assert hash(result) == hash(result)


# ------------------------------------------------------------------ pd.NA cells


@pytest.mark.parametrize("column", ["fresh_mass_kg", "moisture_pct"])
def test_pd_na_in_an_object_column_is_an_empty_cell(plots: pd.DataFrame, column: str) -> None:
    """pd.NA in an object column was "non-numeric value <NA>; leave the cell empty".

    (A frame built from records, or ``frame.loc[4, col] = pd.NA`` on a text column.)  It
    is the empty cell NaN and None already were: the same plot missing, the same yields
    as with NaN (independent path: the table with NaN).
    """
    spoiled = plots.copy()
    spoiled[column] = spoiled[column].astype(object)
    spoiled.loc[4, column] = pd.NA
    before = _fingerprint(spoiled)
    with_nan = plots.copy()
    with_nan.loc[4, column] = np.nan
    if column == "fresh_mass_kg":  # a missing plot
        got = _quiet(lambda: yt.FieldTrial.from_dataframe(spoiled, crop="wheat").yields())
        want = _quiet(lambda: yt.FieldTrial.from_dataframe(with_nan, crop="wheat").yields())
        pd.testing.assert_series_equal(got["yield_kg_ha"], want["yield_kg_ha"])
    else:  # a mass without its moisture: the error NaN gives
        with pytest.raises(
            yt.DataValidationError,
            match=r"moisture_pct is empty for index 4 \(plot '202'\), which has",
        ):
            yt.FieldTrial.from_dataframe(spoiled, crop="wheat")
    assert _fingerprint(spoiled) == before


# ------------------------------------------------------------------ a description of another crop


def test_a_description_of_another_crop_says_it_replaces_the_trials(plots: pd.DataFrame) -> None:
    """A maize trial reported with a wheat trial.toml became wheat at 13 % without a word.

    The description's crop still wins (documented: its settings replace the trial's), but
    the warning names both crops and both standard moistures (maize at the given 15.5 %,
    wheat's 13 % from the cn-yield-test protocol), and the report lists it.
    """
    trial = _quiet(
        lambda: yt.FieldTrial.from_dataframe(
            plots, crop="maize", control="CK1", standard_moisture_pct=15.5
        )
    )
    config = yt.TrialConfig(crop="wheat")
    with pytest.warns(
        yt.YieldTrialWarning,
        match=r"the description's crop 'wheat' replaces the trial's crop 'maize': the yields "
        r"are at 13 % moisture instead of the trial's 15.5 %\. If the trial is maize, give "
        r"the description its crop \(config.override\(crop='maize'\)",
    ) as caught:
        report = trial.report(config, figures=False)
    assert caught[0].filename == __file__  # the user's line
    assert "the trial's crop 'maize'" in report.to_markdown()
    assert trial.crop == "maize" and trial.standard_moisture_pct == 15.5  # unchanged


def test_a_description_of_the_same_crop_is_silent(plots: pd.DataFrame) -> None:
    """The crop given twice alike (an alias too) replaces nothing, so nothing is said."""
    trial = _quiet(lambda: yt.FieldTrial.from_dataframe(plots, crop="wheat", control="CK1"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trial.report(yt.TrialConfig(crop="小麦"), figures=False)
    assert not [w for w in caught if "replaces the trial's crop" in str(w.message)]


# ------------------------------------------------------------------ labels in analyze_many


def test_analyze_many_reads_a_spaced_label_as_the_command_does(network: pd.DataFrame) -> None:
    """'N1 ' at one site (and a site 'B ') was a treatment (a site) of its own, silently.

    ``yieldtrial network`` reads the files' labels as the plot-table reader does; the
    frame of a notebook now gets the same reading: the same result as the clean labels.
    """
    spaced = network.copy()
    at_b = spaced["site"] == "B"
    spaced.loc[at_b, "treatment"] = spaced.loc[at_b, "treatment"] + " "
    spaced.loc[at_b, "site"] = "B "
    before = _fingerprint(spaced)
    got = _network(spaced)
    want = _network(network)
    pd.testing.assert_frame_equal(got.to_frame("treatments"), want.to_frame("treatments"))
    assert got.per_trial["site"].tolist() == want.per_trial["site"].tolist()
    assert _fingerprint(spaced) == before


def test_analyze_many_names_labels_merged_beyond_spaces(network: pd.DataFrame) -> None:
    """A full-width 'ＣＫ' at three sites is the check 'CK', with the reader's warning."""
    wide = network.copy()
    wide["treatment"] = wide["treatment"].where(
        (wide["site"] == "A") | (wide["treatment"] != "CK"), "ＣＫ"
    )
    before = _fingerprint(wide)
    options: dict[str, Any] = {"by": "site", "response": "yield_kg_ha", "block": "block"}
    with pytest.warns(
        yt.YieldTrialWarning, match=r"treatment 'ＣＫ' and 'CK' are read as 'CK'"
    ) as caught:
        warnings.simplefilter("ignore", yt.YieldTrialWarning)  # the small trials' df
        warnings.filterwarnings("always", message=r"labels written with full-width")
        got = yt.analyze_many(wide, treatment="treatment", control="CK", **options)
    assert [w.filename for w in caught if "full-width" in str(w.message)] == [__file__]
    assert got.summary is not None
    pd.testing.assert_frame_equal(got.summary.means, _network(network).summary.means)
    assert _fingerprint(wide) == before


# ------------------------------------------------------------------ yields() of an excluded plot


def test_yields_of_an_excluded_plot_read_again_warn(plots: pd.DataFrame) -> None:
    """yields() leaves an excluded plot's yield empty; read again the plot came back silently.

    The table's yields are recomputed from its harvest records, so plot 101 (CK2, block
    B1) was in the means again: CK2 6,763.0 -> 6,719.5 kg/ha (the means of the trial
    without any exclusion).  It now warns, naming the plot and how to exclude it again;
    excluded again, nothing is said and the means are those of the excluded trial.
    """
    trial = _quiet(lambda: yt.FieldTrial.from_dataframe(plots, crop="wheat", control="CK1"))
    excluded = trial.exclude(101, reason="lodged")
    table = excluded.yields()
    before = _fingerprint(table)
    with pytest.warns(
        yt.YieldTrialWarning,
        match=r"plot '101': yield_kg_ha is empty in the table but the harvest records give a "
        r"yield, which is analysed .* exclude the plot again \(trial\.exclude\(plot, reason",
    ):
        again = yt.FieldTrial.from_dataframe(table, crop="wheat", control="CK1")
    assert _fingerprint(table) == before
    means = _quiet(lambda: again.means().set_index("treatment")["yield_kg_ha"])
    pd.testing.assert_series_equal(
        means, _quiet(lambda: trial.means().set_index("treatment")["yield_kg_ha"])
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", yt.YieldTrialWarning)
        warnings.filterwarnings("ignore", message=r"only 6 error degrees")
        restored = again.replace(exclusions=excluded.excluded_plots)
        pd.testing.assert_frame_equal(restored.means(), excluded.means())


def test_a_missing_plot_in_a_yields_table_is_not_named(plots: pd.DataFrame) -> None:
    """A plot without harvest records has an empty yield for that reason: no warning."""
    spoiled = plots.copy()
    spoiled.loc[0, ["fresh_mass_kg", "moisture_pct", "impurity_pct"]] = np.nan
    table = _quiet(lambda: yt.FieldTrial.from_dataframe(spoiled, crop="wheat").yields())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yt.FieldTrial.from_dataframe(table, crop="wheat")
    assert not [w for w in caught if "is empty in the table" in str(w.message)]
