"""Files the documentation's snippets name without showing them, and the shell's brace ranges.

``test_doc_snippets.py`` makes these files in each page's folder before the page runs, and
``test_docs.py`` gives the ``--help`` examples the same files; they are written here once.
The data are shipped with yieldtrial (``yieldtrial.datasets``: the published tables copy
``tests/data/reference``, each with its source; the site network is synthetic).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).parent / "data" / "reference"
BRACE_RANGE = re.compile(r"(\S*?)\{(\d+)\.\.(\d+)\}(\S*)")


def script_display() -> Any:
    """Return pandas' display options of a script, whatever terminal the tests run in.

    In a plain Python process pandas fits a DataFrame's repr to the terminal
    (``display.max_columns`` 0: ``COLUMNS`` or the tty's width). The pages show what an
    80-column script prints; a CI worker whose terminal width read as 3 printed
    ``method ... reproduces`` (stop 45's first CI, oldest versions).
    """
    return pd.option_context("display.max_columns", 20, "display.width", 80)


def copy_example(folder: Path, name: str = "replicated-rcbd") -> None:
    """``plots.csv`` and ``trial.toml`` of a shipped example (CK1, CK2, T in 4 blocks)."""
    from yieldtrial.datasets import example_path

    source = example_path(name)
    shutil.copy(source, folder / "plots.csv")
    shutil.copy(source.with_name("trial.toml"), folder / "trial.toml")


def reference_rows(name: str) -> tuple[list[str], list[list[object]]]:
    case = json.loads((REFERENCE / f"{name}.json").read_text(encoding="utf-8"))
    return case["data"]["columns"], case["data"]["rows"]


def write_sites(folder: Path) -> None:
    """Copy the shipped synthetic ``site-network``: ``sites.csv`` and the folder ``sites/``."""
    from yieldtrial.datasets import example_path

    shutil.copy(example_path("site-network"), folder / "sites.csv")
    shutil.copytree(example_path("site-network", "sites"), folder / "sites")


def simulate_sites(folder: Path) -> None:
    """Simulate the ``site-network`` example (its ``README.md`` describes the simulation).

    ``sites.csv``: RCBD sites A-D (CK, N1, N2, 3 blocks) with a site column; ``sites/``: raw
    harvest records with Chinese headers, one file per site.  The shipped files are these plus a
    ``data_status`` column (``synthetic``).
    """
    rng = np.random.default_rng(3)
    rows = []
    for s_i, site in enumerate("ABCD"):
        for block in (1, 2, 3):
            for treatment, effect in (("CK", 0.0), ("N1", 500.0), ("N2", 200.0)):
                value = round(6000 + 300 * s_i + effect + rng.normal(0, 150), 1)
                rows.append((site, block, treatment, value))
    pd.DataFrame(rows, columns=["site", "block", "treatment", "yield_kg_ha"]).to_csv(
        folder / "sites.csv", index=False
    )
    (folder / "sites").mkdir()
    for site in ("太谷", "榆次", "祁县"):
        raw = []
        for block in (1, 2, 3):
            for treatment, effect in (("CK", 0.0), ("N1", 1.2), ("N2", 0.5)):
                raw.append(
                    {
                        "小区号": f"{block}-{treatment}",
                        "处理": treatment,
                        "重复": block,
                        "面积(亩)": 0.05,
                        "鲜重(kg)": round(30 + effect + rng.normal(0, 0.5), 2),
                        "含水量(%)": round(15 + rng.normal(0, 0.3), 1),
                    }
                )
        pd.DataFrame(raw).to_csv(folder / "sites" / f"{site}.csv", index=False)


def _copy_shipped(name: str, target: Path) -> None:
    from yieldtrial.datasets import example_path

    shutil.copy(example_path(name), target)


def write_oats(folder: Path) -> None:
    """``oats.csv``: Yates' (1935) oats split plot, shipped as ``yates-oats-split-plot``."""
    _copy_shipped("yates-oats-split-plot", folder / "oats.csv")


def write_rice(folder: Path) -> None:
    """``rice.csv``: Gomez & Gomez (1984) Table 3.7, shipped as ``gomez-rice-split-plot``."""
    _copy_shipped("gomez-rice-split-plot", folder / "rice.csv")


def write_battery(folder: Path) -> None:
    """``battery.csv``: Montgomery's battery life, shipped as ``montgomery-battery-factorial``."""
    _copy_shipped("montgomery-battery-factorial", folder / "battery.csv")


def write_alpha(folder: Path) -> None:
    """``alpha.csv``: John & Williams' alpha lattice, shipped as ``john-williams-alpha-oats``."""
    _copy_shipped("john-williams-alpha-oats", folder / "alpha.csv")


def reference_table(name: str) -> pd.DataFrame:
    """Return the published table a shipped example copies, built from tests/data/reference.

    ``name`` is the example's name; the frame has the example's columns but ``data_status``.
    """
    if name == "yates-oats-split-plot":
        _, rows = reference_rows("yates_oats_splitplot")
        frame = pd.DataFrame(rows, columns=["block", "variety", "treatment", "yield_lb_acre"])
        frame.insert(0, "plot_id", range(1, len(frame) + 1))
        # 1/4 lb per 1/80-acre sub-plot (the published unit) x 20 = lb/acre, exactly
        frame["yield_lb_acre"] = frame["yield_lb_acre"].astype(int) * 20
        return frame
    if name == "gomez-rice-split-plot":
        _, rows = reference_rows("gomez_splitplot_rice")
        frame = pd.DataFrame(rows, columns=["block", "nitrogen", "variety", "yield_kg_ha"])
        frame.insert(0, "plot_id", range(1, len(frame) + 1))  # numbered, not published
        return frame
    if name == "montgomery-battery-factorial":
        case = json.loads((REFERENCE / "montgomery_battery_factorial.json").read_text("utf-8"))
        cells = []
        for cell, values in case["data"]["cells"].items():
            material, temperature = cell.split("|")
            cells += [(material, temperature, value) for value in values]
        return pd.DataFrame(cells, columns=["material", "temperature", "life"])
    columns, rows = reference_rows("john_williams_alpha_oats")
    return pd.DataFrame(rows, columns=columns)


def write_doubled_weight(folder: Path) -> None:
    """Copy the page's own example files, ``plots.csv`` and ``trial.toml`` of doubled-weight."""
    for name in ("plots.csv", "trial.toml"):
        shutil.copy(ROOT / "examples" / "doubled-weight" / name, folder / name)


def expand_braces(words: list[str]) -> list[str]:
    """Expand the shell's brace ranges: ``G{01..03}`` -> ``G01 G02 G03`` (width kept)."""
    out: list[str] = []
    for word in words:
        match = BRACE_RANGE.fullmatch(word)
        if match is None:
            out.append(word)
            continue
        head, first, last, tail = match.groups()
        width = len(first) if first.startswith("0") else 0
        out += [f"{head}{i:0{width}d}{tail}" for i in range(int(first), int(last) + 1)]
    return out
