"""Non-finite, out-of-scale and misaligned numbers: refused with a yieldtrial error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hostile import HEADER, assert_one_line_error
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.harvest import plot_yield, standardized_mass_kg
from yieldtrial.io import read_plots
from yieldtrial.moisture import audit_rows, moisture_factor, standardize_moisture
from yieldtrial.units import convert_area, convert_mass, convert_yield


def test_audit_reported_inf_is_refused(capsys):
    """`audit 442 inf` is not 'reproduced' by any method: it is an error."""
    assert_one_line_error(
        ["audit", "442", "inf", "--moisture", "5", "--standard", "13"],
        capsys,
        match=r"reported_mass must be a finite number in \(0, inf\); got 'inf'",
    )


def test_audit_rows_refuse_negative_reported_figure():
    """A negative published figure is refused."""
    with pytest.raises(DataValidationError, match="reported_mass must be in"):
        audit_rows(442, -477.36, moisture_pct=5, standard_moisture_pct=13)


def test_standardize_moisture_nan_is_a_usage_error(capsys):
    """`standardize 442 --moisture nan` does not print nan (exit 2, one line)."""
    assert_one_line_error(
        ["standardize", "442", "--moisture", "nan", "--standard", "13"],
        capsys,
        code=2,
        match="argument --moisture: expected a finite number, got nan",
    )


def test_table_with_1e308_does_not_write_inf(tmp_path, capsys):
    """A mass of 1e308 kg overflows the yield: an error naming the plot, no 'inf' output."""
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "101,1,CK,20,1e308,12.7\n102,1,T,20,13.77,13.7\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert_one_line_error(
        ["standardize", str(path), "--crop", "wheat", "-o", str(out)],
        capsys,
        match=r"yield_kg_ha of plot '101' is too large to compute",
        absent=[out],
    )


def test_inf_text_in_a_cell_is_a_bad_cell(tmp_path):
    """'inf' typed into a mass cell is refused like any non-number."""
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "101,1,CK,20,inf,12.7\n102,1,T,20,13.77,13.7\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"fresh_mass_kg row 2 \(plot '101'\)"):
        read_plots(path)


@pytest.mark.parametrize("cell", ["1e400", "-inf", "Infinity"])
def test_overflowing_cell_is_shown_as_a_number_not_a_numpy_repr(tmp_path, capsys, cell):
    """A cell read as infinity is named 'inf' in the message, never 'np.float64(inf)'."""
    path = tmp_path / "p.csv"
    path.write_text(HEADER + f"101,1,CK,20,{cell},12.7\n102,1,T,20,13.77,13.7\n", encoding="utf-8")
    line = assert_one_line_error(
        ["standardize", str(path), "--crop", "wheat", "-o", str(tmp_path / "out.csv")],
        capsys,
        # the cell as typed (pandas 2 keeps it as text) or the number it reads as (pandas 3)
        match=rf"fresh_mass_kg row 2 \(plot '101'\): (-?inf|'{cell}')",
        untouched=[path],
        absent=[tmp_path / "out.csv"],
    )
    assert "np.float64" not in line


def test_negative_zero_is_read_as_zero(tmp_path):
    """'-0' (an empty plot typed with a sign) is 0: no '-0.0' in tables or outputs."""
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "101,1,CK,20,-0,-0.0\n102,1,T,20,13.77,13.7\n", encoding="utf-8")
    plots = read_plots(path)
    for column in ("fresh_mass_kg", "moisture_pct"):
        assert not np.signbit(plots[column].to_numpy()).any(), column


@pytest.mark.parametrize("standard", [float("nan"), float("inf")])
def test_nan_standard_moisture_is_refused(standard):
    """The standard moisture is a setting: NaN would make every result NaN."""
    with pytest.raises(DataValidationError, match="standard_moisture_pct must be a finite number"):
        standardize_moisture(442.0, moisture_pct=5.0, standard_moisture_pct=standard)


def test_nan_measurement_still_propagates():
    """A missing measurement (NaN) stays missing: a missing plot is not an error."""
    assert np.isnan(standardize_moisture(float("nan"), moisture_pct=5, standard_moisture_pct=13))


def test_infinite_mass_is_refused():
    """An infinite mass is never a measurement."""
    with pytest.raises(DataValidationError, match=r"mass must be a finite number in \[0, inf\)"):
        standardize_moisture(float("inf"), moisture_pct=5, standard_moisture_pct=13)


def test_series_with_different_indexes_are_refused():
    """Two Series with different labels would align into NaN: refused, naming the labels."""
    mass = pd.Series([10.0, 11.0], index=["a", "b"])
    moisture = pd.Series([13.0, 14.0], index=["a", "c"])
    with pytest.raises(DataValidationError, match=r"different indexes \(first difference: 'b'\)"):
        standardize_moisture(mass, moisture_pct=moisture, standard_moisture_pct=13)


def test_length_mismatch_is_a_yieldtrial_error():
    """Arrays of different lengths: a yieldtrial error, not numpy's broadcast error."""
    with pytest.raises(DataValidationError, match="mass has 3 values but moisture_pct has 2"):
        standardize_moisture(
            np.ones(3), moisture_pct=np.array([13.0, 14.0]), standard_moisture_pct=13
        )


