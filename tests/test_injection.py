"""Injection-safe outputs: CSV formulas neutralised (OWASP), Markdown escapes user text."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from hostile import HEADER, run_cli
from yieldtrial.io import read_plots
from yieldtrial.io.output import csv_safe_frame, csv_safe_text, markdown_text

EVIL = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd", "'+cmd"),
        ("-N", "'-N"),  # an omission plot label: quoted (OWASP), restored on reading
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-5", "-5"),  # plain numbers cannot be formulas
        ("+1.5e3", "+1.5e3"),
        ("CK", "CK"),
    ],
)
def test_csv_safe_text(text, safe):
    """Formula starters get a leading quote; plain numbers and text are unchanged."""
    assert csv_safe_text(text) == safe


def test_csv_safe_frame_leaves_numbers_and_copies_only_when_needed():
    """Numeric columns are untouched; a frame without formulas is returned as is."""
    clean = pd.DataFrame({"a": ["x", "y"], "b": [-1.0, 2.0]})
    assert csv_safe_frame(clean) is clean
    evil = pd.DataFrame({"=a": ["=x", "y"], "b": [-1.0, 2.0]})
    safe = csv_safe_frame(evil)
    assert safe.columns.tolist() == ["'=a", "b"]
    assert safe["'=a"].tolist() == ["'=x", "y"]
    assert evil["=a"].tolist() == ["=x", "y"]  # the input is not modified


def _rows(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_standardize_csv_neutralises_formulas(tmp_path, capsys):
    """Treatment and notes cells starting with = + - @ are quoted in standardize's CSV."""
    path = tmp_path / "p.csv"
    path.write_text(
        HEADER.rstrip("\n") + ",notes\n"
        f'101,1,CK,20,14.98,12.7,"{EVIL.replace(chr(34), chr(34) * 2)}"\n'
        "102,1,-N,20,13.77,13.7,@cmd\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    code, lines = run_cli(["standardize", str(path), "--crop", "wheat", "-o", str(out)], capsys)
    assert code == 0, lines
    rows = _rows(out)
    header = rows[0]
    assert rows[1][header.index("notes")] == "'" + EVIL
    assert rows[2][header.index("treatment")] == "'-N"
    assert rows[2][header.index("notes")] == "'@cmd"
    # reading the output back restores the labels
    again = read_plots(out)
    assert again["treatment"].tolist() == ["CK", "-N"]


def test_design_field_book_neutralises_formulas(tmp_path, capsys):
    """Treatment labels given to design are written safely into the field book."""
    out = tmp_path / "fb.csv"
    code, lines = run_cli(
        ["design", "crd", "--treatments", "=1+1", "+P", "--replicates", "2", "--seed", "1",
         "-o", str(out)],
        capsys,
    )  # fmt: skip
    assert code == 0, lines
    labels = {row[_rows(out)[0].index("treatment")] for row in _rows(out)[1:]}
    assert labels == {"'=1+1", "'+P"}
    assert sorted(set(read_plots(out)["treatment"])) == ["+P", "=1+1"]


def test_network_csv_neutralises_formulas(tmp_path, capsys):
    """The layout-G CSV of `network` quotes formula-like treatment labels."""
    rows = ["site,block,treatment,yield_kg_ha"]
    for site in ("A", "B"):
        for block in (1, 2, 3):
            # block**2 in one treatment: not exactly additive (an exact fit is refused)
            rows += [f"{site},{block},CK,{6000 + block}", f"{site},{block},=2+5,{6200 + block**2}"]
    path = tmp_path / "net.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "net_out.csv"
    code, lines = run_cli(["network", str(path), "--by", "site", "-o", str(out)], capsys)
    assert code == 0, lines
    treatments = [row[0] for row in _rows(out)[1:]]
    assert "'=2+5" in treatments and "=2+5" not in treatments


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
        ('<img src=x onerror="alert(1)">', '&lt;img src=x onerror="alert(1)">'),
        ("&lt;", "&amp;lt;"),
        ("a\n# injected", "a # injected"),
        ("p < 0.05 & R&D", "p < 0.05 & R&D"),
        ("![](http://x/p.png)", "!\\[\\](http://x/p.png)"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("*b* _i_ `c` ~~s~~ a\\b", "\\*b\\* \\_i\\_ \\`c\\` \\~\\~s\\~\\~ a\\\\b"),
    ],
)
def test_markdown_text(text, expected):
    """HTML that could run is escaped; line breaks become spaces; ordinary text is kept."""
    assert markdown_text(text) == expected


