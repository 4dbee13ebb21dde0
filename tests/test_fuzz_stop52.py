"""Regression tests of stop 52's mutation fuzzing (``tools/fuzz_inputs.py``).

Two mutants of shipped inputs ran to exit 0 without a word although their data were
wrong: a copied row of the site network (a treatment twice in one block of an RCBD site)
and a header one typo away from an optional column (``impurty_pct``: the yields were
computed without their impurity deduction).  Both now warn, in English and Chinese.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hostile import HEADER, ROWS, run_cli
from yieldtrial.datasets import example_path


@pytest.fixture(scope="module")
def copied_row_network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the shipped site network with site C's first row (C, block 1, N1) pasted twice."""
    lines = example_path("site-network").read_text(encoding="utf-8").splitlines()
    first_c = next(i for i, line in enumerate(lines) if line.startswith("C,1,"))
    lines.insert(first_c + 1, lines[first_c])
    path = tmp_path_factory.mktemp("fuzz52") / "plots.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        # the copied row of fuzz case 29: site C, block 1, its first treatment twice
        (
            "en",
            "site 'C': a treatment recorded more than once in one block "
            "(site/block/treatment: 'C'/'1'/",
        ),
        ("zh", "试点 'C'：同一区组内同一处理有多条记录（site/block/treatment：'C'/'1'/"),
    ],
    ids=["en", "zh"],
)
def test_network_warns_of_a_treatment_twice_in_a_block(
    copied_row_network: Path, lang: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = copied_row_network.parent / f"network-{lang}.json"
    argv = [
        "network",
        str(copied_row_network),
        "--control",
        "CK",
        "--no-stability",
        "--force",
        "-o",
        str(out),
        "--lang",
        lang,
    ]
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    warned = [line for line in lines if expected in line]
    assert len(warned) == 1, lines
    assert " x2" in warned[0]  # the row pasted once more: two records


def _near_miss_table(folder: Path, header: str) -> Path:
    """hostile.py's small table with an impurity column headed ``header``."""
    path = folder / "plots.csv"
    rows = [row.rstrip("\n") + ",1.5\n" for row in ROWS]
    path.write_text(HEADER.rstrip("\n") + f",{header}\n" + "".join(rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("header", "lang", "expected"),
    [
        # fuzz: 'impurity_pct' with a letter dropped; difflib ratio 22/23 = 0.96 >= 0.8
        (
            "impurty_pct",
            "en",
            "column 'impurty_pct' is not one of yieldtrial's column names "
            "and is kept as an extra column, not read as 'impurity_pct'",
        ),
        (
            "impurty_pct",
            "zh",
            "列 'impurty_pct' 不是 yieldtrial 的列名，按附加列保留，未读作 'impurity_pct'",
        ),
        # the unit cut short: recognised as impurity but no percent unit (ratio 22/23)
        ("impurity_pc", "en", "--column 'impurity_pc=impurity_pct'"),
    ],
    ids=["typo-en", "typo-zh", "unit-cut-short"],
)
def test_near_miss_of_an_optional_column_warns(
    tmp_path: Path, header: str, lang: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    plots = _near_miss_table(tmp_path, header)
    argv = [
        "standardize",
        str(plots),
        "--crop",
        "wheat",
        "-o",
        str(tmp_path / "out.csv"),
        "--lang",
        lang,
    ]
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert any(expected in line for line in lines), lines


def test_recognised_impurity_alias_does_not_warn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'impurities_pct' is an alias of impurity_pct (read, no near-miss warning)."""
    plots = _near_miss_table(tmp_path, "impurities_pct")
    argv = ["standardize", str(plots), "--crop", "wheat", "-o", str(tmp_path / "out.csv")]
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert not any("not one of yieldtrial's column names" in line for line in lines), lines
