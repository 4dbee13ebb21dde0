"""Environment variables the libraries under yieldtrial read, checked before a command runs.

``SOURCE_DATE_EPOCH`` (the reproducible-builds time stamp) is read by NumPy when SciPy is
imported and by Matplotlib when it saves a figure, both with ``int(...)``: a value that is
not a whole number of seconds (``abc``, empty) or beyond the calendar (``1e20`` seconds)
ended ``report`` in an internal error (exit 3) deep inside an import.
"""

from __future__ import annotations

import datetime
import os

from yieldtrial.errors import DataValidationError

__all__ = ["check_environment"]


def check_environment() -> None:
    """Refuse a ``SOURCE_DATE_EPOCH`` that NumPy or Matplotlib cannot read.

    Raises
    ------
    DataValidationError
        The value is not whole seconds since 1970-01-01 up to the year 9999 (one line
        naming the variable, its value and the fix).

    Examples
    --------
    >>> import os
    >>> os.environ["SOURCE_DATE_EPOCH"] = "abc"
    >>> check_environment()
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: the environment variable SOURCE_DATE_EPOCH = 'abc' is not a time in whole seconds since 1970-01-01 (NumPy and Matplotlib, which yieldtrial uses, read it); set it to a number of seconds such as 1700000000, or unset it (unset SOURCE_DATE_EPOCH)
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    >>> check_environment()
    """  # noqa: E501
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return
    try:
        datetime.datetime.fromtimestamp(int(value), datetime.UTC)
    except (ValueError, OverflowError, OSError):
        shown = value if len(value) <= 40 else f"{value[:20]}...{value[-8:]}"
        raise DataValidationError(
            f"the environment variable SOURCE_DATE_EPOCH = {shown!r} is not a time in whole "
            "seconds since 1970-01-01 (NumPy and Matplotlib, which yieldtrial uses, read it); "
            "set it to a number of seconds such as 1700000000, or unset it "
            "(unset SOURCE_DATE_EPOCH)"
        ) from None
