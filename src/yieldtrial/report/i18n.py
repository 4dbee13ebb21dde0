"""Fixed strings of the report in English and Chinese.

Every fixed string of the report comes from :data:`STRINGS`; :func:`t` looks a
key up and fills ``{placeholders}``.  The test suite checks that every key has
both languages with the same placeholders.

Examples
--------
>>> t("section.means", "zh")
'产量结果与多重比较'
>>> t("unit.default", "zh"), t("unit.default", "en")
('kg/mu', 'kg/ha')
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["LANGUAGES", "STRINGS", "t", "default_unit", "check_lang", "translate_message"]

#: Report languages.
LANGUAGES: tuple[str, ...] = ("en", "zh")

STRINGS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------ defaults
    "unit.default": {"en": "kg/ha", "zh": "kg/mu"},
    "title.default": {"en": "Yield test report", "zh": "测产验收报告"},
    "title.trial": {"en": "Yield test report: {title}", "zh": "测产报告：{title}"},
    # ------------------------------------------------------------ sections
    "section.header": {"en": "Trial and provenance", "zh": "试验概况与数据来源"},
    "section.methods": {"en": "Methods", "zh": "方法"},
    "section.quality": {"en": "Data quality", "zh": "数据质量"},
    "section.moisture_audit": {"en": "Moisture conversion check", "zh": "水分折算核对"},
    "section.plots": {"en": "Plot yields", "zh": "小区产量"},
    "section.anova": {"en": "Analysis of variance", "zh": "方差分析"},
    "section.means": {"en": "Treatment means and comparisons", "zh": "产量结果与多重比较"},
    "section.noninferiority": {"en": "Non-inferiority", "zh": "非劣效检验"},
    "section.efficiency": {"en": "Fertilizer efficiency", "zh": "肥料利用效率"},
    "section.figures": {"en": "Figures", "zh": "图"},
    "section.conclusions": {"en": "Conclusions", "zh": "结论"},
    "section.panel": {"en": "Expert panel", "zh": "验收专家组"},
    # ------------------------------------------------------------ header keys
    "header.trial_id": {"en": "Trial ID", "zh": "试验编号"},
    "header.title": {"en": "Title", "zh": "名称"},
    "header.site": {"en": "Site", "zh": "地点"},
    "header.season": {"en": "Season", "zh": "年份/季节"},
    "header.crop": {"en": "Crop", "zh": "作物"},
    "header.variety": {"en": "Variety", "zh": "品种"},
    "header.previous_crop": {"en": "Previous crop", "zh": "前茬"},
    "header.soil": {"en": "Soil", "zh": "土壤"},
    "header.design": {"en": "Design", "zh": "试验设计"},
    "header.treatments": {"en": "Treatments", "zh": "处理"},
    "header.control": {"en": "Control(s)", "zh": "对照"},
    "header.area": {"en": "Harvested plot area (net)", "zh": "实收小区面积（净面积）"},
    "header.standard_moisture": {"en": "Standard moisture", "zh": "标准含水量"},
    "header.unit": {"en": "Yield unit", "zh": "产量单位"},
    "header.input": {"en": "Input file", "zh": "输入文件"},
    "header.sha256": {"en": "Input SHA-256", "zh": "输入文件 SHA-256"},
    "header.version": {"en": "yieldtrial version", "zh": "yieldtrial 版本"},
    "header.date": {"en": "Report date", "zh": "报告日期"},
    "header.notes": {"en": "Notes", "zh": "备注"},
    "header.config": {"en": "Trial description", "zh": "试验说明文件"},
    # ------------------------------------------------------------ designs
    "design.crd": {"en": "completely randomized design (CRD)", "zh": "完全随机设计"},
    "design.rcbd": {"en": "randomized complete block design (RCBD)", "zh": "随机区组设计"},
    "design.latin": {"en": "Latin square", "zh": "拉丁方设计"},
    "design.unreplicated": {
        "en": "unreplicated demonstration (one plot per treatment)",
        "zh": "无重复示范（每处理一个小区）",
    },
    "design.other": {"en": "{design}", "zh": "{design}"},
    # ------------------------------------------------------------ methods
    "methods.protocol": {
        "en": "Grain yields were standardized to {standard} % moisture ({standard_source}) "
        "with the {method_name}: {formula}.",
        "zh": "籽粒产量按标准含水量 {standard}%（{standard_source}）折算，"
        "采用{method_name}：{formula}。",
    },
    "methods.moisture_here": {
        "en": "Y is the yield at the harvest moisture M (here M = {moisture} %).",
        "zh": "式中 M 为收获时籽粒含水量（本试验 M = {moisture}%）。",
    },
    "methods.yield": {
        "en": "Plot yield = fresh mass x (1 - impurity) x moisture factor / harvested area; "
        "yields are shown in {unit} (1 mu = 666.67 m²; 15 mu = 1 ha) and kg/ha.",
        "zh": "小区产量 = 鲜重 ×（1 − 杂质率）× 水分折算系数 ÷ 收获面积；"
        "产量以 {unit} 与 kg/ha 表示"
        "（1 亩 = 666.67 m²，15 亩 = 1 公顷）。",
    },
    "methods.yield_ha": {
        "en": "Plot yield = fresh mass x (1 - impurity) x moisture factor / harvested area; "
        "yields are shown in kg/ha.",
        "zh": "小区产量 = 鲜重 ×（1 − 杂质率）× 水分折算系数 ÷ 收获面积；产量以 kg/ha 表示。",
    },
    "methods.design": {
        "en": "Design: {design}; {n_treatments} treatments, {n_plots} harvested plots.",
        "zh": "试验设计：{design}；共 {n_treatments} 个处理、{n_plots} 个收获小区。",
    },
    "methods.stats": {
        "en": "Yields were analysed with the linear model {formula} (analysis of variance, "
        "{ss}). Each treatment was compared with the control(s) by Dunnett's test "
        "(two-sided, family-wise alpha = {alpha}); treatments were grouped by letters from "
        "{letters} at alpha = {alpha}{upper}. Confidence intervals are {conf} %.",
        "zh": "产量采用线性模型 {formula} 进行方差分析（{ss}）。各处理与对照的比较采用 Dunnett 检验"
        "（双侧，α = {alpha}）；处理间多重比较采用 {letters}，以小写字母表示 α = {alpha} 水平"
        "{upper}。置信区间为 {conf}%。",
    },
    "methods.upper": {
        "en": " (uppercase letters: alpha = 0.01)",
        "zh": "，大写字母表示 α = 0.01 水平",
    },
    "methods.unreplicated": {
        "en": "Each treatment was harvested from a single plot, so there is no estimate of "
        "plot-to-plot variation: no analysis of variance, confidence interval or "
        "significance test is possible. Differences are reported descriptively.",
        "zh": "每个处理仅收获一个小区，无法估计小区间误差，"
        "因此不能进行方差分析、置信区间或显著性检验，"
        "差异仅作描述性比较。",
    },
    "methods.noninferiority": {
        "en": "Non-inferiority of each treatment to the control was judged with a margin of "
        "{margin} % of the control mean: a treatment is non-inferior when the lower limit of "
        "the simultaneous two-sided interval (Dunnett, alpha = {alpha}) of treatment - "
        "(1 - margin) x control is above 0, i.e. when the adjusted P of that contrast is below "
        "alpha and the contrast is positive.",
        "zh": "非劣效检验：非劣效界值为对照均值的 {margin}%；"
        "当“处理 −（1 − 界值）× 对照”的联合双侧置信区间（Dunnett，α = {alpha}）下限大于 0，"
        "即该对比的校正 P 小于 α 且对比为正时，判为非劣。",
    },
    "letters.tukey": {"en": "Tukey's HSD", "zh": "Tukey 检验"},
    "letters.lsd": {"en": "Fisher's protected LSD", "zh": "LSD 法"},
    "letters.duncan": {"en": "Duncan's new multiple range test", "zh": "Duncan 新复极差法"},
    "letters.snk": {"en": "the Student-Newman-Keuls test", "zh": "SNK 法（q 检验）"},
    "letters.scheffe": {"en": "Scheffé's test", "zh": "Scheffé 检验"},
    "method.dry_matter": {"en": "dry-matter (mass balance) method", "zh": "干物质守恒法"},
    "method.percentage_point": {"en": "percentage-point shortcut", "zh": "百分点直接加减法"},
    "method.shrink": {"en": "shrink-factor method", "zh": "缩水系数法"},
    "method.cn_grain_trade": {"en": "China grain-trade step rule", "zh": "粮食收购水分增量规则"},
    "ss.type2": {"en": "type II sums of squares", "zh": "II 型平方和"},
    # ------------------------------------------------------------ data quality
    "quality.plots": {
        "en": "Plots expected / observed: {expected} / {observed}.",
        "zh": "应有小区 / 实有小区：{expected} / {observed}。",
    },
    "quality.missing": {
        "en": "Missing or excluded plots: {items}.",
        "zh": "缺失或剔除小区：{items}。",
    },
    "quality.no_missing": {"en": "No plot is missing or excluded.", "zh": "无缺失或剔除小区。"},
    "quality.moisture_single": {
        "en": "Harvest moisture was {value} % in every plot.",
        "zh": "各小区收获时籽粒含水量均为 {value}%。",
    },
    "quality.moisture": {
        "en": "Harvest moisture ranged from {low} % to {high} %.",
        "zh": "收获时籽粒含水量 {low}%～{high}%。",
    },
    "quality.illustrative": {
        "en": "Illustrative values: {items} were not published; they are placeholders for the "
        "layout and must not be cited.",
        "zh": "示意数据：{items} 的数值未公开发布，仅用于展示报表格式，不得引用。",
    },
    "efficiency.illustrative": {
        "en": "Fertilizer rates of {items} are illustrative (not published): the efficiency "
        "figures show how the section reads and must not be cited.",
        "zh": "{items} 的施肥量为示意数值（未公开发布）：效率数值仅展示本节格式，不得引用。",
    },
    "methods.source_protocol": {
        "en": "{protocol}: {crop} at {standard} % ({ref})",
        "zh": "{protocol} 规范规定{crop}按 {standard}% 计；出处：{ref}",
    },
    "quality.synthetic": {
        "en": "All plot data are synthetic (simulated with a fixed seed) to demonstrate the "
        "statistics; they are not measurements.",
        "zh": "全部小区数据为模拟数据（固定随机种子生成），仅用于演示统计分析，并非实测值。",
    },
    "quality.published": {"en": "Published values: {items}.", "zh": "公开发布的数值：{items}。"},
    "quality.published_figure": {
        "en": "{treatment} ({value} {unit} at {moisture} % moisture)",
        "zh": "{treatment}（{value} {unit}，含水量 {moisture}%）",
    },
    "quality.missing_reason": {"en": "no harvest recorded", "zh": "无收获记录"},
    "quality.warnings": {"en": "Warnings", "zh": "警告"},
    "quality.normality": {
        "en": "Normality of residuals (Shapiro-Wilk): W = {stat}, P = {p} - {verdict}.",
        "zh": "残差正态性（Shapiro-Wilk 检验）：W = {stat}，P = {p}，{verdict}。",
    },
    "quality.levene": {
        "en": "Equal variances across treatments (Levene/Brown-Forsythe): P = {p} - {verdict}.",
        "zh": "处理间方差齐性（Levene 检验）：P = {p}，{verdict}。",
    },
    "quality.ok_normal": {"en": "no evidence against normality", "zh": "未见偏离正态"},
    "quality.bad_normal": {
        "en": "residuals look non-normal; interpret P values with care",
        "zh": "残差可能偏离正态，P 值需谨慎解释",
    },
    "quality.ok_levene": {"en": "no evidence of unequal variances", "zh": "未见方差不齐"},
    "quality.bad_levene": {
        "en": "variances may differ between treatments",
        "zh": "各处理方差可能不齐",
    },
    "quality.outliers": {
        "en": "Possible outliers (|studentized residual| > 3): {items}.",
        "zh": "可能的异常值（|学生化残差| > 3）：{items}。",
    },
    "quality.no_outliers": {
        "en": "No plot has a studentized residual beyond ±3.",
        "zh": "无学生化残差超过 ±3 的小区。",
    },
    "quality.cv": {
        "en": "Coefficient of variation: {cv} % - {verdict}.",
        "zh": "变异系数：{cv}%，{verdict}。",
    },
    "quality.cv_ok": {"en": "acceptable for a yield trial", "zh": "试验精度可接受"},
    "quality.cv_high": {"en": "high; the trial is imprecise", "zh": "偏高，试验精度较低"},
    "quality.not_testable": {
        "en": "Residual checks are not possible without replication.",
        "zh": "无重复，无法进行残差检验。",
    },
    "quality.df_low": {
        "en": "Only {df} error degrees of freedom (10 or more are recommended).",
        "zh": "误差自由度仅 {df}（建议不少于 10）。",
    },
    # ------------------------------------------------------------ moisture audit
    "audit.intro": {
        "en": "The published figure {reported} {unit} at {standard} % moisture was checked "
        "against the moisture methods, from {mass} {unit} at {moisture} % moisture.",
        "zh": "对公开发布的 {reported} {unit}（标准含水量 {standard}%）按各折算方法复核，"
        "原始数据为 {mass} {unit}（含水量 {moisture}%）。",
    },
    "audit.finding": {
        "en": "The published {reported} is reproduced by the {reproduced}; the dry-matter "
        "method gives {dry} {unit} ({diff_pct} % difference).",
        "zh": "公开发布的 {reported} 与{reproduced}结果一致；按干物质守恒法应为 {dry} {unit}"
        "（相差 {diff_pct}%）。",
    },
    "audit.none": {"en": "none of the methods", "zh": "无任何方法"},
    "col.method": {"en": "Method", "zh": "方法"},
    "col.formula": {"en": "Calculation", "zh": "计算式"},
    "col.predicted": {"en": "Result ({unit})", "zh": "结果（{unit}）"},
    "col.reported": {"en": "Published ({unit})", "zh": "公开值（{unit}）"},
    "col.difference": {"en": "Difference ({unit})", "zh": "差值（{unit}）"},
    "col.reproduces": {"en": "Reproduces", "zh": "是否吻合"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    # ------------------------------------------------------------ plot table
    "col.plot": {"en": "Plot", "zh": "小区"},
    "col.description": {"en": "Description", "zh": "处理内容"},
    "col.product": {"en": "Product", "zh": "肥料/产品"},
    "col.rate": {"en": "Rate", "zh": "用量"},
    "col.block": {"en": "Block", "zh": "区组"},
    "col.treatment": {"en": "Treatment", "zh": "处理"},
    "col.area": {"en": "Area (m²)", "zh": "面积（m²）"},
    "col.fresh": {"en": "Fresh mass (kg)", "zh": "鲜重（kg）"},
    "col.moisture": {"en": "Moisture (%)", "zh": "含水量（%）"},
    "col.impurity": {"en": "Impurity (%)", "zh": "杂质率（%）"},
    "col.yield_unit": {"en": "Yield ({unit})", "zh": "产量（{unit}）"},
    "col.yield_kg_ha": {"en": "Yield (kg/ha)", "zh": "产量（kg/ha）"},
    "col.status": {"en": "Data status", "zh": "数据性质"},
    "status.published": {"en": "published", "zh": "公开发布"},
    "status.illustrative": {"en": "illustrative", "zh": "示意"},
    "status.synthetic": {"en": "synthetic", "zh": "模拟"},
    "status.measured": {"en": "measured", "zh": "实测"},
    "plots.by_block": {
        "en": "Plot yields ({unit}) by treatment and block.",
        "zh": "各处理各区组小区产量（{unit}）。",
    },
    "col.block_mean": {"en": "Mean", "zh": "平均"},
    "col.moisture_mean": {"en": "Harvest moisture (%)", "zh": "收获含水量（%）"},
    "plots.caption": {
        "en": "Plot records and yields standardized to {standard} % moisture.",
        "zh": "各小区记录及折算为标准含水量 {standard}% 的产量。",
    },
    # ------------------------------------------------------------ anova
    "col.source": {"en": "Source", "zh": "变异来源"},
    "col.df": {"en": "df", "zh": "自由度"},
    "col.ss": {"en": "Sum of squares", "zh": "平方和"},
    "col.ms": {"en": "Mean square", "zh": "均方"},
    "col.f": {"en": "F", "zh": "F 值"},
    "col.p": {"en": "P", "zh": "P 值"},
    "source.block": {"en": "Blocks", "zh": "区组"},
    "source.treatment": {"en": "Treatments", "zh": "处理"},
    "source.residual": {"en": "Error", "zh": "误差"},
    "source.row": {"en": "Rows", "zh": "行"},
    "source.column": {"en": "Columns", "zh": "列"},
    "anova.caption": {
        "en": "Analysis of variance of yield ({unit}).",
        "zh": "产量（{unit}）方差分析表。",
    },
    "footer.grand_mean": {"en": "Grand mean", "zh": "总平均"},
    "footer.mse": {"en": "Error mean square", "zh": "误差均方"},
    "footer.df_error": {"en": "Error df", "zh": "误差自由度"},
    "footer.cv": {"en": "CV (%)", "zh": "变异系数（%）"},
    "footer.sed": {"en": "SED", "zh": "差数标准误"},
    "footer.lsd": {"en": "LSD ({alpha})", "zh": "LSD（{alpha}）"},
    "footer.hsd": {"en": "Tukey HSD ({alpha})", "zh": "Tukey HSD（{alpha}）"},
    "footer.re": {"en": "Relative efficiency of blocking", "zh": "区组相对效率"},
    "anova.unavailable": {
        "en": "No analysis of variance: {reason}",
        "zh": "无法进行方差分析：{reason}",
    },
    # ------------------------------------------------------------ means
    "col.rank": {"en": "Rank", "zh": "位次"},
    "col.n": {"en": "n", "zh": "小区数"},
    "col.mean": {"en": "Yield ({unit})", "zh": "产量（{unit}）"},
    "col.se": {"en": "SE ({unit})", "zh": "标准误（{unit}）"},
    "col.ci_low": {"en": "CI low ({unit})", "zh": "置信下限（{unit}）"},
    "col.ci_high": {"en": "CI high ({unit})", "zh": "置信上限（{unit}）"},
    "col.diff": {"en": "Diff. vs {control} ({unit})", "zh": "比{control}±（{unit}）"},
    "col.diff_pct": {"en": "% vs {control}", "zh": "比{control}±%"},
    "col.dunnett_p": {"en": "Dunnett P vs {control}", "zh": "Dunnett P（对{control}）"},
    "col.letters": {"en": "Letters (0.05)", "zh": "0.05"},
    "col.letters_upper": {"en": "Letters (0.01)", "zh": "0.01"},
    "means.caption": {
        "en": "Treatment means (LS-means) of yield in {unit} at {standard} % moisture.",
        "zh": "各处理产量（{unit}，标准含水量 {standard}%）及差异显著性。",
    },
    "means.caption_unreplicated": {
        "en": "Treatment yields in {unit} at {standard} % moisture (one plot each; descriptive).",
        "zh": "各处理产量（{unit}，标准含水量 {standard}%；每处理一个小区，仅作描述）。",
    },
    "means.letters_note": {
        "en": "Means sharing a letter do not differ significantly ({letters}); lowercase "
        "alpha = 0.05, uppercase alpha = 0.01.",
        "zh": "同列含相同字母者差异不显著（{letters}）；小写字母 α = 0.05，大写字母 α = 0.01。",
    },
    "means.dunnett_note": {
        "en": "Dunnett P values are adjusted for comparing several treatments with the same "
        "control.",
        "zh": "Dunnett P 值已按多个处理与同一对照比较进行校正。",
    },
    "means.no_inference": {
        "en": "No significance test is possible: {reason}",
        "zh": "无法进行显著性检验：{reason}",
    },
    "means.no_error_df": {
        "en": "with one plot per treatment there are no error degrees of freedom, so "
        "differences are descriptive only.",
        "zh": "每处理仅一个小区，误差自由度为 0，差异仅作描述。",
    },
    "means.ci_note": {
        "en": "CI: {conf} % confidence interval of the mean.",
        "zh": "置信区间：均值的 {conf}% 置信区间。",
    },
    # ------------------------------------------------------------ non-inferiority
    "col.ni_lower": {"en": "Lower CI bound of difference (%)", "zh": "差值置信下限（%）"},
    "col.ni_margin": {"en": "Margin (%)", "zh": "界值（%）"},
    "col.ni_p": {"en": "P (NI contrast, adjusted)", "zh": "P（非劣效对比，校正）"},
    "col.ni_verdict": {"en": "Verdict", "zh": "结论"},
    "col.comparison": {"en": "Comparison", "zh": "比较"},
    "ni.yes": {"en": "non-inferior", "zh": "非劣"},
    "ni.no": {"en": "non-inferiority not shown", "zh": "未能证明非劣"},
    "ni.untestable": {"en": "not testable", "zh": "无法检验"},
    "ni.caption": {
        "en": "Non-inferiority to the control with a margin of {margin} % of the control mean.",
        "zh": "相对对照的非劣效检验（界值为对照均值的 {margin}%）。",
    },
    # ------------------------------------------------------------ figures
    "fig.means": {
        "en": "Treatment means with {conf} % confidence intervals and letters; dashed "
        "lines mark the control means.",
        "zh": "各处理平均产量及 {conf}% 置信区间和显著性字母；虚线为对照水平。",
    },
    "fig.means_unreplicated": {
        "en": "Treatment yields (one plot each); dashed lines mark the controls' yields.",
        "zh": "各处理产量（每处理一个小区）；虚线为对照产量水平。",
    },
    "fig.hatched": {
        "en": "Hatched bars ({items}): illustrative values, not published.",
        "zh": "斜线柱（{items}）为示意数据，未公开发布。",
    },
    "fig.yields": {
        "en": "Plot yields by treatment; lines join the plots of one block.",
        "zh": "各处理小区产量；同一区组的小区以线相连。",
    },
    "fig.field": {
        "en": "Field map of {what} at the plots' row and column positions.",
        "zh": "田间小区{what}分布图（按行列位置）。",
    },
    "fig.field_residuals": {"en": "residuals", "zh": "残差"},
    "fig.field_yields": {"en": "yields", "zh": "产量"},
    "axis.yield": {"en": "Yield ({unit})", "zh": "产量（{unit}）"},
    "axis.treatment": {"en": "Treatment", "zh": "处理"},
    "axis.block": {"en": "Block", "zh": "区组"},
    "axis.row": {"en": "Row", "zh": "行"},
    "axis.column": {"en": "Column", "zh": "列"},
    "axis.residual": {"en": "Residual ({unit})", "zh": "残差（{unit}）"},
    # ------------------------------------------------------------ conclusions
    "concl.unreplicated": {
        "en": "This is an unreplicated demonstration: {best} gave the highest yield "
        "({best_yield} {unit}), but with one plot per treatment no difference can be called "
        "significant, and field variation alone could produce differences of this size.",
        "zh": "本试验为无重复示范：{best} 产量最高（{best_yield} {unit}），但每处理仅一个小区，"
        "任何差异均不能认定为显著，田间误差本身即可能造成此类差异。",
    },
    "concl.replicates_needed": {
        "en": "To detect a {delta} % yield difference with 80 % power at alpha = 0.05, a trial "
        "would need about {r} replicates per treatment (assuming a CV of {cv} %).",
        "zh": "若要以 80% 的把握度（α = 0.05）检出 {delta}% 的产量差异，约需每处理 {r} 次重复"
        "（假定变异系数 {cv}%）。",
    },
    "concl.diff_descriptive": {
        "en": "{treatment} vs {control}: {diff} {unit} ({pct} %), descriptive only.",
        "zh": "{treatment} 比 {control}：{diff} {unit}（{pct}%），仅作描述。",
    },
    "concl.anova_sig": {
        "en": "Treatments differed in yield (F test, P = {p}).",
        "zh": "处理间产量差异显著（F 检验，P = {p}）。",
    },
    "concl.anova_ns": {
        "en": "The F test found no significant yield difference among treatments (P = {p}).",
        "zh": "F 检验表明处理间产量差异不显著（P = {p}）。",
    },
    "concl.dunnett_sig_up": {
        "en": "{treatment} out-yielded {control} by {diff} {unit} ({pct} %; Dunnett P = {p}).",
        "zh": "{treatment} 比 {control} 显著增产 {diff} {unit}（{pct}%；Dunnett P = {p}）。",
    },
    "concl.dunnett_sig_down": {
        "en": "{treatment} yielded less than {control} by {diff} {unit} "
        "({pct} %; Dunnett P = {p}).",
        "zh": "{treatment} 比 {control} 显著减产 {diff} {unit}（{pct}%；Dunnett P = {p}）。",
    },
    "concl.dunnett_ns": {
        "en": "{treatment} vs {control}: {diff} {unit} ({pct} %), not significant "
        "(Dunnett P = {p}); this does not show that the yields are equal.",
        "zh": "{treatment} 比 {control}：{diff} {unit}（{pct}%），差异不显著（Dunnett P = {p}）；"
        "这并不证明两者产量相同。",
    },
    "concl.ranking": {
        "en": "Ranking by LS-mean (letters, {letters}): {order}; means sharing a letter do not "
        "differ significantly.",
        "zh": "按平均产量排序（{letters}）：{order}；含相同字母者差异不显著。",
    },
    "concl.ni_yes": {
        "en": "{treatment} is non-inferior to {control}: a yield loss of more than {margin} % "
        'of {control}\'s yield is ruled out (adjusted P = {p}), so "no yield loss" holds '
        "within this margin.",
        "zh": "{treatment} 相对 {control} 非劣：可以排除减产超过 {control} 产量 {margin}% 的可能"
        "（校正 P = {p}），即在该界值内“不减产”成立。",
    },
    "concl.ni_no": {
        "en": "Non-inferiority of {treatment} to {control} was not shown: a yield loss of more "
        "than {margin} % of {control}'s yield cannot be ruled out (adjusted P = {p}), so "
        '"no yield loss" is not supported.',
        "zh": "未能证明 {treatment} 相对 {control} 非劣：不能排除减产超过 {control} 产量 {margin}% "
        "的可能（校正 P = {p}），“不减产”的结论不成立。",
    },
    "ni.note_bound": {
        "en": "The verdict is the simultaneous test of treatment - (1 - margin) x control, which "
        "includes the uncertainty of the control mean; the lower bound shown ({conf} % "
        "simultaneous interval) treats the control mean as fixed, so near the margin the two "
        "can disagree and the verdict rules.",
        "zh": "结论依据对“处理 −（1 − 界值）× 对照”的联合检验，已计入对照均值的不确定性；"
        "表中差值下限（{conf}% 联合置信区间）把对照均值视为固定值，"
        "因此接近界值时两者可能不一致，以结论为准。",
    },
    "concl.cv_high": {
        "en": "The CV of {cv} % is high; conclusions are uncertain.",
        "zh": "变异系数 {cv}% 偏高，结论存在不确定性。",
    },
    "concl.synthetic": {
        "en": "These conclusions describe synthetic data and demonstrate the report only.",
        "zh": "以上结论基于模拟数据，仅用于演示报告格式。",
    },
    "concl.illustrative": {
        "en": "Comparisons with illustrative values are placeholders, not findings.",
        "zh": "与示意数据的比较仅为格式示范，不构成结论。",
    },
    # ------------------------------------------------------------ panel
    "panel.members": {"en": "Panel members", "zh": "专家组成员"},
    "panel.date": {"en": "Date", "zh": "日期"},
    "panel.signature": {"en": "Signatures", "zh": "签字"},
    # ------------------------------------------------------------ misc
    "footer.generated": {
        "en": "Generated by yieldtrial {version} on {date}.",
        "zh": "由 yieldtrial {version} 于 {date} 生成。",
    },
    "index.title": {"en": "yieldtrial demo reports", "zh": "yieldtrial 示例报告"},
    "index.intro": {
        "en": "Reports built by `yieldtrial demo` from the example trials shipped with yieldtrial.",
        "zh": "由 `yieldtrial demo` 根据 yieldtrial 自带示例试验生成的报告。",
    },
    "none": {"en": "none", "zh": "无"},
    "list.sep": {"en": ", ", "zh": "、"},
}


def check_lang(lang: str) -> str:
    """Return ``lang`` normalised or raise DataValidationError."""
    from yieldtrial.errors import DataValidationError

    key = str(lang).lower().split("-")[0].split("_")[0]
    if key not in LANGUAGES:
        raise DataValidationError(
            f"unknown report language {lang!r}; expected one of {', '.join(LANGUAGES)}."
        )
    return key


def t(key: str, lang: str, **values: Any) -> str:
    """Return the string ``key`` in ``lang`` with ``{placeholders}`` filled.

    Parameters
    ----------
    key : str
        Key of :data:`STRINGS`.
    lang : {"en", "zh"}
        Language.
    **values
        Placeholder values.

    Returns
    -------
    str
        The translated string.
    """
    template = STRINGS[key][lang]
    if not values:
        return template
    # "P = <0.001" reads "P < 0.001"
    return template.format(**values).replace("= <0.001", "< 0.001")


#: Crop names of the header in Chinese (other crops are shown as given).
CROPS_ZH: dict[str, str] = {
    "wheat": "小麦",
    "maize": "玉米",
    "corn": "玉米",
    "rice": "水稻",
    "indica": "籼稻",
    "japonica": "粳稻",
    "soybean": "大豆",
    "barley": "大麦",
    "sorghum": "高粱",
    "millet": "谷子",
    "rapeseed": "油菜",
    "cotton": "棉花",
    "potato": "马铃薯",
    "peanut": "花生",
}

_PLOT_LIST = re.compile(r"plot '([^']*)' = ")

#: English library messages shown in the report -> Chinese (regex, template).
_MESSAGES_ZH: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"^moisture_pct outside the plausible harvest range for (?P<crop>[^(]+?) "
            r"\((?P<low>[\d.]+)-(?P<high>[\d.]+) %\): (?P<items>.+?)\. Check for a typing error "
            r"\(e\.g\. 5 for 15\) or a moisture measured after drying; the yields are computed "
            r"as given\.?$"
        ),
        "含水量超出{crop}收获时的合理范围（{low}%～{high}%）：{items}。请检查是否录入错误"
        "（如把 15 写成 5）或是否为烘干后测定的含水量；产量按所给数值计算。",
    ),
    (
        re.compile(
            r"^only (?P<df>\d+) error degrees of freedom \(fewer than 10\): the error variance "
            r"is poorly estimated and tests have little power; add replicates\.?$"
        ),
        "误差自由度仅 {df}（少于 10）：误差方差估计不准，检验功效低；应增加重复。",
    ),
    (
        re.compile(
            r"^with (?P<df>\d+) error df an internally studentized residual cannot exceed "
            r"(?P<limit>[\d.]+), so no plot can be flagged as an outlier beyond 3; inspect the "
            r"externally studentized residuals\.?$"
        ),
        "误差自由度为 {df} 时，内学生化残差不可能超过 {limit}，因此无法按 ±3 标记异常小区；"
        "请查看外学生化残差。",
    ),
    (
        re.compile(
            r"^China grain-trade step rule \(full 0\.5-point steps from base (?P<base>[\d.]+)\): "
            r"(?P<rest>.*)$"
        ),
        "粮食收购水分增量规则（以 {base}% 为基数，每满 0.5 个百分点为一档）：{rest}",
    ),
    (
        re.compile(
            r"^shrink: no adjustment at or below standard moisture "
            r"\((?P<m>[\d.]+) <= (?P<std>[\d.]+)\): (?P<rest>.*)$"
        ),
        "缩水系数法：含水量不高于标准水分（{m} ≤ {std}）时不调整：{rest}",
    ),
    (
        re.compile(r"^sequential \(balanced: equal to type II\)$"),
        "序贯平方和（均衡数据，等同 II 型）",
    ),
    (re.compile(r"^type (?P<kind>II|III)$"), "{kind} 型平方和"),
    (re.compile(r"^orthogonal strata \(balanced\)$"), "正交误差层（均衡数据）"),
    (
        re.compile(r"^shrink: needs shrink_pct_per_point \(grain wetter than standard\)$"),
        "缩水系数法：需给出每百分点扣量 shrink_pct_per_point（籽粒含水量高于标准）",
    ),
)


def translate_message(text: str, lang: str) -> str:
    """Translate a known English library message (warning, audit formula) for the report.

    Messages without a translation are returned unchanged.

    Parameters
    ----------
    text : str
        The English message.
    lang : {"en", "zh"}
        Report language.

    Returns
    -------
    str
        The message in ``lang`` when known, else ``text``.

    Examples
    --------
    >>> text = "shrink: no adjustment at or below standard moisture (5 <= 13): 442"
    >>> translate_message(text, "zh")
    '缩水系数法：含水量不高于标准水分（5 ≤ 13）时不调整：442'
    >>> translate_message("anything else", "zh")
    'anything else'
    """
    if lang != "zh":
        return text
    for pattern, template in _MESSAGES_ZH:
        found = pattern.match(text)
        if found is None:
            continue
        values = found.groupdict()
        if "crop" in values:
            values["crop"] = CROPS_ZH.get(values["crop"].strip().lower(), values["crop"])
        if "items" in values:
            values["items"] = _PLOT_LIST.sub(r"小区 \1 = ", values["items"]).replace(", ", "、")
        if "rest" in values:
            rest = values["rest"].replace(" x ", " × ")
            rest = re.sub(
                r"\[(\d+) steps, gain capped at 5\]", r"[共 \1 档，增量最多按 5 档计]", rest
            )
            values["rest"] = rest
        return template.format(**values)
    return text


def default_unit(lang: str) -> str:
    """Default display unit: kg/mu for Chinese, kg/ha otherwise."""
    return STRINGS["unit.default"][check_lang(lang)]
