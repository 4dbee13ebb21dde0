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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from yieldtrial.errors import DataValidationError
from yieldtrial.io._compat import isin
from yieldtrial.io._rounding import fixed
from yieldtrial.io.checks import message_number
from yieldtrial.report._format import fmt_count, fmt_number, join_list, report_date_text
from yieldtrial.report._network_zh import cv_flag, error_term, network_note, site_reason
from yieldtrial.report.formats import FORMATS, check_format, refuse_folder_name
from yieldtrial.report.i18n import capitalized, full_stop
from yieldtrial.report.model import (
    REPORT_NUMBER_STYLE,
    Bullets,
    Column,
    ColumnKind,
    Companion,
    KeyValues,
    NumberStyle,
    Paragraph,
    Report,
    Section,
    Table,
)

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.network import NetworkResult

__all__ = [
    "NETWORK_FORMATS",
    "network_metadata",
    "network_report",
    "render",
    "synthetic_data",
    "write_network_report",
]

#: Network output formats -> suffixes: the report formats plus the layout-G CSV table.
NETWORK_FORMATS: dict[str, tuple[str, ...]] = {"csv": (".csv",)}

#: Sites up to which the site table has one column per site (layout G); beyond, one row per site.
WIDE_SITES = 12

#: Sites at each end of the range of site means that the per-site yield table of a network
#: of more than :data:`yieldtrial.report.entries.ENTRY_TABLE_LIMIT` sites shows.
SITE_TABLE_ENDS = 10

#: Decimals of a win rate and of its interval [%], in every table and sentence ("62.5 %
#: (48.1-75.0)"): the sentence printed the interval to whole percent (stop 46).
WIN_RATE_DIGITS = 1


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
    return "<0.001" if number < 0.001 else fixed(number, 3)


def network_report(
    result: NetworkResult,
    *,
    title: str | None = None,
    report_date: str | None = None,
    lang: str = "en",
    stability: Any = None,
    response: Any = None,
    metadata: dict[str, Any] | None = None,
    notes: list[str] | None = None,
    synthetic: bool = False,
    left_out: Sequence[tuple[str, str]] = (),
    standardized: dict[str, Any] | None = None,
    yields_moisture: dict[str, Any] | None = None,
    treatment_header: str | None = None,
) -> Report:
    """Build the network report as a report model (English multi-site or Chinese 区试 layout).

    Parameters
    ----------
    result : NetworkResult
        Output of :func:`yieldtrial.analyze_many` (with its across-site summary).
    title : str, optional
        Report title (default "Trial network summary" / "多点试验汇总报告").
    report_date : str, optional
        Date printed in the footer (ISO; default today, UTC).
    lang : {"en", "zh"}
        Report language.
    stability : StabilityResult, optional
        Stability statistics (:func:`yieldtrial.network.stability.network_stability`);
        adds the stability section.
    response : DataFrame, optional
        :func:`yieldtrial.network.response.environment_response` of the network; computed
        here when the network has a check and at least 3 sites.
    metadata : dict, optional
        Extra header facts (e.g. crop, season from ``trial.toml``), label -> value.
    notes : list of str, optional
        Extra notes (e.g. which sites the stability statistics left out).
    synthetic : bool, default False
        The yields are simulated (``data_status = synthetic``, see :func:`synthetic_data`):
        the header and the conclusions say so.
    left_out : sequence of (str, str), optional
        Sites left out before the analysis, with the reason (``yieldtrial network``: a
        site whose harvest records are invalid): counted as failed in the header and
        listed in the site strip, not included.
    standardized : dict, optional
        The sites whose raw harvest records (fresh mass, moisture) were standardized to
        yields and how (``yieldtrial network``: keys ``sites``, ``crop``, ``protocol``,
        ``standard_pct``, ``standard_given``, ``method``, ``shrink_pct_per_point``): the
        methods say so, as the single-trial report's do.
    yields_moisture : dict, optional
        The moisture the tables' yields are at (``yieldtrial network`` on yields: keys
        ``table_pct``, the values of their ``standard_moisture_pct`` column;
        ``standard_pct``, ``standard_given``, ``crop`` of the settings; ``method``): the
        methods state it, as the single-trial report's do for a yields table.
    treatment_header : str, optional
        The header the user wrote for the treatment column (``yieldtrial network``: a
        ``variety`` or 品种 header read as ``treatment``); default the column's name.  A
        Chinese report heads the column 品种 for a variety header (variety, cultivar,
        genotype, entry, hybrid, 品种, 品种名称, 参试品种), else 处理, as the single-trial
        report says 处理 for its treatments.

    Returns
    -------
    Report
        Sections ``header`` (facts), ``treatments`` (the yield table: layout G, one
        column per site, or one row per site beyond :data:`WIDE_SITES` sites),
        ``sites`` (per-site data quality; excluded sites marked), ``combined`` (the
        across-site model), ``summary`` (each treatment against the check: across-site
        mean, ± % of the check, rank, difference with its simultaneous interval, Dunnett
        P, sites above / below, win rate with its Wilson interval, non-inferiority),
        ``response`` (gain vs the site's yield level), ``stability`` (when given),
        ``conclusions`` (hedged statements), ``methods`` and ``notes``.
    """
    from yieldtrial.network._summary import in_given_order
    from yieldtrial.report.i18n import check_lang, t

    lang = check_lang(lang)
    results = result.to_dict()  # the JSON keeps the order of the trial keys
    result = in_given_order(result)  # the sites in the order the user gave them
    s = result._summary()
    style = REPORT_NUMBER_STYLE  # the tables of every report (thousands from 1,000)
    sites = [str(site) for site in s.means.index]
    control = s.control
    opts = result.options
    counts = dict(result.counts)
    if left_out:  # sites the reader left out are trials of the network too
        counts["failed"] = counts.get("failed", 0) + len(left_out)
    if response is None:
        response = _default_response(result)
    head = _treatment_column_head(treatment_header or str(opts.get("treatment") or ""), lang)
    facts = [
        (
            t("network.fact.trials", lang),
            f"{fmt_count(len(result.per_trial) + len(left_out))}{' (' if lang == 'en' else '（'}"
            + ("，" if lang == "zh" else ", ").join(
                f"{_status(k, lang)} {fmt_count(v)}" for k, v in sorted(counts.items())
            )
            + (")" if lang == "en" else "）"),
        ),
        (t("network.fact.response", lang), _response_label(str(opts["response"]), lang)),
        (t("network.fact.design", lang), _design(str(opts["design"]), lang)),
        (t("network.fact.check", lang), str(control) if control else t("network.none", lang)),
        *(
            [(t("network.fact.other_checks", lang), join_list(others, lang))]
            if (others := [str(c) for c in opts.get("controls") or []][1:])
            else []
        ),
        (t("network.fact.model", lang), _method(s.method, s.site_effects, lang)),
        (t("network.fact.p_treatment", lang), _p(s.p_treatment) or "–"),
        (t("network.fact.p_interaction", lang), _p(s.p_treatment_by_site) or "–"),
        (t("network.fact.alpha", lang), fixed(float(opts["alpha"]), 2)),
        (t("network.fact.version", lang), result.provenance.version),
    ]
    facts = [(str(k), str(v)) for k, v in (metadata or {}).items()] + facts
    header: list[Any] = [KeyValues(facts)]
    if synthetic:
        header.append(Paragraph(t("network.synthetic", lang), "warning"))
    sections = [Section("header", t("network.section.header", lang), header)]
    layout: list[Paragraph | Table]
    # without a replicated site there are no letters: the notes must not promise them
    suffix = "" if _has_letters(s.letters) else "_unreplicated"
    if len(sites) <= WIDE_SITES:
        layout = [
            Paragraph(t(f"network.layout_g.note{suffix}", lang)),
            _treatment_table(result, sites, style, lang, head),
        ]
    else:
        layout = [
            Paragraph(t(f"network.layout_by_site.note{suffix}", lang, n=WIDE_SITES)),
            _site_means_table(result, style, lang),
        ]
    strip: list[Paragraph | Table] = [_site_table(result, lang, left_out)]
    companions = _summarise_sites(result, layout, strip, lang)
    sections.append(Section("treatments", t("network.section.treatments", lang), list(layout)))
    sections.append(Section("sites", t("network.section.sites", lang), list(strip)))
    anova = _combined_table(result, lang)
    sections.append(
        Section(
            "combined",
            t("network.section.combined", lang),
            [anova if anova else Paragraph(t("network.not_fitted", lang))],
        )
    )
    summary_table = _summary_table(result, lang, head)
    u = _unit_suffix(result, lang)
    if summary_table is not None:
        sections.append(Section("summary", t("network.section.summary", lang), [summary_table]))
    other_checks = _other_checks_table(result, lang, head)
    if other_checks is not None:
        sections.append(
            Section("other_checks", t("network.section.other_checks", lang), [other_checks])
        )
    if response is not None and len(response):
        sections.append(
            Section(
                "response",
                t("network.section.response", lang),
                [_response_table(response, lang, u, head)],
            )
        )
    if stability is not None:
        sections.append(
            Section(
                "stability",
                t("network.section.stability", lang),
                [_stability_table(stability, lang, u, head)],
            )
        )
    conclusions = _conclusions(result, response, lang)
    if conclusions and synthetic:
        conclusions.append(t("network.synthetic", lang))
    if conclusions:
        sections.append(
            Section("conclusions", t("network.section.conclusions", lang), [Bullets(conclusions)])
        )
    sections.append(
        Section(
            "methods",
            t("network.section.methods", lang),
            _methods(result, lang, stability is not None, response is not None)
            + _standardized_methods(standardized, lang)
            + _yields_moisture_methods(yields_moisture, lang),
        )
    )
    notes = list(s.notes) + list(notes or []) + ([] if stability is None else list(stability.notes))
    if notes:
        # the library's notes are clauses ("pooled error of ..."): bullets read as sentences
        shown = [full_stop(capitalized(network_note(str(n), lang))) for n in notes]
        sections.append(Section("notes", t("network.section.notes", lang), [Bullets(shown)]))
    date = report_date_text(report_date)
    meta = {
        "kind": "network",
        "yieldtrial_version": result.provenance.version,
        "report_date": date,
        "options": {str(k): v for k, v in opts.items()},
    }
    if response is not None:
        from yieldtrial.report.model import records

        results["environment_response"] = records(response)
    if stability is not None:
        results["stability"] = stability.to_dict()
    if title:
        from yieldtrial.io.validation import clean_text

        title = clean_text(title).strip()  # control characters: not XML (DOCX, XLSX), not text
    report = Report(
        title=title or t("network.title", lang),
        lang=lang,
        sections=sections,
        metadata=meta,
        results=results,
        number_style=style,
        companions=companions,
    )
    if lang == "zh":
        from yieldtrial.report.i18n import localize_units

        localize_units(report)
        _localize_companions(report)
    return report


