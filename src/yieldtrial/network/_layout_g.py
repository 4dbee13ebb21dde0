"""The flat layout-G table of a network (treatments x sites), for CSV output and notebooks.

Rows are treatments; columns are each site's LS-mean and within-site letters,
then the across-site mean, % of check, sites above / below the check (win rate),
the across-site Dunnett p and the treatment x site p.  The network report itself
(HTML, Markdown, DOCX) is built by :mod:`yieldtrial.report.network` and rendered
by the report engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from yieldtrial.network import NetworkResult

__all__ = ["layout_g_table"]


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
