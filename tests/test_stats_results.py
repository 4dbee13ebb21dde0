"""Tests of the shared result types (yieldtrial.stats.results): one provenance contract."""

from __future__ import annotations

import warnings
from dataclasses import fields
from itertools import product
from typing import Any

import numpy as np
import pandas as pd
import pytest

from yieldtrial.errors import YieldTrialWarning
from yieldtrial.stats import (
    anova,
    compare_to_control,
    diagnostics,
    fit,
    mean_separation,
    means,
    pairwise,
    two_level_letters,
)
from yieldtrial.stats.results import MeansModel, Provenance

#: The keys every attrs["provenance"] holds (the Provenance fields, in order).
KEYS = [f.name for f in fields(Provenance)]


def rcbd() -> pd.DataFrame:
    """RCBD, 4 treatments x 3 blocks, mean about 6000 kg/ha (seeded noise)."""
    rng = np.random.default_rng(3)
    cells = list(product("ABCD", "123"))
    df = pd.DataFrame(cells, columns=["treatment", "block"])
    df["yield_kg_ha"] = 6000 + 100 * df["treatment"].map("ABCD".index) + rng.normal(0, 80, 12)
    return df


def two_factor() -> pd.DataFrame:
    """Balanced 2 x 3 two-factor trial in 3 blocks (seeded noise)."""
    rng = np.random.default_rng(4)
    df = pd.DataFrame(list(product("123", ["dry", "wet"], ["N0", "N1", "N2"])),
                      columns=["block", "irr", "rate"])  # fmt: skip
    df["y"] = 5.0 + rng.normal(0, 1, len(df))
    return df


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """Every statistical table the layer returns, by name (low-df warnings silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)
        return _tables()


def _tables() -> dict[str, pd.DataFrame]:
    df, sp = rcbd(), two_factor()
    kw: dict[str, Any] = {"response": "yield_kg_ha", "treatment": "treatment", "block": "block"}
    mm = fit(df, **kw).means_model()
    split = anova(sp, response="y", block="block", design="split_plot",
                  whole_plot="irr", sub_plot="rate")  # fmt: skip
    strip = anova(sp, response="y", block="block", design="strip_plot",
                  horizontal="irr", vertical="rate")  # fmt: skip
    fact = anova(sp, response="y", block="block", design="factorial",
                 factor_a="irr", factor_b="rate")  # fmt: skip
    return {
        "fit": fit(df, **kw).to_frame(),
        "anova": anova(df, **kw).to_frame(),
        "compare_to_control": compare_to_control(df, control="A", **kw),
        "pairwise": pairwise(df, **kw),
        "means": means(df, control="A", **kw),
        "diagnostics": diagnostics(df, **kw).to_frame(),
        "mean_separation": mean_separation(mm, test="duncan").to_frame(),
        "two_level_letters": two_level_letters(mm),
        "split_plot": split.to_frame(),
        "split_plot_sed": split.sed,
        "split_plot_means": split.means_table(),
        "strip_plot": strip.to_frame(),
        "strip_plot_diagnostics": diagnostics(
            sp, response="y", block="block", design="strip_plot", horizontal="irr", vertical="rate"
        ).to_frame(),  # fmt: skip
        "factorial": fact.to_frame(),
        "factorial_simple_effects": fact.simple_effects,
        "factorial_means": fact.means_table(),
    }


def test_every_table_carries_the_same_provenance_keys(tables: dict[str, pd.DataFrame]) -> None:
    """Every result table has attrs["provenance"] with exactly the Provenance fields."""
    assert len(tables) == 16
    for name, table in tables.items():
        prov = table.attrs.get("provenance")
        assert prov is not None, name
        assert list(prov) == KEYS, name
        assert prov["design"] and prov["model"] and prov["error_term"], name
        assert np.isfinite(prov["df_error"]) and prov["version"], name


def test_diagnostics_provenance_names_the_checks_and_the_fit() -> None:
    """Diagnostics provenance: the fit's design/model/df, the checks as test, no adjustment."""
    df = rcbd()
    kw: dict[str, Any] = {"response": "yield_kg_ha", "treatment": "treatment", "block": "block"}
    with pytest.warns(YieldTrialWarning, match="6 error degrees of freedom"):
        prov = diagnostics(df, alpha=0.1, **kw).provenance
    assert prov is not None
    # error df of an RCBD: (t - 1)(b - 1) = 3 x 2 = 6
    assert (prov.design, prov.model, prov.df_error) == ("rcbd", fit(df, **kw).formula, 6.0)
    assert "Shapiro-Wilk" in str(prov.test) and prov.alpha == 0.1 and prov.adjustment == "none"


