"""Randomized field layouts, field books and trial planning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.design import (
    FIELDBOOK_COLUMNS,
    HARVEST_COLUMNS,
    crd,
    field_map,
    latin_square,
    layout,
    plan_trial,
    rcbd,
    split_plot,
)
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io import read_plots
from yieldtrial.stats.power import detectable_difference_pct, replicates_needed
from yieldtrial.trial import FieldTrial

TREATMENTS = ["CK1", "CK2", "T"]


def test_rcbd_each_treatment_once_per_block():
    """RCBD balance: every block holds every treatment exactly once."""
    book = rcbd(TREATMENTS, blocks=4, seed=1)
    counts = book.groupby(["block", "treatment"]).size()
    assert len(book) == 12 and (counts == 1).all() and len(counts) == 12


def test_rcbd_plot_numbers_per_block():
    """Plots are numbered 101, 102, ... in block 1 and 201, ... in block 2."""
    book = rcbd(TREATMENTS, blocks=2, seed=1)
    assert book["plot_id"].tolist() == ["101", "102", "103", "201", "202", "203"]
    assert book["block"].tolist() == ["1", "1", "1", "2", "2", "2"]


def test_rcbd_columns_are_what_read_plots_reads():
    """The field book has exactly the canonical columns, harvest columns empty."""
    book = rcbd(TREATMENTS, blocks=2, seed=1)
    assert tuple(book.columns) == FIELDBOOK_COLUMNS
    assert book[list(HARVEST_COLUMNS)].isna().all().all()


def test_rcbd_reproducible_by_seed():
    """The same seed gives the same layout; another seed another one."""
    a, b = rcbd(TREATMENTS, blocks=4, seed=1), rcbd(TREATMENTS, blocks=4, seed=1)
    pd.testing.assert_frame_equal(a, b)
    others = [rcbd(TREATMENTS, blocks=4, seed=s)["treatment"].tolist() for s in range(2, 6)]
    assert any(o != a["treatment"].tolist() for o in others)


def test_rcbd_without_seed_records_the_drawn_seed():
    """Without a seed the drawn one is recorded and reproduces the layout."""
    book = rcbd(TREATMENTS, blocks=3)
    again = rcbd(TREATMENTS, blocks=3, seed=book.attrs["design"]["seed"])
    assert book["treatment"].tolist() == again["treatment"].tolist()


def test_rcbd_serpentine_numbering():
    """Serpentine: block 2 is numbered right to left (plot 201 in the last column)."""
    book = rcbd(TREATMENTS, blocks=2, seed=1, serpentine=True).set_index("plot_id")
    assert book.loc[["101", "102", "103"], "column"].tolist() == [1, 2, 3]
    assert book.loc[["201", "202", "203"], "column"].tolist() == [3, 2, 1]


def test_rcbd_serpentine_keeps_randomization():
    """Serpentine numbering changes positions only: same treatments per plot number."""
    plain = rcbd(TREATMENTS, blocks=2, seed=4).set_index("plot_id")["treatment"]
    snake = rcbd(TREATMENTS, blocks=2, seed=4, serpentine=True).set_index("plot_id")["treatment"]
    pd.testing.assert_series_equal(plain.sort_index(), snake.sort_index())


def test_rcbd_many_treatments_use_wider_series():
    """With 100 or more plots per block the series is 1001, 1002, ..."""
    book = rcbd([f"V{i}" for i in range(100)], blocks=1, seed=0)
    assert book["plot_id"].iloc[0] == "1001" and book["plot_id"].iloc[-1] == "1100"


def test_crd_balance_and_positions():
    """CRD: each treatment `replicates` times; plots fill field rows of `columns` plots."""
    book = crd(TREATMENTS, replicates=4, seed=3, columns=4)
    assert book["treatment"].value_counts().tolist() == [4, 4, 4]
    assert "block" not in book.columns
    assert book.groupby("row").size().tolist() == [4, 4, 4]
    assert sorted(book["plot_id"]) == [str(101 + i) for i in range(12)]


def test_latin_square_rows_and_columns_balanced():
    """Latin square: each treatment once in every row and every column."""
    book = latin_square(["A", "B", "C", "D", "E"], seed=11)
    assert len(book) == 25
    assert (book.groupby(["row", "treatment"]).size() == 1).all()
    assert (book.groupby(["column", "treatment"]).size() == 1).all()
    assert book.groupby("row")["treatment"].nunique().eq(5).all()


def test_latin_square_reproducible_and_random():
    """Same seed same square; different seeds give different squares."""
    a = latin_square(["A", "B", "C", "D"], seed=1)["treatment"].tolist()
    assert a == latin_square(["A", "B", "C", "D"], seed=1)["treatment"].tolist()
    squares = {tuple(latin_square(["A", "B", "C", "D"], seed=s)["treatment"]) for s in range(10)}
    assert len(squares) > 1


def test_split_plot_structure():
    """Split-plot: main levels once per block, sub levels once per main plot."""
    book = split_plot(
        ["I0", "I1"],
        ["N0", "N1", "N2"],
        blocks=3,
        seed=5,
        main_factor="irrigation",
        sub_factor="nitrogen",
    )
    assert len(book) == 18
    assert (book.groupby(["block", "irrigation"])["main_plot"].nunique() == 1).all()
    assert (book.groupby(["main_plot", "nitrogen"]).size() == 1).all()
    assert (book.groupby("main_plot")["irrigation"].nunique() == 1).all()
    # main plots occupy consecutive field columns
    spans = book.groupby("main_plot")["column"].agg(lambda c: c.max() - c.min())
    assert (spans == 2).all()
    assert set(book["treatment"]) == {f"{m}:{s}" for m in ("I0", "I1") for s in ("N0", "N1", "N2")}


def test_split_plot_reproducible():
    """Split-plot layouts are reproducible by seed."""
    a = split_plot(["A", "B"], ["x", "y"], blocks=2, seed=9)
    pd.testing.assert_frame_equal(a, split_plot(["A", "B"], ["x", "y"], blocks=2, seed=9))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: rcbd(["A", "A", "B"], blocks=2), "more than once"),
        (lambda: rcbd(["A"], blocks=2), "at least 2"),
        (lambda: rcbd("AB", blocks=2), "list of labels"),
        (lambda: rcbd(["A", "B"], blocks=0), "blocks must be an integer"),
        (lambda: rcbd(["A", "B"], blocks=2, seed=-1), "seed"),
        (lambda: layout("strip", ["A", "B"]), "unknown design"),
        (lambda: layout("crd", ["A", "B"]), "needs replicates"),
        (lambda: layout("rcbd", ["A", "B"], blocks=2, columns=3), "does not take columns"),
        (lambda: split_plot(["A", "B"], ["x", "y"], blocks=2, main_factor="block"), "main_factor"),
        # the plot-table reader refuses labels over 200 characters: the book could not be read
        (lambda: rcbd(["A" * 201, "B"], blocks=2), "label of 201 characters .* at most 200"),
    ],
    ids=[
        "duplicate",
        "one",
        "text",
        "zero-blocks",
        "seed",
        "design",
        "crd-reps",
        "rcbd-columns",
        "factor-name",
        "long-label",
    ],
)
def test_layout_argument_errors(call, match):
    """Invalid layout arguments are refused with a message naming the argument."""
    with pytest.raises(DataValidationError, match=match):
        call()


def test_layout_dispatch_matches_functions():
    """layout('latin_square', ...) is latin_square(...)."""
    pd.testing.assert_frame_equal(
        layout("latin_square", ["A", "B", "C"], seed=2), latin_square(["A", "B", "C"], seed=2)
    )


def test_fieldbook_round_trip_to_fieldtrial(tmp_path):
    """Field book CSV -> harvest columns filled -> FieldTrial.from_csv reads it back."""
    book = rcbd(TREATMENTS, blocks=4, seed=1, plot_area_m2=20.0)
    path = tmp_path / "fieldbook.csv"
    book.to_csv(path, index=False)
    filled = pd.read_csv(path, dtype={"plot_id": str, "block": str})
    filled["fresh_mass_kg"] = np.linspace(12.0, 13.1, len(filled))
    filled["moisture_pct"] = 14.0
    filled["impurity_pct"] = 1.5
    filled.to_csv(path, index=False)
    trial = FieldTrial.from_csv(path, crop="wheat", control="CK1")
    assert trial.design == "rcbd" and trial.n_plots == 12
    assert trial.plots["plot_id"].tolist() == book["plot_id"].tolist()
    assert trial.plots["block"].tolist() == book["block"].tolist()
    # hand: plot 101: 12.0 kg x (1 - 0.015) x (1 - 0.14)/(1 - 0.13) / 20 m2 x 10000 = 5842.6 kg/ha
    assert trial.yields()["yield_kg_ha"].iloc[0] == pytest.approx(
        12.0 * 0.985 * 0.86 / 0.87 / 20 * 10000
    )


def test_latin_fieldbook_reads_back():
    """A Latin-square field book with harvest data reads back with row and column."""
    book = latin_square(["A", "B", "C"], seed=1, plot_area_m2=10.0)
    book["fresh_mass_kg"] = 6.0
    book["moisture_pct"] = 13.0
    book["impurity_pct"] = 0.0
    plots = read_plots(book)
    assert {"row", "column"} <= set(plots.columns) and len(plots) == 9


def test_field_map_draws_each_plot():
    """The field map has one rectangle and one label per plot."""
    import matplotlib.pyplot as plt

    book = rcbd(TREATMENTS, blocks=4, seed=1)
    ax = field_map(book)
    assert len(ax.patches) == 12
    assert any(text.get_text() == "101\nCK1" for text in ax.texts)
    plt.close(ax.figure)


def test_plan_trial_matches_replicates_needed():
    """plan_trial's count is replicates_needed's; the error df is (t - 1)(r - 1)."""
    plan = plan_trial(cv_pct=8, difference_pct=10, n_treatments=3)
    expected = replicates_needed(cv_pct=8, difference_pct=10, n_treatments=3)
    assert plan.replicates == expected
    assert plan.df_error == (3 - 1) * (expected - 1)
    assert plan.detectable_difference_pct == pytest.approx(
        detectable_difference_pct(cv_pct=8, replicates=expected, n_treatments=3)
    )
    assert plan.detectable_difference_pct <= 10.0
    assert plan.detectable_difference_fewer_pct > 10.0


def test_plan_trial_from_replicates_warns_few_df():
    """Given 3 replicates of 3 treatments: 4 error df, flagged in the text (domain §5)."""
    plan = plan_trial(cv_pct=8, replicates=3, n_treatments=3, comparison="t")
    assert plan.df_error == 4.0
    assert "below 10" in plan.to_text()


def test_plan_text_article_and_thousands():
    """'an RCBD' / 'a CRD'; counts of thousands with separators (25,092 replicates)."""
    assert (
        "3 treatments in an RCBD: 147 plots."
        in plan_trial(cv_pct=8, difference_pct=5, n_treatments=3).to_text()
    )  # 49 replicates (docs/planning.md, replicates_needed)
    assert (
        "in a CRD: 12 plots."
        in plan_trial(cv_pct=8, replicates=4, n_treatments=3, design="crd").to_text()
    )
    big = plan_trial(cv_pct=30, difference_pct=1, n_treatments=20)
    assert big.replicates == 25092  # docs/planning.md (replicates_needed's search)
    assert "Replicates needed: 25,092\n" in big.to_text()
    assert "20 treatments in an RCBD: 501,840 plots." in big.to_text()  # 20 x 25,092


def test_plan_text_one_replicate_fewer_only_when_it_shows():
    """The 'With r - 1 replicates' line prints a number that differs from the one at r.

    At 4,021 replicates both detectable differences printed "0.5 %": the line said nothing.
    """
    small = plan_trial(cv_pct=8, difference_pct=5, n_treatments=3)
    text = small.to_text()
    # 49 -> 5.0 %, 48 -> 5.1 % (docs/planning.md)
    assert "Detectable difference at 49 replicates: 5.0 % of the control mean." in text
    assert "With 48 replicates it would be 5.1 %." in text
    with pytest.warns(YieldTrialWarning, match="difference_pct=0.5 is read as 0.5 %"):
        huge = plan_trial(cv_pct=8, difference_pct=0.5, n_treatments=2)
    at, fewer = huge.detectable_difference_pct, huge.detectable_difference_fewer_pct
    assert f"{at:.2f}" == f"{fewer:.2f}"  # alike to 0.01 %: nothing to say
    assert "it would be" not in huge.to_text()
    assert f"Detectable difference at {huge.replicates:,} replicates: 0.5 %" in huge.to_text()


def test_plan_trial_needs_one_target():
    """Exactly one of difference_pct and replicates."""
    with pytest.raises(DataValidationError, match="either difference_pct"):
        plan_trial(cv_pct=8, n_treatments=3)


def test_trial_plan_html_is_its_text():
    """TrialPlan shows the text of `yieldtrial plan` (HTML-escaped) in a notebook."""
    import html

    from yieldtrial.design import plan_trial

    plan = plan_trial(cv_pct=8, n_treatments=3, difference_pct=10)
    assert plan._repr_html_() == f"<pre>{html.escape(plan.to_text())}</pre>"


def test_plot_area_as_numpy_scalar_is_accepted_and_infinite_refused():
    """plot_area_m2=np.float32(20) fills 20.0 m2 (attrs a float); inf is refused."""
    book = rcbd(["A", "B"], blocks=2, seed=1, plot_area_m2=np.float32(20))
    assert book["harvested_area_m2"].tolist() == [20.0] * 4
    assert type(book.attrs["design"]["plot_area_m2"]) is float
    with pytest.raises(DataValidationError, match="plot_area_m2 must be a positive area"):
        rcbd(["A", "B"], blocks=2, plot_area_m2=float("inf"))


@pytest.mark.parametrize("area", [1e-320, 0.001, 5e9], ids=["subnormal", "1000 mm2", "500 000 ha"])
def test_plot_area_outside_field_plots_is_refused(area):
    """--plot-area 1e-320 (it made every later yield overflow) or 5e9 m2 is a typing error."""
    with pytest.raises(DataValidationError, match=r"is not a field plot's net area \(from 0\.01"):
        rcbd(["A", "B"], blocks=2, seed=1, plot_area_m2=area)


def test_crd_serpentine_columns_run_back_on_even_rows():
    """CRD, 5 plots per field row, serpentine: plot 106 (row 2, 1st numbered) is in column 5.

    Expected by hand: plots 101-105 fill row 1 left to right, 106-110 row 2 right to left.
    """
    from yieldtrial.design import crd

    book = crd(["A", "B"], replicates=5, seed=2, columns=5, serpentine=True)
    where = book.set_index("plot_id")[["row", "column"]]
    assert where.loc["101"].tolist() == [1, 1] and where.loc["105"].tolist() == [1, 5]
    assert where.loc["106"].tolist() == [2, 5] and where.loc["110"].tolist() == [2, 1]


def test_layout_of_a_plan_says_how_to_pass_it() -> None:
    """layout(plan, ...) with a TrialPlan: the error says to pass its design and replicates.

    It said "unknown design TrialPlan(cv_pct=8.0, ...)" with the plan's whole repr.
    """
    from yieldtrial.design import layout, plan_trial

    plan = plan_trial(cv_pct=8, n_treatments=3, difference_pct=12)
    with pytest.raises(DataValidationError) as info:
        layout(plan, ["CK", "A", "B"])  # type: ignore[arg-type]
    assert str(info.value) == (
        "layout takes the design's name ('crd', 'rcbd', ...), not a TrialPlan; for a plan "
        "call layout(plan.design, treatments, blocks=plan.replicates) (a CRD: "
        "replicates=plan.replicates)"
    )


def test_layout_records_its_controls() -> None:
    book = layout("rcbd", ["CK1", "CK2", "T"], blocks=2, seed=1, controls=["CK1", "CK2"])
    assert book.attrs["design"]["controls"] == ["CK1", "CK2"]


def test_layout_control_not_a_treatment_is_refused() -> None:
    """``CK`` for ``CK1``: the error names the control and the treatments, as the report's."""
    with pytest.raises(DataValidationError, match=r"control 'CK' is not a treatment .*'CK1'"):
        layout("rcbd", ["CK1", "CK2", "T"], blocks=2, seed=1, controls="CK")