def test_length_mismatch_in_plot_yield():
    """plot_yield with 2 masses and 3 areas names both arguments."""
    with pytest.raises(DataValidationError, match="fresh_mass_kg has 2 values but"):
        plot_yield(np.ones(2), harvested_area_m2=np.ones(3) * 20, moisture_pct=13,
                   standard_moisture_pct=13)  # fmt: skip


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([True, False]),
        pd.Series(pd.to_datetime(["2024-06-01", "2024-06-02"])),
        pd.Series([10.0, True], dtype=object),
        np.array([True, False]),
    ],
    ids=["bool-series", "datetime-series", "object-with-bool", "bool-array"],
)
def test_booleans_and_dates_are_not_numbers(values):
    """A bool or datetime column is refused instead of read as 1.0 or nanoseconds."""
    with pytest.raises(DataValidationError, match="must be numbers; got"):
        standardized_mass_kg(values, moisture_pct=13, standard_moisture_pct=13)


def test_datetime_column_in_a_dataframe_is_refused():
    """read_plots refuses a datetime64 mass column (not converted to nanoseconds)."""
    frame = pd.DataFrame(
        {
            "plot_id": ["1", "2"],
            "treatment": ["CK", "T"],
            "harvested_area_m2": [20.0, 20.0],
            "fresh_mass_kg": pd.to_datetime(["2024-06-01", "2024-06-02"]),
            "moisture_pct": [13.0, 13.0],
        }
    )
    with pytest.raises(DataValidationError, match="TRUE/FALSE and dates are not measurements"):
        read_plots(frame)


@pytest.mark.parametrize(
    ("convert", "units"),
    [
        (convert_yield, ("kg/mu", "kg/ha")),
        (convert_area, ("mu", "m2")),
        (convert_mass, ("jin", "kg")),
    ],
    ids=["yield", "area", "mass"],
)
def test_negative_amounts_are_refused(convert, units):
    """convert_yield(-1, ...) and friends are refused: amounts are not negative."""
    with pytest.raises(DataValidationError, match=r"value must be in \[0, inf\); got -1"):
        convert(-1.0, *units)


def test_conversion_of_a_difference_via_the_unit_factor():
    """A difference converts with the factor of 1 (documented in the message)."""
    factor = convert_yield(1.0, "kg/mu", "kg/ha")
    assert -10.0 * factor == pytest.approx(-150.0)  # 1 mu = 1/15 ha, so x15


def test_moisture_factor_refuses_misaligned_standard():
    """A per-plot standard moisture of the wrong length is named."""
    with pytest.raises(DataValidationError, match="moisture_pct has 3 values"):
        moisture_factor(np.array([12.0, 13.0, 14.0]), standard_moisture_pct=np.array([13.0, 14.0]))


def test_plan_with_huge_replicates_is_clean(capsys):
    """Extreme plan arguments: one line, no SciPy traceback or huge allocation."""
    assert_one_line_error(
        ["plan", "--cv", "8", "--replicates", "1000000000", "--treatments", "3"],
        capsys,
        match="replicates must be a whole number from 2 to",
    )


