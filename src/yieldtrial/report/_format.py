"""Small text helpers shared by the report sections (numbers, P values, lists, labels)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from yieldtrial.io._rounding import fixed
from yieldtrial.report.i18n import (
    factor_label,
    source_label,
    spaced,
    t,
)
from yieldtrial.report.model import DEFAULT_NUMBER_STYLE, NumberStyle

__all__ = [
    "CV_DIGITS",
    "CV_STRATUM_DESIGNS",
    "attr_or",
    "design_label",
    "factor_label",
    "fmt_count",
    "fmt_number",
    "fmt_p",
    "fmt_signed",
    "join_list",
    "source_label",
    "spaced",
    "status_label",
    "string_keys",
    "yield_digits",
]


def attr_or(obj: Any, name: str, default: Any = None) -> Any:
    value = getattr(obj, name, default)
    return default if value is None else value


#: Decimals of a coefficient of variation [%], the same in every table and sentence.
CV_DIGITS = 1

#: Designs with a CV per error stratum: the report names the innermost one's (CV(b), CV(c)).
CV_STRATUM_DESIGNS = ("split_plot", "strip_plot")


def fmt_number(value: Any, digits: int = 2, style: NumberStyle | None = None) -> str:
    """Format a number for report text, in the report's one number style.

    Thousands separators from 10,000 on in sentences
    (:data:`yieldtrial.report.model.DEFAULT_NUMBER_STYLE`); ``style`` gives another
    grouping, e.g. a table's footer grouped as the report's tables, from 1,000 on
    (:data:`yieldtrial.report.model.REPORT_NUMBER_STYLE`).

    Examples
    --------
    >>> fmt_number(40149.94, 1), fmt_number(7028.04, 1), fmt_number(float("nan"))
    ('40,149.9', '7028.0', '–')
    >>> fmt_number(7028.04, 1, NumberStyle(group_from=1000.0))
    '7,028.0'
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "–"
    return (style or DEFAULT_NUMBER_STYLE).number(number, digits)


def fmt_count(value: Any) -> str:
    """Format a count (sites, plots, wins, degrees of freedom) for report text.

    Counts take a thousands separator from 1,000 on, in English and Chinese reports
    alike ("2,040 个试点"), unlike measurements, whose separators start at 10,000
    (:func:`fmt_number`).  A value that is not a whole number is shown as given.

    Examples
    --------
    >>> fmt_count(2040), fmt_count(999), fmt_count(4010.0), fmt_count(12.5)
    ('2,040', '999', '4,010', '12.5')
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "–"
    return f"{int(number):,}" if number.is_integer() else f"{number:g}"


def fmt_signed(value: Any, digits: int = 1) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return fixed(number, digits, sign=True) if math.isfinite(number) else "–"


def fmt_p(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(number):
        return "–"
    return "<0.001" if number < 0.001 else fixed(number, 3)


def yield_digits(unit: str) -> int:
    return 1 if unit in ("kg/ha", "lb/ac") else 2


def join_list(items: Sequence[str], lang: str) -> str:
    return t("list.sep", lang).join(items)


def design_label(design: str, replicated: bool, lang: str, *, one_plot_each: bool = True) -> str:
    """Name the design; without error df "unreplicated" only when each treatment has one plot."""
    if not replicated and one_plot_each:
        return t("design.unreplicated", lang)
    key = f"design.{design}"
    name = t(key, lang) if key in string_keys() else t("design.other", lang, design=design)
    return name if replicated else t("design.no_error_df", lang, design=name)


def string_keys() -> set[str]:  # noqa: N802 - constant-like accessor
    from yieldtrial.report.i18n import STRINGS

    return set(STRINGS)


def status_label(value: Any, lang: str) -> str:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    key = f"status.{text.lower()}"
    return t(key, lang) if key in string_keys() else text


def report_date_text(report_date: object) -> str:
    """Return the date a report prints: the text given, a date's ISO form, or today (UTC).

    Parameters
    ----------
    report_date : str, datetime.date or None
        The date given (``"2024-06-01"``, ``datetime.date(2024, 6, 1)``); None for today.

    Returns
    -------
    str
        The date as printed.

    Raises
    ------
    DataValidationError
        Anything else (a number, NaN, a list, a boolean), which was printed as given
        (``"True"``, ``"nan"``) or failed deep inside (a NumPy scalar's truth value).

    Examples
    --------
    >>> import datetime
    >>> report_date_text("2024-06-01"), report_date_text(datetime.date(2024, 6, 1))
    ('2024-06-01', '2024-06-01')
    """
    import datetime as _dt

    from yieldtrial.errors import DataValidationError

    if report_date is None:
        return _dt.datetime.now(_dt.UTC).date().isoformat()
    if isinstance(report_date, _dt.datetime):
        return report_date.date().isoformat()
    if isinstance(report_date, _dt.date):
        return report_date.isoformat()
    if isinstance(report_date, str) and report_date.strip():
        return report_date.strip()
    raise DataValidationError(
        "report_date must be the date to print as text, e.g. '2024-06-01', a "
        f"datetime.date, or None for today; got {report_date!r} ({type(report_date).__name__})"
    )
