"""docs/network-json-schema.md lists every key the network JSON emits, and no key it never emits.

The network JSON (``yieldtrial network ... -o summary.json``, ``render(result, "json")``,
``NetworkResult.to_dict()``, ``StabilityResult.to_dict()``) is built for the variants that
change its keys or their values: the shipped unreplicated 60-farm example with its
trial.toml (sites pooled as blocks, a margin, stability, response to the environment), a
replicated multi-site RCBD keyed by two columns with a failed site, a site excluded for
its CV and a margin, the same network through the API with two controls, a named contrast
and the MixedLM alternative, a network without a check, one without a summary, and a
stability analysis of the plots.  Every object of every document is walked: its keys must
be listed in the table of the page's part for its path (``## `summary.treatments```, ...),
else the test fails naming the key and the path.  Conversely every key the page lists is
emitted by at least one variant, unless its row is marked ``(rare)`` (the page's rule).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from yieldtrial.cli import main
from yieldtrial.datasets import example_path
from yieldtrial.network import JSON_SCHEMA_VERSION, analyze_many
from yieldtrial.network.stability import network_stability, stability
from yieldtrial.report.network import render
from yieldtrial.stats.inference import unit_suffix

ROOT = Path(__file__).parents[1]
SCHEMA = ROOT / "docs" / "network-json-schema.md"

#: Mark of a key row exempt from the "every listed key is emitted" test (see the page).
RARE = "(rare)"


def _replicated_network(folder: Path) -> Path:
    """Six RCBD sites of 2025 (CK, N1, N2, N3; 3 blocks), keyed by year and site.

    Site E is noisy (plot SD 1500 kg/ha against 150: CV about 20 %, excluded by
    ``--exclude-cv-above 15``); site F has a non-numeric yield (status ``failed``).
    """
    rng = np.random.default_rng(20261204)
    rows = []
    for s_i, site in enumerate("ABCDEF"):
        noise = 1500.0 if site == "E" else 150.0
        for block in (1, 2, 3):
            for treatment, effect in (("CK", 0.0), ("N1", 500.0), ("N2", 200.0), ("N3", -100.0)):
                value = round(6000 + 300 * s_i + effect + rng.normal(0, noise), 1)
                rows.append((2025, site, block, treatment, value))
    plots = pd.DataFrame(rows, columns=["year", "site", "block", "treatment", "yield_kg_ha"])
    plots["yield_kg_ha"] = plots["yield_kg_ha"].astype(object)
    bad = (plots.site == "F") & (plots.block == 2) & (plots.treatment == "N1")
    plots.loc[bad, "yield_kg_ha"] = "n/a?"
    path = folder / "replicated.csv"
    plots.to_csv(path, index=False)
    return path


def _cli_json(folder: Path, name: str, argv: list[str]) -> dict[str, Any]:
    out = folder / f"{name}.json"
    assert main(["network", *argv, "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"), parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise AssertionError(f"the JSON holds {name}; missing values must be null")


def _farm_argv(lang: str) -> list[str]:
    farms = example_path("farm-network")
    config = example_path("farm-network", "trial.toml")
    return [str(farms), "--config", str(config), "--lang", lang]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("network_json")


@pytest.fixture(scope="module")
def farm_en(folder: Path) -> dict[str, Any]:
    """Build the JSON of the shipped 60-farm network with its trial.toml (CK1, margin 5 %)."""
    return _cli_json(folder, "farm_en", _farm_argv("en"))


@pytest.fixture(scope="module")
def documents(folder: Path, farm_en: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, path prefix, document): every variant, walked from ``prefix``."""
    plots_csv = _replicated_network(folder)
    replicated = _cli_json(
        folder,
        "replicated",
        [str(plots_csv), "--by", "year,site", "--control", "CK", "--margin-pct", "5"]
        + ["--exclude-cv-above", "15"],
    )
    plots = pd.read_csv(plots_csv)
    plots = plots[plots["site"] != "F"]
    api = analyze_many(
        plots,
        by="site",
        response="yield_kg_ha",
        treatment="treatment",
        block="block",
        control=["CK", "N3"],
        combined="mixedlm",
        margin_pct=5.0,
        contrasts={"N1 vs N2": {"N1": 1, "N2": -1}},
    )
    stab, _ = network_stability(api, blup="closed_form")
    api_doc = json.loads(str(render(api, "json", stability=stab)), parse_constant=_no_constant)
    kwargs = {"by": "site", "response": "yield_kg_ha", "treatment": "treatment", "block": "block"}
    no_check = analyze_many(plots, **kwargs).to_dict()
    no_summary = analyze_many(plots, summary=False, **kwargs).to_dict()
    plot_stability = stability(
        plots, env="site", treatment="treatment", response="yield_kg_ha", block="block", blup=None
    ).to_dict()
    return [
        ("farm-network (CLI)", "", farm_en),
        ("replicated (CLI)", "", replicated),
        ("replicated, two controls, MixedLM, contrast (API)", "", api_doc),
        ("no check (to_dict)", "", no_check),
        ("no summary (to_dict)", "", no_summary),
        ("stability of the plots (StabilityResult.to_dict)", "stability", plot_stability),
    ]


