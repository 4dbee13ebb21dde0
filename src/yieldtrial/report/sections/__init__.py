"""Section builders of the report: each takes the :class:`~yieldtrial.report.context.ReportContext`.

One module per group of sections: :mod:`.header` (header, methods, panel),
:mod:`.data` (data quality, moisture audit, plot yields), :mod:`.statistics`
(ANOVA, means and Dunnett, design means, non-inferiority, efficiency),
:mod:`.figures` and :mod:`.conclusions`.
"""
