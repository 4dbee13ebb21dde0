"""Stop 33 hostile pass (issue 13): silent wrong results and one-line errors.

The throwaway driver of stop 33 (/tmp/h38) ran each case in-process
(``yieldtrial.cli.main``) and, for a sample, as a subprocess; it checked the exit status,
one stderr line, no traceback, the inputs unchanged and no output left (CHANGELOG.md,
"Stop 33 (hostile pass)").  The cases below are the ones it found wrong, now fixed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hostile import HEADER, ROWS, assert_one_line_error, plot_table
from yieldtrial.errors import DataValidationError
from yieldtrial.stats.model import fit


def _copied_yields(folder, *, drop_first: bool = True):
    """Write an RCBD of 3 treatments x 4 blocks with yields copied within each treatment."""
    rows = ["plot_id,block,treatment,yield_kg_ha"]
    for j in range(4):
        for i, value in enumerate((7033.4, 7133.7, 7234.1)):
            rows.append(f"{3 * j + i + 1},B{j},T{i},{value}")
    if drop_first:
        del rows[1]  # plot 1 missing: the unbalanced fit
    path = folder / "copied.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ an exact fit in floats


def test_copied_yields_with_a_missing_plot_have_zero_error_mean_square():
    """Rounding noise of an exact fit is no plot-to-plot variation: MSE 0, residuals 0.

    Yields identical within each treatment are fitted exactly; in floating point the
    residuals came out around 1e-13 (MSE 1e-26) for 78 of 108 such tables (the driver's
    sizes 3-2,000 replicates, CRD and RCBD, with and without a missing plot), so the
    report separated the means with a standard error of 0.0 and said each treatment had a
    single plot, while the same table with integer yields was refused.
    """
    rows = [
        {"treatment": f"T{i}", "block": f"B{j}", "y": v}
        for j in range(100)
        for i, v in enumerate((7033.4, 7133.7, 7234.1))
    ]
    data = pd.DataFrame(rows).iloc[1:]
    model = fit(data, response="y", treatment="treatment", block="block", design="rcbd")
    assert model.mse == 0.0
    assert np.all(model.residuals.to_numpy() == 0.0)
    assert np.all(np.asarray(model.lsmeans_cov) == 0.0)


def test_real_variation_of_a_thousandth_is_kept():
    """Yields that differ by 0.001 kg/ha (typed precision) keep their error mean square."""
    rows = [
        {"treatment": f"T{i}", "block": f"B{j}", "y": v + 0.001 * ((i + j) % 2)}
        for j in range(100)
        for i, v in enumerate((7033.4, 7133.7, 7234.1))
    ]
    model = fit(pd.DataFrame(rows), response="y", treatment="treatment", block="block")
    # residuals +-0.0005 (cells alternate; the additive model leaves half of each step)
    assert model.mse > 1e-7


def test_report_of_copied_yields_with_a_missing_plot_is_refused(tmp_path, capsys):
    """The CLI refuses it with the exact-fit message, as it did without the missing plot."""
    path = _copied_yields(tmp_path)
    out = tmp_path / "r.md"
    assert_one_line_error(
        ["report", str(path), "--crop", "wheat", "-o", str(out)],
        capsys,
        match=r"zero standard error \(error mean square 0\.0\).*fits every yield exactly",
        untouched=[path],
        absent=[out, tmp_path / "r_files"],
    )


def _exact_factorial(folder):
    """Write a 2 x 3 factorial in 4 blocks: yield = cell value + 3 x block, plot 1 missing.

    Block + A * B reproduces every yield exactly: there is no error variation at all.
    """
    cells = {
        ("I0", "N0"): 7033, ("I0", "N1"): 7133, ("I0", "N2"): 7234,
        ("I1", "N0"): 7333, ("I1", "N1"): 7433, ("I1", "N2"): 7534,
    }  # fmt: skip
    rows = ["plot_id,block,irrigation,treatment,yield_kg_ha"]
    for b in range(4):
        for (a, s), value in cells.items():
            rows.append(f"{len(rows)},B{b},{a},{s},{value + 3 * b}")
    del rows[1]
    path = folder / "factorial.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_factorial_anova_refuses_an_exact_fit():
    """The factorial ANOVA of yields it fits exactly is refused, naming the response.

    Its F tests divided by an error mean square of rounding noise (about 1e-25): the
    driver's report printed F = 1.1e31 for irrigation and an interaction 'significant'
    (F = 6.95, p = 0.008) whose sum of squares was 0.0.
    """
    from yieldtrial.stats.factorial import factorial_anova

    rows = [
        {"a": a, "b": b, "block": f"B{r}", "y": 7000 + 300 * a + 100 * b + 3 * r}
        for r in range(4)
        for a in range(2)
        for b in range(3)
    ]
    data = pd.DataFrame(rows).iloc[1:]
    with pytest.raises(DataValidationError, match=r"model of 'y' fits every yield exactly"):
        factorial_anova(data, response="y", factor_a="a", factor_b="b", block="block")


def test_report_of_an_exact_factorial_is_refused(tmp_path, capsys):
    """The CLI prints the refusal on one line and writes no report."""
    path = _exact_factorial(tmp_path)
    out = tmp_path / "r.md"
    argv = ["report", str(path), "--crop", "wheat", "--design", "factorial"]
    assert_one_line_error(
        [*argv, "--factors", "irrigation,treatment", "-o", str(out)],
        capsys,
        match=r"factorial model of 'yield_kg_ha' fits every yield exactly",
        untouched=[path],
        absent=[out, tmp_path / "r_files"],
    )


def test_augmented_anova_refuses_an_exact_fit():
    """An augmented design whose checks yield alike in every block (after blocks) is refused.

    Its error df come from the checks' repetition; with those yields copied the driver's
    report printed F = 3.7e29 for the treatments on an error mean square of 1e-25 (exit 0);
    without the check this table gives an error mean square of 2e-26.
    """
    from yieldtrial.stats.augmented import augmented_anova

    treatments = ["CK1", "CK2", "E1", "E2", "CK1", "CK2", "E3", "E4", "CK1", "CK2", "E5"]
    blocks = [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]
    value = {"CK1": 7000.1, "CK2": 7100.47, "E1": 7050.3, "E2": 7210.9, "E3": 6990.2}
    value |= {"E4": 7300.8, "E5": 7111.1}
    y = [value[t] + 0.7 * b for t, b in zip(treatments, blocks, strict=True)]
    data = pd.DataFrame({"block": blocks, "treatment": treatments, "y": y})
    with pytest.raises(DataValidationError, match=r"model of 'y' fits every yield exactly"):
        augmented_anova(data, response="y", treatment="treatment", block="block")


# ------------------------------------------------------------------ percent-formatted cells


def _workbook_with_percent(folder, column: int, value: float):
    """Write the small plot table as .xlsx, the first plot's cell in ``column`` shown as %."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for row in ROWS:
        cells = row.strip().split(",")
        sheet.append([cells[0], cells[1], cells[2], *map(float, cells[3:])])
    cell = sheet.cell(row=2, column=column)
    cell.value = value
    cell.number_format = "0.0%"
    path = folder / "plots.xlsx"
    book.save(path)
    return path


