"""Leftovers of the stop-33 hostile passes: network exact fits, strip plots, API options."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import yieldtrial
from yieldtrial.errors import YieldTrialWarning

# --------------------------------------------------------------------------- network


def _network(copied: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sites A and B with plot noise; site C (or ``copied``) with yields copied per treatment."""
    rng = np.random.default_rng(1)
    rows = []
    for site in ("A", "B", "C"):
        for block in (1, 2, 3):
            for k, trt in enumerate(("T1", "T2", "T3"), start=1):
                noise = 0.0 if site == "C" else float(rng.normal(0.0, 0.3))
                rows.append(
                    {"site": site, "block": block, "treatment": trt, "yield_t_ha": 5 + k + noise}
                )
    return pd.DataFrame(rows)


def _analyse(data: pd.DataFrame) -> yieldtrial.NetworkResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        return yieldtrial.analyze_many(
            data, by="site", response="yield_t_ha", treatment="treatment", block="block"
        )


def test_network_site_with_copied_yields_is_failed_with_the_reason() -> None:
    # site C: every treatment's yield copied into its three blocks -> SSE 0 (an exact fit)
    res = _analyse(_network())
    row = res.per_trial.set_index("site").loc["C"]
    assert row["status"] == "failed"
    assert "fits every yield exactly" in row["reason"]
    assert np.isnan(row["cv_pct"])  # no CV 0.0 % shown for it


def test_network_site_with_copied_yields_is_left_out_of_the_sites_table() -> None:
    sites = _analyse(_network()).summary.sites.set_index("site")
    assert not bool(sites.loc["C", "included"])
    assert "copied" in sites.loc["C", "reason"]
    assert sites["included"].sum() == 2  # A and B pooled


def test_network_site_with_copied_yields_has_no_per_treatment_rows() -> None:
    res = _analyse(_network())
    assert set(res.per_treatment["site"]) == {"A", "B"}


def test_network_exactly_additive_site_is_refused_on_rounding_noise() -> None:
    # yields = treatment + block effects with decimals: the residuals are ~1e-15, not 0
    data = _network()
    c = data["site"] == "C"
    data.loc[c, "yield_t_ha"] = (
        4.1 + data.loc[c, "treatment"].str[1].astype(float) * 0.7 + data.loc[c, "block"] * 0.3
    )
    row = _analyse(data).per_trial.set_index("site").loc["C"]
    assert row["status"] == "failed"


def test_network_copied_site_warns_once_naming_it() -> None:
    with pytest.warns(YieldTrialWarning, match=r"site 'C': left out of the summary"):
        yieldtrial.analyze_many(
            _network(), by="site", response="yield_t_ha", treatment="treatment", block="block"
        )


def test_network_sites_with_plot_noise_stay_ok() -> None:
    per_trial = _analyse(_network()).per_trial.set_index("site")
    assert list(per_trial.loc[["A", "B"], "status"]) == ["ok", "ok"]


# --------------------------------------------------------------------------- strip plot


def _split_plot_book() -> pd.DataFrame:
    """Return a `yieldtrial design split_plot` field book (sub-plots randomized in mains)."""
    from yieldtrial.design.layouts import split_plot

    book = split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5,
                      main_factor="irrigation", sub_factor="nitrogen")  # fmt: skip
    keep = ["plot_id", "treatment", "block", "row", "column", "main_plot"]
    book = book[[*keep, "irrigation", "nitrogen"]]
    return book.assign(yield_t_ha=6.0 + np.random.default_rng(3).normal(0.0, 0.4, len(book)))


def _strip(book: pd.DataFrame) -> yieldtrial.FieldTrial:
    return yieldtrial.FieldTrial.from_dataframe(
        book, crop="wheat", design="strip_plot", factors=("irrigation", "nitrogen")
    )


