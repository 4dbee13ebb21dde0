"""Tests of the ``yieldtrial network`` subcommand (in-process)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from python_calls import python_calls
from yieldtrial.cli import main


@pytest.fixture
def plots_csv(tmp_path):
    """Four RCBD sites (CK, N1, N2; 3 blocks); site 'D' has a non-numeric yield."""
    rng = np.random.default_rng(3)
    rows = []
    for s_i, site in enumerate("ABCD"):
        for b in (1, 2, 3):
            for t, effect in (("CK", 0.0), ("N1", 500.0), ("N2", 200.0)):
                rows.append((site, b, t, round(6000 + 300 * s_i + effect + rng.normal(0, 150), 1)))
    df = pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_ha"])
    df["yield_kg_ha"] = df["yield_kg_ha"].astype(object)
    df.loc[(df.site == "D") & (df.block == 2) & (df.treatment == "N1"), "yield_kg_ha"] = "n/a?"
    path = tmp_path / "plots.csv"
    df.to_csv(path, index=False)
    return path


def test_network_writes_html_with_across_site_table_and_win_rates(plots_csv, tmp_path, capsys):
    """-o summary.html holds the treatment x site table, win-rate columns and the site strip."""
    out = tmp_path / "summary.html"
    code = main(["network", str(plots_csv), "--by", "site", "--control", "CK", "-o", str(out)])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert "<h2>Treatments across sites</h2>" in text
    headers = re.sub(r"<span[^>]*>|</span>", "", text)  # a hyphenated header word: a span
    for header in ("Across-site mean", "% of check", "&gt; check", "&lt; check", "Win rate %"):
        assert header in headers
    assert "<h2>Sites</h2>" in text and "must be numeric" in text
    assert "wrote" in capsys.readouterr().err


def test_network_markdown_reports_failed_site_and_win_rate(plots_csv, tmp_path):
    """The Markdown report lists every site; N1 beats the check at all three usable sites."""
    out = tmp_path / "summary.md"
    assert main(["network", str(plots_csv), "--by", "site", "--control", "CK", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    n1 = next(line for line in text.splitlines() if line.startswith("| N1 |"))
    # expected: N1 is +500 kg/ha over CK by construction (noise sd 150): above at A, B, C
    assert "| 3 | 0 | 100.0 |" in n1
    strip = next(line for line in text.splitlines() if line.startswith("| D |"))
    # expected: D is the 4th site (data rows 27-35, 0-based), block 2 N1 is index 31, i.e.
    # file row 33 with the header as row 1
    assert "failed" in strip and "row 33" in strip


def test_network_json_and_csv(plots_csv, tmp_path):
    """.json holds the full result; .csv the layout-G table with win-rate columns."""
    js = tmp_path / "net.json"
    cs = tmp_path / "net.csv"
    assert main(["network", str(plots_csv), "--by", "site", "--control", "CK", "-o", str(js)]) == 0
    assert main(["network", str(plots_csv), "--by", "site", "--control", "CK", "-o", str(cs)]) == 0
    data = json.loads(js.read_text(encoding="utf-8"))
    assert [r["status"] for r in data["per_trial"]] == ["ok", "ok", "ok", "failed"]
    table = pd.read_csv(cs)
    assert {"A", "B", "C", "across_site_mean", "win_rate_pct", "sites_above"} <= set(table.columns)


def test_network_check_row_has_no_win_rate_in_json_csv_and_html(plots_csv, tmp_path):
    """A check against itself has no win rate: null in JSON, empty in CSV, "–" in HTML.

    JSON and CSV held 0 (0 sites above itself out of 3) where the HTML showed "–".
    """
    argv = ["network", str(plots_csv), "--by", "site", "--control", "CK", "-o"]
    paths = {kind: tmp_path / f"net.{kind}" for kind in ("json", "csv", "html")}
    for path in paths.values():
        assert main([*argv, str(path)]) == 0
    treatments = json.loads(paths["json"].read_text(encoding="utf-8"))["summary"]["treatments"]
    check = next(row for row in treatments if row["treatment"] == "CK")
    assert check["win_rate_pct"] is None and check["pct_of_check"] == 100.0
    other = next(row for row in treatments if row["treatment"] == "N1")
    assert other["win_rate_pct"] == 100.0  # N1 +500 kg/ha by construction: above at A, B, C
    table = pd.read_csv(paths["csv"], keep_default_na=False).set_index("treatment")
    assert table.loc["CK", "win_rate_pct"] == "" and float(table.loc["N1", "win_rate_pct"]) == 100
    html = paths["html"].read_text(encoding="utf-8")
    header = re.sub(r"<span[^>]*>|</span>", "", html).split("Win rate %")[0]
    column = header[header.rindex("<thead>") :].count("<th")  # the win rate's column, 1-based
    row = re.search(r"<tr[^>]*><td[^>]*>CK \(check\)</td>(.*?)</tr>", html).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[column - 2] == "–"


def test_network_reads_control_from_config(plots_csv, tmp_path):
    """[analysis] control in trial.toml is used when --control is absent."""
    toml = tmp_path / "trial.toml"
    toml.write_text('[analysis]\ncontrol = "CK"\n', encoding="utf-8")
    out = tmp_path / "net.json"
    assert (
        main(["network", str(plots_csv), "--by", "site", "--config", str(toml), "-o", str(out)])
        == 0
    )
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["control"] == "CK"


def test_network_follows_the_treatments_order_of_the_config(plots_csv, tmp_path):
    """[[treatments]] in trial.toml orders the network tables, as it does in report."""
    toml = tmp_path / "trial.toml"
    toml.write_text('[[treatments]]\nlabel = "N2"\n\n[[treatments]]\nlabel = "N1"\n',
                    encoding="utf-8")  # fmt: skip
    out = tmp_path / "net.json"
    argv = ["network", str(plots_csv), "--by", "site", "--control", "CK"]
    assert main([*argv, "--config", str(toml), "-o", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))["summary"]["treatments"]
    assert [r["treatment"] for r in rows] == ["N2", "N1", "CK"]


def test_network_missing_by_column_is_data_error(plots_csv, capsys):
    """An unknown --by column exits 1 with one error line naming it."""
    assert main(["network", str(plots_csv), "--by", "farm"]) == 1
    assert "--by 'farm'" in capsys.readouterr().err


def test_network_bad_output_suffix_is_usage_error(plots_csv, tmp_path):
    """-o with an unknown suffix is a usage error (2)."""
    assert main(["network", str(plots_csv), "--by", "site", "-o", str(tmp_path / "x.pdf")]) == 2


def test_network_refuses_to_overwrite_input(plots_csv):
    """-o naming the input file is refused (exit 1), the input is untouched."""
    before = plots_csv.read_bytes()
    assert main(["network", str(plots_csv), "--by", "site", "-o", str(plots_csv)]) == 1
    assert plots_csv.read_bytes() == before


def test_network_no_progress_bar_when_not_a_terminal(plots_csv, tmp_path, capsys):
    """Under pytest stderr is not a TTY: only the one "wrote" line, no progress bar."""
    out = tmp_path / "net.md"
    assert main(["network", str(plots_csv), "--by", "site", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\r" not in err and err.startswith("wrote")


def test_progress_bar_draws_on_stderr(capsys):
    """The bar writes a carriage-return line and ends with a newline at completion."""
    from yieldtrial.commands.network import _Bar

    bar = _Bar()
    bar(5, 10)
    bar(10, 10)
    err = capsys.readouterr().err
    assert "\r[" in err and "10/10 trials" in err and err.endswith("\n")


def test_network_reads_block_column_name_from_config(plots_csv, tmp_path):
    """`[analysis] block = "rep"` in trial.toml maps the file's `rep` column to the blocks."""
    frame = pd.read_csv(plots_csv).rename(columns={"block": "rep"})
    renamed = tmp_path / "plots_rep.csv"
    frame.to_csv(renamed, index=False)
    config = tmp_path / "trial.toml"
    config.write_text('[analysis]\ncontrol = "CK"\nblock = "rep"\n', encoding="utf-8")
    with_rep = tmp_path / "rep.json"
    with_block = tmp_path / "block.json"
    assert (
        main(
            ["network", str(renamed), "--by", "site", "--config", str(config), "-o", str(with_rep)]
        )
        == 0
    )
    assert (
        main(["network", str(plots_csv), "--by", "site", "--control", "CK", "-o", str(with_block)])
        == 0
    )
    # expected: renaming the column changes nothing in the analysis (same error df per site)
    rep = json.loads(with_rep.read_text(encoding="utf-8"))
    block = json.loads(with_block.read_text(encoding="utf-8"))
    assert rep["per_trial"] == block["per_trial"]


