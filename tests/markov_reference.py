"""Independent references for Dunnett probabilities of a Gaussian Markov chain (AR(1)).

Shared by ``tests/test_stats_mvt_pilot.py``, ``tests/test_stats_mvt_markov.py`` and
``benchmarks/check_dunnett_far.py`` (which puts ``tests/`` on ``sys.path``). Nothing here
imports yieldtrial: the references are written from the definitions, with numpy and
scipy's distributions only, so that they stay independent of the code they check.

* :func:`ar1_inside`: the *forward* Markov recursion of a stationary AR(1) on
  Gauss-Legendre nodes of ``[-r, r]``;
* :func:`backward_inside`: the *backward* recursion of any chain
  ``X_{j+1} | X_j ~ N(b_j X_j, 1 - b_j^2)`` by composite Simpson, one- or two-sided;
* :func:`t_exceedance`: either averaged over the chi scale of a multivariate t.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from scipy import stats


@functools.cache
def _legendre_rule(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on ``[-1, 1]`` (read-only; computed once per count).

    ``leggauss`` finds the nodes as eigenvalues (about 60 ms for 120 nodes on a loaded
    machine), which was 95 % of an :func:`ar1_inside` call; the rule is the same every time.
    """
    x, w = np.polynomial.legendre.leggauss(nodes)
    x.flags.writeable = False
    w.flags.writeable = False
    return x, w


def autoregression(rho: float, k: int = 20) -> np.ndarray:
    """Correlation ``rho^|i-j|`` of a stationary Gaussian AR(1) (far from a product form)."""
    return rho ** np.abs(np.subtract.outer(np.arange(k), np.arange(k)))


def ar1_inside(r: float, rho: float, k: int, nodes: int = 200) -> float:
    """``P(max_i |X_i| <= r)`` of a stationary Gaussian AR(1), by its Markov recursion.

    Independent of separation of variables: ``X_1 ~ N(0, 1)``, ``X_i | X_{i-1} ~
    N(rho X_{i-1}, 1 - rho^2)``, so the density restricted to ``[-r, r]`` is carried from
    one variable to the next by the transition kernel on Gauss-Legendre nodes (smooth
    kernel: 200 nodes agree with 400 and 600 to 1e-12).
    """
    x, w = _legendre_rule(nodes)
    x, w = x * r, w * r
    s = np.sqrt(1.0 - rho**2)
    kernel = np.exp(-0.5 * ((x[:, None] - rho * x[None, :]) / s) ** 2) / (s * np.sqrt(2 * np.pi))
    g = np.exp(-0.5 * x**2) / np.sqrt(2.0 * np.pi)
    for _ in range(k - 1):
        g = kernel @ (g * w)
    return float(g @ w)


def backward_inside(r: float, coef: np.ndarray, two_sided: bool, points: int = 601) -> float:
    """``P(X_i in B for all i)`` of the chain ``X_{j+1} | X_j ~ N(b_j X_j, 1 - b_j^2)``.

    The *backward* recursion ``h_p = 1``, ``h_j(z) = E[1_B(X_{j+1}) h_{j+1}(X_{j+1}) |
    X_j = z]``, ``G = E[1_B(X_1) h_1(X_1)]``, by composite Simpson on ``points`` evenly
    spaced nodes of ``B = [-r, r]`` or ``[-9, r]`` (601 nodes agree with 2401 to 5e-9 for
    AR(1) 0.9, 20 variables, thresholds 0.5-5.5).
    """
    lo = -r if two_sided else -9.0
    z = np.linspace(lo, r, points)
    h = (r - lo) / (points - 1)
    w = np.full(points, 2.0)
    w[1::2] = 4.0
    w[0] = w[-1] = 1.0
    w *= h / 3.0
    g = np.ones(points)
    kernel, last = np.empty(0), np.nan
    for b in coef[::-1]:
        if b != last:  # one kernel for a stationary chain
            c = np.sqrt(1.0 - b**2)
            zz = (z[None, :] - b * z[:, None]) / c  # (from, to)
            kernel, last = np.exp(-0.5 * zz * zz) / (c * np.sqrt(2.0 * np.pi)), b
        g = kernel @ (w * g)
    return float((w * stats.norm.pdf(z)) @ g)


def chi_rule(df: float, nodes: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights of ``s = chi_df / sqrt(df)`` between its 1e-12 quantiles."""
    q, qw = _legendre_rule(nodes)
    lo, hi = stats.chi.ppf([1e-12, 1.0 - 1e-12], df) / np.sqrt(df)
    s = (q + 1.0) / 2.0 * (hi - lo) + lo
    return s, qw / 2.0 * (hi - lo) * stats.chi.pdf(s * np.sqrt(df), df) * np.sqrt(df)


def t_exceedance(inside: Callable[[float], float], c: float, df: float, nodes: int = 64) -> float:
    """``1 - E_s inside(c s)`` over ``s = chi_df / sqrt(df)``; ``1 - inside(c)`` at df = inf.

    64 Gauss-Legendre nodes between the 1e-12 quantiles (equal to 200 nodes to 1e-13 for
    the AR(1) cases of the tests).
    """
    if not np.isfinite(df):
        return 1.0 - inside(c)
    s, ws = chi_rule(df, nodes)
    return float(sum(wi * (1.0 - inside(c * si)) for si, wi in zip(s, ws, strict=True)))