def test_strip_plot_analysis_of_a_split_plot_layout_is_refused() -> None:
    # seed 5, block 1: N0 in columns 1 and 5 of row 1 (not one vertical strip)
    with pytest.raises(yieldtrial.DataValidationError, match=r"split_plot") as info:
        _strip(_split_plot_book())
    assert "'nitrogen' = 'N0' lies in rows 1 and columns 1, 5" in str(info.value)


def test_strip_plot_laid_out_in_crossing_strips_is_accepted() -> None:
    # irrigation level i in row i + 1 of its block, nitrogen level n in column n + 1
    book = _split_plot_book()
    book["row"] = book["irrigation"].str[1].astype(int) + 1
    book["column"] = book["nitrogen"].str[1].astype(int) + 1
    assert _strip(book).design == "strip_plot"


def test_strip_plot_without_positions_is_not_judged() -> None:
    # no row/column: the layout cannot be told from the data, the analysis runs
    book = _split_plot_book().drop(columns=["row", "column"])
    assert _strip(book).design == "strip_plot"


def test_cli_strip_design_on_a_split_plot_field_book_exits_1(tmp_path, capsys) -> None:
    from yieldtrial.cli import main

    path = tmp_path / "plots.csv"
    _split_plot_book().to_csv(path, index=False)
    out = tmp_path / "r.md"
    argv = ["report", str(path), "--crop", "wheat", "--design", "strip_plot",
            "--factors", "irrigation,nitrogen", "-o", str(out)]  # fmt: skip
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and 'design = "split_plot"' in err
    assert not out.exists()


# --------------------------------------------------------------------------- API options


@pytest.fixture(scope="module")
def trial() -> yieldtrial.FieldTrial:
    rng = np.random.default_rng(2)
    rows = [
        {"plot_id": f"{b}{i}", "block": b, "treatment": t,
         "yield_t_ha": 6 + i * 0.5 + float(rng.normal(0.0, 0.2))}
        for b in (1, 2, 3)
        for i, t in enumerate(("CK", "T1", "T2"))
    ]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        return yieldtrial.FieldTrial.from_dataframe(pd.DataFrame(rows), crop="wheat", control="CK")


@pytest.mark.parametrize("value", [pd.NA, pd.Series(["tukey"])], ids=["NA", "Series"])
def test_means_letters_not_text_is_refused_naming_letters(trial, value) -> None:
    with pytest.raises(yieldtrial.DataValidationError, match=r"letters must be one of"):
        trial.means(letters=value)


@pytest.mark.parametrize("value", [pd.NA, pd.Series(["t"])], ids=["NA", "Series"])
def test_compare_to_control_method_not_text_is_refused(trial, value) -> None:
    with pytest.raises(yieldtrial.DataValidationError, match=r"method must be one of"):
        trial.compare_to_control(method=value)


def test_means_model_kind_na_is_refused(trial) -> None:
    with pytest.raises(yieldtrial.DataValidationError, match=r"kind=None or 'treatment'"):
        trial.pairwise(kind=pd.NA)


@pytest.mark.parametrize("value", [0, [], pd.NA], ids=["zero", "empty", "NA"])
def test_means_unit_falsy_or_na_is_refused_not_the_default(trial, value) -> None:
    with pytest.raises(yieldtrial.DataValidationError, match=r"yield unit must be text"):
        trial.means(unit=value)


@pytest.mark.parametrize("value", [0, [], pd.NA], ids=["zero", "empty", "NA"])
def test_means_two_level_not_a_test_is_refused(trial, value) -> None:
    with pytest.raises(yieldtrial.DataValidationError, match=r"unknown two_level"):
        trial.means(two_level=value)


@pytest.mark.parametrize("value", [0, [], pd.NA], ids=["zero", "empty", "NA"])
def test_sensitivity_letters_falsy_or_na_is_refused(trial, value) -> None:
    with pytest.raises(yieldtrial.DataValidationError, match=r"unknown letters"):
        trial.sensitivity(letters=value)


