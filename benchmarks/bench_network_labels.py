"""Benchmark of ``analyze_many``'s reading of a frame's label columns (stop 47).

Since stop 47 :func:`yieldtrial.analyze_many` reads the text label columns of a pandas
frame (trial keys, treatment, block) as ``yieldtrial network`` reads its files: one pass
over the distinct labels, and a normalised copy of a column only when a label needs it.
Prints the CPU time (``time.process_time``, best of ``--repeat``) of ``analyze_many`` on a
network of 2,500 RCBD trials (10 treatments x 4 blocks: 100,000 plots) with clean labels,
as pandas reads them (``str``) and as ``object`` columns, of the label check alone and of
``yieldtrial network``'s label reading (stop 48: the command calls the same function).
Run it with the old and the new source tree on ``PYTHONPATH`` to compare.

Usage::

    python benchmarks/bench_network_labels.py [--repeat 3]

No timing is asserted anywhere; the figures go to ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

import yieldtrial as yt

SITES, TREATMENTS, BLOCKS = 2500, 10, 4


def network(object_labels: bool) -> pd.DataFrame:
    """Return the synthetic network, its labels as ``str`` or ``object`` columns."""
    rng = np.random.default_rng(1)
    n = SITES * TREATMENTS * BLOCKS
    data = pd.DataFrame(
        {
            "site": np.repeat([f"S{i:04d}" for i in range(SITES)], TREATMENTS * BLOCKS),
            "block": np.tile(np.repeat([f"B{b}" for b in range(BLOCKS)], TREATMENTS), SITES),
            "treatment": np.tile(
                [f"T{t}" if t else "CK" for t in range(TREATMENTS)], SITES * BLOCKS
            ),
            "yield_kg_ha": rng.normal(7000, 400, n),
        }
    )
    if object_labels:
        data = data.astype({"site": object, "block": object, "treatment": object})
    return data


def best_cpu(run: object, repeat: int) -> float:
    """Return the smallest CPU time of ``repeat`` calls of ``run``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()  # type: ignore[operator]
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    """Print the CPU times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    options = {"by": "site", "response": "yield_kg_ha", "treatment": "treatment"}
    options |= {"block": "block", "control": "CK"}
    warnings.simplefilter("ignore")
    for object_labels in (False, True):
        data = network(object_labels)
        yt.analyze_many(data.head(400), **options)  # imports and first-call costs
        kind = "object" if object_labels else "str"
        cpu = best_cpu(lambda d=data: yt.analyze_many(d, **options), repeat)
        print(f"{len(data):,} plots, {kind} labels: analyze_many {cpu:.3f} CPU s")
        try:
            from yieldtrial.network._columns import normalised_labels
        except ImportError:  # a tree before stop 47
            continue
        alone = best_cpu(
            lambda d=data: normalised_labels(d, ["site", "treatment", "block"]), repeat
        )
        print(f"  the label check alone: {alone:.4f} CPU s")
        print(f"  the command's label reading: {command_reading(data, repeat):.4f} CPU s")


def command_reading(data: pd.DataFrame, repeat: int) -> float:
    """Return the CPU time of ``yieldtrial network``'s label reading of ``data`` [s].

    ``commands.network._normalise_labels`` (in place before stop 48, through
    ``analyze_many``'s function since) on a copy of the frame, the copy's time subtracted.
    """
    from yieldtrial.commands.network import _normalise_labels

    columns = ["site", "treatment", "block"]
    copying = best_cpu(lambda: data.copy(), repeat)
    return best_cpu(lambda: _normalise_labels(data.copy(), columns), repeat) - copying


if __name__ == "__main__":
    main()
