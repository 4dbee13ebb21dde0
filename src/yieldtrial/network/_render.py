"""Network report (layout G) as Markdown, self-contained HTML, CSV or JSON.

Rows are treatments; columns are each site's LS-mean with its within-site
letters, then the across-site mean, % of check, sites above / below the check
(win rate), the across-site Dunnett p and the treatment x site p.  A per-site
strip below shows CV and its flag (ok / warn / strong), MSE, error df, missing
plots and whether the site was included (or why not: failed, or CV above
``exclude_cv_above``), so one bad site is visible, not fatal.
"""

from __future__ import annotations

import html
import math
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.network import NetworkResult

__all__ = ["FORMATS", "layout_g_table", "render"]

#: Output formats, chosen from the output file's suffix.
FORMATS: tuple[str, ...] = ("html", "md", "json", "csv")


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _f(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _p(value: Any) -> str:
    if value is None or not isinstance(value, (int, float)) or not math.isfinite(value):
        return ""
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def layout_g_table(result: NetworkResult) -> pd.DataFrame:
    """Return the treatment x site table of layout G as one flat DataFrame.

    Parameters
    ----------
    result : NetworkResult
        Output of :func:`yieldtrial.analyze_many`.

    Returns
    -------
    DataFrame
        One row per treatment: ``treatment``, one column per included site (its
        LS-mean), one ``<site> letters`` column per site, then ``across_site_mean``,
        ``pct_of_check``, ``sites_above``, ``sites_below``, ``sites_compared``,
        ``win_rate_pct``, ``p_dunnett`` (across sites) and ``p_treatment_by_site``.
    """
    s = result._summary()
    means = s.means.T.copy()
    letters = s.letters.T.copy()
    letters.columns = [f"{c} letters" for c in letters.columns]
    table = pd.concat([means, letters], axis=1).reset_index()
    tr = s.treatments.set_index("treatment").reindex(table["treatment"])
    for col in (
        "across_site_mean",
        "pct_of_check",
        "sites_above",
        "sites_below",
        "sites_compared",
        "win_rate_pct",
        "p_dunnett",
    ):
        table[col] = tr[col].to_numpy()
    table["p_treatment_by_site"] = s.p_treatment_by_site
    return table


def render(result: NetworkResult, fmt: str, *, title: str = "Trial network summary") -> str:
    """Render the network report.

    Parameters
    ----------
    result : NetworkResult
        Output of :func:`yieldtrial.analyze_many`.
    fmt : {"html", "md", "json", "csv"}
        Output format.
    title : str
        Report title.

    Returns
    -------
    str
        The document.
    """
    if fmt == "json":
        return result.to_json() + "\n"
    if fmt == "csv":
        return str(layout_g_table(result).to_csv(index=False))
    blocks = _blocks(result)
    if fmt == "md":
        return _markdown(title, blocks)
    return _html(title, blocks)


def _blocks(result: NetworkResult) -> dict[str, Any]:
    s = result._summary()
    sites = list(s.means.index)
    control = s.control
    head = [
        "Treatment",
        *sites,
        "Across-site mean",
        "% of check",
        "> check",
        "< check",
        "Win rate %",
        "Dunnett P",
    ]
    tr = s.treatments.set_index("treatment")
    rows = []
    for t in s.means.columns:
        cells = [str(t) + (" (check)" if t == control else "")]
        for site in sites:
            m = s.means.loc[site, t]
            letter = s.letters.loc[site, t]
            shown = letter if isinstance(letter, str) else ""
            cells.append("" if pd.isna(m) else f"{_fmt(_f(m))} {shown}".strip())
        r = tr.loc[t]
        is_check = t == control
        cells += [
            _fmt(_f(r["across_site_mean"])),
            _fmt(_f(r["pct_of_check"])),
            "" if is_check or control is None else str(int(_f(r["sites_above"]))),
            "" if is_check or control is None else str(int(_f(r["sites_below"]))),
            "" if is_check or control is None else _fmt(_f(r["win_rate_pct"]), 0),
            "" if is_check else _p(_f(r["p_dunnett"])),
        ]
        rows.append(cells)
    strip_head = [
        "Site",
        "Status",
        "CV %",
        "CV flag",
        "MSE",
        "Error df",
        "Missing plots",
        "Included",
        "Reason",
    ]
    strip = []
    for site in s.sites.itertuples(index=False):
        strip.append(
            [
                str(site.site),
                str(site.status),
                _fmt(_f(site.cv_pct)),
                "" if str(site.cv_flag) == "na" else str(site.cv_flag),
                _fmt(_f(site.mse), 1),
                _fmt(_f(site.df_error), 0),
                _fmt(_f(site.n_missing), 0),
                "yes" if site.included else "no",
                "" if site.included else str(site.reason),
            ]
        )
    anova_head = ["Source", "df", "Sum of squares", "Mean square", "F", "P", "Error term"]
    anova = [
        [
            str(r.source),
            _fmt(_f(r.df), 0),
            _fmt(_f(r.sum_sq), 1),
            _fmt(_f(r.mean_sq), 1),
            _fmt(_f(r.f), 2),
            _p(_f(r.p_value)),
            str(r.error_term),
        ]
        for r in s.anova.itertuples(index=False)
    ]
    counts = result.counts
    opts = result.options
    facts = [
        (
            "Trials",
            f"{len(result.per_trial)} ("
            + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            + ")",
        ),
        ("Response", str(opts["response"])),
        ("Design", str(opts["design"]).upper() + " per site"),
        ("Check", str(control) if control else "none"),
        ("Combined model", f"{s.method}; sites {s.site_effects}"),
        ("Treatment P (across sites)", _p(s.p_treatment)),
        ("Treatment x site P", _p(s.p_treatment_by_site)),
        ("alpha", _fmt(float(opts["alpha"]), 2)),
        ("Version", result.provenance.version),
    ]
    return {
        "head": head,
        "rows": rows,
        "strip_head": strip_head,
        "strip": strip,
        "anova_head": anova_head,
        "anova": anova,
        "facts": facts,
        "notes": list(s.notes),
    }


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    def esc(x: str) -> str:
        return x.replace("|", "\\|")

    lines = [
        "| " + " | ".join(map(esc, head)) + " |",
        "| " + " | ".join("---" for _ in head) + " |",
    ]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _markdown(title: str, b: dict[str, Any]) -> str:
    parts = [f"# {title}", ""]
    parts += [f"- **{k}**: {v}" for k, v in b["facts"]]
    parts += [
        "",
        "## Treatments across sites",
        "",
        "Site columns: LS-mean and within-site Tukey letters.",
        "",
        _md_table(b["head"], b["rows"]),
        "",
        "## Sites",
        "",
        _md_table(b["strip_head"], b["strip"]),
        "",
        "## Combined model",
        "",
        _md_table(b["anova_head"], b["anova"]) if b["anova"] else "(not fitted)",
    ]
    if b["notes"]:
        parts += ["", "## Notes", ""] + [f"- {n}" for n in b["notes"]]
    return "\n".join(parts) + "\n"


_NUMERIC = re.compile(r"^[-+<]?[\d,.]*\d[\d,.]*( [a-zA-Z]+)?$|^$")

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem;font-size:0.9rem}
th,td{border:1px solid #ccc;padding:0.25rem 0.5rem;text-align:right}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
td.text{text-align:left} tr.excluded td{background:#fdecea}
dl{display:grid;grid-template-columns:max-content auto;gap:0.2rem 1rem} dt{font-weight:600}
"""


def _html_table(head: list[str], rows: list[list[str]], excluded: list[bool] | None = None) -> str:
    out = [
        "<table>",
        "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr></thead>",
        "<tbody>",
    ]
    for i, row in enumerate(rows):
        cls = ' class="excluded"' if excluded is not None and excluded[i] else ""
        out.append(
            f"<tr{cls}>"
            + "".join(
                f"<td>{html.escape(c)}</td>"
                if _NUMERIC.match(c)
                else f'<td class="text">{html.escape(c)}</td>'
                for c in row
            )
            + "</tr>"
        )
    out.append("</tbody></table>")
    return "\n".join(out)


def _html(title: str, b: dict[str, Any]) -> str:
    facts = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in b["facts"])
    col = b["strip_head"].index("Included")
    excluded = [row[col] == "no" for row in b["strip"]]
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in b["notes"])
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
        f"<h1>{html.escape(title)}</h1>\n<dl>{facts}</dl>\n"
        "<h2>Treatments across sites</h2>\n"
        "<p>Site columns: LS-mean and within-site Tukey letters.</p>\n"
        + _html_table(b["head"], b["rows"])
        + "\n<h2>Sites</h2>\n"
        + _html_table(b["strip_head"], b["strip"], excluded)
        + "\n<h2>Combined model</h2>\n"
        + (_html_table(b["anova_head"], b["anova"]) if b["anova"] else "<p>(not fitted)</p>")
        + (f"\n<h2>Notes</h2>\n<ul>{notes}</ul>" if notes else "")
        + "\n</body></html>\n"
    )
