"""Alpha-lattice designs (yieldtrial.design.alpha) and ``yieldtrial design alpha``.

Expected efficiency factors: square lattices with r replicates have canonical efficiency
factors (r - 1)/r (multiplicity r (k - 1)) and 1 (the rest), so E = (v - 1) / [r^2 (k - 1)/(r - 1)
+ (k - 1)(k + 1 - r)], i.e. (k + 1)/(k + 3) for the simple lattice (Cochran & Cox 1957, ch. 10;
John & Williams 1995, ch. 2); they attain the Patterson & Williams (1976) upper bound.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from yieldtrial.cli import main
from yieldtrial.design.alpha import alpha_design, alpha_efficiency, alpha_generator
from yieldtrial.errors import DataValidationError


def _lattice_efficiency(k: int, r: int) -> float:
    """Efficiency factor of a square lattice with r replicates (hand derivation above)."""
    return (k * k - 1) / (r * r * (k - 1) / (r - 1) + (k - 1) * (k + 1 - r))


@pytest.mark.parametrize(("k", "r"), [(3, 2), (5, 2), (5, 3), (7, 4)])
def test_prime_construction_is_a_square_lattice(k: int, r: int) -> None:
    """With s = k prime, i j mod s gives the square lattice; E equals the upper bound."""
    design = alpha_generator(k * k, block_size=k, replicates=r)
    assert design.construction == "ij mod s"
    assert design.max_concurrence == 1
    assert design.efficiency == pytest.approx(_lattice_efficiency(k, r), rel=1e-12)
    assert design.upper_bound == pytest.approx(design.efficiency, rel=1e-12)


def _independent_efficiency(blocks: np.ndarray) -> float:
    """E = RCBD average variance of a difference / the design's, from C^+ (sigma^2 = 1)."""
    r, s, k = blocks.shape
    v = s * k
    n = np.zeros((v, r * s))
    for j in range(r):
        for b in range(s):
            n[blocks[j, b], j * s + b] = 1
    c_plus = np.linalg.pinv(r * np.eye(v) - n @ n.T / k)
    pairs = [c_plus[i, i] + c_plus[j, j] - 2 * c_plus[i, j] for i, j in combinations(range(v), 2)]
    return (2.0 / r) / float(np.mean(pairs))


@pytest.mark.parametrize(("v", "k", "r"), [(24, 4, 3), (30, 5, 2), (48, 6, 3)])
def test_searched_generator_is_alpha01_and_efficiency_checks(v: int, k: int, r: int) -> None:
    """Non-prime s: the searched array is alpha(0, 1); E matches a brute-force computation."""
    design = alpha_generator(v, block_size=k, replicates=r, seed=3)
    assert design.construction.startswith("search")
    assert design.max_concurrence == 1
    assert design.efficiency == pytest.approx(_independent_efficiency(design.blocks), rel=1e-9)
    assert design.efficiency <= design.upper_bound + 1e-12


def _cyclic_blocks(alpha: np.ndarray, s: int) -> np.ndarray:
    """Blocks of the alpha array (Patterson & Williams 1976): t = i s + (alpha_ij + l) mod s."""
    k, r = alpha.shape
    return np.array(
        [[[i * s + (alpha[i, j] + block) % s for i in range(k)] for block in range(s)]
         for j in range(r)]
    )  # fmt: skip


def test_two_replicates_get_the_most_efficient_cyclic_array() -> None:
    """30 entries in blocks of 3, 2 replicates: every cyclic array evaluated independently.

    With two replicates any array with distinct rows is alpha(0, 1), yet i j mod s (a ring
    of blocks) has E = 0.3775; the best connected one of the 72 arrays (0, a, b) with 0, a, b
    distinct has 0.4644 (shifts that are all even leave two disconnected halves).
    """
    s = 10

    def connected(blocks: np.ndarray) -> bool:
        n = np.zeros((30, 20))
        for j in range(2):
            for b in range(s):
                n[blocks[j, b], j * s + b] = 1
        return bool(np.linalg.matrix_rank(2 * np.eye(30) - n @ n.T / 3) == 29)

    arrays = [
        np.array([[0, 0], [0, a], [0, b]]) for a in range(1, s) for b in range(1, s) if a != b
    ]
    best = max(
        _independent_efficiency(_cyclic_blocks(a, s))
        for a in arrays
        if connected(_cyclic_blocks(a, s))
    )
    ring = _independent_efficiency(_cyclic_blocks(np.array([[0, 0], [0, 1], [0, 2]]), s))
    design = alpha_generator(30, block_size=3, replicates=2, seed=1)
    assert ring == pytest.approx(0.3775, abs=1e-4)
    assert design.efficiency == pytest.approx(best, rel=1e-9)
    assert best == pytest.approx(0.4644, abs=1e-4)


