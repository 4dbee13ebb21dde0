"""``yieldtrial report``: the yield-test report of a plot table (HTML, Markdown, JSON, DOCX, XLSX).

yieldtrial report plots.csv --config trial.toml --lang zh -o report.html
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from yieldtrial.commands._figures import use_file_backend as _use_file_backend
from yieldtrial.commands._input import (
    UsageError,
    add_control_option,
    add_moisture_options,
    add_table_options,
    check_file_options,
    number_option,
    one_line,
    print_warning,
    require_control_for_margin,
    require_crop,
    settings_from_args,
)

EXAMPLES = """\
examples:
  yieldtrial report plots.csv --config trial.toml -o report.html
  yieldtrial report plots.csv --crop wheat --control CK1,CK2 --lang zh -o report.docx
  yieldtrial report plots.csv --config trial.toml --margin 5 --format json -o report.json
  yieldtrial report plots.csv --config trial.toml -o tables.xlsx
  yieldtrial report oats.csv --crop oats --protocol usda --design split_plot --factors variety \\
      -o report.md
"""


def register(subparsers: Any) -> None:
    """Add the ``report`` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="write the yield-test report of a plot table (HTML, Markdown, JSON, DOCX, XLSX)",
        description="Standardize plot yields, analyse the trial and write its yield-test "
        "report. Settings come from --config trial.toml; flags override the file.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("plots", metavar="PLOTS", help="plot table (CSV or .xlsx)")
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="report file; the format follows the suffix "
        "(.html, .md, .json, .docx, .xlsx) unless --format is given; a .md report writes its "
        "figures into OUT_files/",
    )
    add_table_options(parser)
    add_moisture_options(parser)
    add_control_option(parser)
    parser.add_argument(
        "--design",
        help="field design (crd, rcbd, latin, split_plot, strip_plot, factorial, alpha, "
        "row_column, augmented); latin needs row and column columns, the two-factor designs "
        "--factors, alpha an incomplete_block column (default: recognised from the table's "
        "columns, e.g. rcbd with a block column, alpha with an incomplete_block column)",
    )
    parser.add_argument(
        "--checks",
        metavar="LABELS",
        help="augmented designs: the checks (repeated in every block), comma-separated "
        "(CK1,CK2); for a table without an entry_type column, e.g. a partially replicated "
        "(p-rep) trial whose entries on two plots are entries; implies --design augmented",
    )
    parser.add_argument(
        "--block-effects",
        choices=("fixed", "random"),
        help="blocks (replicates) as fixed or random effects; random fits a mixed model by REML "
        "(default fixed; split and strip plots with missing plots: REML)",
    )
    parser.add_argument(
        "--ddf",
        choices=("satterthwaite", "kenward-roger"),
        help="denominator df of mixed models (REML): satterthwaite (default) or kenward-roger",
    )
    parser.add_argument(
        "--factors",
        metavar="COLS",
        help="two-factor designs: the factor columns in design order, comma-separated "
        "(split plot: WHOLE,SUB; one name = whole plot, the treatment column the sub-plot)",
    )
    parser.add_argument(
        "--unit",
        help="display unit of yields (kg/ha, kg/mu, t/ha, bu/ac, ...); default: the "
        "unit of --config, else kg/mu with --lang zh, else kg/ha",
    )
    parser.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the report, the lines printed (warnings, notes, 'wrote ...') and "
        "the messages (default en; zh reports in kg/mu unless --unit or --config says otherwise)",
    )
    parser.add_argument(
        "--format",
        choices=("html", "markdown", "json", "docx", "xlsx"),
        help="output format (default: from the suffix of OUT)",
    )
    parser.add_argument(
        "--margin-pct",
        "--margin",
        dest="margin",
        type=number_option,
        metavar="PCT",
        help="non-inferiority margin in %% of the control mean (default: [analysis] margin_pct of "
        "--config, else none)",
    )
    parser.add_argument("--alpha", type=number_option, help="significance level (default 0.05)")
    parser.add_argument(
        "--letters",
        choices=("tukey", "lsd", "duncan", "snk", "scheffe"),
        help="procedure for the letter display (default tukey)",
    )
    parser.add_argument("--no-figures", action="store_true", help="leave the figures out")
    parser.set_defaults(handler=_run)


