"""``--lang zh``: the common error and warning lines in Chinese (commands/_zh_messages).

Each catalogue entry is triggered for real through ``yieldtrial.cli.main``: in English
(default ``--lang``) its regular expression must match the line the code prints (so the
catalogue cannot rot when a message is reworded), and under ``--lang zh`` the line is
Chinese, one line, with the user's values verbatim and the same exit status.
"""

from __future__ import annotations

import codecs
import datetime
import gzip
import os
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hostile import (
    HEADER,
    ROWS,
    assert_one_line_error,
    digests,
    padded_workbook,
    plot_table,
    plot_workbook,
    run_cli,
    shared_strings_copy,
)
from yieldtrial.cli import main
from yieldtrial.commands._zh_messages import TEMPLATES, translate
from yieldtrial.errors import DataValidationError
from yieldtrial.harvest import plot_yield
from yieldtrial.io import output
from yieldtrial.units import convert_yield

#: Words that may stay in a Chinese line: the program, flags, file and format names.
_KEPT_WORDS = re.compile(
    r"yieldtrial report|yieldtrial|--crop wheat|--[a-z-]+|-o/--output|trial\.toml|\[trial\]|"
    r"crop =|alpha =|utf-8|gb18030|"
    r"big5|inf|nan|Excel|LibreOffice|[\w.-]+\.(?:csv|html|toml|xlsx|md)|\b[A-Za-z]\w*_\w+\b|\[analysis\]|"
    r"\[\[exclude\]\]|factors =|\.[a-z]+\b"
)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _table(folder: Path, rows: list[str], header: str = HEADER) -> Path:
    path = folder / "plots.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def _report(folder: Path, plots: Path | str, *extra: str) -> list[str]:
    return ["report", str(plots), "--crop", "wheat", "--control", "CK", *extra]


def _html(folder: Path) -> list[str]:
    return ["-o", str(folder / "r.html")]


def _case_existing_output(tmp: Path) -> tuple[list[str], str]:
    (tmp / "r.html").write_text("my own notes", encoding="utf-8")
    return _report(tmp, plot_table(tmp), *_html(tmp)), "r.html"


