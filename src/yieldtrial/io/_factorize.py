"""Factorizations of label columns, kept for pyarrow text (shared by reading and statistics).

:func:`factorize_labels` lives in the reading stage so that :mod:`yieldtrial.io.levels`
(the display order of a field book) and the statistics (design fit, screening) share one
kept factorization; :mod:`yieldtrial.stats._common` re-exports it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["as_text", "factorize_labels", "kept_label_codes", "label_texts", "text_categories"]

#: Factorizations of pyarrow text columns by the identity of their (immutable) arrow array:
#: (id, use_na_sentinel) -> (weak reference, compact codes, uniques).
_factorized: dict[tuple[int, bool], tuple[Any, np.ndarray, Any]] = {}
_FACTORIZED_SIZE = 8


def factorize_labels(
    series: pd.Series, *, use_na_sentinel: bool = True, dtype: Any = np.intp, shared: bool = False
) -> tuple[np.ndarray, Any]:
    """Return ``pd.factorize(series, sort=False, use_na_sentinel=...)``, kept for arrow text.

    A pyarrow-backed text column cannot change in place (pandas gives it a new arrow array
    when a cell is set), so its factorization is kept for that array: the design fit, the
    screening, the display order and the design checks of a report, which share the label
    columns, factorize each once (5.9 million plots: about 0.3 s a call).  The codes are
    kept in the smallest integer type and returned as a fresh ``intp`` array (``dtype``: in
    that integer type instead, e.g. int32 for the design fit's codes; the caller makes sure
    it holds every code); other columns are factorized as usual.  ``shared``: when the
    kept codes are of that type, they themselves are returned (read-only), not a copy, so
    a caller that holds them (the design fit's block codes: 5.9 million plots, 22 MiB)
    shares them with this cache.
    """
    import weakref

    chunked = _kept_array(series)
    if chunked is None:
        codes, uniques = pd.factorize(series, sort=False, use_na_sentinel=use_na_sentinel)
        return codes.astype(dtype, copy=False), uniques
    key = (id(chunked), use_na_sentinel)
    kept = _factorized.get(key)
    if kept is not None and kept[0]() is chunked:
        return kept[1].astype(dtype, copy=not shared), kept[2]
    codes, uniques, own = _factorize(series, use_na_sentinel)
    try:
        ref = weakref.ref(chunked)
    except TypeError:  # pragma: no cover - arrow arrays take weak references
        return codes.astype(dtype, copy=False), uniques
    for old in [k for k, (r, _, _) in _factorized.items() if r() is None]:
        del _factorized[old]
    while len(_factorized) >= _FACTORIZED_SIZE:
        del _factorized[next(iter(_factorized))]
    width = np.min_scalar_type(-max(len(uniques), 1))  # signed: -1 marks a missing value
    # a text categorical already coded in this order: its own codes are kept (no copy)
    narrow = own if own is not None and own.dtype == width else codes.astype(width)
    narrow.flags.writeable = False  # handed out by ``shared`` calls: never changed
    _factorized[key] = (ref, narrow, uniques)
    if shared and narrow.dtype == np.dtype(dtype):
        return narrow, uniques
    return codes.astype(dtype, copy=False), uniques


def kept_label_codes(series: pd.Series) -> tuple[np.ndarray, Any] | None:
    """Return the kept compact codes and uniques of a pyarrow text column; None otherwise.

    The codes are :func:`factorize_labels`' own kept array (read-only, the smallest signed
    integer type holding every code: int8 for up to 127 labels), not an ``intp`` copy: a
    caller grouping 5.9 million plots by them (``pandas.Categorical.from_codes``) makes no
    plot-sized factorization of the text.  Missing values are coded -1, as by
    ``pd.factorize``.  None for a column of any other kind (not kept).
    """
    chunked = _kept_array(series)
    if chunked is None:
        return None
    key = (id(chunked), True)
    kept = _factorized.get(key)
    if kept is None or kept[0]() is not chunked:
        factorize_labels(series)  # factorized and kept (the returned codes dropped)
        kept = _factorized.get(key)
        if kept is None or kept[0]() is not chunked:  # pragma: no cover - not kept
            return None
    return kept[1], kept[2]


def text_categories(series: pd.Series) -> bool:
    """Tell whether ``series`` is a categorical of text labels.

    As :func:`yieldtrial.io.plots.coded_label_columns` holds a large table's blocks and
    treatments.
    """
    kind = series.dtype
    return isinstance(kind, pd.CategoricalDtype) and isinstance(
        kind.categories.dtype, pd.StringDtype
    )


def as_text(series: pd.Series) -> pd.Series:
    """Return ``series.astype(str)``, or a text categorical as it is (its labels are text).

    A large table's blocks and treatments (:func:`yieldtrial.io.plots.coded_label_columns`)
    then stay codes with one copy of each label where they are grouped, compared or
    factorized as text (5.9 million plots: no 61-75 MiB of text made again).
    """
    if text_categories(series):
        return series
    return series.astype(str)


def _kept_array(series: pd.Series) -> Any | None:
    """Return the array whose factorization is kept (arrow text's array, a text categorical).

    A text categorical (a large table's blocks and treatments, stop 52) is kept like arrow
    text: the plot table is never changed in place (``FieldTrial.plots``' rule), so its
    categorical array keeps its codes.
    """
    kind = series.dtype
    if isinstance(kind, pd.StringDtype) and getattr(kind, "storage", "") == "pyarrow":
        return series.array.__arrow_array__()
    if text_categories(series):
        return series.array
    return None


def _factorize(
    series: pd.Series, use_na_sentinel: bool
) -> tuple[np.ndarray, Any, np.ndarray | None]:
    """Return ``pd.factorize(series, sort=False)``; a text categorical's codes when they are it.

    A text categorical is factorized through its codes (the order of first appearance, as
    the text's) and its uniques are its categories taken in that order: the same ``Index``
    of text as the arrow column's factorization. When its categories are already in that
    order (:func:`yieldtrial.io.plots.coded_label_columns` makes them so), its codes are
    the factorization's, and they are returned third (a read-only view) to be kept
    instead of a copy; else None.
    """
    if not text_categories(series):
        codes, uniques = pd.factorize(series, sort=False, use_na_sentinel=use_na_sentinel)
        return codes, uniques, None
    cat_codes = series.array.codes
    if not use_na_sentinel and bool((cat_codes < 0).any()):
        codes, uniques = pd.factorize(series, sort=False, use_na_sentinel=False)
        return codes, uniques, None
    codes, first = pd.factorize(cat_codes, sort=False)  # a missing label (-1) is a value here
    categories = series.cat.categories
    if len(first) == len(categories) and bool((first == np.arange(len(first))).all()):
        return codes, categories, cat_codes  # every label, in category order: codes unchanged
    present = first >= 0
    if not present.all():  # a missing label: -1, as pd.factorize marks it
        keep = np.flatnonzero(present)
        remap = np.full(len(first), -1, dtype=np.intp)
        remap[keep] = np.arange(len(keep))
        codes = remap[codes]
        first = first[keep]
    return codes, categories.take(first), None


def label_texts(uniques: Any) -> list[str]:
    """Return ``[str(u) for u in uniques]``, the distinct labels of a factorization as text.

    The uniques of a pyarrow text column (a pandas ``Index`` of arrow strings) are turned
    into Python strings by one ``tolist`` (147,686 blocks: 0.02 s) instead of one arrow
    scalar per label (0.24 s); they are already ``str`` (a factorization's uniques hold no
    missing value), so the list is the same. Any other uniques take ``str`` of each.
    """
    dtype = getattr(uniques, "dtype", None)
    if (
        isinstance(uniques, pd.Index)
        and isinstance(dtype, pd.StringDtype)
        and getattr(dtype, "storage", "") == "pyarrow"
    ):
        texts = uniques.tolist()
        if all(type(text) is str for text in texts):
            return texts
    return [str(u) for u in uniques]
