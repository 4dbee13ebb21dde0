"""``yieldtrial demo`` in both languages into one folder: both indexes link all reports."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from yieldtrial.commands.demo import DEMO_EXAMPLES, index_page


@pytest.fixture(scope="module")
def english_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """Build the English demo once for the module; return its folder and the SVGs drawn.

    The tests that start from an English demo copy this folder (``_copy_of``) instead of
    building it again (about 3 s of CPU each, stop 45); the manifest of yieldtrial's
    outputs names files relative to their folder, so the copy is a demo of its own.
    """
    from yieldtrial import plotting
    from yieldtrial.commands.demo import build_demo

    folder = tmp_path_factory.mktemp("english_demo") / "demo"
    drawn: list[None] = []
    real = plotting.figure_to_svg
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            plotting, "figure_to_svg", lambda figure: (drawn.append(None), real(figure))[1]
        )
        build_demo(folder, lang="en", report_date="2024-06-01")
    return folder, len(drawn)


def _copy_of(demo: tuple[Path, int], target: Path) -> Path:
    """Copy the module's English demo to ``target``: what ``demo -o target`` would write."""
    shutil.copytree(demo[0], target)
    return target


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
def test_demo_en_then_zh_keeps_both(tmp_path: Path, english_demo: tuple[Path, int]) -> None:
    """``demo -o D`` then ``demo --lang zh -o D``: the index links all eight HTML/MD files."""
    from yieldtrial.commands.demo import build_demo

    tmp_path = _copy_of(english_demo, tmp_path / "demo")  # build_demo(tmp_path, lang="en")
    english = (tmp_path / "index.html").read_text(encoding="utf-8")
    build_demo(tmp_path, lang="zh", report_date="2024-06-01")
    for index in ("index.html", "index.zh.html"):
        page = (tmp_path / index).read_text(encoding="utf-8")
        links = set(re.findall(r'href="([^"]+)"', page))
        for name in DEMO_EXAMPLES:
            for stem in (name, f"{name}.zh"):
                assert {f"{stem}.html", f"{stem}.md", f"{stem}.json"} <= links
    # the English index stays English (found as a user: the zh demo replaced it, stop 35)
    refreshed = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in refreshed and english != refreshed
    assert 'href="index.zh.html">Index in Chinese<' in refreshed
    chinese = (tmp_path / "index.zh.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in chinese and 'href="index.html">英文索引<' in chinese


def test_index_names_per_language() -> None:
    """English writes index.html, Chinese index.zh.html: a demo in each can share a folder."""
    from yieldtrial.commands.demo import index_name

    assert (index_name("en"), index_name("zh")) == ("index.html", "index.zh.html")


def test_index_links_the_other_index_only_when_present(tmp_path: Path) -> None:
    """The Chinese index links index.html when it is there, and not before."""
    assert "index.html" not in index_page(tmp_path, "zh")
    _touch(tmp_path, ["index.html"])
    assert '<a href="index.html">英文索引</a>' in index_page(tmp_path, "zh")


@pytest.mark.slow
def test_demo_zh_leaves_an_edited_english_index(
    tmp_path: Path, english_demo: tuple[Path, int]
) -> None:
    """An English index the user edited is neither replaced nor rewritten by the zh demo."""
    from yieldtrial.commands.demo import build_demo

    tmp_path = _copy_of(english_demo, tmp_path / "demo")  # build_demo(tmp_path, lang="en")
    edited = "<p>my notes</p>"
    (tmp_path / "index.html").write_text(edited, encoding="utf-8")
    build_demo(tmp_path, lang="zh", report_date="2024-06-01", force=True)
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == edited
    assert (tmp_path / "index.zh.html").is_file()


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


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs in the killed process."""


def _kill_before_recording(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """Stop the run between the rename of the first ``suffix`` file and its manifest entry.

    A SIGKILL also skips the output group's clean-up, so that is switched off too.
    """
    from yieldtrial.io import output

    record = output._record

    def killed_at_record(target: Path, *args: object, **kwargs: object) -> None:
        if target.suffix == suffix:
            raise _Killed
        record(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(output, "_record", killed_at_record)
    monkeypatch.setattr(output, "_remove_created", lambda *_: None)


@pytest.mark.slow
def test_demo_rerun_after_a_kill_between_figure_rename_and_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A demo killed after a figure was renamed into place, before its record: rerun works."""
    from yieldtrial.commands.demo import build_demo

    with monkeypatch.context() as patch:
        _kill_before_recording(patch, ".svg")
        with pytest.raises(_Killed):
            build_demo(tmp_path, report_date="2024-06-01")
    figures = sorted(tmp_path.glob("*_files/*.svg"))
    assert len(figures) == 1  # the figure the run was killed after
    build_demo(tmp_path, report_date="2024-06-01")  # refused the figure before stop 40
    from yieldtrial.io.output import is_own_output

    assert is_own_output(figures[0])


@pytest.mark.slow
def test_demo_rerun_after_a_kill_between_report_rename_and_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same for a report file written by write_output (the HTML report)."""
    from yieldtrial.commands.demo import build_demo

    with monkeypatch.context() as patch:
        _kill_before_recording(patch, ".html")
        with pytest.raises(_Killed):
            build_demo(tmp_path, report_date="2024-06-01")
    assert len(list(tmp_path.glob("*.html"))) == 1
    build_demo(tmp_path, report_date="2024-06-01")  # refused the report before stop 40
    assert (tmp_path / "index.html").is_file()


@pytest.mark.slow
def test_demo_draws_each_figure_svg_once(english_demo: tuple[Path, int]) -> None:
    """The HTML and the Markdown file of a demo report share one SVG drawing per figure.

    Every SVG drawn is one figure file beside a Markdown report (the HTML embeds the same
    string), so the drawings are as many as those files; before stop 42, twice as many.
    The drawings are counted while the module's English demo is built (``english_demo``).
    """
    folder, drawn = english_demo
    figure_files = list(folder.glob("*_files/*.svg"))
    assert figure_files
    assert drawn == len(figure_files)
