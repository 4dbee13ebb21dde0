"""Chinese text of the network engine's English notes (report/_network_zh.py).

Each note below is written exactly as :mod:`yieldtrial.network` writes it (the
f-strings of ``network/_summary.py`` and ``network/stability.py`` filled with example
numbers); the Chinese sentence keeps every number and holds no English word outside the
allowed list of the zh-purity test.
"""

from __future__ import annotations

import re

import pytest

from yieldtrial.report._network_zh import cv_flag, error_term, network_note, site_reason
from zh_purity import english_words

NOTES = [
    "2 site(s) excluded for CV above 15 % (exclude_cv_above): D (CV 39.2 %), E (CV 18.0 %).",
    "CV above 10 % (strong: above 15 %) at included site(s): C (CV 12.5 %, warn), F (CV 16.1 %, "
    "strong) and 3 more; their comparisons are imprecise (exclude_cv_above, or "
    "--exclude-cv-above, leaves such sites out).",
    "2 site(s) excluded from the across-site analysis (see the strip).",
    "fewer than two usable sites: no combined model.",
    "the unreplicated sites do not connect the treatments (each treatment at different farms "
    "only): no across-site model.",
    "every site is unreplicated (one plot per treatment): the 60 sites are the replicates of a "
    "randomized complete block design with sites as blocks (response ~ treatment + site); the "
    "treatment x site interaction (116 df) is the error of every test and interval; 2 missing "
    "cell(s) are handled by the model (LS-means).",
    "3 site(s) are unreplicated and 4 replicated: two-stage analysis. Stage 1: each site's "
    "LS-means and their variances (squared standard errors; at an unreplicated site the pooled "
    "plot error variance of the replicated sites, 1234.5 on 24 df). Stage 2: weighted least "
    "squares of lsmean ~ site + treatment with weights 1 / (var_GE + se^2), var_GE = 56.7 "
    "(moment estimate: interaction mean square 890.1 minus the mean se^2, at least 0); the "
    "LS-means' covariance is scaled by the weighted residual mean square 1.02 on 12 df, which "
    "is the error of the treatment test and of the comparisons.",
    "two-stage analysis of the site LS-means (sites unbalanced or incomplete); the treatment x "
    "site F uses the mean within-site variance of a site mean as its error (an approximation).",
    "the NY/T 1536-style rule (a significant gain at >= 2/3 of the sites) needs replicated "
    "sites; these sites are unreplicated, so it is not applied (meets_two_thirds_rule is NA) "
    "and the across-site test above is the evidence.",
    "the NY/T 1536-style rule (a significant gain at >= 2/3 of the sites) needs every site "
    "replicated; some sites are not, so it is not applied (NA).",
    "MixedLM requested but the plot data are not available.",
    "stability computed on the 58 sites with every treatment (2 site(s) lacking a treatment "
    "left out).",
    "the 58 sites have the same mean yield, so there is no environmental gradient to regress "
    "on: stability not computed.",
    "pooled error supplied by the caller: MS_e = 120.5 on 36 df, 4 replicates per cell.",
    "pooled error of the 12 replicated site(s) (their within-site analyses): MS_e = 134497 on "
    "401 df, 2.96802 plots per cell (harmonic mean).",
    "unequal plots per cell (3 to 4): the harmonic mean 3.429 is used as the replicates r of "
    "the AMMI sums of squares and of MS_e/r.",
    "2 environment(s) are unreplicated: the pooled error comes from the 5 replicated one(s).",
    "no environment is replicated: no pooled error, so S2d and Shukla's variance include the "
    "error of a mean and their F tests are not available (pass error_mean_square, error_df and "
    "replicates when known).",
    "MixedLM stopped short of the REML optimum (log-likelihood 0.0923 below the closed form's): "
    "the closed form is used instead.",
    "MixedLM stopped short of the REML optimum (log-likelihood 0.0923 below the closed form's, "
    "blup='closed_form').",
    "REML at the boundary: the variance of treatments is estimated as 0.",
    "REML at the boundary: the variance of treatments and environments is estimated as 0.",
    "Shukla's stability variance needs at least 3 treatments.",
    "AMMI without a pooled error: treatment is tested against the interaction and each IPCA "
    "against the mean square of the axes after it (the last is untested).",
    "no control given: HSC and pct_of_control are not computed.",
    "MixedLM failed; the closed form is used instead.",
    # statsmodels' MixedLM warnings, as network/_summary.py and stability.py prefix them
    "MixedLM: The Hessian matrix at the estimated parameter values is not positive definite.",
    "MixedLM: The MLE may be on the boundary of the parameter space.",
    "MixedLM: The random effects covariance matrix is singular.",
    "MixedLM: Random effects covariance is singular",
    "MixedLM: Gradient optimization failed, |grad| = 12.345678",
    "the residual variance of a cell mean is below MS_e/r: the treatment x environment variance "
    "estimate is negative (no detectable interaction).",
]


