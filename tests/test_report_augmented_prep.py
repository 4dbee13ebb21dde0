"""Partially replicated (p-rep) augmented trials through FieldTrial and the report (stop 44).

A p-rep augmented trial repeats its checks in every block and plants most entries once, a
share of them twice (in two blocks).  The report reaches ``augmented_anova(..., checks=)``
(the stop 43 absorbed fit from 502 treatments on) through an ``entry_type`` column that
marks the replicated entries ``entry``, or through ``--checks`` / ``[analysis] checks``.

Where the numbers come from: ``augmented_anova`` itself (the report must use that fit);
an independent statsmodels OLS of ``y ~ C(treatment) + C(block)`` (LS-means as the model
prediction averaged over the blocks, their SEs from the OLS covariance, the treatment F
eliminating blocks from its sequential ANOVA); and the general fit of the full model matrix
(``ABSORB_MIN_TREATMENTS`` raised) against the absorbed one on a 600-entry trial.  Tables
are SYNTHETIC.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import yieldtrial.stats.augmented as aug
from hostile import assert_one_line_error
from yieldtrial import FieldTrial
from yieldtrial.cli import main
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.stats.augmented import augmented_anova


def _prep(
    entries: int,
    *,
    checks: int = 3,
    blocks: int = 4,
    replicated: float = 0.3,
    seed: int = 1,
    entry_type: bool = True,
) -> pd.DataFrame:
    """Return a SYNTHETIC p-rep plot table: checks in every block, some entries twice."""
    rng = np.random.default_rng(seed)
    block_eff = rng.normal(0.0, 300.0, blocks)
    entry_eff = rng.normal(0.0, 600.0, entries)
    rows = [
        (j, f"CK{k + 1}", 7000.0 + 200.0 * k + block_eff[j])
        for j in range(blocks)
        for k in range(checks)
    ]
    home = rng.integers(0, blocks, entries)
    rows += [(home[e], f"E{e + 1:04d}", 7000.0 + entry_eff[e] + block_eff[home[e]])
             for e in range(entries)]  # fmt: skip
    for e in rng.choice(entries, int(round(replicated * entries)), replace=False):
        j = (home[e] + 1 + rng.integers(0, blocks - 1)) % blocks  # another block
        rows.append((j, f"E{e + 1:04d}", 7000.0 + entry_eff[e] + block_eff[j]))
    book = pd.DataFrame(rows, columns=["block", "treatment", "yield_kg_ha"])
    book["yield_kg_ha"] += rng.normal(0.0, 300.0, len(book))
    book["block"] = (book["block"] + 1).astype(str)
    book = book.sort_values("block", kind="stable").reset_index(drop=True)
    book.insert(0, "plot_id", [str(101 + i) for i in range(len(book))])
    if entry_type:
        book["entry_type"] = np.where(book["treatment"].str.startswith("CK"), "check", "entry")
    return book


def _trial(book: pd.DataFrame, **kw) -> FieldTrial:
    return FieldTrial.from_dataframe(book, crop="wheat", control="CK1", **kw)


def _direct(book: pd.DataFrame, checks=("CK1", "CK2", "CK3")):
    return augmented_anova(
        book, response="yield_kg_ha", treatment="treatment", block="block", checks=list(checks)
    )


# --- the design and the fit ------------------------------------------------------------


def test_entry_type_with_replicated_entries_is_detected_augmented() -> None:
    trial = _trial(_prep(12))
    assert trial.design == "augmented"
    assert trial.anova().checks == ("CK1", "CK2", "CK3")


def test_report_fit_equals_augmented_anova_with_the_checks() -> None:
    """The trial's fit is ``augmented_anova(..., checks=)``: replicated entries are entries."""
    book = _prep(12)
    fitted, direct = _trial(book).anova(), _direct(book)
    assert sorted(fitted.entries) == sorted(direct.entries)  # (the trial's display order)
    assert (fitted.means["n"] == 2).sum() == 4  # 30 % of 12 entries on two plots
    pd.testing.assert_frame_equal(fitted.table, direct.table, rtol=1e-10)
    by_label = [m.set_index("treatment").sort_index() for m in (fitted.means, direct.means)]
    pd.testing.assert_frame_equal(*by_label, rtol=1e-10)
    pd.testing.assert_frame_equal(fitted.sed, direct.sed, rtol=1e-10)


