"""The methods describe Hsu's factor-analytic approximation of a large dense family as such."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from yieldtrial.report.sections.header import _dunnett_accuracy

#: An augmented trial's plots: CK in both blocks, entries E1-E3 once; _PREP plants E2 twice.
_AUGMENTED = pd.DataFrame(
    {
        "block": ["1", "1", "1", "2", "2"],
        "treatment": ["CK", "E1", "E2", "CK", "E3"],
        "entry_type": ["check", "entry", "entry", "check", "entry"],
    }
)
_PREP = pd.concat([_AUGMENTED, _AUGMENTED.iloc[[2]].assign(block="2")], ignore_index=True)


def _ctx(note: str, plots: pd.DataFrame = _AUGMENTED) -> SimpleNamespace:
    frame = pd.DataFrame({"p_adj": [0.5]})
    frame.attrs["accuracy"] = note
    frame.attrs["accuracy_abs_error"] = 2.5e-4
    design = SimpleNamespace(design="augmented")
    return SimpleNamespace(comparisons=frame, s=design, plots=plots, used=plots)


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


def test_augmented_note_gives_the_block_adjustment_sentence(monkeypatch) -> None:
    """An absorbed augmented trial's vs-control note and methods sentence name the design.

    62 comparisons (> 50: the near product form); on so small a family the Li-Shao bound
    is loose (about 0.1, a borderline warning, ignored here), which is why such trials
    keep the general fit (``ABSORB_MIN_TREATMENTS``).  The family holds the other checks
    and CK1 is lost in block B1, CK2 in B3: not of exact bifactor form (with every check
    in every block, or entries alone, it is, stop 43, and gets the nested quadrature's
    sentence).
    """
    import warnings

    import numpy as np

    import yieldtrial.stats.augmented as aug
    from yieldtrial.errors import YieldTrialWarning
    from yieldtrial.stats.compare import compare_means_to_control

    rng = np.random.default_rng(47)
    rows = [(f"B{j}", f"CK{k}", 7000.0 + 300 * k + rng.normal(0, 400)) for j in range(5)
            for k in range(3) if (j, k) not in ((1, 1), (3, 2))]  # fmt: skip
    rows += [(f"B{e % 5}", f"E{e:03d}", 7000.0 + rng.normal(0, 700)) for e in range(60)]
    df = pd.DataFrame(rows, columns=["block", "treatment", "y"])
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 0)
    res = aug.augmented_anova(df, response="y", treatment="treatment", block="block")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        out = compare_means_to_control(res.means_model(), control=res.best_check)
    note = str(out.attrs.get("accuracy", ""))
    assert "augmented design" in note and "missing plots" not in note
    for lang, word in (("en", "block's effect"), ("zh", "区组的效应")):
        text = _dunnett_accuracy(_ctx(note), lang)
        assert word in text and "2.5e-04" in text
        assert "missing plots" not in text and "缺区" not in text


def test_p_rep_note_says_the_replicated_entries_estimate_the_blocks() -> None:
    """A p-rep trial: blocks from the checks and the replicated entries.

    The wording follows the model's origin, which the library's note states
    (``augmented_prep``: "block effects estimated from the checks and the replicated
    entries", stats.compare), not a count of the report's plots (stop 46): an augmented
    note over the p-rep plots keeps the plain wording.
    """
    prep = "... entries adjusted by block effects estimated from the checks and the replicated "
    prep += "entries (augmented design) differ ..."
    note = "product-form correlation ... checks' block effects (augmented design) differ ..."
    for lang, words in (
        ("en", "(estimated from the checks and the replicated entries)"),
        ("zh", "（由对照和重复的参试材料估计）"),
    ):
        assert words in _dunnett_accuracy(_ctx(prep, _PREP), lang)
        assert words not in _dunnett_accuracy(_ctx(note, _PREP), lang)
