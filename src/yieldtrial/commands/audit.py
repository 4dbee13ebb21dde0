"""``yieldtrial audit``: find the moisture method that reproduces a published figure.

Two forms::

    yieldtrial audit 442 477.36 --moisture 5 --standard 13
    yieldtrial audit PLOTS.csv --crop wheat [--config trial.toml] [--reported COLUMN]

The file form reads the plot table as every other command does (``--config``,
``--column``, ``--sheet``, ``--encoding``, English and Chinese headers) and audits each
plot's published standardized yield (a yield column given beside the harvest columns,
e.g. ``折标产量(kg/亩)`` mapped with ``--column``, which the reader names
``reported_yield_<unit>``) against the plot's own harvest record.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from yieldtrial.commands._input import (
    UsageError,
    add_control_option,
    add_table_options,
    ascii_number_problem,
    check_file_options,
    fill_from_config,
    huge_number_problem,
    number_option,
    option_number_text,
    print_usage_error,
    settings_from_args,
    table_only_flags,
    write_stdout,
)
from yieldtrial.commands.standardize import check_moisture_flag, report_warnings
from yieldtrial.io._rounding import fixed
from yieldtrial.io.checks import message_number
from yieldtrial.io.output import check_output, csv_safe_text, shown_path, write_output

EXAMPLES = """\
examples:
  yieldtrial audit 442 477.36 --moisture 5 --standard 13
  yieldtrial audit 442 477.36 --moisture 5 --crop wheat --format csv -o audit.csv
  yieldtrial audit plots.csv --crop wheat --column '折标产量(kg/亩)=yield_kg_mu'
