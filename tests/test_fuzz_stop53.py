"""Stop 53's fuzzing (``tools/fuzz_inputs.py --seed 53``): the silent cases judged as bugs.

Each test rebuilds the mutated input from a shipped example in a few lines, so the case
does not depend on the fuzzer's random stream.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from yieldtrial.cli import main
from yieldtrial.datasets import example_path


def _site_network(tmp_path: Path, yield_n1_d: float | None = None) -> Path:
    """Copy the shipped site network; optionally type ``yield_n1_d`` for site D's N1, block 1."""
    plots = pd.read_csv(example_path("site-network"))
    if yield_n1_d is not None:
        cell = (plots["site"] == "D") & (plots["block"] == 1) & (plots["treatment"] == "N1")
        assert cell.sum() == 1
        plots.loc[cell, "yield_kg_ha"] = yield_n1_d
    path = tmp_path / "plots.csv"
    plots.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        # fuzz case #216: '1e6' typed in yield_kg_ha (file row 30, no plot_id column, so the
        # plot is named by its row as the harvest records' path names it)
        ("en", "yieldtrial: warning: site 'D': standardized yield above 40,000 kg/ha: plot '30' "
               "= 1,000,000 kg/ha."),
        ("zh", "yieldtrial: 警告：试点 'D'：折标产量超过 40,000 kg/公顷："
               "小区 '30' = 1,000,000 kg/公顷。"),
    ],
)  # fmt: skip
def test_network_of_yields_warns_of_a_yield_no_crop_gives(
    lang: str, line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A yields table's 1,000,000 kg/ha was pooled without a word; report warns of it."""
    plots = _site_network(tmp_path, 1e6)
    out = tmp_path / "network.md"
    assert main(["network", str(plots), "--control", "CK", "--lang", lang, "-o", str(out)]) == 0
    assert line in capsys.readouterr().err
    assert "1,000,000" in out.read_text(encoding="utf-8")  # among the report's notes too


def test_network_of_yields_warns_of_a_trial_of_tiny_yields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Site B's yields in t/ha / 10 under yield_kg_ha (0.71 for 7,100): every one below 1.

    A yields table warns below 1 kg/ha only, as report reads it (textbook data in other
    units are analysed as yields on purpose); 100 kg/ha is the harvest records' limit.
    """
    plots = pd.read_csv(example_path("site-network"))
    site_b = plots["site"] == "B"
    plots.loc[site_b, "yield_kg_ha"] = plots.loc[site_b, "yield_kg_ha"] / 10000
    path = tmp_path / "plots.csv"
    plots.to_csv(path, index=False)
    assert main(["network", str(path), "--control", "CK", "-o", str(tmp_path / "n.md")]) == 0
    err = capsys.readouterr().err
    assert "site 'B': every standardized yield is below 1 kg/ha" in err
    assert "site 'A'" not in err


def test_network_of_plausible_yields_does_not_warn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shipped network (5,000-8,000 kg/ha) gives no such line."""
    plots = _site_network(tmp_path)
    assert main(["network", str(plots), "--control", "CK", "-o", str(tmp_path / "n.md")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_network_of_a_unitless_yield_column_with_two_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Fuzz case #1064: the farm network's yield_kg_mu headed 'yield', CK1 and CK2 checks.

    Its table against the second check looked for a unit-suffixed difference column and
    stopped with an internal error (exit 3, StopIteration); it now reads the unitless
    columns. Expected: the shipped kg/mu network's row, T vs CK2 +19.4 (+4.5 %), P < 0.001
    (``yieldtrial network plots.csv --config trial.toml``, the same yields).
    """
    folder = Path(example_path("farm-network")).parent
    plots = pd.read_csv(folder / "plots.csv").rename(columns={"yield_kg_mu": "yield"})
    path = tmp_path / "plots.csv"
    plots.to_csv(path, index=False)
    out = tmp_path / "network.md"
    argv = ["network", str(path), "--config", str(folder / "trial.toml"), "-o", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    assert "| T | CK2 | +19.4 | +4.5 | 15.0 | 23.7 | <0.001 | yes |" in out.read_text("utf-8")
