"""The report's data checks: suspect plots, sensitivity, exclusions (and the worked example).

The worked example of docs/data-checks.md (examples/doubled-weight): a 4-treatment x 3-block
wheat RCBD whose plot 201 (zero N, block 2) has its fresh weight typed as 29.68 instead of
14.84 kg.  The report must flag plot 201, and the conclusion about the zero-N treatment must
say that it depends on that plot -- in HTML and JSON, English and Chinese.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldtrial import FieldTrial
from yieldtrial.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "doubled-weight"


pytestmark = pytest.mark.usefixtures("close_figures")


def _report(tmp_path: Path, suffix: str, *extra: str, config: Path | None = None) -> Path:
    out = tmp_path / f"report{suffix}"
    argv = ["report", str(EXAMPLE / "plots.csv"), "--config", str(config or EXAMPLE / "trial.toml"),
            "-o", str(out), *extra]  # fmt: skip
    assert main(argv) == 0
    return out


def _n0_conclusion(conclusions: list[str]) -> str:
    return next(c for c in conclusions if c.startswith(("N0 vs CK", "N0 比 CK", "N0 yielded")))


def test_example_json_flags_plot_201_and_the_n0_conclusion_depends_on_it(tmp_path):
    """JSON: suspect_plots names 201 (a doubled weight), sensitivity flips N0 vs CK."""
    doc = json.loads(_report(tmp_path, ".json").read_text(encoding="utf-8"))
    results = doc["results"]
    flagged = {r["plot_id"] for r in results["suspect_plots"]}
    assert flagged == {"201"}
    typing = next(r for r in results["suspect_plots"] if r["check"] == "typing_pattern")
    assert (typing["value"], typing["pattern"]) == (29.68, "x2")
    formal = next(r for r in results["suspect_plots"] if r["check"] == "outlier_test")
    assert formal["p_value_adjusted"] < 0.01
    n0 = next(r for r in results["sensitivity"]
              if r["verdict"] == "dunnett" and r["subject"] == "N0 vs CK")  # fmt: skip
    assert (n0["with_plot"], n0["without_plot"], n0["changed"]) == (
        "not significant", "lower", True)  # fmt: skip
    text = _n0_conclusion(results["conclusions"])
    assert "not significant" in text and "depends on plot 201" in text
    assert "significantly lower" in text


def test_example_html_shows_the_flag_table_and_the_dependency(tmp_path):
    """HTML: the data-checks section lists plot 201 with its typical weight and the evidence."""
    html = _report(tmp_path, ".html").read_text(encoding="utf-8")
    section = html[html.index("Suspect plots and the conclusions") :]
    assert "29.68\u00a0kg" in section and "a doubled weight?" in section
    assert "The difference N0 – CK is not significant with plot 201 but significantly lower" in (
        section)  # fmt: skip
    assert "This conclusion depends on plot 201" in html[html.index("Conclusions") :]


def test_flag_table_keeps_each_value_with_its_unit(tmp_path):
    """The value and typical cells join number and unit by a no-break space (stop 37).

    In the Chinese HTML report at 1280 px, once the table kept to the text column, the value
    columns broke "29.68 kg" as "29.68" / "kg"; the Word table could do the same.
    """
    data = json.loads(_report(tmp_path, ".json", "--lang", "zh").read_text(encoding="utf-8"))
    section = next(s for s in data["sections"] if s["key"] == "data_checks")
    rows = next(b for b in section["blocks"] if b.get("key") == "suspect_plots")["rows"]
    assert [(r["value"], r["typical"]) for r in rows] == [("29.68\u00a0kg", "14.79\u00a0kg")]


def test_flag_table_keeps_each_statistic_with_its_value(tmp_path):
    """The evidence keeps "t = 12.1" and "z = 11.2" on one line (Word broke "t =" / "12.1")."""
    data = json.loads(_report(tmp_path, ".json", "--lang", "zh").read_text(encoding="utf-8"))
    section = next(s for s in data["sections"] if s["key"] == "data_checks")
    (row,) = next(b for b in section["blocks"] if b.get("key") == "suspect_plots")["rows"]
    # t = 12.1 and z = 11.2: the doubled weight of plot 201 (docs/data-checks.md)
    assert "t\u00a0=\u00a012.1" in row["evidence"] and "z\u00a0=\u00a011.2" in row["evidence"]
    assert "P\u00a0<\u00a00.001" in row["evidence"]
    assert not re.search(r" [=<>] ", row["evidence"])


@pytest.mark.parametrize("suffix", [".html", ".json"])
def test_example_in_chinese(tmp_path, suffix):
    """--lang zh: the flag table and the conclusion say it in Chinese."""
    text = _report(tmp_path, suffix, "--lang", "zh").read_text(encoding="utf-8")
    if suffix == ".json":
        conclusions = json.loads(text)["results"]["conclusions"]
        n0 = _n0_conclusion(conclusions)
        assert "差异不显著" in n0 and "该结论取决于小区 201" in n0 and "显著减产" in n0
    else:
        assert "可疑小区及结论稳健性" in text and "重量加倍？" in text
        assert "N0 – CK 的差异：含小区 201 时不显著，剔除该小区后显著减产" in text


def test_example_in_chinese_has_no_english_prose(tmp_path):
    """Zh HTML: the only Latin words outside the allowed list are the [[exclude]] code to type."""
    from zh_purity import english_words, html_text

    text = _report(tmp_path, ".html", "--lang", "zh").read_text(encoding="utf-8")
    assert set(english_words(html_text(text))) <= {"exclude", "plot", "reason", "trial.exclude"}


def test_example_with_the_plot_excluded_lists_the_reason(tmp_path):
    """[[exclude]] in trial.toml: the plot is left out, the reason is listed, N0 differs."""
    config = tmp_path / "trial.toml"
    text = (EXAMPLE / "trial.toml").read_text(encoding="utf-8")
    text = text.replace(
        '# [[exclude]]\n# plot = "201"\n# reason', '[[exclude]]\nplot = "201"\nreason'
    )
    config.write_text(text, encoding="utf-8")
    doc = json.loads(_report(tmp_path, ".json", config=config).read_text(encoding="utf-8"))
    results = doc["results"]
    assert results["excluded_plots"] == [{
        "plot_id": "201", "block": "2", "treatment": "N0",
        "reason": "fresh weight typed twice: 29.68 for 14.84 kg (field book checked)"}]  # fmt: skip
    assert results["suspect_plots"] == [] and results["sensitivity"] == []
    assert _n0_conclusion(results["conclusions"]).startswith("N0 yielded less than CK")
    section = next(s for s in doc["sections"] if s["key"] == "data_checks")
    assert "field book checked" in json.dumps(section, ensure_ascii=False)


def test_named_contrast_that_flips_says_it_depends_on_the_plot(tmp_path):
    """[[contrasts]] N0 vs CK: the contrast sentence (and the summary) name plot 201."""
    config = tmp_path / "trial.toml"
    config.write_text(
        (EXAMPLE / "trial.toml").read_text(encoding="utf-8")
        + '\n[[contrasts]]\nname = "zero-N effect"\nname_zh = "不施氮效应"\n'
        'treatment = "N0"\nversus = "CK"\n',
        encoding="utf-8",
    )
    doc = json.loads(_report(tmp_path, ".json", config=config).read_text(encoding="utf-8"))
    results = doc["results"]
    row = next(r for r in results["sensitivity"] if r["verdict"] == "contrast")
    assert (row["subject"], row["with_plot"], row["without_plot"]) == (
        "zero-N effect", "not significant", "lower")  # fmt: skip
    (contrast,) = results["named_contrasts"]
    assert "This conclusion depends on plot 201" in contrast["sentence"]
    html = _report(tmp_path, ".zh.html", "--lang", "zh", config=config).read_text("utf-8")
    assert "对比“不施氮效应”：含小区 201 时不显著，剔除该小区后显著减产" in html


def test_clean_version_flags_nothing(tmp_path):
    """The same trial with 14.84 kg: no suspect plot, no sensitivity rows, no dependency."""
    plots = tmp_path / "plots.csv"
    plots.write_text(
        (EXAMPLE / "plots.csv").read_text(encoding="utf-8").replace("29.68", "14.84"),
        encoding="utf-8",
    )
    shutil.copy(EXAMPLE / "trial.toml", tmp_path / "trial.toml")
    out = tmp_path / "r.json"
    assert main(["report", str(plots), "--config", str(tmp_path / "trial.toml"), "-o",
                 str(out)]) == 0  # fmt: skip
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert results["suspect_plots"] == [] and results["sensitivity"] == []
    assert not any("depends on plot" in c for c in results["conclusions"])


def test_noninferiority_column_says_one_sided():
    """The NI table header names the one-sided P of H0: T <= (1 - margin) x CK."""
    trial = FieldTrial.from_csv(EXAMPLE / "plots.csv", crop="wheat", control="CK")
    report = trial.report(margin_pct=5, figures=False)
    table = report.section("noninferiority").blocks[0]
    labels = [c.label for c in table.columns]
    assert "One-sided P (H0: T <= (1 - margin) x CK, adjusted)" in labels
    n0 = next(r for r in table.rows if r["comparison"].startswith("N0"))
    assert n0["p"] > 0.5  # a loss of 17 %: never a small p next to "cannot be ruled out"


def _latin_trial(planted: bool) -> FieldTrial:
    rng = np.random.default_rng(8)
    square = [[(r + c) % 5 for c in range(5)] for r in range(5)]
    plots = pd.DataFrame(
        [{"plot_id": f"{r + 1}{c + 1}", "row": r + 1, "column": c + 1,
          "treatment": "CK" if square[r][c] == 0 else f"T{square[r][c]}"}
         for r in range(5) for c in range(5)]
    )  # fmt: skip
    plots["yield_kg_ha"] = 7000 + rng.normal(0, 250, 25)
    if planted:
        plots.loc[12, "yield_kg_ha"] *= 2
    return FieldTrial.from_dataframe(plots, crop="wheat", control="CK", design="latin")


def test_residual_field_map_outlines_the_flagged_plot():
    """Row/column layout: the field map's caption names the flagged plot, a frame marks it."""
    report = _latin_trial(planted=True).report()
    figure = next(b for b in report.section("figures").blocks if b.key == "field")
    assert "Outlined: plots flagged by the data checks (33)" in figure.caption
    ax = figure.draw()
    frames = [p for p in ax.patches if p.get_linewidth() == 3.0]
    assert len(frames) == 1
    x, y = frames[0].get_xy()
    assert (x, y) == (2 - 0.5, 2 - 0.5)  # row 3, column 3 of a grid starting at 1