def network_metadata(config: Any, lang: str = "en") -> dict[str, str]:
    """Header facts of a network report from its trial description, in ``lang``.

    Parameters
    ----------
    config : TrialConfig
        The network's ``trial.toml``; a Chinese report takes the title and season
        from its ``[zh]`` table when given and writes the crop in Chinese.
    lang : {"en", "zh"}
        Report language.

    Returns
    -------
    dict
        Label -> value (title, crop, season; only those given).

    Examples
    --------
    >>> from yieldtrial.config import TrialConfig
    >>> network_metadata(TrialConfig(crop="wheat", zh={"title": "示范"}, title="Demo"), "zh")
    {'名称': '示范', '作物': '小麦'}
    """
    from yieldtrial.report.i18n import CROPS_ZH, check_lang, t

    lang = check_lang(lang)
    zh = dict(getattr(config, "zh", None) or {}) if lang == "zh" else {}
    facts: dict[str, str] = {}
    for key in ("title", "crop", "season"):
        value = getattr(config, key, None)
        if not value:
            continue
        text = str(zh.get(key, value))
        if key == "crop" and lang == "zh":
            text = CROPS_ZH.get(text.strip().lower(), text)
        facts[t(f"header.{key}", lang)] = text
    return facts


def synthetic_data(plots: pd.DataFrame) -> bool:
    """Whether every plot of a network is simulated (``data_status`` ``synthetic``).

    Examples
    --------
    >>> synthetic_data(pd.DataFrame({"data_status": ["synthetic", "Synthetic"]}))
    True
    >>> synthetic_data(pd.DataFrame({"yield_kg_ha": [1.0]}))
    False
    """
    if "data_status" not in plots.columns or not len(plots):
        return False
    return bool(plots["data_status"].astype(str).str.strip().str.lower().eq("synthetic").all())


def _unit_suffix(result: NetworkResult, lang: str) -> str:
    """`` (kg/ha)`` / ``（kg/ha）`` for a yield response, else ``""``: the unit in a header.

    The yield columns of the network tables (means, differences, their intervals, gains) are
    in the unit of the analysed response, as in every single-trial table.
    """
    from yieldtrial.stats.inference import unit_suffix

    response = str(result.options["response"])
    unit = unit_suffix(response).lstrip("_").replace("_", "/")
    if not response.startswith("yield") or not unit:
        return ""
    return f"（{unit}）" if lang == "zh" else f" ({unit})"


def _response_label(response: str, lang: str) -> str:
    """``yield_kg_mu`` -> "Yield (kg/mu)" / "产量（kg/亩）"; other columns as named."""
    from yieldtrial.report.i18n import t, unit_label
    from yieldtrial.stats.inference import unit_suffix

    unit = unit_suffix(response).lstrip("_").replace("_", "/")
    if not response.startswith("yield") or not unit:
        return response
    return t("axis.yield", lang, unit=unit_label(unit, lang))


def _default_response(result: NetworkResult) -> Any:
    """Gain vs the site's level for a network with a check and at least 3 sites, else None."""
    s = result._summary()
    if s.control is None or len(s.means.index) < 3:
        return None
    from yieldtrial.network.response import environment_response

    return environment_response(result, confidence=1.0 - float(result.options["alpha"]))


def _method(method: str, site_effects: str, lang: str) -> str:
    from yieldtrial.report.i18n import STRINGS, t

    base, plus, extra = method.partition(" + ")
    key = f"network.method.{base}"
    shown = t(key, lang) if key in STRINGS else base
    if base.startswith(("combined", "two-stage (site")):
        # "; sites random", not a bare "; random" (random what?)
        shown += ("；" if lang == "zh" else "; ") + t(f"network.fact.effects.{site_effects}", lang)
    if extra == "MixedLM":  # combined="mixedlm": the alternative model, named in Chinese too
        extra = t("network.method.extra_mixedlm", lang)
    return shown + (plus + extra if plus else "")


def _design(design: str, lang: str) -> str:
    """Design of the sites: "CRD", "RCBD" in English; the design's name in Chinese."""
    from yieldtrial.report._format import design_label

    return design_label(design, True, lang) if lang == "zh" else design.upper()


def _source(source: str, lang: str) -> str:
    from yieldtrial.report.i18n import STRINGS, t

    key = f"network.source.{source}"
    return t(key, lang) if key in STRINGS else source


