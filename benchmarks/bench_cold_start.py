"""Cold start of the CLI and the API: wall and CPU time of whole fresh processes.

Run: ``python benchmarks/bench_cold_start.py [--runs 3] [--src DIR ...] [--only NAME ...]``.

Each case is one new interpreter (``OPENBLAS_NUM_THREADS=1``), as a user starts it: the
``yieldtrial`` commands of the README and docs/cli.md on the shipped examples (``report``
of ``replicated-rcbd`` and of the unreplicated ``jinzhong-2024``, ``demo``,
``standardize --example``, ``audit``, ``plan``) and ``FieldTrial.anova()`` of the RCBD
example in a fresh Python.  A command runs as the console script does
(``sys.exit(yieldtrial.cli.main(argv))``) and then prints which of scipy.stats,
scipy.optimize, statsmodels and matplotlib it loaded (and logging: about 4 ms, which
the light commands no longer import since stop 42).  Wall time is measured
around the process, CPU time (user + system) from ``getrusage(RUSAGE_CHILDREN)``; the
median of ``--runs`` runs is printed (and the CPU time of each), after one unmeasured run
that writes the bytecode caches.  With several ``--src`` folders (each put first on
``PYTHONPATH``, e.g. a checkout of the previous version's ``src`` and this one's) the runs
alternate between them, so that a change in the machine's load affects both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUN_CLI = (
    "import json, sys\nfrom yieldtrial.cli import main\nrc = main({argv!r})\n{tail}sys.exit(rc)\n"
)
RUN_CODE = "import json, sys\n{code}\n{tail}"
TAIL = (
    "HEAVY = ('scipy.stats', 'scipy.optimize', 'statsmodels', 'matplotlib', 'logging')\n"
    "print('LOADED ' + json.dumps([m for m in HEAVY if m in sys.modules]), file=sys.stderr)\n"
)


def _cases(example: Path) -> dict[str, tuple[str, list[str] | str]]:
    """Name -> ("cli", argv) or ("code", source); OUT is replaced by a fresh folder."""
    rcbd = example / "replicated-rcbd"
    return {
        "report": (
            "cli",
            [
                "report",
                str(rcbd / "plots.csv"),
                "--config",
                str(rcbd / "trial.toml"),
                "-o",
                "OUT/report.html",
            ],
        ),
        "report_unreplicated": (
            "cli",
            [
                "report",
                str(example / "jinzhong-2024" / "plots.csv"),
                "--config",
                str(example / "jinzhong-2024" / "trial.toml"),
                "-o",
                "OUT/report.html",
            ],
        ),
        "demo": ("cli", ["demo", "-o", "OUT/demo"]),
        "standardize": ("cli", ["standardize", "--example", "jinzhong-2024", "--unit", "kg/mu"]),
        "audit": ("cli", ["audit", "442", "477.36", "--moisture", "5", "--crop", "wheat"]),
        "plan": ("cli", ["plan", "--cv", "8", "--difference", "5", "--treatments", "3"]),
        "help": ("cli", ["--help"]),
        "api_anova": (
            "code",
            "import yieldtrial\n"
            "from yieldtrial.datasets import load_example\n"
            "load_example('replicated-rcbd').anova()",
        ),
        "import_scipy_stats": ("code", "import numpy, scipy.special, scipy.stats"),
    }


def _one(source: str, src: str | None) -> tuple[float, float, list[str]]:
    """Run ``source`` in a fresh interpreter: (wall [s], CPU [s], heavy modules loaded)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", source], capture_output=True, text=True, env=env, check=False
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"case failed ({out.returncode}):\n{out.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    loaded = [
        json.loads(line[len("LOADED ") :])
        for line in out.stderr.splitlines()
        if line.startswith("LOADED ")
    ]
    return wall, cpu, loaded[-1] if loaded else []


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
    print(f"{'case':<20} {'src':<40} {'wall [s]':>9} {'CPU [s]':>8}  loaded")
    for name, (kind, what) in cases.items():
        if args.only and name not in args.only:
            continue
        times: dict[str | None, list[tuple[float, float]]] = {s: [] for s in srcs}
        loaded: dict[str | None, list[str]] = {}
        for run in range(args.runs + 1):
            for src in srcs:
                with tempfile.TemporaryDirectory() as tmp:
                    if kind == "cli":
                        argv = [a.replace("OUT", tmp) for a in what]  # type: ignore[union-attr]
                        source = RUN_CLI.format(argv=argv, tail=TAIL)
                    else:
                        source = RUN_CODE.format(code=what, tail=TAIL)
                    wall, cpu, loaded[src] = _one(source, src)
                if run:  # run 0 writes the bytecode caches
                    times[src].append((wall, cpu))
        for src in srcs:
            wall = statistics.median(w for w, _ in times[src])
            cpu = statistics.median(c for _, c in times[src])
            runs = " ".join(f"{c:.2f}" for _, c in times[src])
            print(
                f"{name:<20} {str(src or '-')[-40:]:<40} {wall:9.2f} {cpu:8.2f}  "
                + (", ".join(loaded[src]) or "none")
                + f"  (CPU of each run: {runs})"
            )


if __name__ == "__main__":
    main()
