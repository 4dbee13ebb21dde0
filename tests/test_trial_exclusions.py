"""Excluding plots on the user's word: FieldTrial.exclude and [[exclude]] in trial.toml."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from yieldtrial import FieldTrial
from yieldtrial.config import TrialConfig
from yieldtrial.errors import DataValidationError
from yieldtrial.stats.model import fit


def _trial() -> FieldTrial:
    rng = np.random.default_rng(0)
    plots = pd.DataFrame(
        {
            "plot_id": [f"{b}0{i}" for b in range(1, 4) for i in range(1, 5)],
            "block": [str(b) for b in range(1, 4) for _ in range(4)],
            "treatment": ["CK", "N0", "T1", "T2"] * 3,
        }
    )
    plots["yield_kg_ha"] = 6500 + rng.normal(0, 200, 12) - 2500 * (plots["treatment"] == "N0")
    plots.loc[plots["plot_id"] == "202", "yield_kg_ha"] *= 2
    return FieldTrial.from_dataframe(plots, crop="wheat", control="CK")


def test_exclude_treats_the_plot_as_missing():
    """The excluded plot's yield is NaN; the LS-means equal the fit without that row."""
    trial = _trial().exclude("202", reason="weight typed twice")
    assert np.isnan(trial.yields().set_index("plot_id").loc["202", "yield_kg_ha"])
    rest = _trial().yields()
    rest = rest[rest["plot_id"] != "202"]
    direct = fit(rest, response="yield_kg_ha", treatment="treatment", block="block")
    mm = trial.means_model()
    np.testing.assert_allclose(mm.estimates, direct.lsmeans, rtol=1e-12)
    assert mm.df == direct.df_error == 5


def test_exclude_keeps_the_reason_and_the_original_record():
    """excluded_plots lists plot, block, treatment and reason; the plot table is unchanged."""
    base = _trial()
    trial = base.exclude(202, reason="  weight typed twice  ")
    assert trial.exclusions == (("202", "weight typed twice"),)
    assert trial.excluded_plots.to_dict("records") == [
        {"plot_id": "202", "block": "2", "treatment": "N0", "reason": "weight typed twice"}
    ]
    pd.testing.assert_frame_equal(trial.plots, base.plots)
    assert base.exclusions == ()  # frozen: the original trial is untouched


def test_exclude_again_replaces_the_reason():
    """Excluding the same plot twice keeps one entry with the last reason."""
    trial = _trial().exclude("202", reason="a").exclude("202", reason="b")
    assert trial.exclusions == (("202", "b"),)


@pytest.mark.parametrize(
    ("plot", "reason", "match"),
    [("999", "x", "no such plot_id"), ("202", "", "needs a reason"), ("202", "   ", "reason")],
)
def test_exclude_errors_name_the_fix(plot, reason, match):
    """Unknown plot id, empty reason: DataValidationError saying what to do."""
    with pytest.raises(DataValidationError, match=match):
        _trial().exclude(plot, reason=reason)


def test_missing_plots_include_the_excluded_one():
    """missing_plots (used by the report) lists the excluded plot."""
    trial = _trial().exclude("202", reason="typo")
    assert trial.missing_plots["plot_id"].tolist() == ["202"]


def test_excluded_plot_is_not_screened_again():
    """After the exclusion the suspect-plot table no longer names the plot."""
    assert "202" in set(_trial().suspect_plots()["plot_id"])
    assert "202" not in set(_trial().exclude("202", reason="typo").suspect_plots()["plot_id"])


def test_site_keeps_only_its_exclusions():
    """A multi-site table: site() keeps the exclusions of its own plots."""
    plots = _trial().plots.copy()
    other = plots.copy()
    other["plot_id"] = "9" + other["plot_id"]
    table = pd.concat([plots.assign(site="A"), other.assign(site="B")], ignore_index=True)
    trial = FieldTrial.from_dataframe(table, crop="wheat", control="CK").exclude("202", reason="x")
    assert trial.site("A").exclusions == (("202", "x"),)
    assert trial.site("B").exclusions == ()


def test_config_reads_exclude_tables():
    """[[exclude]] plot/reason pairs are read, kept in order and written back by to_dict."""
    cfg = TrialConfig.from_text(
        '[[exclude]]\nplot = "201"\nreason = "typed twice"\n\n'
        '[[exclude]]\nplot = 305\nreason = "bird damage"\n'
    )
    assert cfg.exclude == (("201", "typed twice"), ("305", "bird damage"))
    assert cfg.to_dict()["exclude"] == [
        {"plot": "201", "reason": "typed twice"},
        {"plot": "305", "reason": "bird damage"},
    ]


def test_config_exclude_ids_are_normalised_as_plot_labels():
    """Full-width digits, a zero fraction and control characters: the plot table's label."""
    cfg = TrialConfig.from_text(
        '[[exclude]]\nplot = "２０１"\nreason = "typed\\u0001 twice"\n\n'
        '[[exclude]]\nplot = 305.0\nreason = "bird damage"\n'
    )
    assert cfg.exclude == (("201", "typed twice"), ("305", "bird damage"))


def test_exclude_matches_a_normalised_plot_id():
    """trial.exclude takes the id as the plot table holds it after normalisation."""
    assert _trial().exclude("２０２", reason="x").exclusions == (("202", "x"),)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[[exclude]]\nplot = "201"\n', "needs reason"),
        ('[[exclude]]\nplot = "201"\nreason = "\\u0001 "\n', "needs reason"),
        ('[[exclude]]\nplot = [201]\nreason = "x"\n', "needs plot"),
        ('[[exclude]]\nreason = "x"\n', "needs plot"),
        ('[[exclude]]\nplot = "201"\nreason = "x"\nwhy = "y"\n', "unknown key 'why'"),
        ('exclude = "201"\n', r"\[\[exclude\]\]"),
    ],
)
def test_config_exclude_errors(text, match):
    """A missing reason or plot, an unknown key, or a plain value: clear errors."""
    with pytest.raises(DataValidationError, match=match):
        TrialConfig.from_text(text)


def test_load_trial_applies_the_exclusions(tmp_path):
    """report_from_files / load_trial exclude the plots named in trial.toml."""
    from yieldtrial.report.files import load_trial

    path = tmp_path / "plots.csv"
    _trial().plots.to_csv(path, index=False)
    cfg = TrialConfig.from_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\n'
        '[[exclude]]\nplot = "202"\nreason = "typed twice"\n'
    )
    trial = load_trial(path, cfg)
    assert trial.exclusions == (("202", "typed twice"),)