@pytest.mark.parametrize(("v", "k", "r"), [(12, 4, 3), (24, 4, 3), (60, 6, 2), (30, 10, 3)])
def test_fast_efficiency_matches_the_brute_force_one(v: int, k: int, r: int) -> None:
    """The dual (blocks) eigenvalues give the same E as C^+ (v x v) for random arrays."""
    from yieldtrial.design.alpha import _array_efficiency

    s = v // k
    rng = np.random.default_rng(v + k + r)
    for _ in range(3):
        alpha = rng.integers(0, s, (k, r))
        alpha[0], alpha[:, 0] = 0, 0
        assert _array_efficiency(alpha, s) == pytest.approx(
            _independent_efficiency(_cyclic_blocks(alpha, s)), rel=1e-9, abs=1e-12
        )


def test_efficiency_search_never_loses_to_its_start() -> None:
    """The ascent starts from the concurrence search (or i j mod s) and only keeps gains."""
    from yieldtrial.design.alpha import _array_efficiency, _search

    for v, k, r in ((120, 6, 2), (60, 6, 3), (35, 5, 3)):
        s = v // k
        start = (np.outer(np.arange(k), np.arange(r)) % s if v == 35
                 else _search(k, r, s, np.random.default_rng(1)))  # fmt: skip
        design = alpha_generator(v, block_size=k, replicates=r, seed=1)
        assert design.efficiency >= _array_efficiency(start, s) - 1e-12


def test_every_replicate_is_complete() -> None:
    """Each replicate holds every treatment once, in s blocks of k."""
    design = alpha_generator(200, block_size=10, replicates=3, seed=1)
    for rep in design.blocks:
        assert sorted(rep.ravel().tolist()) == list(range(200))
    assert design.blocks.shape == (3, 20, 10)
    assert design.max_concurrence == 1


def test_efficiency_of_a_disconnected_design_is_zero() -> None:
    """Two replicates with identical blocks are disconnected: E = 0."""
    rep = [[0, 1], [2, 3]]
    assert alpha_efficiency(np.array([rep, rep])) == 0.0


def test_field_book_columns_and_randomization() -> None:
    """Field book: replicate, incomplete block, positions; the same seed, the same book."""
    labels = [f"G{i:02d}" for i in range(1, 25)]
    book = alpha_design(labels, block_size=4, replicates=3, seed=11)
    assert list(book.columns[:6]) == ["plot_id", "treatment", "block", "incomplete_block",
                                      "row", "column"]  # fmt: skip
    assert (book.groupby("block")["treatment"].nunique() == 24).all()
    assert (book.groupby(["block", "incomplete_block"]).size() == 4).all()
    assert book["plot_id"].is_unique
    assert book.equals(alpha_design(labels, block_size=4, replicates=3, seed=11))
    assert not book["treatment"].equals(
        alpha_design(labels, block_size=4, replicates=3, seed=12)["treatment"]
    )
    assert book.attrs["design"]["design"] == "alpha"
    assert book.attrs["design"]["max_concurrence"] == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"block_size": 5}, "multiple of the block size"), ({"block_size": 4, "replicates": 1},
                                                         "replicates")],
    ids=["not-multiple", "one-replicate"],
)  # fmt: skip
def test_bad_parameters_raise(kwargs: dict, match: str) -> None:
    """A v that is not a multiple of k, or one replicate, is refused with the fix."""
    args = {"replicates": 2, **kwargs}
    with pytest.raises(DataValidationError, match=match):
        alpha_design([f"G{i}" for i in range(24)], **args)