@pytest.mark.parametrize("note", NOTES, ids=range(len(NOTES)))
def test_network_note_is_chinese_with_its_numbers(note: str) -> None:
    """Every known note becomes Chinese, keeps its numbers and has no stray English word."""
    shown = network_note(note, "zh")
    assert shown != note
    assert english_words(shown, frozenset({"C", "D", "F"})) == []
    numbers = re.findall(r"\d+(?:\.\d+)?", note.replace("1536", "").replace("2/3", ""))
    for number in numbers:
        if number not in ("1", "2", "3", "0"):  # "1 / (...)", "2/3", "^2", "at least 0"
            assert number in shown, (number, shown)


def test_network_note_in_english_is_unchanged() -> None:
    """English reports show the notes as the engine wrote them; unknown notes stay as given."""
    assert network_note(NOTES[0], "en") == NOTES[0]
    assert network_note("something new", "zh") == "something new"


def test_site_strip_values_in_chinese() -> None:
    """Reason, CV flag and error term of the site strip and the combined model."""
    assert site_reason("excluded: CV 39.2 % > 15 %", "zh") == "未纳入：CV 39.2% > 15%"
    assert site_reason("not analysed", "zh") == "未分析"
    text = "control 'CK' is not among the treatments of this trial (V1, V2); check the label"
    assert site_reason(text, "zh").startswith("该试点的处理（V1、V2）中没有对照 CK")
    assert [cv_flag(f, "zh") for f in ("ok", "warn", "strong")] == ["正常", "偏高", "很高"]
    assert cv_flag("warn", "en") == "warn"
    assert error_term("treatment:site", "zh") == "处理×试点"
    # a network with unreplicated sites: the weighted two-stage analysis (network/_summary.py)
    assert error_term("treatment:site (weighted)", "zh") == "处理×试点（加权）"
    # the two-stage analysis of an unbalanced network (network/_summary.py)
    assert error_term("mean within-site variance of a site mean", "zh") == (
        "试点均值的试点内方差平均值"
    )


def test_site_list_has_no_space_before_the_chinese_bracket() -> None:
    """'村2 （CV 19.1%，很高）' had an ASCII space before the full-width bracket."""
    note = (
        "CV above 10 % (strong: above 15 %) at included site(s): 村2 (CV 19.1 %, strong); "
        "their comparisons are imprecise (exclude_cv_above, or --exclude-cv-above, leaves such "
        "sites out)."
    )
    assert "村2（CV 19.1%，很高）" in network_note(note, "zh")


def test_weighted_network_report_has_no_english_error_term(tmp_path) -> None:
    """Replicated and unreplicated sites (weighted two-stage): the zh combined-model table."""
    import numpy as np
    import pandas as pd

    from yieldtrial.network import analyze_many
    from yieldtrial.report.network import render

    rng = np.random.default_rng(9)
    rows = [
        (f"S{j}", b, t, 450.0 + 8 * i + rng.normal(0, 12))
        for j in range(6)
        for b in range(1, (3 if j < 4 else 1) + 1)
        for i, t in enumerate(("CK", "A", "B"))
    ]
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "y"])
    res = analyze_many(
        plots, by="site", response="y", treatment="treatment", block="block", control="CK"
    )
    assert res.summary.method.startswith("two-stage (weighted")
    text = str(render(res, "markdown", lang="zh"))
    assert "处理×试点（加权）" in text and "weighted" not in text


