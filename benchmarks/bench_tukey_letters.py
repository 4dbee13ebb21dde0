"""CPU time of the report's two-level Tukey letters on REML LS-means (stop 40).

``two_level_letters(mm, test="tukey")`` takes, up to ``TUKEY_PAIRS_LETTERS_MAX`` (50) levels,
the verdicts of the library's Tukey pairs (``pairwise_means``: each pair's own df, the
single-step multivariate t for correlated LS-means). Peer, in the same process and
interleaved: the studentized range at the smallest pair's df (the letters before stop 40,
``TUKEY_PAIRS_LETTERS_MAX = 0``). Trial: John & Williams' alpha-lattice oats (24 entries,
shipped), REML, Satterthwaite df; ``--entries N``: the simulated alpha-lattice of
``benchmarks/bench_mixed.py`` (N entries, 3 replicates, blocks of 10).

``--pairs``: the letters' Tukey pairs (``need_critical=False``: p-values only) against
the public ``pairwise_means(mm, "tukey")`` (p-values and each df's critical value),
interleaved, the family's curve built once beforehand (it is cached and shared); checks
that the adjusted P values are the same floats.

    PYTHONPATH=src OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tukey_letters.py
    PYTHONPATH=src OPENBLAS_NUM_THREADS=1 python benchmarks/bench_tukey_letters.py \
        --entries 50 --pairs
"""

from __future__ import annotations

import argparse
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

import yieldtrial.stats.multiple_range as mr
from yieldtrial.datasets import example_path
from yieldtrial.stats import compare, mixed_model


def _cpu(mm: object, limit: int) -> float:
    mr.TUKEY_PAIRS_LETTERS_MAX = limit
    start = time.process_time()
    mr.two_level_letters(mm, test="tukey")  # type: ignore[arg-type]
    return time.process_time() - start


def _means_model(entries: int | None) -> object:
    if entries is None:
        df = pd.read_csv(example_path("john-williams-alpha-oats"))
        fit = mixed_model(df, response="yield", design="alpha", treatment="gen", block="rep",
                          incomplete_block="block")  # fmt: skip
        return fit.means_model()
    from bench_mixed import alpha_lattice

    df = alpha_lattice(entries, block_size=10)
    fit = mixed_model(df, response="yield_kg_ha", design="alpha", treatment="entry",
                      block="rep", incomplete_block="block")  # fmt: skip
    return fit.means_model()


def _pairs(mm: object) -> None:
    def timed(need: bool) -> tuple[float, pd.DataFrame]:
        start = time.process_time()
        out = compare.pairwise_means_core(mm, method="tukey", alpha=0.05, protected=True,  # type: ignore[arg-type]
                                      anova_p=None, need_critical=need)  # fmt: skip
        return time.process_time() - start, out

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cold, _ = timed(False)  # builds the cached curve (the integral itself) once
        full, short = [], []
        for _ in range(3):
            t_full, a = timed(True)
            t_short, b = timed(False)
            full.append(t_full)
            short.append(t_short)
        # the letters themselves: before stop 40's change they took every df's critical value
        # (the public pairwise_means); patched back in, interleaved with the change
        real = compare.pairwise_means_core

        def with_critical(*args: Any, **kwargs: Any) -> pd.DataFrame:
            return real(*args, **{**kwargs, "need_critical": True})

        letters: dict[bool, list[float]] = {True: [], False: []}
        frames = {}
        for _ in range(3):
            for need in (True, False):
                compare.pairwise_means_core = with_critical if need else real  # type: ignore[assignment]
                start = time.process_time()
                frames[need] = mr.two_level_letters(mm, test="tukey")  # type: ignore[arg-type]
                letters[need].append(time.process_time() - start)
        compare.pairwise_means_core = real  # type: ignore[assignment]
    same_letters = frames[True].equals(frames[False]) and (
        frames[True].attrs["provenance"] == frames[False].attrs["provenance"]
    )
    print(f"{len(mm.levels)} levels: first call (builds the curve) {cold:.2f} s CPU")  # type: ignore[attr-defined]
    print(f"letters: with critical values {min(letters[True]):.3f} s, p-values only "
          f"{min(letters[False]):.3f} s CPU; letters and provenance identical: "
          f"{same_letters}")  # fmt: skip
    pa, pb = a["p_value_adjusted"].to_numpy(), b["p_value_adjusted"].to_numpy()
    same = np.array_equal(pa, pb, equal_nan=True)
    verdicts = bool((a["reject"] == b["reject"]).all())
    f, s = min(full), min(short)
    print(f"pairs with critical values {f:.3f} s, p-values only {s:.3f} s CPU "
          f"(x {f / s:.1f}); adjusted P identical: {same}; "
          f"verdicts identical: {verdicts}")  # fmt: skip
    print("  note with critical values:", a.attrs["provenance"]["adjustment"])
    print("  note, p-values only:      ", b.attrs["provenance"]["adjustment"])


def main() -> None:
    """Print the CPU time of both paths (best of 3, interleaved) and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=None, help="simulated alpha-lattice")
    parser.add_argument("--pairs", action="store_true", help="p-values only vs with critical")
    args = parser.parse_args()
    mm = _means_model(args.entries)
    if args.pairs:
        _pairs(mm)
        return
    saved = mr.TUKEY_PAIRS_LETTERS_MAX
    before, after = [], []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(3):
                before.append(_cpu(mm, 0))
                after.append(_cpu(mm, saved))
    finally:
        mr.TUKEY_PAIRS_LETTERS_MAX = saved
    b, a = min(before), min(after)
    print(f"{len(mm.levels)} levels: studentized range at one df {b:.3f} s, "  # type: ignore[attr-defined]
          f"Tukey pairs {a:.3f} s CPU (x {a / b:.0f})")  # fmt: skip


if __name__ == "__main__":
    main()
