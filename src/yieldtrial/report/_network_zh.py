"""Chinese text of the network analysis's English notes, reasons and labels (``--lang zh``).

The network engine (:mod:`yieldtrial.network`) writes its notes in English, with the
numbers of the analysis inside (sites, df, variances).  A Chinese network report shows
each known note through :func:`network_note`: a pattern of the English sentence and the
Chinese sentence with the same numbers.  A note without a pattern is shown as written
(the zh-purity test on the shipped network example catches a new, untranslated one).

Examples
--------
>>> network_note("fewer than two usable sites: no combined model.", "zh")
'可用试点少于两个：不作联合分析。'
>>> network_note("fewer than two usable sites: no combined model.", "en")
'fewer than two usable sites: no combined model.'
>>> site_reason("excluded: CV 39.2 % > 15 %", "zh")
'未纳入：CV 39.2% > 15%'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

__all__ = [
    "FAILURE_REASONS",
    "cv_flag",
    "error_term",
    "failure_reason_zh",
    "network_note",
    "site_reason",
]

#: A number of a note: typed (1e-320), computed in the report's style (1,234.5), a df.
_NUM = r"[-+\d.,eE]+"

#: CV flags of the site strip in Chinese.
_CV_FLAGS = {"ok": "正常", "warn": "偏高", "strong": "很高"}

#: Error terms of the combined model in Chinese.
_ERROR_TERMS = {
    "treatment:site": "处理×试点",
    # the weighted two-stage analysis of a network with unreplicated sites (_summary.py)
    "treatment:site (weighted)": "处理×试点（加权）",
    "residual": "误差",
    "within-site variances of the site means": "试点均值的试点内方差",
    "mean within-site variance of a site mean": "试点均值的试点内方差平均值",
}


def _sites(items: str) -> str:
    """``"D (CV 39.2 %, strong), E (CV 18.0 %) and 3 more"`` in Chinese."""
    items = re.sub(r" ?\(CV ([\d.]+) %", r"（CV \1%", items)
    items = items.replace(", strong)", "，很高）").replace(", warn)", "，偏高）").replace(")", "）")
    items = re.sub(r" and (\d+) more$", r" 等，另有 \1 个", items)
    return items.replace(", ", "、")


def _missing(found: re.Match[str]) -> str:
    missing = found.group("missing")
    return f"；{missing} 个处理-试点组合缺失，由模型处理（最小二乘均值）" if missing else ""


#: What a pattern of :data:`_NOTES` and :data:`_TRIAL_WARNINGS` turns its match into.
_Build = Callable[[re.Match[str]], str]


@functools.cache
def _compiled(table: tuple[tuple[str, _Build], ...]) -> tuple[tuple[re.Pattern[str], _Build], ...]:
    """``table`` with each pattern compiled, on the first Chinese note that needs it.

    An English report shows the notes as written: compiling the 41 patterns at import
    cost every report's start about 0.005 s for nothing.
    """
    return tuple((re.compile(pattern), build) for pattern, build in table)


#: English note pattern -> Chinese sentence built from the match.
_NOTES: tuple[tuple[str, _Build], ...] = (
    (
        (
            r"^(?P<n>[\d,]+) more warning\(s\) about (?P<m>[\d,]+) trial\(s\) not shown; "
            r"analyse those trials alone \(yieldtrial report\) to see them$"
        ),
        lambda m: (
            f"另有 {m['n']} 条警告（涉及 {m['m']} 个试验）未列出；请单独分析这些试验"
            "（yieldtrial report）查看。"
        ),
    ),
    (
        (
            rf"^(?P<n>[\d,]+) site\(s\) excluded for CV above (?P<cv>{_NUM}) % "
            r"\(exclude_cv_above\): (?P<items>.+)\.$"
        ),
        lambda m: f"{m['n']} 个试点因变异系数高于 {m['cv']}% 未纳入汇总：{_sites(m['items'])}。",
    ),
    (
        (
            rf"^(?P<n>[\d,]+) included site\(s\) have no CV \(unreplicated: one plot per "
            rf"treatment\), so exclude_cv_above \((?P<cv>{_NUM}) %\) cannot judge them; "
            r"they stay in\.$"
        ),
        lambda m: (
            f"{m['n']} 个纳入汇总的试点无变异系数（无重复：每个处理一个小区），"
            f"变异系数上限（{m['cv']}%）无法判断，仍纳入汇总。"
        ),
    ),
    (
        (
            rf"^CV above (?P<warn>{_NUM}) % \(strong: above (?P<strong>{_NUM}) %\) at included "
            r"site\(s\): (?P<items>.+); their comparisons are imprecise .*$"
        ),
        lambda m: (
            f"纳入汇总的试点中变异系数高于 {m['warn']}%（高于 {m['strong']}% 为很高）："
            f"{_sites(m['items'])}；这些试点的比较精度低（可设定变异系数上限将其排除）。"
        ),
    ),
    (
        r"^(?P<n>[\d,]+) site\(s\) excluded from the across-site analysis \(see the strip\)\.$",
        lambda m: f"{m['n']} 个试点未纳入多点汇总分析（见各试点试验质量表）。",
    ),
    (
        r"^fewer than two usable sites: no combined model\.$",
        lambda m: "可用试点少于两个：不作联合分析。",
    ),
    (
        r"^the unreplicated sites do not connect the treatments .*$",
        lambda m: "各无重复试点的处理互不相连（各处理只出现在不同的试点）：无法建立多点汇总模型。",
    ),
    (
        (
            r"^every site is unreplicated \(one plot per treatment\): the (?P<n>[\d,]+) sites are "
            r"the replicates of a randomized complete block design with sites as blocks "
            r"\(response ~ treatment \+ site\); the treatment x site interaction "
            r"\((?P<df>[\d,]+) df\) is the error of every test and interval"
            r"(?:; (?P<missing>[\d,]+) missing cell\(s\) are handled by the model \(LS-means\))?\.$"
        ),
        lambda m: (
            f"各试点均无重复（每个处理一个小区）：{m['n']} 个试点作为重复，按以试点为区组的"
            f"随机区组设计分析（产量 ~ 处理 + 试点）；处理×试点互作（自由度 {m['df']}）为"
            f"所有检验和置信区间的误差{_missing(m)}。"
        ),
    ),
    (
        (
            r"^(?P<unrep>[\d,]+) site\(s\) are unreplicated and (?P<rep>[\d,]+) replicated: "
            r"two-stage analysis\. .* the pooled plot error variance of the replicated sites, "
            rf"(?P<pooled>{_NUM}) on (?P<dfp>{_NUM}) df\)\. .* var_GE = (?P<ge>{_NUM}) "
            rf"\(moment estimate: interaction mean square (?P<ms>{_NUM}) minus .* weighted "
            rf"residual mean square (?P<scale>{_NUM}) on (?P<df>{_NUM}) df, .*$"
        ),
        lambda m: (
            f"{m['unrep']} 个试点无重复、{m['rep']} 个试点有重复：采用两阶段分析。第一阶段："
            "各试点的最小二乘均值及其方差（标准误的平方；无重复试点采用有重复试点合并的小区误差"
            f"方差 {m['pooled']}，自由度 {m['dfp']}）。第二阶段：对各试点最小二乘均值按"
            "“试点 + 处理”作加权最小二乘，权重为 1/(互作方差 + 标准误²)，互作方差 = "
            f"{m['ge']}（矩估计：互作均方 {m['ms']} 减去标准误平方的平均值，不小于 0）；"
            f"最小二乘均值的协方差按加权残差均方 {m['scale']}（自由度 {m['df']}）缩放，"
            "该均方为处理检验和各比较的误差。"
        ),
    ),
    (
        r"^two-stage analysis of the site LS-means \(sites unbalanced or incomplete\)",
        lambda m: (
            "对各试点最小二乘均值作两阶段分析（试点间不均衡或不完全）；处理×试点互作的 F 检验"
            "以试点均值的试点内方差平均值为误差（近似方法）。"
        ),
    ),
    (
        r"^the NY/T 1536-style rule .* these sites are unreplicated, so it is not",
        lambda m: (
            "“三分之二以上试点显著增产”的判定（参照 NY/T 1536）需要各试点设重复；本网络各试点"
            "无重复，故不作此判定，以多点汇总检验为依据。"
        ),
    ),
    (
        r"^the NY/T 1536-style rule .* some sites are not, so it is not applied",
        lambda m: (
            "“三分之二以上试点显著增产”的判定（参照 NY/T 1536）需要所有试点设重复；"
            "部分试点无重复，故不作此判定。"
        ),
    ),
    (
        r"^MixedLM requested but the plot data are not available\.$",
        lambda m: "已要求混合线性模型分析，但缺少小区数据。",
    ),
    (
        (
            r"^stability computed on the (?P<n>\d+) sites with every treatment "
            r"\((?P<dropped>\d+) site\(s\) lacking a treatment left out\)\.$"
        ),
        lambda m: (
            f"稳定性分析基于全部处理齐全的 {m['n']} 个试点"
            f"（{m['dropped']} 个试点缺少处理，未纳入）。"
        ),
    ),
    (
        (
            r"^stability needs at least 3 sites with every treatment; (?P<n>\d+) ha(?:s|ve) "
            r"all (?P<m>\d+) treatments: not computed\.$"
        ),
        lambda m: (
            f"稳定性分析需要至少 3 个全部处理齐全的试点；全部 {m['m']} 个处理齐全的试点"
            f"有 {m['n']} 个：未作稳定性分析。"
        ),
    ),
    (
        (
            r"^the (?P<n>\d+) sites have the same mean yield, so there is no environmental "
            r"gradient to regress on: stability not computed\.$"
        ),
        lambda m: f"{m['n']} 个试点的平均产量相同，没有可供回归的环境梯度：未作稳定性分析。",
    ),
    (
        (
            rf"^pooled error supplied by the caller: MS_e = (?P<mse>{_NUM}) on (?P<df>{_NUM}) "
            rf"df, (?P<r>{_NUM}) replicates per cell\.$"
        ),
        lambda m: (
            f"合并误差由使用者给定：误差均方 {m['mse']}，自由度 {m['df']}，"
            f"每个处理-环境组合 {m['r']} 次重复。"
        ),
    ),
    (
        (
            r"^pooled error of the (?P<n>\d+) replicated site\(s\) \(their within-site "
            rf"analyses\): MS_e = (?P<mse>{_NUM}|[\d,]+\.\d) on (?P<df>{_NUM}) df, "
            rf"(?P<r>{_NUM}) plots per cell \(harmonic mean\)\.$"
        ),
        lambda m: (
            f"合并误差来自 {m['n']} 个有重复试点的单点分析：误差均方 {m['mse']}，"
            f"自由度 {m['df']}，每个处理-试点组合平均 {m['r']} 个小区（调和平均数）。"
        ),
    ),
    (
        r"^(?P<n>\d+) environment\(s\) left out \(their own analysis failed\): (?P<items>.+)$",
        lambda m: f"{m['n']} 个环境未纳入（其单点分析失败）：{m['items']}",
    ),
    (
        (
            r"^unequal plots per cell \((?P<low>\d+) to (?P<high>\d+)\): the harmonic mean "
            rf"(?P<r>{_NUM}) is used .*$"
        ),
        lambda m: (
            f"各处理-环境组合的小区数不等（{m['low']}～{m['high']}）：AMMI 平方和及"
            f"误差均方/重复数中的重复数取调和平均数 {m['r']}。"
        ),
    ),
    (
        (
            r"^(?P<n>\d+) environment\(s\) are unreplicated: the pooled error comes from the "
            r"(?P<m>\d+) replicated one\(s\)\.$"
        ),
        lambda m: f"{m['n']} 个环境无重复：合并误差来自 {m['m']} 个有重复的环境。",
    ),
    (
        r"^no environment is replicated: no pooled error, .*$",
        lambda m: (
            "各环境均无重复，没有合并误差：S2d 和 Shukla 稳定性方差包含均值的误差，"
            "无法作 F 检验（已知时可给出误差均方、误差自由度和重复数）。"
        ),
    ),
    (
        (
            rf"^MixedLM stopped short of the REML optimum \(log-likelihood (?P<d>{_NUM}) below "
            r"the closed form's\): the closed form is used instead\.$"
        ),
        lambda m: (
            f"混合线性模型迭代未达到约束最大似然的最优解（对数似然比解析解低 {m['d']}），"
            "改用解析解。"
        ),
    ),
    (
        (
            rf"^MixedLM stopped short of the REML optimum \(log-likelihood (?P<d>{_NUM}) below "
            r"the closed form's, blup='closed_form'\)\.$"
        ),
        lambda m: (
            f"混合线性模型迭代未达到约束最大似然的最优解（对数似然比解析解低 {m['d']}；"
            "可改用解析解）。"
        ),
    ),
    (
        r"^REML at the boundary: the variance of (?P<what>.+) is estimated as 0\.$",
        lambda m: (
            "约束最大似然估计位于边界："
            + m["what"]
            .replace("treatments", "处理")
            .replace("environments", "环境")
            .replace(" and ", "和")
            + "的方差估计为 0。"
        ),
    ),
    (
        (
            r"^The regression on the site index fits (?P<items>.+) exactly \(deviations at "
            r"rounding noise, as when sites have identical means\): no standard error or test "
            r"of b for them\.$"
        ),
        lambda m: (
            f"{m['items']} 对环境指数的回归为精确拟合（离回归偏差仅为舍入误差，如两个试点的"
            "均值完全相同）：不给出其回归系数 b 的标准误和检验。"
        ),
    ),
    (
        (
            r"^AMMI stability value \(ASV\) not computed: the second interaction axis is zero "
            r"\(rounding noise\); the treatment x site interaction has one dimension only\.$"
        ),
        lambda m: (
            "未计算 AMMI 稳定值（ASV）：第二交互作用主成分为零（仅为舍入误差），"
            "处理×试点交互作用只有一个维度。"
        ),
    ),
    (
        (
            r"^AMMI: the treatment x site interaction is zero \(rounding noise: every treatment "
            r"differs from another by the same amount at every site\), so it has no axes; no "
            r"IPCA test or share is computed and every IPCA score is 0\.$"
        ),
        lambda m: (
            "AMMI：处理×试点交互作用为零（仅为舍入误差：各处理之间的差值在每个试点都相同），"
            "没有交互作用主成分：不给出 IPCA 的检验和所占比例，各 IPCA 得分均为 0。"
        ),
    ),
    (
        r"^Shukla's stability variance needs at least 3 treatments\.$",
        lambda m: "Shukla 稳定性方差至少需要 3 个处理。",
    ),
    (
        r"^AMMI without a pooled error: .*$",
        lambda m: (
            "AMMI 分析无合并误差：处理以互作为误差检验，各 IPCA 轴以其后各轴的均方检验"
            "（最后一轴不检验）。"
        ),
    ),
    (
        r"^no control given: HSC and pct_of_control are not computed\.$",
        lambda m: "未指定对照：不计算高稳系数 HSC 和比对照百分比。",
    ),
    (
        r"^MixedLM: Maximum Likelihood optimization failed to converge",
        lambda m: "混合线性模型：最大似然优化未收敛，结果仅供参考。",
    ),
    (
        r"^MixedLM: Retrying MixedLM optimization with (?P<method>\w+)",
        lambda m: "混合线性模型：改用其他优化算法重新拟合。",
    ),
    (
        (
            r"^MixedLM: The Hessian matrix at the estimated parameter values is not positive "
            r"definite\.?$"
        ),
        lambda m: "混合线性模型：参数估计值处的海森矩阵非正定，结果仅供参考。",
    ),
    (
        r"^MixedLM: The MLE may be on the boundary of the parameter space\.?$",
        lambda m: "混合线性模型：最大似然估计可能位于参数空间的边界上（如某方差分量估计为 0）。",
    ),
    (
        (
            r"^MixedLM: (?:The random effects covariance matrix is singular\.?|Random effects "
            r"covariance is singular)$"
        ),
        lambda m: "混合线性模型：随机效应协方差矩阵奇异。",
    ),
    (
        rf"^MixedLM: Gradient optimization failed, \|grad\| = (?P<grad>{_NUM})$",
        lambda m: f"混合线性模型：梯度优化失败（梯度范数 {m['grad']}），结果仅供参考。",
    ),
    (
        r"^MixedLM failed: (?P<why>.*)$",
        lambda m: f"混合线性模型拟合失败（statsmodels：{m['why']}）。",
    ),
    (
        r"^MixedLM failed; the closed form is used instead\.$",
        lambda m: "混合线性模型拟合失败，改用解析解。",
    ),
    (
        r"^the residual variance of a cell mean is below MS_e/r: .*$",
        lambda m: "组合均值的残差方差低于误差均方/重复数：处理×环境方差估计为负（未检出互作）。",
    ),
)


def network_note(text: str, lang: str) -> str:
    """Return a note of the network analysis in ``lang`` (Chinese when a pattern knows it).

    Parameters
    ----------
    text : str
        The English note (``NetworkSummary.notes``, ``StabilityResult.notes``, ...).
    lang : {"en", "zh"}
        Report language.

    Returns
    -------
    str
        The Chinese sentence with the note's numbers, or ``text`` unchanged (in English,
        with a report reader's words for the API's names: :data:`_READER_WORDS`).
    """
    if lang != "zh":
        for api, reader in _READER_WORDS:
            text = text.replace(api, reader)
        return text
    for pattern, build in _compiled(_NOTES):
        found = pattern.match(text)
        if found is not None:
            return build(found)
    about = _ABOUT_TRIALS.match(text)  # a warning the command printed, naming its trials
    if about is not None:
        return _trials_warning(about)
    from yieldtrial.report.i18n import translate_message

    return translate_message(text, "zh")  # a reading warning, as the single-trial report's


#: Clauses of the engine's notes that name its Python arguments or result columns, and the
#: English report's words for them: a reader of the report can pass no argument (loose56).
#: The API's notes keep the names; the Chinese sentences above never had them.
_READER_WORDS: tuple[tuple[str, str], ...] = (
    (
        " (pass error_mean_square, error_df and replicates when known)",
        " (they need the error mean square of replicated trials, its df and the number of "
        "replicates)",
    ),
    (" (meets_two_thirds_rule is NA)", ""),
)

#: "site 'A', 'B' and 3 more: <warning>": a warning of ``yieldtrial network`` naming trials.
_ABOUT_TRIALS = re.compile(
    r"^(?P<by>[^\s']+) (?P<keys>'[^']*'(?:, '[^']*')*(?: and [\d,]+ more)?): (?P<text>.+)$"
)

#: The network's model of each trial, in Chinese (``network._warn_ignored_layout``).
_MODELS = {
    "an RCBD (response ~ treatment + block)": "随机区组设计（产量 ~ 处理 + 区组）",
    "a completely randomized design": "完全随机设计",
}

#: The network's own warnings about some trials -> Chinese.
_TRIAL_WARNINGS: tuple[tuple[str, _Build], ...] = (
    (
        (
            r"^(?P<n>[\d,]+) trials? (?:have|has) incomplete blocks \(an incomplete_block "
            r"column: an alpha design\); the network analysis ignores them and analyses every "
            r"trial as (?P<model>.+?)\. For the incomplete-block model analyse such a trial "
            r"alone: yieldtrial report <its file> \(the alpha design is detected\)$"
        ),
        lambda m: (
            f"{m['n']} 个试验有不完全区组（incomplete_block 列：α 设计）；多点分析忽略不完全区组，"
            f"各试验均按{_MODELS.get(m['model'], m['model'])}分析。如需不完全区组模型，请单独"
            "分析该试验：yieldtrial report <该试验的文件>（自动识别 α 设计）。"
        ),
    ),
    (
        (
            r"^row and column are numbered within each replicate in (?P<n>[\d,]+) trials? "
            r"\(a row-column design\); the network analysis ignores rows and columns and "
            r"analyses every trial as (?P<model>.+?)\. For the row-column model analyse such a "
            r"trial alone: yieldtrial report <its file> with design = \"row_column\" in "
            r"\[analysis\] of trial\.toml$"
        ),
        lambda m: (
            f"{m['n']} 个试验的行号和列号在各重复内编号（行列设计）；多点分析忽略行和列，"
            f"各试验均按{_MODELS.get(m['model'], m['model'])}分析。如需行列设计模型，请单独"
            "分析该试验：yieldtrial report <该试验的文件>，并在 trial.toml 的 [analysis] 中"
            '设 design = "row_column"。'
        ),
    ),
)


def _trials_warning(found: re.Match[str]) -> str:
    """Return a warning naming its trials in Chinese ("试点 'A'、'B'：...").

    Examples
    --------
    >>> network_note("site 'A' and 2 more: every impurity_pct value lies in [0, 1) "
    ...              "(largest 0.5); if they are fractions, multiply by 100. Values below "
    ...              "1 % are possible, so they are used as given", "zh")[:16]
    "试点 'A' 等，另有 2 个："
    """
    from yieldtrial.report.i18n import translate_message

    by = "/".join({"site": "试点", "year": "年份"}.get(k, k) for k in found["by"].split("/"))
    keys = re.sub(r" and ([\d,]+) more$", r" 等，另有 \1 个", found["keys"]).replace(", ", "、")
    text = found["text"]
    for pattern, build in _compiled(_TRIAL_WARNINGS):
        own = pattern.match(text)
        if own is not None:
            return f"{by} {keys}：{build(own)}"
    return f"{by} {keys}：{translate_message(text, 'zh')}"


def site_reason(text: str, lang: str) -> str:
    """Why a site is left out (site strip ``reason``) in ``lang``."""
    if lang != "zh" or not text:
        return text
    found = re.match(rf"^excluded: CV ({_NUM}) % > ({_NUM}) %$", text)
    if found:
        return f"未纳入：CV {found[1]}% > {found[2]}%"
    if text == "not analysed":
        return "未分析"
    found = re.match(r"^control '(.+)' is not among the treatments of this trial \((.*)\)", text)
    if found:
        treatments = found[2].replace(", ", "、")
        return (
            f"该试点的处理（{treatments}）中没有对照 {found[1]}；请检查对照标签或该试点的小区数据。"
        )
    return failure_reason_zh(text) or text


#: A Python repr of any string (a quote inside the other quote, or escaped: "O'Brien").
_R = r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_ROW = r"(?P<row>" + _R + r"|-?\d+)"  # a plot's row label in the engine's reasons (repr)
_SCALE = r"(?P<{}>\d(?:\.\d+)?e[+-]\d+)"  # 1e+100, 1e-100

#: Why ``network`` could not analyse a trial (network/_engine.py: the screen's reasons,
#: :func:`~yieldtrial.network.failure_reason`, the exact fit), as its per-trial ``reason``
#: holds them: (name, English pattern, Chinese template).  The trailing full stop is
#: optional (the command's error line drops it).  ``yieldtrial network --lang zh`` uses them
#: too (``commands._zh_messages.NETWORK_REASONS``).
FAILURE_REASONS: tuple[tuple[str, str, str], ...] = (
    (
        "bad-row",
        r"row " + _ROW + r": non-numeric, (?P<negative>negative, )?infinite or far out of scale "
        r"\(above "
        + _SCALE.format("high")
        + r", or not 0 and below "
        + _SCALE.format("low")
        + r"\) (?P<response>"
        + _R
        + r"), or a blank (?P<labels>"
        + _R
        + r"(?: or "
        + _R
        + r")?) label; fix or blank the value \(a blank response is a missing plot\)\.?",
        "行 {row}：{response} 为非数值、{negative}无穷大或数量级离谱（大于 {high}，或不为 0 且小于 "
        "{low}），或 {labels} 标签为空；请更正或清空该值（产量为空即缺失小区）",
    ),
    (
        "no-observed-level",
        r"treatment level\(s\) (?P<names>"
        + _R
        + r"(?:, "
        + _R
        + r")*)(?: in column "
        + _R
        + r")? have no observed (?P<response>"
        + _R
        + r") \(all plots blank\); their mean "
        r"cannot be estimated(?P<supply>\. Supply at least one observed plot or remove the "
        r"level)?\.?",
        "处理 {names} 没有观测到的 {response}（小区全部为空）；无法估计其均值{supply}",
    ),
    (
        "fewer-than-two",
        r"fewer than two treatments with observed plots\.?",
        "有观测值的小区所属处理少于两个",
    ),
    (
        "control-absent",
        r"control (?P<control>" + _R + r") is not among the treatments of this trial\.?",
        "对照 {control} 不在本试验的处理中",
    ),
    (
        "control-absent-listed",
        r"control (?P<control>" + _R + r") is not among the treatments of this trial "
        r"\((?P<levels>.*)\); check the label or the trial's plots\.?",
        "对照 {control} 不在本试验的处理（{levels}）中；请检查对照标签或该试验的小区数据",
    ),
    (
        "same-value",
        r"(?P<response>" + _R + r") has the same value \((?P<value>[^()]+)\) on all "
        r"(?P<n>[\d,]+) observed plots: with no variation there is no error variance, so no "
        r"standard error or test; check that the yields were filled in \(not one value copied "
        r"to every plot\)\.?",
        "{response} 在全部 {n} 个有观测值的小区上都是同一个值（{value}）：没有变异就没有误差方差，"
        "无法计算标准误或进行检验；请检查产量是否已填写（而不是把一个值复制到每个小区）",
    ),
    (
        "not-analysed-why",
        r"trial could not be analysed \(treatments without plots, a single treatment, or no "
        r"control plots\)\.?",
        "试验无法分析（有处理没有小区、只有一个处理，或没有对照小区）",
    ),
    ("not-analysed", r"trial could not be analysed\.?", "试验无法分析"),
    (
        "network-one-level",
        r"only one treatment level \((?P<level>"
        + _R
        + r")\) in column (?P<column>"
        + _R
        + r"); at least two are needed for a comparison\.?",
        "列 {column} 中只有一个处理水平（{level}）；比较至少需要两个",
    ),
    (
        "negative",
        r"row " + _ROW + r": (?P<response>" + _R + r") = (?P<value>\S+) is negative; a yield "
        r"cannot be below 0: correct the value, or blank it \(a blank is a missing plot\)\.?",
        "行 {row}：{response} = {value} 是负数；产量不能小于 0：请更正该值，或将其清空"
        "（空值即缺失小区）",
    ),
    (
        "boolean",
        r"row " + _ROW + r": (?P<response>" + _R + r") = (?P<value>\S+) is a boolean, not a "
        r"measurement; correct the value, or blank it \(a blank is a missing plot\)\.?",
        "行 {row}：{response} = {value} 是布尔值（TRUE/FALSE），不是测量值；请更正该值，"
        "或将其清空（空值即缺失小区）",
    ),
    (
        "out-of-scale-high",
        r"row " + _ROW + r": (?P<response>" + _R + r") = (?P<value>\S+) is far out of scale "
        r"\(above " + _SCALE.format("limit") + r": its square overflows the sums of squares\); "
        r"correct the value\.?",
        "行 {row}：{response} = {value} 数量级离谱（大于 {limit}：其平方使平方和溢出）；请更正该值",
    ),
    (
        "out-of-scale-low",
        r"row " + _ROW + r": (?P<response>" + _R + r") = (?P<value>\S+) is far out of scale "
        r"\(not 0 and below " + _SCALE.format("limit") + r": its square underflows to 0\); "
        r"correct the value\.?",
        "行 {row}：{response} = {value} 数量级离谱（不为 0 且小于 {limit}：其平方下溢为 0）；"
        "请更正该值",
    ),
    (
        "exact-fit",
        r"the model fits every yield exactly \(error mean square 0: no plot-to-plot variation\), "
        r"as when the yields are identical within each treatment or were copied; no F test, "
        r"standard error or CV is possible: check the yield values of this trial\.?",
        "模型对每个产量都完全拟合（误差均方为 0：小区间没有变异），如同各处理内的产量完全相同"
        "或是复制的；无法进行 F 检验，也无法计算标准误或变异系数：请检查本试验的产量数据",
    ),
)


@functools.cache
def _failure_regexes() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Compile the patterns of :data:`FAILURE_REASONS` (on the first Chinese reason)."""
    return tuple((re.compile(pattern), chinese) for _, pattern, chinese in FAILURE_REASONS)


