"""The methods name Dunnett's comparisons only when the trial has a control, and name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from yieldtrial.datasets import example_path
from yieldtrial.report.files import report_from_files

DATE = "2026-01-01"


pytestmark = pytest.mark.usefixtures("close_figures")


def _methods(lang: str = "en", **kwargs: Any) -> str:
    config = kwargs.pop("config", example_path("replicated-rcbd", "trial.toml"))
    report, _ = report_from_files(
        example_path("replicated-rcbd"),
        config,
        figures=False,
        report_date=DATE,
        lang=lang,
        **kwargs,
    )
    md = report.to_markdown()
    start = md.index("## Methods" if lang == "en" else "## 方法")
    return md[start : md.index("\n## ", start + 1)]


def test_two_controls_are_named_in_the_dunnett_sentence() -> None:
    # the shipped description declares control = ["CK1", "CK2"]
    text = _methods()
    assert "compared with each of the controls CK1, CK2 by Dunnett's test" in text


def test_one_control_is_named_in_the_dunnett_sentence() -> None:
    text = _methods(control="CK1")
    assert "compared with the control CK1 by Dunnett's test" in text


def test_no_control_no_dunnett_sentence(tmp_path: Path) -> None:
    # a description without a control: the report has no comparisons, so no Dunnett claim
    toml = example_path("replicated-rcbd", "trial.toml").read_text(encoding="utf-8")
    toml = toml.replace('control = ["CK1", "CK2"]\n', "").replace("margin_pct = 5", "#")
    path = tmp_path / "trial.toml"
    path.write_text(toml, encoding="utf-8")
    text = _methods(config=path)
    assert "Dunnett" not in text
    assert "Treatments were grouped by letters" in text


def test_zh_dunnett_sentence_names_the_controls() -> None:
    text = _methods(lang="zh")
    assert "各处理分别与各对照（CK1、CK2）的比较采用 Dunnett 检验" in text
