"""Hostile pass of stop 40: degenerate but well-formed data on the statistics surface.

Every case is a plot table that reads cleanly but leaves the statistics little to stand on
(identical yields, a lost block or whole plot, one block, confounded factors, a variance
component at zero, 1e-8 or 1e8 kg, incomplete blocks that do not connect the entries, ...),
run through ``yieldtrial report`` / ``network`` in-process.  The outcome must be a
correct report (with a warning where the data are suspicious) or one error line with
exit 1, the inputs unchanged and no report under its name: never a traceback, a NaN or
infinity printed as a number, a p-value on 0 error df, or an exit 0 without the analysis.

The tables are SYNTHETIC (made-up masses from fixed formulas, laid out by yieldtrial's own
field-book generators with fixed seeds); the numbers asserted are properties of the data
(a count of groups, df = 0) stated next to each case, not published results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hostile import assert_one_line_error, digests, run_cli
from yieldtrial import design

pytestmark = pytest.mark.usefixtures("close_figures")

Table = Callable[[], str]

# --- plot tables -------------------------------------------------------------------------


def _fill(
    book: pd.DataFrame,
    mass: Callable[[pd.DataFrame], Any] | None = None,
    lost: Callable[[pd.DataFrame], Any] | None = None,
) -> str:
    """Fill the field book in: 20 m2, 13 % moisture, ``mass`` kg; return it as CSV text.

    The default mass, 9 + (7 i mod 16) / 10 + (i mod 3) / 50 kg for the i-th plot, varies
    without a pattern any design model fits exactly; ``lost`` marks plots left empty.
    """
    out = book.copy()
    i = np.arange(len(out))
    out["harvested_area_m2"] = 20.0
    out["fresh_mass_kg"] = 9 + (i * 7 % 16) / 10 + (i % 3) / 50 if mass is None else mass(out)
    out["moisture_pct"] = 13.0
    out["impurity_pct"] = 0.0
    if lost is not None:
        gone = np.asarray(lost(out), dtype=bool)
        out.loc[gone, ["fresh_mass_kg", "moisture_pct"]] = np.nan
    return str(out.to_csv(index=False))


def _same(value: float = 9.0) -> Callable[[pd.DataFrame], Any]:
    return lambda book: np.full(len(book), value)


def _level(column: str) -> Callable[[pd.DataFrame], Any]:
    """Read the number in a label column ('N2' -> 2, 'G05' -> 5, 3 -> 3)."""
    return lambda book: book[column].astype(str).str.extract(r"(\d+)")[0].astype(float)


def _rcbd(treatments: tuple[str, ...] = ("CK", "T1", "T2", "T3"), blocks: int = 4) -> pd.DataFrame:
    return design.rcbd(list(treatments), blocks=blocks, seed=1)


def _split() -> pd.DataFrame:
    """3 irrigation levels (whole plots) x 3 N rates (sub-plots) in 3 blocks."""
    return design.split_plot(
        ["I0", "I1", "I2"], ["N0", "N1", "N2"], blocks=3, seed=1, main_factor="irr",
        sub_factor="nit",
    )  # fmt: skip


def _strip(blocks: int = 3) -> pd.DataFrame:
    """3 horizontal x 3 vertical strips per block, strips in a fixed shuffled order."""
    rows = []
    for block in range(1, blocks + 1):
        across = np.roll(["H0", "H1", "H2"], block)
        down = np.roll(["V0", "V1", "V2"], -block)
        for r, horizontal in enumerate(across, 1):
            for c, vertical in enumerate(down, 1):
                rows.append({"plot_id": f"{block}{r}{c}", "block": block, "row": r + 3 * block,
                             "column": c, "hor": horizontal, "ver": vertical,
                             "treatment": f"{horizontal}:{vertical}"})  # fmt: skip
    return pd.DataFrame(rows)


def _latin(treatments: tuple[str, ...] = ("A", "B", "C", "D")) -> pd.DataFrame:
    return design.latin_square(list(treatments), seed=1)


def _alpha() -> pd.DataFrame:
    """12 entries in incomplete blocks of 3, 2 replicates (row and column columns too)."""
    return design.alpha_design([f"G{i:02d}" for i in range(1, 13)], block_size=3, replicates=2,
                               seed=1)  # fmt: skip


def _augmented() -> pd.DataFrame:
    """Lay out checks CK1, CK2 in each of 3 blocks and 8 entries once."""
    return design.augmented_design(["CK1", "CK2"], [f"E{i}" for i in range(1, 9)], blocks=3,
                                   seed=1)  # fmt: skip


def _block(book: pd.DataFrame) -> pd.Series:
    return book["block"].astype(str)


def _additive_rcbd(book: pd.DataFrame) -> Any:
    """Treatment + block effects and nothing else: the RCBD model fits every plot."""
    return 9 + 0.5 * _level("treatment")(book).fillna(0) + 0.3 * _block(book).astype(int)


def _additive_split(book: pd.DataFrame) -> Any:
    return (
        9 + 0.3 * _block(book).astype(int) + 0.2 * _level("irr")(book) + 0.1 * _level("nit")(book)
    )


def _confounded() -> str:
    """Each block holds one treatment only (block and treatment perfectly confounded)."""
    rows = [
        {"plot_id": f"{b}{r}", "block": b, "treatment": t}
        for b, t in enumerate(["CK", "T1", "T2"], 1)
        for r in range(3)
    ]
    return _fill(pd.DataFrame(rows))


def _not_nested() -> str:
    """Fill a split-plot book whose whole-plot factor changes inside its main plots."""
    book = _split()
    book["irr"] = np.tile(["I0", "I1", "I2"], len(book) // 3)
    book["treatment"] = book["irr"] + ":" + book["nit"]
    return _fill(book)


def _whole_factor_is_block() -> str:
    """Each block holds one irrigation level: irrigation confounded with the blocks."""
    book = _split()
    book["irr"] = _block(book).map({"1": "I0", "2": "I1", "3": "I2"})
    book["treatment"] = book["irr"] + ":" + book["nit"]
    return _fill(book)


def _shared_position(book: pd.DataFrame) -> pd.DataFrame:
    """Plot 2 typed at plot 1's row and column."""
    book = book.copy()
    book.loc[1, ["row", "column"]] = book.loc[0, ["row", "column"]].to_numpy()
    return book


