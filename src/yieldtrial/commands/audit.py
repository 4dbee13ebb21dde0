"""``yieldtrial audit``: find the moisture method that reproduces a published figure.

yieldtrial audit 442 477.36 --moisture 5 --standard 13
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from typing import Any

from yieldtrial.io.output import atomic_write_text

EXAMPLES = """\
examples:
  yieldtrial audit 442 477.36 --moisture 5 --standard 13
  yieldtrial audit 442 477.36 --moisture 5 --crop wheat --format csv -o audit.csv
"""


def register(subparsers: Any) -> None:
    """Add the ``audit`` subcommand."""
    parser = subparsers.add_parser(
        "audit",
        help="check which moisture method reproduces a reported standardized figure",
        description="Recompute a reported standard-moisture figure with every moisture method "
        "and say which one reproduces it at the report's printed precision.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "mass", type=float, metavar="MASS", help="mass or yield at the measured moisture"
    )
    parser.add_argument(
        "reported",
        metavar="REPORTED",
        help="the figure the report gives at standard moisture (as printed, e.g. 477.36)",
    )
    parser.add_argument(
        "--moisture", type=float, required=True, metavar="PCT", help="measured moisture [%%]"
    )
    parser.add_argument(
        "--standard",
        type=float,
        metavar="PCT",
        help="standard moisture [%%]; default: the protocol's value for --crop",
    )
    parser.add_argument("--crop", help="crop name, to look up the standard moisture")
    parser.add_argument("--protocol", help="moisture protocol (default cn-yield-test)")
    parser.add_argument(
        "--shrink-per-point",
        type=float,
        metavar="PCT",
        help="shrink per point for the 'shrink' row [%%]",
    )
    parser.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    parser.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from yieldtrial.moisture import AUDIT_COLUMNS, audit_rows
    from yieldtrial.protocols import PROTOCOLS, standard_moisture_pct

    if args.protocol is not None and args.protocol not in PROTOCOLS:
        print(
            f"yieldtrial audit: error: --protocol must be one of {', '.join(PROTOCOLS)}",
            file=sys.stderr,
        )
        return 2
    if not math.isfinite(args.mass):
        print(
            f"yieldtrial audit: error: MASS must be a finite number; got {args.mass}",
            file=sys.stderr,
        )
        return 2
    if args.standard is None and args.crop is None:
        print("yieldtrial audit: error: give --standard PCT or --crop", file=sys.stderr)
        return 2
    standard = (
        args.standard
        if args.standard is not None
        else standard_moisture_pct(args.crop, protocol=args.protocol or "cn-yield-test")
    )
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
    else:
        matched = [str(row["method"]) for row in rows if row["reproduces"]]
        verdict = (
            f"reported {args.reported} is reproduced by: {', '.join(matched)}"
            if matched
            else f"no method reproduces {args.reported} at its printed precision"
        )
        decimals = int(inputs["decimals"])  # type: ignore[call-overload]
        text = (
            f"{args.mass:g} at {args.moisture:g} % moisture, reported {args.reported} at "
            f"{standard:g} %\n{_table_text(rows, decimals)}\n{verdict}\n"
        )
    if args.output is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(args.output, text)
    return 0


def _table_text(rows: list[dict[str, Any]], decimals: int) -> str:
    """Format the audit rows at the report's printed precision, formulas below them."""

    def number(value: float, places: int, sign: str = "") -> str:
        return "n/a" if value != value else f"{value:{sign}.{places}f}"  # NaN -> n/a

    header = ("method", "predicted", "difference", "difference_pct", "reproduces")
    cells = [header] + [
        (
            str(row["method"]),
            number(row["predicted"], decimals),
            number(row["difference"], decimals, "+"),
            _percent(row["difference_pct"]),
            "yes" if row["reproduces"] else "no",
        )
        for row in rows
    ]
    widths = [max(len(line[k]) for line in cells) for k in range(len(header))]
    lines = [" ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    formulas = "\n".join(f"  {row['formula']}" for row in rows)
    return "\n".join(lines) + f"\nformulas:\n{formulas}"


def _percent(value: float) -> str:
    """Show a percentage with a sign: 1 decimal, 3 when it is tiny but not zero."""
    if value != value:  # NaN
        return "n/a"
    places = 1 if value == 0 or abs(value) >= 0.05 else 3
    return f"{value:+.{places}f} %"
