"""Column checks and label reading shared by :func:`analyze_many` and ``yieldtrial network``.

Package-private: the command line reads and checks a network's columns with the
library's own functions (one rule for both paths, stop 48).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from yieldtrial.errors import DataValidationError


def _check_distinct_roles(response: str, treatment: str, block: str | None, by: list[str]) -> None:
    """Refuse one column in two roles (response, treatment, block, trial key).

    ``--response block`` analysed the block numbers as yields (every trial "ok", CV 0 %) and
    ``--block site`` a single block per trial: each role needs a column of its own.
    """
    roles = [("response", response), ("treatment", treatment)]
    if block is not None:
        roles.append(("block", block))
    roles += [("trial key (by)", c) for c in dict.fromkeys(by)]
    seen: dict[str, str] = {}
    for role, column in roles:
        if column in seen:
            raise DataValidationError(
                f"column {column!r} is given as both the {seen[column]} and the {role}; "
                "the response, treatment, block and trial-key columns must be different "
                "columns."
            )
        seen[column] = role


def normalised_labels(
    data: pd.DataFrame,
    columns: list[Any],
    *,
    missing: Iterable[str] = (),
    stacklevel: int = 3,
) -> pd.DataFrame:
    """Return ``data`` with its text label columns read as the plot-table reader reads them.

    ``yieldtrial network`` normalises the trial keys, treatments and blocks of its files
    (:func:`~yieldtrial.io.validation.normalise_label`); a notebook's frame was analysed
    as given, so a treatment ``'N1 '`` (a trailing space) at one site, or ``'ＣＫ'``
    (full-width), was a treatment of its own without a word (stop 47).  Integer and
    boolean columns stay as they are (their text is the label); a float column is read as
    the plot-table reader reads it, ``1.0`` as ``'1'`` (it was ``'1.0'`` here where
    ``FieldTrial`` read ``'1'``, stop 48).  The caller's frame is not changed (a shallow
    copy gets the new columns).  Spellings merged beyond spaces are named in a
    warning, as the reader names them.  The one function of both paths: ``analyze_many``
    and ``yieldtrial network`` (stop 48).

    Parameters
    ----------
    data : DataFrame
        The plots.
    columns : list
        The label columns (trial keys, treatment, block); absent ones are skipped.
    missing : iterable of str, optional
        Texts that mean a missing cell once stripped: the command line passes the plot-table
        reader's (``NA``, ``-``, ...); a frame's ``'NA'`` stays a label (pandas already read
        a file's ``NA`` as missing).
    stacklevel : int, default 3
        Passed to :func:`warnings.warn` (3: the caller of ``analyze_many``).

    Returns
    -------
    DataFrame
        ``data`` itself when every label is already as read, else a shallow copy.
    """
    from yieldtrial.io import validation as _validation

    na_texts = frozenset(missing)
    changed: dict[Any, pd.Series] = {}
    merges: list[str] = []
    for column in dict.fromkeys(c for c in columns if c in data.columns):
        values = data[column]
        if _numbers_as_labels(values):
            continue
        if _labels_as_read(values, na_texts):  # the usual case: no column to rebuild
            continue
        labels, merged = _validation.normalise_labels(values, missing=na_texts)
        merges += _validation.merged_label_items(str(column), merged)
        if not labels.equals(values):
            changed[column] = labels
    _validation.warn_merged_labels(merges, stacklevel=stacklevel)  # analyze_many's caller
    if not changed:
        return data
    out = data.copy(deep=False)
    for column, labels in changed.items():
        out[column] = labels
    return out


def _numbers_as_labels(values: pd.Series) -> bool:
    """Tell whether a column's numbers are their own labels (integers, booleans).

    Their text is what :func:`~yieldtrial.io.validation.normalise_label` gives (``1`` ->
    ``'1'``); a float's is not (``1.0`` -> ``'1.0'``, the reader's label is ``'1'``).
    """
    return pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values)


def _labels_as_read(values: pd.Series, missing: frozenset[str] = frozenset()) -> bool:
    """Tell whether every distinct label is text already in its normal form (or missing).

    One pass over the distinct labels: a network of millions of plots with a few hundred
    labels is not copied.  A label among ``missing`` (``'NA'`` on the command line) is not.
    A text column of printable ASCII words or digits is checked on its bytes first, as
    :func:`~yieldtrial.io.validation.normalise_labels` checks it (its cells need nothing).
    """
    from yieldtrial.io import validation as _validation
    from yieldtrial.io.validation import normalise_label

    if values.dtype != object and (
        _validation.plain_digit_text(values) or _validation.plain_ascii_words(values)
    ):
        return True  # what the command line's reading kept as it was (no Python per label)
    return all(
        (isinstance(item, str) and normalise_label(item) == item and item not in missing)
        or (not isinstance(item, str) and pd.api.types.is_scalar(item) and bool(pd.isna(item)))
        for item in values.unique().tolist()
    )


def _check_columns(columns: list[Any], needed: dict[str, str | None]) -> None:
    import difflib

    names = [str(column) for column in columns]
    missing = []
    for arg, col in needed.items():
        if col is None or col in columns:
            continue
        close = difflib.get_close_matches(str(col), names, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]!r}?)" if close else ""  # --by sites for site
        role = "by" if arg.startswith("by[") else arg  # by=["year", "site"]: by[1] is by
        missing.append(f"{role}={col!r}{hint}")
    if missing:
        raise DataValidationError(
            f"column(s) not found: {', '.join(missing)}; the data have columns "
            f"{', '.join(map(str, columns))}. Pass the right names or rename the columns."
        )
    # two columns of one name: pandas' "Grouper for 'site' not 1-dimensional" (stop 39)
    twice = [
        f"{arg}={col!r} ({columns.count(col)} columns)"
        for arg, col in needed.items()
        if col is not None and columns.count(col) > 1
    ]
    if twice:
        raise DataValidationError(
            f"column name(s) used more than once in the data: {', '.join(twice)}; give every "
            "column its own name (e.g. data.loc[:, ~data.columns.duplicated()] keeps the first)."
        )