def _alpha_disconnected() -> pd.DataFrame:
    """Replicate 2 repeats replicate 1's incomplete blocks: 4 groups of 3 entries never meet."""
    first = _alpha()[lambda b: _block(b) == "1"].copy()
    second = first.copy()
    second["block"] = 2
    second["plot_id"] = second["plot_id"].astype(int) + 100
    return pd.concat([first, second], ignore_index=True)


def _entry_twice() -> str:
    """E5 and E6 mistyped as E2: an entry on three plots (two are a p-rep entry, stop 44)."""
    book = _augmented()
    for label in ("E5", "E6"):
        book.loc[book.index[book["treatment"] == label][0], "treatment"] = "E2"
    return _fill(book)


SPLIT = ["--design", "split_plot", "--factors", "irr,nit"]
STRIP = ["--design", "strip_plot", "--factors", "hor,ver"]

#: (case, plot table, options, message) that exit 1 with one line.
ERRORS: list[tuple[str, Table, list[str], str]] = [
    # -- RCBD (the default design of a table with a block column)
    ("every-yield-identical", lambda: _fill(_rcbd(), _same()), ["--control", "CK"],
     r"zero standard error \(error mean square 0\.0\).*check the yield values"),
    ("exactly-additive", lambda: _fill(_rcbd(), _additive_rcbd), ["--control", "CK"],
     r"the model fits every yield exactly"),
    ("control-all-missing", lambda: _fill(_rcbd(), lost=lambda b: b.treatment == "CK"),
     ["--control", "CK"], r"treatment 'CK' \(plots .*\) has no observed yield"),
    ("only-the-control-left", lambda: _fill(_rcbd(), lost=lambda b: b.treatment != "CK"),
     ["--control", "CK"], r"treatments 'T1' .* have no observed yield"),
    ("block-and-treatment-confounded", _confounded, ["--control", "CK"],
     r"is not estimable: the design is disconnected"),
    ("alpha-1e-12", lambda: _fill(_rcbd()), ["--control", "CK", "--alpha", "1e-12"],
     r"alpha = 1e-12; a significance level must be from 0\.0001 to 0\.5"),
    ("control-matches-nothing", lambda: _fill(_rcbd()), ["--control", "ZZ"],
     r"control 'ZZ' is not a treatment of this trial; treatments present: 'CK'"),
    ("control-matches-everything", lambda: _fill(_rcbd()), ["--control", "CK,T1,T2,T3"],
     r"nothing to compare: every level of 'treatment' is a control"),
    ("negative-margin", lambda: _fill(_rcbd()), ["--control", "CK", "--margin", "-5"],
     r"--margin = -5; --margin must be in \[0, 100\)"),  # as typed (stop 49)
    ("random-blocks-identical", lambda: _fill(_rcbd(), _same()),
     ["--control", "CK", "--block-effects", "random"],
     r"has the same value \(\d+\) on all 16 observed plots"),
    ("random-blocks-identical-kenward-roger", lambda: _fill(_rcbd(), _same()),
     ["--control", "CK", "--block-effects", "random", "--ddf", "kenward-roger"],
     r"has the same value \(\d+\) on all 16 observed plots"),
    ("random-blocks-one-block", lambda: _fill(_rcbd(blocks=1)),
     ["--control", "CK", "--block-effects", "random"],
     r"block column 'block' has a single observed level \(1\); the rcbd design needs"),
    # -- split plot
    ("split-identical", lambda: _fill(_split(), _same()), SPLIT,
     r"leaves no variation in error_a and error_b"),
    ("split-exactly-additive", lambda: _fill(_split(), _additive_split), SPLIT,
     r"leaves no variation in error_a and error_b"),
    ("split-additive-one-plot-lost",
     lambda: _fill(_split(), _additive_split, lost=lambda b: b.index == 0), SPLIT,
     # stop 40: the one exact-fit rule; REML's stop below it says what a fit would say
     r"fits every observed plot exactly \(residual variance below .*\): the error variance "
     r"is zero"),
    ("split-whole-plot-level-lost", lambda: _fill(_split(), lost=lambda b: b.irr == "I1"),
     SPLIT, r"treatments 'I1:N0' .* have no observed yield"),
    ("split-declared-factors-not-nested", _not_nested, SPLIT,
     r"the whole-plot factor column 'irr' changes within main plot"),
    ("split-whole-plot-factor-is-the-block", _whole_factor_is_block, SPLIT,
     r"is not estimable: the design is disconnected"),
    ("split-one-block", lambda: _fill(_split()[lambda b: _block(b) == "1"]), SPLIT,
     r"column 'block' has a single level \(1\); a split/strip plot needs at least two"),
    ("split-control-of-no-factor", lambda: _fill(_split()), [*SPLIT, "--control", "I0:N0"],
     r"control 'I0:N0' is not a level of the 'nit' factor; levels: N0, N1, N2"),
    ("strip-declared-on-a-split-plot-book", lambda: _fill(_split()),
     ["--design", "strip_plot", "--factors", "irr,nit"],
     r"the plots are not laid out in strips"),
    ("factorial-identical", lambda: _fill(_split(), _same()),
     ["--design", "factorial", "--factors", "irr,nit"],
     r"the factorial model of 'yield_kg_ha' fits every yield exactly"),
    ("factorial-cell-lost",
     lambda: _fill(_split(), lost=lambda b: (b.irr == "I1") & (b.nit == "N1")),
     ["--design", "factorial", "--factors", "irr,nit"],
     r"treatment 'I1:N1' \(plots .*\) has no observed yield"),
    ("strip-identical", lambda: _fill(_strip(), _same()), STRIP,
     r"leaves no variation in error_a, error_b and error_c"),
    ("factorial-unreplicated",
     lambda: _fill(_split()[lambda b: _block(b) == "1"].drop(columns=["block"])),
     ["--design", "factorial", "--factors", "irr,nit"],
     r"no residual degrees of freedom \(9 plots for 9 parameters\): the factorial is "
     r"unreplicated"),
    # -- Latin square
    ("latin-identical", lambda: _fill(_latin(), _same()), ["--design", "latin"],
     r"zero standard error \(error mean square 0\.0\)"),
    ("latin-random-identical", lambda: _fill(_latin(), _same()),
     ["--design", "latin", "--block-effects", "random"],
     r"the latin mixed model has no error variance"),
    ("latin-shared-position", lambda: _fill(_shared_position(_latin())), ["--design", "latin"],
     r"plots share a row and column position: plots '\w+' and '\w+' \(row \d+, column \d+\); "
     r"in a Latin square each plot has a position of its own"),
    ("latin-treatment-equals-column",
     lambda: _fill(_latin().assign(treatment=np.tile(["A", "B", "C", "D"], 4))),
     ["--design", "latin"], r"a treatment appears twice in one column"),
    # -- alpha-lattice and row-column designs
    ("alpha-identical", lambda: _fill(_alpha(), _same()), ["--design", "alpha"],
     r"the alpha mixed model has no error variance"),
    ("alpha-exactly-additive",
     lambda: _fill(_alpha(), lambda b: 9 + 0.1 * _level("treatment")(b)), ["--design", "alpha"],
     r"fits every observed plot exactly \(residual variance .*\): the error variance is zero"),
    ("alpha-one-replicate", lambda: _fill(_alpha()[lambda b: _block(b) == "1"]),
     ["--design", "alpha"], r"block column 'block' has a single observed level \(1\)"),
    ("alpha-entry-lost", lambda: _fill(_alpha(), lost=lambda b: b.treatment == "G05"),
     ["--design", "alpha"], r"treatment 'G05' \(plots .*\) has no observed yield"),
    ("row-column-identical", lambda: _fill(_alpha(), _same()), ["--design", "row_column"],
     r"the row_column mixed model has no error variance"),
    ("row-column-shared-position", lambda: _fill(_shared_position(_alpha())),
     ["--design", "row_column"],
     r"plots share a row and column position: plots '101' and '102' \(row 1, column 1 of "
     r"replicate '1'\); in a row-column design each plot has a position of its own\. Correct "
     r"the row or column of one of them"),
    # -- augmented designs
    ("augmented-check-missing-from-every-block",
     lambda: _fill(_augmented(), lost=lambda b: b.treatment == "CK2"),
     ["--design", "augmented", "--control", "CK1"],
     r"treatment 'CK2' \(plots .*\) has no observed yield"),
    ("augmented-control-missing-from-every-block",
     lambda: _fill(_augmented(), lost=lambda b: b.treatment == "CK1"),
     ["--design", "augmented", "--control", "CK1"],
     r"treatment 'CK1' \(plots .*\) has no observed yield"),
    ("augmented-entry-repeated", _entry_twice, ["--design", "augmented", "--control", "CK1"],
     r"treatment 'E2' is marked 'entry' in entry_type but has 3 plots"),
    # stop 40: "found 2 check(s) and 0 entr(y/ies) ... Pass checks=[...]", no entry named
    ("augmented-every-entry-lost",
     lambda: _fill(_augmented(), lost=lambda b: b.entry_type == "entry"),
     ["--design", "augmented", "--control", "CK1"],
     r"augmented design: every entry's plot is lost \(no yield\): 'E6' \(plot '101'\), .* "
     r"and 3 more; only the checks are left"),
    ("augmented-identical", lambda: _fill(_augmented(), _same()),
     ["--design", "augmented", "--control", "CK1"],
     r"the augmented design's model of 'yield_kg_ha' fits every yield exactly"),
    ("augmented-checks-constant",
     lambda: _fill(_augmented(), lambda b: np.where(b.entry_type == "check", 9.0,
                                                    9 + 0.1 * np.arange(len(b)))),
     ["--design", "augmented", "--control", "CK1"],
     r"fits every yield exactly \(error sum of squares 0"),
    ("augmented-one-block", lambda: _fill(_augmented()[lambda b: _block(b) == "1"]),
     ["--design", "augmented", "--control", "CK1"],
     r"treatment 'CK2' is marked 'check' in entry_type but has 1 plot"),
    ("augmented-entry-as-control", lambda: _fill(_augmented()),
     ["--design", "augmented", "--control", "E1"],
     r"control 'E1' is an entry of this augmented design \(planted once\), not a check"),
    ("augmented-one-check-without-entry-types",
     lambda: _fill(_augmented().drop(columns="entry_type")[lambda b: b.treatment != "CK2"]),
     ["--design", "augmented"], r"the augmented design leaves no residual degrees of freedom"),
]  # fmt: skip


