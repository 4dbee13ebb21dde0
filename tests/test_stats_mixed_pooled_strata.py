"""A variance component at zero that pools an error stratum is said in a warning (issue 15).

The published rice split plot of Gomez & Gomez (1984, nitrogen whole plots x varieties,
3 blocks; ``yieldtrial.datasets.example_path("gomez-rice-split-plot")``) has an error (a)
mean square (141,968) below error (b)'s (349,580).  Complete, the trial keeps the stratum
ANOVA (nitrogen F = 42.87 on 5 and 10 df, as the book).  With sub-plots deleted it is
fitted by REML, which holds the whole-plot variance at zero; the whole-plot stratum then
pools with the sub-plot one and nitrogen is tested on the pooled error, as lmerTest does
(one sub-plot deleted: F = 20.11 on 44.995 df).
:func:`yieldtrial.stats.mixed.pooled_strata_messages` says so; :meth:`FieldTrial.anova` and
:func:`mixed_model` warn with it.

Expected F and df are R's (lme4 1.1-31, lmerTest 3.1-3, pbkrtest 0.5.2:
``tests/data/r_reference_trials/reference.csv``, cases ``gomez_sp_m1`` (II/N2:V3 deleted)
and ``gomez_sp_m3_same_wp`` (I/N3: V1, V2, V4 deleted)); the book's ANOVA is from
``tests/test_stats_splitplot.py`` (Gomez & Gomez Table 3.8).

Which components warn: a split plot's whole-plot variance, a strip plot's two strip
variances (a factor is tested against each stratum).  Not the blocks of an RCBD, nor the
incomplete blocks of an alpha-lattice (nothing is tested against the block stratum; at zero
there is no inter-block recovery, the classical lattice analysis's fallback too), nor a
split plot's blocks; the methods text names those.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from r_tables import read_reference, select
from yieldtrial import FieldTrial
from yieldtrial.datasets import example_path
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.stats.mixed import mixed_model, pooled_strata_messages

DATA = Path(__file__).parent / "data" / "r_reference_trials"
GOMEZ_FACTORS = ("nitrogen", "variety")


@functools.cache
def _reference() -> pd.DataFrame:
    return read_reference(DATA / "reference.csv")


def _r_test(case: str, ddf: str = "satterthwaite") -> tuple[float, float]:
    """R's F and denominator df of nitrogen in ``case`` (lmerTest / pbkrtest)."""
    f = select(_reference(), case, "anova", "F", ddf=ddf)["nitrogen"]
    den = select(_reference(), case, "anova", "den_df", ddf=ddf)["nitrogen"]
    return float(f), float(den)


def _caught(run: Callable[[], Any]) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = run()
    return value, [str(w.message) for w in caught if issubclass(w.category, YieldTrialWarning)]


def _rice_fit(plots: pd.DataFrame, **kw: Any) -> tuple[Any, list[str]]:
    """``mixed_model`` of a split plot and its warnings (the rice trial's columns by default).

    ``kw`` overrides the defaults; another ``design`` (strip plot) takes only the response
    and block defaults, its factors from ``kw``.
    """
    args: dict[str, Any] = {"response": "yield_kg_ha", "block": "block"}
    if kw.get("design", "split_plot") == "split_plot":
        args.update(design="split_plot", whole_plot="nitrogen", sub_plot="variety")
    args.update(kw)
    return _caught(lambda: mixed_model(plots, **args))


def _gomez_trial(case: str) -> FieldTrial:
    return FieldTrial(
        pd.read_csv(DATA / f"{case}.csv"),
        crop="rice_indica",
        design="split_plot",
        factors=GOMEZ_FACTORS,
    )


def _complete_gomez() -> pd.DataFrame:
    plots = pd.read_csv(example_path("gomez-rice-split-plot"))
    # the shipped ids are 1-72 (stop 48); these name the cell
    plots["plot_id"] = plots["block"] + "-" + plots["nitrogen"] + "-" + plots["variety"]
    return plots


