"""Dates of trial.toml: ISO calendar dates (``2023-10-08``), checked as the calendar has them.

``[conditions] sowing_date``, ``harvest_date`` and a fertilization entry's ``date`` are
printed in the report's trial information; a date that does not exist (``2024-13-45``) or
is not written as year-month-day (``10/08/2023`` reads as 8 October or 10 August) was
printed as given.  :func:`check_iso_date` refuses both with one line naming the key.
"""

from __future__ import annotations

import calendar
import datetime
import re

from yieldtrial.errors import DataValidationError

__all__ = ["check_iso_date"]

#: Year-month-day, extended (``2023-10-08``) or basic (``20231008``) ISO 8601 form.
_ISO_DATE = re.compile(r"(?P<year>\d{4})(?P<dash>-?)(?P<month>\d{2})(?P=dash)(?P<day>\d{2})")


def check_iso_date(key: str, value: object, where: str) -> None:
    """Refuse a date value that is not an existing calendar date written year-month-day.

    Parameters
    ----------
    key : str
        The key, for the message (``sowing_date``).
    value : object
        The TOML value: a TOML date (``sowing_date = 2023-10-08``), text or a number
        (``20231008``, read as its text).
    where : str
        Where the key is, for the message (``'trial.toml': [conditions]``).

    Raises
    ------
    DataValidationError
        Text that is not year-month-day, or a month or day the calendar does not have.

    Examples
    --------
    >>> check_iso_date("sowing_date", "2023-10-08", "trial.toml: [conditions]")
    >>> check_iso_date("sowing_date", "2024-13-45", "trial.toml: [conditions]")
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: trial.toml: [conditions]: sowing_date = '2024-13-45' is not a calendar date (there is no month 13); write the date as year-month-day, e.g. sowing_date = "2023-10-08".
    """  # noqa: E501
    if isinstance(value, datetime.date):  # a TOML date or date-time: the calendar's own
        return
    text = str(value).strip()
    fix = f'write the date as year-month-day, e.g. {key} = "2023-10-08".'
    found = _ISO_DATE.fullmatch(text)
    if found is None:  # a TOML time (10:30:00) shown as written, not as datetime.time(10, 30)
        shown = repr(value.isoformat()) if isinstance(value, datetime.time) else repr(value)
        raise DataValidationError(f"{where}: {key} = {shown} is not an ISO date; {fix}")
    year, month, day = (int(found[name]) for name in ("year", "month", "day"))
    if year == 0:  # the calendar (and datetime) starts at year 1
        reason = "there is no year 0"
    elif not 1 <= month <= 12:
        reason = f"there is no month {month}"
    elif not 1 <= day <= (days := calendar.monthrange(year, month)[1]):
        reason = f"{calendar.month_name[month]} {year} has {days} days"
    else:
        return
    raise DataValidationError(
        f"{where}: {key} = {value!r} is not a calendar date ({reason}); {fix}"
    )