def test_network_exclude_cv_above_option(plots_csv, tmp_path):
    """--exclude-cv-above leaves a high-CV site out; the strip and JSON say why."""
    df = pd.read_csv(plots_csv, dtype=str)
    noisy = df.site == "B"
    rng = np.random.default_rng(5)
    df.loc[noisy, "yield_kg_ha"] = [
        str(round(float(v) + rng.normal(0, 2500), 1)) for v in df.loc[noisy, "yield_kg_ha"]
    ]
    path = tmp_path / "noisy.csv"
    df.to_csv(path, index=False)
    out = tmp_path / "net.json"
    argv = ["network", str(path), "--by", "site", "--control", "CK", "--exclude-cv-above", "15"]
    assert main([*argv, "-o", str(out)]) == 0
    summary = json.loads(out.read_text(encoding="utf-8"))["summary"]
    strip = {row["site"]: row for row in summary["sites"]}
    assert strip["B"]["status"] == "ok" and strip["B"]["included"] is False
    assert strip["B"]["cv_flag"] == "strong" and strip["B"]["reason"].startswith("excluded: CV")
    assert [row["site"] for row in summary["means"]] == ["A", "C"]  # D failed, B excluded


def test_network_control_comma_list_is_two_controls(plots_csv, tmp_path):
    """--control CK,N2 names two controls as report does (was one label 'CK,N2', refused)."""
    out = tmp_path / "net.json"
    argv = ["network", str(plots_csv), "--by", "site", "--control", "CK,N2", "-o", str(out)]
    assert main(argv) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["options"]["controls"] == ["CK", "N2"]
    assert data["summary"]["control"] == "CK"  # the first is the check


def test_network_margin_100_is_refused_as_in_report(plots_csv, tmp_path, capsys):
    """--margin-pct 100 gets report's rule (0 <= margin < 100) and message; nothing is written."""
    from hostile import assert_one_line_error

    out = tmp_path / "net.json"
    argv = ["network", str(plots_csv), "--control", "CK", "--margin-pct", "100", "-o", str(out)]
    assert_one_line_error(
        # the flag and the value as typed (stop 49; was "margin_pct = 100.0", the toml key)
        argv,
        capsys,
        match=r"--margin-pct = 100; --margin-pct must be in \[0, 100\)",
        absent=[out],
    )


