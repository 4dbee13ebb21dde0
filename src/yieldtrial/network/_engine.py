"""The vectorized engine behind :func:`yieldtrial.analyze_many`.

Rows are coded once (trial, treatment and block as integers), sorted by
``(trial, treatment, block)`` and screened for problems with ``bincount``; then

* **stacked path**: trials with the same balanced shape (``k`` treatments x
  ``b`` blocks, one plot per cell; or ``k`` x ``r`` replicates in a CRD) become
  one array of shape ``(trials, k, b)``; group means, centred sums of squares,
  F, p, LS-means (plain means), LSD and Tukey/Dunnett critical values are
  computed for all of them at once, the quantiles once per distinct ``(k, df)``;
* **least-squares path**: the other trials (missing plots, duplicated cells)
  are grouped by ``(n, k, b)`` and solved as a batch of small least-squares
  problems on design matrices built by indexing (no formula, no DataFrame per
  trial); sums of squares are type II, LS-means weight blocks equally and carry
  their covariance, exactly as :func:`yieldtrial.stats.model.fit`;
  a disconnected design (treatment means not estimable) fails that trial;
* **screened-out trials** (non-numeric response, a treatment without plots,
  missing labels, fewer than two treatments, control absent) get status
  ``failed``; up to :data:`REFIT_LIMIT` of them are re-run alone through
  :func:`yieldtrial.stats.model.fit` only to record its error message as
  ``reason``, beyond that the screen's own reason is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.errors import DataValidationError, YieldTrialError
from yieldtrial.io.checks import message_number
from yieldtrial.io.validation import MAX_ANALYSED_YIELD, MIN_ANALYSED_YIELD, out_of_scale
from yieldtrial.network._batch import (
    Output,
    Settings,
    _per_treatment,
    _set,
)

ProgressFn = Callable[[int, int], None]

#: Per-trial output columns after the trial key columns.
_CHUNK = 200_000  # trials per stacked batch (bounds memory, paces the progress bar)
_CHUNK_LS = 50_000  # trials per least-squares batch (design matrices are n x p each)
_CHUNK_PVALUES = 20  # with exact Dunnett p-values (~50 ms a trial): keep the bar moving

#: Failed trials up to which the reason is the shared layer's own message (each costs a
#: single-trial fit); beyond it the engine's screen states the reason.
REFIT_LIMIT = 200


@dataclass
class Coded:
    """Rows of the whole network as integer codes."""

    trial: np.ndarray  # int64 per row
    keys: pd.DataFrame  # one row per trial, the ``by`` columns
    y: np.ndarray  # float64, NaN = missing plot
    bad_row: np.ndarray  # bool: non-numeric / infinite response, or missing label
    treatment: np.ndarray  # int64 global codes (-1 missing)
    treatment_labels: np.ndarray  # object array of str
    block: np.ndarray  # int64 global codes (0 when no block)
    block_labels: np.ndarray
    n_trials: int
    row_labels: pd.Index


# --------------------------------------------------------------------------- coding


def _plain(value: Any) -> Any:
    """Return a NumPy scalar as the Python number it holds (``-5.0``, not ``np.float64(-5.0)``)."""
    return value.item() if isinstance(value, np.generic) else value


def is_yield_column(response: str) -> bool:
    """Whether ``response`` names a yield (``yield``, ``yield_kg_ha``, ...): never negative."""
    name = str(response)
    return name == "yield" or name.startswith("yield_")


def sorted_factorize(values: pd.Series) -> tuple[np.ndarray, Any]:
    """``pandas.factorize(values, sort=True)``, faster: factorize, then sort the uniques.

    Parameters
    ----------
    values : Series
        A label column.

    Returns
    -------
    codes : ndarray of int64
        Code of each row (-1 for a missing label), in the sorted order of the uniques.
    uniques : array-like
        The sorted distinct labels.
    """
    codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    try:
        if pd.Index(uniques).is_monotonic_increasing:  # labels met in sorted order (usual)
            return np.asarray(codes, dtype=np.int64), uniques
        order = np.asarray(uniques.argsort(), dtype=np.int64)
    except TypeError:  # labels of mixed types: let pandas order them
        codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
        return np.asarray(codes, dtype=np.int64), uniques
    rank = np.empty(order.size + 1, dtype=np.int64)
    rank[order] = np.arange(order.size)
    rank[-1] = -1  # code -1 (missing) stays -1
    return rank[np.asarray(codes, dtype=np.int64)], uniques.take(order)


def _factor_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Sorted integer codes (-1 = missing) and string labels of a column."""
    codes, uniques = sorted_factorize(values)
    labels = np.array([str(u) for u in np.asarray(uniques, dtype=object)], dtype=object)
    return np.asarray(codes, dtype=np.int64), labels


