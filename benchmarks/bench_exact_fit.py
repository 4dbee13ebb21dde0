"""CPU cost of the one exact-fit rule of the fixed fits and REML (stop 40).

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_exact_fit.py [--plots 3000000]
[--rounds 5]``.

:func:`yieldtrial.stats._common.rounding_noise` now also takes the standard deviation of
the response (a centred sum of squares, in slices of 2**20 values: no copy of the
response).  Times it, round by round in one process with ``time.process_time``, against
two peers: the rule it replaced (the root mean square residual against the rounding noise
of ``max |y|`` alone) and the peer that sets the scale, the fixed RCBD fit of the same
plots (:func:`yieldtrial.stats.model.fit`, 20 treatments, yields shifted each round so no
fit is cached).  SYNTHETIC yields (normal, mean 5,000, SD 300).  Prints the best CPU time
of each and the ratios.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from yieldtrial.stats._common import rounding_limit, rounding_noise
from yieldtrial.stats.model import fit

COLUMNS = {"response": "yield_kg_ha", "treatment": "treatment", "block": "block"}


def previous_rule(residuals: np.ndarray, y: np.ndarray) -> bool:
    """Return the rule before stop 40: RMS residual within 64 ulps of ``max |y|`` (the peer)."""
    scale = max(float(np.max(y)), -float(np.min(y)))
    rms = float(np.sqrt(float(residuals @ residuals) / residuals.size))
    return bool(rms <= rounding_limit(scale))


def best(run: Callable[[], object], repeats: int) -> float:
    """Return the CPU time of one call [s]: ``repeats`` calls timed together."""
    start = time.process_time()
    for _ in range(repeats):
        run()
    return (time.process_time() - start) / repeats


def main() -> None:
    """Time the rule, its predecessor and a fit; print the best of the rounds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=int, default=3_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    y = 5000.0 + 300.0 * rng.standard_normal(args.plots)
    residuals = rng.standard_normal(args.plots)
    blocks = args.plots // 20
    plots = pd.DataFrame(
        {
            "treatment": np.tile([f"T{i:02d}" for i in range(20)], blocks),
            "block": np.repeat([f"B{j}" for j in range(blocks)], 20),
            "yield_kg_ha": y[: blocks * 20],
        }
    )
    times: dict[str, list[float]] = {"rule": [], "previous rule": [], "RCBD fit": []}
    for number in range(args.rounds):  # interleaved: the machine's load is shared by all
        times["rule"].append(best(lambda: rounding_noise(residuals, y), 10))
        times["previous rule"].append(best(lambda: previous_rule(residuals, y), 10))
        shifted = plots.assign(yield_kg_ha=plots["yield_kg_ha"] + number)  # no cached fit
        times["RCBD fit"].append(best(partial(fit, shifted, **COLUMNS), 1))
    rule = min(times["rule"])
    print(f"{args.plots:,} plots, best of {args.rounds} rounds (CPU time)")
    for name, values in times.items():
        print(f"  {name:14s} {min(values) * 1e3:9.2f} ms  ({min(values) / rule:.2f}x the rule)")


if __name__ == "__main__":
    main()