def test_percent_formatted_mass_is_refused(tmp_path, capsys):
    """A mass cell typed as '14.98%' (stored 0.1498) was read as 0.1498 kg (exit 0).

    The driver's table gave yields 100 times too small for those plots, with no message.
    """
    path = _workbook_with_percent(tmp_path, 5, 0.1498)
    out = tmp_path / "out.csv"
    assert_one_line_error(
        ["standardize", str(path), "--crop", "maize", "-o", str(out)],
        capsys,
        match=r"fresh_mass_kg \(header 'fresh_mass_kg'\) row 2 is formatted as a percentage "
        r"in Excel \(it holds 0\.1498, shown as 14\.98 %\)",
        untouched=[path],
        absent=[out],
    )


def test_percent_formatted_area_is_refused_by_the_network(tmp_path, capsys):
    """The network's reader refuses it too (an area of 20 shown as 2000 %)."""
    path = _workbook_with_percent(tmp_path, 4, 20.0)
    out = tmp_path / "net.md"
    assert_one_line_error(
        ["network", str(path), "--crop", "maize", "-o", str(out)],
        capsys,
        match=r"harvested_area_m2 .* row 2 is formatted as a percentage .*shown as 2000 %",
        untouched=[path],
        absent=[out],
    )


def test_percent_formatted_moisture_is_still_read_as_shown(tmp_path, capsys):
    """A moisture cell shown as 12.7 % (stored 0.127) is 12.7, as before."""
    from hostile import run_cli

    path = _workbook_with_percent(tmp_path, 6, 0.127)
    out = tmp_path / "out.csv"
    code, lines = run_cli(["standardize", str(path), "--crop", "maize", "-o", str(out)], capsys)
    assert code == 0, lines
    assert pd.read_csv(out, encoding="utf-8-sig")["moisture_pct"].iloc[0] == 12.7


