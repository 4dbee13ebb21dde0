"""``yieldtrial standardize``: a mass, or every plot of a table, at a standard moisture.

Three forms::

    yieldtrial standardize 442 --moisture 5 --standard 13 [--method percentage_point]
    yieldtrial standardize PLOTS.csv --crop wheat [--unit kg/mu] [-o OUT.csv]
    yieldtrial standardize PLOTS.csv --config trial.toml [--column 'Netto kg=fresh_mass_kg']
    yieldtrial standardize --example jinzhong-2024 --unit kg/mu
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from yieldtrial.commands._input import (
    UsageError,
    add_moisture_options,
    add_table_options,
    ascii_number_problem,
    check_file_options,
    check_shrink_flag,
    fill_from_config,
    flag_warning_words,
    huge_number_problem,
    number_option,
    option_number_text,
    print_usage_error,
    settings_from_args,
    stdout_is_utf8,
    table_only_flags,
    whole_number_option,
    write_stdout,
)
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.io._guard import held_warnings
from yieldtrial.io._rounding import fixed, round_frame
from yieldtrial.io.checks import message_number
from yieldtrial.io.output import check_output, shown_path, stderr_is_terminal, write_output
from yieldtrial.io.progress import draw_status, end_status

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from yieldtrial.config import TrialConfig

EXAMPLES = """\
examples:
  yieldtrial standardize 442 --moisture 5 --standard 13
  yieldtrial standardize 442 --moisture 5 --standard 13 --method percentage_point
  yieldtrial standardize plots.csv --crop wheat --unit kg/mu -o yields.csv
  yieldtrial standardize --example jinzhong-2024 --unit kg/mu --format table