def test_design_with_absurd_blocks_is_clean(capsys):
    """A billion blocks: refused before anything is allocated."""
    assert_one_line_error(
        ["design", "rcbd", "--treatments", "A", "B", "--blocks", "1000000000"],
        capsys,
        match="more than any field trial has",
    )


def _scaled_rcbd(tmp_path, factor: float, *, column: str = "yield_kg_ha"):
    """Write a 3-treatment x 3-block yield table with every yield times ``factor``."""
    path = tmp_path / "y.csv"
    rows = [
        f"{b}{t},{b},{name},{(6000 + 300 * t + 50 * b + 40 * (t * b % 3)) * factor!r}"
        for b in (1, 2, 3)
        for t, name in enumerate(("CK", "A", "B"))
    ]
    path.write_text(f"plot_id,block,treatment,{column}\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("suffix", ["json", "md"])
def test_report_on_yields_far_out_of_scale_is_refused(tmp_path, capsys, suffix):
    """Yields of 1e200 kg/ha overflowed the sums of squares: NaN statistics, exit 0."""
    path = _scaled_rcbd(tmp_path, 1e200)
    out = tmp_path / f"r.{suffix}"
    assert_one_line_error(
        ["report", str(path), "--crop", "wheat", "--control", "CK", "-o", str(out)],
        capsys,
        match=r"yield_kg_ha of plot '1\d' = 6\.05e\+203 kg/ha, .* is far out of scale: no "
        r"analysis can use it",
        untouched=[path],
        absent=[out],
    )


def test_yields_of_1e90_are_still_analysed(tmp_path):
    """The bound (1e100 kg/ha) is far above any yield: 1e90-scaled yields still give an ANOVA."""
    from yieldtrial import FieldTrial

    with pytest.warns(YieldTrialWarning, match="standardized yield above 40,000 kg/ha"):
        trial = FieldTrial.from_csv(_scaled_rcbd(tmp_path, 1e86), crop="wheat")
    f_values = trial.anova().table["f"].dropna()
    assert len(f_values) and np.isfinite(f_values).all()


def test_network_site_with_a_yield_far_out_of_scale_is_failed_with_its_reason(tmp_path, capsys):
    """One site with a 1e200 yield fails, naming the row; the other sites are analysed."""
    path = tmp_path / "net.csv"
    huge = ("S2", 1, 0)  # site, block, treatment of the plot typed as 1e200 times its yield
    rows = [
        # b * t % 3: not additive, since an exact fit is a failed site too (stop 33)
        f"{site},{b},{name},"
        f"{(6000 + 300 * t + 50 * b + 20 * (b * t % 3)) * (1e200 if (site, b, t) == huge else 1)!r}"
        for site in ("S1", "S2", "S3")
        for b in (1, 2, 3)
        for t, name in enumerate(("CK", "A"))
    ]
    path.write_text("site,block,treatment,yield_kg_ha\n" + "\n".join(rows) + "\n")
    out = tmp_path / "net.md"
    from hostile import run_cli

    code, lines = run_cli(["network", str(path), "--control", "CK", "-o", str(out)], capsys)
    assert code == 0, lines
    assert not [line for line in lines if "overflow" in line], lines
    text = out.read_text(encoding="utf-8")
    assert "is far out of scale (above 1e+100" in text


def test_shrink_too_large_names_the_plots_not_an_index(tmp_path, capsys):
    """--shrink-per-point 99 said 'got -0.782 at index 3' (0-based, no plot id)."""
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "101,1,CK,20,14.98,14.7\n102,1,T,20,13.77,12.0\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    line = assert_one_line_error(
        ["standardize", str(path), "--crop", "wheat", "--method", "shrink",
         "--shrink-per-point", "99", "-o", str(out)],
        capsys,
        match=r"shrink_pct_per_point = 99 % per point takes more than the whole mass of plot "
        r"'101' \(14\.7 %\): 1 - 99 x \(moisture - 13\) / 100 is below 0",
        untouched=[path],
        absent=[out],
    )  # fmt: skip
    assert "index" not in line
