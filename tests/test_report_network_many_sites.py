"""Network reports of more sites than the report lists: each per-site table summarised.

A 2,000-farm network listed every farm twice (the per-site yield table and the site
strip, 68 Word pages).  Above ``report.entries.ENTRY_TABLE_LIMIT`` sites the yield table
shows the sites with the highest and lowest site means, the strip the sites that need a
look, and the complete tables go next to the report as CSV files.  The tests lower the
limit to 20 and use the shipped 60-farm network (farm18 has no CK2 strip, farm43 no T
strip: see datasets/farm-network/README.md).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from hostile import assert_one_line_error
from yieldtrial.cli import main
from yieldtrial.datasets import example_path
from yieldtrial.network import analyze_many
from yieldtrial.report import entries
from yieldtrial.report.model import Paragraph, Table
from yieldtrial.report.network import SITE_TABLE_ENDS, network_report

PLOTS = pd.read_csv(example_path("farm-network"))


def _result(plots: pd.DataFrame = PLOTS) -> Any:
    return analyze_many(
        plots, by="site", response="yield_kg_mu", treatment="treatment", control="CK1",
        design="crd", margin_pct=5,
    )  # fmt: skip


@pytest.fixture
def limit_20(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entries, "ENTRY_TABLE_LIMIT", 20)


def _table(report: Any, section: str) -> Table | None:
    return next((b for b in report.section(section).blocks if isinstance(b, Table)), None)


def _notes(report: Any, section: str) -> str:
    return " ".join(b.text for b in report.section(section).blocks if isinstance(b, Paragraph))


def test_site_means_show_the_highest_and_lowest_site_means(limit_20: None) -> None:
    """The yield table lists the 10 highest then the 10 lowest site means, highest first.

    Expected order: the mean of each farm's strip yields, straight from plots.csv (one
    plot per treatment and farm: the LS-means are the yields), sorted with pandas.
    """
    report = network_report(_result())
    site_mean = PLOTS.groupby("site")["yield_kg_mu"].mean().sort_values(ascending=False)
    ends = SITE_TABLE_ENDS
    expected = [*site_mean.index[:ends], *site_mean.index[-ends:]]
    table = _table(report, "treatments")
    assert table is not None and [row["site"] for row in table.rows] == expected
    note = _notes(report, "treatments")
    assert "The network has 60 sites, more than the report lists one by one (20)" in note
    assert "the 10 sites with the highest and the 10 with the lowest site mean" in note


def test_site_strip_lists_the_sites_that_need_a_look(limit_20: None) -> None:
    """The strip lists the two farms that lack a strip, each saying which; 58 pass."""
    report = network_report(_result())
    table = _table(report, "sites")
    assert table is not None
    assert [(row["site"], row["reason"]) for row in table.rows] == [
        ("farm18", "no yield of CK2"),
        ("farm43", "no yield of T"),
    ]
    assert "the table lists the 2 sites left out" in _notes(report, "sites")
    assert "the other 58 sites were included without remark" in _notes(report, "sites")


def test_complete_tables_are_companions(limit_20: None) -> None:
    """Both complete tables (60 rows) are kept for the CSV files and the Excel report."""
    report = network_report(_result())
    assert {c.key: len(c.table.rows) for c in report.companions} == {
        "site_means": 60,
        "sites": 60,
    }
    # the complete table says why farm18 counts a missing plot, as the summary does
    full = next(c.table for c in report.companions if c.key == "sites")
    farm18 = next(r for r in full.rows if r["site"] == "farm18")
    assert (farm18["n_missing"], farm18["reason"]) == (1.0, "no yield of CK2")


def test_every_site_listed_at_or_below_the_limit() -> None:
    """60 sites, limit 200: both tables list all 60 sites; nothing is summarised."""
    report = network_report(_result())
    assert len(_table(report, "treatments").rows) == 60  # type: ignore[union-attr]
    assert len(_table(report, "sites").rows) == 60  # type: ignore[union-attr]
    assert report.companions == []


def test_no_site_to_look_at_gives_a_note_not_an_empty_table(limit_20: None) -> None:
    """Without farm18 and farm43 every site passes: the strip is a sentence; Excel has all."""
    openpyxl = pytest.importorskip("openpyxl")
    plots = PLOTS.loc[~PLOTS["site"].isin(["farm18", "farm43"])]
    report = network_report(_result(plots))
    assert _table(report, "sites") is None
    assert "every site was included without remark" in _notes(report, "sites")
    book = openpyxl.load_workbook(io.BytesIO(report.render("xlsx")))
    sheet = book["Sites"]
    rows = sheet.iter_rows(min_row=3, values_only=True)
    sites = [row[0] for row in rows if row[0] and str(row[0]).startswith("farm")]
    assert len(sites) == 58 and sites[0] == "farm01"


def test_chinese_notes_have_no_english_word(limit_20: None) -> None:
    """The zh notes and remarks say the same in Chinese (site and treatment names aside)."""
    from zh_purity import english_words

    report = network_report(_result(), lang="zh")
    text = _notes(report, "treatments") + _notes(report, "sites")
    assert "本网络共 60 个试点" in text and "其余 58 个试点均正常纳入汇总" in text
    reasons = [row["reason"] for row in _table(report, "sites").rows]  # type: ignore[union-attr]
    assert reasons == ["CK2 缺产量", "T 缺产量"]
    labels = frozenset(PLOTS["site"]) | {"CK1", "CK2", "T"}
    assert english_words(text + " ".join(reasons), labels) == []


@pytest.mark.parametrize("suffix", [".html", ".md", ".docx"])
def test_cli_writes_the_complete_site_tables_next_to_the_report(
    limit_20: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    """``network -o net.html``: net_site_means.csv and net_sites.csv, named in the report."""
    if suffix == ".docx":
        pytest.importorskip("docx")
    out = tmp_path / f"net{suffix}"
    argv = ["network", str(example_path("farm-network")), "--control", "CK1", "--design",
            "crd", "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    err = capsys.readouterr().err
    for key in ("site_means", "sites"):
        path = tmp_path / f"net_{key}.csv"
        assert f"wrote {path}" in err or f"wrote {path.name}" in err
        frame = pd.read_csv(path, encoding="utf-8-sig")
        assert len(frame) == 60 and frame.columns[0] == "Site"
    if suffix != ".docx":
        text = out.read_text(encoding="utf-8").replace("\\_", "_")
        assert "net_site_means.csv" in text and "net_sites.csv" in text


def test_write_network_report_writes_the_complete_tables(limit_20: None, tmp_path: Path) -> None:
    """The Python writer does as the command: the two CSV files next to the report."""
    from yieldtrial.report.network import write_network_report

    out = write_network_report(_result(), tmp_path / "n.md")
    assert out.read_text(encoding="utf-8").count("n\\_sites.csv") == 1
    assert sorted(p.name for p in tmp_path.glob("n_*.csv")) == ["n_site_means.csv", "n_sites.csv"]


def _net_argv(plots: Path | str, out: Path) -> list[str]:
    return ["network", str(plots), "--control", "CK1", "--design", "crd", "-o", str(out)]


@pytest.mark.parametrize("key", ["site_means", "sites"])
def test_cli_never_replaces_a_user_file_at_a_companion_path(
    limit_20: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    """A file of the user's named net_<key>.csv: exit 1, one line, nothing written."""
    user = tmp_path / f"net_{key}.csv"
    user.write_text("my own notes\n", encoding="utf-8")
    out = tmp_path / "net.html"
    assert_one_line_error(
        _net_argv(example_path("farm-network"), out), capsys, code=1,
        match=rf"net_{key}\.csv' already exists", untouched=[user],
        absent=[out, tmp_path / f"net_{'sites' if key == 'site_means' else 'site_means'}.csv"],
    )  # fmt: skip


@pytest.mark.parametrize("key", ["site_means", "sites"])
def test_cli_never_writes_a_companion_over_the_input(
    limit_20: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    """The plot table itself is named net_<key>.csv: exit 1, one line, input unchanged."""
    plots = tmp_path / f"net_{key}.csv"
    plots.write_bytes(example_path("farm-network").read_bytes())
    out = tmp_path / "net.md"
    assert_one_line_error(
        _net_argv(plots, out), capsys, code=1, match="is also an input file",
        untouched=[plots], absent=[out, tmp_path / "net_files"],
    )  # fmt: skip


def test_cli_refuses_a_folder_at_a_companion_path(
    limit_20: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder named net_sites.csv: exit 1, one line naming it, no report written."""
    (tmp_path / "net_sites.csv").mkdir()
    out = tmp_path / "net.html"
    assert_one_line_error(
        _net_argv(example_path("farm-network"), out), capsys, code=1,
        match="a folder has that name", absent=[out, tmp_path / "net_site_means.csv"],
    )  # fmt: skip