def failure_reason_zh(reason: str) -> str | None:
    """Return why a network trial could not be analysed in Chinese; None if not catalogued.

    Examples
    --------
    >>> failure_reason_zh("fewer than two treatments with observed plots")
    '有观测值的小区所属处理少于两个'
    >>> failure_reason_zh("something new") is None
    True
    """
    for regex, chinese in _failure_regexes():
        match = regex.fullmatch(reason)
        if match is None:
            continue
        values = {k: ("" if v is None else v) for k, v in match.groupdict().items()}
        if "negative" in values:
            values["negative"] = "负数、" if values["negative"] else ""
        if "labels" in values:
            values["labels"] = values["labels"].replace(" or ", " 或 ")
        if "supply" in values:
            values["supply"] = "。请至少提供一个有观测值的小区，或去掉该处理" * bool(
                values["supply"]
            )
        if "levels" in values:
            values["levels"] = values["levels"].replace(", ", "、")
        return chinese.format(**values)
    return None


def cv_flag(flag: str, lang: str) -> str:
    """CV flag of the site strip (``ok``, ``warn``, ``strong``) in ``lang``."""
    return _CV_FLAGS.get(flag, flag) if lang == "zh" else flag


def error_term(term: str, lang: str) -> str:
    """Error term of a combined-model row (``treatment:site``, ``residual``) in ``lang``."""
    return _ERROR_TERMS.get(term, term) if lang == "zh" else term