def _report(tmp_path: Path, table: str, options: list[str]) -> tuple[list[str], Path, Path]:
    plots = tmp_path / "plots.csv"
    plots.write_text(table, encoding="utf-8")
    out = tmp_path / "report.json"
    argv = ["report", str(plots), "--crop", "wheat", "-o", str(out), "--no-figures", *options]
    return argv, plots, out


@pytest.mark.parametrize(
    ("table", "options", "message"),
    [case[1:] for case in ERRORS],
    ids=[case[0] for case in ERRORS],
)
def test_degenerate_trial_is_one_error_line(tmp_path, capsys, table, options, message):
    argv, plots, out = _report(tmp_path, table(), options)
    assert_one_line_error(argv, capsys, match=message, untouched=[plots], absent=[out])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plots.csv"]


# --- cases with a report -----------------------------------------------------------------

_NON_FINITE = re.compile(r"\b(nan|NaN|inf|Infinity)\b")


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)
    else:
        yield value


def _check_report(out: Path) -> dict[str, Any]:
    """Check that the numbers are finite and that no p-value or SE stands on 0 error df."""
    text = out.read_text(encoding="utf-8")
    assert not _NON_FINITE.search(text), _NON_FINITE.search(text)
    report = json.loads(text)
    results = report["results"]
    for row in results.get("control_comparisons") or []:
        if row["df"] == 0:
            assert row["p_value"] is None and row["se_kg_ha"] is None, row
        else:
            assert row["p_value"] is not None and 0 <= row["p_value"] <= 1, row
    assert results["means"], "a report without its treatment means"
    assert all(isinstance(v, (str, int, float, bool, type(None))) for v in _walk(results))
    return dict(report)


