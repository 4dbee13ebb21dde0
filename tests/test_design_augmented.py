"""Augmented RCBD field books (yieldtrial.design.augmented) and ``yieldtrial design augmented``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.cli import main
from yieldtrial.design.augmented import augmented_design
from yieldtrial.errors import DataValidationError

CHECKS = ["CK1", "CK2", "CK3", "CK4"]
ENTRIES = [f"E{i:02d}" for i in range(1, 24)]


def test_checks_in_every_block_entries_once() -> None:
    """Every check once per block; every entry once; block sizes differ by at most one."""
    book = augmented_design(CHECKS, ENTRIES, blocks=5, seed=3)
    checks = book[book["entry_type"] == "check"]
    assert (checks.groupby("treatment")["block"].nunique() == 5).all()
    assert (checks.groupby(["treatment", "block"]).size() == 1).all()
    entries = book[book["entry_type"] == "entry"]
    assert sorted(entries["treatment"]) == ENTRIES
    sizes = entries.groupby("block").size()
    assert sizes.max() - sizes.min() <= 1
    # residual df of the analysis: (b - 1)(c - 1) = 4 x 3
    assert book.attrs["design"]["df_error"] == 12


def test_same_seed_same_book() -> None:
    """The randomization is reproducible."""
    a = augmented_design(CHECKS, ENTRIES, blocks=4, seed=9)
    assert a.equals(augmented_design(CHECKS, ENTRIES, blocks=4, seed=9))


@pytest.mark.parametrize(
    ("checks", "entries", "blocks", "match"),
    [
        (["CK1"], ENTRIES, 3, "checks"),
        (CHECKS, ["E1", "CK1"], 2, "both a check and an entry"),
        (CHECKS, ["E1", "E2"], 3, "without entries"),
        (CHECKS, ENTRIES, 1, "blocks"),
    ],
    ids=["one-check", "label-twice", "too-many-blocks", "one-block"],
)
def test_bad_parameters_raise(checks: list, entries: list, blocks: int, match: str) -> None:
    """Impossible designs are refused with the reason."""
    with pytest.raises(DataValidationError, match=match):
        augmented_design(checks, entries, blocks=blocks, seed=1)


def test_field_book_feeds_back_into_the_trial() -> None:
    """A filled-in augmented field book is detected and analysed by Federer's method."""
    from yieldtrial.stats.augmented import AugmentedAnova
    from yieldtrial.trial import FieldTrial

    book = augmented_design(CHECKS, ENTRIES, blocks=4, seed=2)
    plots = book.drop(columns=["harvested_area_m2", "fresh_mass_kg", "moisture_pct",
                               "impurity_pct"])  # fmt: skip
    plots["yield_kg_ha"] = 6000 + np.random.default_rng(2).normal(0, 300, len(plots))
    trial = FieldTrial.from_dataframe(plots, crop="wheat")
    assert trial.design == "augmented"
    res = trial.anova()
    assert isinstance(res, AugmentedAnova)
    assert set(res.checks) == set(CHECKS) and res.df_error == 9


def test_cli_writes_book_and_df(tmp_path, capsys) -> None:
    """``yieldtrial design augmented`` writes the book and prints the residual df."""
    out = tmp_path / "aug.csv"
    code = main(["design", "augmented", "--checks", *CHECKS, "--treatments", *ENTRIES,
                 "--blocks", "3", "--seed", "4", "-o", str(out)])  # fmt: skip
    assert code == 0
    assert "residual df 6" in capsys.readouterr().err
    book = pd.read_csv(out, dtype=str)
    assert set(book["entry_type"]) == {"check", "entry"} and len(book) == 3 * 4 + 23


def test_cli_augmented_needs_checks(capsys) -> None:
    """Without --checks the command stops with a usage error naming the flag (stop 35)."""
    assert main(["design", "augmented", "--treatments", "E1", "E2", "--blocks", "2"]) == 2
    assert "--checks" in capsys.readouterr().err
