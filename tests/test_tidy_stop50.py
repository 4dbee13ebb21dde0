"""What stop 50's first helpers noticed and left, fixed in stop 50 (tidy55)."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats

from yieldtrial.datasets import example_path


def _efficiency_notes(alpha: float, lang: str) -> list[str]:
    """Return the notes of the replicated example's efficiency table in a report at ``alpha``."""
    from yieldtrial.report.files import report_from_files

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report, _ = report_from_files(
            example_path("replicated-rcbd", "plots.csv"),
            example_path("replicated-rcbd", "trial.toml"),
            lang=lang,
            overrides={"alpha": alpha},
            figures=False,
        )
    (section,) = [s for s in report.sections if s.key == "efficiency"]
    return [str(note) for block in section.blocks for note in getattr(block, "notes", [])]


def _dunnett_p_ck2_vs_ck1() -> float:
    """Dunnett's two-sided adjusted P of CK2 - CK1 in the replicated example, by another path.

    statsmodels' OLS of the RCBD (treatment + block) gives the t statistic of CK2 - CK1;
    SciPy's multivariate t (two comparisons with CK1, correlation 1/2 in a balanced
    RCBD, the model's error df) gives P(max |T| > |t|).
    """
    import statsmodels.formula.api as smf

    from yieldtrial.config import TrialConfig
    from yieldtrial.report.files import load_trial

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = TrialConfig.from_file(example_path("replicated-rcbd", "trial.toml"))
        trial = load_trial(example_path("replicated-rcbd", "plots.csv"), config)
    plots = trial.yields()
    fit = smf.ols("yield_kg_ha ~ C(treatment, Treatment('CK1')) + C(block)", data=plots).fit()
    t_ck2 = float(fit.tvalues["C(treatment, Treatment('CK1'))[T.CK2]"])
    mvt = stats.multivariate_t(
        loc=np.zeros(2), shape=[[1.0, 0.5], [0.5, 1.0]], df=fit.df_resid, seed=1
    )
    bound = np.full(2, abs(t_ck2))
    return float(1.0 - mvt.cdf(bound, lower_limit=-bound))


def test_efficiency_intervals_follow_the_reports_alpha() -> None:
    """At --alpha 0.01 CK2's yield difference is within its 99 % interval, as the note says.

    CK2 - CK1 has a Dunnett P between 0.01 and 0.05 (independent path above): outside the
    95 % simultaneous interval, inside the 99 % one.  The section used 95 % whatever alpha.
    """
    p_value = _dunnett_p_ck2_vs_ck1()
    assert 0.01 < p_value < 0.05
    ck2 = [n for n in _efficiency_notes(0.01, "en") if n.startswith("PFP of CK2")]
    assert len(ck2) == 1
    assert "the yield difference (-5.8 %) is within its 99 % confidence interval" in ck2[0]


def test_efficiency_note_names_the_level_in_chinese() -> None:
    """The Chinese note names the interval's level too (它的 99% 置信区间)."""
    notes = _efficiency_notes(0.01, "zh")
    ck2 = [n for n in notes if n.startswith("CK2 的 PFP")]
    assert len(ck2) == 1
    assert "产量相同（或差异在 99% 置信区间内）" in ck2[0]