# ------------------------------------------------------------------ [conditions] fertilization


def _report_with_schedule(tmp_path, entry: str):
    """Argv of a report on the small table with one [conditions] fertilization entry."""
    path = plot_table(tmp_path)
    config = tmp_path / "trial.toml"
    config.write_text(
        f'[trial]\ncrop = "maize"\n[conditions]\nfertilization = [{{ {entry} }}]\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.md"
    return ["report", str(path), "--config", str(config), "-o", str(out)], [path, config], out


def test_fertilization_treatments_of_numbers_is_no_internal_error(tmp_path, capsys):
    """A schedule's treatments = [1, 2] ended in 'TypeError: sequence item 0' (exit 3)."""
    argv, inputs, out = _report_with_schedule(tmp_path, 'stage = "basal", treatments = [1, 2]')
    assert_one_line_error(
        argv,
        capsys,
        match=r"fertilization entry 1 names '1', '2', which are not treatments of the plot "
        r"table; treatments present: 'CK', 'T'",
        untouched=inputs,
        absent=[out],
    )


def test_fertilization_treatments_as_one_string_is_refused(tmp_path, capsys):
    """A schedule's treatments = "CK" was printed as the labels 'C, K' (a string iterated)."""
    argv, inputs, out = _report_with_schedule(tmp_path, 'stage = "basal", treatments = "CK"')
    assert_one_line_error(
        argv,
        capsys,
        match=r"fertilization entry 1: treatments = 'CK'; expected a list of treatment labels, "
        r'e\.g\. treatments = \["CK", "T1"\]',
        untouched=inputs,
        absent=[out],
    )


def test_fertilization_unknown_treatment_is_refused(tmp_path, capsys):
    """A label the plot table lacks was listed in the schedule as if it were a treatment."""
    argv, inputs, out = _report_with_schedule(tmp_path, 'stage = "basal", treatments = ["ZZ"]')
    assert_one_line_error(
        argv,
        capsys,
        match=r"fertilization entry 1 names 'ZZ', which is not a treatment of the plot table",
        untouched=inputs,
        absent=[out],
    )


def test_fertilization_rate_unit_not_a_mass_per_area_is_refused(tmp_path, capsys):
    """rate_unit = "parsec" was printed in the schedule ([[treatments]] refused it)."""
    argv, inputs, out = _report_with_schedule(tmp_path, 'rate = 3, rate_unit = "parsec"')
    assert_one_line_error(
        argv,
        capsys,
        match=r"fertilization entry 1: rate_unit = 'parsec' is not a mass per area",
        untouched=inputs,
        absent=[out],
    )


def test_fertilization_stage_true_is_refused(tmp_path, capsys):
    """A schedule's stage = true was printed as 'True'; text keys take text (or a number)."""
    argv, inputs, out = _report_with_schedule(tmp_path, "stage = true")
    assert_one_line_error(
        argv,
        capsys,
        match=r'fertilization entry 1: stage = true; expected text, e\.g\. stage = "\.\.\."',
        untouched=inputs,
        absent=[out],
    )


# ------------------------------------------------------------------ label normalisation warning


def test_a_lone_full_width_label_is_not_reported_as_merged():
    """'表 2（续）' alone was warned as "'表 2（续）' and '表 2(续)' are read as '表 2(续)'".

    The normalised labels always hold the normal form, so every label with a full-width
    or zero-width character claimed a second spelling that no cell had.
    """
    import warnings

    from yieldtrial.io.validation import normalise_labels

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        labels, merged = normalise_labels(pd.Series(["表 2（续）", "CK", "表 2（续）", "CK"]))
    assert labels.tolist() == ["表 2(续)", "CK", "表 2(续)", "CK"]
    assert merged == []


def test_two_spellings_of_one_label_are_still_reported():
    """A full-width label next to its plain spelling is still reported as one label."""
    from yieldtrial.io.validation import normalise_labels

    _, merged = normalise_labels(pd.Series(["表 2（续）", "CK", "表 2(续)", "CK"]))
    assert merged == [("表 2(续)", ["表 2（续）", "表 2(续)"])]


# ------------------------------------------------------------------ split plot: main_plot named


def test_split_plot_factor_main_plot_is_named_not_an_internal_error(tmp_path, capsys):
    """--factors main_plot,sub ended in pandas' 'Grouper ... not 1-dimensional' (exit 3).

    The field book's main_plot column numbers the main plots ('1-1' in block 1 only);
    it was selected twice for the whole-plot check.
    """
    rows = ["plot_id,block,treatment,main_plot,main,sub,yield_kg_ha"]
    for b in (1, 2):
        for m, main in enumerate(("I0", "I1"), start=1):
            for s, sub in enumerate(("N0", "N1")):
                y = 7000 + 37 * b + 11 * m + s + (b * s) % 3
                rows.append(f"{b}{m}{s},{b},{main}:{sub},{b}-{m},{main},{sub},{y}")
    path = tmp_path / "split.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "r.md"
    argv = ["report", str(path), "--crop", "wheat", "--design", "split_plot"]
    assert_one_line_error(
        [*argv, "--factors", "main_plot,sub", "-o", str(out)],
        capsys,
        match=r"the factor column 'main_plot' names the main plots \(each label in one block "
        r"only, e\.g\. '1-1' in block '1'\), not a whole-plot treatment",
        untouched=[path],
        absent=[out],
    )


# ------------------------------------------------------------------ a slip in a pair of plots


def test_decimal_slip_in_a_pair_names_the_slipped_plot():
    """Of two plots of a treatment, the one ten times the trial's typical mass is named.

    Each is the other's only comparison, so the ratios mirror (10.1 and 0.099); the plot
    first in the table was named "decimal point one place to the left?" although its
    partner held the slip (142.84 kg among plots of about 14 kg).
    """
    from yieldtrial.stats.screening import suspect_plots

    masses = [14.06, 14.21, 14.08, 14.33, 14.52, 14.61, 14.13, 14.26, 142.84, 14.29, 14.48, 14.7]
    data = pd.DataFrame(
        {
            "plot_id": [f"{b}0{i}" for b in (1, 2) for i in range(6)],
            "block": [str(b) for b in (1, 2) for _ in range(6)],
            "treatment": [f"T{i}" for _ in (1, 2) for i in range(6)],
            "harvested_area_m2": 20.0,
            "fresh_mass_kg": masses,
            "moisture_pct": 13.0,
        }
    )
    data["yield_kg_ha"] = data["fresh_mass_kg"] * 500.0
    found = suspect_plots(data, response="yield_kg_ha", treatment="treatment", block="block")
    typing = found[found["check"] == "typing_pattern"]
    assert typing["plot_id"].tolist() == ["202"]
    assert typing["pattern"].iloc[0] == "x10"


# ------------------------------------------------------------------ strata of exact fits


def _exact_strip(r: int = 4):
    """Long data of a 2 x 3 strip plot in ``r`` blocks: cell value + block effect, no error."""
    cells = {("I0", "N0"): 7033.4, ("I0", "N1"): 7133.7, ("I0", "N2"): 7234.1}
    cells |= {("I1", "N0"): 7333.3, ("I1", "N1"): 7433.9, ("I1", "N2"): 7534.7}
    rows = [
        {"block": f"B{b}", "a": a, "b": s, "y": value + 0.3 * b}
        for b in range(r)
        for (a, s), value in cells.items()
    ]
    return pd.DataFrame(rows)


def test_strip_plot_anova_refuses_strata_of_rounding_noise():
    """A strip plot fitted exactly printed F = 1.3e30 against error means squares of 1e-26."""
    from yieldtrial.stats.splitplot import strip_plot_anova

    with pytest.raises(
        DataValidationError,
        match=r"strip_plot model of 'y' leaves no variation in error_a, error_b and error_c "
        r"\(mean square 0 up to rounding\)",
    ):
        strip_plot_anova(_exact_strip(), response="y", block="block", horizontal="a", vertical="b")


def test_split_plot_anova_refuses_strata_of_rounding_noise():
    """The balanced split-plot ANOVA refuses it too (its F tests divided by ~1e-26)."""
    from yieldtrial.stats.splitplot import split_plot_anova

    with pytest.raises(
        DataValidationError, match=r"split_plot model of 'y' leaves no variation in error_a"
    ):
        split_plot_anova(_exact_strip(), response="y", block="block", whole_plot="a", sub_plot="b")


# ------------------------------------------------------------------ network: roles before warnings


def test_network_by_the_block_column_is_one_error_line(tmp_path, capsys):
    """--by block with a block column: the role error alone, not after a warning per trial.

    The raw harvest records were standardized trial by trial first, and each trial's
    warning (here a moisture of 5 %, implausible for wheat) was printed before the error.
    """
    rows = tuple(r.replace(",12.7\n", ",5\n").replace(",13.4\n", ",5\n") for r in ROWS)
    path = plot_table(tmp_path, rows=rows)
    out = tmp_path / "net.md"
    assert_one_line_error(
        ["network", str(path), "--by", "block", "--crop", "wheat", "-o", str(out)],
        capsys,
        match=r"column 'block' is given as both the block and the trial key \(by\)",
        untouched=[path],
        absent=[out],
    )


def test_audit_reported_harvest_column_is_one_error_line(tmp_path, capsys):
    """--reported fresh_mass_kg: refused before reading, not after the table's warnings.

    The table was read first and its warnings (here a moisture of 5 %, implausible for
    wheat) were printed before the error about the option.
    """
    rows = tuple(r.replace(",12.7\n", ",5\n") for r in ROWS)
    path = plot_table(tmp_path, rows=rows)
    assert_one_line_error(
        ["audit", str(path), "--crop", "wheat", "--reported", "fresh_mass_kg"],
        capsys,
        match=r"--reported 'fresh_mass_kg' is a column of the harvest record or the layout",
        untouched=[path],
    )


def test_network_missing_treatment_column_is_one_error_line(tmp_path, capsys):
    """--treatment naming no column: the error alone, before each trial's warning."""
    rows = tuple(r.replace(",12.7\n", ",5\n") for r in ROWS)
    path = plot_table(tmp_path, rows=rows)
    out = tmp_path / "net.md"
    argv = ["network", str(path), "--crop", "wheat", "--treatment", "variety", "-o", str(out)]
    assert_one_line_error(
        argv,
        capsys,
        match=r"column\(s\) not found: --treatment 'variety'; the data have columns",
        untouched=[path],
        absent=[out],
    )
