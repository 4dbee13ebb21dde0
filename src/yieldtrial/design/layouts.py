"""Randomized field layouts and field books.

Each layout function returns a **field book**: one row per plot with the
columns :func:`yieldtrial.io.read_plots` (and so ``FieldTrial.from_csv``) reads
back, and the harvest columns left empty to be filled in at harvest::

    plot_id, treatment, [block], row, column,
    harvested_area_m2, fresh_mass_kg, moisture_pct, impurity_pct

Plot numbers follow the usual field-book convention: ``101, 102, ...`` in block
(or field row) 1, ``201, 202, ...`` in block 2 (``1001, ...`` when a block has
100 plots or more).  With ``serpentine=True`` the numbering snakes: it runs left
to right in odd rows and right to left in even rows, so walking the plots in
number order never jumps back across the field.

Layouts (dispatch and validation via :data:`LAYOUTS`):

* :func:`crd` - completely randomized; no blocks, plots filled row by row;
* :func:`rcbd` - randomized complete blocks; each block is one field row and
  holds every treatment once, randomized independently per block;
* :func:`latin_square` - t x t square, each treatment once in every row and column;
* :func:`split_plot` - main-plot factor randomized within blocks, sub-plot factor
  randomized within each main plot;
* :func:`yieldtrial.design.alpha.alpha_design` - resolvable alpha-lattice (incomplete blocks
  within replicates; generator and efficiency factor in ``attrs["design"]``);
* :func:`yieldtrial.design.augmented.augmented_design` - augmented RCBD (checks in every
  block, entries once).

Randomization uses :func:`numpy.random.default_rng` with ``seed``, so the same
seed gives the same layout; when ``seed`` is omitted a fresh seed is drawn and
recorded in ``attrs["design"]["seed"]`` so the layout can still be reproduced.

References
----------
.. [1] K. A. Gomez and A. A. Gomez, *Statistical Procedures for Agricultural
   Research*, 2nd ed., Wiley, 1984, ch. 2-3 (randomization and layout).
.. [2] F. de Mendiburu, *agricolae: Statistical Procedures for Agricultural
   Research*, R package (design.crd, design.rcbd, design.lsd, design.split;
   plot numbering series 101, 102, ...; zigzag serpentine numbering).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.design.fieldbook import (
    FIELDBOOK_COLUMNS,
    HARVEST_COLUMNS,
    check_total,
    checked_count,
    checked_labels,
    finish_field_book,
    plot_positions,
    seeded_rng,
    series_base,
)
from yieldtrial.design.maps import field_map
from yieldtrial.errors import DataValidationError, YieldTrialWarning
from yieldtrial.io._guard import held_warnings
from yieldtrial.io.checks import message_number

__all__ = [
    "FIELDBOOK_COLUMNS",
    "TrialPlan",
    "plan_trial",
    "HARVEST_COLUMNS",
    "LAYOUTS",
    "crd",
    "field_map",
    "latin_square",
    "layout",
    "rcbd",
    "split_plot",
]

#: Layout keys accepted by :func:`layout` and the ``yieldtrial design`` command.
LAYOUTS: tuple[str, ...] = ("crd", "rcbd", "latin", "split_plot", "alpha", "augmented")


# ----------------------------------------------------------------------------- layouts
def crd(
    treatments: Sequence[str],
    *,
    replicates: int,
    seed: int | None = None,
    columns: int | None = None,
    serpentine: bool = False,
    plot_area_m2: float | None = None,
) -> pd.DataFrame:
    """Completely randomized design: every treatment ``replicates`` times, placed at random.

    Parameters
    ----------
    treatments : sequence of str
        Treatment labels (at least 2, unique).
    replicates : int
        Plots per treatment (>= 1).
    seed : int, optional
        Random seed; the same seed gives the same layout.
    columns : int, optional
        Plots per field row; default the number of treatments.
    serpentine : bool, default False
        Snake the plot numbering (even rows numbered right to left).
    plot_area_m2 : float, optional
        Net harvested area of each plot, pre-filled in ``harvested_area_m2``. [m2]

    Returns
    -------
    DataFrame
        Field book with ``plot_id`` (``101, 102, ...`` serially), ``treatment``,
        ``row``, ``column`` and empty harvest columns, sorted by field position;
        ``attrs["design"]`` records the design, seed and arguments.

    Examples
    --------
    >>> book = crd(["A", "B", "C"], replicates=2, seed=1)
    >>> book["treatment"].value_counts().sort_index().tolist()
    [2, 2, 2]
    >>> sorted(book["plot_id"])[:3]
    ['101', '102', '103']
    """
    labels = checked_labels(treatments, "treatments")
    r = checked_count(replicates, "replicates")
    check_total(len(labels) * r, "CRD")
    width = labels.__len__() if columns is None else checked_count(columns, "columns")
    rng, used_seed = seeded_rng(seed)
    n = len(labels) * r
    order = rng.permutation(np.repeat(np.arange(len(labels)), r))
    base = series_base(n)
    rows = []
    for k, code in enumerate(order):
        field_row = k // width + 1
        in_row = min(width, n - (field_row - 1) * width)
        position = k % width
        rows.append(
            {
                "plot_id": str(base + k + 1),
                "treatment": labels[int(code)],
                "row": field_row,
                # plot_positions(in_row, field_row, serpentine)[position], without building the
                # row's list for every plot (quadratic: 100,000 plots in one row took minutes)
                "column": in_row - position if serpentine and field_row % 2 == 0 else position + 1,
            }
        )
    design = {
        "design": "crd",
        "treatments": labels,
        "replicates": r,
        "seed": used_seed,
        "serpentine": bool(serpentine),
        "columns": width,
    }
    return finish_field_book(
        rows, ("plot_id", "treatment", "row", "column", *HARVEST_COLUMNS), design, plot_area_m2
    )


def rcbd(
    treatments: Sequence[str],
    *,
    blocks: int,
    seed: int | None = None,
    serpentine: bool = False,
    plot_area_m2: float | None = None,
) -> pd.DataFrame:
    """Randomized complete block design: each block holds every treatment once.

    Each block is laid out as one field row (block ``b`` in row ``b``), its plots
    in columns ``1 .. t``; treatments are randomized independently in each block.
    Lay the blocks across the fertility gradient, so that plots within a block
    are as alike as possible.

    Parameters
    ----------
    treatments : sequence of str
        Treatment labels (at least 2, unique).
    blocks : int
        Number of blocks (replicates), >= 1.
    seed : int, optional
        Random seed; the same seed gives the same layout.
    serpentine : bool, default False
        Snake the plot numbering: block 2 is numbered right to left, so plot
        201 sits next to plot 1tt.
    plot_area_m2 : float, optional
        Net harvested area of each plot, pre-filled in ``harvested_area_m2``. [m2]

    Returns
    -------
    DataFrame
        Field book with columns :data:`FIELDBOOK_COLUMNS`: ``plot_id``
        (``101..`` in block 1, ``201..`` in block 2, ...), ``treatment``,
        ``block`` (``"1"``, ``"2"``, ...), ``row``, ``column`` and the empty
        harvest columns; ``attrs["design"]`` records design, seed and arguments.

    Examples
    --------
    >>> book = rcbd(["CK1", "CK2", "T"], blocks=4, seed=1)
    >>> book.groupby("block")["treatment"].nunique().tolist()
    [3, 3, 3, 3]
    >>> book.loc[book["block"] == "2", "plot_id"].tolist()
    ['201', '202', '203']
    """
    labels = checked_labels(treatments, "treatments")
    b = checked_count(blocks, "blocks")
    check_total(len(labels) * b, "RCBD")
    rng, used_seed = seeded_rng(seed)
    t = len(labels)
    base = series_base(t)
    rows = []
    for block in range(1, b + 1):
        order = rng.permutation(t)
        columns = plot_positions(t, block, serpentine)
        for k in range(t):
            rows.append(
                {
                    "plot_id": str(block * base + k + 1),
                    "treatment": labels[int(order[k])],
                    "block": str(block),
                    "row": block,
                    "column": columns[k],
                }
            )
    design = {
        "design": "rcbd",
        "treatments": labels,
        "blocks": b,
        "seed": used_seed,
        "serpentine": bool(serpentine),
    }
    return finish_field_book(rows, FIELDBOOK_COLUMNS, design, plot_area_m2)


def latin_square(
    treatments: Sequence[str],
    *,
    seed: int | None = None,
    serpentine: bool = False,
    plot_area_m2: float | None = None,
) -> pd.DataFrame:
    """Latin square: t x t plots, each treatment once in every field row and column.

    The square is the cyclic square ``(i + j) mod t`` with its rows, its columns
    and the treatment labels each randomly permuted (the usual randomization of
    Fisher and Yates for field work).

    Parameters
    ----------
    treatments : sequence of str
        Treatment labels (at least 2, unique); ``t`` labels give ``t x t`` plots.
    seed : int, optional
        Random seed; the same seed gives the same layout.
    serpentine : bool, default False
        Snake the plot numbering.
    plot_area_m2 : float, optional
        Net harvested area of each plot, pre-filled in ``harvested_area_m2``. [m2]

    Returns
    -------
    DataFrame
        Field book with ``plot_id`` (``101..`` in row 1, ``201..`` in row 2),
        ``treatment``, ``row``, ``column`` and the empty harvest columns (no
        ``block``: rows and columns are the two blocking factors; analyse with
        ``design="latin", row="row", column="column"``).

    Examples
    --------
    >>> book = latin_square(["A", "B", "C", "D"], seed=3)
    >>> book.groupby("row")["treatment"].nunique().tolist()
    [4, 4, 4, 4]
    >>> book.groupby("column")["treatment"].nunique().tolist()
    [4, 4, 4, 4]
    """
    labels = checked_labels(treatments, "treatments")
    check_total(len(labels) ** 2, "Latin square")
    rng, used_seed = seeded_rng(seed)
    t = len(labels)
    square = (np.arange(t)[:, None] + np.arange(t)[None, :]) % t
    square = square[rng.permutation(t)][:, rng.permutation(t)]
    symbols = rng.permutation(t)
    base = series_base(t)
    rows = []
    for i in range(t):
        field_row = i + 1
        columns = plot_positions(t, field_row, serpentine)
        for k in range(t):
            col = columns[k]
            rows.append(
                {
                    "plot_id": str(field_row * base + k + 1),
                    "treatment": labels[int(symbols[square[i, col - 1]])],
                    "row": field_row,
                    "column": col,
                }
            )
    design = {
        "design": "latin",
        "treatments": labels,
        "seed": used_seed,
        "serpentine": bool(serpentine),
    }
    return finish_field_book(
        rows, ("plot_id", "treatment", "row", "column", *HARVEST_COLUMNS), design, plot_area_m2
    )


def split_plot(
    main_treatments: Sequence[str],
    sub_treatments: Sequence[str],
    *,
    blocks: int,
    seed: int | None = None,
    main_factor: str = "main",
    sub_factor: str = "sub",
    serpentine: bool = False,
    plot_area_m2: float | None = None,
) -> pd.DataFrame:
    """Split-plot design in randomized complete blocks.

    Each block is one field row of ``a`` main plots (main-plot factor randomized
    within the block), each main plot split into ``s`` sub-plots (sub-plot factor
    randomized within the main plot).

    Parameters
    ----------
    main_treatments : sequence of str
        Levels of the main-plot factor (e.g. irrigation, tillage), at least 2.
    sub_treatments : sequence of str
        Levels of the sub-plot factor (e.g. fertilizer), at least 2.
    blocks : int
        Number of blocks, >= 1.
    seed : int, optional
        Random seed; the same seed gives the same layout.
    main_factor, sub_factor : str
        Column names of the two factors in the field book.
    serpentine : bool, default False
        Snake the plot numbering.
    plot_area_m2 : float, optional
        Net harvested area of each sub-plot, pre-filled in ``harvested_area_m2``. [m2]

    Returns
    -------
    DataFrame
        Field book with ``plot_id``, ``treatment`` (``"<main>:<sub>"``),
        ``block``, ``row``, ``column``, ``main_plot`` (``"<block>-<position>"``),
        the two factor columns and the empty harvest columns.

    Examples
    --------
    >>> book = split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=2, seed=5,
    ...                   main_factor="irrigation", sub_factor="nitrogen")
    >>> book.groupby("main_plot")["irrigation"].nunique().tolist()
    [1, 1, 1, 1]
    >>> book.groupby("main_plot")["nitrogen"].nunique().tolist()
    [3, 3, 3, 3]
    """
    mains = checked_labels(main_treatments, "main_treatments")
    subs = checked_labels(sub_treatments, "sub_treatments")
    b = checked_count(blocks, "blocks")
    check_total(len(mains) * len(subs) * b, "split-plot")
    names = [str(main_factor), str(sub_factor)]
    reserved = set(FIELDBOOK_COLUMNS) | {"main_plot"}
    if names[0] == names[1] or reserved & set(names) or not all(n.strip() for n in names):
        raise DataValidationError(
            f"main_factor and sub_factor must be two different, non-empty column names other than "
            f"{', '.join(sorted(reserved))}; got {names[0]!r} and {names[1]!r}."
        )
    rng, used_seed = seeded_rng(seed)
    a, s = len(mains), len(subs)
    base = series_base(a * s)
    rows = []
    for block in range(1, b + 1):
        main_order = rng.permutation(a)
        columns = plot_positions(a * s, block, serpentine)
        # main plot m occupies field columns m*s+1 .. (m+1)*s; numbered plot k sits in
        # field column columns[k] (snaking when serpentine)
        cells: dict[int, tuple[int, int, int]] = {}
        for m in range(a):
            sub_order = rng.permutation(s)
            for j in range(s):
                field_col = m * s + j + 1
                cells[field_col] = (m, int(main_order[m]), int(sub_order[j]))
        for k in range(a * s):
            col = columns[k]
            position, main_code, sub_code = cells[col]
            rows.append(
                {
                    "plot_id": str(block * base + k + 1),
                    "treatment": f"{mains[main_code]}:{subs[sub_code]}",
                    "block": str(block),
                    "row": block,
                    "column": col,
                    "main_plot": f"{block}-{position + 1}",
                    names[0]: mains[main_code],
                    names[1]: subs[sub_code],
                }
            )
    design = {
        "design": "split_plot",
        "main_treatments": mains,
        "sub_treatments": subs,
        "blocks": b,
        "seed": used_seed,
        "serpentine": bool(serpentine),
        "main_factor": names[0],
        "sub_factor": names[1],
    }
    columns_out = (
        "plot_id",
        "treatment",
        "block",
        "row",
        "column",
        "main_plot",
        *names,
        *HARVEST_COLUMNS,
    )
    return finish_field_book(rows, columns_out, design, plot_area_m2)


def layout(
    design: str,
    treatments: Sequence[str],
    *,
    blocks: int | None = None,
    replicates: int | None = None,
    sub_treatments: Sequence[str] | None = None,
    seed: int | None = None,
    serpentine: bool = False,
    plot_area_m2: float | None = None,
    controls: str | Sequence[str] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Build the field book of any layout in :data:`LAYOUTS` (used by the CLI).

    Parameters
    ----------
    design : {"crd", "rcbd", "latin", "split_plot", "alpha", "augmented"}
        Layout key.
    treatments : sequence of str
        Treatments (the main-plot levels for ``split_plot``; the entries for
        ``augmented``).
    blocks : int, optional
        Blocks (RCBD, split-plot, augmented).
    replicates : int, optional
        Replicates (CRD, alpha).
    sub_treatments : sequence of str, optional
        Sub-plot levels (split-plot).
    seed : int, optional
        Random seed.
    serpentine : bool
        Snake the plot numbering.
    plot_area_m2 : float, optional
        Net plot area pre-filled in ``harvested_area_m2``. [m2]
    controls : str or sequence of str, optional
        Control (check) treatment(s), as ``control=`` of the analysis: each must be a
        treatment of the layout (for ``split_plot`` also a main- or sub-plot level; for
        ``augmented`` one of the checks, not an entry).
        Recorded in ``attrs["design"]["controls"]``; :func:`field_map` labels them in bold
        and, beyond :data:`~yieldtrial.design.maps.MAP_MAX_COLOURS` treatments, colours
        only them.
    **options
        Further keyword arguments of the layout function (``columns`` for CRD,
        ``main_factor``/``sub_factor`` for split-plot, ``block_size`` for alpha,
        ``checks`` for augmented).

    Returns
    -------
    DataFrame
        The field book.

    Raises
    ------
    DataValidationError
        On an unknown design, a missing argument it needs, or a control that is not a
        treatment (of an augmented design: not a check).

    Examples
    --------
    >>> layout("rcbd", ["A", "B"], blocks=2, seed=0).shape
    (4, 9)
    >>> layout("rcbd", ["CK", "B"], blocks=2, seed=0, controls="CK").attrs["design"]["controls"]
    ['CK']
    """
    book = _layout(
        design,
        treatments,
        blocks=blocks,
        replicates=replicates,
        sub_treatments=sub_treatments,
        seed=seed,
        serpentine=serpentine,
        plot_area_m2=plot_area_m2,
        **options,
    )
    if controls is not None:
        given = [*options.get("checks", ()), *treatments, *(sub_treatments or ())]
        book.attrs["design"]["controls"] = list(_check_controls(book, controls, given))
    return book


