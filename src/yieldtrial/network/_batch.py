"""Shared pieces of the network engine's paths: per-trial columns, settings, output arrays.

:mod:`yieldtrial.network._engine` (stacked path, screening, the run) and
:mod:`yieldtrial.network._lsq` (least-squares path) both fill an :class:`Output` with
:func:`per_treatment`; keeping these here lets both import them without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "PER_TREATMENT_COLUMNS",
    "PER_TRIAL_COLUMNS",
    "Output",
    "Settings",
    "_per_treatment",
    "_set",
]

PER_TRIAL_COLUMNS: tuple[str, ...] = (
    "status",
    "reason",
    "path",
    "n_plots",
    "n_observed",
    "n_missing",
    "n_treatments",
    "n_blocks",
    "grand_mean",
    "cv_pct",
    "mse",
    "df_error",
    "sum_sq_error",
    "df_treatment",
    "sum_sq_treatment",
    "f_treatment",
    "p_treatment",
    "df_block",
    "sum_sq_block",
    "f_block",
    "p_block",
    "sed",
    "lsd",
    "hsd",
)

#: Per-treatment output columns after the trial key columns.
PER_TREATMENT_COLUMNS: tuple[str, ...] = (
    "treatment",
    "is_control",
    "n",
    "lsmean",
    "se",
    "difference",
    "difference_pct",
    "se_difference",
    "t_value",
    "p_dunnett",
    "significant",
    "letters",
)


@dataclass
class Output:
    """Arrays filled by the engine paths."""

    n: int
    cols: dict[str, np.ndarray] = field(default_factory=dict)
    status: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    reason: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    path: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    tr_parts: list[dict[str, np.ndarray]] = field(default_factory=list)

    def __post_init__(self) -> None:
        float_cols = [c for c in PER_TRIAL_COLUMNS if c not in ("status", "reason", "path")]
        self.cols = {c: np.full(self.n, np.nan) for c in float_cols}
        self.status = np.full(self.n, "failed", dtype=object)
        self.reason = np.full(self.n, None, dtype=object)
        self.path = np.full(self.n, "none", dtype=object)


@dataclass(frozen=True)
class Settings:
    """Options of one run."""

    design: str
    alpha: float
    control: str | None
    dunnett_pvalues: bool | None  # None: "auto", decided by run() (see auto_limit)
    response: str
    treatment: str
    block: str | None
    auto_limit: int = 2000  # "auto": exact p-values up to this many comparisons
    letters: bool = True  # within-trial Tukey letters (costly with hundreds of treatments)


def _set(out: Output, idx: np.ndarray | slice, **values: Any) -> None:
    for name, value in values.items():
        out.cols[name][idx] = value


def _per_treatment(
    out: Output,
    idx: np.ndarray,
    tcode: np.ndarray,
    n_rep: np.ndarray,
    lsmean: np.ndarray,
    se: np.ndarray | None,
    var_diff: np.ndarray | None,
    s: Settings,
    ctrl: int,
    df_e: float | np.ndarray,
    zero: np.ndarray | None,
    cov: np.ndarray | None = None,
) -> None:
    """Per-treatment rows of a batch of trials: LS-means, vs control, letters."""
    from yieldtrial.network._shared import dunnett_batch, letters_batch

    t, k = lsmean.shape
    nan = np.full((t, k), np.nan)
    part: dict[str, np.ndarray] = {
        "trial": np.repeat(idx, k),
        "treatment_code": tcode.ravel(),
        "n": n_rep.ravel(),
        "lsmean": lsmean.ravel(),
        "se": (se if se is not None else nan).ravel(),
    }
    diff = nan.copy()
    diff_pct = nan.copy()
    se_d = nan.copy()
    tval = nan.copy()
    p_d = nan.copy()
    sig = np.full((t, k), np.nan)
    is_ctrl = tcode == ctrl
    if ctrl >= 0:
        cpos = np.argmax(is_ctrl, axis=1)
        cmean = lsmean[np.arange(t), cpos]
        diff = lsmean - cmean[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            diff_pct = np.where(cmean[:, None] != 0, 100.0 * diff / cmean[:, None], np.nan)
        if var_diff is not None and se is not None:
            vd = (
                np.broadcast_to(var_diff[:, None], (t, k))
                if var_diff.ndim == 1
                else var_diff[np.arange(t), :, cpos]
            )
            with np.errstate(invalid="ignore"):
                se_d = np.sqrt(np.clip(vd, 0.0, None))
            se_d[is_ctrl] = np.nan
            with np.errstate(divide="ignore", invalid="ignore"):
                tval = diff / se_d
            if zero is not None:
                tval[zero] = np.nan
            p_d, sig = dunnett_batch(
                tval, is_ctrl, cpos, cov, df_e, s.alpha, bool(s.dunnett_pvalues)
            )
        diff[is_ctrl] = 0.0
        diff_pct[is_ctrl] = 0.0
    part.update(
        is_control=is_ctrl.ravel(),
        difference=diff.ravel(),
        difference_pct=diff_pct.ravel(),
        se_difference=se_d.ravel(),
        t_value=tval.ravel(),
        p_dunnett=p_d.ravel(),
        significant=sig.ravel(),
    )
    if s.letters and var_diff is not None and se is not None:
        letters = letters_batch(lsmean, var_diff, k, df_e, s.alpha, zero)
    else:
        letters = np.full(t * k, "", dtype=object)
    part["letters"] = letters
    out.tr_parts.append(part)
