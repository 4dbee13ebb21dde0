"""Stop 48, a user's pass at size: what a breeder, a network and a Chinese station got wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from yieldtrial.cli import main

#: Raw plot means (kg/ha) of a small RCBD, 5 treatments x 3 blocks; plot 102 (A, block 1)
#: is typed 1,300 kg/ha low, so the outlier test flags it.
_MEANS = {"CK": 9100, "A": 9250, "B": 8800, "C": 8950, "D": 9150}
_NOISE = [[30, -40, 10], [20, 35, -55], [-25, 15, 10], [40, -20, -20], [-10, 25, -15]]


def _rcbd_with_outlier(path: Path) -> Path:
    rows = ["plot_id,treatment,block,yield_kg_ha"]
    for b in (1, 2, 3):
        for j, (trt, mean) in enumerate(_MEANS.items()):
            y = mean - 1300 if (b, trt) == (1, "A") else mean + 3 * _NOISE[j][b - 1]
            rows.append(f"{b}{j + 1:02d},{trt},{b},{y}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _suspect_row(report: Path, plot: str) -> list[str]:
    """Return the cells of ``plot``'s row in the first Markdown table listing it (suspects)."""
    for line in report.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"| {plot} |"):
            return [cell.strip() for cell in line.strip("|").split("|")]
    raise AssertionError(f"no row of plot {plot}")


@pytest.mark.parametrize(
    ("lang", "label", "unit"), [("en", "yield", "kg/mu"), ("zh", "产量", "kg/亩")]
)
def test_suspect_plot_in_kg_mu_is_named_yield_with_the_tables_decimals(tmp_path, lang, label, unit):
    """A suspect plot's yield in kg/mu is named "yield" and shown with 2 decimals.

    Reported in kg/mu (every Chinese report's default), the suspect-plot table showed the
    column name ``yield_kg_mu`` (also in a Chinese report) and 3 decimals (562.353) where the
    plot table shows 2 (562.35).

    Expected: plot 102 is 9,250 - 1,300 = 7,950 kg/ha = 7,950 / 15 = 530.00 kg/mu (1 mu =
    1/15 ha), shown as the plot table shows a kg/mu yield (2 decimals), its variable named as
    the kg/ha yield's is.
    """
    plots = _rcbd_with_outlier(tmp_path / "p.csv")
    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--crop", "maize", "--control", "CK", "--unit", "kg/mu",
            "--lang", lang, "--no-figures", "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    row = _suspect_row(out, "102")
    assert row[3] == label
    assert row[4] == f"530.00\u00a0{unit}"


def test_plot_listing_of_many_entries_goes_to_a_csv_next_to_the_report(tmp_path, monkeypatch):
    """More entries than the report lists: the plot listing is summarised, every plot in a CSV.

    A 1,000-entry alpha design on 2 replicates (2,000 plots, at the plot-listing limit) listed
    every plot: 54 of the HTML report's pages. With the entry limit lowered to 10 (as
    tests/test_report_entries.py does), 12 entries x 2 blocks: the first 20 plots are listed,
    the 24 in ``r_plots.csv``, and the Chinese note says so in Chinese.
    """
    from yieldtrial.report import entries

    monkeypatch.setattr(entries, "ENTRY_TABLE_LIMIT", 10)
    rows = ["plot_id,treatment,block,yield_kg_ha"]
    for b in (1, 2):
        for j in range(12):
            trt = "CK" if j == 0 else f"E{j:02d}"
            rows.append(f"{b}{j:02d},{trt},{b},{7000 + 37 * j + 11 * b + (13 * j * b) % 29}")
    plots = tmp_path / "p.csv"
    plots.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "r.md"
    argv = ["report", str(plots), "--crop", "maize", "--control", "CK", "--unit", "kg/ha",
            "--lang", "zh", "--no-figures", "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    text = out.read_text(encoding="utf-8")
    assert "本试验共 12 个处理、24 个小区，处理数超过报告逐一列出的上限（10 个）" in text
    assert "全部小区见本报告同目录下的 r\\_plots.csv 文件" in text
    written = (tmp_path / "r_plots.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(written) == 1 + 24  # the header and every plot


@pytest.mark.parametrize("given", ["labels.txt", "@labels.txt"])
def test_design_labels_given_as_a_file_name_say_how_to_pass_them(
    tmp_path, monkeypatch, capsys, given
):
    """A 1,000-line label file named on the command line was one "treatment" named after it.

    `design alpha --treatments labels.txt` said "treatments needs at least 4 levels; got 1
    (labels.txt)" (exit 1), which reads as if the file held one label. Now a usage error
    (exit 2) says that labels are read from the command line and how to pass the file's.
    """
    monkeypatch.chdir(tmp_path)
    (tmp_path / "labels.txt").write_text("\n".join(f"G{i:04d}" for i in range(1, 1001)) + "\n")
    argv = ["design", "alpha", "--treatments", given, "--block-size", "10", "--replicates", "2",
            "-o", "fb.csv"]  # fmt: skip
    assert main(argv) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == (
        f"yieldtrial design: error: --treatments '{given}' is a file, not a label: the labels "
        "are read from the command line; give them space-separated or as a comma list, e.g. "
        "--treatments $(cat labels.txt)"
    )
    assert not (tmp_path / "fb.csv").exists()


def test_design_label_that_is_no_file_is_a_label(tmp_path, monkeypatch):
    """A label with a dot that names no file (a variety 'Zheng.58'), is a label as before."""
    monkeypatch.chdir(tmp_path)
    argv = ["design", "rcbd", "--treatments", "Zheng.58", "CK", "T", "--control", "CK",
            "--blocks", "2", "--seed", "1", "-o", "fb.csv"]  # fmt: skip
    assert main(argv) == 0
    assert "Zheng.58" in (tmp_path / "fb.csv").read_text(encoding="utf-8")


def test_every_step_of_a_long_run_has_its_chinese_name():
    """Every step named in the source has its Chinese status name.

    The status line of a 200-entry report under --lang zh read "report：Dunnett critical
    values……": every ``stage("...")`` and ``DUNNETT_STAGE`` is in ``STATUS_ZH``.
    """
    import re

    import yieldtrial
    from yieldtrial.commands._zh_messages import STATUS_ZH
    from yieldtrial.stats.compare import DUNNETT_STAGE

    src = Path(yieldtrial.__file__).parent
    steps = {DUNNETT_STAGE}
    for module in src.rglob("*.py"):
        steps.update(re.findall(r'\bstage\("([^"{}]+)"\)', module.read_text(encoding="utf-8")))
    assert len(steps) >= 12
    assert sorted(steps - set(STATUS_ZH)) == []