"""


def register(subparsers: Any) -> None:
    """Add the ``audit`` subcommand."""
    parser = subparsers.add_parser(
        "audit",
        help="check which moisture method reproduces a reported standardized figure",
        description="Recompute a reported standard-moisture figure with every moisture method "
        "and say which one reproduces it at the report's printed precision; or, given a plot "
        "table, audit every plot's published standardized yield against its harvest record.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "mass",
        metavar="MASS_OR_FILE",
        help="mass or yield at the measured moisture, or a plot table file",
    )
    parser.add_argument(
        "reported",
        nargs="?",
        metavar="REPORTED",
        help="the figure the report gives at standard moisture (as printed, e.g. 477.36); "
        "not with a plot table",
    )
    parser.add_argument(
        "--moisture", type=number_option, metavar="PCT", help="measured moisture of MASS [%%]"
    )
    parser.add_argument(
        "--standard-moisture-pct",
        "--standard",
        dest="standard",
        type=number_option,
        metavar="PCT",
        help="standard moisture [%%]; default: the protocol's value for --crop",
    )
    parser.add_argument("--crop", help="crop name, to look up the standard moisture")
    parser.add_argument("--protocol", help="moisture protocol (default cn-yield-test)")
    parser.add_argument(
        "--shrink-pct-per-point",
        "--shrink-per-point",
        dest="shrink_per_point",
        type=number_option,
        metavar="PCT",
        help="shrink per point for the 'shrink' row [%%]",
    )
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default table)",
    )
    parser.add_argument(
        "--reported",
        dest="reported_column",
        metavar="COLUMN",
        help="plot table: the column of published standardized yields (default: the "
        "reported_yield_<unit> column the reader makes of a yield column beside the harvest "
        "columns)",
    )
    add_table_options(parser)
    add_control_option(parser)
    parser.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    parser.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the text table, its formulas and the messages (default en); the csv "
        "and json formats keep their identifiers",
    )
    parser.set_defaults(handler=_run)


def _usage_error(message: str) -> int:
    """Print the usage error (Chinese under ``--lang zh`` when catalogued); return 2."""
    return print_usage_error(message, "yieldtrial audit")


def _is_number(text: str) -> bool:
    try:
        float(option_number_text(text))  # full-width '１２．５' too
    except ValueError:
        return False
    try:
        return not Path(text).exists()
    except OSError:  # a name no file can have (401 digits: "File name too long") is a number
        return True


def _names_a_file(text: str) -> bool:
    """Whether ``text`` names something on disk (a file, a folder, a broken link)."""
    if not text.strip():
        return False  # '' is no file name (Path('') is the current folder)
    try:
        return Path(text).exists() or Path(text).is_symlink()
    except (OSError, ValueError):  # too long a name, a NUL byte
        return False


def _run(args: argparse.Namespace) -> int:
    from yieldtrial.io.checks import match_option
    from yieldtrial.moisture import AUDIT_COLUMNS, audit_rows
    from yieldtrial.protocols import PROTOCOLS, standard_moisture_pct

    if args.protocol is not None and (protocol := match_option(args.protocol, PROTOCOLS)) is None:
        return _usage_error(
            f"--protocol must be one of {', '.join(PROTOCOLS)}; got {args.protocol!r}"
        )
    if args.protocol is not None:
        args.protocol = protocol  # "USDA" is usda
    if not _is_number(args.mass):
        return _run_file(args)
    if problem := ascii_number_problem(args.mass):
        return _usage_error(f"MASS {problem}")
    if problem := huge_number_problem(args.mass, whole=False, example="a mass such as 442"):
        return _usage_error(f"argument MASS_OR_FILE: {problem}")
    args.mass = float(option_number_text(args.mass))
    flags = (("reported_column", "--reported"), ("control", "--control"),
             ("column", "--column"), ("sheet", "--sheet"), ("encoding", "--encoding"))  # fmt: skip
    problem = table_only_flags(args, flags)
    if problem:
        return _usage_error(problem)
    for flag, value in (("--moisture", args.moisture), ("REPORTED", args.reported)):
        if value is None:
            return _usage_error(f"a single MASS needs {flag}")
    if problem := ascii_number_problem(args.reported):  # '4_77.36' and '٣' read as numbers
        return _usage_error(f"REPORTED {problem}")
    if problem := huge_number_problem(args.reported, whole=False, example="the figure as "
                                      "printed, e.g. 477.36"):  # fmt: skip
        return _usage_error(f"argument REPORTED: {problem}")
    args.reported = option_number_text(args.reported)  # as MASS: '４７７．３６' is 477.36
    if not math.isfinite(args.mass):
        return _usage_error(f"MASS must be a finite number; got {args.mass!r}")
    # the settings' checks in the command line's words, as in `standardize MASS`: "--standard
    # = 200.0; --standard must be in [0, 100)", not standard_moisture_pct (before trial.toml
    # fills the flags not given, so that a value from the file is named as its key)
    if args.standard is not None or args.shrink_per_point is not None:
        # the numbers alone: a crop's text check would import pandas (a light command)
        numbers = argparse.Namespace(**{**vars(args), "crop": None, "protocol": None})
        settings_from_args(numbers, shrink_any_method=True)  # a row per method
    check_moisture_flag(args.moisture)
    args.standard_typed = args.standard is not None  # before trial.toml fills it
    fill_from_config(args)
    if args.standard is None and args.crop is None:
        return _usage_error(
            "give --standard PCT or --crop, or --config trial.toml with crop or "
            "standard_moisture_pct"
        )
    if args.output is not None:
        check_output(args.output, force=getattr(args, "force", False))
    standard = (
        args.standard
        if args.standard is not None
        else standard_moisture_pct(args.crop, protocol=args.protocol or "cn-yield-test")
    )
    with report_warnings(args):  # "--standard = 95 % is above any moisture standard"
        rows, inputs = audit_rows(
            args.mass,
            args.reported,
            moisture_pct=args.moisture,
            standard_moisture_pct=standard,
            shrink_pct_per_point=args.shrink_per_point,
        )
    if args.format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(AUDIT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        text = buffer.getvalue()
    elif args.format == "json":
        clean = [{k: (None if v != v else v) for k, v in row.items()} for row in rows]  # NaN
        text = json.dumps(clean, ensure_ascii=False, indent=2) + "\n"
    elif args.lang == "zh":
        text = _single_text_zh(args, rows, int(inputs["decimals"]), standard)  # type: ignore[call-overload]
    else:
        matched = [str(row["method"]) for row in rows if row["reproduces"]]
        verdict = (
            f"reported {args.reported} is reproduced by: {', '.join(matched)}"
            if matched
            else f"no method reproduces {args.reported} at its printed precision"
        )
        decimals = int(inputs["decimals"])  # type: ignore[call-overload]
        text = (
            f"{message_number(args.mass)} at {message_number(args.moisture)} % moisture, reported "
            f"{args.reported} at "
            f"{message_number(standard)} %\n{_table_text(rows, decimals)}\n{verdict}\n"
        )
    _write(text, args.output, force=getattr(args, "force", False))
    return 0


def _write(
    text: str, output: str | None, inputs: Sequence[str | Path] = (), *, force: bool = False
) -> None:
    if output is None:
        write_stdout(text)
        return
    from yieldtrial.commands._zh_messages import wrote_line

    write_output(output, text, force=force, inputs=list(inputs))
    print(wrote_line(shown_path(output)), file=sys.stderr)


def _run_file(args: argparse.Namespace) -> int:
    """Audit every plot's published standardized yield against its harvest record."""
    from yieldtrial.report.files import load_trial

    if (args.reported is not None or args.moisture is not None) and not _names_a_file(args.mass):
        # '442,5', '442 kg', '0x1b' with REPORTED: a mass mistyped, not a missing plot table
        comma = re.fullmatch(r"\s*[+-]?\d+,\d+\s*", args.mass) is not None
        raise UsageError(
            f"MASS_OR_FILE {args.mass!r} is neither a number nor a file; give the mass as a "
            "plain number"
            + (" with a dot as the decimal separator" if comma else " without a unit")
            + ", e.g. 442.5, or the path of a plot table alone"
        )
    if args.reported is not None or args.moisture is not None:
        raise UsageError(
            "a plot table has its own moisture and reported columns: give the file alone "
            "(REPORTED and --moisture are for a single MASS)"
        )
    check_file_options(args.sheet, args.encoding, [args.mass])
    config = settings_from_args(args, shrink_any_method=True)  # a row per method
    if not config.crop:
        raise UsageError(
            "a plot table needs --crop (e.g. --crop wheat), or crop in the [trial] table of "
            "--config trial.toml"
        )
    inputs = [args.mass, *([args.config] if args.config else [])]
    force = getattr(args, "force", False)
    if args.output is not None:
        check_output(args.output, force=force, inputs=inputs)
    if args.reported_column is not None and _is_record_column(str(args.reported_column)):
        _refuse_record_column(args.reported_column)  # before reading: its error alone
    trial = load_trial(args.mass, config, sheet=args.sheet, encoding=args.encoding)
    rows = plot_audit_rows(trial, column=args.reported_column)
    if args.format == "csv":
        buffer = io.StringIO()
        fields = ["plot_id", "treatment", "unit", *AUDIT_FIELDS]
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(  # labels starting with = + - @ are not run as formulas
            {k: csv_safe_text(v) if isinstance(v, str) else v for k, v in row.items()}
            for row in rows
        )
        text = buffer.getvalue()
    elif args.format == "json":
        clean = [{k: (None if v != v else v) for k, v in row.items()} for row in rows]  # NaN
        text = json.dumps(clean, ensure_ascii=False, indent=2) + "\n"
    else:
        text = _plot_summary(rows, trial, args.lang)
    _write(text, args.output, inputs, force=force)
    return 0