def test_chinese_field_map_caption_has_no_space_after_its_full_stop():
    """The flagged-plot sentence was joined with an ASCII space: "残差分布图（...）。 加框者"."""
    report = _latin_trial(planted=True).report(lang="zh")
    figure = next(b for b in report.section("figures").blocks if b.key == "field")
    assert "加框者为数据检查标记的可疑小区（33）" in figure.caption
    assert "。 " not in figure.caption


def test_chinese_means_caption_has_no_space_before_the_hatched_sentence():
    """The illustrative-bars sentence was joined with an ASCII space: "...水平。 斜线柱（T1）"."""
    rng = np.random.default_rng(3)
    plots = pd.DataFrame(
        {"plot_id": [str(i) for i in range(1, 13)], "block": [str(b) for b in range(1, 4)] * 4,
         "treatment": [t for t in ("CK", "T1", "T2", "T3") for _ in range(3)],
         "yield_kg_ha": 7000 + rng.normal(0, 200, 12),
         "data_status": ["measured"] * 3 + ["illustrative"] * 3 + ["measured"] * 6}
    )  # fmt: skip
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK", design="rcbd")
    figure = next(b for b in trial.report(lang="zh").section("figures").blocks if b.key == "means")
    assert "斜线柱（T1）为示意数据" in figure.caption
    assert "。 " not in figure.caption


