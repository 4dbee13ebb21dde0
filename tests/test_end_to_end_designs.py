"""End-to-end checks of two-factor/row-column designs, the notebook API, networks and edge cases.

Second tester's file (the first tester's is ``test_end_to_end.py``).  Every expected number has
an independent source in a comment: a published table (``tests/data/reference/*.json`` cite
Venables & Ripley 2002 sec. 6.7 for the Yates oats split plot and Montgomery Table 4.10 for the
rocket-propellant Latin square), a statsmodels OLS fit, or a hand derivation shown inline.

Test data (``tests/data/e2e2/``, written for these tests):

* ``oats_split.csv`` + ``.toml``: Yates (1935) oats split plot (MASS::oats values) with the
  variety renamed ``irrigation`` (whole plots) and nitrogen ``treatment`` = N0..N0.6 (sub-plots),
  6 blocks in column ``rep`` (6 blocks are needed to reproduce the published error-a df = 10).
* ``rocket_latin.csv`` + ``.toml``: Montgomery's rocket-propellant 5 x 5 Latin square, rows in
  ``batch``, columns in ``operator``.
* ``network5.csv`` + ``.toml``: 5 simulated sites x CK/V1/V2 x 4 blocks, block column ``Wdh``
  mapped via ``[analysis] block``; site D has CV ~ 39 %, site E has no control plots.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.stats.anova import anova_lm

import yieldtrial as yt
import yieldtrial.stats as yst
from yieldtrial.cli import main
from yieldtrial.errors import DataValidationError

pytestmark = [
    pytest.mark.filterwarnings("ignore::yieldtrial.YieldTrialWarning"),
    pytest.mark.usefixtures("close_figures"),
]

E2E2 = Path(__file__).parent / "data" / "e2e2"
REF = Path(__file__).parent / "data" / "reference"


def _expected(name: str) -> dict[str, float]:
    """Return the published values of a reference case."""
    ref = json.loads((REF / f"{name}.json").read_text(encoding="utf-8"))
    return {k: v["value"] for k, v in ref["expected"].items()}


def _report_json(tmp_path: Path, *args: str) -> dict[str, Any]:
    """Run ``yieldtrial report ... -o report.json`` and return the parsed JSON."""
    out = tmp_path / "report.json"
    assert main(["report", *args, "-o", str(out), "--no-figures"]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _rcbd(
    labels: list[str], blocks: int, *, base: float, step: float, sd: float, seed: int
) -> pd.DataFrame:
    """Return a simulated RCBD table with a ``yield_kg_ha`` column."""
    rng = np.random.default_rng(seed)
    rows = [
        {
            "plot_id": f"{b}-{i}",
            "block": str(b),
            "treatment": t,
            "yield_kg_ha": base + step * i + rng.normal(0, sd),
        }
        for b in range(1, blocks + 1)
        for i, t in enumerate(labels)
    ]
    return pd.DataFrame(rows)


def _trial(df: pd.DataFrame, **kw: Any) -> yt.FieldTrial:
    kw.setdefault("crop", "wheat")
    return yt.FieldTrial.from_dataframe(df, **kw)


# ---------------------------------------------------------------- split plot via the CLI


@pytest.fixture(scope="module")
def oats_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """JSON report of the oats split plot written from trial.toml."""
    tmp = tmp_path_factory.mktemp("oats")
    return _report_json(
        tmp, str(E2E2 / "oats_split.csv"), "--config", str(E2E2 / "oats_split.toml")
    )


def test_split_plot_anova_matches_venables_ripley(oats_report: dict[str, Any]) -> None:
    """Stratum ANOVA of the oats split plot equals V&R (2002) sec. 6.7 to the printed digits."""
    exp = _expected("yates_oats_splitplot")  # V&R 4th ed. sec. 6.7, aov(Y ~ N*V + Error(B/V))
    rows = {r["source"]: r for r in oats_report["results"]["anova"]["table"]}
    assert rows["block"]["df"] == exp["df_block"]
    assert rows["irrigation"]["df"] == exp["df_gen"]
    assert rows["error_a"]["df"] == exp["df_error_a"]
    assert rows["treatment"]["df"] == exp["df_nitro"]
    assert rows["irrigation:treatment"]["df"] == exp["df_gen_nitro"]
    assert rows["error_b"]["df"] == exp["df_error_b"]
    assert rows["irrigation"]["f"] == pytest.approx(exp["f_gen"], abs=5e-4)
    assert rows["treatment"]["f"] == pytest.approx(exp["f_nitro"], abs=5e-3)
    assert rows["irrigation:treatment"]["f"] == pytest.approx(exp["f_gen_nitro"], abs=5e-4)
    assert rows["error_a"]["mean_sq"] == pytest.approx(exp["ms_error_a"], abs=0.0501)
    assert rows["error_b"]["mean_sq"] == pytest.approx(exp["ms_error_b"], abs=0.0501)
    assert rows["irrigation"]["error_term"] == "error_a"
    assert rows["treatment"]["error_term"] == "error_b"


def test_split_plot_means_use_their_own_error(oats_report: dict[str, Any]) -> None:
    """Whole-plot SE/SED/letters use error a (df 10), sub-plot SED/letters error b (df 45)."""
    dm = {d["factor"]: d for d in oats_report["results"]["design_means"] if "table" in d}
    wp, sp = dm["irrigation"], dm["treatment"]
    assert (wp["error_term"], wp["df"]) == ("error_a", 10.0)
    assert (sp["error_term"], sp["df"]) == ("error_b", 45.0)
    # SE of a variety mean = sqrt(MS_a / 24) = sqrt(601.33/24) = 5.0055 (24 plots per variety)
    assert wp["table"][0]["se"] == pytest.approx(np.sqrt(6013.305555555556 / 10 / 24), rel=1e-9)
    # Tukey on error a: q(0.95; 3, 10) = 3.877 x 5.0055 = 19.4 > largest gap 109.79-97.63 = 12.17
    # -> all varieties "a".  (On error b, HSD = 3.43 x sqrt(177.08/24) = 9.3 would split them.)
    assert {r["letters"] for r in wp["table"]} == {"a"}
    # Sub-plot HSD = q(0.95; 4, 45) 3.773 x sqrt(177.08/18) = 11.8: N0.6 (123.39) and N0.4
    # (114.22) share "a"; N0.2 (98.89) "b"; N0 (79.39) "c" (V&R nitrogen means).
    letters = {r["level"]: r["letters"] for r in sp["table"]}
    assert letters == {"N0.6": "a", "N0.4": "a", "N0.2": "b", "N0": "c"}
    sed = {s["comparison"]: s for s in oats_report["results"]["anova"]["sed"]}
    # SED whole plot = sqrt(2 MS_a / 24); sub plot = sqrt(2 MS_b / 18)  (Gomez & Gomez table 3.9)
    assert sed["whole_plot"]["sed"] == pytest.approx(np.sqrt(2 * 601.3305555555555 / 24))
    assert sed["sub_plot"]["sed"] == pytest.approx(np.sqrt(2 * 177.08333333333334 / 18))


def test_split_plot_dunnett_on_error_b(oats_report: dict[str, Any]) -> None:
    """Dunnett vs N0 uses the sub-plot SED sqrt(2 MS_b/18) and the published N means."""
    comps = {c["treatment"]: c for c in oats_report["results"]["control_comparisons"]}
    # V&R model.tables nitrogen means: 79.39, 98.89, 114.22, 123.39 (reference JSON notes)
    assert comps["N0.6"]["difference_kg_ha"] == pytest.approx(123.3888889 - 79.3888889)
    assert comps["N0.2"]["se_kg_ha"] == pytest.approx(np.sqrt(2 * 177.08333333333334 / 18))


@pytest.mark.parametrize(
    ("fmt", "lang", "needle"),
    [
        ("html", "en", "error_a"),
        ("md", "en", "37.69"),
        ("md", "zh", "37.69"),
        ("html", "zh", "37.69"),
    ],
)
def test_split_plot_report_formats(tmp_path: Path, fmt: str, lang: str, needle: str) -> None:
    """HTML/Markdown reports in English and Chinese show the stratum ANOVA (F_N = 37.69, V&R)."""
    out = tmp_path / f"r.{fmt}"
    args = [str(E2E2 / "oats_split.csv"), "--config", str(E2E2 / "oats_split.toml")]
    assert main(["report", *args, "--lang", lang, "--no-figures", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "37.69" in text  # F for nitrogen, V&R sec. 6.7
    assert "1.485" in text or "1.49" in text  # F for variety on error a, V&R sec. 6.7
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


# ---------------------------------------------------------------- Latin square and factorial


def test_latin_square_matches_montgomery(tmp_path: Path) -> None:
    """Latin square ANOVA equals Montgomery Table 4.10 (SS 330/68/150/128, F 7.73, p 0.0025)."""
    exp = _expected("montgomery_rocket_latin")
    rep = _report_json(
        tmp_path, str(E2E2 / "rocket_latin.csv"), "--config", str(E2E2 / "rocket_latin.toml")
    )
    rows = {r["source"]: r for r in rep["results"]["anova"]["table"]}
    assert rows["treatment"]["sum_sq"] == pytest.approx(exp["ss_formulation"], abs=5e-3)
    assert rows["row"]["sum_sq"] == pytest.approx(exp["ss_batch"], abs=5e-3)
    assert rows["column"]["sum_sq"] == pytest.approx(exp["ss_operator"], abs=5e-3)
    assert rows["residual"]["sum_sq"] == pytest.approx(exp["ss_error"], abs=5e-3)
    assert rows["residual"]["df"] == exp["df_error"]
    assert rows["treatment"]["f"] == pytest.approx(exp["f_formulation"], abs=5e-3)
    assert rows["treatment"]["p_value"] == pytest.approx(exp["p_formulation"], abs=5e-5)


def test_factorial_rcbd_matches_statsmodels(tmp_path: Path) -> None:
    """Factorial RCBD on the oats data: A, B, AxB and pooled error equal statsmodels OLS."""
    plots = pd.read_csv(E2E2 / "oats_split.csv", dtype={"rep": str})
    toml = tmp_path / "fact.toml"
    toml.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ndesign = "factorial"\n'
        'factors = ["irrigation", "treatment"]\nblock = "rep"\ncontrol = "N0"\nunit = "kg/ha"\n',
        encoding="utf-8",
    )
    rep = _report_json(tmp_path, str(E2E2 / "oats_split.csv"), "--config", str(toml))
    rows = {r["source"]: r for r in rep["results"]["anova"]["table"]}
    # independent: statsmodels OLS y ~ block + A*B, type II (balanced = sequential)
    fit = smf.ols("yield_kg_ha ~ C(rep) + C(irrigation) * C(treatment)", plots).fit()
    ref = anova_lm(fit, typ=2)
    resid = [k for k in rows if k in ("residual", "error")][0]
    assert rows[resid]["df"] == 55  # 10 + 45: error a and b pooled
    assert rows[resid]["sum_sq"] == pytest.approx(ref.loc["Residual", "sum_sq"], rel=1e-9)
    f_ab = [v for k, v in rows.items() if ":" in k][0]["f"]
    assert f_ab == pytest.approx(ref.loc["C(irrigation):C(treatment)", "F"], rel=1e-9)
    # factor means on the pooled residual: SE = sqrt(MSE / 24) for irrigation (24 plots each)
    dm = {x["kind"]: x for x in rep["results"]["design_means"]}
    mse = ref.loc["Residual", "sum_sq"] / 55
    assert dm["irrigation"]["df"] == 55
    assert dm["irrigation"]["table"][0]["se"] == pytest.approx(np.sqrt(mse / 24), rel=1e-9)


def test_design_split_plot_fieldbook_round_trip(tmp_path: Path) -> None:
    """`design split_plot` field book, harvest filled in, reports with whole plots on error a."""
    fb = tmp_path / "fb.csv"
    assert main(["design", "split_plot", "--treatments", "I0", "I1", "--sub-treatments",
                 "N0", "N1", "N2", "--blocks", "4", "--seed", "5", "--plot-area", "20",
                 "-o", str(fb)]) == 0  # fmt: skip
    book = pd.read_csv(fb, dtype=str)
    assert len(book) == 2 * 3 * 4
    rng = np.random.default_rng(3)
    book["fresh_mass_kg"] = [
        f"{14 + {'N0': 0, 'N1': 1, 'N2': 1.6}[s] + 0.8 * (m == 'I1') + rng.normal(0, 0.3):.2f}"
        for m, s in zip(book["main"], book["sub"], strict=True)
    ]
    book["moisture_pct"] = "18.0"
    book["impurity_pct"] = "1.5"
    book.to_csv(fb, index=False)
    rep = _report_json(tmp_path, str(fb), "--crop", "wheat", "--design", "split_plot",
                       "--factors", "main,sub", "--control", "N0")  # fmt: skip
    rows = {r["source"]: r for r in rep["results"]["anova"]["table"]}
    # 2 x 3 split plot in 4 blocks: error a df (4-1)(2-1) = 3, error b df 2(4-1)(3-1) = 12
    assert rows["error_a"]["df"] == 3 and rows["error_b"]["df"] == 12
    # independent: main-plot F = MS_main / MS(block:main) from statsmodels
    y = pd.DataFrame(rep["results"]["plots"])
    fit = smf.ols("yield_kg_ha ~ C(block) * C(main) + C(sub) + C(main):C(sub)", y).fit()
    a = anova_lm(fit)
    f_main = a.loc["C(main)", "mean_sq"] / a.loc["C(block):C(main)", "mean_sq"]
    assert rows["main"]["f"] == pytest.approx(f_main, rel=1e-9)


# ---------------------------------------------------------------- notebook API


@pytest.fixture(scope="module")
def rcbd() -> pd.DataFrame:
    return _rcbd(["CK", "T1", "T2", "T3"], 4, base=7000, step=150, sd=120, seed=1)


def test_notebook_reprs(rcbd: pd.DataFrame) -> None:
    """FieldTrial and AnovaResult render HTML; NetworkResult has a text repr."""
    tr = _trial(rcbd, control="CK")
    assert tr._repr_html_().startswith("<table")
    assert "<table" in tr.anova()._repr_html_()
    assert "FieldTrial(" in repr(tr)


def test_compare_to_control_greater_with_margin(rcbd: pd.DataFrame) -> None:
    """One-sided Dunnett: raw p = one-sided t on the RCBD error; NI statistic on the ratio scale."""
    tr = _trial(rcbd, control="CK")
    res = tr.compare_to_control(alternative="greater", margin_pct=5)
    fit = smf.ols("yield_kg_ha ~ C(treatment, Treatment('CK')) + C(block)", rcbd).fit()
    t1 = "C(treatment, Treatment('CK'))[T.T1]"
    row = res.set_index("treatment").loc["T1"]
    # independent: statsmodels t, one-sided p = two-sided p / 2 when t > 0
    assert row["statistic"] == pytest.approx(fit.tvalues[t1], rel=1e-9)
    assert row["p_value"] == pytest.approx(fit.pvalues[t1] / 2, rel=1e-9)
    assert np.isinf(row["ci_high_kg_ha"])
    # NI on the ratio: (muT - 0.95 muC) / sqrt(MSE/4 (1 + 0.95^2)) (hand derivation, RCBD LS-means)
    mse = fit.mse_resid
    mu = rcbd.groupby("treatment")["yield_kg_ha"].mean()
    stat = (mu["T1"] - 0.95 * mu["CK"]) / np.sqrt(mse / 4 * (1 + 0.95**2))
    assert row["noninferiority_statistic"] == pytest.approx(stat, rel=1e-9)


@pytest.mark.parametrize("method", ["holm", "bonferroni", "t"])
def test_compare_to_control_adjustments(rcbd: pd.DataFrame, method: str) -> None:
    """t/bonferroni/holm adjusted p from the unadjusted statsmodels t-test p-values."""
    from statsmodels.stats.multitest import multipletests

    res = _trial(rcbd, control="CK").compare_to_control(method=method)
    fit = smf.ols("yield_kg_ha ~ C(treatment, Treatment('CK')) + C(block)", rcbd).fit()
    raw = [fit.pvalues[f"C(treatment, Treatment('CK'))[T.{t}]"] for t in ["T1", "T2", "T3"]]
    exp = raw if method == "t" else multipletests(raw, method=method)[1]
    got = res.set_index("treatment").loc[["T1", "T2", "T3"], "p_value_adjusted"]
    np.testing.assert_allclose(got, exp, rtol=1e-9)


def test_means_two_level_letters(rcbd: pd.DataFrame) -> None:
    """means(two_level=True) adds 5 % lowercase and 1 % uppercase letter columns."""
    m = _trial(rcbd, control="CK").means(two_level=True)
    assert m["letters_05"].str.islower().all() and m["letters_01"].str.isupper().all()
    assert m.iloc[0]["letters_05"].startswith("a")


def test_lsd_gate_on_nonsignificant_f() -> None:
    """Protected LSD does not declare pairs different when the treatment F is not significant."""
    df = _rcbd(["CK", "A", "B", "C"], 4, base=7000, step=5, sd=300, seed=4)
    tr = _trial(df)
    f_p = float(tr.anova().table.set_index("source")["p_value"]["treatment"])
    assert f_p > 0.05  # statsmodels agrees below
    fit = smf.ols("yield_kg_ha ~ C(treatment) + C(block)", df).fit()
    assert anova_lm(fit, typ=2).loc["C(treatment)", "PR(>F)"] == pytest.approx(f_p, rel=1e-9)
    assert not tr.pairwise(method="lsd")["reject"].any()


def test_stats_functional_twins_equal_methods(rcbd: pd.DataFrame) -> None:
    """yieldtrial.stats functions on a plain DataFrame equal the FieldTrial methods."""
    tr = _trial(rcbd, control="CK")
    kw: dict[str, Any] = {"response": "yield_kg_ha", "treatment": "treatment", "block": "block"}
    pd.testing.assert_frame_equal(
        yst.anova(rcbd, **kw).table.reset_index(drop=True),
        tr.anova().table.reset_index(drop=True),
        rtol=1e-9,
    )
    for name in ("compare_to_control", "means"):
        f = getattr(yst, name)
        a = f(rcbd, **kw, control="CK").reset_index(drop=True)
        b = getattr(tr, name)().reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False, rtol=1e-9)
    a = yst.pairwise(rcbd, **kw).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, tr.pairwise().reset_index(drop=True), check_dtype=False)
    assert yst.diagnostics(rcbd, **kw).cv_pct == pytest.approx(tr.diagnostics().cv_pct)


# ---------------------------------------------------------------- networks


@pytest.fixture(scope="module")
def net() -> pd.DataFrame:
    return pd.read_csv(E2E2 / "network5.csv", dtype={"Wdh": str})


def _many(net: pd.DataFrame, **kw: Any) -> Any:
    return yt.analyze_many(net, by="site", response="yield_kg_ha", treatment="treatment",
                           block="Wdh", control="CK", **kw)  # fmt: skip


def test_network_per_trial_equals_fieldtrial_site(net: pd.DataFrame) -> None:
    """Per-site MSE/F/Dunnett p equal FieldTrial(...).site(name).anova()/compare_to_control()."""
    res = _many(net)
    tr = _trial(net.rename(columns={"Wdh": "block"}), control="CK")
    pt = res.per_trial.set_index("site")
    ptt = res.per_treatment.set_index(["site", "treatment"])
    for s in ["A", "B", "C", "D"]:
        a = tr.site(s).anova().table.set_index("source")
        assert pt.loc[s, "mse"] == pytest.approx(a.loc["residual", "mean_sq"], rel=1e-9)
        assert pt.loc[s, "f_treatment"] == pytest.approx(a.loc["treatment", "f"], rel=1e-9)
        c = tr.site(s).compare_to_control().set_index("treatment")
        for t in ["V1", "V2"]:
            assert ptt.loc[(s, t), "difference"] == pytest.approx(
                c.loc[t, "difference_kg_ha"], rel=1e-9
            )
            assert ptt.loc[(s, t), "p_dunnett"] == pytest.approx(
                c.loc[t, "p_value_adjusted"],
                abs=1e-6,  # Dunnett p is a numeric integral
            )


def test_network_missing_control_site_fails_alone(net: pd.DataFrame) -> None:
    """Site E (no CK plots) fails with a reason naming the control; the others are ok."""
    pt = _many(net).per_trial.set_index("site")
    assert pt.loc["E", "status"] == "failed" and "CK" in pt.loc["E", "reason"]
    assert (pt.loc[["A", "B", "C", "D"], "status"] == "ok").all()
    # CV = 100 sqrt(MSE)/mean (domain-standards.md sec. CV)
    d = pt.loc["D"]
    assert d["cv_pct"] == pytest.approx(100 * np.sqrt(d["mse"]) / d["grand_mean"], rel=1e-12)
    assert float(d["cv_pct"]) > 20


def test_network_fixed_vs_random_sites(net: pd.DataFrame) -> None:
    """Fixed sites test treatment on the pooled residual, random sites on treatment x site."""
    fixed = _many(net, sites="fixed").combined.set_index("source")
    rand = _many(net, sites="random").combined.set_index("source")
    ok = net[net.site != "E"]
    fit = smf.ols("yield_kg_ha ~ C(site) + C(site):C(Wdh) + C(treatment) + C(treatment):C(site)",
                  ok).fit()  # fmt: skip
    ref = anova_lm(fit)  # sequential SS, balanced: independent statsmodels check
    ms_t = ref.loc["C(treatment)", "mean_sq"]
    assert fixed.loc["treatment", "f"] == pytest.approx(ms_t / ref.loc["Residual", "mean_sq"])
    assert rand.loc["treatment", "f"] == pytest.approx(
        ms_t / ref.loc["C(treatment):C(site)", "mean_sq"]
    )


def test_network_mixedlm_and_dask(net: pd.DataFrame) -> None:
    """combined='mixedlm' adds an estimate table; a dask DataFrame gives the pandas numbers."""
    dd = pytest.importorskip("dask.dataframe")  # the `dask` extra

    m = _many(net, combined="mixedlm")
    assert m.summary.mixedlm is not None and len(m.summary.mixedlm) == 3
    p = _many(net)
    d = _many(dd.from_pandas(net, npartitions=3))
    pd.testing.assert_frame_equal(p.per_trial, d.per_trial, check_dtype=False, rtol=1e-12)
    pd.testing.assert_frame_equal(p.per_treatment, d.per_treatment, check_dtype=False, rtol=1e-12)
    assert "NetworkResult(" in repr(p)


@pytest.mark.parametrize("suffix", [".csv", ".json", ".html"])
def test_network_cli_with_block_mapping(tmp_path: Path, suffix: str) -> None:
    """`yieldtrial network --config` maps the Wdh block column and writes csv/json/html."""
    out = tmp_path / f"net{suffix}"
    args = [str(E2E2 / "network5.csv"), "--by", "site", "--config", str(E2E2 / "network5.toml")]
    assert main(["network", *args, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    if suffix == ".json":
        doc = json.loads(text)
        a = [r for r in doc["per_trial"] if r["site"] == "A"][0]
        assert a["df_block"] == 3  # 4 blocks -> 3 df: the Wdh column was used as block
    else:
        assert "V2" in text


# ---------------------------------------------------------------- edge cases


def test_two_treatments_dunnett_equals_t() -> None:
    """With one comparison Dunnett's p equals the two-sided RCBD t-test p (statsmodels)."""
    df = _rcbd(["CK", "T"], 4, base=7000, step=200, sd=100, seed=2)
    row = _trial(df, control="CK").compare_to_control().iloc[0]
    fit = smf.ols("yield_kg_ha ~ C(treatment, Treatment('CK')) + C(block)", df).fit()
    assert row["p_value_adjusted"] == pytest.approx(fit.pvalues.iloc[1], rel=1e-6)
    assert row["df"] == 3  # (2-1)(4-1)