#: Per-plot audit columns after the plot's labels (those of the single-figure audit).
AUDIT_FIELDS: tuple[str, ...] = (
    "method",
    "predicted",
    "reported",
    "difference",
    "difference_pct",
    "reproduces",
    "formula",
)


#: Columns of the canonical plot table that never hold published yields (the names and prefixes).
_RECORD_COLUMNS = (
    "plot_id",
    "treatment",
    "block",
    "row",
    "column",
    "incomplete_block",
    "entry_type",
)
_RECORD_PREFIXES = ("harvested_area_", "fresh_mass_", "moisture_pct", "impurity_pct")


def _is_record_column(name: str) -> bool:
    return name in _RECORD_COLUMNS or name.startswith(_RECORD_PREFIXES)


def _refuse_record_column(column: str) -> None:
    """Refuse ``--reported`` naming a harvest-record or layout column."""
    from yieldtrial.errors import DataValidationError

    raise DataValidationError(
        f"--reported {column!r} is a column of the harvest record or the layout, not of "
        "published standardized yields; name the column holding the published figures "
        "(e.g. --reported yield_kg_mu, or map it with --column)"
    )


def plot_audit_rows(trial: Any, *, column: str | None = None) -> list[dict[str, Any]]:
    """Audit rows of every plot with a harvest record and a published standardized yield.

    The yield at the measured moisture is the clean grain ``W (1 - I/100)(1 - E/100)(P/100)``
    (:func:`yieldtrial.harvest.standardized_mass_kg`, Notes) per harvested area, in the unit
    of the published column; :func:`yieldtrial.moisture.audit_rows` recomputes it at the
    trial's standard moisture with every method.
    """
    import numpy as np

    from yieldtrial.errors import DataValidationError
    from yieldtrial.io.plots import has_harvest_columns
    from yieldtrial.moisture import audit_rows
    from yieldtrial.units import convert_yield, unit_from_yield_column

    plots = trial.plots
    candidates = [c for c in plots.columns if str(c).startswith("reported_yield_")]
    name = _table_column(plots, column) if column is not None else None
    name = name or (candidates[0] if len(candidates) == 1 else None)
    if name is None or name not in plots.columns or not has_harvest_columns(plots):
        found = ", ".join(_typed_name(plots, c) for c in plots.columns)
        raise DataValidationError(
            "the plot table needs harvest columns (fresh mass, moisture, area) and one column "
            "of published standardized yields with its unit, e.g. 'yield_kg_mu' or "
            "'折标产量(kg/亩)' mapped with --column '折标产量(kg/亩)=yield_kg_mu' (read as "
            f"reported_yield_kg_mu), or named with --reported COLUMN; columns found: {found}"
        )
    if column is not None and _is_record_column(str(column)):
        _refuse_record_column(column)
    unit = unit_from_yield_column(str(name).removeprefix("reported_")) or "kg/ha"
    typed = repr(str(column)) if column is not None else repr(_typed_name(plots, name))
    bad = []
    for pid, value in zip(plots["plot_id"], plots[name], strict=True):
        if value is None or value != value:
            continue  # no published figure for this plot
        try:
            if isinstance(value, bool) or not np.isfinite(float(value)):
                raise ValueError
        except (TypeError, ValueError):
            bad.append(f"plot {str(pid)!r}: {value!r}")
    if bad:
        from yieldtrial.io.validation import list_items

        raise DataValidationError(
            f"--reported column {typed} holds {len(bad)} value{'s' if len(bad) > 1 else ''} "
            f"that {'are' if len(bad) > 1 else 'is'} not a finite number ({list_items(bad)}); "
            "name the column of published standardized yields, or correct those cells"
        )

    def optional(key: str, default: float) -> Any:
        return plots[key].astype(float) if key in plots else default

    clean_kg = (
        plots["fresh_mass_kg"].astype(float)
        * (1 - optional("impurity_pct", 0.0) / 100)
        * (1 - optional("empty_grain_pct", 0.0) / 100)
        * (optional("shelling_pct", 100.0) / 100)
    )
    per_ha = clean_kg / plots["harvested_area_m2"].astype(float) * 10_000
    at_moisture = np.asarray(convert_yield(per_ha, "kg/ha", unit, crop=trial.crop), dtype=float)
    rows: list[dict[str, Any]] = []
    for i in range(len(plots)):
        reported = plots[name].iloc[i]
        mass = float(at_moisture[i])
        if reported != reported or mass != mass:  # NaN: a missing plot or no published figure
            continue
        try:
            audit, _ = audit_rows(
                mass,
                float(reported),
                moisture_pct=float(plots["moisture_pct"].iloc[i]),
                standard_moisture_pct=float(trial.standard_moisture_pct),
                shrink_pct_per_point=trial.shrink_pct_per_point,
            )
        except DataValidationError as exc:  # "reported_mass must be ...; got 1e+308": where?
            plot = str(plots["plot_id"].iloc[i])
            raise DataValidationError(f"--reported column {typed}, plot {plot!r}: {exc}") from None
        labels = {
            "plot_id": str(plots["plot_id"].iloc[i]),
            "treatment": str(plots["treatment"].iloc[i]),
            "unit": unit,
        }
        rows.extend({**labels, **{k: row[k] for k in AUDIT_FIELDS}} for row in audit)
    if not rows:
        raise DataValidationError(
            f"no plot has both a harvest record and a published figure in {typed}"
        )
    return rows


