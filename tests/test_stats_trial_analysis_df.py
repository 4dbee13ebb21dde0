"""Error df of a row-column design whose intra-block model a missing plot disconnects.

Two replicates of a 3 x 4 row-column layout of 12 treatments: with every blocking term
fixed (replicate:row, replicate:column) some treatments' means are no longer estimable
once a plot is lost, but the design's mixed model (rows and columns random) still
estimates all of them, so the df check must count the residual df instead of refusing.
"""

from __future__ import annotations

import warnings

import pandas as pd
import statsmodels.formula.api as smf
from statsmodels.tools.sm_exceptions import SingularMatrixWarning

from yieldtrial.stats.trial_analysis import design_df_error

COLUMNS = {
    "design": "row_column",
    "block": "block",
    "row": "row",
    "column": "column",
    "incomplete_block": None,
    "factors": ("treatment",),
}


def _layout() -> pd.DataFrame:
    first = [f"V{i:02d}" for i in range(1, 13)]
    second = ["V05", "V09", "V01", "V12", "V03", "V07", "V11", "V02", "V08", "V04", "V10", "V06"]
    rows = []
    for rep, order in (("1", first), ("2", second)):
        for k, treatment in enumerate(order):
            rows.append(
                {"block": rep, "row": str(k // 4 + 1), "column": str(k % 4 + 1),
                 "treatment": treatment, "y": 4000.0 + (37 * k) % 300 + 50 * int(rep)}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_row_column_missing_plot_counts_residual_df() -> None:
    data = _layout().drop(index=9)  # plot V10 of replicate 1 lost
    with warnings.catch_warnings():  # rank-deficient by construction (aliased dummies)
        warnings.simplefilter("ignore", SingularMatrixWarning)
        expected = smf.ols(
            "y ~ C(treatment) + C(block):C(row) + C(block):C(column)", data=data
        ).fit()  # statsmodels' residual df (n - rank) of the same intra-block model
    assert design_df_error(data.copy(), columns=COLUMNS, response="y") == int(
        round(expected.df_resid)
    )


def test_row_column_complete_df_unchanged() -> None:
    # 24 plots - (1 + 11 treatments + 5 rows + 6 further columns) = 1
    assert design_df_error(_layout(), columns=COLUMNS, response="y") == 1


def _augmented_checkless_block() -> pd.DataFrame:
    """SYNTHETIC augmented trial: CK1, CK2 and 3 entries in blocks 1-4; block 5 entries only."""
    rows = []
    for b in range(1, 6):
        checks = ("CK1", "CK2") if b <= 4 else ()
        for k, treatment in enumerate((*checks, *(f"E{3 * (b - 1) + i}" for i in (1, 2, 3)))):
            rows.append({"block": str(b), "treatment": treatment,
                         "y": 6000.0 + 200 * b + (53 * k + 31 * b) % 170})  # fmt: skip
    return pd.DataFrame(rows)


def test_random_block_augmented_with_a_checkless_block_counts_the_fitted_models_df() -> None:
    """Random blocks: a block holding only entries is analysed, its df counted on that model.

    The fixed-block (intra-block) model is disconnected and refused it (stop 45); the REML
    model fitted estimates every treatment.  Its residual df, by hand: the 8 check plots of
    blocks 1-4 leave (checks - 1)(blocks - 1) = 1 x 3 = 3; each entry's one plot fits its
    own effect (0 df), so block 5 adds none: 23 plots - rank 20 (17 treatments + 5 blocks -
    2 connected parts) = 3.
    """
    columns = {**COLUMNS, "design": "augmented", "row": None, "column": None}
    data = _augmented_checkless_block()
    assert design_df_error(data.copy(), columns={**columns, "block_effects": "random"},
                           response="y") == 3  # fmt: skip
