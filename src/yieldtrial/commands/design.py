"""``yieldtrial design``: a randomized field layout and its field book.

yieldtrial design rcbd --treatments CK1 CK2 T --blocks 4 --seed 1 -o fieldbook.csv --map map.png
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any, cast

from yieldtrial.commands._input import (
    UsageError,
    add_control_option,
    number_option,
    seed_option,
    whole_number_option,
    write_stdout,
)
from yieldtrial.io._rounding import fixed

EXAMPLES = """\
examples:
  yieldtrial design rcbd --treatments CK1 CK2 T --blocks 4 --seed 1 -o fieldbook.csv
  yieldtrial design rcbd --treatments CK1 CK2 T --blocks 4 --seed 1 --serpentine --map map.svg
  yieldtrial design alpha --treatments CK G{01..24} --control CK --block-size 5 --replicates 2
  yieldtrial design crd --treatments A B C --replicates 4 --seed 7
  yieldtrial design latin --treatments A B C D --seed 2 -o latin.csv
  yieldtrial design split_plot --treatments I0 I1 --sub-treatments N0 N1 N2 --blocks 3 --seed 5
  yieldtrial design alpha --treatments G{01..24} --block-size 4 --replicates 3 --seed 1
  yieldtrial design augmented --checks CK1 CK2 CK3 --treatments E{01..30} --blocks 5

