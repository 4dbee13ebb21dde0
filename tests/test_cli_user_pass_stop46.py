"""Stop 46, a user's pass: chains of commands whose output a user feeds to the next one."""

from __future__ import annotations

import pytest

from yieldtrial.cli import main
from yieldtrial.datasets import example_path

pytest.importorskip("openpyxl")


def test_standardized_workbook_reads_back_as_plot_table(tmp_path, capsys):
    """``standardize -o yields.xlsx`` then ``report yields.xlsx``: the workbook is a plot table.

    It was refused as "a yieldtrial report (Excel), not a plot table" (same creator and last
    editor as a report workbook).  The report from it matches the one from the CSV.
    """
    plots = example_path("replicated-rcbd")
    config = example_path("replicated-rcbd", "trial.toml")
    for suffix in ("csv", "xlsx"):
        assert (
            main(
                [
                    "standardize",
                    str(plots),
                    "--config",
                    str(config),
                    "-o",
                    str(tmp_path / f"yields.{suffix}"),
                ]
            )
            == 0
        )
        assert (
            main(
                [
                    "report",
                    str(tmp_path / f"yields.{suffix}"),
                    "--config",
                    str(config),
                    "-o",
                    str(tmp_path / f"r_{suffix}.json"),
                ]
            )
            == 0
        )
    capsys.readouterr()
    import json

    means = [
        json.loads((tmp_path / f"r_{suffix}.json").read_text(encoding="utf-8"))["results"]["means"]
        for suffix in ("csv", "xlsx")
    ]
    assert means[0] == means[1]


def test_report_workbook_is_still_refused_as_plot_table(tmp_path, capsys):
    """A report workbook given back to ``report`` keeps its one-line refusal (exit 1)."""
    plots = example_path("replicated-rcbd")
    config = example_path("replicated-rcbd", "trial.toml")
    out = tmp_path / "r.xlsx"
    assert main(["report", str(plots), "--config", str(config), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["report", str(out), "--config", str(config), "-o", str(tmp_path / "x.md")]) == 1
    assert "r.xlsx: this is a yieldtrial report (Excel)" in capsys.readouterr().err


def test_standardized_site_workbooks_feed_network(tmp_path, capsys):
    """Each site's ``standardize -o SITE.xlsx``, then ``network *.xlsx``: every site is read.

    The first workbook stopped the command (exit 1, "this is a yieldtrial report").
    """
    sites = example_path("site-network").parent / "sites"
    outputs = []
    for source in sorted(sites.glob("*.csv"))[:2]:
        out = tmp_path / f"{source.stem}.xlsx"
        assert main(["standardize", str(source), "--crop", "wheat", "-o", str(out)]) == 0
        outputs.append(str(out))
    assert main(["network", *outputs, "--control", "CK", "-o", str(tmp_path / "n.json")]) == 0
    assert "(2 trials: ok 2)" in capsys.readouterr().err