def _status(status: str, lang: str) -> str:
    from yieldtrial.report.i18n import STRINGS, t

    key = f"network.status.{status}"
    return t(key, lang) if key in STRINGS else str(status)


def _methods(result: NetworkResult, lang: str, stability: bool, response: bool) -> list[Any]:
    from yieldtrial.report.i18n import t

    s = result._summary()
    opts = result.options
    pct = f"{100 * (1 - float(opts['alpha'])):g}"
    check = str(s.control) if s.control else t("network.none", lang)
    # a network of unreplicated sites had "Dunnett's test ... on the site's own error":
    # such a site has no error and no test
    replicated = bool((result.per_trial["status"] == "ok").any())
    key = "network.methods.sites" if replicated else "network.methods.sites_unreplicated"
    if replicated and not s.control:  # "Dunnett's test against none": no check, no test
        key = "network.methods.sites_no_check"
    blocks: list[Any] = [
        Paragraph(t(key, lang, design=_design(str(opts["design"]), lang), check=check))
    ]
    if s.method.startswith("RCBD, sites as blocks"):
        model = t("network.model.pooled", lang)
    elif s.method.startswith("combined ANOVA"):
        model = t(
            "network.model.balanced", lang, effects=t(f"network.effects.{s.site_effects}", lang)
        )
    elif s.method.startswith("two-stage (weighted"):
        model = t("network.model.weighted", lang)
    elif s.method.startswith("two-stage"):
        model = t("network.model.two_stage", lang)
    else:
        model = s.method
    prov = s.provenance
    if prov is not None:
        error = t(
            "network.error.treatment_site"
            if str(prov.error_term).startswith("treatment:site")
            else "network.error.residual",
            lang,
        )
        blocks.append(
            Paragraph(
                t(
                    "network.methods.model",
                    lang,
                    model=model,
                    error=error,
                    df=fmt_count(prov.df_error),
                )
            )
        )
    if s.control is not None:
        blocks.append(
            Paragraph(
                t("network.methods.comparisons", lang, pct=pct, alpha=f"{float(opts['alpha']):g}")
            )
        )
    if response:
        blocks.append(Paragraph(t("network.methods.response", lang, pct=pct)))
    if stability:
        blocks.append(Paragraph(t("network.methods.stability", lang)))
    return blocks


def _treatment_column_head(header: str, lang: str) -> str:
    """Return the header of the network report's treatment column.

    Parameters
    ----------
    header : str
        The header the user wrote for the treatment column (or the column's name).
    lang : {"en", "zh"}
        Report language.

    Returns
    -------
    str
        English: "Treatment".  Chinese: 品种 for a variety header
        (:data:`yieldtrial.io.headers.VARIETY_HEADERS`, matched as headers are read; it
        said 品种（处理） for every network, loose57), else 处理.

    Examples
    --------
    >>> _treatment_column_head("variety", "zh"), _treatment_column_head("treatment", "zh")
    ('品种', '处理')
    >>> _treatment_column_head("Variety", "en")
    'Treatment'
    """
    from yieldtrial.io.headers import VARIETY_HEADERS, normalise_header
    from yieldtrial.report.i18n import t

    if lang == "zh" and normalise_header(header) in VARIETY_HEADERS:
        return t("network.col.variety", lang)
    return t("network.col.treatment", lang)


def _summary_table(result: NetworkResult, lang: str, head: str | None = None) -> Table | None:
    """Return the across-site summary table against the check (``summary.control``), or None.

    ``head`` is the treatment column's header (:func:`_treatment_column_head`).
    """
    from yieldtrial.report.i18n import t

    s = result._summary()
    control = s.control
    if control is None:
        return None
    pct = f"{100 * (1 - float(result.options['alpha'])):g}"
    margin = result.options.get("margin_pct")
    u = _unit_suffix(result, lang)
    ci = t("network.group.ci", lang, pct=pct) + u
    win_ci = t("network.group.win_ci", lang, pct=pct)
    columns = [
        Column("treatment", head or t("network.col.treatment", lang), "text"),
        Column("across_site_mean", t("network.col.across_site_mean", lang) + u, "number", 1),
        Column("vs_check_pct", t("network.col.vs_check_pct", lang), "signed", 1),
        Column("rank", t("network.col.rank", lang), "int"),
        Column("difference", t("network.col.difference", lang) + u, "signed", 1),
        Column("ci_low", t("network.col.ci_low", lang), "number", 1, group=ci),
        Column("ci_high", t("network.col.ci_high", lang), "number", 1, group=ci),
        Column("p_dunnett", t("network.col.p_dunnett", lang), "pvalue"),
        Column("sites_above", t("network.col.sites_above", lang), "int"),
        Column("sites_below", t("network.col.sites_below", lang), "int"),
        Column("win_rate_pct", t("network.col.win_rate", lang), "number", WIN_RATE_DIGITS),
        Column("win_low", t("network.col.ci_low", lang), "number", WIN_RATE_DIGITS, group=win_ci),
        Column("win_high", t("network.col.ci_high", lang), "number", WIN_RATE_DIGITS, group=win_ci),
    ]
    if margin is not None:
        columns.append(
            Column(
                "noninferior",
                t("network.col.noninferior", lang, margin=message_number(margin)),
                "text",
            )
        )
    tr = s.treatments
    order = tr["across_site_mean"].rank(ascending=False, method="min")
    rows = []
    for i, r in enumerate(tr.itertuples(index=False)):
        is_check = str(r.treatment) == str(control)
        row: dict[str, Any] = {
            "treatment": str(r.treatment) + (t("network.check_suffix", lang) if is_check else ""),
            "across_site_mean": _num(r.across_site_mean),
            "vs_check_pct": None if is_check else _num(_f(r.pct_of_check) - 100.0),
            "rank": _num(order.iloc[i]),
            "difference": None if is_check else _num(r.difference),
            "ci_low": None if is_check else _num(r.ci_low),
            "ci_high": None if is_check else _num(r.ci_high),
            "p_dunnett": None if is_check else _num(r.p_dunnett),
            "sites_above": None if is_check else _num(r.sites_above),
            "sites_below": None if is_check else _num(r.sites_below),
            "win_rate_pct": None if is_check else _num(r.win_rate_pct),
            "win_low": None if is_check else _num(r.win_rate_ci_low_pct),
            "win_high": None if is_check else _num(r.win_rate_ci_high_pct),
        }
        if margin is not None:
            ni = r.noninferior
            row["noninferior"] = (
                "" if is_check or ni is pd.NA or ni is None
                else t("network.yes" if bool(ni) else "network.no", lang)
            )  # fmt: skip
        rows.append(row)
    return Table("across_sites", columns, rows, t("network.caption.summary", lang))