def test_residual_field_map_of_a_clean_trial_has_no_frame():
    """Nothing flagged: the caption is unchanged and no frame is drawn."""
    report = _latin_trial(planted=False).report()
    figure = next(b for b in report.section("figures").blocks if b.key == "field")
    assert "Outlined" not in figure.caption
    assert not [p for p in figure.draw().patches if p.get_linewidth() == 3.0]


def test_brown_forsythe_with_two_plots_per_treatment_prints_no_f(tmp_path):
    """Two blocks: the quality section says 'not assessable', never F = inf or P = 0."""
    lines = (EXAMPLE / "plots.csv").read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if line.split(",")[1] in ("1", "3")]
    plots = tmp_path / "plots.csv"
    plots.write_text("\n".join(kept) + "\n", encoding="utf-8")
    trial = FieldTrial.from_csv(plots, crop="wheat", control="CK")
    report = trial.report(figures=False)
    quality = report.section("quality")
    text = " ".join(" ".join(getattr(b, "items", [getattr(b, "text", "")])) for b in quality.blocks)
    assert "Levene/Brown-Forsythe): not assessable with this many plots" in text
    assert not re.search(r"\binf\b", report.to_markdown())


def test_contrast_outside_the_means_is_one_error_line_and_no_report(tmp_path, capsys):
    """[[contrasts]] naming 'T9' (treatments CK, N0, T1, T2) with plot 201 flagged: refused.

    The sensitivity check had caught the contrast's error and left its part of the data
    checks out without a word.
    """
    config = tmp_path / "trial.toml"
    config.write_text(
        (EXAMPLE / "trial.toml").read_text(encoding="utf-8")
        + '\n[[contrasts]]\nname = "x"\ntreatment = "T9"\nversus = "CK"\n',
        encoding="utf-8",
    )
    before = config.read_bytes()
    out = tmp_path / "report.json"
    argv = ["report", str(EXAMPLE / "plots.csv"), "--config", str(config), "-o", str(out)]
    assert main(argv) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "yieldtrial: error: contrast 'x' compares 'T9' with 'CK', but the treatments are CK, "
        "N0, T1, T2; fix treatment/versus in [[contrasts]] of trial.toml."
    ]
    assert not out.exists()
    assert config.read_bytes() == before


