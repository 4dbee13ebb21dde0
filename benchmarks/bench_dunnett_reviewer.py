"""Dunnett with 20 comparisons on the reviewer's path: field trials through the public API.

Run: ``OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_dunnett_reviewer.py``
(``--cases a,b`` for some cases only, ``--ref-points N`` for the reference's points per
seed, default 2,000,000; ``--no-ref`` skips the reference).

Issue 15's acceptance ("Dunnett with 20 comparisons and a non-product correlation:
deterministic, error <= 1e-4, < 0.2 s") is checked by a reviewer who builds a field trial
with 21 treatments (the control and 20 others), loses some plots, calls
``FieldTrial(...).compare_to_control()`` and times it and repeats it.  This battery builds
such trials (synthetic yields, seeds fixed; the control ``CK`` among the lost plots): RCBD
21 x 3 and 21 x 4 blocks with 1, 3 and 7 lost plots, a 21 x 21 Latin square (complete and
with 3 lost plots), a CRD with unequal replication, a split plot and a strip plot with 21
sub-plot (vertical) levels (with lost sub-plots: REML), alpha-lattices of 21 entries in
blocks of 3 and 7 with 2 and 3 replicates (with and without lost plots; REML; blocks of 3
and 2 replicates also with 1, 5 and 7 lost plots and other seeds of the yields), row-column
designs (3 x 7 per replicate, 2 and 3 replicates), an augmented RCBD (20 entries, checks
``CK`` and ``CK2``, compared with ``CK``) and an RCBD with two controls.

Each case runs twice, each time in a fresh child process (one BLAS thread), which prints:

* ``import``: CPU time of ``import yieldtrial`` and ``build``: of ``FieldTrial(...)``;
* ``first`` / ``again``: process CPU (and wall) time of the whole
  ``trial.compare_to_control()`` on first call (imports inside, Sobol' points, curve) and of
  a second call on a new, equal trial object in the same process (caches warm), and of the
  Dunnett step alone inside them (``dunnett_pvalues`` + ``dunnett_critical_value`` as
  called by ``stats.compare``: ``dun1`` / ``dun2``); ``wall1`` and ``dwall1``: the wall
  time of the first call and of its Dunnett step (what a user waits; on a shared machine
  it moves with the load, printed in the first line);
* the method of the Dunnett probabilities, the stated error
  (``attrs["accuracy_abs_error"]``) and the general-correlation curves built (``curves``:
  points per scramble / nodes and the df class they were built for).

The parent checks that both children gave the same bits (p-values and critical values:
``same``), times scipy.stats.multivariate_t.cdf (default settings) for the family and prints
``ratio`` = scipy's time for the family's p-values and critical value (one call per
p-value, scaled from one call, plus 6 calls for a root search) / yieldtrial's Dunnett step
(first call), and the REAL error: the largest ``|p - ref|`` at three thresholds (the
critical value, where the exceedance is ``1 - confidence``, and the statistics with the
largest and the middle adjusted p below 0.999), ``ref`` being scipy.stats.multivariate_t
.cdf with ``--ref-points`` points, the mean of ``random_state`` 1 and 2 (``ref_sd``: half
their difference, the reference's own noise).  Exact-product-form families (no lost plot,
CRD, Latin square) get the reference too: a check that they are product form.

``--before REV`` instead compares the first call's CPU time (whole call and Dunnett step)
and the Dunnett step's wall time of revision ``REV`` (``git archive``) with this tree's,
each in its own child process, alternated, best of ``--rounds``, with the largest
difference of their p-values and the load after each case.  ``--threads A,B`` sets
yieldtrial's own worker threads (``YIELDTRIAL_THREADS``) of the two sides: alone, it
compares this tree at ``A`` threads with this tree at ``B`` (``--threads 1,2``: the
integrations' blocks on two threads against one; ``max|dp|`` 0 is the bit-for-bit check).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

TREATMENTS = ["CK", *[f"T{i:02d}" for i in range(1, 21)]]


def _yields(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.normal(0.0, 250.0, n)


def _effects(labels: list[str], rng: np.random.Generator) -> dict[str, float]:
    return dict(zip(labels, rng.normal(0.0, 300.0, len(labels)), strict=True))


def _lose(frame: Any, n: int, rng: np.random.Generator, control: str = "CK") -> Any:
    """Set ``n`` yields to NaN at random plots, one of them the control's (if ``n``)."""
    import pandas as pd

    frame = frame.copy()
    if n == 0:
        return frame
    is_control = frame["treatment"].astype(str).str.endswith(control)
    first = rng.choice(np.flatnonzero(is_control.to_numpy()))
    others = rng.choice(np.flatnonzero(~is_control.to_numpy()), n - 1, replace=False)
    lost = np.concatenate([[first], others])
    frame.loc[frame.index[lost], "yield_kg_ha"] = np.nan
    return pd.DataFrame(frame)


