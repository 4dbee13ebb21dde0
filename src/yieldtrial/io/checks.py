"""Private argument checks shared by the formula modules (units, moisture, harvest).

The formula functions accept a float, a NumPy array or a pandas Series and give
back the same kind.  The helpers here turn an argument into one of those kinds
(:func:`as_numeric`), check value ranges with messages that say what, where,
what was expected, what was given and how to fix it (:func:`check_range`,
:func:`check_not_fraction`), and turn a NumPy scalar result back into a Python
float (:func:`as_output`).  NaN always passes the checks, so a missing plot
stays missing.

A Python float never touches NumPy here: NumPy is imported only when an array
(or NumPy scalar) is given, so the one-number command line starts fast.
"""

from __future__ import annotations

import contextlib
import contextvars
import decimal
import math
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, SupportsFloat, TypeGuard

from yieldtrial.errors import DataValidationError

if TYPE_CHECKING:  # pragma: no cover - numpy and pandas are imported lazily (fast CLI start)
    import numpy as np
    import pandas as pd

    from yieldtrial._typing import Numeric

#: Largest yield the statistics take: squares of larger values overflow sums of squares
#: (1e200 squared is infinity), while no real yield in any unit comes near. [kg/ha]
MAX_ANALYSED_YIELD = 1e100

#: Smallest non-zero yield the statistics take: squares of smaller values underflow (1e-300
#: squared is 0), so every sum of squares is 0 and the trial looks like identical yields;
#: no real yield in any unit comes near (0, a crop failure, is taken). [kg/ha]
MIN_ANALYSED_YIELD = 1e-100

#: Smallest non-zero non-inferiority margin: a margin below 0.01 % of the control mean prints
#: as 0.0 % in every table and is far below what a trial's CV (2-15 %) resolves; a value
#: like 1e-320 (a subnormal double) is a typing slip, not a margin. [%]
MIN_MARGIN_PCT = 0.01

__all__ = [
    "ALPHA_RANGE",
    "MIN_MARGIN_PCT",
    "PLAIN_NUMBER",
    "MAX_ANALYSED_YIELD",
    "MIN_ANALYSED_YIELD",
    "CONTROL_ARGUMENT",
    "CONTROL_FLAG",
    "check_alpha",
    "check_cv_thresholds",
    "check_number",
    "overflows",
    "check_positive",
    "check_probability",
    "check_margin_pct",
    "is_real_number",
    "looks_numeric",
    "message_df",
    "message_number",
    "number_text",
    "plain_number",
    "plain_scalar",
    "as_numeric",
    "as_output",
    "check_aligned",
    "check_not_fraction",
    "check_shrink_pct_per_point",
    "check_whole_number",
    "shown",
    "shown_count",
    "typed_number",
    "whole_number",
    "check_option",
    "check_range",
    "check_result_finite",
    "check_setting_finite",
    "is_python_number",
    "is_series",
    "real_float",
    "match_option",
    "outside_interval",
]


#: Significance levels accepted everywhere (commands, trial.toml, API): 0.0001 to 0.5.
#: Above 0.5 a "significant" difference is more likely a false alarm than not; below
#: 0.0001 the quantiles and the power search lose accuracy.
ALPHA_RANGE: tuple[float, float] = (1e-4, 0.5)


def check_alpha(alpha: object, name: str = "alpha", where: str = "") -> float:
    """Return a significance level as a float, or raise the one message all entry points give.

    Parameters
    ----------
    alpha : object
        The value given.
    name : str, default "alpha"
        Its name in the message.
    where : str, optional
        Where it was given (``"trial.toml [analysis]"``, ``"the command line"``).

    Returns
    -------
    float
        ``alpha``, from 0.0001 to 0.5 (:data:`ALPHA_RANGE`).

    Raises
    ------
    DataValidationError
        Not a number (text, even ``"0.05"``, None, a boolean), not finite (:func:`check_number`,
        the message trial.toml gives), or outside :data:`ALPHA_RANGE` (an integer too large
        for a float too); every message names the range.

    Examples
    --------
    >>> check_alpha(0.05)
    0.05
    >>> check_alpha(0.9)
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: alpha = 0.9; a significance level must be from 0.0001 to 0.5, e.g. 0.05 or 0.01.
    """  # noqa: E501
    low, high = ALPHA_RANGE
    # text, None, a list, NaN, infinity: the message of every numeric setting (trial.toml's);
    # an integer too large for a float (10**400) is finite: out of range, as 0.9 is
    huge = overflows(alpha)
    value = high + 1.0 if huge else check_number(
        name, alpha, where, low=None, high=None, allowed=f"from {low:g} to {high:g}"
    )  # fmt: skip
    if not low <= value <= high:
        prefix = f"{where}: " if where else ""
        raise DataValidationError(
            f"{prefix}{name} = {shown(alpha)}; a significance level must be from {low:g} to "
            f"{high:g}, e.g. 0.05 or 0.01."
        )
    return value


