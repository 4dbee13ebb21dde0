"""CPU cost of the augmented typed-twice warning at breeding size (stop 45).

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sparse_repeats.py [--rounds 15]``.

``design.resolve.warn_sparse_repeats`` (every augmented ``FieldTrial`` without an
``entry_type`` column runs it) on a SYNTHETIC augmented table of 4 checks in each of 50
blocks and 10,000 entries on one plot each (10,200 plots: no warning), and on the same
table with 2,000 entries on a second plot in another block (12,200 plots, p-rep: one
warning), interleaved in one process; the median process CPU time
(``time.process_time``) of each is printed.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from yieldtrial.design.resolve import warn_sparse_repeats


def _tables() -> dict[str, pd.DataFrame]:
    """Return the plain augmented table and its p-rep variant."""
    rng = np.random.default_rng(1)
    blocks = 50
    rows = [(f"B{j:02d}", f"CK{k}") for j in range(blocks) for k in range(4)]
    home = rng.integers(0, blocks, 10_000)
    rows += [(f"B{h:02d}", f"E{e:05d}") for e, h in enumerate(home)]
    plain = pd.DataFrame(rows, columns=["block", "treatment"])
    for e in rng.choice(10_000, 2_000, replace=False):
        rows.append((f"B{(home[e] + 1) % blocks:02d}", f"E{e:05d}"))
    prep = pd.DataFrame(rows, columns=["block", "treatment"])
    return {"augmented, entries once": plain, "p-rep, 2,000 entries twice": prep}


def main() -> None:
    """Time both tables, interleaved, and print their medians in ms."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    tables = _tables()
    times: dict[str, list[float]] = {name: [] for name in tables}
    for _ in range(rounds):
        for name, plots in tables.items():
            start = time.process_time()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                warn_sparse_repeats(plots)
            times[name].append(time.process_time() - start)
            times[name + " warnings"] = [float(len(caught))]
    for name, plots in tables.items():
        median = 1e3 * float(np.median(times[name]))
        print(
            f"{name}: {len(plots):,} plots, median {median:.1f} ms CPU of {rounds}, "
            f"{int(times[name + ' warnings'][0])} warning(s)"
        )


if __name__ == "__main__":
    main()