@pytest.mark.parametrize("case", ["gomez_sp_m1", "gomez_sp_m3_same_wp"])
def test_rice_split_plot_with_subplots_deleted_warns_naming_the_component(case: str) -> None:
    """One (II/N2:V3) and three (I/N3: V1, V2, V4) sub-plots deleted: one warning."""
    anova, messages = _caught(_gomez_trial(case).anova)
    assert type(anova).__name__ == "MixedModelFit"
    (message,) = messages
    f, den = _r_test(case)  # gomez_sp_m1: 20.111906701568419 on 44.995228713394873 df
    assert message.startswith(
        "REML estimates the whole-plot variance (Blocks x nitrogen; block:nitrogen in "
        "variance_components) at zero, so the whole-plot "
        "error (error_a) is pooled with the sub-plot error (error_b): the F test of nitrogen "
        f"uses the pooled error with Satterthwaite df (F = {f:.2f} on 5 and {den:.1f} df)"
    ), message
    assert "compare with the stratum ANOVA of the complete data" in message


def test_rice_numbers_in_the_warning_are_lmertest_s() -> None:
    """The warning's F and df are the table's, which equal lmerTest's (20.11 on 45.0)."""
    _, (message,) = _caught(_gomez_trial("gomez_sp_m1").anova)
    assert "(F = 20.11 on 5 and 45.0 df)" in message


def test_kenward_roger_warning_names_its_df() -> None:
    """``ddf="kenward-roger"``: the same pooled F (20.09), on pbkrtest's 9.91 df."""
    plots = pd.read_csv(DATA / "gomez_sp_m1.csv")
    _, messages = _rice_fit(plots, ddf="kenward-roger")
    f, den = _r_test("gomez_sp_m1", "kenward-roger")  # 20.090816500370423 on 9.9091541310330218
    (message,) = messages
    assert f"with Kenward-Roger df (F = {f:.2f} on 5 and {den:.1f} df)" in message


def test_complete_rice_split_plot_gives_the_book_anova_and_no_warning() -> None:
    """No plot missing: the stratum ANOVA (nitrogen F = 42.87 on 5 and 10 df), no warning."""
    trial = FieldTrial(
        _complete_gomez(), crop="rice_indica", design="split_plot", factors=GOMEZ_FACTORS
    )
    anova, messages = _caught(trial.anova)
    assert messages == []
    row = anova.table.set_index("source").loc["nitrogen"]
    # Gomez & Gomez Table 3.8: nitrogen MS 6,085,840 / error (a) MS 141,968 = 42.87 on 5, 10 df
    assert round(float(row["f"]), 2) == 42.87
    assert anova.table.set_index("source").loc["error_a", "df"] == 10


def test_mixed_model_of_complete_data_warns_too() -> None:
    """REML of the complete data pools the stratum as well (lmerTest: 19.99 on 46 df)."""
    plots = _complete_gomez()
    _, (message,) = _rice_fit(plots)
    # docs/mixed-models.md: lmerTest on the complete data, F = 19.99 on 46 df
    assert "(F = 19.99 on 5 and 46.0 df)" in message


def test_positive_whole_plot_variance_gives_no_warning() -> None:
    """sp_3x4_b4_m1: lme4's whole-plot variance is 5,462 (kg/ha)^2, positive: no warning."""
    plots = pd.read_csv(DATA / "sp_3x4_b4_m1.csv")
    fit, messages = _rice_fit(plots, whole_plot="main", sub_plot="sub")
    assert not fit.variance_components["boundary"].any()
    assert messages == []
    assert pooled_strata_messages(fit) == []