def test_mixedlm_model_line_is_chinese() -> None:
    """combined='mixedlm': the header's model line ended in the English '+ MixedLM'."""
    import numpy as np
    import pandas as pd

    from yieldtrial.network import analyze_many
    from yieldtrial.report.model import KeyValues
    from yieldtrial.report.network import network_report

    rng = np.random.default_rng(4)
    rows = [
        (f"S{j}", b, t, 500.0 + 10 * i + 20 * j + rng.normal(0, 5))
        for j in range(4)
        for b in (1, 2)
        for i, t in enumerate(("CK", "A", "B"))
    ]
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "y"])
    res = analyze_many(plots, by="site", response="y", treatment="treatment", block="block",
                       control="CK", combined="mixedlm", dunnett_pvalues="none")  # fmt: skip
    facts = dict(
        next(b for b in network_report(res, lang="zh").sections[0].blocks
             if isinstance(b, KeyValues)).items
    )  # fmt: skip
    assert facts["汇总分析模型"].endswith(" + 混合线性模型")
    assert english_words(facts["汇总分析模型"], frozenset()) == []


def test_conclusion_counts_are_spaced_as_the_rest_of_the_report() -> None:
    """Counts read "4 个试点", not "4个试点" (the conclusions wrote them unspaced)."""
    import numpy as np
    import pandas as pd

    from yieldtrial.network import analyze_many
    from yieldtrial.report.network import network_report

    rng = np.random.default_rng(5)
    rows = [
        (f"S{j}", b, t, 500.0 + 30 * i + 20 * j + rng.normal(0, 5))
        for j in range(4)
        for b in (1, 2)
        for i, t in enumerate(("CK", "A"))
    ]
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "y"])
    res = analyze_many(plots, by="site", response="y", treatment="treatment", block="block",
                       control="CK", dunnett_pvalues="none")  # fmt: skip
    report = network_report(res, lang="zh")
    items = " ".join(
        item
        for section in report.sections
        if section.key == "conclusions"
        for block in section.blocks
        for item in getattr(block, "items", [])
    )
    assert "4 个试点" in items
    assert not re.search(r"\d个", items), items


def test_combined_table_brackets_are_full_width() -> None:
    """The nested source read "区组(试点)" in ASCII brackets, unlike the rest of the zh text."""
    from yieldtrial.report.network import _source

    assert _source("block(site)", "zh") == "区组（试点）"


def test_failed_trial_reason_in_the_site_strip_is_chinese() -> None:
    """A trial the engine could not analyse: its reason in the zh site strip (stop 40).

    Site A's yields are one value copied to every plot; the reason was shown in English.
    """
    import warnings

    import pandas as pd

    from yieldtrial.network import analyze_many
    from yieldtrial.report.network import render

    rows = [
        (
            site,
            b,
            t,
            6000.0 if site == "A" else 6000.0 + 150 * i + 11 * j + 23 * ((3 * b + 5 * i) % 4),
        )
        for j, site in enumerate(("A", "B", "C"))
        for b in (1, 2, 3)
        for i, t in enumerate(("CK", "T"))
    ]
    plots = pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_ha"])
    with warnings.catch_warnings():  # site A left out of the summary: warned of
        warnings.simplefilter("ignore")
        res = analyze_many(
            plots, by="site", response="yield_kg_ha", treatment="treatment", block="block",
            control="CK",
        )  # fmt: skip
    assert res.per_trial.set_index("site").loc["A", "status"] == "failed"
    text = str(render(res, "markdown", lang="zh"))
    assert "都是同一个值（6000）：没有变异就没有误差方差" in text
    assert "has the same value" not in text


def test_note_patterns_are_compiled_on_the_first_chinese_note() -> None:
    """The notes' patterns are plain strings at import and compiled, once, when needed."""
    from yieldtrial.report import _network_zh

    assert all(isinstance(pattern, str) for pattern, _ in _network_zh._NOTES)
    compiled = _network_zh._compiled(_network_zh._NOTES)
    assert [p.pattern for p, _ in compiled] == [p for p, _ in _network_zh._NOTES]
    assert _network_zh._compiled(_network_zh._NOTES) is compiled