# 1e-320 (a subnormal double) was echoed as 9.99989e-321 (:g); it is shown as typed
@pytest.mark.parametrize("threshold", ["0.001", "1e-320"])
def test_network_excluding_every_trial_is_an_error(threshold, plots_csv, tmp_path, capsys):
    """--exclude-cv-above below every site's CV exits 1 naming the threshold (was empty tables)."""
    from hostile import assert_one_line_error

    out = tmp_path / "net.json"
    argv = ["network", str(plots_csv), "--control", "CK", "--exclude-cv-above", threshold]
    assert_one_line_error(
        [*argv, "-o", str(out)],
        capsys,
        match=rf"--exclude-cv-above {re.escape(threshold)} leaves out every analysed trial",
        untouched=[plots_csv],
        absent=[out],
    )


def test_network_refuses_the_same_table_twice(plots_csv, tmp_path, capsys):
    """A copy of a table given with it would count every plot twice: exit 1 naming both."""
    from hostile import assert_one_line_error

    copy = tmp_path / "copy.csv"
    copy.write_bytes(plots_csv.read_bytes())
    out = tmp_path / "net.json"
    assert_one_line_error(
        ["network", str(plots_csv), str(copy), "--control", "CK", "-o", str(out)],
        capsys,
        match=r"'.*plots\.csv' and '.*copy\.csv' hold the same bytes, sites included",
        untouched=[plots_csv, copy],
        absent=[out],
    )


def _raw_site_files(folder):
    """Three raw harvest files (Chinese headers); site 祁县 has a moisture cell 'abc'."""
    folder.mkdir()
    for site in ("太谷", "榆次", "祁县"):
        lines = ["小区号,处理,重复,面积(亩),鲜重(kg),含水量(%),杂质率(%)"]
        for block in (1, 2, 3):
            for i, treatment in enumerate(("CK", "N1")):
                moisture = "abc" if (site, block, treatment) == ("祁县", 2, "N1") else "15.0"
                # 0.1 off the additive pattern in one plot: exactly additive yields are an
                # exact fit (no plot-to-plot variation), a site the network refuses (stop 33)
                mass = 30 + i + block * 0.3 + (0.1 if (block, i) == (2, 1) else 0.0)
                lines.append(f"{block}-{treatment},{treatment},{block},0.05,{mass:.2f}"
                             f",{moisture},1.0")  # fmt: skip
        (folder / f"{site}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("lang", "count", "row", "line"),
    [
        ("en", "**Trials (sites):** 3 (failed 1, ok 2)", "| 祁县 | failed |", "left out site '祁"),
        ("zh", "**试点数：** 3（失败 1，正常 2）", "| 祁县 | 失败 |", "已剔除试点 '祁县'"),
    ],
)
def test_network_report_lists_a_site_left_out_by_the_reader(
    tmp_path, capsys, lang, count, row, line
):
    """A site with invalid harvest records is counted as failed and listed in the site strip.

    It was left out with a warning only: the report said "2 (ok 2)" and never named it.
    """
    folder = _raw_site_files(tmp_path / "sites")
    out = tmp_path / "net.md"
    argv = ["network", str(folder), "--crop", "wheat", "--control", "CK", "--lang", lang]
    assert main([*argv, "-o", str(out)]) == 0
    assert line in capsys.readouterr().err  # --lang zh: the line in Chinese (stop 33)
    text = out.read_text(encoding="utf-8")
    assert count in text
    line = next(x for x in text.splitlines() if x.startswith(row))
    if lang == "en":
        assert "| no | harvest records invalid: " in line and "'abc'" in line
    else:
        assert "| 否 | 收获记录有误，未分析" in line


def _harvest_network(path, sites: int, impurity: float) -> None:
    rng = np.random.default_rng(11)
    rows = [
        (f"S{s}", b, t, 20.0, round(15 + rng.normal(0, 0.5), 2), 14.0, impurity)
        for s in range(sites)
        for b in (1, 2, 3)
        for t in ("CK", "A")
    ]
    columns = ["site", "block", "treatment", "harvested_area_m2", "fresh_mass_kg",
               "moisture_pct", "impurity_pct"]  # fmt: skip
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)


def test_one_warning_for_many_trials(tmp_path, capsys):
    """30 sites with impurity below 1 %: one line naming 5 sites and the count of the rest."""
    path = tmp_path / "plots.csv"
    _harvest_network(path, 30, 0.5)
    out = tmp_path / "n.json"
    assert main(["network", str(path), "--crop", "wheat", "--control", "CK", "-o", str(out)]) == 0
    lines = [x for x in capsys.readouterr().err.splitlines() if "impurity_pct" in x]
    assert len(lines) == 1
    assert lines[0].startswith(
        "yieldtrial: warning: site 'S0', 'S1', 'S2', 'S3', 'S4' and 25 more: every impurity_pct"
    )


