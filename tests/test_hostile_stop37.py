"""Hostile inputs and output faults found in the stop-37 hostile pass (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from yieldtrial.commands.demo import index_page


@pytest.mark.parametrize(
    "document", ["[]", "5", '"title"', "null", '{"title": ["x"]}', '{"title": null}', "{"]
)
def test_demo_index_names_the_example_when_its_json_report_was_edited(
    tmp_path: Path, document: str
) -> None:
    """A JSON report edited into a list, a number or a title that is no text is no crash.

    ``demo --force`` into a folder whose ``jinzhong-2024.zh.json`` a user replaced with
    ``[]`` ended in "internal error ... TypeError: list indices must be integers" after
    writing the reports (exit 3); the index now names the example instead.
    """
    (tmp_path / "jinzhong-2024.zh.json").write_text(document, encoding="utf-8")
    before = (tmp_path / "jinzhong-2024.zh.json").read_bytes()
    for lang in ("en", "zh"):
        page = index_page(tmp_path, lang)
        assert "<b>jinzhong-2024</b> (jinzhong-2024," in page
    assert (tmp_path / "jinzhong-2024.zh.json").read_bytes() == before


def test_demo_index_takes_the_title_of_a_json_report(tmp_path: Path) -> None:
    """A report's title (text, escaped) still names its example."""
    (tmp_path / "jinzhong-2024.json").write_text('{"title": "A <b> trial"}', encoding="utf-8")
    assert "<b>A &lt;b&gt; trial</b> (jinzhong-2024," in index_page(tmp_path, "en")
