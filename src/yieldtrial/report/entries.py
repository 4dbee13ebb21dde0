"""Reports of trials with hundreds to thousands of entries: which entries the tables show.

Up to :data:`ENTRY_TABLE_LIMIT` entries (treatments, or levels of the means factor) the
report lists every entry.  Above it a table of one row per entry cannot be read, and
writing it into HTML, Markdown and Word is most of the report's time at 10,000 entries,
so the per-entry tables (means and comparisons with the control(s), non-inferiority,
plots by treatment) show the entries a breeder looks at first (:func:`select_entries`):

* the :data:`ENTRY_TABLE_TOP` entries with the highest LS-means,
* every entry significantly better than a control (Dunnett, the report's alpha; at most
  :data:`ENTRY_TABLE_LIMIT` of them, the highest),
* the control(s),
* the :data:`ENTRY_TABLE_BOTTOM` entries with the lowest LS-means,

in rank order, with a paragraph saying how many entries there are, how many are shown
and where the complete table is.  The complete tables are kept as
:class:`~yieldtrial.report.model.Companion` tables: in the JSON report (``results``), in
the Excel report, and as ``<report>_<table>.csv`` next to an HTML, Markdown or Word
report (:mod:`yieldtrial.report.companions`).  The limits are module constants read at
call time (as :data:`yieldtrial.report.context.PLOT_LISTING_LIMIT`), so a test or a user
may change them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.report.i18n import t
from yieldtrial.report.model import Companion, Paragraph, Table

__all__ = [
    "ENTRY_TABLE_BOTTOM",
    "ENTRY_TABLE_LIMIT",
    "ENTRY_TABLE_TOP",
    "EntrySelection",
    "entry_table_limits",
    "select_entries",
    "summarise_table",
]

#: Above this many entries the report's per-entry tables and figures summarise.
ENTRY_TABLE_LIMIT = 200

#: How many entries with the highest LS-means a summarised table shows.
ENTRY_TABLE_TOP = 20

#: How many entries with the lowest LS-means a summarised table shows.
ENTRY_TABLE_BOTTOM = 5


def entry_table_limits() -> tuple[int, int, int]:
    """Return (:data:`ENTRY_TABLE_LIMIT`, :data:`ENTRY_TABLE_TOP`, :data:`ENTRY_TABLE_BOTTOM`).

    Read at call time, so a monkeypatched limit applies to the next report.
    """
    return ENTRY_TABLE_LIMIT, ENTRY_TABLE_TOP, ENTRY_TABLE_BOTTOM


@dataclass(frozen=True)
class EntrySelection:
    """The entries a summarised per-entry table shows, and why.

    Attributes
    ----------
    n_entries : int
        Entries in the trial (rows of the complete means table).
    limit : int
        The limit that was exceeded (:data:`ENTRY_TABLE_LIMIT`).
    shown : tuple of str
        The entries shown, highest LS-mean first.
    top, bottom : tuple of str
        The entries with the highest and lowest LS-means.
    controls : tuple of str
        The control(s).
    better : dict
        Control -> the entries significantly better than it that are shown.
    n_better, n_worse, n_compared : dict
        Control -> how many entries are significantly better / worse (Dunnett), and
        how many were compared with it.
    tested : bool
        Whether the comparisons with the control(s) have p-values.
    checks : tuple of str
        An augmented design's checks (Federer), empty otherwise.  With checks,
        :attr:`better`, :attr:`n_better`, :attr:`n_worse` and :attr:`n_compared` count
        the entries (the unreplicated test lines) only, and the other checks' verdicts
        against each control are kept apart in :attr:`checks_better`,
        :attr:`checks_worse` and :attr:`checks_compared`.
    checks_better, checks_worse, checks_compared : dict
        Control -> the other checks significantly better / worse than it (Dunnett),
        and those compared with it (augmented designs only).
    """

    n_entries: int
    limit: int
    shown: tuple[str, ...]
    top: tuple[str, ...]
    bottom: tuple[str, ...]
    controls: tuple[str, ...]
    better: dict[str, tuple[str, ...]] = field(default_factory=dict)
    n_better: dict[str, int] = field(default_factory=dict)
    n_worse: dict[str, int] = field(default_factory=dict)
    n_compared: dict[str, int] = field(default_factory=dict)
    tested: bool = False
    checks: tuple[str, ...] = ()
    checks_better: dict[str, tuple[str, ...]] = field(default_factory=dict)
    checks_worse: dict[str, tuple[str, ...]] = field(default_factory=dict)
    checks_compared: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def n_checks(self) -> int:
        """How many of the :attr:`n_entries` rows are an augmented design's checks."""
        return len(self.checks)

    def rank_of(self) -> dict[str, int]:
        """Position of each shown entry in :attr:`shown` (display order)."""
        return {label: i for i, label in enumerate(self.shown)}

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON record ``results.means_listing``."""
        out: dict[str, Any] = {
            "summarised": True,
            "n_entries": self.n_entries,
            "listed": len(self.shown),
            "limit": self.limit,
            "shown": list(self.shown),
            "top": list(self.top),
            "bottom": list(self.bottom),
            "controls": list(self.controls),
            "significantly_better": {c: list(v) for c, v in self.better.items()},
            "n_significantly_better": dict(self.n_better),
            "n_significantly_worse": dict(self.n_worse),
            "n_compared": dict(self.n_compared),
        }
        if self.checks:  # augmented: the counts above are the entries', the checks apart
            out["checks"] = list(self.checks)
            out["checks_significantly_better"] = {c: list(v) for c, v in self.checks_better.items()}
            out["checks_significantly_worse"] = {c: list(v) for c, v in self.checks_worse.items()}
        return out


def select_entries(
    means: pd.DataFrame,
    comparisons: pd.DataFrame | None,
    *,
    controls: Sequence[str],
    alpha: float,
    difference: str,
    checks: Sequence[str] = (),
) -> EntrySelection | None:
    """Pick the entries a summarised per-entry table shows (None at or below the limit).

    Parameters
    ----------
    means : DataFrame
        The report's means table (``treatment``, ``mean`` [kg/ha]).
    comparisons : DataFrame or None
        The comparisons with the control(s) (``treatment``, ``control``, ``difference``
        column, ``p_value_adjusted``), as ``FieldTrial.compare_to_control`` returns them.
    controls : sequence of str
        The control(s).
    alpha : float
        Significance level of the comparisons.
    difference : str
        Name of the difference column of ``comparisons``.
    checks : sequence of str
        An augmented design's checks: counted apart from the entries (the unreplicated
        test lines), and every check significantly better than a control is shown.

    Returns
    -------
    EntrySelection or None
        None when the trial has at most :data:`ENTRY_TABLE_LIMIT` entries.

    Examples
    --------
    >>> import pandas as pd
    >>> labels = ["CK"] + [f"E{i:03d}" for i in range(1, 250)]
    >>> means = pd.DataFrame({"treatment": labels, "mean": [100.0, *range(1, 250)]})
    >>> chosen = select_entries(means, None, controls=["CK"], alpha=0.05, difference="difference")
    >>> chosen.n_entries, len(chosen.shown), chosen.shown[:2], chosen.shown[20:22]
    (250, 26, ('E249', 'E248'), ('CK', 'E005'))
    """
    limit, top_n, bottom_n = entry_table_limits()
    if len(means) <= limit:
        return None
    labels: Any = means["treatment"].astype(str).to_numpy()
    values = means["mean"].to_numpy(dtype=float)
    # highest first; entries without a mean last; ties in table order
    order = np.lexsort((np.arange(len(values)), -np.nan_to_num(values, nan=-np.inf)))
    ranked = [str(v) for v in labels[order]]
    finite = [str(v) for v in labels[order][np.isfinite(values[order])]]
    top = tuple(finite[: max(top_n, 0)])
    bottom = tuple(finite[len(finite) - max(bottom_n, 0) :]) if bottom_n > 0 else ()
    present = set(ranked)
    ctrl = tuple(c for c in controls if c in present)
    check_set = {str(c) for c in checks if str(c) in present}
    check_list = tuple(str(c) for c in checks if str(c) in check_set)
    checks_better: dict[str, tuple[str, ...]] = {}
    checks_worse: dict[str, tuple[str, ...]] = {}
    checks_compared: dict[str, tuple[str, ...]] = {}
    better: dict[str, tuple[str, ...]] = {}
    n_better: dict[str, int] = {}
    n_worse: dict[str, int] = {}
    n_compared: dict[str, int] = {}
    tested = False
    if comparisons is not None and len(comparisons) and "p_value_adjusted" in comparisons:
        p = pd.to_numeric(comparisons["p_value_adjusted"], errors="coerce").to_numpy(dtype=float)
        column = difference if difference in comparisons.columns else "difference"
        diff = pd.to_numeric(comparisons[column], errors="coerce").to_numpy(dtype=float)
        tested = bool(np.isfinite(p).any())
        significant = np.isfinite(p) & (p < alpha)
        position = {label: i for i, label in enumerate(ranked)}
        compared = comparisons["treatment"].astype(str).to_numpy()
        is_check = np.array([v in check_set for v in compared], dtype=bool)
        for control in ctrl:
            mine = comparisons["control"].astype(str).to_numpy() == control
            if check_set:  # augmented: the other checks apart from the entries

                def named(mask: Any) -> tuple[str, ...]:
                    found = {str(v) for v in compared[mask]}
                    return tuple(c for c in check_list if c in found)

                checks_better[control] = named(mine & is_check & significant & (diff > 0))
                checks_worse[control] = named(mine & is_check & significant & (diff < 0))
                checks_compared[control] = named(mine & is_check)
                mine = mine & ~is_check
            up = [str(v) for v in compared[mine & significant & (diff > 0)]]
            up.sort(key=lambda v: position.get(v, len(position)))
            better[control] = tuple(up[:limit])
            n_better[control] = len(up)
            n_worse[control] = int(np.count_nonzero(mine & significant & (diff < 0)))
            n_compared[control] = int(np.count_nonzero(mine))
    # an augmented design's checks are the breeder's yardsticks: listed whether or not a
    # control was named (without one the table showed none of them, stop 48)
    keep = set(top) | set(bottom) | set(ctrl) | check_set
    for listed in (*better.values(), *checks_better.values()):
        keep.update(listed)
    shown = tuple(v for v in ranked if v in keep)
    return EntrySelection(
        n_entries=len(means),
        limit=limit,
        shown=shown,
        top=top,
        bottom=bottom,
        controls=ctrl,
        better=better,
        n_better=n_better,
        n_worse=n_worse,
        n_compared=n_compared,
        tested=tested,
        checks=check_list,
        checks_better=checks_better,
        checks_worse=checks_worse,
        checks_compared=checks_compared,
    )


def _names(labels: Sequence[str], lang: str) -> str:
    return t("list.sep", lang).join(labels)


def population(selection: EntrySelection, lang: str) -> str:
    """Name the trial's treatments: "604 entries", or "600 entries and 4 checks" (augmented)."""
    n = selection.n_entries
    if not selection.checks:
        return t("entries.population", lang, n=f"{n:,}")
    k = selection.n_checks
    key = "entries.population_augmented_one" if k == 1 else "entries.population_augmented"
    return t(key, lang, entries=f"{n - k:,}", checks=f"{k:,}")


