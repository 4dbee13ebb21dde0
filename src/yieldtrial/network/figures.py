"""Figures of a network: environment response, AMMI1 and GGE biplots, adaptation lines, heat map.

Every function takes ``ax=None`` (a new figure is made when omitted) and returns the
:class:`matplotlib.axes.Axes` it drew on, like :mod:`yieldtrial.plotting`; matplotlib
is imported only when a figure is drawn.

Examples
--------
>>> rows = [(f"E{j}", f"G{i}", 10 + i + j * (1 + 0.2 * i) + 0.3 * ((i + 2 * j) % 3))
...         for i in range(4) for j in range(5)]
>>> df = pd.DataFrame(rows, columns=["env", "variety", "y"])
>>> from yieldtrial.network.stability import stability
>>> res = stability(df, env="env", treatment="variety", response="y", blup=None)
>>> ax = plot_adaptation(res)
>>> len(ax.get_lines())  # 4 fitted lines, 4 sets of observed means, the 1:1 line
9
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

# a StabilityResult (yieldtrial.network.stability) is typed as Any here: stability imports
# this module for its plot methods, and the architecture test counts annotation imports
StabilityResult = Any

__all__ = [
    "plot_adaptation",
    "plot_ammi1",
    "plot_environment_response",
    "plot_gge",
    "plot_heatmap",
]


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    from yieldtrial.plotting import new_axes

    return new_axes(ax, size)


def _fonts() -> Any:
    from yieldtrial.plotting import rc_fonts

    return rc_fonts()


def plot_environment_response(
    data: Any,
    *,
    control: str | None = None,
    on: str = "site_mean",
    treatments: list[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Gain over the check against the site's yield level, with the fitted lines.

    Parameters
    ----------
    data : NetworkResult, NetworkSummary or DataFrame
        As for :func:`yieldtrial.network.response.environment_response`.
    control : str, optional
        The check (default: the network's).
    on : {"site_mean", "control"}
        Environment index on the x axis.
    treatments : list of str, optional
        Treatments to draw (default all but the check).
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        One point per site and treatment, the least-squares line of each treatment
        (slope in the legend) and a zero line.
    """
    from yieldtrial.network.response import environment_response, site_means_table

    fit = environment_response(data, control=control, on=on).set_index("treatment")
    means = site_means_table(data)
    ctrl = str(fit["control"].iloc[0]) if len(fit) else str(control)
    m = means.to_numpy(dtype=float)
    labels = [str(c) for c in means.columns]
    check = m[:, labels.index(ctrl)]
    if on == "control":
        x = check
    else:
        present = np.isfinite(m)
        x = np.where(present, m, 0.0).sum(axis=1) / present.sum(axis=1)
    with _fonts():
        ax = _axes(ax, (6.0, 4.5))
        for label in treatments or list(fit.index):
            d = m[:, labels.index(label)] - check
            ok = np.isfinite(d) & np.isfinite(x)
            (pts,) = ax.plot(x[ok], d[ok], "o", alpha=0.6, markersize=4)
            row = fit.loc[[label]].to_dict("records")[0]  # a mixed row Series warned (pandas 2.0)
            if np.isfinite(row["slope"]):
                xs = np.array([row["x_min"], row["x_max"]])
                ax.plot(
                    xs,
                    row["intercept"] + row["slope"] * xs,
                    "-",
                    color=pts.get_color(),
                    label=f"{label}: slope {row['slope']:.3f} "
                    f"[{row['slope_ci_low']:.3f}, {row['slope_ci_high']:.3f}]",
                )
        ax.axhline(0.0, color="0.5", linewidth=0.8)
        ax.set_xlabel("site mean of all treatments" if on == "site_mean" else f"yield of {ctrl}")
        ax.set_ylabel(f"gain over {ctrl}")
        ax.legend(fontsize=8, frameon=False)
        ax.grid(alpha=0.3)
    return ax


