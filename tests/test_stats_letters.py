"""Tests of the compact letter display (yieldtrial.stats.letters)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.errors import DataValidationError
from yieldtrial.stats.letters import compact_letters, letter_name


def sig_matrix(k: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    out = np.zeros((k, k), dtype=bool)
    for i, j in pairs:
        out[i, j] = out[j, i] = True
    return out


def test_overlap_case_a_ab_b():
    """A = B, B = C, A != C gives a, ab, b (issue 3 acceptance case)."""
    got = compact_letters(["A", "B", "C"], [30.0, 20.0, 10.0], sig_matrix(3, [(0, 2)]))
    assert got.tolist() == ["a", "ab", "b"]


def test_highest_mean_gets_a_regardless_of_level_order():
    """Letters follow the means, not the order in which levels are listed."""
    got = compact_letters(["C", "B", "A"], [10.0, 20.0, 30.0], sig_matrix(3, [(0, 2)]))
    assert got.to_dict() == {"C": "b", "B": "ab", "A": "a"}


def test_descending_false_gives_lowest_mean_a():
    """descending=False: the lowest mean gets a."""
    got = compact_letters(["A", "B"], [30.0, 10.0], sig_matrix(2, [(0, 1)]), descending=False)
    assert got.tolist() == ["b", "a"]


def test_no_differences_single_letter():
    """No significant pair: every level gets a."""
    got = compact_letters(list("ABCD"), [4.0, 3.0, 2.0, 1.0], np.zeros((4, 4), dtype=bool))
    assert got.tolist() == ["a"] * 4


def test_all_different_distinct_letters():
    """Every pair significant: a, b, c, d in order of the means."""
    sig = ~np.eye(4, dtype=bool)
    got = compact_letters(list("ABCD"), [1.0, 4.0, 3.0, 2.0], sig)
    assert got.tolist() == ["d", "a", "b", "c"]


def test_missing_comparison_gives_na_for_all():
    """A NaN comparison is never read as 'same': every level gets na."""
    sig = np.zeros((3, 3))
    sig[0, 1] = np.nan
    got = compact_letters(["A", "B", "C"], [3.0, 2.0, 1.0], sig)
    assert got.tolist() == ["na", "na", "na"]


def test_pairwise_table_input_with_missing_pair():
    """A pairwise table is accepted; a pair absent from it makes the display na."""
    table = pd.DataFrame({"group1": ["A", "A"], "group2": ["B", "C"], "reject": [False, True]})
    got = compact_letters(["A", "B", "C"], [3.0, 2.0, 1.0], table)
    assert got.tolist() == ["na"] * 3
    table.loc[2] = ["B", "C", False]
    got = compact_letters(["A", "B", "C"], [3.0, 2.0, 1.0], table)
    assert got.tolist() == ["a", "ab", "b"]


def test_sweetpotato_tukey_pattern():
    """The agricolae sweetpotato Tukey letters: oo a, ff ab, cc bc, fc c (vignette sect. 4.6)."""
    # HSD = 12.3995 (notes): significant pairs cc-oo (12.5), fc-ff, fc-oo
    sig = sig_matrix(4, [(0, 3), (1, 2), (1, 3)])
    got = compact_letters(["cc", "fc", "ff", "oo"], [24.4, 12.86667, 36.33333, 36.9], sig)
    assert got.to_dict() == {"cc": "bc", "fc": "c", "ff": "ab", "oo": "a"}


@pytest.mark.parametrize("seed", range(6))
def test_letters_represent_every_comparison(seed):
    """Random significance patterns: shared letter iff not significant (Piepho 2004, def.)."""
    rng = np.random.default_rng(seed)
    k = 7
    sig = np.zeros((k, k), dtype=bool)
    for i, j in combinations(range(k), 2):
        sig[i, j] = sig[j, i] = rng.random() < 0.4
    means = rng.normal(size=k)
    letters = compact_letters([f"L{i}" for i in range(k)], means, sig).tolist()
    for i, j in combinations(range(k), 2):
        share = bool(set(letters[i]) & set(letters[j]))
        assert share == (not sig[i, j])


def test_more_than_26_letters():
    """Past z the letters continue a1..z1, a2, ... (lowercase only)."""
    k = 60
    got = compact_letters([str(i) for i in range(k)], np.arange(k, 0, -1.0), ~np.eye(k, dtype=bool))
    # all 60 means differ: one letter each, in order of the means (index -> name by hand)
    assert got.iloc[0] == "a" and got.iloc[26] == "a1" and got.iloc[52] == "a2"
    assert letter_name(53) == "b2"
    assert not any(ch.isupper() for ch in "".join(got))


def test_wrong_shape_raises():
    """A matrix that does not match the levels is a DataValidationError."""
    with pytest.raises(DataValidationError, match="3 x 3"):
        compact_letters(["A", "B", "C"], [1.0, 2.0, 3.0], np.zeros((2, 2)))


def test_letters_from_pairwise_table_carry_its_provenance():
    """Letters built from a pairwise table keep its test, alpha, error term and df."""
    from yieldtrial.stats.compare import pairwise_means
    from yieldtrial.stats.results import MeansModel

    mm = MeansModel("t", ("A", "B", "C"), np.array([30.0, 20.0, 10.0]), np.eye(3) * 4.0,
                    9.0, np.array([4, 4, 4]), 16.0, "residual", "rcbd", "y ~ t + block",
                    "y")  # fmt: skip
    table = pairwise_means(mm, alpha=0.01)
    got = compact_letters(mm.levels, mm.estimates, table)
    prov = got.attrs["provenance"]
    assert prov["test"] == "Tukey-Kramer" and prov["alpha"] == 0.01
    assert prov["error_term"] == "residual" and prov["df_error"] == 9.0


def test_upper_letters_past_z_are_uppercase_with_digits():
    """The 1 % column maps a1 -> A1, so it never collides with the 0.05 column's letters."""
    from yieldtrial.stats.multiple_range import _upper_letters

    # token by token uppercase of the lowercase display (scheme in letters.letter_name)
    assert _upper_letters("abz1a2") == "ABZ1A2"
    assert _upper_letters("na") == "NA"