def test_sensitivity_contrast_naming_an_unknown_treatment_is_refused(trial) -> None:
    with pytest.raises(yieldtrial.DataValidationError, match=r"contrast 'x': treatment 'T9'"):
        trial.sensitivity(plots=[], contrasts=[("x", "T9", "CK")])


def test_analyze_many_treatment_order_0d_array_is_refused() -> None:
    with pytest.raises(yieldtrial.DataValidationError, match=r"treatment_order must be a list"):
        yieldtrial.analyze_many(
            _network(), by="site", response="yield_t_ha", treatment="treatment",
            block="block", treatment_order=np.array("T1"),
        )  # fmt: skip


def test_split_plot_sub_treatments_0d_array_is_refused() -> None:
    from yieldtrial.design.layouts import split_plot

    with pytest.raises(yieldtrial.DataValidationError, match=r"sub_treatments must be a list"):
        split_plot(["I0", "I1"], np.array("N0"), blocks=2)


def test_compact_letters_refuses_p_values_as_significance() -> None:
    from yieldtrial.stats.letters import compact_letters

    p = [[0, 0.03, 0.2], [0.03, 0, 0.5], [0.2, 0.5, 0]]  # p-values, not booleans
    with pytest.raises(yieldtrial.DataValidationError, match=r"\['A', 'B'\] = 0.03"):
        compact_letters(["A", "B", "C"], [3.0, 2.0, 1.0], p)


def test_compact_letters_refuses_a_repeated_level() -> None:
    from yieldtrial.stats.letters import compact_letters

    with pytest.raises(yieldtrial.DataValidationError, match=r"'A' more than once"):
        compact_letters(["A", "A", "C"], [3.0, 2.0, 1.0], np.zeros((3, 3), dtype=bool))


def test_compact_letters_keeps_a_triangular_matrix() -> None:
    # upper triangle only: the documented rule, a pair differs when either entry says so;
    # A != C only -> A 'a', B 'ab', C 'b' (the docstring example)
    from yieldtrial.stats.letters import compact_letters

    sig = [[0, 0, 1], [0, 0, 0], [0, 0, 0]]
    assert compact_letters(["A", "B", "C"], [30.0, 20.0, 10.0], sig).tolist() == [
        "a", "ab", "b"
    ]  # fmt: skip


def _gxe_means() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    rows = [
        {"site": s, "treatment": t, "yield_t_ha": 6 + i + j * 0.3 + float(rng.normal(0, 0.2))}
        for i, s in enumerate(("S1", "S2", "S3", "S4"))
        for j, t in enumerate(("A", "B", "C"))
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"replicates": 1e308}, r"replicates = 1e\+308; replicates must be in \[1, 1e\+06\]"),
        ({"error_df": 1e-310}, r"error_df = 1e-310; error_df must be in \[1, inf\)"),
    ],
)
def test_stability_refuses_out_of_scale_pooled_error(changes, match) -> None:
    from yieldtrial.network.stability import stability

    options = {"error_mean_square": 0.04, "error_df": 24.0, "replicates": 3.0, **changes}
    with pytest.raises(yieldtrial.DataValidationError, match=match):
        stability(_gxe_means(), env="site", treatment="treatment",
                  response="yield_t_ha", **options)  # fmt: skip


@pytest.mark.parametrize(
    ("mass", "reported", "match"),
    [
        (442.0, 0.0, r"reported_mass must be in \(0, inf\); got 0"),
        (1e308, 477.36, r"mass must be in \[0, 1e\+100\]; got 1e\+308"),
    ],
)
def test_audit_refuses_reported_zero_and_out_of_scale_mass(mass, reported, match) -> None:
    from yieldtrial.moisture import audit_moisture_conversion

    with pytest.raises(yieldtrial.DataValidationError, match=match):
        audit_moisture_conversion(mass, reported, moisture_pct=5, standard_moisture_pct=13)
