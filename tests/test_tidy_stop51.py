"""What stop 50 noticed and left, fixed in stop 51 (tidy56): one behaviour per test."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from typing import Any

import pytest

from factorial_trials import n_rate_by_variety
from hostile import run_cli
from yieldtrial.cli import main

TOOLS = Path(__file__).resolve().parent.parent / "tools"


# 1. a two-factor table's variety header read as the treatment column ----------------------


def test_variety_header_names_its_factor_in_the_report(tmp_path: Any) -> None:
    """No treatment column: the factor read from 'variety' was "treatment" in the report.

    The N rate x variety trial of tests/factorial_trials.py without its treatment column:
    the ANOVA, the means and the model name the factor as the header says, as they do when
    the table has a treatment column of the cells (tests/test_user_pass_stop50.py).
    """
    data = n_rate_by_variety(tmp_path / "plots.csv", treatment_column=False)
    out = tmp_path / "r.md"
    argv = ["report", str(data), "--crop", "wheat", "--design", "factorial", "--factors",
            "n_rate,variety", "--control", "N0", "--no-figures", "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    text = out.read_text(encoding="utf-8")
    assert "| N rate x variety | 2 |" in text
    assert "Means of variety (LS-means)" in text
    assert "n\\_rate \\* variety + block" in text
    assert "x treatment" not in text and "Treatments:" not in text


def test_chinese_variety_header_is_the_factors_chinese_name() -> None:
    """Under the report's header map, 处理 of the treatment column reads as the header 品种."""
    from yieldtrial.report.i18n import factor_headers, factor_label, source_label

    with factor_headers({"treatment": "品种"}):
        assert factor_label("treatment", "zh") == "品种"
        assert source_label("n_rate:treatment", "zh") == "N rate × 品种"
        assert source_label("treatment", "en") == "品种"  # not "Treatments"
    assert factor_label("treatment", "zh") == "处理"  # outside a report build: as before


# 2. the streamed standardize refuses GBK text read as UTF-8 -------------------------------


@pytest.mark.parametrize("streamed", [True, False])
def test_gbk_read_as_utf8_is_refused_streamed_or_not(
    streamed: bool, tmp_path: Any, capsys: Any, monkeypatch: Any
) -> None:
    """品系1, 品系2 in GBK are valid UTF-8 ('Ʒϵ1'): the streamed path wrote them (exit 0).

    The bytes C6 B7 CF B5 decode as UTF-8 'Ʒϵ' (hand check: C6 B7 = U+01B7, CF B5 = U+03F5);
    both paths now print the same one line and write nothing.
    """
    from yieldtrial.commands import standardize

    monkeypatch.setattr(standardize, "STREAM_MIN_BYTES", 0 if streamed else 1 << 40)
    rows = ["plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct"]
    rows += [f"{b}{i},{b},品系{i},20,1{i}.5,15" for b in (1, 2) for i in (1, 2)]
    data = tmp_path / "plots.csv"
    data.write_bytes(("\n".join(rows) + "\n").encode("gbk"))
    out = tmp_path / "out.csv"
    code, lines = run_cli(["standardize", str(data), "--crop", "wheat", "-o", str(out)], capsys)
    assert code == 1 and not out.exists()
    assert lines == [
        "yieldtrial: error: plots.csv: the file reads as UTF-8 with text such as 'Ʒϵ1', which "
        "is Chinese GBK text read as UTF-8 ('品系1' as GBK); pass --encoding gb18030 "
        "(encoding='gb18030' in Python) if it is GBK, or --encoding utf-8 if the text is "
        "right, or save the file as 'CSV UTF-8'"
    ]


# 3. network on yields: the moisture stated and checked ---------------------------------