The field book has the columns `yieldtrial report` reads (plot_id, treatment, block, row,
column; incomplete_block for alpha, entry_type for augmented) and empty harvest columns
(harvested_area_m2, fresh_mass_kg, moisture_pct, impurity_pct) to fill in at harvest.  The
same --seed always gives the same layout.  --control names the control(s) (as in `yieldtrial
report`; each must be a treatment): labelled in bold on the map and, beyond 20 treatments, the
only coloured plots.  alpha prints its generating array and efficiency factor (Patterson &
Williams 1976); augmented its residual df (Federer 1961).  G{01..24} is the shell's brace
expansion (bash, zsh) of the 24 labels G01 G02 ... G24.
"""


#: Figure metadata without a creation date, so the same layout gives the same file.
_NO_DATE: dict[str, dict[str, Any]] = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
}

# Copy of yieldtrial.design.LAYOUTS, so that building the parser (for ``--help``) imports
# neither numpy nor pandas; tests/test_cli_plan_design.py checks they agree.
LAYOUTS: tuple[str, ...] = ("crd", "rcbd", "latin", "split_plot", "alpha", "augmented")


def register(subparsers: Any) -> None:
    """Add the ``design`` subcommand."""
    parser = subparsers.add_parser(
        "design",
        help="randomized field layout (CRD, RCBD, Latin square, split-plot, alpha-lattice, "
        "augmented) and field book",
        description="Randomize a field layout and write its field book (CSV) and, optionally, "
        "a field map figure.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "layout",
        choices=(*LAYOUTS, "latin_square"),
        metavar="DESIGN",
        help=f"layout: {', '.join(LAYOUTS)} (latin_square = latin)",
    )
    parser.add_argument(
        "--treatments",
        nargs="+",
        required=True,
        metavar="LABEL",
        help="treatment labels, space-separated or a comma list (main-plot levels for "
        "split_plot, entries for augmented)",
    )
    parser.add_argument(
        "--checks", nargs="+", metavar="LABEL", help="check labels repeated in every block "
        "(augmented only)",
    )  # fmt: skip
    parser.add_argument(
        "--block-size",
        type=whole_number_option,
        metavar="K",
        help="plots per incomplete block (alpha only)",
    )
    parser.add_argument(
        "--sub-treatments", nargs="+", metavar="LABEL", help="sub-plot levels (split_plot only)"
    )
    add_control_option(parser)
    parser.add_argument(
        "--blocks", type=whole_number_option, help="number of blocks (rcbd, split_plot, augmented)"
    )
    parser.add_argument(
        "--replicates",
        type=whole_number_option,
        help="plots per treatment (crd); replicates (alpha)",
    )
    parser.add_argument(
        "--columns",
        type=whole_number_option,
        metavar="N",
        help="plots per field row (crd; default: treatments)",
    )
    parser.add_argument(
        "--seed",
        type=seed_option,
        help="random seed; the same seed gives the same layout (default: a "
        "fresh seed, printed so the layout can be reproduced)",
    )
    parser.add_argument(
        "--serpentine",
        action="store_true",
        help="snake the plot numbering (even rows numbered right to left)",
    )
    parser.add_argument(
        "--plot-area",
        type=number_option,
        metavar="M2",
        help="net harvested plot area [m2], pre-filled in harvested_area_m2",
    )
    parser.add_argument(
        "-o", "--output", metavar="PATH", help="write the field book CSV here instead of stdout"
    )
    parser.add_argument(
        "--map", metavar="PATH", help="also draw the field map (.png, .svg or .pdf)"
    )
    parser.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the lines printed (field book, control, seed), the messages and "
        "the field map's title and axis labels (default en)",
    )
    parser.set_defaults(handler=_run)


def _labels(values: list[str] | None, flag: str) -> list[str] | None:
    """Labels given space-separated, as a comma list (``CK,T1,T2``), or both.

    A flag given with blank labels only (``--control ''``, an empty shell variable) is a
    usage error, not the flag left out; so is a blank label among others (``'' B``,
    ``CK,,T``), which was dropped silently.  A comma at either end of a value
    (``CK,T1, T2``) is no blank label.
    """
    if values is None:
        return None
    split = [[part.strip() for part in value.replace("，", ",").split(",")] for value in values]
    labels = [part for parts in split for part in parts if part]
    if not labels:
        raise UsageError(
            f"{flag} {' '.join(map(repr, values))} names no label (blank); give the labels, "
            f"e.g. {flag} CK T1" + ("" if flag == "--treatments" else f", or leave {flag} out")
        )
    # a blank value ("" B) or an empty item inside a comma list (CK,,T) is a label left
    # out; a comma at either end of a value (CK,T1, T2) only joins two ways of listing
    inner = ("" in parts[1:-1] or parts == [""] for parts in split)
    if any(inner):
        raise UsageError(
            f"{flag} {' '.join(map(repr, values))} holds a blank label among the others; "
            "give every label, or leave the blank one out"
        )
    if len(values) == 1 and len(labels) == 1 and _names_a_file(values[0]):
        # a 1,000-line label file given by its name: one "treatment" named after the file,
        # refused later as "needs at least 4 levels; got 1 (labels.txt)" (stop 48)
        raise UsageError(
            f"{flag} {values[0]!r} is a file, not a label: the labels are read from the command "
            "line; give them space-separated or as a comma list, e.g. "
            f"{flag} $(cat {values[0].strip().removeprefix('@')})"
        )
    return labels


def _names_a_file(value: str) -> bool:
    """Tell whether ``value`` is ``@FILE`` or the name of an existing file with a suffix."""
    path = Path(value.strip().removeprefix("@"))
    return value.strip().startswith("@") or (path.suffix != "" and path.is_file())


#: The options each layout needs, with what they stand for (checked before randomizing).
_NEEDED: dict[str, tuple[tuple[str, str, str], ...]] = {
    "crd": (("replicates", "--replicates", "plots per treatment"),),
    "rcbd": (("blocks", "--blocks", "number of blocks"),),
    "split_plot": (
        ("blocks", "--blocks", "number of blocks"),
        ("sub_treatments", "--sub-treatments", "sub-plot levels"),
    ),
    "alpha": (
        ("replicates", "--replicates", "replicates"),
        ("block_size", "--block-size", "plots per incomplete block"),
    ),
    "augmented": (
        ("blocks", "--blocks", "number of blocks"),
        ("checks", "--checks", "check labels repeated in every block"),
    ),
}

#: A layout that runs as typed, for the error line (the examples of ``--help``).
_EXAMPLES = {
    "crd": "yieldtrial design crd --treatments A B C --replicates 4",
    "rcbd": "yieldtrial design rcbd --treatments CK1 CK2 T --blocks 4",
    "split_plot": (
        "yieldtrial design split_plot --treatments I0 I1 --sub-treatments N0 N1 N2 --blocks 3"
    ),
    "alpha": "yieldtrial design alpha --treatments G{01..24} --block-size 4 --replicates 3",
    "augmented": (
        "yieldtrial design augmented --checks CK1 CK2 CK3 --treatments E{01..30} --blocks 5"
    ),
}


def _check_needed(args: argparse.Namespace) -> None:
    """Refuse a layout whose options are missing, naming the flags (a usage error, exit 2).

    Examples
    --------
    >>> from yieldtrial.commands._input import UsageError
    >>> try:
    ...     _check_needed(argparse.Namespace(layout="rcbd", blocks=None))
    ... except UsageError as error:
    ...     print(error)
    design rcbd needs --blocks (number of blocks), e.g. yieldtrial design rcbd ... --blocks 4
    """
    needed = _NEEDED.get(args.layout, ())
    missing = [(flag, what) for dest, flag, what in needed if getattr(args, dest) is None]
    if missing:
        named = " and ".join(f"{flag} ({what})" for flag, what in missing)
        raise UsageError(f"design {args.layout} needs {named}, e.g. {_EXAMPLES[args.layout]}")


def _warn_one_replicate(args: argparse.Namespace) -> None:
    """Warn that a layout of one block (replicate) leaves no test of treatment differences.

    ``design rcbd --blocks 1`` or ``design crd --replicates 1`` gives each treatment one
    plot: the analysis has no error degrees of freedom, so the report can only describe
    the yields.  The field book is still written (a demonstration strip is legitimate).
    """
    from yieldtrial.commands._input import print_warning

    needed = _NEEDED.get(args.layout)  # a Latin square replicates itself (t rows)
    if not needed:
        return
    option, flag, _ = needed[0]
    if getattr(args, option, None) != 1:
        return
    print_warning(
        f"design {args.layout} with {flag} 1: each treatment gets one plot, so the trial has "
        "no error degrees of freedom and no test of treatment differences will be possible "
        f"(the report can only describe the yields); give {flag} 2 or more (3 or 4 is usual) "
        "for a replicated trial"
    )


def _same_name(first: str, second: str) -> bool:
    """Whether two names given on the command line lead to one file (``m.svg``, ``./m.svg``)."""
    try:
        return Path(first).resolve() == Path(second).resolve()
    except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL: check_output says
        return False


def _run(args: argparse.Namespace) -> int:
    from yieldtrial.commands._zh_messages import status_line
    from yieldtrial.design.fieldbook import checked_plot_area_m2
    from yieldtrial.design.layouts import layout
    from yieldtrial.design.maps import layout_name
    from yieldtrial.errors import DataValidationError
    from yieldtrial.io.output import check_output, csv_safe_frame, shown_path, write_output

    if args.map is not None and Path(args.map).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise DataValidationError(
            f"--map {args.map!r}: unknown figure type; use a .png, .svg or .pdf file name."
        )
    _check_needed(args)
    force = getattr(args, "force", False)
    if args.output is not None:  # refuse before randomizing: never over a filled-in field book
        check_output(args.output, force=force, protect_harvest=True, example="fieldbook.csv")
    if args.map is not None:
        if args.output is not None and _same_name(args.map, args.output):
            # it was "also an input file": the field book is an output of this run too
            raise DataValidationError(
                f"--map {args.map!r} and -o {args.output!r} name the same file; give the "
                "field map its own name (e.g. --map map.svg)"
            )
        check_output(args.map, force=force, inputs=[args.output], example="map.png")
    if args.plot_area is not None:  # named as typed, before the layout is drawn
        checked_plot_area_m2(args.plot_area, "--plot-area")
    args.treatments = _labels(args.treatments, "--treatments")
    args.checks = _labels(args.checks, "--checks")
    args.sub_treatments = _labels(args.sub_treatments, "--sub-treatments")
    args.control = _labels(args.control, "--control")
    book = layout(
        args.layout,
        args.treatments,
        blocks=args.blocks,
        replicates=args.replicates,
        sub_treatments=args.sub_treatments,
        seed=args.seed,
        serpentine=args.serpentine,
        plot_area_m2=args.plot_area,
        controls=args.control,
        **({"columns": args.columns} if args.columns is not None else {}),
        **({"block_size": args.block_size} if args.block_size is not None else {}),
        **({"checks": args.checks} if args.checks is not None else {}),
    )
    _warn_one_replicate(args)
    text = csv_safe_frame(book).to_csv(index=False)
    # the map is drawn before anything is written: a field book is never left without it
    figure = _field_map(book, args.map, args.lang) if args.map is not None else b""
    seed = book.attrs["design"]["seed"]
    if args.output is not None:
        write_output(args.output, text, force=force, protect_harvest=True)
    if args.map is not None:  # a failure here removes the new field book (cli.output_group)
        write_output(args.map, figure, force=force, inputs=[args.output])
    if args.output is None:
        write_stdout(text)
    else:
        shown = shown_path(args.output)
        english = f"field book: {shown} ({len(book)} plots, {args.layout}, seed {seed})"
        name = layout_name(book.attrs["design"]["design"], "zh")
        chinese = f"田间记录簿：{shown}（{len(book)} 个小区，{name}，随机种子 {seed}）"
        print(status_line(english, chinese), file=sys.stderr)
    _describe(book.attrs["design"])
    if args.control:
        named = ",".join(args.control)
        english = (
            f"control: {', '.join(args.control)} (give --control {named} to `yieldtrial "
            "report`, or [analysis] control in trial.toml)"
        )
        chinese = (
            f"对照：{', '.join(args.control)}（`yieldtrial report` 时请用 --control {named}，"
            "或在 trial.toml 的 [analysis] 中写 control）"
        )
        print(status_line(english, chinese), file=sys.stderr)
    if args.seed is None:
        english = f"seed {seed} (give --seed {seed} to reproduce this layout)"
        chinese = f"随机种子 {seed}（用 --seed {seed} 可重现此田间排列）"
        print(status_line(english, chinese), file=sys.stderr)
    if args.map is not None:
        shown_map = shown_path(args.map)
        print(status_line(f"field map: {shown_map}", f"田间排列图：{shown_map}"), file=sys.stderr)
    return 0


def _field_map(book: Any, path: str, lang: str = "en") -> bytes:
    """Draw the field map of ``book`` in the format of ``path``'s suffix."""
    from yieldtrial.commands._figures import use_file_backend

    use_file_backend()
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from yieldtrial.design.layouts import field_map
    from yieldtrial.design.maps import check_map_size
    from yieldtrial.plotting import rc_fonts

    check_map_size(len(book))  # before the figure: a huge one takes minutes and gigabytes
    # a new figure sized to the grid (design.maps.map_figsize); not a SubFigure
    fig = cast("Figure", field_map(book, lang=lang).figure)
    buffer = io.BytesIO()
    kind = Path(path).suffix.lower().lstrip(".")
    with rc_fonts():
        box = _tight_box(fig, kind)
        fig.savefig(buffer, format=kind, bbox_inches=box, metadata=_NO_DATE.get(kind))
    plt.close(fig)
    return buffer.getvalue()