def check_number(
    name: str,
    value: object,
    where: str = "",
    *,
    low: float | None,
    high: float | None,
    low_inclusive: bool = True,
    high_inclusive: bool = False,
    fix: str = "",
    allowed: str = "",
) -> float:
    """Return a finite number in the interval, else raise naming the key, value and fix.

    The one rule and message of a numeric setting given in trial.toml, on the command line
    or to the API: text (even ``"2.4"``), None, booleans and containers are refused, so are
    NaN, infinity and values outside the interval; an integer too large for a float
    (``10**400``) is finite, so out of range.  Every message names the setting, the value
    (:func:`shown`) and, when known, the values allowed.

    Parameters
    ----------
    name : str
        The setting's name in the message.
    value : object
        The value given.
    where : str, optional
        Where it was given (``"trial.toml: [economics]"``, ``"economics_table"``).
    low, high : float or None
        The interval's bounds (None: unbounded).
    low_inclusive, high_inclusive : bool
        Whether each bound itself is allowed.
    fix : str, optional
        What the value should be, appended to the range message.
    allowed : str, optional
        The values the setting takes (``"from 0.0001 to 0.5"``), said by every message when
        ``low`` and ``high`` are None and the caller checks its range itself; default: the
        interval (``"in [0, inf)"``) when it has a bound.

    Returns
    -------
    float
        ``value`` as a float.

    Raises
    ------
    DataValidationError
        Naming ``where``, the setting and the value.

    Examples
    --------
    >>> check_number("grain_price_per_kg", 2.4, "economics_table", low=0.0, high=None)
    2.4
    >>> check_number("grain_price_per_kg", "2.4", "economics_table", low=0.0, high=None)
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: economics_table: grain_price_per_kg = '2.4' is text; write the number without quotes (grain_price_per_kg = 2.4); grain_price_per_kg must be in [0, inf).
    """  # noqa: E501
    prefix = f"{where}: " if where else ""
    left = ("[" if low_inclusive else "(") + ("-inf" if low is None else f"{low:g}")
    right = ("inf" if high is None else f"{high:g}") + ("]" if high_inclusive else ")")
    bounded = low is not None or high is not None
    rule = allowed or (f"in {left}, {right}" if bounded else "")
    tail = f"; {name} must be {rule}" if rule else ""  # the values allowed, in every message
    if isinstance(value, str) and value.strip().lower() in NON_FINITE_WORDS:
        # "write the number without quotes (alpha = nan)" would suggest a refused value
        raise DataValidationError(
            f"{prefix}{name} = {_shown(value)}; expected a finite number{tail}."
        )
    if isinstance(value, str):
        raise DataValidationError(
            f"{prefix}{name} = {_shown(value)} is text; write the number without quotes "
            f"({name} = {value.strip()}){tail}." if looks_numeric(value) else
            f"{prefix}{name} = {_shown(value)}; expected a number{tail}."
        )  # fmt: skip
    container = _container(value)
    if container:  # a Series printed over several lines was no help
        raise DataValidationError(
            f"{prefix}{name} = {container}; expected a number (one value for the whole "
            f"table){tail}."
        )
    shown = _shown(value)
    huge = overflows(value)  # finite, beyond a float: out of range, not "not finite"
    if isinstance(value, decimal.Decimal):  # a number typed exactly, as the formulas take it
        value = float(value)
    if not is_real_number(value):  # NumPy scalars (np.float32(0.05)) are numbers too
        raise DataValidationError(f"{prefix}{name} = {shown}; expected a number{tail}.")
    number = real_float(value)  # 1 followed by 400 zeros is inf, not an OverflowError
    if huge and not bounded:
        raise DataValidationError(
            f"{prefix}{name} = {shown}; out of range: "
            + (f"{name} must be {rule}." if rule else "beyond the largest number (1.8e+308).")
        )
    if huge and (low if number < 0 else high) is None:  # [0, inf) would take 10**400 in as inf
        raise DataValidationError(
            f"{prefix}{name} = {shown}; out of range: beyond the largest number (1.8e+308){tail}."
        )
    if not huge and (number != number or number in (float("inf"), float("-inf"))):
        raise DataValidationError(f"{prefix}{name} = {shown}; expected a finite number{tail}.")
    below = low is not None and (number < low if low_inclusive else number <= low)
    above = high is not None and (number > high if high_inclusive else number >= high)
    if below or above:
        raise DataValidationError(
            f"{prefix}{name} = {shown}; {name} must be in {left}, {right}"
            + (f": {fix}." if fix else ".")
        )
    return number


def overflows(value: object) -> bool:
    """Return whether ``value`` is a finite number too large for a float (``10**400``).

    Such a value is out of range, not "not finite": Python reads ``10**400`` (and trial.toml
    an integer of 400 digits) exactly; only ``float()`` overflows.

    Examples
    --------
    >>> overflows(10**400), overflows(-(10**400)), overflows(1e308), overflows(True)
    (True, True, False, False)
    """
    if isinstance(value, bool) or not isinstance(value, int | decimal.Decimal):
        return False
    if isinstance(value, decimal.Decimal) and not value.is_finite():
        return False
    return real_float(value) in (float("inf"), float("-inf"))


def _container(value: object) -> str:
    """Describe a NumPy array or pandas object in a few words ('' for anything else).

    Examples
    --------
    >>> import numpy as np
    >>> _container(np.array([0.05, 0.01])), _container([0.05]), _container(0.05)
    ('a NumPy array of 2 values', '', '')
    """
    if type(value).__module__.split(".")[0] not in ("numpy", "pandas"):
        return ""  # a list or tuple prints short, as trial.toml shows it: [0.05]
    shape = getattr(value, "shape", None)
    if not shape:  # a NumPy scalar, a 0-d array, pd.NA: shown as themselves
        return ""
    names = {"ndarray": "NumPy array", "Series": "pandas Series", "DataFrame": "pandas DataFrame"}
    kind = names.get(type(value).__name__, type(value).__name__)
    size = int(shape[0])
    if kind == "pandas DataFrame":
        return f"a pandas DataFrame of {size} row{'' if size == 1 else 's'}"
    return f"a {kind} of {size} value{'' if size == 1 else 's'}"


def shown(value: object) -> str:
    """Return a value as an error message shows it: its repr, on one line and short.

    An array, Series or DataFrame is described (``a pandas Series of 2 values``), not
    printed over several lines; an integer of more than 20 digits is shortened
    (:func:`shown_count`).  Every message that quotes a bad argument uses this.

    Examples
    --------
    >>> import pandas as pd
    >>> shown(0.05), shown(pd.Series([1.0, 2.0])), shown(10**40)
    ('0.05', 'a pandas Series of 2 values', '1.000e+40 (a 41-digit integer)')
    """
    container = _container(value)
    if container:
        return container
    value = plain_scalar(value)  # np.str_('x') is shown as 'x', np.float64(0.5) as 0.5
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _HUGE_INTEGER:
        return shown_count(value)
    return toml_value(value) if _TOML_SPELLING.get() else repr(value)


#: Whether the messages raised now echo values as trial.toml writes them (:func:`toml_spelling`).
_TOML_SPELLING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "yieldtrial_toml_spelling", default=False
)


@contextlib.contextmanager
def toml_spelling() -> Iterator[None]:
    """Within this block, :func:`shown` echoes a value as trial.toml writes it.

    Reading a trial.toml, a message showed ``alpha = True`` (Python's spelling) for what
    the user typed as ``alpha = true`` (stop 50); the one rule of every trial.toml value
    echoed: :func:`toml_value`.  Values given in Python keep Python's spelling.

    Examples
    --------
    >>> with toml_spelling():
    ...     shown(True), shown([True, 1.5])
    ('true', '[true, 1.5]')
    >>> shown(True)
    'True'
    """
    token = _TOML_SPELLING.set(True)
    try:
        yield
    finally:
        _TOML_SPELLING.reset(token)