def _spread(book: pd.DataFrame) -> Any:
    """Return 1 + 0.05 (i mod 7) for the i-th plot: a spread without a design pattern."""
    return 1 + 0.05 * (np.arange(len(book)) % 7)


def _missing_df_words(report: dict[str, Any]) -> bool:
    return "with no error degrees of freedom left" in json.dumps(report["sections"])


#: (case, plot table, options, what the report must hold besides finite numbers).
REPORTS: list[tuple[str, Table, list[str], Callable[[dict[str, Any]], bool]]] = [
    # a treatment with one of its 4 plots constant across blocks: an ordinary analysis
    ("one-treatment-constant",
     lambda: _fill(_rcbd(), lambda b: np.where(b.treatment == "T1", 9.0,
                                               9 + 0.01 * np.arange(len(b)) ** 1.5)),
     ["--control", "CK"], lambda r: r["results"]["control_comparisons"][0]["df"] == 9),
    # block 2 all missing: 4 treatments x 3 blocks left, error df (4-1)(3-1) = 6
    ("block-all-missing", lambda: _fill(_rcbd(), lost=lambda b: _block(b) == "2"),
     ["--control", "CK"], lambda r: r["results"]["control_comparisons"][0]["df"] == 6),
    # T1 left with 1 plot: 13 plots - (4 treatments + 4 blocks - 1) = 6 error df
    ("treatment-with-a-single-plot",
     lambda: _fill(_rcbd(), lost=lambda b: (b.treatment == "T1") & (_block(b) != "4")),
     ["--control", "CK"],
     lambda r: [c["n_treatment"] for c in r["results"]["control_comparisons"]
                if c["treatment"] == "T1"] == [1]),
    # two treatments: one comparison on (2-1)(4-1) = 3 df
    ("two-treatments", lambda: _fill(_rcbd(("CK", "T1"))), ["--control", "CK"],
     lambda r: [c["df"] for c in r["results"]["control_comparisons"]] == [3]),
    # one block: a one-plot-per-treatment demonstration, descriptive only
    ("one-block", lambda: _fill(_rcbd(blocks=1)), ["--control", "CK"],
     lambda r: "unreplicated demonstration" in json.dumps(r["sections"])),
    ("two-treatments-one-block", lambda: _fill(_rcbd(("CK", "T1"), blocks=1)),
     ["--control", "CK"], lambda r: r["results"]["control_comparisons"][0]["df"] == 0),
    # stop 40: reported as "yields ranged from 0.0 to 0.0 kg/ha" without a word; now warned
    ("masses-of-1e-8-kg", lambda: _fill(_rcbd(), lambda b: 1e-8 * _spread(b)),
     ["--control", "CK"],
     lambda r: r["results"]["control_comparisons"][0]["df"] == 9
     and any(w.startswith("every standardized yield is below 1 kg/ha (the largest: plot ")
             for w in r["results"]["warnings"])),
    ("masses-of-1e8-kg", lambda: _fill(_rcbd(), lambda b: 1e8 * _spread(b)),
     ["--control", "CK"],
     lambda r: any("above 40,000 kg/ha" in w for w in r["results"]["warnings"])),
    ("alpha-0.5", lambda: _fill(_rcbd()), ["--control", "CK", "--alpha", "0.5"],
     lambda r: r["results"]["control_comparisons"][0]["confidence"] == 0.5),
    ("margin-0", lambda: _fill(_rcbd()), ["--control", "CK", "--margin", "0"],
     lambda r: r["results"]["control_comparisons"][0]["margin_pct"] == 0),
    # stop 40: every yield 9 kg but plot 104's 12 kg: without it the model fits every plot
    # exactly, so its externally studentized residual is unbounded (was NaN, and the report
    # said no plot was flagged); now flagged, Bonferroni p = 0, the statistic left blank
    ("one-plot-differs-the-rest-identical",
     lambda: _fill(_rcbd(), lambda b: np.where(b.plot_id.astype(str) == "104", 12.0, 9.0)),
     ["--control", "CK"],
     lambda r: [(p["plot_id"], p["check"], p["p_value_adjusted"], p["statistic"])
                for p in r["results"]["suspect_plots"]] == [("104", "outlier_test", 0.0, None)]),
    # random blocks whose variance is estimated at 0 (the REML boundary): said in the methods
    ("random-blocks-at-the-boundary",
     lambda: _fill(_rcbd(), lambda b: 9 + 0.5 * _level("treatment")(b).fillna(0)
                   + 0.01 * (np.arange(len(b)) * 7 % 5)),
     ["--control", "CK", "--block-effects", "random"],
     lambda r: "is zero (the boundary)" in json.dumps(r["sections"])),
    ("random-blocks-one-plot-lost", lambda: _fill(_rcbd(), lost=lambda b: b.index == 0),
     ["--control", "CK", "--block-effects", "random", "--ddf", "kenward-roger"],
     lambda r: len(r["results"]["control_comparisons"]) == 3),
    # a whole plot lost (block 1, I1): the split plot goes to REML
    ("split-whole-plot-lost",
     lambda: _fill(_split(), lost=lambda b: (_block(b) == "1") & (b.irr == "I1")), SPLIT,
     lambda r: "REML" in json.dumps(r["sections"])),
    # a 2 x 2 Latin square: (t-1)(t-2) = 0 error df, descriptive only
    ("latin-2x2", lambda: _fill(_latin(("A", "B"))), ["--design", "latin", "--control", "A"],
     _missing_df_words),
    ("latin-one-plot-lost", lambda: _fill(_latin(), lost=lambda b: b.index == 0),
     ["--design", "latin", "--control", "A"],
     lambda r: r["results"]["control_comparisons"][0]["df"] == 5),
    # a horizontal strip lost in block 1: REML (the stratum ANOVA needs every plot)
    ("strip-plot-strip-lost",
     lambda: _fill(_strip(), lost=lambda b: (b.block == 1) & (b.hor == "H1")),
     [*STRIP, "--control", "V0"], lambda r: len(r["results"]["control_comparisons"]) == 2),
    # 6 of 16 plots lost: 10 plots - (1 + 3 + 3 + 3) parameters = 0 error df
    ("latin-six-plots-lost",
     lambda: _fill(_latin(), lost=lambda b: b.index.isin([0, 1, 5, 6, 10, 15])),
     ["--design", "latin", "--control", "A"], _missing_df_words),
    ("augmented-entry-lost", lambda: _fill(_augmented(), lost=lambda b: b.treatment == "E3"),
     ["--design", "augmented", "--control", "CK1"],
     lambda r: r["results"]["warnings"][0].startswith(
         "augmented design: 1 entry without a yield (lost plot): 'E3'")),
    ("alpha-entry-with-a-single-plot-as-control",
     lambda: _fill(_alpha(), lost=lambda b: (b.treatment == "G05") & (_block(b) == "1")),
     ["--design", "alpha", "--control", "G05"],
     lambda r: r["results"]["control_comparisons"][0]["n_control"] == 1),
    ("augmented-random-blocks", lambda: _fill(_augmented()),
     ["--design", "augmented", "--control", "CK1", "--block-effects", "random"],
     lambda r: len(r["results"]["control_comparisons"]) == 9),
]  # fmt: skip