def plot_ammi1(result: StabilityResult, *, ax: Axes | None = None) -> Axes:
    """AMMI1 biplot: means (x) against IPCA1 scores (y), treatments and environments.

    Parameters
    ----------
    result : StabilityResult
        Output of :func:`yieldtrial.network.stability.stability`.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        Treatments as blue points, environments as red triangles, each labelled; a
        vertical line at the grand mean and a horizontal one at IPCA1 = 0.
    """
    t = result.ammi.treatment_scores
    e = result.ammi.environment_scores
    pct = result.ammi.anova.set_index("source")["pct_of_interaction"].get("IPCA1", np.nan)
    with _fonts():
        ax = _axes(ax, (6.0, 5.0))
        ax.scatter(t["mean"], t["IPCA1"], color="tab:blue", s=18, label="treatments")
        ax.scatter(e["mean"], e["IPCA1"], color="tab:red", marker="^", s=22, label="environments")
        for frame, col in ((t, "treatment"), (e, "environment")):
            for row in frame.to_dict("records"):  # iterrows warned under pandas 2.0, NumPy 1.25
                ax.annotate(str(row[col]), (row["mean"], row["IPCA1"]), fontsize=7,
                            xytext=(2, 2), textcoords="offset points")  # fmt: skip
        ax.axvline(float(result.means.to_numpy().mean()), color="0.5", linewidth=0.8)
        ax.axhline(0.0, color="0.5", linewidth=0.8)
        ax.set_xlabel("mean")
        ax.set_ylabel(f"IPCA1 ({pct:.1f} % of the interaction)")
        ax.legend(fontsize=8, frameon=False)
    return ax


def plot_gge(
    result: StabilityResult, *, which_won_where: bool = True, ax: Axes | None = None
) -> Axes:
    """GGE biplot (PC1 x PC2) with the which-won-where polygon and its sector rays.

    Parameters
    ----------
    result : StabilityResult
        Output of :func:`yieldtrial.network.stability.stability`.
    which_won_where : bool
        Draw the polygon joining the outermost treatments and the rays from the origin
        perpendicular to its sides, which delimit the sectors (mega-environments).
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        The biplot; axis labels give the % of the G + GE sum of squares per component.
    """
    gge = result.gge
    t, e = gge.treatment_scores, gge.environment_scores
    pc2 = "PC2" if "PC2" in t else "PC1"
    with _fonts():
        ax = _axes(ax, (6.0, 6.0))
        ax.scatter(t["PC1"], t[pc2], color="tab:blue", s=18)
        for row in t.to_dict("records"):
            ax.annotate(str(row["treatment"]), (row["PC1"], row[pc2]), fontsize=7,
                        xytext=(2, 2), textcoords="offset points")  # fmt: skip
        for row in e.to_dict("records"):
            ax.annotate("", xy=(row["PC1"], row[pc2]), xytext=(0, 0),
                        arrowprops={"arrowstyle": "->", "color": "tab:red", "lw": 0.8})  # fmt: skip
            ax.annotate(str(row["environment"]), (row["PC1"], row[pc2]), fontsize=7,
                        color="tab:red")  # fmt: skip
        if which_won_where and len(gge.polygon) >= 3:
            pts = t.set_index("treatment").loc[gge.polygon, ["PC1", pc2]].to_numpy(dtype=float)
            closed = np.vstack([pts, pts[:1]])
            ax.plot(closed[:, 0], closed[:, 1], "-", color="0.3", linewidth=0.9)
            reach = float(np.abs(np.vstack([t[["PC1", pc2]], e[["PC1", pc2]]])).max()) * 1.2
            for a, b in zip(pts, np.roll(pts, -1, axis=0), strict=True):
                edge = b - a
                normal = np.array([edge[1], -edge[0]])
                foot = a + edge * float(np.dot(-a, edge) / np.dot(edge, edge))
                direction = foot if np.hypot(*foot) > 1e-12 else normal
                direction = direction / np.hypot(*direction)
                if np.dot(direction, normal) < 0:
                    direction = -direction
                ax.plot([0, reach * direction[0]], [0, reach * direction[1]], "--",
                        color="0.5", linewidth=0.7)  # fmt: skip
        ax.axhline(0.0, color="0.8", linewidth=0.6)
        ax.axvline(0.0, color="0.8", linewidth=0.6)
        ax.set_aspect("equal", adjustable="datalim")
        pct = gge.pct_explained
        ax.set_xlabel(f"PC1 ({pct[0]:.1f} %)")
        ax.set_ylabel(f"PC2 ({pct[1]:.1f} %)" if pct.size > 1 else "PC1")
        ax.set_title(f"GGE biplot (SVP {gge.svp}, scaling {gge.scaling})", fontsize=9)
    return ax


