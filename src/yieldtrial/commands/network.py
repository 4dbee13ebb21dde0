"""``yieldtrial network``: analyse every trial of a network and write the across-site report.

::

    yieldtrial network PLOTS.csv --by site [--config trial.toml] -o summary.html
    yieldtrial network sites/ --crop wheat --control CK --lang zh -o summary.html
    yieldtrial network 'sites/*.csv' site-21.xlsx --crop wheat --control CK -o net.md

The plot tables are read as every other command reads them (the same header aliases in
English and Chinese, ``--config``, ``--column``, ``--sheet``, ``--encoding``): one file
with a site column (or ``--by``), or one file per site (several files, a folder or a glob;
the site is the file name without its suffix when the files have no site column; one file
without a site column is one trial, the file ``report`` reads).  Raw
harvest records (fresh mass, moisture, area) are standardized to yields per trial, as
``report`` and ``standardize`` do; a trial whose records are invalid is left out with a
warning, never fatal for the network.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yieldtrial.commands._input import (
    add_moisture_options,
    add_table_options,
    check_file_options,
    number_option,
    require_control_for_margin,
    settings_from_args,
    write_stdout,
)
from yieldtrial.commands._zh_messages import network_warning_line, warning_line
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io._guard import held_warnings
from yieldtrial.io._rounding import fixed
from yieldtrial.io.output import check_output, shown_path, write_output
from yieldtrial.io.progress import draw_status, end_status, print_message, stage

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from yieldtrial.config import TrialConfig

EXAMPLES = """\
examples:
  yieldtrial network plots.csv --by site --control CK -o summary.html
  yieldtrial network plots.csv --by year,site --response yield_kg_mu --config trial.toml -o net.md
  yieldtrial network plots.xlsx --by site --block rep --treatment variety -o net.json
  yieldtrial network plots.csv --by site --control CK --exclude-cv-above 15 -o net.html
  yieldtrial network farms.csv --control CK1 --margin-pct 5 --lang zh -o farms.docx
  yieldtrial network sites/ --crop wheat --control CK --lang zh -o summary.html
"""

#: Response columns tried, in order, when --response is not given.
RESPONSE_CANDIDATES: tuple[str, ...] = ("yield_kg_ha", "yield_kg_mu", "yield_t_ha", "yield")


def register(subparsers: Any) -> None:
    """Add the ``network`` subcommand."""
    parser = subparsers.add_parser(
        "network",
        help="analyse many trials (a site network) at once and summarize across sites",
        description="Analyse every trial of a network (one trial per value of --by, or one "
        "file per site) with the vectorized network engine, and write the across-site report: "
        "treatment x site LS-means with letters, across-site mean, % of check, win rate, "
        "combined model and a per-site strip (CV, MSE, df, missing plots, included or "
        "excluded with reason). A bad site is reported, never fatal. PLOTS may hold yields or "
        "raw harvest records (standardized as 'yieldtrial report' does; give --crop).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "plots",
        nargs="+",
        metavar="PLOTS",
        help="plot table(s): one file with a site column, several files (one per site), a "
        "folder of them or a glob pattern ('sites/*.csv')",
    )
    parser.add_argument(
        "--by",
        help="trial key column(s), comma-separated, e.g. site or year,site (default: site)",
    )
    parser.add_argument(
        "--response",
        help=f"yield column (default: the first of {', '.join(RESPONSE_CANDIDATES)} present; "
        "yield_<unit> of --unit for raw harvest records)",
    )
    parser.add_argument(
        "--treatment", default="treatment", help="treatment column (default treatment)"
    )
    parser.add_argument("--block", help="block (replicate) column (default block, when present)")
    parser.add_argument(
        "--control",
        action="append",
        metavar="LABEL",
        help="check treatment; repeat or give a comma list (CK1,CK2): the first is the check of "
        "%% of check and win rate (default: [analysis] control of --config)",
    )
    parser.add_argument(
        "--design",
        choices=("rcbd", "crd"),
        help="design of every trial (default rcbd with blocks, else crd)",
    )
    parser.add_argument("--alpha", type=number_option, help="significance level (default 0.05)")
    parser.add_argument(
        "--sites",
        choices=("random", "fixed"),
        default="random",
        help="site effects in the combined model (default random)",
    )
    parser.add_argument(
        "--dunnett-pvalues",
        choices=("auto", "exact", "none"),
        default="auto",
        help="within-trial Dunnett p-values: exact (one integration each, slow for big "
        "networks), none, or auto (exact up to 2000 comparisons; default)",
    )
    parser.add_argument(
        "--exclude-cv-above",
        type=number_option,
        metavar="PCT",
        help="leave sites whose CV %% is above PCT (e.g. 15) out of the across-site analysis; "
        "the site strip gives the reason (default: include them and flag CV above 10 %% / 15 %%)",
    )
    add_table_options(parser)
    add_moisture_options(parser)
    parser.add_argument(
        "--unit",
        help="yield unit of raw harvest records' yields (default kg/ha, kg/mu with --lang zh); "
        "with a yield table, the yields are converted to it",
    )
    parser.add_argument(
        "--margin-pct",
        type=number_option,
        metavar="PCT",
        help="non-inferiority margin in %% of the check (default: [analysis] margin_pct)",
    )
    parser.add_argument(
        "--no-stability",
        action="store_true",
        help="leave out the stability section (Eberhart-Russell, Shukla, AMMI, HSC, ...)",
    )
    parser.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the report, the lines printed (trials left out, warnings, "
        "'wrote ...') and the messages (default en; zh: raw records' yields in kg/mu, see --unit)",
    )
    parser.add_argument("--title", help="report title (default by language)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="summary.html, .md, .docx, .xlsx, .json or .csv (default: Markdown on stdout)",
    )
    parser.set_defaults(handler=_run)


class _Bar:
    """A progress bar on stderr, drawn only on a terminal."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = int(width * done / max(total, 1))
        draw_status(f"[{'#' * filled}{' ' * (width - filled)}] {done:,}/{total:,} trials")
        if done >= total:
            end_status()