@pytest.mark.parametrize(
    ("table", "options", "holds"),
    [case[1:] for case in REPORTS],
    ids=[case[0] for case in REPORTS],
)
def test_degenerate_trial_reports_finite_numbers(tmp_path, capsys, table, options, holds):
    argv, plots, out = _report(tmp_path, table(), options)
    before = digests([plots])
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert not [line for line in lines if "Traceback" in line or "invalid value" in line]
    assert digests([plots]) == before
    assert holds(_check_report(out))


# --- defects found by this pass, fixed ---------------------------------------------------


def test_alpha_whose_incomplete_blocks_do_not_connect_the_entries_warns(tmp_path, capsys):
    """Stop 40: the report left out its residual checks without a word.

    Nor did it say that some comparisons rest on the inter-block information alone.
    Replicate 2 repeats replicate 1's four incomplete blocks of 3 entries: 4 groups.
    """
    argv, _, out = _report(tmp_path, _fill(_alpha_disconnected()), ["--design", "alpha"])
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    warnings = _check_report(out)["results"]["warnings"]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "the incomplete blocks within the replicates do not connect the treatments: 4 groups "
        "never share an incomplete block, directly or through other treatments ('G01', 'G12', "
        "'G11'; 'G08', 'G10', 'G04'; 'G06', 'G09', 'G03'; and 1 more); the mixed model compares"
    )
    assert "the residual checks, made with the incomplete blocks fixed, cannot be" in warnings[0]