def _other_checks_table(result: NetworkResult, lang: str, head: str | None = None) -> Table | None:
    """Return each treatment against each check after the first (``summary.comparisons``).

    The first check's comparisons are the summary table's (its family holds every other
    level, the other checks included, as in the per-trial tables); this table gives the
    comparisons with the further checks, which the report left out before stop 41 (the
    synergist T against the reduced rate CK2 of the farm network).  Each check's family is
    the treatments that are not checks (``compare_means_to_control`` with several controls).
    """
    from yieldtrial.report.i18n import t

    s = result._summary()
    others = [str(c) for c in result.options.get("controls") or []][1:]
    table = s.comparisons
    if not others or table is None or not len(table):
        return None
    table = table[isin(table["control"].astype(str), others)]
    if not len(table):
        return None
    # "_kg_mu" of a yield_<unit> response; "" of a unitless one ("yield": difference, ci_low)
    suffix = next(
        (
            c.removeprefix("difference")
            for c in table.columns
            if str(c).startswith("difference_") and str(c) != "difference_pct"
        ),
        "",
    )
    pct = f"{100 * (1 - float(result.options['alpha'])):g}"
    margin = result.options.get("margin_pct")
    u = _unit_suffix(result, lang)
    ci = t("network.group.ci", lang, pct=pct) + u
    columns = [
        Column("treatment", head or t("network.col.treatment", lang), "text"),
        Column("control", t("network.fact.check", lang), "text"),
        Column("difference", t("network.col.difference", lang) + u, "signed", 1),
        Column("vs_check_pct", t("network.col.vs_check_pct", lang), "signed", 1),
        Column("ci_low", t("network.col.ci_low", lang), "number", 1, group=ci),
        Column("ci_high", t("network.col.ci_high", lang), "number", 1, group=ci),
        Column("p_dunnett", t("network.col.p_dunnett", lang), "pvalue"),
    ]
    if margin is not None:
        columns.append(
            Column(
                "noninferior",
                t("network.col.noninferior", lang, margin=message_number(margin)),
                "text",
            )
        )
    rows = []
    for r in table.to_dict("records"):
        row: dict[str, Any] = {
            "treatment": str(r["treatment"]),
            "control": str(r["control"]),
            "difference": _num(r[f"difference{suffix}"]),
            "vs_check_pct": _num(r["difference_pct"]),
            "ci_low": _num(r[f"ci_low{suffix}"]),
            "ci_high": _num(r[f"ci_high{suffix}"]),
            "p_dunnett": _num(r["p_value_adjusted"]),
        }
        if margin is not None:
            ni = r.get("noninferior")
            row["noninferior"] = (
                "" if ni is pd.NA or ni is None
                else t("network.yes" if bool(ni) else "network.no", lang)
            )  # fmt: skip
        rows.append(row)
    caption = t("network.caption.other_checks", lang, checks=join_list(others, lang))
    return Table("other_checks", columns, rows, caption)


def _response_table(response: Any, lang: str, unit: str = "", head: str | None = None) -> Table:
    """Return the gain over the check against the site's yield level (``unit``: a suffix)."""
    from yieldtrial.report.i18n import t

    pct = f"{100 * float(response['confidence'].iloc[0]):g}"
    ci = t("network.group.ci", lang, pct=pct).replace(
        "simultaneous " if lang == "en" else "联合", ""
    )
    columns = [
        Column("treatment", head or t("network.col.treatment", lang), "text"),
        Column("index", t("network.col.index", lang), "text"),
        Column("n_sites", t("network.col.sites_compared", lang), "int"),
        Column("slope", t("network.col.slope", lang), "number", 3),
        Column("slope_ci_low", t("network.col.ci_low", lang), "number", 3, group=ci),
        Column("slope_ci_high", t("network.col.ci_high", lang), "number", 3, group=ci),
        Column("p_value", "P", "pvalue"),
        Column("gain_at_x_min", t("network.col.gain_low", lang) + unit, "signed", 1),
        Column("gain_at_x_max", t("network.col.gain_high", lang) + unit, "signed", 1),
    ]
    rows = [
        {
            "treatment": str(r.treatment),
            "index": t(f"network.index.{r.on}", lang),
            "n_sites": _num(r.n_sites),
            "slope": _num(r.slope),
            "slope_ci_low": _num(r.slope_ci_low),
            "slope_ci_high": _num(r.slope_ci_high),
            "p_value": _num(r.p_value),
            "gain_at_x_min": _num(r.gain_at_x_min),
            "gain_at_x_max": _num(r.gain_at_x_max),
        }
        for r in response.itertuples(index=False)
    ]
    return Table(
        "environment_response", columns, rows, t("network.caption.environment_response", lang)
    )


def _stability_table(stability: Any, lang: str, unit: str = "", head: str | None = None) -> Table:
    """Return the stability statistics per treatment; ``unit`` is a yield header's suffix.

    The unit of the mean goes in a note, not in its header: the eleven columns of the zh
    table fill a portrait page, and "平均产量（kg/亩）" split the table in two.
    """
    from yieldtrial.report.i18n import t

    columns = [
        Column("treatment", head or t("network.col.treatment", lang), "text"),
        Column("mean", t("network.col.mean", lang), "number", 1),
        Column("vs_check_pct", t("network.col.vs_check_pct", lang), "signed", 1),
        Column("rank", t("network.col.rank", lang), "int"),
        Column("b", t("network.col.b", lang), "number", 3),
        Column("s2d", t("network.col.s2d", lang), "number", 1),
        Column("shukla_sigma2", t("network.col.shukla", lang), "number", 1),
        Column("wricke_w2_pct", t("network.col.wricke", lang), "number", 1),
        Column("asv", t("network.col.asv", lang), "number", 2),
        Column("hsc", t("network.col.hsc", lang), "number", 1),
        Column("annicchiarico_index", t("network.col.annicchiarico", lang), "number", 1),
    ]
    check = stability.options.get("control")
    rows = [
        {
            "treatment": str(r.treatment)
            + (t("network.check_suffix", lang) if str(r.treatment) == str(check) else ""),
            "mean": _num(r.mean),
            "vs_check_pct": None
            if str(r.treatment) == str(check)
            else _num(_f(r.pct_of_control) - 100.0),
            "rank": _num(r.rank),
            "b": _num(r.b),
            "s2d": _num(r.s2d),
            "shukla_sigma2": _num(r.shukla_sigma2),
            "wricke_w2_pct": _num(r.wricke_w2_pct),
            "asv": _num(r.asv),
            "hsc": _num(r.hsc),
            "annicchiarico_index": _num(r.annicchiarico_index),
        }
        for r in stability.table.itertuples(index=False)
    ]
    notes = [t("network.note.mean_unit", lang, unit=unit.strip(" （）()"))] if unit else []
    return Table("stability", columns, rows, t("network.caption.stability", lang), notes=notes)