def test_layout_split_plot_control_may_be_a_factor_level() -> None:
    book = layout("split_plot", ["I0", "I1"], sub_treatments=["N0", "N1"], blocks=2, seed=5,
                  controls="N0")  # fmt: skip
    assert book.attrs["design"]["controls"] == ["N0"]


def test_layout_control_error_lists_the_treatments_as_given() -> None:
    """The error lists the treatments in the order given, not in the plots' random order."""
    expected = r"present: 'T3', 'T1', 'T4', 'T2'\."
    with pytest.raises(DataValidationError, match=expected):
        layout("rcbd", ["T3", "T1", "T4", "T2"], blocks=3, seed=1, controls="CK3")


def test_layout_augmented_control_error_lists_the_checks_as_given() -> None:
    """An augmented design's control is a check: the error lists the checks as given."""
    expected = r"control 'CK3' is not a check .*; the checks are 'CK2', 'CK1': "
    with pytest.raises(DataValidationError, match=expected):
        layout(
            "augmented", ["E1", "E2", "E3", "E4"], checks=["CK2", "CK1"], blocks=2, seed=1,
            controls="CK3",
        )  # fmt: skip


@pytest.mark.parametrize("labels", [None, 5, {"a": 1, "b": 2}])
def test_labels_that_are_no_list_are_a_validation_error(labels):
    """alpha_design(None, ...) raised TypeError: 'NoneType' object is not iterable."""
    from yieldtrial.design import alpha_design

    with pytest.raises(DataValidationError, match=r"treatments must be a list of labels"):
        alpha_design(labels, block_size=3, replicates=2)