def test_alpha_with_disconnected_blocks_in_chinese(tmp_path, capsys):
    argv, _, out = _report(
        tmp_path, _fill(_alpha_disconnected()), ["--design", "alpha", "--lang", "zh"]
    )
    assert run_cli(argv, capsys)[0] == 0
    sections = json.dumps(json.loads(out.read_text(encoding="utf-8"))["sections"],
                          ensure_ascii=False)  # fmt: skip
    assert "各重复内的不完全区组没有把处理连通：4 组处理之间（'G01'、" in sections
    assert "do not connect" not in sections


@pytest.mark.parametrize(
    ("book", "options", "said"),
    [
        (
            _rcbd,
            ["--design", "crd", "--control", "CK"],
            "design 'crd' ignores the block column (4 blocks): the variation between the blocks "
            "goes into the error, so the error is larger and the tests less sensitive; design "
            "'rcbd' would use the blocks",
        ),
        # 12 entries in 2 replicates of 4 incomplete blocks of 3: 8 incomplete blocks
        (
            _alpha,
            ["--design", "rcbd", "--control", "G01"],
            "design 'rcbd' ignores the incomplete_block column (8 incomplete blocks): the "
            "variation between the incomplete blocks goes into the error, so the error is larger "
            "and the tests less sensitive; design 'alpha' would use the incomplete blocks",
        ),
    ],
    ids=["crd-with-blocks", "rcbd-on-an-alpha-book"],
)
def test_declared_design_ignoring_layout_columns_warns(tmp_path, capsys, book, options, said):
    """Stop 40: the blocks went into the error without a word; analysed as declared, warned."""
    argv, _, out = _report(tmp_path, _fill(book()), options)
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert f"yieldtrial: warning: {said}" in lines
    assert said in _check_report(out)["results"]["warnings"]
    assert _check_report(out)["metadata"]["settings"]["design"] == options[1]  # not refused


