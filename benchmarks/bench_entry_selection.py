"""CPU cost of counting an augmented design's checks apart in a summarised report.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_entry_selection.py [--rounds 15]``.

``report.entries.select_entries`` at 10,004 treatments (4 checks, 10,000 entries; SYNTHETIC
means and one control's Dunnett table), with ``checks=()`` (the path of every design but
the augmented one: the peer) and with the 4 checks (stop 42), interleaved in one process;
the median process CPU time (``time.process_time``) of each is printed.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from yieldtrial.report.entries import select_entries


def main() -> None:
    """Time both calls, interleaved, and print their medians in ms."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    rng = np.random.default_rng(1)
    labels = [f"CK{i}" for i in range(1, 5)] + [f"E{i:05d}" for i in range(1, 10_001)]
    means = pd.DataFrame({"treatment": labels, "mean": rng.normal(7000.0, 600.0, len(labels))})
    comparisons = pd.DataFrame(
        {
            "treatment": labels[1:],
            "control": "CK1",
            "difference_kg_ha": rng.normal(0.0, 600.0, len(labels) - 1),
            "p_value_adjusted": rng.uniform(0.0, 1.0, len(labels) - 1),
        }
    )
    cases = {"no checks (peer)": (), "4 checks": tuple(labels[:4])}
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, checks in cases.items():
            start = time.process_time()
            select_entries(
                means,
                comparisons,
                controls=["CK1"],
                alpha=0.05,
                difference="difference_kg_ha",
                checks=checks,
            )
            times[name].append(time.process_time() - start)
    for name, values in times.items():
        print(f"{name}: median {1000 * float(np.median(values)):.2f} ms CPU")


if __name__ == "__main__":
    main()