def test_sensitivity_that_cannot_run_is_said_in_the_data_checks(tmp_path, monkeypatch):
    """A refused sensitivity check is a note with its reason (the part was silently gone)."""
    from yieldtrial.errors import DataValidationError

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise DataValidationError("the reason")

    monkeypatch.setattr(FieldTrial, "sensitivity", refuse)
    doc = json.loads(_report(tmp_path, ".json").read_text(encoding="utf-8"))
    section = next(s for s in doc["sections"] if s["key"] == "data_checks")
    assert (
        "The sensitivity of the verdicts to the flagged plots could not be checked: the reason"
        in json.dumps(section)
    )
    assert doc["results"]["sensitivity"] == []


def _first_check_sentence(report) -> str:
    return report.section("data_checks").blocks[0].text


def test_unreplicated_demonstration_does_not_say_the_outlier_test_found_nothing():
    """The Jinzhong demonstration (one plot each): "no plot was flagged" names what ran.

    Neither the outlier test nor the checks within treatments can run (stop 37: it said
    "neither the outlier test nor the checks within treatments ... found anything suspect",
    then that both were not assessable).
    """
    import warnings

    from yieldtrial import build_report
    from yieldtrial.datasets import load_example

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 5 % moisture: the example's known warning
        trial = load_example("jinzhong-2024")
        en = _first_check_sentence(build_report(trial, lang="en", figures=False))
        zh = _first_check_sentence(build_report(trial, lang="zh", figures=False))
    assert en.startswith("No plot was flagged by the checks that could run")
    assert "outlier test" not in en and "within treatments" not in en
    assert zh.startswith("可执行的检查均未发现可疑小区") and "离群值" not in zh


