"""CPU cost of the stop-41 argument checks against the calls they guard, in one process.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_argument_checks.py [--rounds 5]``.

Interleaved rounds, the best of each printed: ``FieldTrial.diagnostics`` (memoized fit)
against the option check every forwarding FieldTrial method now runs first
(``_check_options``, names cached per delegate), and ``convert_yield`` with and without
``crop=`` (the crop is now checked whenever given).  Process CPU time
(``time.process_time``); the peer is the guarded call itself.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import pandas as pd

import yieldtrial as yt
from yieldtrial import trial as trial_module
from yieldtrial.datasets import example_path
from yieldtrial.stats.residual_checks import diagnostics as residual_diagnostics


def cpu_per_call(function: Callable[[], object], calls: int) -> float:
    """Mean process CPU time of one call [s]."""
    start = time.process_time()
    for _ in range(calls):
        function()
    return (time.process_time() - start) / calls


def main() -> None:
    """Print the best of ``--rounds`` interleaved rounds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    warnings.simplefilter("ignore")
    plots = pd.read_csv(example_path("replicated-rcbd"))
    trial = yt.FieldTrial.from_dataframe(plots, crop="wheat", control="CK1")
    options = {"cv_warn_pct": 8}
    timings: dict[str, list[float]] = {}
    calls: dict[str, tuple[Callable[[], object], int]] = {
        "diagnostics()": (lambda: trial.diagnostics(**options), 20),
        "its option check": (
            lambda: trial_module._check_options(
                "diagnostics", options, residual_diagnostics, trial_module._DESIGN_ROLES
            ),
            2000,
        ),
        "convert_yield(crop=)": (
            lambda: yt.convert_yield(500.0, "kg/mu", "kg/ha", crop="wheat"),
            2000,
        ),
        "convert_yield()": (lambda: yt.convert_yield(500.0, "kg/mu", "kg/ha"), 2000),
    }
    for _ in range(rounds):
        for name, (function, count) in calls.items():
            timings.setdefault(name, []).append(cpu_per_call(function, count))
    best = {name: min(values) for name, values in timings.items()}
    print(
        f"diagnostics() {best['diagnostics()'] * 1e3:.2f} ms; option check "
        f"{best['its option check'] * 1e6:.2f} us "
        f"({best['its option check'] / best['diagnostics()']:.3%} of the call)"
    )
    print(
        f"convert_yield with crop {best['convert_yield(crop=)'] * 1e6:.2f} us, without "
        f"{best['convert_yield()'] * 1e6:.2f} us (ratio "
        f"{best['convert_yield(crop=)'] / best['convert_yield()']:.2f})"
    )


if __name__ == "__main__":
    main()
