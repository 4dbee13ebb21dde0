"""A one-factor RCBD plot with no row in the table is a missing plot in the data-quality section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from yieldtrial.datasets import example_path
from yieldtrial.report.files import report_from_files

DATE = "2026-01-01"


pytestmark = pytest.mark.usefixtures("close_figures")


def _plots_without(tmp_path: Path, drop: set[str], empty: frozenset[str] = frozenset()) -> Path:
    """Write the shipped replicated RCBD (3 treatments x 4 blocks) without the rows ``drop``."""
    lines = example_path("replicated-rcbd").read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[0] in drop:
            continue
        if cells[0] in empty:
            cells[6] = ""  # fresh_mass_kg empty: row kept, plot lost
        out.append(",".join(cells))
    path = tmp_path / "plots.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _report(plots: Path, lang: str = "en") -> Any:
    report, _ = report_from_files(
        plots,
        example_path("replicated-rcbd", "trial.toml"),
        figures=False,
        report_date=DATE,
        lang=lang,
    )
    return report


def test_absent_row_is_counted_as_expected_plot(tmp_path: Path) -> None:
    # 3 treatments x 4 blocks = 12 expected; plot 203 (block B2, CK2) has no row: 11 observed
    md = _report(_plots_without(tmp_path, {"203"})).to_markdown()
    assert "Plots expected / observed: 12 / 11." in md
    assert "No plot is missing" not in md


def test_absent_row_is_listed_by_treatment_and_block(tmp_path: Path) -> None:
    report = _report(_plots_without(tmp_path, {"203"}))
    assert "CK2 in block B2: no row in the plot table" in report.to_markdown()
    assert report.results["missing_plots"] == [
        {
            "block": "B2",
            "treatment": "CK2",
            "reason": "no row in the plot table (each block holds every treatment once)",
        }
    ]


def test_absent_row_and_empty_mass_are_both_listed(tmp_path: Path) -> None:
    # 203 dropped, 101 (B1, CK2) kept with an empty mass: 12 expected, 10 observed
    report = _report(_plots_without(tmp_path, {"203"}, empty=frozenset({"101"})))
    md = report.to_markdown()
    assert "Plots expected / observed: 12 / 10." in md
    reasons = [row["reason"] for row in report.results["missing_plots"]]
    assert reasons[0] == "no harvest recorded"
    assert reasons[1].startswith("no row in the plot table")


def test_absent_row_in_chinese(tmp_path: Path) -> None:
    md = _report(_plots_without(tmp_path, {"203"}), lang="zh").to_markdown()
    assert "应有小区 / 实有小区：12 / 11。" in md
    assert "区组 B2 的 CK2：小区表中无此小区" in md


def test_complete_table_has_no_absent_cells(tmp_path: Path) -> None:
    md = _report(_plots_without(tmp_path, set())).to_markdown()
    assert "Plots expected / observed: 12 / 12." in md
    assert "No plot is missing or excluded." in md


def test_long_missing_list_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from yieldtrial.report.sections import data

    monkeypatch.setattr(data, "_MISSING_LISTED", 1)
    report = _report(_plots_without(tmp_path, {"203", "302"}))
    md = report.to_markdown()
    # Markdown escapes the backquotes and underscore (shown as text, as in HTML)
    assert r"and 1 more (all listed in the JSON report, \`missing\_plots\`)" in md
    assert len(report.results["missing_plots"]) == 2


@pytest.mark.parametrize("seed", range(30))
def test_cells_without_rows_equal_the_multiindex_difference(seed):
    """The coded search lists the set difference of the level product, in its order."""
    import numpy as np
    import pandas as pd

    from yieldtrial.report.sections.data import _cells_without_rows

    rng = np.random.default_rng(seed)
    keys = ["block", "a", "b"][: int(rng.integers(1, 4))]
    sizes = [int(rng.integers(1, 6)) for _ in keys]
    names = [[f"{k}{i}" for i in rng.permutation(s)] for k, s in zip(keys, sizes, strict=True)]
    n = int(rng.integers(0, 40))
    columns = zip(keys, names, strict=True)
    text = pd.DataFrame({k: pd.Series(rng.choice([*v, "x"], n), dtype="str") for k, v in columns})
    levels = [list(v) for v in names]
    expected = (
        list(
            pd.MultiIndex.from_product(levels).difference(
                pd.MultiIndex.from_frame(text[keys]), sort=False
            )
        )
        if n
        else list(pd.MultiIndex.from_product(levels))
    )
    assert _cells_without_rows(text, keys, levels) == expected


@pytest.mark.parametrize("seed", range(30))
def test_label_codes_equal_the_factorized_text(seed):
    """The labels' own codes list the same cells as the factorized text copy (the old route)."""
    import numpy as np
    import pandas as pd

    from yieldtrial.report.sections.data import _cells_without_rows, _label_codes

    rng = np.random.default_rng(seed)
    keys = ["block", "a", "b"][: int(rng.integers(1, 4))]
    n = int(rng.integers(0, 40))
    dtypes = ["str", "object", "int64", "Int64", "string[pyarrow]"]
    frame = {}
    for key in keys:
        dtype = dtypes[int(rng.integers(len(dtypes)))]
        drawn = rng.integers(-3, 5, n)
        if "int" in dtype.lower():
            frame[key] = pd.Series(drawn, dtype=dtype)
        else:
            frame[key] = pd.Series([f"{key}{v}" for v in drawn], dtype=dtype)
    group = pd.DataFrame(frame, index=rng.permutation(n)).assign(treatment="t")
    text = group[list(dict.fromkeys([*keys, "treatment"]))].astype(str)
    coded = _label_codes(group, keys)
    assert coded is not None
    for (codes, labels), key in zip(coded, keys, strict=True):
        expected_codes, expected_labels = pd.factorize(text[key], sort=False)
        np.testing.assert_array_equal(codes, expected_codes)
        assert labels == list(expected_labels) == list(text[key].unique())
    levels = [list(labels) for _, labels in coded]
    if keys and n:  # a level missing from the table: more cells absent
        levels[0] = [*levels[0], "extra"]
    assert _cells_without_rows(None, keys, levels, coded=coded) == _cells_without_rows(
        text, keys, levels
    )


def test_label_codes_leave_blanks_and_floats_to_the_text_route():
    """A blank label or a float column is converted to text as before (None)."""
    import pandas as pd

    from yieldtrial.report.sections.data import _label_codes

    assert _label_codes(pd.DataFrame({"block": ["1", None]}), ["block"]) is None
    assert _label_codes(pd.DataFrame({"block": [1.0, 2.0]}), ["block"]) is None
    assert _label_codes(pd.DataFrame({"block": [1, "1"]}, dtype=object), ["block"]) is None
