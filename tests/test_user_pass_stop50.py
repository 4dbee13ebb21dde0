"""Stop 50's user pass: stop 49's leftovers and the Chinese report (each fix has a test).

The trials here are SYNTHETIC (seeded) or the shipped examples; every expected number
says where it comes from.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import yieldtrial as yt
from yieldtrial.datasets import example_path


def _example_report(lang: str, toml: Path | None = None) -> yt.Report:
    """The replicated example's report without figures (its own trial.toml by default)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", yt.YieldTrialWarning)
        report, _ = yt.report_from_files(
            example_path("replicated-rcbd"),
            toml or example_path("replicated-rcbd", "trial.toml"),
            lang=lang,
            figures=False,
        )
    return report


def test_economics_of_a_trial_read_with_config_are_the_reports() -> None:
    """``trial.economics()`` ignored ``[economics]``: it asked for the grain price.

    The replicated example prices grain at 2.4 CNY/kg, compound fertilizer at 3.2 and
    the synergist at 40 CNY/kg and gives T 5 CNY/mu (75 CNY/ha) of other costs; the
    report's net return changes (CNY/ha, English report) are the notebook's.
    """
    trial = yt.FieldTrial.from_csv(
        example_path("replicated-rcbd"), config=example_path("replicated-rcbd", "trial.toml")
    )
    table = trial.economics().set_index("treatment")
    rows = _example_report("en").section("economics").blocks[0].rows
    for row in (r for r in rows if r["control"] == "CK1"):
        assert table.loc[row["treatment"], "net_return_change_per_ha"] == pytest.approx(
            row["net_return_change"]
        )
    # T: 32 kg/mu x 15 x 3.2 + 0.3 x 15 x 40 + 75 = 1,536 + 180 + 75 = 1,791 CNY/ha
    assert table.loc["T", "fertilizer_cost_per_ha"] == pytest.approx(1_791.0)


def test_economics_arguments_replace_the_described_prices() -> None:
    """A grain price typed in the notebook wins over the description's 2.4 CNY/kg."""
    from yieldtrial.datasets import load_example

    trial = load_example("replicated-rcbd")
    table = trial.economics(grain_price_per_kg=3.0)
    assert set(table["grain_price_per_kg"]) == {3.0}
    assert set(table["currency"]) == {"CNY"}  # from [economics]


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "A negative fertilizer saved is more fertilizer: T uses 60.0 kg/ha more than CK1"),
        ("zh", "节肥为负值即多用肥料：T 比 CK1 多用 4.0 kg/亩"),
    ],
)
def test_negative_fertilizer_saved_is_said_as_more_fertilizer(
    tmp_path: Path, lang: str, note: str
) -> None:
    """A product that uses MORE fertilizer than its control read as a saving of -60.

    T at 44 kg/mu of compound fertilizer against CK1's 40: 4 kg/mu = 60 kg/ha more.
    """
    text = example_path("replicated-rcbd", "trial.toml").read_text(encoding="utf-8")
    t_block = text.index('label = "T"')
    text = text[:t_block] + text[t_block:].replace("rate = 32", "rate = 44", 1)
    toml = tmp_path / "trial.toml"
    toml.write_text(text, encoding="utf-8")
    table = _example_report(lang, toml).section("economics").blocks[0]
    row = next(r for r in table.rows if (r["treatment"], r["control"]) == ("T", "CK1"))
    assert row["fertilizer_saved"] == pytest.approx(-60.0 if lang == "en" else -4.0)
    assert any(n.startswith(note) for n in table.notes)


def test_other_costs_per_mu_are_shown_per_ha_in_an_english_report() -> None:
    """The English price note read "extra cost of T 5 CNY/ha" for 5 CNY/mu (75 CNY/ha)."""
    notes = _example_report("en").section("economics").blocks[0].notes
    assert any("extra cost of T 75 CNY/ha" in n for n in notes)
    assert not any("extra cost of T 5 CNY/ha" in n for n in notes)