def test_checks_given_equal_the_entry_type_column() -> None:
    """``checks=`` on a table without entry_type marks the same plots: the same fit."""
    book = _prep(12)
    named = _trial(book.drop(columns="entry_type"), checks=["CK1", "CK2", "CK3"]).anova()
    pd.testing.assert_frame_equal(named.means, _trial(book).anova().means)


def test_without_entry_type_or_checks_the_table_stays_an_rcbd() -> None:
    """Detection unchanged: a p-rep table without entry_type is read as before (RCBD)."""
    assert _trial(_prep(12).drop(columns="entry_type")).design == "rcbd"


def test_adjusted_means_ses_and_f_equal_statsmodels_ols() -> None:
    """Independent path: statsmodels OLS of yield ~ C(treatment) + C(block)."""
    import patsy
    import statsmodels.api as sm
    from statsmodels.stats.anova import anova_lm

    book = _prep(12)
    res = _trial(book).anova()
    y, x = patsy.dmatrices("yield_kg_ha ~ C(block) + C(treatment)", book, return_type="dataframe")
    ols = sm.OLS(y, x).fit()
    # LS-mean of treatment i: the prediction for i averaged over the blocks (equal weights)
    labels = list(res.means["treatment"])
    blocks = sorted(book["block"].unique())
    grid = pd.DataFrame([(t, b) for t in labels for b in blocks], columns=["treatment", "block"])
    (rows,) = patsy.build_design_matrices([x.design_info], grid)
    weights = np.kron(np.eye(len(labels)), np.full((1, len(blocks)), 1.0 / len(blocks)))
    lmat = weights @ np.asarray(rows)
    means = lmat @ ols.params.to_numpy()
    ses = np.sqrt(np.einsum("ij,jk,ik->i", lmat, ols.cov_params().to_numpy(), lmat))
    np.testing.assert_allclose(res.means["adjusted_mean"], means, rtol=1e-10)
    np.testing.assert_allclose(res.means["se"], ses, rtol=1e-9)
    import statsmodels.formula.api as smf

    formula = smf.ols("yield_kg_ha ~ C(block) + C(treatment)", data=book).fit()
    seq = anova_lm(formula, typ=1)  # blocks first: treatments eliminating blocks
    row = res.table.set_index("source").loc["treatment (eliminating blocks)"]
    assert row["df"] == seq.loc["C(treatment)", "df"]
    assert row["f"] == pytest.approx(seq.loc["C(treatment)", "F"], rel=1e-10)
    assert res.mse == pytest.approx(ols.mse_resid, rel=1e-10)


@pytest.fixture(scope="module")
def six_hundred() -> pd.DataFrame:
    """Return a SYNTHETIC 600-entry p-rep table (603 treatments: the absorbed fit, stop 43)."""
    return _prep(600, blocks=12, replicated=0.2, seed=3)