def _conclusions(result: NetworkResult, response: Any, lang: str) -> list[str]:
    """Hedged statements: each treatment against the check, win rate, NI, rule, slope."""
    from yieldtrial.report.i18n import t
    from yieldtrial.stats.inference import unit_suffix

    s = result._summary()
    control = s.control
    if control is None or s.treatments.empty:
        return []
    alpha = float(result.options["alpha"])
    pct = f"{100 * (1 - alpha):g}"
    unit = unit_suffix(str(result.options["response"])).lstrip("_").replace("_", "/") or ""
    margin = result.options.get("margin_pct")
    out: list[str] = []
    included = s.sites[s.sites["included"]]
    unreplicated = bool(len(included)) and bool((included["status"] == "unreplicated").all())
    for r in s.treatments.itertuples(index=False):
        name = str(r.treatment)
        if name == str(control) or not math.isfinite(_f(r.difference)):
            continue
        values = {
            "treatment": name,
            "check": str(control),
            "n": fmt_count(_f(r.sites_compared)),
            "unit": unit,
            "ci": pct,
        }
        p = _f(r.p_dunnett)
        diff = _f(r.difference)
        if math.isfinite(p):
            key = (
                "network.conclusion.ns"
                if p >= alpha
                else "network.conclusion.gain"
                if diff > 0
                else "network.conclusion.loss"
            )
            shown = abs(diff) if key != "network.conclusion.ns" else diff
            out.append(
                t(
                    key,
                    lang,
                    diff=fmt_number(shown, 1, sign=key == "network.conclusion.ns"),
                    pct=fixed(_f(r.pct_of_check) - 100, 1, sign=True),
                    low=fmt_number(_f(r.ci_low), 1),
                    high=fmt_number(_f(r.ci_high), 1),
                    p=_p(p),
                    **values,
                )
            )
        if _f(r.sites_compared) > 0:
            low, high = _f(r.win_rate_ci_low_pct), _f(r.win_rate_ci_high_pct)
            out.append(
                t(
                    "network.conclusion.win",
                    lang,
                    above=fmt_count(_f(r.sites_above)),
                    rate=fixed(_f(r.win_rate_pct), WIN_RATE_DIGITS),
                    low=fixed(low, WIN_RATE_DIGITS),
                    high=fixed(high, WIN_RATE_DIGITS),
                    **values,
                )
            )
            if low <= 50.0 <= high:
                out.append(t("network.conclusion.win_uncertain", lang, treatment=name))
        if margin is not None and r.noninferior is not pd.NA:
            key = (
                "network.conclusion.noninferior"
                if bool(r.noninferior)
                else "network.conclusion.not_noninferior"
            )
            out.append(
                t(
                    key,
                    lang,
                    treatment=name,
                    check=str(control),
                    margin=message_number(margin),
                    bound=fixed(_f(r.noninferiority_ci_low_pct), 1, sign=True),
                )
            )
        if r.meets_two_thirds_rule is not pd.NA:
            verdict = (
                "network.rule.met" if bool(r.meets_two_thirds_rule) else "network.rule.not_met"
            )
            out.append(
                t(
                    "network.conclusion.rule",
                    lang,
                    treatment=name,
                    gains=fmt_count(_f(r.sites_significant_gain)),
                    n=fmt_count(_f(r.sites_replicated)),
                    verdict=t(verdict, lang),
                )
            )
    if response is not None:
        # one slope per treatment is tested: with 7 treatments and no response to the site
        # level at all, some P < 0.05 turns up in about 30 % of networks; a slope that is
        # not significant after Holm's adjustment is reported with that hedge
        raw = [_f(v) for v in response["p_value"]]
        held = _holm(raw)
        tested = sum(math.isfinite(v) for v in raw)
        for r, p, p_holm in zip(response.itertuples(index=False), raw, held, strict=True):
            if math.isfinite(p) and p < alpha:
                key = (
                    "network.conclusion.slope_down"
                    if r.slope < 0
                    else "network.conclusion.slope_up"
                )
                chance = tested > 1 and not p_holm < alpha
                out.append(
                    t(
                        key + ("_chance" if chance else ""),
                        lang,
                        treatment=str(r.treatment),
                        check=str(control),
                        slope=fixed(r.slope, 3, sign=True),
                        low=fixed(r.slope_ci_low, 3, sign=True),
                        high=fixed(r.slope_ci_high, 3, sign=True),
                        p=_p(p),
                        n=tested,
                        p_adj=_p(p_holm),
                    )
                )
    if math.isfinite(_f(s.p_treatment_by_site)) and _f(s.p_treatment_by_site) < alpha:
        out.append(t("network.conclusion.interaction", lang, p=_p(s.p_treatment_by_site)))
    if unreplicated:
        out.append(t("network.conclusion.unreplicated", lang))
        out.append(t("network.conclusion.rule_na", lang))
    out.append(t("network.conclusion.synthetic", lang))
    return out


def _treatment_table(
    result: NetworkResult,
    sites: list[str],
    style: NumberStyle,
    lang: str = "en",
    head: str | None = None,
) -> Table:
    from yieldtrial.report.i18n import t

    s = result._summary()
    control = s.control
    # sites without letters (unreplicated): the means are numbers, right-aligned
    kind: ColumnKind = "text" if _has_letters(s.letters) else "number"
    columns = [Column("treatment", head or t("network.col.treatment", lang), "text")]
    columns += [Column(f"site:{site}", site, kind, 1) for site in sites]
    columns += [
        Column(
            "across_site_mean",
            t("network.col.across_site_mean", lang) + _unit_suffix(result, lang),
            "number",
            1,
        ),
        Column("pct_of_check", t("network.col.pct_of_check", lang), "number", 1),
        Column("sites_above", t("network.col.sites_above", lang), "int"),
        Column("sites_below", t("network.col.sites_below", lang), "int"),
        Column(
            "win_rate_pct", t("network.col.win_rate", lang), "number", WIN_RATE_DIGITS
        ),  # as in the table against the check
        Column("p_dunnett", t("network.col.p_dunnett", lang), "pvalue"),
    ]
    tr = s.treatments.set_index("treatment")
    rows = []
    for treatment in s.means.columns:
        is_check = treatment == control
        row: dict[str, Any] = {
            "treatment": str(treatment) + (t("network.check_suffix", lang) if is_check else "")
        }
        for site, label in zip(s.means.index, sites, strict=True):
            mean = _num(s.means.loc[site, treatment])
            letter = s.letters.loc[site, treatment]
            shown = letter if isinstance(letter, str) else ""
            cell = "" if mean is None else f"{style.number(mean, 1)} {shown}".strip()
            row[f"site:{label}"] = cell if kind == "text" else mean
        r = tr.loc[[treatment]].to_dict("records")[0]  # a mixed row Series warned (pandas 2.0)
        versus_check = not is_check and control is not None
        row["across_site_mean"] = _num(r["across_site_mean"])
        row["pct_of_check"] = _num(r["pct_of_check"])
        row["sites_above"] = _num(r["sites_above"]) if versus_check else None
        row["sites_below"] = _num(r["sites_below"]) if versus_check else None
        row["win_rate_pct"] = _num(r["win_rate_pct"]) if versus_check else None
        row["p_dunnett"] = None if is_check else _num(r["p_dunnett"])
        rows.append(row)
    return Table("layout_g", columns, rows, t("network.caption.layout_g", lang))


def _site_means_table(result: NetworkResult, style: NumberStyle, lang: str) -> Table:
    """One row per site: each treatment's LS-mean with its letters (many-site networks)."""
    from yieldtrial.report.i18n import t

    s = result._summary()
    control = s.control
    treatments = [str(c) for c in s.means.columns]
    kind: ColumnKind = "text" if _has_letters(s.letters) else "number"
    columns = [Column("site", t("network.col.site", lang), "text")]
    columns += [
        Column(
            f"trt:{name}",
            name + (t("network.check_suffix", lang) if name == control else ""),
            kind,
            1,
        )
        for name in treatments
    ]
    if control is not None:
        # one "vs check %" group over columns named by treatment: a header "V1 vs check %"
        # per column kept each one wide (never wrapped) and squeezed the LS-means apart
        # from their letters on an A4 page (30 sites x 8 varieties)
        pct = t("network.col.vs_check_pct", lang)
        columns += [
            Column(f"pct:{name}", name, "signed", 1, group=pct)
            for name in treatments
            if name != control
        ]
    rows = []
    for site in s.means.index:
        row: dict[str, Any] = {"site": str(site)}
        check = _f(s.means.loc[site, control]) if control is not None else float("nan")
        for name in treatments:
            mean = _num(s.means.loc[site, name])
            letter = s.letters.loc[site, name]
            shown = letter if isinstance(letter, str) else ""
            text = "–" if mean is None else f"{style.number(mean, 1)} {shown}".strip()
            row[f"trt:{name}"] = text if kind == "text" else mean
            if control is not None and name != control:
                value = _f(s.means.loc[site, name])
                row[f"pct:{name}"] = _num(100.0 * (value - check) / check) if check > 0 else None
        rows.append(row)
    return Table("site_means", columns, rows, t("network.caption.site_means", lang))


