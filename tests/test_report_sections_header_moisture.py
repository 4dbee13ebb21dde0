"""The methods' moisture sentence at a standard other than the protocol's (stop 35).

The cn-yield-test standard moisture of wheat is 13 % (yieldtrial.protocols); the shipped
replicated RCBD is a wheat trial, reported here at 14 % by ``--standard-moisture-pct 14``
and by trial.toml's ``standard_moisture_pct``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from yieldtrial.cli import main
from yieldtrial.datasets import example_path

RCBD = example_path("replicated-rcbd").parent

NEEDLES = {
    "en": (
        "14 % moisture (set for this report)",
        "This is not the protocol's value: the cn-yield-test protocol's standard moisture for "
        "wheat is 13 %, so the yields of this report, at 14 %, are not at the protocol's "
        "standard.",
    ),
    "zh": (
        "标准含水量 14%（本报告设定）",
        "该值并非规范值：农业部高产创建测产验收办法（2008）规定小麦的标准含水量为 13%，"
        "故本报告按 14% 折算的产量并非该规范标准含水量下的产量。",
    ),
}


def _report(tmp_path: Path, lang: str, *extra: str, config: Path | None = None) -> str:
    out = tmp_path / f"report_{lang}.md"
    toml = config or RCBD / "trial.toml"
    argv = ["report", str(RCBD / "plots.csv"), "--config", str(toml), "--lang", lang,
            "--no-figures", "-o", str(out), *extra]  # fmt: skip
    assert main(argv) == 0
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_methods_state_another_standard_from_the_flag(tmp_path: Path, lang: str) -> None:
    text = _report(tmp_path, lang, "--standard-moisture-pct", "14")
    for needle in NEEDLES[lang]:
        assert needle in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_methods_state_another_standard_from_trial_toml(tmp_path: Path, lang: str) -> None:
    toml = tmp_path / "trial.toml"
    original = (RCBD / "trial.toml").read_text(encoding="utf-8")
    toml.write_text(
        original.replace("[analysis]\n", "[analysis]\nstandard_moisture_pct = 14\n", 1),
        encoding="utf-8",
    )
    text = _report(tmp_path, lang, config=toml)
    for needle in NEEDLES[lang]:
        assert needle in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_protocol_standard_adds_no_sentence(tmp_path: Path, lang: str) -> None:
    """At the protocol's 13 % the source is the protocol and nothing more is said."""
    text = _report(tmp_path, lang)
    assert NEEDLES[lang][1][:12] not in text
    assert ("set for this report" if lang == "en" else "本报告设定") not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_standard_equal_as_shown_is_the_protocols(tmp_path: Path, lang: str) -> None:
    """13.0000001 shows as 13: no "at 13 %, not the protocol's 13 %" (it said so before)."""
    text = _report(tmp_path, lang, "--standard-moisture-pct", "13.0000001")
    assert NEEDLES[lang][1][:12] not in text
    assert ("set for this report" if lang == "en" else "本报告设定") not in text


@pytest.mark.parametrize(
    ("lang", "needle"),
    [
        ("en", "so the yields of this report, at 0 %, are not at the protocol's standard."),
        ("zh", "故本报告按 0% 折算的产量并非该规范标准含水量下的产量。"),
    ],
)
def test_dry_matter_standard_is_stated_as_another(tmp_path: Path, lang: str, needle: str) -> None:
    """Standard 0 % (dry matter) is a valid standard other than wheat's 13 %."""
    assert needle in _report(tmp_path, lang, "--standard-moisture-pct", "0")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nan", "standard_moisture_pct = nan; expected a finite number; standard_moisture_pct "
                "must be in [0, 100)."),
        ('"14"', "standard_moisture_pct = '14' is text; write the number without quotes "
                 "(standard_moisture_pct = 14); standard_moisture_pct must be in [0, 100)."),
        ("100", "standard_moisture_pct = 100; standard_moisture_pct must be in [0, 100): "
                "expected percent (0-100), e.g. 13."),
    ],
)  # fmt: skip
def test_bad_standard_in_trial_toml_is_one_line_and_no_report(
    tmp_path: Path, capsys, value: str, message: str
) -> None:
    toml = tmp_path / "trial.toml"
    original = (RCBD / "trial.toml").read_text(encoding="utf-8")
    toml.write_text(
        original.replace("[analysis]\n", f"[analysis]\nstandard_moisture_pct = {value}\n", 1),
        encoding="utf-8",
    )
    out = tmp_path / "report.md"
    argv = ["report", str(RCBD / "plots.csv"), "--config", str(toml), "-o", str(out)]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"yieldtrial: error: {str(toml)!r}: {message}"]
    assert not out.exists()
