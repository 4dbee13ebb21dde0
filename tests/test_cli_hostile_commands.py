"""Hostile pass of stop 39: the commands earlier passes attacked least.

``network`` (trial keys and labels written two ways, a key column named twice, a control
named twice, a site name of 100,000 characters), ``audit`` (a REPORTED figure float() reads
but a table cell never would).  Each error case asserts the exit status, one line on
stderr, the input unchanged and no output file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostile import assert_one_line_error, run_cli

#: Two sites x two blocks x two treatments, yields in kg/ha (made up; only the layout matters).
SITES = (
    "site,block,treatment,yield_kg_ha\n"
    "A,1,CK,6300\nA,1,T,6500\nA,2,CK,6200\nA,2,T,6450\n"
    "B,1,CK,5900\nB,1,T,6150\nB,2,CK,6010\nB,2,T,6180\n"
)


def _sites(folder: Path, text: str = SITES) -> Path:
    path = folder / "sites.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _network_json(path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    code, lines = run_cli(["network", str(path), "-o", str(out)], capsys)
    assert code == 0, lines
    return json.loads(out.read_text(encoding="utf-8"))


def _trials_and_treatments(report: dict) -> tuple[list[str], list[str]]:
    sites = sorted({str(row["site"]) for row in report["per_trial"]})
    treatments = sorted({str(row["treatment"]) for row in report["per_treatment"]})
    return sites, treatments


@pytest.mark.parametrize(
    "site",
    ["A ", "\ufeffA", "A\u200b", "Ａ"],
    ids=["trailing-space", "bom-mid-file", "zero-width", "full-width"],
)
def test_network_reads_a_site_written_two_ways_as_one_trial(tmp_path, capsys, site):
    """Block 2 of site A typed another way was a trial of its own (5 trials, exit 0)."""
    text = SITES.replace("A,2,", f"{site},2,")
    report = _network_json(_sites(tmp_path, text), tmp_path / "n.json", capsys)
    assert _trials_and_treatments(report) == (["A", "B"], ["CK", "T"])


def test_network_reads_a_treatment_with_a_trailing_space_as_the_treatment(tmp_path, capsys):
    """'CK ' beside 'CK' was a third treatment of site A (exit 0, no word)."""
    text = SITES.replace("A,2,CK,", "A,2,CK ,")
    report = _network_json(_sites(tmp_path, text), tmp_path / "n.json", capsys)
    assert _trials_and_treatments(report) == (["A", "B"], ["CK", "T"])


def test_network_warns_about_sites_differing_in_case(tmp_path, capsys):
    """'a' and 'A' stay two sites (never merged silently), as report does with treatments."""
    text = SITES.replace("A,2,", "a,2,")
    argv = ["network", str(_sites(tmp_path, text)), "-o", str(tmp_path / "n.md")]
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert any("site labels that differ only in upper/lower case" in line for line in lines), lines


def test_network_by_naming_a_column_twice_is_one_line(tmp_path, capsys):
    """``--by site,site`` ended in "internal error ... Grouper for 'site' not 1-dimensional"."""
    path = _sites(tmp_path)
    out = tmp_path / "n.html"
    assert_one_line_error(
        ["network", str(path), "--by", "site,site", "-o", str(out)],
        capsys,
        match=r"by names the column 'site' twice",
        untouched=[path],
        absent=[out],
    )


def test_network_refuses_an_unknown_crop_on_a_yield_table_as_report_does(tmp_path, capsys):
    """``--crop rocks`` on yields already standardized ran with exit 0 (report refuses it)."""
    path = _sites(tmp_path)
    out = tmp_path / "n.json"
    assert_one_line_error(
        ["network", str(path), "--crop", "rocks", "-o", str(out)],
        capsys,
        match=r"unknown crop 'rocks'",
        untouched=[path],
        absent=[out],
    )


@pytest.mark.parametrize(
    "flags",
    [["--control", "CK,CK"], ["--control", "CK", "--control", "CK"]],
    ids=["comma", "repeated"],
)
def test_network_control_named_twice_is_refused_as_in_report(tmp_path, capsys, flags):
    """``report`` refused ``--control CK,CK``; network ran with it (exit 0)."""
    path = _sites(tmp_path)
    out = tmp_path / "n.html"
    assert_one_line_error(
        ["network", str(path), *flags, "-o", str(out)],
        capsys,
        match=r"control lists a label twice: \('CK', 'CK'\); give each once",
        untouched=[path],
        absent=[out],
    )


def test_network_control_named_twice_is_chinese_under_lang_zh(tmp_path, capsys):
    """The report's catalogue entry (control-twice) serves network too."""
    path = _sites(tmp_path)
    code, lines = run_cli(
        ["network", str(path), "--control", "CK,CK", "--lang", "zh", "-o", str(tmp_path / "n.md")],
        capsys,
    )
    assert code == 1
    assert lines == ["yieldtrial: 错误：对照中有标签重复：('CK', 'CK')；每个标签只写一次"]


