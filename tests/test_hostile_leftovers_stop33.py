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
    """A field book of `yieldtrial design split_plot`: sub-plots randomized in main plots."""
    from yieldtrial.design.layouts import split_plot

    book = split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5,
                      main_factor="irrigation", sub_factor="nitrogen")  # fmt: skip
    book = book[["plot_id", "treatment", "block", "row", "column", "main_plot", "irrigation", "nitrogen"]]
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