def test_thirty_treatments_letters_beyond_z() -> None:
    """30 well-separated treatments get 30 distinct letter codes (a..z then more)."""
    df = _rcbd([f"V{i:02d}" for i in range(30)], 3, base=5000, step=300, sd=50, seed=2)
    m = _trial(df).means()
    assert m["letters"].nunique() == 30
    assert list(m["letters"][:26]) == [chr(c) for c in range(ord("a"), ord("z") + 1)]


def test_identical_yields_no_crash() -> None:
    """Zero error variance: letters 'na', NaN F, no exception."""
    df = _rcbd(["CK", "A", "B"], 3, base=7000, step=0, sd=0, seed=0)
    tr = _trial(df, control="CK")
    assert set(tr.means()["letters"]) == {"na"}
    assert tr.anova().table["f"].isna().all()
    assert "no inference" in tr.compare_to_control()["inference"].iloc[0]


def test_large_offset_is_stable() -> None:
    """Adding 1e12 to every yield leaves SS and F unchanged (centred algorithm) to 1e-6."""
    df = _rcbd(["CK", "A", "B"], 4, base=7000, step=200, sd=100, seed=5)
    big = df.assign(yield_kg_ha=df["yield_kg_ha"] + 1e12)
    a, b = _trial(df).anova().table, _trial(big).anova().table
    np.testing.assert_allclose(a["f"].dropna(), b["f"].dropna(), rtol=1e-6)