def _treatment_codes(
    values: pd.Series, group: np.ndarray, given: Sequence[str] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """Treatment codes (-1 = missing) and labels in display order.

    The labels of ``given`` first (the ``[[treatments]]`` order of trial.toml), then the
    others in the order of first appearance, unless some block (``group``: trial and
    block) lists the treatments in another order (a randomized layout): then natural sort
    (``T2`` before ``T10``), as :func:`yieldtrial.design.resolve.treatment_order` for one
    trial.
    """
    codes, labels = _default_treatment_codes(values, group)
    if not given:
        return codes, labels
    text = [str(label) for label in labels]
    position = {label: i for i, label in enumerate(text)}
    absent = [label for label in given if label not in position]
    if absent:
        from yieldtrial.io.validation import list_items, not_treatments

        raise DataValidationError(
            f"the treatment order (treatment_order=, or [[treatments]] in trial.toml) lists "
            f"{list_items(repr(a) for a in absent)}, which "
            f"{not_treatments(len(absent))} of any trial; "
            f"treatments present: {list_items((repr(t) for t in text), limit=30)}. "
            "Labels are case-sensitive: correct the label"
        )
    listed = list(dict.fromkeys(str(label) for label in given))
    order = np.array(
        [position[label] for label in listed]
        + [i for i, label in enumerate(text) if label not in set(listed)],
        dtype=int,
    )
    rank = np.empty(order.size + 1, dtype=np.int64)
    rank[order] = np.arange(order.size)
    rank[-1] = -1  # code -1 (missing) stays -1
    return rank[codes], labels[order]


def _default_treatment_codes(values: pd.Series, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Treatment codes and labels in the default display order (see ``_treatment_codes``)."""
    from yieldtrial.design.resolve import natural_key

    codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    labels = np.array([str(u) for u in np.asarray(uniques, dtype=object)], dtype=object)
    seen = pd.DataFrame({"g": group, "c": codes})
    seen = seen[(seen["c"] >= 0) & (seen["g"] >= 0)].drop_duplicates()  # first occurrences
    seen = seen.sort_values("g", kind="stable")
    same_group = seen["g"].to_numpy()[1:] == seen["g"].to_numpy()[:-1]
    if not np.any(same_group & (np.diff(seen["c"].to_numpy()) < 0)):
        return codes, labels
    text = [str(label) for label in labels]
    order = np.array(sorted(range(len(text)), key=lambda i: natural_key(text[i])), dtype=int)
    rank = np.empty(order.size + 1, dtype=np.int64)
    rank[order] = np.arange(order.size)
    rank[-1] = -1  # code -1 (missing) stays -1
    return rank[codes], labels[order]


def code_frame(
    data: pd.DataFrame,
    *,
    by: list[str],
    response: str,
    treatment: str,
    block: str | None,
    treatment_order: Sequence[str] = (),
) -> Coded:
    """Code a long table of many trials.

    Parameters
    ----------
    data : DataFrame
        One row per plot.
    by : list of str
        Columns whose combination identifies a trial.
    response, treatment, block : str
        Column names (``block`` None for a CRD).
    treatment_order : sequence of str
        Labels shown first, in this order (the others follow in the default order).

    Returns
    -------
    Coded
        Integer codes and labels.
    """
    n = len(data)
    combined = np.zeros(n if len(by) > 1 else 0, dtype=np.int64)
    key_codes: list[tuple[np.ndarray, pd.Series]] = []
    for col in by:
        codes, uniques = sorted_factorize(data[col])
        if (codes < 0).any():
            row = data.index[int(np.flatnonzero(codes < 0)[0])]
            raise DataValidationError(
                f"column {col!r} (a trial key in by=) is blank at row {row!r}; every plot needs "
                f"its trial identified. Fill the {col!r} labels or drop those rows."
            )
        labels = pd.Series(uniques, name=col).reset_index(drop=True)
        if len(by) > 1:
            combined = combined * max(len(labels), 1) + codes
        key_codes.append((np.asarray(codes, dtype=np.int64), labels))
    if len(by) == 1:
        trial = key_codes[0][0]
        n_trials = len(key_codes[0][1])
        keys = pd.DataFrame({by[0]: key_codes[0][1]})
    else:
        uniq, first, trial = np.unique(combined, return_index=True, return_inverse=True)
        n_trials = uniq.size
        keys = pd.DataFrame(
            {
                col: labels.take(codes[first]).reset_index(drop=True)
                for col, (codes, labels) in zip(by, key_codes, strict=True)
            }
        )
    raw = data[response]
    if pd.api.types.is_bool_dtype(raw.dtype):  # True/False are no yields (read as 1 and 0)
        y = np.full(n, np.nan)
        bad = ~raw.isna().to_numpy()
    elif pd.api.types.is_numeric_dtype(raw.dtype):
        y = raw.to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(y) & ~np.isnan(y)
    else:
        y = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = (np.isnan(y) & ~raw.isna().to_numpy()) | np.isinf(y)
        if raw.dtype == object:  # a True among numbers was read as 1.0
            bad |= np.fromiter(
                (isinstance(v, bool | np.bool_) for v in raw.to_numpy()), dtype=bool, count=n
            )
    if is_yield_column(response):  # a yield below 0 is a typing error, as read_plots says
        with np.errstate(invalid="ignore"):
            bad |= y < 0
    # 1e200: its square overflows every sum of squares; 1e-300: it underflows to 0
    bad |= out_of_scale(y)
    if block is not None:
        b_codes, b_labels = _factor_codes(data[block])
    else:
        b_codes, b_labels = np.zeros(n, dtype=np.int64), np.array(["1"], dtype=object)
    group = np.asarray(trial, dtype=np.int64) * max(len(b_labels), 1) + b_codes
    t_codes, t_labels = _treatment_codes(data[treatment], group, treatment_order)
    bad = bad | (t_codes < 0)
    if block is not None:
        bad = bad | (b_codes < 0)
    y = y.copy()
    y[bad] = np.nan
    return Coded(
        np.asarray(trial, dtype=np.int64),
        keys.reset_index(drop=True),
        y,
        bad,
        t_codes,
        t_labels,
        b_codes,
        b_labels,
        int(n_trials),
        data.index,
    )


# --------------------------------------------------------------------------- engine


def run(
    coded: Coded,
    settings: Settings,
    progress: ProgressFn | None = None,
    refit: Callable[[int], str] | None = None,
) -> Output:
    """Analyse every trial of ``coded``; see the module docstring.

    Parameters
    ----------
    coded : Coded
        The coded network.
    settings : Settings
        Design, alpha, control and options.
    progress : callable, optional
        Called as ``progress(done, total)`` in trials.
    refit : callable, optional
        ``refit(trial) -> reason``: analyse one trial alone with the shared
        statistics layer and return its error message (for screened-out trials).

    Returns
    -------
    Output
        Per-trial arrays and per-treatment parts.
    """
    nt = coded.n_trials
    out = Output(nt)
    n_t_levels = max(len(coded.treatment_labels), 1)
    n_b_levels = max(len(coded.block_labels), 1)
    trial = coded.trial
    n_plots = np.bincount(trial, minlength=nt)
    out.cols["n_plots"][:] = n_plots
    observed = ~np.isnan(coded.y)
    problem = np.zeros(nt, dtype=bool)
    problem[trial[coded.bad_row]] = True

    # treatment levels present in the trial rows vs with an observed plot
    all_observed = bool(observed.all())
    key: np.ndarray | None = None
    t_all: np.ndarray
    k_all: np.ndarray
    b_all: np.ndarray
    grid = False
    if all_observed and trial.size == nt * n_t_levels * n_b_levels and not coded.bad_row.any():
        # complete grid: the rows are every (trial, treatment, block) once, in order
        key = (trial * n_t_levels + coded.treatment) * n_b_levels + coded.block
        grid = bool(key[0] == 0 and np.all(key[1:] - key[:-1] == 1))
    if grid:
        t_all = (
            np.full((nt, n_t_levels), n_b_levels, dtype=np.int64)
            if nt * n_t_levels <= 20_000_000
            else np.full(nt, n_t_levels, dtype=np.int64)
        )
        k_all = np.full(nt, n_t_levels, dtype=np.int64)
    else:
        t_all = _distinct_per_trial(trial, np.maximum(coded.treatment, 0), nt, n_t_levels)
        k_all = (t_all > 0).sum(axis=1) if t_all.ndim == 2 else t_all
    if all_observed:
        t_obs, k_obs = t_all, k_all
    else:
        t_obs = _distinct_per_trial(trial[observed], coded.treatment[observed], nt, n_t_levels)
        k_obs = (t_obs > 0).sum(axis=1) if t_obs.ndim == 2 else t_obs
    problem |= k_all != k_obs
    problem |= k_obs < 2
    # every observed yield one value (copied into every plot): no error variance; the fit
    # reported CV 0 % and MSE 0 as a valid trial (the single-trial report refuses it)
    usable = observed & ~coded.bad_row
    used_trials, first = np.unique(trial[usable], return_index=True)
    first_value = np.full(nt, np.nan)
    first_value[used_trials] = coded.y[usable][first]
    differing = np.bincount(
        trial[usable], weights=coded.y[usable] != first_value[trial[usable]], minlength=nt
    )
    constant = (np.bincount(trial[usable], minlength=nt) >= 2) & (differing == 0)
    problem |= constant
    if grid:
        b_all = np.full(nt, n_b_levels, dtype=np.int64)
    else:
        b_all = _distinct_per_trial(trial, np.maximum(coded.block, 0), nt, n_b_levels)
        b_all = (b_all > 0).sum(axis=1) if b_all.ndim == 2 else b_all
    if settings.dunnett_pvalues is None:  # "auto": count the comparisons with the control
        comparisons = int(k_all.sum()) - nt if settings.control is not None else 0
        settings = replace(settings, dunnett_pvalues=comparisons <= settings.auto_limit)
    ctrl = -1
    if settings.control is not None:
        hit = np.flatnonzero(coded.treatment_labels == settings.control)
        has_control = np.zeros(nt, dtype=bool)
        if hit.size:
            ctrl = int(hit[0])
            if t_obs.ndim == 2:
                has_control = t_obs[:, ctrl] > 0
            else:
                has_control[trial[observed & (coded.treatment == ctrl)]] = True
        problem |= ~has_control

    # sort the observed rows of the unproblematic trials by (trial, treatment, block)
    every_row = all_observed and not problem.any()
    if every_row:
        if key is None:
            key = (trial * n_t_levels + coded.treatment) * n_b_levels + coded.block
        rows = None
    else:
        rows = np.flatnonzero(observed & ~problem[trial])
        key = (trial[rows] * n_t_levels + coded.treatment[rows]) * n_b_levels + coded.block[rows]
    if not grid and key.size > 1 and not bool(np.all(key[1:] >= key[:-1])):
        order = np.argsort(key)
        rows = order if rows is None else rows[order]
        key = key[order]
    if rows is None:  # already sorted, every row analysed: no copies
        ts, tc, bc, ys = trial, coded.treatment, coded.block, coded.y
    else:
        ts, tc, bc, ys = trial[rows], coded.treatment[rows], coded.block[rows], coded.y[rows]
    n_rows = ts.size

    n_obs = np.bincount(ts, minlength=nt)
    out.cols["n_observed"][:] = (
        n_plots if all_observed else np.bincount(trial[observed], minlength=nt)
    )
    if n_rows:
        dup = np.zeros(n_rows, dtype=bool)
        dup[1:] = key[1:] == key[:-1]
        if every_row:
            b_obs = b_all
        else:
            b_obs_arr = _distinct_per_trial(ts, bc, nt, n_b_levels)
            b_obs = (b_obs_arr > 0).sum(axis=1) if b_obs_arr.ndim == 2 else b_obs_arr
        has_dup = np.bincount(ts[dup], minlength=nt) > 0 if dup.any() else np.zeros(nt, dtype=bool)
    else:
        b_obs = np.zeros(nt, dtype=np.int64)
        has_dup = np.zeros(nt, dtype=bool)
    del key

    def pairs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """New-pair flags, pair ids and local treatment index of the sorted rows."""
        new_pair = np.ones(n_rows, dtype=bool)
        new_pair[1:] = (ts[1:] != ts[:-1]) | (tc[1:] != tc[:-1])
        pair_id = np.cumsum(new_pair) - 1
        start = np.searchsorted(ts, np.arange(nt))  # first sorted row of each trial
        first_pair = pair_id[np.minimum(start, n_rows - 1)]
        return new_pair, pair_id, pair_id - first_pair[ts]

    k = k_obs
    out.cols["n_treatments"][:] = k_all
    out.cols["n_blocks"][:] = b_all if settings.design == "rcbd" else np.nan
    if settings.design == "rcbd":
        # cells (treatment x block) without an observed plot; duplicated plots count once
        cells_observed = out.cols["n_observed"].copy()
        if n_rows and has_dup.any():
            analysed = np.bincount(ts[~dup], minlength=nt)
            cells_observed[~problem] = analysed[~problem]
        out.cols["n_missing"][:] = np.maximum(k_all * b_all - cells_observed, 0)
        balanced = ~problem & ~has_dup & (n_obs == k * b_obs)
        reps = b_obs
    else:
        out.cols["n_missing"][:] = n_plots - out.cols["n_observed"]
        # CRD balanced: equal replication; replicate index = position within treatment
        reps_min = np.full(nt, np.iinfo(np.int64).max)
        reps_max = np.zeros(nt, dtype=np.int64)
        if n_rows:
            new_pair, pair_id, _ = pairs()
            pair_n = np.bincount(pair_id, minlength=int(pair_id[-1]) + 1)
            pair_trial = ts[new_pair]
            np.minimum.at(reps_min, pair_trial, pair_n)
            np.maximum.at(reps_max, pair_trial, pair_n)
        balanced = ~problem & (reps_min == reps_max) & (n_obs > 0)
        reps = np.where(balanced, reps_max, 0)
        b_obs = np.ones(nt, dtype=np.int64)

    done = 0
    total = nt
    # ---- stacked path
    shape_key = k.astype(np.int64) * (int(reps.max(initial=0)) + 1) + reps
    for sk in np.unique(shape_key[balanced]):
        sel_trials = np.flatnonzero(balanced & (shape_key == sk))
        kk, rr = int(k[sel_trials[0]]), int(reps[sel_trials[0]])
        size = _CHUNK_PVALUES if settings.dunnett_pvalues else _CHUNK
        for lo in range(0, sel_trials.size, size):
            chunk = sel_trials[lo : lo + size]
            if chunk.size * kk * rr == ys.size:  # every analysed row is in this chunk
                y3 = ys.reshape(chunk.size, int(kk), int(rr))
                tcode2 = tc.reshape(chunk.size, int(kk), int(rr))[:, :, 0]
            else:
                in_chunk = np.zeros(nt, dtype=bool)
                in_chunk[chunk] = True
                mask = in_chunk[ts]
                y3 = ys[mask].reshape(chunk.size, int(kk), int(rr))
                tcode2 = tc[mask].reshape(chunk.size, int(kk), int(rr))[:, :, 0]
            _stacked(out, chunk, y3, tcode2, settings, ctrl)
            done += chunk.size
            if progress is not None:
                progress(done, total)

    # ---- least-squares path (grouped by (n, k, b))
    ls = np.flatnonzero(~problem & ~balanced & (n_obs > 0))
    if ls.size:
        from yieldtrial.network._lsq import _least_squares

        _, _, t_local = pairs()
        groups = np.stack([n_obs[ls], k[ls], b_obs[ls]], axis=1)
        uniq_g, g_inv = np.unique(groups, axis=0, return_inverse=True)
        ls_chunk = _CHUNK_PVALUES if settings.dunnett_pvalues else _CHUNK_LS
        for gi in range(uniq_g.shape[0]):
            members = ls[g_inv.ravel() == gi]
            nn, kk, bb = (int(v) for v in uniq_g[gi])
            for lo in range(0, members.size, ls_chunk):
                chunk = members[lo : lo + ls_chunk]
                in_chunk = np.zeros(nt, dtype=bool)
                in_chunk[chunk] = True
                mask = in_chunk[ts]
                yy = ys[mask].reshape(chunk.size, nn)
                tl = t_local[mask].reshape(chunk.size, nn)
                if settings.design == "rcbd":
                    bl = _local_codes(ts[mask], bc[mask], n_b_levels).reshape(chunk.size, nn)
                else:
                    bl = np.zeros((chunk.size, nn), dtype=np.int64)
                tcode_rows = tc[mask].reshape(chunk.size, nn)
                tcode2 = np.zeros((chunk.size, kk), dtype=np.int64)
                np.put_along_axis(tcode2, tl, tcode_rows, axis=1)
                _least_squares(
                    out,
                    chunk,
                    yy,
                    tl,
                    bl,
                    tcode2,
                    kk,
                    bb if settings.design == "rcbd" else 1,
                    settings,
                    ctrl,
                )
                done += chunk.size
                if progress is not None:
                    progress(done, total)

    # ---- screened-out trials: the shared layer's own message (re-running a trial alone
    # costs milliseconds, so beyond REFIT_LIMIT failures the screen's reason is kept)
    failed = np.flatnonzero(problem)
    unestimable = np.flatnonzero(~problem & (out.status == "failed"))
    use_refit = refit is not None and failed.size + unestimable.size <= REFIT_LIMIT
    if use_refit and refit is not None:
        for i in unestimable:
            out.reason[i] = refit(int(i))
    screen = _screen_reasons(coded, settings, failed, t_all, t_obs, ctrl, observed, constant)
    for j, i in enumerate(failed):
        out.status[i] = "failed"
        out.path[i] = "none"
        alone = use_refit and refit is not None and not constant[i]
        out.reason[i] = refit(int(i)) if alone and refit is not None else screen[j]
    _refuse_exact_fits(out, ts, ys, n_obs)
    done += failed.size
    if progress is not None and done < total:
        progress(total, total)
    return out


#: Reason of a trial whose model fits every yield exactly (the words of stats.factorial).
EXACT_FIT_REASON = (
    "the model fits every yield exactly (error mean square 0: no plot-to-plot variation), as "
    "when the yields are identical within each treatment or were copied; no F test, standard "
    "error or CV is possible: check the yield values of this trial"
)


#: Per-trial statistics blanked for a trial refused as an exact fit.
_FIT_COLUMNS = (
    "cv_pct",
    "mse",
    "f_treatment",
    "p_treatment",
    "f_block",
    "p_block",
    "sed",
    "lsd",
    "hsd",
)


def _refuse_exact_fits(out: Output, ts: np.ndarray, ys: np.ndarray, n_obs: np.ndarray) -> None:
    """Mark analysed trials that are exact fits as failed.

    The rule of every fit (:func:`yieldtrial.stats._common.exact_fit_limit`) per trial: the
    root mean square residual, ``sqrt(SSE / n)``, at most the larger of
    :data:`~yieldtrial.stats._common.ROUNDING_ULPS` units in the last place of the trial's
    largest ``|y|`` and :data:`~yieldtrial.stats._common.EXACT_FIT_RATIO` of the SD of its
    yields. Such a trial reported MSE 0 and CV 0.0 % as "ok" and was pooled across sites
    (stop 33); one 1e-9 off exactly additive got F tests the single-trial fit refuses (stop 40).
    """
    from yieldtrial.stats._common import exact_fit_bound

    ok = out.status == "ok"
    if not ok.any() or not ts.size:
        return
    present = np.flatnonzero(n_obs > 0)
    starts = np.searchsorted(ts, present)  # the analysed rows are sorted by trial
    scale = np.zeros(n_obs.size)
    scale[present] = np.maximum(np.maximum.reduceat(ys, starts), -np.minimum.reduceat(ys, starts))
    counts = n_obs[present].astype(float)
    means = np.add.reduceat(ys, starts) / counts
    centred = np.repeat(means, n_obs[present].astype(np.int64))  # one n-sized temporary
    np.subtract(ys, centred, out=centred)
    centred *= centred
    spread = np.zeros(n_obs.size)
    spread[present] = np.sqrt(np.add.reduceat(centred, starts) / counts)
    del centred
    with np.errstate(invalid="ignore", divide="ignore"):
        rms = np.sqrt(out.cols["sum_sq_error"] / n_obs)
    exact = ok & (rms <= exact_fit_bound(scale, spread))
    if exact.any():
        out.status[exact] = "failed"
        out.reason[exact] = EXACT_FIT_REASON
        for name in _FIT_COLUMNS:  # as for any failed trial: no statistic is shown
            out.cols[name][exact] = np.nan
        out.tr_parts[:] = [_without_trials(part, exact) for part in out.tr_parts]


def _without_trials(part: dict[str, np.ndarray], drop: np.ndarray) -> dict[str, np.ndarray]:
    """One per-treatment part without the rows of the trials flagged in ``drop``."""
    keep = ~drop[np.asarray(part["trial"]).astype(np.int64)]
    if keep.all():
        return part
    return {name: np.asarray(values)[keep] for name, values in part.items()}


def _screen_reasons(
    coded: Coded,
    s: Settings,
    failed: np.ndarray,
    t_all: np.ndarray,
    t_obs: np.ndarray,
    ctrl: int,
    observed: np.ndarray,
    constant: np.ndarray,
) -> list[str]:
    """Return the screen's reason for each failed trial (first problem found)."""
    if failed.size == 0:
        return []
    bad_trials = np.zeros(coded.n_trials, dtype=bool)
    bad_trials[coded.trial[coded.bad_row]] = True
    first_bad: dict[int, int] = {}
    if coded.bad_row.any():
        rows = np.flatnonzero(coded.bad_row)
        tr, first = np.unique(coded.trial[rows], return_index=True)
        first_bad = dict(zip(tr.tolist(), rows[first].tolist(), strict=True))
    reasons = []
    for i in failed.tolist():
        if bad_trials[i]:
            row = coded.row_labels[first_bad[i]]
            negative = "negative, " if is_yield_column(s.response) else ""
            reasons.append(
                f"row {row!r}: non-numeric, {negative}infinite or far out of scale (above "
                f"{MAX_ANALYSED_YIELD:.0e}, or not 0 and below {MIN_ANALYSED_YIELD:.0e}) "
                f"{s.response!r}, or a blank "
                f"{s.treatment!r}{'' if s.block is None else ' or ' + repr(s.block)} label; "
                "fix or blank the value (a blank response is a missing plot)."
            )
            continue
        if t_all.ndim == 2:
            empty = np.flatnonzero((t_all[i] > 0) & (t_obs[i] == 0))
            if empty.size:
                names = ", ".join(repr(coded.treatment_labels[e]) for e in empty)
                reasons.append(
                    f"treatment level(s) {names} have no observed {s.response!r} (all plots "
                    "blank); their mean cannot be estimated."
                )
                continue
            k_obs = int((t_obs[i] > 0).sum())
            if k_obs < 2:
                reasons.append("fewer than two treatments with observed plots.")
                continue
            if s.control is not None and (ctrl < 0 or t_obs[i, ctrl] == 0):
                reasons.append(f"control {s.control!r} is not among the treatments of this trial.")
                continue
        if constant[i]:
            values = coded.y[(coded.trial == i) & observed]
            reasons.append(
                f"{s.response!r} has the same value ({message_number(values[0])}) on all "
                f"{values.size} "
                "observed plots: with no variation there is no error variance, so no standard "
                "error or test; check that the yields were filled in (not one value copied "
                "to every plot)."
            )
            continue
        reasons.append(
            "trial could not be analysed (treatments without plots, a single "
            "treatment, or no control plots)."
        )
    return reasons


def _distinct_per_trial(trial: np.ndarray, codes: np.ndarray, nt: int, n_levels: int) -> np.ndarray:
    """Presence table (trials x levels, counts) or, when too large, distinct counts per trial."""
    if nt * n_levels <= 20_000_000:
        counts = np.bincount(trial * n_levels + codes, minlength=nt * n_levels)
        return counts.reshape(nt, n_levels)
    pairs = np.unique(trial * n_levels + codes)
    return np.bincount(pairs // n_levels, minlength=nt)


def _local_codes(trial: np.ndarray, codes: np.ndarray, n_levels: int) -> np.ndarray:
    """Rank of each row's level among the levels present in its trial (0-based)."""
    key = trial * n_levels + codes
    uniq, inverse = np.unique(key, return_inverse=True)
    first = np.searchsorted(uniq // n_levels, trial)
    return np.asarray(inverse.ravel() - first, dtype=np.int64)


# --------------------------------------------------------------------------- stacked


def _stacked(
    out: Output, idx: np.ndarray, y3: np.ndarray, tcode: np.ndarray, s: Settings, ctrl: int
) -> None:
    """Balanced trials of one shape: arrays of shape (T, k, b)."""
    from scipy.special import fdtrc

    t, k, b = y3.shape
    sel: np.ndarray | slice = idx
    if idx.size and int(idx[-1]) - int(idx[0]) == idx.size - 1:
        sel = slice(int(idx[0]), int(idx[-1]) + 1)  # contiguous trials: plain slices
    # einsum reductions over the small axes: several times faster than ndarray.mean here
    grand = np.einsum("ijk->i", y3) / (k * b)
    yc = y3 - grand[:, None, None]
    tmean_c = np.einsum("ijk->ij", yc) / b  # (T, k) centred treatment means
    ss_trt = b * np.einsum("ij,ij->i", tmean_c, tmean_c)
    if s.design == "rcbd":
        bmean_c = np.einsum("ijk->ik", yc) / k  # (T, b)
        ss_blk = k * np.einsum("ij,ij->i", bmean_c, bmean_c)
        resid = yc - tmean_c[:, :, None] - bmean_c[:, None, :]
        df_e = (k - 1) * (b - 1)
        df_b = b - 1
    else:
        ss_blk = np.full(t, np.nan)
        resid = yc - tmean_c[:, :, None]
        df_e = k * (b - 1)
        df_b = 0
    ss_e = np.einsum("ijk,ijk->i", resid, resid)
    del resid, yc
    lsmean = tmean_c + grand[:, None]
    scale = np.einsum("ijk,ijk->i", y3, y3) / (k * b)
    _set(
        out,
        sel,
        grand_mean=grand,
        sum_sq_treatment=ss_trt,
        df_treatment=k - 1,
        sum_sq_error=ss_e,
        df_error=df_e,
    )
    if s.design == "rcbd":
        _set(out, sel, sum_sq_block=ss_blk, df_block=df_b)
    out.path[sel] = "stacked"
    n_rep = np.full((t, k), b, dtype=float)
    if df_e == 0:
        out.status[sel] = "unreplicated"
        out.reason[sel] = "one plot per treatment: no error degrees of freedom, means only"
        _per_treatment(out, idx, tcode, n_rep, lsmean, None, None, s, ctrl, df_e, None)
        return
    mse = ss_e / df_e
    zero = ~(ss_e > 1e-24 * scale * df_e)
    with np.errstate(divide="ignore", invalid="ignore"):
        f_trt = np.where(zero, np.nan, (ss_trt / (k - 1)) / mse)
        p_trt = fdtrc(k - 1, df_e, f_trt)
        if s.design == "rcbd" and df_b > 0:
            f_blk = np.where(zero, np.nan, (ss_blk / df_b) / mse)
            _set(out, sel, f_block=f_blk, p_block=fdtrc(df_b, df_e, f_blk))
        cv = np.where(grand != 0, 100.0 * np.sqrt(mse) / grand, np.nan)
    from yieldtrial.network._shared import t_quantile, tukey_critical

    sed = np.sqrt(2.0 * mse / b)
    tq = float(t_quantile(1.0 - s.alpha / 2.0, np.array([df_e]))[0])
    q = tukey_critical(k, float(df_e), s.alpha)
    _set(
        out,
        sel,
        mse=mse,
        cv_pct=cv,
        f_treatment=f_trt,
        p_treatment=p_trt,
        sed=sed,
        lsd=tq * sed,
        hsd=q / np.sqrt(2.0) * sed,
    )
    out.status[sel] = "ok"
    se = np.sqrt(mse / b)[:, None] * np.ones((1, k))
    # covariance of the means is diagonal: differences have var 2 MSE / b
    _per_treatment(out, idx, tcode, n_rep, lsmean, se, 2.0 * mse / b, s, ctrl, df_e, zero)


# --------------------------------------------------------------------------- per treatment


def failure_reason(
    trial_frame: pd.DataFrame,
    *,
    response: str,
    treatment: str,
    block: str | None,
    design: str,
    control: str | None,
) -> str:
    """Why one trial cannot be analysed, in the words of the shared statistics layer.

    Parameters
    ----------
    trial_frame : DataFrame
        The plots of that one trial.
    response, treatment, block, design, control
        As for :func:`yieldtrial.analyze_many`.

    Returns
    -------
    str
        The error message (one line).
    """
    from yieldtrial.stats.model import fit

    raw = trial_frame[response]
    boolean = np.fromiter(
        (isinstance(v, bool | np.bool_) for v in raw.to_numpy()), dtype=bool, count=len(raw)
    )
    if boolean.any():  # read as 1.0 or 0.0 by pandas
        row = raw.index[np.flatnonzero(boolean)[0]]
        return (
            f"row {row!r}: {response!r} = {_plain(raw.loc[row])!r} is a boolean, not a "
            "measurement; correct the value, or blank it (a blank is a missing plot)."
        )
    if is_yield_column(response):
        with np.errstate(invalid="ignore"):
            below = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan) < 0
        if below.any():
            row = raw.index[np.flatnonzero(below)[0]]
            return (
                f"row {row!r}: {response!r} = {_plain(raw.loc[row])!r} is negative; a yield "
                "cannot be below 0: correct the value, or blank it (a blank is a missing plot)."
            )
    values = pd.to_numeric(raw, errors="coerce").abs()
    scale = out_of_scale(values.to_numpy(dtype=float, na_value=np.nan))
    if scale.any():  # fitting it would overflow (and warn) before saying why
        row = values.index[np.flatnonzero(scale)[0]]
        why = (
            f"above {MAX_ANALYSED_YIELD:.0e}: its square overflows the sums of squares"
            if values.loc[row] > MAX_ANALYSED_YIELD
            else f"not 0 and below {MIN_ANALYSED_YIELD:.0e}: its square underflows to 0"
        )
        return (
            f"row {row!r}: {response!r} = {_plain(trial_frame[response].loc[row])!r} is far out "
            f"of scale ({why}); correct the value."
        )
    try:
        res = fit(trial_frame, response=response, treatment=treatment, block=block, design=design)
    except YieldTrialError as exc:
        return " ".join(str(exc).split())
    if len(res.levels) < 2:
        return (
            f"only one treatment level ({res.levels[0]!r}) in column {treatment!r}; "
            "at least two are needed for a comparison."
        )
    if control is not None and control not in res.levels:
        return (
            f"control {control!r} is not among the treatments of this trial "
            f"({', '.join(res.levels)}); check the label or the trial's plots."
        )
    return "trial could not be analysed"