@pytest.fixture(scope="module")
def six_hundred_fits(six_hundred: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Fit the 600-entry trial both ways once: means model and Dunnett of each route.

    ``absorbed``: ``_prep_fit`` (the default from 502 treatments); ``general``: the full
    model matrix (``ABSORB_MIN_TREATMENTS`` raised).  The general fit takes about 5 s of
    CPU and its Dunnett family 4 s more: the two tests below share them (stop 45).
    """
    import warnings

    from yieldtrial.errors import YieldTrialWarning
    from yieldtrial.stats.trial_analysis import _model_fit_cache

    def fits() -> dict[str, Any]:
        trial = _trial(six_hundred)
        means_model = trial.means_model()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", YieldTrialWarning)  # borderline P
            return {"means_model": means_model, "control": trial.compare_to_control()}

    absorbed = fits()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(aug, "ABSORB_MIN_TREATMENTS", 10**9)
        _model_fit_cache.clear()
        try:
            general = fits()
        finally:
            _model_fit_cache.clear()
    return {"absorbed": absorbed, "general": general}


def test_absorbed_and_general_fit_agree_through_the_trial(six_hundred_fits) -> None:
    """603 treatments: ``_prep_fit`` (default) and the full model matrix give one model."""
    absorbed = six_hundred_fits["absorbed"]["means_model"]
    general = six_hundred_fits["general"]["means_model"]
    assert absorbed.levels == general.levels
    np.testing.assert_allclose(absorbed.estimates, general.estimates, rtol=1e-10)
    np.testing.assert_allclose(absorbed.se, general.se, rtol=1e-9)
    assert absorbed.df == general.df


def test_prep_comparisons_with_the_control_agree_both_fits(six_hundred_fits) -> None:
    first = six_hundred_fits["absorbed"]["control"]
    second = six_hundred_fits["general"]["control"]
    diff = next(c for c in first.columns if c.startswith("difference"))
    p_col = "p_value_adjusted"
    np.testing.assert_allclose(first[diff], second[diff], rtol=1e-9, atol=1e-8)
    # the general fit hands Dunnett a dense covariance, the absorbed one diag + low rank:
    # two integrators (measured: 1.7e-5 apart), each within the error it states (above 1e-4
    # for this family: the borderline warning names 2.4e-3)
    np.testing.assert_allclose(first[p_col], second[p_col], atol=1e-4)


# --- the report ------------------------------------------------------------------------


def _report(tmp_path: Path, book: pd.DataFrame, *extra: str, suffix: str = "json") -> Path:
    tmp_path.mkdir(exist_ok=True)
    table, out = tmp_path / "plots.csv", tmp_path / f"r.{suffix}"
    book.to_csv(table, index=False)
    argv = ["report", str(table), "--crop", "wheat", "--control", "CK1", "--no-figures"]
    assert main([*argv, *extra, "-o", str(out)]) == 0
    return out


def _methods(doc: dict) -> str:
    section = next(s for s in doc["sections"] if s["key"] == "methods")
    return " ".join(b.get("text", "") for b in section["blocks"])


def test_report_methods_say_p_rep_checks_and_adjustment(tmp_path: Path) -> None:
    doc = json.loads(_report(tmp_path, _prep(12)).read_text(encoding="utf-8"))
    text = _methods(doc)
    assert "partially replicated (p-rep) augmented RCBD" in text
    assert "4 entries on two plots in different blocks" in text
    assert "The checks are CK1, CK2, CK3; the 4 entries on two plots" in text
    assert "are analysed as entries, each with one treatment effect fitted from both" in text
    assert "block effects are estimated from every treatment planted in more than one" in text
    assert doc["results"]["anova"]["checks"] == ["CK1", "CK2", "CK3"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_methods_word_the_design_once_from_the_models_origin(tmp_path: Path, lang: str) -> None:
    """A p-rep trial's methods say p-rep once; an augmented one says augmented, never p-rep.

    The design sentence and the methods sentence both said "p-rep" (stop 45); the wording
    follows the fitted model's origin (``AugmentedAnova.origin``: ``augmented_prep`` when
    an entry has two plots, what the Dunnett accuracy note follows too).
    """
    texts = {}
    for name, share in (("prep", 0.3), ("augmented", 0.0)):
        out = _report(tmp_path / name, _prep(12, replicated=share), "--lang", lang)
        texts[name] = _methods(json.loads(out.read_text(encoding="utf-8")))
    assert _trial(_prep(12)).anova().origin == "augmented_prep"
    assert _trial(_prep(12, replicated=0.0)).anova().origin == "augmented"
    assert (texts["prep"].count("p-rep"), texts["augmented"].count("p-rep")) == (1, 0)
    augmented = "增广随机区组设计（对照每区组重复" if lang == "zh" else "augmented RCBD (checks in"
    assert augmented in texts["augmented"]


def test_report_methods_in_chinese(tmp_path: Path) -> None:
    out = _report(tmp_path, _prep(12), "--lang", "zh")
    text = _methods(json.loads(out.read_text(encoding="utf-8")))
    assert "部分重复（p-rep）增广随机区组设计" in text
    assert "对照为 CK1、CK2、CK3" in text


def test_report_checks_option_equals_entry_type(tmp_path: Path) -> None:
    book = _prep(12)
    marked = json.loads(_report(tmp_path / "a", book).read_text(encoding="utf-8"))
    named = _report(tmp_path / "b", book.drop(columns="entry_type"), "--checks", "CK1,CK2,CK3")
    named_doc = json.loads(named.read_text(encoding="utf-8"))
    assert named_doc["results"]["anova"] == marked["results"]["anova"]
    assert named_doc["results"]["means"] == marked["results"]["means"]
    assert named_doc["metadata"]["trial"]["checks"] == ["CK1", "CK2", "CK3"]


def test_trial_toml_checks(tmp_path: Path) -> None:
    book = _prep(12).drop(columns="entry_type")
    toml = tmp_path / "trial.toml"
    toml.write_text('[analysis]\nchecks = ["CK1", "CK2", "CK3"]\n', "utf-8")
    doc = json.loads(_report(tmp_path, book, "--config", str(toml)).read_text(encoding="utf-8"))
    assert doc["results"]["anova"]["checks"] == ["CK1", "CK2", "CK3"]


def test_markdown_report_renders_the_p_rep_methods(tmp_path: Path) -> None:
    text = _report(tmp_path, _prep(12), suffix="md").read_text(encoding="utf-8")
    assert "**Design:** partially replicated (p-rep) augmented RCBD" in text


# --- hostile inputs --------------------------------------------------------------------


@pytest.fixture
def written(tmp_path: Path):
    def write(book: pd.DataFrame) -> tuple[Path, Path]:
        table = tmp_path / "plots.csv"
        book.to_csv(table, index=False)
        return table, tmp_path / "r.json"

    return write


def _argv(table: Path, out: Path, *extra: str) -> list[str]:
    return ["report", str(table), "--crop", "wheat", "--control", "CK1", *extra, "-o", str(out)]


def test_entry_on_three_plots_is_a_one_line_error(written, capsys) -> None:
    book = _prep(12)
    twice = book["treatment"].value_counts()
    label = str(twice[twice == 2].index[0])
    blocks = set(book.loc[book["treatment"] == label, "block"])
    third = next(b for b in sorted(book["block"].unique()) if b not in blocks)
    extra = book[book["treatment"] == label].iloc[[0]].assign(plot_id="999", block=third)
    table, out = written(pd.concat([book, extra], ignore_index=True))
    assert_one_line_error(
        _argv(table, out),
        capsys,
        match=rf"treatment '{label}' is marked 'entry' in entry_type but has 3 plots \(plots "
        r"'\d+', '\d+', '999'\); an entry has one plot, or two in different blocks",
        untouched=[table],
        absent=[out],
    )


def test_entry_type_typo_names_the_plot_and_value(written, capsys) -> None:
    book = _prep(12)
    book.loc[5, "entry_type"] = "chek"
    table, out = written(book)
    assert_one_line_error(
        _argv(table, out),
        capsys,
        match=rf"entry_type of treatment '{book.loc[5, 'treatment']}' \(plot '106'\) is "
        r"'chek'; an augmented field book marks each plot 'check' or 'entry'",
        untouched=[table],
        absent=[out],
    )


def test_check_missing_from_a_block_is_analysed_and_said(tmp_path: Path) -> None:
    """A lost check plot: the p-rep fit runs; the design name drops "in every block"."""
    book = _prep(12)
    book = book[~((book["treatment"] == "CK2") & (book["block"] == "3"))]
    doc = json.loads(_report(tmp_path, book).read_text(encoding="utf-8"))
    text = _methods(doc)
    assert "p-rep) augmented RCBD (checks repeated in the blocks" in text
    assert "CK2 is missing from block 3" in text


def test_block_without_checks_or_links_is_a_one_line_error(written, capsys) -> None:
    """A block holding only single-plot entries: named, with the fixes (stop 45)."""
    book = _prep(12)
    book = book[~((book["block"] == "2") & (book["entry_type"] == "check"))]
    counts = book["treatment"].value_counts()
    linked = book[(book["block"] == "2") & book["treatment"].map(counts).eq(2)]["treatment"]
    book = book[~(book["treatment"].isin(linked) & (book["block"] != "2"))]
    table, out = written(book)
    assert_one_line_error(
        _argv(table, out),
        capsys,
        match=r"block '2' has no check plot with a yield and no replicated entry linking it "
        r"to the blocks with checks, so its entries '\w+'.* cannot be adjusted: the p-rep "
        r"design is disconnected\. Fill in the yields of the checks of block '2', give one "
        r"of its entries a second plot in a block with checks, or fit the blocks as random",
        untouched=[table],
        absent=[out],
    )


def test_checks_not_in_the_table_is_a_one_line_error(written, capsys) -> None:
    table, out = written(_prep(12).drop(columns="entry_type"))
    assert_one_line_error(
        _argv(table, out, "--checks", "CK1,CKX"),
        capsys,
        match=r"check\(s\) 'CKX' named in checks are not treatments of the plot table \(column "
        r"'treatment' holds 'CK1', ",
        untouched=[table],
        absent=[out],
    )


def test_checks_with_another_design_is_a_one_line_error(written, capsys) -> None:
    table, out = written(_prep(12).drop(columns="entry_type"))
    assert_one_line_error(
        _argv(table, out, "--checks", "CK1,CK2,CK3", "--design", "rcbd"),
        capsys,
        match=r"checks are named, which makes the design augmented, but the design given is "
        r"'rcbd'",
        untouched=[table],
        absent=[out],
    )


def test_checks_disagreeing_with_entry_type_is_a_one_line_error(written, capsys) -> None:
    table, out = written(_prep(12))
    assert_one_line_error(
        _argv(table, out, "--checks", "CK1,CK2"),
        capsys,
        match=r"the entry_type column marks 'CK1', 'CK2', 'CK3' as check\(s\), but checks "
        r"names 'CK1', 'CK2'",
        untouched=[table],
        absent=[out],
    )


def test_checks_naming_a_one_plot_entry_is_a_one_line_error(written, capsys) -> None:
    book = _prep(12).drop(columns="entry_type")
    counts = book["treatment"].value_counts()
    single = str(counts[counts == 1].index[0])
    table, out = written(book)
    assert_one_line_error(
        _argv(table, out, "--checks", f"CK1,CK2,CK3,{single}"),
        capsys,
        # the checks were named, the table has no entry_type column (stop 45: not blamed)
        match=rf"treatment '{single}' is named in checks \(.*\) but has 1 plot",
        untouched=[table],
        absent=[out],
    )


# --- the pairwise shortcuts the 10,000-entry report takes (stop 44) -------------------


def _prep_covariance(six_hundred: pd.DataFrame):
    mm = _trial(six_hundred).means_model()
    return mm.cov


def test_row_group_pair_variances_equal_the_per_pair_products(six_hundred, monkeypatch) -> None:
    """Replicated entries' own rows: the lookup table equals ``d_i + d_j + |F_i - F_j|^2``."""
    import yieldtrial.stats._covariance as cv

    cov = _prep_covariance(six_hundred)
    groups = cov.row_groups()
    assert groups is not None and groups[1].shape[0] > 12 + 3  # more rows than blocks + checks
    i, j = np.triu_indices(len(cov), k=1)
    monkeypatch.setattr(cv, "ROW_GROUPS_MIN_TOUCHED", 0)  # the lookup from 603 rows on
    fast = cv.pair_variances(cov, i, j)
    monkeypatch.setattr(cv, "ROW_GROUPS_MIN_TOUCHED", 10**9)
    slow = cv.pair_variances(cov, i, j)
    np.testing.assert_allclose(fast, slow, rtol=1e-12)


