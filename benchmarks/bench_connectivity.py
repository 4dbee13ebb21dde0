"""CPU cost of the connectivity check of an alpha-lattice's incomplete blocks (stop 40).

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_connectivity.py [--entries 1000]
[--block-size 10] [--replicates 3] [--rounds 5]``.

Lays out an alpha-lattice (:func:`yieldtrial.design.alpha_design`, SYNTHETIC yields) and
times, round by round in one process with ``time.process_time``, the check the residual
checks now run first (:func:`yieldtrial.stats.trial_analysis.disconnected_groups`, a sparse
graph of treatments and incomplete blocks), against two peers: the pure-Python union-find
over the incomplete blocks it replaced while it was written, and the peer that sets the
scale, ``FieldTrial.diagnostics()`` itself (the intra-block fit and its residual checks;
yields shifted each round, so no cached fit).  Prints the best CPU time of each and the ratios.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial import FieldTrial
from yieldtrial.design import alpha_design
from yieldtrial.stats.trial_analysis import disconnected_groups

COLUMNS: dict[str, Any] = {"design": "alpha"}


def union_find(data: pd.DataFrame) -> list[list[str]]:
    """Return the groups by a union-find over each incomplete block's treatments (the peer)."""
    labels = [str(t) for t in pd.unique(data["treatment"].astype(str))]
    parent = {label: label for label in labels}

    def root(label: str) -> str:
        while parent[label] != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    names = data["treatment"].astype(str)
    for _, members in names.groupby([data["block"], data["incomplete_block"]], sort=False):
        first = root(members.iloc[0])
        for label in pd.unique(members):
            parent[root(label)] = first
    groups: dict[str, list[str]] = {}
    for label in labels:
        groups.setdefault(root(label), []).append(label)
    return sorted(groups.values(), key=len, reverse=True)


def best(run: Callable[[], object], rounds: int) -> float:
    """Return the smallest CPU time of ``rounds`` calls [s]."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    """Time the check and its peers; print the CPU seconds and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--block-size", type=int, default=10)
    parser.add_argument("--replicates", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    book = alpha_design([f"G{i:05d}" for i in range(1, args.entries + 1)],
                        block_size=args.block_size, replicates=args.replicates, seed=1)  # fmt: skip
    book = book[["plot_id", "treatment", "block", "incomplete_block"]].copy()
    book["yield_kg_ha"] = 7000 + (np.arange(len(book)) * 7 % 16) * 10.0
    assert disconnected_groups(book, COLUMNS) == union_find(book)
    for round_number in (1, 2):  # interleaved: check, peer, diagnostics, twice
        check = best(lambda: disconnected_groups(book, COLUMNS), args.rounds)
        peer = best(lambda: union_find(book), args.rounds)
        shifted = book.assign(yield_kg_ha=book["yield_kg_ha"] + round_number)  # no cached fit
        fit = best(lambda f=shifted: FieldTrial(f, crop="wheat", design="alpha").diagnostics(), 1)
        print(
            f"round {round_number}: {len(book):,} plots; check {check * 1e3:.1f} ms CPU, "
            f"union-find {peer * 1e3:.1f} ms ({peer / check:.1f}x), diagnostics "
            f"{fit * 1e3:.0f} ms (check = {100 * check / fit:.1f} % of it)"
        )


if __name__ == "__main__":
    main()
