"""docs/report-json-schema.md lists every key the report JSON emits.

The JSON of the shipped examples (English and Chinese), of a trial with yield
components and of the split-plot and Latin-square cases of the test data is walked;
each key must be documented in the part of the schema page that describes its
place: the top level, ``metadata``, ``metadata.trial``, ``metadata.settings``,
``results`` (and the keys inside ``results.named_contrasts``, ``economics``,
``comparison_families``, ``yield_components``, ``efficiency``), the section keys,
the table and figure keys, the block keys and the column keys.  A key the JSON
emits and the page does not list fails the test, naming the key and where it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shipped import example_report
from yieldtrial.datasets import example_path
from yieldtrial.report.files import report_from_files
from yieldtrial.report.model import SCHEMA_VERSION
from yieldtrial.report.render_json import report_dict

ROOT = Path(__file__).parents[1]
SCHEMA = ROOT / "docs" / "report-json-schema.md"
DATA = ROOT / "tests" / "data"

#: results keys whose inner keys are checked too (records or one object).
NESTED_RESULTS = (
    "named_contrasts",
    "economics",
    "comparison_families",
    "yield_components",
    "efficiency",
    "means_listing",
    "control_comparisons_accuracy",
    "letters",
)


def _components_trial(folder: Path) -> tuple[Path, Path]:
    """Write a replicated trial with measured yield components (the components section)."""
    plots = folder / "plots.csv"
    plots.write_text(
        "plot_id,block,treatment,yield_kg_ha,heads_per_mu,grains_per_head,thousand_grain_weight_g\n"
        "1,B1,CK,7000,390000,34,45\n2,B1,A,7400,420000,36,46\n"
        "3,B2,CK,7100,410000,36,45\n4,B2,A,7530,420000,36,46\n",
        encoding="utf-8",
    )
    config = folder / "trial.toml"
    config.write_text(
        '[trial]\ncrop = "wheat"\n[analysis]\ncontrol = "CK"\ndesign = "rcbd"\nunit = "kg/mu"\n',
        encoding="utf-8",
    )
    return plots, config


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, Path, Path]] = []
    for name in ("jinzhong-2024", "replicated-rcbd"):
        cases.append((name, example_path(name), example_path(name, "trial.toml")))
    plots, config = _components_trial(tmp_path_factory.mktemp("components"))
    cases.append(("components", plots, config))
    for name in ("oats_split", "rocket_latin"):
        cases.append((name, DATA / "e2e2" / f"{name}.csv", DATA / "e2e2" / f"{name}.toml"))
    out = []
    for name, plots, config in cases:
        for lang in ("en", "zh"):
            report, _ = report_from_files(
                plots, config, lang=lang, report_date="2024-06-01", figures=True
            )
            out.append((f"{name} ({lang})", report_dict(report)))
    # more entries than the report lists: summarised tables, results.means_listing
    from yieldtrial.report import entries

    saved = entries.ENTRY_TABLE_LIMIT, entries.ENTRY_TABLE_TOP, entries.ENTRY_TABLE_BOTTOM
    entries.ENTRY_TABLE_LIMIT, entries.ENTRY_TABLE_TOP, entries.ENTRY_TABLE_BOTTOM = 2, 1, 1
    try:
        report = example_report(report_date="2024-06-01", margin_pct=5.0)
    finally:
        entries.ENTRY_TABLE_LIMIT, entries.ENTRY_TABLE_TOP, entries.ENTRY_TABLE_BOTTOM = saved
    out.append(("summarised (en)", report_dict(report)))
    return out


def _doc_part(heading: str) -> str:
    """Text of the schema page from ``heading`` to the next heading of the same level."""
    text = SCHEMA.read_text(encoding="utf-8")
    level = heading.split(" ")[0]
    start = text.index(heading + "\n")
    rest = text[start + len(heading) :]
    found = re.search(rf"^{level} ", rest, flags=re.M)
    return rest[: found.start()] if found else rest


def _listed(part: str) -> set[str]:
    """Backquoted names of a part of the page (`key`, `key[_i]` gives key and key_i...)."""
    names = set()
    for quoted in re.findall(r"`([^`]+)`", part):
        for name in re.findall(r"[A-Za-z_][A-Za-z0-9_()<>\[\]:.-]*", quoted):
            names.add(name)
            names.add(re.sub(r"\[_i\]$", "", name))
    return names


def _undocumented(keys: set[str], names: set[str]) -> set[str]:
    """Keys not in ``names``; a name with a placeholder (`means_<factor>`) matches a pattern."""
    patterns = [re.compile(re.sub(r"<[^>]+>", r"\\w+", re.escape(n))) for n in names if "<" in n]
    return {k for k in keys if k not in names and not any(p.fullmatch(k) for p in patterns)}


def _keys_of(value: Any) -> Iterator[str]:
    """Keys of an object, or of every object of a list of objects."""
    if isinstance(value, dict):
        yield from value
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield from item


def _emitted(doc: dict[str, Any]) -> dict[str, set[str]]:
    """Where -> keys of one JSON document."""
    meta = doc["metadata"]
    results = doc["results"]
    places: dict[str, set[str]] = {
        "top level": set(doc),
        "metadata": set(meta),
        "metadata.trial": set(meta["trial"]),
        "metadata.settings": set(meta["settings"]),
        "results": set(results),
        "section keys": {s["key"] for s in doc["sections"]},
        "table and figure keys": {
            b["key"] for s in doc["sections"] for b in s["blocks"] if b["type"] == "table"
        }
        | {b["key"] for s in doc["sections"] for b in s["blocks"] if b["type"] == "figure"},
        "block keys": {k for s in doc["sections"] for b in s["blocks"] for k in b},
        "column keys": {
            k for s in doc["sections"] for b in s["blocks"] for c in b.get("columns", []) for k in c
        },
    }
    for key in NESTED_RESULTS:
        if key in results:
            inner = set(_keys_of(results[key]))
            if key == "economics":
                inner |= set(_keys_of(results[key].get("rows", [])))
            if key == "letters":  # the table's records and the provenance's keys
                inner |= set(_keys_of(results[key]["table"]))
                inner |= set(_keys_of(results[key].get("provenance") or {}))
            places[f"results.{key}"] = inner
    return places


def _documented() -> dict[str, set[str]]:
    """Where -> keys the schema page lists for it."""
    top = _listed(_doc_part("## Top level"))
    meta = _listed(_doc_part("## `metadata`"))
    results = _listed(_doc_part("## `results`"))
    sections = _listed(_doc_part("## `sections`"))
    return {
        "top level": top,
        "metadata": meta,
        "metadata.trial": meta,
        "metadata.settings": meta,
        "results": results,
        "section keys": sections,
        "table and figure keys": sections,
        "block keys": sections,
        "column keys": sections,
        **{f"results.{key}": results for key in NESTED_RESULTS},
    }


def test_schema_page_lists_every_emitted_key(documents: list[tuple[str, dict[str, Any]]]) -> None:
    """Every key of the report JSON (examples, en and zh, and other designs) is on the page."""
    documented = _documented()
    missing: dict[str, set[str]] = {}
    for name, doc in documents:
        for place, keys in _emitted(doc).items():
            for key in _undocumented(keys, documented[place]):
                missing.setdefault(f"{place} ({name.split(' ')[0]})", set()).add(key)
    assert not missing, "keys missing from docs/report-json-schema.md: " + "; ".join(
        f"{where}: {', '.join(sorted(keys))}" for where, keys in sorted(missing.items())
    )


def test_schema_page_names_the_current_version() -> None:
    """The page's title and its `schema_version` row give the version the renderer writes."""
    text = SCHEMA.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f'# Report JSON schema (`schema_version` "{SCHEMA_VERSION}")'
    assert f'`"{SCHEMA_VERSION}"`' in _doc_part("## Top level")


def test_checker_finds_an_undocumented_key() -> None:
    """The checker itself: a key the page does not list is reported."""
    doc = {
        "schema_version": "x",
        "undocumented_key": 1,
        "metadata": {"trial": {}, "settings": {}},
        "results": {},
        "sections": [],
    }
    top = _emitted(doc)["top level"]
    assert _undocumented(top, _documented()["top level"]) == {"undocumented_key"}
    assert _undocumented({"means_irrigation", "means_x y"}, {"means_<factor>"}) == {"means_x y"}
