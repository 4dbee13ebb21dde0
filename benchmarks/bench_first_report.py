"""The first report in a fresh Python against the repeated one, and against statsmodels.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_first_report.py [--runs 3]
[--src DIR ...] [--only NAME ...]``.

A notebook user's first ``build_report(trial, figures=False)`` pays what a repeated call
does not: the modules the analysis imports on first use (``scipy.stats`` for the residual
diagnostics, ``scipy.special``, the statistics modules), the report's strings, and the
values cached per process (the Tukey quantile).  Each case runs in a new interpreter and
prints the process CPU time of the child (``os.wait4``: user + system, imports included)
and, measured inside it with ``time.process_time``, the first and the repeated call:

``api``
    ``load_example("replicated-rcbd")`` (3 treatments x 4 blocks) and
    ``build_report(trial, figures=False)``: first call, repeated call on the same trial
    (its fits cached) and on a freshly loaded trial (nothing of the trial cached: what a
    second data set costs).
``api_rcbd21``
    The same on an RCBD of 21 entries x 4 blocks with 3 lost plots (one control,
    simulated), the trial the Dunnett stops measured the first call on.
``peer_first`` / ``peer_after``
    The named peer: statsmodels ``ols("y ~ C(treatment) + C(block)")`` and ``anova_lm``
    on the same standardized table, in a process where it runs first (``peer_first``,
    then yieldtrial's report) or after yieldtrial's first report (``peer_after``).  The
    ratio yieldtrial / statsmodels of the first and of the repeated call is printed for
    both orders: whoever runs first pays ``import scipy.stats``.
``cli_html``, ``cli_html_nofig``, ``cli_md``, ``cli_json``, ``demo``
    ``yieldtrial.cli.main(argv)`` as the console script calls it, twice in one process
    (into a fresh folder each time): ``report`` of the ``replicated-rcbd`` example as
    HTML with and without figures, Markdown (figures) and JSON, and ``demo``.

Bytecode: the children get their own ``PYTHONPYCACHEPREFIX`` (a temporary folder) with
``PYTHONDONTWRITEBYTECODE`` removed, and run 0 of every case is not measured: it writes
the caches, so the readings are those of an installed package (pip compiles on install),
not of a source tree that compiles every module in every process.  With several
``--src`` folders (each put first on ``PYTHONPATH``) the runs alternate between them.
Medians of ``--runs`` runs are printed, CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

#: Builds the simulated RCBD 21 x 4 with 3 lost plots as a FieldTrial (``TRIAL``).
RCBD21 = r"""
import numpy as np, pandas as pd
from yieldtrial import FieldTrial
def make_trial():
    rng = np.random.default_rng(3)
    rows = [dict(plot_id=f"{b + 1}{t:02d}", block=f"B{b + 1}",
                 treatment="CK" if t == 0 else f"T{t:02d}", harvested_area_m2=20.0,
                 fresh_mass_kg=(7000 + 50 * t + 100 * b + rng.normal(0, 300)) * 20 / 10000,
                 moisture_pct=13.0)
            for b in range(4) for t in range(21)]
    df = pd.DataFrame(rows)
    df = df.drop(index=rng.choice(len(df), 3, replace=False)).reset_index(drop=True)
    return FieldTrial.from_dataframe(df, crop="wheat", control="CK", design="rcbd")
"""

EXAMPLE = r"""
from yieldtrial.datasets import load_example
def make_trial():
    return load_example("replicated-rcbd")
"""

API = r"""
import json, time
{make}
from yieldtrial.report import build_report
t0 = time.process_time()
trial = make_trial()
t1 = time.process_time()
build_report(trial, figures=False)
t2 = time.process_time()
build_report(trial, figures=False)
t3 = time.process_time()
other = make_trial()
t4 = time.process_time()
build_report(other, figures=False)
t5 = time.process_time()
print("RESULT " + json.dumps({{"first": t2 - t1, "repeated": t3 - t2, "fresh_trial": t5 - t4}}))
"""

PEER = r"""
import json, time
{make}
from yieldtrial.report import build_report
def yt():
    c = time.process_time(); build_report(TRIAL, figures=False); return time.process_time() - c
def sm():
    c = time.process_time()
    from statsmodels.formula.api import ols
    from statsmodels.stats.anova import anova_lm
    anova_lm(ols("y ~ C(treatment) + C(block)", data=TABLE).fit())
    return time.process_time() - c
