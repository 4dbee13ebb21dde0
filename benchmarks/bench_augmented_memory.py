"""Memory and CPU of ``augmented_anova`` on a large augmented RCBD, step by step (issue 13).

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_augmented_memory.py TABLE.csv``
(a SYNTHETIC table from ``benchmarks/breeding_designs.py``: columns ``treatment``,
``block``, ``yield_kg_ha``).

Prints, for each step of the fit (model matrices, least squares, LS-means weights,
Wald sums of squares), its process CPU (``time.process_time``) and its peak of traced
memory above the memory held when it started (``tracemalloc``; numpy reports its arrays),
then the total.  The peer is the fit's own least-squares step on the same model matrix.
"""

from __future__ import annotations

import argparse
import functools
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pandas as pd

import yieldtrial.stats.augmented as aug

#: Highest traced memory seen (each step resets tracemalloc's peak to measure its own).
_PEAK = [0]


def _traced(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _PEAK[0] = max(_PEAK[0], tracemalloc.get_traced_memory()[1])
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        start = time.process_time()
        out = func(*args, **kwargs)
        _PEAK[0] = max(_PEAK[0], tracemalloc.get_traced_memory()[1])
        peak_mb = (tracemalloc.get_traced_memory()[1] - base) / 2**20
        print(f"  {name:22s} CPU {time.process_time() - start:7.2f} s  peak +{peak_mb:8.0f} MiB")
        return out

    return wrapper


def main() -> None:
    """Fit the table once with every step traced."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table")
    args = parser.parse_args()
    data = pd.read_csv(args.table)
    for name in ("model_matrix", "least_squares", "reference_grid_means", "_wald_ss"):
        setattr(aug, name, _traced(name, getattr(aug, name)))
    tracemalloc.start()
    start = time.process_time()
    res = aug.augmented_anova(data, response="yield_kg_ha", treatment="treatment", block="block")
    cpu = time.process_time() - start
    peak_mb = max(_PEAK[0], tracemalloc.get_traced_memory()[1]) / 2**20
    print(
        f"{len(res.checks)} checks, {len(res.entries)} entries, {len(res.blocks)} blocks: "
        f"CPU {cpu:.1f} s, traced peak {peak_mb:.0f} MiB"
    )


if __name__ == "__main__":
    main()
