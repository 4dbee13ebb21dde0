"""``yieldtrial plan``: how many replicates the next trial needs.

yieldtrial plan --cv 8 --difference 5 --treatments 3
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from yieldtrial.io._guard import held_warnings

EXAMPLES = """\
examples:
  yieldtrial plan --cv 8 --difference 5 --treatments 3
  yieldtrial plan --cv 8 --difference 5 --treatments 3 --comparison t --power 0.9
  yieldtrial plan --cv 8 --replicates 4 --treatments 3      # what can 4 blocks detect?
"""


# Copies of yieldtrial.stats.power's option tuples, so that building the parser (for
# ``--help``) imports neither numpy nor pandas; tests/test_cli_plan_design.py checks they agree.
COMPARISONS: tuple[str, ...] = ("dunnett", "t", "tukey")
DESIGNS: tuple[str, ...] = ("rcbd", "crd")
POWER_ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater")


def _number(text: str) -> float | int:
    """Any number (``1e9`` and ``nan`` included): the library checks range and type.

    Whole numbers stay ints so that ``--replicates 4`` reaches the library as 4; a value that
    is not a number at all is a usage error.
    """
    from yieldtrial.commands._input import (
        TypedNumber,
        ascii_number_problem,
        huge_number_problem,
        option_number_text,
    )

    # '1_3', '١٣': refused, as in a table cell; 1e400 and 10**5000 are out of range (not inf)
    problem = ascii_number_problem(text) or huge_number_problem(text, whole=False)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    text = option_number_text(text)  # full-width '１３' is 13, as in a table cell
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return TypedNumber(float(text), text.strip())  # echoed as typed: 5.0, 5e3 (stop 49)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def register(subparsers: Any) -> None:
    """Add the ``plan`` subcommand."""
    parser = subparsers.add_parser(
        "plan",
        help="replicates needed to detect a yield difference (power analysis)",
        description="Number of replicates (blocks) a trial needs to detect a given yield "
        "difference with the requested power, from the expected CV of plot yields; or, with "
        "--replicates, the smallest difference that many replicates detect.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--cv",
        type=_number,
        required=True,
        metavar="PCT",
        help="expected coefficient of variation of plot yields [%%]",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--difference",
        type=_number,
        metavar="PCT",
        help="yield difference to detect, %% of the control mean",
    )
    target.add_argument(
        "--replicates",
        type=_number,
        metavar="R",
        help="replicates planned: report the difference they can detect",
    )
    parser.add_argument(
        "--treatments",
        type=_number,
        required=True,
        metavar="T",
        help="number of treatments including the control(s)",
    )
    parser.add_argument(
        "--alpha", type=_number, default=0.05, help="family-wise significance level (default 0.05)"
    )
    parser.add_argument(
        "--power", type=_number, default=0.8, help="required power, a probability (default 0.8)"
    )
    parser.add_argument(
        "--design",
        choices=DESIGNS,
        default="rcbd",
        help="field design, sets the error df (default rcbd)",
    )
    parser.add_argument(
        "--comparison",
        choices=COMPARISONS,
        default="dunnett",
        help="test used: dunnett (vs control), t (LSD) or tukey (default dunnett)",
    )
    parser.add_argument(
        "--alternative",
        choices=POWER_ALTERNATIVES,
        default="two-sided",
        help="two-sided, or greater (treatment better than control); default two-sided",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default text)"
    )
    parser.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the text and the messages (default en); JSON keys stay as they are",
    )
    parser.set_defaults(handler=_run)


#: The options as the messages name them (``--cv 1e-300`` is named ``--cv``, not ``cv_pct``).
OPTION_NAMES: dict[str, str] = {
    "cv_pct": "--cv",
    "difference_pct": "--difference",
    "n_treatments": "--treatments",
    "replicates": "--replicates",
    "alpha": "--alpha",
    "power": "--power",
}


def _run(args: argparse.Namespace) -> int:
    import warnings

    from yieldtrial.commands._input import UsageError
    from yieldtrial.commands.standardize import report_warnings
    from yieldtrial.design.layouts import plan_trial
    from yieldtrial.errors import YieldTrialWarning
    from yieldtrial.stats.power import validate_plan_arguments

    if args.comparison == "tukey" and args.alternative != "two-sided":
        raise UsageError("--comparison tukey is two-sided; leave out --alternative greater")
    with report_warnings():  # e.g. --cv 0.08 (a fraction?): one "yieldtrial: warning:" line
        validate_plan_arguments(
            cv_pct=args.cv,
            n_treatments=args.treatments,
            alpha=args.alpha,
            power=args.power,
            design=args.design,
            comparison=args.comparison,
            alternative=args.alternative,
            difference_pct=args.difference,
            replicates=args.replicates,
            names=OPTION_NAMES,
        )
    with held_warnings():  # the checks above warned, naming the options
        warnings.simplefilter("ignore", YieldTrialWarning)
        plan = plan_trial(
            cv_pct=args.cv,
            n_treatments=args.treatments,
            difference_pct=args.difference,
            replicates=args.replicates,
            alpha=args.alpha,
            power=args.power,
            design=args.design,
            comparison=args.comparison,
            alternative=args.alternative,
        )
    if args.format == "json":
        print(json.dumps(plan.to_dict(), indent=2))
    else:
        print(plan.to_text(lang=args.lang), end="")
    return 0