def toml_value(value: Any) -> str:
    """Spell a value read from trial.toml as TOML writes it, to echo it in a message.

    Python's ``repr`` showed ``True``, ``[True]`` for what the user typed as ``true``,
    ``[true]`` (stop 50).  Text is a TOML literal string (``'x'``, as ``repr`` shows it)
    unless it holds a quote, a backslash or a control character, then a basic string
    (``"it's"``); a number is as Python prints it (TOML keeps no trailing zeros: ``1.50``
    is read as ``1.5``).

    Parameters
    ----------
    value : object
        A value of a parsed TOML document (text, number, boolean, date or time, array,
        table).

    Returns
    -------
    str
        Its TOML spelling.

    Examples
    --------
    >>> toml_value(True), toml_value([1, "a"]), toml_value({"plot": False})
    ('true', "[1, 'a']", '{ plot = false }')
    >>> print(toml_value("it's"), toml_value(1.50))
    "it's" 1.5
    """
    import datetime
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        literal = value.isprintable() and "'" not in value and "\\" not in value
        return f"'{value}'" if literal else json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        items = ", ".join(f"{_toml_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return f"{{ {items} }}" if items else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


def _toml_key(key: str) -> str:
    """Return a TOML key bare when it can be (``plot``), else quoted (``"plot id"``)."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_value(key)


def typed_number(value: float) -> str:
    """Return a number as the user typed it: the shortest text that reads back to it.

    ``:g`` keeps six digits, so ``1e-320`` (a subnormal double) was echoed back as
    ``9.99989e-321`` and ``15.0000001`` as ``15``; ``repr`` keeps what was typed, less a
    whole number's ``.0``.

    Examples
    --------
    >>> typed_number(1e-320), typed_number(15.0), typed_number(0.001), typed_number(15.0000001)
    ('1e-320', '15', '0.001', '15.0000001')
    """
    text = repr(float(value))
    return text.removesuffix(".0")


def message_number(value: SupportsFloat, digits: int | None = None, *, scale: float = 1) -> str:
    """Return a number as every yieldtrial message (error, warning, CLI line) shows it.

    The one number style of messages, in two cases:

    - ``digits`` None: a value the user typed (echoed back: ``margin_pct = 0.05``) or one
      the message tells them to type (``write 5``).  The shortest text that reads back to
      the value (:func:`typed_number`: ``1e-320``, ``15.0000001``, ``0.1``), never grouped,
      so it can be typed again.  ``scale`` multiplies it in decimal, as a person would:
      0.07 x 100 is ``7``, not ``7.000000000000001`` (a fraction read as a percent, a count
      in 万 as heads).
    - ``digits`` given: a measured or computed quantity (a mass, a yield, a ratio).  The
      report's number style (:data:`yieldtrial.report.model.REPORT_NUMBER_STYLE`):
      ``digits`` decimals, rounded half away from zero, thousands grouped with "," from
      1,000 on.  A non-zero value that would show as zero is shown with three significant
      digits instead (a yield of 0.000512 kg/ha is not "0.0").

    ``:g`` is no longer used for a message number: it kept six significant digits
    (``9.99989e-321`` for 1e-320, ``15`` for 15.0000001, ``1.23457e+06`` for a mass).
    NaN and infinities are shown as Python shows them (``nan``, ``inf``).

    Parameters
    ----------
    value : float
        The number (a Python or NumPy number).
    digits : int, optional
        Decimals of a computed quantity; None for a typed value.
    scale : float, default 1
        Factor applied to a typed value (100 for a fraction shown as a percent, 0.01 for
        a percent shown as a fraction).

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> message_number(1e-320), message_number(0.07, scale=100), message_number(12000.0)
    ('1e-320', '7', '12000')
    >>> message_number(1234567.891, 1), message_number(0.000512, 1), message_number(0.0, 1)
    ('1,234,567.9', '0.000512', '0.0')
    """
    number = float(value)
    if not math.isfinite(number):
        return repr(number)
    if digits is None:
        if scale != 1:
            number = float(decimal.Decimal(repr(number)) * decimal.Decimal(repr(scale)))
        return typed_number(number)
    from yieldtrial.io._rounding import fixed

    text = fixed(number * scale, digits, group=",")
    if number != 0 and float(text.replace(",", "")) == 0:
        return f"{number * scale:.3g}"
    return text


def message_df(value: SupportsFloat) -> str:
    """Return degrees of freedom as messages show them: whole and grouped, or one decimal.

    A df is a computed quantity (:func:`message_number` with digits): a whole number
    (residual df, 1,234) without decimals, a fractional one (Satterthwaite, a harmonic
    mean of plots) with one.  ``:g`` showed 1.23457e+06 for a network's df.

    Examples
    --------
    >>> message_df(12.0), message_df(1234567), message_df(11.73)
    ('12', '1,234,567', '11.7')
    """
    number = float(value)
    return message_number(number, 0 if number.is_integer() else 1)


#: Integers from here on (21 digits and more) are shown shortened by :func:`shown_count`.
_HUGE_INTEGER = 10**20
#: Beyond this many digits the digit count is the logarithm's (10**exponent costs time).
_EXACT_DIGITS_UP_TO = 100_000


def shown_count(value: int) -> str:
    """Return an integer as a message shows it: grouped, or shortened when huge.

    Up to 20 digits the number is grouped by thousands (``12,000``); a longer one, which
    no count in a field trial reaches, is shown by its first four digits and its length
    (``1.000e+400 (a 401-digit integer)``) instead of a line of hundreds of digits.
    Python refuses to print an integer of more than 4,300 digits at all.

    Examples
    --------
    >>> shown_count(12000), shown_count(10**400), shown_count(-(10**5000) * 3)
    ('12,000', '1.000e+400 (a 401-digit integer)', '-3.000e+5000 (a 5,001-digit integer)')
    """
    magnitude = abs(value)
    if magnitude < _HUGE_INTEGER:
        return f"{value:,}"
    import math

    exponent = int(math.log10(magnitude))  # the float logarithm: one off next to a power of 10
    sign = "-" if value < 0 else ""
    if exponent > _EXACT_DIGITS_UP_TO:
        mantissa = min(10 ** (math.log10(magnitude) - exponent), 9.999)
        return f"{sign}{mantissa:.3f}e+{exponent} (an integer of about {exponent + 1:,} digits)"
    if 10**exponent > magnitude:
        exponent -= 1
    elif 10 ** (exponent + 1) <= magnitude:
        exponent += 1
    lead = str(magnitude // 10 ** (exponent - 3))  # the first four digits
    return f"{sign}{lead[0]}.{lead[1:]}e+{exponent} (a {exponent + 1:,}-digit integer)"


_shown = shown


def plain_scalar(value: object) -> object:
    """Return a NumPy scalar (or 0-d array) as the Python scalar it holds; else ``value``.

    A label or setting read from a table is often a NumPy scalar, whose repr names its type
    (``np.str_('CK')``, ``np.float64(0.5)`` under NumPy 2); a message shows the value as the
    user wrote it (``'CK'``, ``0.5``).  NumPy is not imported.

    Examples
    --------
    >>> import numpy as np
    >>> plain_scalar(np.str_("CK")), plain_scalar(np.float64(0.5)), plain_scalar([1])
    ('CK', 0.5, [1])
    """
    if type(value).__module__ == "numpy" and getattr(value, "shape", None) == ():
        try:
            return value.item()  # type: ignore[attr-defined]
        except (AttributeError, TypeError, ValueError):  # pragma: no cover - no NumPy scalar
            return value
    return value


#: A number as the command line and the table reader take it: ASCII digits with an optional
#: sign, one decimal point and an optional exponent ("13", "-0.5", ".5", "1.2e3"). float()
#: alone would also read "1_3", Arabic-Indic "١٣" and full-width "１３" as 13.
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

#: The words float() reads as not-a-number or infinity (ASCII, any case): the callers refuse
#: them with their own "expected a finite number" message.
NON_FINITE_WORDS = frozenset(
    sign + word for sign in ("", "+", "-") for word in ("nan", "inf", "infinity")
)


#: Full-width ASCII (U+FF01-U+FF5E) and the ideographic space, as ASCII: the forms Chinese,
#: Japanese and Korean input methods type.  Not NFKC, which also reads superscripts and
#: subscripts (``²``, ``₅``), circled digits (``①``) and the like as plain digits.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def number_text(text: str) -> str:
    """Return ``text`` as a number is read from it: full-width forms as ASCII, spaces removed.

    Full-width digits, point and signs (``１２．５``, ``－３``), which Chinese input methods
    type, become ASCII (``12.5``, ``-3``); the digits of other scripts (Arabic-Indic
    ``١٣``), superscripts (``²``), circled digits (``①``) and ``1_3`` stay as they are, so
    :func:`plain_number` refuses them.  Table cells and number options both read numbers
    through this function.

    >>> number_text(" １２．５ "), number_text("－３"), number_text("١٣"), number_text("²")
    ('12.5', '-3', '١٣', '²')
    """
    return text.translate(_FULL_WIDTH).strip()


def plain_number(text: str) -> float | None:
    """Return the number written in ``text`` by :data:`PLAIN_NUMBER` (or a NaN/inf word).

    Surrounding spaces are allowed; anything else float() would read (``"1_3"``, ``"١٣"``,
    ``"１３"``) gives None: pass the text through :func:`number_text` first to read
    full-width digits.

    >>> plain_number(" 13.5 "), plain_number("1_3"), plain_number("１３")
    (13.5, None, None)
    """
    text = text.strip()
    if PLAIN_NUMBER.fullmatch(text) or text.lower() in NON_FINITE_WORDS:
        return float(text)
    return None


def looks_numeric(text: str) -> bool:
    """Return whether ``text`` is a number written as text (``"12"``, ``" 0.5 "``, ``"nan"``)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_cv_thresholds(cv_warn_pct: object, cv_strong_pct: object) -> tuple[float, float]:
    """Return the two CV flag thresholds as floats, or raise the one message of every entry point.

    ``diagnostics`` (``FieldTrial.diagnostics``) and ``analyze_many`` share this rule.

    Parameters
    ----------
    cv_warn_pct, cv_strong_pct : object
        The values given. [%]

    Returns
    -------
    tuple of float
        ``(cv_warn_pct, cv_strong_pct)`` with ``0 < cv_warn_pct <= cv_strong_pct``, finite.

    Raises
    ------
    DataValidationError
        Not numbers (text, None, booleans, lists), not finite, or not in that order.

    Examples
    --------
    >>> check_cv_thresholds(10, 15)
    (10.0, 15.0)
    >>> check_cv_thresholds("10", 15)
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: need 0 < cv_warn_pct <= cv_strong_pct (finite numbers, in %); got cv_warn_pct='10', cv_strong_pct=15.
    """  # noqa: E501
    numbers = [
        real_float(v) if is_real_number(v) else float("nan") for v in (cv_warn_pct, cv_strong_pct)
    ]
    warn, strong = numbers
    if not (0 < warn <= strong < float("inf")):  # NaN fails too
        raise DataValidationError(
            f"need 0 < cv_warn_pct <= cv_strong_pct (finite numbers, in %); got "
            f"cv_warn_pct={shown(cv_warn_pct)}, cv_strong_pct={shown(cv_strong_pct)}."
        )
    return warn, strong


def check_positive(value: object, name: str, example: str) -> float:
    """Return a setting that must be a finite number above 0 as a float, or raise naming it.

    Parameters
    ----------
    value : object
        The value given.
    name : str
        Its name in the message.
    example : str
        A typical value, shown in the message.

    Returns
    -------
    float
        ``value`` as a float.

    Raises
    ------
    DataValidationError
        Text, None, a boolean, a list, NaN, infinite, 0 or negative.

    Examples
    --------
    >>> check_positive(3, "outlier_threshold", "3")
    3.0
    >>> check_positive(float("nan"), "outlier_threshold", "3")
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: outlier_threshold must be a finite number above 0, e.g. 3; got nan
    """  # noqa: E501
    number = real_float(value) if is_real_number(value) else float("nan")
    if not 0 < number < float("inf"):  # NaN fails too
        raise DataValidationError(
            f"{name} must be a finite number above 0, e.g. {example}; got {shown(value)}"
        )
    return number


def check_shrink_pct_per_point(value: object, where: str = "") -> float:
    """Return a shrink per moisture point, or raise the one message all entry points give.

    trial.toml, the command line and the formulas (:func:`yieldtrial.standardize_moisture`,
    :func:`yieldtrial.plot_yield`, ...) call this, so ``shrink_pct_per_point = "1.2"`` gets
    the same words wherever it is written.

    Parameters
    ----------
    value : object
        The value given. [% per moisture point]
    where : str, optional
        Where it was given (``"trial.toml [moisture]"``); empty for a function argument.

    Returns
    -------
    float
        ``value``, in [0, 100).

    Raises
    ------
    DataValidationError
        Text (even ``"1.2"``), None, a boolean, a container, NaN, infinity, or a value
        outside [0, 100) (:func:`check_number`).

    Examples
    --------
    >>> check_shrink_pct_per_point(1.2)
    1.2
    >>> check_shrink_pct_per_point(True)
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: shrink_pct_per_point = True; expected a number; shrink_pct_per_point must be in [0, 100).
    """  # noqa: E501
    return check_number(
        "shrink_pct_per_point",
        value,
        where,
        low=0.0,
        high=100.0,
        fix="expected percent per moisture point, e.g. 1.2",
    )


def check_whole_number(name: str, value: object, where: str = "", *, low: int, high: int) -> int:
    """Return a count (steps, bins, dots per inch), or raise the one message of a setting.

    :func:`check_number` first (text, None, booleans, containers, NaN and infinity get its
    message), then the range ``[low, high]`` and a whole value (``4.0`` is 4, ``2.5`` no).

    Parameters
    ----------
    name : str
        The setting's name in the message.
    value : object
        The value given.
    where : str, optional
        Where it was given.
    low, high : int
        The smallest and largest accepted value.

    Returns
    -------
    int
        ``value`` as an int.

    Raises
    ------
    DataValidationError
        Naming ``where``, the setting and the value.

    Examples
    --------
    >>> check_whole_number("bins", 12.0, low=1, high=1000)
    12
    >>> check_whole_number("bins", 2.5, low=1, high=1000)
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: bins = 2.5; expected a whole number from 1 to 1000.
    """
    number = float(high) + 1.0 if overflows(value) else check_number(
        name, value, where, low=None, high=None, allowed=f"from {low} to {high}"
    )  # fmt: skip
    if whole_number(value) is None or not low <= number <= high:
        prefix = f"{where}: " if where else ""
        raise DataValidationError(
            f"{prefix}{name} = {shown(value)}; expected a whole number from {low} to {high}."
        )
    return int(number)


def whole_number(value: object) -> int | None:
    """Return a whole number as an int, or None: the one rule of every count argument.

    An int, a NumPy integer and an integral float (``4.0``, ``np.float64(4.0)``, as a
    notebook computes it) are whole numbers; ``4.5``, booleans, text, None, NaN, infinity
    and containers are not.  An int is taken exactly (``10**400`` stays an int, for the
    caller's own "too large" message).  Layouts, planning (power) and the settings
    (:func:`check_whole_number`) share it.

    Parameters
    ----------
    value : object
        The value given.

    Returns
    -------
    int or None
        ``value`` as an int, or None when it is not a whole number.

    Examples
    --------
    >>> import numpy as np
    >>> whole_number(4), whole_number(4.0), whole_number(np.int64(4)), whole_number(4.5)
    (4, 4, 4, None)
    >>> whole_number(True), whole_number("4"), whole_number(float("inf"))
    (None, None, None)
    """
    import numbers

    if not is_real_number(value):
        return None
    if isinstance(value, numbers.Integral):  # int and NumPy integers: exact
        return int(value)
    number = real_float(value)
    if number != number or number in (float("inf"), float("-inf")) or number != int(number):
        return None
    return int(number)


def check_probability(value: object, name: str = "confidence", where: str = "") -> float:
    """Return a confidence level or probability in (0, 1), or raise the one message.

    Used for ``confidence`` (the means' and comparisons' intervals, the environment
    response) and the stability probabilities (``annicchiarico_alpha``), so every entry
    point words a bad value the same way (:func:`check_number`).

    Parameters
    ----------
    value : object
        The value given.
    name : str, default "confidence"
        Its name in the message.
    where : str, optional
        Where it was given.

    Returns
    -------
    float
        ``value``, strictly between 0 and 1.

    Raises
    ------
    DataValidationError
        Text, None, a boolean, a container, NaN, infinity, or a value outside (0, 1).

    Examples
    --------
    >>> check_probability(0.95)
    0.95
    >>> check_probability(95)
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: confidence = 95; confidence must be in (0, 1): write 95 % as 0.95.
    """  # noqa: E501
    huge = overflows(value)  # out of range, as 95 is: the range message below
    number = float("inf") if huge else check_number(name, value, where, low=None, high=None,
                                           allowed="in (0, 1)")  # fmt: skip
    if not 0.0 < number < 1.0:
        hint = (
            f"write {message_number(number)} % as {message_number(number, scale=0.01)}"
            if 1.0 < number < 100.0
            else ""
        )
        return check_number(
            name,
            value,
            where,
            low=0.0,
            high=1.0,
            low_inclusive=False,
            fix=hint or ("a confidence level, e.g. 0.95" if name == "confidence" else "e.g. 0.25"),
        )
    return number


#: How a Python caller gives a control, in :func:`margin_without_control`'s message.
CONTROL_ARGUMENT = "control="

#: How the command line gives one (``report``, ``network``).
CONTROL_FLAG = "--control (or control = in [analysis] of trial.toml)"


def margin_without_control(
    margin: float, where: str = "", *, give: str = CONTROL_ARGUMENT
) -> DataValidationError:
    """Return the error of a margin given without a control (report, network and the API).

    Parameters
    ----------
    margin : float
        The margin. [% of the control mean]
    where : str, optional
        The function called (``"analyze_many"``), put before the message.
    give : str, default :data:`CONTROL_ARGUMENT`
        How the caller names a control: ``control=`` for Python, :data:`CONTROL_FLAG`
        on the command line (which adds its flag name, as ``TrialConfig.override`` is
        given ``"the command line"``).

    Returns
    -------
    DataValidationError
        The one message every entry point raises.

    Examples
    --------
    >>> print(margin_without_control(5, "analyze_many"))
    analyze_many: a non-inferiority margin (5 %) is set but no control: the verdict compares each treatment with a control. Give control=, or leave the margin out.
    """  # noqa: E501
    prefix = f"{where}: " if where else ""
    return DataValidationError(
        f"{prefix}a non-inferiority margin ({message_number(margin)} %) is set but no control: "
        "the verdict "
        f"compares each treatment with a control. Give {give}, or leave the margin out."
    )


def check_margin_pct(margin_pct: object, where: str = "") -> float:
    """Return a non-inferiority margin as a float, or raise the one message all entry points give.

    trial.toml, :class:`~yieldtrial.config.TrialConfig`, ``--margin-pct``,
    ``compare_to_control`` and ``analyze_many`` share this rule: a percentage of the control
    mean from 0 ("at least as good as the control") to below 100.

    Parameters
    ----------
    margin_pct : object
        The value given. [%]
    where : str, optional
        Where it was given (``"trial.toml [analysis]"``, ``"compare_to_control"``).

    Returns
    -------
    float
        ``margin_pct`` in [0, 100).

    Raises
    ------
    DataValidationError
        Text, not a number, not finite, or outside [0, 100).

    Examples
    --------
    >>> check_margin_pct(5)
    5.0
    >>> check_margin_pct(100, where="compare_to_control")
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: compare_to_control: margin_pct = 100; margin_pct must be in [0, 100): expected a percentage of the control mean from 0 (at least as good as the control) to below 100, e.g. 5.
    """  # noqa: E501
    prefix, name = (f"{where}: " if where else ""), "margin_pct"
    given = shown(margin_pct)
    value = check_number(
        name,
        margin_pct,
        where,
        low=0.0,
        high=100.0,
        fix="expected a percentage of the control mean from 0 (at least as good as the "
        "control) to below 100, e.g. 5",
    )
    if 0.0 < value < MIN_MARGIN_PCT:
        raise DataValidationError(
            f"{prefix}{name} = {given} is above 0 but below {MIN_MARGIN_PCT:g} % of the "
            "control mean, a margin no yield trial resolves (the report would print it as "
            f"0.0 %); give 0 (at least as good as the control) or a margin of at least "
            f"{MIN_MARGIN_PCT:g}, e.g. 5."
        )
    return value


def real_float(value: object) -> float:
    """Return a real number as a float; an integer too large for a float is +-inf.

    ``float(10**400)`` raises OverflowError (a trial.toml or notebook may hold such an
    integer); as infinity it meets the same "expected a finite number" check as ``inf``.

    Parameters
    ----------
    value : object
        A real number (``int``, ``float``, NumPy scalar, ``Decimal``, ``Fraction``).

    Returns
    -------
    float
        ``float(value)``, or ``inf`` / ``-inf`` where that overflows.

    Examples
    --------
    >>> real_float(13), real_float(10**400), real_float(-(10**400))
    (13.0, inf, -inf)
    """
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return float("-inf") if value < 0 else float("inf")  # type: ignore[operator]


def is_python_number(value: object) -> TypeGuard[float | int]:
    """Tell whether ``value`` is a plain number (int or float, not bool): no NumPy needed.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    bool
        True for an ``int`` or ``float`` (including ``numpy.float64``, a float subclass).

    Examples
    --------
    >>> is_python_number(13), is_python_number(True), is_python_number([1.0])
    (True, False, False)
    """
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_real_number(value: object) -> bool:
    """Tell whether ``value`` is one real number, NumPy scalars included (not bool, not text).

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    bool
        True for ``int``, ``float`` and NumPy integer or floating scalars
        (``numpy.float32(0.9)``); False for ``bool``, text and containers.

    Examples
    --------
    >>> import numpy as np
    >>> is_real_number(np.float32(0.9)), is_real_number("0.9"), is_real_number(True)
    (True, False, False)
    """
    import numbers

    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and (type(value).__name__ != "bool_")
    )


