"""Legacy mean separation on a design model: Duncan, Student-Newman-Keuls, Scheffe.

Chinese yield-test reports, DPS users and many agronomy journals still expect
Duncan's new multiple range test (新复极差法, SSR), the Student-Newman-Keuls
q test and two-level significance letters (lowercase at 0.05, uppercase at
0.01).  Every procedure here works on a :class:`~yieldtrial.stats.results.MeansModel`:
the least-squares means of one factor, their covariance and the error degrees of
freedom of the *design* model (RCBD residual, split-plot error a or b, ...), never
on raw groups.

Duncan and SNK are step-down range tests: the means are ranked and two means
``p`` ranks apart (``p`` = number of means in the range, both ends included) are
declared different when their studentized range exceeds the critical value for
``p`` means; a pair that lies inside a range already declared not significant is
not significant either (Duncan 1955, rule of the "protected" subsets).  Duncan
uses the protection level ``alpha_p = 1 - (1 - alpha)^(p - 1)``; SNK uses
``alpha`` for every ``p``.  Scheffe's test compares every pair with
``sqrt((k - 1) F_alpha(k - 1, df))`` standard errors of the difference.

Unequal replication or covariances are handled as in Tukey-Kramer: the
studentized range of a pair is its difference divided by ``SED / sqrt(2)``,
where ``SED`` comes from the means' covariance matrix.

References
----------
.. [1] Duncan, D. B. (1955). Multiple range and multiple F tests.
   Biometrics 11(1), 1-42. doi:10.2307/3001478
.. [2] Harter, H. L. (1960). Critical values for Duncan's new multiple range
   test. Biometrics 16(4), 671-685. doi:10.2307/2527770
.. [3] Keuls, M. (1952). The use of the "studentized range" in connection with
   an analysis of variance. Euphytica 1, 112-122.
.. [4] Scheffe, H. (1953). A method for judging all contrasts in the analysis of
   variance. Biometrika 40, 87-104.
.. [5] Piepho, H.-P. (2004). An algorithm for a letter-based representation of
   all-pairwise comparisons. J. Comput. Graph. Stat. 13(2), 456-466 (letters via
   :func:`yieldtrial.stats.letters.compact_letters`).
.. [6] Gomez, K. A. and Gomez, A. A. (1984). Statistical Procedures for
   Agricultural Research, 2nd ed., Wiley, sec. 5.1.2 (DMRT).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import is_real_number, message_df, message_number, real_float, shown
from yieldtrial.stats._common import check_alpha
from yieldtrial.stats._pair_scan import (
    _ZERO_ERROR_HINT,
    LETTERS_ALL_MAX,
    LETTERS_TOP,
    scan_pairs,
    shown_levels,
)
from yieldtrial.stats.results import MeansModel, Provenance, require_means_model

__all__ = [
    "MEAN_SEPARATION_TESTS",
    "MeanSeparation",
    "add_two_level_letters",
    "duncan",
    "mean_separation",
    "scheffe",
    "significant_studentized_range",
    "summarised_letters",
    "snk",
    "two_level_letters",
]

#: Tests :func:`mean_separation` and :func:`two_level_letters` accept.  ``tukey``
#: (Tukey-Kramer HSD) and ``lsd`` (unprotected Fisher LSD) are the single-step
#: members of the same family, included so that two-level letters can be drawn
#: for them too.
MEAN_SEPARATION_TESTS: tuple[str, ...] = ("duncan", "snk", "scheffe", "tukey", "lsd")

_RANGE_TESTS = ("duncan", "snk")

#: Most means in one range of :func:`significant_studentized_range` (far above any trial).
_MAX_MEANS = 1_000_000

_TEST_LABELS = {
    "duncan": "Duncan's new multiple range test",
    "snk": "Student-Newman-Keuls",
    "scheffe": "Scheffe",
    "tukey": "Tukey-Kramer HSD",
    "lsd": "Fisher LSD (unprotected)",
}

_ADJUSTMENTS = {
    "duncan": "stepwise, protection level 1-(1-alpha)^(p-1)",
    "snk": "stepwise, alpha at every range",
    "scheffe": "Scheffe (all contrasts)",
    "tukey": "single-step (Tukey-Kramer)",
    "lsd": "none",
}


def _adjustment(mm: MeansModel, key: str) -> str:
    """Provenance ``adjustment`` of ``key``: Tukey's HSD proper when every pair's SE is equal."""
    if key == "tukey":
        from yieldtrial.stats.distributions import pairwise_is_tukey_hsd

        if pairwise_is_tukey_hsd(mm.cov):
            return "single-step (Tukey HSD)"
    return _ADJUSTMENTS[key]


def _check_test(test: str) -> str:
    key = str(test).lower().replace("-", "_").replace(" ", "_")
    key = {
        "newman_keuls": "snk",
        "student_newman_keuls": "snk",
        "dmrt": "duncan",
        "ssr": "duncan",
        "hsd": "tukey",
        "q": "snk",
    }.get(key, key)
    if key not in MEAN_SEPARATION_TESTS:
        raise DataValidationError(
            f"unknown mean-separation test {test!r}; expected one of "
            f"{', '.join(MEAN_SEPARATION_TESTS)}"
        )
    return key


def _ptukey(q: np.ndarray | float, k: int, df: float) -> np.ndarray:
    """CDF of the studentized range of ``k`` means with ``df`` error df.

    A thin wrapper of :func:`yieldtrial.stats.distributions.studentized_range_cdf`, the one
    implementation of the studentized range (deterministic quadrature, agrees with
    :data:`scipy.stats.studentized_range` to about 1e-12 for k <= 100).
    """
    from yieldtrial.stats.distributions import studentized_range_cdf

    qv = np.atleast_1d(np.asarray(q, dtype=float))
    return np.asarray(studentized_range_cdf(qv, int(k), float(df)))


def _qtukey(level: float, k: int, df: float) -> float:
    """Quantile of the studentized range: ``q`` with ``_ptukey(q) = level``."""
    from yieldtrial.stats.distributions import range_quantile

    level = float(level)
    if level < 0.5:  # the lower tail itself: Duncan's levels for many means are tiny
        return range_quantile(level, int(k), float(df), upper=False)
    return range_quantile(1.0 - level, int(k), float(df), upper=True)


def significant_studentized_range(
    p: int | np.ndarray, df: float, *, alpha: float = 0.05, test: str = "duncan"
) -> float | np.ndarray:
    """Critical studentized range for ``p`` ranked means.

    Parameters
    ----------
    p : int or 1-D array-like of int
        Number of means in the range (2 for adjacent means): one whole number, or a list,
        1-D array or Series of them (a Series gives an array of its values).  A table
        (DataFrame, 2-D array) is refused, as the other critical values
        (:func:`~yieldtrial.stats.distributions.tukey_critical_value`) take one family
        size, not a table. [-]
    df : float
        Error degrees of freedom of the design model. [-]
    alpha : float, default 0.05
        Significance level. [-]
    test : {"duncan", "snk", "tukey"}, default "duncan"
        ``duncan``: Duncan's significant studentized range, the upper
        ``1 - (1 - alpha)^(p - 1)`` point of the studentized range of ``p``
        means; ``snk``: the upper ``alpha`` point for ``p`` means; ``tukey``
        is not a function of ``p`` (use ``p = k``).

    Returns
    -------
    float or ndarray
        Critical value ``q`` [-] (a float for one ``p``, a 1-D array for several);
        multiply by ``SED / sqrt(2)`` (``sqrt(MSE / r)`` for ``r`` replicates) to get the
        least significant range.

    References
    ----------
    Duncan (1955), Table II; Harter (1960) recomputed the table exactly.

    Examples
    --------
    Duncan's table at 10 error df (Harter 1960): 3.15 for p = 2, 3.29 for p = 3.

    >>> round(float(significant_studentized_range(2, 10)), 3)
    3.151
    >>> round(float(significant_studentized_range(3, 10)), 3)
    3.293
    >>> round(float(significant_studentized_range(3, 10, test="snk")), 3)
    3.877
    """
    alpha = check_alpha(alpha)
    key = _check_test(test)
    if key not in (*_RANGE_TESTS, "tukey"):
        raise DataValidationError(
            f"significant_studentized_range is defined for duncan, snk and tukey, not {test!r}"
        )
    try:
        if isinstance(p, bool | np.bool_ | str | bytes):
            raise TypeError(type(p).__name__)
        p_arr = np.asarray(p, dtype=float)
    except (TypeError, ValueError, OverflowError):
        p_arr = np.asarray(np.nan)
    if p_arr.ndim > 1:  # a DataFrame (even of one column) gave a 2-D table of values
        table = type(p).__name__ == "DataFrame"
        raise DataValidationError(
            f"p (number of means in the range) must be one whole number or a list of them "
            f"(1-D), got {shown(p) if table else f'an array of shape {p_arr.shape}'}"
        )
    if p_arr.dtype.kind != "f" or not np.all(
        (p_arr >= 2) & (p_arr <= _MAX_MEANS) & (p_arr == np.round(p_arr))
    ):  # NaN fails too
        raise DataValidationError(
            f"p (number of means in the range) must be whole numbers from 2 to {_MAX_MEANS:,}, "
            f"got {shown(p)}"
        )
    if not (is_real_number(df) and real_float(df) > 0):  # NaN fails; inf is the normal limit
        raise DataValidationError(f"error df must be a positive number, got {shown(df)}")
    df = real_float(df)  # 10**400 is the normal limit (inf), not an OverflowError
    level = (1.0 - alpha) ** (p_arr - 1.0) if key == "duncan" else np.full_like(p_arr, 1 - alpha)
    flat = [
        _qtukey(float(lv), int(pp), float(df))
        for lv, pp in zip(np.ravel(level), np.ravel(p_arr), strict=True)
    ]
    if p_arr.ndim == 0:
        return flat[0]
    return np.asarray(flat, dtype=float).reshape(p_arr.shape)


def _range_p_values(q: np.ndarray, p: int, df: float, key: str) -> np.ndarray:
    """p-values of studentized ranges ``q`` spanning ``p`` means (vectorized)."""
    from yieldtrial.stats.distributions import studentized_range_sf

    qv = np.asarray(q, dtype=float)
    out = np.full(qv.shape, np.nan)
    finite = np.isfinite(qv)
    out[np.isposinf(qv)] = 0.0
    if finite.any():
        sf = studentized_range_sf(qv[finite], p, df)
        if key == "duncan" and p > 2:
            # alpha* such that q is the critical value: 1 - (1 - alpha*)^(p-1) = sf
            with np.errstate(divide="ignore"):
                sf = np.where(sf < 1.0, -np.expm1(np.log1p(-np.minimum(sf, 1.0)) / (p - 1)), 1.0)
        out[finite] = np.minimum(sf, 1.0)
    return out


def _upper_letters(letters: str) -> str:
    """Uppercase version of a letter display: ``a`` -> ``A``; the 27th letter ``a1`` -> ``A1``."""
    from yieldtrial.stats.letters import NA_LETTER

    if letters == NA_LETTER:
        return letters.upper()
    return "".join(token[0].upper() + token[1:] for token in re.findall(r"[A-Za-z]\d*", letters))


def _letters(mm: MeansModel, significant: np.ndarray) -> list[str]:
    """Compact letters (insert-absorb-sweep, :mod:`yieldtrial.stats.letters`), 'a' = highest."""
    from yieldtrial.stats.letters import compact_letters

    series = compact_letters(mm.levels, mm.contrast_basis, significant)
    return [str(v) for v in series.tolist()]


@dataclass(frozen=True, eq=False)
class MeanSeparation:
    """Result of a multiple-range or Scheffe test on one factor's LS-means.

    Attributes
    ----------
    test : str
        Test key (``"duncan"``, ``"snk"``, ``"scheffe"``, ``"tukey"``, ``"lsd"``).
    alpha : float
        Significance level. [-]
    groups : pandas.DataFrame
        One row per level, highest mean first: ``level``, ``mean``, ``se``, ``n``,
        ``rank`` (1 = highest), ``letters`` (same letter = not significantly
        different; ``a`` marks the highest mean).
    comparisons : pandas.DataFrame
        One row per pair (higher mean first): ``level_a``, ``level_b``, ``diff``
        (a - b), ``sed``, ``span`` (number of ranked means from a to b, both
        included), ``statistic`` (studentized range ``diff / (sed / sqrt 2)`` for
        duncan/snk/tukey, ``diff / sed`` for scheffe/lsd), ``critical_value`` (same
        scale), ``least_significant`` (the least significant range or difference
        for that pair [response unit]), ``p_value``, ``tested`` (False when the
        pair lies inside a range already declared not significant) and
        ``significant``.
    critical_ranges : pandas.DataFrame
        Duncan/SNK: ``span``, ``q_crit``, ``least_significant_range`` (with the
        mean SED of all pairs; exact for equal replication).  Other tests: one row
        with ``span`` = k.
    provenance : Provenance
        Design, model, error term, error df, test, alpha and adjustment.
    """

    test: str
    alpha: float
    groups: pd.DataFrame
    comparisons: pd.DataFrame
    critical_ranges: pd.DataFrame
    provenance: Provenance

    @property
    def letters(self) -> dict[str, str]:
        """Level -> letters."""
        return dict(zip(self.groups["level"], self.groups["letters"], strict=True))

    def to_frame(self) -> pd.DataFrame:
        """Means with letters, provenance in ``attrs["provenance"]``."""
        frame = self.groups.copy()
        frame.attrs["provenance"] = self.provenance.to_dict()
        return frame

    def __repr__(self) -> str:
        """One line: test, alpha, means and error df (no tables)."""
        return (
            f"MeanSeparation(test={self.test!r}, alpha={self.alpha:g}, "
            f"means={len(self.groups)}, df_error={self.provenance.df_error:g})"
        )

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>{_TEST_LABELS[self.test]}</b>, alpha = {self.alpha:g}, error term "
            f"{self.provenance.error_term} ({self.provenance.df_error:g} df)</p>"
        )
        return head + self.groups.to_html(index=False)


def _provenance(mm: MeansModel, **fields: Any) -> Provenance:
    """Return ``mm.provenance(...)``, its error term naming the ranking's one df (REML).

    The multiple-range tests use :attr:`MeansModel.df` (the smallest pair's df) for every
    pair, not each pair's own Satterthwaite / Kenward-Roger df.
    """
    prov = mm.provenance(**fields)
    if mm.df_method is None or not prov.error_term.endswith(" df per comparison"):
        return prov
    head = prov.error_term.removesuffix(" per comparison")
    return prov.replace(
        error_term=f"{head}: the smallest pair's ({mm.df:.4g}) for the whole ranking"
    )


def mean_separation(mm: MeansModel, *, test: str = "duncan", alpha: float = 0.05) -> MeanSeparation:
    """Separate the LS-means of one factor by Duncan, SNK, Scheffe, Tukey or LSD.

    Parameters
    ----------
    mm : MeansModel
        LS-means, covariance and error df from the design model (see
        :meth:`yieldtrial.stats.model.DesignFit.means_model`, or a split-plot
        result's ``means_model(kind)``).
    test : str, default "duncan"
        One of :data:`MEAN_SEPARATION_TESTS`.
    alpha : float, default 0.05
        Significance level. [-]

    Returns
    -------
    MeanSeparation
        Letters, pairwise table, critical ranges and provenance.

    Raises
    ------
    DataValidationError
        Unknown test, alpha outside (0, 1), fewer than two means, non-positive df
        or a singular covariance (a difference with zero standard error).
    """
    require_means_model(mm, "mean_separation")
    key = _check_test(test)
    alpha = check_alpha(alpha)
    comparisons, significant, order, crit_single, q_by_span, sed = _pairs(
        mm, key, alpha, with_pairs=True
    )
    return _result(mm, key, alpha, comparisons, significant, order, crit_single, q_by_span, sed)


def _pairs(
    mm: MeansModel, key: str, alpha: float, *, with_pairs: bool
) -> tuple[pd.DataFrame | None, np.ndarray, list[int], float, dict[int, float], np.ndarray]:
    """Verdicts of every pair (vectorized), and the pairwise table when ``with_pairs``.

    Returns the table (None without ``with_pairs``: a 10,000-level family has 50 million
    pairs), the k x k significance matrix, the rank order, the single critical value
    (Tukey, Scheffe, LSD), Duncan/SNK critical values by span and the SED matrix.
    """
    from yieldtrial.stats._univariate import f_ppf, f_sf, t_ppf, t_sf  # scipy.stats', bit for bit

    est = np.asarray(mm.estimates, dtype=float)
    cov = np.asarray(mm.cov, dtype=float)
    k = est.size
    if k < 2:
        raise DataValidationError(
            f"factor {mm.factor!r} has {k} level(s)"
            + (f" ({mm.levels[0]!r})" if k == 1 else "")
            + "; mean separation needs at least two: check the column holds every "
            "treatment of the trial"
        )
    if not np.all(np.isfinite(est)):
        bad = [lvl for lvl, v in zip(mm.levels, est, strict=True) if not np.isfinite(v)]
        raise DataValidationError(
            f"LS-means of {mm.factor!r} are not estimable for level(s) {', '.join(bad)}; "
            "check that every level has observed plots"
        )
    df = float(mm.df)
    if not df > 0:
        raise DataValidationError(
            f"error df of {mm.error_term!r} is {message_df(df)}; mean separation needs a "
            "positive error df "
            "(add replicates)"
        )
    # differences (and the ranking) from the centred LS-means when the model gives them:
    # full precision under a large offset (MeansModel.contrast_basis)
    basis = mm.contrast_basis
    order = sorted(range(k), key=lambda i: (-basis[i], i))

    diag = np.diag(cov)
    var_diff = diag[:, None] + diag[None, :] - 2.0 * cov
    var_diff = np.clip(var_diff, 0.0, None)
    sed = np.sqrt(var_diff)
    if np.any(sed[~np.eye(k, dtype=bool)] <= 0):
        raise DataValidationError(
            f"a difference between means of {mm.factor!r} has zero standard error "
            f"(error mean square {message_number(mm.mse, 1)}); mean separation is undefined"
            + _ZERO_ERROR_HINT
            * (mm.mse == 0)
        )

    if key in ("scheffe", "lsd"):
        if key == "scheffe":
            crit_single = float(np.sqrt((k - 1) * f_ppf(1 - alpha, k - 1, df)))
        else:
            crit_single = float(t_ppf(1 - alpha / 2, df))
    elif key == "tukey":
        crit_single = _qtukey(1 - alpha, k, df)
    else:
        crit_single = float("nan")
    spans = np.arange(2, k + 1)
    q_by_span: dict[int, float] = {}
    if key in _RANGE_TESTS:
        q_values = np.atleast_1d(significant_studentized_range(spans, df, alpha=alpha, test=key))
        q_by_span = {int(p): float(q) for p, q in zip(spans, q_values, strict=True)}

    # every pair in rank order (higher mean first), vectorized: rank a < rank b
    rank_order = np.asarray(order)
    r_a, r_b = np.triu_indices(k, 1)
    i_lv, j_lv = rank_order[r_a], rank_order[r_b]
    diff = basis[i_lv] - basis[j_lv]
    s_pair = sed[i_lv, j_lv]
    span = r_b - r_a + 1
    if key in (*_RANGE_TESTS, "tukey"):
        stat = np.abs(diff) / (s_pair / np.sqrt(2.0))
        if key in _RANGE_TESTS:
            q_table = np.zeros(k + 1)
            q_table[spans] = [q_by_span[int(p)] for p in spans]
            crit = q_table[span]
        else:
            crit = np.full(span.size, crit_single)
        least = crit * s_pair / np.sqrt(2.0)
        p_val = np.full(span.size, np.nan)  # filled below, vectorized by span
    else:
        stat = np.abs(diff) / s_pair
        crit = np.full(span.size, crit_single)
        least = crit * s_pair
        if key == "scheffe":
            p_val = np.asarray(f_sf(stat**2 / (k - 1), k - 1, df), dtype=float)
        else:
            p_val = np.asarray(2 * t_sf(stat, df), dtype=float)
    is_tested = np.ones(span.size, dtype=bool)
    if key in _RANGE_TESTS:
        # protection rule: a pair is tested unless a wider range enclosing it (a' <= a,
        # b' >= b) was not significant; "not significant" is closed under enclosure, so
        # only the raw verdicts (stat <= crit) of enclosing pairs matter
        raw_ns = stat <= crit
        widest = np.full(k, -1)  # widest raw non-significant end b' per start a'
        np.maximum.at(widest, r_a[raw_ns], r_b[raw_ns])
        before = np.concatenate([[-1], np.maximum.accumulate(widest)[:-1]])  # a' < a
        is_tested = ~((before[r_a] >= r_b) | (widest[r_a] > r_b))
    is_sig = is_tested & (stat > crit)
    significant = np.zeros((k, k), dtype=bool)
    significant[i_lv, j_lv] = is_sig
    significant[j_lv, i_lv] = is_sig
    if not with_pairs:
        return None, significant, order, crit_single, q_by_span, sed
    levels = np.asarray(mm.levels, dtype=object)
    frame = pd.DataFrame(
        {
            "level_a": levels[i_lv],
            "level_b": levels[j_lv],
            "diff": diff,
            "sed": s_pair,
            "span": span,
            "statistic": stat,
            "critical_value": crit,
            "least_significant": least,
            "p_value": p_val,
            "tested": is_tested,
            "significant": is_sig,
        }
    )
    if key in (*_RANGE_TESTS, "tukey"):
        span_values = frame["span"].to_numpy(dtype=int)
        statistic = frame["statistic"].to_numpy(dtype=float)
        p_column = np.full(span_values.size, np.nan)
        groups = np.unique(span_values) if key in _RANGE_TESTS else np.array([k])
        for span_value in groups:
            part = (
                span_values == span_value
                if key in _RANGE_TESTS
                else np.ones_like(span_values, dtype=bool)
            )
            p_range = int(span_value) if key in _RANGE_TESTS else k
            p_column[part] = _range_p_values(
                statistic[part], p_range, df, key if key in _RANGE_TESTS else "snk"
            )
        frame["p_value"] = p_column
    comparisons = frame
    return comparisons, significant, order, crit_single, q_by_span, sed


def _result(
    mm: MeansModel,
    key: str,
    alpha: float,
    comparisons: pd.DataFrame | None,
    significant: np.ndarray,
    order: list[int],
    crit_single: float,
    q_by_span: dict[int, float],
    sed: np.ndarray,
) -> MeanSeparation:
    """Letters, means table, critical ranges and provenance of a mean separation."""
    est = np.asarray(mm.estimates, dtype=float)
    k = est.size
    spans = np.arange(2, k + 1)
    letters = _letters(mm, significant)
    groups = pd.DataFrame(
        {
            "level": [mm.levels[i] for i in order],
            "mean": est[order],
            "se": np.asarray(mm.se, dtype=float)[order],
            "n": np.asarray(mm.n)[order],
            "rank": np.arange(1, k + 1),
            "letters": [letters[i] for i in order],
        }
    )
    mean_sed = float((sed.sum() - np.trace(sed)) / (k * (k - 1)))
    if key in _RANGE_TESTS:
        critical = pd.DataFrame(
            {
                "span": spans,
                "q_crit": [q_by_span[int(p)] for p in spans],
                "least_significant_range": [
                    q_by_span[int(p)] * mean_sed / np.sqrt(2.0) for p in spans
                ],
            }
        )
    else:
        scale = mean_sed / np.sqrt(2.0) if key == "tukey" else mean_sed
        critical = pd.DataFrame(
            {"span": [k], "q_crit": [crit_single], "least_significant_range": [crit_single * scale]}
        )
    prov = _provenance(mm, test=key, alpha=alpha, adjustment=_adjustment(mm, key))
    if comparisons is None:  # pragma: no cover - callers without pairs build no result
        comparisons = pd.DataFrame()
    comparisons.attrs["provenance"] = prov.to_dict()
    groups.attrs["provenance"] = prov.to_dict()
    return MeanSeparation(
        test=key,
        alpha=alpha,
        groups=groups,
        comparisons=comparisons,
        critical_ranges=critical,
        provenance=prov,
    )


def duncan(mm: MeansModel, *, alpha: float = 0.05) -> MeanSeparation:
    """Duncan's new multiple range test (DMRT, 新复极差法) on a design model's LS-means.

    Parameters
    ----------
    mm : MeansModel
        LS-means, covariance and error df of the design model.
    alpha : float, default 0.05
        Comparison-wise level; the range of ``p`` means is tested at
        ``1 - (1 - alpha)^(p - 1)``. [-]

    Returns
    -------
    MeanSeparation

    Notes
    -----
    Duncan's test does not control the family-wise error rate; it is provided
    because reports and journals ask for it.  Prefer Tukey (all pairs) or
    Dunnett (each treatment against the control) for new work.

    Examples
    --------
    Sweetpotato yields (agricolae ``sweetpotato``; CRD, 3 plots per virus
    treatment, MSE 22.48917 on 8 df):

    >>> import numpy as np
    >>> from yieldtrial.stats.results import MeansModel
    >>> mm = MeansModel(factor="virus", levels=("cc", "fc", "ff", "oo"),
    ...     estimates=np.array([24.4, 12.866667, 36.333333, 36.9]),
    ...     cov=np.eye(4) * 22.48917 / 3, df=8, n=np.array([3, 3, 3, 3]), mse=22.48917,
    ...     error_term="residual", design="crd", formula="yield ~ virus", response="yield")
    >>> duncan(mm).letters
    {'oo': 'a', 'ff': 'a', 'cc': 'b', 'fc': 'c'}
    """
    require_means_model(mm, "duncan")
    return mean_separation(mm, test="duncan", alpha=alpha)


def snk(mm: MeansModel, *, alpha: float = 0.05) -> MeanSeparation:
    """Student-Newman-Keuls (SNK, q test) on a design model's LS-means.

    Parameters
    ----------
    mm : MeansModel
        LS-means, covariance and error df of the design model.
    alpha : float, default 0.05
        Level used for every range. [-]

    Returns
    -------
    MeanSeparation
    """
    require_means_model(mm, "snk")
    return mean_separation(mm, test="snk", alpha=alpha)


def scheffe(mm: MeansModel, *, alpha: float = 0.05) -> MeanSeparation:
    """Scheffe's test for all pairs of a design model's LS-means.

    Parameters
    ----------
    mm : MeansModel
        LS-means, covariance and error df of the design model.
    alpha : float, default 0.05
        Family-wise level over all contrasts. [-]

    Returns
    -------
    MeanSeparation
        ``least_significant`` = ``sqrt((k - 1) F_alpha(k - 1, df)) * SED``.
    """
    require_means_model(mm, "scheffe")
    return mean_separation(mm, test="scheffe", alpha=alpha)


def two_level_letters(
    mm: MeansModel,
    *,
    test: str = "duncan",
    alpha_lower: float = 0.05,
    alpha_upper: float = 0.01,
    always: Sequence[str] = (),
) -> pd.DataFrame:
    """Means table with two-level letters: lowercase at 0.05, uppercase at 0.01.

    The Chinese reporting convention (小写字母 P < 0.05, 大写字母 P < 0.01): the
    same test is run at two levels and both letter columns are printed.

    Parameters
    ----------
    mm : MeansModel
        LS-means, covariance and error df of the design model.
    test : str, default "duncan"
        One of :data:`MEAN_SEPARATION_TESTS`.  ``"tukey"`` (up to
        ``TUKEY_PAIRS_LETTERS_MAX`` levels): the verdicts of
        :func:`~yieldtrial.stats.compare.pairwise_means` (each pair's own df, the
        single-step multivariate t for correlated LS-means), as ``FieldTrial.means``;
        the multiple-range tests rank on one df, ``mm.df``.
    alpha_lower : float, default 0.05
        Level of the lowercase letters. [-]
    alpha_upper : float, default 0.01
        Level of the uppercase letters; must be smaller than ``alpha_lower``. [-]
    always : sequence of str, optional
        Levels that keep their letters when the display is summarised (the controls).

    Returns
    -------
    pandas.DataFrame
        ``level``, ``mean``, ``se``, ``n``, ``rank``, ``letters_05`` (lowercase),
        ``letters_01`` (uppercase), highest mean first; provenance in
        ``attrs["provenance"]`` (``alpha`` = ``alpha_lower``; both levels are in
        ``attrs["alphas"]``).  The column names keep the ``_05``/``_01`` suffixes
        whatever the levels; ``attrs["alphas"]`` records them.  Above
        ``LETTERS_ALL_MAX`` (500) levels the display is summarised (see
        :func:`summarised_letters`): ``attrs["letters_summary"]``.
    """
    require_means_model(mm, "two_level_letters")
    lo = check_alpha(alpha_lower, "alpha_lower")
    hi = check_alpha(alpha_upper, "alpha_upper")
    if not hi < lo:
        raise DataValidationError(
            f"alpha_upper ({alpha_upper}) must be smaller than alpha_lower ({alpha_lower}); "
            "uppercase letters mark the stricter level (e.g. 0.01)"
        )
    key = _check_test(test)
    if len(mm.levels) > LETTERS_ALL_MAX:
        # 10,000 entries: every pair tested in chunks, letters for the top means only
        return summarised_letters(mm, test=key, alphas=(lo, hi), always=always)
    # verdicts only: the pairwise tables (k (k - 1) / 2 rows) are not needed for letters
    _, sig_lo, order_lo, crit_lo, q_lo, sed = _pairs(mm, key, lo, with_pairs=False)
    _, sig, _, _, _, _ = _pairs(mm, key, hi, with_pairs=False)
    pair_provenance = None
    if key == "tukey" and len(mm.levels) <= TUKEY_PAIRS_LETTERS_MAX:
        # the verdicts of the library's Tukey pairs (each pair's own df; the single step
        # for correlated LS-means), as FieldTrial.means(letters="tukey") and pairwise():
        # the studentized range at the smallest df differed from them and from emmeans +
        # multcomp::cld (resolvable row-column, replicates random, 4 plots missing)
        sig_lo, sig, pair_provenance = _tukey_pair_verdicts(mm, lo, hi)
    first = _result(mm, key, lo, None, sig_lo, order_lo, crit_lo, q_lo, sed)
    position = {level: i for i, level in enumerate(mm.levels)}
    order = [position[level] for level in first.groups["level"]]
    upper = _letters(mm, sig)
    frame = first.groups.rename(columns={"letters": "letters_05"}).copy()
    frame["letters_01"] = [_upper_letters(upper[i]) for i in order]
    frame.attrs["provenance"] = first.provenance.to_dict()
    if pair_provenance is not None:
        for name in ("test", "adjustment", "error_term"):
            frame.attrs["provenance"][name] = pair_provenance[name]
    frame.attrs["alphas"] = {"letters_05": lo, "letters_01": hi}
    return frame


#: Most levels whose two-level Tukey letters come from the library's Tukey pairs (each
#: pair's df, the single step for correlated LS-means; ``pairwise_means`` keeps
#: Tukey-Kramer above 50 for cost); above, the studentized range at ``mm.df``.
TUKEY_PAIRS_LETTERS_MAX = 50


def _tukey_pair_verdicts(
    mm: MeansModel, alpha_lower: float, alpha_upper: float
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Significance matrices at both levels from ``pairwise_means(mm, "tukey")``'s P values."""
    from yieldtrial.stats.compare import pairwise_means_core

    # only the adjusted P values: no critical value's root search per df (stop 40)
    pairs = pairwise_means_core(
        mm, method="tukey", alpha=alpha_lower, protected=True, anova_p=None, need_critical=False
    )
    position = {level: i for i, level in enumerate(mm.levels)}
    i = pairs["group1"].map(position).to_numpy(dtype=int)
    j = pairs["group2"].map(position).to_numpy(dtype=int)
    p_adj = pairs["p_value_adjusted"].to_numpy(dtype=float)
    k = len(mm.levels)
    out = []
    for alpha in (alpha_lower, alpha_upper):
        significant = np.zeros((k, k), dtype=bool)
        significant[i, j] = p_adj < alpha
        significant[j, i] = p_adj < alpha
        out.append(significant)
    return out[0], out[1], pairs.attrs["provenance"]


def add_two_level_letters(
    table: pd.DataFrame,
    mm: MeansModel,
    *,
    test: str = "duncan",
    alpha_lower: float = 0.05,
    alpha_upper: float = 0.01,
    level_column: str = "treatment",
) -> pd.DataFrame:
    """Add ``letters_05`` and ``letters_01`` columns to a means table.

    The means table of :func:`yieldtrial.stats.tables.means_table` (or
    ``FieldTrial.means()``) carries one letter column; Chinese reports print
    two (小写字母 P < 0.05, 大写字母 P < 0.01).  This runs
    :func:`two_level_letters` on the same :class:`MeansModel` and joins both
    columns on the level labels, so the table keeps its rows, order and other
    columns.

    Parameters
    ----------
    table : pandas.DataFrame
        A means table with one row per level of ``mm`` (never modified).
    mm : MeansModel
        The LS-means the table was built from (its error term and df are used).
    test : str, default "duncan"
        One of :data:`MEAN_SEPARATION_TESTS`.
    alpha_lower, alpha_upper : float, default 0.05 and 0.01
        Levels of the lowercase and uppercase letters. [-]
    level_column : str, default "treatment"
        Column of ``table`` holding the level labels.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` with ``letters_05`` (lowercase) and ``letters_01``
        (uppercase) inserted after ``letters`` (or appended);
        ``attrs["two_level_letters"]`` records the test, both levels, the error
        term and its df.

    Raises
    ------
    DataValidationError
        ``level_column`` missing, or its labels differ from ``mm.levels``; as
        :func:`two_level_letters`.

    Examples
    --------
    >>> mm = MeansModel(factor="virus", levels=("cc", "fc", "ff", "oo"),
    ...     estimates=np.array([24.4, 12.866667, 36.333333, 36.9]),
    ...     cov=np.eye(4) * 22.48917 / 3, df=8, n=np.array([3, 3, 3, 3]), mse=22.48917,
    ...     error_term="residual", design="crd", formula="yield ~ virus", response="yield")
    >>> table = pd.DataFrame({"treatment": ["oo", "ff", "cc", "fc"]})
    >>> add_two_level_letters(table, mm).values.tolist()
    [['oo', 'a', 'A'], ['ff', 'a', 'A'], ['cc', 'b', 'AB'], ['fc', 'c', 'B']]
    """
    require_means_model(mm, "add_two_level_letters")
    if level_column not in table.columns:
        raise DataValidationError(
            f"the means table has no {level_column!r} column; columns: "
            f"{', '.join(map(str, table.columns))}. Pass level_column=<column of the levels>."
        )
    labels = [str(v) for v in table[level_column]]
    if sorted(labels) != sorted(mm.levels):
        raise DataValidationError(
            f"the means table's {level_column!r} labels ({', '.join(labels)}) are not the "
            f"levels of {mm.factor!r} ({', '.join(mm.levels)}); pass the MeansModel the "
            "table was built from"
        )
    letters = two_level_letters(mm, test=test, alpha_lower=alpha_lower, alpha_upper=alpha_upper)
    lower = dict(zip(letters["level"], letters["letters_05"], strict=True))
    upper = dict(zip(letters["level"], letters["letters_01"], strict=True))
    out = table.drop(columns=["letters_05", "letters_01"], errors="ignore").copy()
    position = list(out.columns).index("letters") + 1 if "letters" in out.columns else None
    at = len(out.columns) if position is None else position
    out.insert(
        at, "letters_05", pd.Series([lower[v] for v in labels], index=out.index, dtype=object)
    )
    out.insert(
        at + 1, "letters_01", pd.Series([upper[v] for v in labels], index=out.index, dtype=object)
    )
    prov = letters.attrs["provenance"]
    out.attrs = {
        **table.attrs,
        "two_level_letters": {
            "test": prov["test"],
            "alphas": dict(letters.attrs["alphas"]),
            "error_term": prov["error_term"],
            "df_error": prov["df_error"],
        },
    }
    return out


def summarised_letters(
    mm: MeansModel,
    *,
    test: str = "tukey",
    alphas: Sequence[float] = (0.05, 0.01),
    always: Sequence[str] = (),
    top: int = LETTERS_TOP,
    protected: bool = False,
) -> pd.DataFrame:
    """Letters of a large family: every pair tested in chunks, letters for the top means.

    For hundreds to thousands of entries a compact letter display of every level is
    unreadable (hundreds of letters per mean) and the pairs do not fit in memory
    (10,000 means: 49,995,000 pairs).  Every pair is tested with the critical values of
    the whole family of ``k`` means, in chunks of bounded memory; letters are shown for
    the ``top`` highest means and the levels in ``always`` (from the verdicts among
    them; a range test's spans and protection use the ranks in the whole family), and
    the number of significant pairs is counted.

    Parameters
    ----------
    mm : MeansModel
        LS-means, covariance (dense or implicit) and error df of the design model.
    test : str, default "tukey"
        One of :data:`MEAN_SEPARATION_TESTS`.
    alphas : sequence of float, default (0.05, 0.01)
        Levels; the first gives lowercase letters (``letters_05``), a second uppercase
        letters (``letters_01``). [-]
    always : sequence of str, optional
        Levels that always get letters (e.g. the controls).
    top : int, default 50
        Highest means that get letters.
    protected : bool, default False
        With ``test="lsd"``: no pair is significant unless the treatment F test is
        (Fisher's protected LSD).

    Returns
    -------
    pandas.DataFrame
        Every level, highest mean first: ``level``, ``mean``, ``se``, ``n``, ``rank``,
        ``letters_05`` (and ``letters_01`` with two levels); levels without letters hold
        ``""``.  ``attrs["letters_summary"]`` gives ``shown`` (levels with letters),
        ``top``, ``pairs`` and ``significant_pairs`` per column; ``attrs["provenance"]``,
        ``attrs["alphas"]`` as :func:`two_level_letters`.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> mm = MeansModel("t", tuple(f"G{i}" for i in range(600)), rng.normal(100, 5, 600),
    ...     np.eye(600) * 2.0, 1198.0, np.full(600, 3), 6.0, "residual", "rcbd",
    ...     "y ~ t + block", "y")
    >>> table = summarised_letters(mm, test="tukey", top=5, always=["G0"])
    >>> len(table), int((table["letters_05"] != "").sum())
    (600, 6)
    """
    from yieldtrial.stats._univariate import f_ppf, t_ppf  # scipy.stats', bit for bit
    from yieldtrial.stats.compare import treatment_f_test
    from yieldtrial.stats.letters import compact_letters

    key = _check_test(test)
    levels_alpha = [check_alpha(a) for a in alphas]
    est = np.asarray(mm.estimates, dtype=float)
    k = est.size
    if k < 2:
        raise DataValidationError(
            f"factor {mm.factor!r} has {k} level(s)"
            + (f" ({mm.levels[0]!r})" if k == 1 else "")
            + "; mean separation needs at least two: check the column holds every "
            "treatment of the trial"
        )
    if not np.all(np.isfinite(est)):
        raise DataValidationError(
            f"LS-means of {mm.factor!r} are not all estimable; check that every level has "
            "observed plots"
        )
    df = float(mm.df)
    if not df > 0:
        raise DataValidationError(
            f"error df of {mm.error_term!r} is {message_df(df)}; mean separation needs a "
            "positive error df "
            "(add replicates)"
        )
    shown = shown_levels(mm, always, top)
    columns = ["letters_05", "letters_01"][: len(levels_alpha)]
    letters: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    scan = None
    for column, alpha in zip(columns, levels_alpha, strict=False):
        spans = np.arange(2, k + 1)
        table = np.full(k + 1, np.nan)
        if key in _RANGE_TESTS:
            table[spans] = np.atleast_1d(
                significant_studentized_range(spans, df, alpha=alpha, test=key)
            )
        elif key == "tukey":
            table[:] = _qtukey(1 - alpha, k, df)
        elif key == "scheffe":
            table[:] = float(np.sqrt((k - 1) * f_ppf(1 - alpha, k - 1, df)))
        else:
            table[:] = float(t_ppf(1 - alpha / 2, df))
        gate = True
        if key == "lsd" and protected:
            gate = bool(treatment_f_test(mm)[2] < alpha)
        scan = scan_pairs(
            mm, critical_by_span=table, studentized=key in (*_RANGE_TESTS, "tukey"),
            protection=key in _RANGE_TESTS, shown=shown, gate=gate,
        )  # fmt: skip
        sub = compact_letters(
            [mm.levels[i] for i in scan.shown], mm.contrast_basis[scan.shown], scan.significant
        )
        found = {str(lv): str(v) for lv, v in sub.items()}
        if column == "letters_01":
            found = {lv: _upper_letters(v) for lv, v in found.items()}
        letters[column] = [found.get(mm.levels[i], "") for i in scan.order]
        counts[column] = scan.n_significant
    assert scan is not None  # noqa: S101
    order = scan.order
    frame = pd.DataFrame(
        {
            "level": [mm.levels[i] for i in order],
            "mean": est[order],
            "se": np.asarray(mm.se, dtype=float)[order],
            "n": np.asarray(mm.n)[order],
            "rank": np.arange(1, k + 1),
            **letters,
        }
    )
    prov = _provenance(mm, test=key, alpha=levels_alpha[0], adjustment=_adjustment(mm, key))
    frame.attrs["provenance"] = prov.to_dict()
    frame.attrs["alphas"] = dict(zip(columns, levels_alpha, strict=False))
    frame.attrs["letters_summary"] = {
        "shown": [mm.levels[i] for i in scan.shown],
        "top": int(top),
        "pairs": scan.n_pairs,
        "significant_pairs": counts,
    }
    return frame