def test_near_product_form_gram_equals_per_pair_products(six_hundred, monkeypatch) -> None:
    """The groups' Gram matrix gives the per-pair products' Li-Shao sums (to rounding)."""
    import yieldtrial.stats.compare as cmp

    cov = _prep_covariance(six_hundred)
    idx = list(range(1, len(cov)))
    se_gram, gram = cmp._near_product_form_family(cov, idx, 0, 1.0)
    monkeypatch.setattr(cmp, "_GRAM_MAX_GROUPS", 0)
    se_pair, pair = cmp._near_product_form_family(cov, idx, 0, 1.0)
    np.testing.assert_array_equal(se_gram, se_pair)
    assert gram.arcsin_deviation == pytest.approx(pair.arcsin_deviation, rel=1e-10)
    assert gram.pairs == pair.pairs
    np.testing.assert_allclose(gram.deviation_by_rho, pair.deviation_by_rho, rtol=1e-9, atol=1e-12)


def test_build_report_applies_the_config_checks_to_a_built_trial() -> None:
    """``build_report(trial, TrialConfig(checks=...))`` refits with the checks named."""
    from yieldtrial import TrialConfig
    from yieldtrial.report.build import build_report

    # without the checks every repeated treatment is a check, which warns (stop 45)
    with pytest.warns(YieldTrialWarning, match=r"\(blocks '\d+', '\d+'\).* analysed as check"):
        trial = _trial(_prep(12).drop(columns="entry_type"), design="augmented")
    assert len(trial.anova().checks) == 3 + 4
    report = build_report(trial, TrialConfig(checks=["CK1", "CK2", "CK3"]))
    assert report.results["anova"]["checks"] == ["CK1", "CK2", "CK3"]


def test_checks_design_error_in_chinese(written, capsys) -> None:
    """``--lang zh``: the new messages have their Chinese form (commands._zh_messages)."""
    from hostile import run_cli

    table, out = written(_prep(12).drop(columns="entry_type"))
    argv = _argv(table, out, "--checks", "CK1,CK2,CK3", "--design", "rcbd", "--lang", "zh")
    status, lines = run_cli(argv, capsys)
    assert status == 1 and len(lines) == 1, lines
    assert "指定了对照列表，即为增广设计，但给定的设计为 'rcbd'" in lines[0]
    assert not out.exists()