def is_series(value: object) -> TypeGuard[pd.Series]:
    """Tell whether ``value`` is a pandas Series, without importing pandas.

    A Series can only exist once pandas has been imported, so the formula
    modules need not import pandas themselves (the command line stays fast).

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    bool
        True for a ``pandas.Series``.

    Examples
    --------
    >>> is_series(1.0)
    False
    >>> import pandas as pd
    >>> is_series(pd.Series([1.0]))
    True
    """
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.Series)


def as_numeric(value: Any, name: str) -> Numeric:
    """Return ``value`` as a float, a float ndarray or a float64 Series.

    Parameters
    ----------
    value : float, int, sequence, ndarray or Series
        The argument.
    name : str
        The argument's name, used in the error message.

    Returns
    -------
    float, ndarray or Series
        A Series keeps its index and name; lists become arrays.

    Raises
    ------
    DataValidationError
        If the value is not numeric.

    Examples
    --------
    >>> as_numeric(3, "mass")
    3.0
    >>> as_numeric([1, 2], "mass")
    array([1., 2.])
    """
    if is_python_number(value):
        return real_float(value)
    if value is None:
        raise DataValidationError(
            f"{name} is None; give a number, a NumPy array or a pandas Series (a missing "
            "value inside an array or Series is NaN)"
        )
    import numpy as np

    _refuse_non_measurements(value, name)
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(value, pandas.DataFrame):
        raise DataValidationError(
            f"{name} must be a number, a NumPy array or a pandas Series; got a DataFrame "
            f"(columns {', '.join(map(str, value.columns[:5]))}). Pass one column, "
            "e.g. table['yield_kg_mu']"
        )
    try:
        if is_series(value):
            return value.astype("float64")
        if isinstance(value, bool):
            raise TypeError("bool")
        if isinstance(value, (np.integer, np.floating)):
            return float(value)
        array = np.asarray(value, dtype=float)
    except OverflowError:
        raise DataValidationError(
            f"{name} holds an integer too large for a number ({_first_huge(value)}); give "
            "the measured values (a mass, area or percentage is far below 1e308)"
        ) from None
    except (TypeError, ValueError) as exc:
        shown = _first_non_numeric(value)
        raise DataValidationError(
            f"{name} must be a number, a NumPy array or a pandas Series of numbers; "
            f"got {shown} ({type(value).__name__}). Convert text cells to numbers first."
        ) from exc
    return float(array) if array.ndim == 0 else array