def rcbd(blocks: int, lost: int, seed: int = 46, controls: tuple[str, ...] = ("CK",)) -> Any:
    import pandas as pd

    from yieldtrial import FieldTrial

    rng = np.random.default_rng(seed)
    labels = [*controls, *[f"T{i:02d}" for i in range(1, 21)]]
    eff = _effects(labels, rng)
    rows = []
    for b in range(1, blocks + 1):
        block_effect = rng.normal(0.0, 400.0)
        for i, trt in enumerate(rng.permutation(labels)):
            rows.append((f"{b}{i + 1:02d}", str(b), trt, 6000.0 + eff[trt] + block_effect))
    frame = pd.DataFrame(rows, columns=["plot_id", "block", "treatment", "yield_kg_ha"])
    frame["yield_kg_ha"] += _yields(len(frame), rng)
    frame = _lose(frame, lost, rng, controls[0])
    return FieldTrial.from_dataframe(
        frame, crop="wheat", control=list(controls), design="rcbd", treatment_order=labels
    )


def latin(lost: int, seed: int = 46) -> Any:
    from yieldtrial import FieldTrial
    from yieldtrial.design.layouts import latin_square

    rng = np.random.default_rng(seed)
    book = latin_square(TREATMENTS, seed=seed)[["plot_id", "treatment", "row", "column"]]
    eff = _effects(TREATMENTS, rng)
    row_eff = rng.normal(0.0, 300.0, 22)
    col_eff = rng.normal(0.0, 300.0, 22)
    book["yield_kg_ha"] = (
        6000.0
        + book["treatment"].map(eff).to_numpy()
        + row_eff[book["row"].astype(int).to_numpy()]
        + col_eff[book["column"].astype(int).to_numpy()]
        + _yields(len(book), rng)
    )
    book = _lose(book, lost, rng)
    return FieldTrial.from_dataframe(book, crop="wheat", control="CK", design="latin")


def crd(seed: int = 46) -> Any:
    import pandas as pd

    from yieldtrial import FieldTrial

    rng = np.random.default_rng(seed)
    eff = _effects(TREATMENTS, rng)
    reps = {t: int(r) for t, r in zip(TREATMENTS, rng.integers(2, 6, 21), strict=True)}
    reps["CK"] = 6
    labels = [t for t in TREATMENTS for _ in range(reps[t])]
    frame = pd.DataFrame({"plot_id": [str(101 + i) for i in range(len(labels))],
                          "treatment": labels})  # fmt: skip
    frame["yield_kg_ha"] = 6000.0 + frame["treatment"].map(eff) + _yields(len(frame), rng)
    return FieldTrial.from_dataframe(frame, crop="wheat", control="CK", design="crd")


def _two_factor(kind: str, lost: int, seed: int = 46) -> Any:
    import pandas as pd

    from yieldtrial import FieldTrial
    from yieldtrial.design.layouts import split_plot

    rng = np.random.default_rng(seed)
    mains = ["I0", "I1"]
    if kind == "split_plot":
        book = split_plot(mains, TREATMENTS, blocks=3, seed=seed, main_factor="irrigation",
                          sub_factor="variety")  # fmt: skip
        book = book[["plot_id", "treatment", "block", "main_plot", "irrigation", "variety"]]
    else:  # strip plot: irrigation in horizontal strips (rows), varieties in columns
        rows = []
        for b in range(1, 4):
            h_order = rng.permutation(mains)
            v_order = rng.permutation(TREATMENTS)
            for r, h in enumerate(h_order, start=1):
                for c, v in enumerate(v_order, start=1):
                    rows.append((f"{b}{r}{c:02d}", f"{h}:{v}", str(b), r, c, h, v))
        book = pd.DataFrame(rows, columns=["plot_id", "treatment", "block", "row", "column",
                                           "irrigation", "variety"])  # fmt: skip
    eff = _effects(TREATMENTS, rng)
    main_eff = {"I0": 0.0, "I1": 500.0}
    whole = rng.normal(0.0, 300.0, 12)
    codes = (book["block"].astype(int) - 1) * 2 + book["irrigation"].map({"I0": 0, "I1": 1})
    book["yield_kg_ha"] = (
        6000.0
        + book["variety"].map(eff).to_numpy()
        + book["irrigation"].map(main_eff).to_numpy()
        + whole[codes.to_numpy()]
        + _yields(len(book), rng)
    )
    book = _lose(book, lost, rng)
    return FieldTrial.from_dataframe(book, crop="wheat", control="CK", design=kind,
                                     factors=("irrigation", "variety"))  # fmt: skip


