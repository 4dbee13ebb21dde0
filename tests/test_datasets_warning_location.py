"""load_example's warnings point at the user's line, not at yieldtrial's (stop 45)."""

from __future__ import annotations

import warnings

from yieldtrial.datasets import load_example
from yieldtrial.errors import YieldTrialWarning


def test_load_example_warning_is_attributed_to_the_callers_line():
    # the README's quick start: jinzhong-2024's 5 % moisture is implausible for wheat
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_example("jinzhong-2024")
    ours = [item for item in caught if issubclass(item.category, YieldTrialWarning)]
    assert ours, "the 5 % moisture warning was not raised"
    assert {item.filename for item in ours} == {__file__}
