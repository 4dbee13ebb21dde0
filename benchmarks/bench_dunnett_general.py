"""Dunnett (and Tukey) for a non-product correlation: time and error vs scipy's multivariate_t.

Run: ``python benchmarks/bench_dunnett_general.py``.  For 5, 11 and 20 comparisons with a
correlation that is not of product form (treatment-vs-control contrasts of LS-means with a
random covariance, as with missing plots or REML), prints

* ``pv_s``: wall time of yieldtrial's p-values of all comparisons (cold: the curve cache
  cleared; the first family of a size also generates its Sobol' points), and ``pv_cpu``
  its process CPU time (the machine may be shared: CPU time is the steadier figure);
* ``crit_s``: the critical value afterwards (the same curve: a root search only);
* ``stated``: the stated absolute error; ``|err|``: the largest absolute difference from
  scipy.stats.multivariate_t.cdf with 2,000,000 points at three of the thresholds;
* ``scipy_s``: scipy's time for the same p-values (one call per comparison, scaled from
  the three computed) and ``ratio`` = scipy_s / pv_s.

Then Tukey with correlated LS-means (RCBD with missing plots): time of all pairwise
p-values and the critical value, and the stated error (no independent reference: scipy
has no singular multivariate t; see the tests for exact 3-mean checks).

Last, Dunnett with 20 comparisons for structured correlations (contrasts with one control:
an RCBD with 3 missing plots, a random LS-means covariance, the REML alpha-lattice of
``bench_mixed.alpha_lattice(21, block_size=7)``, GLS alpha-lattice, row-column and augmented
designs; with ``--hard`` also an alpha-lattice with blocks of 3 and a split-plot with missing
sub-plots): process CPU time of the p-values *before* (the curve of revision ``--before``,
default 2503580: the second-order Taylor control around the product form, its
``stats/_mvt_sov.py`` and ``stats/_mvt_taylor.py`` loaded from git next to this tree's) and
*after* (this tree: the bifactor base for nested designs, ``stats._mvt_factor``, else the
Taylor control with the cheaper expansion), interleaved in one process, best of 3 rounds
(curve caches cleared, Sobol' points cached after the first use), points per scramble /
nodes (the points of the middle nodes: nodes whose spread no longer moves the curve stop
earlier, ``stats._mvt_sov.FREEZE_SHARE``; the counts double or, when predicted to suffice,
grow by half), stated errors and the largest difference of the 20 p-values.
``--realistic`` runs only that table, ``--rounds N`` sets the rounds.

``--designs`` runs the same before/after comparison on field books from ``yieldtrial design
alpha`` (alpha(0, 1) arrays with the efficiency search, seed 3): 20-24 entries in blocks of
3-7, 2-3 replicates, block/plot variance ratio 0.5, 2 and 5 (GLS contrasts of the means
with the control, as REML would estimate them), and a 3 x 7 row-column design with 2
replicates; ``--before REV`` names the revision to compare with (e.g. ``b5ba45a``, the
third-order control; ``7bb9f3b``, before the frozen nodes and half steps: the 21/3/2 design
at ratio 5 and the 2-replicate row-column design 0.29 -> 0.17 s, see docs/performance.md,
stop 27).  Only ``_mvt_sov.py`` and ``_mvt_taylor.py`` come from ``REV``: the other modules
(and so the bifactor base, which *before* never uses) are this tree's.

``--far`` compares whole packages (``yieldtrial`` of ``--before REV``, default ``HEAD``,
from ``git archive``, against this tree's ``src``; each in its own child process with one
BLAS thread, so the engine and the dispatch in ``stats.distributions`` always belong to one
revision) on correlations far from every product form: resolvable designs with random
layouts, AR(1) 0.5, 0.9, 0.97, 0.99 and 0.9 shuffled, and a random 3-factor correlation
(20 comparisons, df 30; ``--rounds`` default 3).  It prints CPU and wall time of each side;
``YIELDTRIAL_THREADS=2`` in the environment runs the after side's large integrations on two
threads (stop 36, ``stats._mvt_sov.block_map``; off by default: slower on these curves).
"""

