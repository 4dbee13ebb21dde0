"""Stop 48: the API under a user's global settings, in threads and with other frame types.

A script (``/tmp/chain53/``) ran the main user paths (``from_csv`` / ``from_dataframe`` ->
``yields``, ``anova``, ``means``, ``compare_to_control``, letters, ``report`` in five
formats; ``analyze_many`` and its exports; ``load_example``; the design generators ->
``FieldTrial``; REML) under warnings as errors or ignored, NumPy and pandas options, time
zones and ``SOURCE_DATE_EPOCH``, in threads and spawned processes, and with frames of other
kinds, and compared numbers and files with a clean run.  Each test pins one case that
escaped; each checks that the caller's global settings are as they were.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.datasets import example_path, load_example

_T = TypeVar("_T")


@pytest.fixture(scope="module")
def plots() -> pd.DataFrame:
    """Read the shipped replicated RCBD (3 treatments x 4 blocks) as a notebook does."""
    return pd.read_csv(example_path("replicated-rcbd"))


@pytest.fixture(scope="module")
def network() -> pd.DataFrame:
    """Read the shipped site network (4 sites, RCBD each) as a notebook does."""
    return pd.read_csv(example_path("site-network"))


def _quiet(run: Callable[[], _T]) -> _T:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", yt.YieldTrialWarning)  # the small examples' df
        return run()


def _means(data: pd.DataFrame) -> pd.DataFrame:
    return yt.FieldTrial.from_dataframe(data, crop="wheat", control="CK1").means()


def _dry(plots: pd.DataFrame) -> pd.DataFrame:
    """Return the plots harvested at 5 % moisture: each read warns (wheat: 8-25 %)."""
    return plots.assign(moisture_pct=5.0)


# ------------------------------------------------------------------ threads


def test_two_trials_in_threads_leave_the_warning_filters_as_they_were(plots: pd.DataFrame) -> None:
    """The caller's filter list kept one of yieldtrial's "always" filters after the threads.

    ``catch_warnings`` blocks of two threads interleaved their saves and restores; they now
    run one at a time.  Each thread still gets its own trial's means (independent path: the
    same trial analysed alone, before the threads).
    """
    other = plots.assign(fresh_mass_kg=plots["fresh_mass_kg"] * 1.1)
    want = {"a": _means(plots), "b": _means(other)}
    before = list(warnings.filters)
    with ThreadPoolExecutor(2) as pool:  # compared afterwards: pandas' checks hold warnings
        got = list(pool.map(_means, [plots, other] * 4))
    assert warnings.filters == before
    for key, frame in zip("ab" * 4, got, strict=True):
        pd.testing.assert_frame_equal(frame, want[key])


def test_a_warning_of_a_thread_is_shown_once_for_each_call(plots: pd.DataFrame) -> None:
    """Each of 8 reads that warn, in threads beside 8 that do not, warns once.

    4 of the 8 warnings arrived: one thread's block recorded the other thread's warning,
    and its restore dropped it.
    """
    dry = _dry(plots)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ThreadPoolExecutor(2) as pool:
            jobs = [pool.submit(_means, frame) for frame in [dry, plots] * 8]
            for job in jobs:
                job.result()
    texts = [str(w.message) for w in caught if issubclass(w.category, yt.YieldTrialWarning)]
    assert len([t for t in texts if "outside the plausible harvest range" in t]) == 8


# ------------------------------------------------------------------ NumPy's error state


def test_means_under_numpy_raise_are_the_default_means() -> None:
    """``np.seterr(all="raise")`` made ``means()`` of a split plot raise FloatingPointError.

    An underflow to zero inside the studentized range (Tukey letters; NumPy ignores
    underflows by default) escaped as "underflow encountered in exp".  FieldTrial computes
    under NumPy's defaults; the caller's setting is back afterwards (independent path: the
    means computed under the default error state).
    """
    gomez = pd.read_csv(example_path("gomez-rice-split-plot"))
    gomez["plot_id"] = [f"p{i}" for i in range(len(gomez))]
    settings: dict[str, Any] = {"crop": "rice_indica", "design": "split_plot"}
    settings["factors"] = ("nitrogen", "variety")
    trial = yt.FieldTrial.from_dataframe(gomez, **settings)
    want = trial.replace().means()
    with np.errstate(all="raise"):
        got = trial.replace().means()
        assert set(np.geterr().values()) == {"raise"}
    pd.testing.assert_frame_equal(got, want)


# ------------------------------------------------------------------ a caveat only in a warning


def test_the_report_lists_the_reading_warnings_the_command_lists() -> None:
    """The report of a trial lists its reading's warnings, as ``yieldtrial report`` does.

    Under ``simplefilter("ignore")`` the caveat "moisture outside the plausible range" was
    nowhere: ``trial.report()`` left out the warnings of reading the table, which the
    command lists in the data-quality section (independent path: the command's report of
    the same files, `yieldtrial report plots.csv --config trial.toml`, has the same line).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trial = load_example("jinzhong-2024")
        text = trial.report(figures=False).to_markdown()
        in_ha = trial.replace(unit="kg/ha").report(figures=False).to_markdown()
    assert "> - moisture\\_pct outside the plausible harvest range for wheat (8-25 %)" in text
    assert "plausible harvest range" in in_ha  # kept by a copy of the same table


