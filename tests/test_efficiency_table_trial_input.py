"""efficiency_table / economics_table given a FieldTrial say which method to call (stop 45)."""

from __future__ import annotations

import pytest

import yieldtrial as yt
from yieldtrial.datasets import load_example
from yieldtrial.errors import DataValidationError

FERTILIZER = {"CK1": {"product": "15-15-15", "rate_kg_ha": 600}}


def test_efficiency_table_given_a_trial_names_trial_efficiency():
    trial = load_example("replicated-rcbd")
    with pytest.raises(DataValidationError, match=r"got FieldTrial\. For a FieldTrial call its "
                       r"methods, trial\.efficiency\(fertilizer\)"):  # fmt: skip
        yt.efficiency_table(trial, FERTILIZER)


def test_economics_table_given_a_trial_names_trial_economics():
    trial = load_example("replicated-rcbd")
    with pytest.raises(DataValidationError, match=r"trial\.economics\(\.\.\.\)"):
        yt.economics_table(trial, FERTILIZER, control="CK1", grain_price_per_kg=2.4, currency="CNY")
