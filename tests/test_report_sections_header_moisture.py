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