TRIAL = make_trial()
TABLE = TRIAL.yields().rename(columns={{"yield_kg_ha": "y"}})[["y", "treatment", "block"]]
order = [("peer", sm), ("yieldtrial", yt)] if {peer_first} else [("yieldtrial", yt), ("peer", sm)]
out = {{}}
for name, f in order:
    out[name + "_first"] = f()
for name, f in order:
    out[name + "_repeated"] = f()
print("RESULT " + json.dumps(out))
"""

CLI = r"""
import json, sys, time
from yieldtrial.cli import main
times = []
for run in (1, 2):
    argv = [a.replace("OUT", {out!r} + f"/{{run}}") for a in {argv!r}]
    c = time.process_time()
    rc = main(argv)
    times.append(time.process_time() - c)
    if rc:
        sys.exit(rc)
print("RESULT " + json.dumps({{"first": times[0], "repeated": times[1]}}))
"""


def _cases(example: Path) -> dict[str, str | list[str]]:
    """Name -> child source (API cases) or CLI argv (``OUT`` = a fresh folder)."""
    rcbd = example / "replicated-rcbd"
    report = ["report", str(rcbd / "plots.csv"), "--config", str(rcbd / "trial.toml"), "-o"]
    return {
        "api": API.format(make=EXAMPLE),
        "api_rcbd21": API.format(make=RCBD21),
        "peer_first": PEER.format(make=EXAMPLE, peer_first=True),
        "peer_after": PEER.format(make=EXAMPLE, peer_first=False),
        "cli_html": [*report, "OUT/r.html"],
        "cli_html_nofig": [*report, "OUT/r.html", "--no-figures"],
        "cli_md": [*report, "OUT/r.md"],
        "cli_json": [*report, "OUT/r.json"],
        "demo": ["demo", "-o", "OUT/demo"],
    }


def _child(source: str, src: str | None, pycache: str) -> dict[str, float]:
    """Run ``source`` in a fresh interpreter; its RESULT numbers and its process CPU [s]."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPYCACHEPREFIX=pycache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-c", source], stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)  # the child's own CPU, imports included
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode:
        raise SystemExit(f"case failed ({proc.returncode}):\n{stderr}")
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    row: dict[str, float] = json.loads(lines[-1][len("RESULT ") :])
    row["process"] = usage.ru_utime + usage.ru_stime
    return row


def main() -> None:
    """Run every case for every ``--src`` and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--src", action="append", default=[], help="folder first on PYTHONPATH")
    parser.add_argument("--only", action="append", default=[], help="case name (repeatable)")
    args = parser.parse_args()
    import yieldtrial.datasets

    cases = _cases(Path(yieldtrial.datasets.__file__).parent)
    srcs: list[str | None] = list(args.src) or [None]
    with tempfile.TemporaryDirectory() as pycache:
        for name, what in cases.items():
            if args.only and name not in args.only:
                continue
            rows: dict[str | None, list[dict[str, float]]] = {s: [] for s in srcs}
            for run in range(args.runs + 1):
                for src in srcs:
                    with tempfile.TemporaryDirectory() as out:
                        source = what if isinstance(what, str) else CLI.format(out=out, argv=what)
                        row = _child(source, src, pycache)
                    if run:  # run 0 writes the bytecode caches
                        rows[src].append(row)
            for src in srcs:
                _print(name, src, rows[src])


def _print(name: str, src: str | None, rows: list[dict[str, float]]) -> None:
    """One line: the median of each number, and the ratios."""
    med = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
    text = "  ".join(f"{key} {value:.3f}" for key, value in med.items())
    if "first" in med:
        text += f"  first/repeated {med['first'] / med['repeated']:.1f}"
    if "peer_first" in med:
        text += (
            f"  yieldtrial/statsmodels first {med['yieldtrial_first'] / med['peer_first']:.2f}"
            f", repeated {med['yieldtrial_repeated'] / med['peer_repeated']:.2f}"
            f"  yieldtrial first/repeated "
            f"{med['yieldtrial_first'] / med['yieldtrial_repeated']:.1f}"
        )
    print(f"{name:<15} {str(src or '-')[-30:]:<30} {text}", flush=True)


if __name__ == "__main__":
    main()
