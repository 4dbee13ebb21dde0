"""Shared type aliases and the one helper that keeps the input's kind.

``Numeric`` is a float, a NumPy array or a pandas Series.  Formula functions
return the same kind they were given: a Series keeps its index.
"""

from __future__ import annotations

from typing import TypeAlias, TypeVar

import numpy as np
import pandas as pd

Numeric: TypeAlias = float | np.ndarray | pd.Series
NumericT = TypeVar("NumericT", float, np.ndarray, pd.Series)

__all__ = ["Numeric", "NumericT", "like_input"]


def like_input(result: object, template: object) -> Numeric:
    """Return ``result`` re-wrapped as the kind of ``template``.

    Parameters
    ----------
    result : float, ndarray or Series
        The computed values.
    template : float, ndarray or Series
        The argument whose kind (and index) the output must have.

    Returns
    -------
    float, ndarray or Series
        A Series with ``template``'s index and name when ``template`` is a Series,
        an ndarray when it is an array, a float otherwise.

    Examples
    --------
    >>> like_input(np.array([1.0]), 2.0)
    1.0
    >>> like_input(np.array([1.0, 2.0]), pd.Series([0, 0], index=["a", "b"])).index.tolist()
    ['a', 'b']
    """
    if isinstance(template, pd.Series):
        values = np.broadcast_to(np.asarray(result, dtype=float), template.shape).copy()
        return pd.Series(values, index=template.index, name=template.name)
    array = np.asarray(result, dtype=float)
    if isinstance(template, np.ndarray) and template.ndim > 0:
        return array
    if not isinstance(template, np.ndarray) and array.size == 1:
        return float(array.reshape(-1)[0])
    return array
