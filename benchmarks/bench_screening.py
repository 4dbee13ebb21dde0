"""Benchmark: suspect-plot screening on large plot tables vs ``pandas.read_csv``.

For plot tables of 40 treatments (``bench_large_table.generate``) of growing size, prints
in one process, interleaved over rounds (CPU time, medians):

* ``pandas.read_csv(path)`` of the table (the peer);
* ``FieldTrial.suspect_plots()`` on the built trial, and its parts: the design-model
  outlier test (``stats.outliers.outlier_test``) and the model-free checks
  (``stats.screening`` without the outlier test);
* with ``--reference``, the original O(n^2) within-treatment loop (kept in
  ``tests/test_stats_screening_fast.py``) on the small sizes only.

Usage::

    python benchmarks/bench_screening.py                    # 0.2, 2 and 20 MB tables
    python benchmarks/bench_screening.py --mb 0.05,0.2 --reference

Not run by the test suite; readings in ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent / "tests"))


def _cpu(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    """Run the benchmark and print the readings."""
    import warnings

    import bench_large_table
    import pandas as pd

    from yieldtrial.trial import FieldTrial

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", default="0.2,2,20", help="table sizes [MB], comma separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reference", action="store_true", help="also the O(n^2) original")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    folder = Path(tempfile.gettempdir()) / "yieldtrial-bench"
    folder.mkdir(exist_ok=True)
    print(f"load average {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    for mb in (float(v) for v in args.mb.split(",")):
        path = folder / f"screen-{mb:g}mb.csv"
        if not path.exists():
            bench_large_table.generate(path, mb)
        trial = FieldTrial.from_csv(path, crop="wheat")
        n = len(trial.plots)
        times: dict[str, list[float]] = {"read_csv": [], "suspect_plots": [], "model_free": []}
        for _ in range(args.rounds):
            times["read_csv"].append(_cpu(lambda p=path: pd.read_csv(p)))
            times["suspect_plots"].append(_cpu(trial.suspect_plots))
            from yieldtrial.stats import outliers

            saved = outliers.outlier_test
            outliers.outlier_test = _no_outlier_test  # the model-free checks alone
            try:
                times["model_free"].append(_cpu(trial.suspect_plots))
            finally:
                outliers.outlier_test = saved
        base = statistics.median(times["read_csv"])
        line = f"{mb:g} MB, {n:,} plots: read_csv {base:.2f} s"
        for key in ("suspect_plots", "model_free"):
            value = statistics.median(times[key])
            line += f"; {key} {value:.2f} s ({value / base:.1f}x read_csv)"
        print(line)
        if args.reference and n <= 20_000:
            import numpy as np

            from test_stats_screening_fast import reference_within_treatment
            from yieldtrial.stats._group_screen import sequential_screen

            rng = np.random.default_rng(1)
            groups = np.arange(n) % 40
            values = rng.normal(15, 1.2, n)
            known = np.zeros(n, bool)

            def decide(i, ratio, z, typical, m):
                return {"_index": i} if abs(z) > 6 else None

            def limit(idx, ratio, typical, m):
                return np.full(idx.size, 6.0)

            loop = (values, groups, known)
            new = _cpu(lambda a=loop: sequential_screen(*a[:2], known=a[2], decide=decide,
                                                        limit=limit))  # fmt: skip
            old = _cpu(lambda a=loop: reference_within_treatment(*a[:2], known=a[2],
                                                                 decide=decide))  # fmt: skip
            print(f"  within-treatment loop, one pass: original {old:.2f} s, now {new:.3f} s")


def _no_outlier_test(*args, **kwargs):
    from yieldtrial.errors import DataValidationError

    raise DataValidationError("skipped by the benchmark")


if __name__ == "__main__":
    main()
