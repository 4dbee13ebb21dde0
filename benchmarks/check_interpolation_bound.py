"""Dunnett's interpolation bound against the exact interpolation error (stop 32).

Exact AR(1) curves along a nearby AR(1)'s exact normal score, ``h(u) = (G(r(u)) - Phi(u)) /
phi(u)``, both from the Markov recursion of ``tests/markov_reference.py``; interpolated
at ``n`` Gauss-Hermite nodes stretched into ``|u| <= 6`` as ``stats._mvt_sov.max_t_curve``
does; the error is the largest ``|interpolant - h| phi(u)`` on the engine's 241-point grid.
Prints the actual error, the interpolant's two highest Hermite terms (times ``phi(u)``; the
bound is ``TOP_TERMS_FACTOR`` times them) and the unweighted least-squares fit two degrees
lower that was the bound before stop 32.  Run from the repository root:
``PYTHONPATH=src python benchmarks/check_interpolation_bound.py`` (about a minute).
"""

import sys

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtr

sys.path.insert(0, "tests")
from markov_reference import ar1_inside  # noqa: E402

GRID = np.linspace(-6, 6, 241)
GRID_DENSITY = np.exp(-0.5 * GRID**2) / np.sqrt(2 * np.pi)
CASES = [(0.5, 0.4, 10), (0.7, 0.6, 10), (0.9, 0.85, 10), (0.5, 0.3, 20), (0.9, 0.8, 20),
         (0.7, 0.5, 6), (0.9, 0.7, 20)]  # fmt: skip


def r_of_u(u: float, rho_score: float, k: int) -> float:
    """Threshold where the score's exact curve equals ``Phi(u)``."""
    level = float(ndtr(u))
    return brentq(lambda r: ar1_inside(r, rho_score, k, 120) - level, 1e-6, 12.0, xtol=1e-13)


def h(u: float, rho: float, rho_score: float, k: int) -> float:
    """``(G(r(u)) - Phi(u)) / phi(u)`` exactly."""
    r = r_of_u(u, rho_score, k)
    return (ar1_inside(r, rho, k, 120) - ndtr(u)) / (np.exp(-0.5 * u * u) / np.sqrt(2 * np.pi))


def main() -> None:
    for rho, rho_score, k in CASES:
        truth = np.array([h(u, rho, rho_score, k) for u in GRID])
        for n in (8, 12, 16, 24):
            x, _ = np.polynomial.hermite_e.hermegauss(n)
            stretch = min(1.0, 6.0 / x[-1])
            values = np.array([h(u, rho, rho_score, k) for u in x * stretch])
            coef = np.linalg.solve(np.polynomial.hermite_e.hermevander(x, n - 1), values)
            fine = np.polynomial.hermite_e.hermeval(GRID / stretch, coef)
            actual = np.max(np.abs(fine - truth) * GRID_DENSITY)
            top = np.zeros_like(coef)
            top[-2:] = coef[-2:]
            terms = np.max(
                np.abs(np.polynomial.hermite_e.hermeval(GRID / stretch, top)) * GRID_DENSITY
            )
            low = np.polynomial.hermite_e.hermevander(x, n - 3)
            norms = np.linalg.norm(low, axis=0)
            low_coef = np.linalg.lstsq(low / norms, values, rcond=None)[0] / norms
            old = np.max(
                np.abs(fine - np.polynomial.hermite_e.hermeval(GRID / stretch, low_coef))
                * GRID_DENSITY
            )
            print(
                f"rho {rho} score {rho_score} k {k:2d} n {n:2d}: actual {actual:.2e} "
                f"two top terms {terms:.2e} (ratio {terms / actual:.2f}) old bound {old:.2e}",
                flush=True,
            )


if __name__ == "__main__":
    main()