#: Plot tables at least this large [bytes] run with freed memory kept for reuse (millions of
#: plots, whose 32 MiB+ arrays glibc maps fresh each time); smaller ones keep glibc's
#: defaults, under which the kept memory only raised the peak (1,000 treatments x 3 blocks:
#: 243 -> 293 MB at the same CPU, ``bench_many_treatments.py --cli --against``, stop 33).
LARGE_TABLE_BYTES = 64 * 1024 * 1024


def _run(args: argparse.Namespace) -> int:
    import contextlib

    from yieldtrial.commands._memory import reuse_freed_memory

    # millions of plots: freed arrays' memory serves the next ones (no fresh zeroed pages)
    with reuse_freed_memory() if _large_table(args) else contextlib.nullcontext():
        return _report(args)


def _large_table(args: argparse.Namespace | None) -> bool:
    """Tell whether the plot table is a file of at least :data:`LARGE_TABLE_BYTES`."""
    import os

    try:
        return os.stat(args.plots).st_size >= LARGE_TABLE_BYTES  # type: ignore[union-attr]
    except (AttributeError, OSError, TypeError, ValueError):  # no table, or not readable yet
        return False


def _report(args: argparse.Namespace) -> int:
    """Write the report of ``args.plots`` (the command's work, see :func:`_run`)."""
    from yieldtrial.io.output import check_output, shown_path
    from yieldtrial.report.files import report_from_files, write_report_file
    from yieldtrial.report.formats import check_format, format_for_path

    fmt = check_format(args.format) if args.format else format_for_path(args.output)
    if not args.no_figures and fmt in DRAWING_FORMATS:
        # no figures, or a format that only names them (JSON, Excel): matplotlib is not
        # imported at all (13 MiB, 0.1-0.15 s of CPU)
        _use_file_backend()
    _check_suffix_matches(args.output, fmt)
    check_file_options(args.sheet, args.encoding, [args.plots])
    inputs = [args.plots] + ([args.config] if args.config else [])
    force = getattr(args, "force", False)
    check_output(args.output, force=force, inputs=inputs)
    config = settings_from_args(
        args,
        design=args.design,
        checks=args.checks,
        block_effects=args.block_effects,
        ddf=args.ddf,
        factors=args.factors,
        margin_pct=args.margin,
        alpha=args.alpha,
        letters=args.letters,
    )
    from yieldtrial.io.table_files import refuse_document

    refuse_document(args.plots, sheet=args.sheet)  # a report given back: say so, not "no crop"
    require_crop(config)
    require_control_for_margin(config)  # in the flag's words, before the table is read
    from yieldtrial.errors import DataValidationError

    try:
        report, warnings = report_from_files(
            args.plots,
            config,
            lang=args.lang,
            sheet=args.sheet,
            encoding=args.encoding,
            figures=not args.no_figures,
        )
    except DataValidationError as error:
        raise _factors_of_the_file(error, args, config) from None
    for message in warnings:
        print_warning(message)
    for message in _pooled_strata(report.results.get("warnings") or []):
        print_warning(message)
    from yieldtrial.io.progress import stage

    with stage(f"writing {shown_path(args.output)}"):
        write_report_file(report, args.output, fmt=fmt, force=force, inputs=inputs)
    from yieldtrial.commands._zh_messages import wrote_line

    print(wrote_line(shown_path(args.output)), file=sys.stderr)
    note = suspect_plots_line(report.results.get("suspect_plots") or [])
    if note:
        print(note, file=sys.stderr)
    from yieldtrial.report.companions import COMPANION_FORMATS, companion_path

    if fmt in COMPANION_FORMATS:  # many entries: the complete tables next to the report
        for companion in report.companions:
            shown = shown_path(companion_path(args.output, companion.key))
            print(wrote_line(shown), file=sys.stderr)
    return 0


def suspect_plots_line(flagged: list[dict[str, Any]]) -> str | None:
    """Return the terminal line naming the plots the report's data checks flagged (or None).

    The report says which conclusions rest on them, but a run printed only "wrote
    report.html": a doubled weight went unseen until the report was read (stop 36, user
    pass).  Chinese under ``--lang zh``.

    Examples
    --------
    >>> line = suspect_plots_line([{"plot_id": "201"}, {"plot_id": "201"}])
    >>> line.startswith("note: suspect plot '201': see the report's section 'Suspect plots")
    True
    >>> suspect_plots_line([]) is None
    True
    """
    from yieldtrial.commands._zh_messages import status_line
    from yieldtrial.io.validation import list_items
    from yieldtrial.report.i18n import t

    plots = [_shown_id(p) for p in dict.fromkeys(one_line(str(r.get("plot_id"))) for r in flagged)]
    if not plots:
        return None
    many = len(plots) > 1
    them, record = ("them", "their records") if many else ("it", "its record")
    english = (
        f"note: suspect plot{'s' if many else ''} {list_items(plots)}: see "
        f"the report's section '{t('section.data_checks', 'en')}' for the conclusions that "
        f"depend on {them}, and check {record}"
    )
    listed = "、".join(plots[:5]) + (f" 等 {len(plots)} 个" if len(plots) > 5 else "")
    chinese = (
        f"注意：可疑小区 {listed}：依赖{'这些' if many else '该'}小区的结论见报告"
        f"“{t('section.data_checks', 'zh')}”一节；请核对其记录"
    )
    return status_line(english, chinese)


