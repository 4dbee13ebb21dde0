"""What inference a set of LS-means supports, and the unit of the response.

:func:`inference_status` says whether p-values can be computed from a
:class:`~yieldtrial.stats.results.MeansModel` (``"design-model"``) or why not (an
unreplicated trial, a zero error variance); :func:`replicates_for_unreplicated` states the
replicates a proper trial would need; :func:`unit_suffix` gives the unit suffix of a response
name, which the comparison and means tables carry over to their column names.

The names are also importable from :mod:`yieldtrial.stats.compare`, where they were first
defined.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from yieldtrial.errors import DataValidationError
from yieldtrial.stats._covariance import all_finite, diagonal
from yieldtrial.stats.results import MeansModel

__all__ = [
    "INFERENCE_OK",
    "UNIT_SUFFIXES",
    "UNREPLICATED_ASSUMED_CV_PCT",
    "UNREPLICATED_TARGET_DIFFERENCE_PCT",
    "inference_status",
    "replicates_for_unreplicated",
    "unit_suffix",
]

#: Unit suffixes recognised at the end of a response name (longest match wins).
UNIT_SUFFIXES: tuple[str, ...] = (
    "kg_ha", "t_ha", "kg_mu", "jin_mu", "bu_ac", "lb_ac", "g_m2", "kg_m2", "kg_plot",
    "g_plot", "kg", "g", "t", "pct", "fraction", "m2", "ha", "cm", "mm", "m",
)  # fmt: skip

#: Label of the ``inference`` column when p-values come from the design model.
INFERENCE_OK = "design-model"

#: CV and difference used to state the replicates an unreplicated trial would need.
UNREPLICATED_ASSUMED_CV_PCT = 8.0
UNREPLICATED_TARGET_DIFFERENCE_PCT = 10.0


def unit_suffix(response: str) -> str:
    """Return the unit suffix (with leading underscore) of a response name, or ``""``.

    Examples
    --------
    >>> unit_suffix("yield_kg_ha"), unit_suffix("y"), unit_suffix("protein_pct")
    ('_kg_ha', '', '_pct')
    """
    for unit in sorted(UNIT_SUFFIXES, key=len, reverse=True):
        if response.endswith("_" + unit) and len(response) > len(unit) + 1:
            return "_" + unit
    return ""


def inference_status(mm: MeansModel) -> str:
    """``"design-model"`` when p-values can be computed, else the reason they cannot.

    Parameters
    ----------
    mm : MeansModel
        LS-means with covariance and error df.

    Returns
    -------
    str
        The value of the ``inference`` column of comparison tables.

    Examples
    --------
    >>> mm = MeansModel("t", ("CK", "A"), np.array([100.0, 110.0]), np.full((2, 2), np.nan),
    ...                 0.0, np.array([1, 1]), float("nan"), "residual", "crd", "y ~ t", "y")
    >>> inference_status(mm)[:46]
    'unreplicated: no error variance (error df = 0,'
    """
    if not np.isfinite(mm.df) or mm.df <= 0 or not np.isfinite(mm.mse):
        needed = _replicates_hint(len(mm.levels), mm.design)
        return (
            "unreplicated: no error variance (error df = 0, e.g. one plot per treatment); "
            "differences are descriptive and no significance can be claimed; "
            f"{needed}"
        )
    if not all_finite(mm.cov):
        return "no inference: the covariance of the LS-means is undefined"
    if mm.mse <= 0.0 or np.all(diagonal(mm.cov) <= 0.0):
        return (
            "no inference: the error variance is zero (every residual is 0), "
            "so no test statistic is defined"
        )
    return INFERENCE_OK


@lru_cache(maxsize=128)
def replicates_for_unreplicated(n_treatments: int, design: str) -> int | None:
    """Replicates a proper trial of these treatments would need (None if over 100).

    :func:`yieldtrial.stats.power.replicates_needed` with the stated defaults
    (:data:`UNREPLICATED_ASSUMED_CV_PCT`, :data:`UNREPLICATED_TARGET_DIFFERENCE_PCT`,
    80 % power, alpha 0.05, Dunnett); designs other than CRD are planned as an RCBD.

    Examples
    --------
    >>> replicates_for_unreplicated(3, "crd")
    13
    """
    from yieldtrial.stats.power import replicates_needed

    k = max(int(n_treatments), 2)
    dsg = design if design in ("crd", "rcbd") else "rcbd"
    try:
        return replicates_needed(
            cv_pct=UNREPLICATED_ASSUMED_CV_PCT,
            difference_pct=UNREPLICATED_TARGET_DIFFERENCE_PCT,
            n_treatments=k,
            design=dsg,
            comparison="dunnett",
        )
    except DataValidationError:  # pragma: no cover - only when max_replicates is too small
        return None


def _replicates_hint(n_treatments: int, design: str) -> str:
    k = max(int(n_treatments), 2)
    dsg = design if design in ("crd", "rcbd") else "rcbd"
    r = replicates_for_unreplicated(k, design)
    if r is None:  # pragma: no cover
        return "a replicated trial is needed"
    return (
        f"a trial needs at least {r} replicates per treatment ({dsg.upper()}, {k} treatments) "
        f"to detect a {UNREPLICATED_TARGET_DIFFERENCE_PCT:g} % difference from the control with "
        f"80 % power at alpha 0.05 (Dunnett), assuming a CV of "
        f"{UNREPLICATED_ASSUMED_CV_PCT:g} %"
    )
