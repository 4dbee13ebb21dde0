"""pandas calls that stay quiet under the oldest supported pins (pandas 2.0, NumPy 1.25).

pandas 2.0 sends every :meth:`pandas.Series.isin` through ``np.find_common_type``, which
NumPy 1.25 deprecates: under the oldest pins each call warned from inside pandas
("np.find_common_type is deprecated"), and a notebook run with ``-W
error::DeprecationWarning`` stopped at ``FieldTrial.exclude``, ``suspect_plots`` or the
report's figures.  Newer pandas does not call it; there the helpers are plain calls.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.io._guard import held_warnings

__all__ = ["isin"]


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:2])


#: pandas before 2.1 with NumPy 1.25 or later: ``isin`` warns from inside pandas.
FIND_COMMON_TYPE_WARNS = _version(np.__version__) >= (1, 25) and _version(pd.__version__) < (2, 1)


def isin(values: pd.Series, wanted: Iterable[Any]) -> pd.Series:
    """Return ``values.isin(wanted)`` without pandas 2.0's NumPy 1.25 DeprecationWarning.

    Parameters
    ----------
    values : pandas.Series
        The cells to look up.
    wanted : iterable
        The values looked for.

    Returns
    -------
    pandas.Series
        Boolean, aligned with ``values``.

    Examples
    --------
    >>> isin(pd.Series(["101", "102"]), {"102"}).tolist()
    [False, True]
    """
    if not FIND_COMMON_TYPE_WARNS:
        return values.isin(wanted)
    with held_warnings():
        warnings.filterwarnings(
            "ignore", message="np.find_common_type is deprecated", category=DeprecationWarning
        )
        return values.isin(wanted)