def _first_huge(value: Any) -> str:
    """Return the first integer of ``value`` that a float cannot hold, shortened."""
    import numpy as np

    for item in np.asarray(value, dtype=object).reshape(-1):
        try:
            float(item)
        except OverflowError:
            text = str(item)
            return text if len(text) <= 20 else f"{text[:8]}...{text[-4:]} ({len(text)} digits)"
        except (TypeError, ValueError):
            continue
    return "?"


def _first_text(value: Any) -> str | None:
    """Describe the first text (or bytes) in ``value``, where it is; None when there is none.

    NumPy and pandas would read ``"12"`` as 12 where a number is expected (and the bytes
    ``b"5"`` as 5); trial.toml and the command line refuse a number written as text.
    """
    import numpy as np

    if isinstance(value, str | bytes):
        return repr(value)
    dtype = getattr(value, "dtype", None)
    if dtype is None and not isinstance(value, list | tuple):
        return None
    if dtype is not None and getattr(dtype, "kind", "") not in ("O", "U", "S"):
        return None  # float, int, bool, dates: no text possible
    cells = value.tolist() if hasattr(value, "tolist") else list(value)
    flat = np.asarray(cells, dtype=object).reshape(-1)
    for position, item in enumerate(flat):
        if isinstance(item, str | bytes):
            labels = list(value.index) if is_series(value) else None
            where = f"index {_label(labels[position])!r}" if labels else f"position {position}"
            return f"{item!r} at {where}"
    return None


