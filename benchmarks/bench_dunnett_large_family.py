"""Dunnett for a large dense family: Hsu's factor-analytic approximation against the full integral.

Run: ``python benchmarks/bench_dunnett_large_family.py [--entries 100,200]``.

Families of more than ``stats.compare.FAMILY_QMC_MAX`` (500) comparisons with a dense
correlation (an alpha-lattice fitted by REML) are evaluated on their nearest product form
(Hsu 1992) with the Li-Shao bound as the stated error.  This script measures, on smaller
families where the general engine (separation of variables, seeded QMC, stated error about
1e-4) still runs in about a second, how far the approximation is from the full integral and how
loose the bound is: for alpha-lattices of SYNTHETIC yields (``bench_mixed.alpha_lattice``: 3
replicates, incomplete blocks of 10) with every entry compared with entry G001, one df of 200,
thresholds t = 2.0 ... 4.5, it prints the QMC p-value, the approximation minus it, and the
Li-Shao bound; then the CPU seconds of both.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from bench_mixed import alpha_lattice

from yieldtrial.stats import compare
from yieldtrial.stats import distributions as D
from yieldtrial.stats.mixed import mixed_model


def family(entries: int) -> np.ndarray:
    """Correlation of the comparisons with entry G001 in a REML alpha-lattice."""
    fit = mixed_model(
        alpha_lattice(entries), response="yield_kg_ha", design="alpha",
        treatment="entry", block="rep", incomplete_block="block",
    )  # fmt: skip
    mm = fit.means_model()
    levels = list(mm.levels)
    ic = levels.index("G001")
    idx = [i for i in range(len(levels)) if i != ic]
    cov = compare._versus_control_cov(np.asarray(mm.cov, dtype=float), idx, ic, 1.0)
    return compare._family_corr(cov)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", default="100,200")
    args = parser.parse_args()
    t = np.linspace(2.0, 4.5, 11)
    df = 200.0
    for n in (int(v) for v in args.entries.split(",")):
        corr = family(n)
        start = time.process_time()
        p_qmc, acc = D.dunnett_pvalues(t, corr, df)
        qmc_s = time.process_time() - start
        start = time.process_time()
        near = compare._nearest_product_form_family(corr)
        p_hsu, _ = D.dunnett_pvalues(t, near, df)
        hsu_s = time.process_time() - start
        print(f"\n{n} entries ({n - 1} comparisons): QMC {qmc_s:.2f} s CPU (stated error "
              f"{acc.abs_error:.1e}), Hsu {hsu_s:.2f} s CPU")  # fmt: skip
        print(f"{'t':>5} {'P (QMC)':>9} {'Hsu - QMC':>10} {'Li-Shao':>9}")
        for c, a, b in zip(t, p_qmc, p_hsu, strict=True):
            bound = near.error_bound(float(c), df, two_sided=True)
            print(f"{c:5.2f} {a:9.5f} {b - a:+10.1e} {bound:9.1e}")


if __name__ == "__main__":
    main()
