"""CPU time of the report's two-level Tukey letters on REML LS-means (stop 40).

``two_level_letters(mm, test="tukey")`` takes, up to ``TUKEY_PAIRS_LETTERS_MAX`` (50) levels,
the verdicts of the library's Tukey pairs (``pairwise_means``: each pair's own df, the
single-step multivariate t for correlated LS-means). Peer, in the same process and
interleaved: the studentized range at the smallest pair's df (the letters before stop 40,
``TUKEY_PAIRS_LETTERS_MAX = 0``). Trial: John & Williams' alpha-lattice oats (24 entries,
shipped), REML, Satterthwaite df.

    PYTHONPATH=src OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tukey_letters.py
"""

from __future__ import annotations

import time

import pandas as pd

import yieldtrial.stats.multiple_range as mr
from yieldtrial.datasets import example_path
from yieldtrial.stats import mixed_model


def _cpu(mm: object, limit: int) -> float:
    mr.TUKEY_PAIRS_LETTERS_MAX = limit
    start = time.process_time()
    mr.two_level_letters(mm, test="tukey")  # type: ignore[arg-type]
    return time.process_time() - start


def main() -> None:
    """Print the CPU time of both paths (best of 3, interleaved) and their ratio."""
    df = pd.read_csv(example_path("john-williams-alpha-oats"))
    fit = mixed_model(df, response="yield", design="alpha", treatment="gen", block="rep",
                      incomplete_block="block")  # fmt: skip
    mm = fit.means_model()
    saved = mr.TUKEY_PAIRS_LETTERS_MAX
    before, after = [], []
    try:
        for _ in range(3):
            before.append(_cpu(mm, 0))
            after.append(_cpu(mm, saved))
    finally:
        mr.TUKEY_PAIRS_LETTERS_MAX = saved
    b, a = min(before), min(after)
    print(f"{len(mm.levels)} levels: studentized range at one df {b:.3f} s, "
          f"Tukey pairs {a:.3f} s CPU (x {a / b:.0f})")  # fmt: skip


if __name__ == "__main__":
    main()
