"""``yieldtrial audit``: find the moisture method that reproduces a published figure.

yieldtrial audit 442 477.36 --moisture 5 --standard 13
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from yieldtrial._output import atomic_write_text

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
    from yieldtrial.moisture import audit_moisture_conversion
    from yieldtrial.protocols import PROTOCOLS, standard_moisture_pct

    if args.protocol is not None and args.protocol not in PROTOCOLS:
        print(
            f"yieldtrial audit: error: --protocol must be one of {', '.join(PROTOCOLS)}",
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
    table = audit_moisture_conversion(
        args.mass,
        args.reported,
        moisture_pct=args.moisture,
        standard_moisture_pct=standard,
        shrink_pct_per_point=args.shrink_per_point,
    )
    if args.format == "csv":
        text = str(table.to_csv(index=False, lineterminator="\n"))
    elif args.format == "json":
        text = table.to_json(orient="records", force_ascii=False, indent=2) + "\n"
    else:
        matched = table.loc[table["reproduces"].astype(bool), "method"].tolist()
        verdict = (
            f"reported {args.reported} is reproduced by: {', '.join(matched)}"
            if matched
            else f"no method reproduces {args.reported} at its printed precision"
        )
        text = (
            f"{args.mass:g} at {args.moisture:g} % moisture, reported {args.reported} at "
            f"{standard:g} %\n{_table_text(table)}\n{verdict}\n"
        )
    if args.output is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(args.output, text)
    return 0


def _table_text(table: Any) -> str:
    """Format the audit table at the report's printed precision, formulas below it."""
    decimals = int(table.attrs.get("inputs", {}).get("decimals", 2))

    def number(value: float, places: int, sign: str = "") -> str:
        return "n/a" if value != value else f"{value:{sign}.{places}f}"  # NaN -> n/a

    shown = table.loc[:, ["method"]].copy()
    shown["predicted"] = [number(v, decimals) for v in table["predicted"]]
    shown["difference"] = [number(v, decimals, "+") for v in table["difference"]]
    shown["difference_pct"] = [
        number(v, 1 if v == 0 or abs(v) >= 0.05 else 3, "+") + " %" for v in table["difference_pct"]
    ]
    shown["reproduces"] = ["yes" if v else "no" for v in table["reproduces"]]
    formulas = "\n".join(f"  {formula}" for formula in table["formula"])
    return f"{shown.to_string(index=False)}\nformulas:\n{formulas}"