#: Longest plot id the terminal note quotes whole (a longer one: its start and length).
_NOTE_ID_CHARS = 60


def _shown_id(plot: str) -> str:
    r"""Return a plot id for the terminal note: quoted, escaped, a long one shortened.

    ``repr`` shows control characters and escape sequences as ``\x1b`` (no terminal
    injection); an id of thousands of characters, spaces or not, is named by its start and
    its length (the line stays short: at most five ids are listed).
    """
    if len(plot) <= _NOTE_ID_CHARS:
        return repr(plot)
    return f"{repr(plot[:44])[:-1]}...{repr(plot)[-1]} ({len(plot):,} characters)"


def _check_suffix_matches(output: str, fmt: str) -> None:
    """Refuse ``-o r.md --format docx``: a suffix naming another format (DOCX bytes in a .md).

    Raises
    ------
    UsageError
        The suffix of ``output`` is a report suffix of a format other than ``fmt``.
    """
    from pathlib import Path

    from yieldtrial.report.formats import FORMATS

    suffix = Path(output).suffix.lower()
    named = next((name for name, suffixes in FORMATS.items() if suffix in suffixes), None)
    if named is not None and named != fmt:
        raise UsageError(
            f"-o {output!r} names a {named} file but --format is {fmt}; give the output the "
            f"suffix of {fmt} ({', '.join(FORMATS[fmt])}) or leave --format out"
        )


#: The report formats whose files hold the figures' pictures (SVG in HTML and beside the
#: Markdown file, PNG in Word); JSON and Excel reports name the figures without drawing.
DRAWING_FORMATS = frozenset({"html", "markdown", "docx"})


def _factors_of_the_file(error: Exception, args: argparse.Namespace, config: Any) -> Exception:
    """Name trial.toml's ``factors`` (not ``--factors``) set for a one-factor design.

    The library says ``factors=(...) applies to the two-factor designs``, which the command
    line turns into ``--factors ...``: wrong when the user never typed ``--factors`` but
    wrote ``factors = ...`` in trial.toml.  Any other error is returned unchanged.
    """
    import re

    from yieldtrial.errors import DataValidationError

    message = str(error)
    match = re.match(
        r"factors=(?P<names>\([^)]*\)) applies to the two-factor designs \((?P<designs>[^)]*)\); "
        r"this trial's design is (?P<design>'[^']*')\.",
        message,
    )
    if match is None or args.factors is not None or not config.factors or not config.source:
        return error
    written = list(config.factors) if len(config.factors) > 1 else config.factors[0]
    return DataValidationError(
        f"{config.source!r}: factors = {written!r} in [analysis] applies to the two-factor "
        f"designs ({match['designs']}); this trial's design is {match['design']}. Set design "
        '= "split_plot", "strip_plot" or "factorial" in [analysis], or remove factors'
    )


def _pooled_strata(messages: list[str]) -> list[str]:
    """Return the report's warnings that change what a test in it means, to print them too.

    An error stratum pooled (REML, a component at 0), and adjusted P values (Dunnett,
    Tukey) whose numerical integration cannot tell their verdict at alpha.  The analyses'
    other warnings (CV, error df, residual checks) stay in the report's data-quality
    section; these are printed too, because they change what the whole-plot (strip) F test
    or a significance mark in the report means: a reader comparing the F test with the
    stratum ANOVA of a published table would otherwise take it for an error, and a
    borderline verdict for a firm one.
    """
    import re

    from yieldtrial.stats.compare import BORDERLINE_MESSAGE
    from yieldtrial.stats.mixed import POOLED_STRATUM_MESSAGE

    printed = f"{POOLED_STRATUM_MESSAGE}|{BORDERLINE_MESSAGE}"
    return [m for m in messages if re.match(printed, m)]
