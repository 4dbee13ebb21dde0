"""Design detection from a field book's layout columns: the augmented ``entry_type`` checks."""

from __future__ import annotations

import pandas as pd
import pytest

from yieldtrial.design import augmented_design
from yieldtrial.design.detect import check_entry_types, detect_design
from yieldtrial.errors import DataValidationError


def _book() -> pd.DataFrame:
    """Return an augmented field book: checks CK1, CK2 in 3 blocks, entries E1..E6 once."""
    return augmented_design(["CK1", "CK2"], ["E1", "E2", "E3", "E4", "E5", "E6"], blocks=3, seed=1)


def test_design_augmented_book_is_detected() -> None:
    assert detect_design(_book())[0] == "augmented"


def test_entry_type_typo_is_an_error_not_an_rcbd() -> None:
    """'weird' in one cell made the layout an RCBD without a word."""
    book = _book()
    book.loc[book.index[0], "entry_type"] = "weird"
    with pytest.raises(DataValidationError, match=r"is 'weird'; .* marks each plot 'check'"):
        detect_design(book)


def _with_copies(book: pd.DataFrame, blocks: list[str]) -> tuple[pd.DataFrame, str]:
    """Return the book with its first entry planted again in ``blocks``, and that entry."""
    entry = book[book["entry_type"] == "entry"].iloc[[0]]
    extra = [entry.assign(plot_id=f"99{i}", block=b) for i, b in enumerate(blocks)]
    return pd.concat([book, *extra], ignore_index=True), str(entry["treatment"].iloc[0])


def test_entry_on_two_plots_in_two_blocks_is_a_prep_entry() -> None:
    """Stop 44: a p-rep trial's replicated entry (two blocks) stays an entry, no error."""
    book = _book()
    home = book.loc[book["entry_type"] == "entry", "block"].iloc[0]
    other = next(b for b in book["block"].unique() if b != home)
    book, _ = _with_copies(book, [other])
    check_entry_types(book)
    assert detect_design(book)[0] == "augmented"


def test_entry_on_three_plots_is_an_error_naming_the_plots() -> None:
    book, label = _with_copies(_book(), ["2", "3"])
    with pytest.raises(
        DataValidationError,
        match=rf"'{label}' is marked 'entry' in entry_type but has 3 plots \(plots '\d+', "
        r"'990', '991'\); an entry has one plot, or two in different blocks",
    ):
        check_entry_types(book)


def test_entry_twice_in_one_block_is_an_error_naming_the_block() -> None:
    book = _book()
    home = str(book.loc[book["entry_type"] == "entry", "block"].iloc[0])
    book, label = _with_copies(book, [home])
    with pytest.raises(
        DataValidationError,
        match=rf"'{label}' is marked 'entry' in entry_type but has both its plots \(plots "
        rf"'\d+', '990'\) in block '{home}'",
    ):
        check_entry_types(book)


def test_check_marked_entry_is_an_error() -> None:
    book = _book()
    book.loc[book["treatment"] == "CK1", "entry_type"] = "entry"
    with pytest.raises(DataValidationError, match=r"'CK1' is marked 'entry' .* has 3 plots"):
        check_entry_types(book)


def test_entry_marked_check_is_an_error() -> None:
    book = _book()
    book.loc[book["treatment"] == "E1", "entry_type"] = "check"
    with pytest.raises(DataValidationError, match=r"'E1' is marked 'check' .* has 1 plot"):
        check_entry_types(book)


def test_entry_type_case_and_blanks_are_accepted() -> None:
    """'Check' and an empty cell are read as before (no error)."""
    book = _book()
    book["entry_type"] = book["entry_type"].str.capitalize().astype(object)
    book.loc[book.index[0], "entry_type"] = None
    check_entry_types(book)
    assert detect_design(book)[0] == "augmented"


def test_first_treatment_breaking_a_rule_is_named() -> None:
    """Two treatments break rules: the one that appears first in the table is named.

    (The check is vectorised over treatments; it named the same one as the per-treatment
    loop it replaced: order of appearance, rules checked in the loop's order.)
    """
    plots = pd.DataFrame(
        {
            "block": [1, 1, 1, 2, 2, 2],
            "treatment": ["CK", "E2", "E1", "CK", "E1", "E3"],
            "entry_type": ["check", "check", "entry", "check", "entry", "entry"],
        }
    )
    with pytest.raises(DataValidationError, match=r"^treatment 'E2' is marked 'check'"):
        check_entry_types(plots)
    plots.loc[1, "entry_type"] = "entry"
    check_entry_types(plots)  # E1 in blocks 1 and 2: a p-rep entry (stop 44)
    plots.loc[4, "block"] = 1  # E1 twice in block 1, E3 (after it) alone in block 2
    with pytest.raises(
        DataValidationError,
        match=r"^treatment 'E1' is marked 'entry' .* both its plots \(rows 3, 5\)",
    ):
        check_entry_types(plots)