#: Rows and columns of an alpha generator printed in full; a larger one is shown by its
#: corner (200 entries in blocks of 100 in 50 replicates printed 5000 numbers on one line).
_GENERATOR_SHOWN = 12


def _generator_text(generator: list[list[int]]) -> str:
    """Return the generating array as ``row; row; ...``, a large one by its top-left corner."""
    n_rows, n_cols = len(generator), len(generator[0]) if generator else 0
    shown = _GENERATOR_SHOWN
    rows = [
        " ".join(str(v) for v in row[:shown]) + (" ..." if n_cols > shown else "")
        for row in generator[:shown]
    ]
    text = "; ".join(rows) + ("; ..." if n_rows > shown else "")
    if n_rows > shown or n_cols > shown:
        text += f" (the first {min(n_rows, shown)} x {min(n_cols, shown)} of {n_rows} x {n_cols})"
    return text


def _tight_box(fig: Any, kind: str) -> Any:
    """Return the tight bounding box of ``fig`` as ``savefig(bbox_inches="tight")`` finds it.

    ``"tight"`` first draws the whole figure to lay it out, then draws it again: on a map
    of 1,800 plots each two-line cell label was laid out twice (2.5 of 8 s). The box is
    found here from the artists in the layout alone (cell labels inside the axes are left
    out of it by :func:`yieldtrial.design.maps.field_map`), with the renderer of the output
    format; the same box, so the same file. ``"tight"`` when matplotlib lacks the means.
    """
    import matplotlib

    canvas = fig.canvas
    try:
        from matplotlib import backend_bases

        # _get_renderer: private since matplotlib 3.4, kept to 3.11 (else "tight" below)
        _get_renderer = getattr(backend_bases, "_get_renderer")  # noqa: B009
        get_registered_canvas_class = backend_bases.get_registered_canvas_class

        printer = get_registered_canvas_class(kind)(fig)  # the canvas savefig prints with
        renderer = _get_renderer(fig, getattr(printer, f"print_{kind}"))
        return fig.get_tightbbox(renderer).padded(matplotlib.rcParams["savefig.pad_inches"])
    except Exception:  # noqa: BLE001 - only a faster way to the same box
        return "tight"
    finally:
        fig.set_canvas(canvas)


