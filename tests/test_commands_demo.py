"""``yieldtrial demo`` in both languages into one folder: one index linking all reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from yieldtrial.commands.demo import DEMO_EXAMPLES, index_page


def _touch(folder: Path, names: list[str]) -> None:
    for name in names:
        (folder / name).write_text("x", encoding="utf-8")


def test_index_links_reports_of_both_languages(tmp_path: Path) -> None:
    """Reports of both languages on disk are all linked, whichever language ran last."""
    names = [f"{n}{lang}{suffix}" for n in DEMO_EXAMPLES for lang in ("", ".zh")
             for suffix in (".html", ".md")]  # fmt: skip
    _touch(tmp_path, names)
    for lang in ("en", "zh"):
        page = index_page(tmp_path, lang)
        for name in names:
            assert f'href="{name}"' in page


def test_index_has_no_literal_backticks(tmp_path: Path) -> None:
    """The intro's `yieldtrial demo` is written as <code>, not with backticks."""
    for lang in ("en", "zh"):
        page = index_page(tmp_path, lang)
        assert "`" not in page
        assert "<code>yieldtrial demo</code>" in page


@pytest.mark.slow
def test_demo_en_then_zh_keeps_both(tmp_path: Path) -> None:
    """``demo -o D`` then ``demo --lang zh -o D``: the index links all eight HTML/MD files."""
    from yieldtrial.commands.demo import build_demo

    build_demo(tmp_path, lang="en", report_date="2024-06-01")
    build_demo(tmp_path, lang="zh", report_date="2024-06-01")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', page))
    for name in DEMO_EXAMPLES:
        for stem in (name, f"{name}.zh"):
            assert {f"{stem}.html", f"{stem}.md", f"{stem}.json"} <= links


@pytest.mark.parametrize(("lang", "both", "one"), [("en", "English and Chinese", "Reports"),
                                                   ("zh", "中英文报告", "报告")])  # fmt: skip
def test_index_heading_names_both_languages_only_when_both_are_there(
    tmp_path: Path, lang: str, both: str, one: str
) -> None:
    """A folder of one language's reports is not headed "Reports in English and Chinese".

    Found as a user: ``yieldtrial demo -o d`` (English only) listed its two English reports
    under "Reports in English and Chinese" (user pass, stop 34).
    """
    suffix = "" if lang == "en" else ".zh"
    _touch(tmp_path, [f"{n}{suffix}.html" for n in DEMO_EXAMPLES])
    heading = re.findall(r"<h2>(.*?)</h2>", index_page(tmp_path, lang))
    assert heading == [one]
    _touch(tmp_path, [f"{n}{'.zh' if lang == 'en' else ''}.html" for n in DEMO_EXAMPLES])
    assert both in index_page(tmp_path, lang)
