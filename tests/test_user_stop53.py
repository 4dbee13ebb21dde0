"""Stop 53's user pass: a new user's afternoon with a table of their own (each fix has a test).

The tables are written here: a 4-treatment x 3-block wheat RCBD with Chinese headers, as a
new user types it; every expected value says where it comes from.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from yieldtrial import FieldTrial
from yieldtrial.cli import main
from yieldtrial.errors import YieldTrialWarning

pytestmark = pytest.mark.usefixtures("close_figures")

#: Plot 101's fresh mass 14.98 kg at 14.2 % moisture on its net plot area, 20 m².
ROWS = [
    "101,1,CK,20,14.98,14.2",
    "102,1,N1,20,15.77,14.7",
    "103,1,N2,20,16.41,15.1",
    "104,1,N3,20,16.02,14.9",
    "201,2,CK,20,14.52,14.4",
    "202,2,N1,20,15.30,14.9",
    "203,2,N2,20,16.88,15.3",
    "204,2,N3,20,16.20,15.0",
    "301,3,CK,20,15.10,14.1",
    "302,3,N1,20,15.95,14.6",
    "303,3,N2,20,16.12,15.2",
    "304,3,N3,20,15.68,14.8",
]


def _table(path: Path, area_header: str, scale: float = 1.0) -> Path:
    """Write the wheat trial with ``area_header`` over the areas (times ``scale``)."""
    lines = [f"小区号,重复,处理,{area_header},鲜重(kg),含水量(%)"]
    for row in ROWS:
        cells = row.split(",")
        cells[3] = f"{float(cells[3]) * scale:g}"
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        # the largest, plot 203 (hand derivation): 20 "mu" = 13,333.33 m², so
        # 16.88 kg x (100 - 15.3) / (100 - 13) / 13,333.33 m² x 10,000 m²/ha = 12.3 kg/ha
        ("en", "yieldtrial: warning: every standardized yield is below 100 kg/ha (the largest: "
               "plot '203' = 12.3 kg/ha), a failed crop on every plot: check the units: are "
               "the areas in m2 but read as mu, ha or acres"),
        ("zh", "yieldtrial: 警告：所有折标产量都低于 100 kg/公顷（最高为小区 '203' = "
               "12.3 kg/公顷），相当于每个小区都绝收：请检查单位：面积是否以平方米为单位却被"
               "当作亩、公顷或英亩读入"),
    ],
)  # fmt: skip
def test_square_metres_under_a_mu_header_warn(
    lang: str, line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """20 m² typed under 面积(亩): yields 667 times too low, exit 0 and no word before."""
    plots = _table(tmp_path / "小麦.csv", "面积(亩)")
    out = tmp_path / "report.md"
    argv = ["report", str(plots), "--crop", "小麦", "--lang", lang, "-o", str(out)]
    assert main(argv) == 0
    assert line in capsys.readouterr().err
    assert ("绝收" if lang == "zh" else "a failed crop on every plot") in out.read_text("utf-8")


def test_a_poor_trial_above_100_kg_ha_does_not_warn() -> None:
    """A crop failing to 100-300 kg/ha is possible and not a unit slip: no warning.

    The areas times 50 (1,000 m² plots): plot yields 7,143-8,217 kg/ha / 50 = 143-164 kg/ha
    (the report's plot table divided by 50), each above 100 kg/ha.
    """
    import pandas as pd

    rows = [r.split(",") for r in ROWS]
    plots = pd.DataFrame(
        {
            "plot_id": [r[0] for r in rows],
            "block": [r[1] for r in rows],
            "treatment": [r[2] for r in rows],
            "harvested_area_m2": [float(r[3]) * 50 for r in rows],
            "fresh_mass_kg": [float(r[4]) for r in rows],
            "moisture_pct": [float(r[5]) for r in rows],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", YieldTrialWarning)
        trial = FieldTrial(plots, crop="wheat", control="CK")
    assert 100 < trial.yields()["yield_kg_ha"].min() < 150  # 142.9 (plot 201: 7,143.2 / 50)
