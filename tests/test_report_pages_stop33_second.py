"""Reports read on rendered pages, second pass (stop 33).

- The network report's tables had no captions: a table going on on the next page showed
  only its repeated header (no "Table n (continued)."), and no table could be cited.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from yieldtrial.cli import main
from yieldtrial.datasets import example_path

docx = pytest.importorskip("docx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# ------------------------------------------------------------ network tables captioned
@pytest.fixture(scope="module")
def network_result() -> Any:
    """The shipped 60-farm network (one plot per treatment and farm)."""
    import pandas as pd

    from yieldtrial.network import analyze_many

    plots = pd.read_csv(example_path("farm-network"))
    return analyze_many(
        plots, by=["site"], response="yield_kg_mu", treatment="treatment", control="CK1",
        dunnett_pvalues="none",
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_network_report_tables_all_have_captions(network_result: Any, lang: str) -> None:
    from yieldtrial.report.model import Table
    from yieldtrial.report.network import network_report

    report = network_report(network_result, lang=lang, report_date="2024-01-01")
    tables = [b for s in report.sections for b in s.blocks if isinstance(b, Table)]
    assert len(tables) >= 4
    assert all(t.caption for t in tables)
    assert len({t.caption for t in tables}) == len(tables)
    assert sorted(report.numbers().values()) == list(range(1, len(tables) + 1))


@pytest.mark.parametrize(
    ("lang", "first"), [("en", "*Table 1. "), ("zh", "表 1　")]
)  # fmt: skip
def test_network_markdown_numbers_its_tables(network_result: Any, lang: str, first: str) -> None:
    from yieldtrial.report.network import network_report
    from yieldtrial.report.render_markdown import render_markdown

    text = render_markdown(network_report(network_result, lang=lang, report_date="2024-01-01"))
    assert any(line.startswith(first) for line in text.splitlines())


def test_network_html_numbers_its_tables(network_result: Any) -> None:
    from yieldtrial.report.network import network_report
    from yieldtrial.report.render_html import render_html

    html = render_html(network_report(network_result, report_date="2024-01-01"))
    labels = re.findall(r"<figcaption><span class=\"num\">Table (\d+)\.", html)
    assert labels[:3] == ["1", "2", "3"]


@pytest.mark.parametrize(("lang", "continued"), [("en", "Table 1 (continued)."), ("zh", "表 1（续）")])
def test_network_docx_long_table_goes_on_under_continued(
    tmp_path: Path, lang: str, continued: str
) -> None:
    # the 60-farm table of yields runs onto page 2; it showed only its repeated header there
    folder = example_path("farm-network").parent
    out = tmp_path / f"network_{lang}.docx"
    argv = ["network", str(folder / "plots.csv"), "--config", str(folder / "trial.toml")]
    assert main([*argv, "--lang", lang, "-o", str(out)]) == 0
    document = docx.Document(io.BytesIO(out.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    assert any(text.startswith(continued) for text in texts)

