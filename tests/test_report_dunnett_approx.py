"""The methods describe Hsu's factor-analytic approximation of a large dense family as such."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from yieldtrial.report.sections.header import _dunnett_accuracy


def _ctx(note: str) -> SimpleNamespace:
    frame = pd.DataFrame({"p_adj": [0.5]})
    frame.attrs["accuracy"] = note
    frame.attrs["accuracy_abs_error"] = 2.5e-4
    return SimpleNamespace(comparisons=frame)


def test_factor_analytic_note_gives_the_approximation_sentence() -> None:
    note = "nearest product-form correlation ... (Hsu's factor-analytic approximation, 1-D ...)"
    for lang, word in (("en", "factor-analytic approximation"), ("zh", "因子分析近似")):
        text = _dunnett_accuracy(_ctx(note), lang)
        assert word in text
        assert "2.5e-04" in text
        assert "missing plots" not in text and "缺区" not in text


def test_missing_plot_note_keeps_the_missing_plot_sentence() -> None:
    text = _dunnett_accuracy(_ctx("product-form correlation ... missing plots ..."), "en")
    assert "missing plots" in text