def test_negative_yield_rejected_zero_accepted() -> None:
    """A negative yield is a DataValidationError naming the plot; a zero yield is accepted."""
    df = _rcbd(["CK", "A", "B"], 4, base=7000, step=200, sd=100, seed=5)
    with pytest.raises(DataValidationError, match="1-0"):
        _trial(df.assign(yield_kg_ha=np.where(df.index == 0, -5.0, df["yield_kg_ha"])))
    _trial(df.assign(yield_kg_ha=np.where(df.index == 0, 0.0, df["yield_kg_ha"]))).anova()


def test_control_all_missing_is_an_error() -> None:
    """A control with every plot missing is refused with the plots named."""
    df = _rcbd(["CK", "A", "B"], 4, base=7000, step=200, sd=100, seed=5)
    df.loc[df.treatment == "CK", "yield_kg_ha"] = np.nan
    with pytest.raises(DataValidationError, match="every plot is missing"):
        _trial(df, control="CK").compare_to_control()


def test_one_plot_block_and_unicode_names() -> None:
    """A block with a single plot adds a block df; unicode labels with spaces work end to end."""
    df = _rcbd(["对照 CK", "新品种 A 1", "Sorte Ä 2"], 4, base=7000, step=200, sd=100, seed=2)
    extra = {"plot_id": "x", "block": "5", "treatment": "新品种 A 1", "yield_kg_ha": 7100.0}
    df = pd.concat([df, pd.DataFrame([extra])], ignore_index=True)
    tr = _trial(df, control="对照 CK")
    fit = smf.ols("yield_kg_ha ~ C(treatment) + C(block)", df).fit()
    tab = tr.anova().table.set_index("source")
    assert tab.loc["block", "df"] == 4
    assert tab.loc["residual", "mean_sq"] == pytest.approx(fit.mse_resid, rel=1e-9)
    assert set(tr.compare_to_control()["treatment"]) == {"新品种 A 1", "Sorte Ä 2"}