def test_two_blocks_of_two_treatments_name_the_checks_within_treatments_only():
    """2 treatments x 2 blocks: the checks within treatments run, the outlier test does not.

    1 error df (the outlier test needs 2), two plots a treatment (enough within treatments).
    """
    from yieldtrial import build_report

    plots = pd.DataFrame(
        {"plot_id": ["1", "2", "3", "4"], "block": ["1", "1", "2", "2"],
         "treatment": ["CK", "T", "CK", "T"], "yield_kg_ha": [7000.0, 7300.0, 7100.0, 7350.0]}
    )  # fmt: skip
    trial = FieldTrial.from_dataframe(plots, crop="wheat", control="CK")
    text = _first_check_sentence(build_report(trial, lang="en", figures=False))
    assert text.startswith("No plot was flagged by the checks that could run: the checks within")
    assert "outlier test" not in text


def _forty_treatment_report_argv(tmp_path):
    """Write a 40-treatment RCBD (3 blocks, SYNTHETIC, seed 3) with plot 1005's yield x 1.8.

    Return the ``report`` argv writing JSON, and the JSON path.
    """
    rng = np.random.default_rng(3)
    effect = rng.normal(0.0, 500.0, 40)
    rows = [
        {"plot_id": f"{b}{i:03d}", "block": str(b), "treatment": f"T{i:02d}" if i else "CK",
         "yield_kg_ha": 7000.0 + effect[i] + rng.normal(0.0, 300.0)}
        for b in range(1, 4) for i in range(40)
    ]  # fmt: skip
    rows[5]["yield_kg_ha"] *= 1.8
    table = tmp_path / "forty.csv"
    pd.DataFrame(rows).to_csv(table, index=False)
    out = tmp_path / "forty.json"
    argv = ["report", str(table), "--crop", "wheat", "--unit", "kg/ha", "--control", "CK",
            "--no-figures", "--format", "json", "-o", str(out)]  # fmt: skip
    return argv, out


def test_many_treatments_report_lists_the_changed_letter_pairs_and_their_count(tmp_path):
    """Above 30 treatments: JSON counts the pairs checked, the text says what is listed."""
    argv, out = _forty_treatment_report_argv(tmp_path)
    assert main(argv) == 0
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    # 40 treatments: 40 * 39 / 2 = 780 letter pairs checked for each flagged plot
    assert results["sensitivity_letter_pairs"]["checked_per_plot"] == 780
    letters = [r for r in results["sensitivity"] if r["verdict"] == "letters"]
    assert all(r["changed"] for r in letters)
    md = tmp_path / "forty.md"
    assert main([*argv[:-4], "--format", "markdown", "-o", str(md)]) == 0
    text = md.read_text("utf-8")
    assert "only the letter comparisons that change are listed" in text
    # one sentence per plot counts the changed pairs (the JSON rows of that plot)
    for pid in {r["plot_id"] for r in letters}:
        n = sum(r["plot_id"] == pid for r in letters)
        assert f"{n:,} letter comparisons change when plot {pid} is left out" in text
    assert "The letter comparison" not in text  # no sentence per pair


def test_many_treatments_report_lists_the_changed_dunnett_rows_and_the_omitted(tmp_path):
    """Above 30 treatments: JSON lists the changed comparisons with CK, counts the rest."""
    argv, out = _forty_treatment_report_argv(tmp_path)
    assert main(argv) == 0
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    counted = results["sensitivity_control_rows"]
    assert counted["checked_per_plot"] == 39  # 39 treatments vs CK for each flagged plot
    dunnett = [r for r in results["sensitivity"] if r["verdict"] == "dunnett"]
    assert all(r["changed"] for r in dunnett)
    plots = {r["plot_id"] for r in results["sensitivity"] if r["verdict"] != "refit"}
    assert counted["omitted_unchanged"] == 39 * len(plots) - len(dunnett)
    md = tmp_path / "forty.md"
    assert main([*argv[:-4], "--format", "markdown", "-o", str(md)]) == 0
    text = md.read_text("utf-8")
    assert "only the comparisons with the control whose conclusion changes are listed" in text
    assert f"{counted['omitted_unchanged']:,} unchanged ones are omitted" in text