def test_declared_design_using_its_layout_does_not_warn(tmp_path, capsys):
    """The alpha book as alpha, the RCBD as rcbd: no warning about ignored columns."""
    for book, options in ((_alpha, ["--design", "alpha"]), (_rcbd, ["--design", "rcbd"])):
        argv, _, out = _report(tmp_path, _fill(book()), options)
        code, lines = run_cli(argv, capsys)
        assert code == 0, lines
        assert not [w for w in _check_report(out)["results"]["warnings"] if "ignores" in w]
        out.unlink()


def _alpha_entry_twice() -> tuple[str, list[str]]:
    """Fill the alpha book with replicate 1's G05 retyped as G02; return it and the plots."""
    book = _alpha()
    first = _block(book) == "1"
    retyped = book.index[first & (book["treatment"] == "G05")][0]
    book.loc[retyped, "treatment"] = "G02"
    twice = book.loc[first & (book["treatment"] == "G02"), "plot_id"].astype(str).tolist()
    return _fill(book), twice


def test_alpha_entry_twice_in_one_replicate_warns(tmp_path, capsys):
    """Stop 40: exit 0 and no word; the entry, the replicate and both plots are named."""
    table, twice = _alpha_entry_twice()
    # LSD letters: the warning is the data check's; Tukey's letters of 18 entries were
    # most of the report's CPU (stop 49)
    options = ["--design", "alpha", "--control", "G01", "--letters", "lsd"]
    argv, _, out = _report(tmp_path, table, options)
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    said = (
        "an entry appears more than once in one replicate of the alpha design: 'G02' twice "
        f"in replicate '1' (plots '{twice[0]}', '{twice[1]}'). A resolvable design plants "
        "each entry once per replicate"
    )
    assert [w for w in _check_report(out)["results"]["warnings"] if w.startswith(said)]
    assert any(line.startswith(f"yieldtrial: warning: {said}") for line in lines)


def test_alpha_declared_control_repeating_in_a_replicate_does_not_warn(tmp_path, capsys):
    """A check planted twice in a replicate is declared as the control: no warning."""
    table, _ = _alpha_entry_twice()
    argv, _, out = _report(tmp_path, table, ["--design", "alpha", "--control", "G02"])
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert not [w for w in _check_report(out)["results"]["warnings"] if "more than once" in w]


def test_row_column_entry_twice_in_one_replicate_warns(tmp_path, capsys):
    """Stop 40: a resolvable row-column book is checked as an alpha book is, same words."""
    table, twice = _alpha_entry_twice()
    options = ["--design", "row_column", "--control", "G01", "--letters", "lsd"]  # as above
    argv, _, out = _report(tmp_path, table, options)
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    said = (
        "an entry appears more than once in one replicate of the row-column design: 'G02' "
        f"twice in replicate '1' (plots '{twice[0]}', '{twice[1]}'). A resolvable design "
        "plants each entry once per replicate"
    )
    assert [w for w in _check_report(out)["results"]["warnings"] if w.startswith(said)]
    assert any(line.startswith(f"yieldtrial: warning: {said}") for line in lines)