def _summarise_sites(
    result: NetworkResult,
    layout: list[Paragraph | Table],
    strip: list[Paragraph | Table],
    lang: str,
) -> list[Companion]:
    """Summarise the per-site tables of a network of more sites than the report lists.

    Above :data:`yieldtrial.report.entries.ENTRY_TABLE_LIMIT` sites (2,000 farms) the two
    tables of one row per site listed every farm twice, over dozens of pages.  The yield
    table then shows the :data:`SITE_TABLE_ENDS` sites with the highest and the lowest site
    mean (the mean of the site's treatment yields, the site index of the response section),
    and the site strip the sites that need a look (left out or failed, a CV flag, missing
    plots; at most the limit); a paragraph above each says how many sites there are, what
    is shown and where the complete table is.  ``layout`` and ``strip`` (the blocks of the
    two sections) are edited in place.

    Returns
    -------
    list of Companion
        The complete tables (written next to an HTML, Markdown or Word report as CSV
        files, in the Excel report instead of the summaries); empty at or below the limit.
    """
    from yieldtrial.report.entries import entry_table_limits

    limit = entry_table_limits()[0]
    site_table = next(b for b in strip if isinstance(b, Table))
    n_sites = len(site_table.rows)
    if n_sites <= limit:
        return []
    companions = []
    means_table = next((b for b in layout if isinstance(b, Table) and b.key == "site_means"), None)
    if means_table is not None:
        level = result._summary().means.astype(float).mean(axis=1)
        ranked = [str(v) for v in level.dropna().sort_values(ascending=False, kind="stable").index]
        ends = max(SITE_TABLE_ENDS, 0)
        top, bottom = ranked[:ends], ranked[max(len(ranked) - ends, ends) :]
        order = {site: i for i, site in enumerate(top + bottom)}
        rows = sorted(
            (row for row in means_table.rows if str(row["site"]) in order),
            key=lambda row: order[str(row["site"])],
        )

        def means_note(file: str | None, n: int = len(means_table.rows)) -> str:
            return _listing_note(
                "network.listing.means", lang, n=n, limit=limit, top=len(top),
                bottom=len(bottom), file=file, json="summary.means",
            )  # fmt: skip

        companions.append(_summarised(layout, means_table, rows, [], means_note))
    flagged = _sites_to_look_at(result, site_table)
    shown = flagged[:limit]
    rows = [_remark(result, site_table.rows[i], lang) for i in shown]
    styles = [site_table.row_styles[i] for i in shown] if site_table.row_styles else []
    key = "network.listing.sites" if len(shown) == len(flagged) else "network.listing.sites_capped"
    if not flagged:  # no table of no rows: the note says so (the Excel report has every site)
        key = "network.listing.sites_none"

    def sites_note(file: str | None) -> str:
        return _listing_note(
            key, lang, n=n_sites, limit=limit, shown=len(shown), flagged=len(flagged),
            ok=n_sites - len(flagged), file=file, json="summary.sites, left_out",
        )  # fmt: skip

    companions.append(_summarised(strip, site_table, rows, styles, sites_note))
    if not rows:
        strip.pop()
    return companions


def _sites_to_look_at(result: NetworkResult, site_table: Table) -> list[int]:
    """Return the rows of the site strip that need a look, most urgent first.

    Left out or failed, then CV flag strong, CV flag warn, missing plots, a treatment
    without a yield (a farm that could not harvest one strip; each in table order).
    """
    s = result._summary()
    flags = [str(v) for v in s.sites["cv_flag"]] if "cv_flag" in s.sites else []
    gaps = {str(site) for site in s.means.index[s.means.isna().any(axis=1).to_numpy()]}
    priority = []
    for i, row in enumerate(site_table.rows):
        flag = flags[i] if i < len(flags) else "na"
        if site_table.row_styles and site_table.row_styles[i] == "excluded":
            priority.append((0, i))
        elif flag == "strong":
            priority.append((1, i))
        elif flag == "warn":
            priority.append((2, i))
        elif (_num(row.get("n_missing")) or 0) > 0:
            priority.append((3, i))
        elif str(row.get("site")) in gaps:
            priority.append((4, i))
    return [i for _, i in sorted(priority)]


def _remark(result: NetworkResult, row: dict[str, Any], lang: str) -> dict[str, Any]:
    """Return the row of a listed site; one lacking a treatment's yield says which.

    Such a site is included (its other treatments count) and its other columns look like
    any other site's: without the remark the reader could not tell why it is listed.
    """
    from yieldtrial.report.i18n import t

    means = result._summary().means
    site = str(row.get("site"))
    if row.get("reason") or site not in set(means.index.astype(str)):
        return row
    values = means.loc[means.index.astype(str) == site].iloc[0]
    lacking = [str(name) for name, value in values.items() if pd.isna(value)]
    if not lacking:
        return row
    sep = "、" if lang == "zh" else ", "
    return {**row, "reason": t("network.reason.no_yield", lang, treatments=sep.join(lacking))}


def _listing_note(key: str, lang: str, *, file: str | None, json: str, **values: int) -> str:
    """Return the paragraph above a summarised per-site table: how many, what, where."""
    from yieldtrial.report.i18n import t

    counts = {name: fmt_count(value) for name, value in values.items()}
    keys = f" ({json})" if lang == "en" else ""
    n = counts["n"]
    where = (
        t("network.listing.where_reports", lang, n=n, json=keys)
        if file is None
        else t("network.listing.where_file", lang, n=n, file=file, json=keys)
    )
    return t(key, lang, **counts) + where


def _summarised(
    blocks: list[Paragraph | Table],
    table: Table,
    rows: list[dict[str, Any]],
    styles: list[str],
    note: Any,
) -> Companion:
    """Put the summary of ``table`` (``rows``) and its note in its place in ``blocks``."""
    summary = Table(
        table.key, table.columns, rows, table.caption, list(table.notes), list(table.footer),
        styles if any(styles) else [],
    )  # fmt: skip
    paragraph = Paragraph(note(None), "note")
    at = blocks.index(table)
    blocks[at : at + 1] = [paragraph, summary]
    return Companion(table.key, table, paragraph, note)


def _localize_companions(report: Report) -> None:
    """Chinese units in the complete tables' rows not shown, and their shown columns."""
    from yieldtrial.report.i18n import localize_units

    for companion in report.companions:
        summary = next(
            (
                b
                for section in report.sections
                for b in section.blocks
                if isinstance(b, Table) and b.key == companion.key
            ),
            None,
        )
        # the shown rows are the complete table's own rows (a remark makes a copy)
        listed = {id(row) for row in summary.rows} if summary is not None else set()
        full = companion.table
        rest = Table(full.key, full.columns, [r for r in full.rows if id(r) not in listed])
        localize_units(Report(title="", lang="zh", sections=[Section("rest", "", [rest])]))
        full.columns = summary.columns if summary is not None else rest.columns
        companion.note_text = _in_zh_units(companion.note_text)


def _in_zh_units(text: Callable[[str | None], str]) -> Callable[[str | None], str]:
    """Wrap a note's text function so that its units are spelled as in a Chinese report."""
    from yieldtrial.report.i18n import zh_units

    def localized(file: str | None) -> str:
        return zh_units(text(file))

    return localized


def _has_letters(letters: pd.DataFrame) -> bool:
    """Whether any site has within-site letters (replicated sites)."""
    values = letters.to_numpy(dtype=object).ravel()  # (DataFrame.map needs pandas >= 2.1)
    return any(isinstance(v, str) and bool(v.strip()) for v in values)


