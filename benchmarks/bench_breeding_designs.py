"""Reports and the API on breeding-sized trials: alpha-lattice, augmented, row-column, split plot.

Run: ``python benchmarks/bench_breeding_designs.py [--cases alpha_500_r2,...] [--api]
[--src SRC ...] [--figures] [--folder DIR]``.

The plot tables are SYNTHETIC (``benchmarks/breeding_designs.py``; written once into
``--folder``, default ``/tmp/yieldtrial-breeding``).  For each case, every ``--src`` folder
(default: the ``src`` this process imports) runs the CLI in a fresh child process, one BLAS
thread, one after the other (interleaved when two are given), and the script prints the
child's wall time, CPU time (user + system, ``RUSAGE_CHILDREN``) and peak resident memory
(``ru_maxrss``), and whether the Markdown reports of two ``--src`` are byte-identical:

* ``<case>_md``: ``yieldtrial report ... --no-figures -o r.md`` (alpha and row-column with
  ``--control G0001``, augmented with ``--control CK1``); alpha also without a control
  (``<case>_noctl_md``);
* ``<case>_html`` (with ``--figures``): the same report with its figures, as HTML;
* ``net_*``: ``yieldtrial network ... --control CK -o n.html``.

``--api`` times, in this process, ``FieldTrial.means`` (with Tukey letters),
``compare_to_control`` (Dunnett) and ``means(letters=None)`` on each trial, against
statsmodels' ``MixedLM`` fit of the same alpha-lattice or row-column model (REML, replicate
fixed, incomplete blocks / rows and columns as variance components) where there is one.
No timing is asserted anywhere: the readings go to ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import breeding_designs  # noqa: E402

#: case -> (file stem, report flags); networks run ``yieldtrial network``.
CASES: dict[str, tuple[str, list[str]]] = {
    **{f"alpha_{n}_r{r}": (f"alpha_{n}_r{r}", ["--control", "G0001"])
       for n in (500, 1000) for r in (2, 3)},
    **{f"alpha_{n}_r{r}_noctl": (f"alpha_{n}_r{r}", []) for n in (500, 1000) for r in (2, 3)},
    "augmented_1000_c3": ("augmented_1000_c3", ["--control", "CK1"]),
    "augmented_5000_c4": ("augmented_5000_c4", ["--control", "CK1"]),
    "augmented_10000_c4": ("augmented_10000_c4", ["--control", "CK1"]),
    "rowcol_300": ("rowcol_300", ["--design", "row_column", "--control", "G0001"]),
    "rowcol_500": ("rowcol_500", ["--design", "row_column", "--control", "G0001"]),
    "split_200": ("split_200", ["--design", "split_plot", "--factors", "main,sub"]),
    "net_1000x20": ("net_1000x20", ["--control", "CK"]),
    "net_50x500": ("net_50x500", ["--control", "CK"]),
}  # fmt: skip


def run_child(src: str, argv: list[str]) -> dict[str, float]:
    """Run ``python -m yieldtrial ARGV`` with ``src`` first on the path: wall, CPU, peak MB.

    The child's own resource usage (``os.wait4``): user + system CPU and ``ru_maxrss``.
    """
    env = dict(os.environ, PYTHONPATH=src, OPENBLAS_NUM_THREADS="1")
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen([sys.executable, "-m", "yieldtrial", *argv], env=env,
                                 stdout=subprocess.DEVNULL, stderr=err)  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        if child.returncode != 0:
            err.seek(0)
            print(f"    exit {child.returncode}: {err.read().decode()[-300:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def cli_case(case: str, folder: Path, srcs: list[str], figures: bool, out: Path) -> None:
    """Run one case's CLI command(s) for every ``src``, interleaved, and print the readings."""
    stem, flags = CASES[case]
    table = str(folder / f"{stem}.csv")
    runs: list[tuple[str, list[str], str]] = []
    if case.startswith("net_"):
        runs.append(("html", ["network", table, *flags, "-o", "{out}.html", "--force"], ".html"))
    else:
        common = ["report", table, "--crop", "wheat", *flags, "--force"]
        runs.append(("md", [*common, "--no-figures", "-o", "{out}.md"], ".md"))
        if figures:
            runs.append(("html", [*common, "-o", "{out}.html"], ".html"))
    for kind, argv, suffix in runs:
        written = []
        for i, src in enumerate(srcs):
            (out / f"src{i}").mkdir(exist_ok=True)
            target = out / f"src{i}" / f"{case}_{kind}"  # same name: the report cites it
            reading = run_child(src, [a.replace("{out}", str(target)) for a in argv])
            written.append(Path(f"{target}{suffix}"))
            print(f"{case}_{kind:4s} src{i}: {reading['wall']:7.1f} s wall "
                  f"{reading['cpu']:7.1f} s CPU  peak {reading['peak_mb']:6.0f} MB",
                  flush=True)  # fmt: skip
        if len(srcs) == 2 and suffix == ".md" and all(p.exists() for p in written):
            same = filecmp.cmp(written[0], written[1], shallow=False)
            print(f"    Markdown reports byte-identical: {same}", flush=True)


