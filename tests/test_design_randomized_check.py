"""The vectorized randomisation check equals the per-block comparison it replaced.

Expected values come from the earlier implementation (kept here as the reference): each
block's treatments in order of first appearance, compared with the first block's order on
the treatments both hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yieldtrial.design.resolve import _randomized


def _reference(plots: pd.DataFrame) -> bool:
    orders = [
        tuple(dict.fromkeys(group.astype(str)))
        for _, group in plots["treatment"].groupby(plots["block"].astype(str), sort=False)
    ]
    if len(orders) < 2:
        return False
    first = orders[0]
    for order in orders[1:]:
        common = [t for t in order if t in first]
        if common != [t for t in first if t in order]:
            return True
    return False


def test_randomized_check_equals_per_block_comparison() -> None:
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(400):
        rows = []
        n_treatments = int(rng.integers(1, 6))
        for b in range(int(rng.integers(1, 5))):
            order = (
                [int(x) for x in rng.permutation(n_treatments)]
                if rng.random() < 0.3
                else list(range(n_treatments))
            )
            if rng.random() < 0.3:  # incomplete block
                order = order[: int(rng.integers(0, n_treatments + 1))]
            if rng.random() < 0.2 and order:  # a treatment twice in a block
                order = [*order, order[0]]
            rows += [(f"B{b}", f"T{x}") for x in order]
        if rng.random() < 0.3:  # blocks interleaved in the file
            rng.shuffle(rows)
        plots = pd.DataFrame(rows, columns=["block", "treatment"], dtype=object)
        if len(plots) and rng.random() < 0.1:
            plots.loc[0, "block"] = None
        expected = _reference(plots)
        seen.add(expected)
        assert _randomized(plots) == expected
    assert seen == {True, False}


def _random_book(rng: np.random.Generator) -> pd.DataFrame:
    """Draw a random field book: permuted, incomplete, repeated and NaN blocks, shuffled."""
    rows = []
    n_treatments = int(rng.integers(1, 9))
    for b in range(int(rng.integers(1, 12))):
        order = (
            [int(x) for x in rng.permutation(n_treatments)]
            if rng.random() < 0.2
            else list(range(n_treatments))
        )
        if rng.random() < 0.4:  # incomplete block, treatments left out anywhere
            order = [x for x in order if rng.random() < 0.7]
        if rng.random() < 0.3 and order:  # a treatment again later in the block
            order = [*order, order[int(rng.integers(len(order)))]]
        rows += [(f"B{b}", f"T{x}") for x in order]
    if rng.random() < 0.3:  # blocks interleaved in the file
        rng.shuffle(rows)
    plots = pd.DataFrame(rows, columns=["block", "treatment"], dtype=object)
    if len(plots) and rng.random() < 0.2:
        plots.loc[int(rng.integers(len(plots))), "block"] = np.nan
    if rng.random() < 0.5:  # arrow text columns, whose missing labels stay missing
        plots = plots.astype("string[pyarrow]")
        if len(plots) and rng.random() < 0.4:
            plots.loc[int(rng.integers(len(plots))), "treatment"] = pd.NA
    return plots


def test_randomized_dense_and_hash_routes_equal_per_block_comparison(monkeypatch) -> None:
    # the dense block x treatment table (stop 32, third pass) and the hash route it is
    # used in place of (kept for sparse tables) both give the reference's answer
    from yieldtrial.io import levels

    rng = np.random.default_rng(32)
    seen = set()
    for _ in range(400):
        plots = _random_book(rng)
        expected = _reference(plots)
        seen.add(expected)
        monkeypatch.setattr(levels, "_DENSE_EXTRA", 1 << 16)
        assert _randomized(plots) == expected
        monkeypatch.setattr(levels, "_DENSE_EXTRA", -(1 << 62))  # every table: hash route
        assert _randomized(plots) == expected
    assert seen == {True, False}


def test_randomized_dense_route_in_int64_equals_per_block_comparison(monkeypatch) -> None:
    # the dense route runs in int32 when every cell and row fits (stop 37: half the
    # working memory); a dense allowance past 2**31 takes int64 codes: the same answers
    from yieldtrial.io import levels

    rng = np.random.default_rng(37)
    monkeypatch.setattr(levels, "_DENSE_EXTRA", 1 << 31)  # every table dense, int64 codes
    seen = set()
    for _ in range(200):
        plots = _random_book(rng)
        expected = _reference(plots)
        seen.add(expected)
        assert _randomized(plots) == expected
    assert seen == {True, False}