def _report_options(result: Any, config: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Language, header facts from trial.toml and the stability statistics of the network."""
    from yieldtrial.network.stability import network_stability
    from yieldtrial.report.network import network_metadata

    options: dict[str, Any] = {"lang": args.lang, "metadata": network_metadata(config, args.lang)}
    if not args.no_stability and result.summary is not None:
        stab, note = network_stability(result)
        options["stability"] = stab
        if note:
            options["notes"] = [note]
    return options


def _header_of(plots: pd.DataFrame, column: str) -> str:
    """Return the header the user wrote for ``column`` (``variety`` read as ``treatment``)."""
    mapped = {str(k): str(v) for k, v in plots.attrs.get("column_map", {}).items()}
    headers = [header for header, name in mapped.items() if name == column]
    return headers[0] if len(headers) == 1 else column


def _run(args: argparse.Namespace) -> int:
    from yieldtrial.commands._input import one_line, print_warning
    from yieldtrial.io.plots import declared_design_rename
    from yieldtrial.io.sources import expand_sources
    from yieldtrial.network import analyze_many
    from yieldtrial.report.companions import COMPANION_FORMATS, companion_path
    from yieldtrial.report.files import write_report_file
    from yieldtrial.report.network import (
        network_format_for_path,
        network_report,
        render,
        synthetic_data,
    )

    if args.output is not None:
        try:
            network_format_for_path(args.output)
        except DataValidationError as exc:
            from yieldtrial.commands._zh_messages import usage_line

            chinese = usage_line(str(exc), "yieldtrial network", help_hint=False)
            print(chinese or f"yieldtrial network: error: {exc}", file=sys.stderr)
            return 2
    # --control (split at commas), --alpha and --margin-pct are checked as in report
    config = settings_from_args(args, alpha=args.alpha, margin_pct=args.margin_pct)
    require_control_for_margin(config)  # in the flag's words (the library says control=)
    if config.crop:  # as report: an unknown crop is refused on yield tables too
        from yieldtrial.protocols import canonical_crop

        canonical_crop(config.crop)
    files = expand_sources(args.plots)
    check_file_options(args.sheet, args.encoding, files)
    inputs = [*files, *([args.config] if args.config else [])]
    if args.output is not None:
        check_output(args.output, force=getattr(args, "force", False), inputs=inputs)
    by = [c.strip() for c in ("site" if args.by is None else args.by).split(",") if c.strip()]
    with stage("reading the plot tables"), held_warnings(record=True) as held:
        # the reader's own warnings (a design column renamed away) wait for the analysis:
        # a declared design that needs the column fails with its error alone
        warnings.simplefilter("always", YieldTrialWarning)
        plots, response, left_out = read_network(files, config, by=by, args=args)
    treatment, block, design = _roles(plots, config, args)
    controls = [_check_control(plots, treatment, c) for c in config.control]
    alpha = config.alpha or 0.05
    margin = config.margin_pct
    progress = _Bar() if sys.stderr.isatty() else None
    with stage("analysing the trials"):
        result, analysis_warnings = _analyse_noting_warnings(lambda: analyze_many(
            plots,
            by=by,
            response=response,
            treatment=treatment,
            block=block if design == "rcbd" else None,
            control=controls or None,
            design=design,
            alpha=alpha,
            sites=args.sites,
            dunnett_pvalues=args.dunnett_pvalues,
            exclude_cv_above=args.exclude_cv_above,
            progress=progress,
            margin_pct=margin,
            treatment_order=[item.label for item in config.treatments],
        ))  # fmt: skip
    declared = args.design or config.design
    read_warnings: list[str] = []
    for item in held:
        if not isinstance(item.message, YieldTrialWarning):  # another library's: as it was
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
            continue
        message = (
            item.message if declared is None else declared_design_rename(item.message, declared)
        )
        read_warnings.append(str(message))
        print_warning(str(message))
    _check_some_trial_analysed(result, left_out)
    _check_some_trial_included(result, args.exclude_cv_above)
    if plots.attrs.get("one_trial_file"):  # it ran as one trial without a word
        print_warning(_one_trial_note(plots.attrs["one_trial_file"], str(files[0].stem)))
    with stage("stability and the report"):
        options = _report_options(result, config, args)
        options["synthetic"] = synthetic_data(plots)
        options["left_out"] = plots.attrs.get("left_out_sites", [])  # listed in the site strip
        options["standardized"] = plots.attrs.get("standardized")  # stated in the methods
        options["yields_moisture"] = plots.attrs.get("yields_moisture")
        options["treatment_header"] = _header_of(plots, treatment)  # 品种 or 处理 in zh
        # the warnings printed on stderr are notes of the report too (as report's warnings)
        noted = [
            *(one_line(m) for m in read_warnings),
            *plots.attrs.get("reading_warnings", []),
            *analysis_warnings,
        ]
        options["notes"] = [*options.get("notes", []), *noted]
        fmt = "markdown" if args.output is None else network_format_for_path(args.output)
        if args.output is not None and fmt in COMPANION_FORMATS:
            # a network of more sites than the report lists: the complete per-site tables
            # go next to the report as CSV files (report.companions)
            report = network_report(result, title=args.title, **options)
        else:
            data = render(result, fmt, title=args.title, **options)
    written: list[Path] = []
    if args.output is None:
        write_stdout(str(data))
    else:
        force = getattr(args, "force", False)
        with stage(f"writing {shown_path(args.output)}"):
            if fmt in COMPANION_FORMATS:
                write_report_file(report, args.output, fmt=fmt, force=force, inputs=inputs)
                written = [companion_path(args.output, c.key) for c in report.companions]
            else:
                write_output(args.output, data, force=force, inputs=inputs)
        counts = dict(result.counts)
        if left_out:
            counts["failed"] = counts.get("failed", 0) + len(left_out)
        from yieldtrial.commands._zh_messages import wrote_line

        print(wrote_line(shown_path(args.output), counts), file=sys.stderr)
        for extra in written:  # the complete per-site tables of a summarised report
            print(wrote_line(shown_path(extra)), file=sys.stderr)
    return 0


#: Warning lines about single trials printed at most (a network of 3,000 farms whose
#: impurity is below 1 % warned 3,000 times); the rest are counted in one line.
TRIAL_WARNINGS_SHOWN = 20


def _print_trial_warnings(warned: dict[str, list[str]], by: str) -> list[str]:
    """Print each trial warning once, with the trials it concerns, then a count of the rest.

    Returns the warnings printed (without the ``yieldtrial: warning:`` prefix), for the
    report's notes.
    """
    from yieldtrial.io.validation import list_items

    lines = [f"{by} {list_items(keys)}: {text}" for text, keys in warned.items()]
    shown = lines[:TRIAL_WARNINGS_SHOWN]
    if len(lines) > TRIAL_WARNINGS_SHOWN:
        more = len(lines) - TRIAL_WARNINGS_SHOWN
        trials = len({key for keys in list(warned.values())[TRIAL_WARNINGS_SHOWN:] for key in keys})
        shown.append(
            f"{more:,} more warning(s) about {trials:,} trial(s) not shown; "
            "analyse those trials alone (yieldtrial report) to see them"
        )
    for text, keys in list(warned.items())[:TRIAL_WARNINGS_SHOWN]:  # Chinese under --lang zh
        print_message(network_warning_line(by, list_items(keys), text))
    for line in shown[TRIAL_WARNINGS_SHOWN:]:  # the count of the warnings not shown
        print_message(warning_line(line))
    return shown


def _analyse_noting_warnings(analyse: Any) -> tuple[Any, list[str]]:
    """Run ``analyse()``; print its yieldtrial warnings and return them for the report's notes.

    The network engine warns of what it does not model (the incomplete blocks of an alpha
    field book, ...); as the single-trial report lists its warnings, the network report
    lists these in its notes, besides the ``yieldtrial: warning:`` line on stderr.
    """
    from yieldtrial.commands._input import one_line, print_warning
    from yieldtrial.errors import YieldTrialWarning

    with held_warnings(record=True) as caught:
        warnings.simplefilter("always", YieldTrialWarning)
        result = analyse()
    noted: list[str] = []
    for item in caught:
        if not issubclass(item.category, YieldTrialWarning):  # another library's: as it was
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)
            continue
        print_warning(str(item.message))
        line = one_line(str(item.message))
        if line not in noted:
            noted.append(line)
    return result, noted


def read_network(
    files: list[Path], config: TrialConfig, *, by: list[str], args: argparse.Namespace
) -> tuple[pd.DataFrame, str, list[str]]:
    """Read the network's plot tables; standardize raw harvest records trial by trial.

    Returns
    -------
    plots : DataFrame
        Every plot, with the response column.
    response : str
        The response column.
    left_out : list of str
        One message per trial left out because its harvest records are invalid.
    """
    from yieldtrial.io.plots import has_harvest_columns
    from yieldtrial.io.sources import read_plot_sources

    plots = read_plot_sources(
        files,
        columns=config.column_renames() or None,
        sheet=args.sheet,
        encoding=args.encoding,
        validate=False,
    )
    mapped = {str(k): str(v) for k, v in plots.attrs.get("column_map", {}).items()}
    by[:] = [mapped.get(c, c) for c in by]  # a header of the file names its column
    absent = [c for c in by if c not in plots.columns]
    if absent and by == ["site"] and len(files) == 1:
        # one file without a site column is one trial (the file ``report`` reads), its site
        # named after the file, as each file of a folder
        plots.insert(0, "site", files[0].stem)
        plots.attrs["one_trial_file"] = files[0].name  # said after the analysis (stop 48)
    treatment, block, _ = _roles(plots, config, args)
    plots = _normalise_labels(plots, [*by, treatment, *([block] if block else [])])
    has_yield = args.response is not None or any(c in plots.columns for c in RESPONSE_CANDIDATES)
    raw = has_harvest_columns(plots.rename(columns=_harvest_names(plots)))
    if not has_yield and raw:
        return _standardized(plots, config, by=by, args=args)
    raw_trials = _raw_trials(plots, by) if raw and args.response is None else None
    if raw_trials is not None and raw_trials.all():  # the yield columns are empty
        return _standardized(plots, config, by=by, args=args)
    response = mapped.get(args.response, args.response) or next(
        (c for c in RESPONSE_CANDIDATES if c in plots.columns), None
    )
    if raw_trials is not None and raw_trials.any() and response is not None:
        plots = _with_standardized_trials(plots, raw_trials, response, config, by=by, args=args)
    if response is None:
        raise DataValidationError(
            f"{files[0].name}: no yield column found (looked for "
            f"{', '.join(RESPONSE_CANDIDATES)}, and the harvest columns fresh_mass_kg, "
            "moisture_pct and harvested_area_m2 with their Chinese names); name the yield "
            "column with --response COLUMN or map a header with --column 'HEADER=yield_kg_ha'"
        )
    moisture = _yields_moisture(plots, config, by)
    left_out: list[str] = []
    plots = _yields_of_other_units(plots, response, by, config.crop)
    plots, left_out = _leave_out_duplicate_plots(plots, by)
    if response in plots.columns and (response == "yield" or response.startswith("yield_")):
        plots, negative = _leave_out_negative_yields(plots, response, by)
        left_out += negative
        _warn_implausible_trial_yields(plots, response, by, config.crop)
    if args.unit and response in plots.columns:
        plots, response = _in_unit(plots, response, args.unit, config.crop)
    plots.attrs["yields_moisture"] = moisture  # stated in the methods
    return plots, response, left_out


def _yields_moisture(plots: pd.DataFrame, config: TrialConfig, by: list[str]) -> dict[str, Any]:
    """Check and return the moisture the table's yields are at, as ``report`` does (tidy56).

    A ``standard_moisture_pct`` column (``yieldtrial standardize`` writes it) other than
    the analysis's standard (``--standard-moisture-pct``, or ``--crop``'s) is refused with
    ``report``'s error, and a ``moisture_method`` column other than ``--moisture-method``
    when one is given; the methods of the report then state the moisture: the table's, or
    the settings', or that neither says it (``network`` on yields needs no crop).
    """
    import pandas as pd

    from yieldtrial.io import yields as _yields
    from yieldtrial.protocols import canonical_crop, standard_moisture_pct

    kept = pd.DataFrame(index=plots.index)
    for column in ("standard_moisture_pct", "moisture_method"):
        if column in plots.columns:
            kept[f"reported_{column}"] = plots[column]
    crop_key: str | None = None  # the crop's key: its Chinese name in a zh report
    if config.standard_moisture_pct is not None:
        standard: float | None = float(config.standard_moisture_pct)
    else:  # --crop's standard; none for a crop its protocol has none for (yields need none)
        try:
            crop = crop_key = canonical_crop(str(config.crop)) if config.crop else None
            protocol = config.protocol or "cn-yield-test"
            standard = (
                None if crop is None else float(standard_moisture_pct(crop, protocol=protocol))
            )
        except DataValidationError:
            standard = None
    if standard is not None:
        _yields.refuse_yields_at_other_standard(kept, standard)
    else:  # no setting: the tables must agree among themselves (tidy56b)
        _refuse_sites_at_other_standards(plots, by)
    _refuse_sites_of_other_methods(plots, by)  # one method for the pooled yields (tidy57)
    if config.moisture_method:
        _yields.refuse_yields_of_other_method(kept, str(config.moisture_method))
    table = kept.get("reported_standard_moisture_pct")
    values: list[float] = (
        []
        if table is None
        else sorted({float(v) for v in pd.to_numeric(table, errors="coerce").dropna()})
    )
    return {
        "table_pct": values,
        "standard_pct": standard,
        "standard_given": config.standard_moisture_pct is not None,
        "crop": crop_key or str(config.crop or ""),
        "protocol": str(config.protocol or "cn-yield-test"),
        # the table's method read as report reads it (one known method), else the setting's
        "method": _yields.table_moisture_method(kept) or config.moisture_method,
    }


def _trials_by_value(plots: pd.DataFrame, keys: list[str], values: Any) -> dict[Any, list[str]]:
    """Group the trials (``keys``, e.g. site) by a per-plot value: value -> trial labels.

    Missing values are left out; each trial is listed once per value, in data order (the
    refusals of different standards and methods name the trials of each).
    """
    import pandas as pd

    from yieldtrial.network._summary import site_label

    table = pd.DataFrame({"site": site_label(plots, keys), "value": values}).dropna()
    groups: dict[Any, list[str]] = {}
    for site, value in table.drop_duplicates().itertuples(index=False):  # one row a pair
        groups.setdefault(value, []).append(str(site))
    return groups


def _refuse_sites_at_other_standards(plots: pd.DataFrame, by: list[str]) -> None:
    """Refuse the yields of trials at different standard moistures when none is set.

    Read as given, yields at 13 % and 14 % were pooled and the methods said "at 13, 14 %
    moisture" (tidy56b): they are not comparable, so the trials of each standard are named.
    """
    import pandas as pd

    from yieldtrial.io.checks import message_number
    from yieldtrial.io.validation import list_items

    keys = [c for c in by if c in plots.columns]
    if "standard_moisture_pct" not in plots.columns or not keys:
        return
    pcts = pd.to_numeric(plots["standard_moisture_pct"], errors="coerce").to_numpy()
    groups = {float(pct): sites for pct, sites in _trials_by_value(plots, keys, pcts).items()}
    if len(groups) < 2:
        return
    listing = "; ".join(
        f"{'/'.join(keys)} {list_items(repr(site) for site in sites)} at {message_number(pct)} %"
        for pct, sites in sorted(groups.items())
    )
    first = message_number(min(groups))
    raise DataValidationError(
        f"the tables' yields are at different standard moistures (their standard_moisture_pct "
        f"column): {listing}; yields at different standards cannot be pooled: standardize "
        f"the harvest records of every trial at one standard (yieldtrial standardize "
        f"--standard-moisture-pct {first}), or analyse the trials of each standard apart"
    )


def _refuse_sites_of_other_methods(plots: pd.DataFrame, by: list[str]) -> None:
    """Refuse the yields of trials computed with different moisture methods.

    Read as given, yields of the dry-matter method at one site and of the percentage-point
    shortcut at another were pooled and the methods stated none (tidy57). The shortcut
    ``(1 + (S - M) / 100)`` over the mass balance ``(100 - M) / (100 - S)`` is
    ``(100 + S - M)(100 - S) / (100 (100 - M))`` (25 % -> 13 %: 2.1 % high; 5 % -> 13 %:
    1.1 % low, Jinzhong's 477.36 for 482.64), an error that follows each plot's harvest
    moisture, so it is not a site constant the model absorbs and is as large as the
    differences a variety test compares: the trials of each method are named, as for
    different standards.
    """
    from yieldtrial.io.validation import list_items
    from yieldtrial.moisture import METHODS

    keys = [c for c in by if c in plots.columns]
    if "moisture_method" not in plots.columns or not keys:
        return
    methods = plots["moisture_method"].astype("string").str.strip().to_numpy()
    groups = {
        str(method): sites
        for method, sites in _trials_by_value(plots, keys, methods).items()
        if method in METHODS
    }
    if len(groups) < 2:
        return
    listing = "; ".join(
        f"{'/'.join(keys)} {list_items(repr(site) for site in sites)} with {method}"
        for method, sites in sorted(groups.items())
    )
    first = min(groups)
    raise DataValidationError(
        f"the tables' yields were computed with different moisture methods (their "
        f"moisture_method column): {listing}; yields of different methods cannot be pooled: "
        f"standardize the harvest records of every trial with one method (yieldtrial "
        f"standardize --moisture-method {first}), or analyse the trials of each method apart"
    )


def _normalise_labels(plots: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Read the label columns (trial keys, treatment, block) as ``report`` reads them.

    A site typed ``'A '`` (a trailing space) or with a zero-width character or a BOM
    (files joined after export) beside ``'A'`` was a trial of its own, and a treatment
    ``'CK '`` a treatment of its own: the trial split in two, exit 0 without a word.
    The labels are normalised by ``analyze_many``'s own function
    (:func:`yieldtrial.network._columns.normalised_labels`, with the reader's missing
    texts) and variants named in a warning, as the plot-table reader does.
    """
    from yieldtrial.io import validation as _validation
    from yieldtrial.io.plots import NA_VALUES
    from yieldtrial.network._columns import normalised_labels

    present = [c for c in dict.fromkeys(columns) if c in plots.columns]
    plots = normalised_labels(plots, present, missing=NA_VALUES, stacklevel=4)
    _validation.warn_label_variants(plots, present, stacklevel=3)
    return plots


def _trial_files(plots: pd.DataFrame, keys: pd.Series) -> dict[Any, str]:
    """Name the file(s) of each trial (by its key in ``keys``) when several files were read.

    One file: its name; a trial with rows in several: ``'a.csv + b.csv'``.  Empty when one
    file (or a DataFrame) was read: the messages keep their one name.
    """
    import numpy as np
    import pandas as pd

    sources = list(plots.attrs.get("sources", []))
    lengths = list(plots.attrs.get("source_lengths", []))
    if len(sources) < 2 or len(lengths) != len(sources) or sum(lengths) != len(plots):
        return {}
    origin = pd.DataFrame(
        {"trial": keys.to_numpy(), "file": np.repeat(np.arange(len(lengths)), lengths)}
    ).drop_duplicates()
    files: dict[Any, list[int]] = {}
    for trial, file in origin.itertuples(index=False):
        files.setdefault(trial, []).append(int(file))
    return {
        trial: " + ".join(Path(sources[i]).name for i in sorted(numbers))
        for trial, numbers in files.items()
    }


def _trial_keys(plots: pd.DataFrame, by: list[str]) -> pd.Series:
    """Return each plot's trial key: its ``by`` labels as text joined by " / ".

    Column by column (``plots[by].astype(str).agg(" / ".join, axis=1)`` called Python once
    a plot: 19 s for 500,000 plots, five times a run).

    Examples
    --------
    >>> import pandas as pd
    >>> _trial_keys(pd.DataFrame({"site": ["A", "B"], "year": [2024, 2025]}), ["site", "year"])
    0    A / 2024
    1    B / 2025
    dtype: object
    """
    if not by:
        import pandas as pd

        return pd.Series("", index=plots.index, dtype=object)
    keys = plots[by[0]].astype(str).astype(object)
    for column in by[1:]:
        keys = keys + " / " + plots[column].astype(str).astype(object)
    return keys


def _raw_trials(plots: pd.DataFrame, by: list[str]) -> pd.Series | None:
    """Mark the rows of trials with harvest records but no yield (None: no trial key).

    A network of site files may mix raw harvest records (one site's fresh mass and
    moisture) with yields (another site's ``yield_kg_mu``); read together, the raw site's
    yield cells are blank, and it was left out as a trial without yields.
    """
    import pandas as pd

    from yieldtrial.units import unit_from_yield_column

    if any(c not in plots.columns for c in by):
        return None
    names = _harvest_names(plots)
    mass = next((c for c in plots.columns if names.get(str(c), c) == "fresh_mass_kg"), None)
    if mass is None:
        return None
    yields = [
        c
        for c in plots.columns
        if c == "yield" or (isinstance(c, str) and unit_from_yield_column(c) is not None)
    ]
    keys = _trial_keys(plots, by)
    no_yield = pd.Series(True, index=plots.index)
    for column in yields:
        no_yield &= pd.to_numeric(plots[column], errors="coerce").isna()
    has_mass = pd.to_numeric(plots[mass], errors="coerce").notna()
    trial_no_yield = no_yield.groupby(keys).transform("all")
    trial_has_mass = has_mass.groupby(keys).transform("any")
    return (trial_no_yield & trial_has_mass).astype(bool)


def _with_standardized_trials(
    plots: pd.DataFrame,
    raw_trials: pd.Series,
    response: str,
    config: TrialConfig,
    *,
    by: list[str],
    args: argparse.Namespace,
) -> pd.DataFrame:
    """Standardize the trials of raw harvest records; give them yields in ``response``."""
    import numpy as np
    import pandas as pd

    from yieldtrial.units import convert_yield, unit_from_yield_column

    rows = raw_trials.to_numpy(dtype=bool)
    raw = plots.loc[rows].copy()
    raw.attrs = dict(plots.attrs)
    # the control is checked over all trials (read_network's caller); a raw site may lack it
    settings = config.override("the command line", control=())  # warned once, when read
    standardized, column, _ = _standardized(raw, settings, by=by, args=args)
    target = unit_from_yield_column(response)
    given = unit_from_yield_column(column)
    values = pd.to_numeric(standardized[column], errors="coerce").to_numpy(dtype=float)
    if target is not None and given is not None and target != given:
        values = np.asarray(convert_yield(values, given, target, crop=config.crop), dtype=float)
    standardized = standardized.copy()
    standardized[response] = values
    if column != response:
        standardized = standardized.drop(columns=column)
    combined = pd.concat([plots.loc[~rows], standardized])
    # the trials in the order given (the files' order): the raw trials came after the
    # others, the report's site columns with them, and a standardized copy of a raw site
    # was named as its original (stop 36)
    order = _trial_keys(plots, by).drop_duplicates().tolist()
    rank = {key: i for i, key in enumerate(order)}
    keys = _trial_keys(combined, by).map(rank)
    combined = combined.iloc[np.argsort(keys.to_numpy(dtype=float), kind="stable")]
    combined.attrs = dict(standardized.attrs)
    return combined


def _yields_of_other_units(
    plots: pd.DataFrame, response: str, by: list[str], crop: str | None
) -> pd.DataFrame:
    """Give the trials whose yields are in another unit's column their yields in ``response``.

    Files of one network may name their yields in different units (one site's table in
    kg/ha, another's in kg/mu, as ``yieldtrial standardize --unit`` writes them). Read
    together, a trial whose ``response`` cells are all blank but whose ``yield_<unit>`` column
    holds numbers was analysed as a trial without yields (left out, "all plots blank"); its
    yields are converted to the response's unit instead, as ``report`` converts a single file
    (and ``--response yield_kg_mu`` of tables in kg/ha, as ``--unit kg/mu``). A trial with
    any value in ``response`` is left as it is (a blank there is a missing plot).
    """
    import numpy as np
    import pandas as pd

    from yieldtrial.units import convert_yield, unit_from_yield_column

    target = unit_from_yield_column(response)
    others = {
        c: unit
        for c in plots.columns
        if c != response and isinstance(c, str) and (unit := unit_from_yield_column(c))
    }
    if target is None or not others:
        return plots
    if any(c not in plots.columns for c in by):
        return plots  # the engine names the missing trial key
    if response not in plots.columns:  # --response yield_kg_mu of tables in kg/ha
        plots = plots.assign(**{response: pd.Series(pd.NA, index=plots.index, dtype=object)})
    given = pd.to_numeric(plots[response], errors="coerce")
    keys = _trial_keys(plots, by)
    blank_trials = given.isna().groupby(keys).transform("all").to_numpy(dtype=bool, copy=True)
    if not blank_trials.any():
        return plots
    plots = plots.copy()
    filled = plots[response].astype(object)  # text cells as read (validate=False)
    for column, unit in others.items():
        numbers = pd.to_numeric(plots[column], errors="coerce")
        has = numbers.notna().groupby(keys).transform("any").to_numpy()
        rows = blank_trials & has & filled.isna().to_numpy()
        if not rows.any():
            continue
        converted = convert_yield(numbers[rows].to_numpy(dtype=float), unit, target, crop=crop)
        filled[rows] = np.asarray(converted, dtype=float).astype(object)
        # a trial takes the first other column that holds its yields
        blank_trials = blank_trials & ~has
    plots[response] = filled
    return plots


def _leave_out_duplicate_plots(
    plots: pd.DataFrame, by: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Leave out the trials of a yield table in which a plot id is on several rows.

    Raw harvest records refuse them trial by trial (``read_plots``); a yield table counted
    each such plot twice (a site in two files, a block pasted twice: 12 "plots" of 6, the
    error df inflated), status ok, without a word.
    """
    import numpy as np

    from yieldtrial.io.validation import duplicate_id_problem

    columns = [*by, "plot_id"]
    if any(c not in plots.columns for c in columns):
        return plots, []
    twice = plots.duplicated(subset=columns, keep=False).to_numpy(dtype=bool) & plots[
        columns
    ].notna().all(axis=1).to_numpy(dtype=bool)
    if not twice.any():
        return plots, []
    keys = _trial_keys(plots, by)
    files = _trial_files(plots, keys)
    sources = list(plots.attrs.get("sources", []))
    single = Path(sources[0]).name if len(sources) == 1 else "plot table"
    left_out: list[str] = []
    left_out_sites: list[tuple[str, str]] = list(plots.attrs.get("left_out_sites", []))
    dropped = np.zeros(len(plots), dtype=bool)
    for key in dict.fromkeys(keys[twice]):
        in_trial = (keys == key).to_numpy()
        problem = duplicate_id_problem(plots.loc[in_trial], columns)
        reason = f"{files.get(key, single)}: {problem}"
        left_out.append(f"{'/'.join(by)} {key!r}: {reason}")
        left_out_sites.append((str(key), reason))
        dropped |= in_trial
    everything = f"every trial's harvest records are invalid ({len(left_out)} of {len(left_out)})"
    return _without_left_out(plots, by, dropped, left_out, left_out_sites, everything)


def _warn_implausible_trial_yields(
    plots: pd.DataFrame, response: str, by: list[str], crop: str | None
) -> None:
    """Warn of a table's yields no crop gives, trial by trial, as ``report`` warns of them.

    A yield above 40,000 kg/ha (``1e6`` typed for ``7250.3``, an area's unit slip) and a
    trial whose every yield is below 100 kg/ha were analysed by ``network`` without a word
    (stop 53's fuzzing: the across-site mean of N1 read 89,635 kg/ha); the harvest records
    it standardizes were already checked (:func:`_standardized`), so only the trials given
    as yields are checked here.  The lines name the trial and go to the report's notes.
    """
    import numpy as np
    import pandas as pd

    from yieldtrial.io.yields import warn_implausible_yields, warn_tiny_yields
    from yieldtrial.units import convert_yield, unit_from_yield_column

    unit = unit_from_yield_column(response)
    if unit is None or any(c not in plots.columns for c in by):
        return  # a yield column of no known unit: nothing to compare with
    values = pd.to_numeric(plots[response], errors="coerce").astype(float)
    try:
        kg_ha = pd.Series(
            np.asarray(convert_yield(values.to_numpy(), unit, "kg/ha", crop=crop), dtype=float),
            index=plots.index,
        )
    except DataValidationError:  # bushels without a crop: no weight to convert with
        return
    standardized = plots.attrs.get("standardized") or {}
    converted = {str(s) for s in standardized.get("sites", [])}
    keys = _trial_keys(plots, by)
    warned: dict[str, list[str]] = {}
    for key, rows in keys.groupby(keys, sort=False).groups.items():
        if str(key) in converted:  # warned of as its harvest records were standardized
            continue
        trial = plots.loc[rows]
        ids = (
            trial["plot_id"].astype(str)
            if "plot_id" in trial.columns
            else pd.Series([str(i) for i in trial.index], index=trial.index)
        )
        frame = pd.DataFrame({"plot_id": ids})
        with held_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warn_implausible_yields(frame, kg_ha.loc[rows])
            warn_tiny_yields(frame, kg_ha.loc[rows], harvest=False)  # as report's
        for item in caught:
            warned.setdefault(" ".join(str(item.message).split()), []).append(repr(key))
    if warned:
        plots.attrs["reading_warnings"] = [
            *plots.attrs.get("reading_warnings", []),
            *_print_trial_warnings(warned, "/".join(by)),
        ]


def _leave_out_negative_yields(
    plots: pd.DataFrame, response: str, by: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Leave out the trials holding a negative yield, as trials with invalid harvest records.

    A yield below 0 is a typing error (a minus sign, a difference pasted into the yield
    column); analysed, it pulled its site's means down without a word. ``report`` refuses it
    (``read_plots``); a network reports the trial left out and analyses the others.
    """
    import numpy as np
    import pandas as pd

    if any(c not in plots.columns for c in by):
        return plots, []  # the engine names the missing trial key
    values = pd.to_numeric(plots[response], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        negative = values < 0
    if not negative.any():
        return plots, []
    keys = _trial_keys(plots, by)
    left_out: list[str] = []
    left_out_sites: list[tuple[str, str]] = list(plots.attrs.get("left_out_sites", []))
    dropped = np.zeros(len(plots), dtype=bool)
    for key in dict.fromkeys(keys[negative]):
        in_trial = (keys == key).to_numpy()
        first = int(np.flatnonzero(in_trial & negative)[0])
        plot = (
            f" (plot {str(plots['plot_id'].iloc[first])!r})" if "plot_id" in plots.columns else ""
        )
        count = int((in_trial & negative).sum())
        more = f" and {count - 1} more are" if count > 1 else " is"
        reason = (
            f"row {plots.index[first]!r}{plot}: {response} = {plots[response].iloc[first]!r}"
            f"{more} negative; a yield cannot be below 0: correct the value, or blank it "
            "(a blank is a missing plot)"
        )
        left_out.append(f"{'/'.join(by)} {key!r}: {reason}")
        left_out_sites.append((str(key), reason))
        dropped |= in_trial
    everything = f"every trial holds a negative yield ({len(left_out)} of {len(left_out)})"
    return _without_left_out(plots, by, dropped, left_out, left_out_sites, everything)


def _without_left_out(
    plots: pd.DataFrame,
    by: list[str],
    dropped: np.ndarray,
    left_out: list[str],
    left_out_sites: list[tuple[str, str]],
    everything: str,
) -> tuple[pd.DataFrame, list[str]]:
    """Drop the rows of the trials just left out, saying so once per trial.

    ``left_out`` holds this step's lines; ``left_out_sites`` the report's site strip,
    earlier steps' entries first.  When every row is dropped, the error is
    ``everything`` and the first trial's reason.
    """
    if dropped.all():
        raise DataValidationError(f"{everything}; first: {left_out[0]}")
    for key, reason in left_out_sites[len(left_out_sites) - len(left_out) :]:
        print_message(network_warning_line("/".join(by), repr(key), reason, left_out=True))
    kept = plots.loc[~dropped].copy()
    kept.attrs = dict(plots.attrs)
    kept.attrs["left_out_sites"] = left_out_sites
    return kept, left_out


def _blank_field_book(trial: pd.DataFrame) -> bool:
    """Whether a trial of one file has fresh-mass columns, every cell of them empty.

    A field book of ``yieldtrial design`` fed back before the harvest: its blank columns
    were dropped with those of other sites' files, and the trial was refused as "missing
    required columns: fresh_mass_kg ..." although the file has them.
    """
    masses = [c for c in trial.columns if str(c).startswith("fresh_mass_")]
    return bool(masses) and bool(trial[masses].isna().all().all())


def _harvest_names(plots: pd.DataFrame) -> dict[str, str]:
    """Map unit variants of area and mass headers to the names has_harvest_columns checks."""
    names = {}
    for column in plots.columns:
        text = str(column)
        if text.startswith("harvested_area_"):
            names[text] = "harvested_area_m2"
        elif text.startswith("fresh_mass_"):
            names[text] = "fresh_mass_kg"
    return names


def _in_unit(
    plots: pd.DataFrame, response: str, unit: str, crop: str | None
) -> tuple[pd.DataFrame, str]:
    """Convert the response column to ``unit`` (non-numeric cells stay for the engine)."""
    import pandas as pd

    from yieldtrial.units import convert_yield, unit_from_yield_column, yield_column, yield_unit

    given = unit_from_yield_column(response)
    target = yield_unit(unit)
    if given is None or given == target:
        return plots, response
    column = yield_column(target)
    numbers = pd.to_numeric(plots[response], errors="coerce")
    converted = convert_yield(numbers, given, target, crop=crop)
    plots = plots.copy()
    plots[column] = plots[response].where(numbers.isna(), converted)
    return plots, column


def _roles(
    plots: pd.DataFrame, config: TrialConfig, args: argparse.Namespace
) -> tuple[str, str | None, str]:
    """Return the treatment column, the block column (None without one) and the design."""
    mapped = {str(k): str(v) for k, v in plots.attrs.get("column_map", {}).items()}
    treatment = mapped.get(args.treatment, args.treatment)  # a header of the file is fine
    block = mapped.get(args.block, args.block) or ("block" if "block" in plots.columns else None)
    design = args.design or config.design or ("rcbd" if block else "crd")
    _check_design(design, block, config, args)
    return treatment, block, design


def _check_design(
    design: str, block: str | None, config: TrialConfig, args: argparse.Namespace
) -> None:
    """Refuse a design ``network`` cannot fit, or an RCBD without blocks, naming the options.

    ``analyze_many`` names its Python arguments (``design='rcbd' needs block=<column>``,
    ``design must be one of 'rcbd', 'crd'; got 'alpha'``), which the command line does not
    have (stop 50): the message names ``--design`` or trial.toml's ``[analysis] design``,
    whichever gave the design, and ``--block``.

    Raises
    ------
    DataValidationError
        trial.toml's design is not ``rcbd`` or ``crd``, or the design is ``rcbd`` and the
        plot tables have no block column.
    """
    from yieldtrial.network import DESIGNS

    if args.design is not None:
        said = f"--design {design}"
    else:  # only trial.toml gives a design besides --design (argparse checks that one)
        where = repr(config.source) if config.source else "the trial description"
        said = f'{where}: [analysis] design = "{design}"'
    if design not in DESIGNS:
        raise DataValidationError(
            f"{said} is not a design network fits: it analyses every trial as an RCBD or a "
            "CRD; give --design rcbd or --design crd (either overrides the file), or analyse "
            "each trial alone with yieldtrial report"
        )
    if design == "rcbd" and block is None:
        raise DataValidationError(
            f"{said} needs a block (replicate) column, which the plot tables do not have: name "
            'it with --block COLUMN (or block = "..." in [analysis]), or use --design crd for a '
            "completely randomized design."
        )


def _standardized(
    plots: pd.DataFrame, config: TrialConfig, *, by: list[str], args: argparse.Namespace
) -> tuple[pd.DataFrame, str, list[str]]:
    """Standardize raw harvest records to yields one trial at a time, as ``report`` does."""
    import numpy as np
    import pandas as pd

    from yieldtrial.io import validation as _validation
    from yieldtrial.io.plots import read_file_rows
    from yieldtrial.io.yields import (
        plot_yield_kg_ha,
        warn_crop_implausible_yields,
        warn_implausible_yields,
        warn_tiny_yields,
    )
    from yieldtrial.protocols import (
        PROTOCOLS,
        canonical_crop,
        plausible_harvest_moisture_pct,
        standard_moisture_pct,
    )
    from yieldtrial.units import convert_yield, yield_column, yield_unit

    if not config.crop and config.standard_moisture_pct is None:
        raise DataValidationError(
            "the plot tables hold raw harvest records (fresh mass and moisture): give --crop "
            "(e.g. --crop wheat) or crop in trial.toml (--config), or "
            "--standard-moisture-pct, to standardize them to yields"
        )
    crop = canonical_crop(config.crop) if config.crop else "wheat"
    protocol = config.protocol or "cn-yield-test"
    if protocol not in PROTOCOLS:
        raise DataValidationError(
            f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}"
        )
    standard = (
        config.standard_moisture_pct
        if config.standard_moisture_pct is not None
        else standard_moisture_pct(crop, protocol=protocol)
    )
    unit = yield_unit(args.unit or config.unit or ("kg/mu" if args.lang == "zh" else "kg/ha"))
    response = yield_column(unit)
    low, high = plausible_harvest_moisture_pct(crop)
    absent = [c for c in by if c not in plots.columns]
    if absent:
        raise DataValidationError(
            f"trial key column(s) {', '.join(map(repr, absent))} not in the plot table; "
            f"columns: {', '.join(map(str, plots.columns))}. Give --by COLUMN, or one file per "
            "site"
        )
    sources = list(plots.attrs.get("sources", []))
    name = Path(sources[0]).name if len(sources) == 1 else "plot table"
    if plots.empty:  # grouping no rows by the keys failed in pandas (exit 3)
        raise DataValidationError(
            f"{name}: the table has no plot rows (only a header); expected one row per plot"
        )
    for column in by:  # a blank key (NaN) failed in " / ".join (exit 3); as the engine says
        cells = plots[column]
        blank = cells.isna() | cells.astype(str).str.strip().eq("")
        if blank.any():
            row = plots.index[int(np.flatnonzero(blank.to_numpy(dtype=bool))[0])]
            raise DataValidationError(
                f"column {column!r} (a trial key in by=) is blank at row {row!r}; every plot "
                f"needs its trial identified. Fill the {column!r} labels or drop those rows."
            )
    # one column in two roles (--by block with a block column) is refused before any trial
    # is standardized: its error alone, not after a warning line per trial (stop 33)
    from yieldtrial.network._columns import _check_columns, _check_distinct_roles

    treatment, block, design = _roles(plots, config, args)
    for control in config.control:  # the same checks, in the same order, as _run's after it
        _check_control(plots, treatment, control)
    block_used = block if design == "rcbd" else None
    _check_distinct_roles(response, treatment, block_used, by)
    _check_columns(list(plots.columns), {"treatment": treatment, "block": block_used})
    tables = []
    left_out = []
    trials_warned: dict[str, list[str]] = {}  # warning text -> the trials it was raised for
    left_out_sites: list[tuple[str, str]] = []  # (site, reason) for the report's site strip
    converted: list[str] = []  # the trials whose harvest records were standardized
    keys = _trial_keys(plots, by)
    trial_files = _trial_files(plots, keys)
    for key, group in plots.groupby(keys, sort=False):
        # several files: the message names the trial's own file(s), not "plot table"; a site
        # in two files with the same plot ids was "duplicate plot ids within a site" alone
        name = trial_files.get(key, name)
        # the trial's own columns: those of the other sites' files are blank in its rows (a
        # site of 200,000 columns gave every trial 200,000 to clean, 76 s; and a site without
        # plot-table columns was "plot_id is empty in row 2", not its missing columns)
        if len(sources) == 1 and _blank_field_book(group):  # before the columns go
            from yieldtrial.stats.trial_analysis import no_observed_yield_message

            reason = no_observed_yield_message(len(group))
            left_out.append(f"{'/'.join(by)} {key!r}: {reason}")
            left_out_sites.append((str(key), reason))
            continue
        frame = group.loc[:, group.notna().any().to_numpy()].copy()
        if "plot_id" not in frame:
            frame.insert(0, "plot_id", [str(i) for i in frame.index])
        with held_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:  # its warnings (impurity as fractions, label variants) name the trial too
                valid = read_file_rows(frame, name=name)
            except DataValidationError as exc:
                left_out.append(f"{'/'.join(by)} {key!r}: {exc}")
                left_out_sites.append((str(key), " ".join(str(exc).split())))
                continue
            if config.crop:  # the moisture range is the crop's
                _validation.warn_implausible_moisture(valid, crop=crop, low=low, high=high)
            yields = plot_yield_kg_ha(
                valid,
                crop=crop,
                standard_moisture_pct=float(standard),
                moisture_method=config.moisture_method or "dry_matter",
                shrink_pct_per_point=config.shrink_pct_per_point,
            )
            warn_implausible_yields(valid, yields)
            warn_tiny_yields(valid, yields)
            if config.crop:  # the yield bounds are the crop's, as the moisture range
                warn_crop_implausible_yields(valid, yields, crop=crop)
        for item in caught:  # as report warns, naming the trial (plot ids repeat across sites)
            trials_warned.setdefault(" ".join(str(item.message).split()), []).append(repr(key))
        valid[response] = convert_yield(yields, "kg/ha", unit, crop=crop)
        tables.append(valid)
        converted.append(str(key))
    if not tables:  # the error line alone: no warning line for each trial it names
        raise DataValidationError(
            f"every trial's harvest records are invalid ({len(left_out)} of {len(left_out)}); "
            f"first: {left_out[0]}"
        )
    plots.attrs["reading_warnings"] = _print_trial_warnings(trials_warned, "/".join(by))
    for key, reason in left_out_sites:  # Chinese under --lang zh when catalogued
        print_message(network_warning_line("/".join(by), repr(key), reason, left_out=True))
    combined = pd.concat(tables)
    combined.attrs = dict(plots.attrs)
    combined.attrs["left_out_sites"] = left_out_sites
    # the report's methods say which sites' records were converted, to what and how (stop 34)
    combined.attrs["standardized"] = {
        "sites": converted,
        "crop": crop,
        "protocol": protocol,
        "standard_pct": float(standard),
        "standard_given": config.standard_moisture_pct is not None,
        "method": config.moisture_method or "dry_matter",
        "shrink_pct_per_point": config.shrink_pct_per_point,
    }
    return combined, response, left_out


def _check_control(plots: pd.DataFrame, treatment: str, control: str) -> str:
    """Return the control as a label of the treatment column; refuse it (listing them) if absent."""
    from yieldtrial.io.validation import as_labels, list_items

    if treatment not in plots.columns:
        return control  # the engine names the missing column
    labels = list(dict.fromkeys(as_labels(plots[treatment].dropna().astype(str).str.strip())))
    if control in labels:
        return control
    label = as_labels(control)[0]
    if label in labels:
        return label
    raise DataValidationError(
        f"control {control!r} is not a treatment of any trial; treatments present: "
        f"{list_items((repr(t) for t in labels), limit=30)}. Labels are case-sensitive: pass "
        "--control one of them (or control in the [analysis] table of trial.toml)"
    )


def _check_some_trial_included(result: Any, threshold: float | None) -> None:
    """Exit 1 when --exclude-cv-above leaves out every analysed trial (empty tables otherwise)."""
    sites = getattr(result.summary, "sites", None)
    if threshold is None or sites is None or not len(sites) or sites["included"].any():
        return
    excluded = sites[sites["reason"].astype(str).str.startswith("excluded: CV")]
    if excluded.empty:
        return
    cvs = sorted(float(v) for v in excluded["cv_pct"])
    from yieldtrial.io.checks import typed_number

    typed = typed_number(threshold)  # 1e-320 as typed (:g printed 9.99989e-321)
    raise DataValidationError(
        f"--exclude-cv-above {typed} leaves out every analysed trial (their CV % runs "
        f"from {fixed(cvs[0], 1)} to {fixed(cvs[-1], 1)}), so there is nothing to summarize; "
        "give a threshold above the CV of the trials to keep (e.g. 15), or leave the option out"
    )


def _one_trial_note(name: str, site: str) -> str:
    """Say that a file without a site column was analysed as one trial (one site).

    Examples
    --------
    >>> _one_trial_note("plots.csv", "plots")
    "plots.csv has no site column, so it is one trial, site 'plots' (the file's name); \
for a network, give each site's rows their site in a column (--by COLUMN names it), or \
one file per site"
    """
    return (
        f"{name} has no site column, so it is one trial, site {site!r} (the file's name); for "
        "a network, give each site's rows their site in a column (--by COLUMN names it), or "
        "one file per site"
    )


def _check_some_trial_analysed(result: Any, left_out: list[str]) -> None:
    """Exit 1 when no trial could be analysed (a network of failures is not a result).

    The trials left out before the analysis (``left_out``: their harvest records, duplicate
    plots, negative yields) are failures too: they come first in the reasons, and every
    failed trial past the first three reasons is named after them (stop 48: the line
    listed the engine's failures only).
    """
    import re

    from yieldtrial.io.validation import list_items

    counts = dict(result.counts)
    if sum(v for k, v in counts.items() if k != "failed"):
        return
    by = list(result.options.get("by", []))
    failures = [(" ".join(line.split()).rstrip("."), line) for line in left_out]
    for number, row in enumerate(result.per_trial.to_dict("records"), start=len(left_out) + 1):
        reason = " ".join(str(row.get("reason") or "").split()).rstrip(".")
        key = " / ".join(str(row.get(k, "")) for k in by)
        named = f"{'/'.join(by)} {key!r}" if by else f"trial {number}"
        failures.append((f"{named}: {reason}" if reason else "", named))
    # numbered, each trial named as a left-out line names it: "site 'A'"
    reasons = [f"({n}) {text}" for n, (text, _) in enumerate(failures[:3], start=1) if text]
    quoted = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
    names = []
    for _, name in failures[3:]:
        found = quoted.search(name)
        names.append(found.group() if found else name)
    rest = (
        f"; the other {len(names)}: {'/'.join(by) or 'trials'} {list_items(names)}" if names else ""
    )
    total = len(result.per_trial) + len(left_out)
    raise DataValidationError(
        f"no trial could be analysed: {total} trials, all failed"
        + (f"; first reasons: {'; '.join(reasons)}" if reasons else "")
        + rest
        + ". Check the control, treatment and block columns and the yields"
    )
