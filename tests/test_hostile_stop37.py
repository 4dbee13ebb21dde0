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
    # the Chinese index uses full-width brackets and comma (stop 47)
    for lang, named in (("en", " (jinzhong-2024,"), ("zh", "（jinzhong-2024，")):
        page = index_page(tmp_path, lang)
        assert "<b>jinzhong-2024</b>" + named in page
    assert (tmp_path / "jinzhong-2024.zh.json").read_bytes() == before


def test_demo_index_takes_the_title_of_a_json_report(tmp_path: Path) -> None:
    """A report's title (text, escaped) still names its example."""
    (tmp_path / "jinzhong-2024.json").write_text('{"title": "A <b> trial"}', encoding="utf-8")
    assert "<b>A &lt;b&gt; trial</b> (jinzhong-2024," in index_page(tmp_path, "en")


def test_a_zip_bomb_workbook_is_refused_before_its_sheet_is_unpacked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 1.5 MB workbook whose sheet unpacked to 1.5 GB of blanks took 35 s and 3.3 GB.

    It was read (the blanks are valid XML); a part unpacking to more than 64 MiB and 200
    times its packed size is now refused first (here 80 MiB of blanks in about 80 KB).
    """
    pytest.importorskip("openpyxl")
    from hostile import assert_one_line_error, padded_workbook, plot_workbook

    source = plot_workbook(tmp_path / "source.xlsx")
    bomb = padded_workbook(source, tmp_path / "plots.xlsx", 80)
    out = tmp_path / "yields.csv"
    line = assert_one_line_error(
        ["standardize", str(bomb), "--crop", "wheat", "-o", str(out)],
        capsys,
        untouched=[bomb],
        absent=[out],
    )
    assert line.startswith(
        "yieldtrial: error: plots.xlsx: its part 'xl/worksheets/sheet1.xml' unpacks from "
    )
    assert "no spreadsheet program packs a sheet so tightly (a zip bomb?)" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plots.xlsx", "source.xlsx"]


def test_a_workbook_with_some_blank_padding_is_still_read(tmp_path: Path) -> None:
    """Below 64 MiB unpacked a tightly packed sheet is read as before (8 MiB of blanks)."""
    pytest.importorskip("openpyxl")
    from hostile import padded_workbook, plot_workbook
    from yieldtrial.io import read_plots

    source = plot_workbook(tmp_path / "source.xlsx")
    padded = padded_workbook(source, tmp_path / "plots.xlsx", 8)
    assert list(read_plots(padded)["plot_id"]) == ["101", "102", "201", "202"]


def test_a_sheet_of_more_rows_than_excel_holds_is_refused(tmp_path: Path) -> None:
    """A sheet beyond Excel's 1,048,576 rows (no spreadsheet saved it) is refused, not read on.

    12 million rows without row numbers (600 MB of XML packed 343 times) ran past 300 s.
    """
    from yieldtrial.errors import DataValidationError
    from yieldtrial.io.table_files import _trimmed_rows

    class Sheet:
        def iter_rows(self, values_only: bool = True) -> object:
            return (("x",) for _ in range(1_048_577))

    with pytest.raises(DataValidationError, match=r"^plots\.xlsx: the sheet holds more than "
                       r"1,048,576 rows, the most an Excel sheet can hold; "):  # fmt: skip
        _trimmed_rows(Sheet(), tmp_path / "plots.xlsx")


@pytest.mark.parametrize("q", [1, 2, 3])
def test_kenward_roger_scale_of_a_residual_only_model_is_its_residual_df(q: int) -> None:
    """One variance (sigma^2 = 1) on nu = 4 df: KR gives exactly F(q, 4), lambda = 1.

    Hand derivation: Phi = I_q, dPhi = I_q, W = var(sigma^2) = 2 / nu, so A1 = 2 q^2 / nu
    and A2 = 2 q / nu; then B = (q + 6) / nu, g = q - 2, c3 B = 4 / nu and m -> nu.
    The formula's 1 - c3 B is then 0 exactly, for every q (ZeroDivisionError before): its limit
    m = 4 is taken, as pbkrtest's IEEE division gives.
    """
    import numpy as np

    from yieldtrial.stats._reml import kenward_roger_scale

    m, lam = kenward_roger_scale(np.eye(q), np.eye(q)[None, :, :], np.array([[2.0 / 4.0]]))
    assert m == pytest.approx(4.0, rel=1e-12)
    assert lam == pytest.approx(1.0, rel=1e-12)


def test_report_kenward_roger_with_blocks_at_zero_on_four_residual_df(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """3 treatments x 3 blocks, random blocks, ``--ddf kenward-roger`` (exit 3 before).

    The block variance is estimated at zero: the treatment test is on (2, 4) df as the
    Satterthwaite one (F = 20.888 both ways; no plot missing, so the stratum df).
    """
    import json

    from hostile import run_cli

    rows = [
        "101,1,CK,20,14.98,12.7", "102,1,T,20,13.77,13.7", "103,1,U,20,14.1,13.1",
        "201,2,CK,20,14.97,13.4", "202,2,T,20,13.89,13.8", "203,2,U,20,14.3,13.0",
        "301,3,CK,20,14.5,13.3", "302,3,T,20,13.9,13.5", "303,3,U,20,14.0,13.2",
    ]  # fmt: skip
    plots = tmp_path / "plots.csv"
    plots.write_text(
        "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    tables = {}
    for ddf in ("satterthwaite", "kenward-roger"):
        out = tmp_path / f"{ddf}.json"
        argv = ["report", str(plots), "--crop", "wheat", "--block-effects", "random"]
        code, lines = run_cli([*argv, "--ddf", ddf, "--no-figures", "-o", str(out)], capsys)
        assert code == 0, lines
        tables[ddf] = json.loads(out.read_text(encoding="utf-8"))["results"]["anova"]["table"]
    kr, sat = tables["kenward-roger"][0], tables["satterthwaite"][0]
    assert (kr["source"], kr["df"]) == ("treatment", 2)
    assert kr["df_denominator"] == pytest.approx(4.0, rel=1e-9)
    assert kr["f"] == pytest.approx(sat["f"], rel=1e-9)
    assert kr["p_value"] == pytest.approx(sat["p_value"], rel=1e-9)


@pytest.mark.parametrize(
    ("number", "shown"), [("-3", "-3"), ("99999999999", "99999999999"), ("2", "2"), ("x", "x")]
)
def test_a_sheet_whose_rows_are_misnumbered_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], number: str, shown: str
) -> None:
    """A row numbered -3 or 99,999,999,999 lost plots with exit 0; it is refused.

    Row 3 (plot 102) numbered -3 was dropped (the other plots read); numbered
    99,999,999,999 the rows after it were lost too (plot 101 alone read). Numbers that go
    back (2 after 2) or are no number are refused as well: no spreadsheet writes them.
    """
    pytest.importorskip("openpyxl")
    import zipfile

    from hostile import assert_one_line_error, plot_workbook

    source = plot_workbook(tmp_path / "source.xlsx")
    book = tmp_path / "plots.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(book, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<row r="3"' in data
                data = data.replace(b'<row r="3"', b'<row r="' + number.encode() + b'"')
            new.writestr(item, data)
    out = tmp_path / "yields.csv"
    line = assert_one_line_error(
        ["standardize", str(book), "--crop", "wheat", "-o", str(out)],
        capsys,
        untouched=[book],
        absent=[out],
    )
    assert line == (
        "yieldtrial: error: plots.xlsx: the sheet's rows are not numbered as a spreadsheet "
        f"numbers them: row '{shown}' follows row 2 (Excel's rows are 1 to 1,048,576, each "
        "after the one before); open the workbook in Excel or LibreOffice and save it again, "
        "or export the table as CSV"
    )