def test_standard_moisture_overrides(tmp_path: Path) -> None:
    """--standard beats trial.toml, which beats the protocol; percentage_point is named."""
    src = Path(__file__).parent / "data" / "e2e" / "wheat.csv"
    toml = tmp_path / "pp.toml"
    toml.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\nmoisture_method = "percentage_point"\n'
        'standard_moisture_pct = 12.5\ncontrol = "CK"\n',
        encoding="utf-8",
    )
    rep = _report_json(tmp_path, str(src), "--config", str(toml))
    assert rep["metadata"]["settings"]["standard_moisture_pct"] == 12.5
    p = rep["results"]["plots"][0]
    # percentage point: W (1 - I/100) (1 + (12.5 - M)/100) (domain-standards.md, shortcut)
    w = p["fresh_mass_kg"] * (1 - p["impurity_pct"] / 100) * (1 + (12.5 - p["moisture_pct"]) / 100)
    assert p["standardized_mass_kg"] == pytest.approx(w, rel=1e-12)
    rep = _report_json(tmp_path, str(src), "--config", str(toml), "--standard", "14")
    assert rep["metadata"]["settings"]["standard_moisture_pct"] == 14.0
    md = tmp_path / "r.md"
    assert main(["report", str(src), "--config", str(toml), "--no-figures", "-o", str(md)]) == 0
    assert "percentage-point" in md.read_text(encoding="utf-8")


