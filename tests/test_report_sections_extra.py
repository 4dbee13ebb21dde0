"""Sections reviewers expect: summary, trial information, contrasts, economics, map, panel."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import stats

from shipped import example_report
from yieldtrial.config import TrialConfig
from yieldtrial.datasets import example_path
from yieldtrial.errors import DataValidationError
from yieldtrial.report.files import report_from_files
from yieldtrial.report.model import Table

KG_HA_PER_KG_MU = 15.0  # 1 ha = 15 mu (docs/units)


def _report(name: str, lang: str = "en", figures: bool = False) -> Any:
    return example_report(name, lang=lang, report_date="2024-06-01", figures=figures)


@pytest.fixture(scope="module")
def rcbd() -> Any:
    return _report("replicated-rcbd", figures=True)


@pytest.fixture(scope="module")
def rcbd_zh() -> Any:
    return _report("replicated-rcbd", "zh", figures=True)


def _table(report: Any, section: str, key: str) -> Table:
    found = next(b for b in report.section(section).blocks if getattr(b, "key", None) == key)
    assert isinstance(found, Table)
    return found


def _ols() -> Any:
    """Independent fit of the replicated example: statsmodels OLS, treatment + block (kg/ha)."""
    import statsmodels.formula.api as smf

    from yieldtrial.config import load_config
    from yieldtrial.report.files import load_trial

    config = load_config(example_path("replicated-rcbd", "trial.toml"))
    data = load_trial(example_path("replicated-rcbd"), config).yields()
    data = data.assign(treatment=data["treatment"].astype(str), block=data["block"].astype(str))
    return smf.ols("yield_kg_ha ~ C(treatment) + C(block)", data=data).fit()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_replicated_example_has_the_expected_sections(lang: str, rcbd: Any, rcbd_zh: Any) -> None:
    """Summary (first), trial information, field map, contrasts, economics, panel (en and zh)."""
    report = rcbd if lang == "en" else rcbd_zh
    keys = [s.key for s in report.sections]
    assert keys[0] == "summary"
    for key in ("trial_info", "field_map", "contrasts", "economics", "panel"):
        assert key in keys


def test_sections_left_out_without_data() -> None:
    """Jinzhong has no [conditions] and no row/column: no trial information, no field map."""
    report = _report("jinzhong-2024", figures=True)
    keys = {s.key for s in report.sections}
    assert "trial_info" not in keys and "field_map" not in keys and "components" not in keys
    assert {"summary", "contrasts", "economics"} <= keys


def test_contrast_equals_independent_ols_t_test(rcbd: Any) -> None:
    """Synergist effect T - CK2: estimate, SE, df and P equal a statsmodels t test (kg/ha)."""
    fit = _ols()
    names = list(fit.params.index)
    weights = np.zeros(len(names))
    weights[names.index("C(treatment)[T.T]")] = 1.0
    weights[names.index("C(treatment)[T.CK2]")] = -1.0  # T - CK2 (CK1 is the baseline)
    ref = fit.t_test(weights)
    row = next(r for r in _table(rcbd, "contrasts", "contrasts").rows if r["contrast"] == "T − CK2")
    assert row["estimate"] == pytest.approx(float(ref.effect[0]), rel=1e-9)
    assert row["se"] == pytest.approx(float(ref.sd[0, 0]), rel=1e-9)
    assert row["df"] == pytest.approx(fit.df_resid)
    assert row["p"] == pytest.approx(float(ref.pvalue), rel=1e-9)
    # the t critical value behind the CI: scipy.stats.t on the residual df, alpha 0.05
    assert row["critical_value"] == pytest.approx(stats.t.isf(0.025, fit.df_resid), rel=1e-12)


def test_contrast_sentence_hedges_a_non_significant_difference() -> None:
    """A non-significant contrast is not called proof of equal yields."""
    from yieldtrial.report.i18n import t

    assert "not proof of equal yields" in t(
        "contrast.ns", "en", name="x", treatment="A", versus="B", diff="+1", pct="+1",
        conf="95", low="-1", high="3", p="0.5", unit="kg/mu",
    )  # fmt: skip


def test_unreplicated_contrasts_are_descriptive() -> None:
    """One harvest per treatment: no SE, CI or P, and the note says why."""
    report = _report("jinzhong-2024")
    table = _table(report, "contrasts", "contrasts")
    assert {c.key for c in table.columns} == {"name", "contrast", "estimate", "pct"}
    cut = next(r for r in table.rows if r["contrast"] == "CK2 − CK1")
    # published T is 442 x 95/87; CK1 436 and CK2 418 (illustrative) at 5 % -> 13 %
    assert cut["estimate"] == pytest.approx((418 - 436) * 95 / 87)
    assert "†" in cut["name"]  # CK1 and CK2 are illustrative


def test_economics_follow_the_printed_formula(rcbd_zh: Any) -> None:
    """Value gain = yield gain x 2.4; cost change from the prices; VCR = value gain / cost.

    Hand derivation (trial.toml prices), per mu (the zh report's unit): T vs CK2 costs
    0.3 kg x 40 + 5 extra = 17.0 CNY/mu more; CK2 vs CK1 saves 8 kg x 3.2 = 25.6 CNY/mu.
    """
    table = _table(rcbd_zh, "economics", "economics")
    rows = {(r["treatment"], r["control"]): r for r in table.rows}
    t_ck2, ck2_ck1 = rows[("T", "CK2")], rows[("CK2", "CK1")]
    assert t_ck2["cost_change"] == pytest.approx(17.0)
    assert ck2_ck1["cost_change"] == pytest.approx(-25.6)
    assert ck2_ck1["fertilizer_saved"] == pytest.approx(8.0)
    for row in rows.values():
        assert row["value_gain"] == pytest.approx(row["yield_gain"] * 2.4)
        assert row["net_return_change"] == pytest.approx(row["value_gain"] - row["cost_change"])
    assert t_ck2["vcr"] == pytest.approx(t_ck2["value_gain"] / 17.0)
    assert ck2_ck1["vcr"] is None  # a cheaper treatment has no VCR
    assert ("CK1", "CK2") not in rows  # each pair once


def test_economics_yield_gain_equals_the_contrast(rcbd: Any) -> None:
    """The economic yield gain T - CK2 is the contrast's estimate (same LS-means)."""
    econ = {(r["treatment"], r["control"]): r for r in _table(rcbd, "economics", "economics").rows}
    contrast = next(
        r for r in _table(rcbd, "contrasts", "contrasts").rows if r["contrast"] == "T − CK2"
    )
    assert econ[("T", "CK2")]["yield_gain"] == pytest.approx(contrast["estimate"], rel=1e-9)


def test_contrast_confidence_limits_name_their_unit(rcbd: Any) -> None:
    """The CI columns of the contrasts carry the estimate's unit (kg/ha, the en report's unit)."""
    labels = {c.key: c.label for c in _table(rcbd, "contrasts", "contrasts").columns}
    assert labels["ci_low"] == "95 % CI low (kg/ha)"
    assert labels["ci_high"] == "95 % CI high (kg/ha)"


@pytest.mark.parametrize(
    ("lang", "contrast", "pct"),
    [("en", "Treatments compared", "Difference (%)"), ("zh", "处理对比", "差值（%）")],
)
def test_contrast_column_is_not_labelled_like_the_difference(
    lang: str, contrast: str, pct: str, rcbd: Any, rcbd_zh: Any
) -> None:
    """The column holding "T − CK2" says it names the treatments, not "Difference" (en, zh)."""
    report = rcbd if lang == "en" else rcbd_zh
    labels = {c.key: c.label for c in _table(report, "contrasts", "contrasts").columns}
    assert labels["contrast"] == contrast
    assert labels["pct"] == pct


def test_economics_confidence_limits_name_their_money_unit(rcbd_zh: Any) -> None:
    """The net-return confidence limits are money per area like the net return (元/亩, zh)."""
    labels = {c.key: c.label for c in _table(rcbd_zh, "economics", "economics").columns}
    assert labels["net_low"].startswith("95% 置信下限（元/亩）")
    assert labels["net_high"].startswith("95% 置信上限（元/亩）")


def test_pfp_decomposition_adds_up(rcbd: Any) -> None:
    """Rate part + yield part = PFP change; the rate part is F_ref / F - 1 (40/32 - 1 = 25 %)."""
    table = _table(rcbd, "efficiency", "efficiency")
    rows = {r["treatment"].rstrip("\u00a0†"): r for r in table.rows}  # † illustrative rates
    ck2 = rows["CK2"]
    assert ck2["rate_effect_pct"] == pytest.approx(25.0)
    for row in rows.values():
        if row.get("pfp_change_pct") is not None and np.isfinite(row["pfp_change_pct"]):
            assert row["rate_effect_pct"] + row["yield_effect_pct"] == pytest.approx(
                row["pfp_change_pct"]
            )
    labels = {c.key: c.label for c in table.columns}
    assert labels["n_rate_kg_ha"].endswith("(kg N/ha)")


def test_anova_table_in_the_report_unit(rcbd_zh: Any) -> None:
    """Zh (kg/亩): sums of squares are the kg/ha ones / 15² (JSON keeps kg/ha)."""
    fit = _ols()
    table = _table(rcbd_zh, "anova", "anova")
    residual = table.rows[-1]
    assert residual["sum_sq"] == pytest.approx(fit.ssr / KG_HA_PER_KG_MU**2, rel=1e-9)
    assert "kg/亩" in str(table.caption)
    json_residual = rcbd_zh.results["anova"]["table"][-1]
    assert json_residual["sum_sq"] == pytest.approx(fit.ssr, rel=1e-9)


def test_methods_state_two_dunnett_families(rcbd: Any) -> None:
    """Two controls: two families, each adjusted on its own."""
    text = " ".join(b.text for b in rcbd.section("methods").blocks if hasattr(b, "text"))
    assert "Comparison families: 2 (treatments vs CK1: T; treatments vs CK2: T)" in text
    assert "each is adjusted on its own" in text


def test_panel_table_has_name_affiliation_title_signature(rcbd_zh: Any) -> None:
    """zh: 姓名 / 单位 / 职称 / 签字, with the Chinese names (placeholders: marked †)."""
    table = _table(rcbd_zh, "panel", "panel")
    assert [c.label for c in table.columns] == ["姓名", "单位", "职称", "签字"]
    assert table.rows[0]["name"] == "专家甲\u00a0†"  # [panel] illustrative lists experts


def test_trial_info_marks_illustrative_values(rcbd: Any) -> None:
    """Illustrative values carry † and the section has the legend."""
    items = dict(rcbd.section("trial_info").blocks[0].items)
    assert items["Sowing date"] == "2023-10-08 †"
    text = str(rcbd.section("trial_info").blocks)
    assert "Illustrative value (not published)" in text


def test_untranslated_fields_listed_once() -> None:
    """A zh report of a description without [zh] names the English fields once."""
    from yieldtrial.report.sections.extra import untranslated_fields

    config = TrialConfig.from_text('[trial]\nsite = "Jinzhong"\ntitle = "晋中"\n')
    assert untranslated_fields(config) == ["site"]
    translated = TrialConfig.from_text('[trial]\nsite = "Jinzhong"\n[zh]\nsite = "晋中"\n')
    assert untranslated_fields(translated) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[economics]\ngrain_price = 2\n", "unknown key 'grain_price' in [economics]"),
        ('[economics]\ncurrency = "CNY"\n', "needs grain_price_per_kg"),
        ('[[contrasts]]\nname = "x"\ntreatment = "T"\n', "lacks versus"),
        ("[conditions]\nsoil_ph = 8\nph = 8\n", "unknown key 'ph' in [conditions]"),
        ('[zh]\ntitel = "x"\n', "unknown key 'titel' in [zh]"),
    ],
)
def test_new_tables_reject_bad_input(text: str, message: str) -> None:
    """Typos and missing keys in the new tables are errors naming the key and the fix."""
    with pytest.raises(DataValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        TrialConfig.from_text(text)


def test_contrast_with_unknown_treatment_is_an_error() -> None:
    """A contrast naming a treatment not in the plot table says which are."""
    from yieldtrial.config import load_config
    from yieldtrial.report.build import build_report
    from yieldtrial.report.files import load_trial

    config = load_config(example_path("replicated-rcbd", "trial.toml"))
    trial = load_trial(example_path("replicated-rcbd"), config)
    bad = config.override()
    object.__setattr__(bad, "contrasts", ({"name": "x", "treatment": "T9", "versus": "CK1"},))
    with pytest.raises(DataValidationError, match="'T9'.*treatments are CK1, CK2, T"):
        build_report(trial, bad, figures=False)


def test_illustrative_values_are_marked_where_printed() -> None:
    """Jinzhong: illustrative CK1/CK2 rows, columns vs CK1/CK2 and sentences carry †."""
    report = _report("jinzhong-2024")
    means = _table(report, "means", "means")
    treatments = [r["treatment"] for r in means.rows]
    assert treatments == ["CK1\u00a0†", "CK2\u00a0†", "T"]  # T's figure is published
    assert any(c.label.endswith("CK1\u00a0†") for c in means.columns)  # no-break space
    assert any("†" in note for note in means.notes)
    bullets = next(b for b in report.section("conclusions").blocks if hasattr(b, "items"))
    assert all("†" in item for item in bullets.items if "CK" in item)


def test_yield_components_and_theoretical_yield(tmp_path: Any) -> None:
    """Measured components give the section; theoretical yield = spikes x grains x TKW x 0.85.

    Hand derivation: CK has 400,000 spikes/mu, 35 grains, 45 g -> 400000 x 35 x 45 / 1e6 x 0.85
    = 535.5 kg/mu (domain-standards section 1.3); A: 420000 x 36 x 46 / 1e6 x 0.85 = 591.192.
    """
    plots = tmp_path / "plots.csv"
    plots.write_text(
        "plot_id,block,treatment,yield_kg_ha,heads_per_mu,grains_per_head,thousand_grain_weight_g\n"
        "1,B1,CK,7000,390000,34,45\n2,B1,A,7400,420000,36,46\n"
        "3,B2,CK,7100,410000,36,45\n4,B2,A,7530,420000,36,46\n",  # residual df > 0: MSE not 0
        encoding="utf-8",
    )
    config = tmp_path / "trial.toml"
    config.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\ndesign = "rcbd"\nunit = "kg/mu"\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(plots, config, report_date="2024-06-01", figures=False)
    rows = {r["treatment"]: r for r in _table(report, "components", "components").rows}
    assert rows["CK"]["heads_per_mu"] == pytest.approx(400000)
    assert rows["CK"]["theoretical"] == pytest.approx(535.5)
    assert rows["A"]["theoretical"] == pytest.approx(591.192)


@pytest.mark.parametrize(
    ("crop", "opening"),
    [("wheat", "A wheat"), ("oats", "An oats"), ("rice_indica", "An indica rice"), ("", "A")],
)
def test_summary_opening_article_follows_the_crop(crop: str, opening: str) -> None:
    """English article before the crop name: "An oats trial", not "A oats trial"."""
    from yieldtrial.report.sections.extra import _a_crop

    assert _a_crop(crop) == opening


def test_summary_sentence_of_the_replicated_example(rcbd: Any) -> None:
    """The summary of the shipped wheat example opens "A wheat trial, ..."."""
    first = rcbd.section("summary").blocks[0]
    assert first.text.startswith("A wheat trial, randomized complete block design")


def test_report_with_a_field_map_pickles_and_draws_the_same_map(rcbd: Any) -> None:
    """A report pickled (joblib, a saved notebook session) failed on the field map's closure."""
    import pickle

    loaded = pickle.loads(pickle.dumps(rcbd))  # noqa: S301  # our own bytes
    assert loaded.to_markdown() == rcbd.to_markdown()
    maps = [next(b for b in r.section("field_map").blocks if b.key == "field_map") for r in
            (rcbd, loaded)]  # fmt: skip
    assert maps[1].svg() == maps[0].svg()
