"""Chinese reports are Chinese: no English word outside the documented allowed list.

The visible text of every ``--lang zh`` report of the shipped examples (HTML text
content including the figures' SVG text; DOCX paragraphs, tables, headers and
footers read with python-docx) is split into Latin-letter words; each must be in
``zh_purity.ALLOWED_WORDS`` (names, units and standard abbreviations) or match one of
``zh_purity.ALLOWED_PATTERNS`` (file names, checksums, identifiers).  The same list is
documented in docs/user-guide.md ("Chinese reports"); a test keeps the two equal.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

from yieldtrial.commands.demo import DEMO_EXAMPLES
from yieldtrial.datasets import example_path
from yieldtrial.report.files import report_from_files
from zh_purity import ALLOWED_WORDS, docx_text, english_words, html_text


@pytest.fixture(scope="module", params=DEMO_EXAMPLES)
def zh_report(request: pytest.FixtureRequest) -> Any:
    report, _ = report_from_files(
        example_path(request.param),
        example_path(request.param, "trial.toml"),
        lang="zh",
        report_date="2024-06-01",
    )
    return report


def test_english_words_finds_english() -> None:
    """The checker itself: English words are found, allowed names and ids are not."""
    assert english_words("产量 (kg/亩)，CK1 与 T 比较，Dunnett P = 0.01") == []
    assert english_words("plots.csv 8cfe79533b0a163d59fb0927898c91340b184929") == []
    assert english_words("复合肥 compound fertilizer") == ["compound", "fertilizer"]


def test_zh_html_has_no_english_words(zh_report: Any) -> None:
    """HTML text content (with the figures' text) of a zh report: no English word."""
    assert english_words(html_text(zh_report.to_html())) == []


def test_zh_docx_has_no_english_words(zh_report: Any) -> None:
    """DOCX paragraphs, tables, headers and footers of a zh report: no English word."""
    pytest.importorskip("docx")
    assert english_words(docx_text(zh_report.to_docx())) == []


def test_allowed_list_is_documented() -> None:
    """docs/user-guide.md lists exactly the allowed words of this test."""
    guide = (Path(__file__).parents[1] / "docs" / "user-guide.md").read_text(encoding="utf-8")
    block = guide.split("<!-- zh-allowed-words -->")[1].split("<!-- /zh-allowed-words -->")[0]
    documented = set(re.findall(r"`([^`]+)`", block))
    assert documented == set(ALLOWED_WORDS)


# ----------------------------------------------------------------- mixed-model designs
def _mixed_book(kind: str) -> tuple[Any, str]:
    """Return a small field book of ``kind`` (one plot lost) and its ``[analysis]`` lines."""
    from yieldtrial import design

    if kind == "alpha":
        book = design.alpha_design(
            [f"G{i}" for i in range(1, 7)], block_size=3, replicates=2, seed=1
        )
        toml = 'design = "alpha"\ncontrol = "G1"\n'
    elif kind == "split_plot_kr":
        book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
        toml = 'design = "split_plot"\nfactors = ["main", "sub"]\nddf = "kenward-roger"\n'
    else:
        book = design.augmented_design(
            ["CK1", "CK2"], [f"E{i}" for i in range(1, 7)], blocks=3, seed=2
        )
        toml = 'design = "augmented"\ncontrol = "CK1"\n'
    n = len(book)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = [9.0 + (i * 7 % 16) / 10 for i in range(n)]
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 0.5
    if kind != "augmented":
        book.loc[4, "fresh_mass_kg"] = float("nan")
    return book, toml


@pytest.mark.parametrize("kind", ["alpha", "split_plot_kr", "augmented"])
def test_zh_mixed_model_report_has_no_english_words(kind: str, tmp_path: Path) -> None:
    """The REML and Federer methods paragraphs name methods and packages on the list only."""
    book, analysis = _mixed_book(kind)
    book.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        f'[trial]\ncrop = "wheat"\n\n[analysis]\n{analysis}', encoding="utf-8"
    )
    report, _ = report_from_files(
        tmp_path / "plots.csv", tmp_path / "trial.toml", lang="zh", figures=False
    )
    labels = frozenset(
        str(v) for col in ("treatment", "main", "sub") if col in book for v in book[col]
    )
    # the suspect-plot note quotes the trial.toml line to type ([[exclude]] plot = "101",
    # reason = "..."): code, not language
    code = {"main", "sub", "exclude", "plot", "reason", "trial.exclude"}
    assert english_words(html_text(report.to_html()), labels | code) == []


# ----------------------------------------------------------------------- network report
NETWORK_FORMATS = ("html", "md", "docx")


@pytest.fixture(scope="module")
def network_zh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``yieldtrial network`` on the shipped network example, --lang zh, HTML, MD and DOCX."""
    from yieldtrial.cli import main

    folder = tmp_path_factory.mktemp("network-zh")
    plots = example_path("farm-network")
    config = example_path("farm-network", "trial.toml")
    out = {}
    for fmt in NETWORK_FORMATS:
        if fmt == "docx" and importlib.util.find_spec("docx") is None:
            continue
        path = folder / f"network.zh.{fmt}"
        args = ["network", str(plots), "--config", str(config), "--lang", "zh", "-o", str(path)]
        code = main(args)
        assert code == 0
        out[fmt] = path
    return out


def _site_labels() -> frozenset[str]:
    import pandas as pd

    return frozenset(pd.read_csv(example_path("farm-network"))["site"].astype(str))


@pytest.mark.parametrize("fmt", NETWORK_FORMATS)
def test_zh_network_report_has_no_english_words(fmt: str, network_zh: dict[str, Path]) -> None:
    """The zh network report (notes, captions, headers, verdicts): no English word."""
    if fmt not in network_zh:
        pytest.skip("python-docx not installed")
    path = network_zh[fmt]
    if fmt == "docx":
        text = docx_text(path.read_bytes())
    elif fmt == "html":
        text = html_text(path.read_text(encoding="utf-8"))
    else:
        text = path.read_text(encoding="utf-8")
    assert english_words(text, _site_labels()) == []


def test_every_canonical_crop_has_a_chinese_name() -> None:
    """A zh report names every crop yieldtrial knows in Chinese (oats 燕麦, not "oats").

    The names are the Chinese aliases ``canonical_crop`` accepts for each crop
    (``yieldtrial.protocols``: 燕麦 -> oats, 黑麦 -> rye, 籼稻 -> rice_indica, ...).
    """
    from yieldtrial.protocols import CROPS, canonical_crop
    from yieldtrial.report.i18n import CROPS_ZH

    assert set(CROPS) <= set(CROPS_ZH)
    for crop in CROPS:
        assert canonical_crop(CROPS_ZH[crop]) == crop