def test_split_plot_block_variance_at_zero_gives_no_warning() -> None:
    """sp_5x2_b4_m1: only the blocks at zero (lme4 too); no factor is tested against them."""
    plots = pd.read_csv(DATA / "sp_5x2_b4_m1.csv")
    fit, messages = _rice_fit(plots, whole_plot="main", sub_plot="sub")
    boundary = fit.variance_components.set_index("component")["boundary"]
    assert boundary["block"] and not boundary["block:main"]
    assert messages == []


@pytest.mark.parametrize(
    ("case", "design", "columns", "zero"),
    [
        # lme4: block variance 1.6e-15 of the residual's 20,433
        ("rcbd_random_8x3_m2", "rcbd", {"treatment": "treatment", "block": "block"}, "block"),
        # lme4: incomplete-block variance 1.5e-10 (residual 46,653)
        (
            "alpha16_k4_r3_ibzero_m1",
            "alpha",
            {"treatment": "treatment", "block": "block", "incomplete_block": "incomplete_block"},
            "block:incomplete_block",
        ),
    ],
)
def test_block_variance_at_zero_of_one_factor_designs_gives_no_warning(
    case: str, design: str, columns: dict[str, str], zero: str
) -> None:
    """RCBD with random blocks, alpha-lattice: a zero block variance is not warned about."""
    plots = pd.read_csv(DATA / f"{case}.csv")
    fit, messages = _caught(
        lambda: mixed_model(plots, response="yield_kg_ha", design=design, **columns)
    )
    assert fit.variance_components.set_index("component").loc[zero, "boundary"]
    assert messages == []


def _strip_without(factor: str) -> pd.DataFrame:
    """strip_3x4_b4_m3 with its block x ``factor`` effects taken out of the observed yields.

    y - mean(block, factor) + mean(block) + mean(factor) - grand mean: the strips of
    ``factor`` then vary no more than the intersections, so REML holds their variance at 0.
    """
    plots = pd.read_csv(DATA / "strip_3x4_b4_m3.csv").dropna(subset=["yield_kg_ha"])
    y = plots["yield_kg_ha"]
    plots["yield_kg_ha"] = (
        y
        - y.groupby([plots["block"], plots[factor]]).transform("mean")
        + y.groupby(plots["block"]).transform("mean")
        + y.groupby(plots[factor]).transform("mean")
        - y.mean()
    )
    return plots


@pytest.mark.parametrize(
    ("factor", "stratum", "key"),
    [("h", "horizontal-strip", "error_a"), ("v", "vertical-strip", "error_b")],
)
def test_strip_plot_strip_variance_at_zero_warns(factor: str, stratum: str, key: str) -> None:
    """A strip plot's strip variance at zero pools its stratum with the intersections'."""
    fit, messages = _rice_fit(
        _strip_without(factor), design="strip_plot", horizontal="h", vertical="v"
    )
    assert fit.variance_components.set_index("component").loc[f"block:{factor}", "boundary"]
    (message,) = messages
    assert message.startswith(
        f"REML estimates the {stratum} variance (Blocks x {factor}; block:{factor} in "
        f"variance_components) at zero, so the {stratum} "
        f"error ({key}) is pooled with the intersection-plot error (error_c): the F test of "
        f"{factor} uses the pooled error"
    ), message


def test_means_and_comparisons_do_not_repeat_the_warning() -> None:
    """Only the ANOVA warns (on each call: its REML fit is cached and shared)."""
    trial = _gomez_trial("gomez_sp_m1")
    _, from_means = _caught(lambda: trial.means(kind="whole_plot"))
    _, first = _caught(trial.anova)
    _, again = _caught(trial.anova)
    assert from_means == []
    assert len(first) == 1 and again == first


def test_warning_points_at_the_callers_line() -> None:
    """The warning is attributed to the user's line (as the library's other warnings)."""
    trial = _gomez_trial("gomez_sp_m3_same_wp")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trial.anova()
    (item,) = [w for w in caught if issubclass(w.category, YieldTrialWarning)]
    assert Path(item.filename).name == Path(__file__).name
