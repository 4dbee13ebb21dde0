"""Exceptions and warnings raised by yieldtrial.

Every error that bad input can cause is a :class:`YieldTrialError`; the CLI turns
it into one line on stderr and exit status 1.  Messages follow one pattern: what
is wrong, where (column, row, plot), what was expected, what was given, and how
to fix it.
"""

from __future__ import annotations

__all__ = ["DataValidationError", "YieldTrialError", "YieldTrialWarning", "MissingExtraError"]


class YieldTrialError(Exception):
    """Base class of every error yieldtrial raises on purpose."""


class DataValidationError(YieldTrialError, ValueError):
    """Input data or arguments are impossible (missing column, moisture >= 100 %, ...)."""


class MissingExtraError(YieldTrialError, ImportError):
    """An optional dependency (an extra such as ``xlsx`` or ``docx``) is not installed."""

    def __init__(self, package: str, extra: str, feature: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{feature} needs the optional package '{package}', which is not installed; "
            f"install it with: pip install 'yieldtrial[{extra}]'"
        )


class YieldTrialWarning(UserWarning):
    """Input is possible but suspicious (wheat harvested at 5 % moisture, CV above 15 %)."""