# ----------------------------------------------------------------------------- the page


def _parts() -> dict[str, list[str]]:
    """JSON path -> the key names in the first cell of the rows of its part's tables.

    A part starts at a heading (``##`` or ``###``) that names one or more paths in
    backquotes (``## `summary.treatments```) or says ``Top level`` (the path ``""``), and
    ends at the next heading.  Other headings start parts that document no path.
    """
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in SCHEMA.read_text(encoding="utf-8").splitlines():
        if re.match(r"#{2,3} ", line):
            paths = re.findall(r"`([^`]+)`", line)
            current = [] if line.strip("# ") == "Top level" else None
            if current is not None:
                parts[""] = current
            elif paths:
                current = []
                for path in paths:
                    parts[path] = current
            continue
        if current is None or not line.startswith("|") or re.match(r"\|\s*(Key|-)", line):
            continue
        first = line.split("|")[1]
        current.extend(f"{name} {RARE}" if RARE in first else name for name in _names(first))
    return parts


def _names(cell: str) -> list[str]:
    """Backquoted names of a table cell."""
    return re.findall(r"`([^`]+)`", cell)


def _pattern(name: str, context: dict[str, list[str]]) -> re.Pattern[str]:
    """Return a documented name as a regex; ``<by>``, ``<treatment>``, ... take the values.

    ``<m>`` is an axis number (1, 2, ...); a placeholder without values matches nothing.
    """
    parts = re.split(r"(<[a-z]+>)", name.removesuffix(f" {RARE}"))
    out = []
    for part in parts:
        if part == "<m>":
            out.append(r"[1-9][0-9]*")
        elif part.startswith("<") and part.endswith(">"):
            values = context.get(part[1:-1], [])
            out.append("(?:" + "|".join(map(re.escape, values)) + ")" if values else "(?!)")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


def _context(doc: dict[str, Any], prefix: str) -> dict[str, list[str]]:
    """Values of the page's placeholders in one document."""
    if prefix == "stability":
        return {
            "environment": [str(r["environment"]) for r in doc.get("environments", [])],
            "treatment": [str(r["treatment"]) for r in doc.get("table", [])],
        }
    options = doc.get("options", {})
    summary = doc.get("summary") or {}
    stab = doc.get("stability") or {}
    return {
        "by": [str(c) for c in options.get("by", [])],
        "treatment": [str(r["treatment"]) for r in summary.get("treatments", [])],
        "environment": [str(r["environment"]) for r in stab.get("environments", [])],
        "u": [unit_suffix(str(options.get("response", "")))],
    }


def _objects(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, object) for every object of a document; the rows of a list share its path."""
    if isinstance(value, dict):
        yield path, value
        for key, inner in value.items():
            yield from _objects(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item, path)


def _undocumented(
    doc: dict[str, Any], prefix: str, parts: dict[str, list[str]]
) -> dict[str, set[str]]:
    """Path -> keys of one document that the page's part for that path does not list."""
    context = _context(doc, prefix)
    patterns = {path: [_pattern(n, context) for n in names] for path, names in parts.items()}
    missing: dict[str, set[str]] = {}
    for path, obj in _objects(doc, prefix):
        if path not in patterns:
            missing.setdefault(path, set()).add("(no part of the page documents this path)")
            continue
        for key in obj:
            if not any(p.fullmatch(str(key)) for p in patterns[path]):
                missing.setdefault(path, set()).add(str(key))
    return missing


# ----------------------------------------------------------------------------- the tests


