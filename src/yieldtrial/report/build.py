"""Build the report model from a :class:`~yieldtrial.trial.FieldTrial` and its description.

:func:`build_report` computes everything through the library's public functions
(standardized yields, ANOVA, LS-means, Dunnett, pairwise letters, diagnostics,
moisture audit) and lays the results out as sections of data
(:mod:`yieldtrial.report.model`).  Numbers are kept raw; only renderers round.

Sections (keys): ``header``, ``methods``, ``quality``, ``data_checks`` (suspect
plots, sensitivity of the verdicts, exclusions), ``moisture_audit`` (when
the description lists published figures), ``plots``, ``anova`` (replicated
trials), ``means``, ``noninferiority`` (when a margin is set), ``efficiency``
(hook, when :mod:`yieldtrial.efficiency` and fertilizer rates are available),
``figures``, ``conclusions``, ``panel`` (when panel members are given); and, when
trial.toml has the data, ``summary`` (first), ``trial_info``, ``field_map``,
``contrasts``, ``components`` and ``economics`` (:mod:`.sections.extra`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from yieldtrial.config import TrialConfig
from yieldtrial.errors import DataValidationError, WrongTypeError
from yieldtrial.io._factorize import as_text
from yieldtrial.report._format import attr_or, report_date_text
from yieldtrial.report.context import ReportContext
from yieldtrial.report.i18n import t
from yieldtrial.report.model import Report
from yieldtrial.report.sections.checks import data_checks_section
from yieldtrial.report.sections.conclusions import conclusions_section
from yieldtrial.report.sections.data import audit_section, plots_section, quality_section
from yieldtrial.report.sections.extra import (
    components_section,
    contrasts_section,
    economics_section,
    field_map_section,
    mark_illustrative,
    summary_section,
    trial_info_section,
)
from yieldtrial.report.sections.figures import figures_section
from yieldtrial.report.sections.header import header_section, methods_section, panel_section
from yieldtrial.report.sections.statistics import (
    anova_section,
    design_means_section,
    efficiency_section,
    means_section,
    noninferiority_section,
)
from yieldtrial.report.settings import ReportSettings, in_described_order, resolve_settings

__all__ = ["build_report", "ReportSettings"]


def trial_with_settings(trial: Any, config: TrialConfig) -> Any:
    """Return the trial with the description's analysis settings (a DataFrame is read first).

    Parameters
    ----------
    trial : FieldTrial or DataFrame
        The trial; a DataFrame of plot records is read with the description's settings
        (it must name the crop).
    config : TrialConfig
        The description; its crop, protocol, standard moisture, moisture method, shrink,
        design and factors replace the trial's where it gives them, and its
        ``[[treatments]]`` give the treatment order (unlisted treatments after them).

    Returns
    -------
    FieldTrial
        The trial to report.

    Raises
    ------
    DataValidationError
        A DataFrame without a crop in the description.
    TypeError
        Anything else than a FieldTrial or a DataFrame.
    """
    import pandas as pd

    from yieldtrial.trial import FieldTrial

    labels = [item.label for item in config.treatments]
    if isinstance(trial, pd.DataFrame):
        if not config.crop:
            raise DataValidationError(
                "build_report() takes a FieldTrial; got a DataFrame and no crop to read it "
                "with. Build the trial first: yt.FieldTrial.from_dataframe(plots, crop='wheat', "
                "control='CK'), or pass a TrialConfig that names the crop"
            )
        read = FieldTrial.from_dataframe(trial, **config.trial_settings())
        _refuse_yields_of_other_method(read, config.trial_settings())
        return in_described_order(read, labels)
    if not isinstance(trial, FieldTrial):
        if type(trial).__name__ == "NetworkResult":  # analyze_many's result: its own report
            raise WrongTypeError(
                "build_report() takes a FieldTrial (or a DataFrame of plot records); got a "
                "NetworkResult. A network's report is built by "
                "yieldtrial.report.network.network_report(result, lang='en') "
                "(then .write('summary.html')), as 'yieldtrial network' writes it"
            )
        raise WrongTypeError(
            f"build_report() takes a FieldTrial (or a DataFrame of plot records); got "
            f"{type(trial).__name__}"
        )
    given = config.trial_settings()
    changes: dict[str, Any] = {
        key: given[key]
        for key in ("protocol", "standard_moisture_pct", "moisture_method", "shrink_pct_per_point")
        if key in given and given[key] != getattr(trial, key)
    }
    if "crop" in given:
        from yieldtrial.protocols import canonical_crop

        if canonical_crop(given["crop"]) != trial.crop:
            changes["crop"] = given["crop"]
    if "design" in given and given["design"] != trial.design:
        changes["design"] = given["design"]
    if "factors" in given and tuple(given["factors"]) != tuple(trial.factors):
        changes["factors"] = tuple(given["factors"])
    if "checks" in given and tuple(given["checks"]) != tuple(trial.checks):
        changes["checks"] = tuple(given["checks"])  # [analysis] checks (stop 44)
    described = in_described_order(trial.replace(**changes) if changes else trial, labels)
    _refuse_yields_of_other_method(described, given)
    from yieldtrial.stats._common import warn_at_caller

    for message in replaced_crop_notes(trial, described):
        warn_at_caller(message)
    return described


def _refuse_yields_of_other_method(trial: Any, given: dict[str, Any]) -> None:
    """Refuse a yields table computed with another method than the description gives.

    ``report --moisture-method dry_matter`` (or trial.toml's ``moisture_method``) over a
    yields table whose ``moisture_method`` column says ``percentage_point`` reported them
    as dry-matter yields (tidy56b); ``network`` refuses it since tidy56.  A method not
    given is no choice: the report states the table's.
    """
    if "moisture_method" in given:
        from yieldtrial.io.yields import refuse_yields_of_other_method

        refuse_yields_of_other_method(trial.plots, str(given["moisture_method"]))


def replaced_crop_notes(trial: Any, described: Any) -> list[str]:
    """Say that a description's crop replaced the crop a FieldTrial was built with.

    ``trial.report(config)`` with a trial.toml of another crop (one copied from last
    season's wheat trial, say) reported the maize trial as wheat, at wheat's standard
    moisture, without a word (stop 47).

    Parameters
    ----------
    trial : FieldTrial
        The trial as the caller built it.
    described : FieldTrial
        The trial with the description's settings (:func:`trial_with_settings`).

    Returns
    -------
    list of str
        One note when the crops differ, else none.

    Examples
    --------
    >>> import pandas as pd
    >>> from yieldtrial import FieldTrial
    >>> plots = pd.DataFrame({"plot_id": ["1", "2"], "treatment": ["CK", "T"],
    ...                       "yield_kg_ha": [6000.0, 6300.0]})
    >>> maize = FieldTrial.from_dataframe(plots, crop="maize")
    >>> replaced_crop_notes(maize, maize.replace(crop="wheat"))[0][:64]
    "the description's crop 'wheat' replaces the trial's crop 'maize'"
    """
    if described.crop == trial.crop:
        return []
    moisture = ""
    if described.standard_moisture_pct != trial.standard_moisture_pct:
        moisture = (
            f": the yields are at {described.standard_moisture_pct:g} % moisture instead of "
            f"the trial's {trial.standard_moisture_pct:g} %"
        )
    return [
        f"the description's crop {described.crop!r} replaces the trial's crop "
        f"{trial.crop!r}{moisture}. If the trial is {trial.crop}, give the description its "
        f"crop (config.override(crop={trial.crop!r}), or crop = {trial.crop!r} in trial.toml)"
    ]


def _as_config(config: Any) -> TrialConfig:
    """Return the description: a TrialConfig, read from a trial.toml path, or empty."""
    if config is None:
        return TrialConfig()
    if isinstance(config, TrialConfig):
        return config
    if isinstance(config, str | os.PathLike):
        from yieldtrial.config import load_config
        from yieldtrial.report.formats import FORMATS

        suffix = Path(config).suffix.lower()
        if suffix == ".pdf":  # trial.report("report.pdf"): "cannot read 'report.pdf'"
            html = str(Path(config).with_suffix(".html"))
            raise DataValidationError(
                f"config {str(config)!r} looks like the name of a report to write, not a "
                "trial.toml; config is the trial description (a TrialConfig or the path of "
                "a trial.toml). yieldtrial writes no PDF: write an HTML report, "
                f"trial.report().write({html!r}), and print it to PDF from the browser (it is "
                "laid out for A4), or a .docx report and export it"
            )
        if any(suffix in suffixes for suffixes in FORMATS.values()):
            # trial.report("report.html") read the output's name as the trial description:
            # "cannot read 'report.html': No such file or directory"
            raise DataValidationError(
                f"config {str(config)!r} looks like the name of a report to write, not a "
                f"trial.toml; config is the trial description (a TrialConfig or the path of "
                f"a trial.toml): build the report, then write it: "
                f"trial.report().write({str(config)!r})"
            )
        return load_config(config)
    hint = (
        " (for a dict of trial.toml tables: yt.TrialConfig.from_dict(d))"
        if isinstance(config, Mapping)
        else ""
    )
    raise WrongTypeError(
        f"config must be a TrialConfig (yt.load_config('trial.toml')) or the path of a "
        f"trial.toml; got {type(config).__name__}{hint}"
    )


def build_report(
    trial: Any,
    config: TrialConfig | str | os.PathLike[str] | None = None,
    *,
    lang: str = "en",
    unit: str | None = None,
    margin_pct: float | None = None,
    alpha: float | None = None,
    letters: str | None = None,
    title: str | None = None,
    input_path: str | None = None,
    report_date: str | None = None,
    figures: bool = True,
    extra_warnings: Sequence[str] = (),
) -> Report:
    """Build the yield-test report of a trial.

    Parameters
    ----------
    trial : FieldTrial
        The trial (plots, crop, control(s), protocol, standard moisture, design).
    config : TrialConfig or path, optional
        The trial description (title, site, treatments, panel...), or the path of its
        ``trial.toml`` (read with :func:`yieldtrial.load_config`).  Its analysis
        settings are used when the arguments below are ``None``.
    lang : {"en", "zh"}
        Report language; Chinese uses kg/mu by default.
    unit : str, optional
        Display unit (default: the description's, else kg/mu for Chinese, else
        the trial's unit).
    margin_pct : float, optional
        Non-inferiority margin in % of the control mean; adds the verdict.
    alpha : float, optional
        Significance level (default 0.05).
    letters : {"tukey", "lsd", "duncan", "snk", "scheffe"}, optional
        Procedure for the letter display (default Tukey; ``LETTERS_METHODS`` of
        :mod:`yieldtrial.config`).
    title : str, optional
        Report title.
    input_path : str, optional
        Input file name shown in the header.
    report_date : str, optional
        ISO date shown in the header (default today, UTC).
    figures : bool, default True
        Include the figures.
    extra_warnings : sequence of str
        Warnings raised while reading the data, shown under data quality.

    Returns
    -------
    Report
        The report model; render it with ``to_html()``, ``to_markdown()``,
        ``to_json()`` or ``to_docx()``.
    """
    from yieldtrial._version import __version__
    from yieldtrial.io.yields import yields_moisture_method
    from yieldtrial.stats._common import private_rows

    config = _as_config(config)
    date = report_date_text(report_date)  # before the analysis: a bad date fails fast
    if title is not None and not isinstance(title, str):
        raise DataValidationError(f"title must be text; got {title!r} ({type(title).__name__})")
    built = trial
    trial = trial_with_settings(trial, config)
    from yieldtrial.trial import FieldTrial

    notes = replaced_crop_notes(built, trial) if isinstance(built, FieldTrial) else []
    s = resolve_settings(
        trial, config, lang=lang, unit=unit, margin_pct=margin_pct, alpha=alpha, letters=letters
    )
    lang = s.lang
    # ``yields`` returns a table of the report's own (a deep copy before pandas 3), and the
    # plots used share its columns when every plot is observed: the sections read them and
    # set no value in place (tested with them read-only, tests/test_report_build_shared.py;
    # a 5.9-million-plot table is not duplicated; stop 38: 20 MB under pandas 2.0, -60 MiB)
    plots = trial.yields(s.unit)
    if "treatment" in plots.columns:
        plots["treatment"] = as_text(plots["treatment"])  # a large table's: codes (stop 52)
    observed = np.isfinite(plots[s.ycol].to_numpy(dtype=float))
    used = plots.copy(deep=False) if observed.all() else private_rows(plots, observed)
    source = input_path or attr_or(trial, "source", None)
    meta: dict[str, Any] = {
        "trial": {
            **config.to_dict(),
            "source": None if config.source is None else _file_name(config.source),
        },
        "input_file": None if source is None else _file_name(source),
        "input_sha256": attr_or(trial, "source_sha256", None),
        "yieldtrial_version": __version__,
        "report_date": date,
        "settings": {
            "crop": attr_or(trial, "crop", None),
            "protocol": attr_or(trial, "protocol", None),
            "standard_moisture_pct": s.standard_pct,
            # a yields table's: its own method, or "given" when it names none (loose57)
            "moisture_method": yields_moisture_method(trial.plots, s.method),
            "design": s.design,
            "factors": list(s.factors),
            "means_factor": s.kind,
            "replicated": s.replicated,
            "unit": s.unit,
            "response": s.ycol,
            "control": list(s.controls),
            "alpha": s.alpha,
            "letters": s.letters,
            "margin_pct": s.margin_pct,
            "lang": lang,
        },
    }
    from yieldtrial.report.i18n import factor_headers

    with factor_headers(_factor_headers(trial, s.design, s.factors)):
        results: dict[str, Any] = {}
        ctx = ReportContext(
            trial=trial,
            config=config,
            s=s,
            plots=plots,
            used=used,
            results=results,
            meta=meta,
            warnings=[*extra_warnings, *notes],
        )
        ctx.compute()
        if title is None:
            name = config.zh.get("title", config.title) if lang == "zh" else config.title
            title = t("title.trial", lang, title=name) if name else t("title.default", lang)
        sections = [header_section(ctx)]
        for optional in (trial_info_section(ctx), field_map_section(ctx) if figures else None):
            if optional is not None:
                sections.append(optional)
        sections += [
            methods_section(ctx),
            quality_section(ctx),
            data_checks_section(ctx),
        ]
        audit = audit_section(ctx)
        if audit is not None:
            sections.append(audit)
        sections.append(plots_section(ctx))
        if ctx.anova is not None:
            sections.append(anova_section(ctx))
        sections.append(means_section(ctx))
        contrasts = contrasts_section(ctx)
        if contrasts is not None:
            sections.append(contrasts)
        components = components_section(ctx)
        if components is not None:
            sections.append(components)
        if ctx.design_means:
            sections.append(design_means_section(ctx))
        if s.margin_pct is not None and s.controls:
            sections.append(noninferiority_section(ctx))
        efficiency = efficiency_section(ctx)
        if efficiency is not None:
            sections.append(efficiency)
        economics = economics_section(ctx)
        if economics is not None:
            sections.append(economics)
        if figures:
            sections.append(figures_section(ctx))
        sections.append(conclusions_section(ctx))
        summary = summary_section(ctx)
        if summary is not None:
            sections.insert(0, summary)
        if (
            config.panel_members
            or config.panel_date
            or config.panel_experts
            or config.responsible_unit
            or config.report_number
        ):
            sections.append(panel_section(ctx))
        report = Report(
            title=title,
            lang=lang,
            sections=sections,
            metadata=meta,
            results=results,
            companions=ctx.companions,
        )
        mark_illustrative(report, ctx)
        if lang == "zh":
            from yieldtrial.report.i18n import localize_units

            localize_units(report)
        refer_to_numbers(report)
        _finish_companions(report, ctx)
        return report


def _factor_headers(trial: Any, design: str, factors: Sequence[str]) -> dict[str, str]:
    """Return the header the user wrote for a factor read as the ``treatment`` column.

    A two-factor table with a ``variety`` (品种, cultivar) header and no ``treatment`` one
    is read with variety as its treatment column (``attrs["column_map"]`` of
    :func:`yieldtrial.io.read_plots`); its report said "treatment" / 处理 for the factor
    the user called variety (stop 50 noticed, tidy56).
    """
    from yieldtrial.design.detect import TWO_FACTOR_DESIGNS

    if design not in TWO_FACTOR_DESIGNS or "treatment" not in factors:
        return {}
    plots = attr_or(trial, "plots", None)
    renamed = getattr(plots, "attrs", {}).get("column_map") or {}
    headers = [str(h) for h, new in dict(renamed).items() if new == "treatment"]
    return {"treatment": headers[0]} if len(headers) == 1 and headers[0] != "treatment" else {}


#: How the text names the means table, and the pattern of those names (no reference yet).
_MEANS_NAMES = {
    "en": re.compile(r"\b([Tt]he) means table\b(?! \(Table)"),
    "zh": re.compile(r"(?<!完整)(均值表|产量结果表)(?!（表)"),
}


def refer_to_numbers(report: Report) -> None:
    """Let the text name the means table with its number: "the means table (Table 5)".

    Notes, paragraphs, bullets and figure captions that point the reader to the means
    table ("the LS-mean in the means table", "产量结果表中……") get its number, the one
    every format prints in its caption (:meth:`Report.numbers`); a report without a
    numbered means table is left as it is.
    """
    from yieldtrial.report.i18n import t
    from yieldtrial.report.model import Bullets, Figure, Paragraph, Table

    numbers = report.numbers()
    means = next(
        (b for s in report.sections for b in s.blocks if isinstance(b, Table) and b.key == "means"),
        None,
    )
    if means is None or id(means) not in numbers or report.lang not in _MEANS_NAMES:
        return
    label = t("label.table", report.lang, n=numbers[id(means)]).rstrip(".")
    pattern = _MEANS_NAMES[report.lang]
    if report.lang == "zh":
        replace = rf"\1（{label}）"
    else:
        replace = rf"\1 means table ({label})"

    def refer(text: str) -> str:
        return pattern.sub(replace, text)

    for section in report.sections:
        for block in section.blocks:
            if block is means:
                continue
            if isinstance(block, Paragraph):
                block.text = refer(block.text)
            elif isinstance(block, Bullets):
                block.items = [refer(item) for item in block.items]
            elif isinstance(block, Table):
                block.notes = [refer(note) for note in block.notes]
            elif isinstance(block, Figure):
                block.caption = refer(block.caption)


def _in_zh_units(text: Callable[[str | None], str]) -> Callable[[str | None], str]:
    """Wrap a note's text function so that its units are spelled as in a Chinese report."""
    from yieldtrial.report.i18n import zh_units

    def localized(file: str | None) -> str:
        return zh_units(text(file))

    return localized


def _finish_companions(report: Report, ctx: ReportContext) -> None:
    """Give the complete tables the labels, marks and units of the summaries shown.

    :func:`mark_illustrative` and :func:`~yieldtrial.report.i18n.localize_units` rewrite
    the tables of the sections; the rows a summary shows are the complete table's own
    rows, the others are rewritten here, and the complete table takes the summary's
    columns, caption, notes and footer.
    """
    from yieldtrial.report.i18n import localize_units
    from yieldtrial.report.model import Section, Table

    lang = report.lang
    for companion in report.companions:
        summary = next(
            b
            for section in report.sections
            for b in section.blocks
            if isinstance(b, Table) and b.key == companion.key
        )
        listed = {id(row) for row in summary.rows}
        full = companion.table
        rest = Table(full.key, full.columns, [r for r in full.rows if id(r) not in listed])
        holder = Report(title="", lang=lang, sections=[Section("companion", "", [rest])])
        mark_illustrative(holder, ctx)
        if lang == "zh":
            localize_units(holder)
            companion.note_text = _in_zh_units(companion.note_text)
        full.columns = summary.columns
        full.caption = summary.caption
        full.notes = list(summary.notes) + [n for n in rest.notes if n not in summary.notes]
        full.footer = list(summary.footer)


def _file_name(path: Any) -> str:
    """Return the file name a report shows: bytes that are not UTF-8 become U+FFFD.

    A Latin-1 or GBK file name on a UTF-8 system would otherwise make every output
    format fail to encode.
    """
    name = Path(str(path)).name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