def _case_existing_output_other_command(tmp: Path) -> tuple[list[str], str]:
    # stop 49: a field book design wrote (recorded as design's), then standardize -o over it
    import hashlib
    import json

    book = tmp / "田间记录.csv"
    book.write_text("plot_id,treatment,block\n101,A,1\n", encoding="utf-8")
    entry = {"sha256": hashlib.sha256(book.read_bytes()).hexdigest(), "command": "design"}
    manifest = {"generator": "yieldtrial", "format": 1, "files": {book.name: entry}}
    (tmp / output.MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    argv = ["standardize", str(plot_table(tmp)), "--crop", "wheat", "-o", str(book)]
    return argv, "田间记录.csv"


def _case_output_is_input(tmp: Path) -> tuple[list[str], str]:
    plots = plot_table(tmp)
    return _report(tmp, plots, "--format", "html", "-o", str(plots)), "plots.csv"


def _case_read_not_regular(tmp: Path) -> tuple[list[str], str]:
    fifo = tmp / "管道.csv"
    os.mkfifo(fifo)
    return _report(tmp, fifo, *_html(tmp)), "管道.csv"


def _case_write_not_regular(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--format", "html", "-o", os.devnull), os.devnull


def _case_write_dangling_link(tmp: Path) -> tuple[list[str], str]:
    (tmp / "报告.html").symlink_to(tmp / "不存在.html")
    return _report(tmp, plot_table(tmp), "-o", str(tmp / "报告.html")), "报告.html"


def _case_write_folder_dangling_link(tmp: Path) -> tuple[list[str], str]:
    (tmp / "输出").symlink_to(tmp / "不存在")
    return _report(tmp, plot_table(tmp), "-o", str(tmp / "输出" / "r.html")), "输出"


def _case_read_folder(tmp: Path) -> tuple[list[str], str]:
    (tmp / "数据 2024").mkdir()
    return _report(tmp, tmp / "数据 2024", *_html(tmp)), "数据 2024"


def _case_no_such_file(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, tmp / "小区 表.csv", *_html(tmp)), "小区 表.csv"


def _case_unknown_encoding(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--encoding", "latin-9x", *_html(tmp)), "'latin-9x'"


def _case_non_numeric(tmp: Path) -> tuple[list[str], str]:
    rows = list(ROWS)
    rows[1] = "102,1,T,20,十三点八,13.7\n"
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'十三点八'"


def _case_fractions(tmp: Path) -> tuple[list[str], str]:
    rows = ["101,1,CK,20,14.98,0.127\n", "102,1,T,20,13.77,0.137\n"]
    rows += ["201,2,CK,20,14.97,0.134\n", "202,2,T,20,13.89,0.138\n"]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "0.127"


def _case_duplicate_plots(tmp: Path) -> tuple[list[str], str]:
    rows = [*ROWS, "A-1x,2,T,20,13.89,13.8\n", "A-1x,2,CK,20,13.89,13.8\n"]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'A-1x'"


def _case_summary_row(tmp: Path) -> tuple[list[str], str]:
    rows = [*ROWS, "合计,,,,57.61,\n"]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'合计'"


def _case_percent_range(tmp: Path) -> tuple[list[str], str]:
    rows = list(ROWS)
    rows[1] = "102,1,T,20,13.77,137\n"
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'102' = 137"


def _case_negative_mass(tmp: Path) -> tuple[list[str], str]:
    rows = list(ROWS)
    rows[1] = "102,1,T,20,-13.77,13.7\n"
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'102' = -13.77"


def _case_control_not_found(tmp: Path) -> tuple[list[str], str]:
    argv = ["report", str(plot_table(tmp)), "--crop", "wheat", "--control", "ck 甲", *_html(tmp)]
    return argv, "'ck 甲'"


def _case_crop_missing(tmp: Path) -> tuple[list[str], str]:
    return ["report", str(plot_table(tmp)), "--control", "CK", *_html(tmp)], "--crop wheat"


def _case_crop_ambiguous(tmp: Path) -> tuple[list[str], str]:
    # rice has two standard moistures under cn-yield-test (indica 13.5 %, japonica 14.5 %)
    return ["report", str(plot_table(tmp)), "--crop", "rice", "--control", "CK", *_html(tmp)], (
        "'rice'"
    )


def _case_control_not_a_level(tmp: Path) -> tuple[list[str], str]:
    # a split plot's control is a sub-plot level (N0), not a combination (I0:N0)
    masses = iter([14.1, 14.6, 13.8, 15.2, 14.4, 14.3, 14.0, 15.5, 13.9, 14.8, 14.2, 15.0])
    rows = [
        f"{b}{m}{n},{b},{main}:{sub},{main},{sub},20,{next(masses)},13.0\n"
        for b in (1, 2, 3)
        for m, main in enumerate(("I0", "I1"))
        for n, sub in enumerate(("N0", "N1"))
    ]
    header = "plot_id,block,treatment,main,sub,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    argv = ["report", str(_table(tmp, rows, header)), "--crop", "wheat", "--design", "split_plot"]
    return [*argv, "--factors", "main,sub", "--control", "I0:N0", *_html(tmp)], "'I0:N0'"


def _case_missing_moisture(tmp: Path) -> tuple[list[str], str]:
    header = "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,水 分 %\n"
    return _report(tmp, _table(tmp, list(ROWS), header), *_html(tmp)), "'水 分 %'"


def _case_implausible_moisture(tmp: Path) -> tuple[list[str], str]:
    rows = list(ROWS)
    rows[1] = "1-02,1,T,20,13.77,38\n"
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'1-02' = 38%"


def _case_implausible_yield(tmp: Path) -> tuple[list[str], str]:
    """Type 13.77 kg as 1377 (g read as kg): 1377 x 86.3 / 87 / 20 m2 x 10,000 = 682,960 kg/ha."""
    rows = list(ROWS)
    rows[1] = rows[1].replace(",13.77,", ",1377,")
    assert ",1377," in rows[1]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "小区 '102' = 682,960 kg/公顷"


def _case_tiny_yield(tmp: Path) -> tuple[list[str], str]:
    """Type the masses in mg as kg (stop 40).

    Plot 101, 14.98e-6 kg at 12.7 % moisture from 20 m2, is 14.98e-6 x 87.3 / 87 / 20 x
    10,000 = 7.52e-3 kg/ha, the largest.
    """
    rows = [row.replace(row.split(",")[4], f"{float(row.split(',')[4]) * 1e-6!r}") for row in ROWS]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "小区 '101' = 0.00752 kg/公顷"


def _case_low_yield(tmp: Path) -> tuple[list[str], str]:
    """Type the areas in m2 under a mu header (stop 53).

    Plot 101, 14.98 kg at 12.7 % moisture from "20 mu" = 13,333.33 m2, is 14.98 x 87.3 / 87
    / 13,333.33 x 10,000 = 11.3 kg/ha, the largest.
    """
    header = HEADER.replace("harvested_area_m2", "harvested_area_mu")
    return _report(tmp, _table(tmp, list(ROWS), header), *_html(tmp)), "小区 '101' = 11.3 kg/公顷"


def _case_crop_high_yield(tmp: Path) -> tuple[list[str], str]:
    """Type plot 101's mass 4.5 times too high: above 1.5 x the wheat record (stop 53).

    67.41 kg at 12.7 % moisture from 20 m2 is 67.41 x 87.3 / 87 / 20 x 10,000 = 33,821 kg/ha
    (hand), above 26,940 kg/ha and below the every-crop 40,000 kg/ha.
    """
    rows = [row.replace("14.98", "67.41") for row in ROWS]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "33,821"


def _case_crop_low_yield(tmp: Path) -> tuple[list[str], str]:
    """Type treatment T's masses in t (0.01377 for 13.77 kg): its mean warns (stop 53).

    Plot 102: 0.01377 x 86.3 / 87 / 20 x 10,000 = 6.83 kg/ha; plot 202: 0.01389 x 86.2 / 87
    / 20 x 10,000 = 6.88 kg/ha; mean 6.9 kg/ha (hand), below wheat's 100 kg/ha.
    """
    rows = [row.replace(",13.77,", ",0.01377,").replace(",13.89,", ",0.01389,") for row in ROWS]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'T' = 6.9"


def _case_other_standard_moisture(tmp: Path) -> tuple[list[str], str]:
    """Report at wheat's 13 % a table standardize wrote at 14 % (stop 34)."""
    plots = _table(tmp, list(ROWS))
    out = tmp / "s.csv"
    assert (
        main(["standardize", str(plots), "--crop", "wheat", "--standard", "14", "-o", str(out)])
        == 0
    )
    return _report(tmp, out, *_html(tmp)), "14%"


def _case_other_moisture_method(tmp: Path) -> tuple[list[str], str]:
    """Report (dry matter) a table standardize wrote by the percentage-point rule (stop 46)."""
    plots = _table(tmp, list(ROWS))
    out = tmp / "s.csv"
    argv = ["standardize", str(plots), "--crop", "wheat", "--moisture-method", "percentage_point"]
    assert main([*argv, "-o", str(out)]) == 0
    return _report(tmp, out, *_html(tmp)), "按 dry_matter 重新折算"


def _case_emptied_yields(tmp: Path) -> tuple[list[str], str]:
    """Report a standardize table whose yield of plot 1 was emptied by hand (stop 47)."""
    plots = _table(tmp, list(ROWS))
    out = tmp / "s.csv"
    assert main(["standardize", str(plots), "--crop", "wheat", "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("yield_kg_ha")] = ""
    out.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    return _report(tmp, out, *_html(tmp)), "表中 yield_kg_ha 为空"


def _case_edited_yields(tmp: Path) -> tuple[list[str], str]:
    """Report a standardize table whose yield of plot 1 was corrected by hand (stop 50)."""
    plots = _table(tmp, list(ROWS))
    out = tmp / "s.csv"
    assert main(["standardize", str(plots), "--crop", "wheat", "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("yield_kg_ha")] = "5000"
    out.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    return _report(tmp, out, *_html(tmp)), "的 yield_kg_ha 被改动过"


def _case_report_format(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "-o", str(tmp / "报告.rtf")), "报告.rtf'"


def _case_report_format_pdf(tmp: Path) -> tuple[list[str], str]:
    """Ask for a PDF: the line says how to make one (it only listed the suffixes)."""
    return _report(tmp, plot_table(tmp), "-o", str(tmp / "报告.pdf")), "报告.pdf'"


def _case_absent_factor(tmp: Path) -> tuple[list[str], str]:
    argv = _report(tmp, plot_table(tmp), "--design", "split_plot", "--factors", "氮肥,品种 B")
    return [*argv, *_html(tmp)], "'品种 B'"


def _xlsx(folder: Path, mutate: Callable[[Any, Any], None]) -> Path:
    """Write the small plot table as ``plots.xlsx`` (sheet 'plots'), changed by ``mutate``."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "plots"
    sheet.append(HEADER.strip().split(","))
    for row in ROWS:
        cells = row.strip().split(",")
        sheet.append([cells[0], cells[1], cells[2], *map(float, cells[3:])])
    mutate(book, sheet)
    path = folder / "plots.xlsx"
    book.save(path)
    return path


def _site_files(
    folder: Path, moisture: Callable[[str, int, str], str], *, area: str = "0.05", extra: str = ""
) -> Path:
    """Three site files of raw harvest records (Chinese headers); ``moisture`` fills a cell.

    ``area`` is the area of plot 2-N1 at 祁县; ``extra`` a header and value added to each row.
    """
    folder.mkdir()
    head, value = extra.split("=") if extra else ("", "")
    for site in ("太谷", "榆次", "祁县"):
        lines = ["小区号,处理,重复,面积(亩),鲜重(kg),含水量(%)" + (f",{head}" if head else "")]
        for block in (1, 2, 3):
            for i, treatment in enumerate(("CK", "N1")):
                mass = 30 + i + block * 0.3 + ((block * 7 + i * 3) % 5) * 0.4  # CV 2.6 %
                # each site its own level: identical sites are a copy (warned of, stop 35)
                mass += {"太谷": 0.0, "榆次": 0.11, "祁县": 0.23}[site]
                odd = (site, block, treatment) == ("祁县", 2, "N1")
                lines.append(f"{block}-{treatment},{treatment},{block},{area if odd else '0.05'},"
                             f"{mass:.2f},{moisture(site, block, treatment)}"
                             + (f",{value}" if head else ""))  # fmt: skip
        (folder / f"{site}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _case_unknown_crop(tmp: Path) -> tuple[list[str], str]:
    argv = ["report", str(plot_table(tmp)), "--crop", "whaet", "--control", "CK", *_html(tmp)]
    return argv, "'whaet'"


def _case_hidden_rows(tmp: Path) -> tuple[list[str], str]:
    def hide(book: Any, sheet: Any) -> None:
        sheet.row_dimensions[3].hidden = True

    return _report(tmp, _xlsx(tmp, hide), *_html(tmp)), "plots.xlsx"


def _case_first_sheet_empty(tmp: Path) -> tuple[list[str], str]:
    def notes_first(book: Any, sheet: Any) -> None:
        book.create_sheet("说明", 0)["A1"] = "notes"
        book.active = 0

    return _report(tmp, _xlsx(tmp, notes_first), *_html(tmp)), "'说明'"


def _case_date_labels(tmp: Path) -> tuple[list[str], str]:
    def dates(book: Any, sheet: Any) -> None:
        sheet["C3"] = sheet["C5"] = datetime.datetime(2024, 1, 2)  # 'T' typed as 1-2

    return _report(tmp, _xlsx(tmp, dates), *_html(tmp)), "'2024-01-02 00:00:00'"


def _case_label_case(tmp: Path) -> tuple[list[str], str]:
    rows = [*ROWS, "301,3,CK,20,14.9,13.1\n", "302,3,t,20,13.9,13.3\n"]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'t'"


def _case_label_merge(tmp: Path) -> tuple[list[str], str]:
    rows = list(ROWS)
    rows[1] = "102,1,Ｔ,20,13.77,13.7\n"  # a full-width T
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'Ｔ'"


def _case_all_below_one(tmp: Path) -> tuple[list[str], str]:
    header = HEADER.strip() + ",impurity_pct\n"
    rows = [row.strip() + f",0.0{i + 1}\n" for i, row in enumerate(ROWS)]
    return _report(tmp, _table(tmp, rows, header), *_html(tmp)), "0.04"


def _case_mixed_fraction(tmp: Path) -> tuple[list[str], str]:
    rows = list(ROWS)
    rows[1] = "1-02,1,T,20,13.77,0.137\n"
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'1-02' = 0.137"


def _case_percent_mass(tmp: Path) -> tuple[list[str], str]:
    def percent(book: Any, sheet: Any) -> None:
        sheet["E2"] = 0.1498  # 14.98 typed as '14.98%'
        sheet["E2"].number_format = "0.0%"

    return _report(tmp, _xlsx(tmp, percent), *_html(tmp)), "0.1498"


def _case_decimal_comma_dot(tmp: Path) -> tuple[list[str], str]:
    rows = [row.replace(",", ";") for row in ROWS]
    rows[0] = "101;1;CK;20;14,98;12,7\n"
    return _report(tmp, _table(tmp, rows, HEADER.replace(",", ";")), *_html(tmp)), "'14,98'"


def _case_augmented_control(tmp: Path) -> tuple[list[str], str]:
    argv = ["design", "augmented", "--checks", "CK1", "CK2", "--treatments", "E1", "E2", "E3"]
    argv += ["--blocks", "2", "--seed", "1", "--control", "E1", "-o", str(tmp / "book.csv")]
    return argv, "'E1'"


def _case_augmented_few_df(tmp: Path) -> tuple[list[str], str]:
    """2 checks in 2 blocks: (2 - 1)(2 - 1) = 1 residual df; 11 checks give 10 (6 entries)."""
    argv = ["design", "augmented", "--checks", "CK1", "CK2", "--treatments", "E1", "E2", "E3"]
    argv += ["E4", "E5", "E6", "--blocks", "2", "--seed", "1"]
    return argv, "这 2 个区组各设 11 个对照，误差自由度即可达到 10 或以上"


def _case_augmented_few_df_more_blocks(tmp: Path) -> tuple[list[str], str]:
    """31 entries allow 11 blocks of the 2 checks: (11 - 1)(2 - 1) = 10 df (5 blocks give 4)."""
    argv = ["design", "augmented", "--checks", "CK1", "CK2", "--blocks", "5", "--seed", "1"]
    return [*argv, "--treatments", *(f"E{i}" for i in range(1, 32))], "或这 2 个对照设 11 个区组"


def _case_duplicate_plots_site(tmp: Path) -> tuple[list[str], str]:
    rows = ["太谷," + row for row in ROWS] + ["太谷,101,2,T,20,13.9,13.1\n"]
    return _report(tmp, _table(tmp, rows, "site," + HEADER), *_html(tmp)), "'太谷/101'"


def _case_output_same_file(tmp: Path) -> tuple[list[str], str]:
    plots = plot_table(tmp)
    os.link(plots, tmp / "别名.csv")
    return _report(tmp, plots, "--format", "html", "-o", str(tmp / "别名.csv")), "别名.csv"


def _case_cv_excludes_all(tmp: Path) -> tuple[list[str], str]:
    folder = _site_files(tmp / "sites", lambda site, block, treatment: "15.0")
    argv = ["network", str(folder), "--crop", "wheat", "--control", "CK"]
    return [*argv, "--exclude-cv-above", "0.5", "-o", str(tmp / "n.md")], "0.5"


def _case_network_none_analysed(tmp: Path) -> tuple[list[str], str]:
    """Every trial's yields are one value copied to each plot: no trial can be analysed."""
    rows = ["site,plot_id,treatment,block,yield_kg_ha"]
    rows += [f"{s},{s}{b}{t},{t},{b},6000" for s in "AB" for b in (1, 2) for t in ("CK", "T")]
    table = tmp / "产量.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    argv = ["network", str(table), "--by", "site", "--control", "CK", "-o", str(tmp / "n.md")]
    return argv, "'yield_kg_ha'"


def _case_network_none_analysed_all_named(tmp: Path) -> tuple[list[str], str]:
    """Leave a site out before the analysis, then fail three in it (stop 48)."""
    rows = ["site,block,treatment,yield_kg_ha"]
    rows += [f"{s},{b},{t},{6000 if t == 'CK' else ''}" for s in "ABC" for b in (1, 2)
             for t in ("CK", "T")]  # fmt: skip
    rows += [f"D,{b},{t},{-5 if (b, t) == (1, 'T') else 6000}" for b in (1, 2) for t in ("CK", "T")]
    table = tmp / "产量.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    argv = ["network", str(table), "--by", "site", "--control", "CK", "-o", str(tmp / "n.md")]
    return argv, "'C'"


def _case_network_one_file_one_trial(tmp: Path) -> tuple[list[str], str]:
    rows = ["plot_id,treatment,block,yield_kg_ha"]
    rows += [f"{b}{t},{t},{b},{6000 + 50 * b + (300 + 7 * b * b if t == 'T' else 0)}"
             for b in (1, 2, 3) for t in ("CK", "T")]  # fmt: skip
    table = tmp / "产量.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return ["network", str(table), "--control", "CK", "-o", str(tmp / "n.md")], "'产量'"


def _case_negative_yield(tmp: Path) -> tuple[list[str], str]:
    lines = ["site,plot_id,treatment,block,yield_kg_ha"]
    for site in ("A", "B", "C"):
        for block in (1, 2, 3):
            for i, treatment in enumerate(("CK", "N1")):
                value = 6000 + i * 300 + block * 50 + ((block * 7 + i * 3) % 5) * 40
                value += 17 if site == "B" else 0  # A and B alike would be a copy (stop 35)
                sign = -1 if (site, block, treatment) == ("C", 2, "N1") else 1
                lines.append(f"{site},{block}{i},{treatment},{block},{sign * value}")
    table = tmp / "net.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # the yield of plot '21' at C: 6000 + 300 + 2 * 50 + 2 * 40 = 6480, made negative
    return ["network", str(table), "--control", "CK", "-o", str(tmp / "n.md")], "'-6480'"


def _case_unknown_sheet(tmp: Path) -> tuple[list[str], str]:
    plots = _xlsx(tmp, lambda book, sheet: None)
    return _report(tmp, plots, "--sheet", "表 甲", *_html(tmp)), "'表 甲'"


def _case_label_zeros(tmp: Path) -> tuple[list[str], str]:
    rows = [row.replace(",2,", ",02,") if row.startswith("202") else row for row in ROWS]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'02'"


def _case_augmented_not_check(tmp: Path) -> tuple[list[str], str]:
    argv, _ = _case_augmented_control(tmp)
    return [*argv[:-3], "ck1", *argv[-2:]], "'ck1'"


def _case_warnings_not_shown(tmp: Path) -> tuple[list[str], str]:
    """22 sites, each with its own impurity warning (largest 0.01, 0.02, ...): 2 not shown."""
    lines = ["site,plot_id,treatment,block,harvested_area_m2,fresh_mass_kg,moisture_pct"]
    lines[0] += ",impurity_pct"
    for site in range(1, 23):
        for block in (1, 2, 3):
            for i, treatment in enumerate(("CK", "N1")):
                mass = 30 + i + block * 0.3 + ((block * 7 + i * 3 + site) % 5) * 0.4
                lines.append(f"s{site},{block}{i},{treatment},{block},20,{mass:.2f},13.0,"
                             f"{site / 100:g}")  # fmt: skip
    table = tmp / "sites.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["network", str(table), "--crop", "wheat", "--control", "CK", "--by", "site"]
    return [*argv, "-o", str(tmp / "n.md")], "2"


def _case_copied_trials(tmp: Path) -> tuple[list[str], str]:
    """Three sites of yields, site s3 a copy of site s1 (stop 35)."""
    lines = ["site,plot_id,treatment,block,yield_kg_ha"]
    for site in (1, 2, 3):
        for block in (1, 2, 3):
            for i, treatment in enumerate(("CK", "N1")):
                mass = 7000 + 300 * i + 40 * block + ((block * 7 + i * 3 + site % 2) % 5) * 25
                lines.append(f"s{site},{block}{i},{treatment},{block},{mass + 11 * (site == 2)}")
    table = tmp / "sites.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["network", str(table), "--crop", "wheat", "--control", "CK", "--by", "site"]
    return [*argv, "-o", str(tmp / "n.md")], "'s3'"


def _case_network_repeated_treatment(tmp: Path) -> tuple[list[str], str]:
    """Two RCBD sites of yields, site B's first row pasted twice (stop 52's fuzzing)."""
    lines = ["site,block,treatment,yield_kg_ha"]
    for site, base in (("A", 6000), ("B", 5600)):
        for block in (1, 2, 3):
            for i, treatment in enumerate(("CK", "N1")):
                noise = ((block * 7 + i * 3 + len(site)) % 5) * 25 + 11 * (site == "B") * block
                lines.append(f"{site},{block},{treatment},{base + 250 * i + 37 * block + noise}")
    lines.insert(8, lines[7])  # B,1,CK twice
    table = tmp / "sites.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["network", str(table), "--control", "CK", "--no-stability"]
    return [*argv, "-o", str(tmp / "n.md")], "'B'"


def _case_near_miss_header(tmp: Path) -> tuple[list[str], str]:
    """Head the impurity column 'impurty_pct' (a letter dropped; stop 52's fuzzing)."""
    rows = [row.rstrip("\n") + ",1.5\n" for row in ROWS]
    table = _table(tmp, rows, header=HEADER.rstrip("\n") + ",impurty_pct\n")
    return ["standardize", str(table), "--crop", "wheat", "-o", str(tmp / "s.csv")], "'impurty_pct'"


def _case_byte_order_mark(tmp: Path) -> tuple[list[str], str]:
    """Put a BOM before the plot id of row 3: a second file's first row joined on (loose58)."""
    rows = list(ROWS)
    rows[1] = "\ufeff" + rows[1]
    table = _table(tmp, rows)
    return ["standardize", str(table), "--crop", "wheat", "-o", str(tmp / "s.csv")], "第 3 行"


def _case_lookalike_letters(tmp: Path) -> tuple[list[str], str]:
    rows = [row.replace(",T,", ",N\u041a,") for row in ROWS]  # N and a Cyrillic К
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "'N\u041a'"


def _case_no_observed_yield(tmp: Path) -> tuple[list[str], str]:
    """Give report the field book of ``yieldtrial design`` before the harvest."""
    book = tmp / "田间记录簿.csv"
    header = "plot_id,treatment,block,row,column,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    pairs = ((1, "CK"), (2, "T"))
    rows = "".join(f"{b}0{k},{t},{b},{b},{k},,,\n" for b in (1, 2) for k, t in pairs)
    book.write_text(header + rows, encoding="utf-8")
    return _report(tmp, book, *_html(tmp)), "4"


def _case_whole_positions(tmp: Path) -> tuple[list[str], str]:
    """Give ``row`` a field position of 1.5 (stop 35 hostile pass: the line stayed English)."""
    header = HEADER.rstrip("\n") + ",row,column\n"
    positions = ("1", "1.5", "3", "4")
    rows = [r.rstrip("\n") + f",{p},1\n" for r, p in zip(ROWS, positions, strict=True)]
    return _report(tmp, _table(tmp, rows, header), *_html(tmp)), "第 3 行：1.5"


def _trial_toml(folder: Path, analysis: str) -> Path:
    """Write a trial.toml for wheat with ``analysis`` as its [analysis] table."""
    path = folder / "试验.toml"
    path.write_text(f'[trial]\ncrop = "wheat"\n\n[analysis]\n{analysis}\n', encoding="utf-8")
    return path


def _case_setting_not_finite(tmp: Path) -> tuple[list[str], str]:
    """``standard_moisture_pct = nan`` in trial.toml (stop 35: the line stayed English)."""
    config = _trial_toml(tmp, "standard_moisture_pct = nan")
    return _report(tmp, plot_table(tmp), "--config", str(config), *_html(tmp)), "试验.toml'"


def _case_setting_range(tmp: Path) -> tuple[list[str], str]:
    """``standard_moisture_pct = 150`` in trial.toml, outside [0, 100)."""
    config = _trial_toml(tmp, "standard_moisture_pct = 150")
    return _report(tmp, plot_table(tmp), "--config", str(config), *_html(tmp)), "[0, 100)"


def _case_alpha_range(tmp: Path) -> tuple[list[str], str]:
    """``--alpha 0.9``: outside the significance levels 0.0001 to 0.5 (stop 38)."""
    return _report(tmp, plot_table(tmp), "--alpha", "0.9", *_html(tmp)), "0.9"


def _case_percent_as_fraction(tmp: Path) -> tuple[list[str], str]:
    """``--margin-pct 0.5``: read as 0.5 %, a warning naming 50 (stop 38)."""
    return _report(tmp, plot_table(tmp), "--margin-pct", "0.5", *_html(tmp)), "--margin-pct 50"


def _case_exclude_cv_range(tmp: Path) -> tuple[list[str], str]:
    """``network --exclude-cv-above 0``: a CV threshold must be above 0 (stop 38)."""
    folder = _site_files(tmp / "sites", lambda *_: "15.0")
    return _network(folder, tmp, "--exclude-cv-above", "0"), "现为 0。"  # as typed (stop 49)


def _case_not_text_encoding(tmp: Path) -> tuple[list[str], str]:
    """Give ``--encoding unicode_escape``: a Python codec, not a file encoding (stop 38)."""
    argv = _report(tmp, plot_table(tmp), "--encoding", "unicode_escape", *_html(tmp))
    return argv, "'unicode_escape'"


def _case_manifest_slot(tmp: Path) -> tuple[list[str], str]:
    """Make ``.yieldtrial-outputs`` in the output folder a named pipe (stop 38)."""
    os.mkfifo(tmp / ".yieldtrial-outputs")
    return _report(tmp, plot_table(tmp), *_html(tmp)), "'.yieldtrial-outputs'"


def _case_setting_choice(tmp: Path) -> tuple[list[str], str]:
    """``--design rcdb``: a typing slip of rcbd, named with the choices (stop 38)."""
    return _report(tmp, plot_table(tmp), "--design", "rcdb", *_html(tmp)), "'rcbd'"


def _case_harvest_cell_empty(tmp: Path) -> tuple[list[str], str]:
    """Leave impurity_pct empty on every weighed plot (its header renamed: 杂质%)."""
    rows = [row.replace("\n", ",\n") for row in ROWS]
    table = _table(tmp, rows, HEADER.replace("\n", ",杂质%\n"))
    return _report(tmp, table, *_html(tmp)), "'杂质%'"


def _case_margin_tiny(tmp: Path) -> tuple[list[str], str]:
    """``--margin 1e-320`` (a subnormal double): above 0 but below the 0.01 % floor."""
    return _report(tmp, plot_table(tmp), "--margin", "1e-320", *_html(tmp)), "1e-320"


def _case_standard_fraction(tmp: Path) -> tuple[list[str], str]:
    """``standard_moisture_pct = 0.13``: a fraction, 13 % to write."""
    config = _trial_toml(tmp, "standard_moisture_pct = 0.13")
    return _report(tmp, plot_table(tmp), "--config", str(config), *_html(tmp)), "= 0.13"


def _case_standard_implausible(tmp: Path) -> tuple[list[str], str]:
    """``standard_moisture_pct = 1e-300``: no standard, not "write 1e-298" (stop 35)."""
    config = _trial_toml(tmp, "standard_moisture_pct = 1e-300")
    return _report(tmp, plot_table(tmp), "--config", str(config), *_html(tmp)), "= 1e-300"


def _case_implausible_standard(tmp: Path) -> tuple[list[str], str]:
    """Give a standard of 75 % (above 70 %): a warning, yields x 4 (100 / (100 - 75))."""
    config = _trial_toml(tmp, "standard_moisture_pct = 75")
    argv = ["report", str(plot_table(tmp)), "--control", "CK", "--config", str(config)]
    return [*argv, *_html(tmp)], "75%"


def _case_unsaved_formula(tmp: Path) -> tuple[list[str], str]:
    """Put in header cell F1 a formula openpyxl writes without its result."""

    def formula(book: Any, sheet: Any) -> None:
        sheet["F1"] = '="moisture"&"_pct"'

    return _report(tmp, _xlsx(tmp, formula), *_html(tmp)), '="moisture"&"_pct"'


def _case_zip_bomb(tmp: Path) -> tuple[list[str], str]:
    """Write a workbook whose sheet unpacks to 80 MiB of blanks from about 80 KB."""
    source = _xlsx(tmp, lambda book, sheet: None).rename(tmp / "source.xlsx")
    bomb = padded_workbook(source, tmp / "plots.xlsx", 80)
    return _report(tmp, bomb, *_html(tmp)), "'xl/worksheets/sheet1.xml'"


def _case_row_numbers(tmp: Path) -> tuple[list[str], str]:
    """Give the sheet's row 3 the number -3 (no spreadsheet does)."""
    import zipfile

    source = _xlsx(tmp, lambda book, sheet: None).rename(tmp / "source.xlsx")
    book = tmp / "plots.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(book, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<row r="3"', b'<row r="-3"')
            new.writestr(item, data)
    return _report(tmp, book, *_html(tmp)), "'-3'"


_DESIGN = ["design", "rcbd", "--treatments", "CK", "T", "--blocks", "2", "--seed", "1"]


def _case_field_book_filled(tmp: Path) -> tuple[list[str], str]:
    book = tmp / "田间记录簿.csv"
    book.write_text("plot_id,treatment,block,fresh_mass_kg\n1,CK,1,14.2\n", encoding="utf-8")
    return [*_DESIGN, "-o", str(book), "--force"], "田间记录簿.csv"


def _case_field_book_unreadable(tmp: Path) -> tuple[list[str], str]:
    book = tmp / "田间记录簿.csv"
    book.write_bytes("plot_id,treatment,block,fresh_mass_kg\n1,Témoin,1,14.2\n".encode("cp1252"))
    return [*_DESIGN, "-o", str(book), "--force"], "田间记录簿.csv"


#: The start of the name of a file that the output checks cannot open (see the fixture below).
NO_READ = "无权读取"


@pytest.fixture(autouse=True)
def _files_without_read_permission(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files named ``NO_READ...`` do not open in io.output, as for a user who is not root."""
    real = open

    def guarded(file: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(str(file)).name.startswith(NO_READ):
            raise PermissionError(13, "Permission denied", str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(output, "open", guarded, raising=False)


def _case_field_book_no_permission(tmp: Path) -> tuple[list[str], str]:
    book = tmp / f"{NO_READ}.csv"
    book.write_text("plot_id,treatment,block,fresh_mass_kg\n1,A,1,14.2\n", encoding="utf-8")
    return [*_DESIGN, "-o", str(book), "--force"], f"{NO_READ}.csv"


def _case_existing_output_unreadable(tmp: Path) -> tuple[list[str], str]:
    (tmp / f"{NO_READ}.html").write_text("my own notes", encoding="utf-8")
    return _report(tmp, plot_table(tmp), "-o", str(tmp / f"{NO_READ}.html")), f"{NO_READ}.html"


#: The start of the name of an output whose record of outputs cannot be written (a disk
#: with room for the output, not for the record; see the fixture below).
NOT_RECORDED = "无法记录"


@pytest.fixture(autouse=True)
def _outputs_that_cannot_be_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let outputs named ``NOT_RECORDED...`` be written but fail their record (ENOSPC)."""
    import errno

    record_next, record_entry = output._record_next, output._record_entry

    def no_next(target: Path, *args: Any) -> None:
        if not target.name.startswith(NOT_RECORDED):
            record_next(target, *args)

    def full(target: Path, *args: Any) -> None:
        if target.name.startswith(NOT_RECORDED):
            raise OSError(errno.ENOSPC, "No space left on device", str(target.parent))
        record_entry(target, *args)

    monkeypatch.setattr(output, "_record_next", no_next)
    monkeypatch.setattr(output, "_record_entry", full)


#: The start of the name of a new output that another run creates while this one writes
#: it (see the fixture below).
TAKEN = "被抢先"


@pytest.fixture(autouse=True)
def _outputs_taken_meanwhile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let another run create new outputs named ``TAKEN...`` just before this one's rename."""
    claim_new = output._claim_new

    def taken(tmp: Path, target: Path, *args: Any) -> None:
        if target.name.startswith(TAKEN):
            target.write_text("plot_id,block,treatment\n1,1,CK\n", encoding="utf-8")
        claim_new(tmp, target, *args)

    monkeypatch.setattr(output, "_claim_new", taken)


def _case_output_created_meanwhile(tmp: Path) -> tuple[list[str], str]:
    return [*_DESIGN, "-o", str(tmp / f"{TAKEN}.csv")], f"{TAKEN}.csv"


#: The optional packages a case hides: ``sys.modules[name] = None`` makes ``import name``
#: fail as it does where the package is not installed; the fixture below restores them.
EXTRAS = ("docx", "openpyxl")


@pytest.fixture(autouse=True)
def _extras_restored() -> Any:
    """Put back the optional packages that a case hid (see ``EXTRAS``)."""
    saved = {name: sys.modules.get(name) for name in EXTRAS}
    yield
    for name, module in saved.items():
        if module is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = module


def _case_missing_extra(tmp: Path) -> tuple[list[str], str]:
    # pip install . without the docx extra, then a Word report (README's second command)
    sys.modules["docx"] = None  # type: ignore[assignment]
    return _report(tmp, plot_table(tmp), "-o", str(tmp / "报告.docx")), "python-docx"


def _case_missing_extra_xlsx(tmp: Path) -> tuple[list[str], str]:
    sys.modules["openpyxl"] = None  # type: ignore[assignment]
    argv = ["standardize", str(plot_table(tmp)), "--crop", "wheat"]
    return [*argv, "-o", str(tmp / "产量.xlsx")], "yieldtrial[xlsx]"


def _case_output_not_recorded(tmp: Path) -> tuple[list[str], str]:
    # the warning printed after the output is written (io.output._record): exit 0
    argv = ["standardize", str(plot_table(tmp)), "--crop", "wheat"]
    return [*argv, "-o", str(tmp / f"{NOT_RECORDED}.csv")], f"{NOT_RECORDED}.csv"


def _chinese_site_files(tmp: Path) -> Path:
    folder = tmp / "试点"
    folder.mkdir()
    for site in ("太谷", "榆次"):
        plot_table(folder, f"{site}.csv")
    return folder


def _case_network_raw_needs_crop(tmp: Path) -> tuple[list[str], str]:
    return ["network", str(_chinese_site_files(tmp)), "-o", str(tmp / "n.md")], "--crop wheat"


def _case_network_column_not_found(tmp: Path) -> tuple[list[str], str]:
    argv = ["network", str(_chinese_site_files(tmp)), "--crop", "wheat", "--response", "产量"]
    return [*argv, "-o", str(tmp / "n.md")], "'产量'"


def _audit_table(tmp: Path, column: str, cells: tuple[str, str, str, str]) -> str:
    """Write the small plot table with one more column (``cells`` per plot, "" for empty)."""
    rows = [f"{row.rstrip()},{cell}\n" for row, cell in zip(ROWS, cells, strict=True)]
    return str(_table(tmp, rows, header=HEADER.rstrip() + f",{column}\n"))


def _case_audit_needs_harvest_columns(tmp: Path) -> tuple[list[str], str]:
    return ["audit", str(plot_table(tmp)), "--crop", "wheat"], "plot_id"


def _case_audit_reported_is_record(tmp: Path) -> tuple[list[str], str]:
    argv = ["audit", str(plot_table(tmp)), "--crop", "wheat", "--reported", "fresh_mass_kg"]
    return argv, "'fresh_mass_kg'"


def _case_audit_reported_not_numbers(tmp: Path) -> tuple[list[str], str]:
    table = _audit_table(tmp, "remark", ("倒伏", "500", "", "480"))  # a text column named
    return ["audit", table, "--crop", "wheat", "--reported", "remark"], "'倒伏'"


def _case_audit_no_plot_both(tmp: Path) -> tuple[list[str], str]:
    table = _audit_table(tmp, "yield_kg_mu", ("", "", "", ""))  # no published figure
    return ["audit", table, "--crop", "wheat"], "'yield_kg_mu'"


def _case_design_map_same_file(tmp: Path) -> tuple[list[str], str]:
    return [*_DESIGN, "--map", str(tmp / "图.svg"), "-o", f"{tmp}/./图.svg"], "图.svg"


def _case_network_no_yield_column(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "产量.csv"
    path.write_text("site,plot_id,block,treatment,mass\nA,1,1,CK,3\nA,2,1,T,4\n", "utf-8")
    return ["network", str(path), "-o", str(tmp / "n.md")], "产量.csv"


def _case_network_left_out_of_summary(tmp: Path) -> tuple[list[str], str]:
    """Site s3's yields identical within each treatment: its model fits exactly."""
    lines = ["site,plot_id,treatment,block,yield_kg_ha"]
    for site in (1, 2, 3):
        for block in (1, 2, 3):
            for i, treatment in enumerate(("CK", "N1")):
                spread = 40 * block + ((block * 7 + i * 3 + site % 2) % 5) * 25
                lines.append(
                    f"s{site},{block}{i},{treatment},{block},{7000 + 300 * i + spread * (site < 3)}"
                )
    table = tmp / "sites.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["network", str(table), "--crop", "wheat", "--control", "CK", "--by", "site"]
    return [*argv, "-o", str(tmp / "n.md")], "'s3'"


def _field_book_sites(tmp: Path, *, incomplete_blocks: bool) -> list[str]:
    """Two sites of a field book: rows and columns within replicates, or an alpha's blocks."""
    head = "site,plot_id,block,incomplete_block,row,column,treatment,yield_kg_ha"
    lines = [head if incomplete_blocks else head.replace("incomplete_block,", "")]
    for site in (1, 2):
        for block in (1, 2):
            for j, treatment in enumerate(("CK", "A", "B", "C")):
                small = f"{block}{j // 2}," if incomplete_blocks else ""
                value = 7000 + 100 * j + 37 * block + ((block * 5 + j * 3 + site) % 7) * 21
                place = f"{j // 2 + 1},{j % 2 + 1}"
                lines.append(f"s{site},{block}{j},{block},{small}{place},{treatment},{value}")
    table = tmp / "田间.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    argv = ["network", str(table), "--crop", "wheat", "--control", "CK", "--by", "site"]
    return [*argv, "-o", str(tmp / "n.md")]


def _case_network_ignores_incomplete_blocks(tmp: Path) -> tuple[list[str], str]:
    return _field_book_sites(tmp, incomplete_blocks=True), "'s1'、's2'"


def _case_network_ignores_rows_columns(tmp: Path) -> tuple[list[str], str]:
    return _field_book_sites(tmp, incomplete_blocks=False), "'s1'、's2'"


def _case_stdout_closed_output(tmp: Path) -> tuple[list[str], str]:
    return ["standardize", "442", "--moisture", "5", "--standard", "13"], "-o/--output"


def _case_stdout_closed_redirect(tmp: Path) -> tuple[list[str], str]:
    return ["plan", "--cv", "8", "--difference", "5", "--treatments", "3"], "yieldtrial plan"


def _case_folder_is_file(tmp: Path) -> tuple[list[str], str]:
    (tmp / "演示").write_text("my notes", encoding="utf-8")
    return ["demo", "-o", str(tmp / "演示")], "演示"


def _case_folder_foreign_files(tmp: Path) -> tuple[list[str], str]:
    (tmp / "演示").mkdir()
    (tmp / "演示" / "index.html").write_text("my page", encoding="utf-8")
    return ["demo", "-o", str(tmp / "演示")], "'index.html'"


def _case_old_xls(tmp: Path) -> tuple[list[str], str]:
    book = tmp / "小区.xls"
    book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return _report(tmp, book, *_html(tmp)), "小区.xls"


def _case_other_moisture_method_yields_only(tmp: Path) -> tuple[list[str], str]:
    """Network: --moisture-method dry_matter over yields computed percentage-point (tidy56)."""
    path = tmp / "产量.csv"
    path.write_text(
        "site,plot_id,block,treatment,yield_kg_ha,moisture_method\n"
        + "".join(
            f"{s},{s}{b}{k},{b},{t},{7000 + 100 * k + b},percentage_point\n"
            for s in ("A", "B")
            for b in (1, 2)
            for k, t in ((1, "CK"), (2, "T"))
        ),
        encoding="utf-8",
    )
    argv = ["network", str(path), "--control", "CK", "--moisture-method", "dry_matter",
            "-o", str(tmp / "n.md")]  # fmt: skip
    return argv, "--moisture-method percentage_point"


def _case_yields_mixed_moisture_methods(tmp: Path) -> tuple[list[str], str]:
    """Standardize: a yields table whose moisture_method column names two methods (loose57)."""
    path = tmp / "产量.csv"
    path.write_text(
        "plot_id,treatment,yield_kg_ha,standard_moisture_pct,moisture_method\n"
        "1,CK,7000,13,dry_matter\n2,T,7100,13,dry_matter\n3,CK,7050,13,percentage_point\n",
        encoding="utf-8",
    )
    return ["standardize", str(path), "--crop", "wheat", "-o", str(tmp / "o.csv")], "小区 '3'"


def _case_network_yields_other_standards(tmp: Path) -> tuple[list[str], str]:
    """Network: site A's yields at 13 %, site B's at 14 %, no setting (tidy56b)."""
    path = tmp / "产量.csv"
    path.write_text(
        "site,plot_id,block,treatment,yield_kg_ha,standard_moisture_pct\n"
        + "".join(
            f"{s},{s}{b}{k},{b},{t},{7000 + 100 * k + b},{pct}\n"
            for s, pct in (("A", 13), ("B", 14))
            for b in (1, 2)
            for k, t in ((1, "CK"), (2, "T"))
        ),
        encoding="utf-8",
    )
    return ["network", str(path), "--control", "CK", "-o", str(tmp / "n.md")], "'B'"


def _case_network_yields_other_methods(tmp: Path) -> tuple[list[str], str]:
    """Network: site A's yields by dry matter, site B's by percentage points (tidy57)."""
    path = tmp / "产量.csv"
    path.write_text(
        "site,plot_id,block,treatment,yield_kg_ha,moisture_method\n"
        + "".join(
            f"{s},{s}{b}{k},{b},{t},{7000 + 100 * k + b},{method}\n"
            for s, method in (("A", "dry_matter"), ("B", "percentage_point"))
            for b in (1, 2)
            for k, t in ((1, "CK"), (2, "T"))
        ),
        encoding="utf-8",
    )
    return ["network", str(path), "--control", "CK", "-o", str(tmp / "n.md")], "'B'"


def _case_other_standard_moisture_yields_only(tmp: Path) -> tuple[list[str], str]:
    """Report at 13 % a yields table at 14 % without its harvest columns (stop 50)."""
    path = tmp / "产量.csv"
    path.write_text(
        "plot_id,block,treatment,yield_kg_ha,standard_moisture_pct\n"
        + "".join(
            f"{b}0{k},{b},{t},{7000 + 100 * k + b},14\n"
            for b in (1, 2)
            for k, t in ((1, "CK"), (2, "T"))
        ),
        encoding="utf-8",
    )
    return _report(tmp, path, *_html(tmp)), "--standard-moisture-pct 14"


def _docx(tmp: Path, name: str, creator: str) -> Path:
    """Write a minimal Word document whose author and last editor are ``creator``."""
    path = tmp / name
    core = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator>{creator}</dc:creator><cp:lastModifiedBy>{creator}</cp:lastModifiedBy>"
        "</cp:coreProperties>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("docProps/core.xml", core)
    return path


def _case_word_report_as_plot_table(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, _docx(tmp, "报告.docx", "yieldtrial"), *_html(tmp)), "报告.docx："


def _case_word_document(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, _docx(tmp, "小区.docx", "张三"), *_html(tmp)), "小区.docx："


def _case_pptx_document(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "小区.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return _report(tmp, path, *_html(tmp)), "小区.xlsx："


def _case_gbk_read_as_utf8(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "plots.csv"
    rows = "".join(f"{i},1,品系{i},20,15,13\n" for i in (1, 2))
    path.write_bytes((HEADER + rows).encode("gbk"))  # 品系 in GBK is valid UTF-8 ('Ʒϵ')
    return _report(tmp, path, *_html(tmp)), "'品系1'"


def _case_unit_row(tmp: Path) -> tuple[list[str], str]:
    text = "小区,区组,处理,面积,鲜重,水分\n,,,亩,公斤,%\n" + "".join(ROWS)
    return _plots_text(tmp, text), "'面积(亩)'"


def _case_unit_row_stated(tmp: Path) -> tuple[list[str], str]:
    return _plots_text(tmp, HEADER + ",,,m2,kg,%\n" + "".join(ROWS)), "第 2 行"


def _case_ods(tmp: Path) -> tuple[list[str], str]:
    import zipfile

    book = tmp / "小区.ods"
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return _report(tmp, book, *_html(tmp)), "小区.ods"


def _case_zip_as_csv(tmp: Path) -> tuple[list[str], str]:
    book = _xlsx(tmp, lambda book, sheet: None).rename(tmp / "小区.csv")
    return _report(tmp, book, *_html(tmp)), "小区.csv"


def _case_zip_archive(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "小区.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("a.csv", "b.csv", "c.csv", "d.csv"):
            archive.writestr(name, HEADER + "".join(ROWS))
    return _report(tmp, path, *_html(tmp)), "另有 1 个"


def _case_compressed_file(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "小区.csv"
    path.write_bytes(gzip.compress((HEADER + "".join(ROWS)).encode()))
    return _report(tmp, path, *_html(tmp)), "小区.csv：这是 .gz 压缩文件"


def _case_utf32_text(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "小区.csv"
    path.write_bytes((HEADER + "".join(ROWS)).replace(",CK,", ",对照,").encode("utf-32-le"))
    return _report(tmp, path, *_html(tmp)), "--encoding utf-32-le"


def _case_utf16_without_bom(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "小区.csv"
    path.write_bytes((HEADER + "".join(ROWS)).replace(",CK,", ",对照,").encode("utf-16-be"))
    return _report(tmp, path, *_html(tmp)), "--encoding utf-16-be"


def _case_binary_nul(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, _table(tmp, [ROWS[0].replace("CK", "C\x00K"), *ROWS[1:]]), *_html(tmp)), (
        "plots.csv"
    )


def _case_sep_line(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, _table(tmp, list(ROWS), header="sep=,\n" + HEADER), *_html(tmp)), (
        "plots.csv"
    )


def _case_header_repeated(tmp: Path) -> tuple[list[str], str]:
    rows = [*ROWS[:2], HEADER, *ROWS[2:]]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "第 4 行"


def _case_header_only(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, _table(tmp, []), *_html(tmp)), "plots.csv"


def _case_header_twice(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "sites.csv"
    rows = [
        f"a,{b}{t},{b},{t},{7000 + 37 * b + 50 * (t == 'T') + b * b}"
        for b in (1, 2, 3)
        for t in ("CK", "T")
    ]
    path.write_text(
        "site,plot_id,block,treatment,yield_kg_ha,site\n" + "".join(f"{row},x\n" for row in rows),
        encoding="utf-8",
    )
    return ["network", str(path), "--control", "CK", "-o", str(tmp / "n.md")], "'site'"


def _case_merged_cells(tmp: Path) -> tuple[list[str], str]:
    book = _xlsx(tmp, lambda book, sheet: sheet.merge_cells("B2:B3"))
    return _report(tmp, book, *_html(tmp)), "B2:B3"


def _case_first_row_empty(tmp: Path) -> tuple[list[str], str]:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp / "空表.xlsx"
    openpyxl.Workbook().save(path)
    return _report(tmp, path, *_html(tmp)), "空表.xlsx"


def _case_neither_utf8_nor_gbk(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "plots.csv"
    text = HEADER + "".join(ROWS).replace("CK", "CKé")
    path.write_bytes(text.encode("cp1252"))
    return _report(tmp, path, *_html(tmp)), "plots.csv"


def _case_map_suffix(tmp: Path) -> tuple[list[str], str]:
    return [*_DESIGN, "--map", str(tmp / "田间图.csv")], "田间图.csv"


def _case_pattern_no_match(tmp: Path) -> tuple[list[str], str]:
    pattern = str(tmp / "试点*.csv")
    return ["network", pattern, "--control", "CK", "-o", str(tmp / "n.md")], "试点*.csv"


def _toml_case(tmp: Path, text: str) -> list[str]:
    config = tmp / "试验.toml"
    config.write_text(text, encoding="utf-8")
    return _report(tmp, plot_table(tmp), "--config", str(config), *_html(tmp))


def _case_setting_quoted_number(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[analysis]\nstandard_moisture_pct = "13"\n'), "'13'"


def _case_setting_not_number(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[analysis]\nalpha = "abc"\n'), "'abc'"


def _case_setting_not_text(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[trial]\ncrop = ["wheat"]\n'), "['wheat']"


def _case_setting_too_long(tmp: Path) -> tuple[list[str], str]:
    # a 600-character [conditions] weather note (stop 44: no length limit before)
    return _toml_case(tmp, '[conditions]\nweather = "' + "x" * 600 + '"\n'), "600"


def _case_setting_choice_toml(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[analysis]\nprotocol = "usdaa"\n'), "'usdaa'"


def _case_toml_unknown_key(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[trial]\ncorp = "wheat"\n'), "'corp'"


def _case_toml_unknown_table(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[analyses]\ncontrol = "CK"\n'), "'analyses'"


def _case_alpha_range_toml(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, "[analysis]\nalpha = 5\n"), "5"


def _case_control_twice(tmp: Path) -> tuple[list[str], str]:
    plots = plot_table(tmp)
    argv = ["report", str(plots), "--crop", "wheat", "--control", "CK,CK", *_html(tmp)]
    return argv, "('CK', 'CK')"


def _case_toml_not_utf8(tmp: Path) -> tuple[list[str], str]:
    config = tmp / "试验.toml"
    config.write_bytes('[trial]\ncrop = "小麦"\n'.encode("gbk"))
    return _report(tmp, plot_table(tmp), "--config", str(config), *_html(tmp)), "试验.toml"


def _case_control_blank(tmp: Path) -> tuple[list[str], str]:
    plots = plot_table(tmp)
    return ["report", str(plots), "--crop", "wheat", "--control", " ", *_html(tmp)], "[' ']"


def _case_checks_blank(tmp: Path) -> tuple[list[str], str]:
    plots = plot_table(tmp)
    return ["report", str(plots), "--crop", "wheat", "--checks", ",", *_html(tmp)], "','"


def _case_unknown_yield_unit(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--unit", "kg/muu", *_html(tmp)), "'kg/muu'"


def _case_design_integer_min(tmp: Path) -> tuple[list[str], str]:
    argv = ["design", "crd", "--treatments", "CK", "T", "--replicates", "2", "--columns", "0"]
    return argv, "columns"


def _case_design_seed_negative(tmp: Path) -> tuple[list[str], str]:
    return ["design", "rcbd", "--treatments", "CK", "T", "--blocks", "2", "--seed", "-1"], "-1"


def _case_design_too_many(tmp: Path) -> tuple[list[str], str]:
    return ["design", "rcbd", "--treatments", "CK", "T", "--blocks", "9" * 12], "999,999"


def _case_design_plot_area(tmp: Path) -> tuple[list[str], str]:
    return [*_DESIGN, "--plot-area", "1e9"], "1000000000"  # as typed, not :g's 1e+09


def _case_design_plot_area_positive(tmp: Path) -> tuple[list[str], str]:
    return [*_DESIGN, "--plot-area", "-20"], "现为 -20。"  # as typed (stop 49)


def _case_factors_one_factor(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--factors", "氮肥,品种", *_html(tmp)), "氮肥,品种"


def _case_factors_one_factor_toml(tmp: Path) -> tuple[list[str], str]:
    """``factors`` in trial.toml of a one-factor trial: the file and key, not --factors."""
    return _toml_case(tmp, '[analysis]\nfactors = "氮肥"\n'), "factors = '氮肥'"


def _case_toml_invalid(tmp: Path) -> tuple[list[str], str]:
    """Write an unquoted value: the TOML reader's detail in Chinese, its line and column kept.

    It stayed English ("Invalid value (at line 2, column 8)") inside the Chinese line up to
    stop 47; _zh_messages.TOML_REASONS_ZH words the reader's common reasons (stop 48).
    """
    return _toml_case(
        tmp, "[trial]\ncrop = 小麦\n"
    ), '值无效（文字需加引号，如 crop = "wheat"）（第 2 行第 8 列）'


def _case_column_mapping_unknown(tmp: Path) -> tuple[list[str], str]:
    argv = _report(tmp, plot_table(tmp), "--column", "水分=moisture_pct", *_html(tmp))
    return argv, "'水分'"


def _case_shrink_needs_value(tmp: Path) -> tuple[list[str], str]:
    """On the command line the option is named, not the Python keyword (method='shrink')."""
    return _report(tmp, plot_table(tmp), "--method", "shrink", *_html(tmp)), "shrink"


def _case_setting_text_or_list(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, "[analysis]\ncontrol = 5\n"), "control = 5"


def _case_economics_price(tmp: Path) -> tuple[list[str], str]:
    # a negative price gets the range line of every number since stop 48; missing: this one
    return _toml_case(tmp, '[economics]\ncurrency = "CNY"\n'), "但未填写"  # not 现为 None


def _case_treatments_no_label(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[[treatments]]\nname = "CK"\n'), "试验.toml"


def _case_exclude_no_plot(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[[exclude]]\nplot = "9-99"\nreason = "倒伏"\n'), "'9-99'"


def _case_exclude_needs_reason(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[[exclude]]\nplot = "1-01"\n'), "'1-01'"


def _case_exclude_needs_plot(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[[exclude]]\nplot = ""\nreason = "倒伏"\n'), "试验.toml"


def _case_exclude_plot_number(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[[exclude]]\nplot = 1.50\nreason = "倒伏"\n'), "plot = 1.5 是数字"


def _case_exclude_plot_missing(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[[exclude]]\nreason = "倒伏"\n'), "但未填写"  # not 现为 None


def _case_toml_unknown_key_exclude(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[[exclude]]\nplot_id = "101"\n'), "'plot_id'"


def _case_toml_unknown_key_economics(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, "[economics]\nprice = 2\n"), "'price'"


_TREATMENT = '[[treatments]]\nlabel = "处理 甲"\n'


def _case_treatment_label_type(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, "[[treatments]]\nlabel = true\n"), "label = true"


def _case_treatments_twice(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, _TREATMENT * 2), "'处理 甲'"


def _case_rate_unit(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, _TREATMENT + 'rate = 5\nrate_unit = "斤每亩"\n'), "'斤每亩'"


def _case_products_not_list(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, _TREATMENT + 'products = "增效剂"\n'), "'增效剂'"


def _case_treatment_not_finite(tmp: Path) -> tuple[list[str], str]:
    # a key of no known range (a rate such as n_kg_ha has the rate's message, stop 43)
    return _toml_case(tmp, _TREATMENT + "plant_height_cm = nan\n"), "'处理 甲'"


def _case_entry_not_table(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, 'exclude = ["201"]\n'), "试验.toml"


def _case_section_not_table(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, 'economics = "2.4 元"\n'), "'2.4 元'"


def _case_array_of_tables(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, 'exclude = "201"\n'), "试验.toml"


def _case_columns_not_name(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[columns]\n"小区号" = 5\n'), "'小区号'"


def _case_published_needs(tmp: Path) -> tuple[list[str], str]:
    text = '[[published]]\ntreatment = "处理 甲"\nmoisture_pct = 13\n'
    return _toml_case(tmp, text), "yield = <数值>，但未填写"  # not 现为 None (stop 49)


def _case_rate_not_number(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, _TREATMENT + 'rate = "四十"\n'), "'四十'"


def _case_rate_negative(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, _TREATMENT + "rate = -40\n"), "'处理 甲'"


def _case_rate_nan(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, _TREATMENT + "rate = nan\n"), "'处理 甲'"


def _case_products_rate(tmp: Path) -> tuple[list[str], str]:
    text = _TREATMENT + 'products = [{ product = "增效剂", rate = -0.3 }]\n'
    return _toml_case(tmp, text), "-0.3"


def _case_nutrient_negative(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, _TREATMENT + "n_kg_ha = -3\n"), "-3"


def _case_published_range(tmp: Path) -> tuple[list[str], str]:
    text = '[[published]]\ntreatment = "处理 甲"\nyield = -1\nmoisture_pct = 13\n'
    return _toml_case(tmp, text), "-1"


def _case_conditions_not_number(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[conditions]\nlatitude = "北纬 34 度"\n'), "'北纬 34 度'"


def _case_conditions_range(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, "[conditions]\nsoil_ph = 20\n"), "[0, 14]"


def _case_date_not_iso(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[conditions]\nsowing_date = "10/08/2023"\n'), "'10/08/2023'"


def _case_date_no_month(tmp: Path) -> tuple[list[str], str]:
    text = '[conditions]\nfertilization = [{ stage = "basal", date = "2024-13-05" }]\n'
    return _toml_case(tmp, text), "没有 13 月"


def _case_panel_date_no_month(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[panel]\ndate = "2024-13-05"\n'), "没有 13 月"


def _case_date_no_day(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[conditions]\nharvest_date = "2023-02-29"\n'), "'2023-02-29'"


def _case_reported_mass_positive(tmp: Path) -> tuple[list[str], str]:
    return ["audit", "442", "0", "--moisture", "5", "--standard", "13"], "实为 0"


def _case_mass_beyond_1e100(tmp: Path) -> tuple[list[str], str]:
    return ["standardize", "1e308", "--moisture", "5", "--standard", "13"], "1e+308"


@pytest.fixture(autouse=True)
def _source_date_epoch_restored() -> Any:
    """Put back SOURCE_DATE_EPOCH after a case that set it (``_case_source_date_epoch``)."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    yield
    if saved is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = saved


def _case_source_date_epoch(tmp: Path) -> tuple[list[str], str]:
    os.environ["SOURCE_DATE_EPOCH"] = "2024年"  # restored by the fixture above
    return ["plan", "--cv", "8", "--treatments", "3", "--difference", "5"], "'2024年'"


def _case_economics_not_text(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, "[economics]\ngrain_price_per_kg = 2\ncurrency = [7]\n"), "[7]"


def _case_economics_quoted_price(tmp: Path) -> tuple[list[str], str]:
    # stop 48: the grain price had its own "needs grain_price_per_kg = <number ...>" line
    text = '[economics]\ngrain_price_per_kg = "2.5"\ncurrency = "CNY"\n'
    return _toml_case(tmp, text), "grain_price_per_kg = 2.5"


def _case_economics_dotted_price_quoted(tmp: Path) -> tuple[list[str], str]:
    # stop 49: a dotted key (prices.urea) was outside the templates' \w+ names: English
    text = '[economics]\ngrain_price_per_kg = 2.4\nprices.urea = "3.2"\n'
    return _toml_case(tmp, text), "prices.urea = 3.2"


def _case_economics_dotted_price_negative(tmp: Path) -> tuple[list[str], str]:
    text = '[economics]\ngrain_price_per_kg = 2.4\nprices."compound fertilizer" = -3\n'
    return _toml_case(tmp, text), 'prices."compound fertilizer" 应在 [0, 1e+09] 之内：价格'


def _case_economics_dotted_cost_large(tmp: Path) -> tuple[list[str], str]:
    text = "[economics]\ngrain_price_per_kg = 2.4\nother_costs_per_mu.T = 2e9\n"
    return _toml_case(tmp, text), "other_costs_per_mu.T 应在 [-1e+09, 1e+09] 之内：费用"


def _case_design_column_blank(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[analysis]\nblock = ""\n'), 'block = "rep"'


def _case_economics_unused_price(tmp: Path) -> tuple[list[str], str]:
    config = tmp / "试验.toml"
    config.write_text(
        '[economics]\ngrain_price_per_kg = 2.4\nprices = { "Urea" = 2.0 }\n\n'
        '[[treatments]]\nlabel = "T"\nproduct = "urea"\n',
        encoding="utf-8",
    )
    argv = ["standardize", str(plot_table(tmp)), "--crop", "wheat", "--config", str(config)]
    return [*argv, "-o", str(tmp / "s.csv")], "'Urea'"


def _case_treatment_key_typo(tmp: Path) -> tuple[list[str], str]:
    """Type ``descriptions`` for ``description`` in a [[treatments]] table (tidy58's fuzz case)."""
    config = tmp / "试验.toml"
    config.write_text(
        '[[treatments]]\nlabel = "T"\ndescriptions = "urea at sowing"\n', encoding="utf-8"
    )
    argv = ["standardize", str(plot_table(tmp)), "--crop", "wheat", "--config", str(config)]
    return [*argv, "-o", str(tmp / "s.csv")], "'descriptions'"


def _case_economics_status(tmp: Path) -> tuple[list[str], str]:
    text = '[economics]\ngrain_price_per_kg = 2.4\nstatus = "illustrativ"\n'
    return _toml_case(tmp, text), "'illustrativ'"


def _case_rate_status(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[[treatments]]\nlabel = "T"\nrate_status = "measured"\n'), "'measured'"


def _case_contrasts_not_text(tmp: Path) -> tuple[list[str], str]:
    text = '[[contrasts]]\nname = [1]\ntreatment = "T"\nversus = "CK"\n'
    return _toml_case(tmp, text), "[[contrasts]]"


def _case_factor_roles_one_factor(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[analysis]\nwhole_plot = "氮肥"\n'), "试验.toml"


def _case_zh_not_text(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, "[zh]\ntitle = [2024]\n"), "[2024]"


def _case_table_array_example(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[panel]\nexperts = "专家甲"\n'), "试验.toml"


def _case_economics_table_of_numbers(tmp: Path) -> tuple[list[str], str]:
    text = '[economics]\ngrain_price_per_kg = 2\nprices = "复合肥 3.2"\n'
    return _toml_case(tmp, text), "试验.toml"


def _case_economics_cost_twice(tmp: Path) -> tuple[list[str], str]:
    text = "[economics]\ngrain_price_per_kg = 2\nother_costs_per_mu = { T = 10 }\n"
    return _toml_case(tmp, text + "other_costs_per_ha = { T = 150 }\n"), "试验.toml"


def _case_contrasts_not_array(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, 'contrasts = "增效"\n'), "试验.toml"


def _case_panel_members(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[panel]\nmembers = { "专家" = 1 }\n'), "'专家'"


def _plots_text(tmp: Path, text: str, name: str = "小区 表.csv") -> list[str]:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return _report(tmp, path, *_html(tmp))


def _case_file_empty(tmp: Path) -> tuple[list[str], str]:
    return _plots_text(tmp, ""), "小区 表.csv"


def _case_label_cell_empty(tmp: Path) -> tuple[list[str], str]:
    return _plots_text(tmp, HEADER + "101,,CK,20,14.98,12.7\n" + "".join(ROWS[1:])), "小区 表.csv"


def _case_label_spreadsheet_error(tmp: Path) -> tuple[list[str], str]:
    return _plots_text(tmp, HEADER + "101,1,#N/A,20,14.98,12.7\n" + "".join(ROWS[1:])), "'#N/A'"


def _case_rows_fewer_fields(tmp: Path) -> tuple[list[str], str]:
    return _plots_text(tmp, HEADER + "101,1,对照\n" + "".join(ROWS[1:])), "小区 表.csv"


def _case_rows_more_values(tmp: Path) -> tuple[list[str], str]:
    return _plots_text(tmp, HEADER + "101,1,CK,20,14,98,12,7\n" + "".join(ROWS[1:])), "小区 表.csv"


def _case_quote_not_closed(tmp: Path) -> tuple[list[str], str]:
    return _plots_text(tmp, HEADER + '101,1,"CK,20,14.98,12.7\n' + "".join(ROWS[1:])), "小区 表.csv"


def _case_other_document(tmp: Path) -> tuple[list[str], str]:
    return _plots_text(tmp, "<html><body>报告</body></html>\n", "报告.csv"), "报告.csv"


def _case_other_document_json(tmp: Path) -> tuple[list[str], str]:
    return _plots_text(tmp, '{"报告": 1}\n', "报告.csv"), "报告.csv"


def _case_area_range(tmp: Path) -> tuple[list[str], str]:
    rows = ["小区-1,1,CK,0,14.98,12.7\n", *ROWS[1:]]
    return _plots_text(tmp, HEADER + "".join(rows)), "'小区-1' = 0"


def _case_non_numeric_decimal_comma(tmp: Path) -> tuple[list[str], str]:
    rows = ['101,1,CK,20,"14,98",12.7\n', *ROWS[1:]]
    return _plots_text(tmp, HEADER + "".join(rows)), "'14,98'"


def _case_non_numeric_inf(tmp: Path) -> tuple[list[str], str]:
    rows = ["101,1,CK,20,inf,12.7\n", *ROWS[1:]]
    return _plots_text(tmp, HEADER + "".join(rows)), "小区 表.csv"


def _case_missing_columns(tmp: Path) -> tuple[list[str], str]:
    header = HEADER.replace("treatment", "品种名")
    return _plots_text(tmp, header + "".join(ROWS)), "'品种名'"


def _case_missing_columns_harvest(tmp: Path) -> tuple[list[str], str]:
    header = HEADER.replace("harvested_area_m2", "样方大小")
    return _plots_text(tmp, header + "".join(ROWS)), "'样方大小'"


def _case_title_row(tmp: Path) -> tuple[list[str], str]:
    def title(book: Any, sheet: Any) -> None:
        sheet.insert_rows(1)
        sheet["A1"] = "2024 年小麦品比试验"

    return _report(tmp, _xlsx(tmp, title), *_html(tmp)), "'2024 年小麦品比试验'"


def _case_header_blank(tmp: Path) -> tuple[list[str], str]:
    def notes(book: Any, sheet: Any) -> None:
        sheet["G2"] = "倒伏"

    return _report(tmp, _xlsx(tmp, notes), *_html(tmp)), "plots.xlsx"


def _case_non_numeric_checkbox(tmp: Path) -> tuple[list[str], str]:
    def checkbox(book: Any, sheet: Any) -> None:
        sheet["E2"] = True

    return _report(tmp, _xlsx(tmp, checkbox), *_html(tmp)), "True"


def _case_treatments_unknown_label(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[[treatments]]\nlabel = "处理 乙"\n'), "'处理 乙'"


def _case_published_reported(tmp: Path) -> tuple[list[str], str]:
    text = '[[published]]\ntreatment = "CK"\nyield = 5\nmoisture_pct = 13\nreported = "约 477"\n'
    return _toml_case(tmp, text), "'约 477'"


def _case_published_unit(tmp: Path) -> tuple[list[str], str]:
    text = '[[published]]\ntreatment = "CK"\nyield = 5\nmoisture_pct = 13\nunit = "担"\n'
    return _toml_case(tmp, text), "'担'"


def _case_column_mapping_analysis(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[analysis]\nblock = "重复"\n'), "'重复'"


def _case_one_level(tmp: Path) -> tuple[list[str], str]:
    rows = [row.replace(",T,", ",CK,") for row in ROWS]
    return _plots_text(tmp, HEADER + "".join(rows)), "'CK'"


def _case_all_controls(tmp: Path) -> tuple[list[str], str]:
    return _plots_text(tmp, HEADER + ROWS[0]), "CK"


def _case_illustrative_not_list(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[conditions]\nsoil_ph = 7\nillustrative = "酸碱度"\n'), "'酸碱度'"


def _case_illustrative_unknown(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[conditions]\nsoil_ph = 7\nillustrative = ["酸碱度"]\n'), "'酸碱度'"


def _case_illustrative_unknown_panel(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[panel]\nillustrative = ["专家"]\n'), "'专家'"


# stop 39 (fourth pass): trial.toml, design and standardize lines that were still English
_ANALYSIS = '[analysis]\ncontrol = "CK"\n'


def _case_standardize_moisture_range(tmp: Path) -> tuple[list[str], str]:
    return ["standardize", "442", "--moisture", "5", "--crop", "小麦"], "5%"


def _case_example_documentation_table(tmp: Path) -> tuple[list[str], str]:
    return ["standardize", "--example", "gomez-rice-split-plot"], "'gomez-rice-split-plot'"


def _case_toml_too_deep(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, "x = " + "[" * 5000 + "]" * 5000 + "\n"), "试验.toml'"


def _case_toml_long_number(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, "[conditions]\nsoil_ph = " + "9" * 5000 + "\n"), "第 2 行"


def _case_toml_too_large(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, "# " + "x" * 1_100_000 + "\n"), "1,100,003"


def _case_toml_table_twice(tmp: Path) -> tuple[list[str], str]:
    text = '[panel]\ndate = "2024-06-12"\n[panel]\nmembers = ["王"]\n'
    return _toml_case(tmp, text), "表 [panel] 写了两次（第 3 行第 7 列）"


def _case_factors_and_roles(tmp: Path) -> tuple[list[str], str]:
    text = '[analysis]\ndesign = "split_plot"\nfactors = ["施肥"]\nwhole_plot = "施肥"\n'
    return _toml_case(tmp, text), "whole_plot"


def _case_design_takes_roles(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[analysis]\ndesign = "split_plot"\nhorizontal = "施肥"\n'), "horizontal"


def _case_zh_products_table(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, "[zh]\nproducts = 3\n"), "[zh] products"


def _contrast(name: str, treatment: str, versus: str) -> str:
    return f'[[contrasts]]\nname = "{name}"\ntreatment = "{treatment}"\nversus = "{versus}"\n'


def _case_contrast_with_itself(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, _contrast("增效", "T", "T")), "'增效'"


def _case_contrasts_same_name(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, _contrast("增效", "T", "CK") + _contrast("增效", "CK", "T")), "'增效'"


def _case_contrast_unknown_treatment(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, _contrast("增效", "T9", "CK")), "'T9'"


def _case_fertilization_treatments_list(tmp: Path) -> tuple[list[str], str]:
    text = '[conditions]\nfertilization = [{ stage = "basal", treatments = "T" }]\n'
    return _toml_case(tmp, text), "treatments = 'T'"


def _case_toml_label_not_treatment(tmp: Path) -> tuple[list[str], str]:
    text = '[conditions]\nfertilization = [{ stage = "basal", treatments = ["T9"] }]\n'
    return _toml_case(tmp, text), "'T9'"


def _case_label_not_treatment_costs(tmp: Path) -> tuple[list[str], str]:
    text = '[economics]\ngrain_price_per_kg = 2.5\nother_costs_per_mu = { "甲" = 30 }\n'
    return _toml_case(tmp, text), "'甲'"


def _case_unknown_key_fertilization(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[conditions]\nfertilization = [{ stag = "basal" }]\n'), "'stag'"


def _case_illustrative_no_value(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[conditions]\nillustrative = ["soil_ph"]\n'), "已给出：无"


def _case_design_needs_row_column(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--design", "latin", *_html(tmp)), "row 和 column"


def _case_design_needs_positions(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--design", "alpha", *_html(tmp)), "'alpha'"


def _case_design_needs_positions_row_column(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--design", "row_column", *_html(tmp)), "row, column"


def _case_augmented_needs_entries(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--design", "augmented", *_html(tmp)), "'treatment'"


def _case_two_factor_needs_factors(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--design", "split_plot", *_html(tmp)), "'split_plot'"


def _case_two_factors_same_column(tmp: Path) -> tuple[list[str], str]:
    argv = _report(tmp, plot_table(tmp), "--design", "factorial", "--factors", "block")
    return [*argv, *_html(tmp)], "('block', 'treatment')"


def _case_columns_same_name(tmp: Path) -> tuple[list[str], str]:
    argv = _report(tmp, plot_table(tmp), "--column", "fresh_mass_kg=block", *_html(tmp))
    return argv, "--column 'block=block_original'"


def _case_treatment_no_observed_yield(tmp: Path) -> tuple[list[str], str]:
    rows = ["101,1,CK,20,,12.7\n", "102,1,T,20,13.77,13.7\n"]
    rows += ["201,2,CK,20,,13.4\n", "202,2,T,20,13.89,13.8\n", "301,3,甲,20,14.1,13.5\n"]
    argv = ["report", str(_table(tmp, rows)), "--crop", "wheat", "--control", "T", *_html(tmp)]
    return argv, "'CK'（小区 '101'、'201'）没有"


def _case_many_treatments_no_observed_yield(tmp: Path) -> tuple[list[str], str]:
    """Build a field book filled in for 2 of its 8 treatments: 5 of the 6 empty ones named.

    All 6 were, each with its plots (a 25-entry alpha lattice filled in for 3 plots gave
    a line of some 900 characters); the last one named closes its bracket in Chinese too.
    """
    rows = [f"{b}0{i},{b},E{i},20,,\n" for b in (1, 2) for i in range(1, 7)]
    rows += ["107,1,CK,20,13.77,13.7\n", "207,2,CK,20,13.89,13.8\n"]
    rows += ["108,1,T,20,14.1,13.5\n", "208,2,T,20,14.3,13.6\n"]
    argv = ["report", str(_table(tmp, rows)), "--crop", "wheat", "--control", "CK", *_html(tmp)]
    return argv, "'E5'（小区 '105'、'205'）等（另有 1 个）没有实测产量"


def _case_augmented_lost_entry(tmp: Path) -> tuple[list[str], str]:
    """Build an augmented field book (3 checks, 30 entries) whose entries E05 and E07 were lost."""
    import numpy as np

    from yieldtrial.design import augmented_design

    entries = [f"E{i:02d}" for i in range(1, 31)]
    book = augmented_design(["CK1", "CK2", "CK3"], entries, blocks=5, seed=3)
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = 14.0 + (np.arange(len(book)) * 7 % 16) / 10  # synthetic
    book["moisture_pct"] = 13.0
    book["impurity_pct"] = 1.0
    lost = book["treatment"].isin(["E05", "E07"])
    book.loc[lost, ["fresh_mass_kg", "moisture_pct", "impurity_pct"]] = np.nan
    plots = tmp / "plots.csv"
    book.to_csv(plots, index=False)
    ids = dict(zip(book["treatment"], book["plot_id"].astype(str), strict=True))
    argv = ["report", str(plots), "--crop", "wheat", "--control", "CK1", *_html(tmp)]
    return argv, f"（小区 '{ids['E07']}'）、'E05'（小区 '{ids['E05']}'）；"


def _prep_book(tmp: Path, extra: list[tuple[str, str, str, str]] = ()) -> Path:
    """Write a SYNTHETIC p-rep augmented table (stop 44): CK1, CK2 in blocks 1-3, E1 twice."""
    rows = [
        (f"{b}0{k}", str(b), ck, "check")
        for b in (1, 2, 3)
        for k, ck in enumerate(("CK1", "CK2"), start=1)
    ]
    entries = [("104", "1", "E1"), ("204", "2", "E1"), ("105", "1", "E2"), ("205", "2", "E3"),
               ("304", "3", "E4"), ("305", "3", "E5")]  # fmt: skip
    rows += [(p, b, t, "entry") for p, b, t in entries]
    rows += list(extra)
    lines = ["plot_id,block,treatment,entry_type,yield_kg_ha\n"]
    lines += [
        f"{p},{b},{t},{e},{7000 + 37 * (i * 7 % 11)}\n" for i, (p, b, t, e) in enumerate(rows)
    ]
    path = tmp / "plots.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _prep_argv(tmp: Path, table: Path, *extra: str) -> list[str]:
    return ["report", str(table), "--crop", "wheat", "--control", "CK1", *extra, *_html(tmp)]


def _case_augmented_entry_three_plots(tmp: Path) -> tuple[list[str], str]:
    table = _prep_book(tmp, [("306", "3", "E1", "entry")])
    return _prep_argv(tmp, table), "却有 3 个小区（'104'、'204'、'306'）"


def _case_augmented_entry_twice_in_block(tmp: Path) -> tuple[list[str], str]:
    table = _prep_book(tmp, [("306", "3", "E4", "entry")])
    return _prep_argv(tmp, table), "其两个小区（'304'、'306'）却都在区组 '3'"


def _prep_named_book(tmp: Path, extra: list[tuple[str, str, str, str]] = ()) -> Path:
    """Write the p-rep table without its entry_type column (the checks named by --checks)."""
    table = _prep_book(tmp, extra)
    lines = table.read_text(encoding="utf-8").splitlines()
    kept = [",".join(p for i, p in enumerate(line.split(",")) if i != 3) for line in lines]
    table.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return table


def _case_augmented_named_check_one_plot(tmp: Path) -> tuple[list[str], str]:
    table = _prep_named_book(tmp)
    argv = _prep_argv(tmp, table, "--checks", "CK1,CK2,E2")
    return argv, "处理 'E2' 被指定为对照（checks：'CK1'、'CK2'、'E2'），却只有 1 个小区"


def _case_augmented_not_named_plots(tmp: Path) -> tuple[list[str], str]:
    table = _prep_named_book(tmp)
    argv = _prep_argv(tmp, table, "--checks", "CK1")
    return argv, "处理 'CK2' 未被指定为对照（checks：'CK1'），却有 3 个小区"


def _case_augmented_not_named_block(tmp: Path) -> tuple[list[str], str]:
    table = _prep_named_book(tmp, [("306", "3", "E4", "entry")])
    argv = _prep_argv(tmp, table, "--checks", "CK1,CK2")
    return argv, "其两个小区却都在区组 '3'"


def _case_augmented_checks_unknown(tmp: Path) -> tuple[list[str], str]:
    table = _prep_book(tmp)
    return _prep_argv(tmp, table, "--checks", "CK1,CKX"), "指定的对照 'CKX' 不是"


def _case_augmented_checks_design(tmp: Path) -> tuple[list[str], str]:
    table = _prep_book(tmp)
    argv = _prep_argv(tmp, table, "--checks", "CK1,CK2", "--design", "rcbd")
    return argv, "但给定的设计为 'rcbd'"


def _case_augmented_checks_entry_type(tmp: Path) -> tuple[list[str], str]:
    table = _prep_book(tmp)
    return _prep_argv(tmp, table, "--checks", "CK1"), "而指定的对照（--checks）为 'CK1'"


def _case_augmented_entry_type_value(tmp: Path) -> tuple[list[str], str]:
    table = _prep_book(tmp, [("306", "3", "E6", "chek")])
    return _prep_argv(tmp, table), "处理 'E6'（小区 '306'）的 entry_type 为 'chek'"


def _case_augmented_no_checks(tmp: Path) -> tuple[list[str], str]:
    table = _prep_book(tmp)
    table.write_text(table.read_text(encoding="utf-8").replace(",check,", ",,"), encoding="utf-8")
    return _prep_argv(tmp, table, "--design", "augmented"), "对照 'CK1' 不能作为对照品种"


def _case_augmented_entry_type_both(tmp: Path) -> tuple[list[str], str]:
    table = _prep_book(tmp, [("306", "3", "CK1", "entry")])
    return _prep_argv(tmp, table), "处理 'CK1' 在 entry_type 列中既标为 'check' 又标为 'entry'"


def _case_augmented_check_one_plot(tmp: Path) -> tuple[list[str], str]:
    table = _prep_book(tmp, [("306", "3", "CK3", "check")])
    return _prep_argv(tmp, table), "处理 'CK3' 在 entry_type 列中标为 'check'，却只有 1 个小区"


def _case_augmented_block_without_checks(tmp: Path) -> tuple[list[str], str]:
    """Write a table without replicated entries (E1's second plot is E9), block 4 no check."""
    table = _prep_book(tmp, [("401", "4", "E6", "entry"), ("402", "4", "E7", "entry")])
    table.write_text(table.read_text("utf-8").replace(",2,E1,", ",2,E9,"), "utf-8")
    return _prep_argv(tmp, table), "区组 '4' 没有有产量的对照小区，因此其参试材料 'E6'、'E7'"


def _case_augmented_block_unlinked(tmp: Path) -> tuple[list[str], str]:
    """Write a p-rep table (E1 in blocks 1 and 2) whose block 4 nothing links (stop 45)."""
    table = _prep_book(tmp, [("401", "4", "E6", "entry"), ("402", "4", "E7", "entry")])
    return _prep_argv(tmp, table), "其参试材料 'E6'、'E7' 无法校正：部分重复设计不连通"


def _case_augmented_typed_twice(tmp: Path) -> tuple[list[str], str]:
    """Write the p-rep table without its entry_type column: E1 (two blocks) is a check."""
    table = _prep_book(tmp)
    lines = table.read_text("utf-8").splitlines()
    table.write_text(
        "".join(",".join(line.split(",")[:3] + line.split(",")[4:]) + "\n" for line in lines),
        "utf-8",
    )
    argv = _prep_argv(tmp, table, "--design", "augmented")
    return argv, "'E1'（区组 '1'、'2'）有多个小区，却不像对照（'CK1'、'CK2'，3 个区组）"


def _case_single_block(tmp: Path) -> tuple[list[str], str]:
    rows = [row.replace(",2,", ",1,", 1) for row in ROWS]
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "（'1'）"


def _case_alpha_entry_repeated(
    tmp: Path, layout: str = "alpha", entries: int = 6, block_size: int = 2
) -> tuple[list[str], str]:
    from yieldtrial import design

    labels = [f"G{i}" for i in range(1, entries + 1)]
    book = design.alpha_design(labels, block_size=block_size, replicates=2, seed=1)
    first = book["block"].astype(str) == "1"
    book.loc[book.index[first & (book["treatment"] == "G5")][0], "treatment"] = "G2"
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = [14.0 + 0.1 * (i * 7 % 5) for i in range(len(book))]
    book["moisture_pct"] = 13.0
    book["impurity_pct"] = 0.0
    path = tmp / "plots.csv"
    book.to_csv(path, index=False)
    argv = ["report", str(path), "--crop", "wheat", "--design", layout, "--control", "G1"]
    return [*argv, *_html(tmp)], "'G2' 在重复 '1' 中出现 2 次（小区 "


def _case_row_column_entry_repeated(tmp: Path) -> tuple[list[str], str]:
    # an alpha book's rows and columns; 12 entries leave the row-column model error df
    argv, _ = _case_alpha_entry_repeated(tmp, "row_column", entries=12, block_size=3)
    return argv, "行列设计的同一重复中有品系出现不止一次：'G2' 在重复 '1' 中出现 2 次"


def _case_crd_ignores_blocks(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, plot_table(tmp), "--design", "crd", *_html(tmp)), "（2 个区组）"


def _case_rcbd_ignores_incomplete_blocks(tmp: Path) -> tuple[list[str], str]:
    from yieldtrial import design

    # 6 entries, 2 replicates of 3 incomplete blocks of 2: 6 incomplete blocks
    book = design.alpha_design([f"G{i}" for i in range(1, 7)], block_size=2, replicates=2, seed=1)
    book["treatment"] = book["treatment"].replace({"G1": "CK"})
    book["harvested_area_m2"] = 20.0
    book["fresh_mass_kg"] = [14.0 + 0.1 * (i * 7 % 5) for i in range(len(book))]
    book["moisture_pct"] = 13.0
    book["impurity_pct"] = 0.0
    path = tmp / "plots.csv"
    book.to_csv(path, index=False)
    return _report(tmp, path, "--design", "rcbd", *_html(tmp)), "（6 个不完全区组）"


def _case_design_one_replicate(tmp: Path) -> tuple[list[str], str]:
    # the field book goes to standard output; --seed: no seed line on standard error
    return ["design", "rcbd", "--treatments", "CK", "T", "--blocks", "1", "--seed", "1"], "1："


def _case_several_sites(tmp: Path) -> tuple[list[str], str]:
    rows = [f"{site},{row}" for site in ("太谷", "榆次") for row in ROWS]
    plots = _table(tmp, rows, "site," + HEADER)
    return _report(tmp, plots, *_html(tmp)), "'太谷'、'榆次'"


def _case_margin_no_control(tmp: Path) -> tuple[list[str], str]:
    argv = ["report", str(plot_table(tmp)), "--crop", "wheat", "--margin-pct", "5", *_html(tmp)]
    return argv, "（5%）"


_FACTORIAL_HEADER = "plot_id,block,treatment,氮肥,harvested_area_m2,fresh_mass_kg,moisture_pct\n"


def _additive_factorial(tmp: Path) -> Path:
    """Two blocks x 2 x 2 whose yields are block + treatment effects exactly (no error)."""
    cells = [("V1", "N0"), ("V2", "N0"), ("V1", "N1"), ("V2", "N1")]
    rows = [
        f"{b}{i},{b},{t},{n},20,{14 + i * 0.1 + b * 0.2:.2f},13\n"
        for b in (1, 2)
        for i, (t, n) in enumerate(cells)
    ]
    return _table(tmp, rows, _FACTORIAL_HEADER)


def _factorial_report(tmp: Path, design: str, *extra: str) -> list[str]:
    plots = str(_additive_factorial(tmp))
    argv = ["report", plots, "--crop", "wheat", "--design", design, "--factors", "氮肥"]
    return [*argv, *extra, *_html(tmp)]


def _case_model_exact_fit(tmp: Path) -> tuple[list[str], str]:
    return _factorial_report(tmp, "factorial"), "'yield_kg_ha'"


def _case_model_no_variation_in(tmp: Path) -> tuple[list[str], str]:
    return _factorial_report(tmp, "split_plot"), "error_a 和 error_b"


def _case_control_not_in_factors(tmp: Path) -> tuple[list[str], str]:
    return _factorial_report(tmp, "factorial", "--control", "CK"), "（氮肥：'N0'、'N1'；"


def _case_latin_not_square(tmp: Path) -> tuple[list[str], str]:
    header = "plot_id,row,column,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    rows = ["1,1,1,甲,20,14,13\n", "2,1,2,乙,20,14.2,13\n", "3,2,1,甲,20,14.1,13\n"]
    rows.append("4,2,2,乙,20,14.3,13\n")
    argv = ["report", str(_table(tmp, rows, header)), "--crop", "wheat", "--design", "latin"]
    return [*argv, *_html(tmp)], "同一列中出现两次"


def _case_network_key_not_found(tmp: Path) -> tuple[list[str], str]:
    return _network(_chinese_site_files(tmp), tmp, "--by", "农户"), "'农户'"


def _case_network_control_not_found(tmp: Path) -> tuple[list[str], str]:
    argv = ["network", str(_chinese_site_files(tmp)), "--crop", "wheat", "--control", "对照9"]
    return [*argv, "-o", str(tmp / "n.md")], "'对照9'"


def _case_design_too_few_levels(tmp: Path) -> tuple[list[str], str]:
    return ["design", "latin", "--treatments", "甲"], "（甲）"


def _case_design_level_twice(tmp: Path) -> tuple[list[str], str]:
    return ["design", "rcbd", "--treatments", "甲,甲", "--blocks", "2"], "'甲'"


def _case_no_such_example(tmp: Path) -> tuple[list[str], str]:
    return ["standardize", "--example", "晋中"], "'晋中'"


def _case_absent_factor_key(tmp: Path) -> tuple[list[str], str]:
    argv = _report(tmp, plot_table(tmp), "--design", "strip_plot", "--factors", "氮肥")
    return [*argv, *_html(tmp)], "'氮肥'"


_PLAN = ["plan", "--cv", "8", "--treatments", "3"]


def _case_plan_percentage_range(tmp: Path) -> tuple[list[str], str]:
    return [*_PLAN, "--difference", "0"], "--difference"


def _case_plan_whole_range(tmp: Path) -> tuple[list[str], str]:
    return ["plan", "--cv", "8", "--treatments", "1", "--difference", "5"], "（含对照）"


def _case_plan_whole_range_replicates(tmp: Path) -> tuple[list[str], str]:
    return [*_PLAN, "--replicates", "1"], "--replicates"


def _case_plan_power_range(tmp: Path) -> tuple[list[str], str]:
    return [*_PLAN, "--difference", "5", "--power", "0.01"], "0.01"


def _case_option_not_finite(tmp: Path) -> tuple[list[str], str]:
    return [*_PLAN, "--difference", "5", "--alpha", "nan"], "nan"


def _case_option_alpha_range(tmp: Path) -> tuple[list[str], str]:
    return [*_PLAN, "--difference", "5", "--alpha", "0.9"], "0.9"


def _case_percent_as_fraction_option(tmp: Path) -> tuple[list[str], str]:
    return ["plan", "--cv", "0.08", "--treatments", "3", "--difference", "5"], "--cv 8"


def _case_label_case_many_plots(tmp: Path) -> tuple[list[str], str]:
    """Seven plots of 'T' (five named, 'and 2 more' inside the brackets) and one of 't'."""
    rows = [f"{b}0{i},{b},{t},20,{14 + i / 10},13.{b}\n" for b in range(1, 8) for i, t in
            enumerate(("CK", "T"))]  # fmt: skip
    rows.append("801,1,t,20,13.9,13.3\n")
    return _report(tmp, _table(tmp, rows), *_html(tmp)), "等（另有 2 个））和 't'（小区 '801'）"


def _case_os_error(tmp: Path) -> tuple[list[str], str]:
    """Give a plot table under a file: the system's "Not a directory" becomes what to do."""
    plots = plot_table(tmp)
    return _report(tmp, str(plots / "x.csv"), *_html(tmp)), "路径中有一部分是文件"


def _case_output_is_folder(tmp: Path) -> tuple[list[str], str]:
    (tmp / "输出").mkdir()
    return _report(tmp, plot_table(tmp), "-o", str(tmp / "输出")), "输出/report.html'"


def _case_output_is_folder_slash(tmp: Path) -> tuple[list[str], str]:
    argv = ["standardize", str(plot_table(tmp)), "--crop", "wheat", "-o", str(tmp / "新") + "/"]
    return argv, "新/yields.csv'"


def _case_output_parent_is_file(tmp: Path) -> tuple[list[str], str]:
    plots = plot_table(tmp)
    return _report(tmp, plots, "-o", str(plots / "r.html")), "plots.csv' 是文件"


def _case_figure_folder_name_too_long(tmp: Path) -> tuple[list[str], str]:
    """Name the report in 252 bytes: its figures folder, + "_files", is 258 (loose56)."""
    target = tmp / ("y" * 252 + ".md")
    return _report(tmp, plot_table(tmp), "-o", str(target)), f"'{str(target)[:29]}"


def _case_header_twice_listing(tmp: Path) -> tuple[list[str], str]:
    header = "plot_id,block,treatment,plot_id,block,fresh_mass_kg,moisture_pct\n"
    rows = [f"{i},1,CK,{i},1,14,13\n" for i in range(1, 3)]
    return _report(tmp, _table(tmp, rows, header), *_html(tmp)), "'plot_id', 'block'"


def _case_mixed_encodings(tmp: Path) -> tuple[list[str], str]:
    """Rows saved in UTF-8 and one in GBK (a table pasted together from two programs)."""
    rows = [row.replace(",CK,", ",对照,") for row in ROWS]
    data = (HEADER + rows[0] + rows[1] + rows[3]).encode("utf-8") + rows[2].encode("gbk")
    plots = tmp / "小区.csv"
    plots.write_bytes(data)
    argv = ["report", str(plots), "--crop", "wheat", "--control", "对照", *_html(tmp)]
    return argv, "第 5 行不是 UTF-8"


def _case_design_does_not_take(tmp: Path) -> tuple[list[str], str]:
    return ["design", "crd", "--treatments", "甲", "乙", "--replicates", "2", "--blocks", "3"], (
        "它使用 --columns、--replicates"
    )


def _case_design_does_not_take_latin(tmp: Path) -> tuple[list[str], str]:
    return ["design", "latin", "--treatments", "甲", "乙", "丙", "--blocks", "4"], "（拉丁方"


def _case_trial_key_blank(tmp: Path) -> tuple[list[str], str]:
    rows = [f"太谷,{ROWS[0]}", f"太谷,{ROWS[1]}", f",{ROWS[2]}", f"太谷,{ROWS[3]}"]
    plots = _table(tmp, rows, "site," + HEADER)
    return ["network", str(plots), "--crop", "wheat", "-o", str(tmp / "n.md")], "第 4 行"


def _case_protocol_no_standard(tmp: Path) -> tuple[list[str], str]:
    return ["standardize", "500", "--moisture", "20", "--crop", "sorghum"], "'sorghum'"


def _case_output_name_empty(tmp: Path) -> tuple[list[str], str]:
    return ["standardize", str(plot_table(tmp)), "--crop", "wheat", "-o", ""], "输出文件名为空"


def _case_output_name_empty_folder(tmp: Path) -> tuple[list[str], str]:
    return ["demo", "-o", ""], "输出文件夹名为空"


def _case_report_as_plot_table(tmp: Path) -> tuple[list[str], str]:
    from shipped import example_report

    report = tmp / "报告.xlsx"
    report.write_bytes(example_report(report_date="2024-06-01", figures=False).render("xlsx"))
    return _report(tmp, report, *_html(tmp)), "报告.xlsx："


def _case_network_all_invalid(tmp: Path) -> tuple[list[str], str]:
    folder = tmp / "试点"
    folder.mkdir()
    for site in ("太谷", "榆次"):
        plot_table(folder, f"{site}.csv", rows=[ROWS[0].replace("14.98", "-1"), *ROWS[1:]])
    return _network(folder, tmp), "试点 '太谷'"


def _case_header_read_twice(tmp: Path) -> tuple[list[str], str]:
    text = "plot_id,处理,treatment,block,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    text += "".join(f"{i},A,A,1,20,15,13\n" for i in range(1, 3))
    path = tmp / "两列处理.csv"
    path.write_text(text, encoding="utf-8")
    return _report(tmp, path, *_html(tmp)), "两列处理.csv："


def _case_rep_and_block(tmp: Path) -> tuple[list[str], str]:
    # the layout of agridat's john.alpha (the shipped john-williams-alpha-oats table)
    text = "plot_id,rep,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    text += "".join(f"{i},R1,B{i},G{i},20,15,13\n" for i in range(1, 3))
    path = tmp / "格子.csv"
    path.write_text(text, encoding="utf-8")
    return _report(tmp, path, *_html(tmp)), "格子.csv："


def _case_network_control_absent(tmp: Path) -> tuple[list[str], str]:
    argv = ["network", str(_chinese_site_files(tmp)), "--crop", "wheat", "--control", "对照"]
    return [*argv, "-o", str(tmp / "n.md")], "'对照'"


def _case_network_by_twice(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "试验.csv"
    path.write_text("地块,block,treatment,yield_kg_ha\nA,1,CK,6300\nA,1,T,6500\n", encoding="utf-8")
    return ["network", str(path), "--by", "地块,地块", "-o", str(tmp / "n.md")], "'地块'"


def _yield_sites(tmp: Path, name: str = "试点.csv") -> Path:
    path = tmp / name
    text = "site,block,treatment,yield_kg_ha\n" + "".join(
        # not additive in block and treatment (no exact fit): 6000 + 100 b + 50 [T] + 13 [b=2, T]
        f"{site},{block},{label},{6000 + 100 * block + (label == 'T') * (50 + 13 * (block - 1))}\n"
        for site in ("太谷", "榆次")
        for block in (1, 2)
        for label in ("CK", "T")
    )
    path.write_text(text, encoding="utf-8")
    return path


def _case_network_by_empty(tmp: Path) -> tuple[list[str], str]:
    return ["network", str(_yield_sites(tmp)), "--by", ",", "-o", str(tmp / "n.md")], "--by"


def _case_network_same_bytes(tmp: Path) -> tuple[list[str], str]:
    first = _yield_sites(tmp)
    second = tmp / "副本.csv"
    second.write_bytes(first.read_bytes())
    return ["network", str(first), str(second), "-o", str(tmp / "n.md")], "副本.csv"


def _case_network_file_names_repeat(tmp: Path) -> tuple[list[str], str]:
    files = []
    for folder in ("甲", "乙"):
        (tmp / folder).mkdir()
        files.append(str(plot_table(tmp / folder, "太谷.csv")))
    return ["network", *files, "--crop", "wheat", "-o", str(tmp / "n.md")], "'太谷'"


def _case_network_column_two_roles(tmp: Path) -> tuple[list[str], str]:
    argv = ["network", str(_yield_sites(tmp)), "--treatment", "block", "-o", str(tmp / "n.md")]
    return argv, "'block'"


def _case_margin_without_control(tmp: Path) -> tuple[list[str], str]:
    argv = ["report", str(plot_table(tmp)), "--crop", "wheat", "--margin-pct", "5"]
    return [*argv, *_html(tmp)], "5%"


def _case_label_case_site(tmp: Path) -> tuple[list[str], str]:
    path = _yield_sites(tmp)
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("太谷,2,", "Taigu,2,")
        .replace("太谷,1,", "TAIGU,1,"),
        encoding="utf-8",
    )
    return ["network", str(path), "-o", str(tmp / "n.md")], "'TAIGU'"


def _case_pooled_stratum(tmp: Path) -> tuple[list[str], str]:
    """Run the rice split plot (Gomez & Gomez) without sub-plot II/N2:V3: error a pooled."""
    source = Path(__file__).parent / "data" / "r_reference_trials" / "gomez_sp_m1.csv"
    text = source.read_text(encoding="utf-8").replace("nitrogen,", "main,", 1)
    path = tmp / "plots.csv"
    path.write_text(text, encoding="utf-8")
    argv = [
        "report", str(path), "--crop", "rice_indica", "--design", "split_plot",
        "--factors", "main,variety", "--control", "V1", "--no-figures", "-o", str(tmp / "r.md"),
    ]  # fmt: skip
    return argv, "F = 20.11"


#: A report whose Dunnett P values state a large integration error (see the fixture below).
BORDERLINE = {"on": False}


@pytest.fixture(autouse=True)
def _dunnett_with_a_large_stated_error(monkeypatch: pytest.MonkeyPatch) -> Any:
    """With ``BORDERLINE["on"]``, Dunnett's P values state an error of 2e-3, the first 0.051.

    What a quasi-Monte Carlo integration that stopped at its largest point set can state
    (tests/test_stats_compare_borderline.py): the P of 0.051 is within it of alpha 0.05.
    """
    import numpy as np

    from yieldtrial.stats import compare
    from yieldtrial.stats.distributions import MvtProbability

    real = compare.dunnett_pvalues

    def stated(*args: Any, **kwargs: Any) -> Any:
        p, accuracy = real(*args, **kwargs)
        if not BORDERLINE["on"]:
            return p, accuracy
        p = np.array(p, dtype=float)
        p[0] = 0.051
        return p, MvtProbability(accuracy.value, "qmc", 2e-3)

    monkeypatch.setattr(compare, "dunnett_pvalues", stated)
    yield
    BORDERLINE["on"] = False


def _case_mvt_borderline(tmp: Path) -> tuple[list[str], str]:
    BORDERLINE["on"] = True
    return _report(tmp, plot_table(tmp), "-o", str(tmp / "r.md")), "P = 0.0510"


def _case_decode_reads_as_utf8(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "plots.csv"
    path.write_text(HEADER + "".join(ROWS).replace("CK", "对照"), encoding="utf-8")
    return _report(tmp, path, "--encoding", "ascii", *_html(tmp)), "'ascii'"


def _case_decode_cannot(tmp: Path) -> tuple[list[str], str]:
    path = tmp / "plots.csv"
    path.write_bytes((HEADER + "".join(ROWS).replace("CK", "对照")).encode("gb18030"))
    return _report(tmp, path, "--encoding", "utf-8", *_html(tmp)), "'utf-8'"


def _case_decode_cannot_row(tmp: Path) -> tuple[list[str], str]:
    # stop 50: the Chinese line said the file, without the row and byte the English names
    path = tmp / "plots.csv"
    text = (HEADER + "".join(ROWS)).encode("utf-16-le")
    # a lone surrogate after the BOM (2 bytes) and the 159 characters (2 bytes each): byte 320
    path.write_bytes(codecs.BOM_UTF16_LE + text + b"\x00\xd8A\x00")
    return _report(
        tmp, path, *_html(tmp)
    ), "第 6 行无法按 'utf-16' 解码（illegal UTF-16 surrogate，位于字节 320）"


def _standardize_to(tmp: Path, name: str) -> list[str]:
    return ["standardize", str(plot_table(tmp)), "--crop", "wheat", "-o", str(tmp / name)]


def _case_read_path_invalid(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, str(tmp / "小区\0.csv"), *_html(tmp)), "小区\\x00.csv"


def _case_write_name_nul(tmp: Path) -> tuple[list[str], str]:
    return _standardize_to(tmp, "产量\0.csv"), "产量\\x00.csv"


def _case_write_name_bytes(tmp: Path) -> tuple[list[str], str]:
    return _standardize_to(tmp, "产量\udcff.csv"), "产量\\udcff.csv"


def _case_write_bookkeeping_name(tmp: Path) -> tuple[list[str], str]:
    return _standardize_to(tmp, output.MANIFEST_NAME), output.MANIFEST_NAME


def _case_folder_no_plot_table(tmp: Path) -> tuple[list[str], str]:
    (tmp / "试点").mkdir()
    return ["network", str(tmp / "试点"), "--crop", "wheat", "--control", "CK"], "试点'"


def _one_mass(mass: str, area: str = "20") -> list[str]:
    return [f"101,1,CK,{area},{mass},12.7\n", *ROWS[1:]]


def _case_yield_overflows(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, _table(tmp, _one_mass("1e308")), *_html(tmp)), "'101'"


def _case_yield_too_small(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, _table(tmp, _one_mass("1e-10", "1e300")), *_html(tmp)), "1e-306"


def _case_yield_square_overflows(tmp: Path) -> tuple[list[str], str]:
    return _report(tmp, _table(tmp, _one_mass("1e200")), *_html(tmp)), "5.02e+202"


def _case_contrast_lacks_keys(tmp: Path) -> tuple[list[str], str]:
    return _toml_case(tmp, '[[contrasts]]\nname = "增效"\n'), "试验.toml"


def _case_analysis_role_renamed(tmp: Path) -> tuple[list[str], str]:
    text = '[columns]\n"区组" = "block"\n[analysis]\nblock = "区组"\n'
    return _toml_case(tmp, text), "'区组'"


def _case_treatment_order_absent(tmp: Path) -> tuple[list[str], str]:
    (tmp / "试点").mkdir()
    plot_table(tmp / "试点", "甲.csv")
    plot_table(tmp / "试点", "乙.csv")
    config = tmp / "试验.toml"
    config.write_text('[[treatments]]\nlabel = "CK"\n[[treatments]]\nlabel = "新品"\n', "utf-8")
    argv = ["network", str(tmp / "试点"), "--crop", "wheat", "--control", "CK"]
    return [*argv, "--config", str(config), "-o", str(tmp / "n.html")], "'新品'"


def _case_design_label_too_long(tmp: Path) -> tuple[list[str], str]:
    argv = ["design", "rcbd", "--treatments", "CK", "B" * 201, "--blocks", "2"]
    return [*argv, "-o", str(tmp / "f.csv")], "201"


def _case_augmented_check_and_entry(tmp: Path) -> tuple[list[str], str]:
    argv = ["design", "augmented", "--treatments", "甲", "乙", "CK1", "--checks", "CK1", "CK2"]
    return [*argv, "--blocks", "2", "-o", str(tmp / "f.csv")], "'CK1'"


def _case_augmented_block_without_entries(tmp: Path) -> tuple[list[str], str]:
    argv = ["design", "augmented", "--treatments", "甲", "乙", "--checks", "CK1", "CK2"]
    return [*argv, "--blocks", "3", "-o", str(tmp / "f.csv")], "3 个区组"


def _case_alpha_not_multiple(tmp: Path) -> tuple[list[str], str]:
    entries = [f"G{i}" for i in range(1, 8)]
    argv = ["design", "alpha", "--treatments", *entries, "--replicates", "2", "--block-size", "3"]
    return [*argv, "-o", str(tmp / "f.csv")], "（9 个）"


def _case_field_map_too_large(tmp: Path) -> tuple[list[str], str]:
    entries = [f"G{i}" for i in range(1, 201)]
    argv = ["design", "rcbd", "--treatments", *entries, "--blocks", "30"]
    return [*argv, "-o", str(tmp / "f.csv"), "--map", str(tmp / "m.svg")], "6,000"


def _case_plots_share_position(tmp: Path) -> tuple[list[str], str]:
    header = "plot_id,row,column,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    rows = ["1,1,1,CK,20,14,13\n", "2,1,2,T,20,14,13\n", "3,2,1,T,20,14,13\n"]
    rows.append("4,2,1,CK,20,14,13\n")  # plot 4 typed at plot 3's place
    plots = _table(tmp, rows, header)
    return _report(tmp, plots, "--design", "latin", *_html(tmp)), "'3' 和 '4'"


def _case_treatment_no_fertilizer(tmp: Path) -> tuple[list[str], str]:
    text = (
        '[[treatments]]\nlabel = "CK"\nproduct = "urea"\ngrade = "46-0-0"\nrate = 10\n'
        'rate_unit = "kg/mu"\n[economics]\ncurrency = "CNY"\ngrain_price_per_kg = 2.5\n'
        "[economics.prices]\nurea = 2.0\n"
    )
    return _toml_case(tmp, text), "处理 'T'"


def _case_design_needs_block_column(tmp: Path) -> tuple[list[str], str]:
    header = "plot_id,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    rows = ["1,CK,20,14,13\n", "2,T,20,14.5,13\n", "3,CK,20,14.2,13\n", "4,T,20,14.1,13\n"]
    return _report(tmp, _table(tmp, rows, header), "--design", "rcbd", *_html(tmp)), "'rcbd'"


def _case_alpha_no_serpentine(tmp: Path) -> tuple[list[str], str]:
    entries = [f"G{i}" for i in range(1, 13)]
    argv = ["design", "alpha", "--treatments", *entries, "--replicates", "2", "--block-size", "3"]
    return [*argv, "--serpentine", "-o", str(tmp / "f.csv")], "--serpentine"


def _workbook_with(tmp: Path, fill: Callable[[Any], None]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    fill(book)
    path = tmp / "小区.xlsx"
    book.save(path)
    return path


def _case_sheet_reaches_far(tmp: Path) -> tuple[list[str], str]:
    def fill(book: Any) -> None:
        for number, line in enumerate([HEADER, *ROWS], start=1):
            for column, value in enumerate(line.strip().split(","), start=1):
                book.active.cell(number, column, value)
        book.active.cell(1_000_000, 16_000, "x")  # a stray value far beyond the table

    return _report(tmp, _workbook_with(tmp, fill), *_html(tmp)), "WQJ1000000"


def _case_workbook_no_worksheet(tmp: Path) -> tuple[list[str], str]:
    def fill(book: Any) -> None:
        book.create_chartsheet()
        del book[book.sheetnames[0]]  # only the chart sheet is left

    return _report(tmp, _workbook_with(tmp, fill), *_html(tmp)), "小区.xlsx"


def _case_workbook_text_number(tmp: Path) -> tuple[list[str], str]:
    source = plot_workbook(tmp / "原表.xlsx")
    damaged = shared_strings_copy(source, tmp / "小区.xlsx", 99)  # cell C3 points at text 99
    return _report(tmp, damaged, *_html(tmp)), "'99'"


def _case_position_column_empty(tmp: Path) -> tuple[list[str], str]:
    header = "plot_id,row,column,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct\n"
    rows = ["1,1,1,CK,20,14,13\n", "2,1,2,T,20,14,13\n", "3,2,1,T,20,14,13\n"]
    rows.append("4,,2,CK,20,14,13\n")  # plot 4 without its row
    plots = _table(tmp, rows, header)
    return _report(tmp, plots, "--design", "latin", *_html(tmp)), "小区 '4'"


def _case_network_rcbd_needs_block(tmp: Path) -> tuple[list[str], str]:
    (tmp / "试点").mkdir()
    for name in ("甲.csv", "乙.csv"):
        rows = "1,CK,5000\n2,T,5200\n3,CK,5100\n4,T,5300\n"
        (tmp / "试点" / name).write_text("plot_id,treatment,yield_kg_ha\n" + rows, "utf-8")
    argv = ["network", str(tmp / "试点"), "--crop", "wheat", "--control", "CK"]
    return [*argv, "--design", "rcbd", "-o", str(tmp / "n.html")], "--design rcbd"


def _network_toml_case(tmp: Path, text: str) -> list[str]:
    """``network`` of two small sites with blocks, described by ``text`` as 试验.toml."""
    (tmp / "试点").mkdir()
    for name, first in (("甲.csv", "14.98"), ("乙.csv", "15.20")):
        (tmp / "试点" / name).write_text(HEADER + "".join(ROWS).replace("14.98", first), "utf-8")
    config = tmp / "试验.toml"
    config.write_text(text, encoding="utf-8")
    argv = ["network", str(tmp / "试点"), "--crop", "wheat", "--control", "CK"]
    return [*argv, "--config", str(config), "-o", str(tmp / "n.html")]


def _case_network_rcbd_needs_block_toml(tmp: Path) -> tuple[list[str], str]:
    # stop 50: the design of trial.toml, not a --design the user never typed
    argv = _case_network_rcbd_needs_block(tmp)[0]
    config = tmp / "试验.toml"
    config.write_text('[analysis]\ndesign = "rcbd"\n', encoding="utf-8")
    argv = [a for a in argv if a not in ("--design", "rcbd")]
    return [*argv[:-2], "--config", str(config), *argv[-2:]], '"rcbd"'


def _case_network_design_not_fitted(tmp: Path) -> tuple[list[str], str]:
    # stop 50: analyze_many's "design must be one of 'rcbd', 'crd'; got 'alpha'" (English)
    return _network_toml_case(tmp, '[analysis]\ndesign = "alpha"\n'), '"alpha"'


def _case_workbook_encrypted(tmp: Path) -> tuple[list[str], str]:
    # what Excel saves with a password: an OLE2 container with an EncryptedPackage stream
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    book = tmp / "小区.xlsx"
    book.write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + bytes(512))
    return _report(tmp, book, *_html(tmp)), "小区.xlsx"


#: Catalogue entry -> how to trigger it: (argv without --lang, a user value the line keeps).
CASES: dict[str, Callable[[Path], tuple[list[str], str]]] = {
    "existing-output": _case_existing_output,
    "output-created-meanwhile": _case_output_created_meanwhile,
    "output-is-input": _case_output_is_input,
    "output-not-recorded": _case_output_not_recorded,
    "missing-extra": _case_missing_extra,
    "read-not-regular": _case_read_not_regular,
    "write-not-regular": _case_write_not_regular,
    "write-dangling-link": _case_write_dangling_link,
    "write-folder-dangling-link": _case_write_folder_dangling_link,
    "read-folder": _case_read_folder,
    "no-such-file": _case_no_such_file,
    "unknown-encoding": _case_unknown_encoding,
    "non-numeric": _case_non_numeric,
    "fractions": _case_fractions,
    "duplicate-plots": _case_duplicate_plots,
    "summary-row": _case_summary_row,
    "percent-range": _case_percent_range,
    "negative-mass": _case_negative_mass,
    "control-not-found": _case_control_not_found,
    "crop-missing": _case_crop_missing,
    "crop-ambiguous": _case_crop_ambiguous,
    "control-not-a-level": _case_control_not_a_level,
    "missing-moisture": _case_missing_moisture,
    "implausible-moisture": _case_implausible_moisture,
    "implausible-yield": _case_implausible_yield,
    "tiny-yield": _case_tiny_yield,
    "low-yield": _case_low_yield,
    "crop-high-yield": _case_crop_high_yield,
    "crop-low-yield": _case_crop_low_yield,
    "other-standard-moisture": _case_other_standard_moisture,
    "other-moisture-method": _case_other_moisture_method,
    "emptied-yields": _case_emptied_yields,
    "edited-yields": _case_edited_yields,
    "report-format": _case_report_format,
    "report-format-pdf": _case_report_format_pdf,
    "absent-factor": _case_absent_factor,
    "unknown-crop": _case_unknown_crop,
    "hidden-rows": _case_hidden_rows,
    "first-sheet-empty": _case_first_sheet_empty,
    "date-labels": _case_date_labels,
    "label-case": _case_label_case,
    "label-merge": _case_label_merge,
    "all-below-one": _case_all_below_one,
    "mixed-fraction": _case_mixed_fraction,
    "percent-mass": _case_percent_mass,
    "decimal-comma-dot": _case_decimal_comma_dot,
    "augmented-control": _case_augmented_control,
    "augmented-few-df": _case_augmented_few_df,
    "duplicate-plots-site": _case_duplicate_plots_site,
    "output-same-file": _case_output_same_file,
    "cv-excludes-all": _case_cv_excludes_all,
    "negative-yield": _case_negative_yield,
    "unknown-sheet": _case_unknown_sheet,
    "label-zeros": _case_label_zeros,
    "augmented-not-check": _case_augmented_not_check,
    "warnings-not-shown": _case_warnings_not_shown,
    "lookalike-letters": _case_lookalike_letters,
    "copied-trials": _case_copied_trials,
    "network-repeated-treatment": _case_network_repeated_treatment,
    "near-miss-header": _case_near_miss_header,
    "byte-order-mark": _case_byte_order_mark,
    "no-observed-yield": _case_no_observed_yield,
    "whole-positions": _case_whole_positions,
    "setting-not-finite": _case_setting_not_finite,
    "setting-range": _case_setting_range,
    "implausible-standard": _case_implausible_standard,
    "unsaved-formula": _case_unsaved_formula,
    "zip-bomb": _case_zip_bomb,
    "margin-tiny": _case_margin_tiny,
    "alpha-range": _case_alpha_range,
    "setting-choice": _case_setting_choice,
    "manifest-slot": _case_manifest_slot,
    "not-text-encoding": _case_not_text_encoding,
    "percent-as-fraction": _case_percent_as_fraction,
    "exclude-cv-range": _case_exclude_cv_range,
    "harvest-cell-empty": _case_harvest_cell_empty,
    "row-numbers": _case_row_numbers,
    "standard-fraction": _case_standard_fraction,
    "standard-implausible": _case_standard_implausible,
    "field-book-filled": _case_field_book_filled,
    "field-book-unreadable": _case_field_book_unreadable,
    "field-book-no-permission": _case_field_book_no_permission,
    "existing-output-unreadable": _case_existing_output_unreadable,
    "existing-output-other-command": _case_existing_output_other_command,
    "network-raw-needs-crop": _case_network_raw_needs_crop,
    "network-column-not-found": _case_network_column_not_found,
    "folder-is-file": _case_folder_is_file,
    "folder-foreign-files": _case_folder_foreign_files,
    "old-xls": _case_old_xls,
    "ods": _case_ods,
    "zip-as-csv": _case_zip_as_csv,
    "binary-nul": _case_binary_nul,
    "zip-archive": _case_zip_archive,
    "compressed-file": _case_compressed_file,
    "utf32-text": _case_utf32_text,
    "utf16-without-bom": _case_utf16_without_bom,
    "sep-line": _case_sep_line,
    "header-repeated": _case_header_repeated,
    "header-only": _case_header_only,
    "header-twice": _case_header_twice,
    "merged-cells": _case_merged_cells,
    "first-row-empty": _case_first_row_empty,
    "neither-utf8-nor-gbk": _case_neither_utf8_nor_gbk,
    "map-suffix": _case_map_suffix,
    "pattern-no-match": _case_pattern_no_match,
    "setting-quoted-number": _case_setting_quoted_number,
    "design-column-blank": _case_design_column_blank,
    "economics-unused-price": _case_economics_unused_price,
    "treatment-key-typo": _case_treatment_key_typo,
    "economics-status": _case_economics_status,
    "network-one-file-one-trial": _case_network_one_file_one_trial,
    "rate-status": _case_rate_status,
    "setting-not-number": _case_setting_not_number,
    "setting-not-text": _case_setting_not_text,
    "setting-too-long": _case_setting_too_long,
    "toml-unknown-key": _case_toml_unknown_key,
    "toml-unknown-table": _case_toml_unknown_table,
    "control-twice": _case_control_twice,
    "toml-not-utf8": _case_toml_not_utf8,
    "control-blank": _case_control_blank,
    "checks-blank": _case_checks_blank,
    "unknown-yield-unit": _case_unknown_yield_unit,
    "design-integer-min": _case_design_integer_min,
    "design-seed-negative": _case_design_seed_negative,
    "design-too-many": _case_design_too_many,
    "design-plot-area": _case_design_plot_area,
    "design-plot-area-positive": _case_design_plot_area_positive,
    "factors-one-factor": _case_factors_one_factor,
    "factors-one-factor-toml": _case_factors_one_factor_toml,
    "toml-invalid": _case_toml_invalid,
    "column-mapping-unknown": _case_column_mapping_unknown,
    "shrink-needs-value": _case_shrink_needs_value,
    "setting-text-or-list": _case_setting_text_or_list,
    "economics-price": _case_economics_price,
    "treatments-no-label": _case_treatments_no_label,
    "exclude-no-plot": _case_exclude_no_plot,
    "exclude-needs-reason": _case_exclude_needs_reason,
    "exclude-needs-plot": _case_exclude_needs_plot,
    "exclude-plot-number": _case_exclude_plot_number,
    "exclude-plot-missing": _case_exclude_plot_missing,
    "treatment-label-type": _case_treatment_label_type,
    "treatments-twice": _case_treatments_twice,
    "rate-unit": _case_rate_unit,
    "products-not-list": _case_products_not_list,
    "treatment-not-finite": _case_treatment_not_finite,
    "entry-not-table": _case_entry_not_table,
    "section-not-table": _case_section_not_table,
    "array-of-tables": _case_array_of_tables,
    "columns-not-name": _case_columns_not_name,
    "published-needs": _case_published_needs,
    "factor-roles-one-factor": _case_factor_roles_one_factor,
    "zh-not-text": _case_zh_not_text,
    "table-array-example": _case_table_array_example,
    "economics-table-of-numbers": _case_economics_table_of_numbers,
    "economics-cost-twice": _case_economics_cost_twice,
    "file-empty": _case_file_empty,
    "label-cell-empty": _case_label_cell_empty,
    "label-spreadsheet-error": _case_label_spreadsheet_error,
    "rows-fewer-fields": _case_rows_fewer_fields,
    "rows-more-values": _case_rows_more_values,
    "quote-not-closed": _case_quote_not_closed,
    "other-document": _case_other_document,
    "area-range": _case_area_range,
    "missing-columns": _case_missing_columns,
    "title-row": _case_title_row,
    "header-blank": _case_header_blank,
    "treatments-unknown-label": _case_treatments_unknown_label,
    "published-reported": _case_published_reported,
    "published-unit": _case_published_unit,
    "one-level": _case_one_level,
    "all-controls": _case_all_controls,
    "illustrative-not-list": _case_illustrative_not_list,
    "illustrative-unknown": _case_illustrative_unknown,
    "standardize-moisture-range": _case_standardize_moisture_range,
    "example-documentation-table": _case_example_documentation_table,
    "toml-too-deep": _case_toml_too_deep,
    "toml-long-number": _case_toml_long_number,
    "toml-too-large": _case_toml_too_large,
    "factors-and-roles": _case_factors_and_roles,
    "design-takes-roles": _case_design_takes_roles,
    "zh-products-table": _case_zh_products_table,
    "contrast-with-itself": _case_contrast_with_itself,
    "contrasts-same-name": _case_contrasts_same_name,
    "contrast-unknown-treatment": _case_contrast_unknown_treatment,
    "fertilization-treatments-list": _case_fertilization_treatments_list,
    "toml-label-not-treatment": _case_toml_label_not_treatment,
    "illustrative-no-value": _case_illustrative_no_value,
    "design-needs-row-column": _case_design_needs_row_column,
    "design-needs-positions": _case_design_needs_positions,
    "augmented-needs-entries": _case_augmented_needs_entries,
    "two-factor-needs-factors": _case_two_factor_needs_factors,
    "two-factors-same-column": _case_two_factors_same_column,
    "columns-same-name": _case_columns_same_name,
    "treatment-no-observed-yield": _case_treatment_no_observed_yield,
    "augmented-lost-entry": _case_augmented_lost_entry,
    "augmented-entry-three-plots": _case_augmented_entry_three_plots,
    "augmented-named-check-one-plot": _case_augmented_named_check_one_plot,
    "augmented-not-named-plots": _case_augmented_not_named_plots,
    "augmented-not-named-block": _case_augmented_not_named_block,
    "augmented-entry-twice-in-block": _case_augmented_entry_twice_in_block,
    "augmented-checks-unknown": _case_augmented_checks_unknown,
    "augmented-checks-design": _case_augmented_checks_design,
    "augmented-checks-entry-type": _case_augmented_checks_entry_type,
    "augmented-entry-type-value": _case_augmented_entry_type_value,
    "augmented-entry-type-both": _case_augmented_entry_type_both,
    "augmented-check-one-plot": _case_augmented_check_one_plot,
    "augmented-block-without-checks": _case_augmented_block_without_checks,
    "augmented-block-unlinked": _case_augmented_block_unlinked,
    "augmented-typed-twice": _case_augmented_typed_twice,
    "single-block": _case_single_block,
    "alpha-entry-repeated": _case_alpha_entry_repeated,
    "crd-ignores-blocks": _case_crd_ignores_blocks,
    "design-one-replicate": _case_design_one_replicate,
    "rcbd-ignores-incomplete-blocks": _case_rcbd_ignores_incomplete_blocks,
    "network-all-invalid": _case_network_all_invalid,
    "several-sites": _case_several_sites,
    "margin-no-control": _case_margin_no_control,
    "model-exact-fit": _case_model_exact_fit,
    "model-no-variation-in": _case_model_no_variation_in,
    "control-not-in-factors": _case_control_not_in_factors,
    "latin-not-square": _case_latin_not_square,
    "network-key-not-found": _case_network_key_not_found,
    "network-control-not-found": _case_network_control_not_found,
    "design-too-few-levels": _case_design_too_few_levels,
    "design-level-twice": _case_design_level_twice,
    "no-such-example": _case_no_such_example,
    "plan-percentage-range": _case_plan_percentage_range,
    "plan-whole-range": _case_plan_whole_range,
    "plan-power-range": _case_plan_power_range,
    "option-not-finite": _case_option_not_finite,
    "option-alpha-range": _case_option_alpha_range,
    "percent-as-fraction-option": _case_percent_as_fraction_option,
    "os-error": _case_os_error,
    "output-is-folder": _case_output_is_folder,
    "output-parent-is-file": _case_output_parent_is_file,
    "figure-folder-name-too-long": _case_figure_folder_name_too_long,
    "mixed-encodings": _case_mixed_encodings,
    "design-does-not-take": _case_design_does_not_take,
    "trial-key-blank": _case_trial_key_blank,
    "protocol-no-standard": _case_protocol_no_standard,
    "output-name-empty": _case_output_name_empty,
    "report-as-plot-table": _case_report_as_plot_table,
    "word-report-as-plot-table": _case_word_report_as_plot_table,
    "word-document": _case_word_document,
    "pptx-document": _case_pptx_document,
    "unit-row": _case_unit_row,
    "gbk-read-as-utf8": _case_gbk_read_as_utf8,
    "unit-row-stated": _case_unit_row_stated,
    "other-standard-moisture-yields-only": _case_other_standard_moisture_yields_only,
    "other-moisture-method-yields-only": _case_other_moisture_method_yields_only,
    "network-yields-other-standards": _case_network_yields_other_standards,
    "network-yields-other-methods": _case_network_yields_other_methods,
    "yields-mixed-moisture-methods": _case_yields_mixed_moisture_methods,
    "header-read-twice": _case_header_read_twice,
    "rep-and-block": _case_rep_and_block,
    "network-by-twice": _case_network_by_twice,
    "network-by-empty": _case_network_by_empty,
    "network-same-bytes": _case_network_same_bytes,
    "network-file-names-repeat": _case_network_file_names_repeat,
    "network-column-two-roles": _case_network_column_two_roles,
    "network-none-analysed": _case_network_none_analysed,
    "pooled-stratum": _case_pooled_stratum,
    "date-not-iso": _case_date_not_iso,
    "date-no-month": _case_date_no_month,
    "date-no-day": _case_date_no_day,
    "mass-beyond-1e100": _case_mass_beyond_1e100,
    "source-date-epoch": _case_source_date_epoch,
    "augmented-no-checks": _case_augmented_no_checks,
    "reported-mass-positive": _case_reported_mass_positive,
    "audit-needs-harvest-columns": _case_audit_needs_harvest_columns,
    "audit-reported-is-record": _case_audit_reported_is_record,
    "audit-reported-not-numbers": _case_audit_reported_not_numbers,
    "audit-no-plot-both": _case_audit_no_plot_both,
    "design-map-same-file": _case_design_map_same_file,
    "network-no-yield-column": _case_network_no_yield_column,
    "network-left-out-of-summary": _case_network_left_out_of_summary,
    "network-ignores-incomplete-blocks": _case_network_ignores_incomplete_blocks,
    "network-ignores-rows-columns": _case_network_ignores_rows_columns,
    "stdout-closed-output": _case_stdout_closed_output,
    "stdout-closed-redirect": _case_stdout_closed_redirect,
    "mvt-borderline": _case_mvt_borderline,
    "read-path-invalid": _case_read_path_invalid,
    "write-name-nul": _case_write_name_nul,
    "write-name-bytes": _case_write_name_bytes,
    "decode-reads-as-utf8": _case_decode_reads_as_utf8,
    "decode-cannot": _case_decode_cannot,
    "write-bookkeeping-name": _case_write_bookkeeping_name,
    "folder-no-plot-table": _case_folder_no_plot_table,
    "yield-overflows": _case_yield_overflows,
    "yield-too-small": _case_yield_too_small,
    "yield-square-overflows": _case_yield_square_overflows,
    "contrast-lacks-keys": _case_contrast_lacks_keys,
    "analysis-role-renamed": _case_analysis_role_renamed,
    "treatment-order-absent": _case_treatment_order_absent,
    "design-label-too-long": _case_design_label_too_long,
    "augmented-check-and-entry": _case_augmented_check_and_entry,
    "augmented-block-without-entries": _case_augmented_block_without_entries,
    "alpha-not-multiple": _case_alpha_not_multiple,
    "field-map-too-large": _case_field_map_too_large,
    "plots-share-position": _case_plots_share_position,
    "treatment-no-fertilizer": _case_treatment_no_fertilizer,
    "design-needs-block-column": _case_design_needs_block_column,
    "alpha-no-serpentine": _case_alpha_no_serpentine,
    "sheet-reaches-far": _case_sheet_reaches_far,
    "workbook-no-worksheet": _case_workbook_no_worksheet,
    "workbook-text-number": _case_workbook_text_number,
    "position-column-empty": _case_position_column_empty,
    "network-rcbd-needs-block": _case_network_rcbd_needs_block,
    "network-design-not-fitted": _case_network_design_not_fitted,
    "workbook-encrypted": _case_workbook_encrypted,
}
#: Further cases of an entry (the same template met from trial.toml): "<entry> (<where>)".
RUNS = {
    **CASES,
    "missing-extra (xlsx)": _case_missing_extra_xlsx,
    "date-no-month ([panel] date)": _case_panel_date_no_month,
    "treatment-no-observed-yield (more than 5)": _case_many_treatments_no_observed_yield,
    "label-case (network sites)": _case_label_case_site,
    "augmented-few-df (more blocks)": _case_augmented_few_df_more_blocks,
    "margin-no-control (no -o)": _case_margin_without_control,
    "network-control-not-found (a quoted label)": _case_network_control_absent,
    "network-rcbd-needs-block (trial.toml)": _case_network_rcbd_needs_block_toml,
    "decode-cannot (a row and byte)": _case_decode_cannot_row,
    "setting-choice (trial.toml)": _case_setting_choice_toml,
    "alpha-range (trial.toml)": _case_alpha_range_toml,
    "toml-unknown-key ([[exclude]])": _case_toml_unknown_key_exclude,
    "toml-unknown-key ([economics])": _case_toml_unknown_key_economics,
    "setting-not-number ([[treatments]] rate)": _case_rate_not_number,
    "setting-range ([[treatments]] rate)": _case_rate_negative,
    "setting-not-finite ([[treatments]] rate)": _case_rate_nan,
    "setting-range (products rate)": _case_products_rate,
    "setting-range ([[treatments]] n_kg_ha)": _case_nutrient_negative,
    "setting-range ([[published]] yield)": _case_published_range,
    "setting-not-number ([conditions])": _case_conditions_not_number,
    "setting-range ([conditions])": _case_conditions_range,
    "setting-not-text ([economics])": _case_economics_not_text,
    "setting-quoted-number ([economics])": _case_economics_quoted_price,
    "setting-quoted-number (prices.urea)": _case_economics_dotted_price_quoted,
    'setting-range (prices."compound fertilizer")': _case_economics_dotted_price_negative,
    "setting-range (other_costs_per_mu.T)": _case_economics_dotted_cost_large,
    "network-none-analysed (left out and the others named)": _case_network_none_analysed_all_named,
    "setting-not-text ([[contrasts]])": _case_contrasts_not_text,
    "array-of-tables ([[contrasts]])": _case_contrasts_not_array,
    "setting-text-or-list ([panel])": _case_panel_members,
    "other-document (JSON)": _case_other_document_json,
    "non-numeric (decimal comma)": _case_non_numeric_decimal_comma,
    "non-numeric (inf)": _case_non_numeric_inf,
    "missing-columns (harvest)": _case_missing_columns_harvest,
    "non-numeric (checkbox)": _case_non_numeric_checkbox,
    "column-mapping-unknown ([analysis] block)": _case_column_mapping_analysis,
    "illustrative-unknown ([panel])": _case_illustrative_unknown_panel,
    "toml-invalid (duplicate table)": _case_toml_table_twice,
    "toml-unknown-key (fertilization entry)": _case_unknown_key_fertilization,
    "toml-label-not-treatment ([economics])": _case_label_not_treatment_costs,
    "design-needs-positions (row_column)": _case_design_needs_positions_row_column,
    "absent-factor (horizontal, a key without _)": _case_absent_factor_key,
    "plan-whole-range (--replicates)": _case_plan_whole_range_replicates,
    "label-case (a listing cut inside brackets)": _case_label_case_many_plots,
    "output-is-folder (a trailing slash)": _case_output_is_folder_slash,
    "header-twice (two headers)": _case_header_twice_listing,
    "design-does-not-take (latin)": _case_design_does_not_take_latin,
    "output-name-empty (folder)": _case_output_name_empty_folder,
    "alpha-entry-repeated (row_column)": _case_row_column_entry_repeated,
}
#: Entries met when standard output is closed (``yieldtrial ... >&-``: sys.stdout is None).
CLOSED_STDOUT = ("stdout-closed-output", "stdout-closed-redirect")
#: Entries whose line follows other lines (the 20 site warnings shown): the last line.
LAST_LINE = ("warnings-not-shown", "augmented-few-df")  # after the design's summary
#: Entries met as the reason ``network`` leaves a site out: (English, Chinese) line start.
LEFT_OUT = {"negative-yield": ("left out site 'C': ", "已剔除试点 'C'：")}
#: Parts of a Chinese line that list column names unquoted (left out of the English check).
NAMES = {
    "network-repeated-treatment": r"\bsite/block/treatment\b",  # the table's columns
    "near-miss-header": r"\[columns\]",  # the trial.toml table
    "byte-order-mark": r"U\+FEFF|UTF-8|CSV",  # the character's code point, the format to save as
    "network-yields-other-standards": r"\bsite\b|yieldtrial standardize",  # as typed
    # the column, the methods' and the command's names, as typed
    "network-yields-other-methods": r"\bsite\b|yieldtrial standardize|\b[a-z]+_[a-z_]+\b",
    # the command to type, the model formula and the trial.toml key, as typed
    "network-ignores-incomplete-blocks": r"yieldtrial report|response ~ treatment \+ block",
    "network-ignores-rows-columns": (
        r"yieldtrial report|response ~ treatment \+ block|\[analysis\]|design = "
    ),
    "audit-needs-harvest-columns": r"现有列：.*|\bCOLUMN\b",  # the columns found, the metavar
    "audit-reported-not-numbers": r"^$",
    "design-map-same-file": r"--map map\.svg",  # the example, as typed
    "network-no-yield-column": r"\bCOLUMN\b|\bHEADER\b|已查找 [\w、]+",  # names to type
    "stdout-closed-redirect": r"yieldtrial plan \.\.\. > out\.txt",  # the command to type
    # the trial.toml table and key as typed, and the date standard's name
    "date-not-iso": r"ISO|\[conditions\]|fertilization|\bdate\b",
    "date-no-month": r"\[(?:conditions|panel)\]|fertilization|\bdate\b",
    "date-no-day": r"\[conditions\]|fertilization|\bdate\b",
    "mass-beyond-1e100": r"^(?:reported_)?mass\b",
    "reported-mass-positive": r"^reported_mass\b",  # the argument, as audit's API names it
    "source-date-epoch": r"NumPy|Matplotlib|\bunset\b",  # the libraries and the shell command
    "missing-extra": r"Word|pip install",  # the format and the command, as typed
    # the Python class whose block_effects argument fits random blocks, as typed
    "augmented-block-without-checks": r"FieldTrial",
    "augmented-block-unlinked": r"FieldTrial",
    "output-not-recorded": r"^\S+(?= 已写入)",  # the output's path, as the wrote line shows it
    "network-raw-needs-crop": r"中写 crop",  # the trial.toml key, as typed
    # the estimation and df methods and the R package, as Chinese text names them
    "pooled-stratum": r"REML|Satterthwaite|lmerTest",
    "mvt-borderline": r"Dunnett",  # the method's name
    "write-name-bytes": r"UTF-8",  # the encoding's name
    # Python's own reason of the decode error, the encodings and the format to save as
    "decode-reads-as-utf8": r"ordinal not in range\(128\)|UTF-8|utf-8|encoding=",
    "decode-cannot": r"invalid (?:start|continuation) byte|illegal UTF-16 surrogate|Excel|"
    r"CSV UTF-8|\bCSV\b|gb18030",
    "yield-too-small": r"\bkg\b",  # the unit symbol, as Chinese text writes it (kg/公顷)
    "yield-square-overflows": r"\bkg\b",
    # the keys, as typed
    "contrast-lacks-keys": r"缺少 [\w、]+|\b(?:name|treatment|versus) =|\[\[contrasts\]\]",
    "analysis-role-renamed": r"\[analysis\] \w+|\[columns\]",  # the table and key, as typed
    "treatment-order-absent": r"\[\[treatments\]\]",
    "design-label-too-long": r"\[\[treatments\]\]",
    "field-map-too-large": r"Python|yieldtrial\.design\.field_map",  # the function to call
    # the headers to use and the flag, as typed
    "design-needs-block-column": r"\bblock、rep\b|--design crd",
    "sheet-reaches-far": r"\bCSV\b|WQJ1000000",  # the format; the cell, as Excel names it
    "workbook-no-worksheet": r"\bCSV\b|\bExcel\b",
    "workbook-text-number": r"\bCSV\b|\bExcel\b",
    "workbook-encrypted": r"\bCSV\b|\bExcel\b",
    # the options and trial.toml's keys, as typed
    "network-rcbd-needs-block": r"--design (?:rcbd|crd)|\bdesign = |\bblock = ",
    "network-design-not-fitted": r"--design (?:rcbd|crd)|\bdesign = |\bnetwork\b|RCBD|CRD",
    "network-column-not-found": r"数据中的列：[^。]*",
    "absent-factor": r"表中的列：[^）]*|trial\.toml 中的 \w+|\b\w+ = \.\.\.",
    "unknown-crop": r"已知作物（括号内为部分别名）：.*",  # the names to type, as they are typed
    # the format's name as Chinese text writes it; the language whose argument is named
    "report-format": r"Python|format=",
    "report-format-pdf": r"PDF|Python|format=",
    "implausible-yield": r"\bkg\b",  # the unit symbol, as Chinese text writes it (kg/亩)
    "tiny-yield": r"\bkg\b",
    "low-yield": r"\bkg\b",
    "crop-high-yield": r"\bkg/ha\b",  # the report's unit spelling (report.i18n words it)
    "crop-low-yield": r"\bkg/ha\b",
    "not-text-encoding": r"Python|\\u5bf9|utf-8、gbk、gb18030、big5、latin-1 或 cp1252",
    # the levels as typed, and the trial.toml key named as written there
    "control-not-a-level": r"现有水平：[^。]*|\[analysis\] 的 control",
    # names of formats and encodings, as Chinese text writes them
    "old-xls": r"Excel 97-2003|CSV",
    "ods": r"OpenDocument|WPS|CSV",
    "word-report-as-plot-table": r"\bWord\b",
    "gbk-read-as-utf8": r"UTF-8|GBK|CSV",
    "word-document": r"\bWord\b|CSV",
    "pptx-document": r"PowerPoint|CSV",
    "zip-as-csv": r"ZIP|CSV",
    "binary-nul": r"NUL|CSV|UTF-8|GBK",
    "zip-archive": r"ZIP|Excel|CSV|unzip",
    "compressed-file": r"CSV|Excel|gunzip|bunzip2|unxz|7-Zip",
    "existing-output-unreadable": r"chmod u\+r",  # the shell command, as typed
    "existing-output-other-command": r"yieldtrial [a-z]+",  # the commands, as typed
    "utf32-text": r"UTF-32|CSV UTF-8|encoding=|utf-32-\w+|Python",
    # the encoding, the program and its menu, the option and its Python spelling, as typed
    "utf16-without-bom": r"UTF-16-(?:LE|BE)|BOM|Excel|Unicode|CSV UTF-8|encoding=|utf-16-\w+|"
    r"Python",
    "neither-utf8-nor-gbk": r"UTF-8|GB18030/GBK|CSV|cp1252|é、ô、ü",
    "merged-cells": r"[A-Z]+\d+:[A-Z]+\d+",
    "setting-not-number": r"\b[a-z]+ = |\[conditions\]",  # the setting as typed in trial.toml
    "setting-not-text": r"\[economics\]|\[\[contrasts\]\]|\b\w+ = ",  # table, key as typed
    # the table and the key as typed (a dotted key too: prices.urea = 3.2)
    "setting-quoted-number": r"\[economics\]|\b\w+(?:\.\w+)? = ",
    "design-column-blank": r"\[analysis\]|\bblock\b",  # the table and the key as typed
    "network-one-file-one-trial": r"--by COLUMN",  # the option as typed
    "economics-status": r"\[economics\]|\bstatus\b|\"illustrative\"",  # the key, its value
    "rate-status": r"\brate_status\b|\"illustrative\"",
    # the tables and keys as typed
    "economics-unused-price": r"\[economics\] prices|\[\[treatments\]\]|product = \.\.\.",
    "setting-too-long": r"\[conditions\]|\b\w+(?= 长| 最多)",  # table, key as typed
    "setting-choice": r"\b[a-z]+ = |应为以下之一：.*",  # and the values to type
    "toml-unknown-table": r"应为以下各表：.*",
    "alpha-range": r"\balpha = ",
    "toml-not-utf8": r"UTF-8",
    "control-blank": r"\bcontrol\b|--control CK",
    "checks-blank": r"\bchecks\b|--checks CK1,CK2|entry_type",
    "augmented-named-check-one-plot": r"\bchecks\b",  # the setting, as typed
    "augmented-not-named-plots": r"\bchecks\b",
    "augmented-not-named-block": r"\bchecks\b",
    "unknown-yield-unit": r"可用的产量单位：.*",  # the units to type, as they are typed
    "design-integer-min": r"^\w+ ",
    "design-too-many": r"^\w+ ",
    "design-seed-negative": r"（seed）",
    "design-plot-area": r"\bm2\b",
    "design-plot-area-positive": r"\bm2\b",
    "factors-one-factor": r"factorial",  # the design names to type
    "factors-one-factor-toml": r"factorial|\bdesign = |\bfactors\b",  # the keys as typed
    # tomllib's own detail, verbatim, the doc's path, a duplicate table's name
    "toml-invalid": r"TOML（.*）；|docs/|\[panel\]",
    "column-mapping-unknown": r"\[columns\]|\[analysis\]|\bblock = ",
    "shrink-needs-value": r"USDA RMA|\bshrink\b",  # the source's name, the method as typed
    "setting-text-or-list": r"^[^：]*：(?:\[panel\] )?\w+ = ",  # the key as typed in trial.toml
    # the unit symbol, as Chinese text writes it; None: the missing price, as Python shows it
    "economics-price": r"\[economics\]|/kg\b",
    "treatments-no-label": r"\[\[treatments\]\]|\blabel\b",
    "exclude-needs-reason": r"\breason = ",  # the key as typed in trial.toml
    "exclude-needs-plot": r"\bplot = ",
    "exclude-plot-number": r"\bplot = ",  # the key and the example, as typed
    "exclude-plot-missing": r"\bplot = ",
    # the keys to type, as typed; the table
    "toml-unknown-key": r"允许的键：.*|\[economics\]|docs/|\[conditions\] fertilization",
    "treatment-label-type": r"\[\[treatments\]\]|\blabel = (?:true|\"CK\")",  # as typed
    "treatments-twice": r"\[\[treatments\]\]",
    "rate-unit": r'"[a-z]+/[a-z]+"',  # the units to type, as typed
    "products-not-list": r"\bproducts = |\[\{.*\}\]",  # the example, as typed
    "treatment-not-finite": r"\b\w+ = ",
    "entry-not-table": r"\bexclude\b|\[\[exclude\]\]",
    "section-not-table": r"\[economics\]",
    "array-of-tables": r"\b(?:exclude|contrasts)\b|\[\[\w+\]\]|（plot = .*）",
    "columns-not-name": r"\[columns\]",
    "factor-roles-one-factor": r"\[analysis\]|\bdesign = .*factorial\"",  # keys, as typed
    "zh-not-text": r"\[zh\]|\b\w+ = ",
    "table-array-example": r"\[panel\]|\bexperts\b|\bname\b|\[\{.*\}\]",
    "economics-table-of-numbers": r"\[economics\]|\bprices\b|\{.*\}",
    "economics-cost-twice": r"\[economics\]|\bother_costs_per_(?:mu|ha)\b",
    "file-empty": r"\b(?:plot_id|treatment)\b",  # the header to write
    "label-cell-empty": r"\bblock\b",  # the column's name, as typed
    "other-document": r"HTML|XML|JSON|CSV",  # names of formats, as Chinese text writes them
    "area-range": r"\bm2\b",
    "header-blank": r"\bnotes\b",  # a header to type
    "all-controls": r"对照（[^）]*）|\bcontrol\b",  # the labels and the key, as typed
    "illustrative-not-list": r"\[conditions\]|\billustrative = ",
    "illustrative-unknown": r"\[conditions\]|\[panel\]|\billustrative\b|应为以下之一：.*",
    "treatments-unknown-label": r"\[\[treatments\]\]",
    "published-reported": r"\[\[published\]\]|\breported = ",
    "published-unit": r"\[\[published\]\]|\bunit = |\"kg(?:/mu|/ha)?\"",  # the units to type
    "missing-columns": r"\btreatment（|/ \w+",  # the column's name, as typed
    "non-numeric": r"\bCSV\b|fresh_mass_kg 或 鲜重\(kg\)|TRUE/FALSE|：True",
    "published-needs": r"\[\[published\]\]|\byield = ",
    # the key as typed (a dotted key too: prices."compound fertilizer"), the tables
    "setting-range": r"\b\w+(?:\.\w+|\.\"[^\"]*\")?(?= = | 应在)|\bproducts\b|\[\[published\]\]|"
    r"\[conditions\]|\[economics\]",
    "setting-not-finite": r"\b\w+ = ",
    "standardize-moisture-range": r"^$",
    "example-documentation-table": r"README\.md|\bstandardize\b|：[\w、-]+$",  # names to type
    "toml-too-deep": r"docs/",
    "toml-long-number": r"docs/",
    "toml-too-large": r"\bKB\b",
    "factors-and-roles": r"\bfactors = ",
    "design-takes-roles": r"\btreatment\b|\bhorizontal\b",  # the column and role as typed
    "zh-products-table": r"\[zh\] products|\[zh\.products\]|\"compound fertilizer\"",
    "contrast-with-itself": r"\[\[contrasts\]\]|\bversus\b",
    "contrasts-same-name": r"\[\[contrasts\]\]",
    "contrast-unknown-treatment": r"现有处理为 [^；]*|\[\[contrasts\]\]|treatment/versus",
    "fertilization-treatments-list": r"\[conditions\]|\bfertilization\b|\btreatments = .*",
    "toml-label-not-treatment": r"\[conditions\]|\bfertilization\b|\[economics\]",
    "illustrative-no-value": r"\[conditions\]|\billustrative\b",
    "design-needs-row-column": r"\b(?:row|column|col|rcbd)\b",
    "design-needs-positions": r"\b(?:row|column)\b|\[analysis\]",
    "augmented-needs-entries": r"Python|checks=\[\.\.\.\]",  # the Python keyword
    "two-factor-needs-factors": r"\btreatment\b",
    "two-factors-same-column": r"\bblock\b",
    "columns-same-name": r"--column '[^']*'",
    "single-block": r"\bdf\b|\bcrd\b",  # the symbol, the design to type
    "design-one-replicate": r"^设计 rcbd",  # the layout as typed
    "alpha-entry-repeated": r"\[analysis\] 中的 control",  # the key to write
    "mixed-encodings": r"\b(?:UTF-8|GBK|ASCII|Excel|CSV)\b",  # names of encodings and programs
    "protocol-no-standard": r"包括：[\w、]+",  # the crop names to type
    "report-as-plot-table": r"\bExcel\b",
    # the command to type, the column, the Python calls named as such
    "several-sites": r"yieldtrial network PLOTS --by site|\bsite 列|Python：[^）]*）|docs/",
    "margin-no-control": r"\[analysis\]|\bcontrol = ",
    "model-exact-fit": r"^factorial\b",  # the design's name, as typed
    "model-no-variation-in": r"^split_plot\b",
    "control-not-in-factors": r"treatment：",  # the factor's column, as named
    "latin-not-square": r"\b(?:row_column|alpha|rcbd)\b",  # the designs to type
    "network-key-not-found": r"表中的列：[^。]*",
    "network-control-not-found": r"\[analysis\]|\bcontrol\b",
    "no-such-example": r"示例：.*",  # the names to type
    "network-file-names-repeat": r"\bsite 列",  # the column to add, as typed
    "network-by-empty": r"--by site",  # the option to type
}
#: Entries that are warnings (exit 0, the report is written).
WARNINGS = (
    "network-one-file-one-trial",
    "economics-unused-price",
    "treatment-key-typo",
    "network-ignores-incomplete-blocks",
    "network-ignores-rows-columns",
    "network-left-out-of-summary",
    "augmented-typed-twice",
    "pooled-stratum",
    "mvt-borderline",
    "output-not-recorded",
    "augmented-lost-entry",
    "augmented-few-df",
    "implausible-moisture",
    "implausible-yield",
    "tiny-yield",
    "low-yield",
    "crop-high-yield",
    "crop-low-yield",
    "other-standard-moisture",
    "other-moisture-method",
    "emptied-yields",
    "edited-yields",
    "hidden-rows",
    "date-labels",
    "label-case",
    "label-merge",
    "all-below-one",
    "negative-yield",
    "label-zeros",
    "warnings-not-shown",
    "lookalike-letters",
    "copied-trials",
    "network-repeated-treatment",
    "near-miss-header",
    "byte-order-mark",
    "implausible-standard",
    "percent-as-fraction",
    "standardize-moisture-range",
    "single-block",
    "alpha-entry-repeated",
    "crd-ignores-blocks",
    "design-one-replicate",
    "rcbd-ignores-incomplete-blocks",
    "percent-as-fraction-option",
)


#: Entries whose line is about the report's figures: their report keeps them.
WITH_FIGURES = ("figure-folder-name-too-long",)


def _message_lines(
    argv: list[str], capsys: pytest.CaptureFixture[str], *, figures: bool = False
) -> tuple[int, list[str]]:
    """Run; the stderr lines without the status lines of a successful run.

    ``wrote`` (``已写入``) and the note naming the report's suspect plots (``note: suspect
    plot``, ``注意：可疑小区``; a 38 % moisture is one) follow the file written.  A report is
    written without its figures (``--no-figures``, stop 47) unless ``figures``.
    """
    if argv[:1] == ["report"] and "--no-figures" not in argv and not figures:
        # the line is asserted, not the drawing, which took most of a warned report's time
        argv = [*argv, "--no-figures"]
    code, lines = run_cli(argv, capsys)
    status = ("wrote ", "已写入 ", "note: suspect plot", "注意：可疑小区")
    return code, [line for line in lines if not line.startswith(status)]


#: Entries of the Python API only (no command reaches them): the argument that raises.
#: ``analyze_many(contrasts=...)`` (network/_summary.py; the command takes no contrasts).
API_CASES: dict[str, Any] = {
    "network-contrast-unknown-label": {"a": {"X": 1}},
    "network-contrast-zero-weights": {"a": {"CK": 0}},
    "network-contrast-not-weights": {"a": {}},
    "network-contrasts-not-mapping": [1],
    "network-contrast-weight-not-number": {"a": {"CK": "x"}},
}


def test_every_catalogue_entry_has_a_case():
    """Each template is triggered by a test below, so none is left untested."""
    assert sorted([*CASES, *API_CASES]) == sorted(t.name for t in TEMPLATES)


@pytest.mark.parametrize("name", sorted(API_CASES))
def test_network_contrast_error_has_its_own_chinese_line(name: str) -> None:
    """analyze_many's contrast errors: the entry's regex matches the English, the zh is Chinese.

    The unknown label's message was seen as catalogued by the source check (its words are
    in another entry's pattern) but had no Chinese line (stop 50 noticed, tidy56).  Four
    plots of two sites suffice: the contrasts are checked after the fit.
    """
    import pandas as pd

    from yieldtrial import analyze_many

    data = pd.DataFrame(
        {
            "site": ["A"] * 4 + ["B"] * 4,
            "block": ["1", "1", "2", "2"] * 2,
            "treatment": ["CK", "T"] * 4,
            "yield_kg_ha": [6000.0, 6400.0, 6100.0, 6600.0, 5500.0, 5800.0, 5700.0, 5900.0],
        }
    )
    with pytest.raises(DataValidationError) as raised:
        analyze_many(data, by="site", response="yield_kg_ha", treatment="treatment",
                     block="block", contrasts=API_CASES[name])  # fmt: skip
    english = str(raised.value)
    template = next(t for t in TEMPLATES if t.name == name)
    assert template.regex.fullmatch(english), english
    chinese = translate(english) or ""
    assert chinese.startswith(("对比 ", "contrasts 须")), chinese
    rest = _KEPT_WORDS.sub("", _QUOTED.sub("", chinese.removeprefix("contrasts")))
    assert not re.search(r"[A-Za-z]{2,}", re.sub(r"\b(?:list|CK)\b", "", rest)), chinese
    assert ", " not in _QUOTED.sub("", chinese.split("如")[0]), chinese  # CK、T


@pytest.mark.parametrize("run", sorted(RUNS))
def test_catalogue_regex_matches_the_real_english_message(run, tmp_path, capsys, monkeypatch):
    """The English line the code really prints is matched in full by the entry's regex."""
    argv, _ = RUNS[run](tmp_path)
    name = run.split(" ")[0]
    if name in CLOSED_STDOUT:
        monkeypatch.setattr(sys, "stdout", None)
    code, lines = _message_lines(argv, capsys, figures=name in WITH_FIGURES)
    lines = lines[-1:] if name in LAST_LINE else lines
    assert len(lines) == 1, lines
    prefix = "yieldtrial: warning: " if name in WARNINGS else "yieldtrial: error: "
    prefix += LEFT_OUT.get(name, ("", ""))[0]
    assert code == (0 if name in WARNINGS else 1), lines
    assert lines[0].startswith(prefix), lines
    template = next(t for t in TEMPLATES if t.name == name)
    assert template.regex.fullmatch(lines[0].removeprefix(prefix)), lines[0]


@pytest.mark.parametrize("run", sorted(RUNS))
def test_line_is_chinese_under_lang_zh(run, tmp_path, capsys, monkeypatch):
    """One Chinese line, the same exit status, the user's value verbatim, no English left."""
    argv, kept = RUNS[run](tmp_path)
    name = run.split(" ")[0]
    if name in CLOSED_STDOUT:
        monkeypatch.setattr(sys, "stdout", None)
    inputs = [Path(a) for a in argv if Path(a).is_file()]
    before = digests(inputs)
    code, lines = _message_lines([*argv, "--lang", "zh"], capsys, figures=name in WITH_FIGURES)
    lines = lines[-1:] if name in LAST_LINE else lines
    assert len(lines) == 1, lines
    prefix = "yieldtrial: 警告：" if name in WARNINGS else "yieldtrial: 错误："
    prefix += LEFT_OUT.get(name, ("", ""))[1]
    assert code == (0 if name in WARNINGS else 1), lines
    assert lines[0].startswith(prefix), lines
    assert kept in lines[0], lines[0]
    assert digests(inputs) == before
    rest = re.sub(NAMES.get(name, "^$"), "", lines[0].removeprefix(prefix))
    rest = _KEPT_WORDS.sub("", _QUOTED.sub("", rest))
    assert not re.search(r"[A-Za-z]{2,}", rest), (rest, lines[0])


def test_uncatalogued_message_stays_english_under_lang_zh(tmp_path, capsys):
    """An error the catalogue does not hold is printed in English, whole."""
    # not catalogued: an ASCII table read as UTF-16 (no decode error, a garbled header)
    text = HEADER + "".join(ROWS)
    text += "\n" * (len(text.encode()) % 2)  # an even number of bytes decodes as UTF-16
    path = tmp_path / "plots.csv"
    path.write_text(text, encoding="utf-8")
    argv = _report(tmp_path, path, "--encoding", "utf-16-le", *_html(tmp_path))
    code, lines = _message_lines([*argv, "--lang", "zh"], capsys)
    assert code == 1
    assert lines == [lines[0]]
    assert lines[0].startswith("yieldtrial: error: "), lines
    assert "the file does not read as 'utf-16-le'" in lines[0], lines


def test_listing_with_an_unknown_english_word_stays_english():
    """A listing holding a word the catalogue cannot translate leaves the whole line English."""
    message = (
        "plots.csv: fresh_mass_kg (mass) must be in [0, inf); 1 value out of range: "
        "sample '102' = -3. Masses and yields cannot be negative"
    )
    assert translate(message) is None


@pytest.mark.parametrize(
    ("call", "start"),
    [
        (lambda: convert_yield(1.0, "kg/muu", "kg/ha"), "from_unit：未知的产量单位 'kg/muu'（是否"),
        (lambda: convert_yield(1.0, "kg/mu", "kg/hq"), "to_unit：未知的产量单位 'kg/hq'（是否"),
        (lambda: convert_yield(1.0, "kg/mu", "xx"), "to_unit：未知的产量单位 'xx'；可用"),
        (
            lambda: plot_yield(
                14.0, harvested_area_m2=20.0, moisture_pct=15, standard_moisture_pct=13, unit="kg/x"
            ),
            "unit：未知的产量单位 'kg/x'；可用",
        ),
    ],
    ids=["from_unit", "to_unit", "to_unit-no-close", "plot_yield-unit"],
)
def test_unknown_yield_unit_named_by_its_argument_is_chinese(
    call: Callable[[], object], start: str
) -> None:
    """The API's ``from_unit:`` / ``to_unit:`` / ``unit:`` prefix (stop 41) keeps the entry."""
    with pytest.raises(DataValidationError) as raised:
        call()
    chinese = translate(str(raised.value)) or ""
    assert chinese.startswith(start), (str(raised.value), chinese)


def test_user_value_with_english_words_is_kept_verbatim():
    """A quoted value is never translated, even when it reads like a listing word."""
    message = (
        "control 'plot 7 and 2 more' is not a treatment of this trial; treatments present: "
        "'CK', 'T'. Labels are case-sensitive: pass --control one of them"
    )
    assert "'plot 7 and 2 more'" in (translate(message) or "")


def test_design_takes_lang_zh_for_its_errors(tmp_path, capsys):
    """``design --lang zh`` names its command in the Chinese prefix."""
    out = tmp_path / "book.csv"
    out.write_text("my notes\n", encoding="utf-8")
    argv = ["design", "rcbd", "--treatments", "CK,T", "--blocks", "2", "-o", str(out)]
    code, lines = _message_lines([*argv, "--lang", "zh"], capsys)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith("yieldtrial: 错误：'"), lines
    assert out.read_text(encoding="utf-8") == "my notes\n"


def test_next_run_is_english_again(tmp_path, capsys):
    """The language of one in-process run does not leak into the next."""
    argv, _ = _case_no_such_file(tmp_path)
    _message_lines([*argv, "--lang", "zh"], capsys)
    _, lines = _message_lines(argv, capsys)
    assert lines[0].startswith("yieldtrial: error: cannot read"), lines


def _network(folder: Path, tmp: Path, *extra: str) -> list[str]:
    argv = ["network", str(folder), "--crop", "wheat", "--control", "CK", *extra]
    return [*argv, "-o", str(tmp / "n.md")]


def _fraction_at_qixian(site: str, block: int, treatment: str) -> str:
    return "0.15" if (site, block, treatment) == ("祁县", 2, "N1") else "15.0"


def test_network_left_out_line_is_chinese(tmp_path, capsys):
    """``network``'s own "left out site ..." line goes through the catalogue (its reason)."""
    folder = _site_files(tmp_path / "sites", _fraction_at_qixian)
    code, lines = _message_lines([*_network(folder, tmp_path), "--lang", "zh"], capsys)
    assert code == 0
    assert lines == [
        "yieldtrial: 警告：已剔除试点 '祁县'：祁县.csv：moisture_pct 中小区 '2-N1' = 0.15 "
        "像是混在百分数中的小数（其他小区为 15；yieldtrial 要求百分数 0-100，而含水量低于 1% "
        "的籽粒不会收获）：请改为百分数（0.15 写作 15），或更正该值"
    ]


def test_network_left_out_reason_matches_the_catalogue_in_english(tmp_path, capsys):
    """The English line's reason is the one the mixed-fraction entry matches."""
    folder = _site_files(tmp_path / "sites", _fraction_at_qixian)
    code, lines = _message_lines(_network(folder, tmp_path), capsys)
    assert code == 0
    start = "yieldtrial: warning: left out site '祁县': "
    assert len(lines) == 1 and lines[0].startswith(start), lines
    assert translate(lines[0].removeprefix(start)) is not None


def test_network_trial_warning_line_is_chinese(tmp_path, capsys):
    """A warning the sites share (``site '太谷', ...: TEXT``) is Chinese, the sites verbatim."""
    folder = _site_files(tmp_path / "sites", lambda *_: "15.0", extra="杂质率(%)=0.5")
    code, lines = _message_lines([*_network(folder, tmp_path), "--lang", "zh"], capsys)
    assert code == 0
    assert lines == [
        "yieldtrial: 警告：试点 '太谷'、'榆次'、'祁县'：impurity_pct 的值全部在 [0, 1) 之间"
        "（最大 0.5）：若为小数形式，请乘以 100 换算为百分数。"
        "低于 1% 的值也属可能，故按所给数值计算"
    ]


def test_network_left_out_line_with_uncatalogued_reason_stays_english(
    tmp_path, capsys, monkeypatch
):
    """A site left out for a reason the catalogue does not hold: the whole line in English.

    The reason (a harvested area below 0) is catalogued since stop 38; the entry is taken
    out of the catalogue here, so the test keeps meaning "a reason not catalogued".
    """
    from yieldtrial.commands import _zh_messages

    kept = tuple(t for t in _zh_messages.TEMPLATES if t.name != "area-range")
    monkeypatch.setattr(_zh_messages, "TEMPLATES", kept)
    folder = _site_files(tmp_path / "sites", lambda *_: "15.0", area="-0.05")
    code, lines = _message_lines([*_network(folder, tmp_path), "--lang", "zh"], capsys)
    assert code == 0
    assert len(lines) == 1, lines
    assert lines[0].startswith("yieldtrial: warning: left out site '祁县': "), lines
    assert "harvested_area_mu (harvested area, mu) must be in (0, inf)" in lines[0], lines


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        pytest.param(
            "plot_id,block,treatment,row,column,harvested_area_m2,fresh_mass_kg,moisture_pct",
            "1,1,A,x,1,20,15,13\n2,1,B,1,2,20,16,13",
            ["'row' 第 2 行（小区 '1'）：'x'"],
            id="row",  # "row row 2" had left the line in English
        ),
        pytest.param(
            "plot_id,block,treatment,Row,column,harvested_area_m2,fresh_mass_kg,Moisture",
            "1,1,A,x,1,20,15,13\n2,1,B,1,2,20,16,y",
            [
                "'row'（表头 'Row'）第 2 行（小区 '1'）：'x'",
                "moisture_pct（表头 'Moisture'）第 3 行（小区 '2'）：'y'",
            ],
            id="renamed",  # "(header 'Moisture')" had left the line in English
        ),
    ],
)
def test_bad_cell_listing_is_translated(
    tmp_path: Path, capsys, header: str, rows: str, expected: list[str]
) -> None:
    """The listing of bad cells translates, whatever the column is called or renamed from."""
    plots = tmp_path / "plots.csv"
    plots.write_text(f"{header}\n{rows}\n", encoding="utf-8")
    code, lines = run_cli(
        ["report", str(plots), "--crop", "wheat", "--lang", "zh", "-o", str(tmp_path / "r.html")],
        capsys,
    )
    assert code == 1
    assert len(lines) == 1
    for text in expected:
        assert text in lines[0]
    assert lines[0].startswith("yieldtrial: 错误：")


@pytest.mark.parametrize(
    ("header", "cell"),
    [('it\'s "q"', "y"), ("Moisture", "5'6\"")],
)
def test_bad_cell_listing_with_both_quotes_is_wholly_translated(
    tmp_path: Path, capsys, header: str, cell: str
) -> None:
    """A header or cell holding both quotes (repr with an escaped quote) translates whole.

    The listing was split at the escaped quote, so "row 3 (plot '2')" counted as quoted
    and stayed English inside the Chinese line.
    """
    plots = tmp_path / "plots.csv"
    plots.write_text(
        "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg," + _csv_field(header) + "\n"
        f"1,1,A,20,15,13\n2,1,B,20,16,{_csv_field(cell)}\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    argv = ["report", str(plots), "--crop", "wheat", "--lang", "zh", "-o", str(out)]
    code, lines = run_cli([*argv, "--column", f"{header}=moisture_pct"], capsys)
    assert code == 1 and len(lines) == 1 and not out.exists()
    assert f"moisture_pct（表头 {header!r}）第 3 行（小区 '2'）：{cell!r}；" in lines[0]
    assert " row " not in lines[0] and "(plot" not in lines[0]


def _csv_field(text: str) -> str:
    """``text`` as one CSV field (quoted, inner quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


def test_unsaved_formula_listing_with_more_cells_has_no_stray_space():
    """Six formula cells: the count of the rest is followed by 中的 directly."""
    cells = ", ".join(f"{c}1 (=1)" for c in "ABCDE")
    message = (
        f"f.xlsx: cells {cells} and 1 more hold a formula whose result was never saved (the "
        "file was written by a program that does not calculate), so the value is unknown. "
        "Open the workbook in Excel or LibreOffice and save it, or replace the formulas by "
        "their values"
    )
    listed = cells.replace(", ", "、")  # the cells joined with 、 (tidy56)
    assert f"单元格 {listed} 等（另有 1 个）中的公式" in (translate(message) or "")


def test_setting_range_with_an_uncatalogued_fix_stays_english():
    """A range message whose 'expected ...' the catalogue does not hold is not translated."""
    message = "'t.toml': alpha = 2; alpha must be in [0.0001, 0.5]: expected a new thing."
    assert translate(message) is None


def test_whole_positions_of_a_renamed_column_has_no_stray_space(tmp_path, capsys):
    """'row' read from a header 'Row': 应为 follows the closing bracket directly."""
    header = HEADER.rstrip("\n") + ",Row,column\n"
    positions = ("1", "1.5", "3", "4")
    rows = [r.rstrip("\n") + f",{p},1\n" for r, p in zip(ROWS, positions, strict=True)]
    argv = _report(tmp_path, _table(tmp_path, rows, header), *_html(tmp_path))
    code, lines = _message_lines([*argv, "--lang", "zh"], capsys)
    assert code == 1 and len(lines) == 1, lines
    assert "：'row'（表头 'Row'）应为整数的田间位置" in lines[0]


@pytest.mark.parametrize(
    ("copies", "shown"),
    [
        ("'s2'", "'s2' 与"),  # a space between a quoted name and 与
        ("'s2', 's3', 's4', 's5', 's6' and 2 more", "等（另有 2 个）与"),  # none after ）
    ],
)
def test_copied_trials_line_spaces_before_yu(copies, shown):
    """The listing of copies meets 与 with a space only after a quoted name."""
    message = (
        f"site {copies} have the same plot data as site 's1' (treatment and yield_kg_ha of all "
        "6 plots): copied data count one trial twice in the summary across sites; check the "
        "data of these trials"
    )
    assert f"{shown}试点 's1' 的小区数据完全相同" in (translate(message) or "")


def test_setting_given_on_the_command_line_is_chinese(tmp_path, capsys):
    """``--standard-moisture-pct 1e-300``: the implausible-standard line names 命令行."""
    argv = _report(tmp_path, plot_table(tmp_path), "--standard-moisture-pct", "1e-300")
    code, lines = _message_lines([*argv, *_html(tmp_path), "--lang", "zh"], capsys)
    assert code == 1 and len(lines) == 1, lines
    start = "yieldtrial: 错误：命令行：--standard-moisture-pct = 1e-300 不合理"
    assert lines[0].startswith(start), lines


def test_empty_impurity_column_line_is_chinese(tmp_path, capsys):
    """The whole line, the (enter 0 ...) hint included; the rows and plot ids verbatim."""
    argv, _ = _case_harvest_cell_empty(tmp_path)
    code, lines = _message_lines([*argv, "--lang", "zh"], capsys)
    assert code == 1
    assert lines == [
        "yieldtrial: 错误：plots.csv：第 2 行（小区 '101'）、第 3 行（小区 '102'）、"
        "第 4 行（小区 '201'）、第 5 行（小区 '202'）有鲜重，"
        "但 impurity_pct（表头 '杂质%'）为空；请填写（未扣除则填 0），若小区缺失，请把鲜重也留空"
    ]


def test_empty_moisture_cells_line_is_chinese_without_the_zero_hint():
    """moisture_pct has no "enter 0" (a moisture is measured, never 0 by default)."""
    english = (
        "p.csv: moisture_pct is empty for plot '1', which has a fresh mass; fill it in, or "
        "leave the mass empty too if the plot is missing"
    )
    assert translate(english) == (
        "p.csv：小区 '1' 有鲜重，但 moisture_pct 为空；请填写，若小区缺失，请把鲜重也留空"
    )


#: Every number option of the commands that take --lang, with a value out of its range.
OUT_OF_RANGE = {
    "report": {
        "--standard-moisture-pct": "150",
        "--shrink-pct-per-point": "-1",
        "--margin-pct": "100",
        "--alpha": "0.9",
    },
    "network": {
        "--standard-moisture-pct": "150",
        "--shrink-pct-per-point": "-1",
        "--margin-pct": "-1",
        "--alpha": "0",
        "--exclude-cv-above": "-5",
    },
}


def test_out_of_range_cases_cover_every_number_option():
    """The table below names every number option of report and network (none forgotten)."""
    import argparse

    from yieldtrial.cli import build_parser
    from yieldtrial.commands._input import number_option

    parser = build_parser(("report", "network"))
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for command, options in OUT_OF_RANGE.items():
        found = {
            action.option_strings[0]
            for action in sub.choices[command]._actions
            if action.type is number_option
        }
        assert found == set(options), command


@pytest.mark.parametrize(
    ("command", "option"), [(c, o) for c, options in OUT_OF_RANGE.items() for o in options]
)
def test_number_option_out_of_range_is_chinese(command, option, tmp_path, capsys):
    """Each number option's range error is one Chinese line under --lang zh (stop 38)."""
    value = OUT_OF_RANGE[command][option]
    if command == "report":
        argv = [*_report(tmp_path, plot_table(tmp_path), option, value), *_html(tmp_path)]
    else:
        argv = _network(_site_files(tmp_path / "sites", lambda *_: "15.0"), tmp_path, option, value)
    code, lines = _message_lines([*argv, "--lang", "zh"], capsys)
    assert code == 1 and len(lines) == 1, lines
    assert lines[0].startswith("yieldtrial: 错误："), lines
    rest = _KEPT_WORDS.sub("", _QUOTED.sub("", lines[0]))
    assert not re.search(r"[A-Za-z]{2,}", rest), (rest, lines[0])


def test_control_of_a_one_factor_table_is_chinese_too():
    """The other form of the control message (no factor named) has its Chinese line too."""
    line = translate(
        "control 'ck' is not a treatment of the plot table; levels: CK, T. Fix the control "
        "(control=, --control on the command line, or [analysis] control in trial.toml)."
    )
    assert line == (
        "对照 'ck' 不是小区数据表中的处理；现有水平：CK、T。请更正对照（命令行的 --control，"
        "或 trial.toml 中 [analysis] 的 control）。"
    )


def test_exclude_cv_above_zero_says_leave_it_out(tmp_path, capsys):
    """``network --exclude-cv-above 0``: no "or None" on the command line."""
    argv, _ = _case_exclude_cv_range(tmp_path)
    line = assert_one_line_error(argv, capsys, match=r"--exclude-cv-above must be a CV")
    assert "None" not in line and "or left out" in line


def test_several_problems_line_is_chinese(tmp_path, capsys):
    """'N problems: (1) ...; (2) ...' is Chinese when each problem is catalogued (stop 38)."""
    argv = _plots_text(tmp_path, HEADER + ",,,m2,x,%\n" + "".join(ROWS))  # not a unit row
    code, lines = _message_lines([*argv, "--lang", "zh"], capsys)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith("yieldtrial: 错误：小区 表.csv：4 个问题：（1）数值列中有 3 个"), (
        lines
    )
    assert "；（4）第 2 行中处理列（treatment）为空；" in lines[0], lines


def test_several_problems_with_one_uncatalogued_stay_english():
    """One problem the catalogue does not hold leaves the whole line in English."""
    message = (
        "p.csv: 2 problems: (1) the file is empty; expected a header row (plot_id, treatment, "
        "...) and one row per plot; (2) something new"
    )
    assert translate(message) is None


def test_every_os_error_hint_has_its_chinese_form():
    """Each hint of io.oserrors (disk full, read-only, ...) is catalogued (stop 39).

    The system's own reason (``os.strerror``) is left out of the Chinese line: the hint
    says it, and the operating system's words are English.
    """
    from yieldtrial.io import oserrors

    for number, hint in oserrors._HINTS.items():
        english = oserrors.describe_os_error(
            OSError(number, os.strerror(number)), "报告.html", "write"
        )
        assert english.endswith(f"({hint})"), english
        chinese = translate(english)
        assert chinese is not None, english
        assert chinese.startswith("无法写入 '报告.html'："), chinese
        assert not re.search(r"[A-Za-z]{2,}", chinese.replace("报告.html", "")), chinese


def _trial_frame(trts: tuple[str, ...] = ("CK", "T"), site: str = "A") -> Any:
    """One RCBD trial of 3 blocks with varying yields (kg/ha), not additive: it fits."""
    import pandas as pd

    rows = [
        {"site": site, "treatment": t, "block": b, "yield_kg_ha": 5000.0 + 300 * i + 70 * b * b}
        for b in (1, 2, 3)
        for i, t in enumerate(trts)
    ]
    return pd.DataFrame(rows)


def _with_site_b(frame: Any) -> Any:
    """``frame`` (site A) and a sound trial B with the control, so the control is known."""
    import pandas as pd

    return pd.concat([frame, _trial_frame(site="B")], ignore_index=True)


def _set_cell(value: Any) -> Any:
    frame = _trial_frame()
    frame["yield_kg_ha"] = frame["yield_kg_ha"].astype(object)
    frame.loc[2, "yield_kg_ha"] = value
    return frame


def _blank_t() -> Any:
    frame = _trial_frame()
    frame.loc[frame["treatment"] == "T", "yield_kg_ha"] = float("nan")
    return frame


def _no_control() -> Any:
    frame = _trial_frame()
    frame["treatment"] = frame["treatment"].replace({"CK": "X"})
    return _with_site_b(frame)


def _copied() -> Any:
    frame = _trial_frame()
    frame["yield_kg_ha"] = 6000.0
    return frame


def _additive() -> Any:  # block + treatment effects only: residuals 0
    frame = _trial_frame()
    frame["yield_kg_ha"] = 5000.0 + 10 * frame["block"] + 50 * (frame["treatment"] == "T")
    return frame


#: Each ``network`` failure reason entry (NETWORK_REASONS) -> (trials, the engine's screen
#: reason rather than the shared layer's refit): site A of the trials fails for that reason.
REASONS: dict[str, tuple[Callable[[], Any], bool]] = {
    "bad-row": (lambda: _set_cell(-5.0), True),
    "no-observed-level": (_blank_t, False),
    "no-observed-level (screen)": (_blank_t, True),
    "fewer-than-two": (lambda: _with_site_b(_trial_frame(("CK",))), True),
    "control-absent": (_no_control, True),
    "control-absent-listed": (_no_control, False),
    "same-value": (_copied, False),
    "network-one-level": (lambda: _with_site_b(_trial_frame(("CK",))), False),
    "negative": (lambda: _set_cell(-5.0), False),
    "boolean": (lambda: _set_cell(True), False),
    "out-of-scale-high": (lambda: _set_cell(1e200), False),
    "out-of-scale-low": (lambda: _set_cell(1e-200), False),
    "exact-fit": (_additive, False),
}
#: Entries no input reaches today (the engine's last-resort reasons): their English is
#: the source's text, checked by test_last_resort_reasons_are_chinese.
LAST_RESORT = {
    "not-analysed-why": "trial could not be analysed (treatments without plots, a single "
    "treatment, or no control plots).",
    "not-analysed": "trial could not be analysed",
}


def _failure_reason(name: str, monkeypatch: pytest.MonkeyPatch) -> str:
    import warnings

    import yieldtrial
    from yieldtrial.network import _engine

    make, screen = REASONS[name]
    if screen:  # beyond REFIT_LIMIT failures the screen's reason is kept
        monkeypatch.setattr(_engine, "REFIT_LIMIT", -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = yieldtrial.analyze_many(
            make(), by="site", response="yield_kg_ha", treatment="treatment", block="block",
            control="CK",
        )  # fmt: skip
    row = result.per_trial[result.per_trial["site"] == "A"].iloc[0]
    assert row["status"] == "failed", row
    return str(row["reason"])


def test_template_names_are_unique_across_the_catalogues():
    """A name picks one entry: 'one-level' was a factor message and a network reason."""
    from collections import Counter

    from yieldtrial.commands._zh_messages import NETWORK_REASONS, TEMPLATES, USAGE_TEMPLATES

    names = Counter(t.name for t in (*TEMPLATES, *NETWORK_REASONS, *USAGE_TEMPLATES))
    assert [name for name, n in names.items() if n > 1] == []


def test_every_network_reason_has_a_case():
    """Each failure reason entry is met by a real trial below (or is a last resort)."""
    from yieldtrial.commands._zh_messages import NETWORK_REASONS

    met = {name.split(" ")[0] for name in REASONS} | set(LAST_RESORT)
    assert sorted(met) == sorted(t.name for t in NETWORK_REASONS)


@pytest.mark.parametrize("name", sorted(REASONS))
def test_network_reason_entry_matches_the_engines_reason(name, monkeypatch):
    """The reason the engine records is matched in full by that entry, and nothing earlier."""
    from yieldtrial.commands._zh_messages import NETWORK_REASONS

    reason = _failure_reason(name, monkeypatch)
    first = next((t.name for t in NETWORK_REASONS if t.regex.fullmatch(reason)), None)
    assert first == name.split(" ")[0], reason


@pytest.mark.parametrize("name", sorted(REASONS))
def test_network_reason_is_chinese(name, monkeypatch):
    """It is catalogued, and its Chinese form leaves no English word outside the quotes."""
    from yieldtrial.commands._zh_messages import network_reason_zh

    chinese = network_reason_zh(_failure_reason(name, monkeypatch)) or ""
    assert chinese, chinese
    rest = _QUOTED.sub("", chinese).replace("TRUE/FALSE", "").replace("True", "")
    assert not re.search(r"[A-Za-z]{2,}", rest), chinese


@pytest.mark.parametrize("name", sorted(LAST_RESORT))
def test_last_resort_reasons_are_chinese(name):
    """The engine's fallback reasons (no input reaches them today) are catalogued too."""
    from yieldtrial.commands._zh_messages import network_reason_zh

    chinese = network_reason_zh(LAST_RESORT[name]) or ""
    assert chinese.startswith("试验无法分析"), chinese


def test_none_analysed_with_an_uncatalogued_reason_stays_english():
    """One first reason the catalogue does not hold: the whole line stays English."""
    message = (
        "no trial could be analysed: 2 trials, all failed; first reasons: (1) site 'A': "
        "fewer than two treatments with observed plots; (2) site 'B': something new. Check "
        "the control, treatment and block columns and the yields"
    )
    assert translate(message) is None


def test_none_analysed_names_several_trial_keys():
    """``--by site year``: the trials' keys are 试点/年份 and their values verbatim."""
    message = (
        "no trial could be analysed: 1 trials, all failed; first reasons: (1) site/year "
        "'A / 2024': fewer than two treatments with observed plots. Check the control, "
        "treatment and block columns and the yields"
    )
    assert "（1）试点/年份 'A / 2024'：有观测值的小区所属处理少于两个。" in (
        translate(message) or ""
    )


def test_template_compiles_its_pattern_on_first_use() -> None:
    """A Template compiles its regular expression when first matched, not when made.

    English runs never match the 260 templates; compiling them at import cost every
    command 0.044 s of CPU (stop 42).
    """
    from yieldtrial.commands._zh_messages import Template

    template = Template("demo", r"no (?P<what>\w+)", "没有{what}")
    assert "regex" not in vars(template)
    assert template.regex.fullmatch("no crop")["what"] == "crop"
    assert vars(template)["regex"] is template.regex  # compiled once, then kept


def test_several_unlinked_p_rep_blocks_are_named_in_chinese():
    """Blocks 4 and 5 nothing links (SYNTHETIC p-rep table): the others in brackets (stop 45)."""
    import pandas as pd

    from yieldtrial.stats.augmented import check_linked_blocks

    rows = [(str(b), ck) for b in (1, 2, 3) for ck in ("CK1", "CK2")]
    rows += [("1", "E1"), ("2", "E1"), ("4", "E2"), ("5", "E3")]
    table = pd.DataFrame(rows, columns=["block", "treatment"]).assign(y=1.0)
    with pytest.raises(DataValidationError) as err:
        check_linked_blocks(table, response="y", treatment="treatment", block="block",
                            checks=["CK1", "CK2"])  # fmt: skip
    assert "cannot be adjusted (nor those of block(s) '5'): the p-rep" in str(err.value)
    chinese = translate(str(err.value))
    assert chinese is not None
    assert "其参试材料 'E2' 无法校正（区组 '5' 的参试材料亦然）：部分重复设计不连通" in chinese


def test_unknown_crop_named_by_its_trial_toml_is_chinese():
    line = translate(
        "'trial.toml': unknown crop 'wheet' (did you mean 'wheat'?); known crops (with some "
        "aliases): wheat (winter wheat, spring wheat, 小麦)"
    )
    assert line == (  # Chinese punctuation between the crops and their aliases (tidy56b)
        "'trial.toml'：未知作物 'wheet'（是否想写 'wheat'？）；已知作物（括号内为部分别名）："
        "wheat（winter wheat、spring wheat、小麦）"
    )


def test_network_column_not_found_joins_the_columns_with_dun_hao():
    """The names and the data's columns were joined with ", " (stop 46); a name keeps its comma."""
    line = translate(
        "column(s) not found: --response '产量', --block 'rep' (did you mean 'Rep'?); the data "
        "have columns 'site', 'plot_id', 'a, b'. Pass the right names or rename the columns."
    )
    assert line == (
        "找不到列：--response '产量'、--block 'rep'（是否想写 'Rep'？）；数据中的列："
        "'site'、'plot_id'、'a, b'。请给出正确的列名，或重命名这些列"
    )


@pytest.mark.parametrize(
    ("items", "chinese"),
    [
        ("plot '302'", "小区 '302' 有鲜重"),  # a quoted id: a space before the Chinese
        (  # a cut listing ends in a full-width bracket: no space after it (stop 47)
            "plot '302', plot '303', plot '304', plot '305', plot '306' and 4 more",
            "等（另有 4 个）有鲜重",
        ),
    ],
)
def test_harvest_cell_empty_spaces_only_after_a_quoted_id(items, chinese):
    """A stray space followed the full-width bracket: "等（另有 4 个） 有鲜重"."""
    which = "which has" if " and " not in items else "which have"
    line = translate(
        f"plots.csv: impurity_pct is empty for {items}, {which} a fresh mass; fill it in (enter "
        "0 if nothing was deducted), or leave the mass empty too if the plot is missing"
    )
    assert line is not None and chinese in line
