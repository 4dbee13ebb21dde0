"""What stop 50's first helpers noticed and left, fixed in stop 50 (tidy55)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from scipy import stats

from factorial_trials import n_rate_by_variety
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


# ------------------------------------------------------------ trial.toml values as typed


def _toml_error(text: str) -> str:
    """Return the message of reading a trial.toml ``text``."""
    from yieldtrial.config import TrialConfig
    from yieldtrial.errors import DataValidationError

    with pytest.raises(DataValidationError) as caught:
        TrialConfig.from_text(text, source="trial.toml")
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "echoed"),
    [
        ("[analysis]\nalpha = true\n", "alpha = true; expected a number"),
        ("[analysis]\ncontrol = true\n", "control = true; expected text or a list."),
        ("[trial]\ncrop = true\n", "crop = true; expected text"),
        ("[[treatments]]\nlabel = true\n", "has label = true; expected the text"),
        (
            '[[contrasts]]\nname = true\ntreatment = "T"\nversus = "CK"\n',
            "[[contrasts]] entry 1: name = true; expected text",
        ),
        ("[analysis]\nletters = false\n", "letters = false; expected one of"),
        ("[analysis]\ndesign = [1.5, true]\n", "design = [1.5, true]; expected one of"),
    ],
)
def test_trial_toml_values_are_echoed_as_toml_writes_them(text: str, echoed: str) -> None:
    """A TOML user typed ``true``: the message said Python's ``True`` (and ``'True'``)."""
    assert echoed in _toml_error(text)


def test_a_config_made_in_python_keeps_pythons_spelling() -> None:
    """``TrialConfig(alpha=True)`` is Python: its message keeps ``True``."""
    from yieldtrial.config import TrialConfig
    from yieldtrial.errors import DataValidationError

    with pytest.raises(DataValidationError, match=r"alpha = True; expected a number"):
        TrialConfig(alpha=True)


def test_a_boolean_among_the_controls_is_refused() -> None:
    """``control = [true]`` became the label 'True' ("control 'True' is not a treatment")."""
    assert "control = [true, 'CK']; expected text or a list of text." in _toml_error(
        '[analysis]\ncontrol = [true, "CK"]\n'
    )


def test_an_exclude_plot_typed_as_a_number_is_refused() -> None:
    """``plot = 1.50`` is the number 1.5 in TOML, and the plot_id "1.50" was never found."""
    message = _toml_error('[[exclude]]\nplot = 1.50\nreason = "lodging"\n')
    assert message == (
        "'trial.toml': [[exclude]] entry 1 has plot = 1.5, a number; write the plot_id in "
        'quotes as the plot table has it (plot = "1.50": the number 1.50 is read as 1.5).'
    )


# ------------------------------------------------------------ a header in another encoding

_GB18030_HEADER = "小区,区组,处理,产量\n1,1,A,500\n2,1,B,510\n".encode("gb18030")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "gb.csv: cannot decode row 1 as 'utf-8' (invalid continuation byte at byte 2); "),
        ("zh", "gb.csv：第 1 行无法按 'utf-8' 解码（invalid continuation byte，位于字节 2）；"),
    ],
)
def test_a_header_that_does_not_decode_is_the_decode_error(
    tmp_path: Any, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """A GB18030 header read as UTF-8 was '����' (a repeated header), not a decode error.

    Byte 2 by hand: 小 is D0 A1 in GB18030 (a two-byte UTF-8 character), 区 is C7 F8, and
    F8 cannot follow the lead byte C7 in UTF-8.
    """
    from yieldtrial.cli import main

    table = tmp_path / "gb.csv"
    table.write_bytes(_GB18030_HEADER)
    argv = ["report", str(table), "--crop", "wheat", "--encoding", "utf-8", "--lang", lang]
    assert main([*argv, "-o", str(tmp_path / "r.md")]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert said in lines[0]
    assert not (tmp_path / "r.md").exists()


# ------------------------------------------------------------ one label, several labels


@pytest.mark.parametrize(
    ("labels", "said"),
    [
        ('"CK9"', "names 'CK9', which is not a treatment of the plot table;"),
        ('"CK9", "CK8"', "names 'CK9', 'CK8', which are not treatments of the plot table;"),
    ],
)
def test_labels_not_in_the_table_are_counted_in_the_sentence(labels: str, said: str) -> None:
    """Two labels read "which are not a treatment" (a plural subject, a singular noun)."""
    from yieldtrial.config import TrialConfig
    from yieldtrial.errors import DataValidationError
    from yieldtrial.report.files import report_from_files

    text = example_path("replicated-rcbd", "trial.toml").read_text(encoding="utf-8")
    changed = text.replace('treatments = ["CK1"] }', f"treatments = [{labels}] }}", 1)
    assert changed != text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = TrialConfig.from_text(changed, source="trial.toml")
        with pytest.raises(DataValidationError) as caught:
            report_from_files(example_path("replicated-rcbd", "plots.csv"), config, figures=False)
    assert said in str(caught.value)


# ------------------------------------------------------------ one name for Tukey's procedure


@pytest.mark.parametrize(
    ("lang", "kramer", "hsd"),
    [
        ("en", "(the Tukey-Kramer test)", "Tukey's HSD"),
        ("zh", "差异不显著（Tukey-Kramer 法）", "Tukey HSD 法"),
    ],
)
def test_every_tukey_caption_names_one_procedure(
    tmp_path: Any, lang: str, kramer: str, hsd: str
) -> None:
    """The variety means (two levels, one pair) named Tukey's HSD, the N rates Tukey-Kramer.

    With one pair the two are the same test; the methods section names Tukey-Kramer (the
    means are not equally precise), and so does every caption: the N-rate and variety
    means and the means of the main factor, 3 notes.
    """
    from yieldtrial.cli import main

    data = n_rate_by_variety(tmp_path / "plots.csv", lost_first=True, treatment_column=False)
    out = tmp_path / "r.md"
    argv = ["report", str(data), "--crop", "wheat", "--design", "factorial", "--factors",
            "n_rate,variety", "--control", "N0", "--no-figures", "--lang", lang,
            "-o", str(out)]  # fmt: skip
    assert main(argv) == 0
    text = out.read_text(encoding="utf-8")
    assert text.count(kramer) == 3
    assert text.count(hsd) == 1  # the methods' sentence defining Tukey-Kramer by it