def test_split_plot_diagnostics_provenance_is_the_strata_provenance() -> None:
    """Split-plot diagnostics keep the stratum ANOVA's model and error terms."""
    sp = two_factor()
    with pytest.warns(YieldTrialWarning):
        d = diagnostics(sp, response="y", block="block", design="split_plot",
                        whole_plot="irr", sub_plot="rate")  # fmt: skip
    assert d.strata is not None and d.provenance is not None
    assert d.provenance.model == d.strata.provenance.model
    assert d.provenance.error_term == d.strata.provenance.error_term
    # error b df = a (r - 1)(b - 1) = 2 x 2 x 2 = 8
    assert d.provenance.df_error == 8.0


def test_fit_provenance_is_that_of_its_means_model() -> None:
    """DesignFit.provenance names the residual error term and its df."""
    model = fit(rcbd(), response="yield_kg_ha", treatment="treatment", block="block")
    prov = model.provenance
    assert prov == model.means_model().provenance(test="least-squares means")
    # residual df of the RCBD: 12 plots - 1 - 3 treatments - 2 blocks = 6
    assert (prov.error_term, prov.df_error) == ("residual", 6.0)


# ----------------------------------------------------------------------------- per-contrast df


def _two_means(cov: np.ndarray | None = None, **extra: Any) -> MeansModel:
    return MeansModel(
        "t", ("a", "b", "c"), np.array([1.0, 3.0, 4.0]), np.eye(3) if cov is None else cov,
        10.0, np.array([2, 2, 2]), 2.0, "residual", "crd", "y ~ t", "y", **extra,
    )  # fmt: skip


def test_contrast_df_defaults_to_the_single_df() -> None:
    """Without covariance gradients every contrast has the model's df."""
    mm = _two_means()
    np.testing.assert_array_equal(mm.contrast_df(np.array([[1.0, -1, 0], [0, 1, -1]])), [10, 10])
    pairs = mm.pairwise_df()
    assert np.isnan(np.diag(pairs)).all()
    assert (pairs[~np.eye(3, dtype=bool)] == 10.0).all()


def test_contrast_df_is_satterthwaite_with_gradients() -> None:
    """With cov = theta_e I + theta_b J a difference has df 2 theta_e^2 / var(theta_e)."""
    theta_e, theta_b, var_e, var_b = 2.0, 5.0, 0.4, 9.0
    cov = theta_e * np.eye(3) + theta_b * np.ones((3, 3))
    grad = np.stack([np.eye(3), np.ones((3, 3))])  # d cov / d theta_e, d cov / d theta_b
    mm = _two_means(
        cov=cov, cov_gradient=grad, variance_parameter_cov=np.diag([var_e, var_b]),
        df_method="satterthwaite",
    )  # fmt: skip
    # var(a - b) = 2 theta_e, gradient (2, 0): df = 2 (2 theta_e)^2 / (4 var_e)
    expected = 2 * theta_e**2 / var_e
    assert mm.contrast_df(np.array([1.0, -1.0, 0.0]))[0] == pytest.approx(expected)
    assert mm.pairwise_df()[0, 2] == pytest.approx(expected)
    # a single mean also carries theta_b: var = theta_e + theta_b, gradient (1, 1)
    single = 2 * (theta_e + theta_b) ** 2 / (var_e + var_b)
    assert mm.contrast_df(np.array([1.0, 0.0, 0.0]))[0] == pytest.approx(single)
    assert mm.provenance().df_method == "satterthwaite"
    assert mm.provenance().variance_estimation == "REML"


def test_means_model_to_frame_and_short_repr() -> None:
    """to_frame(): one row per level with n, LS-mean, SE = sqrt(diag cov) and df; short repr.

    Hand values: cov = 4 I, so SE = 2 for both levels; df 6 as given.
    """
    mm = MeansModel("treatment", ("CK", "T"), np.array([100.0, 110.0]), np.eye(2) * 4.0, 6.0,
                    np.array([4, 4]), 16.0, "residual", "rcbd",
                    "yield_kg_ha ~ treatment + block", "yield_kg_ha")  # fmt: skip
    table = mm.to_frame()
    assert list(table.columns) == ["level", "n", "lsmean", "se", "df"]
    np.testing.assert_allclose(table["se"], [2.0, 2.0])
    assert table.attrs["error_term"] == "residual"
    assert repr(mm) == (
        "MeansModel(factor='treatment', levels=2, design='rcbd', error_term='residual', "
        "df=6, response='yield_kg_ha')"
    )
    assert "<table" in mm._repr_html_()


def test_index_of_an_absent_level_is_a_yieldtrial_error_listing_the_levels() -> None:
    """MeansModel.index('X') was a bare KeyError; it is a yieldtrial error (and a KeyError)."""
    from yieldtrial.errors import UnknownNameError

    mm = _two_means()
    with pytest.raises(UnknownNameError, match=r"'X' is not a level of 't'; levels: a, b, c"):
        mm.index("X")