"""

FORMATS: tuple[str, ...] = ("csv", "table", "json")

#: File name suggested inside a folder given as ``-o``, per --format.
_EXAMPLE_NAMES = {"csv": "yields.csv", "table": "yields.txt", "json": "yields.json"}


def _writes_xlsx(args: argparse.Namespace) -> bool:
    """Whether the table goes to an Excel workbook (``-o yields.xlsx``, the csv format)."""
    output = args.output
    return bool(output) and args.format == "csv" and Path(output).suffix.lower() == ".xlsx"


#: Most decimals --decimals accepts (more would print the float's binary noise).
MAX_DECIMALS = 15


def register(subparsers: Any) -> None:
    """Add the ``standardize`` subcommand."""
    parser = subparsers.add_parser(
        "standardize",
        help="convert a grain mass or a plot table to yield at a standard moisture",
        description="Convert one grain mass (or yield) measured at some moisture to a standard "
        "moisture, or compute the standardized yield of every plot of a plot table (CSV or "
        ".xlsx). Data errors exit with status 1, usage errors with 2.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "source",
        nargs="?",
        metavar="MASS_OR_FILE",
        help="a number (mass or yield at the measured moisture, any unit) or a plot table file",
    )
    parser.add_argument(
        "--example",
        metavar="NAME",
        help="use an example shipped with yieldtrial instead of a file (e.g. jinzhong-2024)",
    )
    parser.add_argument(
        "--moisture",
        type=number_option,
        metavar="PCT",
        help="measured grain moisture of MASS, wet basis [%%]",
    )
    add_moisture_options(parser)
    parser.add_argument(
        "--unit",
        help="yield unit added to the output table, e.g. kg/mu, t/ha (default kg/ha, or the "
        "example's own unit)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="output format for a plot table (default csv)",
    )
    parser.add_argument(
        "--decimals",
        type=whole_number_option,
        metavar="N",
        help="round the output to N decimals (default: 2 "
        "for a single MASS, full precision for a table)",
    )
    add_table_options(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write here instead of standard output (CSV files are UTF-8 with a BOM, so Excel "
        "shows Chinese text correctly; a name ending in .xlsx writes an Excel workbook, with "
        "the xlsx extra)",
    )
    parser.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the messages, warnings and notes (default en); the table's column "
        "names stay as they are (plot_id, yield_kg_mu, ...)",
    )
    parser.set_defaults(handler=_run)


def _usage_error(message: str) -> int:
    """Print the usage error (Chinese under ``--lang zh`` when catalogued); return 2."""
    return print_usage_error(message, "yieldtrial standardize")


@contextlib.contextmanager
def report_warnings(args: argparse.Namespace | None = None) -> Iterator[None]:
    """Print yieldtrial's warnings as ``yieldtrial: warning: ...`` lines on stderr.

    With ``args``, a warning about a value typed on the command line names the flag.
    """
    with held_warnings(record=True) as caught:
        warnings.simplefilter("always", YieldTrialWarning)
        yield
    from yieldtrial.commands._zh_messages import warning_line

    shown: set[str] = set()
    for item in caught:
        if issubclass(item.category, YieldTrialWarning):  # Chinese under --lang zh
            message = " ".join(str(item.message).split())
            if args is not None:
                message = flag_warning_words(message, args)
            if message not in shown:  # audit's rows warn once per moisture method
                shown.add(message)
                print(warning_line(message), file=sys.stderr)
        else:  # pragma: no cover - other libraries' warnings keep their usual form
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)


def _is_number(text: str) -> bool:
    try:
        float(option_number_text(text))  # full-width '１２．５' too
    except ValueError:
        return False
    try:
        return not Path(text).exists()
    except OSError:  # a name no file can have (401 digits: "File name too long") is a number
        return True


def _emit(
    text: str,
    output: str | None,
    inputs: list[Path],
    *,
    csv: bool = False,
    force: bool = False,
    example: str = "yields.csv",
) -> None:
    """Print ``text``, or write it to ``output``; a CSV file gets a UTF-8 BOM for Excel.

    Excel (and Chinese-locale Excel in particular) opens a CSV as UTF-8 only when it
    starts with a byte-order mark; without one 品种 shows as mojibake.  Standard
    output stays plain UTF-8 (no BOM), so pipes and other tools are unaffected.
    """
    if output is None:
        write_stdout(text)
        return
    write_output(
        output, text, force=force, inputs=inputs, encoding="utf-8-sig" if csv else "utf-8",
        example=example,
    )  # fmt: skip


def _run(args: argparse.Namespace) -> int:
    from yieldtrial.io.checks import match_option, shown
    from yieldtrial.moisture import METHODS
    from yieldtrial.protocols import PROTOCOLS

    if args.method is not None and (method := match_option(args.method, METHODS)) is None:
        return _usage_error(f"--method must be one of {', '.join(METHODS)}; got {args.method!r}")
    if args.method is not None:
        args.method = method  # "DRY_MATTER" is dry_matter
    if args.protocol is not None and (protocol := match_option(args.protocol, PROTOCOLS)) is None:
        return _usage_error(
            f"--protocol must be one of {', '.join(PROTOCOLS)}; got {args.protocol!r}"
        )
    if args.protocol is not None:
        args.protocol = protocol
    if args.decimals is not None and not 0 <= args.decimals <= MAX_DECIMALS:
        return _usage_error(
            f"--decimals must be a whole number from 0 to {MAX_DECIMALS}; got "
            f"{shown(args.decimals)} (a float holds about 15 significant digits)"
        )
    if args.example is not None and args.source is not None:
        return _usage_error("give either MASS_OR_FILE or --example, not both")
    if args.example is None and args.source is None:
        return _usage_error("give a MASS, a plot table FILE, or --example NAME")
    if args.source is not None and _is_number(args.source):
        if problem := ascii_number_problem(args.source):
            return _usage_error(f"MASS {problem}")
        if problem := huge_number_problem(args.source, whole=False, example="a mass such as 442"):
            return _usage_error(f"argument MASS_OR_FILE: {problem}")
        args.source = option_number_text(args.source)
        return _run_single(args)
    if (
        args.moisture is not None
        and args.source is not None
        and (not args.source or not Path(args.source).exists())
    ):
        return _usage_error(
            f"MASS {args.source!r} is not a number (write a decimal point: 1.5, not 1,5) "
            "and not a plot table file"
        )
    if args.moisture is not None:
        return _usage_error("--moisture applies to a single MASS; a plot table has its own column")
    try:
        config = settings_from_args(args)
    except UsageError as exc:
        return _usage_error(str(exc))
    return _run_table(args, config)


def check_moisture_flag(moisture: float) -> None:
    """Refuse a ``--moisture`` out of range or given as a fraction, naming the flag.

    The moisture checks of :func:`~yieldtrial.standardize_moisture` name its parameter
    (``moisture_pct must be in [0, 100)``); the command line names the option typed, in
    the words of the other moisture flags (``--standard``).

    Raises
    ------
    DataValidationError
        ``moisture`` [%] outside [0, 100), or in (0, 1] (a fraction: 0.14 for 14 %).
    """
    from yieldtrial.errors import DataValidationError

    if not 0 <= moisture < 100:
        raise DataValidationError(
            f"the command line: --moisture = {moisture!r}; --moisture must be in [0, 100): "
            "expected percent (0-100), e.g. 13."
        )
    if 0 < moisture <= 1:
        raise DataValidationError(
            f"the command line: --moisture = {moisture!r} looks like a fraction; moisture is "
            f"percent (0-100): write {message_number(moisture, scale=100)} for "
            f"{message_number(moisture, scale=100)} %."
        )


def _as_float(value: object) -> float:
    """Return the standardized figure of one number (float in, float out; no NumPy)."""
    return float(cast("float", value))


def _run_single(args: argparse.Namespace) -> int:
    from yieldtrial.commands._zh_messages import status_line, warning_line
    from yieldtrial.io.checks import MAX_ANALYSED_YIELD, check_range
    from yieldtrial.moisture import describe_method, standardize_moisture
    from yieldtrial.protocols import plausible_harvest_moisture_pct, standard_moisture_pct

    if args.moisture is None:
        return _usage_error("a single MASS needs --moisture (the measured moisture, %)")
    shrink_flag = args.shrink_per_point
    if args.unit is not None:
        return _usage_error("--unit applies to plot tables; a single MASS keeps its own unit")
    if args.output and Path(args.output).suffix.lower() == ".xlsx":
        return _usage_error(
            f"a single MASS writes two lines of text, not a .xlsx file; name it "
            f"{Path(args.output).stem}.txt"
        )
    flags = (("format", "--format"), ("column", "--column"), ("sheet", "--sheet"),
             ("encoding", "--encoding"))  # fmt: skip
    problem = table_only_flags(args, flags)
    if problem:
        return _usage_error(problem)
    try:
        # a plot table's checks, in its words: "--standard = 200.0; --standard must be in
        # [0, 100)", not the Python parameter standard_moisture_pct (before the flags not
        # given are filled from --config, so that a value from the file is named as its key)
        settings_from_args(args)
    except UsageError as exc:
        return _usage_error(str(exc))
    check_moisture_flag(args.moisture)
    args.standard_typed = args.standard is not None  # before trial.toml fills it
    fill_from_config(args)
    try:
        check_shrink_flag(shrink_flag, args.method)
    except UsageError as exc:
        return _usage_error(str(exc))
    if args.standard is None and args.crop is None:
        return _usage_error(
            "give --standard PCT, or --crop (and --protocol) to look it up, or --config "
            "trial.toml with crop or standard_moisture_pct"
        )
    protocol = args.protocol or "cn-yield-test"
    standard = (
        args.standard
        if args.standard is not None
        else standard_moisture_pct(args.crop, protocol=protocol)
    )
    method = args.method or "dry_matter"
    if method == "shrink" and args.shrink_per_point is None:
        return _usage_error(
            "--method shrink needs --shrink-per-point PCT (e.g. 1.2 for US crop insurance); "
            "there is no neutral default"
        )
    mass = float(args.source)
    if not math.isfinite(mass):
        return _usage_error(f"MASS must be a finite number; got {args.source!r}")
    if mass > MAX_ANALYSED_YIELD:  # 1e308 printed a 309-digit yield (audit's rule refuses it)
        check_range(
            "mass",
            mass,
            low=0,
            high=MAX_ANALYSED_YIELD,
            high_inclusive=True,
            fix="No grain mass or yield comes near 1e100: correct the value",
        )
    with report_warnings(args):  # "--standard = 95 % is above any moisture standard"
        result = _as_float(
            standardize_moisture(
                mass,
                moisture_pct=args.moisture,
                standard_moisture_pct=standard,
                method=method,
                shrink_pct_per_point=args.shrink_per_point,
            )
        )
    decimals = 2 if args.decimals is None else args.decimals
    formula = describe_method(
        method,
        moisture_pct=args.moisture,
        standard_moisture_pct=standard,
        shrink_pct_per_point=args.shrink_per_point,
        lang=args.lang,
    )
    shown = fixed(result, decimals)
    lines = [
        shown,
        status_line(
            f"{message_number(mass)} at {message_number(args.moisture)} % moisture -> {shown} at "
            f"{message_number(standard)} % ({formula})",
            f"含水量 {message_number(args.moisture)}% 时的 {message_number(mass)} -> 标准含水量 "
            f"{message_number(standard)}% 时为 {shown}"
            f"（{formula}）",
        ),
    ]
    if method != "dry_matter":
        reference = _as_float(
            standardize_moisture(mass, moisture_pct=args.moisture, standard_moisture_pct=standard)
        )
        dry, difference = fixed(reference, decimals), fixed(reference - result, decimals, sign=True)
        lines.append(
            status_line(
                f"note: {method} is not the dry-matter method of the yield-test protocols; "
                f"dry_matter gives {dry} ({difference})",
                f"注意：{method} 不是产量测定规程的干物质守恒法；"
                f"按 dry_matter 为 {dry}（{difference}）",
            )
        )
    if args.crop is not None:
        low, high = plausible_harvest_moisture_pct(args.crop)
        if not low <= args.moisture <= high:
            print(
                warning_line(
                    f"moisture {message_number(args.moisture)} % is outside the plausible harvest "
                    "range for "
                    f"{args.crop} ({message_number(low)}-{message_number(high)} %); check for a "
                    "typing error"
                ),
                file=sys.stderr,
            )
    _emit("\n".join(lines) + "\n", args.output, [], force=getattr(args, "force", False),
          example="standardized.txt")  # fmt: skip
    return 0


def _format_table(
    table: pd.DataFrame, fmt: str, decimals: int | None, *, width: int | None = None
) -> str:
    if decimals is not None:
        table = round_frame(table, decimals)
    if fmt == "table":
        if width:
            return _terminal_table(table, width)
        return table.to_string(index=False) + "\n"
    if fmt == "json":
        return table.to_json(orient="records", force_ascii=False, indent=2) + "\n"
    from yieldtrial.io.output import csv_safe_frame

    return str(csv_safe_frame(table).to_csv(index=False, lineterminator="\n"))


#: Narrowest a long text column is cut to on a terminal [character cells].
MIN_TEXT_WIDTH = 12


def terminal_width() -> int | None:
    """Return the width of the terminal standard output shows on, None when it is not one.

    ``COLUMNS`` (set by the shell, or by a user who wants another width) wins, as in
    :func:`shutil.get_terminal_size`; a pipe or a file gets the whole table.
    """
    import shutil

    columns = shutil.get_terminal_size(fallback=(0, 0)).columns
    return columns if columns > 0 else None


def _cell_width(text: str) -> int:
    """Return the terminal cells ``text`` takes (a Chinese character takes two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cut_cell(text: str, limit: int) -> str:
    """Return ``text`` cut to ``limit`` terminal cells, ending in "…" when cut."""
    if _cell_width(text) <= limit:
        return text
    kept, used = [], 1  # the ellipsis takes one cell
    for char in text:
        used += _cell_width(char)
        if used > limit:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def _terminal_table(table: pd.DataFrame, width: int) -> str:
    """Return the plain-text table fitted to a terminal of ``width`` cells.

    The columns wrap in blocks no wider than the terminal (pandas' ``line_width``), and
    a text cell wider than half the terminal (a treatment's ``description``), but never
    below :data:`MIN_TEXT_WIDTH` cells, is cut with "…", so no line is wider than the
    terminal unless a single number or column name is.  The CSV and JSON formats, a
    ``-o`` file and a pipe keep every character.
    """
    import pandas as pd

    limit = max(MIN_TEXT_WIDTH, width // 2)
    fitted = table.copy(deep=False)
    cut = False
    for position in range(table.shape[1]):
        column = table.iloc[:, position]
        if pd.api.types.is_numeric_dtype(column):
            continue
        if not any(isinstance(v, str) and _cell_width(v) > limit for v in column):
            continue
        fitted.isetitem(
            position,
            [_cut_cell(v, limit) if isinstance(v, str) else v for v in column.tolist()],
        )
        cut = True
    if cut:
        from yieldtrial.commands._zh_messages import status_line

        english = (
            f"yieldtrial: note: text longer than {limit} characters is cut (…) to fit the "
            f"terminal ({width} columns); --format csv or -o FILE keeps the whole text"
        )
        chinese = (
            f"yieldtrial: 注意：长于 {limit} 个字符的文本已截断（…）以适应终端宽度（{width} 列）；"
            "--format csv 或 -o FILE 保留全文"
        )
        print(status_line(english, chinese), file=sys.stderr)
    with pd.option_context("display.unicode.east_asian_width", True):
        return str(fitted.to_string(index=False, line_width=width)) + "\n"


def _run_table(args: argparse.Namespace, config: TrialConfig) -> int:
    from yieldtrial.datasets import example_path, load_example
    from yieldtrial.datasets._catalogue import _trial_examples
    from yieldtrial.errors import DataValidationError
    from yieldtrial.report.files import load_trial

    if _writes_xlsx(args):
        from yieldtrial.report.render_xlsx import import_openpyxl

        import_openpyxl("writing a .xlsx file")  # before the table is read
    with report_warnings(args):
        if args.example is not None:
            source = example_path(args.example)
            trials = _trial_examples()
            if args.example not in trials:
                raise DataValidationError(
                    f"example {args.example!r} is a table of the documentation (see its "
                    "README.md), not the plot table of a trial that standardize reads; "
                    f"--example takes: {', '.join(trials)}"
                )
            try:
                check_file_options(args.sheet, args.encoding, [source])
            except UsageError as exc:
                return _usage_error(str(exc))
            settings: dict[str, Any] = {
                key: value
                for key, value in (
                    ("crop", args.crop),
                    ("protocol", args.protocol),
                    ("standard_moisture_pct", args.standard),
                    ("moisture_method", args.method),
                    ("shrink_pct_per_point", args.shrink_per_point),
                    ("unit", args.unit),
                    ("columns", config.column_renames() or None),
                )
                if value is not None
            }
            trial = load_example(args.example, **settings)
        else:
            source = Path(args.source)
            try:
                check_file_options(args.sheet, args.encoding, [source])
            except UsageError as exc:
                return _usage_error(str(exc))
            if not config.crop:
                return _usage_error(
                    "a plot table needs --crop (e.g. --crop wheat), or crop in the [trial] "
                    "table of --config trial.toml"
                )
            if args.output is not None:
                check_output(
                    args.output, force=getattr(args, "force", False),
                    inputs=_inputs(args, source),
                    example="yields.xlsx" if _writes_xlsx(args) else _EXAMPLE_NAMES[args.format],
                )  # fmt: skip
            if _streamable(args, config, source):
                code = _run_streamed(args, config, source)
                if code is not None:
                    return code
            trial = load_trial(source, config, sheet=args.sheet, encoding=args.encoding)
    table = trial.yields()
    missing = trial.missing_plots
    if len(missing):
        _missing_note(len(missing), missing["plot_id"].tolist()[:5], total=len(table))
    if _writes_xlsx(args):
        from yieldtrial.report.render_xlsx import table_xlsx

        write_output(
            args.output,
            table_xlsx(
                table if args.decimals is None else round_frame(table, args.decimals),
                sheet="产量" if args.lang == "zh" else "yields",  # the column names stay
            ),
            force=getattr(args, "force", False),
            inputs=_inputs(args, source),
            example="yields.xlsx",
        )
    elif args.format == "csv":
        _emit_csv(
            table if args.decimals is None else round_frame(table, args.decimals), args, source
        )
    else:
        width = terminal_width() if args.output is None and args.format == "table" else None
        _emit(
            _format_table(table, args.format, args.decimals, width=width),
            args.output,
            _inputs(args, source),
            force=getattr(args, "force", False),
        )
    if args.output is not None:
        _wrote(str(args.output), len(table), str(trial.unit), trial.standard_moisture_pct)
    return 0


#: Smallest plot table streamed block by block (None: the default of
#: :data:`yieldtrial.io.streaming.STREAM_MIN_BYTES`); tests set it low. [bytes]
STREAM_MIN_BYTES: int | None = None


#: Shown on a terminal when a large table is standardized without pyarrow.
PYARROW_TIP = (
    "yieldtrial: note: pyarrow is not installed; with it (pip install 'yieldtrial[fast]') "
    "large tables are read and written several times faster"
)
#: The same tip under ``--lang zh``.
PYARROW_TIP_ZH = (
    "yieldtrial: 注意：未安装 pyarrow；安装后（pip install 'yieldtrial[fast]'）大表的读写快数倍"
)


def _streamable(args: argparse.Namespace, config: TrialConfig, source: Path) -> bool:
    """Whether the table may be streamed: a large CSV written to a file, per-plot settings only.

    Settings that need the whole table (a control, a design, factors, described
    treatments, exclusions, block effects, ddf, rounding, another output format, a
    worksheet, an encoding other than UTF-8) keep the in-memory path.
    """
    from yieldtrial.io.streaming import STREAM_MIN_BYTES as DEFAULT_MIN_BYTES
    from yieldtrial.io.streaming import stream_candidate

    if (
        args.output is None
        or args.format != "csv"
        or args.decimals is not None
        or _writes_xlsx(args)
    ):
        return False
    if args.sheet is not None or args.encoding not in (None, "utf-8", "utf8", "UTF-8"):
        return False
    whole_table = (config.control, config.design, config.factors, config.treatments)
    if any(whole_table) or config.exclude or config.block_effects or config.ddf:
        return False
    threshold = DEFAULT_MIN_BYTES if STREAM_MIN_BYTES is None else STREAM_MIN_BYTES
    return stream_candidate(source, min_bytes=threshold)


def _run_streamed(args: argparse.Namespace, config: TrialConfig, source: Path) -> int | None:
    """Standardize block by block; None when the in-memory path must decide (nothing written)."""
    from yieldtrial.io._arrow import pyarrow_installed
    from yieldtrial.io.streaming import StreamFallback, arrow_reader, standardize_csv_stream

    settings: dict[str, Any] = {
        key: value
        for key, value in config.trial_settings().items()
        if key
        in (
            "protocol",
            "standard_moisture_pct",
            "moisture_method",
            "shrink_pct_per_point",
            "unit",
            "columns",
        )
    }
    progress = _Progress("standardizing") if stderr_is_terminal() else None
    if progress is not None and not arrow_reader() and not pyarrow_installed():
        from yieldtrial.commands._zh_messages import status_line

        print(
            status_line(PYARROW_TIP, PYARROW_TIP_ZH), file=sys.stderr
        )  # a tip for the person waiting (an installed
        # pyarrow that fails to import has said so: yieldtrial.io._arrow)
    try:
        with report_warnings():  # printed at the end, after the progress line
            try:
                result = standardize_csv_stream(
                    source,
                    str(args.output),
                    crop=str(config.crop),
                    force=getattr(args, "force", False),
                    progress=progress,
                    **settings,
                )
                if progress is not None:
                    progress(result.n_plots, result.n_plots)  # the row count was an estimate
            finally:
                if progress is not None:
                    progress.done()
    except StreamFallback:
        return None
    if result.n_missing:
        _missing_note(result.n_missing, list(result.missing_ids), total=result.n_plots)
    _wrote(str(args.output), result.n_plots, str(result.unit), result.standard_moisture_pct)
    return 0


def _missing_note(count: int, first: list[Any], *, total: int) -> None:
    """Print the note naming the plots without a mass or yield (the first five).

    When no plot of the ``total`` has one (a field book of ``yieldtrial design`` before the
    harvest), a warning says so instead: the table written holds no yield.
    """
    from yieldtrial.commands._zh_messages import status_line

    if count >= total:
        english = (
            f"yieldtrial: warning: none of the {total:,} plots has a mass or yield yet, so every "
            "yield written is empty. Is this the field book before the harvest? Fill in the "
            "harvest data (fresh mass and moisture, or a yield) and run again"
        )
        chinese = (
            f"yieldtrial: 警告：全部 {total:,} 个小区都还没有质量或产量，写出的产量全为空。"
            "这是收获前的田间记录簿吗？请填入收获数据（鲜重和含水量，或产量）后再运行"
        )
        print(status_line(english, chinese), file=sys.stderr)
        return

    shown = ", ".join(repr(p) for p in first)
    more = f" and {count - 5} more" if count > 5 else ""
    more_zh = f" 等（另有 {count - 5} 个）" if count > 5 else ""
    english = (
        f"yieldtrial: note: {count} missing plot(s) without a mass or yield, kept with an empty "
        f"yield: {shown}{more}"
    )
    chinese = f"yieldtrial: 注意：{count} 个缺失小区没有质量或产量，保留为空产量：{shown}{more_zh}"
    print(status_line(english, chinese), file=sys.stderr)


def _wrote(output: str, n_plots: int, unit: str, standard_pct: float | None) -> None:
    """Print ``wrote FILE (N plots, yields in UNIT at S % moisture)``, Chinese under zh."""
    from yieldtrial.commands._zh_messages import status_line

    english = (
        f"wrote {shown_path(output)} ({n_plots} plot{'' if n_plots == 1 else 's'}, yields in "
        f"{unit} at {message_number(cast('float', standard_pct))} % moisture)"
    )
    chinese = (
        f"已写入 {shown_path(output)}（{n_plots} 个小区，产量单位 {unit}，"
        f"标准含水量 {message_number(cast('float', standard_pct))}%）"
    )
    print(status_line(english, chinese), file=sys.stderr)


def _inputs(args: argparse.Namespace, source: Path) -> list[Path]:
    """Return the files the command reads (never replaced): the plot table, its trial.toml."""
    config = getattr(args, "config", None)
    return [source, *([Path(config)] if config else [])]


def _emit_csv(table: pd.DataFrame, args: argparse.Namespace, source: Path) -> None:
    """Stream the CSV in blocks (UTF-8 with a BOM in a file, for Excel; none on stdout)."""
    from yieldtrial.io.csv_out import write_csv

    progress = _Progress("writing") if args.output is not None and stderr_is_terminal() else None
    if args.output is None:
        if stdout_is_utf8():
            write_csv(_TextSink(sys.stdout), table)
            sys.stdout.flush()  # a reader that has gone: the broken pipe here, not at exit
        else:  # an ASCII standard output: a Chinese label in row 100,000 fails before row 1
            import io

            whole = io.BytesIO()
            write_csv(whole, table)
            write_stdout(whole.getvalue().decode("utf-8"))
        return
    write_output(
        args.output,
        lambda handle: write_csv(handle, table, bom=True, progress=progress),
        force=getattr(args, "force", False),
        inputs=_inputs(args, source),
    )
    if progress is not None:
        progress.done()


class _TextSink:
    """Bytes written to a text stream (standard output, or a test's StringIO)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, data: bytes | memoryview) -> int:
        self.stream.write(str(data, "utf-8"))
        return len(data)


class _Progress:
    """A one-line percentage on a terminal's stderr, for steps that take seconds."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        from yieldtrial.commands._zh_messages import status_line

        percent = int(100 * done / max(total, 1))
        if percent != self.shown:
            self.shown = percent
            what = {"standardizing": "正在折算", "writing": "正在写出"}.get(self.what, self.what)
            draw_status(
                status_line(
                    f"yieldtrial: {self.what} {done:,}/{total:,} rows ({percent} %)",
                    f"yieldtrial: {what} {done:,}/{total:,} 行（{percent}%）",
                )
            )

    def done(self) -> None:
        if self.shown >= 0:
            end_status()