def _better_part(selection: EntrySelection, control: str, lang: str) -> str | None:
    """Name the shown entries (and checks) significantly better than ``control``."""
    n = selection.n_better.get(control, 0)
    shown = len(selection.better.get(control, ()))
    if not selection.checks:
        if n and shown < n:
            return t("entries.better_some", lang, n=f"{n:,}", shown=shown, control=control)
        if n == 1:
            return t("entries.better_one", lang, control=control)
        if n:
            return t("entries.better_all", lang, n=f"{n:,}", control=control)
        return None
    up = selection.checks_better.get(control, ())
    checks = ""
    if up:
        key = "entries.and_check" if len(up) == 1 else "entries.and_checks"
        checks = t(key, lang, checks=_names(up, lang))
    if n and shown < n:
        key = "entries.aug_better_some"
        return t(key, lang, n=f"{n:,}", shown=shown, control=control, checks=checks)
    if n == 1:
        return t("entries.aug_better_one", lang, control=control, checks=checks)
    if n:
        return t("entries.aug_better_all", lang, n=f"{n:,}", control=control, checks=checks)
    if up:
        key = "entries.aug_better_check" if len(up) == 1 else "entries.aug_better_checks"
        return t(key, lang, control=control, checks=_names(up, lang))
    return None


def shown_parts(selection: EntrySelection, lang: str) -> str:
    """Say which entries a summarised table shows ("the 20 highest LS-means, ...")."""
    sep = t("list.sep", lang)
    parts = []
    if selection.top:
        parts.append(t("entries.top", lang, n=len(selection.top)))
    for control in selection.controls:
        part = _better_part(selection, control, lang)
        if part is not None:
            parts.append(part)
    if selection.controls:
        key = "entries.control" if len(selection.controls) == 1 else "entries.controls"
        parts.append(t(key, lang, controls=sep.join(selection.controls)))
    named = {c for better in selection.checks_better.values() for c in better}
    named.update(selection.controls)  # a check named above is not named again
    others = [c for c in selection.checks if c not in named]
    if others:
        key = "entries.other_check" if len(others) == 1 else "entries.other_checks"
        if not selection.controls:
            key = key.replace("other_", "")
        parts.append(t(key, lang, checks=sep.join(others)))
    if selection.bottom:
        parts.append(t("entries.bottom", lang, n=len(selection.bottom)))
    return sep.join(parts)


