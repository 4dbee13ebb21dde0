"""The first Dunnett comparison in a fresh Python process: time and the scipy modules it loads.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_cold_call.py [--runs 3] [--pre scipy.stats]``.

Each run is a new interpreter that imports numpy, pandas and ``yieldtrial.stats`` (and the
``--pre`` modules, to see what importing them beforehand saves), builds an RCBD with 21
entries (one control), 4 blocks and 3 missing plots (the general-correlation quasi-Monte
Carlo path of Dunnett, issue 15), and times the first ``compare_to_control`` call
(Dunnett p-values of 20 comparisons and the critical value, including the lazy imports
and the generation of the Sobol' points) and a second call on other data.  Printed per
run: process CPU and wall time of both calls [s] and which of ``scipy.stats``,
``scipy.optimize``, ``scipy.interpolate`` and ``scipy.linalg`` the call loaded.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import importlib, json, sys, time
import numpy as np, pandas as pd
for name in PRE:
    importlib.import_module(name)
import yieldtrial.stats as st
rng = np.random.default_rng(3)
rows = [dict(block=f"B{b + 1}", treatment="CK" if t == 0 else f"T{t:02d}",
             y=7000 + 50 * t + 100 * b + rng.normal(0, 300)) for b in range(4) for t in range(21)]
df = pd.DataFrame(rows)
df = df.drop(index=rng.choice(len(df), 3, replace=False)).reset_index(drop=True)
kw = dict(response="y", treatment="treatment", control="CK", block="block", design="rcbd")
before = set(sys.modules)
c0, w0 = time.process_time(), time.perf_counter()
r = st.compare_to_control(df, **kw)
c1, w1 = time.process_time(), time.perf_counter()
st.compare_to_control(df.iloc[1:], **kw)
c2, w2 = time.process_time(), time.perf_counter()
heavy = ("scipy.stats", "scipy.optimize", "scipy.interpolate", "scipy.linalg")
print(json.dumps({"first_cpu": c1 - c0, "first_wall": w1 - w0, "second_cpu": c2 - c1,
                  "second_wall": w2 - w1, "accuracy": r.attrs.get("accuracy"),
                  "loaded": [m for m in heavy if m in sys.modules and m not in before]}))
"""


def main() -> None:
    """Run the fresh interpreters and print one line per run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pre", action="append", default=[], help="module to import first")
    args = parser.parse_args()
    code = f"PRE = {args.pre!r}\n" + CHILD
    for i in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        loaded = ", ".join(row["loaded"]) or "none of scipy.stats/optimize/interpolate/linalg"
        print(
            f"run {i + 1}: first call {row['first_cpu']:.3f} s CPU "
            f"({row['first_wall']:.3f} s wall), second {row['second_cpu']:.3f} s CPU; "
            f"loaded by the call: {loaded}"
        )
    print(f"path: {row['accuracy']}")


if __name__ == "__main__":
    main()