#: Blocks of unequal entry counts listed one by one up to this many; more are summarized
#: (the counts differ by at most one, the larger ones first: design/augmented.py).
_BLOCKS_LISTED = 8


def _entries_per_block_text(sizes: list[int]) -> tuple[str, str]:
    """Return the entry plots per block in words, English and Chinese.

    ``[6, 6, 6]`` is "6 entry plots per block", ``[6, 6, 5]`` "6, 6, 5 entry plots per
    block"; more than :data:`_BLOCKS_LISTED` unequal blocks "6 entry plots in blocks 1-4,
    5 in blocks 5-20" (the checks' plots come on top of these).
    """
    if len(set(sizes)) == 1:
        return f"{sizes[0]} entry plots per block", f"每个区组 {sizes[0]} 个参试小区"
    if len(sizes) <= _BLOCKS_LISTED:
        listed = ", ".join(str(n) for n in sizes)
        return (
            f"{listed} entry plots per block",
            f"各区组分别有 {'、'.join(str(n) for n in sizes)} 个参试小区",
        )
    larger, smaller = sizes[0], sizes[-1]
    cut = sizes.count(larger)
    first = "block 1" if cut == 1 else f"blocks 1-{cut}"
    rest = f"block {cut + 1}" if cut + 1 == len(sizes) else f"blocks {cut + 1}-{len(sizes)}"
    first_zh = "第 1 区组" if cut == 1 else f"第 1-{cut} 区组"
    rest_zh = f"第 {cut + 1} 区组" if cut + 1 == len(sizes) else f"第 {cut + 1}-{len(sizes)} 区组"
    return (
        f"{larger} entry plots in {first}, {smaller} in {rest}",
        f"{first_zh}{'有' if cut == 1 else '各'} {larger} 个参试小区，"
        f"{rest_zh}{'有' if cut + 1 == len(sizes) else '各'} {smaller} 个",
    )