def checks_verdicts(selection: EntrySelection, control: str, lang: str) -> str:
    """Give the other checks' verdicts against ``control`` ("CK2 significantly better; ...")."""
    up = selection.checks_better.get(control, ())
    down = selection.checks_worse.get(control, ())
    same = tuple(
        c for c in selection.checks_compared.get(control, ()) if c not in up and c not in down
    )
    items = [
        t(key, lang, checks=_names(labels, lang))
        for key, labels in (
            ("entries.checks_better", up),
            ("entries.checks_worse", down),
            ("entries.checks_ns", same),
        )
        if labels
    ]
    return t("list.semicolon", lang).join(items)


def count_sentences(selection: EntrySelection, lang: str, alpha: float) -> str:
    """Say how many entries are significantly better / worse than each control ("" untested).

    In an augmented design the entries are counted, and the other checks' verdicts
    follow by name.
    """
    if not selection.tested:
        return ""
    out = []
    for control in selection.controls:
        better = selection.n_better.get(control, 0)
        worse = selection.n_worse.get(control, 0)
        ns = selection.n_compared.get(control, 0) - better - worse
        key = "entries.counts_one" if better == 1 else "entries.counts"
        if selection.checks:  # zh names the entries (参试材料) apart from the checks
            key = "entries.aug_counts_one" if better == 1 else "entries.aug_counts"
        out.append(
            t(key, lang, control=control, alpha=f"{alpha:g}", better=f"{better:,}",
              worse=f"{worse:,}", ns=f"{max(ns, 0):,}")
        )  # fmt: skip
        if selection.checks_compared.get(control):
            verdicts = checks_verdicts(selection, control, lang)
            out.append(t("entries.checks_counts", lang, control=control, items=verdicts))
    return "".join(out)


