"""Loose ends stop 51's helpers noticed, fixed in stop 51 (loose56): one behaviour per test."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.commands._zh_messages import translate
from yieldtrial.errors import FileAccessError

DATASETS = Path(yt.__file__).resolve().parent / "datasets"


def _yields_only(method: str | None) -> pd.DataFrame:
    """Return a yields table of standardize trimmed to its yields (SYNTHETIC, 2 x 2 RCBD).

    ``method``: its ``moisture_method`` column (None: no such column).
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
    if method is not None:
        frame["moisture_method"] = method
    return frame


@pytest.fixture(scope="module")
def plain_yields_trial() -> Any:
    """Read a yields table naming no moisture method through the API."""
    return yt.FieldTrial.from_dataframe(_yields_only(None), crop="wheat", control="CK")


# 1. the yields of a percentage-point yields table name its method --------------------------


def test_yields_of_a_percentage_point_table_name_the_table_s_method() -> None:
    """trial.yields() said moisture_method 'given' and provenance 'dry_matter' (the default).

    The expected method is the one the table's own moisture_method column names.
    """
    frame = _yields_only("percentage_point")
    table = yt.FieldTrial.from_dataframe(frame, crop="wheat", control="CK").yields()
    assert table.attrs["provenance"]["moisture_method"] == "percentage_point"
    assert table["moisture_method"].tolist() == ["percentage_point"] * 4


# 2. a yields table naming no method: its methods say the yields were given -------------


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "Grain yields were given at 13 % moisture (national yield-test method for "
            "high-yield creation, Ministry of Agriculture of China, 2008: commodity-grain "
            "storage moisture, wheat 13 %); the table does not state the moisture method they "
            "were standardized with.",
        ),
        (
            "zh",
            "籽粒产量为表中给出的标准含水量 13%（农业部高产创建测产验收办法（2008）规定的国家"
            "商品粮贮藏标准含水量，小麦 13%）下的产量；表中未注明其含水量折算方法。",
        ),
    ],
    ids=["en", "zh"],
)
def test_yields_table_without_a_method_says_its_yields_were_given(
    plain_yields_trial: Any, lang: str, said: str
) -> None:
    """The methods said "with the dry-matter method" and its formula of yields read as given.

    Asserted on the report model's methods section (no file written); the standard's
    source is cn-yield-test's wheat 13 % (its sentence as the other reports give it).
    """
    from yieldtrial.report.build import build_report

    report = build_report(plain_yields_trial, figures=False, lang=lang)
    methods = next(s for s in report.sections if s.key == "methods")
    first = methods.blocks[0].text
    assert first == said
    assert "dry-matter" not in first and "干物质" not in first


# 3. the English network report's notes name no API argument ------------------------------


def test_english_network_notes_name_no_api_argument() -> None:
    """The notes said "(pass error_mean_square, ...)" and "(meets_two_thirds_rule is NA)".

    The notes come from the engine on three unreplicated farms (SYNTHETIC: one plot per
    treatment each); the English report words them for a reader, the API keeps them.
    """
    from yieldtrial.network.stability import stability
    from yieldtrial.report._network_zh import network_note

    data = pd.DataFrame(
        {
            "site": [s for s in ("A", "B", "C") for _ in range(3)],
            "treatment": ["CK", "T1", "T2"] * 3,
            "yield_kg_ha": [7000.0, 7300.0, 7150.0, 6500.0, 6900.0, 6600.0, 8000.0, 8200.0,
                            8150.0],
        }
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = yt.analyze_many(data, by="site", treatment="treatment",
                                  response="yield_kg_ha", control="CK").summary  # fmt: skip
        result = stability(data, env="site", treatment="treatment", response="yield_kg_ha")
    engine = [n for n in [*summary.notes, *result.notes] if "error_mean_square" in n
              or "meets_two_thirds_rule" in n]  # fmt: skip
    assert len(engine) == 2  # the API keeps the names
    shown = [network_note(n, "en") for n in engine]
    assert not any("error_mean_square" in n or "meets_two_thirds_rule" in n for n in shown)
    assert shown[0].endswith("so it is not applied and the across-site test above is the "
                             "evidence.")  # fmt: skip
    assert shown[1].endswith(
        "their F tests are not available (they need the error mean square of replicated "
        "trials, its df and the number of replicates)."
    )


# 4. the zh plausibility warning lists its plots with 、 -----------------------------------


def test_zh_moisture_warning_lists_plots_with_dun_hao() -> None:
    """jinzhong-2024's moisture warning (5 % at each plot) joined the plots with ", "."""
    folder = DATASETS / "jinzhong-2024"
    with pytest.warns(UserWarning, match="plausible harvest range") as caught:
        yt.FieldTrial.from_csv(folder / "plots.csv", config=folder / "trial.toml")
    message = next(str(w.message) for w in caught if "plausible" in str(w.message))
    assert "小区 '1' = 5%、小区 '2' = 5%、小区 '3' = 5%。" in str(translate(message))


# 5. a Markdown report whose figures folder's name is too long ------------------------------


def _one_figure_report() -> Any:
    """Return a report model with one figure (never drawn: the name is refused first)."""
    from yieldtrial.report.model import Figure, Report, Section

    def draw() -> Any:
        raise AssertionError("the figure must not be drawn")

    return Report("r", "en", [Section("figures", "Figures", [Figure("f1", "A figure", draw)])])


def test_too_long_figure_folder_is_named(tmp_path: Path) -> None:
    """A 252-byte report name: the error named fig1.svg in a folder the user never typed.

    252 bytes + ".md" is a 255-byte name (Linux's NAME_MAX); its folder, + "_files", is
    258 bytes: the folder is named, the shorter name (255 - 6 = 249 bytes) and leaving the
    figures out suggested, and nothing is written.
    """
    target = tmp_path / ("y" * 252 + ".md")
    with pytest.raises(FileAccessError) as caught:
        _one_figure_report().write(target)
    message = str(caught.value)
    folder = str(tmp_path / ("y" * 252 + "_files"))
    assert f"into the folder {folder!r} because that folder's name is 258 bytes long" in message
    assert message.endswith(
        "give the report a name of at most 249 bytes before its .md, or leave the figures out "
        "(--no-figures, figures=False in Python)"
    )
    assert "fig1.svg" not in message
    assert list(tmp_path.iterdir()) == []


def test_too_long_figure_folder_has_its_chinese_line(tmp_path: Path) -> None:
    """Its Chinese line names the folder as the English does (84 x 产: 252 bytes of UTF-8).

    The command's line under --lang zh: tests/test_cli_errors_zh.py case
    ``figure-folder-name-too-long``.
    """
    report = tmp_path / ("产" * 84 + ".md")
    with pytest.raises(FileAccessError) as caught:
        _one_figure_report().write(report)
    folder = tmp_path / ("产" * 84 + "_files")
    assert translate(str(caught.value)) == (
        f"无法把报告 {str(report)!r} 的图写入文件夹 {str(folder)!r}：该文件夹名长 258 字节，"
        "超过文件系统允许的 255 字节；请给报告起一个短一些的名字（.md 之前最多 249 字节），"
        "或不输出图（--no-figures）"
    )
