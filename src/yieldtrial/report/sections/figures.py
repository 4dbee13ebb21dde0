"""Figures section: LS-means with intervals, plot yields, field map."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from yieldtrial.report._format import join_list
from yieldtrial.report.context import ReportContext
from yieldtrial.report.i18n import t, unit_label
from yieldtrial.report.model import Figure, Section

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["figures_section"]


def figures_section(ctx: ReportContext) -> Section:
    """Figures: LS-means with intervals, plot yields, field map (drawn lazily)."""
    s, lang = ctx.s, ctx.s.lang
    blocks: list[Any] = []
    assert ctx.means is not None  # noqa: S101
    means = ctx.means.copy()
    for key in ("mean", "se", "ci_low", "ci_high"):
        if key in means.columns:
            means[key] = means[key].astype(float) * s.factor
    conf = f"{100 * (1 - s.alpha):g}"
    ylabel = t("axis.yield", lang, unit=unit_label(s.unit, lang))
    hatched: list[str] = []
    if "data_status" in ctx.plots.columns:
        status = ctx.plots["data_status"].astype(str).str.lower()
        hatched = sorted(set(ctx.plots.loc[status == "illustrative", "treatment"].astype(str)))

    def draw_means() -> Axes:
        from yieldtrial.plotting import plot_means

        ax = plot_means(
            means,
            treatment="treatment",
            mean="mean",
            ci_low="ci_low" if "ci_low" in means.columns else None,
            ci_high="ci_high" if "ci_high" in means.columns else None,
            letters="letters" if "letters" in means.columns else None,
            control=list(s.controls),
            hatched=hatched,
            ylabel=ylabel,
        )
        ax.set_xlabel(t("axis.treatment", lang))
        return ax

    caption = t("fig.means" if s.replicated else "fig.means_unreplicated", lang, conf=conf)
    if hatched:
        caption += " " + t("fig.hatched", lang, items=join_list(hatched, lang))
    blocks.append(Figure("means", caption, draw_means))
    if s.replicated:
        used = ctx.used

        def draw_yields() -> Axes:
            from yieldtrial.plotting import plot_yields

            ax = plot_yields(
                used,
                response=s.dcol,
                treatment="treatment",
                block="block" if "block" in used.columns else None,
                order=list(s.treatments),
                ylabel=ylabel,
            )
            ax.set_xlabel(t("axis.treatment", lang))
            legend = ax.get_legend()
            if legend is not None:
                legend.set_title(t("axis.block", lang))
            return ax

        blocks.append(Figure("yields", t("fig.yields", lang), draw_yields))
    if {"row", "column"} <= set(ctx.used.columns) and ctx.used[
        ["row", "column"]
    ].notna().all().all():
        field_data = ctx.used
        what = t("fig.field_yields", lang)
        value = s.dcol
        label = ylabel
        if ctx.diag is not None and "residual" in ctx.diag.residuals.columns:
            res = ctx.diag.residuals[["plot_id", "residual"]].copy()
            res["residual"] = res["residual"].astype(float) * s.factor
            field_data = ctx.used.merge(res, on="plot_id", how="left")
            value = "residual"
            what = t("fig.field_residuals", lang)
            label = t("axis.residual", lang, unit=unit_label(s.unit, lang))
        data = field_data

        def draw_field() -> Axes:
            from yieldtrial.plotting import plot_field

            ax = plot_field(data, value=value, colorbar_label=label)
            ax.set_xlabel(t("axis.column", lang))
            ax.set_ylabel(t("axis.row", lang))
            return ax

        blocks.append(Figure("field", t("fig.field", lang, what=what), draw_field))
    return Section("figures", t("section.figures", lang), blocks)
