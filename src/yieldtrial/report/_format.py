"""Small text helpers shared by the report sections (numbers, P values, lists, labels)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from yieldtrial.io._rounding import fixed
from yieldtrial.report.i18n import (
    factor_label,
    source_label,
    spaced,
    t,
)
from yieldtrial.report.model import REPORT_NUMBER_STYLE, NumberStyle

if TYPE_CHECKING:
    import datetime

    import pandas as pd

__all__ = [
    "CV_DIGITS",
    "CV_STRATUM_DESIGNS",
    "OUTLIERS_LISTED",
    "attr_or",
    "design_label",
    "factor_label",
    "fmt_count",
    "fmt_number",
    "fmt_p",
    "fmt_signed",
    "group_numeral",
    "join_list",
    "outlier_items",
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


def fmt_number(
    value: Any, digits: int = 2, style: NumberStyle | None = None, *, sign: bool = False
) -> str:
    """Format a measured quantity for report text, grouped as the report's tables.

    A yield, mean, difference, SED, LSD, mean square, mass or area in a sentence gets
    thousands separators from 1,000 on, as every report table writes it
    (:data:`yieldtrial.report.model.REPORT_NUMBER_STYLE`): "yields ranged from 6,719.5
    to 7,230.4 kg/ha" above a table showing "7,134.0" (the sentence read "6719.5", stop
    46).  ``style`` gives another grouping; ``sign`` prints a "+" before a positive value
    (a difference).  Identifiers (years, plot ids, labels, seeds, versions) are not
    quantities: format them with ``str``, never with this function.

    Parameters
    ----------
    value : float
        The number (anything ``float`` accepts); other values are printed as given.
    digits : int
        Decimals shown.
    style : NumberStyle, optional
        The grouping (default :data:`~yieldtrial.report.model.REPORT_NUMBER_STYLE`).
    sign : bool
        Whether a positive value (and zero) gets a "+".

    Returns
    -------
    str
        The text; "–" for NaN or an infinity.

    Examples
    --------
    >>> fmt_number(40149.94, 1), fmt_number(7028.04, 1), fmt_number(float("nan"))
    ('40,149.9', '7,028.0', '–')
    >>> fmt_number(1225.84, 1, sign=True), fmt_number(-999.94, 1, sign=True)
    ('+1,225.8', '-999.9')
    >>> fmt_number(7028.04, 1, NumberStyle(group_from=10000.0))
    '7028.0'
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "–"
    style = style or REPORT_NUMBER_STYLE
    if not sign:
        return style.number(number, digits)
    # grouped by the number shown, as NumberStyle.number: 999.96 to one decimal is "+1,000.0"
    grouped = abs(float(fixed(number, digits))) >= style.group_from
    return fixed(number, digits, sign=True, group=style.separator if grouped else "")


def group_numeral(text: str) -> str:
    """Group the thousands of a number typed as text, keeping its decimals as typed.

    A published figure is kept as the text given ("7234.50" keeps its two decimals);
    its sentence groups it as :func:`fmt_number` groups a computed one ("7,234.50").
    Anything that is not a plain decimal numeral is returned unchanged.

    Examples
    --------
    >>> group_numeral("7234.50"), group_numeral("477.36"), group_numeral("-12000")
    ('7,234.50', '477.36', '-12,000')
    >>> group_numeral("7,234.5"), group_numeral("about 7234")
    ('7,234.5', 'about 7234')
    """
    import re

    found = re.fullmatch(r"([+-]?)(\d+)(\.\d*)?", text.strip())
    if found is None:
        return text
    sign, whole, decimals = found.group(1), found.group(2), found.group(3) or ""
    if abs(float(whole + decimals.rstrip("."))) < REPORT_NUMBER_STYLE.group_from:
        return text
    return f"{sign}{int(whole):,}{decimals}".replace(",", REPORT_NUMBER_STYLE.separator)


def fmt_count(value: Any) -> str:
    """Format a count (sites, plots, wins, degrees of freedom) for report text.

    Counts take a thousands separator from 1,000 on, in English and Chinese reports
    alike ("2,040 个试点"), as measurements do (:func:`fmt_number`).  A value that is not
    a whole number is shown as given.

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


#: Possible outliers a report sentence names; above this, the largest
#: |studentized residual| are named and the rest counted (all are in the JSON report).
OUTLIERS_LISTED = 20


def outlier_items(outliers: pd.DataFrame, lang: str) -> str:
    """Name the possible outliers, the largest ``|t|`` first when there are too many.

    The list of the data-quality checks (:mod:`.sections.data`) and of the suspect plots
    a screen named but the outlier test did not flag (:mod:`.sections.checks`).

    Parameters
    ----------
    outliers : DataFrame
        ``plot_id``, ``treatment`` and ``studentized_residual`` (dimensionless) of each
        plot, in the order they are named.
    lang : {"en", "zh"}
        Language of the list separator and of the count of the rest.

    Returns
    -------
    str
        ``"P1 (T1), P7 (CK)"``; above :data:`OUTLIERS_LISTED` plots, the largest
        ``|studentized_residual|`` in their own order and the count of the others.
    """
    import numpy as np

    shown = outliers
    if len(outliers) > OUTLIERS_LISTED:
        size = outliers["studentized_residual"].abs().to_numpy()
        keep = np.sort(np.argsort(-size, kind="stable")[:OUTLIERS_LISTED])
        shown = outliers.iloc[keep]
    items = [f"{r.plot_id} ({r.treatment})" for r in shown.itertuples()]
    if len(outliers) > OUTLIERS_LISTED:
        items.append(t("quality.outliers_more", lang, n=len(outliers) - OUTLIERS_LISTED))
    return join_list(items, lang)


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

    "Today" is the date of ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when that
    variable holds whole seconds: the reproducible-builds time stamp, so that a report
    built twice on different days is the same file (stop 48).  Otherwise it is the
    current date in UTC, whatever the local time zone (``TZ``).

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
        return _today_utc().isoformat()
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


def _today_utc() -> datetime.date:
    """Today in UTC, or the date of a ``SOURCE_DATE_EPOCH`` in whole seconds.

    Examples
    --------
    >>> import os
    >>> os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    >>> _today_utc().isoformat()
    '2023-11-14'
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    import datetime as _dt
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit() and len(epoch) <= 11:  # whole seconds, before the year 5000
        return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC).date()
    return _dt.datetime.now(_dt.UTC).date()