def _check_controls(
    book: pd.DataFrame, controls: str | Sequence[str], given: Sequence[Any]
) -> tuple[str, ...]:
    """Check the control label(s) of a new layout against its treatments (and factor levels).

    The treatments an error lists are in the order they were given (``given``: checks,
    treatments, sub-plot levels), not in the randomized order of the plots.
    """
    from yieldtrial.io.validation import check_augmented_control, check_control, normalise_label

    info = book.attrs["design"]
    if info.get("design") == "augmented":
        checks = [str(c) for c in info["checks"]]
        return check_augmented_control(controls, checks, [str(e) for e in info["entries"]])
    present = list(dict.fromkeys(book["treatment"].astype(str)))
    if book.attrs["design"].get("design") == "split_plot":  # a level of either factor too
        levels = [part for label in present for part in label.split(":")]
        present = list(dict.fromkeys([*levels, *present]))
    rank = {label: i for i, label in enumerate(dict.fromkeys(map(normalise_label, given)))}
    present.sort(key=lambda label: rank.get(label, len(rank)))  # stable: combinations last
    return check_control(controls, present)


def _layout(
    design: str,
    treatments: Sequence[str],
    *,
    blocks: int | None,
    replicates: int | None,
    sub_treatments: Sequence[str] | None,
    seed: int | None,
    serpentine: bool,
    plot_area_m2: float | None,
    **options: Any,
) -> pd.DataFrame:
    """Build the field book of ``layout`` (everything but its controls)."""
    if isinstance(design, TrialPlan):
        raise DataValidationError(
            "layout takes the design's name ('crd', 'rcbd', ...), not a TrialPlan; for a plan "
            "call layout(plan.design, treatments, blocks=plan.replicates) (a CRD: "
            "replicates=plan.replicates)"
        )
    key = str(design).lower().replace("-", "_")
    key = {"latin_square": "latin", "lsd": "latin", "split": "split_plot"}.get(key, key)
    if key not in LAYOUTS:
        raise DataValidationError(
            f"unknown design {design!r}; expected one of {', '.join(LAYOUTS)}."
        )
    allowed = {
        "crd": {"columns"},
        "split_plot": {"main_factor", "sub_factor"},
        "alpha": {"block_size"},
        "augmented": {"checks"},
    }.get(key, set())
    given = {
        name
        for name, value in (
            ("blocks", blocks),
            ("replicates", replicates),
            ("sub_treatments", sub_treatments),
        )
        if value is not None
    }
    takes = {
        "crd": {"replicates"},
        "rcbd": {"blocks"},
        "latin": set(),
        "split_plot": {"blocks", "sub_treatments"},
        "alpha": {"replicates"},
        "augmented": {"blocks"},
    }[key]
    extra = sorted(set(options) - allowed) + sorted(given - takes)
    if extra:
        raise DataValidationError(
            f"design {key!r} does not take {', '.join(extra)}; "
            f"it takes {', '.join(sorted(allowed | takes)) or 'no further options'}"
            + (
                " (a Latin square has as many rows and columns as treatments)."
                if key == "latin"
                else "."
            )
        )
    common: dict[str, Any] = {"seed": seed, "serpentine": serpentine, "plot_area_m2": plot_area_m2}
    if key == "crd":
        if replicates is None:
            raise DataValidationError("design 'crd' needs replicates (plots per treatment).")
        return crd(treatments, replicates=replicates, **common, **options)
    if key == "rcbd":
        if blocks is None:
            raise DataValidationError("design 'rcbd' needs blocks (number of blocks).")
        return rcbd(treatments, blocks=blocks, **common, **options)
    if key == "latin":
        return latin_square(treatments, **common, **options)
    if key == "alpha":
        return _alpha_layout(treatments, replicates, serpentine, seed, plot_area_m2, options)
    if key == "augmented":
        from yieldtrial.design.augmented import augmented_design

        if blocks is None or not options.get("checks"):
            raise DataValidationError(
                "design 'augmented' needs blocks and checks (the check labels repeated in "
                "every block); the treatments are the entries."
            )
        return augmented_design(options["checks"], treatments, blocks=blocks, **common)
    if blocks is None or sub_treatments is None:
        raise DataValidationError(
            "design 'split_plot' needs blocks and sub_treatments (the sub-plot levels)."
        )
    return split_plot(treatments, sub_treatments, blocks=blocks, **common, **options)


