"""The letter columns follow ``--alpha``: one column at 0.01 or below, two above (stop 40).

At ``--alpha 0.01`` the report showed the letters at alpha and at the uppercase level 0.01
side by side: two identical columns, and a note "lowercase alpha = 0.01, uppercase alpha =
0.01".  The uppercase column is a second, stricter level, so it is shown only when alpha is
above 0.01 (``report.context.letters_alphas``).

Trial: the shipped ``replicated-rcbd`` dataset (synthetic, 3 treatments x 4 blocks).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from yieldtrial.cli import main
from yieldtrial.report.context import letters_alphas

FOLDER = Path(__file__).parents[1] / "src" / "yieldtrial" / "datasets" / "replicated-rcbd"


def _report(tmp_path: Path, suffix: str, alpha: str, lang: str = "en") -> Path:
    out = tmp_path / f"report.{suffix}"
    argv = ["report", str(FOLDER / "plots.csv"), "--config", str(FOLDER / "trial.toml")]
    rc = main([*argv, "--alpha", alpha, "--lang", lang, "--no-figures", "-o", str(out)])
    assert rc == 0
    return out


@pytest.mark.parametrize(
    ("alpha", "levels"),
    [(0.05, (0.05, 0.01)), (0.1, (0.1, 0.01)), (0.01, (0.01,)), (0.005, (0.005,))],
)
def test_uppercase_level_only_above_001(alpha, levels):
    assert letters_alphas(alpha) == levels


def test_markdown_at_001_has_one_letters_column(tmp_path):
    text = _report(tmp_path, "md", "0.01").read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| Rank |"))
    assert header.count("Letters (0.01)") == 1, header
    assert "Significance:" not in header


def test_markdown_at_001_note_names_one_alpha(tmp_path):
    text = _report(tmp_path, "md", "0.01").read_text(encoding="utf-8")
    assert (
        "_Means sharing a letter do not differ significantly (Tukey's HSD); alpha = 0.01._" in text
    )
    assert "uppercase" not in text


def test_chinese_markdown_at_001_has_one_significance_column(tmp_path):
    text = _report(tmp_path, "md", "0.01", "zh").read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| 位次 |"))
    assert header.endswith("| 差异显著性（0.01） |"), header
    assert "含相同字母者差异不显著（Tukey HSD 法）；α = 0.01。" in text
    assert "大写字母" not in text


def test_methods_at_001_do_not_name_uppercase_letters(tmp_path):
    text = _report(tmp_path, "md", "0.01").read_text(encoding="utf-8")
    assert "letters from Tukey's HSD at alpha = 0.01. Confidence intervals are 99 %." in text


def test_markdown_at_010_keeps_both_columns(tmp_path):
    # above 0.05 the lowercase letters are at alpha (0.1), the uppercase at 0.01
    text = _report(tmp_path, "md", "0.1").read_text(encoding="utf-8")
    header = next(line for line in text.splitlines() if line.startswith("| Rank |"))
    assert header.endswith("| Significance: Letters (0.1) | Significance: Letters (0.01) |")
    assert "lowercase alpha = 0.1, uppercase alpha = 0.01." in text
    assert "at alpha = 0.1 (uppercase letters: alpha = 0.01)" in text


def test_json_at_001_has_no_uppercase_letters(tmp_path):
    data = json.loads(_report(tmp_path, "json", "0.01").read_text(encoding="utf-8"))
    assert all("letters_upper" not in row for row in data["results"]["means"])
    assert all(row["letters"] for row in data["results"]["means"])


def test_json_at_010_records_both_levels(tmp_path):
    data = json.loads(_report(tmp_path, "json", "0.1").read_text(encoding="utf-8"))
    assert data["results"]["letters"]["alphas"] == [0.1, 0.01]


def test_html_at_001_has_one_letters_column(tmp_path):
    text = _report(tmp_path, "html", "0.01").read_text(encoding="utf-8")
    assert text.count('<th class="text">Letters') == 1


def test_docx_at_001_has_one_letters_column(tmp_path):
    with zipfile.ZipFile(_report(tmp_path, "docx", "0.01")) as book:
        document = book.read("word/document.xml").decode("utf-8")
    assert document.count("Letters</w:t>") == 1


def test_xlsx_at_001_has_one_letters_column(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(_report(tmp_path, "xlsx", "0.01"))
    header = next(
        row
        for row in book["Treatment means and comparisons"].iter_rows(values_only=True)
        if row and row[0] == "Rank"
    )
    assert [cell for cell in header if str(cell).startswith("Letters")] == ["Letters (0.01)"]


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [("en", "differ significantly at alpha = 0.01."), ("zh", "在 α = 0.01 水平差异显著")],
)
def test_letters_summary_note_names_the_alpha_of_its_one_column(
    tmp_path, monkeypatch, lang, phrase
):
    # above LETTERS_ALL_MAX levels the letters are summarised; its note said "(lowercase
    # alpha)" also when --alpha 0.01 left a single column (lowered to 2 for 3 treatments)
    import yieldtrial.stats.multiple_range as multiple_range

    monkeypatch.setattr(multiple_range, "LETTERS_ALL_MAX", 2)
    text = _report(tmp_path, "md", "0.01", lang).read_text(encoding="utf-8")
    assert phrase in text
    assert "lowercase" not in text and "小写" not in text