#: How an alpha design's generator was built (design/alpha.py's ``construction``, its
#: parts separated by ", "), in plain words with the source: English and Chinese.
_CONSTRUCTION_WORDS: dict[str, tuple[str, str]] = {
    "ij mod s": (
        "the cyclic array i x j mod s (Patterson & Williams 1976, sec. 3)",
        "循环阵 i × j mod s（Patterson & Williams 1976，第 3 节）",
    ),
    "search": (
        "a seeded search for the array whose treatment pairs share blocks most evenly "
        "(Patterson & Williams 1976)",
        "按随机种子搜索、使各对处理同处一个区组的次数最均匀的阵（Patterson & Williams 1976）",
    ),
    "random start": ("a seeded random array", "按随机种子生成的随机阵"),
    "efficiency search": (
        "then improved cell by cell for the efficiency factor (John & Williams 1995, sec. 4.4)",
        "再逐格改进以提高效率因子（John & Williams 1995，第 4.4 节）",
    ),
}


def _construction_text(construction: str, blocks_per_replicate: int) -> tuple[str, str]:
    """Return how an alpha generator was built in words, English and Chinese.

    ``"search, efficiency search"`` becomes "a seeded search for ... (Patterson &
    Williams 1976), then improved cell by cell ..."; a part not known is kept as it is;
    ``s`` of ``i x j mod s`` is the number of blocks per replicate.
    """
    parts = [_CONSTRUCTION_WORDS.get(part, (part, part)) for part in construction.split(", ")]
    modulus = f"mod {blocks_per_replicate}"
    english = ", ".join(en for en, _ in parts).replace("mod s", modulus)
    return english, "，".join(zh for _, zh in parts).replace("mod s", modulus)