def more_better(selection: EntrySelection, control: str, more: int, lang: str) -> str:
    """Say that ``more`` further entries were significantly better than ``control``."""
    key = "concl.better_more_augmented" if selection.checks else "concl.better_more"
    if more == 1:
        key += "_one"
    return t(key, lang, more=f"{more:,}", control=control)


def where_text(
    lang: str, n: int, json_keys: str, file: str | None, selection: EntrySelection | None = None
) -> str:
    """Say where the complete table of ``n`` entries is (the companion file, JSON, Excel).

    ``json_keys`` (``"results.means"``) is named in English reports only.  With an
    augmented ``selection`` the entries and checks are counted apart.
    """
    keys = f" ({json_keys})" if lang == "en" else ""
    if selection is not None and selection.checks:
        what = population(selection, lang)
        if file is None:
            return t("entries.where_reports_augmented", lang, population=what, json=keys)
        return t("entries.where_file_augmented", lang, population=what, file=file, json=keys)
    if file is None:
        return t("entries.where_reports", lang, n=f"{n:,}", json=keys)
    return t("entries.where_file", lang, n=f"{n:,}", file=file, json=keys)


def summarise_table(
    table: Table,
    selection: EntrySelection,
    *,
    column: str,
    note: Callable[[str | None], str],
    controls: Sequence[str] = (),
) -> tuple[Paragraph, Table, Companion]:
    """Summarise a per-entry table: the rows of the shown entries, in rank order.

    Parameters
    ----------
    table : Table
        The complete table.
    selection : EntrySelection
        The entries to show.
    column : str
        Key of the column holding the entry label.
    note : callable
        ``note(file_name or None)`` -> the text of the paragraph above the table.
    controls : sequence of str
        Entries whose rows get the row style ``"control"``.

    Returns
    -------
    note : Paragraph
        Says how many entries there are, how many are shown and where the rest is.
    summary : Table
        The shown rows (same key, columns, caption, notes and footer).
    companion : Companion
        The complete table and the note, for the writers.
    """
    rank = selection.rank_of()
    picked = [
        (rank[str(row.get(column))], i)
        for i, row in enumerate(table.rows)
        if str(row.get(column)) in rank
    ]
    picked.sort()
    rows = [table.rows[i] for _, i in picked]
    marked = set(controls)
    styles = ["control" if str(row.get(column)) in marked else "" for row in rows]
    summary = Table(
        table.key,
        table.columns,
        rows,
        table.caption,
        list(table.notes),
        list(table.footer),
        styles if any(styles) else [],
    )
    paragraph = Paragraph(note(None), "note")
    return paragraph, summary, Companion(table.key, table, paragraph, note)