from __future__ import annotations

import time

import numpy as np
from scipy import stats

from yieldtrial.stats import distributions
from yieldtrial.stats.distributions import (
    dunnett_critical_value,
    dunnett_pvalues,
    tukey_general_critical_value,
    tukey_general_pvalues,
)


def dunnett_correlation(k: int, rng: np.random.Generator) -> np.ndarray:
    """Correlation of k treatment-vs-control contrasts of LS-means with a random covariance."""
    m = k + 1
    a = rng.normal(0.0, 0.3, (m, m))
    v = np.diag(rng.uniform(0.5, 1.5, m)) + a @ a.T / m
    w = np.zeros((k, m))
    w[np.arange(k), np.arange(1, m)] = 1.0
    w[:, 0] = -1.0
    c = w @ v @ w.T
    sd = np.sqrt(np.diag(c))
    return np.asarray(c / np.outer(sd, sd))


def rcbd_cov(k: int, blocks: int, missing: list[tuple[int, int]]) -> np.ndarray:
    """Covariance of treatment LS-means of an RCBD with missing plots (sigma^2 = 1)."""
    rows = [(t, b) for t in range(k) for b in range(blocks) if (t, b) not in missing]
    x = np.zeros((len(rows), k + blocks - 1))
    for n, (t, b) in enumerate(rows):
        x[n, t] = 1.0
        if b:
            x[n, k + b - 1] = 1.0
    lmat = np.zeros((k, k + blocks - 1))
    lmat[:, :k] = np.eye(k)
    lmat[:, k:] = 1.0 / blocks
    return np.asarray(lmat @ np.linalg.inv(x.T @ x) @ lmat.T)


