"""``yieldtrial network``: analyse every trial of a network and write the across-site report.

::

    yieldtrial network PLOTS.csv --by site [--config trial.toml] -o summary.html
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yieldtrial.errors import DataValidationError
from yieldtrial.io.output import check_not_input

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

EXAMPLES = """\
examples:
  yieldtrial network plots.csv --by site --control CK -o summary.html
  yieldtrial network plots.csv --by year,site --response yield_kg_mu --config trial.toml -o net.md
  yieldtrial network plots.xlsx --by site --block rep --treatment variety -o net.json
  yieldtrial network plots.csv --by site --control CK --exclude-cv-above 15 -o net.html
  yieldtrial network farms.csv --control CK1 --margin-pct 5 --lang zh -o farms.docx
"""

#: Response columns tried, in order, when --response is not given.
RESPONSE_CANDIDATES: tuple[str, ...] = ("yield_kg_ha", "yield_kg_mu", "yield_t_ha", "yield")


def register(subparsers: Any) -> None:
    """Add the ``network`` subcommand."""
    parser = subparsers.add_parser(
        "network",
        help="analyse many trials (a site network) at once and summarize across sites",
        description="Analyse every trial of a plot table (one trial per value of --by) with the "
        "vectorized network engine, and write the across-site report: treatment x site LS-means "
        "with letters, across-site mean, % of check, win rate, combined model and a per-site "
        "strip (CV, MSE, df, missing plots, included or excluded with reason). A bad site is "
        "reported, never fatal. PLOTS must hold a yield column (run 'yieldtrial standardize' "
        "first for raw harvest masses).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("plots", metavar="PLOTS", help="plot table (.csv or .xlsx), many trials")
    parser.add_argument(
        "--by",
        default="site",
        help="trial key column(s), comma-separated, e.g. site or year,site (default: site)",
    )
    parser.add_argument(
        "--response",
        help=f"yield column (default: the first of {', '.join(RESPONSE_CANDIDATES)} present)",
    )
    parser.add_argument(
        "--treatment", default="treatment", help="treatment column (default treatment)"
    )
    parser.add_argument("--block", help="block (replicate) column (default block, when present)")
    parser.add_argument(
        "--control", help="check treatment label (default: [analysis] control of --config)"
    )
    parser.add_argument(
        "--design",
        choices=("rcbd", "crd"),
        help="design of every trial (default rcbd with blocks, else crd)",
    )
    parser.add_argument("--alpha", type=float, help="significance level (default 0.05)")
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
        type=float,
        metavar="PCT",
        help="leave sites whose CV %% is above PCT (e.g. 15) out of the across-site analysis; "
        "the site strip gives the reason (default: include them and flag CV above 10 %% / 15 %%)",
    )
    parser.add_argument(
        "--config",
        metavar="TOML",
        help="trial.toml with [analysis] control/design/alpha and [columns]",
    )
    parser.add_argument(
        "--margin-pct",
        type=float,
        metavar="PCT",
        help="non-inferiority margin in %% of the check (default: [analysis] margin_pct)",
    )
    parser.add_argument(
        "--no-stability",
        action="store_true",
        help="leave out the stability section (Eberhart-Russell, Shukla, AMMI, HSC, ...)",
    )
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="report language")
    parser.add_argument("--title", help="report title (default by language)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="summary.html, .md, .json, .csv or .docx (default: Markdown on stdout)",
    )
    parser.set_defaults(handler=_run)


def _read_table(path: Path) -> pd.DataFrame:
    import pandas as pd

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            import openpyxl  # noqa: F401
        except ImportError as exc:
            from yieldtrial.errors import MissingExtraError

            raise MissingExtraError("openpyxl", "xlsx", "reading .xlsx files") from exc
        return pd.read_excel(path, dtype=str)
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DataValidationError(
            f"{path.name}: cannot decode as UTF-8 or GB18030; save the file as UTF-8 CSV."
        )
    import io

    sep = "\t" if path.suffix.lower() == ".tsv" else None
    return pd.read_csv(
        io.StringIO(text), sep=sep, engine="python", dtype=str, skipinitialspace=True
    )


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
        sys.stderr.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done:,}/{total:,} trials")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _report_options(result: Any, config: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Language, header facts from trial.toml and the stability statistics of the network."""
    from yieldtrial.network.stability import network_stability

    options: dict[str, Any] = {"lang": args.lang}
    facts = {
        label: getattr(config, key, None)
        for key, label in (("title", "Title"), ("crop", "Crop"), ("season", "Season"))
    }
    options["metadata"] = {k: v for k, v in facts.items() if v}
    if not args.no_stability and result.summary is not None:
        stab, note = network_stability(result)
        options["stability"] = stab
        if note:
            options["notes"] = [note]
    return options


def _run(args: argparse.Namespace) -> int:
    from yieldtrial.config import load_config
    from yieldtrial.network import analyze_many
    from yieldtrial.report.network import network_format_for_path, render, write_network_report

    if args.output is not None:
        try:
            network_format_for_path(args.output)
        except DataValidationError as exc:
            print(f"yieldtrial network: error: {exc}", file=sys.stderr)
            return 2
        check_not_input(args.output, [args.plots] + ([args.config] if args.config else []))
    config = load_config(args.config)
    plots = _read_table(Path(args.plots))
    plots.index = plots.index + 2  # messages name the file's row (the header is row 1)
    renames = config.column_renames()
    if renames:
        plots = plots.rename(columns=renames)
    by = [c.strip() for c in args.by.split(",") if c.strip()]
    response = args.response or next((c for c in RESPONSE_CANDIDATES if c in plots.columns), None)
    if response is None:
        raise DataValidationError(
            f"{Path(args.plots).name}: no yield column found (looked for "
            f"{', '.join(RESPONSE_CANDIDATES)}); name it with --response COLUMN."
        )
    block = args.block or ("block" if "block" in plots.columns else None)
    design = args.design or config.design or ("rcbd" if block else "crd")
    control = args.control or (config.control[0] if config.control else None)
    alpha = args.alpha if args.alpha is not None else (config.alpha or 0.05)
    margin = args.margin_pct if args.margin_pct is not None else config.margin_pct
    progress = _Bar() if sys.stderr.isatty() else None
    result = analyze_many(
        plots,
        by=by,
        response=response,
        treatment=args.treatment,
        block=block if design == "rcbd" else None,
        control=control,
        design=design,
        alpha=alpha,
        sites=args.sites,
        dunnett_pvalues=args.dunnett_pvalues,
        exclude_cv_above=args.exclude_cv_above,
        progress=progress,
        margin_pct=margin,
    )
    options = _report_options(result, config, args)
    if args.output is None:
        sys.stdout.write(str(render(result, "markdown", title=args.title, **options)))
    else:
        write_network_report(result, args.output, title=args.title, **options)
        counts = ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items()))
        print(f"wrote {args.output} ({len(result.per_trial)} trials: {counts})", file=sys.stderr)
    return 0
