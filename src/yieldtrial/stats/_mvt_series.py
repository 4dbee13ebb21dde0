r"""Genz's box integrand with Taylor controls of any order along the Cholesky path.

:func:`yieldtrial.stats._mvt_taylor.taylor_sums3` carries the separated-variables
recursion of the product-form base as a power series in ``t`` (``C_t = C_1 + t D``) to
order 3, with each step written by hand.  This module does the same to any order ``N``
with the general power-series recurrences, so that the controls ``c_1..c_N`` (the Taylor
coefficients of the base integrand) can be paired with the exact means ``T_1..T_N`` of
:mod:`yieldtrial.stats._mvt_terms`:

* the Cholesky path ``chol(C_1 + t D) = L (I + sum_n M_n t^n)`` with
  ``M_1 = lower_half(E)``, ``M_n = lower_half(-sum_{a=1}^{n-1} M_a M_{n-a}')``
  (``E = L^-1 D L^-T``; from ``M M' = I + t E`` order by order);
* the standardized limits by series division;
* ``Phi`` of a series through ``phi(a) = exp(-a^2 / 2) / sqrt(2 pi)``: with
  ``u = a^2 / 2``, ``n h_n = -sum_k k u_k h_{n-k}`` and ``n p_n = sum_k k a_k h_{n-k}``;
* the quantile ``y = Phi^-1(v)`` from ``v' = phi(y) y'``:
  ``y_n = (n v_n - sum_{k<n} k y_k h_{n-k}) / (n h_0)``;
* products of series (Cauchy), truncated at order ``N``.

At ``N = 3`` the sums equal those of ``taylor_sums3`` to rounding (tests).

References
----------
.. [1] Genz, A. (1992). Numerical computation of multivariate normal probabilities.
   *J. Comput. Graph. Stat.* 1, 141-149. :doi:`10.1080/10618600.1992.10477010`
.. [2] Knuth, D. E. (1997). *The Art of Computer Programming*, vol. 2, sect. 4.7
   (operations on power series). Addison-Wesley.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "cholesky_path_series",
    "lower_half",
    "sum_statistics",
    "taylor_estimates_n",
    "taylor_sums4",
    "taylor_sums_n",
]

_SQRT_2PI = float(np.sqrt(2.0 * np.pi))


def lower_half(a: np.ndarray) -> np.ndarray:
    """Strict lower triangle of ``a`` plus half its diagonal (the Cholesky tangent map)."""
    out = np.tril(a, -1)
    out[np.diag_indices_from(out)] = 0.5 * np.diag(a)
    return out


def cholesky_path_series(base: np.ndarray, target: np.ndarray, order: int) -> list[np.ndarray]:
    """Taylor coefficients ``B_1..B_order`` of ``chol(base + t (target - base))`` at 0.

    Examples
    --------
    >>> base = np.array([[1.0, 0.3], [0.3, 1.0]])
    >>> target = np.array([[1.0, 0.5], [0.5, 1.0]])
    >>> b1, b2 = cholesky_path_series(base, target, 2)
    >>> h = 1e-4
    >>> fd = np.linalg.cholesky(base + h * (target - base)) - np.linalg.cholesky(base)
    >>> bool(np.allclose(fd / h, b1 + h * b2, atol=1e-8))
    True
    """
    chol = np.linalg.cholesky(base)
    inv = np.linalg.inv(chol)
    e = inv @ (target - base) @ inv.T
    ms = [lower_half(e)]
    for n in range(2, order + 1):
        acc = sum(ms[a - 1] @ ms[n - a - 1].T for a in range(1, n))
        ms.append(lower_half(-np.asarray(acc)))
    return [chol @ m for m in ms]


def sum_statistics(z: list[np.ndarray], groups: int) -> np.ndarray:
    """Sum ``z_0..z_N`` and ``z_p z_q`` (``p <= q``, row by row) over each run of points.

    ``z`` are arrays of shape (M, n), ``z_0 = f - f_0`` and the controls; a control that is
    not finite at a point (a quantile at the clip, probability ~1e-300) is 0 there.

    Returns
    -------
    ndarray, shape (groups, S, M)
        ``S = N + 1 + (N + 1)(N + 2) / 2``; the ``groups`` runs are consecutive.
    """
    z = list(z)
    bad = ~np.all([np.isfinite(c) for c in z[1:]], axis=0)
    if np.any(bad):
        z[1:] = [np.where(bad, 0.0, c) for c in z[1:]]
    m, n = z[0].shape
    k = len(z)
    out = np.empty((groups, k + k * (k + 1) // 2, m))
    for j, arr in enumerate(z):
        out[:, j, :] = arr.reshape(m, groups, n // groups).sum(axis=2, dtype=float).T
    j = k
    product = np.empty((m, n))
    for p in range(k):
        for q in range(p, k):
            np.multiply(z[p], z[q], out=product)
            out[:, j, :] = product.reshape(m, groups, n // groups).sum(axis=2, dtype=float).T
            j += 1
    return out


def _phi_series(a: list[np.ndarray], order: int) -> list[np.ndarray]:
    """``phi(a(t))`` as a series from the series ``a`` (``a[0]`` the value)."""
    h0 = np.exp(-0.5 * a[0] * a[0]) / _SQRT_2PI
    h = [h0]
    u = [None] + [0.5 * sum(a[j] * a[n - j] for j in range(n + 1)) for n in range(1, order + 1)]
    for n in range(1, order + 1):
        h.append(-sum(k * u[k] * h[n - k] for k in range(1, n + 1)) / n)
    return h


def taylor_sums_n(
    r: np.ndarray,
    box: Any,
    w: np.ndarray,
    path: list[np.ndarray],
    groups: int = 1,
) -> np.ndarray:
    """Sum ``z = (f - f_0, c_1..c_N)`` and ``z_p z_q`` (``p <= q``): shape (groups, S, M).

    Parameters
    ----------
    r : ndarray, shape (M,)
        Thresholds.
    box : TaylorBox
        The region, its target and base Cholesky factors and the base's factors.
    w : ndarray, shape (d - 1, n)
        Points of the unit cube (``groups`` consecutive runs of ``n / groups``).
    path : list of ndarray
        :func:`cholesky_path_series` of the base towards the target (``N`` coefficients).
    groups : int
        Runs of points summed separately (the scrambles).
    """
    from scipy.special import ndtr, ndtri

    order = len(path)
    chol, base = box.chol, box.base_chol
    lam = box.factor
    d = chol.shape[0]
    m, n = r.size, w.shape[1]
    shape = (m, n)
    rr = np.broadcast_to(r[:, None], shape)
    g = np.linalg.solve(np.tril(base), lam)
    yt = np.empty((d, m, n))
    ys = np.empty((order + 1, d, m, n))
    flat_t = yt.reshape(d, m * n)
    flat_s = ys.reshape(order + 1, d, m * n)
    ft = np.ones(shape)
    f = [np.ones(shape)] + [np.zeros(shape) for _ in range(order)]
    run = [np.zeros(shape) for _ in range(order + 1)]
    limits = ((0, box.box_lo), (1, box.box_hi))
    for i in range(d):
        st = np.zeros(shape)
        s = [np.zeros(shape) for _ in range(order + 1)]
        if i:
            np.dot(chol[i, :i], flat_t[:i], out=st.reshape(m * n))
            for q in range(order + 1):
                run[q] += g[i - 1] * ys[q, i - 1]
                s[q] = run[q] * lam[i]
            for a_ in range(1, order + 1):  # s_n += B_a y_{n-a}
                for q in range(order + 1 - a_):
                    s[q + a_] += (path[a_ - 1][i, :i] @ flat_s[q, :i]).reshape(shape)
        c = [base[i, i]] + [p[i, i] for p in path]
        ct = chol[i, i]
        pt: list[np.ndarray] = []
        prob: list[list[np.ndarray]] = []
        for k, bound in limits:
            if not np.isfinite(bound[i]):
                pt.append(np.full(shape, float(k)))
                prob.append([np.full(shape, float(k))] + [np.zeros(shape) for _ in range(order)])
                continue
            pt.append(ndtr((rr * bound[i] - st) / ct))
            a = [(rr * bound[i] - s[0]) / c[0]]
            for q in range(1, order + 1):
                a.append(-(s[q] + sum(c[j] * a[q - j] for j in range(1, q + 1))) / c[0])
            h = _phi_series(a, order)
            p = [ndtr(a[0])]
            for q in range(1, order + 1):
                p.append(sum(j * a[j] * h[q - j] for j in range(1, q + 1)) / q)
            prob.append(p)
        width_t = np.clip(pt[1] - pt[0], 0.0, 1.0)
        ft = ft * width_t
        lo, hi = prob
        e = [np.clip(hi[0] - lo[0], 0.0, 1.0)] + [hi[q] - lo[q] for q in range(1, order + 1)]
        f = [sum(f[j] * e[q - j] for j in range(q + 1)) for q in range(order + 1)]
        if i < d - 1:
            wi = w[i]
            yt[i] = ndtri(np.clip(pt[0] + wi * width_t, 1e-300, 1.0 - 1e-16))
            v = [np.clip(lo[0] + wi * e[0], 1e-300, 1.0 - 1e-16)]
            v += [lo[q] + wi * e[q] for q in range(1, order + 1)]
            y = [ndtri(v[0])]
            h = [np.maximum(np.exp(-0.5 * y[0] * y[0]) / _SQRT_2PI, 1e-300)]
            u: list[Any] = [None]
            for q in range(1, order + 1):
                y.append((q * v[q] - sum(k * y[k] * h[q - k] for k in range(1, q))) / (q * h[0]))
                u.append(0.5 * sum(y[j] * y[q - j] for j in range(q + 1)))
                h.append(-sum(k * u[k] * h[q - k] for k in range(1, q + 1)) / q)
            for q in range(order + 1):
                ys[q, i] = y[q]
    return sum_statistics([ft - f[0], *f[1:]], groups)


def taylor_estimates_n(
    sums: np.ndarray, points: int | np.ndarray, terms: list[np.ndarray]
) -> np.ndarray:
    """Per-scramble estimates of ``G - G_1 - T_1 - T_2`` from :func:`taylor_sums_n`.

    ``terms`` are the exact means ``T_1..T_N`` of the controls; the coefficients are fitted
    by least squares over all points (Glynn & Szechtman 2002), as in
    :func:`yieldtrial.stats._mvt_taylor.taylor_estimates3`.  ``points`` may differ by
    threshold (an array, shape (M,)).
    """
    order = len(terms)
    z = order + 1
    total = sums.sum(axis=0)
    count = np.asarray(points, dtype=float) * sums.shape[0]  # points: one count or per node
    mean = total[:z] / count
    pairs = [(p, q) for p in range(z) for q in range(p, z)]
    index = {pq: z + j for j, pq in enumerate(pairs)}

    def second(p: int, q: int) -> np.ndarray:
        return np.asarray(total[index[(min(p, q), max(p, q))]] / count)

    m = mean.shape[1]
    beta = np.zeros((order, m))
    for j in range(m):
        a = np.array([[second(p, q)[j] - mean[p, j] * mean[q, j] for q in range(1, z)]
                      for p in range(1, z)])  # fmt: skip
        rhs = np.array([second(0, p)[j] - mean[0, j] * mean[p, j] for p in range(1, z)])
        scale = max(float(np.trace(a)), 1e-300)
        if scale > 1e-280:
            beta[:, j] = np.linalg.lstsq(a / scale, rhs / scale, rcond=1e-10)[0]
    per = sums[:, :z, :] / points
    est = per[:, 0] - terms[0] - terms[1]
    for q in range(order):
        est = est - beta[q] * (per[:, q + 1] - terms[q])
    return np.asarray(est)


def taylor_sums4(
    r: np.ndarray,
    box: Any,
    w: np.ndarray,
    path: list[np.ndarray],
    groups: int = 1,
    single: bool = False,
) -> np.ndarray:
    """:func:`taylor_sums_n` at order 4, written out (in place): shape (groups, 20, M).

    The same recursion as :func:`yieldtrial.stats._mvt_taylor.taylor_sums3` one order
    further, with ``psi = 1 / phi(y_0)`` and ``u_q = psi v_q``:

    * ``Phi`` of a series, ``P_q = phi(a_0) pi_q``: ``pi_4 = a_4 - a_0 (a_1 a_3 + a_2^2 / 2)
      + (a_0^2 - 1) a_1^2 a_2 / 2 + (3 a_0 - a_0^3) a_1^4 / 24`` (the derivatives of
      ``Phi`` are ``(-1)^(m-1) He_{m-1} phi``);
    * the quantile, ``y_4 = u_4 + y_0 (u_1 u_3 + u_2^2 / 2) + (1 + 2 y_0^2) u_1^2 u_2 / 2
      + y_0 (7 + 6 y_0^2) u_1^4 / 24`` (the derivatives of ``Phi^-1`` are ``psi``,
      ``y psi^2``, ``(1 + 2 y^2) psi^3`` and ``y (7 + 6 y^2) psi^4``).

    Equal to :func:`taylor_sums_n` with four coefficients to rounding (tests).

    With ``single`` every array is float32 and ``Phi``, ``Phi^-1`` are the single-precision
    approximations of :func:`yieldtrial.stats._mvt_sov._box_integrand_single` (``w`` then
    float32 too); the statistics are still summed in double precision.
    """
    from scipy.special import ndtr, ndtri

    from yieldtrial.stats._mvt_sov import _SINGLE_P_MIN, _ndtr_single, _ndtri_single

    # annotated: numpy 1.25's stubs (oldest pins) type arrays made with the bare union
    # of the two scalar types as ndarray[Any, dtype[generic]] and reject every in-place
    # operator on them (59 mypy errors); the arrays and their dtypes are unchanged
    dt: type[np.floating[Any]] = np.float32 if single else np.float64
    chol = box.chol.astype(dt)
    stacked = np.stack(path).astype(dt)  # (4, d, d): B_1..B_4
    lam = np.asarray(box.factor, dtype=dt)
    d = chol.shape[0]
    m, n = r.size, w.shape[1]
    shape = (m, n)
    rr = np.broadcast_to(np.asarray(r, dtype=dt)[:, None], shape)
    g = np.linalg.solve(np.tril(box.base_chol), box.factor).astype(dt)
    yt = np.empty((d, m, n), dtype=dt)
    yb = np.empty((5, d, m, n), dtype=dt)
    flat_t = yt.reshape(d, m * n)
    flat_b = yb.reshape(5, d, m * n)
    ft = np.ones(shape, dtype=dt)
    f = [np.ones(shape, dtype=dt)] + [np.zeros(shape, dtype=dt) for _ in range(4)]
    run = [np.zeros(shape, dtype=dt) for _ in range(5)]
    s = [np.zeros(shape, dtype=dt) for _ in range(5)]
    st = np.zeros(shape, dtype=dt)
    prob = [[np.empty(shape, dtype=dt) for _ in range(5)] for _ in range(2)]
    pt = [np.empty(shape, dtype=dt), np.empty(shape, dtype=dt)]
    a = [np.empty(shape, dtype=dt) for _ in range(5)]
    dens, tmp, tmp2, a1sq = (np.empty(shape, dtype=dt) for _ in range(4))
    prods = np.empty((4, m * n), dtype=dt)
    if single:  # scratch of the approximations, and the quantile's argument range
        scratch = [np.empty(shape, dtype=dt) for _ in range(3)]
        tail = np.empty(shape, dtype=bool)
        p_min, p_max, dens_min = _SINGLE_P_MIN, 1.0 - _SINGLE_P_MIN, 1e-30
    else:
        p_min, p_max, dens_min = 1e-300, 1.0 - 1e-16, 1e-300

    def cdf(x: np.ndarray, out: np.ndarray) -> None:
        if not single:
            ndtr(x, out=out)
            return
        if x is out:  # the approximation reads x after writing out
            np.copyto(scratch[2], x)
            x = scratch[2]
        _ndtr_single(x, out, scratch[0], scratch[1])

    def quantile(p: np.ndarray, out: np.ndarray) -> None:
        if single:
            _ndtri_single(p, out, scratch[0], scratch[1], tail)
        else:
            ndtri(p, out=out)

    limits = ((0, box.box_lo), (1, box.box_hi))
    for i in range(d):
        if i:
            np.dot(chol[i, :i], flat_t[:i], out=st.reshape(m * n))
            for q in range(5):
                run[q] += g[i - 1] * yb[q, i - 1]
                np.multiply(run[q], lam[i], out=s[q])
            for q in range(4):  # s_n += sum_{a=1..n} B_a y_{n-a}
                np.dot(stacked[: 4 - q, i, :i], flat_b[q, :i], out=prods[: 4 - q])
                for a_ in range(4 - q):
                    s[q + a_ + 1] += prods[a_].reshape(shape)
        c0 = float(box.base_chol[i, i])
        c1, c2, c3, c4 = (float(p[i, i]) for p in path)
        ct = float(box.chol[i, i])
        for k, bound in limits:
            p = prob[k]
            if not np.isfinite(bound[i]):
                pt[k].fill(float(k))
                p[0].fill(float(k))
                for q in (1, 2, 3, 4):
                    p[q].fill(0.0)
                continue
            np.multiply(rr, float(bound[i]), out=a[0])
            np.subtract(a[0], st, out=pt[k])
            pt[k] *= 1.0 / ct
            cdf(pt[k], pt[k])
            # the limit series by series division: a_q = -(s_q + sum_j c_j a_{q-j}) / c_0
            a[0] -= s[0]
            a[0] *= 1.0 / c0
            for q, cs in ((1, (c1,)), (2, (c1, c2)), (3, (c1, c2, c3)), (4, (c1, c2, c3, c4))):
                np.multiply(a[q - 1], cs[0], out=a[q])
                a[q] += s[q]
                for j in range(2, q + 1):
                    np.multiply(a[q - j], cs[j - 1], out=tmp)
                    a[q] += tmp
                a[q] *= -1.0 / c0
            np.multiply(a[0], a[0], out=dens)
            dens *= -0.5
            np.exp(dens, out=dens)
            dens *= 1.0 / _SQRT_2PI
            cdf(a[0], p[0])
            np.multiply(dens, a[1], out=p[1])
            np.multiply(a[1], a[1], out=a1sq)
            # P2 = phi (a2 - a0 a1^2 / 2)
            np.multiply(a1sq, a[0], out=tmp2)
            tmp2 *= -0.5
            tmp2 += a[2]
            np.multiply(tmp2, dens, out=p[2])
            # P3 = phi (a3 - a0 a1 a2 + (a0^2 - 1) a1^3 / 6)
            np.multiply(a[0], a[0], out=tmp2)
            tmp2 -= 1.0  # a0^2 - 1, kept for P4
            np.multiply(a1sq, a[1], out=tmp)
            tmp *= tmp2
            tmp *= 1.0 / 6.0
            tmp += a[3]
            np.multiply(a[0], a[1], out=p[3])
            p[3] *= a[2]
            np.subtract(tmp, p[3], out=p[3])
            p[3] *= dens
            # P4 = phi (a4 - a0 (a1 a3 + a2^2 / 2) + (a0^2 - 1) a1^2 a2 / 2
            #           + (3 a0 - a0^3) a1^4 / 24)
            np.multiply(a1sq, a[2], out=tmp)
            tmp *= tmp2
            tmp *= 0.5
            tmp += a[4]
            np.multiply(a[2], a[2], out=p[4])
            p[4] *= 0.5
            np.multiply(a[1], a[3], out=tmp2)
            p[4] += tmp2
            p[4] *= a[0]
            np.subtract(tmp, p[4], out=p[4])
            np.multiply(a[0], a[0], out=tmp2)
            np.subtract(3.0, tmp2, out=tmp2)
            tmp2 *= a[0]
            tmp2 *= a1sq
            tmp2 *= a1sq
            tmp2 *= 1.0 / 24.0
            p[4] += tmp2
            p[4] *= dens
        np.subtract(pt[1], pt[0], out=pt[1])
        np.clip(pt[1], 0.0, 1.0, out=pt[1])
        ft *= pt[1]
        lo, e = prob[0], prob[1]
        np.subtract(e[0], lo[0], out=e[0])
        np.clip(e[0], 0.0, 1.0, out=e[0])
        for q in (1, 2, 3, 4):
            e[q] -= lo[q]
        for order in (4, 3, 2, 1):  # Cauchy product f <- f e, highest order first
            f[order] *= e[0]
            for step in range(1, order + 1):
                np.multiply(f[order - step], e[step], out=tmp)
                f[order] += tmp
        f[0] *= e[0]
        if i < d - 1:
            wi = w[i]
            pt[1] *= wi
            pt[1] += pt[0]
            np.clip(pt[1], p_min, p_max, out=pt[1])
            quantile(pt[1], yt[i])
            e[0] *= wi
            e[0] += lo[0]
            np.clip(e[0], p_min, p_max, out=e[0])
            y0, y1, y2, y3, y4 = (yb[q, i] for q in range(5))
            quantile(e[0], y0)
            np.multiply(y0, y0, out=dens)
            dens *= -0.5
            np.exp(dens, out=dens)
            dens *= 1.0 / _SQRT_2PI
            np.maximum(dens, dens_min, out=dens)
            np.divide(1.0, dens, out=dens)  # psi
            for q in (1, 2, 3, 4):
                e[q] *= wi
                e[q] += lo[q]
                e[q] *= dens  # u_q = psi v_q
            np.copyto(y1, e[1])
            np.multiply(y1, y1, out=a1sq)  # y1^2
            np.multiply(a1sq, y0, out=y2)
            y2 *= 0.5
            y2 += e[2]
            # y3 = u3 + y0 y1 u2 + (1 + 2 y0^2) y1^3 / 6
            np.multiply(y0, y0, out=tmp2)
            tmp2 *= 2.0
            tmp2 += 1.0  # 1 + 2 y0^2, kept for y4
            np.multiply(a1sq, y1, out=tmp)
            tmp *= tmp2
            tmp *= 1.0 / 6.0
            tmp += e[3]
            np.multiply(y0, y1, out=y3)
            y3 *= e[2]
            y3 += tmp
            # y4 = u4 + y0 (y1 u3 + u2^2 / 2) + (1 + 2 y0^2) y1^2 u2 / 2
            #      + y0 (7 + 6 y0^2) y1^4 / 24
            np.multiply(a1sq, e[2], out=tmp)
            tmp *= tmp2
            tmp *= 0.5
            tmp += e[4]
            np.multiply(e[2], e[2], out=y4)
            y4 *= 0.5
            np.multiply(y1, e[3], out=tmp2)
            y4 += tmp2
            y4 *= y0
            y4 += tmp
            np.multiply(y0, y0, out=tmp2)
            tmp2 *= 6.0
            tmp2 += 7.0
            tmp2 *= y0
            tmp2 *= a1sq
            tmp2 *= a1sq
            tmp2 *= 1.0 / 24.0
            y4 += tmp2
    return sum_statistics([ft - f[0], f[1], f[2], f[3], f[4]], groups)
