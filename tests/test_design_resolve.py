"""Tests of a trial's design checked against its plot table (yieldtrial.design.resolve)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from yieldtrial import FieldTrial
from yieldtrial.design import alpha_design
from yieldtrial.errors import DataValidationError, YieldTrialWarning


def _alpha_book():
    """12 entries in blocks of 3, 2 replicates, harvest filled in (7 kg on 10 m2)."""
    book = alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=3, replicates=2,
                        seed=1, plot_area_m2=10.0)  # fmt: skip
    book["fresh_mass_kg"] = 7.0 + 0.1 * np.arange(len(book))
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.0
    return book


def test_empty_incomplete_block_names_the_plot():
    """A plot without its incomplete block is refused when the trial is built, by plot id.

    It was refused only by trial.anova(), as "column 'incomplete_block' has 1 missing
    label(s) (rows [5]); every plot needs a incomplete_block label" (a row index).
    """
    book = _alpha_book()
    book.loc[5, "incomplete_block"] = None
    plot = book.loc[5, "plot_id"]
    with pytest.raises(DataValidationError, match=rf"incomplete_block is empty for plot '{plot}'"):
        FieldTrial(book, crop="wheat", control="G01", design="alpha")


def test_absent_incomplete_block_column_says_how_to_name_it_in_python():
    """A notebook user whose column is 'iblock' is told to rename it, not only trial.toml."""
    book = _alpha_book().rename(columns={"incomplete_block": "iblock"})
    with pytest.raises(DataValidationError, match=r"rename\(columns=\{'<your column>': "
                       r"'incomplete_block'\}\)"):  # fmt: skip
        FieldTrial(book, crop="wheat", control="G01", design="alpha")


def test_latin_on_an_alpha_book_is_refused():
    """An alpha field book (12 entries, 2 replicates) was reported as a "Latin square"."""
    book = _alpha_book()
    with pytest.raises(
        DataValidationError,
        match=r"design 'latin' needs a Latin square: 12 rows x 12 columns .* appears twice",
    ):
        FieldTrial(book.drop(columns=["block", "incomplete_block"]), crop="wheat", design="latin")


def test_latin_with_rows_and_columns_of_another_count_is_refused():
    """A 3 x 4 field of 12 treatments, each once: not a square."""
    import pandas as pd

    plots = pd.DataFrame(
        {
            "plot_id": [str(101 + i) for i in range(12)],
            "treatment": [f"T{i:02d}" for i in range(12)],
            "row": [i // 4 + 1 for i in range(12)],
            "column": [i % 4 + 1 for i in range(12)],
            "yield_kg_ha": [6000.0 + 10 * i for i in range(12)],
        }
    )
    with pytest.raises(DataValidationError, match=r"the table has 3 rows x 4 columns"):
        FieldTrial(plots, crop="wheat", design="latin")


def test_latin_square_from_design_latin_is_accepted():
    from yieldtrial.design import latin_square

    book = latin_square(["A", "B", "C", "D"], seed=3)
    book["yield_kg_ha"] = 6000.0 + np.arange(16) * 7.0
    assert FieldTrial(book, crop="wheat", design="latin").design == "latin"


def test_row_column_plots_at_one_position_are_refused():
    """Stop 40: two plots at one row and column of a replicate were analysed (exit 0)."""
    book = _alpha_book()
    book.loc[1, ["row", "column"]] = book.loc[0, ["row", "column"]].to_numpy()
    with pytest.raises(
        DataValidationError,
        match=r"plots share a row and column position: plots '101' and '102' \(row 1, column 1 "
        r"of replicate '1'\); in a row-column design",
    ):
        FieldTrial(book, crop="wheat", design="row_column")


def test_row_column_positions_repeat_from_replicate_to_replicate():
    """Rows and columns numbered within each replicate are no shared position."""
    book = _alpha_book()
    book["row"] = book.groupby("block").cumcount() // 3 + 1
    assert book.duplicated(["row", "column"]).any()
    assert FieldTrial(book, crop="wheat", design="row_column").n_plots == 24


def _augmented_book(entries: list[tuple[str, str]]):
    """SYNTHETIC augmented table: CK1, CK2 in blocks 1-3, then the (block, entry) plots."""
    import pandas as pd

    rows = [(str(b), ck) for b in (1, 2, 3) for ck in ("CK1", "CK2")] + entries
    book = pd.DataFrame(rows, columns=["block", "treatment"])
    book.insert(0, "plot_id", [str(101 + i) for i in range(len(book))])
    book["yield_kg_ha"] = [7000.0 + 37 * (i * 7 % 11) for i in range(len(book))]
    return book


#: E1 typed in blocks 1 and 2 (the table has no entry_type column).
_TYPED_TWICE = [("1", "E1"), ("2", "E1"), ("1", "E2"), ("2", "E3"), ("3", "E4"), ("3", "E5")]


def test_augmented_label_on_two_plots_not_in_every_block_warns():
    """The default rule takes E1 for a check; one warning names it, its blocks, the checks."""
    book = _augmented_book(_TYPED_TWICE)
    with pytest.warns(YieldTrialWarning) as caught:
        trial = FieldTrial.from_dataframe(book, crop="wheat", control="CK1", design="augmented")
    assert len(caught) == 1
    assert str(caught[0].message).startswith(
        "augmented design without an entry_type column: 'E1' (blocks '1', '2') is on more "
        "than one plot but not in all the blocks of the checks ('CK1', 'CK2': 3 blocks), and "
        "analysed as check(s)"
    )
    assert trial.anova().checks == ("CK1", "CK2", "E1")  # what the warning says


@pytest.mark.parametrize(
    "how",
    ["checks named", "entry_type column", "every repeat in every block"],
)
def test_augmented_repeats_said_or_in_every_block_do_not_warn(how):
    book = _augmented_book(_TYPED_TWICE)
    kwargs = {}
    if how == "checks named":
        kwargs["checks"] = ["CK1", "CK2"]
    elif how == "entry_type column":
        book["entry_type"] = np.where(book["treatment"].str.startswith("CK"), "check", "entry")
    else:
        book = book[book["treatment"] != "E1"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", YieldTrialWarning)
        FieldTrial.from_dataframe(book, crop="wheat", control="CK1", design="augmented", **kwargs)


def test_augmented_sparse_repeats_follow_the_one_rule_of_repeated(monkeypatch):
    """The warning takes "repeated" from ``io.entry_types.repeated_treatments`` (stop 46).

    It counted the plots itself; with the rule saying only the checks repeat, E1 (typed
    twice) is no longer "analysed as check(s)" and nothing is warned.
    """
    from yieldtrial.design import resolve

    book = _augmented_book(_TYPED_TWICE)
    monkeypatch.setattr(resolve, "repeated_treatments", lambda labels, n: ("CK1", "CK2"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", YieldTrialWarning)
        resolve.warn_sparse_repeats(book)