def test_markdown_report_escapes_labels_and_title(tmp_path, capsys):
    """A Markdown report passes no <script>/<img onerror> and no injected heading."""
    path = tmp_path / "p.csv"
    evil = "<img src=x onerror=alert(1)>"
    rows = [
        f"101,1,{evil},20,14.98,12.7",
        "102,1,T,20,13.77,13.7",
        f"201,2,{evil},20,14.97,13.4",
        "202,2,T,20,13.89,13.8",
        f"301,3,{evil},20,14.5,13.0",
        "302,3,T,20,13.6,13.2",
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    config = tmp_path / "trial.toml"
    config.write_text(
        '[trial]\ncrop = "wheat"\ntitle = "Wheat\\n# Injected heading <script>x</script>"\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.md"
    code, lines = run_cli(
        ["report", str(path), "--config", str(config), "--no-figures", "-o", str(out)], capsys
    )
    assert code == 0, lines
    text = out.read_text(encoding="utf-8")
    assert "<img" not in text and "<script" not in text
    assert "&lt;img src=x onerror=alert(1)>" in text
    assert not any(line.startswith("# Injected") for line in text.splitlines())


def test_markdown_report_escapes_inline_syntax_and_block_markers(tmp_path, capsys):
    """Images, links and emphasis in a title or label are text; a leading "- " opens no list."""
    path = tmp_path / "p.csv"
    link = "[x](javascript:alert(1))"
    rows = [
        "101,1,- CK,20,14.98,12.7",
        f"102,1,{link},20,13.77,13.7",
        "201,2,- CK,20,14.97,13.4",
        f"202,2,{link},20,13.89,13.8",
        "301,3,- CK,20,14.5,13.0",
        f"302,3,{link},20,13.6,13.2",
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    config = tmp_path / "trial.toml"
    config.write_text(
        '[trial]\ncrop = "wheat"\ntitle = "![](http://x/p.png) *T*"\n'
        '[analysis]\ncontrol = "- CK"\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.md"
    code, lines = run_cli(
        ["report", str(path), "--config", str(config), "--no-figures", "-o", str(out)], capsys
    )
    assert code == 0, lines
    text = out.read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)\]\(", text)  # every "](" of a link is escaped
    assert "!\\[\\](http://x/p.png) \\*T\\*" in text
    assert not any(line.startswith("- - ") for line in text.splitlines())


def test_bidi_override_in_a_title_or_label_is_removed(tmp_path, capsys):
    """U+202E in a title or label (text shown reversed: 'Trojan Source') reaches no output."""
    path = tmp_path / "p.csv"
    rows = [
        f"{i}0{j},{i},{t},20,{14 - j / 10 + i * j / 7:.2f},13"
        for i in (1, 2, 3)
        for j, t in ((1, "\u202eKC"), (2, "T"))
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    config = tmp_path / "trial.toml"
    config.write_text('[trial]\ncrop = "wheat"\ntitle = "\\u202eevil"\n', encoding="utf-8")
    out = tmp_path / "r.json"
    code, lines = run_cli(
        ["report", str(path), "--config", str(config), "--control", "KC", "-o", str(out)], capsys
    )
    assert code == 0, lines
    text = out.read_text(encoding="utf-8")
    assert "\u202e" not in text  # (the warning quotes the label escaped, as \\u202e)
    assert '"KC"' in text