def alpha(block_size: int, reps: int, lost: int, design: str = "alpha", seed: int = 46) -> Any:
    from yieldtrial import FieldTrial
    from yieldtrial.design import alpha_design

    rng = np.random.default_rng(seed)
    book = alpha_design(TREATMENTS, block_size=block_size, replicates=reps, seed=seed)
    book = book[["plot_id", "treatment", "block", "incomplete_block", "row", "column"]]
    eff = _effects(TREATMENTS, rng)
    rep = book["block"].astype(int).to_numpy() - 1
    row = book["row"].astype(int).to_numpy()
    col = book["column"].astype(int).to_numpy()
    row_eff = rng.normal(0.0, 300.0, (reps, row.max() + 1))
    col_eff = rng.normal(0.0, 200.0, (reps, col.max() + 1))
    book["yield_kg_ha"] = (
        6000.0
        + book["treatment"].map(eff).to_numpy()
        + 150.0 * rep
        + row_eff[rep, row]
        + (col_eff[rep, col] if design == "row_column" else 0.0)
        + _yields(len(book), rng)
    )
    book = _lose(book, lost, rng)
    if design == "row_column":
        book = book.drop(columns=["incomplete_block"])
    return FieldTrial.from_dataframe(book, crop="wheat", control="CK", design=design)


def augmented(seed: int = 46) -> Any:
    from yieldtrial import FieldTrial
    from yieldtrial.design.augmented import augmented_design

    rng = np.random.default_rng(seed)
    entries = [f"E{i:02d}" for i in range(1, 21)]
    book = augmented_design(["CK", "CK2"], entries, blocks=4, seed=seed)
    book = book[["plot_id", "treatment", "block", "entry_type"]]
    eff = _effects(["CK", "CK2", *entries], rng)
    block_eff = rng.normal(0.0, 400.0, 5)
    book["yield_kg_ha"] = (
        6000.0
        + book["treatment"].map(eff).to_numpy()
        + block_eff[book["block"].astype(int).to_numpy()]
        + _yields(len(book), rng)
    )
    return FieldTrial.from_dataframe(book, crop="wheat", control="CK", design="augmented")


CASES: dict[str, Callable[[], Any]] = {
    "rcbd3_lost1": lambda: rcbd(3, 1),
    "rcbd3_lost3": lambda: rcbd(3, 3),
    "rcbd3_lost7": lambda: rcbd(3, 7),
    "rcbd4_lost1": lambda: rcbd(4, 1),
    "rcbd4_lost3": lambda: rcbd(4, 3),
    "rcbd4_lost7": lambda: rcbd(4, 7),
    "latin21": lambda: latin(0),
    "latin21_lost3": lambda: latin(3),
    "crd_unequal": crd,
    "split_plot": lambda: _two_factor("split_plot", 0),
    "split_plot_lost4": lambda: _two_factor("split_plot", 4),
    "strip_plot": lambda: _two_factor("strip_plot", 0),
    "strip_plot_lost4": lambda: _two_factor("strip_plot", 4),
    "alpha_k3_r2": lambda: alpha(3, 2, 0),
    "alpha_k3_r3": lambda: alpha(3, 3, 0),
    "alpha_k7_r2": lambda: alpha(7, 2, 0),
    "alpha_k7_r3": lambda: alpha(7, 3, 0),
    "alpha_k3_r2_lost3": lambda: alpha(3, 2, 3),
    "alpha_k7_r3_lost3": lambda: alpha(7, 3, 3),
    # stop 42: the reviewer's alpha-lattice will not be ours (other lost plots and seeds)
    "alpha_k3_r2_lost1_s2": lambda: alpha(3, 2, 1, seed=2),
    "alpha_k3_r2_lost3_s1": lambda: alpha(3, 2, 3, seed=1),
    "alpha_k3_r2_lost3_s2": lambda: alpha(3, 2, 3, seed=2),
    "alpha_k3_r2_lost5": lambda: alpha(3, 2, 5),
    "alpha_k3_r2_lost7_s2": lambda: alpha(3, 2, 7, seed=2),
    "row_column_r2": lambda: alpha(7, 2, 0, design="row_column"),
    "row_column_r3_lost3": lambda: alpha(7, 3, 3, design="row_column"),
    "augmented_20": augmented,
    "rcbd4_two_controls_lost3": lambda: rcbd(4, 3, controls=("CK", "CK2")),
}


