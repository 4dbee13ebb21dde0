"""Response to the environment: does a treatment's gain depend on the site's yield level.

:func:`environment_response` regresses each treatment's gain over the check
(site LS-mean minus the check's LS-mean at the same site) on an index of the
site's yield level, with a confidence interval for the slope: a negative slope
says the product pays most on poor fields, a positive one on rich fields.

Examples
--------
>>> means = pd.DataFrame({"CK": [400.0, 450.0, 500.0, 550.0],
...                       "T": [430.0, 470.0, 510.0, 550.0]},
...                      index=pd.Index(["a", "b", "c", "d"], name="site"))
>>> out = environment_response(means, control="CK", on="control")  # gains 30, 20, 10, 0
>>> out[["treatment", "slope", "intercept"]].round(4).to_numpy(dtype=object).tolist()
[['T', -0.2, 110.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io.checks import check_probability

__all__ = ["ENVIRONMENT_INDICES", "environment_response"]

#: Valid ``on`` strings: the site's mean over all treatments, or the check's own yield.
ENVIRONMENT_INDICES: tuple[str, ...] = ("site_mean", "control")

RESPONSE_COLUMNS: tuple[str, ...] = (
    "treatment",
    "control",
    "on",
    "n_sites",
    "mean_gain",
    "intercept",
    "slope",
    "slope_se",
    "slope_ci_low",
    "slope_ci_high",
    "t_value",
    "df",
    "p_value",
    "r_squared",
    "x_mean",
    "x_min",
    "x_max",
    "gain_at_x_min",
    "gain_at_x_max",
    "confidence",
)


def _stability_result(data: Any) -> Any:
    """Return ``data`` if it is a :class:`~yieldtrial.network.stability.StabilityResult`.

    Recognised by its attributes (importing the class would close an import cycle through
    :mod:`yieldtrial.network`): its ``means`` are treatments x environments.
    """
    ok = all(hasattr(data, name) for name in ("means", "environments", "ammi", "options"))
    return data if ok else None


def site_means_table(data: Any) -> pd.DataFrame:
    """Return the site x treatment table of a network, stability result or DataFrame."""
    stab = _stability_result(data)
    if stab is not None:  # its table of means has the treatments in rows
        return stab.means.T
    summary = getattr(data, "summary", data)
    means = getattr(summary, "means", summary)
    if not isinstance(means, pd.DataFrame):
        raise DataValidationError(
            "environment_response needs a NetworkResult (from yieldtrial.analyze_many), its "
            "summary, a StabilityResult (from yieldtrial.stability) or a site x treatment "
            f"DataFrame of means; got {type(data).__name__}"
        )
    twice = list(dict.fromkeys(str(c) for c in means.columns[means.columns.duplicated()]))
    if twice:  # each read as a two-column frame: "column 'CK' ... is not numeric" (stop 39)
        raise DataValidationError(
            f"environment_response: treatment column(s) {', '.join(map(repr, twice))} appear "
            "more than once in the table of site means; give each treatment one column"
        )
    if means.shape[0] == 0:  # every slope NaN, silently (stop 39)
        raise DataValidationError(
            "environment_response: the table of site means has no rows; expected one row per "
            "site, one column per treatment"
        )
    text = [str(c) for c in means.columns if not pd.api.types.is_numeric_dtype(means[c])]
    if text:
        raise DataValidationError(
            f"environment_response needs site means (rows sites, columns treatments), but "
            f"column {text[0]!r} of the table is not numeric: is it a plot table? Analyse it "
            "first (res = yt.analyze_many(plots, by='site', ...); environment_response(res)) "
            "or pivot it (plots.pivot_table(index='site', columns='treatment', "
            "values='yield_kg_ha'))"
        )
    values = means.to_numpy(dtype=float, na_value=np.nan)
    infinite = np.argwhere(np.isinf(values))
    if len(infinite):  # left out as if missing, silently (stop 39)
        row, col = infinite[0]
        raise DataValidationError(
            f"environment_response: the mean of {str(means.columns[col])!r} at site "
            f"{str(means.index[row])!r} is {values[row, col]:g}; a site mean must be a finite "
            "yield (leave it empty, NaN, for a treatment not grown at that site)"
        )
    return means


def environment_response(
    data: Any,
    *,
    control: str | None = None,
    on: str = "site_mean",
    confidence: float = 0.95,
) -> pd.DataFrame:
    r"""Regress each treatment's gain over the check on the site's yield level.

    Parameters
    ----------
    data : NetworkResult, NetworkSummary, StabilityResult or DataFrame
        A network analysed by :func:`yieldtrial.analyze_many` (its ``summary.means``
        is used), the result of :func:`yieldtrial.stability` (its ``means``), or a site x
        treatment table of site means (rows sites, columns treatments). [response unit]
    control : str, optional
        The check; default the check of the network or stability result.
    on : {"site_mean", "control"}
        Environment index :math:`x_j`: ``"site_mean"`` the mean of all treatments at
        site *j* (the Finlay-Wilkinson site index, without bias), ``"control"`` the
        check's own yield there (intuitive, but biased: see Notes).
    confidence : float
        Coverage of the slope's interval.

    Returns
    -------
    DataFrame
        One row per treatment other than the check: ``treatment, control, on, n_sites,
        mean_gain, intercept, slope, slope_se, slope_ci_low, slope_ci_high, t_value, df,
        p_value, r_squared, x_mean, x_min, x_max, gain_at_x_min, gain_at_x_max,
        confidence``.  ``slope`` is the change of the gain per unit of site yield
        [response unit per response unit]; ``p_value`` tests slope = 0 (t on
        ``n_sites - 2`` df); ``gain_at_x_*`` are the fitted gains at the poorest and
        richest sites [response unit].

    Raises
    ------
    DataValidationError
        Unknown ``on``, no check, the check not in the table, confidence outside (0, 1).

    Notes
    -----
    For site *j* with site means :math:`m_{ij}`, the gain is
    :math:`d_{ij} = m_{ij} - m_{Cj}` and the model is ordinary least squares
    :math:`d_{ij} = a_i + b_i x_j + e_{ij}` over the sites where both are present:
    :math:`b_i = S_{xd}/S_{xx}`, :math:`se(b_i) = \sqrt{s^2/S_{xx}}`,
    :math:`s^2 = \sum e^2/(n - 2)`, interval :math:`b_i \pm t_{1-\alpha/2, n-2}\,se`.

    Regression to the mean: with ``on="control"`` the check's plot error enters both
    :math:`x_j` (with sign +) and :math:`d_{ij}` (with sign -), which biases the slope
    downwards by about :math:`-\sigma^2_e / \mathrm{Var}(x)` and can make a product
    look as if it "pays on poor fields" when it does not.  With ``on="site_mean"``
    (complete tables, equal error variances) :math:`\mathrm{Cov}(e_T - e_C,
    \bar e_{\cdot j}) = 0`, so the slope is unbiased (Finlay & Wilkinson 1963 use the
    same site index).

    References
    ----------
    .. [1] Finlay, K. W. and Wilkinson, G. N. (1963). The analysis of adaptation in a
       plant-breeding programme. Aust. J. Agric. Res. 14, 742-754.
    """
    if on not in ENVIRONMENT_INDICES:
        raise DataValidationError(
            f"on must be one of {', '.join(map(repr, ENVIRONMENT_INDICES))}; got {on!r}"
        )
    confidence = check_probability(confidence)  # the one rule of every entry point
    if control is None:
        stab = _stability_result(data)
        if stab is not None:
            control = stab.options.get("control")
        else:
            summary = getattr(data, "summary", data)
            control = getattr(summary, "control", None)
    if control is None:
        raise DataValidationError(
            "environment_response needs the check: pass control=, or analyse the network "
            "with control= in analyze_many"
        )
    means = site_means_table(data)
    labels = [str(c) for c in means.columns]
    if str(control) not in labels:
        # the layout-G table (res.summary.means.T, treatments as rows) names the check in
        # its index: say to transpose it rather than list 60 sites as "treatments"
        turned = str(control) in [str(i) for i in means.index]
        shown = labels if len(labels) <= 20 else [*labels[:20], f"... ({len(labels)} in all)"]
        raise DataValidationError(
            f"control {control!r} is not a treatment of the table; treatments: "
            f"{', '.join(shown)}"
            + (
                f". {control!r} is a row label: the table has treatments as rows; pass it "
                "transposed (table.T), sites as rows and treatments as columns"
                if turned
                else ""
            )
        )
    m = means.to_numpy(dtype=float)  # (sites, treatments)
    c = labels.index(str(control))
    check = m[:, c]
    if on == "control":
        x_all = check
    else:
        with np.errstate(invalid="ignore"):
            present = np.isfinite(m)
            x_all = np.where(present, m, 0.0).sum(axis=1) / present.sum(axis=1)
    rows = []
    for i, label in enumerate(labels):
        if i == c:
            continue
        gain = m[:, i] - check
        ok = np.isfinite(gain) & np.isfinite(x_all)
        rows.append(_fit_line(label, str(control), on, x_all[ok], gain[ok], confidence))
    return pd.DataFrame(rows, columns=list(RESPONSE_COLUMNS))


def _fit_line(
    label: str, control: str, on: str, x: np.ndarray, d: np.ndarray, confidence: float
) -> dict[str, Any]:
    from yieldtrial.stats._univariate import t_isf, t_sf  # scipy.stats', bit for bit

    n = int(x.size)
    row: dict[str, Any] = {c: np.nan for c in RESPONSE_COLUMNS}
    row.update(
        {"treatment": label, "control": control, "on": on, "n_sites": n, "confidence": confidence}
    )
    if n == 0:
        return row
    row["mean_gain"] = float(d.mean())
    x_mean = float(x.mean())
    row.update({"x_mean": x_mean, "x_min": float(x.min()), "x_max": float(x.max())})
    xc = x - x_mean
    sxx = float(xc @ xc)
    if n < 3 or sxx <= 0.0:
        return row
    dc = d - d.mean()
    slope = float(xc @ dc) / sxx
    intercept = float(d.mean()) - slope * x_mean
    resid = dc - slope * xc
    df = n - 2
    s2 = float(resid @ resid) / df
    se = float(np.sqrt(s2 / sxx))
    tq = float(t_isf((1.0 - confidence) / 2.0, df))
    t = slope / se if se > 0 else np.nan
    syy = float(dc @ dc)
    row.update(
        {
            "intercept": intercept,
            "slope": slope,
            "slope_se": se,
            "slope_ci_low": slope - tq * se,
            "slope_ci_high": slope + tq * se,
            "t_value": t,
            "df": float(df),
            "p_value": float(2.0 * t_sf(abs(t), df)) if np.isfinite(t) else np.nan,
            "r_squared": 1.0 - float(resid @ resid) / syy if syy > 0 else np.nan,
            "gain_at_x_min": intercept + slope * float(x.min()),
            "gain_at_x_max": intercept + slope * float(x.max()),
        }
    )
    return row
