"""Stop 47, a user's pass: what a first-time user typed and got wrong, each with its fix."""

from __future__ import annotations

import pytest

from yieldtrial.cli import COMMANDS, main


@pytest.mark.parametrize("help_flag", ["--help", "-h"])
@pytest.mark.parametrize("lang", [["--lang", "zh"], ["--lang=zh"]])
def test_lang_before_help_shows_the_help(lang, help_flag, capsys):
    """`yieldtrial --lang zh --help` said "invalid choice: 'zh'" for COMMAND (exit 2).

    `--lang` before a command is moved after it (stop 38); with no command there is nothing
    to move it to, so it is set aside: the main help is printed (help stays English,
    docs/cli.md) and the exit status is 0.
    """
    assert main([*lang, help_flag]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("usage: yieldtrial")
    assert captured.err == ""


def test_lang_zh_without_a_command_asks_for_one_in_chinese(capsys):
    """`yieldtrial --lang zh` alone: the "give a command" line, in Chinese (was 'zh' invalid)."""
    assert main(["--lang", "zh"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "yieldtrial: 错误：请给出命令（用法：yieldtrial [--debug] 命令 ...；命令："
        + "、".join(COMMANDS)
        + "；参见 'yieldtrial --help'）"
    ]


def test_no_command_line_stays_english_without_lang(capsys):
    """Without --lang zh (or with --lang en) the "give a command" line is unchanged."""
    for argv in ([], ["--lang", "en"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and err[0].startswith("yieldtrial: error: give a command"), err


def test_missing_column_message_lists_columns_with_chinese_commas(tmp_path, capsys):
    """A missing column under --lang zh: every listing of the line joined with 、.

    The accepted names were joined with 、 and the columns found and the yield columns with
    ", " in the same sentence.
    """
    table = tmp_path / "plots.csv"
    table.write_text("plot_id,treatment,fresh_mass_kg,area_m2\n1,A,10,20\n", encoding="utf-8")
    argv = ["report", str(table), "--crop", "wheat", "--lang", "zh", "-o", str(tmp_path / "r.html")]
    assert main(argv) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert "缺少必需的列：moisture_pct" in line
    assert "折标产量列（yield_kg_ha、yield_t_ha、" in line
    assert "文件中的列：'plot_id'、'treatment'、'fresh_mass_kg'、'harvested_area_m2'。" in line
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(("typed", "code"), [("cn", "zh"), ("zh_CN", "zh"), ("中文", "zh"),
                                             ("English", "en")])  # fmt: skip
def test_lang_by_another_name_suggests_the_code(typed, code, tmp_path, capsys):
    """`--lang cn` (or zh_CN, 中文): argparse's invalid choice now says "did you mean 'zh'?".

    difflib found nothing close to 'cn' among 'en', 'zh', so the line offered no fix.
    """
    argv = ["design", "rcbd", "--treatments", "A", "B", "--blocks", "2", "--lang", typed]
    assert main(argv) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (
        f"yieldtrial design: error: argument --lang: invalid choice: '{typed}' (choose from "
        f"'en', 'zh'); did you mean '{code}'? (see 'yieldtrial design --help')"
    )


def test_lang_unrelated_value_gets_no_suggestion(capsys):
    """A language yieldtrial has no name for (`--lang fr`) is refused without a guess."""
    assert main(["design", "rcbd", "--treatments", "A", "B", "--lang", "fr"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "invalid choice: 'fr'" in line and "did you mean" not in line


@pytest.mark.parametrize(
    ("lang", "wording", "dunnett"),
    [
        ("en", "no Dunnett test, as no check was given", "Dunnett's test against"),
        ("zh", "未指定对照，不作 Dunnett 检验", "对照为"),
    ],
)
def test_network_without_check_does_not_name_a_dunnett_test(lang, wording, dunnett, tmp_path):
    """`network` with no --control: the methods said "Dunnett's test against none".

    The replicated sites are analysed alone without a check, so no Dunnett test is run; the
    methods now say so (en and zh).
    """
    from yieldtrial.datasets import example_path

    out = tmp_path / "net.md"
    argv = ["network", str(example_path("site-network")), "--crop", "maize", "--lang", lang]
    assert main([*argv, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert wording in text
    assert dunnett not in text and "against none" not in text


def test_network_of_one_trial_says_trial(tmp_path, capsys):
    """A one-trial network printed "wrote n.html (1 trials: ok 1)"; now "(1 trial: ok 1)"."""
    from yieldtrial.datasets import example_path

    plots = example_path("replicated-rcbd")
    out = tmp_path / "n.json"
    assert main(["network", str(plots), "--crop", "wheat", "-o", str(out)]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == f"wrote {out} (1 trial: ok 1)"


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("en", "Stability needs at least 3 sites with every treatment; 1 has all 3 treatments"),
        ("zh", "稳定性分析需要至少 3 个全部处理齐全的试点；全部 3 个处理齐全的试点有 1 个"),
    ],
)
def test_network_stability_note_of_too_few_sites(lang, note, tmp_path):
    """Too few sites for stability: the note was English in a zh report ("1 have all ...")."""
    from yieldtrial.datasets import example_path

    out = tmp_path / "n.md"
    argv = ["network", str(example_path("replicated-rcbd")), "--crop", "wheat", "--lang", lang]
    assert main([*argv, "--control", "CK1", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert note in text
    if lang == "zh":
        assert "Stability" not in text


def _field_book_filled(tmp_path, blocks: int):
    """Return an RCBD field book of `yieldtrial design` (``blocks`` blocks), filled in."""
    import numpy as np
    import pandas as pd

    book = tmp_path / "book.csv"
    argv = ["design", "rcbd", "--treatments", "CK,T1,T2", "--blocks", str(blocks)]
    assert main([*argv, "--seed", "3", "--plot-area", "20", "-o", str(book)]) == 0
    plots = pd.read_csv(book)
    rng = np.random.default_rng(5)
    plots["fresh_mass_kg"] = rng.normal(14.0, 0.8, len(plots)).round(2)
    plots["moisture_pct"] = 20.0
    plots["impurity_pct"] = 0.0
    filled = tmp_path / "filled.csv"
    plots.to_csv(filled, index=False)
    return filled


def test_treatment_by_block_table_orders_blocks_by_number(tmp_path, capsys):
    """A field book of 14 blocks: the treatment x block table orders its blocks by number.

    Its columns read 1, 10, 11, 12, 13, 14, 2, ... (the labels' text order).
    """
    filled = _field_book_filled(tmp_path, 14)
    out = tmp_path / "r.md"
    argv = ["report", str(filled), "--crop", "maize", "--control", "CK", "--no-figures"]
    assert main([*argv, "-o", str(out)]) == 0
    header = next(line for line in out.read_text(encoding="utf-8").splitlines()
                  if line.startswith("| Treatment | 1 |"))  # fmt: skip
    cells = [cell.strip() for cell in header.strip("|").split("|")]
    assert cells[1:15] == [str(b) for b in range(1, 15)]


@pytest.mark.parametrize(
    ("lang", "caption"),
    [
        ("en", "one point per plot (too many blocks to join or mark them one by one)"),
        ("zh", "每点为一个小区（区组过多，未按区组连线或区分标记）"),
    ],
)
def test_plot_yields_caption_of_many_blocks_promises_no_lines(lang, caption, tmp_path):
    """Over plotting.MAX_BLOCK_SERIES blocks: plain points, and a caption that says so.

    The caption said "lines join the plots of one block" (同一区组的小区以线相连).
    """
    from yieldtrial.plotting import MAX_BLOCK_SERIES

    filled = _field_book_filled(tmp_path, MAX_BLOCK_SERIES + 2)
    out = tmp_path / "r.md"
    argv = ["report", str(filled), "--crop", "maize", "--lang", lang, "-o", str(out)]
    assert main(argv) == 0
    text = out.read_text(encoding="utf-8")
    assert caption in text
    assert "lines join" not in text and "以线相连" not in text


def test_plot_yields_legend_lists_blocks_in_number_order():
    """Blocks "1" to "11" as text: the legend read 1, 10, 11, 2, ...; now 1, 2, ..., 11."""
    import pandas as pd

    from yieldtrial.plotting import close, plot_yields

    plots = pd.DataFrame(
        {
            "treatment": ["CK", "T"] * 11,
            "block": [str(b) for b in range(1, 12) for _ in range(2)],
            "yield_kg_ha": [6000.0 + 10 * i for i in range(22)],
        }
    )
    ax = plot_yields(plots)
    try:
        assert [text.get_text() for text in ax.get_legend().get_texts()] == [
            str(b) for b in range(1, 12)
        ]
    finally:
        close(ax.figure)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "site 'book': no plot has an observed yield: all 9 plots are missing"),
        ("zh", "试点 'book'：没有任何小区有实测产量：全部 9 个小区均缺失"),
    ],
)
def test_network_of_an_unfilled_field_book_says_fill_it_in(lang, said, tmp_path, capsys):
    """`design` then `network` before the harvest: "missing required columns: fresh_mass_kg".

    The book has the harvest columns, all blank; the network dropped blank columns (those of
    other sites' files) before reading the trial.  It now says what `report` says.
    """
    book = tmp_path / "book.csv"
    argv = ["design", "rcbd", "--treatments", "CK,T1,T2", "--blocks", "3", "-o", str(book)]
    assert main([*argv, "--plot-area", "20"]) == 0
    capsys.readouterr()
    out = tmp_path / "net.html"
    argv = ["network", str(book), "--crop", "wheat", "--lang", lang, "-o", str(out)]
    assert main(argv) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert said in line
    assert "fresh_mass_kg" not in line
    assert not out.exists()


def test_network_leaves_out_the_unharvested_site_of_one_file(tmp_path, capsys):
    """One file of two sites, one not harvested yet: that site is left out, saying why.

    Its reason was "missing required columns" (its blank masses dropped); the other site is
    analysed.
    """
    import pandas as pd

    from yieldtrial.datasets import example_path

    plots = pd.read_csv(example_path("replicated-rcbd"))
    blank = plots.assign(fresh_mass_kg=float("nan"), moisture_pct=float("nan"))
    both = pd.concat([plots.assign(site="A"), blank.assign(site="B")], ignore_index=True)
    table = tmp_path / "sites.csv"
    both.to_csv(table, index=False)
    out = tmp_path / "net.json"
    assert main(["network", str(table), "--crop", "wheat", "--by", "site", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "left out site 'B': no plot has an observed yield: all 12 plots are missing" in err
    assert "missing required column" not in err


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])  # the streamed path and the table path
def test_standardize_of_an_unfilled_field_book_warns(suffix, tmp_path, capsys):
    """`standardize` of a field book before the harvest: a warning that no plot has a mass.

    It wrote the empty yields with "note: 9 missing plot(s) ... kept with an empty yield"; the
    file is still written.
    """
    if suffix == "xlsx":
        pytest.importorskip("openpyxl")
    book = tmp_path / "book.csv"
    argv = ["design", "rcbd", "--treatments", "CK,T1,T2", "--blocks", "3", "-o", str(book)]
    assert main([*argv, "--plot-area", "20"]) == 0
    capsys.readouterr()
    out = tmp_path / f"yields.{suffix}"
    assert main(["standardize", str(book), "--crop", "wheat", "-o", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        "yieldtrial: warning: none of the 9 plots has a mass or yield yet, so every yield "
        "written is empty. Is this the field book before the harvest? Fill in the harvest data "
        "(fresh mass and moisture, or a yield) and run again"
    )
    assert not any("note:" in line for line in err)


@pytest.mark.parametrize("name", ["report.pdf", "Report.PDF"])
def test_report_pdf_name_as_config_says_how_to_get_a_pdf(name, tmp_path):
    """`trial.report("report.pdf")` said "cannot read 'report.pdf': No such file or directory".

    The stop 45 hint covered the suffixes yieldtrial writes; a PDF, which it does not write,
    now gets the hint too, with the way to a PDF (the HTML report printed from the browser).
    """
    from yieldtrial.datasets import load_example
    from yieldtrial.errors import DataValidationError

    trial = load_example("replicated-rcbd")
    with pytest.raises(DataValidationError) as caught:
        trial.report(tmp_path / name)
    message = str(caught.value)
    assert "looks like the name of a report to write, not a trial.toml" in message
    html = str((tmp_path / name).with_suffix(".html"))
    assert f"yieldtrial writes no PDF: write an HTML report, trial.report().write({html!r})" in (
        message
    )


@pytest.mark.parametrize(
    ("lang", "item"),
    [
        ("zh", "</b>（jinzhong-2024，中文）：<a "),
        ("en", "</b> (jinzhong-2024, Chinese): <a "),
    ],
)
def test_demo_index_punctuation_is_the_pages(lang, item, tmp_path):
    """The Chinese demo index read "(jinzhong-2024, 中文): HTML"; it reads "（...，中文）："."""
    from yieldtrial.commands.demo import index_page

    (tmp_path / "jinzhong-2024.zh.html").write_text("<html></html>", encoding="utf-8")
    assert item in index_page(tmp_path, lang)


@pytest.mark.parametrize(("blocks", "outside"), [(3, True), (7, True)])
def test_plot_yields_legend_of_many_blocks_sits_beside_the_axes(blocks, outside):
    """A legend of joined blocks sits to the right of the axes, however many blocks.

    The legend of 12 blocks covered the points of the last treatments; from stop 51
    (look56) a legend of 3 joined blocks is outside too: inside, it sat next to T's points
    and its keys looked like more points (tests/test_look_stop51.py).
    """
    import pandas as pd

    from yieldtrial.plotting import close, plot_yields

    plots = pd.DataFrame(
        {
            "treatment": ["CK", "T"] * blocks,
            "block": [b for b in range(1, blocks + 1) for _ in range(2)],
            "yield_kg_ha": [6000.0 + 10 * i for i in range(2 * blocks)],
        }
    )
    ax = plot_yields(plots)
    try:
        ax.figure.canvas.draw()
        legend = ax.get_legend().get_window_extent()
        axes = ax.get_window_extent()
        assert bool(legend.x0 >= axes.x1) is outside
    finally:
        close(ax.figure)