def main() -> None:
    rng = np.random.default_rng(2024)
    df = 12.0
    print("Dunnett, two-sided, df = 12, non-product correlation")
    head = ("k", "pv_s", "pv_cpu", "crit_s", "stated", "|err|", "scipy_s", "ratio")
    print("{:>3} {:>7} {:>7} {:>7} {:>9} {:>9} {:>8} {:>7}".format(*head))
    for k in (5, 11, 20):
        corr = dunnett_correlation(k, rng)
        t = np.linspace(0.5, 4.0, k)
        distributions._dunnett_curve_cached.cache_clear()
        start, cpu = time.perf_counter(), time.process_time()
        p, acc = dunnett_pvalues(t, corr, df)
        pv_s, pv_cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        _, acc_c = dunnett_critical_value(corr, df)
        crit_s = time.perf_counter() - start
        pick = [k // 3, k // 2, k - 1]
        start = time.perf_counter()
        ref = [
            1.0
            - stats.multivariate_t.cdf(
                np.full(k, t[i]), shape=corr, df=df, lower_limit=np.full(k, -t[i]),
                maxpts=2_000_000, random_state=np.random.default_rng(1),
            )
            for i in pick
        ]  # fmt: skip
        scipy_s = (time.perf_counter() - start) / len(pick) * k  # one call per comparison
        err = float(np.max(np.abs(p[pick] - np.asarray(ref))))
        stated = max(acc.abs_error, acc_c.abs_error)
        print(
            f"{k:>3} {pv_s:7.3f} {pv_cpu:7.3f} {crit_s:7.3f} {stated:9.1e} {err:9.1e} "
            f"{scipy_s:8.1f} {scipy_s / pv_s:7.0f}"
        )
    print("\nTukey, correlated LS-means (RCBD, 4 blocks, 3 missing plots), df = 12")
    print("{:>3} {:>6} {:>7} {:>7} {:>9}".format("k", "pairs", "pv_s", "crit_s", "stated"))
    for k in (6, 10, 20):
        cov = rcbd_cov(k, 4, [(0, 0), (1, 1), (2, 3)])
        i, j = np.triu_indices(k, 1)
        t = np.linspace(0.2, 5.0, i.size)
        start = time.perf_counter()
        _, acc = tukey_general_pvalues(t, cov, df)
        pv_s = time.perf_counter() - start
        start = time.perf_counter()
        _, acc_c = tukey_general_critical_value(cov, df)
        crit_s = time.perf_counter() - start
        stated = max(acc.abs_error, acc_c.abs_error)
        print(f"{k:>3} {i.size:>6} {pv_s:7.3f} {crit_s:7.3f} {stated:9.1e}")


def contrast_corr(v: np.ndarray) -> np.ndarray:
    """Correlation of the contrasts of means 1..m-1 with mean 0, for covariance ``v``."""
    m = v.shape[0]
    w = np.zeros((m - 1, m))
    w[np.arange(m - 1), np.arange(1, m)] = 1.0
    w[:, 0] = -1.0
    c = w @ v @ w.T
    sd = np.sqrt(np.diag(c))
    return np.asarray(c / np.outer(sd, sd))


def gls_means_cov(treatment, fixed, random, ratios, k):
    """Covariance (sigma^2 = 1) of treatment LS-means by GLS with known variance ratios."""
    n = treatment.size
    x_cols, l_cols = [np.eye(k)[treatment]], [np.eye(k)]
    for f in fixed:
        levels = f.max() + 1
        x_cols.append(np.eye(levels)[f][:, 1:])
        l_cols.append(np.full((k, levels - 1), 1.0 / levels))
    x, lmat = np.hstack(x_cols), np.hstack(l_cols)
    v = np.eye(n)
    for g, ratio in zip(random, ratios, strict=True):
        z = np.eye(g.max() + 1)[g]
        v += ratio * z @ z.T
    return lmat @ np.linalg.inv(x.T @ np.linalg.solve(v, x)) @ lmat.T


def structured_cases() -> dict[str, np.ndarray]:
    """Contrast correlations (20 comparisons with one control) of structured designs."""
    from bench_mixed import alpha_lattice

    from yieldtrial.stats.mixed import mixed_model

    fit = mixed_model(
        alpha_lattice(21, block_size=7), response="yield_kg_ha", design="alpha",
        treatment="entry", block="rep", incomplete_block="block",
    )  # fmt: skip
    rng = np.random.default_rng(1)
    perms = [rng.permutation(21) for _ in range(3)]
    trt = np.concatenate(perms)
    rep = np.repeat(np.arange(3), 21)
    pos = np.tile(np.arange(21), 3)
    # augmented RCBD: 4 checks in 5 fixed blocks, 20 entries once; entries vs check 0
    aug_t = np.array([t for b in range(5) for t in [*range(4), *(4 + 4 * b + j for j in range(4))]])
    aug_b = np.repeat(np.arange(5), 8)
    # split-plot, 3 whole-plot x 7 sub-plot treatments in 4 blocks, 3 sub-plots missing:
    # the 21 cell means (whole plots random, ratio 0.8)
    cells = [(k, i, j) for k in range(4) for i in range(3) for j in range(7)]
    cells = [c for c in cells if c not in {(0, 0, 1), (1, 2, 3), (3, 1, 5)}]
    sp_t = np.array([3 * 0 + i * 7 + j for _, i, j in cells])
    sp_b = np.array([k for k, _, _ in cells])
    sp_w = np.array([3 * k + i for k, i, _ in cells])
    return {
        "RCBD, 3 missing plots": contrast_corr(rcbd_cov(21, 4, [(0, 0), (1, 1), (2, 3)])),
        "random LS-means cov.": dunnett_correlation(20, np.random.default_rng(2024)),
        "REML alpha-lattice": contrast_corr(np.asarray(fit.means_model().cov)),
        "alpha-lattice, b=7": contrast_corr(
            gls_means_cov(trt, [rep], [3 * rep + pos // 7], [1.5], 21)
        ),
        "row-column 3x7": contrast_corr(
            gls_means_cov(trt, [rep], [3 * rep + pos // 7, 7 * rep + pos % 7], [1.0, 0.7], 21)
        ),
        "augmented RCBD": contrast_corr(gls_means_cov(aug_t, [aug_b], [], [], 24))[3:, 3:],
        "augmented, blocks rnd": contrast_corr(gls_means_cov(aug_t, [], [aug_b], [1.0], 24))[
            3:, 3:
        ],
        "alpha-lattice, b=3": contrast_corr(
            gls_means_cov(trt, [rep], [7 * rep + pos // 3], [2.0], 21)
        ),
        "split-plot, 3 missing": contrast_corr(gls_means_cov(sp_t, [sp_b], [sp_w], [0.8], 21)),
    }


#: Revision whose curve is the "before" column (main before the bifactor base and the
#: constant-cost work: the second-order Taylor control around the product form).
BEFORE = "2503580"


def before_curve_builder(rev: str = BEFORE):
    """Build ``corr -> curve`` as at revision ``rev``, loaded next to this tree's modules.

    ``stats/_mvt_sov.py`` and ``stats/_mvt_taylor.py`` of ``rev`` (``git show``) are loaded
    as private modules (their imports of each other renamed), so both versions run in one
    process on the same Sobol' points (the sequences are unchanged).
    """
    import importlib.util
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    tmp = Path(tempfile.mkdtemp())
    names = {}
    for stem in ("_mvt_sov", "_mvt_taylor"):
        text = subprocess.run(
            ["git", "show", f"{rev}:src/yieldtrial/stats/{stem}.py"],
            cwd=root, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        text = text.replace("yieldtrial.stats._mvt_sov", "_before_mvt_sov")
        text = text.replace("yieldtrial.stats._mvt_taylor", "_before_mvt_taylor")
        (tmp / f"_before{stem}.py").write_text(text)
        spec = importlib.util.spec_from_file_location(f"_before{stem}", tmp / f"_before{stem}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[f"_before{stem}"] = module
        spec.loader.exec_module(module)
        names[stem] = module
    sov, taylor = names["_mvt_sov"], names["_mvt_taylor"]

    def build(corr: np.ndarray, two_sided: bool = True):
        r = np.asarray(corr, dtype=float)
        lam = sov.nearest_product_form(r)
        return taylor.dunnett_taylor_curve(
            r, lam, lambda g: distributions._exact_exceedances(g, lam, np.inf, two_sided),
            two_sided=two_sided,
        )  # fmt: skip

    return build


def design_cases() -> dict[str, np.ndarray]:
    """Dunnett correlations of alpha designs from ``yieldtrial.design.alpha`` and a row-column."""
    from yieldtrial.design.alpha import alpha_design

    cases = {}
    for k, size, reps in ((21, 3, 2), (21, 3, 3), (24, 4, 2), (20, 4, 2), (21, 7, 2),
                          (20, 5, 2), (24, 4, 3)):  # fmt: skip
        book = alpha_design([f"G{i:02d}" for i in range(k)], block_size=size,
                            replicates=reps, seed=3)  # fmt: skip
        trt = book["treatment"].str[1:].astype(int).to_numpy()
        rep = book["block"].astype(int).to_numpy() - 1
        blocks = rep * 1000 + book["incomplete_block"].astype(int).to_numpy()
        unit = np.unique(blocks, return_inverse=True)[1]
        for ratio in (0.5, 2.0, 5.0):
            cov = gls_means_cov(trt, [rep], [unit], [ratio], k)
            cases[f"alpha {k}/{size}/{reps}, {ratio:g}"] = contrast_corr(cov)
    rng = np.random.default_rng(1)
    trt = np.concatenate([rng.permutation(21) for _ in range(2)])
    rep = np.repeat(np.arange(2), 21)
    pos = np.tile(np.arange(21), 2)
    for ratios in ((0.3, 0.3), (1.0, 0.7)):
        cov = gls_means_cov(trt, [rep], [3 * rep + pos // 7, 7 * rep + pos % 7], list(ratios), 21)
        cases[f"row-column 2 reps, {ratios[0]:g}/{ratios[1]:g}"] = contrast_corr(cov)
    return cases


def realistic(
    rounds: int = 3, hard: bool = False, rev: str = BEFORE, designs: bool = False
) -> None:
    """Dunnett, 20 comparisons, structured correlations: before/after, interleaved CPU."""
    import os

    build_before = before_curve_builder(rev)
    cases = design_cases() if designs else structured_cases()
    if not hard and not designs:
        cases = {
            k: v
            for k, v in cases.items()
            if k not in ("alpha-lattice, b=3", "split-plot, 3 missing")
        }
    print("\nDunnett, 20 comparisons, structured correlations, df = 30, two-sided")
    print(f"(CPU s, best of {rounds} interleaved rounds; before = {rev}; "
          f"load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    head = ("case", "before", "after", "ratio", "pts/nodes before", "after",
            "stated before", "after", "max|diff|")  # fmt: skip
    print("{:>28} {:>7} {:>7} {:>6} {:>16} {:>10} {:>13} {:>8} {:>9}".format(*head))
    dunnett_pvalues(np.linspace(0.5, 4.0, 20), structured_cases()["RCBD, 3 missing plots"],
                    30.0)  # Sobol' points generated  # fmt: skip
    for name, corr in cases.items():
        t = np.linspace(0.5, 4.0, corr.shape[0])
        before, after = [], []
        for _ in range(rounds):
            distributions._exact_exceedances_cached.cache_clear()
            start = time.process_time()
            old = distributions._with_chi_rule(build_before(corr), 30.0)
            p_old, err_old = old.exceedance(t)
            before.append(time.process_time() - start)
            distributions._dunnett_curve_cached.cache_clear()
            distributions._exact_exceedances_cached.cache_clear()
            start = time.process_time()
            p_new, acc = dunnett_pvalues(t, corr, 30.0)
            after.append(time.process_time() - start)
        new = distributions._dunnett_curve(corr, 30.0, two_sided=True)
        b, a = min(before), min(after)
        print(
            f"{name:>28} {b:7.3f} {a:7.3f} {b / a:6.1f} "
            f"{points_nodes(old):>16} {points_nodes(new):>10} "
            f"{float(np.max(err_old)):13.1e} {acc.abs_error:8.1e} "
            f"{float(np.max(np.abs(p_new - p_old))):9.1e}"
        )


def points_nodes(curve) -> str:
    """``points/nodes`` of a quasi-Monte Carlo curve; ``exact`` for an exact nested curve."""
    if not hasattr(curve, "points"):  # stats._mvt_nested's curve (stop 31): no points
        return "exact"
    return f"{curve.points}/{curve.coef.shape[1]}"


def far_cases() -> dict[str, np.ndarray]:
    """20 comparisons far from every product form (docs/performance.md, stops 26-28).

    Resolvable designs with random layouts (21 entries permuted by ``default_rng(seed)``
    in each of 2 replicates, cut into blocks of 3; block/plot variance ratio 5.7, as REML
    estimated it on the seed-7 layout), AR(1) correlations (rho 0.5 to 0.99, and 0.9 with
    the variables shuffled by ``default_rng(5)``) and a random 3-factor model
    (``A A' + I`` with a 20 x 3 standard normal ``A`` from ``default_rng(0)``, scaled to a
    correlation).
    """
    cases = {}
    for seed in (7, 0, 1):
        rng = np.random.default_rng(seed)
        trt = np.concatenate([rng.permutation(21) for _ in range(2)])
        rep = np.repeat(np.arange(2), 21)
        pos = np.tile(np.arange(21), 2)
        cov = gls_means_cov(trt, [rep], [7 * rep + pos // 3], [5.7], 21)
        cases[f"random layout, seed {seed}"] = contrast_corr(cov)
    lags = np.abs(np.subtract.outer(np.arange(20), np.arange(20)))
    for rho in (0.5, 0.9, 0.97, 0.99):
        cases[f"AR(1), rho {rho:g}"] = rho**lags
    order = np.random.default_rng(5).permutation(20)
    cases["AR(1) 0.9, permuted"] = (0.9**lags)[np.ix_(order, order)]
    a = np.random.default_rng(0).normal(size=(20, 3))
    c = a @ a.T + np.eye(20)
    sd = np.sqrt(np.diag(c))
    cases["random 3-factor"] = c / np.outer(sd, sd)
    return cases


def _far_worker(rounds: int) -> None:
    """Print one JSON line per far case: CPU s (best of ``rounds``), p-values, error, points.

    Runs in a child process whose ``yieldtrial`` is one whole revision (:func:`far`), so
    every engine module and the dispatch in ``stats.distributions`` agree.
    """
    import json

    def run(corr: np.ndarray):
        distributions._dunnett_curve_cached.cache_clear()
        distributions._exact_exceedances_cached.cache_clear()
        t = np.linspace(0.5, 4.0, corr.shape[0])
        start, wall = time.process_time(), time.perf_counter()
        p, acc = dunnett_pvalues(t, corr, 30.0)
        cpu, wall = time.process_time() - start, time.perf_counter() - wall
        curve = distributions._dunnett_curve(corr, 30.0, two_sided=True)
        return cpu, p, acc.abs_error, points_nodes(curve), wall

    run(far_cases()["AR(1), rho 0.5"] ** 2)  # the QMC points generated and cached
    for name, corr in far_cases().items():
        results = [run(corr) for _ in range(rounds)]
        cpu, p, err, pts, _ = min(results, key=lambda x: x[0])
        wall = min(x[4] for x in results)
        line = {"case": name, "cpu": cpu, "wall": wall, "p": p.tolist(), "err": err, "pts": pts}
        print(json.dumps(line), flush=True)


def far(rounds: int = 1, rev: str = "HEAD") -> None:
    """Dunnett, 20 comparisons far from product form: the whole package of ``rev`` vs this tree.

    Each side runs in its own child process (one BLAS thread): ``before`` with the
    ``yieldtrial`` package of ``rev`` (``git archive`` into a temporary directory), ``after``
    with this tree's ``src``; the two run one after the other, the same cases in the same
    order, and each prints its results as JSON lines (:func:`_far_worker`).
    """
    import json
    import os
    import subprocess
    import sys
    import tarfile
    import tempfile
    from io import BytesIO
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    tmp = Path(tempfile.mkdtemp())
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, "src/yieldtrial"],
        cwd=root, check=True, capture_output=True,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(tmp, filter="data")

    def side(src: Path) -> dict:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(src), str(root / "benchmarks")]))
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = "1"
        out = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--far-worker", "--rounds",
             str(rounds)], env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        return {row["case"]: row for row in map(json.loads, out.splitlines())}

    before = side(tmp / "src")
    after = side(root / "src")
    print("\nDunnett, 20 comparisons far from every product form, df = 30, two-sided")
    threads = os.environ.get("YIELDTRIAL_THREADS", "default")
    print(f"(CPU s and wall s, best of {rounds} rounds, one process per side; before = the "
          f"package of {rev}; YIELDTRIAL_THREADS={threads}; load average "
          f"{os.getloadavg()[0]:.1f})")  # fmt: skip
    head = ("case", "before", "after", "ratio", "wall b", "wall a", "pts/nodes before",
            "after", "stated before", "after", "max|diff|")  # fmt: skip
    print("{:>28} {:>7} {:>7} {:>6} {:>7} {:>7} {:>16} {:>10} {:>13} {:>8} {:>9}".format(*head))
    for name, b in before.items():
        a = after[name]
        diff = float(np.max(np.abs(np.asarray(a["p"]) - np.asarray(b["p"]))))
        print(
            f"{name:>28} {b['cpu']:7.3f} {a['cpu']:7.3f} {b['cpu'] / a['cpu']:6.1f} "
            f"{b['wall']:7.3f} {a['wall']:7.3f} "
            f"{b['pts']:>16} {a['pts']:>10} {b['err']:13.1e} {a['err']:8.1e} {diff:9.1e}",
            flush=True,
        )


if __name__ == "__main__":
    import sys

    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    rev = sys.argv[sys.argv.index("--before") + 1] if "--before" in sys.argv else BEFORE
    if "--far-worker" in sys.argv:
        _far_worker(rounds)
        sys.exit(0)
    if "--far" in sys.argv:
        far(rounds, rev if "--before" in sys.argv else "HEAD")
        sys.exit(0)
    if "--realistic" not in sys.argv and "--designs" not in sys.argv:
        main()
    realistic(rounds, hard="--hard" in sys.argv, rev=rev, designs="--designs" in sys.argv)