def _table_column(plots: Any, column: str) -> str:
    """Return the plot table's column for ``--reported COLUMN`` as the user typed it.

    The reader keeps a yield column beside complete harvest columns as ``reported_<name>``
    (``yield_kg_ha`` -> ``reported_yield_kg_ha``) and maps headers (``折标产量(kg/亩)``) to
    canonical names; the header as typed, its canonical name or the kept name all name it.
    """
    if column in plots.columns:
        return column
    canonical = str(plots.attrs.get("column_map", {}).get(column, column))
    for name in (f"reported_{canonical}", canonical):
        if name in plots.columns:
            return name
    return column


def _typed_name(plots: Any, name: object) -> str:
    """Return the header the plot table gave the column ``name``, else ``name``.

    ``reported_yield_kg_ha`` -> ``yield_kg_ha``, or ``折标产量(kg/亩)`` when that header was
    mapped to ``yield_kg_mu``.
    """
    canonical = str(name).removeprefix("reported_")
    for header, mapped in plots.attrs.get("column_map", {}).items():
        if mapped == canonical or mapped == str(name):
            return str(header)
    return str(name)


def _plot_summary(rows: list[dict[str, Any]], trial: Any, lang: str = "en") -> str:
    """How many plots each method reproduces, and the plots no method reproduces."""
    zh = lang == "zh"
    plots = list(dict.fromkeys(row["plot_id"] for row in rows))
    n, unit, standard = len(plots), rows[0]["unit"], trial.standard_moisture_pct
    if zh:
        from yieldtrial.report.i18n import CROPS_ZH

        crop = CROPS_ZH.get(str(trial.crop), str(trial.crop))
        lines = [
            f"{n} 个小区，公布的产量单位 {unit}，标准含水量 {message_number(standard)}%（{crop}）："
        ]
    else:
        lines = [
            f"{n} plots, published yields in {unit} at {message_number(standard)} % moisture "
            f"({trial.crop}):"
        ]
    methods = list(dict.fromkeys(row["method"] for row in rows))
    names = {method: _method_name(str(method), lang) for method in methods}
    width = max(_cells(name) for name in names.values())
    for method in methods:
        hits = sum(1 for row in rows if row["method"] == method and row["reproduces"])
        name = names[method] + " " * (width - _cells(names[method]))
        lines.append(
            f"  {name}  重现 {hits}/{n} 个" if zh else f"  {name}  reproduces {hits} of {n}"
        )
    unexplained = [p for p in plots if not any(r["reproduces"] for r in rows if r["plot_id"] == p)]
    if unexplained:
        shown = ", ".join(repr(p) for p in unexplained[:10])
        extra = len(unexplained) - 10
        if zh:
            more = f" 等（另有 {extra} 个）" if extra > 0 else ""
            lines.append(f"没有任何方法能重现小区 {shown}{more}")
        else:
            more = f" and {extra} more" if extra > 0 else ""
            lines.append(f"no method reproduces plot(s) {shown}{more}")
    return "\n".join(lines) + "\n"


