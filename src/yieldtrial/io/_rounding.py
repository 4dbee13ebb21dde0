"""The one rounding rule of every printed number: half away from zero on 15 digits.

A report's files must never disagree on a printed number.  The Excel report stores each
number at full precision with a cell format such as ``0.0``; Excel and LibreOffice display
it by rounding the value *as its 15-significant-digit decimal*, half away from zero.  A mean
of 13.95 (in binary 13.949999999999999289..., as the average of two-decimal data often is)
shows there as 14.0, and an agronomist rounding by hand (四舍五入) writes 14.0, but Python's
``f"{x:.1f}"`` rounds the binary value and printed 13.9.  Every printed number of the
reports and of the commands' text goes through :func:`fixed` (or :func:`round_half_away`,
:func:`round_half_away_array`), so HTML, Markdown, Word, the Excel text cells and the
companion CSVs show what the Excel cells show.

Most values are nowhere near a tie: for them the rule and the binary rounding agree, and the
helpers take the plain float path; only a value within a relative 1e-9 of a tie (or too
large for 15 digits to reach the decimals shown) is rounded through :mod:`decimal`.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

import numpy as np

__all__ = ["fixed", "round_half_away", "round_half_away_array"]

#: Relative distance to a tie within which a value is rounded exactly.  The 15-digit
#: decimal of a double is within 5e-15 of it (relative), so 1e-9 catches every value whose
#: 15-digit decimal is a tie, with room to spare; the rest round alike either way.
_NEAR_TIE = 1e-9
#: From this many units of the last decimal shown, 15 significant digits may not reach the
#: decimals (Excel shows zeros there): always the exact path.
_LARGE = 1e14
_CONTEXT = Context(prec=400)  # enough digits for any double's quantized value


def _exact(value: float, digits: int) -> Decimal:
    """Return ``value`` rounded as Excel displays it: its 15-digit decimal, half away."""
    return Decimal(f"{value:.15g}").quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=_CONTEXT
    )


def _near_tie(value: float, digits: int) -> bool:
    """Whether ``value`` at ``digits`` decimals may round differently as its 15-digit decimal."""
    scaled = abs(value) * 10.0**digits
    if scaled >= _LARGE:
        return True
    return abs(scaled - math.floor(scaled) - 0.5) <= _NEAR_TIE * (scaled + 1.0)


def round_half_away(value: float, digits: int) -> float:
    """Round ``value`` to ``digits`` decimals as its 15-significant-digit decimal, half away.

    This is the value Excel and LibreOffice display for a cell format with ``digits``
    decimals, and 四舍五入 by hand.  NaN and infinities are returned as given.

    Parameters
    ----------
    value : float
        The number.
    digits : int
        Decimals kept (0 or more).

    Returns
    -------
    float
        The nearest double to the rounded decimal.

    Examples
    --------
    >>> round_half_away((13.9 + 14.0) / 2, 1), round_half_away(-13.95, 1)
    (14.0, -14.0)
    >>> round_half_away(0.125, 2), round_half_away(2.5, 0), round_half_away(1.2344, 3)
    (0.13, 3.0, 1.234)
    """
    value = float(value)
    if not math.isfinite(value):
        return value
    if not _near_tie(value, digits):
        return round(value, digits)  # not near a tie: the binary rounding agrees
    return float(_exact(value, digits))


def round_half_away_array(values: Any, digits: int) -> np.ndarray:
    """Vectorized :func:`round_half_away`: NumPy rounding, then the near-ties exactly.

    Parameters
    ----------
    values : array_like
        Numbers (NaN and infinities kept).
    digits : int
        Decimals kept.

    Returns
    -------
    ndarray
        float64, the shape of ``values``.

    Examples
    --------
    >>> round_half_away_array([13.95, -13.95, 0.125, float("nan")], 1).tolist()
    [14.0, -14.0, 0.1, nan]
    """
    array = np.asarray(values, dtype=float)
    out = np.round(array, digits)  # right wherever the value is not near a tie
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.abs(array) * 10.0**digits
        near = np.isfinite(array) & (
            (scaled >= _LARGE)
            | (np.abs(scaled - np.floor(scaled) - 0.5) <= _NEAR_TIE * (scaled + 1.0))
        )
    flat_in, flat_out = array.reshape(-1), out.reshape(-1)
    for i in np.flatnonzero(near.reshape(-1)):
        flat_out[i] = float(_exact(float(flat_in[i]), digits))
    return out


_SPECS: dict[tuple[int, bool, bool], str] = {}


def fixed(value: float, digits: int, *, sign: bool = False, group: str = "") -> str:
    """Format ``value`` with ``digits`` decimals by the one rounding rule.

    The text of ``f"{value:.{digits}f}"`` (``sign``: ``f"{value:+.{digits}f}"``; ``group``:
    that thousands separator), except that the value is rounded as Excel displays it:
    its 15-significant-digit decimal, half away from zero.  NaN and infinities print as
    Python prints them (callers show "–" before they get here).

    Examples
    --------
    >>> fixed((13.9 + 14.0) / 2, 1), fixed(-13.95, 1), fixed(0.125, 2), fixed(13.94, 1)
    ('14.0', '-14.0', '0.13', '13.9')
    >>> fixed(12345.65, 1, group=","), fixed(0.05, 1, sign=True), fixed(-0.04, 1)
    ('12,345.7', '+0.1', '-0.0')
    """
    spec = _SPECS.get((digits, sign, bool(group)))
    if spec is None:
        spec = ("+" if sign else "") + ("," if group else "") + f".{digits}f"
        _SPECS[digits, sign, bool(group)] = spec
    value = float(value)
    if math.isfinite(value) and _near_tie(value, digits):
        text = format(_exact(value, digits), spec)
    else:  # not near a tie (the binary rounding agrees), or NaN / infinite
        text = format(value, spec)
    return text.replace(",", group) if group and group != "," else text


def round_frame(frame: Any, digits: int) -> Any:
    """Round a DataFrame's float columns by the one rule, as ``DataFrame.round(digits)``.

    The other columns (text, integers, dates) are kept as they are; a new frame is returned.

    Examples
    --------
    >>> import pandas as pd
    >>> round_frame(pd.DataFrame({"plot": ["A"], "y": [13.95]}), 1)["y"].tolist()
    [14.0]
    """
    import pandas as pd

    out = frame.copy()
    for position in range(out.shape[1]):
        series = out.iloc[:, position]
        if isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
            out.isetitem(
                position,
                pd.Series(
                    round_half_away_array(series.to_numpy(), digits),
                    index=series.index,
                    name=series.name,
                ),
            )
    return out