def _describe(design: dict[str, Any]) -> None:
    """Print the generator and efficiency of an alpha design, the df of an augmented one."""
    from yieldtrial.commands._zh_messages import status_line

    if design["design"] == "alpha":
        rows = _generator_text(design["generator"])
        v, r = len(design["treatments"]), design["replicates"]
        s, k = design["blocks_per_replicate"], design["block_size"]
        how_en, how_zh = _construction_text(str(design["construction"]), s)
        english = (
            f"alpha design (Patterson & Williams 1976): {v} treatments, {r} replicates of {s} "
            f"blocks x {k} plots"
        )
        chinese = (
            f"α 格子设计（Patterson & Williams 1976）：{v} 个处理，{r} 次重复，"
            f"每次重复 {s} 个区组 × {k} 个小区"
        )
        print(status_line(english, chinese), file=sys.stderr)
        english = (
            f"generating array (a row per group of {s} treatments, a column per replicate, "
            f"values mod {s}): {rows}; built from {how_en}"
        )
        chinese = (
            f"生成阵（每行对应一组 {s} 个处理，每列对应一次重复，数值取模 {s}）：{rows}；"
            f"由{how_zh}得到"
        )
        print(status_line(english, chinese), file=sys.stderr)
        efficiency = fixed(design["efficiency"], 4)
        bound = fixed(design["efficiency_upper_bound"], 4)
        most = design["max_concurrence"]
        english = (
            f"efficiency factor {efficiency} (upper bound {bound} for these numbers of "
            "treatments, replicates and blocks; 1 for complete blocks of the same plot error); "
            f"any two treatments meet in at most {most} block(s)"
        )
        chinese = (
            f"效率因子 {efficiency}（此处理数、重复数和区组数下的上限为 {bound}；"
            f"小区误差相同的完全区组为 1）；任意两个处理最多同处 {most} 个区组"
        )
        print(status_line(english, chinese), file=sys.stderr)
    elif design["design"] == "augmented":
        checks, blocks = len(design["checks"]), design["blocks"]
        entries = len(design["entries"])
        per_block_en, per_block_zh = _entries_per_block_text(design["entries_per_block"])
        english = (
            f"augmented design: {checks} checks in each of {blocks} blocks, {entries} entries "
            f"({per_block_en}); residual df {design['df_error']}"
        )
        chinese = (
            f"增广随机区组设计：{blocks} 个区组各有 {checks} 个对照，{entries} 个参试材料"
            f"（{per_block_zh}）；误差自由度 {design['df_error']}"
        )
        print(status_line(english, chinese), file=sys.stderr)
        _warn_few_residual_df(checks, blocks, entries, design["df_error"])


def _warn_few_residual_df(checks: int, blocks: int, entries: int, df_error: int) -> None:
    """Warn when an augmented design's checks leave fewer than 10 residual df.

    The threshold is the report's (:data:`yieldtrial.stats.residual_checks.MIN_ERROR_DF`,
    Mead's resource equation): the trial's report will say the same after harvest.  Below
    it the t quantile of every comparison is inflated: t(0.975) is 2.23 at 10 df, 2.57 at
    5, 12.7 at 1, against 1.96 with a known variance.  The fix names the checks per block,
    or the blocks, that reach it: (b - 1)(c - 1) >= 10 (Federer 1961); blocks only while
    each keeps an entry.
    """
    from yieldtrial.commands._input import print_warning
    from yieldtrial.stats.residual_checks import MIN_ERROR_DF

    if df_error >= MIN_ERROR_DF:
        return
    checks_needed = 1 + -(-MIN_ERROR_DF // (blocks - 1))
    blocks_needed = 1 + -(-MIN_ERROR_DF // (checks - 1))
    fix = f"with {checks_needed} checks in each of these {blocks} blocks"
    if blocks_needed <= entries:
        fix += f", or with {blocks_needed} blocks of these {checks} checks"
    print_warning(
        f"only {df_error} residual df (fewer than {MIN_ERROR_DF}): the error variance of this "
        "augmented design comes from its checks alone, so comparisons of the entries will "
        f"have little power; add checks to each block or add blocks ({MIN_ERROR_DF} df or "
        f"more {fix})"
    )