def _refuse_non_measurements(value: Any, name: str) -> None:
    """Refuse booleans, dates and durations, which NumPy and pandas would turn into numbers."""
    import datetime

    import numpy as np

    text = _first_text(value)
    if text is not None:
        raise DataValidationError(
            f"{name} must be a number, a NumPy array or a pandas Series of numbers; got {text} "
            "(text). Give the number without quotes, or convert a text column with "
            "pandas.to_numeric first."
        )
    kind = None
    if isinstance(value, bool | np.bool_):
        kind = "a boolean"
    elif isinstance(value, datetime.date | datetime.timedelta | np.datetime64 | np.timedelta64):
        kind = "a date or duration"
    else:
        dtype = getattr(value, "dtype", None)
        if dtype is not None:
            if getattr(dtype, "kind", "") == "b":
                kind = "booleans"
            elif getattr(dtype, "kind", "") in ("M", "m") or "datetime" in str(dtype):
                kind = "dates or durations"
            elif getattr(dtype, "kind", "") == "O":
                cells = value.tolist() if hasattr(value, "tolist") else list(value)
                flat = np.asarray(cells, dtype=object).reshape(-1)
                for item in flat:
                    if isinstance(item, bool | np.bool_):
                        kind = f"a boolean ({item!r})"
                        break
                    if isinstance(item, datetime.date | datetime.timedelta | np.datetime64):
                        kind = f"a date ({item!r})"
                        break
        elif isinstance(value, list | tuple) and any(isinstance(v, bool) for v in value):
            kind = "booleans"
    if kind is not None:
        raise DataValidationError(
            f"{name} must be numbers; got {kind}. Booleans and dates are not measurements: "
            "give the measured values (convert the column with pandas.to_numeric first if it "
            "holds numbers as text)."
        )


