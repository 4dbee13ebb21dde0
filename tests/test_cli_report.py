"""Tests of the ``yieldtrial report`` and ``yieldtrial demo`` commands (in-process)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from yieldtrial.cli import main
from yieldtrial.datasets import example_path

GOOD = (
    "plot_id,treatment,block,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    "1,CK,1,20,14.0,13\n2,A,1,20,15.0,14\n3,CK,2,20,14.2,13\n4,A,2,20,15.3,13\n"
    "5,CK,3,20,13.9,13.5\n6,A,3,20,15.1,14\n"
)


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture
def plots(tmp_path: Path) -> Path:
    path = tmp_path / "plots.csv"
    path.write_text(GOOD, encoding="utf-8")
    return path


def _fails_cleanly(
    argv: list[str], out: Path, capsys: pytest.CaptureFixture[str], match: str
) -> None:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("yieldtrial: error:"), err
    assert match in lines[0]
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}*"))  # no temporary file left behind


def test_report_markdown_from_flags(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Flags alone (no trial.toml) give a report; the format follows the suffix."""
    out = tmp_path / "r.md"
    assert (
        main(
            [
                "report",
                str(plots),
                "--crop",
                "wheat",
                "--control",
                "CK",
                "-o",
                str(out),
                "--no-figures",
            ]
        )
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Yield test report")
    assert "## Analysis of variance" in text


def test_report_json_with_format_flag_and_margin(plots: Path, tmp_path: Path) -> None:
    """--format json overrides the suffix; --margin adds the non-inferiority result."""
    out = tmp_path / "r.txt"
    assert (
        main(
            [
                "report",
                str(plots),
                "--crop",
                "wheat",
                "--control",
                "CK",
                "--margin",
                "5",
                "--format",
                "json",
                "-o",
                str(out),
                "--no-figures",
            ]
        )
        == 0
    )
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["metadata"]["settings"]["margin_pct"] == 5.0
    assert "noninferior" in doc["results"]["control_comparisons"][0]


def test_report_flags_override_config(tmp_path: Path, plots: Path) -> None:
    """--unit and --lang override trial.toml; zh labels appear."""
    config = tmp_path / "trial.toml"
    config.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\nunit = "kg/ha"\n', encoding="utf-8"
    )
    out = tmp_path / "r.md"
    assert (
        main(
            [
                "report",
                str(plots),
                "--config",
                str(config),
                "--unit",
                "kg/mu",
                "--lang",
                "zh",
                "-o",
                str(out),
                "--no-figures",
            ]
        )
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "产量（kg/mu）" in text and "位次" in text


def test_report_html_and_docx(tmp_path: Path) -> None:
    """The founding example renders as HTML and DOCX."""
    plots = example_path("jinzhong-2024")
    config = example_path("jinzhong-2024", "trial.toml")
    for name in ("r.html", "r.docx"):
        out = tmp_path / name
        assert main(["report", str(plots), "--config", str(config), "-o", str(out)]) == 0
        assert out.stat().st_size > 1000


def test_missing_column_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A table without fresh mass: one line on stderr, exit 1, no output file."""
    plots = tmp_path / "p.csv"
    plots.write_text(
        "plot_id,treatment,harvested_area_m2,moisture_pct\n1,CK,20,13\n2,A,20,13\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    _fails_cleanly(
        ["report", str(plots), "--crop", "wheat", "-o", str(out)], out, capsys, "fresh_mass_kg"
    )


def test_moisture_fractions_fail_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Moisture written as fractions (0.13) is refused."""
    plots = tmp_path / "p.csv"
    plots.write_text(
        GOOD.replace(",13\n", ",0.13\n").replace(",14\n", ",0.14\n").replace(",13.5\n", ",0.135\n"),
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    _fails_cleanly(
        ["report", str(plots), "--crop", "wheat", "-o", str(out)], out, capsys, "fraction"
    )


def test_unknown_control_fails_cleanly(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--control naming no treatment is refused."""
    out = tmp_path / "r.html"
    _fails_cleanly(
        ["report", str(plots), "--crop", "wheat", "--control", "CK9", "-o", str(out)],
        out,
        capsys,
        "CK9",
    )


def test_broken_toml_fails_cleanly(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken trial.toml is refused, naming the file and the line."""
    config = tmp_path / "trial.toml"
    config.write_text('[trial]\ncrop = "wheat"\n[analysis\n', encoding="utf-8")
    out = tmp_path / "r.html"
    _fails_cleanly(
        ["report", str(plots), "--config", str(config), "-o", str(out)], out, capsys, "line 3"
    )


def test_missing_crop_fails_cleanly(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --crop or crop in trial.toml the error says how to give it."""
    out = tmp_path / "r.html"
    _fails_cleanly(["report", str(plots), "-o", str(out)], out, capsys, "--crop")


def test_unknown_suffix_fails_cleanly(
    plots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An output suffix that names no format is refused before any work."""
    out = tmp_path / "r.pdf"
    _fails_cleanly(
        ["report", str(plots), "--crop", "wheat", "-o", str(out)], out, capsys, "--format"
    )


def test_output_over_input_is_refused(plots: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-o naming the input file is refused and the input is untouched."""
    assert (
        main(["report", str(plots), "--crop", "wheat", "--format", "json", "-o", str(plots)]) == 1
    )
    assert plots.read_text(encoding="utf-8") == GOOD
    assert "input file" in capsys.readouterr().err


def test_demo_writes_index_and_reports(tmp_path: Path) -> None:
    """``yieldtrial demo -o DIR`` writes index.html linking HTML, Markdown, JSON, DOCX reports."""
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out)]) == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in ("jinzhong-2024", "replicated-rcbd"):
        for suffix in (".html", ".md", ".json", ".docx"):
            assert (out / f"{name}{suffix}").stat().st_size > 0
            assert f'href="{name}{suffix}"' in index
    markdown = (out / "jinzhong-2024.md").read_text(encoding="utf-8")
    assert "477.36" in markdown and "482.64" in markdown
    # issue 6: the founding example's (illustrative) rates give the efficiency section
    assert "## Fertilizer efficiency" in markdown and "zero-N (omission) plot" in markdown
    assert "40 kg/mu (illustrative)" in markdown


def _oats_csv(path: Path) -> Path:
    """Yates' oats split plot (tests/data/reference) as a CSV with its own column names."""
    case = json.loads(
        (Path(__file__).parent / "data" / "reference" / "yates_oats_splitplot.json").read_text(
            encoding="utf-8"
        )
    )
    lines = ["plot_id,rep,gen,treatment,yield_kg_ha"]
    lines += [f"{i + 1},{b},{g},{n},{y}" for i, (b, g, n, y) in enumerate(case["data"]["rows"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_report_split_plot_from_trial_toml(tmp_path: Path) -> None:
    """design, whole_plot and block in trial.toml give the split-plot report (error a, error b)."""
    plots = _oats_csv(tmp_path / "oats.csv")
    toml = tmp_path / "trial.toml"
    toml.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "0"\ndesign = "split_plot"\n'
        'whole_plot = "gen"\nblock = "rep"\n',
        encoding="utf-8",
    )
    out = tmp_path / "report.json"
    assert main(["report", str(plots), "--config", str(toml), "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    errors = {m["kind"]: m["error_term"] for m in doc["results"]["design_means"]}
    assert errors == {"gen": "error_a", "treatment": "error_b", "cells": errors["cells"]}
    # Venables & Ripley (2002) sec. 6.7: varieties F = 1.49 against B:V on 10 df
    gen = next(r for r in doc["results"]["anova"]["table"] if r["source"] == "gen")
    assert gen["f"] == pytest.approx(1.4853, abs=1e-4)


def test_report_design_flags(tmp_path: Path) -> None:
    """--design split_plot --factors gen works without a trial.toml (Markdown shows Error a)."""
    plots = _oats_csv(tmp_path / "oats.csv")
    text = plots.read_text(encoding="utf-8").replace("plot_id,rep,", "plot_id,block,", 1)
    plots.write_text(text, encoding="utf-8")
    out = tmp_path / "report.md"
    argv = ["report", str(plots), "--crop", "wheat", "--design", "split_plot"]
    argv += ["--factors", "gen", "--control", "0", "--no-figures", "-o", str(out)]
    assert main(argv) == 0
    assert "Error a" in out.read_text(encoding="utf-8")
