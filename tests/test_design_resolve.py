"""Tests of a trial's design checked against its plot table (yieldtrial.design.resolve)."""

from __future__ import annotations

import numpy as np
import pytest

from yieldtrial import FieldTrial
from yieldtrial.design import alpha_design
from yieldtrial.errors import DataValidationError


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