def test_field_book_feeds_back_into_the_trial() -> None:
    """A filled-in alpha field book is detected as an alpha design and fitted by REML."""
    from yieldtrial.stats.mixed import MixedModelFit
    from yieldtrial.trial import FieldTrial

    book = alpha_design([f"G{i:02d}" for i in range(1, 21)], block_size=4, replicates=3, seed=5)
    rng = np.random.default_rng(5)
    plots = book.drop(columns=["harvested_area_m2", "fresh_mass_kg", "moisture_pct",
                               "impurity_pct"])  # fmt: skip
    plots["yield_kg_ha"] = 6000 + rng.normal(0, 300, len(plots))
    trial = FieldTrial.from_dataframe(plots, crop="wheat")
    assert trial.design == "alpha"
    assert "alpha design" in trial.metadata["design_source"]
    assert isinstance(trial.anova(), MixedModelFit)


def test_cli_prints_generator_and_efficiency(tmp_path, capsys) -> None:
    """``yieldtrial design alpha`` writes the book and prints generator and efficiency."""
    out = tmp_path / "alpha.csv"
    labels = [f"G{i:02d}" for i in range(1, 26)]
    code = main(["design", "alpha", "--treatments", *labels, "--block-size", "5",
                 "--replicates", "2", "--seed", "1", "-o", str(out)])  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    assert "generating array" in err and "the cyclic array i x j mod 5" in err
    assert f"efficiency factor {_lattice_efficiency(5, 2):.4f}" in err  # 6/8 = 0.75
    book = pd.read_csv(out, dtype=str)
    assert len(book) == 50 and set(book["incomplete_block"]) == {"1", "2", "3", "4", "5"}


def test_cli_alpha_needs_block_size(capsys) -> None:
    """Without --block-size the command stops with a usage error naming the flag (stop 35)."""
    assert main(["design", "alpha", "--treatments", "A", "B", "C", "D", "--replicates", "2"]) == 2
    assert "--block-size" in capsys.readouterr().err


def test_alpha_design_prime_treatment_count_says_to_add_entries() -> None:
    """13 entries in blocks of 4: no divisor to suggest, so the message says to add entries.

    The next multiple of 4 above 13 is 16 (hand count).
    """
    with pytest.raises(DataValidationError, match=r"13 is prime.*multiple of 4 \(16 entries\)"):
        alpha_design([f"G{i}" for i in range(13)], block_size=4, replicates=2, seed=1)


def test_alpha_efficiency_of_a_two_dimensional_array_names_the_shape() -> None:
    """One replicate given as a 2-D array is refused naming the expected 3-D shape."""
    with pytest.raises(DataValidationError, match=r"shape \(replicates, blocks per replicate"):
        alpha_efficiency(np.array([[0, 1], [2, 3]]))


def test_many_blocks_are_linked_like_an_expander_not_a_ring() -> None:
    """300 entries in blocks of 6, 2 replicates (50 blocks each).

    ``i j mod s`` links block l of replicate 2 to blocks l..l+5 of replicate 1 (a ring):
    E = 0.472 (independent C^+ computation below); random starts followed by the efficiency
    search reach 0.688 (upper bound 0.75).
    """
    s = 50
    ring = _independent_efficiency(_cyclic_blocks(np.outer(np.arange(6), np.arange(2)) % s, s))
    design = alpha_generator(300, block_size=6, replicates=2, seed=4)
    assert ring == pytest.approx(0.4723, abs=1e-4)
    assert design.efficiency == pytest.approx(_independent_efficiency(design.blocks), rel=1e-9)
    assert design.efficiency > 0.68
    assert design.efficiency <= design.upper_bound
    assert design.max_concurrence == 1


def test_same_seed_same_generator() -> None:
    """The search is seeded (a cost model, not a clock, bounds it): reproducible layouts."""
    a = alpha_generator(120, block_size=6, replicates=2, seed=11)
    b = alpha_generator(120, block_size=6, replicates=2, seed=11)
    np.testing.assert_array_equal(a.generator, b.generator)


def test_search_budget_shrinks_with_the_eigenproblem() -> None:
    from yieldtrial.design.alpha import _evaluations

    small, medium, huge = (
        _evaluations(6, 2, 20),
        _evaluations(10, 3, 100),
        _evaluations(10, 3, 1000),
    )
    assert small >= medium >= huge
    assert huge == 0
