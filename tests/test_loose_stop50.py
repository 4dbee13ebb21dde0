"""Loose ends of stop 49 fixed in stop 50: warnings said once, options and values as typed."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from yieldtrial.config import TrialConfig
from yieldtrial.datasets import example_path
from yieldtrial.errors import YieldTrialWarning

UNUSED_PRICE = "gives a price for 'Urea'"


def _config_with_an_unused_price() -> TrialConfig:
    """Return the replicated example's ``trial.toml`` with a price no product uses."""
    text = example_path("replicated-rcbd", "trial.toml").read_text(encoding="utf-8")
    priced = text.replace("prices = { ", 'prices = { "Urea" = 2.0, ', 1)
    assert priced != text
    return TrialConfig.from_text(priced, source="trial.toml")


def _said(caught: list[warnings.WarningMessage], text: str) -> list[str]:
    return [str(w.message) for w in caught if text in str(w.message)]


def test_report_says_an_unused_price_once() -> None:
    """Said when the description is read; the economics section (two controls) adds nothing.

    The report silenced its own repeats by matching the message text (stop 50: a keyword).
    """
    from yieldtrial.report.files import report_from_files

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = _config_with_an_unused_price()
        report, _ = report_from_files(
            example_path("replicated-rcbd", "plots.csv"), config, figures=False
        )
    assert "economics" in [section.key for section in report.sections]
    assert len(_said(caught, UNUSED_PRICE)) == 1
    assert _said(caught, UNUSED_PRICE)[0].startswith("'trial.toml': [economics] prices")


def test_python_economics_still_warns_of_an_unused_price_once() -> None:
    """``trial_economics(prices=...)`` warns once by default, and not with the keyword off."""
    from yieldtrial.economics import trial_economics
    from yieldtrial.report.files import load_trial

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)  # the description's own warning
        config = _config_with_an_unused_price()
    trial = load_trial(example_path("replicated-rcbd"), config)
    options = {"config": config, "grain_price_per_kg": 2.4, "currency": "CNY"}
    prices = {"compound fertilizer": 3.2, "nitrogen synergist (assumed DCD)": 40.0, "Urea": 2.0}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trial_economics(trial, prices=prices, **options)
        trial_economics(trial, prices=prices, warn_unused_prices=False, **options)
    assert _said(caught, UNUSED_PRICE) == [
        "prices gives a price for 'Urea', which no treatment's fertilizer names as its "
        "product, so it is not used (the products: 'compound fertilizer', 'nitrogen "
        "synergist (assumed DCD)'); check the spelling against the products' names, or "
        "remove it"
    ]