def test_split_plot_api_within_whole_plot() -> None:
    """kind='sub_plot_within_whole', at=level: cell-mean differences with SED sqrt(2 MS_b / r)."""
    d = pd.read_csv(E2E2 / "oats_split.csv", dtype={"rep": str}).rename(columns={"rep": "block"})
    tr = _trial(d, design="split_plot", factors=("irrigation",), control="N0")
    res = tr.compare_to_control(kind="sub_plot_within_whole", at="Victory").set_index("treatment")
    cell = d[d.irrigation == "Victory"].groupby("treatment")["yield_kg_ha"].mean()
    # balanced split plot: LS-means = raw cell means; SED = sqrt(2 x 177.083 / 6) (V&R MS_b)
    assert res.loc["N0.2", "difference_kg_ha"] == pytest.approx(cell["N0.2"] - cell["N0"])
    assert res.loc["N0.2", "se_kg_ha"] == pytest.approx(np.sqrt(2 * 177.08333333333334 / 6))
    assert res.loc["N0.2", "df"] == 45
    wp = tr.compare_to_control(kind="whole_plot", control="Victory").set_index("treatment")
    # whole-plot Dunnett on error a: SED sqrt(2 x 601.33 / 24), df 10 (V&R)
    assert wp.loc["GoldenRain", "se_kg_ha"] == pytest.approx(np.sqrt(2 * 601.3305555555555 / 24))
    assert wp.loc["GoldenRain", "df"] == 10
