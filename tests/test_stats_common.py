"""Tests of the shared statistics helpers (:mod:`yieldtrial.stats._common`)."""

from __future__ import annotations

import pandas as pd
import pytest

from yieldtrial.errors import DataValidationError


def test_factorize_labels_is_kept_for_an_arrow_text_column_until_it_changes() -> None:
    """The same codes and labels as pandas, kept for the column's arrow array.

    A set cell gives the column a new arrow array, and so a new factorization.
    """
    from yieldtrial.stats._common import factorize_labels

    pytest.importorskip("pyarrow")
    series = pd.Series(["B", "A", None, "B"], dtype="string[pyarrow]")
    for sentinel in (True, False):
        codes, uniques = factorize_labels(series, use_na_sentinel=sentinel)
        want_codes, want_uniques = pd.factorize(series, sort=False, use_na_sentinel=sentinel)
        again, _ = factorize_labels(series, use_na_sentinel=sentinel)
        assert codes.dtype == want_codes.dtype == again.dtype
        assert codes.tolist() == want_codes.tolist() == again.tolist()
        assert list(uniques) == list(want_uniques)
        again[0] = 99  # a fresh array each call: the kept codes are not changed
        assert factorize_labels(series, use_na_sentinel=sentinel)[0].tolist() == codes.tolist()
    frame = pd.DataFrame({"t": series})
    frame.loc[1, "t"] = "C"
    assert factorize_labels(frame["t"])[0].tolist() == [0, 1, -1, 0]
    assert list(factorize_labels(frame["t"])[1]) == ["B", "C"]


@pytest.mark.parametrize("flags", [[True, False, True], pd.array([True, None, True], dtype=object)])
def test_a_true_false_response_is_not_a_measurement(flags) -> None:
    """True/False was read as 1.0/0.0 and analysed (an ANOVA of flags) (stop 39)."""
    from yieldtrial.stats._common import numeric_column

    data = pd.DataFrame({"y": flags})
    with pytest.raises(DataValidationError, match=r"column 'y' must be numeric; it holds True"):
        numeric_column(data, "y", fix="Fix the value.")


# ---------------------------------------------- one exact-fit rule for fixed fits and REML
def _additive_rcbd(noise_ratio: float) -> pd.DataFrame:
    """Return a 4 x 4 RCBD: treatment + block effects plus a pure treatment x block pattern.

    The pattern a_t b_b (a, b centred: -3, -1, 1, 3) is orthogonal to the treatment and
    block effects, so the RCBD's residuals are exactly ``scale * a_t b_b``; ``scale`` is
    chosen so that their root mean square is ``noise_ratio`` times the yields' SD (before
    the pattern is added: it changes that SD by less than 1e-9 of itself).
    """
    import numpy as np

    effect = np.array([-3.0, -1.0, 1.0, 3.0])
    t, b = np.meshgrid(np.arange(4), np.arange(4), indexing="ij")
    t, b = t.ravel(), b.ravel()
    base = 4500.0 + 250.0 * t + 150.0 * b
    pattern = effect[t] * effect[b]
    scale = noise_ratio * float(np.std(base)) / float(np.sqrt(np.mean(pattern**2)))
    return pd.DataFrame(
        {
            "plot_id": [f"{i + 1}" for i in range(16)],
            "block": [f"B{j + 1}" for j in b],
            "treatment": [["CK", "T1", "T2", "T3"][i] for i in t],
            "yield_kg_ha": base + scale * pattern,
        }
    )


@pytest.mark.parametrize("block_effects", ["fixed", "random"])
def test_exact_fit_below_the_limit_on_both_paths(block_effects: str) -> None:
    """Residual SD half of EXACT_FIT_RATIO of the yields' SD: an exact fit, fixed and REML.

    Stop 40: exactly additive yields plus 1e-9 kg/ha got p-values from the fixed RCBD while
    REML called the fit exact.
    """
    from yieldtrial import FieldTrial
    from yieldtrial.stats._common import EXACT_FIT_RATIO

    plots = _additive_rcbd(0.5 * EXACT_FIT_RATIO)
    trial = FieldTrial(plots, crop="wheat", design="rcbd", control="CK",
                       block_effects=block_effects)  # fmt: skip
    if block_effects == "fixed":  # MSE 0: no p-value
        assert trial.compare_to_control()["p_value"].isna().all()
    else:
        with pytest.raises(DataValidationError, match="exactly"):
            trial.compare_to_control()


@pytest.mark.parametrize("block_effects", ["fixed", "random"])
def test_fit_above_the_limit_has_p_values_on_both_paths(block_effects: str) -> None:
    """Residual SD 3 x EXACT_FIT_RATIO of the yields' SD: p-values on both paths, alike.

    A balanced RCBD with a positive block variance: REML's treatment tests are the fixed
    RCBD's (Gomez and Gomez 1984; the random-blocks model adds nothing within blocks).
    """
    import numpy as np

    from yieldtrial import FieldTrial
    from yieldtrial.stats._common import EXACT_FIT_RATIO

    plots = _additive_rcbd(3 * EXACT_FIT_RATIO)
    p = {}
    for effects in ("fixed", "random"):
        trial = FieldTrial(plots, crop="wheat", design="rcbd", control="CK",
                           block_effects=effects)  # fmt: skip
        p[effects] = trial.compare_to_control()["p_value"].to_numpy()
    assert np.isfinite(p[block_effects]).all()
    # p of 1e-46 to 1e-50; near its floor REML agrees to 0.1 % (measured), asked 1 %
    np.testing.assert_allclose(p["random"], p["fixed"], rtol=0.01)
