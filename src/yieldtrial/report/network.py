"""The network report (layout G) as a report model, rendered by the report's renderers.

Rows are treatments; columns are each site's LS-mean with its within-site
letters, then the across-site mean, % of check, sites above / below the check
(win rate), the across-site Dunnett p.  A per-site strip below shows CV and its
flag (ok / warn / strong), MSE, error df, missing plots and whether the site was
included (or why not: failed, or CV above ``exclude_cv_above``), so one bad site
is visible, not fatal.  The combined model and the notes follow.

:func:`network_report` builds the :class:`~yieldtrial.report.model.Report`; HTML,
Markdown, DOCX (and every other registered format) come from the same renderers
as the single-trial report.  JSON is the network result's own document
(:meth:`NetworkResult.to_json <yieldtrial.network.NetworkResult.to_json>`: every
per-trial and across-site number), CSV the flat layout-G table
(:func:`yieldtrial.network.layout_g_table`).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yieldtrial.errors import DataValidationError
from yieldtrial.report.formats import FORMATS, check_format
from yieldtrial.report.model import (
    Bullets,
    Column,
    KeyValues,
    NumberStyle,
    Paragraph,
    Report,
    Section,
    Table,
)

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.network import NetworkResult

__all__ = ["NETWORK_FORMATS", "network_report", "render", "write_network_report"]

#: Chinese headings and labels of the network report (``lang="zh"``).
_ZH: dict[str, str] = {
    "Network and combined analysis": "试验网与联合分析",
    "Treatments across sites": "各试点处理表现",
    "Site columns: LS-mean and within-site Tukey letters.": (
        "试点列：最小二乘均值及试点内 Tukey 字母标记。"
    ),
    "Sites": "试点",
    "Combined model": "联合分析模型",
    "Notes": "说明",
    "(not fitted)": "（未拟合）",
    "Trials": "试验数",
    "Response": "响应变量",
    "Design": "设计",
    "Check": "对照",
    "Treatment P (across sites)": "处理 P（跨试点）",
    "Treatment x site P": "处理×试点 P",
    "Version": "版本",
    "Treatment": "处理",
    "Across-site mean": "跨试点均值",
    "% of check": "比对照 %",
    "> check": "高于对照",
    "< check": "低于对照",
    "Win rate %": "增产点率 %",
    "Dunnett P": "Dunnett P",
    "Site": "试点",
    "Status": "状态",
    "CV %": "CV %",
    "CV flag": "CV 标记",
    "MSE": "误差均方",
    "Error df": "误差自由度",
    "Missing plots": "缺失小区",
    "Included": "纳入",
    "Reason": "原因",
    "Source": "变异来源",
    "Sum of squares": "平方和",
    "Mean square": "均方",
    "Error term": "误差项",
}


def _to_chinese(sections: list[Section]) -> None:
    """Translate the headings, fact labels and column labels of the sections in place."""
    for section in sections:
        section.title = _ZH.get(section.title, section.title)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                block.text = _ZH.get(block.text, block.text)
            elif isinstance(block, KeyValues):
                block.items = [(_ZH.get(k, k), v) for k, v in block.items]
            elif isinstance(block, Table):
                block.columns = [
                    Column(c.key, _ZH.get(c.label, c.label), c.kind, c.digits, c.unit)
                    for c in block.columns
                ]


#: Network output formats -> suffixes: the report formats plus the layout-G CSV table.
NETWORK_FORMATS: dict[str, tuple[str, ...]] = {"csv": (".csv",)}

#: Thousands separators from 1,000 (yields in kg/ha across sites: "6,123.4").
NETWORK_NUMBER_STYLE = NumberStyle(group_from=1000.0)


def _formats() -> dict[str, tuple[str, ...]]:
    return {**FORMATS, **NETWORK_FORMATS}


def _f(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return number


def _num(value: Any) -> float | None:
    number = _f(value)
    return number if math.isfinite(number) else None


def _p(value: Any) -> str:
    number = _f(value)
    if not math.isfinite(number):
        return ""
    return "<0.001" if number < 0.001 else f"{number:.3f}"


def network_report(
    result: NetworkResult,
    *,
    title: str = "Trial network summary",
    report_date: str | None = None,
    lang: str = "en",
) -> Report:
    """Build the network report (layout G) as a report model.

    Parameters
    ----------
    result : NetworkResult
        Output of :func:`yieldtrial.analyze_many` (with its across-site summary).
    title : str
        Report title.
    report_date : str, optional
        Date printed in the footer (ISO; default today, UTC).
    lang : {"en", "zh"}
        Language of the headings, labels and table headers (site and treatment
        labels and the engine's reasons are shown as they are).

    Returns
    -------
    Report
        Sections ``header`` (facts), ``treatments`` (layout-G table), ``sites``
        (per-site strip; excluded sites marked), ``combined`` (combined model)
        and ``notes`` (when any).
    """
    import datetime as _dt

    s = result._summary()
    style = NETWORK_NUMBER_STYLE
    sites = [str(site) for site in s.means.index]
    control = s.control
    opts = result.options
    counts = result.counts
    facts = [
        (
            "Trials",
            f"{len(result.per_trial)} ("
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            + ")",
        ),
        ("Response", str(opts["response"])),
        ("Design", str(opts["design"]).upper() + " per site"),
        ("Check", str(control) if control else "none"),
        ("Combined model", f"{s.method}; sites {s.site_effects}"),
        ("Treatment P (across sites)", _p(s.p_treatment)),
        ("Treatment x site P", _p(s.p_treatment_by_site)),
        ("alpha", f"{float(opts['alpha']):.2f}"),
        ("Version", result.provenance.version),
    ]
    sections = [Section("header", "Network and combined analysis", [KeyValues(facts)])]
    sections.append(
        Section(
            "treatments",
            "Treatments across sites",
            [
                Paragraph("Site columns: LS-mean and within-site Tukey letters."),
                _treatment_table(result, sites, style),
            ],
        )
    )
    sections.append(Section("sites", "Sites", [_site_table(result)]))
    anova = _combined_table(result)
    sections.append(
        Section("combined", "Combined model", [anova if anova else Paragraph("(not fitted)")])
    )
    if s.notes:
        sections.append(Section("notes", "Notes", [Bullets([str(n) for n in s.notes])]))
    date = report_date or _dt.datetime.now(_dt.UTC).date().isoformat()
    metadata = {
        "kind": "network",
        "yieldtrial_version": result.provenance.version,
        "report_date": date,
        "options": {str(k): v for k, v in opts.items()},
    }
    if lang == "zh":
        _to_chinese(sections)
    return Report(
        title=title,
        lang=lang,
        sections=sections,
        metadata=metadata,
        results=result.to_dict(),
        number_style=style,
    )


def _treatment_table(result: NetworkResult, sites: list[str], style: NumberStyle) -> Table:
    s = result._summary()
    control = s.control
    columns = [Column("treatment", "Treatment", "text")]
    columns += [Column(f"site:{site}", site, "text") for site in sites]
    columns += [
        Column("across_site_mean", "Across-site mean", "number", 1),
        Column("pct_of_check", "% of check", "number", 1),
        Column("sites_above", "> check", "int"),
        Column("sites_below", "< check", "int"),
        Column("win_rate_pct", "Win rate %", "number", 0),
        Column("p_dunnett", "Dunnett P", "pvalue"),
    ]
    tr = s.treatments.set_index("treatment")
    rows = []
    for treatment in s.means.columns:
        is_check = treatment == control
        row: dict[str, Any] = {"treatment": str(treatment) + (" (check)" if is_check else "")}
        for site, label in zip(s.means.index, sites, strict=True):
            mean = _num(s.means.loc[site, treatment])
            letter = s.letters.loc[site, treatment]
            shown = letter if isinstance(letter, str) else ""
            cell = "" if mean is None else f"{style.number(mean, 1)} {shown}".strip()
            row[f"site:{label}"] = cell
        r = tr.loc[treatment]
        versus_check = not is_check and control is not None
        row["across_site_mean"] = _num(r["across_site_mean"])
        row["pct_of_check"] = _num(r["pct_of_check"])
        row["sites_above"] = _num(r["sites_above"]) if versus_check else None
        row["sites_below"] = _num(r["sites_below"]) if versus_check else None
        row["win_rate_pct"] = _num(r["win_rate_pct"]) if versus_check else None
        row["p_dunnett"] = None if is_check else _num(r["p_dunnett"])
        rows.append(row)
    return Table("layout_g", columns, rows)


def _site_table(result: NetworkResult) -> Table:
    s = result._summary()
    columns = [
        Column("site", "Site", "text"),
        Column("status", "Status", "text"),
        Column("cv_pct", "CV %", "number", 1),
        Column("cv_flag", "CV flag", "text"),
        Column("mse", "MSE", "number", 1),
        Column("df_error", "Error df", "int"),
        Column("n_missing", "Missing plots", "int"),
        Column("included", "Included", "text"),
        Column("reason", "Reason", "text"),
    ]
    rows = []
    styles = []
    for site in s.sites.itertuples(index=False):
        rows.append(
            {
                "site": str(site.site),
                "status": str(site.status),
                "cv_pct": _num(site.cv_pct),
                "cv_flag": "" if str(site.cv_flag) == "na" else str(site.cv_flag),
                "mse": _num(site.mse),
                "df_error": _num(site.df_error),
                "n_missing": _num(site.n_missing),
                "included": "yes" if site.included else "no",
                "reason": "" if site.included else str(site.reason),
            }
        )
        styles.append("" if site.included else "excluded")
    return Table("sites", columns, rows, row_styles=styles)


def _combined_table(result: NetworkResult) -> Table | None:
    s = result._summary()
    if s.anova is None or not len(s.anova):
        return None
    columns = [
        Column("source", "Source", "text"),
        Column("df", "df", "int"),
        Column("sum_sq", "Sum of squares", "number", 1),
        Column("mean_sq", "Mean square", "number", 1),
        Column("f", "F", "number", 2),
        Column("p_value", "P", "pvalue"),
        Column("error_term", "Error term", "text"),
    ]
    rows = [
        {
            "source": str(r.source),
            "df": _num(r.df),
            "sum_sq": _num(r.sum_sq),
            "mean_sq": _num(r.mean_sq),
            "f": _num(r.f),
            "p_value": _num(r.p_value),
            "error_term": str(r.error_term),
        }
        for r in s.anova.itertuples(index=False)
    ]
    return Table("combined", columns, rows)


def network_format_for_path(path: str | os.PathLike[str]) -> str:
    """Infer the network output format from a file suffix.

    Examples
    --------
    >>> network_format_for_path("net.md"), network_format_for_path("net.csv")
    ('markdown', 'csv')
    """
    suffix = Path(path).suffix.lower()
    for name, suffixes in _formats().items():
        if suffix in suffixes:
            return name
    raise DataValidationError(
        f"cannot tell the network output format from the file name {str(path)!r}; use one of "
        f"{', '.join(s for v in _formats().values() for s in v)}."
    )


def render(
    result: NetworkResult, fmt: str, *, title: str = "Trial network summary", lang: str = "en"
) -> str | bytes:
    """Render the network report.

    Parameters
    ----------
    result : NetworkResult
        Output of :func:`yieldtrial.analyze_many`.
    fmt : str
        ``"csv"`` (the layout-G table), ``"json"`` (the network result), or a
        report format (``"html"``, ``"markdown"``/``"md"``, ``"docx"``, ...).
    title : str
        Report title.
    lang : {"en", "zh"}
        Language of the report formats (see :func:`network_report`).

    Returns
    -------
    str or bytes
        The document (bytes for binary formats such as DOCX).
    """
    if fmt == "csv":
        from yieldtrial.network._layout_g import layout_g_table

        return str(layout_g_table(result).to_csv(index=False))
    key = check_format(fmt)
    if key == "json":
        return result.to_json() + "\n"
    return network_report(result, title=title, lang=lang).render_as(key)


def write_network_report(
    result: NetworkResult,
    path: str | os.PathLike[str],
    *,
    title: str = "Trial network summary",
    lang: str = "en",
) -> Path:
    """Render the network report in the format of ``path``'s suffix and write it atomically.

    Returns
    -------
    Path
        The written file.
    """
    from yieldtrial.io.output import atomic_write_bytes

    data = render(result, network_format_for_path(path), title=title, lang=lang)
    return atomic_write_bytes(path, data.encode("utf-8") if isinstance(data, str) else data)
