"""Exceptions and warnings raised by yieldtrial.

Every error that bad input can cause is a :class:`YieldTrialError`; the CLI turns
it into one line on stderr and exit status 1.  Messages follow one pattern: what
is wrong, where (column, row, plot), what was expected, what was given, and how
to fix it.
"""

from __future__ import annotations

__all__ = [
    "BorderlineVerdictWarning",
    "DataValidationError",
    "FileAccessError",
    "MissingExtraError",
    "UnknownNameError",
    "WrongTypeError",
    "YieldTrialError",
    "YieldTrialWarning",
]


class YieldTrialError(Exception):
    """Base class of every error yieldtrial raises on purpose."""


class DataValidationError(YieldTrialError, ValueError):
    """Input data or arguments are impossible (missing column, moisture >= 100 %, ...)."""


class FileAccessError(YieldTrialError, OSError):
    """A file cannot be read or written (missing, a folder, disk full, read-only, ...).

    The message names the path and says what to do; ``errno`` and ``filename`` are set
    as on the :class:`OSError` it replaces, so ``except OSError`` still catches it.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class WrongTypeError(YieldTrialError, TypeError):
    """An argument of the wrong kind (a list where a DataFrame is read, a DataFrame as a path).

    The message names the argument, what it takes and what was given; it is a
    :class:`TypeError` too, so ``except TypeError`` still catches it.
    """


class UnknownNameError(YieldTrialError, KeyError):
    """A name looked up that is not there (a report section, a level, an error term).

    The message lists the names there are; it is a :class:`KeyError` too, so
    ``except KeyError`` still catches it, but prints as a sentence, not a quoted key.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


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


class BorderlineVerdictWarning(YieldTrialWarning):
    """Adjusted P values (Dunnett, Tukey) lie within their stated numerical error of alpha.

    A :class:`YieldTrialWarning` of its own class, so that a caller repeating comparisons
    already warned of can leave the repeat out by category: the report's efficiency and
    economics sections compute Dunnett's intervals again from the model whose comparisons
    the report has warned of once (stop 50).
    """