def _table_text(
    rows: list[dict[str, Any]],
    decimals: int,
    lang: str = "en",
    moisture: float = math.nan,
    standard: float = math.nan,
) -> str:
    """Format the audit rows at the report's printed precision, formulas below them."""
    zh = lang == "zh"

    def number(value: float, places: int, sign: str = "") -> str:
        missing = "无" if zh else "n/a"
        return missing if value != value else f"{value:{sign}.{places}f}"  # NaN -> n/a

    header = ("method", "predicted", "difference", "difference_pct", "reproduces")
    if zh:
        header = ("方法", "推算值", "差值", "差值%", "是否重现")
    yes, no = ("是", "否") if zh else ("yes", "no")
    cells = [header] + [
        (
            _method_name(str(row["method"]), lang),
            number(row["predicted"], decimals),
            number(row["difference"], decimals, "+"),
            _percent(row["difference_pct"], lang),
            yes if row["reproduces"] else no,
        )
        for row in rows
    ]
    widths = [max(_cells(line[k]) for line in cells) for k in range(len(header))]
    lines = [
        " ".join(" " * (w - _cells(c)) + c for c, w in zip(line, widths, strict=True))
        for line in cells
    ]
    formulas = "\n".join(f"  {_formula(row, lang, moisture, standard)}" for row in rows)
    return "\n".join(lines) + f"\n{'计算式：' if zh else 'formulas:'}\n{formulas}"