def test_row_column_book_of_design_alpha_does_not_warn(tmp_path, capsys):
    """A `yieldtrial design alpha` book analysed as row-column: each entry once a replicate."""
    options = ["--design", "row_column", "--letters", "lsd"]  # as above
    argv, _, out = _report(tmp_path, _fill(_alpha()), options)
    code, lines = run_cli(argv, capsys)
    assert code == 0, lines
    assert not [w for w in _check_report(out)["results"]["warnings"] if "more than once" in w]


# --- network -----------------------------------------------------------------------------


def _network(yields: Callable[[str, int, int], float], sites: str = "ABC") -> str:
    """3 treatments x 3 blocks at each site; ``yields(site, block, treatment number)``."""
    rows = ["site,plot_id,block,treatment,yield_kg_ha"]
    for site in sites:
        for block in (1, 2, 3):
            for number, label in enumerate(("CK", "T1", "T2")):
                value = yields(site, block, number)
                rows.append(f"{site},{site}{block}{number},{block},{label},{value!r}")
    return "\n".join(rows) + "\n"


def _no_interaction(site: str, block: int, number: int) -> float:
    """Return site + treatment + block effects and the same within-site noise at every site.

    The treatment x site table of means is exactly additive (interaction 0), the error is not.
    """
    noise = 13 * ((block * number + 3) % 4)
    return 7000 + 100 * number + 50 * block + 300 * "ABC".index(site) + noise


NETWORK_ERRORS: list[tuple[str, str, list[str], str]] = [
    ("every-yield-identical", _network(lambda s, b, n: 7000.0), ["--control", "CK"],
     r"no trial could be analysed: 3 trials, all failed; first reasons: \(1\) site 'A': "
     r"'yield_kg_ha' has the same value \(7000\)"),
    ("every-site-exactly-additive",
     _network(lambda s, b, n: 7000 + 100 * n + 50 * b + 300 * "ABC".index(s)),
     ["--control", "CK"], r"no trial could be analysed: .* the model fits every yield exactly"),
    ("control-matches-nothing", _network(_no_interaction), ["--control", "ZZ"],
     r"control 'ZZ' is not a treatment of any trial"),
    # stop 40: exit 0 (CK the check, T1 and T2 compared with it) when the combined model
    # had no treatment x site variation to test against; exit 1 otherwise
    ("control-matches-everything", _network(_no_interaction), ["--control", "CK,T1,T2"],
     r"nothing to compare: every level of 'treatment' is a control \(CK, T1, T2\)"),
    ("alpha-1e-12", _network(_no_interaction), ["--control", "CK", "--alpha", "1e-12"],
     r"alpha = 1e-12; a significance level must be from 0\.0001 to 0\.5"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("table", "options", "message"),
    [case[1:] for case in NETWORK_ERRORS],
    ids=[case[0] for case in NETWORK_ERRORS],
)
def test_degenerate_network_is_one_error_line(tmp_path, capsys, table, options, message):
    plots = tmp_path / "net.csv"
    plots.write_text(table, encoding="utf-8")
    out = tmp_path / "summary.json"
    assert_one_line_error(["network", str(plots), "-o", str(out), *options], capsys,
                          match=message, untouched=[plots], absent=[out])  # fmt: skip


def test_network_without_interaction_has_no_ammi_axes(tmp_path, capsys):
    """Stop 40: a zero treatment x site interaction printed a NumPy warning line.

    'yieldtrial: warning: invalid value encountered in scalar divide' (the IPCA shares were
    0/0), and the IPCA axes of a zero matrix were tested (F = 0, P = 1).
    """
    plots = tmp_path / "net.csv"
    plots.write_text(_network(_no_interaction), encoding="utf-8")
    out = tmp_path / "summary.json"
    code, lines = run_cli(["network", str(plots), "--control", "CK", "-o", str(out)], capsys)
    assert code == 0
    assert lines == [f"wrote {out} (3 trials: ok 3)"]
    stability = json.loads(out.read_text(encoding="utf-8"))["stability"]
    axes = [row for row in stability["ammi"]["anova"] if row["source"].startswith("IPCA")]
    assert [(row["f"], row["p_value"], row["pct_of_interaction"]) for row in axes] == [
        (None, None, None)
    ] * 2
    assert any(note.startswith("AMMI: the treatment x site interaction is zero")
               for note in stability["notes"])  # fmt: skip
    assert not any("ASV" in note for note in stability["notes"])
