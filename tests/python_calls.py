"""Count the Python function calls of some work: a scaling check that needs no clock.

A test that times work asserts against the machine's load (CI runs on a busy machine);
the number of Python-level calls made is the same on every machine, so "vectorized" and
"linear, not pairwise" can be checked by comparing the counts of two or three sizes.
Speed itself is measured by the scripts in ``benchmarks/``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any


def python_calls(work: Callable[[], object]) -> int:
    """Return how many Python functions ``work()`` called (C functions not counted).

    Examples
    --------
    >>> def twice():
    ...     def inner():
    ...         pass
    ...     inner()
    ...     inner()
    >>> python_calls(twice)
    3
    """
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event == "call":
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(previous)
    return count