@pytest.fixture
def borderline_dunnett(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dunnett's P values state an error of 2e-3 and the first is 0.051 (within it of 0.05).

    What a quasi-Monte Carlo integration that stopped at its largest point set can state
    (as in tests/test_stats_compare_borderline.py); every other P keeps its value.
    """
    from yieldtrial.stats import compare
    from yieldtrial.stats.distributions import MvtProbability

    real = compare.dunnett_pvalues

    def stated(*args: Any, **kwargs: Any) -> Any:
        p, accuracy = real(*args, **kwargs)
        p = np.array(p, dtype=float)
        p[0] = 0.051
        return p, MvtProbability(accuracy.value, "qmc", 2e-3)

    monkeypatch.setattr(compare, "dunnett_pvalues", stated)


def _borderline_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "Dunnett" in line]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Dunnett's comparisons with the control: 2 adjusted P value(s) lie within"),
        ("zh", "Dunnett"),
    ],
)
@pytest.mark.usefixtures("borderline_dunnett")
def test_report_prints_a_borderline_dunnett_verdict_once(
    lang: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The means table's P values and the comparisons with a margin each said it (stop 50).

    The first in other words ("1 adjusted P value(s)", the means' own family), nothing
    telling the two lines apart; the comparisons' line (with the non-inferiority test's P,
    "2") is the one printed.
    """
    from hostile import plot_table
    from yieldtrial.cli import main

    argv = ["report", str(plot_table(tmp_path)), "--crop", "wheat", "--control", "CK"]
    argv += ["--margin", "5", "--no-figures", "-o", str(tmp_path / "r.md"), "--lang", lang]
    assert main(argv) == 0
    lines = _borderline_lines(capsys.readouterr().err)
    assert len(lines) == 1 and said in lines[0]
    assert (tmp_path / "r.md").read_text(encoding="utf-8").count("Dunnett") >= 1


@pytest.mark.usefixtures("borderline_dunnett")
def test_report_at_alpha_001_does_not_warn_of_a_p_near_005(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """P = 0.051 has a certain verdict at alpha 0.01: the means' check at 0.05 said otherwise."""
    from hostile import plot_table
    from yieldtrial.cli import main

    argv = ["report", str(plot_table(tmp_path)), "--crop", "wheat", "--control", "CK"]
    assert main([*argv, "--alpha", "0.01", "--no-figures", "-o", str(tmp_path / "r.md")]) == 0
    assert _borderline_lines(capsys.readouterr().err) == []


@pytest.mark.usefixtures("borderline_dunnett")
def test_efficiency_and_economics_do_not_repeat_a_borderline_verdict() -> None:
    """Their Dunnett intervals, computed again, warned again (at 0.05 in the efficiency)."""
    from yieldtrial.errors import BorderlineVerdictWarning
    from yieldtrial.report.files import report_from_files

    text = example_path("replicated-rcbd", "trial.toml").read_text(encoding="utf-8")
    config = TrialConfig.from_text(text.replace('control = ["CK1", "CK2"]', 'control = "CK1"'))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report, _ = report_from_files(
            example_path("replicated-rcbd", "plots.csv"), config, figures=False
        )
    assert {"efficiency", "economics"} <= {section.key for section in report.sections}
    assert [w for w in caught if issubclass(w.category, BorderlineVerdictWarning)] == []
    said = [m for m in report.results["warnings"] if "verdict at alpha is uncertain" in m]
    assert len(said) == 1


def _toml_report_error(folder: Path, text: str, lang: str, capsys: Any) -> str:
    """Return the one stderr line of ``report --config`` on ``text`` (exit status 1)."""
    from hostile import plot_table
    from yieldtrial.cli import main

    config = folder / "trial.toml"
    config.write_text(text, encoding="utf-8")
    argv = ["report", str(plot_table(folder)), "--crop", "wheat", "--control", "CK"]
    argv += ["--config", str(config), "-o", str(folder / "r.md"), "--lang", lang]
    assert main(argv) == 1
    return capsys.readouterr().err.strip()


@pytest.mark.parametrize(
    ("lang", "typed", "echo"),
    [
        ("en", "true", "), got true."),
        ("zh", "true", "），现为 true。"),
        ("zh", "[true, 2]", "），现为 [true, 2]。"),
    ],
)
def test_exclude_plot_is_echoed_as_typed_in_trial_toml(
    lang: str, typed: str, echo: str, tmp_path: Path, capsys: Any
) -> None:
    """``[[exclude]] plot = true`` was echoed ``True``, Python's spelling (stop 50)."""
    line = _toml_report_error(
        tmp_path, f'[[exclude]]\nplot = {typed}\nreason = "x"\n', lang, capsys
    )
    assert line.endswith(echo)


def test_exclude_plot_made_in_python_keeps_pythons_spelling() -> None:
    """``TrialConfig(exclude=[(True, ...)])``: the caller typed ``True``."""
    from yieldtrial.errors import DataValidationError

    with pytest.raises(DataValidationError, match=r"\), got True\.$"):
        TrialConfig(exclude=[(True, "lodged")])


COST_TWICE = (
    "[economics]\ngrain_price_per_kg = 2.4\nother_costs_per_mu = { T = 1, CK = 2 }\n"
    "other_costs_per_ha = { T = 1, CK = 3 }\n"
)
COST_NOT_A_TREATMENT = "[economics]\ngrain_price_per_kg = 2.4\nother_costs_per_mu = { X = 1 }\n"


@pytest.mark.parametrize(
    ("lang", "text", "listed"),
    [
        ("en", COST_TWICE, "give a cost for 'CK', 'T'; the two"),
        ("zh", COST_TWICE, "都给出了 'CK'、'T' 的其他成本"),
        ("en", COST_NOT_A_TREATMENT, "treatments present: 'CK', 'T'. Fix"),
        ("zh", COST_NOT_A_TREATMENT, "现有处理：'CK'、'T'。"),
    ],
)
def test_economics_labels_are_listed_with_each_languages_separator(
    lang: str, text: str, listed: str, tmp_path: Path, capsys: Any
) -> None:
    """The Chinese lines joined the labels with the English ", " (stop 50: "、")."""
    line = _toml_report_error(tmp_path, text, lang, capsys)
    assert listed in line
    assert ("、" in line) == (lang == "zh")


def _sites_without_blocks(folder: Path) -> Path:
    sites = folder / "sites"
    sites.mkdir()
    for name, first in (("a.csv", "14.98"), ("b.csv", "15.20")):
        rows = ["101,CK,20,14.98,12.7\n", "102,T,20,13.77,13.7\n", "201,CK,20,14.97,13.4\n"]
        text = "plot_id,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n" + "".join(rows)
        (sites / name).write_text(text.replace("14.98", first), encoding="utf-8")
    return sites


@pytest.mark.parametrize(
    ("options", "start"),
    [
        (["--design", "rcbd"], "--design rcbd needs a block (replicate) column, "),
        (
            ["--config", 'design = "rcbd"'],
            ': [analysis] design = "rcbd" needs a block (replicate) column, ',
        ),
        (["--config", 'design = "alpha"'], ': [analysis] design = "alpha" is not a design '),
    ],
)
def test_network_design_errors_name_the_command_line_options(
    options: list[str], start: str, tmp_path: Path, capsys: Any
) -> None:
    """``design='rcbd' needs block=<column>``: the Python API's arguments (stop 50)."""
    from yieldtrial.cli import main

    if options[0] == "--config":  # the file's design: its name and key, not --design
        config = tmp_path / "trial.toml"
        config.write_text(f"[analysis]\n{options[1]}\n", encoding="utf-8")
        options, start = ["--config", str(config)], repr(str(config)) + start
    argv = ["network", str(_sites_without_blocks(tmp_path)), "--crop", "wheat"]
    assert main([*argv, "--control", "CK", *options, "-o", str(tmp_path / "n.md")]) == 1
    line = capsys.readouterr().err.strip().removeprefix("yieldtrial: error: ")
    assert line.startswith(start)
    assert "--design" in line and "design=" not in line and "block=" not in line