def check_aligned(**values: Any) -> None:
    """Refuse inputs that would broadcast or align silently into wrong or missing values.

    Two pandas Series must share their index (pandas would align them and give NaN
    where the labels differ); arrays and Series that are not single numbers must
    have the same length (NumPy would raise a broadcast error, or repeat values).

    Parameters
    ----------
    **values
        Argument name -> value (float, ndarray or Series), as given to a formula.

    Raises
    ------
    DataValidationError
        Naming the two arguments, their lengths or the first index label that differs.

    Examples
    --------
    >>> import numpy as np
    >>> check_aligned(mass=np.array([1.0, 2.0]), moisture_pct=13.0)
    >>> check_aligned(mass=np.array([1.0, 2.0]), moisture_pct=np.array([13.0, 14.0, 15.0]))
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: mass has 2 values but moisture_pct has 3; ...
    """
    import numpy as np

    sized = [
        (name, value)
        for name, value in values.items()
        if is_series(value) or (isinstance(value, np.ndarray) and value.ndim > 0)
    ]
    for (name_a, a), (name_b, b) in zip(sized, sized[1:], strict=False):
        if np.shape(a) != np.shape(b):
            if np.size(a) == 1 or np.size(b) == 1:
                continue
            raise DataValidationError(
                f"{name_a} has {np.size(a)} values but {name_b} has {np.size(b)}; give one "
                "value per plot in each (or a single number for all)."
            )
        if is_series(a) and is_series(b) and not a.index.equals(b.index):
            difference = [x for x, y in zip(a.index, b.index, strict=False) if x != y]
            first = f" (first difference: {difference[0]!r})" if difference else ""
            raise DataValidationError(
                f"{name_a} and {name_b} are Series with different indexes{first}; pandas "
                "would pair them by label and give NaN where the labels differ. Align them "
                "(e.g. b.reindex(a.index)) or pass plain arrays."
            )


def check_setting_finite(name: str, value: Numeric) -> None:
    """Refuse a NaN or infinite value where a setting, not a measurement, is expected.

    A missing measurement is NaN and passes :func:`check_range`; a setting such as
    the standard moisture has no missing value: NaN there would make every result NaN.

    Parameters
    ----------
    name : str
        The argument's name.
    value : float, ndarray or Series
        The setting.

    Raises
    ------
    DataValidationError
        If any value is NaN or infinite.

    Examples
    --------
    >>> check_setting_finite("standard_moisture_pct", 13.0)
    >>> check_setting_finite("standard_moisture_pct", float("nan"))
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: standard_moisture_pct must be a finite number; got nan...
    """
    if is_python_number(value):
        if value == value and value not in (float("inf"), float("-inf")):
            return
        given = f"{float(value)!r}"
    else:
        import numpy as np

        values = _values(value)
        bad = ~np.isfinite(values)
        if not bad.any():
            return
        given = _where(value, bad)
        given = given.removeprefix("got ")
    raise DataValidationError(
        f"{name} must be a finite number; got {given}. It is a setting, not a measurement, so "
        "it cannot be missing: give the value (e.g. 13 for 13 %)."
    )


def _label(label: Any) -> Any:
    """Return an index label as Python shows it: ``10``, not ``np.int64(10)``."""
    item = getattr(label, "item", None)
    return item() if callable(item) and type(label).__module__ == "numpy" else label


