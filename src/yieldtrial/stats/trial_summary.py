"""Text summary of a trial's settings, for ``FieldTrial``'s notebook display.

:func:`summary_rows` lists the settings as (label, value) pairs, with a note on whether the
design model leaves error degrees of freedom; :func:`html_table` renders the pairs for
``_repr_html_``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence

from yieldtrial.errors import DataValidationError

__all__ = ["html_table", "replication_note", "summary_rows"]


def replication_note(df_error: Callable[[], int], *, n_sites: int) -> str:
    """Note on replication after the design name ("" when replicated).

    Parameters
    ----------
    df_error : callable
        Returns the error df of the design model; may raise
        :class:`~yieldtrial.errors.DataValidationError` (several sites, or a treatment
        without any observed yield).
    n_sites : int
        Number of sites in the plot table.

    Returns
    -------
    str
        ``""``, ``" (not replicated: no significance tests)"`` or why no model was fitted.
    """
    try:
        return "" if df_error() > 0 else " (not replicated: no significance tests)"
    except DataValidationError:
        if n_sites > 1:
            return f" ({n_sites} sites: analyse with analyze_sites() or site())"
        return " (a treatment has no observed yield)"


#: Treatment labels a trial's summary shows before the count of the others.
SHOWN_TREATMENTS = 30


def _first_labels(treatments: Sequence[str]) -> str:
    """Join the first :data:`SHOWN_TREATMENTS` labels and count the others."""
    labels = list(treatments)
    if len(labels) <= SHOWN_TREATMENTS:
        return ", ".join(labels)
    rest = len(labels) - SHOWN_TREATMENTS
    return f"{', '.join(labels[:SHOWN_TREATMENTS])} and {rest} more ({len(labels)} treatments)"


def summary_rows(
    *,
    crop: str,
    protocol: str,
    standard_moisture_pct: float,
    moisture_method: str,
    n_plots: int,
    n_missing: int,
    treatments: Sequence[str],
    control: Sequence[str],
    design: str,
    factor_columns: Sequence[str] = (),
    replication: str = "",
    unit: str,
    source_name: str | None = None,
) -> list[tuple[str, str]]:
    """List the settings of a trial as (label, value) pairs.

    Parameters
    ----------
    crop, protocol, moisture_method, design, unit : str
        The trial's settings.
    standard_moisture_pct : float
        Standard moisture. [%]
    n_plots, n_missing : int
        Plots, and plots without a yield.
    treatments, control : sequence of str
        Treatments in display order; control(s).
    factor_columns : sequence of str
        The two factor columns of a two-factor design (empty otherwise).
    replication : str
        From :func:`replication_note`.
    source_name : str, optional
        File name the plots came from.

    Returns
    -------
    list of (str, str)
        Label and value.
    """
    factors = f" ({factor_columns[0]} x {factor_columns[1]})" if factor_columns else ""
    rows = [
        ("crop", crop),
        ("protocol", protocol),
        (
            "standard moisture",
            f"{standard_moisture_pct:g} % ({moisture_method.replace('_', ' ')})",
        ),
        ("plots", f"{n_plots}" + (f" ({n_missing} missing)" if n_missing else "")),
        ("treatments", _first_labels(treatments)),
        ("control", ", ".join(control) if control else "none"),
        ("design", f"{design}{factors}{replication}"),
        ("display unit", unit),
    ]
    if source_name is not None:
        rows.append(("source", source_name))
    return rows


def html_table(rows: Iterable[tuple[str, str]], *, caption: str) -> str:
    """Render (label, value) pairs as an HTML table (text escaped).

    Examples
    --------
    >>> html_table([("crop", "wheat")], caption="FieldTrial")
    "<table><caption>FieldTrial</caption><tr><th style='text-align:left'>crop</th><td \
style='text-align:left'>wheat</td></tr></table>"
    """
    cells = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
        f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table><caption>{html.escape(caption)}</caption>{cells}</table>"
