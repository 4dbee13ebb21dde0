"""One rule for which treatments of an augmented trial are checks (io.entry_types)."""

from __future__ import annotations

import pandas as pd

from yieldtrial.design import maps
from yieldtrial.io.entry_types import (
    augmented_checks,
    entry_kinds,
    is_check_plot,
    marked_checks,
    repeated_treatments,
)
from yieldtrial.stats.augmented import default_checks


def _book(kinds: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"treatment": ["CK", "E1", "CK", "E2"], "entry_type": kinds})


def test_marked_checks_ignore_case_and_blanks() -> None:
    assert marked_checks(_book([" Check", "entry", "CHECK ", "Entry"])) == ["CK"]


def test_marked_checks_none_without_entry_type_column() -> None:
    assert marked_checks(pd.DataFrame({"treatment": ["CK", "CK"]})) is None


def test_field_map_checks_follow_the_shared_rule() -> None:
    # the map read only the lower-case "check" (a "Check" book was analysed as augmented but
    # its checks went uncoloured); it now asks io.entry_types like the analysis does
    book = _book(["Check", "entry", "Check", "entry"])
    assert maps._controls(book) == augmented_checks(book)[0] == ["CK"]


def test_stats_default_checks_is_the_shared_rule() -> None:
    # hand count: CK 3 plots, E1 and E2 one each
    assert default_checks(["CK", "E1", "E2"], [3, 1, 1]) == repeated_treatments(
        ["CK", "E1", "E2"], [3, 1, 1]
    )


def test_is_check_plot_reads_blanks_as_not_checks() -> None:
    """One value per plot; a blank or missing entry_type is not a check."""
    book = pd.DataFrame({"treatment": ["CK", "E1", "E2"], "entry_type": [" CHECK", None, ""]})
    assert is_check_plot(book).tolist() == [True, False, False]


def test_is_check_plot_without_entry_type_is_all_false() -> None:
    assert is_check_plot(pd.DataFrame({"treatment": ["CK", "CK"]})).tolist() == [False, False]


def test_entry_kinds_keep_blanks_missing() -> None:
    kinds = entry_kinds(pd.DataFrame({"entry_type": ["Entry ", None]}))
    assert kinds.iloc[0] == "entry" and kinds.isna().iloc[1]