def plot_adaptation(result: StabilityResult, *, ax: Axes | None = None) -> Axes:
    r"""Finlay-Wilkinson adaptation lines: each treatment's means against the environment mean.

    Parameters
    ----------
    result : StabilityResult
        Output of :func:`yieldtrial.network.stability.stability`.
    ax : Axes, optional
        Where to draw.

    Returns
    -------
    Axes
        One line per treatment, :math:`\bar y_{i\cdot} + b_i I_j` over the range of the
        environment means (slope ``b`` in the legend), its observed means as points, and
        the 1:1 line of an average-responding treatment.
    """
    env_mean = result.environments["mean"].to_numpy(dtype=float)
    index = result.environments["index"].to_numpy(dtype=float)
    table = result.table.set_index("treatment")
    xs = np.array([index.min(), index.max()])
    grand = float(env_mean.mean())
    with _fonts():
        ax = _axes(ax, (6.5, 4.5))
        for label, row in zip(table.index, table.to_dict("records"), strict=True):
            (line,) = ax.plot(
                grand + xs, row["mean"] + row["b"] * xs, "-", label=f"{label} (b = {row['b']:.2f})"
            )
            ax.plot(env_mean, result.means.loc[str(label)].to_numpy(dtype=float), "o",
                    color=line.get_color(), markersize=3, alpha=0.6)  # fmt: skip
        ax.plot(grand + xs, grand + xs, ":", color="0.4", linewidth=0.8)
        ax.set_xlabel("environment mean")
        ax.set_ylabel(str(result.options.get("response", "response")))
        if len(table) <= 15:
            ax.legend(fontsize=7, frameon=False)
        ax.grid(alpha=0.3)
    return ax


def plot_heatmap(
    data: Any, *, relative: bool = False, ax: Axes | None = None, cmap: str = "RdYlGn"
) -> Axes:
    """Site x treatment heat map of the means (optionally in % of each site's mean).

    Parameters
    ----------
    data : StabilityResult, NetworkResult or DataFrame
        A stability result (its ``means``: treatments x environments), a network result
        (its ``summary.means``, the sites in the order of its ``trial_order``) or a table
        with treatments in rows and sites in columns.
    relative : bool
        Show each cell in % of its site's mean (site effects removed).
    ax : Axes, optional
        Where to draw.
    cmap : str
        Matplotlib colormap.

    Returns
    -------
    Axes
        The heat map with a colour bar; sites on the x axis, treatments on the y axis.
    """
    if hasattr(data, "gge"):
        table = data.means
    elif hasattr(data, "summary"):
        from yieldtrial.network._summary import in_given_order

        table = in_given_order(data)._summary().means.T  # the sites in the order given
    else:
        table = pd.DataFrame(data)
    values = table.to_numpy(dtype=float)
    if relative:
        values = 100.0 * values / np.nanmean(values, axis=0)[None, :]
    with _fonts():
        ax = _axes(
            ax, (max(4.0, 0.35 * values.shape[1] + 2), max(3.0, 0.3 * values.shape[0] + 1.5))
        )
        image = ax.imshow(values, aspect="auto", cmap=cmap)
        ax.figure.colorbar(image, ax=ax, label="% of site mean" if relative else "mean")
        ax.set_xticks(np.arange(values.shape[1]))
        ax.set_xticklabels([str(c) for c in table.columns], rotation=90, fontsize=7)
        ax.set_yticks(np.arange(values.shape[0]))
        ax.set_yticklabels([str(i) for i in table.index], fontsize=7)
        ax.set_xlabel("site")
        ax.set_ylabel("treatment")
    return ax
