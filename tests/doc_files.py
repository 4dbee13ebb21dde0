"""Files the documentation's snippets name without showing them, and the shell's brace ranges.

``test_doc_snippets.py`` makes these files in each page's folder before the page runs, and
``test_docs.py`` gives the ``--help`` examples the same files; they are written here once.
The data are shipped with yieldtrial (the examples) or kept in ``tests/data/reference``
(published trials, each with its source).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(__file__).parent / "data" / "reference"
BRACE_RANGE = re.compile(r"(\S*?)\{(\d+)\.\.(\d+)\}(\S*)")


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
    """Make ``sites.csv`` (four synthetic sites) and ``sites/`` (three raw site files).

    ``sites.csv``: RCBD sites A-D (CK, N1, N2, 3 blocks) with a site column; ``sites/``: raw
    harvest records with Chinese headers, one file per site.
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


def write_oats(folder: Path) -> None:
    """``oats.csv``: Yates' (1935) oats split plot (Venables & Ripley 2002, sec. 6.7)."""
    _, rows = reference_rows("yates_oats_splitplot")
    lines = ["plot_id,block,variety,treatment,yield_kg_ha"]
    lines += [f"{i + 1},{b},{v},{n},{y}" for i, (b, v, n, y) in enumerate(rows)]
    (folder / "oats.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_rice(folder: Path) -> None:
    """``rice.csv``: the rice split plot of Gomez & Gomez (1984), Table 3.7."""
    _, rows = reference_rows("gomez_splitplot_rice")
    frame = pd.DataFrame(rows, columns=["block", "nitrogen", "variety", "yield_kg_ha"])
    frame.to_csv(folder / "rice.csv", index=False)


def write_battery(folder: Path) -> None:
    """``battery.csv``: Montgomery's battery-life factorial (material x temperature, CRD)."""
    case = json.loads((REFERENCE / "montgomery_battery_factorial.json").read_text("utf-8"))
    rows = []
    for cell, values in case["data"]["cells"].items():
        material, temperature = cell.split("|")
        rows += [(material, temperature, value) for value in values]
    pd.DataFrame(rows, columns=["material", "temperature", "life"]).to_csv(
        folder / "battery.csv", index=False
    )


def write_alpha(folder: Path) -> None:
    """``alpha.csv``: John & Williams' alpha-lattice oats trial (24 entries, 3 reps)."""
    columns, rows = reference_rows("john_williams_alpha_oats")
    pd.DataFrame(rows, columns=columns).to_csv(folder / "alpha.csv", index=False)


def write_doubled_weight(folder: Path) -> None:
    """Copy the page's own example files, ``plots.csv`` and ``trial.toml`` of doubled-weight."""
    for name in ("plots.csv", "trial.toml"):
        shutil.copy(ROOT / "examples" / "doubled-weight" / name, folder / name)


def write_harvest(folder: Path) -> None:
    """``harvest.csv``: a field book with the harvest typed in (the shipped RCBD's plots)."""
    from yieldtrial.datasets import example_path

    shutil.copy(example_path("replicated-rcbd"), folder / "harvest.csv")


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