def _child(name: str) -> None:
    """Time one case in this (fresh) process and print its results as JSON."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    import yieldtrial  # noqa: F401
    import yieldtrial.stats.compare as compare

    import_cpu = time.process_time() - cpu0
    calls: list[dict[str, Any]] = []
    spent = {"cpu": 0.0, "wall": 0.0}
    pvalues, critical = compare.dunnett_pvalues, compare.dunnett_critical_value

    def timed_pvalues(t: Any, corr: Any, df: float, **kw: Any) -> Any:
        c0, w0 = time.process_time(), time.perf_counter()
        out = pvalues(t, corr, df, **kw)
        spent["cpu"] += time.process_time() - c0
        spent["wall"] += time.perf_counter() - w0
        r = np.asarray(corr if isinstance(corr, np.ndarray) else _dense(corr))
        calls.append({"t": np.asarray(t, float).tolist(), "corr": r.tolist(), "df": float(df),
                      "alternative": kw.get("alternative", "two-sided"),
                      "p": out[0].tolist(), "method": out[1].method,
                      "stated": out[1].abs_error})  # fmt: skip
        return out

    def timed_critical(corr: Any, df: float, **kw: Any) -> Any:
        c0, w0 = time.process_time(), time.perf_counter()
        out = critical(corr, df, **kw)
        spent["cpu"] += time.process_time() - c0
        spent["wall"] += time.perf_counter() - w0
        if calls:
            calls[-1]["critical"] = out[0]
            calls[-1]["confidence"] = kw.get("confidence", 0.95)
        return out

    def timed_criticals(corr: Any, dfs: Any, **kw: Any) -> Any:
        # every df's critical value at once (stop 51): attached to the calls of those df
        c0, w0 = time.process_time(), time.perf_counter()
        out = many(corr, dfs, **kw)
        spent["cpu"] += time.process_time() - c0
        spent["wall"] += time.perf_counter() - w0
        pending.extend(zip([float(d) for d in dfs], [c for c, _ in out], strict=True))
        return out

    pending: list[tuple[float, float]] = []  # (df, critical value) not yet attached
    many = getattr(compare, "dunnett_critical_values", None)

    from yieldtrial.stats import distributions

    built: list[str] = []
    make_curve = distributions._dunnett_curve_cached

    def recorded(*key: Any) -> Any:  # the curves built: points per scramble / nodes
        curve = make_curve(*key)
        kind = getattr(curve, "method", "qmc")
        points = f" {curve.points}/{curve.coef.shape[1]}" if hasattr(curve, "points") else ""
        built.append(f"{kind}{points} (df {key[3]:g})")
        return curve

    distributions._dunnett_curve_cached = recorded  # type: ignore[assignment]
    compare.dunnett_pvalues = timed_pvalues  # type: ignore[assignment]
    compare.dunnett_critical_value = timed_critical  # type: ignore[assignment]
    if many is not None:
        compare.dunnett_critical_values = timed_criticals  # type: ignore[attr-defined]
    runs = []
    for _ in range(2):
        c0 = time.process_time()
        trial = CASES[name]()
        build = time.process_time() - c0
        spent.update(cpu=0.0, wall=0.0)
        del calls[:]
        c0, w0 = time.process_time(), time.perf_counter()
        table = trial.compare_to_control()
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        for df, value in pending:
            for call in calls:
                if call["df"] == df and "critical" not in call:
                    call["critical"] = value
                    call["confidence"] = 0.95
        del pending[:]
        digest = hashlib.sha256()
        for call in calls:
            digest.update(np.asarray(call["p"]).tobytes())
            digest.update(np.float64(call.get("critical", np.nan)).tobytes())
        digest.update(table["p_value_adjusted"].to_numpy(float).tobytes())
        runs.append({"build": build, "cpu": cpu, "wall": wall, "dun_cpu": spent["cpu"],
                     "dun_wall": spent["wall"], "digest": digest.hexdigest()[:16],
                     "stated": float(table.attrs.get("accuracy_abs_error", np.nan))})  # fmt: skip
    out = {"import": import_cpu, "runs": runs, "curves": sorted(set(built)), "calls": calls,
           "design": trial.design, "total_wall": time.perf_counter() - wall0}  # fmt: skip
    print(json.dumps(out))


def _dense(corr: Any) -> np.ndarray:
    lam = np.asarray(corr.lam, float)
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    return r


def _pycache_prefix() -> str:
    return os.path.join(tempfile.gettempdir(), "yt-bench-pyc")


def _run_child(name: str, src: str | None = None, threads: str | None = None) -> dict[str, Any]:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    if threads is not None:  # yieldtrial's own worker threads (``--threads``)
        env["YIELDTRIAL_THREADS"] = threads
    # an installed package imports from bytecode: write it (outside the tree) and use it
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", _pycache_prefix())
    if src is not None:  # another revision's package (``--before``)
        env["PYTHONPATH"] = os.pathsep.join([src, os.path.dirname(os.path.abspath(__file__))])
    done = subprocess.run(
        [sys.executable, __file__, "--child", name], env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"{name}: {done.stderr.strip().splitlines()[-1:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _exceedance(corr: np.ndarray, df: float, c: float, points: int, seed: int) -> float:
    from scipy import stats

    k = corr.shape[0]
    dist = stats.multivariate_t(shape=corr, df=df)
    inside = dist.cdf(np.full(k, c), lower_limit=np.full(k, -c), maxpts=points,
                      random_state=seed)  # fmt: skip
    return float(1.0 - inside)


def _reference(call: dict[str, Any], points: int) -> tuple[float, float, float]:
    """Largest |p - ref| at three thresholds, the reference's noise and scipy's CPU per call."""
    corr, df = np.asarray(call["corr"]), call["df"]
    t, p = np.abs(np.asarray(call["t"])), np.asarray(call["p"])
    below = np.flatnonzero(p < 0.999)
    picks: list[tuple[float, float]] = []
    if "critical" in call and np.isfinite(call["critical"]):
        picks.append((call["critical"], 1.0 - call["confidence"]))
    if below.size:
        order = below[np.argsort(p[below])]
        for i in {int(order[-1]), int(order[order.size // 2])}:
            picks.append((float(t[i]), float(p[i])))
    worst, noise = 0.0, 0.0
    for threshold, value in picks:
        refs = [_exceedance(corr, df, threshold, points, seed) for seed in (1, 2)]
        worst = max(worst, abs(value - float(np.mean(refs))))
        noise = max(noise, abs(refs[0] - refs[1]) / 2)
    c0 = time.process_time()
    _exceedance(corr, df, float(np.median(t)), corr.shape[0] * 1000, 0)  # scipy's default
    return worst, noise, time.process_time() - c0


def _export(rev: str) -> str:
    """``src`` of revision ``rev`` from ``git archive``, in a temporary directory."""
    import io
    import tarfile

    root = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip
    data = subprocess.run(["git", "-C", root, "archive", rev, "src"], capture_output=True,
                          check=True).stdout  # fmt: skip
    target = tempfile.mkdtemp(prefix="yt-before-")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="data")
    return os.path.join(target, "src")


def _before_after(
    rev: str | None, names: list[str], rounds: int, threads: tuple[str | None, str | None]
) -> None:
    """First call's CPU and wall time (whole call and Dunnett step): ``rev`` against this tree.

    Each side in its own child process, alternated, best of ``rounds`` (CPU and wall each
    their own best); ``max|dp|`` is the largest difference of the adjusted p-values and
    critical values of the two sides.  ``rev`` None: this tree on both sides, run with
    ``YIELDTRIAL_THREADS`` ``threads[0]`` before and ``threads[1]`` after (``--threads``).
    """
    import compileall

    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    before = here if rev is None else _export(rev)
    sys.pycache_prefix = os.environ.setdefault("PYTHONPYCACHEPREFIX", _pycache_prefix())
    for src in {before, here}:
        compileall.compile_dir(os.path.join(src, "yieldtrial"), quiet=1)
    label = f"before = {rev or 'this tree'}, YIELDTRIAL_THREADS {threads[0]} -> {threads[1]}"
    now = time.strftime("%H:%M UTC", time.gmtime())
    print(f"{label}, load {os.getloadavg()[0]:.1f}, {now}; s, best of {rounds}")
    print("case | call CPU before | after | dunnett CPU before | after | dunnett wall before "
          "| after | wall ratio | max|dp| | load")  # fmt: skip
    for name in names:
        sides: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
        for _ in range(rounds):
            sides["before"].append(_run_child(name, before, threads[0]))
            sides["after"].append(_run_child(name, here, threads[1]))
        best = {k: [min(r["runs"][0][key] for r in v) for key in ("cpu", "dun_cpu", "dun_wall")]
                for k, v in sides.items()}  # fmt: skip
        diff = 0.0
        for a, b in zip(sides["before"][0]["calls"], sides["after"][0]["calls"], strict=True):
            diff = max(diff, float(np.max(np.abs(np.subtract(a["p"], b["p"])))))
            diff = max(diff, abs(a.get("critical", 0.0) - b.get("critical", 0.0)))
        (c0, d0, w0), (c1, d1, w1) = best["before"], best["after"]
        print(f"{name} | {c0:.3f} | {c1:.3f} | {d0:.3f} | {d1:.3f} | {w0:.3f} | {w1:.3f} | "
              f"{w0 / w1:.2f} | {diff:.1e} | {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--ref-points", type=int, default=2_000_000)
    parser.add_argument("--no-ref", action="store_true")
    parser.add_argument("--before", help="compare the first call's CPU with revision REV")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", help="A,B: this tree at YIELDTRIAL_THREADS=A against =B")
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    if args.before or args.threads:
        pair = (args.threads or ",").split(",")
        threads = (pair[0] or None, pair[1] or None)
        _before_after(args.before, args.cases.split(","), args.rounds, threads)
        return
    now = time.strftime("%H:%M UTC", time.gmtime())
    print(f"python {sys.version.split()[0]}, OPENBLAS_NUM_THREADS=1 in the children, "
          f"load {os.getloadavg()[0]:.1f}, {now}")  # fmt: skip
    head = ("case", "design", "df", "method", "import", "first", "dun1", "again", "dun2",
            "wall1", "dwall1", "stated", "real", "ref_sd", "ratio", "same", "curves")  # fmt: skip
    print(" | ".join(head))
    names = args.cases.split(",")
    import compileall

    import yieldtrial

    # the bytecode of every module, as an installed package has it (PYTHONPYCACHEPREFIX)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", _pycache_prefix())
    sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]
    compileall.compile_dir(os.path.dirname(yieldtrial.__file__), quiet=1)
    for name in names:
        one, two = _run_child(name), _run_child(name)
        pairs = zip(one["runs"], two["runs"], strict=True)
        same = all(a["digest"] == b["digest"] for a, b in pairs)
        same &= one["runs"][0]["digest"] == one["runs"][1]["digest"]
        first, again = one["runs"][0], one["runs"][1]
        calls = one["calls"]
        methods = "+".join(sorted({c["method"] for c in calls})) or "none"
        real, sd, ratio = float("nan"), float("nan"), float("nan")
        if calls and not args.no_ref:
            # per-comparison df (REML): one call per df; the first, last and two between
            picked = [calls[i] for i in sorted({0, len(calls) // 3, 2 * len(calls) // 3,
                                                len(calls) - 1})]  # fmt: skip
            found = [_reference(call, args.ref_points) for call in picked]
            real = max(f[0] for f in found)
            sd = max(f[1] for f in found)
            per_call = float(np.mean([f[2] for f in found]))
            n_calls = sum(len(c["t"]) + (6 if "critical" in c else 0) for c in calls)
            ratio = per_call * n_calls / max(first["dun_cpu"], 1e-9)
        dfs = "/".join(f"{c['df']:.1f}" for c in calls)
        print(f"{name} | {one['design']} | {dfs} | {methods} | {one['import']:.2f} | "
              f"{first['cpu']:.3f} | {first['dun_cpu']:.3f} | {again['cpu']:.3f} | "
              f"{again['dun_cpu']:.3f} | {first['wall']:.3f} | {first['dun_wall']:.3f} | "
              f"{first['stated']:.1e} | "
              f"{real:.1e} | {sd:.1e} | {ratio:.0f} | {'yes' if same else 'NO'} | "
              f"{', '.join(one['curves'])}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
