"""Many-treatment RCBD: fit, ANOVA, letters, Dunnett and the whole report for 100 / 1,000 / 10,000.

Run: ``python benchmarks/bench_many_treatments.py [--sizes 100,1000,10000] [--report] [--cli]
[--missing N [--rounds R]]``.

``--missing N`` blanks N plots (entries 1, 2, ... in blocks 2 and 3; the control stays
complete) so the trial is unbalanced and the design model is fitted with the treatments
absorbed (``stats._absorb``); with ``--cli`` each size then runs the complete trial and the
one with missing plots alternately for R rounds, and prints the ratio of their CPU times.

``--cli --against /work/main/src`` interleaves, round by round, the CLI report of this
checkout with that of another one (its ``src`` folder), printing each child's CPU time, the
HTML size and the CPU ratio to the other checkout.

``--cli`` runs ``yieldtrial report t.csv -o r.html --control CK --design rcbd --crop wheat``
for each size in a fresh child process and prints its wall time and peak resident memory
(the child's own ``ru_maxrss``), against the "agricolae-sized expectation": R's agricolae
(``HSD.test``, ``LSD.test`` on an ``aov`` fit) answers a 1,000-entry trial in seconds, taken
here as 5 s (an expectation, not a measurement: R is not run by this script).
For each size (t treatments x 3 blocks, one control), prints the seconds of the design
fit + ANOVA (``FieldTrial.anova``), the LS-means (``FieldTrial.means_model``), Tukey
two-level letters, Dunnett against the control, and with ``--report`` the whole HTML report
(``FieldTrial.report(...).write``), the peak resident memory of the process so far
(run one size per process for a clean reading), and the ratios to statsmodels on the
same data in the same process where feasible:
``ols`` + ``anova_lm`` (typ=2) for the fit + ANOVA (up to 1,000 treatments) and
``pairwise_tukeyhsd`` (one-way, all pairs; up to 1,000 treatments) for the letters.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from yieldtrial.stats.compare import compare_means_to_control
from yieldtrial.stats.multiple_range import two_level_letters
from yieldtrial.trial import FieldTrial


def plots(t: int, blocks: int = 3, seed: int = 1, missing: int = 0) -> pd.DataFrame:
    """Build an RCBD: t treatments (the first is the control CK) x ``blocks``.

    ``missing`` plots are left blank: entry ``i`` (1, 2, ...) in block ``2 + i % (blocks - 1)``.
    """
    rng = np.random.default_rng(seed)
    effects = rng.normal(0.0, 600.0, t)
    labels = ["CK"] + [f"G{i:05d}" for i in range(1, t)]
    frames = []
    for b in range(blocks):
        y = 7000.0 + effects + rng.normal(0.0, 400.0, t) + 100.0 * b
        frames.append(pd.DataFrame({"plot": [f"B{b + 1}-{i}" for i in range(t)],
                                    "block": f"B{b + 1}", "treatment": labels,
                                    "yield_kg_ha": y}))  # fmt: skip
    out = pd.concat(frames, ignore_index=True)
    for i in range(1, missing + 1):
        out.loc[(1 + i % (blocks - 1)) * t + i, "yield_kg_ha"] = np.nan
    return out


def peak_mb() -> float:
    """Peak resident memory of this process so far [MB] (Linux: ru_maxrss in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - start


CHILD_REPORT = r"""
import json, resource, sys, time
from yieldtrial.cli import main
path, out = sys.argv[1], sys.argv[2]
t = time.perf_counter()
code = main(["report", path, "-o", out, "--control", "CK", "--design", "rcbd",
             "--crop", "wheat", "--force"])
seconds = time.perf_counter() - t
print(json.dumps({"code": code, "seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))
"""

#: Seconds R's agricolae is expected to need for a 1,000-entry trial ("in seconds").
AGRICOLAE_EXPECTED_S = 5.0


def cli_report(t: int, src: str | None = None, missing: int = 0) -> dict[str, float]:
    """Run the CLI report on a t-treatment RCBD in a child process: seconds, CPU and peak MB.

    ``src`` is the ``src`` folder of the yieldtrial to run (default: the one this
    process imports); ``cpu_s`` is the child's user + system time; ``missing`` plots are
    blank (:func:`plots`).
    """
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"t{t}.csv"
        plots(t, missing=missing).to_csv(path, index=False)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", CHILD_REPORT, str(path), str(Path(tmp) / "r.html")],
            capture_output=True, text=True, check=False, env=env,
        )  # fmt: skip
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        html_kb = (Path(tmp) / "r.html").stat().st_size / 1024.0 if done.returncode == 0 else 0.0
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = wall
    result["cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["html_kb"] = html_kb
    return dict(result)


def compare_cli(sizes: list[int], against: str, rounds: int) -> None:
    """Interleave the CLI report of this tree and of ``against`` (another ``src`` folder)."""
    import os

    here = str(Path(__file__).resolve().parents[1] / "src")
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print(f"{'round':>5} {'t':>6} {'tree':>8} {'report_s':>9} {'cpu_s':>6} {'peak_MB':>8} "
          f"{'html_KB':>8} {'cpu vs other':>12}")  # fmt: skip
    for r in range(rounds):
        for t in sizes:
            other = cli_report(t, against)
            mine = cli_report(t, here)
            for name, res in (("other", other), ("this", mine)):
                ratio = res["cpu_s"] / other["cpu_s"]
                print(f"{r:>5} {t:>6} {name:>8} {res['seconds']:9.1f} {res['cpu_s']:6.1f} "
                      f"{res['peak_mb']:8.0f} {res['html_kb']:8.0f} {ratio:12.2f}")  # fmt: skip
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--report", action="store_true", help="also time the whole HTML report")
    parser.add_argument("--cli", action="store_true", help="only the CLI report, child processes")
    parser.add_argument(
        "--against",
        metavar="SRC",
        help="with --cli: interleave with the src folder of another checkout",
    )
    parser.add_argument("--missing", type=int, default=0, help="blank this many plots")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of --against / --missing")
    options = parser.parse_args()
    sizes = [int(v) for v in options.sizes.split(",")]
    if options.cli and options.against:
        compare_cli(sizes, options.against, options.rounds)
        return
    if options.cli and options.missing:
        print(f"{'t':>6} {'missing':>7} {'report_s':>9} {'cpu_s':>7} {'peak_MB':>8} "
              f"{'cpu vs complete':>15} {'vs agricolae 5 s':>17}")  # fmt: skip
        for t in sizes:
            for _ in range(options.rounds):  # complete and unbalanced alternately
                base = cli_report(t)
                r = cli_report(t, missing=options.missing)
                for m, res in ((0, base), (options.missing, r)):
                    ratio = res["cpu_s"] / base["cpu_s"]
                    print(f"{t:>6} {m:>7} {res['seconds']:9.1f} {res['cpu_s']:7.1f} "
                          f"{res['peak_mb']:8.0f} {ratio:14.2f}x "
                          f"{res['seconds'] / AGRICOLAE_EXPECTED_S:16.1f}x "
                          f"(exit {int(res['code'])})")  # fmt: skip
        return
    if options.cli:
        print(f"{'t':>6} {'report_s':>9} {'process_s':>9} {'peak_MB':>8} {'vs agricolae 5 s':>17}")
        for t in sizes:
            r = cli_report(t)
            ratio = r["seconds"] / AGRICOLAE_EXPECTED_S
            print(f"{t:>6} {r['seconds']:9.1f} {r['wall_s']:9.1f} {r['peak_mb']:8.0f} "
                  f"{ratio:16.1f}x  (exit {int(r['code'])})")  # fmt: skip
        return
    print(f"{'t':>6} {'anova_s':>8} {'sm_ols_s':>9} {'ratio':>6} {'means_s':>8} "
          f"{'letters_s':>9} {'sm_hsd_s':>9} {'ratio':>6} {'dunnett_s':>9} {'peak_MB':>8} "
          f"{'report_s':>9}")  # fmt: skip
    for t in sizes:
        data = plots(t, missing=options.missing)
        trial = FieldTrial.from_dataframe(data, crop="wheat", control="CK", design="rcbd")
        _, anova_s = _timed(trial.anova)
        mm, means_s = _timed(trial.means_model)
        _, letters_s = _timed(two_level_letters, mm, test="tukey")
        _, dunnett_s = _timed(compare_means_to_control, mm, control="CK")
        sm_ols = sm_hsd = float("nan")
        if t <= 1000:
            import statsmodels.formula.api as smf
            from statsmodels.stats.anova import anova_lm
            from statsmodels.stats.multicomp import pairwise_tukeyhsd

            model = smf.ols("yield_kg_ha ~ C(treatment) + C(block)", data.dropna())
            _, sm_ols = _timed(lambda m=model: anova_lm(m.fit(), typ=2))
            kept = data.dropna()
            _, sm_hsd = _timed(pairwise_tukeyhsd, kept["yield_kg_ha"], kept["treatment"])
        report_s = float("nan")
        if options.report:
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "r.html"
                _, report_s = _timed(lambda ft=trial, o=out: ft.report().write(o))
        print(f"{t:>6} {anova_s:8.2f} {sm_ols:9.2f} {anova_s / sm_ols:6.2f} {means_s:8.2f} "
              f"{letters_s:9.2f} {sm_hsd:9.2f} {letters_s / sm_hsd:6.2f} {dunnett_s:9.2f} "
              f"{peak_mb():8.0f} {report_s:9.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
