"""Memory and CPU of ``augmented_anova`` on a large augmented RCBD, step by step (issue 13).

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_augmented_memory.py TABLE.csv``
(a SYNTHETIC table from ``benchmarks/breeding_designs.py``: columns ``treatment``,
``block``, ``yield_kg_ha``).

``--checks CK1,CK2,...`` names the checks (a p-rep table, stop 43: its replicated entries
are not checks).  Prints, for each step of the fit (model matrices, least squares, LS-means weights,
Wald sums of squares; with the entries absorbed, stop 42: the absorbed fit), its process
CPU (``time.process_time``) and its peak of traced memory above the memory held when it
started (``tracemalloc``; numpy reports its arrays), then the total.  The peer is the
fit's own least-squares step on the same model matrix.

``--report SRC [--report SRC ...]`` (stop 42) instead runs ``yieldtrial report TABLE
--crop wheat --control CK1 --no-figures --format json`` in a fresh child process per
source tree (``PYTHONPATH=SRC``, one BLAS thread), one after the other, and prints each
child's CPU (user + system, ``os.wait4``), wall time and peak RSS (``ru_maxrss``): e.g.
the tree before a change (``git archive``) and the worktree's ``src``.
"""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
import tempfile
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


def report_child(src: str, table: str, out: str, checks: str | None = None) -> dict[str, float]:
    """Run ``yieldtrial report`` on ``table`` with ``src`` first on the path; its usage.

    ``checks`` is passed as ``--checks`` (stop 44: a p-rep table without ``entry_type``).
    """
    env = dict(os.environ, PYTHONPATH=src, OPENBLAS_NUM_THREADS="1")
    argv = ["report", table, "--crop", "wheat", "--control", "CK1", "--no-figures",
            "--format", "json", "-o", out, "--force"]  # fmt: skip
    if checks:
        argv += ["--checks", checks]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([sys.executable, "-m", "yieldtrial", *argv], env=env,
                                 stdout=subprocess.DEVNULL, stderr=err)  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            print(f"    exit {code}: {err.read().decode()[-300:]}")
    return {
        "wall": time.perf_counter() - start,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
    }


def main() -> None:
    """Fit the table once with every step traced (or time the report per source tree)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table")
    parser.add_argument("--report", action="append", metavar="SRC", help="source tree")
    parser.add_argument(
        "--checks",
        help="comma-separated check labels (default: the treatments with more than one plot; "
        "a p-rep table needs them named, stop 43); with --report passed as report --checks",
    )
    args = parser.parse_args()
    if args.report:
        with tempfile.TemporaryDirectory() as folder:
            for i, src in enumerate(args.report):
                out = os.path.join(folder, f"r{i}.json")
                reading = report_child(src, args.table, out, args.checks)
                print(f"report src{i} ({src}): {reading['cpu']:7.1f} s CPU "
                      f"{reading['wall']:7.1f} s wall  peak {reading['peak_mb']:6.0f} MB",
                      flush=True)  # fmt: skip
        return
    data = pd.read_csv(args.table)
    traced = ("model_matrix", "least_squares", "reference_grid_means", "_wald_ss")
    for name in (*traced, "_absorbed_fit", "_prep_fit"):
        if hasattr(aug, name):
            setattr(aug, name, _traced(name, getattr(aug, name)))
    checks = args.checks.split(",") if args.checks else None
    tracemalloc.start()
    start = time.process_time()
    res = aug.augmented_anova(
        data, response="yield_kg_ha", treatment="treatment", block="block", checks=checks
    )
    cpu = time.process_time() - start
    peak_mb = max(_PEAK[0], tracemalloc.get_traced_memory()[1]) / 2**20
    print(
        f"{len(res.checks)} checks, {len(res.entries)} entries, {len(res.blocks)} blocks: "
        f"CPU {cpu:.1f} s, traced peak {peak_mb:.0f} MiB"
    )


if __name__ == "__main__":
    main()
