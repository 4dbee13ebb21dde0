"""Published worked examples of the stability statistics (agricolae's vignette).

Source: de Mendiburu, F. and Yaseen, M., "Stability Analysis with agricolae" (package
vignette ``StabilityAnalysis``, agricolae 1.4.0, 2020-05-02):

* ``stability.par(dataStb, rep=4, MSerror=1.8)``: 17 genotypes x 12 environments of
  yield means; printed Sigma-square (Shukla) and Ecovalence (Wricke), both on the plot
  scale (times rep = 4), and the significance codes of Shukla's F test;
* ``AMMI(Locality, Genotype, Rep, Yield)`` on ``plrv`` (28 potato clones x 6 localities
  x 3 replicates): printed ANOVA, IPCA sums of squares with Gollob's df, and
  ``index.AMMI`` ASV values.

The input tables are agricolae's data files (``inst/external/dataStb.csv`` and
``data/plrv.rda``, CIP, Peru).  They are not redistributed here: set
``YIELDTRIAL_REFERENCE_DATA`` to a folder holding ``dataStb.csv`` (as shipped) and
``plrv.csv`` (``write.csv(plrv)`` in R) to run these tests; they are skipped otherwise.
Run on the development machine: every value below matched to the printed digits.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from yieldtrial.network.stability import stability

ROOT = Path(os.environ.get("YIELDTRIAL_REFERENCE_DATA", "/nonexistent"))

# vignette, "Genotype. Stability statistics": Mean, Sigma-square, signif., Ecovalence
DATASTB = {
    "A": (7.383333, 2.474081, "ns", 25.826563),
    "B": (6.783333, 1.600869, "ns", 17.351269),
    "C": (7.250000, 0.567657, "ns", 7.323033),
    "F": (6.916667, 3.575818, "*", 36.519896),
    "I": (7.275000, 4.248566, "**", 43.049504),
    "N": (7.491667, 5.164848, "**", 51.942837),
    "Q": (6.158333, 3.531232, "*", 36.087151),
}

# vignette, model$ANOVA and model$analysis (plrv)
PLRV_ANOVA = {
    "environment": (5, 122284, 257.0382),
    "block(environment)": (12, 1142, 2.5694),
    "treatment": (27, 17533, 17.5359),
    "treatment:environment": (135, 23762, 4.7531),
    "error": (324, 11998, None),
}
PLRV_IPCA = {  # df, Sum.Sq, F, Pr.F
    "IPCA1": (31, 13368.5954, 11.65, 0.0000),
    "IPCA2": (29, 6427.5799, 5.99, 0.0000),
    "IPCA3": (27, 2241.9398, 2.24, 0.0005),
    "IPCA4": (25, 1027.5785, 1.11, 0.3286),
    "IPCA5": (23, 696.1012, 0.82, 0.7059),
}
# index.AMMI(model): ASV
PLRV_ASV = {"402.7": 0.2801470, "364.21": 0.7236998, "141.28": 4.4672401, "Desiree": 7.7833445}


def _need(name: str) -> Path:
    path = ROOT / name
    if not path.is_file():
        pytest.skip(f"{name} not available (set YIELDTRIAL_REFERENCE_DATA)")
    return path


def test_agricolae_stability_par_shukla_and_ecovalence():
    """Shukla's sigma2 and Wricke's ecovalence x rep, and Shukla's F verdicts, as printed."""
    wide = pd.read_csv(_need("dataStb.csv"), index_col=0)
    long = wide.stack().rename("y").reset_index()
    long.columns = ["genotype", "env", "y"]
    res = stability(
        long, env="env", treatment="genotype", response="y", blup=None,
        error_mean_square=1.8, error_df=576, replicates=4,
    )  # fmt: skip
    t = res.table.set_index("treatment")
    for g, (mean, sigma2, code, eco) in DATASTB.items():
        assert t.loc[g, "mean"] == pytest.approx(mean, abs=5e-7)
        assert 4 * t.loc[g, "shukla_sigma2"] == pytest.approx(sigma2, abs=5e-6)
        assert 4 * t.loc[g, "wricke_w2"] == pytest.approx(eco, abs=5e-6)
        p = t.loc[g, "shukla_p_value"]
        assert code == ("**" if p < 0.01 else "*" if p < 0.05 else "ns")


def test_agricolae_ammi_plrv():
    """AMMI ANOVA, IPCA sums of squares (Gollob df, F, p) and ASV of plrv, as printed."""
    plrv = pd.read_csv(_need("plrv.csv"))
    res = stability(
        plrv, env="Locality", treatment="Genotype", response="Yield", block="Rep", blup=None
    )
    anova = res.ammi.anova.set_index("source")
    for src, (df, ss, f) in PLRV_ANOVA.items():
        assert anova.loc[src, "df"] == df
        assert anova.loc[src, "sum_sq"] == pytest.approx(ss, abs=0.5)
        if f is not None:
            assert anova.loc[src, "f"] == pytest.approx(f, abs=5e-5)
    for src, (df, ss, f, p) in PLRV_IPCA.items():
        assert anova.loc[src, "df"] == df
        assert anova.loc[src, "sum_sq"] == pytest.approx(ss, abs=5e-5)
        assert anova.loc[src, "f"] == pytest.approx(f, abs=5e-3)
        # agricolae computes Pr.F from the F rounded to 2 decimals; do the same to compare
        rounded = sps.f.sf(round(float(anova.loc[src, "f"]), 2), df, 324)
        assert rounded == pytest.approx(p, abs=5e-5)
    asv = res.table.set_index("treatment")["asv"]
    for g, value in PLRV_ASV.items():
        assert asv[g] == pytest.approx(value, abs=5e-8)
    assert np.isfinite(res.error_mean_square)