@pytest.mark.parametrize("missing", [None, np.nan, np.float32("nan"), pd.NA])
def test_a_missing_treatment_label_is_refused(missing) -> None:
    """None / NaN were written as 'None' / 'nan' cells, read back as an empty treatment."""
    with pytest.raises(DataValidationError, match=r"treatments contains a missing label"):
        rcbd(["CK", missing], blocks=2, seed=1)


@pytest.mark.parametrize("blocks", [4.0, np.int64(4), np.float64(4.0)])
def test_layout_takes_a_whole_number_given_as_a_float(blocks):
    """blocks=4.0 (as a notebook computes it) is 4 blocks, as planning takes replicates=4.0."""
    expected = rcbd(TREATMENTS, blocks=4, seed=1)
    pd.testing.assert_frame_equal(rcbd(TREATMENTS, blocks=blocks, seed=1), expected)


@pytest.mark.parametrize("blocks", [4.5, True, "4", float("nan")])
def test_layout_refuses_what_is_not_a_whole_number(blocks):
    """4.5 is not read as 4, True not as 1, text not as a number (the rule of io.checks)."""
    with pytest.raises(DataValidationError, match=r"^blocks must be an integer >= 1; got "):
        rcbd(TREATMENTS, blocks=blocks, seed=1)


def test_layout_takes_a_whole_seed_given_as_a_float():
    """seed=1.0 is seed 1: the same rule as the counts."""
    pd.testing.assert_frame_equal(
        rcbd(TREATMENTS, blocks=2, seed=1.0), rcbd(TREATMENTS, blocks=2, seed=1)
    )