def _alpha_layout(
    treatments: Sequence[str],
    replicates: int | None,
    serpentine: bool,
    seed: int | None,
    plot_area_m2: float | None,
    options: dict[str, Any],
) -> pd.DataFrame:
    """Dispatch ``layout("alpha", ...)`` to :func:`yieldtrial.design.alpha.alpha_design`."""
    from yieldtrial.design.alpha import alpha_design

    if replicates is None or options.get("block_size") is None:
        raise DataValidationError(
            "design 'alpha' needs replicates and block_size (plots per incomplete block)."
        )
    if serpentine:
        raise DataValidationError(
            "design 'alpha' lays each incomplete block in its own field row; serpentine "
            "numbering does not apply. Drop it."
        )
    return alpha_design(
        treatments,
        block_size=options["block_size"],
        replicates=replicates,
        seed=seed,
        plot_area_m2=plot_area_m2,
    )


# ----------------------------------------------------------------------------- planning
@dataclass(frozen=True)
class TrialPlan:
    """Replicates needed for a trial, with what that number buys.

    Attributes
    ----------
    cv_pct : float
        Expected coefficient of variation of plot yields. [%]
    difference_pct : float or None
        Difference to detect, % of the control mean (None when replicates were given). [%]
    n_treatments : int
        Treatments including the control(s).
    alpha : float
        Family-wise significance level.
    power : float
        Required power.
    design : str
        ``"rcbd"`` or ``"crd"``.
    comparison : str
        ``"dunnett"``, ``"t"`` or ``"tukey"``.
    alternative : str
        ``"two-sided"`` or ``"greater"``.
    replicates : int
        Replicates (blocks) per treatment: computed by
        :func:`yieldtrial.stats.power.replicates_needed`, or as given.
    df_error : float
        Error degrees of freedom at ``replicates``: RCBD ``(t-1)(r-1)``, CRD ``t(r-1)``.
    detectable_difference_pct : float
        Smallest difference detected with ``power`` at ``replicates``. [%]
    detectable_difference_fewer_pct : float or None
        The same with one replicate fewer (None below 3 replicates). [%]
    plots : int
        Total plots, ``n_treatments x replicates``.
    """

    cv_pct: float
    difference_pct: float | None
    n_treatments: int
    alpha: float
    power: float
    design: str
    comparison: str
    alternative: str
    replicates: int
    df_error: float
    detectable_difference_pct: float
    detectable_difference_fewer_pct: float | None
    plots: int

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict."""
        return asdict(self)

    def _repr_html_(self) -> str:
        import html

        return f"<pre>{html.escape(self.to_text())}</pre>"

    def to_text(self, lang: str = "en") -> str:
        """Explain the plan in a few plain lines (what ``yieldtrial plan`` prints).

        Parameters
        ----------
        lang : {"en", "zh"}
            English, or Chinese (``yieldtrial plan --lang zh``).

        Returns
        -------
        str
            The explanation, ending with a newline.
        """
        if lang == "zh":
            return self._to_text_zh()
        test = {
            "dunnett": "Dunnett's test vs the control",
            "t": "an unadjusted t test (LSD)",
            "tukey": "Tukey's HSD",
        }.get(self.comparison, self.comparison)
        t, r = self.n_treatments, self.replicates
        df_formula = (
            f"(t - 1)(r - 1) = ({t} - 1)({r} - 1)"
            if self.design == "rcbd"
            else f"t(r - 1) = {t}({r} - 1)"
        )
        power = f"{message_number(self.power, scale=100)} %"  # 0.9999 is 99.99 %, never 100 %
        df_error = (
            f"{self.df_error:.0f}" if float(self.df_error).is_integer() else f"{self.df_error:g}"
        )
        # "an RCBD" (ar-), "a CRD" (see-)
        design = ("an " if self.design == "rcbd" else "a ") + self.design.upper()
        # decimals that tell the two detectable differences apart: with thousands of
        # replicates both printed "0.5 %" ("with 4,020 replicates it would be 0.5 %")
        decimals = _distinct_decimals(
            self.detectable_difference_pct, self.detectable_difference_fewer_pct
        )
        shown = _shown_decimals(self.detectable_difference_pct, decimals)
        detectable = f"{self.detectable_difference_pct:.{shown}f} %"
        lines = []
        if self.difference_pct is not None:
            lines.append(f"Replicates needed: {r:,}")
            lines.append(
                f"  to detect a {message_number(self.difference_pct)} % yield difference at a CV "
                "of "
                f"{message_number(self.cv_pct)} % with {power} power, {test} ({self.alternative}, "
                f"alpha {message_number(self.alpha)}), {t:,} treatments in {design}: "
                f"{self.plots:,} plots."
            )
        else:
            lines.append(f"Detectable difference with {r:,} replicates: {detectable}")
            lines.append(
                f"  at a CV of {message_number(self.cv_pct)} % with {power} power, {test} "
                f"({self.alternative}, alpha {message_number(self.alpha)}), {t:,} treatments in "
                f"{design}: {self.plots:,} plots."
            )
        df_note = " (below 10: few error df, weak tests)" if self.df_error < 10 else ""
        lines.append(f"Error df at {r:,} replicates: {df_formula} = {df_error}{df_note}.")
        if self.difference_pct is not None:
            lines.append(
                f"Detectable difference at {r:,} replicates: {detectable} of the control mean."
            )
        if self.detectable_difference_fewer_pct is not None and decimals is not None:
            # (left out when one replicate fewer changes nothing at 0.01 %)
            fewer = f"{self.detectable_difference_fewer_pct:.{shown}f}"
            lines.append(f"With {r - 1:,} replicates it would be {fewer} %.")
        lines.append(
            "The CV is a guess from earlier trials at the site; a higher CV needs more "
            "replicates (roughly in proportion to CV squared)."
        )
        return "\n".join(lines) + "\n"

    def _to_text_zh(self) -> str:
        """Return the lines of :meth:`to_text` in Chinese (the terms of the Chinese report)."""
        test = {
            "dunnett": "Dunnett 检验（与对照比较）",
            "t": "未校正的 t 检验（LSD）",
            "tukey": "Tukey HSD 检验",
        }.get(self.comparison, self.comparison)
        sided = {"two-sided": "双侧", "greater": "单侧：处理优于对照"}.get(
            self.alternative, self.alternative
        )
        design = {"rcbd": "随机区组设计", "crd": "完全随机设计"}.get(self.design, self.design)
        t, r = self.n_treatments, self.replicates
        df_formula = (
            f"(t - 1)(r - 1) = ({t} - 1)({r} - 1)"
            if self.design == "rcbd"
            else f"t(r - 1) = {t}({r} - 1)"
        )
        power = f"{message_number(self.power, scale=100)}%"
        df_error = (
            f"{self.df_error:.0f}" if float(self.df_error).is_integer() else f"{self.df_error:g}"
        )
        decimals = _distinct_decimals(
            self.detectable_difference_pct, self.detectable_difference_fewer_pct
        )
        shown = _shown_decimals(self.detectable_difference_pct, decimals)
        detectable = f"{self.detectable_difference_pct:.{shown}f}%"
        how = (
            f"检验功效 {power}，{test}（{sided}，α = {message_number(self.alpha)}），{design}，"
            f"{t:,} 个处理："
            f"共 {self.plots:,} 个小区。"
        )
        lines = []
        if self.difference_pct is not None:
            lines.append(f"所需重复数：{r:,}")
            lines.append(
                f"  检出 {message_number(self.difference_pct)}% 的产量差异，变异系数 "
                f"{message_number(self.cv_pct)}%，{how}"
            )
        else:
            lines.append(f"{r:,} 次重复可检出的差异：{detectable}")
            lines.append(f"  变异系数 {message_number(self.cv_pct)}%，{how}")
        df_note = "（低于 10：误差自由度少，检验力弱）" if self.df_error < 10 else ""
        lines.append(f"{r:,} 次重复时的误差自由度：{df_formula} = {df_error}{df_note}。")
        if self.difference_pct is not None:
            lines.append(f"{r:,} 次重复时可检出的差异：对照均值的 {detectable}。")
        if self.detectable_difference_fewer_pct is not None and decimals is not None:
            fewer = f"{self.detectable_difference_fewer_pct:.{shown}f}"
            lines.append(f"{r - 1:,} 次重复时为 {fewer}%。")
        lines.append(
            "变异系数是根据该地以往试验估计的；变异系数越高，所需重复越多"
            "（大致与变异系数的平方成正比）。"
        )
        return "\n".join(lines) + "\n"


def _shown_decimals(value: float, distinct: int | None) -> int:
    """Decimals to print a detectable difference [%] with.

    One, or ``distinct`` (:func:`_distinct_decimals`) when more tell the two differences
    apart; below 0.1 % as many as give two significant digits (a million replicates detect
    0.032 %, printed "0.0 %" before).

    Examples
    --------
    >>> _shown_decimals(5.04, None), _shown_decimals(0.494, 2), _shown_decimals(0.03166, None)
    (1, 2, 3)
    """
    decimals = distinct or 1
    if 0 < value < 0.1:
        decimals = max(decimals, 1 - math.floor(math.log10(value)))
    return decimals


def _distinct_decimals(value: float, other: float | None, most: int = 2) -> int | None:
    """Decimals (1 to ``most``) at which ``value`` and ``other`` print differently.

    None when they print alike even at ``most`` decimals (or ``other`` is None).

    Examples
    --------
    >>> _distinct_decimals(5.0, 5.1), _distinct_decimals(0.494, 0.503), _distinct_decimals(1, 1)
    (1, 2, None)
    """
    if other is None:
        return None
    for decimals in range(1, most + 1):
        if f"{value:.{decimals}f}" != f"{other:.{decimals}f}":
            return decimals
    return None


def plan_trial(
    *,
    cv_pct: float,
    n_treatments: int,
    difference_pct: float | None = None,
    replicates: int | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
    design: str = "rcbd",
    comparison: str = "dunnett",
    alternative: str = "two-sided",
) -> TrialPlan:
    """Plan the replication of a trial: replicates needed, or the difference detectable.

    Give either ``difference_pct`` (how many replicates detect it?) or
    ``replicates`` (what can that many detect?).  The numbers come from
    :func:`yieldtrial.stats.power.replicates_needed` and
    :func:`yieldtrial.stats.power.detectable_difference_pct`.

    Parameters
    ----------
    cv_pct : float
        Expected CV of plot yields (from earlier trials at the site). [%]
    n_treatments : int
        Treatments including the control(s).
    difference_pct : float, optional
        Yield difference to detect, % of the control mean. [%]
    replicates : int, optional
        Replicates planned (instead of ``difference_pct``).
    alpha, power, design, comparison, alternative
        See :func:`yieldtrial.stats.power.replicates_needed`.

    Returns
    -------
    TrialPlan
        Replicates, error df, detectable difference, total plots; ``to_text()``
        explains them.

    Raises
    ------
    DataValidationError
        If both or neither of ``difference_pct`` and ``replicates`` are given, or
        on invalid arguments.

    Examples
    --------
    >>> from yieldtrial.stats.power import replicates_needed
    >>> p = plan_trial(cv_pct=8, difference_pct=10, n_treatments=3)
    >>> p.replicates == replicates_needed(cv_pct=8, difference_pct=10, n_treatments=3)
    True
    >>> p.df_error == (3 - 1) * (p.replicates - 1)
    True
    """
    from yieldtrial.stats.power import (
        MAX_REPLICATES,
        detectable_difference_pct,
        replicates_needed,
        validate_plan_arguments,
    )

    if (difference_pct is None) == (replicates is None):
        raise DataValidationError(
            "give either difference_pct (the difference to detect) or replicates (the number "
            "planned), not both and not neither."
        )
    validate_plan_arguments(
        cv_pct=cv_pct, n_treatments=n_treatments, alpha=alpha, power=power, design=design,
        comparison=comparison, alternative=alternative, difference_pct=difference_pct,
        replicates=replicates,
    )  # fmt: skip
    with held_warnings():  # the arguments were checked (and warned about) above
        warnings.simplefilter("ignore", YieldTrialWarning)
        if replicates is not None:
            r = int(replicates)
        elif difference_pct is not None:
            # no practical cap here: the plan states the number, however large it is
            r = replicates_needed(
                cv_pct=cv_pct,
                difference_pct=difference_pct,
                n_treatments=n_treatments,
                alpha=alpha,
                power=power,
                design=design,
                comparison=comparison,
                alternative=alternative,
                max_replicates=MAX_REPLICATES,
            )
        t = int(n_treatments)
        df_error = float((t - 1) * (r - 1) if design == "rcbd" else t * (r - 1))

        def detectable(reps: int) -> float:
            return detectable_difference_pct(
                cv_pct=cv_pct,
                replicates=reps,
                n_treatments=t,
                alpha=alpha,
                power=power,
                design=design,
                comparison=comparison,
                alternative=alternative,
            )

        fewer = detectable(r - 1) if r >= 3 else None
        current = detectable(r)
    return TrialPlan(
        cv_pct=float(cv_pct),
        difference_pct=None if difference_pct is None else float(difference_pct),
        n_treatments=t,
        alpha=float(alpha),
        power=float(power),
        design=design,
        comparison=comparison,
        alternative=alternative,
        replicates=int(r),
        df_error=df_error,
        detectable_difference_pct=float(current),
        detectable_difference_fewer_pct=None if fewer is None else float(fewer),
        plots=t * int(r),
    )
