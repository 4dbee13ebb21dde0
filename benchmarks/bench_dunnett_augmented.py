"""Dunnett on augmented RCBD families (every check in every block): nested path before/after.

Run: ``OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_dunnett_augmented.py
[--before REV] [--rounds N]``.

The families are ``tests/test_stats_mvt_nested.augmented_family`` (OLS LS-means of an
augmented RCBD, blocks fixed, every mean against check 0): 5, 7, 20, 62 and 402
comparisons.  For each, the CPU seconds of ``dunnett_pvalues`` (20 t values up to the
family size, df 30, two-sided, curve cache cleared) with ``stats/_mvt_nested.py`` of
revision ``REV`` (loaded from ``git show`` in place of this tree's module) and of this tree,
interleaved, best of the rounds; then the general engine (the nested path switched off) for
the crossover; method and stated error of each.  The 5-comparison family (1 entry per
block) is not of the nested form and takes the general engine in both columns.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_stats_mvt_nested import augmented_family  # noqa: E402
from yieldtrial.stats import _mvt_nested, distributions  # noqa: E402
from yieldtrial.stats.distributions import dunnett_pvalues  # noqa: E402

FAMILIES = {5: (2, 4, 1), 7: (2, 3, 2), 20: (3, 3, 6), 62: (3, 6, 10), 402: (3, 10, 40)}


def module_at(rev: str):
    """``stats/_mvt_nested.py`` of ``rev`` as a private module."""
    text = subprocess.run(
        ["git", "show", f"{rev}:src/yieldtrial/stats/_mvt_nested.py"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / "_before_mvt_nested.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("_before_mvt_nested", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["_before_mvt_nested"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def timed(r: np.ndarray, module) -> tuple[float, object]:
    """CPU seconds of ``dunnett_pvalues`` with ``module`` as the nested path (None: off)."""
    saved = sys.modules["yieldtrial.stats._mvt_nested"]
    if module is None:
        module = type(sys)("_off")
        module.exact_bifactor = lambda corr, lam=None: None
        module.nested_curve = None
    sys.modules["yieldtrial.stats._mvt_nested"] = module
    try:
        distributions._dunnett_curve_cached.cache_clear()
        distributions._exact_exceedances_cached.cache_clear()
        t = np.linspace(0.5, 4.0, 20)
        start = time.process_time()
        _, acc = dunnett_pvalues(t, r, 30.0)
        return time.process_time() - start, acc
    finally:
        sys.modules["yieldtrial.stats._mvt_nested"] = saved


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default="595a793")  # stop 31
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    old = module_at(args.before)
    print(f"augmented RCBD, Dunnett two-sided, df 30; CPU s, best of {args.rounds} "
          f"interleaved rounds; before = {args.before}; "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'k':>4} {'before':>8} {'after':>8} {'general':>8}  method/stated after, general")
    timed(augmented_family(*FAMILIES[20]), None)  # warm up (Sobol' points)
    for k, shape in FAMILIES.items():
        r = augmented_family(*shape)
        assert r.shape[0] == k
        runs: dict[str, list[float]] = {"before": [], "after": [], "general": []}
        accs = {}
        for _ in range(args.rounds):
            for name, module in (("before", old), ("after", _mvt_nested), ("general", None)):
                if name == "general" and k > 100:
                    continue  # minutes (stop 31: 18.3 s)
                seconds, accs[name] = timed(r, module)
                runs[name].append(seconds)
        cells = [f"{min(v):8.3f}" if v else f"{'-':>8}" for v in runs.values()]
        notes = ", ".join(f"{a.method} {a.abs_error:.1e}" for n, a in accs.items() if n != "before")
        print(f"{k:>4} {' '.join(cells)}  {notes}")


if __name__ == "__main__":
    main()