def test_schema_page_lists_every_emitted_key(
    documents: list[tuple[str, str, dict[str, Any]]],
) -> None:
    """Every key of every variant is listed in the part of the page for its path."""
    parts = _parts()
    missing: dict[str, set[str]] = {}
    for name, prefix, doc in documents:
        for path, keys in _undocumented(doc, prefix, parts).items():
            missing.setdefault(f"{path or 'top level'} ({name})", set()).update(keys)
    assert not missing, "keys missing from docs/network-json-schema.md: " + "; ".join(
        f"{where}: {', '.join(sorted(keys))}" for where, keys in sorted(missing.items())
    )


def test_every_key_the_page_lists_is_emitted(
    documents: list[tuple[str, str, dict[str, Any]]],
) -> None:
    """No stale row: each listed key (unless marked (rare)) is emitted by some variant."""
    emitted: dict[str, list[tuple[str, dict[str, list[str]]]]] = {}
    for _, prefix, doc in documents:
        context = _context(doc, prefix)
        for path, obj in _objects(doc, prefix):
            emitted.setdefault(path, []).extend((str(key), context) for key in obj)
    stale = []
    for path, names in _parts().items():
        for name in names:
            if name.endswith(RARE):
                continue
            found = emitted.get(path, [])
            if not any(_pattern(name, context).fullmatch(key) for key, context in found):
                stale.append(f"{path or 'top level'}: {name}")
    assert not stale, "listed in docs/network-json-schema.md but never emitted: " + "; ".join(stale)


def test_every_part_of_the_page_has_keys() -> None:
    """Each part names at least one key (a heading without its table would document nothing)."""
    empty = [path or "top level" for path, names in _parts().items() if not names]
    assert not empty


def test_language_does_not_change_the_json(folder: Path, farm_en: dict[str, Any]) -> None:
    """``--lang zh`` translates the report, not the JSON: the farm network's JSON is identical."""
    assert _cli_json(folder, "farm_zh", _farm_argv("zh")) == farm_en


def test_unit_suffix_follows_the_response(farm_en: dict[str, Any]) -> None:
    """The farm network's response is kg/mu: the comparison columns end in ``_kg_mu``."""
    assert farm_en["options"]["response"] == "yield_kg_mu"
    keys = set(farm_en["summary"]["comparisons"][0])
    assert {"difference_kg_mu", "ci_low_kg_mu", "noninferiority_ci_low_kg_mu"} <= keys
    assert not any(key.endswith("_kg_ha") for key in keys)


def test_schema_page_names_the_current_version(farm_en: dict[str, Any]) -> None:
    """The page's title and its `schema_version` row give the version the JSON carries."""
    text = SCHEMA.read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        f'# Network JSON schema (`schema_version` "{JSON_SCHEMA_VERSION}")'
    )
    assert farm_en["schema_version"] == JSON_SCHEMA_VERSION
    top = text[text.index("## Top level") :]
    assert f'`"{JSON_SCHEMA_VERSION}"`' in top[: top.index("\n## ", 1)]


def test_checker_finds_an_undocumented_key_and_a_wrong_place() -> None:
    """The checker itself: unknown keys, a key of another part and an unknown path are found."""
    parts = _parts()
    doc = {
        "schema_version": "x",
        "undocumented_key": 1,
        "options": {"by": ["site"], "response": "yield_kg_ha"},
        "summary": {
            "treatments": [{"treatment": "CK", "lsmean": 1.0}],  # lsmean: a per_treatment key
            "means": [{"site": "A", "CK": 1.0, "XX": 2.0}],  # XX: no treatment of the document
            "comparisons": [{"difference_kg_ha": 1.0, "difference_kg_mu": 1.0}],
            "new_table": [{"a": 1}],
        },
    }
    missing = _undocumented(doc, "", parts)
    assert missing[""] == {"undocumented_key"}
    assert missing["summary.treatments"] == {"lsmean"}
    assert missing["summary.means"] == {"XX"}
    assert missing["summary.comparisons"] == {"difference_kg_mu"}
    assert missing["summary.new_table"] == {"(no part of the page documents this path)"}


def test_rare_rows_are_skipped_by_the_stale_check() -> None:
    """A row whose key cell carries (rare) is read with the mark, so the stale test skips it."""
    assert _names("`ci_low` (rare)") == ["ci_low"]
    assert _pattern(f"IPCA<m> {RARE}", {}).fullmatch("IPCA12")
    assert not _pattern("<treatment>", {}).fullmatch("CK")