def test_trial_warnings_beyond_the_limit_are_counted(tmp_path, capsys, monkeypatch):
    """Different warnings for many trials: the first ones printed, the rest one count line."""
    import yieldtrial.commands.network as network_command

    monkeypatch.setattr(network_command, "TRIAL_WARNINGS_SHOWN", 2)
    path = tmp_path / "plots.csv"
    _harvest_network(path, 4, 0.5)
    frame = pd.read_csv(path)
    frame["impurity_pct"] = frame["site"].str[1:].astype(int) / 10 + 0.1  # a text per site
    frame.to_csv(path, index=False)
    out = tmp_path / "n.json"
    assert main(["network", str(path), "--crop", "wheat", "--control", "CK", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.count("every impurity_pct value lies in [0, 1)") == 2
    assert "yieldtrial: warning: 2 more warning(s) about 2 trial(s) not shown" in err


def test_network_margin_without_a_control_is_refused_as_in_report(tmp_path, capsys):
    """--margin-pct 5 without a check was kept in the output and never tested (exit 0)."""
    from hostile import assert_one_line_error

    path = tmp_path / "net.csv"
    rows = [f"S{s},{b},{t},{6000 + 100 * s + 50 * b + (200 if t == 'T' else 0)}"
            for s in (1, 2, 3) for b in (1, 2) for t in ("CK", "T")]  # fmt: skip
    path.write_text("site,block,treatment,yield_kg_ha\n" + "\n".join(rows) + "\n")
    out = tmp_path / "net.json"
    assert_one_line_error(
        ["network", str(path), "--margin-pct", "5", "-o", str(out)],
        capsys,
        match=r"a non-inferiority margin \(5 %\) is set but no control: the verdict compares "
        r"each treatment with a control\. Give --control \(or control = in \[analysis\]",
        untouched=[path],
        absent=[out],
    )


def test_network_json_lists_a_site_left_out_by_the_reader(tmp_path, capsys):
    """The JSON names the site the reader left out, with the reader's reason (as the report)."""
    folder = _raw_site_files(tmp_path / "sites")
    out = tmp_path / "net.json"
    argv = ["network", str(folder), "--crop", "wheat", "--control", "CK", "-o", str(out)]
    assert main(argv) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [row["trial"] for row in doc["left_out"]] == ["祁县"]
    assert "'abc'" in doc["left_out"][0]["reason"]
    assert sorted(doc["per_trial"][0]) and "祁县" not in {r["site"] for r in doc["per_trial"]}


def test_network_response_equal_to_block_is_one_line_and_writes_nothing(
    plots_csv, tmp_path, capsys
):
    """`--response block` (the block column) is refused: it analysed block numbers as yields."""
    from hostile import assert_one_line_error

    out = tmp_path / "n.json"
    assert_one_line_error(
        ["network", str(plots_csv), "--response", "block", "-o", str(out)],
        capsys,
        code=1,
        match=r"column 'block' is given as both the response and the block; .* must be different",
        untouched=[plots_csv],
        absent=[out],
    )


def test_network_of_alpha_field_books_warns_that_incomplete_blocks_are_ignored(
    plots_csv, tmp_path, capsys
):
    """Alpha field books (incomplete_block) are analysed as RCBDs: one warning names the sites."""
    frame = pd.read_csv(plots_csv)
    frame = frame[frame["site"] != "D"].assign(incomplete_block=lambda f: f.index % 2 + 1)
    path = tmp_path / "alpha.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "n.json"
    assert main(["network", str(path), "--control", "CK", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "yieldtrial: warning: site 'A', 'B', 'C': 3 trials have incomplete blocks" in err
    assert "the network analysis ignores them" in err and "yieldtrial report" in err


def _alpha_network(plots_csv, tmp_path):
    """Sites A-C of ``plots_csv`` with an incomplete_block column (alpha field books)."""
    frame = pd.read_csv(plots_csv)
    frame = frame[frame["site"] != "D"].assign(incomplete_block=lambda f: f.index % 2 + 1)
    path = tmp_path / "alpha.csv"
    frame.to_csv(path, index=False)
    return path


def _notes(markdown: str) -> list[str]:
    """Return the bullets of the report's last section (Notes / 说明)."""
    section = markdown.rsplit("\n## ", 1)[1].split("\n---")[0]
    return [line[2:] for line in section.splitlines() if line.startswith("- ")]


def test_network_report_notes_list_the_ignored_incomplete_blocks(plots_csv, tmp_path, capsys):
    """The incomplete-block warning is a note of the report, not only a line on stderr."""
    out = tmp_path / "n.md"
    assert main(["network", str(_alpha_network(plots_csv, tmp_path)), "--control", "CK",
                 "-o", str(out)]) == 0  # fmt: skip
    assert "3 trials have incomplete blocks" in capsys.readouterr().err
    notes = _notes(out.read_text(encoding="utf-8"))
    assert any(n.startswith("Site 'A', 'B', 'C': 3 trials have incomplete blocks") for n in notes)


def test_network_report_notes_list_the_ignored_incomplete_blocks_in_chinese(plots_csv, tmp_path):
    """In a Chinese report the note reads in Chinese, naming the sites."""
    out = tmp_path / "n.md"
    assert main(["network", str(_alpha_network(plots_csv, tmp_path)), "--control", "CK",
                 "--lang", "zh", "-o", str(out)]) == 0  # fmt: skip
    notes = _notes(out.read_text(encoding="utf-8"))
    assert any(
        n.startswith("试点 'A'、'B'、'C'：3 个试验有不完全区组") and "随机区组设计" in n
        for n in notes
    ), notes


def test_network_report_notes_list_the_reading_warnings(tmp_path, capsys):
    """A warning about the harvest records of some sites is a note too (as report's warnings)."""
    folder = tmp_path / "sites"
    folder.mkdir()
    for site in ("太谷", "榆次"):
        lines = ["小区号,处理,重复,面积(亩),鲜重(kg),含水量(%),杂质率(%)"]
        for block in (1, 2, 3):
            for i, treatment in enumerate(("CK", "N1")):
                # impurity 0.5 everywhere: below 1, perhaps a fraction (warned, used as given);
                # 0.1 off the additive pattern in one plot (an exact fit is refused, stop 33)
                mass = 30 + i + block * 0.3 + (0.1 if (block, i) == (2, 1) else 0.0)
                lines.append(f"{block}-{treatment},{treatment},{block},0.05,{mass:.2f}"
                             ",15.0,0.5")  # fmt: skip
        (folder / f"{site}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "n.md"
    argv = ["network", str(folder), "--crop", "wheat", "--control", "CK", "-o", str(out)]
    assert main(argv) == 0
    assert "every impurity_pct value lies in [0, 1)" in capsys.readouterr().err
    notes = _notes(out.read_text(encoding="utf-8"))
    assert any("every impurity\\_pct value lies in \\[0, 1)" in n for n in notes), notes


def test_network_column_renaming_the_blocks_warns_and_notes_the_crd(plots_csv, tmp_path, capsys):
    """--column block=foo left every site a CRD without a word; it warns, and the note says so."""
    out = tmp_path / "n.md"
    argv = ["network", str(plots_csv), "--control", "CK", "--column", "block=foo", "-o", str(out)]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "yieldtrial: warning: plots.csv: column 'block' is renamed to 'foo'" in err
    assert "analysed as a completely randomized design (CRD)" in err
    notes = _notes(out.read_text(encoding="utf-8"))
    assert any("column 'block' is renamed to 'foo'" in n for n in notes), notes


def test_network_column_renaming_the_blocks_of_a_declared_rcbd_is_the_error_alone(
    plots_csv, tmp_path, capsys
):
    """--design rcbd without its blocks: the error alone, no warning that it runs as a CRD."""
    out = tmp_path / "n.md"
    argv = ["network", str(plots_csv), "--control", "CK", "--design", "rcbd",
            "--column", "block=foo", "-o", str(out)]  # fmt: skip
    assert main(argv) == 1 and not out.exists()
    err = capsys.readouterr().err
    assert err.startswith("yieldtrial: error: --design rcbd needs a block (replicate) column, ")
    assert "warning" not in err


def test_network_column_renaming_the_blocks_names_the_declared_crd(plots_csv, tmp_path, capsys):
    """Under --design crd the rename warning names the declared design."""
    out = tmp_path / "n.md"
    argv = ["network", str(plots_csv), "--control", "CK", "--design", "crd",
            "--column", "block=foo", "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    assert "so the declared design 'crd' is analysed without the blocks;" in capsys.readouterr().err


def test_files_with_yields_in_different_units_are_converted(tmp_path, capsys):
    """One site's file in kg/ha, another's in kg/mu: both analysed, in one unit (user pass).

    Found chaining ``yieldtrial standardize --unit``: read together, the kg/mu site was left
    out with "no observed 'yield_kg_ha' (all plots blank)". The kg/mu file holds the kg/ha
    yields divided by 15 (1 mu = 10 000/15 m2, GB 3101), so both sites' means are equal.
    """
    yields = {("1", "CK"): 6000.0, ("1", "N"): 6600.0, ("2", "CK"): 6150.0, ("2", "N"): 6450.0}
    yields |= {("3", "CK"): 5850.0, ("3", "N"): 6750.0}
    rows = [(b, t, y) for (b, t), y in yields.items()]
    frame = pd.DataFrame(rows, columns=["block", "treatment", "yield_kg_ha"])
    frame.to_csv(tmp_path / "A.csv", index=False)
    mu = frame.assign(yield_kg_mu=frame["yield_kg_ha"] / 15).drop(columns="yield_kg_ha")
    mu.to_csv(tmp_path / "B.csv", index=False)
    out = tmp_path / "net.json"
    files = [str(tmp_path / "A.csv"), str(tmp_path / "B.csv")]
    assert main(["network", *files, "--control", "CK", "-o", str(out)]) == 0
    assert "ok 2" in capsys.readouterr().err
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [t["status"] for t in doc["per_trial"]] == ["ok", "ok"]
    means = pd.DataFrame(doc["summary"]["means"]).set_index("site")
    # N: (6600 + 6450 + 6750) / 3 = 6600 kg/ha at both sites
    assert means.loc["A", "N"] == pytest.approx(6600.0)
    assert means.loc["B", "N"] == pytest.approx(6600.0)


def test_response_in_another_unit_than_the_tables_is_converted(tmp_path, capsys):
    """--response yield_kg_mu of tables in kg/ha reads as --unit kg/mu (user pass).

    It said "column(s) not found: response='yield_kg_mu'" though the help lists yield_kg_mu
    as a response; means are the kg/ha means / 15 (1 mu = 10 000/15 m2, GB 3101).
    """
    noise = iter([0, 90, 40, 10, 70, 20, 50, 0, 20, 80, 30, 60])  # plot-to-plot variation
    rows = [
        (site, block, treatment, 6000.0 + 300 * (treatment == "N") + 150 * block + next(noise))
        for site in "AB"
        for block in (1, 2, 3)
        for treatment in ("CK", "N")
    ]
    frame = pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_ha"])
    frame.to_csv(tmp_path / "net.csv", index=False)
    out = tmp_path / "net.json"
    argv = ["network", str(tmp_path / "net.csv"), "--control", "CK", "-o", str(out)]
    assert main([*argv, "--response", "yield_kg_mu"]) == 0
    capsys.readouterr()
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["options"]["response"] == "yield_kg_mu"
    means = pd.DataFrame(doc["summary"]["means"]).set_index("site")
    # balanced RCBD, so the LS-mean is the raw mean; site A, N: 6300 + 150 x 2 + (90 + 10 + 20)
    # / 3 = 6640 kg/ha = 442.67 kg/mu
    assert means.loc["A", "N"] == pytest.approx(6640.0 / 15)


def test_site_of_raw_harvest_records_beside_sites_of_yields(tmp_path, capsys):
    """One site's file of harvest records, another's of kg/mu yields: both analysed (user pass).

    The raw site was left out ("no observed 'yield_kg_mu' (all plots blank)"). At 13 %
    moisture (wheat's standard) and no impurity the yield is the fresh mass / area:
    14.3 kg / 20 m2 x 10 000 = 7150 kg/ha = 476.67 kg/mu (1 mu = 10 000/15 m2).
    """
    masses = {("1", "CK"): 14.0, ("1", "N"): 14.3, ("2", "CK"): 13.8, ("2", "N"): 14.6}
    masses |= {("3", "CK"): 14.1, ("3", "N"): 14.0}
    raw = pd.DataFrame(
        [(b, t, 20, m, 13.0) for (b, t), m in masses.items()],
        columns=["block", "treatment", "harvested_area_m2", "fresh_mass_kg", "moisture_pct"],
    )
    raw.to_csv(tmp_path / "A.csv", index=False)
    mu = pd.DataFrame(
        [(b, t, m * 500 / 15 + 5) for (b, t), m in masses.items()],
        columns=["block", "treatment", "yield_kg_mu"],
    )
    mu.to_csv(tmp_path / "B.csv", index=False)
    out = tmp_path / "net.json"
    files = [str(tmp_path / "A.csv"), str(tmp_path / "B.csv")]
    assert main(["network", *files, "--crop", "wheat", "--control", "CK", "-o", str(out)]) == 0
    assert "ok 2" in capsys.readouterr().err
    doc = json.loads(out.read_text(encoding="utf-8"))
    means = pd.DataFrame(doc["summary"]["means"]).set_index("site")
    # balanced RCBD: LS-mean = raw mean; N at A: (14.3 + 14.6 + 14.0) / 3 x 500 = 7150 kg/ha
    assert means.loc["A", "N"] == pytest.approx(7150.0 / 15)
    assert means.loc["B", "N"] == pytest.approx(7150.0 / 15 + 5)


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "Site 'B' has the same plot data as site 'A' (treatment and yield\\_kg\\_ha"),
        ("zh", "试点 'B' 与试点 'A' 的小区数据完全相同"),
    ],
)  # fmt: skip
def test_standardized_copy_of_a_raw_site_is_named_as_the_copy(tmp_path, capsys, lang, note):
    """A.csv of harvest records, then B.csv its standardized copy: B is the copy (stop 36).

    The raw sites were put after the sites of yields, so the note called A a copy of B
    and the site columns read B, A; both now follow the order of the files.
    """
    masses = {("1", "CK"): 14.0, ("1", "N"): 14.3, ("2", "CK"): 13.8, ("2", "N"): 14.6}
    masses |= {("3", "CK"): 14.1, ("3", "N"): 14.0}
    raw = pd.DataFrame(
        [(i, b, t, 20, m, 13.0) for i, ((b, t), m) in enumerate(masses.items(), 1)],
        columns=["plot_id", "block", "treatment", "harvested_area_m2", "fresh_mass_kg",
                 "moisture_pct"],
    )  # fmt: skip
    raw.to_csv(tmp_path / "A.csv", index=False)
    standardize = ["standardize", str(tmp_path / "A.csv"), "--crop", "wheat"]
    assert main([*standardize, "-o", str(tmp_path / "B.csv")]) == 0
    out = tmp_path / "net.md"
    files = [str(tmp_path / "A.csv"), str(tmp_path / "B.csv")]
    argv = ["network", *files, "--crop", "wheat", "--control", "CK", "--unit", "kg/ha"]
    assert main([*argv, "--lang", lang, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert note in text
    header = next(x for x in text.splitlines() if x.startswith("| ") and "| A |" in x)
    assert header.index("| A |") < header.index("| B |")


def test_methods_say_which_sites_raw_records_were_standardized(tmp_path, capsys):
    """Raw harvest records beside a site of yields: the methods name the raw site (stop 34).

    Wheat's standard under cn-yield-test is 13 % (protocols); the dry-matter method by default.
    """
    _harvest_network(tmp_path / "A.csv", 1, 0.0)
    frame = pd.read_csv(tmp_path / "A.csv").drop(columns="site")
    frame.to_csv(tmp_path / "A.csv", index=False)
    given = frame[["block", "treatment"]].assign(yield_kg_ha=7000.0 + frame.index * 10.0)
    given.to_csv(tmp_path / "B.csv", index=False)
    out = tmp_path / "net.md"
    files = [str(tmp_path / "A.csv"), str(tmp_path / "B.csv")]
    assert main(["network", *files, "--crop", "wheat", "--control", "CK", "-o", str(out)]) == 0
    text = " ".join(out.read_text(encoding="utf-8").split())
    assert "The plot tables of A held raw harvest records (fresh mass and moisture)" in text
    assert "standardized to 13 % moisture" in text and "dry-matter (mass balance)" in text


def test_methods_say_records_were_standardized_in_chinese(tmp_path, capsys):
    """The same sentence in a zh report, at the --standard-moisture-pct given."""
    path = tmp_path / "plots.csv"
    _harvest_network(path, 3, 0.0)
    out = tmp_path / "net.md"
    args = ["network", str(path), "--crop", "wheat", "--control", "CK", "--lang", "zh"]
    assert main([*args, "--standard-moisture-pct", "14", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "S0、S1、S2的小区表为原始收获记录（鲜重与含水量）" in text
    assert (
        "籽粒产量按标准含水量 14%（由 --standard-moisture-pct 指定）折算，采用干物质守恒法" in text
    )


def test_methods_of_sites_of_yields_say_nothing_of_standardizing(tmp_path, capsys):
    """Sites given as yields: no sentence on harvest records."""
    frame = pd.DataFrame(
        [(s, b, t, 7000.0 + 50 * b + (30 if t == "A" else 0) + 7 * (b * b % 5) * (t == "A"))
         for s in ("S1", "S2")
         for b in (1, 2, 3) for t in ("CK", "A")],
        columns=["site", "block", "treatment", "yield_kg_ha"],
    )  # fmt: skip
    frame.to_csv(tmp_path / "y.csv", index=False)
    out = tmp_path / "net.md"
    assert main(["network", str(tmp_path / "y.csv"), "--control", "CK", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "raw harvest records" not in text and "standardized to" not in text


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "Site 'C' has the same plot data as site 'A' (treatment and yield\\_kg\\_ha of "
               "all 9 plots): copied data count one trial twice in the summary across sites"),
        ("zh", "试点 'C' 与试点 'A' 的小区数据完全相同（全部 9 个小区的处理和观测值均相同）"),
    ],
)  # fmt: skip
def test_network_report_notes_a_site_copied_from_another(plots_csv, tmp_path, lang, note):
    """Site C's plots replaced by site A's (blocks and rows in another order): a note names both."""
    df = pd.read_csv(plots_csv, dtype=str)
    copy = df[df["site"] == "A"].assign(site="C").iloc[::-1]
    pd.concat([df[df["site"] != "C"], copy]).to_csv(plots_csv, index=False)
    out = tmp_path / f"network_{lang}.md"
    argv = ["network", str(plots_csv), "--by", "site", "--control", "CK", "--lang", lang]
    assert main([*argv, "-o", str(out)]) == 0
    assert note in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["O'Brien", "x\"y'z"])
def test_network_zh_note_of_a_copied_site_with_a_quote_in_its_name(
    plots_csv, tmp_path, capsys, name
):
    """A site name holding a quote (repr in double quotes or escaped) is still translated."""
    df = pd.read_csv(plots_csv, dtype=str)
    copy = df[df["site"] == "A"].assign(site=name).iloc[::-1]
    pd.concat([df[df["site"] != "C"], copy]).to_csv(plots_csv, index=False)
    out = tmp_path / "network_zh.md"
    argv = ["network", str(plots_csv), "--by", "site", "--control", "CK", "--lang", "zh"]
    assert main([*argv, "-o", str(out)]) == 0
    shown = repr(name).replace("\\", "\\\\")  # Markdown escapes the backslash
    assert f"试点 {shown} 与试点 'A' 的小区数据完全相同" in out.read_text(encoding="utf-8")
    lines = [ln for ln in capsys.readouterr().err.splitlines() if "完全相同" in ln]
    assert lines == [
        f"yieldtrial: 警告：试点 {name!r} 与试点 'A' 的小区数据完全相同（全部 9 个小区的处理和"
        "观测值均相同）：复制的数据会使同一试验在多点汇总中被计算两次；请检查这些试验的数据"
    ]


def _site_yield_files(folder, sites=("祁县", "榆次", "太谷")):
    """One yield file per site (no site column: the file names the site); paths in order."""
    folder.mkdir()
    paths = []
    for k, site in enumerate(sites):
        lines = ["treatment,block,yield_kg_ha"]
        for block in (1, 2, 3):
            for i, treatment in enumerate(("CK", "N1")):
                # each site its own level and a plot off the additive pattern (no exact fit)
                value = 7000 + 300 * i + 40 * block + 13 * k + (9 if (block, i) == (2, 1) else 0)
                lines.append(f"{treatment},{block},{value}")
        path = folder / f"{site}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_network_report_lists_sites_in_the_order_of_the_files(tmp_path, lang):
    """Files given as 祁县, 榆次, 太谷: the site columns and the site strip keep that order.

    They were sorted by code point (太谷 U+592A, 榆次 U+6986, 祁县 U+7941).
    """
    files = _site_yield_files(tmp_path / "sites")
    out = tmp_path / "net.md"
    argv = ["network", *files, "--control", "CK", "--lang", lang, "-o", str(out)]
    assert main(argv) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    header = next(x for x in lines if x.startswith("| ") and "| 祁县 |" in x)
    assert header.index("祁县") < header.index("榆次") < header.index("太谷")
    starts = ("| 祁县", "| 榆次", "| 太谷")
    strip = [x.split(" | ")[0].strip("| ") for x in lines if x.startswith(starts)]
    assert strip == ["祁县", "榆次", "太谷"]


def test_network_json_keeps_the_order_of_the_trial_keys(tmp_path):
    """The JSON of files given as 祁县, 榆次, 太谷 is unchanged: trials in key order."""
    files = _site_yield_files(tmp_path / "sites")
    out = tmp_path / "net.json"
    assert main(["network", *files, "--control", "CK", "-o", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [row["site"] for row in document["per_trial"]] == ["太谷", "榆次", "祁县"]


def test_trial_keys_are_the_labels_joined_column_by_column() -> None:
    """The trial keys of 300,000 plots by site and year: the joined labels."""
    import numpy as np
    import pandas as pd

    from yieldtrial.commands.network import _trial_keys

    n = 300_000
    plots = pd.DataFrame(
        {"site": np.repeat([f"farm {i}" for i in range(100)], n // 100), "year": 2024}
    )
    plots.loc[plots.index[-1], "year"] = 2025
    keys = _trial_keys(plots, ["site", "year"])
    assert keys.iloc[0] == "farm 0 / 2024" and keys.iloc[-1] == "farm 99 / 2025"
    assert keys.nunique() == 101


def test_trial_keys_call_python_a_fixed_number_of_times_whatever_the_plots() -> None:
    """Column by column, not plot by plot: the Python calls do not grow with the plots.

    They were joined plot by plot (``agg(" / ".join, axis=1)``: 19 s for 500,000 plots,
    up to five times a run; hostile pass), about 65 Python calls a plot.  Counted, not
    timed (a test's wall time on a loaded machine says nothing): 722 calls for 1,000 and
    for 300,000 plots with pandas 3, 629 and 628 with pandas 2.0.
    """
    import numpy as np
    import pandas as pd

    from yieldtrial.commands.network import _trial_keys

    def calls(n: int) -> int:
        plots = pd.DataFrame(
            {"site": np.repeat([f"farm {i}" for i in range(100)], n // 100), "year": 2024}
        )
        return python_calls(lambda: _trial_keys(plots, ["site", "year"]))

    assert calls(300_000) - calls(1_000) < 100  # plot by plot: 19 million more


def test_network_reads_labels_with_analyze_many_function(plots_csv, tmp_path, monkeypatch):
    """The command reads its labels through ``analyze_many``'s function (stop 48).

    Both paths had their own copy (``commands.network._normalise_labels`` in place, and
    ``network._normalised_labels``); the command now calls the library's, with the
    plot-table reader's missing texts.
    """
    import yieldtrial.network._columns as columns_module
    from yieldtrial.io.plots import NA_VALUES

    calls: list[tuple[list[str], tuple[str, ...]]] = []
    real = columns_module.normalised_labels

    def spy(data, columns, **kwargs):
        calls.append((list(columns), tuple(kwargs.get("missing", ()))))
        return real(data, columns, **kwargs)

    monkeypatch.setattr(columns_module, "normalised_labels", spy)
    out = tmp_path / "net.json"
    assert main(["network", str(plots_csv), "--by", "site", "--control", "CK", "-o", str(out)]) == 0
    assert (["site", "treatment", "block"], tuple(NA_VALUES)) in calls


def test_network_reads_float_labels_as_the_plot_table_reader(plots_csv, tmp_path):
    """Blocks and sites written 1.0, 2.0 in the file are '1', '2' (stop 48), as in ``report``.

    pandas reads such a column as floats; the command kept them as '1.0'.
    """
    table = pd.read_csv(plots_csv)
    table = table.loc[table["site"] != "D"]
    table["site"] = table["site"].map({"A": 1.0, "B": 2.0, "C": 3.0})
    table["block"] = table["block"].astype(float)
    path = tmp_path / "floats.csv"
    table.to_csv(path, index=False)
    out = tmp_path / "net.json"
    assert main(["network", str(path), "--by", "site", "--control", "CK", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [row["site"] for row in data["per_trial"]] == ["1", "2", "3"]


def test_no_trial_analysed_names_the_sites_left_out_before_and_every_other(tmp_path, capsys):
    """The error named the engine's failures only; a site left out before is one too.

    Site D (a negative yield) is left out before the analysis, A, B and C fail in it (no
    observed T): four failures, the first three with their reasons, C named after them.
    """
    rows = ["site,block,treatment,yield_kg_ha"]
    rows += [f"{s},{b},{t},{6000 if t == 'CK' else ''}" for s in "ABC" for b in (1, 2)
             for t in ("CK", "T")]  # fmt: skip
    rows += [f"D,{b},{t},{-5 if (b, t) == (1, 'T') else 6000}" for b in (1, 2) for t in ("CK", "T")]
    path = tmp_path / "net.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "n.md"
    assert main(["network", str(path), "--control", "CK", "-o", str(out)]) == 1
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("yieldtrial: error: no trial could be analysed: 4 trials, all failed")
    assert "(1) site 'D': row 15: yield_kg_ha = '-5' is negative" in line
    assert "(2) site 'A': " in line and "(3) site 'B': " in line
    assert line.endswith("; the other 1: site 'C'. Check the control, treatment and block "
                         "columns and the yields")  # fmt: skip
    assert not out.exists()


def test_one_file_without_a_site_column_says_it_is_one_trial(tmp_path, capsys):
    """A one-file network with no site column ran as one trial without a word (stop 48)."""
    rows = ["plot_id,treatment,block,yield_kg_ha"]
    rows += [f"{b}{t},{t},{b},{6000 + 50 * b + (300 + 7 * b * b if t == 'T' else 0)}"
             for b in (1, 2, 3) for t in ("CK", "T")]  # fmt: skip
    path = tmp_path / "plots.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["network", str(path), "--control", "CK", "-o", str(tmp_path / "n.md")]) == 0
    err = capsys.readouterr().err
    assert (
        "yieldtrial: warning: plots.csv has no site column, so it is one trial, site 'plots' "
        "(the file's name); for a network, give each site's rows their site in a column "
        "(--by COLUMN names it), or one file per site"
    ) in err.splitlines()
