"""Loose ends stop 51 noticed and left, fixed in stop 52 (loose57): one behaviour per test."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.cli import main
from yieldtrial.errors import DataValidationError

DATASETS = Path(yt.__file__).resolve().parent / "datasets"


def _yields_only(methods: list[str] | None) -> pd.DataFrame:
    """Return a yields table of standardize trimmed to its yields (SYNTHETIC, 2 x 2 RCBD).

    ``methods``: its ``moisture_method`` column, one cell per plot (None: no such column).
    """
    frame = pd.DataFrame(
        {
            "plot_id": ["11", "12", "21", "22"],
            "block": ["1", "1", "2", "2"],
            "treatment": ["CK", "T", "CK", "T"],
            "yield_kg_ha": [7115.0, 7205.0, 7115.0, 7225.0],
            "standard_moisture_pct": 13.0,
        }
    )
    if methods is not None:
        frame["moisture_method"] = methods
    return frame


# 1. the shortened path of a too-long file name has its Chinese line ------------------------


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "... .csv' (306 characters): File name too long (the file name is too long;"),
        ("zh", "... .csv'（306 个字符）：文件名太长；请换一个短一些的名字"),
    ],
    ids=["en", "zh"],
)
def test_too_long_output_name_is_shortened_with_its_chinese_line(
    lang: str, said: str, tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    """The line read "'yyy...md': (306 characters) File name too long" in English under zh.

    The name is 300 y's and .csv (304 bytes, over the file system's 255): quoted, 306
    characters; the length now follows the closing quote, and the os-error template reads it.
    """
    monkeypatch.chdir(tmp_path)  # the name as typed, relative: its length is known
    argv = ["standardize", str(DATASETS / "jinzhong-2024" / "plots.csv"), "--crop", "wheat",
            "-o", "y" * 300 + ".csv", "--lang", lang]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the dataset's 5 % moisture warning
        assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert said in err
    assert not list(tmp_path.iterdir())


# 2. a yields table naming no method: the report's settings say "given" ---------------------


def test_yields_table_without_a_method_is_given_in_the_report_metadata() -> None:
    """settings.moisture_method said dry_matter (the default) of yields read as given.

    Expected "given": the word trial.yields() writes in such a table's moisture_method
    column (loose56); the provenance of trial.yields() says the same.
    """
    from yieldtrial.report.build import build_report

    trial = yt.FieldTrial.from_dataframe(_yields_only(None), crop="wheat", control="CK")
    report = build_report(trial, figures=False)
    assert report.metadata["settings"]["moisture_method"] == "given"
    assert trial.yields().attrs["provenance"]["moisture_method"] == "given"


# 3. a table naming two methods gets one answer, streamed or not ---------------------------


def _forty_plots(first: str, second: str) -> pd.DataFrame:
    """Return a yields table of 40 plots (SYNTHETIC): 20 whose method is ``first``, then 20."""
    return pd.DataFrame(
        {
            "plot_id": [str(i) for i in range(1, 41)],
            "treatment": ["CK", "T"] * 20,
            "yield_kg_ha": 7000.0,
            "standard_moisture_pct": 13.0,
            "moisture_method": [first] * 20 + [second] * 20,
        }
    )


def _standardize(frame: pd.DataFrame, tmp_path: Path, monkeypatch: Any, streamed: bool) -> int:
    """Run standardize on ``frame``: streamed in blocks of 256 bytes, or in memory.

    40 plots of some 45 bytes: streamed, the table is read in several blocks (the old code
    wrote dry_matter, given and percentage_point for one table).
    """
    from yieldtrial.commands import standardize
    from yieldtrial.io import streaming

    monkeypatch.setattr(standardize, "STREAM_MIN_BYTES", 0 if streamed else 1 << 40)
    monkeypatch.setattr(streaming, "STREAM_BLOCK_BYTES", 256)
    path = tmp_path / "plots.csv"
    frame.to_csv(path, index=False)
    return main(["standardize", str(path), "--crop", "wheat", "-o", str(tmp_path / "o.csv")])


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "in-memory"])
def test_table_naming_two_methods_is_refused_whatever_the_block_size(
    streamed: bool, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    """A table naming two methods is refused, naming each method's plots (from the table).

    Streamed, each block took its own method (dry_matter, given, percentage_point); in
    memory the table was "given".
    """
    frame = _forty_plots("dry_matter", "percentage_point")
    assert _standardize(frame, tmp_path, monkeypatch, streamed) == 1
    err = capsys.readouterr().err
    assert (
        "dry_matter: plots '1', '2', '3' and 17 more; "
        "percentage_point: plots '21', '22', '23' and 17 more;"
    ) in err
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "in-memory"])
def test_table_naming_a_method_and_another_text_is_given_whatever_the_block_size(
    streamed: bool, tmp_path: Path, monkeypatch: Any
) -> None:
    """One known method beside an unknown word: "given" for every plot, as in memory.

    In memory: table_moisture_method, not exactly one known method; streamed, the first
    blocks said dry_matter.
    """
    frame = _forty_plots("dry_matter", "by hand")
    assert _standardize(frame, tmp_path, monkeypatch, streamed) == 0
    written = pd.read_csv(tmp_path / "o.csv")
    assert written["moisture_method"].tolist() == ["given"] * 40


def test_mixed_methods_have_their_chinese_line() -> None:
    """The refusal's Chinese line lists each method's plots with 、 (API: the error text)."""
    from yieldtrial.commands._zh_messages import translate

    frame = _yields_only(["dry_matter", "percentage_point", "dry_matter", "dry_matter"])
    with pytest.raises(DataValidationError) as caught:
        yt.FieldTrial.from_dataframe(frame, crop="wheat")
    chinese = translate(str(caught.value))
    assert chinese is not None
    assert "dry_matter：小区 '11'、'21'、'22'；percentage_point：小区 '12'" in chinese


# 4. network --crop rice lists the standards the protocol has --------------------------------


@pytest.mark.parametrize(
    ("lang", "listed"),
    [
        ("en", "against it. cn-yield-test has standard moistures for maize 14 %, rice_indica "
               "13.5 %, rice_japonica 14.5 %, soybean 13 %, wheat 13 %."),
        ("zh", "核对各表。农业部高产创建测产验收办法（2008）规定了标准含水量的作物为：maize（玉米）"
               "14%、rice_indica（籼稻）13.5%、rice_japonica（粳稻）14.5%、soybean（大豆）13%、"
               "wheat（小麦）13%。"),
    ],
    ids=["en", "zh"],
)  # fmt: skip
def test_network_of_yields_lists_the_standards_of_the_protocol(lang: str, listed: str) -> None:
    """--crop rice said cn-yield-test has no standard for rice, naming none it has.

    The values are cn-yield-test's table (protocols.moisture_standards_table; source:
    docs domain-standards.md, Ministry of Agriculture 2008): indica 13.5 %, japonica 14.5 %.
    """
    from yieldtrial.report.network import _yields_moisture_methods

    info = {"table_pct": [], "standard_pct": None, "standard_given": False, "crop": "rice",
            "protocol": "cn-yield-test", "method": None}  # fmt: skip
    (paragraph,) = _yields_moisture_methods(info, lang)
    assert listed in paragraph.text


# 5. network reads a table's moisture method as report does --------------------------------


@pytest.mark.parametrize(
    ("cells", "method"),
    [([" percentage_point"] * 4, "percentage_point"), (["wet basis"] * 4, None)],
    ids=["known", "unknown"],
)
def test_network_reads_the_table_s_method_as_report_does(
    cells: list[str], method: str | None
) -> None:
    """An unknown word was stated as the method ("computed with the wet basis").

    The expected value is io.yields.table_moisture_method's, report's reading.
    """
    from yieldtrial.commands.network import _yields_moisture
    from yieldtrial.io.yields import table_moisture_method

    plots = _yields_only(cells).assign(site="A")
    info = _yields_moisture(plots, yt.TrialConfig(), ["site"])
    kept = pd.DataFrame({"reported_moisture_method": cells})
    assert info["method"] == method == table_moisture_method(kept)


# 6. the zh network report heads the treatment column by the trial kind --------------------


@pytest.fixture(scope="module")
def network_result() -> Any:
    """Two sites of a 2 x 2 RCBD (SYNTHETIC yields)."""
    data = pd.concat(
        [_yields_only(None).assign(site=site, yield_kg_ha=lambda f, d=d: f.yield_kg_ha + d)
         for site, d in (("A", 0.0), ("B", -500.0))]
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return yt.analyze_many(data, by="site", treatment="treatment", block="block",
                               response="yield_kg_ha", control="CK")  # fmt: skip


@pytest.mark.parametrize(
    ("header", "head"), [("variety", "品种"), ("品种", "品种"), ("treatment", "处理")]
)
def test_zh_network_treatment_column_is_headed_by_the_trial_kind(
    network_result: Any, header: str, head: str
) -> None:
    """It was 品种（处理） for every network (a fertilizer one too).

    The single-trial zh report heads its treatments 处理, and a variety header names its
    factor 品种.
    """
    from yieldtrial.report.network import network_report

    report = network_report(network_result, lang="zh", treatment_header=header)
    table = next(b for b in report.section("summary").blocks if hasattr(b, "columns"))
    assert table.columns[0].label == head


# 7. published values in the treatment order ------------------------------------------------


def test_published_values_are_listed_in_treatment_order() -> None:
    """The alpha-lattice example listed G11, G04, G05, ... (plot order).

    John & Williams and the means table list G01-G24: the report's treatment order.
    """
    from yieldtrial.report.sections.data import _status_paragraphs

    plots = pd.DataFrame({"treatment": ["G11", "G04", "G05", "G04"],
                          "data_status": "published"})  # fmt: skip
    ctx = SimpleNamespace(
        plots=plots,
        s=SimpleNamespace(lang="en", treatments=("G04", "G05", "G11")),
        config=SimpleNamespace(published=[]),
    )
    (paragraph,) = _status_paragraphs(ctx)
    assert paragraph.text == "Published values: G04, G05, G11."


# 8. numpydoc sections of stop 51's public functions -----------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "yieldtrial.report.i18n.factor_words",
        "yieldtrial.report.i18n.factor_headers",
        "yieldtrial.report.i18n.factor_header",
        "yieldtrial.io.table_files.refuse_gbk_read_as_utf8",
    ],
)
def test_stop_51_public_functions_have_numpydoc_sections(name: str) -> None:
    """factor_words had an example but no Parameters and Returns (the style guide's form)."""
    import importlib

    module, _, function = name.rpartition(".")
    doc = getattr(importlib.import_module(module), function).__doc__
    assert "Parameters\n    ----------" in doc
    assert any(f"{s}\n    {'-' * len(s)}\n" in doc for s in ("Returns", "Yields", "Raises"))