def _holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted P-values (Holm 1979); NaN stays NaN, others count as tests.

    Examples
    --------
    >>> [round(v, 3) for v in _holm([0.01, 0.04, 0.03, float("nan")])]
    [0.03, 0.06, 0.06, nan]
    """
    finite = sorted((v, i) for i, v in enumerate(p_values) if math.isfinite(v))
    m = len(finite)
    out = [float("nan")] * len(p_values)
    running = 0.0
    for rank, (value, i) in enumerate(finite):
        running = max(running, min(1.0, (m - rank) * value))
        out[i] = running
    return out


def _site_table(
    result: NetworkResult, lang: str = "en", left_out: Sequence[tuple[str, str]] = ()
) -> Table:
    from yieldtrial.report.i18n import t

    s = result._summary()
    columns = [
        Column("site", t("network.col.site", lang), "text"),
        Column("status", t("network.col.status", lang), "text"),
        Column("cv_pct", t("network.col.cv", lang), "number", 1),
        Column("cv_flag", t("network.col.cv_flag", lang), "text"),
        Column("mse", t("network.col.mse", lang), "number", 1),
        Column("df_error", t("network.col.df_error", lang), "int"),
        Column("n_missing", t("network.col.missing", lang), "int"),
        Column("included", t("network.col.included", lang), "text"),
        Column("reason", t("network.col.reason", lang), "text"),
    ]
    rows = []
    styles = []
    missing = _plots_missing(result)
    for site, n_missing in zip(s.sites.itertuples(index=False), missing, strict=True):
        row = {
            "site": str(site.site),
            "status": _status(str(site.status), lang),
            "cv_pct": _num(site.cv_pct),
            "cv_flag": "" if str(site.cv_flag) == "na" else cv_flag(str(site.cv_flag), lang),
            "mse": _num(site.mse),
            "df_error": _num(site.df_error),
            "n_missing": _num(n_missing),
            "included": t("network.yes" if site.included else "network.no", lang),
            "reason": "" if site.included else site_reason(str(site.reason), lang),
        }
        # an included site lacking a treatment's yield says which (a farm's missing strip)
        rows.append(_remark(result, row, lang) if site.included else row)
        styles.append("" if site.included else "excluded")
    for site_name, why in left_out:  # left out by the reader: no analysis at all
        first = str(why).split("; ")[0]
        rows.append(
            {
                "site": str(site_name),
                "status": _status("failed", lang),
                "included": t("network.no", lang),
                # the reader's message is English: the zh text points to the warning instead
                "reason": t("network.reason.invalid_records", lang)
                + (f": {first}" if lang == "en" else ""),
            }
        )
        styles.append("excluded")
    # the Reason column is left out of the page when it is empty: name it only when shown
    shows_reason = any(str(row.get("reason") or "").strip() for row in rows)
    notes = [t(f"network.sites.missing_note{'_reason' if shows_reason else ''}", lang)]
    return Table(
        "sites", columns, rows, t("network.caption.sites", lang), notes=notes, row_styles=styles
    )


def _plots_missing(result: NetworkResult) -> list[float]:
    """Return the plots the design expects at each site (strip order) without a yield.

    The engine's ``n_missing`` counts the plots of the treatments a site has: a plot
    without a yield (and, in an RCBD, a block without a treatment's plot).  A treatment of
    the network absent from a site adds the plots the design expects of it: one at an
    unreplicated site (one plot per treatment), one per block in an RCBD.  At a
    replicated site without blocks (CRD) how many plots the treatment should have had is
    not known: it is not counted, and the Reason column names the treatment.

    Examples
    --------
    The shipped 60-farm network: farm18 has no CK2 strip, so one plot is missing.

    >>> import pandas as pd
    >>> from yieldtrial.datasets import example_path
    >>> from yieldtrial.network import analyze_many
    >>> plots = pd.read_csv(example_path("farm-network"))
    >>> result = analyze_many(plots, by="site", response="yield_kg_mu",
    ...                       treatment="treatment", design="crd")
    >>> _plots_missing(result)[17]
    1.0
    """
    import numpy as np

    per_trial = result.per_trial
    expected = len(result._summary().means.columns)
    present = pd.to_numeric(per_trial["n_treatments"], errors="coerce").to_numpy(dtype=float)
    absent = np.nan_to_num(np.maximum(expected - present, 0.0))
    if str(result.options.get("design")) == "rcbd":
        per_treatment = pd.to_numeric(per_trial["n_blocks"], errors="coerce").to_numpy(float)
    else:
        unreplicated = per_trial["status"].astype(str).to_numpy() == "unreplicated"
        per_treatment = np.where(unreplicated, 1.0, np.nan)
    counted = pd.to_numeric(per_trial["n_missing"], errors="coerce").to_numpy(dtype=float)
    extra = np.nan_to_num(absent * per_treatment)
    return [float(v) for v in counted + extra]


def _combined_table(result: NetworkResult, lang: str = "en") -> Table | None:
    from yieldtrial.report.i18n import t

    s = result._summary()
    if s.anova is None or not len(s.anova):
        return None
    columns = [
        Column("source", t("network.col.source", lang), "text"),
        Column("df", t("network.col.df", lang), "int"),
        Column("sum_sq", t("network.col.sum_sq", lang), "number", 1),
        Column("mean_sq", t("network.col.mean_sq", lang), "number", 1),
        Column("f", "F", "number", 2),
        Column("p_value", "P", "pvalue"),
        Column("error_term", t("network.col.error_term", lang), "text"),
    ]
    rows = [
        {
            "source": _source(str(r.source), lang),
            "df": _num(r.df),
            "sum_sq": _num(r.sum_sq),
            "mean_sq": _num(r.mean_sq),
            "f": _num(r.f),
            "p_value": _num(r.p_value),
            "error_term": error_term(_source(str(r.error_term), lang), lang),
        }
        for r in s.anova.itertuples(index=False)
    ]
    return Table("combined", columns, rows, t("network.caption.combined", lang))


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
    refuse_folder_name(path, "network.html")
    raise DataValidationError(
        f"cannot tell the network output format from the file name {str(path)!r}; use one of "
        f"{', '.join(s for v in _formats().values() for s in v)}."
    )


#: Sites named in the methods' sentence on standardized harvest records; the rest counted.
STANDARDIZED_SITES_NAMED = 10


def _standardized_methods(info: dict[str, Any] | None, lang: str) -> list[Any]:
    """Return the methods' paragraph on the sites whose raw harvest records were standardized.

    The sentence of the single-trial report's methods (``methods.protocol``: standard
    moisture, its source, the method and its formula) after the sites it concerns.
    """
    if not info or not info.get("sites"):
        return []
    from yieldtrial.moisture import describe_method
    from yieldtrial.report._format import string_keys
    from yieldtrial.report.i18n import t
    from yieldtrial.report.sections.header import protocol_standard_source

    method = str(info.get("method") or "dry_matter")
    standard = float(info["standard_pct"])
    crop = str(info.get("crop") or "")
    protocol = str(info.get("protocol") or "")
    if info.get("standard_given"):
        source = t("network.standard_given", lang)
    else:  # the protocol's own source, as the single-trial report cites it (tidy57)
        cited = protocol_standard_source(crop, protocol, standard, lang)
        source = protocol if cited is None else cited
    formula = describe_method(
        method,
        standard_moisture_pct=standard,
        shrink_pct_per_point=info.get("shrink_pct_per_point"),
        lang=lang,
    )
    # the description starts with the method's name, which the sentence already gives
    head, sep, rest = formula.partition("：" if lang == "zh" else ": ")
    if sep and method in ("dry_matter", "percentage_point") and "=" not in head:
        formula = rest
    sites = [str(site) for site in info["sites"]]
    named = ("、" if lang == "zh" else ", ").join(sites[:STANDARDIZED_SITES_NAMED])
    if len(sites) > STANDARDIZED_SITES_NAMED:
        named += t("network.standardized_more", lang, n=len(sites) - STANDARDIZED_SITES_NAMED)
    sentence = t(
        "methods.protocol",
        lang,
        standard=f"{standard:g}",
        standard_source=source,
        method_name=t(f"method.{method}", lang) if f"method.{method}" in string_keys() else method,
        formula=formula,
    )
    return [
        Paragraph(
            t("network.methods.standardized", lang, sites=named, n=len(sites))
            + ("" if lang == "zh" else " ")
            + sentence
        )
    ]


def _protocol_standards(protocol: str, lang: str) -> str:
    """List the crops a protocol has a standard moisture for, each with its standard.

    ``network --crop rice`` on yields said cn-yield-test has no standard for rice, though
    it has one for indica and one for japonica rice (loose57): the sentence lists what
    the standards table offers, as ``report``'s error does.

    Examples
    --------
    >>> _protocol_standards("cn-yield-test", "en")
    'maize 14 %, rice_indica 13.5 %, rice_japonica 14.5 %, soybean 13 %, wheat 13 %'
    >>> _protocol_standards("cn-yield-test", "zh").split("、")[1]
    'rice_indica（籼稻）13.5%'
    """
    from yieldtrial.protocols import moisture_standards_table
    from yieldtrial.report.i18n import CROPS_ZH

    table = moisture_standards_table()
    rows = table[table["protocol"] == protocol].sort_values("crop")
    if lang == "zh":
        return "、".join(
            f"{crop}（{CROPS_ZH[crop]}）{pct:g}%" if crop in CROPS_ZH else f"{crop} {pct:g}%"
            for crop, pct in zip(rows["crop"], rows["moisture_pct"], strict=True)
        )
    return ", ".join(
        f"{crop} {pct:g} %" for crop, pct in zip(rows["crop"], rows["moisture_pct"], strict=True)
    )


def _yields_moisture_methods(info: dict[str, Any] | None, lang: str) -> list[Any]:
    """Return the methods' sentence on the moisture the yields read as given are at (tidy56).

    The table's ``standard_moisture_pct`` column, else the standard of the settings
    (``--standard-moisture-pct``, or ``--crop``'s), else that the moisture is not stated;
    then the table's moisture method (or ``--moisture-method``) when one is known.
    """
    if not info:
        return []
    from yieldtrial.report._format import string_keys
    from yieldtrial.report.i18n import CROPS_ZH, t
    from yieldtrial.report.sections.header import protocol_standard_source

    table = [float(v) for v in info.get("table_pct") or []]
    standard = info.get("standard_pct")
    if table:
        shown = ("、" if lang == "zh" else ", ").join(f"{v:g}" for v in table)
        source = t("network.yields_moisture.table", lang)
    elif standard is not None:
        shown = f"{float(standard):g}"
        if info.get("standard_given"):
            source = t("network.standard_given", lang)
        else:  # the protocol's own source, whatever the protocol (tidy57)
            crop = str(info.get("crop") or "")
            protocol = str(info.get("protocol") or "cn-yield-test")
            cited = protocol_standard_source(crop, protocol, float(standard), lang)
            source = protocol if cited is None else cited
    elif info.get("crop"):  # a crop its protocol has no standard for (tidy56b)
        crop = str(info["crop"])
        protocol = str(info.get("protocol") or "cn-yield-test")
        covers = _protocol_standards(protocol, lang)  # rice: rice_indica, rice_japonica
        if lang == "zh":
            crop = CROPS_ZH.get(crop.strip().lower(), crop)
            if protocol == "cn-yield-test":
                protocol = t("methods.protocol_name_cn", lang)
        text = t("network.yields_moisture.unstated_crop", lang, crop=crop, protocol=protocol)
        # what the protocol has (rice: rice_indica and rice_japonica), as report's error says
        covered = t("network.yields_moisture.covers", lang, protocol=protocol, covers=covers)
        return [Paragraph(text + ("" if lang == "zh" else " ") + covered)]
    else:
        return [Paragraph(t("network.yields_moisture.unstated", lang))]
    sentence = t("network.yields_moisture.at", lang, standard=shown, source=source)
    method = info.get("method")
    if method:
        key = f"method.{method}"
        name = t(key, lang) if key in string_keys() else str(method)
        sentence += ("" if lang == "zh" else " ") + t(
            "network.yields_moisture.method", lang, method_name=name
        )
    return [Paragraph(sentence)]


def render(
    result: NetworkResult, fmt: str, *, title: str | None = None, **options: Any
) -> str | bytes:
    """Render the network report.

    Parameters
    ----------
    result : NetworkResult
        Output of :func:`yieldtrial.analyze_many`.
    fmt : str
        ``"csv"`` (the layout-G table), ``"json"`` (the network result), or a
        report format (``"html"``, ``"markdown"``/``"md"``, ``"docx"``, ...).
    title : str, optional
        Report title (default by language).
    **options
        ``lang``, ``stability``, ``response``, ``metadata``, ``report_date`` of
        :func:`network_report`.

    Returns
    -------
    str or bytes
        The document (bytes for binary formats such as DOCX).
    """
    if fmt == "csv":
        from yieldtrial.io.output import csv_safe_frame
        from yieldtrial.network._layout_g import layout_g_table

        return str(csv_safe_frame(layout_g_table(result)).to_csv(index=False))
    key = check_format(fmt)
    if key == "json":
        return _json_document(result, options) + "\n"
    return network_report(result, title=title, **options).render_as(key)


def _json_document(result: NetworkResult, options: dict[str, Any]) -> str:
    """Return the network result's JSON, with the stability and response tables when given."""
    import json

    from yieldtrial.report.model import records

    document = result.to_dict()
    response = options.get("response")
    if response is None and result.summary is not None:
        response = _default_response(result)
    if response is not None:
        document["environment_response"] = records(response)
    if options.get("stability") is not None:
        document["stability"] = options["stability"].to_dict()
    if options.get("left_out"):  # trials the reader left out: in the report's site table too
        document["left_out"] = [
            {"trial": str(trial), "reason": str(reason)} for trial, reason in options["left_out"]
        ]
    return json.dumps(document, indent=2, ensure_ascii=False)


def write_network_report(
    result: NetworkResult,
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    force: bool = False,
    **options: Any,
) -> Path:
    """Render the network report in the format of ``path``'s suffix and write it atomically.

    ``options`` are those of :func:`network_report` (``lang``, ``stability``, ...).
    As ``yieldtrial network`` does, an existing file is replaced only when it is
    yieldtrial's own unchanged output (the folder's manifest) or with ``force=True``.
    An HTML, Markdown or Word report of more sites than the report lists one by one
    (:data:`yieldtrial.report.entries.ENTRY_TABLE_LIMIT`) also writes the complete per-site
    tables next to itself (``net_site_means.csv``, ``net_sites.csv``).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    DataValidationError
        ``path`` exists and is not yieldtrial's own output, and ``force`` is false.
    """
    from yieldtrial.io.output import check_output, write_output
    from yieldtrial.report.companions import COMPANION_FORMATS

    check_output(path, force=force)  # before the (slow) rendering
    fmt = network_format_for_path(path)
    if fmt in COMPANION_FORMATS:  # many sites: the complete per-site tables next to it
        from yieldtrial.report.files import write_report_file

        report = network_report(result, title=title, **options)
        return write_report_file(report, path, fmt=fmt, force=force)
    data = render(result, fmt, title=title, **options)
    return write_output(path, data, force=force)
