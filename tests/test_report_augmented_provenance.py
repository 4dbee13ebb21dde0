"""Provenance of an augmented trial analysed with random blocks (``block_effects="random"``).

The analysis fits the RCBD model with random blocks to the augmented layout
(``yield_kg_ha ~ treatment + (1 | block)``).  The report's JSON said ``design: "rcbd"``
(the model's design) in ``results.anova``; it now records the trial's design,
``augmented``, and the fitted model in ``model``.  The trial is the synthetic augmented
RCBD of tests/data/r_reference_surface (4 checks in 5 blocks, 30 entries; its README.md).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from yieldtrial import FieldTrial
from yieldtrial.cli import main

CSV = Path(__file__).parent / "data" / "r_reference_surface" / "augmented_4x5_30.csv"


def test_report_json_records_the_augmented_design_and_the_fitted_model(
    tmp_path: Path,
) -> None:
    """``results.anova``: design ``augmented``, model the random-block formula."""
    out = tmp_path / "report.json"
    argv = ["report", str(CSV), "--crop", "wheat", "--control", "CK1", "--design", "augmented",
            "--block-effects", "random", "--format", "json", "-o", str(out)]  # fmt: skip
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 0
    anova = json.loads(out.read_text(encoding="utf-8"))["results"]["anova"]
    assert anova["design"] == "augmented"
    assert anova["model"] == "yield_kg_ha ~ treatment + (1 | block)"


def test_results_of_the_python_api_record_the_augmented_design() -> None:
    """The ANOVA, its table and the Dunnett comparisons carry the trial's design."""
    trial = FieldTrial.from_dataframe(
        pd.read_csv(CSV), crop="wheat", design="augmented", block_effects="random"
    )
    anova = trial.anova()
    assert anova.design == "augmented"
    assert anova.provenance.design == "augmented"
    assert anova.table.attrs["provenance"]["design"] == "augmented"
    comparisons = trial.compare_to_control(control="CK1")
    assert comparisons.attrs["provenance"]["design"] == "augmented"


def test_augmented_anova_follows_the_report_unit() -> None:
    """The Federer ANOVA of a kg/mu report was in kg/ha (caption, sums of squares, SED).

    Now in the report's unit as every other ANOVA: sums of squares / 15², SED and LSD / 15
    (1 ha = 15 mu exactly), F unchanged; the caption names kg/亩.
    """
    from yieldtrial.report.files import report_from_files

    sections = {}
    for lang, unit in (("en", "kg/ha"), ("zh", "kg/mu")):
        report, _ = report_from_files(
            CSV, crop="wheat", control="CK1", lang=lang, unit=unit, figures=False,
            overrides={"design": "augmented"},
        )  # fmt: skip
        sections[lang] = {b.key: b for b in report.section("anova").blocks}
    en, zh = sections["en"], sections["zh"]
    assert "kg/亩" in zh["anova"].caption and "kg/公顷" not in zh["anova"].caption
    for key in ("anova", "anova_block_adjusted"):
        for ha, mu in zip(en[key].rows, zh[key].rows, strict=True):
            assert mu["sum_sq"] == pytest.approx(ha["sum_sq"] / 225, rel=1e-12)
            assert mu["f"] == pytest.approx(ha["f"], rel=1e-12, nan_ok=True)
    for ha, mu in zip(en["sed"].rows, zh["sed"].rows, strict=True):
        assert mu["sed"] == pytest.approx(ha["sed"] / 15, rel=1e-12)
