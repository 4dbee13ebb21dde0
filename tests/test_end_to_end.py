"""End-to-end checks of yieldtrial as users run it: files in, numbers and reports out.

Every expected number is recomputed here independently: by hand from the formulas of
``shared/domain-standards.md`` (dry-matter moisture correction, 1 mu = 10000/15 m2,
1 lb = 0.45359237 kg, 1 acre = 4046.8564224 m2, maize 56 lb/bu), with statsmodels OLS
(``y ~ C(treatment) + C(block)``, ``anova_lm(typ=2)``, LS-mean contrasts from ``params`` and
``cov_params``), or with ``scipy.stats.multivariate_t`` / ``studentized_range``.

Test data (``tests/data/e2e/``, written for these tests):

* ``maize_gbk.csv``: maize variety RCBD, 5 varieties x 3 reps, Chinese headers, GBK encoded,
  ear weights with shelling %, plot 203 (京科968, rep 2) missing.
* ``wheat.csv`` + ``wheat.toml``: wheat N-rate RCBD, 4 x 4, English headers, kg/mu display.
* ``corn_us.csv`` + ``corn.toml``: US corn hybrids, area in acres, mass in lb, ``hybrid``
  header mapped with ``[columns]``, usda protocol, bu/ac.
* ``network.csv``: 4 sites x 4 treatments x 3 blocks of yields; Linfen has one missing plot,
  Datong has a treatment with every plot missing (must fail alone).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import optimize, stats

import yieldtrial as yt
from yieldtrial.cli import main

pytestmark = [
    pytest.mark.filterwarnings("ignore::yieldtrial.YieldTrialWarning"),
    pytest.mark.usefixtures("close_figures"),
]

E2E = Path(__file__).parent / "data" / "e2e"
MAIZE_LEVELS = ["郑单958", "先玉335", "京科968", "登海605", "CK"]
MU_M2 = 10000 / 15  # domain-standards.md section 3: 1 mu = 10000/15 m2 exactly
LB_KG = 0.45359237  # domain-standards.md section 3
ACRE_M2 = 4046.8564224  # domain-standards.md section 3


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """Copy the e2e data folder to a scratch folder and return it."""
    for f in E2E.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


def _maize_trial() -> yt.FieldTrial:
    return yt.FieldTrial.from_csv(E2E / "maize_gbk.csv", crop="玉米", control="CK")


def _maize_ols() -> tuple[Any, dict[str, np.ndarray]]:
    """Fit the maize yields with statsmodels; return it and the LS-mean vectors."""
    plots = _maize_trial().yields()
    data = plots.dropna(subset=["yield_kg_ha"]).rename(columns={"yield_kg_ha": "y"})
    data = data.assign(treatment=data["treatment"].astype(str), block=data["block"].astype(str))
    fit = smf.ols("y ~ C(treatment) + C(block)", data=data).fit()
    names = list(fit.params.index)
    n_blocks = data["block"].nunique()
    vectors = {}
    for level in MAIZE_LEVELS:
        v = np.zeros(len(names))
        for i, name in enumerate(names):
            if name == "Intercept":
                v[i] = 1.0
            elif name == f"C(treatment)[T.{level}]":
                v[i] = 1.0
            elif name.startswith("C(block)"):
                v[i] = 1.0 / n_blocks
        vectors[level] = v
    return fit, vectors


# --------------------------------------------------------------------------- standardize


def test_gbk_chinese_maize_plot_yield_by_hand(work: Path, capsys: pytest.CaptureFixture) -> None:
    """GBK file, headers 小区号/品种/重复/收获面积(㎡)/鲜穗重/含水量/出籽率: hand-computed yield."""
    code = main(
        ["standardize", str(work / "maize_gbk.csv"), "--crop", "玉米", "--unit", "kg/mu",
         "-o", str(work / "out.csv")]
    )  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    assert "203" in err  # the missing plot is announced on stderr
    out = pd.read_csv(work / "out.csv", dtype={"plot_id": str})
    row = out.set_index("plot_id").loc["101"]
    # hand: 18.48 kg ears x 85.1 % shelling x (100 - 26.4)/(100 - 14) = 13.458941 kg at 14 %
    # (Hebei maize formula, domain-standards 1.2); / 20 m2 x 10000 = 6729.4705 kg/ha
    expected_kg_ha = 18.48 * 0.851 * (100 - 26.4) / (100 - 14) / 20 * 10000
    assert row["yield_kg_ha"] == pytest.approx(expected_kg_ha, rel=1e-12)
    assert row["yield_kg_mu"] == pytest.approx(expected_kg_ha / 15, rel=1e-12)  # 15 mu = 1 ha
    assert out.set_index("plot_id")["yield_kg_ha"].isna()["203"]


def test_xlsx_reads_like_the_gbk_csv(work: Path) -> None:
    """The same table saved as .xlsx (UTF-8 header 收获面积(m²)) gives the same yields."""
    frame = pd.read_csv(work / "maize_gbk.csv", encoding="gbk")
    frame = frame.rename(columns={"收获面积(㎡)": "收获面积(m²)"})
    frame.to_excel(work / "maize.xlsx", index=False, sheet_name="产量")
    a = yt.FieldTrial.from_csv(work / "maize.xlsx", crop="maize").yields()
    b = _maize_trial().yields()
    # independent source: the CSV path of the same data
    np.testing.assert_allclose(a["yield_kg_ha"], b["yield_kg_ha"], rtol=1e-12)


def test_us_corn_bushels_at_15_5(work: Path, capsys: pytest.CaptureFixture) -> None:
    """Inputs in lb and acre, usda protocol: bu/ac = lb x (100-M)/84.5 / acres / 56."""
    code = main(
        ["standardize", str(work / "corn_us.csv"), "--crop", "corn", "--protocol", "usda",
         "--unit", "bu/ac", "--column", "hybrid=treatment", "-o", str(work / "out.csv")]
    )  # fmt: skip
    assert code == 0
    out = pd.read_csv(work / "out.csv", dtype={"plot_id": str}).set_index("plot_id")
    # hand: 134.7 lb at 16.5 % -> 134.7 x 83.5/84.5 lb at 15.5 % (usda maize 15.5 %, SDSU);
    # over 0.01 ac, 56 lb/bu (domain-standards section 3) = 237.68914 bu/ac
    assert out.loc["101", "yield_bu_ac"] == pytest.approx(134.7 * 83.5 / 84.5 / 0.01 / 56, rel=1e-9)
    kg_ha = 134.7 * LB_KG * 83.5 / 84.5 / (0.01 * ACRE_M2) * 10000
    assert out.loc["101", "yield_kg_ha"] == pytest.approx(kg_ha, rel=1e-12)


def test_single_mass_jinzhong_both_methods(capsys: pytest.CaptureFixture) -> None:
    """442 at 5 % to 13 %: 482.64 dry matter, 477.36 percentage point (domain-standards 0)."""
    assert main(["standardize", "442", "--moisture", "5", "--standard", "13"]) == 0
    assert "482.64" in capsys.readouterr().out  # 442 x 95/87
    argv = ["standardize", "442", "--moisture", "5", "--standard", "13"]
    assert main([*argv, "--method", "percentage_point"]) == 0
    assert "477.36" in capsys.readouterr().out  # 442 x 1.08


# --------------------------------------------------------------------------- statistics


def test_maize_anova_with_missing_plot_matches_statsmodels() -> None:
    """Type II ANOVA of the RCBD with one missing plot equals statsmodels anova_lm(typ=2)."""
    table = _maize_trial().anova().table.set_index("source")
    fit, _ = _maize_ols()
    ref = sm.stats.anova_lm(fit, typ=2)  # independent: statsmodels OLS
    assert table.loc["treatment", "df"] == 4
    assert table.loc["residual", "df"] == 7  # 14 observed plots - 1 - 4 - 2
    assert table.loc["treatment", "sum_sq"] == pytest.approx(ref.loc["C(treatment)", "sum_sq"])
    assert table.loc["block", "sum_sq"] == pytest.approx(ref.loc["C(block)", "sum_sq"])
    assert table.loc["residual", "sum_sq"] == pytest.approx(ref.loc["Residual", "sum_sq"])
    assert table.loc["treatment", "p_value"] == pytest.approx(ref.loc["C(treatment)", "PR(>F)"])


def test_maize_lsmeans_match_statsmodels_contrasts() -> None:
    """LS-means (equal block weights) and their SEs equal L'b and sqrt(L'VL) from statsmodels."""
    means = _maize_trial().means().set_index("treatment")
    fit, vectors = _maize_ols()
    b, cov = fit.params.to_numpy(), fit.cov_params().to_numpy()
    for level in MAIZE_LEVELS:
        v = vectors[level]
        assert means.loc[level, "yield_kg_ha"] == pytest.approx(v @ b, rel=1e-10)
        assert means.loc[level, "se_kg_ha"] == pytest.approx(np.sqrt(v @ cov @ v), rel=1e-8)
    # the variety with the missing plot has its LS-mean, not the raw mean of its 2 plots
    raw = _maize_trial().yields().groupby("treatment")["yield_kg_ha"].mean()
    assert means.loc["京科968", "yield_kg_ha"] != pytest.approx(raw["京科968"], rel=1e-4)
    assert means.loc["京科968", "n"] == 2


def test_maize_dunnett_matches_multivariate_t() -> None:
    """Dunnett adjusted p vs CK equals 1 - P(max|T| < |t|) from scipy multivariate_t (seeded)."""
    comp = _maize_trial().compare_to_control().set_index("treatment")
    fit, vectors = _maize_ols()
    b, cov = fit.params.to_numpy(), fit.cov_params().to_numpy()
    rows = MAIZE_LEVELS[:4]
    c = np.array([vectors[t] - vectors["CK"] for t in rows])
    est, v = c @ b, c @ cov @ c.T
    se = np.sqrt(np.diag(v))
    corr = v / np.outer(se, se)
    mvt = stats.multivariate_t(loc=np.zeros(4), shape=corr, df=fit.df_resid, seed=1)
    for t, e, s in zip(rows, est, se, strict=True):
        assert comp.loc[t, "difference_kg_ha"] == pytest.approx(e, rel=1e-9)
        assert comp.loc[t, "se_kg_ha"] == pytest.approx(s, rel=1e-8)
        q = abs(e / s)
        p_ref = 1 - mvt.cdf(np.full(4, q), lower_limit=np.full(4, -q))
        assert comp.loc[t, "p_value_adjusted"] == pytest.approx(p_ref, abs=2e-3)  # MC error
        assert comp.loc[t, "df"] == 7


def test_maize_noninferiority_contrast() -> None:
    """NI (margin 5 %): statistic = w'b/sqrt(w'Vw), w = e_T - 0.95 e_CK; p adjusted like Dunnett."""
    comp = _maize_trial().compare_to_control(margin_pct=5).set_index("treatment")
    fit, vectors = _maize_ols()
    b, cov = fit.params.to_numpy(), fit.cov_params().to_numpy()
    rows = MAIZE_LEVELS[:4]
    w = np.array([vectors[t] - 0.95 * vectors["CK"] for t in rows])  # docs/comparisons.md
    est, v = w @ b, w @ cov @ w.T
    se = np.sqrt(np.diag(v))
    z = est / se
    # the NI family is adjusted with the table's two-sided single-step procedure; the p
    # reported is one-sided (H0: T <= 0.95 CK): half the two-sided p in the direction of
    # the estimate (documented in compare_means_to_control); non-inferior <=> p < 0.025
    mvt = stats.multivariate_t(loc=np.zeros(4), shape=v / np.outer(se, se), df=7, seed=2)
    for t, zi in zip(rows, z, strict=True):
        assert comp.loc[t, "noninferiority_statistic"] == pytest.approx(zi, rel=1e-8)
        p_two = 1 - mvt.cdf(np.full(4, abs(zi)), lower_limit=np.full(4, -abs(zi)))
        p_ref = p_two / 2 if zi > 0 else 1 - p_two / 2
        assert comp.loc[t, "noninferiority_p_value_adjusted"] == pytest.approx(p_ref, abs=2e-3)
        assert bool(comp.loc[t, "noninferior"]) == bool(p_ref < 0.025)


def test_maize_tukey_kramer_pairwise() -> None:
    """Tukey-Kramer p = studentized_range.sf(|t| sqrt 2, k=5, df=7) for every pair."""
    pairs = _maize_trial().pairwise()
    assert len(pairs) == 10  # 5 choose 2
    for _, row in pairs.iterrows():
        p_ref = stats.studentized_range.sf(abs(row["statistic"]) * np.sqrt(2), 5, 7)
        assert row["p_value_adjusted"] == pytest.approx(p_ref, abs=1e-6)
        assert row["p_value"] == pytest.approx(2 * stats.t.sf(abs(row["statistic"]), 7))


def test_maize_diagnostics_warn_low_df() -> None:
    """Error df 7 < 10 is flagged; Shapiro-Wilk equals scipy on the model residuals."""
    with pytest.warns(yt.YieldTrialWarning, match="7 error degrees of freedom"):
        diag = _maize_trial().diagnostics()
    assert diag.df_error == 7
    assert diag.df_warning
    fit, _ = _maize_ols()
    w, p = stats.shapiro(np.asarray(fit.resid))  # independent: scipy on statsmodels residuals
    assert diag.shapiro[0] == pytest.approx(w, rel=1e-9)
    assert diag.shapiro[1] == pytest.approx(p, rel=1e-6)


def test_wheat_efficiency_pfp_ae_by_hand() -> None:
    """PFP and AE from urea rates: N = 17.4 kg/mu x 46 % x 15 = 120.06 kg N/ha (Dobermann 2007)."""
    trial = yt.FieldTrial.from_csv(E2E / "wheat.csv", crop="wheat", control="CK")
    fert = {
        "CK": {"n_rate_kg_ha": 0},
        "N120": {"product": "urea 46-0-0", "rate_kg_mu": 17.4},
        "N180": {"product": "urea 46-0-0", "rate_kg_mu": 26.1},
        "N240": {"product": "urea 46-0-0", "rate_kg_mu": 34.8},
    }
    table = trial.efficiency(fert)
    means = trial.means().set_index("treatment")["yield_kg_ha"]
    pfp = table[(table["treatment"] == "N120") & (table["metric"] == "partial_factor_productivity")]
    ae = table[(table["treatment"] == "N120") & (table["metric"] == "agronomic_efficiency")]
    n_kg_ha = 17.4 * 0.46 * 15
    value = pfp.select_dtypes("number").iloc[0]
    assert float(pfp["value"].iloc[0]) == pytest.approx(means["N120"] / n_kg_ha, rel=1e-9), value
    expected_ae = (means["N120"] - means["CK"]) / n_kg_ha  # CK is the zero-N plot
    assert float(ae["value"].iloc[0]) == pytest.approx(expected_ae, rel=1e-9)


# --------------------------------------------------------------------------- report


def test_wheat_report_json_numbers(work: Path, capsys: pytest.CaptureFixture) -> None:
    """JSON report: ANOVA equals statsmodels; HSD = q(0.95, 4, 9) sqrt(MSE/4)."""
    out = work / "r.json"
    code = main(["report", str(work / "wheat.csv"), "--config", str(work / "wheat.toml"),
                 "--no-figures", "-o", str(out)])  # fmt: skip
    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "schema_version" in doc
    anova = doc["results"]["anova"]
    rows = {r["source"]: r for r in anova["table"]}
    plots = yt.FieldTrial.from_csv(work / "wheat.csv", crop="wheat").yields()
    data = plots.assign(block=plots["block"].astype(str), treatment=plots["treatment"].astype(str))
    fit = smf.ols("yield_kg_ha ~ C(treatment) + C(block)", data=data).fit()
    ref = sm.stats.anova_lm(fit, typ=2)  # independent: statsmodels
    assert rows["treatment"]["f"] == pytest.approx(ref.loc["C(treatment)", "F"], rel=1e-9)
    assert rows["block"]["sum_sq"] == pytest.approx(ref.loc["C(block)", "sum_sq"], rel=1e-9)
    assert anova["mse"] == pytest.approx(fit.mse_resid, rel=1e-9)
    hsd = stats.studentized_range.ppf(0.95, 4, 9) * np.sqrt(fit.mse_resid / 4)
    assert anova["hsd"] == pytest.approx(hsd, rel=1e-6)
    assert anova["lsd"] == pytest.approx(stats.t.ppf(0.975, 9) * np.sqrt(2 * fit.mse_resid / 4))
    # relative efficiency of blocking, Gomez & Gomez (1984) section 2.2.4:
    # [(r-1) Eb + r(t-1) Ee] / [(rt-1) Ee] x [(n1+1)(n2+3)] / [(n2+1)(n1+3)], n1 = 9, n2 = 12
    eb, ee = rows["block"]["mean_sq"], anova["mse"]
    re_blocks = (3 * eb + 4 * 3 * ee) / (15 * ee) * (10 * 15) / (13 * 12)
    assert anova["relative_efficiency"] == pytest.approx(re_blocks, rel=1e-9)
    # the efficiency hook joins the report because trial.toml gives urea rates
    eff = {r["treatment"]: r for r in doc["results"]["efficiency"]}
    assert eff["N120"]["n_rate_kg_mu"] == pytest.approx(17.4 * 0.46)  # urea 46 % N


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_all_formats_written(work: Path, lang: str, capsys: pytest.CaptureFixture) -> None:
    """HTML (self-contained, inline SVG), Markdown and DOCX are written in both languages."""
    base = ["report", str(work / "wheat.csv"), "--config", str(work / "wheat.toml"), "--lang", lang]
    assert main([*base, "-o", str(work / "r.html")]) == 0
    html = (work / "r.html").read_text(encoding="utf-8")
    assert "<svg" in html
    assert "<script" not in html and "<link" not in html  # no external resources
    assert main([*base, "--no-figures", "-o", str(work / "r.md")]) == 0
    md = (work / "r.md").read_text(encoding="utf-8")
    assert ("比CK" in md) if lang == "zh" else ("Treatment means" in md)
    assert "454.30" in md  # CK LS-mean in kg/mu = mean of 4 plot yields (balanced), hand-checked
    assert main([*base, "--no-figures", "-o", str(work / "r.docx")]) == 0
    assert zipfile.is_zipfile(work / "r.docx")


def test_us_corn_report_in_bushels(work: Path, capsys: pytest.CaptureFixture) -> None:
    """corn.toml (usda, bu/ac, hybrid -> treatment): means are plot means in bu/ac (balanced)."""
    out = work / "c.json"
    code = main(["report", str(work / "corn_us.csv"), "--config", str(work / "corn.toml"),
                 "--no-figures", "-o", str(out)])  # fmt: skip
    assert code == 0
    md_out = work / "c.md"
    assert main(["report", str(work / "corn_us.csv"), "--config", str(work / "corn.toml"),
                 "--no-figures", "-o", str(md_out)]) == 0  # fmt: skip
    md = md_out.read_text(encoding="utf-8")
    raw = pd.read_csv(work / "corn_us.csv")
    bu = raw["fresh_weight (lb)"] * (100 - raw["moisture"]) / 84.5 / raw["area (acre)"] / 56
    diff = bu[raw["hybrid"] == "P1197"].mean() - bu[raw["hybrid"] == "Check"].mean()
    assert f"{diff:+.2f} bu/ac" in md  # hand: 15.16 bu/ac over the check
    assert "15.5 %" in md


# --------------------------------------------------------------------------- network


def test_network_isolates_bad_site_and_matches_fieldtrial(
    work: Path, capsys: pytest.CaptureFixture
) -> None:
    """Datong fails alone; the across-site mean is the mean of per-site FieldTrial LS-means."""
    out = work / "net.json"
    code = main(["network", str(work / "network.csv"), "--by", "site", "--control", "CK",
                 "-o", str(out)])  # fmt: skip
    assert code == 0
    assert out.exists()
    data = pd.read_csv(work / "network.csv", dtype={"plot_id": str, "block": str})
    res = yt.analyze_many(
        data, by="site", response="yield_kg_ha", treatment="treatment", block="block", control="CK"
    )
    status = res.per_trial.set_index("site")["status"]
    assert status["Datong"] == "failed"
    assert (status.drop("Datong") == "ok").all()
    site_means = {}
    for site in ["Linfen", "Taigu", "Yuncheng"]:
        one = data[data["site"] == site].drop(columns="site")
        trial = yt.FieldTrial.from_dataframe(one, crop="wheat", control="CK")
        site_means[site] = trial.means().set_index("treatment")["yield_kg_ha"]
    expected_ck = np.mean([m["CK"] for m in site_means.values()])
    md_out = work / "net.md"
    assert main(["network", str(work / "network.csv"), "--by", "site", "--control", "CK",
                 "-o", str(md_out)]) == 0  # fmt: skip
    md = md_out.read_text(encoding="utf-8")
    assert f"{expected_ck:,.1f}" in md  # across-site CK mean, from 3 FieldTrial fits


# --------------------------------------------------------------------------- design & plan


def test_design_reproducible_balanced_round_trip(work: Path, capsys: pytest.CaptureFixture) -> None:
    """Same seed, same field book; each treatment once per block; reads back into FieldTrial."""
    argv = ["design", "rcbd", "--treatments", "CK1", "CK2", "T", "--blocks", "4", "--seed", "1"]
    assert main([*argv, "-o", str(work / "a.csv")]) == 0
    assert main([*argv, "-o", str(work / "b.csv")]) == 0
    a = (work / "a.csv").read_text()
    assert a == (work / "b.csv").read_text()
    book = pd.read_csv(work / "a.csv", dtype=str)
    per_block = book.groupby("block")["treatment"].apply(sorted).tolist()
    assert per_block == [["CK1", "CK2", "T"]] * 4
    rng = np.random.default_rng(0)
    book["harvested_area_m2"] = "20"
    book["fresh_mass_kg"] = (12 + rng.normal(0, 0.5, len(book))).round(2).astype(str)
    book["moisture_pct"] = "14"
    book["impurity_pct"] = "1"
    book.to_csv(work / "harvest.csv", index=False)
    trial = yt.FieldTrial.from_csv(work / "harvest.csv", crop="wheat", control="CK1")
    anova: Any = trial.anova()
    assert anova.df_error == 6  # (3 - 1)(4 - 1)


def _dunnett_power(r: int) -> float:
    """Power of a two-sided Dunnett test (2 comparisons, RCBD 3 x r) for 5 % at CV 8 %."""
    df = 2 * (r - 1)
    mvt = stats.multivariate_t(shape=np.array([[1, 0.5], [0.5, 1]]), df=df, seed=3)
    crit = optimize.brentq(
        lambda c: mvt.cdf(np.full(2, c), lower_limit=np.full(2, -c)) - 0.95, 1.5, 3.5, xtol=1e-5
    )
    ncp = 5 / (8 * np.sqrt(2 / r))
    return float(stats.nct.sf(crit, df, ncp) + stats.nct.cdf(-crit, df, ncp))


def test_plan_replicates_match_noncentral_t(capsys: pytest.CaptureFixture) -> None:
    """`plan --cv 8 --difference 5 --treatments 3` prints 49 = smallest r with power >= 0.8."""
    assert main(["plan", "--cv", "8", "--difference", "5", "--treatments", "3"]) == 0
    assert "Replicates needed: 49" in capsys.readouterr().out
    assert yt.replicates_needed(cv_pct=8, difference_pct=5, n_treatments=3) == 49
    # independent: noncentral t with Dunnett's critical value from multivariate_t
    assert _dunnett_power(48) < 0.8 <= _dunnett_power(49)


# --------------------------------------------------------------------------- bad input


def _bad(work: Path, name: str, text: str) -> Path:
    path = work / name
    path.write_text(text, encoding="utf-8")
    return path


def _wheat_text(work: Path) -> str:
    return (work / "wheat.csv").read_text(encoding="utf-8")


def _fails_cleanly(argv: list[str], out: Path, capsys: pytest.CaptureFixture, match: str) -> None:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("yieldtrial: error")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert match in lines[0]
    assert not out.exists()


def test_moisture_fractions_refused(work: Path, capsys: pytest.CaptureFixture) -> None:
    """Moisture as 0.149 instead of 14.9 is an error naming fractions (docs/data-format.md)."""
    frame = pd.read_csv(work / "wheat.csv", dtype=str)
    frame["moisture_pct"] = (frame["moisture_pct"].astype(float) / 100).astype(str)
    frame.to_csv(work / "frac.csv", index=False)
    out = work / "o.csv"
    _fails_cleanly(["standardize", str(work / "frac.csv"), "--crop", "wheat", "-o", str(out)],
                   out, capsys, "fractions")  # fmt: skip


def test_comma_decimal_refused(work: Path, capsys: pytest.CaptureFixture) -> None:
    """'14,9' beside '13.34' in a ';'-separated file: which is the decimal mark? Refused.

    A file of decimal commas only is read (tests/test_io_decimal_comma.py); here the masses
    and areas keep their dots, so a dot could be a thousands separator: the error names it.
    """
    frame = pd.read_csv(work / "wheat.csv", dtype=str)
    frame["moisture_pct"] = frame["moisture_pct"].str.replace(".", ",")
    frame.to_csv(work / "eu.csv", index=False, sep=";")
    out = work / "o.csv"
    _fails_cleanly(["standardize", str(work / "eu.csv"), "--crop", "wheat", "-o", str(out)],
                   out, capsys, "writes decimals with a comma ('14,9'")  # fmt: skip


def test_text_in_number_cell_refused(work: Path, capsys: pytest.CaptureFixture) -> None:
    """'abc' in fresh_mass_kg of plot 104 (file row 5) is named in the error."""
    text = _wheat_text(work).replace("104,1,N240,13.34,10.76", "104,1,N240,13.34,abc")
    out = work / "o.md"
    path = _bad(work, "txt.csv", text)
    _fails_cleanly(["report", str(path), "--crop", "wheat", "-o", str(out)],
                   out, capsys, "fresh_mass_kg row 5 (plot '104'): 'abc'")  # fmt: skip


def test_blank_line_and_trailing_spaces_are_harmless(work: Path) -> None:
    """A blank line is skipped and 'CK ' equals 'CK' (docs: surrounding spaces removed)."""
    lines = _wheat_text(work).splitlines()
    lines.insert(5, "")
    lines[1] = lines[1].replace(",CK,", ",CK ,")
    path = _bad(work, "messy.csv", "\n".join(lines) + "\n")
    trial = yt.FieldTrial.from_csv(path, crop="wheat", control="CK")
    ref = yt.FieldTrial.from_csv(work / "wheat.csv", crop="wheat", control="CK")
    assert len(trial.yields()) == 16
    pd.testing.assert_frame_equal(trial.anova().table, ref.anova().table)  # same data


def test_control_case_mismatch_refused(work: Path, capsys: pytest.CaptureFixture) -> None:
    """--control ck with label CK: error listing the treatments (labels are case-sensitive)."""
    out = work / "o.md"
    _fails_cleanly(["report", str(work / "wheat.csv"), "--crop", "wheat", "--control", "ck",
                    "-o", str(out)], out, capsys, "treatments present: 'CK'")  # fmt: skip


def test_treatment_with_all_plots_missing_refused(
    work: Path, capsys: pytest.CaptureFixture
) -> None:
    """Every N120 mass blank: one error naming the level, no report."""
    frame = pd.read_csv(work / "wheat.csv", dtype=str)
    frame.loc[frame["treatment"] == "N120", "fresh_mass_kg"] = ""
    frame.to_csv(work / "gone.csv", index=False)
    out = work / "o.md"
    _fails_cleanly(["report", str(work / "gone.csv"), "--crop", "wheat", "--control", "CK",
                    "-o", str(out)], out, capsys, "'N120'")  # fmt: skip


def test_duplicate_plot_ids_across_sites_ok_within_site_refused(work: Path) -> None:
    """Plot ids repeat across sites (allowed); a repeat within a site is an error."""
    data = pd.read_csv(work / "network.csv", dtype={"plot_id": str, "block": str})
    assert len(yt.read_plots(data)) == 48
    data.loc[1, "plot_id"] = "101"
    with pytest.raises(yt.DataValidationError, match="Taigu/101"):
        yt.read_plots(data)


def test_missing_input_file(work: Path, capsys: pytest.CaptureFixture) -> None:
    """A path that does not exist: one error line, exit 1."""
    out = work / "o.md"
    _fails_cleanly(["report", str(work / "nope.csv"), "--crop", "wheat", "-o", str(out)],
                   out, capsys, "nope.csv")  # fmt: skip


def test_output_equal_to_input_refused(work: Path, capsys: pytest.CaptureFixture) -> None:
    """-o equal to the input is refused and the input is unchanged."""
    before = (work / "wheat.csv").read_bytes()
    code = main(["standardize", str(work / "wheat.csv"), "--crop", "wheat",
                 "-o", str(work / "wheat.csv")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "also an input" in err
    assert "Traceback" not in err
    assert (work / "wheat.csv").read_bytes() == before


def test_network_across_site_tests_on_site_means(work: Path, capsys: pytest.CaptureFixture) -> None:
    """Across sites: treatment F vs the T x S mean square, Dunnett vs CK on sqrt(2 MS/sites)."""
    out = work / "net.json"
    argv = ["network", str(work / "network.csv"), "--by", "site", "--control", "CK"]
    assert main([*argv, "-o", str(out)]) == 0
    summary = json.loads(out.read_text(encoding="utf-8"))["summary"]
    levels = ["CK", "V1", "V2", "V3"]
    means = np.array([[row[t] for t in levels] for row in summary["means"]])  # 3 sites x 4
    sites = means.shape[0]
    # hand: two-way table of site LS-means, interaction residual mean square on (3-1)(4-1) df
    centred = means - means.mean(0) - means.mean(1)[:, None] + means.mean()
    ms_int = (centred**2).sum() / 6
    f_trt = sites * ((means.mean(0) - means.mean()) ** 2).sum() / 3 / ms_int
    assert summary["p_treatment"] == pytest.approx(stats.f.sf(f_trt, 3, 6), rel=1e-9)
    corr = np.full((3, 3), 0.5) + 0.5 * np.eye(3)  # equal-n Dunnett correlation
    mvt = stats.multivariate_t(shape=corr, df=6, seed=4)
    rows = {r["treatment"]: r for r in summary["treatments"]}
    for j, level in enumerate(levels[1:], start=1):
        t_value = abs((means[:, j] - means[:, 0]).mean() / np.sqrt(2 * ms_int / sites))
        p_ref = 1 - mvt.cdf(np.full(3, t_value), lower_limit=np.full(3, -t_value))
        assert rows[level]["p_dunnett"] == pytest.approx(p_ref, abs=2e-3)  # MC error
        above = int((means[:, j] > means[:, 0]).sum())
        assert rows[level]["sites_above"] == above
