"""A spy on pyarrow's memory pool: which tests saw the reader give pages back (stop 45).

Used by ``tests/test_io_reading_stop44.py`` and ``tests/test_report_memory_stop36.py``,
which each carried a copy of the spy class.
"""

from __future__ import annotations

import pytest


def spy_release_unused(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace pyarrow's default memory pool by a spy; return the list of its releases.

    Each call of ``release_unused`` on the pool appends ``"release"`` (and gives nothing
    back); every other attribute is the real pool's.  Skips the test without pyarrow.
    """
    pa = pytest.importorskip("pyarrow")
    calls: list[str] = []
    pool = pa.default_memory_pool()

    class Spy:
        def release_unused(self) -> None:
            calls.append("release")

        def __getattr__(self, name: str) -> object:
            return getattr(pool, name)

    monkeypatch.setattr(pa, "default_memory_pool", lambda: Spy())
    return calls