def test_compact_letters_with_unreadable_significance_names_the_accepted_forms():
    """A string for `significant` is a DataValidationError naming matrix and pairwise table."""
    with pytest.raises(DataValidationError, match=r"2 x 2 matrix of booleans.*group1, group2"):
        compact_letters(["A", "B"], [1.0, 2.0], "x")


def test_pairwise_table_without_reject_is_refused():
    """p-values only (no reject column): every level came out "na" without a word."""
    table = pd.DataFrame({"group1": ["A", "A", "B"], "group2": ["B", "C", "C"],
                          "p_value": [0.2, 0.01, 0.3]})  # fmt: skip
    with pytest.raises(DataValidationError, match="has no reject column"):
        compact_letters(["A", "B", "C"], [3.0, 2.0, 1.0], table)


def test_matrix_frame_missing_a_level_is_refused():
    """A square table without a row and column for a level is named, not read as NaN."""
    sig = pd.DataFrame([[0, 1], [1, 0]], index=["A", "B"], columns=["A", "B"])
    with pytest.raises(DataValidationError, match="no row or column for level"):
        compact_letters(["A", "B", "C"], [3.0, 2.0, 1.0], sig)


def test_matrix_frame_labels_compared_as_text():
    """Treatment codes 1, 2, 3 (an Excel column of numbers) label the matrix's rows.

    Only 1 vs 3 differs, so (the docstring's example) 1 = a, 2 = ab, 3 = b.
    """
    sig = pd.DataFrame([[0, 0, 1], [0, 0, 0], [1, 0, 0]], index=[1, 2, 3], columns=[1, 2, 3])
    got = compact_letters(["1", "2", "3"], [30.0, 20.0, 10.0], sig)
    assert got.tolist() == ["a", "ab", "b"]


def test_means_series_indexed_by_the_levels_is_aligned_on_them():
    """A Series of means in rank order (T, A, C) is matched to levels by label, not position.

    Only T vs C differs (T highest, C lowest): T = a, A = ab, C = b whatever the order the
    levels are given in; by position A got T's mean and the letters of another level.
    """
    sig = [[0, 0, 1], [0, 0, 0], [1, 0, 0]]  # in the order of levels T, A, C
    ranked = pd.Series([30.0, 20.0, 10.0], index=["T", "A", "C"], name="yield_kg_ha")
    by_label = compact_letters(["T", "A", "C"], ranked, sig)
    assert by_label.tolist() == ["a", "ab", "b"]
    sig_alpha = [[0, 0, 0], [0, 0, 1], [0, 1, 0]]  # the same test, levels in the order A, C, T
    got = compact_letters(["A", "C", "T"], ranked, sig_alpha)
    assert got.to_dict() == by_label.to_dict()