def _yields_table(folder: Path, extra: str = "", cell: str = "") -> Path:
    """Two sites x 2 blocks x (CK, T) of yields (SYNTHETIC, +-5 kg/ha of error), an extra column."""
    path = folder / "yields.csv"
    head = "site,plot_id,block,treatment,yield_kg_ha" + (f",{extra}" if extra else "")
    rows = [
        f"{s},{s}{b}{k},{b},{t},{7000 + 100 * k + 10 * b + 5 * (-1) ** (k + b)}"
        + (f",{cell}" if extra else "")
        for s in ("A", "B")
        for b in (1, 2)
        for k, t in ((1, "CK"), (2, "T"))
    ]
    path.write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "cell", "said"),
    [
        ("standard_moisture_pct", "14", "at 14 % moisture (the tables' standard_moisture_pct"),
        ("", "", "the moisture they are at is not stated"),
    ],
)
def test_network_of_yields_states_their_moisture(
    extra: str, cell: str, said: str, tmp_path: Any, capsys: Any
) -> None:
    """The methods said nothing of the moisture of yields read as given; now they say it."""
    out = tmp_path / "n.md"
    argv = ["network", str(_yields_table(tmp_path, extra, cell)), "--control", "CK", "-o",
            str(out)]  # fmt: skip
    assert run_cli(argv, capsys)[0] == 0
    assert said in out.read_text(encoding="utf-8").replace("\\_", "_")


def test_network_refuses_yields_at_another_standard(tmp_path: Any, capsys: Any) -> None:
    """Yields at 14 % reported at --standard-moisture-pct 13: report's error, not silence."""
    data = _yields_table(tmp_path, "standard_moisture_pct", "14")
    argv = ["network", str(data), "--control", "CK", "--standard-moisture-pct", "13", "-o",
            str(tmp_path / "n.md")]  # fmt: skip
    code, lines = run_cli(argv, capsys)
    assert code == 1 and not (tmp_path / "n.md").exists()
    assert lines[-1].startswith("yieldtrial: error: the table's yields are at 14 % moisture")


# 4. traditional-Chinese headers -------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("小區號", "plot_id"),
        ("區組", "block"),
        ("處理", "treatment"),
        ("產量(公斤/畝)", "yield_kg_mu"),
        ("水分", "moisture_pct"),
        ("面積(畝)", "harvested_area_mu"),
        ("實收鮮重(斤)", "fresh_mass_jin"),
    ],
)
def test_traditional_chinese_header_reads_as_its_simplified_form(
    header: str, canonical: str
) -> None:
    """小區號 was not recognised; its simplified form 小区号 is (io/headers.py alias table)."""
    from yieldtrial.io.headers import recognise_header

    assert recognise_header(header)[0] == canonical


# 5. and 8. Chinese listings joined with 、 ------------------------------------------------


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "treatment holds dates in row 3, row 5 (e.g. '2024-01-02 00:00:00'): a spreadsheet "
            "turns labels such as '1-2' into dates. Format the column as text and retype the "
            "labels; they are read as shown",
            "第 3 行、第 5 行",
        ),
        (
            "the command line: --design = 'rcdb' (did you mean 'rcbd'?); expected one of crd, "
            "rcbd, latin.",
            "应为以下之一：crd、rcbd、latin。",
        ),
    ],
)
def test_zh_listing_is_joined_with_dun_hao(english: str, chinese: str) -> None:
    """The rows of a date warning and the options of a setting were joined with ", "."""
    from yieldtrial.commands._zh_messages import translate

    assert chinese in (translate(english) or "")


def test_zh_invalid_choice_lists_choices_with_dun_hao() -> None:
    """Under --lang zh, argparse's "(choose from 'tukey', 'lsd')" reads 'tukey'、'lsd'."""
    from yieldtrial.commands._zh_messages import set_language, usage_line

    set_language("zh", "report")
    try:
        line = usage_line(
            "argument --letters: invalid choice: 'foo' (choose from 'tukey', 'lsd')",
            "yieldtrial report",
        )
    finally:
        set_language(None, None)
    assert line is not None and "（可选：'tukey'、'lsd'）" in line


# 7. TOML spelling of values checked after their table was read ---------------------------


