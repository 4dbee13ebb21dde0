"""One rule for the non-inferiority margin: 0 <= margin_pct < 100, one message everywhere.

trial.toml, the CLI (``--margin-pct``), :class:`TrialConfig`, ``compare_to_control`` and
``analyze_many`` used to differ: the API accepted 0 and the files and flags did not.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.cli import main
from yieldtrial.config import TrialConfig
from yieldtrial.errors import DataValidationError

#: The tail every entry point gives for margin_pct = 100 (only the "where:" prefix differs).
TAIL = "margin_pct = 100; margin_pct must be in [0, 100)"


def _rcbd() -> pd.DataFrame:
    """CK and T in 3 blocks; T about 5 % above CK (values constructed for the test)."""
    return pd.DataFrame(
        {
            "plot_id": [f"{b}{i}" for b in "123" for i in (1, 2)],
            "block": [b for b in "123" for _ in (1, 2)],
            "treatment": ["CK", "T"] * 3,
            "yield_kg_ha": [7000.0, 7360.0, 7100.0, 7420.0, 6950.0, 7330.0],
        }
    )


def _sites() -> pd.DataFrame:
    frames = [_rcbd().assign(site=s, yield_kg_ha=lambda d, k=k: d.yield_kg_ha + k) for s, k in
              (("A", 0.0), ("B", 300.0), ("C", -200.0))]  # fmt: skip
    return pd.concat(frames, ignore_index=True)


def _compare(margin: float) -> pd.DataFrame:
    return yt.stats.compare_to_control(_rcbd(), response="yield_kg_ha", treatment="treatment",
                                       block="block", control="CK", margin_pct=margin)  # fmt: skip


def _many(margin: float) -> object:
    return yt.analyze_many(_sites(), by="site", response="yield_kg_ha", treatment="treatment",
                           block="block", control="CK", margin_pct=margin)  # fmt: skip


@pytest.mark.parametrize(
    ("call", "where"),
    [
        (lambda: _compare(100), "compare_to_control"),
        (lambda: _many(100), "analyze_many"),
        (lambda: TrialConfig(margin_pct=100), "TrialConfig"),
    ],
    ids=["compare_to_control", "analyze_many", "TrialConfig"],
)
def test_margin_100_same_message_everywhere(call, where):
    """margin_pct = 100 (no yield kept) is refused with trial.toml's message."""
    with pytest.raises(DataValidationError, match=re.escape(f"{where}: {TAIL}")):
        call()


def test_margin_100_on_the_command_line(tmp_path, capsys):
    """--margin-pct 100: the same message in the flag's words (stop 44), one line, exit 1."""
    plots, out = tmp_path / "plots.csv", tmp_path / "r.md"
    _rcbd().to_csv(plots, index=False)
    argv = ["report", str(plots), "--crop", "wheat", "--control", "CK", "--margin-pct", "100",
            "-o", str(out)]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--margin-pct = 100; --margin-pct must be in [0, 100)" in err
    assert not out.exists()


def test_margin_zero_accepted_everywhere(tmp_path, capsys):
    """margin_pct = 0 ("at least as good as the control") is accepted by every entry point.

    With margin 0 the non-inferiority contrast is the difference T - CK itself, so its
    statistic equals the difference's (the identity tests/test_stats_compare.py checks).
    """
    out = _compare(0)
    np.testing.assert_allclose(out["noninferiority_statistic"], out["statistic"])
    assert _many(0) is not None
    assert TrialConfig(margin_pct=0).margin_pct == 0
    config, plots = tmp_path / "trial.toml", tmp_path / "plots.csv"
    config.write_text('[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\nmargin_pct = 0\n')
    _rcbd().to_csv(plots, index=False)
    report = tmp_path / "r.md"
    assert main(["report", str(plots), "--config", str(config), "-o", str(report),
                 "--no-figures"]) == 0  # fmt: skip
    text = report.read_text(encoding="utf-8")
    assert "margin of 0 % of the control mean" in text
    assert "| -0.0 |" not in text  # the margin column shows 0.0, not -0.0


#: The tail every entry point gives for margin_pct = 1e-320 (a subnormal double; float
#: formatting with :g used to print it as 9.99989e-321 and suggest "9.99989e-319 %").
TINY_TAIL = (
    "margin_pct = 1e-320 is above 0 but below 0.01 % of the control mean, a margin no yield "
    "trial resolves (the report would print it as 0.0 %); give 0 (at least as good as the "
    "control) or a margin of at least 0.01, e.g. 5."
)


@pytest.mark.parametrize(
    ("call", "where"),
    [
        (lambda: _compare(1e-320), "compare_to_control"),
        (lambda: _many(1e-320), "analyze_many"),
        (lambda: TrialConfig(margin_pct=1e-320), "TrialConfig"),
    ],
    ids=["compare_to_control", "analyze_many", "TrialConfig"],
)
def test_margin_below_the_floor_same_message_everywhere(call, where):
    """0 < margin_pct < 0.01 is refused: no "if you meant" hint on a subnormal value."""
    with pytest.raises(DataValidationError, match=re.escape(f"{where}: {TINY_TAIL}")):
        call()


def test_margin_below_the_floor_on_the_command_line(tmp_path, capsys):
    """--margin 1e-320: one error line with the value as typed, no warning, nothing written."""
    plots, out = tmp_path / "plots.csv", tmp_path / "r.md"
    _rcbd().to_csv(plots, index=False)
    argv = ["report", str(plots), "--crop", "wheat", "--control", "CK", "--margin", "1e-320",
            "-o", str(out)]  # fmt: skip
    assert main(argv) == 1
    # the flag as typed (stop 44), not the trial.toml key
    tail = TINY_TAIL.replace("margin_pct", "--margin", 1)
    assert capsys.readouterr().err == f"yieldtrial: error: the command line: {tail}\n"
    assert not out.exists()


def test_margin_at_the_floor_is_accepted():
    """margin_pct = 0.01 (the floor itself) is a margin: TrialConfig keeps it."""
    with pytest.warns(yt.YieldTrialWarning, match="if you meant 1 %"):
        assert TrialConfig(margin_pct=0.01).margin_pct == 0.01