def test_network_site_name_of_100000_characters_is_written_promptly(tmp_path, capsys):
    """A site name of 100,000 characters is written, not minutes of HTML escaping.

    A regex tried at every character ran to the word's end each time (quadratic).
    """
    name = "A" * 100_000
    path = _sites(tmp_path, SITES.replace("A,", f"{name},"))
    out = tmp_path / "n.html"
    code, lines = run_cli(["network", str(path), "-o", str(out), "--no-stability"], capsys)
    assert code == 0, lines
    assert name in out.read_text(encoding="utf-8")


def test_cell_html_of_a_long_word_is_linear():
    """The difference pattern starts at a word's start only (it matched the same cells)."""
    from yieldtrial.report.render_html import _DIFFERENCE, cell_html

    assert cell_html("x" * 200_000) == "x" * 200_000
    assert [m.group() for m in _DIFFERENCE.finditer("a T − CK1 b CK2 − CK1 − CK3")] == [
        "T − CK1",
        "CK2 − CK1 − CK3",
    ]


@pytest.mark.parametrize("reported", ["4_77.36", "٤٧٧.٣٦"], ids=["underscore", "arabic-indic"])
def test_audit_refuses_a_reported_figure_that_is_no_plain_number(tmp_path, capsys, reported):
    """REPORTED '4_77.36' was read as 477.36 ("reproduced by percentage_point", exit 0)."""
    out = tmp_path / "audit.txt"
    line = assert_one_line_error(
        ["audit", "442", reported, "--moisture", "5", "--standard", "13", "-o", str(out)],
        capsys,
        code=2,
        match=r"^yieldtrial audit: error: REPORTED .+ is not a plain number",
        absent=[out],
    )
    assert reported in line


def test_audit_reads_a_full_width_reported_figure_as_mass_is_read(capsys):
    """'４７７．３６' (a Chinese input method) was refused as REPORTED, read as MASS."""
    from yieldtrial.cli import main

    assert main(["audit", "442", "４７７．３６", "--moisture", "5", "--standard", "13"]) == 0
    # 442 x (1 + (13 - 5) / 100) = 477.36: the percentage-point shortcut reproduces it
    assert "reported 477.36 is reproduced by: percentage_point" in capsys.readouterr().out


def test_network_folder_with_a_header_only_file_names_that_file(tmp_path, capsys):
    """A header-only site file is refused, naming it, as an empty one is.

    It vanished from the report (2 of 3 sites, exit 0, without a word).
    """
    folder = tmp_path / "sites"
    folder.mkdir()
    site = "block,treatment,yield_kg_ha\n1,CK,6300\n1,T,6500\n2,CK,6200\n2,T,6450\n"
    (folder / "a.csv").write_text(site, encoding="utf-8")
    (folder / "b.csv").write_text(site.replace("6", "5"), encoding="utf-8")
    (folder / "c.csv").write_text("block,treatment,yield_kg_ha\n", encoding="utf-8")
    out = tmp_path / "n.html"
    assert_one_line_error(
        ["network", str(folder), "-o", str(out)],
        capsys,
        match=r"^yieldtrial: error: c\.csv: the table has no plot rows \(only a header\)",
        untouched=list(folder.iterdir()),
        absent=[out],
    )


def test_network_by_empty_is_refused_not_read_as_site(tmp_path, capsys):
    """``--by ''`` ran with the default key (site) while ``--by ,`` was refused."""
    path = _sites(tmp_path)
    out = tmp_path / "n.html"
    assert_one_line_error(
        ["network", str(path), "--by=", "-o", str(out)],
        capsys,
        match=r"by must name at least one trial key column",
        untouched=[path],
        absent=[out],
    )


def test_network_refuses_a_repeated_header_row_as_report_does(tmp_path, capsys):
    """Two exports joined: the header row was a trial of its own ('site', failed), exit 0."""
    head = SITES.splitlines()[0]
    path = _sites(tmp_path, SITES.replace("B,1,CK", f"{head}\nB,1,CK", 1))
    out = tmp_path / "n.html"
    assert_one_line_error(
        ["network", str(path), "-o", str(out)],
        capsys,
        match=r"sites\.csv: row 6 repeats the header row \(were several exports joined",
        untouched=[path],
        absent=[out],
    )


def test_network_trial_rows_are_validated_without_the_network_attrs(monkeypatch):
    """Each column access deep-copied the network's attrs (a column map of every header).

    Raw harvest records with 2,000 extra columns took 80 s in ``network`` (22 s for
    50,000 columns now, as ``report``); the validator gets only the attrs it reads.
    """
    import pandas as pd

    from yieldtrial.io import plots

    seen: list[set[str]] = []
    real = plots.build_plot_table

    def spy(raw, **kwargs):
        seen.append(set(raw.attrs))
        return real(raw, **kwargs)

    monkeypatch.setattr(plots, "build_plot_table", spy)
    frame = pd.DataFrame(
        {
            "plot_id": ["1", "2"],
            "treatment": ["CK", "T"],
            "harvested_area_m2": ["20", "20"],
            "fresh_mass_kg": ["14.1", "13.9"],
            "moisture_pct": ["13", "13.5"],
        },
        index=[2, 3],
    )
    frame.attrs = {"column_map": {f"c{i}": f"c{i}" for i in range(2000)}, "separator": ","}
    table = plots.read_file_rows(frame, name="p.csv")
    assert seen == [{"separator"}]
    assert table["treatment"].tolist() == ["CK", "T"]