def _cpu(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.process_time()
    func(*args, **kwargs)
    return time.process_time() - start


def mixedlm_seconds(path: Path, design: str) -> float:
    """CPU seconds of statsmodels' ``MixedLM`` REML fit of the design model (the peer)."""
    import pandas as pd
    import statsmodels.formula.api as smf

    plots = pd.read_csv(path)
    plots["rep"] = plots["block"].astype(str)
    plots["one"] = 1
    if design == "alpha":
        plots["ib"] = plots["rep"] + ":" + plots["incomplete_block"].astype(str)
        vc = {"ib": "0 + C(ib)"}
    else:
        plots["r"] = plots["rep"] + ":" + plots["row"].astype(str)
        plots["c"] = plots["rep"] + ":" + plots["column"].astype(str)
        vc = {"r": "0 + C(r)", "c": "0 + C(c)"}
    model = smf.mixedlm("yield_kg_ha ~ C(treatment) + C(rep)", plots, groups="one",
                        re_formula="0", vc_formula=vc)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _cpu(model.fit, reml=True, method="lbfgs")


def api_case(case: str, folder: Path) -> None:
    """Time ``FieldTrial.means`` / ``compare_to_control`` / letters on one case, in this process."""
    from yieldtrial.trial import FieldTrial

    stem, flags = CASES[case]
    if case.startswith("net_"):
        return
    design = flags[flags.index("--design") + 1] if "--design" in flags else None
    control = flags[flags.index("--control") + 1] if "--control" in flags else None
    factors = flags[flags.index("--factors") + 1] if "--factors" in flags else None
    path = folder / f"{stem}.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trial = FieldTrial.from_csv(path, crop="wheat", control=control, design=design,
                                    factors=factors)  # fmt: skip
        fit = _cpu(trial.means, letters=None)
        letters = _cpu(trial.means)
        dunnett = _cpu(trial.compare_to_control) if control else float("nan")
    line = (f"{case}: means (fit) {fit:.1f} s, means + Tukey letters {letters:.1f} s, "
            f"compare_to_control {dunnett:.1f} s CPU")  # fmt: skip
    if stem.startswith(("alpha", "rowcol")):
        peer = mixedlm_seconds(path, "alpha" if stem.startswith("alpha") else "row_column")
        line += f"; statsmodels MixedLM fit {peer:.1f} s (means / MixedLM {fit / peer:.2f})"
    print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help="comma list of CASES")
    parser.add_argument("--src", action="append", help="src folder(s) to run (at most 2)")
    parser.add_argument("--figures", action="store_true", help="also the HTML with figures")
    parser.add_argument("--api", action="store_true", help="time the API in this process")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI runs")
    parser.add_argument("--folder", type=Path,
                        default=Path(tempfile.gettempdir()) / "yieldtrial-breeding")  # fmt: skip
    args = parser.parse_args()
    import yieldtrial

    srcs = args.src or [str(Path(yieldtrial.__file__).parents[1])]
    cases = [c for c in args.cases.split(",") if c]
    if not (args.folder / "net_50x500.csv").exists():
        breeding_designs.write_all(args.folder)
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
          f"load {os.getloadavg()[0]:.1f}, src: {srcs}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            if not args.no_cli:
                cli_case(case, args.folder, srcs, args.figures, Path(tmp))
            if args.api:
                api_case(case, args.folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