def test_the_report_of_a_trial_read_cleanly_adds_nothing() -> None:
    """A table that read without a word gets no data-quality line from its reading.

    (The Jinzhong demonstration at a plausible 13 % moisture: one plot per treatment,
    a quick report.)
    """
    plain = pd.read_csv(example_path("jinzhong-2024")).assign(moisture_pct=13.0)
    trial = _quiet(lambda: yt.FieldTrial.from_dataframe(plain, crop="wheat", control="CK1"))
    assert trial._data_notes() == []
    given = _quiet(lambda: trial.report(figures=False, extra_warnings=()).to_markdown())
    assert _quiet(lambda: trial.report(figures=False).to_markdown()) == given


# ------------------------------------------------------------------ reproducible dates


def test_source_date_epoch_dates_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """``SOURCE_DATE_EPOCH`` dates a report, in any time zone.

    A report built twice on different days differed in its date (and the Word and Excel
    files' dates); 1700000000 s is 2023-11-14 22:13:20 UTC (``date -u -d @1700000000``).
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: already 2023-11-15 there
    plain = pd.read_csv(example_path("jinzhong-2024")).assign(moisture_pct=13.0)
    trial = _quiet(lambda: yt.FieldTrial.from_dataframe(plain, crop="wheat", control="CK1"))
    report = _quiet(lambda: trial.report(figures=False))
    assert report.to_dict()["metadata"]["report_date"] == "2023-11-14"


# ------------------------------------------------------------------ dask frames in analyze_many


def _network(data: Any) -> Any:
    options: dict[str, Any] = {"by": "site", "response": "yield_kg_ha", "block": "block"}
    return _quiet(lambda: yt.analyze_many(data, treatment="treatment", control="CK", **options))


def test_a_dask_frame_reads_a_spaced_label_as_a_pandas_frame_does(network: pd.DataFrame) -> None:
    """A dask frame's labels are read as a pandas frame's are.

    'N1 ' and a site 'B ' in a dask frame were a treatment and a site of their own (the
    rule of stop 47 covered pandas frames); the result is now the clean labels' result.
    """
    dd = pytest.importorskip("dask.dataframe")
    spaced = network.copy()
    at_b = spaced["site"] == "B"
    spaced.loc[at_b, "treatment"] = spaced.loc[at_b, "treatment"] + " "
    spaced.loc[at_b, "site"] = "B "
    got = _network(dd.from_pandas(spaced, npartitions=2))
    want = _network(network)
    pd.testing.assert_frame_equal(got.to_frame("treatments"), want.to_frame("treatments"))
    assert sorted(got.per_trial["site"]) == ["A", "B", "C", "D"]


def test_a_dask_frame_names_labels_merged_beyond_spaces(network: pd.DataFrame) -> None:
    """A full-width 'ＣＫ' in a dask frame is the check 'CK'.

    With the pandas frame's warning, at the caller's line.
    """
    dd = pytest.importorskip("dask.dataframe")
    wide = network.copy()
    wide["treatment"] = wide["treatment"].where(
        (wide["site"] == "A") | (wide["treatment"] != "CK"), "ＣＫ"
    )
    options: dict[str, Any] = {"by": "site", "response": "yield_kg_ha", "block": "block"}
    with pytest.warns(
        yt.YieldTrialWarning, match=r"treatment 'ＣＫ' and 'CK' are read as 'CK'"
    ) as caught:
        warnings.simplefilter("ignore", yt.YieldTrialWarning)  # the small trials' df
        warnings.filterwarnings("always", message=r"labels written with full-width")
        frame = dd.from_pandas(wide, npartitions=2)
        got = yt.analyze_many(frame, treatment="treatment", control="CK", **options)
    assert [w.filename for w in caught if "full-width" in str(w.message)] == [__file__]
    pd.testing.assert_frame_equal(
        got.to_frame("treatments"), _network(network).to_frame("treatments")
    )


# ------------------------------------------------------------------ the caller's settings


def _settings() -> tuple[Any, ...]:
    options = ("display.precision", "display.float_format", "display.max_rows")
    return (
        list(warnings.filters),
        np.geterr(),
        np.get_printoptions(),
        {name: pd.get_option(name) for name in options},
    )


def test_a_user_path_leaves_the_callers_settings_as_they_were(plots: pd.DataFrame) -> None:
    """A user's path gives the clean numbers and changes none of the caller's settings.

    Under warnings as errors (yieldtrial's own ignored), NumPy raising and pandas display
    options, a read, the means with letters, Dunnett and a report give the clean run's
    numbers and text (independent path: the same calls without the settings).
    """

    def path() -> tuple[pd.DataFrame, pd.DataFrame, str]:
        trial = yt.FieldTrial.from_dataframe(plots, crop="wheat", control="CK1")
        table = trial.compare_to_control()
        text = trial.report(figures=False, report_date="2024-06-01").to_markdown()
        return trial.means(letters="tukey"), table, text

    want = _quiet(path)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", yt.YieldTrialWarning)
        with pd.option_context("display.precision", 1, "display.float_format", "{:.1f}".format):
            before = _settings()
            got = path()
            assert _settings() == before
    pd.testing.assert_frame_equal(got[0], want[0])
    pd.testing.assert_frame_equal(got[1], want[1])
    assert got[2] == want[2]


# ------------------------------------------------------------------ figures in threads


def test_figures_drawn_in_threads_leave_matplotlibs_settings(plots: pd.DataFrame) -> None:
    """Figures drawn in threads are the figures drawn alone; ``rcParams`` are the caller's.

    Matplotlib's ``rc_context`` saves and restores the process-wide ``rcParams``; two
    threads' fonts blocks interleaved, so a report's figure was drawn with the other
    thread's settings (381.1 pt wide instead of 379.0, 1 of 3 runs of 20 reports) and the
    caller could keep yieldtrial's fonts.  Independent path: the same figures drawn one by
    one before the threads.
    """
    mpl = pytest.importorskip("matplotlib")
    from yieldtrial import plotting

    means = _quiet(lambda: _means(plots))
    zh = means.assign(treatment=["对照一", "对照二", "处理"][: len(means)])

    def svg(frame: pd.DataFrame) -> str:
        figure = plotting.plot_means(frame, mean="yield_kg_ha")
        try:
            return plotting.figure_to_svg(figure)
        finally:
            mpl.pyplot.close(getattr(figure, "figure", figure))

    want = [svg(means), svg(zh)]
    before = dict(mpl.rcParams)
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(svg, [means, zh] * 3))
    assert dict(mpl.rcParams) == before
    assert got == want * 3


# ------------------------------------------------------------------ a dependency's own warning


def test_an_alpha_lattice_builds_under_warnings_as_errors() -> None:
    """Under ``simplefilter("error")`` an alpha-lattice trial raised pandas' own warning.

    pandas 2.0 with NumPy 1.25 warns "np.find_common_type is deprecated" from inside
    ``Series.isin``; the repeated-entries check of an alpha design (and two checks of
    augmented designs and network reports) called it directly instead of the shim that
    silences it, so the oldest supported versions raised a DeprecationWarning from
    ``from_dataframe``.  Independent path: the trial built under the default filters.
    """
    oats = pd.read_csv(example_path("john-williams-alpha-oats"))
    roles = {"gen": "treatment", "rep": "block", "block": "incomplete_block", "plot": "plot_id"}
    data = oats.rename(columns={**roles, "yield": "yield_t_ha"})
    settings: dict[str, Any] = {"crop": "oats", "standard_moisture_pct": 13.0, "unit": "t/ha"}

    def build() -> yt.FieldTrial:
        return yt.FieldTrial.from_dataframe(data, design="alpha", control="G01", **settings)

    want = _quiet(build).yields()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", yt.YieldTrialWarning)
        got = build().yields()
    pd.testing.assert_frame_equal(got, want)
