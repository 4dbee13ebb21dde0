"""The caller's process-wide settings while yieldtrial computes: warning filters, NumPy errors.

Python's :class:`warnings.catch_warnings` saves the process-wide filter list on entry and
puts it back on exit.  Two threads analysing two trials at once interleaved those saves
(stop 48): thread B saved the list while thread A's ``"always"`` filter was in it, and put
it back after A had restored its own, so the caller's filters kept yieldtrial's filter
after both calls; and a warning of one thread was recorded by the other thread's block and
shown, or lost, there (4 of 8 expected warnings arrived).  :func:`held_warnings` is
``catch_warnings`` behind one re-entrant lock: yieldtrial's blocks that hold or silence
warnings run one at a time, so each sees its own warnings and the list is the caller's
again afterwards.  Threads still give each trial its own right result; the parts of two
analyses that hold warnings run one after the other.

:func:`numpy_defaults` runs a computation under NumPy's default floating-point error
handling (``under="ignore"``, the rest ``"warn"``), whatever the caller set with
``np.seterr``: an underflow to zero inside the studentized range, harmless and expected,
raised ``FloatingPointError`` out of ``FieldTrial.means()`` under
``np.seterr(all="raise")`` (stop 48).  The caller's setting is back on exit.

May import: the standard library; NumPy lazily.  (In :mod:`yieldtrial.io` for its early stage: the
statistics, the trial, the report and the commands all hold warnings.)
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator

__all__ = ["held_warnings", "numpy_defaults"]

_LOCK = threading.RLock()


@contextlib.contextmanager
def held_warnings(*, record: bool = False) -> Iterator[list[warnings.WarningMessage]]:
    """:class:`warnings.catch_warnings`, one thread at a time.

    Parameters
    ----------
    record : bool, default False
        Collect the warnings into the list yielded, as ``catch_warnings(record=True)``.

    Yields
    ------
    list of warnings.WarningMessage
        The recorded warnings (``record=True``), else an empty list.

    Examples
    --------
    >>> import warnings
    >>> before = list(warnings.filters)
    >>> with held_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("held")
    >>> [str(item.message) for item in caught], warnings.filters == before
    (['held'], True)
    """
    with _LOCK, warnings.catch_warnings(record=record) as caught:
        yield caught if caught is not None else []


@contextlib.contextmanager
def numpy_defaults() -> Iterator[None]:
    """Run the block under NumPy's default floating-point error handling.

    Examples
    --------
    >>> import numpy as np
    >>> old = np.seterr(all="raise")
    >>> with numpy_defaults():
    ...     float(np.exp(np.float64(-1000.0)))  # an underflow: ignored, as by default
    0.0
    >>> np.geterr()["under"]
    'raise'
    >>> _ = np.seterr(**old)
    """
    import numpy as np

    with np.errstate(divide="warn", over="warn", under="ignore", invalid="warn"):
        yield