def _cells(text: str) -> int:
    """Return the terminal cells ``text`` takes (a Chinese character takes two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _method_name(method: str, lang: str) -> str:
    """Return a moisture method as the report names it (干物质守恒法) under zh."""
    if lang != "zh":
        return method
    from yieldtrial.report.i18n import t

    return t(f"method.{method}", "zh")


def _formula(row: dict[str, Any], lang: str, moisture: float, standard: float) -> str:
    """Return a row's calculation, in Chinese as the zh report's moisture audit shows it."""
    formula = str(row["formula"])
    if lang != "zh":
        return formula
    method = str(row["method"])
    if method in ("dry_matter", "percentage_point") and " = " in formula:
        from yieldtrial.moisture import describe_method

        text = describe_method(
            method, moisture_pct=moisture, standard_moisture_pct=standard, lang="zh"
        )
        return f"{text} = {formula.rsplit(' = ', 1)[1]}"
    from yieldtrial.report.i18n import translate_message

    return translate_message(formula, "zh")


def _single_text_zh(
    args: argparse.Namespace, rows: list[dict[str, Any]], decimals: int, standard: float
) -> str:
    """Return the single-MASS audit in Chinese (the text format of ``--lang zh``)."""
    matched = [_method_name(str(row["method"]), "zh") for row in rows if row["reproduces"]]
    verdict = (
        f"报告值 {args.reported} 可由以下方法重现：{'、'.join(matched)}"
        if matched
        else f"没有任何方法能按其印出的精度重现报告值 {args.reported}"
    )
    return (
        f"含水量 {message_number(args.moisture)}% 时的 {message_number(args.mass)}，"
        f"报告值 {args.reported}"
        f"（标准含水量 {message_number(standard)}%）\n"
        f"{_table_text(rows, decimals, 'zh', args.moisture, standard)}\n{verdict}\n"
    )


def _percent(value: float, lang: str = "en") -> str:
    """Show a percentage with a sign: 1 decimal, 3 when it is tiny but not zero."""
    if value != value:  # NaN
        return "无" if lang == "zh" else "n/a"
    places = 1 if value == 0 or abs(value) >= 0.05 else 3
    return f"{fixed(value, places, sign=True)}{'' if lang == 'zh' else ' '}%"
