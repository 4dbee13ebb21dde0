"""A two-factor trial whose control is a level of one factor (FieldTrial(control="CK"))."""

from __future__ import annotations

import pandas as pd
import pytest

from reference_cases import oats_plots
from yieldtrial import FieldTrial
from yieldtrial.errors import DataValidationError


@pytest.fixture(scope="module")
def combined() -> FieldTrial:
    """Oats with treatment = "gen:nitro" and both factors named; control = the nitro level 0."""
    return FieldTrial.from_dataframe(
        oats_plots(treatment="combined"),
        crop="wheat",
        control="0",
        design="split_plot",
        factors=("gen", "nitro"),
    )


@pytest.fixture(scope="module")
def nitro_as_treatment() -> FieldTrial:
    """Build the same oats with nitro as the treatment column (the control a treatment)."""
    return FieldTrial.from_dataframe(
        oats_plots(), crop="wheat", control="0", design="split_plot", factors=("gen",)
    )


def test_factor_level_is_accepted_as_control(combined: FieldTrial) -> None:
    """control="0" is not a treatment ("Victory:0", ...) but a level of the nitro factor."""
    assert combined.control == ("0",)
    assert "0" not in combined.treatments


def test_comparisons_default_to_the_factor_of_the_control(
    combined: FieldTrial, nitro_as_treatment: FieldTrial
) -> None:
    """Dunnett on the nitro means (error b), as when nitro is the treatment column.

    Independent path: the same data with nitro as the treatment column, whose comparisons
    tests/test_trial_designs.py checks against the published split-plot ANOVA.
    """
    got = combined.compare_to_control()
    expected = nitro_as_treatment.compare_to_control()
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_means_default_to_the_factor_of_the_control(
    combined: FieldTrial, nitro_as_treatment: FieldTrial
) -> None:
    """means() gives the nitro means with the differences from nitro 0."""
    got = combined.means()
    expected = nitro_as_treatment.means()
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_means_model_defaults_to_the_factor_of_the_control(combined: FieldTrial) -> None:
    """means_model() without kind= is that of the control's factor (sub-plot, error b)."""
    mm = combined.means_model()
    assert set(mm.levels) == {"0", "0.2", "0.4", "0.6"}
    assert mm.error_term.startswith("error_b")


def test_a_control_of_no_factor_lists_the_factor_levels() -> None:
    """A label that is neither a treatment nor a factor level names the levels of each."""
    with pytest.raises(DataValidationError, match=r"nor the level\(s\).*nitro: '0'"):
        FieldTrial.from_dataframe(
            oats_plots(treatment="combined"),
            crop="wheat",
            control="N0",
            design="split_plot",
            factors=("gen", "nitro"),
        )


def test_one_factor_trial_still_refuses_a_control_that_is_no_treatment() -> None:
    """A one-factor design keeps the message of the treatment labels."""
    with pytest.raises(DataValidationError, match="is not a treatment of this trial"):
        FieldTrial.from_dataframe(oats_plots(), crop="wheat", control="9", design="rcbd")


def test_pairwise_defaults_to_the_factor_of_the_control(
    combined: FieldTrial, nitro_as_treatment: FieldTrial
) -> None:
    """pairwise() compares the nitro means, as with nitro as the treatment column."""
    pd.testing.assert_frame_equal(
        combined.pairwise(), nitro_as_treatment.pairwise(), check_dtype=False
    )


def test_sensitivity_verdicts_include_dunnett_against_the_factor_control(
    combined: FieldTrial, nitro_as_treatment: FieldTrial
) -> None:
    """verdicts() of the combined trial list the Dunnett rows of nitro vs '0', as the other."""
    from yieldtrial.stats.sensitivity import verdicts

    got = verdicts(combined)
    expected = verdicts(nitro_as_treatment)
    dunnett = got[got["verdict"] == "dunnett"]
    assert (
        dunnett["subject"].tolist()
        == expected.loc[expected["verdict"] == "dunnett", "subject"].tolist()
    )
    assert len(dunnett) == 3  # nitro 0.2, 0.4, 0.6 vs 0


def test_means_of_the_other_factor_take_its_control(nitro_as_treatment: FieldTrial) -> None:
    """means(kind="whole_plot", control="Victory"), as docs/designs.md says to call it.

    It raised TypeError (no ``control`` argument).  The differences and Dunnett p-values are
    those of compare_to_control(kind="whole_plot", control="Victory") (error a).
    """
    got = nitro_as_treatment.means(kind="whole_plot", control="Victory").set_index("treatment")
    dunnett = nitro_as_treatment.compare_to_control(kind="whole_plot", control="Victory")
    dunnett = dunnett.set_index("treatment")
    for gen in ("GoldenRain", "Marvellous"):
        difference = dunnett.loc[gen, "difference_kg_ha"]
        assert got.loc[gen, "difference_kg_ha"] == pytest.approx(difference)
        assert got.loc[gen, "p_value_vs_control"] == pytest.approx(
            dunnett.loc[gen, "p_value_adjusted"]
        )
    assert got.attrs["control"] == "Victory"