@pytest.mark.parametrize(
    ("tables", "echoed"),
    [
        (
            {"analysis": {"design": "split_plot", "whole_plot": True, "sub_plot": "v"}},
            "whole_plot = true;",
        ),
        (
            {"analysis": {"design": "factorial", "factor_a": {"a": 1}, "factor_b": "v"}},
            "factor_a = { a = 1 };",
        ),
        (
            {"treatments": [{"label": "T", "products": [{"product": "u", "rate_unit": True}]}]},
            "rate_unit = true is not",
        ),
    ],
)
def test_trial_toml_values_are_echoed_in_toml_spelling(tables: Any, echoed: str) -> None:
    """whole_plot = true was refused later as the column 'True'; rate_unit as 'True'."""
    from yieldtrial.config import TrialConfig
    from yieldtrial.errors import DataValidationError

    with pytest.raises(DataValidationError) as raised:
        TrialConfig.from_dict({"trial": {"crop": "wheat"}, **tables}, source="trial.toml")
    assert echoed in str(raised.value)
    assert "True" not in str(raised.value) and "{'a'" not in str(raised.value)


# 9. tools/render_report.py on a missing file ---------------------------------------------


def test_render_report_names_a_missing_file_in_one_line(tmp_path: Any) -> None:
    """A missing report went to LibreOffice and ended in a traceback; now one line, exit 1."""
    spec = importlib.util.spec_from_file_location("render_report", TOOLS / "render_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    missing = tmp_path / "absent.docx"
    with pytest.raises(SystemExit) as raised:
        module.main([str(tmp_path / "out"), str(missing)])
    assert raised.value.code == f"render_report: {missing}: no such file"  # exit status 1
    assert not (tmp_path / "out").exists()


# 10. "N rate" in a narrow DOCX header --------------------------------------------------


def test_docx_header_keeps_a_nutrient_symbol_with_its_word() -> None:
    """The zh DOCX set the N rate header as "N" / "rate"; the symbol is glued to its word."""
    import docx

    from yieldtrial.report.model import Column, Report, Section, Table

    table = Table("t", [Column("n", "N rate", "text")], [{"n": "N90"}])
    report = Report("probe", "zh", [Section("s", "S", [table])])
    document = docx.Document(io.BytesIO(report.to_docx()))
    assert document.tables[0].rows[0].cells[0].text == "N\u00a0rate"  # one line
    assert "| N rate |" in report.to_markdown()  # the other formats keep the text


# tidy56b: what tidy56 noticed and left ------------------------------------------------


def _yields_only(folder: Path, method: str) -> Path:
    """Write a yields table of standardize trimmed to its yields (SYNTHETIC, 2 x 2 RCBD)."""
    path = folder / "yields.csv"
    rows = [
        f"{b}{k},{b},{t},{7000 + 100 * k + 10 * b + 5 * (-1) ** (k + b)},13,{method}"
        for b in (1, 2)
        for k, t in ((1, "CK"), (2, "T"))
    ]
    head = "plot_id,block,treatment,yield_kg_ha,standard_moisture_pct,moisture_method\n"
    path.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_yields_table_report_states_the_table_s_moisture_method(tmp_path: Any) -> None:
    """The methods said "the dry-matter method" of yields computed percentage-point.

    The sentence is built by ``report.sections.header.methods_section`` from the settings
    (``report.settings.resolve_settings``): asserted on the report model, no file written.
    """
    import yieldtrial as yt
    from yieldtrial.report.build import build_report

    trial = yt.FieldTrial.from_csv(_yields_only(tmp_path, "percentage_point"), crop="wheat",
                                   control="CK")  # fmt: skip
    report = build_report(trial, figures=False)
    text = report.to_markdown().replace("\\_", "_")
    assert "with the percentage-point shortcut (the table's moisture_method column)" in text
    assert "dry-matter" not in text
    assert report.metadata["settings"]["moisture_method"] == "percentage_point"  # the provenance


def test_report_refuses_a_given_method_other_than_the_yields_table_s(
    tmp_path: Any, capsys: Any
) -> None:
    """--moisture-method dry_matter over percentage-point yields: network's error, not silence."""
    data = _yields_only(tmp_path, "percentage_point")
    out = tmp_path / "r.md"
    argv = ["report", str(data), "--crop", "wheat", "--control", "CK", "--moisture-method",
            "dry_matter", "--no-figures", "-o", str(out)]  # fmt: skip
    code, lines = run_cli(argv, capsys)
    assert code == 1 and not out.exists()
    assert lines[-1].startswith(
        "yieldtrial: error: the table's yields were computed with moisture_method "
        "percentage_point (its moisture_method column), not with the dry_matter of this analysis"
    )


def test_network_of_yields_names_the_crop_without_a_standard(tmp_path: Any, capsys: Any) -> None:
    """--crop sorghum (no cn-yield-test standard) was told "give --crop or ..."."""
    out = tmp_path / "n.md"
    argv = ["network", str(_yields_table(tmp_path)), "--control", "CK", "--crop", "sorghum",
            "-o", str(out)]  # fmt: skip
    assert run_cli(argv, capsys)[0] == 0
    text = out.read_text(encoding="utf-8").replace("\\_", "_")
    said = "cn-yield-test has no standard moisture for sorghum; give --standard-moisture-pct"
    assert said in text
    assert "give --crop" not in text


def test_network_refuses_sites_at_different_standards(tmp_path: Any, capsys: Any) -> None:
    """Sites at 13 % and 14 % were pooled and stated "at 13, 14 % moisture"; now refused."""
    data = _yields_table(tmp_path, "standard_moisture_pct", "13")
    rows = data.read_text(encoding="utf-8").splitlines()  # site B's rows at 14 %
    data.write_text(
        "\n".join(row[:-2] + "14" if row.startswith("B,") else row for row in rows) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "n.md"
    code, lines = run_cli(["network", str(data), "--control", "CK", "-o", str(out)], capsys)
    assert code == 1 and not out.exists()
    assert lines[-1] == (
        "yieldtrial: error: the tables' yields are at different standard moistures (their "
        "standard_moisture_pct column): site 'A' at 13 %; site 'B' at 14 %; yields at different "
        "standards cannot be pooled: standardize the harvest records of every trial at one "
        "standard (yieldtrial standardize --standard-moisture-pct 13), or analyse the trials "
        "of each standard apart"
    )


@pytest.mark.parametrize(
    ("value", "chinese"),
    [
        ("x", "对比 'a'：'CK' 的权重 = 'x'；应为数值。"),
        (float("nan"), "对比 'a'：'CK' 的权重 = nan；应为有限的数值。"),
        (" 2", "对比 'a'：'CK' 的权重 = ' 2' 是文本；请去掉引号写成数字（'CK' 的权重 = 2）。"),
    ],
)
def test_contrast_weight_refusal_has_its_chinese_line(value: Any, chinese: str) -> None:
    """analyze_many's check of a weight (network/_summary.py, the same call) stayed English."""
    from yieldtrial.commands._zh_messages import translate
    from yieldtrial.errors import DataValidationError
    from yieldtrial.io.checks import check_number

    with pytest.raises(DataValidationError) as raised:
        check_number("weight of 'CK'", value, "contrast 'a'", low=None, high=None)
    assert translate(str(raised.value)) == chinese


def test_unknown_crop_lists_the_crops_with_chinese_punctuation() -> None:
    """The zh line listed the crops as "wheat (winter wheat, ...); maize (...)"."""
    from yieldtrial.commands._zh_messages import translate
    from yieldtrial.errors import DataValidationError
    from yieldtrial.protocols import canonical_crop

    with pytest.raises(DataValidationError) as raised:
        canonical_crop("whaet")
    chinese = translate(str(raised.value)) or ""
    assert "：wheat（winter wheat、spring wheat、小麦）；maize（corn、" in chinese
    assert "; " not in chinese and ", " not in chinese and " (" not in chinese