def _first_non_numeric(value: Any) -> str:
    """Describe the first element that is not a number (or the value itself)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return repr(value)
    import numpy as np

    labels = list(value.index) if is_series(value) else None
    for position, item in enumerate(np.asarray(value, dtype=object).reshape(-1)):
        try:
            float(item)
        except (TypeError, ValueError):
            where = f"index {_label(labels[position])!r}" if labels else f"position {position}"
            return f"{item!r} at {where}"
    return type(value).__name__


def check_result_finite(name: str, result: Numeric) -> None:
    """Refuse a result that overflowed to infinity (an input far out of scale, e.g. 1e308).

    Parameters
    ----------
    name : str
        What was computed (``"the converted yield"``).
    result : float, ndarray or Series
        The result; NaN (a missing input) passes.

    Raises
    ------
    DataValidationError
        If any value is infinite.

    Examples
    --------
    >>> check_result_finite("the converted yield", 6630.0)
    >>> check_result_finite("the converted yield", float("inf"))
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: the converted yield is too large to compute ...
    """
    if is_python_number(result):
        infinite = result in (float("inf"), float("-inf"))
    else:
        import numpy as np

        infinite = bool(np.isinf(_values(result)).any())
    if infinite:
        raise DataValidationError(
            f"{name} is too large to compute (it overflows to infinity); an input is far out "
            "of scale (e.g. 1e308): correct the value"
        )


def as_output(result: Any, *, name: str | None | object = ...) -> Numeric:
    """Return a NumPy scalar or 0-d array as a Python float, other kinds unchanged.

    Parameters
    ----------
    result : float, ndarray or Series
        A computed value (a new object, never the caller's input: a Series is renamed in
        place).
    name : str or None, optional
        Name given to a Series result (the formula's quantity with its unit,
        ``"moisture_dry_basis_pct"``), so that pandas' arithmetic does not decide it
        (two differently named Series gave ``None``); left as it is when omitted.

    Returns
    -------
    float, ndarray or Series
        ``float`` for scalars; arrays and Series as given.

    Examples
    --------
    >>> import numpy as np
    >>> type(as_output(np.float64(1.5))).__name__
    'float'
    """
    if is_series(result):
        if name is not ...:
            result.name = name
        return result
    numpy = sys.modules.get("numpy")  # an ndarray exists only once NumPy is imported
    if numpy is not None and isinstance(result, numpy.ndarray) and result.ndim > 0:
        return result
    return float(result)


def _values(value: Numeric) -> np.ndarray:
    import numpy as np

    return np.atleast_1d(np.asarray(value, dtype=float))


def _where(value: Numeric, mask: np.ndarray) -> str:
    """Describe where the first flagged value sits (index label or position)."""
    import numpy as np

    positions = np.flatnonzero(mask)
    count = positions.size
    first = int(positions[0])
    given = float(_values(value)[first])
    if is_series(value):
        place = f"at index {_label(value.index[first])!r}"
    elif isinstance(value, np.ndarray) and value.ndim > 0:
        place = f"at position {first}"
    else:
        return f"got {message_number(given)}"
    more = f"; {count} values out of range" if count > 1 else ""
    return f"got {message_number(given)} {place}{more}"


def outside_interval(
    values: Any,
    low: float | None,
    high: float | None,
    low_inclusive: bool,
    high_inclusive: bool,
) -> Any:
    """Whether values lie outside an interval; NaN never does.

    Parameters
    ----------
    values : float or ndarray
        The values.
    low, high : float, optional
        Interval bounds; ``None`` means unbounded.
    low_inclusive, high_inclusive : bool
        Whether each bound itself is allowed.

    Returns
    -------
    bool or ndarray of bool
        A bool for a number, an element-wise mask for an array (a plain ``False``
        when both bounds are ``None``).

    Examples
    --------
    >>> outside_interval(100.0, 0, 100, True, False)
    True
    >>> outside_interval(float("nan"), 0, 100, True, False)
    False
    """
    below = low is not None and (values < low if low_inclusive else values <= low)
    above = high is not None and (values > high if high_inclusive else values >= high)
    return below | above


def check_range(
    name: str,
    value: Numeric,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = False,
    fix: str = "",
) -> None:
    """Raise if a non-NaN value lies outside the interval given by ``low`` and ``high``.

    Parameters
    ----------
    name : str
        The argument's name, used in the message.
    value : float, ndarray or Series
        The values to check.  NaN passes.
    low, high : float, optional
        Interval bounds; ``None`` means unbounded.
    low_inclusive, high_inclusive : bool
        Whether each bound itself is allowed.
    fix : str
        A hint on how to fix the input, appended to the message.

    Raises
    ------
    DataValidationError
        Naming the argument, the interval, the first offending value and where it is.

    Examples
    --------
    >>> check_range("moisture_pct", 13.0, low=0, high=100)
    >>> check_range("moisture_pct", 100.0, low=0, high=100)
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: moisture_pct must be in [0, 100); got 100
    """
    if is_python_number(value):
        number = float(value)
        infinite = number in (float("inf"), float("-inf"))
        if not infinite and not outside_interval(number, low, high, low_inclusive, high_inclusive):
            return
        where = f"got {message_number(number)}"
        finite = " a finite number" if infinite else ""
    else:
        import numpy as np

        values = _values(value)
        with np.errstate(invalid="ignore"):
            bad = outside_interval(values, low, high, low_inclusive, high_inclusive)
        infinite_values = np.isinf(values)
        bad = np.asarray(bad) | infinite_values  # infinity is never a measurement
        if not np.any(bad):
            return
        where = _where(value, bad)
        finite = " a finite number" if infinite_values.any() else ""
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    message = f"{name} must be{finite} in {left}{lo}, {hi}{right}; {where}"
    if fix:
        message += f". {fix}"
    raise DataValidationError(message)


def check_not_fraction(name: str, value: Numeric) -> None:
    """Raise if a percent argument looks like it was given as a fraction.

    A value (scalar) or every non-NaN value (array, Series) lying in [0, 1] with at
    least one above 0 is taken as a fraction: grain moisture of 1 % or less does
    not occur, so 0.13 almost certainly means 13 %.

    Parameters
    ----------
    name : str
        The argument's name, used in the message.
    value : float, ndarray or Series
        The values to check.

    Raises
    ------
    DataValidationError
        Suggesting to multiply by 100.

    Examples
    --------
    >>> check_not_fraction("moisture_pct", 13.0)
    >>> check_not_fraction("moisture_pct", 0.0)
    >>> check_not_fraction("moisture_pct", 0.13)
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: moisture_pct is a percentage (0-100) but got 0.13, ...
    """
    if is_python_number(value):
        if not 0 < value <= 1:  # NaN fails the comparison and passes
            return
        shown = message_number(value)
        first = float(value)
    else:
        import numpy as np

        values = _values(value)
        finite = values[~np.isnan(values)]
        if finite.size == 0 or not ((finite >= 0) & (finite <= 1)).all() or not (finite > 0).any():
            return
        shown = (
            message_number(finite[0])
            if values.size == 1
            else f"values all in [0, 1] (first {message_number(finite[0])})"
        )
        first = float(finite[0])
    raise DataValidationError(
        f"{name} is a percentage (0-100) but got {shown}, which looks like a fraction. "
        f"Multiply by 100 ({message_number(first)} -> {message_number(first, scale=100)})."
    )


def match_option(value: object, options: Sequence[str]) -> str | None:
    """Return the option ``value`` names ignoring case, spaces and ``-``/``_`` (or None).

    Examples
    --------
    >>> match_option("DRY-MATTER", ("dry_matter", "shrink")), match_option("x", ("a",))
    ('dry_matter', None)
    """
    if not isinstance(value, str):
        return None
    if value in options:
        return value

    def key(text: str) -> str:
        return "".join(text.split()).casefold().replace("-", "_")

    found = [option for option in options if key(option) == key(value)]
    return found[0] if len(found) == 1 else None


def did_you_mean(value: object, options: Sequence[str], *, cutoff: float = 0.75) -> str:
    """Return `` (did you mean 'rcbd'?)`` for a typing error close to one option, else ''.

    Parameters
    ----------
    value : object
        What was given.
    options : sequence of str
        The valid spellings.
    cutoff : float, default 0.75
        Least :class:`difflib.SequenceMatcher` ratio (ignoring case) of a suggestion.

    Returns
    -------
    str
        The suggestion, with a leading space, or ''.

    Examples
    --------
    >>> did_you_mean("rcdb", ("crd", "rcbd")), did_you_mean("potato", ("wheat",))
    (" (did you mean 'rcbd'?)", '')
    """
    import difflib

    if not isinstance(value, str) or not value.strip():
        return ""
    folded = {option.casefold(): option for option in options}
    close = difflib.get_close_matches(value.strip().casefold(), list(folded), n=1, cutoff=cutoff)
    return f" (did you mean {folded[close[0]]!r}?)" if close else ""


def check_option(name: str, value: object, options: Sequence[str], *, fold: bool = False) -> str:
    """Return ``value`` if it is one of ``options``, else raise listing them.

    Parameters
    ----------
    name : str
        The argument's name.
    value : object
        The given option.
    options : sequence of str
        The valid options.
    fold : bool, default False
        Also accept ``value`` spelt in another case or with ``-`` for ``_`` (and back)
        (:func:`match_option`): protocol and moisture method names.

    Returns
    -------
    str
        ``value`` (the option as spelt in ``options`` with ``fold``).

    Raises
    ------
    DataValidationError
        If ``value`` is not among ``options``.

    Examples
    --------
    >>> check_option("method", "dry_matter", ("dry_matter", "shrink"))
    'dry_matter'
    >>> check_option("method", "Dry_Matter", ("dry_matter", "shrink"), fold=True)
    'dry_matter'
    """
    found = match_option(value, options) if fold else value
    if not isinstance(found, str) or found not in options:
        raise DataValidationError(
            f"unknown {name} {shown(value)}{did_you_mean(value, options)}; expected one of: "
            f"{', '.join(options)}"
        )
    return found
