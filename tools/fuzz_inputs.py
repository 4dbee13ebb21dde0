r"""Mutation fuzzing of yieldtrial's real inputs through the command line (in-process).

Usage::

    PYTHONPATH=src python tools/fuzz_inputs.py --cases 2000 [--seed 52] [--jobs 1]
        [--timeout 60] [--only KIND] [--show N] [--keep DIR]

Every shipped input (the datasets' plot tables and trial.toml files, the examples, a field
book that ``yieldtrial design`` writes, an .xlsx workbook made with openpyxl from a plot
table) is mutated deterministically (``--seed``): byte flips, truncation at a random
offset, deleted, duplicated and swapped lines and columns, cells replaced by hostile values
(empty, ``nan``, ``inf``, ``-0``, ``1e309``, ``0x10``, ``1,5``, full-width digits, ``TRUE``,
``=1+1``, very long text, NUL, a lone ``\\r``, a BOM in mid-file, quotes), headers renamed to
near-miss names, the encoding switched (UTF-16, GBK), trial.toml keys and values mutated
(types, nesting, duplicates).  Each mutant runs through one command (``report --no-figures``
to Markdown, HTML or JSON, ``standardize``, ``audit``, ``network``, ``design -o`` over the
field book), ``--lang en`` and one case in five ``--lang zh``.

Each case runs in a forked child of a process that has imported and warmed up yieldtrial
(so a case costs its own work only), with a per-case timeout.  A case fails when it:

* ``traceback``: prints a traceback, or exits 3 (an internal error);
* ``status``: exits with a status other than 0, 1 or 2;
* ``lines``: fails with other than exactly one line on standard error;
* ``input``: changes an input file;
* ``output``: leaves its output under the final name after a failure;
* ``tempfile``: leaves a file nobody asked for (a temporary file, a figure folder);
* ``hang``: runs past the timeout.

Cases that exit 0 with no line on standard error although their mutation should be
noticed (a duplicated data line, a hostile cell) are listed as ``silent`` for a reader to
judge; they are not counted as failures.  The counts by kind are printed at the end.
"""

# ruff: noqa: D101, D103, S311 - a script: its mutators are one-liners named by their kind,
# and its random numbers make test cases (seeded), not secrets

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "src" / "yieldtrial" / "datasets"
EXAMPLES = ROOT / "examples"

#: Hostile cell values (text written in place of a cell).
HOSTILE_CELLS = (
    "",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "-0",
    "1e309",
    "-1e309",
    "0x10",
    "1,5",
    "１２",
    "TRUE",
    "=1+1",
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "x" * 5000,
    "1" * 400,
    "a\x00b",
    "\x00",
    "1\r2",
    "\r",
    "\ufeff12",
    '"',
    '"12',
    "'12",
    "12 ",
    " ",
    "NA",
    "None",
    "null",
    "-",
    "1e-320",
    "12%",
    "0.127",
    "-5",
    "1e6",
    "<script>alert(1)</script>",
    "**b**|c",
    "\u202e12",
    "12\u00a0",
    "CK1",
    "\t",
)

#: Near-miss header spellings of canonical columns.
NEAR_MISS = {
    "plot_id": ["plot id", "Plot_ID", "plotid", "plot_i d", "plot_ID ", " plot_id", "plot"],
    "treatment": ["treatmnt", "Treatment", "treatments", "trt", "处理"],
    "block": ["blok", "Block", "rep", "blocks", "区组"],
    "fresh_mass_kg": ["fresh_mass_g", "fresh_mass", "freshmass_kg", "fresh_mass_kgs", "鲜重"],
    "moisture_pct": ["moisture", "moisture_frac", "moisture_%", "Moisture_pct", "水分"],
    "harvested_area_m2": ["harvested_area", "area_m2", "harvested_area_mu", "harvest_area_m2"],
    "harvested_area_mu": ["harvested_area_m2", "area_mu", "harvested_area"],
    "yield_kg_ha": ["yield_kg_mu", "yield_t_ha", "yield kg/ha", "yield_kgha", "Yield_kg_ha"],
    "yield_kg_mu": ["yield_kg_ha", "yield_kgmu", "yield"],
    "site": ["Site", "sites", "location", "地点"],
    "impurity_pct": ["impurity", "impurity_frac", "impurities_pct"],
    "yield": ["Yield", "yld", "yield_kg"],
    "gen": ["genotype", "Gen"],
    "rep": ["Rep", "replicate"],
}

TOML_VALUES = (
    '""',
    "0",
    "-1",
    "1e309",
    "nan",
    "inf",
    "true",
    "[]",
    "[1, 2]",
    "{}",
    "{ a = 1 }",
    '"CK9"',
    '["CK1", "CK1"]',
    '"x"',
    '"' + "y" * 3000 + '"',
    "2024-06-08",
    '"=1+1"',
    '"<b>x</b>"',
    '"\\u0000"',
    "0.05",
    "99",
    "1.5",
    '"wheat"',
    '"玉米"',
)


@dataclass
class Seed:
    """One shipped input and the commands that read it."""

    name: str
    files: dict[str, bytes]  # file name -> content
    commands: list[list[str]]  # argv templates ({out} is replaced by an output name)
    target: str  # the file the mutators change
    kind: str  # csv, toml, xlsx


@dataclass
class Case:
    number: int
    seed: str
    mutation: str
    files: dict[str, bytes]
    argv: list[str]
    semantic: bool = False  # the mutation should be noticed (warning or error)
    extra: dict[str, str] = field(default_factory=dict)


def _read(path: Path) -> bytes:
    return path.read_bytes()


def field_book() -> tuple[bytes, bytes]:
    """Return a field book ``yieldtrial design`` wrote (fixed seed): as written, filled in."""
    from yieldtrial.cli import main

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fb.csv"
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = main(
                [
                    "design",
                    "rcbd",
                    "--treatments",
                    "CK",
                    "T1",
                    "T2",
                    "--blocks",
                    "3",
                    "--seed",
                    "7",
                    "--plot-area",
                    "20",
                    "-o",
                    str(path),
                ]
            )
        if code != 0:
            raise SystemExit(f"design failed ({code})")
        empty = path.read_bytes()
        lines = empty.decode("utf-8").splitlines()
    rng = random.Random(7)
    out = [lines[0]]
    header = lines[0].split(",")
    for line in lines[1:]:
        cells = line.split(",")
        cells[header.index("fresh_mass_kg")] = f"{rng.uniform(13, 15):.2f}"
        cells[header.index("moisture_pct")] = f"{rng.uniform(12, 14):.1f}"
        if "impurity_pct" in header:
            cells[header.index("impurity_pct")] = "0.5"
        out.append(",".join(cells))
    return empty, ("\n".join(out) + "\n").encode()


def workbook(csv: bytes) -> bytes:
    """Return the plot table as an .xlsx workbook (openpyxl), numbers typed as numbers."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for number, line in enumerate(csv.decode("utf-8").splitlines()):
        if line.startswith("#"):
            continue
        cells: list[object] = []
        for cell in line.split(","):
            try:
                cells.append(float(cell) if number else cell)
            except ValueError:
                cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def seeds() -> list[Seed]:
    """Every shipped input, with the commands that read it."""
    rcbd = DATASETS / "replicated-rcbd"
    jin = DATASETS / "jinzhong-2024"
    farm = DATASETS / "farm-network"
    site = DATASETS / "site-network"
    out: list[Seed] = []
    report_cfg = [
        ["report", "plots.csv", "--config", "trial.toml", "--no-figures", "-o", "{out}.md"],
        ["report", "plots.csv", "--config", "trial.toml", "--no-figures", "-o", "{out}.html"],
        ["report", "plots.csv", "--config", "trial.toml", "--no-figures", "-o", "{out}.json"],
    ]
    std = [["standardize", "plots.csv", "--config", "trial.toml", "-o", "{out}.csv"]]
    for folder, extra in ((rcbd, std), (jin, std)):
        files = {
            "plots.csv": _read(folder / "plots.csv"),
            "trial.toml": _read(folder / "trial.toml"),
        }
        out.append(Seed(f"{folder.name}/plots.csv", files, report_cfg + extra, "plots.csv", "csv"))
        out.append(
            Seed(f"{folder.name}/trial.toml", files, report_cfg + extra, "trial.toml", "toml")
        )
    # audit: jinzhong's harvest records with the published figures (percentage points,
    # 442 kg at 5 % -> 477.36 at 13 %, as the demonstration reported)
    audit = b"plot_id,treatment,harvested_area_mu,fresh_mass_kg,moisture_pct,yield_kg_mu\n"
    audit += b"1,CK1,1,436,5,470.88\n2,CK2,1,418,5,451.44\n3,T,1,442,5,477.36\n"
    out.append(
        Seed(
            "audit table",
            {"plots.csv": audit},
            [
                ["audit", "plots.csv", "--crop", "wheat", "-o", "{out}.csv"],
                ["audit", "plots.csv", "--crop", "wheat", "--format", "json", "-o", "{out}.json"],
            ],
            "plots.csv",
            "csv",
        )
    )
    doubled = EXAMPLES / "doubled-weight"
    files = {"plots.csv": _read(doubled / "plots.csv"), "trial.toml": _read(doubled / "trial.toml")}
    out.append(Seed("doubled-weight/plots.csv", files, report_cfg, "plots.csv", "csv"))
    out.append(Seed("doubled-weight/trial.toml", files, report_cfg, "trial.toml", "toml"))
    for name, opts in (
        (
            "gomez-rice-split-plot",
            ["--crop", "rice_indica", "--design", "split_plot", "--factors", "nitrogen"],
        ),
        (
            "yates-oats-split-plot",
            ["--crop", "wheat", "--design", "split_plot", "--factors", "variety"],
        ),
        (
            "john-williams-alpha-oats",
            [
                "--crop",
                "wheat",
                "--design",
                "alpha",
                "--column",
                "gen=treatment",
                "--column",
                "rep=block",
                "--column",
                "block=incomplete_block",
                "--column",
                "yield=yield_t_ha",
                "--column",
                "plot=plot_id",
            ],
        ),
    ):
        files = {"plots.csv": _read(DATASETS / name / "plots.csv")}
        cmds = [
            ["report", "plots.csv", *opts, "--no-figures", "-o", "{out}." + s]
            for s in ("md", "html", "json")
        ]
        out.append(Seed(f"{name}/plots.csv", files, cmds, "plots.csv", "csv"))
    files = {"plots.csv": _read(farm / "plots.csv"), "trial.toml": _read(farm / "trial.toml")}
    net = [
        ["network", "plots.csv", "--config", "trial.toml", "-o", "{out}.md"],
        ["network", "plots.csv", "--config", "trial.toml", "-o", "{out}.html"],
    ]
    out.append(Seed("farm-network/plots.csv", files, net, "plots.csv", "csv"))
    out.append(Seed("farm-network/trial.toml", files, net, "trial.toml", "toml"))
    files = {"plots.csv": _read(site / "plots.csv")}
    out.append(
        Seed(
            "site-network/plots.csv",
            files,
            [
                ["network", "plots.csv", "--control", "CK", "-o", "{out}.md"],
                ["network", "plots.csv", "--control", "CK", "-o", "{out}.json"],
            ],
            "plots.csv",
            "csv",
        )
    )
    sites = {f"sites/{p.name}": _read(p) for p in sorted((site / "sites").glob("*.csv"))}
    first = sorted(sites)[0]
    out.append(
        Seed(
            "site-network/sites",
            sites,
            [["network", "sites", "--crop", "wheat", "--control", "CK", "-o", "{out}.md"]],
            first,
            "csv",
        )
    )
    empty, book = field_book()
    fb_cmds = [
        [
            "report",
            "fb.csv",
            "--crop",
            "wheat",
            "--control",
            "CK",
            "--no-figures",
            "-o",
            "{out}.md",
        ],
        ["standardize", "fb.csv", "--crop", "wheat", "-o", "{out}.csv"],
    ]
    out.append(Seed("design field book", {"fb.csv": book}, fb_cmds, "fb.csv", "csv"))
    # design -o over the field book it wrote (read to decide whether it may be replaced)
    again = [
        [
            "design",
            "rcbd",
            "--treatments",
            "CK",
            "T1",
            "T2",
            "--blocks",
            "3",
            "--seed",
            "7",
            "--plot-area",
            "20",
            "--force",
            "-o",
            "fb.csv",
        ]
    ]
    out.append(Seed("design over its field book", {"fb.csv": empty}, again, "fb.csv", "csv"))
    xlsx = {
        "plots.xlsx": workbook(_read(rcbd / "plots.csv")),
        "trial.toml": _read(rcbd / "trial.toml"),
    }
    xl_cmds = [
        ["report", "plots.xlsx", "--config", "trial.toml", "--no-figures", "-o", "{out}.md"],
        ["standardize", "plots.xlsx", "--config", "trial.toml", "-o", "{out}.csv"],
    ]
    out.append(Seed("replicated-rcbd/plots.xlsx", xlsx, xl_cmds, "plots.xlsx", "xlsx"))
    return out


# --------------------------------------------------------------------------- mutators


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _join(lines: list[bytes]) -> bytes:
    return b"\n".join(lines)


def _data_rows(lines: list[bytes]) -> list[int]:
    return [
        i for i, line in enumerate(lines) if i > 0 and line.strip() and not line.startswith(b"#")
    ]


def _header_index(lines: list[bytes]) -> int:
    for i, line in enumerate(lines):
        if line.strip() and not line.startswith(b"#"):
            return i
    return 0


def m_byte_flip(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    buf = bytearray(data)
    n = rng.randint(1, 4)
    for _ in range(n):
        i = rng.randrange(len(buf))
        buf[i] = rng.randrange(256)
    return bytes(buf), f"byte flip x{n}", False


def m_truncate(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    i = rng.randrange(len(data))
    return data[:i], f"truncate at {i}", False


def m_delete_line(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return _join(lines[:i] + lines[i + 1 :]), f"delete line {i}", False


def m_duplicate_line(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    lines = _lines(data)
    rows = _data_rows(lines) or [0]
    i = rng.choice(rows)
    j = rng.randrange(len(lines) + 1)
    lines.insert(j, lines[i])
    return _join(lines), f"duplicate line {i} at {j}", bool(lines[i].strip())


def m_swap_lines(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    lines = _lines(data)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return _join(lines), f"swap lines {i},{j}", False


def _table(data: bytes) -> tuple[list[list[str]], str]:
    text = data.decode("utf-8")
    return [line.split(",") for line in text.split("\n")], text


def _untable(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode("utf-8")


def m_delete_column(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    rows, _ = _table(data)
    h = _header_index(_lines(data))
    j = rng.randrange(len(rows[h]))
    name = rows[h][j]
    return (
        _untable([r[:j] + r[j + 1 :] if len(r) > 1 else r for r in rows]),
        f"delete column {name}",
        False,
    )


def m_duplicate_column(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    rows, _ = _table(data)
    h = _header_index(_lines(data))
    j = rng.randrange(len(rows[h]))
    name = rows[h][j]
    return (
        _untable([r + [r[j]] if len(r) > j else r for r in rows]),
        f"duplicate column {name}",
        True,
    )


def m_swap_columns(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    rows, _ = _table(data)
    h = _header_index(_lines(data))
    width = len(rows[h])
    i, j = rng.randrange(width), rng.randrange(width)
    for r in rows:
        if len(r) > max(i, j) and r is not rows[h]:
            r[i], r[j] = r[j], r[i]
    return _untable(rows), f"swap column values {rows[h][i]}<->{rows[h][j]}", i != j


def m_hostile_cell(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    rows, _ = _table(data)
    lines = _lines(data)
    candidates = _data_rows(lines)
    if not candidates:
        return data, "no cell", False
    i = rng.choice(candidates)
    j = rng.randrange(len(rows[i]))
    value = rng.choice(HOSTILE_CELLS)
    col = rows[_header_index(lines)][j] if j < len(rows[_header_index(lines)]) else "?"
    rows[i][j] = value
    return _untable(rows), f"cell row {i} {col} = {value[:20]!r}", True


def m_near_miss_header(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    rows, _ = _table(data)
    h = _header_index(_lines(data))
    known = [j for j, name in enumerate(rows[h]) if name.strip() in NEAR_MISS]
    if not known:
        return data, "no known header", False
    j = rng.choice(known)
    old = rows[h][j]
    rows[h][j] = rng.choice(NEAR_MISS[old.strip()])
    return _untable(rows), f"header {old} -> {rows[h][j]}", True


def m_encoding(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    text = data.decode("utf-8")
    choice = rng.choice(["utf-16", "utf-16-le", "gbk", "utf-8-sig", "latin-1", "utf-32", "gb18030"])
    try:
        return text.encode(choice), f"encoding {choice}", False
    except UnicodeEncodeError:
        return text.encode(choice, errors="replace"), f"encoding {choice} (replaced)", True


def m_bom_mid(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines[i] = b"\xef\xbb\xbf" + lines[i]
    return _join(lines), f"BOM at line {i}", False


def m_line_endings(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    choice = rng.choice([b"\r", b"\r\n", b"\n\n", b"\r\r\n"])
    return data.replace(b"\n", choice), f"line endings {choice!r}", False


def m_separator(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    choice = rng.choice([b";", b"\t", b"|", b" ", b"\xef\xbc\x8c"])
    return data.replace(b",", choice), f"separator {choice!r}", False


def m_quote(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    i = rng.randrange(len(data) + 1)
    return data[:i] + b'"' + data[i:], f"quote at {i}", False


# toml mutators ------------------------------------------------------------------------


def _toml_value_lines(lines: list[bytes]) -> list[int]:
    return [
        i for i, line in enumerate(lines) if b"=" in line and not line.lstrip().startswith(b"#")
    ]


def t_value(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    lines = _lines(data)
    idx = _toml_value_lines(lines)
    i = rng.choice(idx)
    key = lines[i].split(b"=", 1)[0]
    value = rng.choice(TOML_VALUES)
    lines[i] = key + b"= " + value.encode()
    return _join(lines), f"toml {key.strip().decode()} = {value[:20]}", True


def t_duplicate_key(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    lines = _lines(data)
    i = rng.choice(_toml_value_lines(lines))
    lines.insert(i + 1, lines[i])
    return _join(lines), f"toml duplicate line {i}", True


def t_rename_key(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    lines = _lines(data)
    i = rng.choice(_toml_value_lines(lines))
    key, rest = lines[i].split(b"=", 1)
    new = key.rstrip()[:-1] + b" " if len(key.strip()) > 2 else key + b"x"
    new = rng.choice(
        [new, key.strip().upper() + b" ", key.strip() + b"s ", b'"' + key.strip() + b' " ']
    )
    lines[i] = new + b"=" + rest
    return _join(lines), f"toml key {key.strip().decode()} -> {new.strip().decode()}", True


def t_nest(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    lines = _lines(data)
    tables = [i for i, line in enumerate(lines) if line.startswith(b"[")]
    i = rng.choice(tables) if tables else 0
    choice = rng.choice(
        [
            lines[i].replace(b"[", b"[[", 1).replace(b"]", b"]]", 1)
            if not lines[i].startswith(b"[[")
            else lines[i].replace(b"[[", b"[").replace(b"]]", b"]"),
            b"[" + lines[i].strip(b"[]") + b".sub]",
            b"[analysis]",
            b"[trial]",
            b"[unknown_table]",
            b"[columns]",
        ]
    )
    lines[i] = choice
    return _join(lines), f"toml table line {i} -> {choice.decode(errors='replace')}", True


def t_move_key(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    lines = _lines(data)
    i = rng.choice(_toml_value_lines(lines))
    line = lines.pop(i)
    j = rng.randrange(len(lines) + 1)
    lines.insert(j, line)
    return _join(lines), f"toml move line {i} to {j}", True


def t_add(rng: random.Random, data: bytes) -> tuple[bytes, str, bool]:
    extra = rng.choice(
        [
            b'\n[columns]\nfresh_mass_kg = "fresh_mass_kg"\n',
            b'\n[columns]\n"fresh_mass_kg" = "moisture_pct"\n',
            b'\n[[exclude]]\nplot = "101"\nreason = "x"\n',
            b'\n[[exclude]]\nplot = "999"\nreason = ""\n',
            b"\n[[exclude]]\nplot = 101\n",
            b"\n[analysis.extra]\nx = 1\n",
            b'\n[[treatments]]\nlabel = "CK1"\n',
            b'\n[[treatments]]\nlabel = "ZZ"\n',
            b'\n[[contrasts]]\nname = "x"\ntreatment = "CK1"\nversus = "CK1"\n',
            b'\n[[contrasts]]\nname = "x"\ntreatment = "NOPE"\nversus = "CK1"\n',
            b'\n[[published]]\ntreatment = "T"\nyield = "abc"\n',
            b"\n[economics]\ngrain_price_per_kg = -1\n",
            b"\n[zh]\ntitle = 5\n",
            b'\n[trial]\ncrop = "wheat"\n',
        ]
    )
    return data + extra, f"toml add {extra.strip()[:30].decode()}", True


CSV_MUTATORS: dict[str, Callable[[random.Random, bytes], tuple[bytes, str, bool]]] = {
    "byte_flip": m_byte_flip,
    "truncate": m_truncate,
    "delete_line": m_delete_line,
    "duplicate_line": m_duplicate_line,
    "swap_lines": m_swap_lines,
    "delete_column": m_delete_column,
    "duplicate_column": m_duplicate_column,
    "swap_columns": m_swap_columns,
    "hostile_cell": m_hostile_cell,
    "hostile_cell2": m_hostile_cell,
    "near_miss_header": m_near_miss_header,
    "encoding": m_encoding,
    "bom_mid": m_bom_mid,
    "line_endings": m_line_endings,
    "separator": m_separator,
    "quote": m_quote,
}

TOML_MUTATORS: dict[str, Callable[[random.Random, bytes], tuple[bytes, str, bool]]] = {
    "byte_flip": m_byte_flip,
    "truncate": m_truncate,
    "delete_line": m_delete_line,
    "toml_value": t_value,
    "toml_value2": t_value,
    "toml_duplicate_key": t_duplicate_key,
    "toml_rename_key": t_rename_key,
    "toml_nest": t_nest,
    "toml_move_key": t_move_key,
    "toml_add": t_add,
    "encoding": m_encoding,
    "bom_mid": m_bom_mid,
}


def xlsx_mutant(rng: random.Random, seed: Seed) -> tuple[bytes, str, bool]:
    """Mutate the workbook: at the byte level (damaged zip) or cell by cell (openpyxl)."""
    import openpyxl

    data = seed.files[seed.target]
    kind = rng.choice(["byte_flip", "truncate", "cell", "cell", "cell", "header", "row", "sheet"])
    if kind == "byte_flip":
        return m_byte_flip(rng, data)[0], "xlsx byte flip", False
    if kind == "truncate":
        return m_truncate(rng, data)[0], "xlsx truncate", False
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    note = kind
    semantic = True
    if kind == "cell":
        r, c = rng.randint(2, sheet.max_row), rng.randint(1, sheet.max_column)
        value: object = rng.choice(
            [*HOSTILE_CELLS, float("nan"), float("inf"), -0.0, True, 10**30, "2024-01-01", 1e-320]
        )
        if isinstance(value, str):
            value = value.replace("\x00", "")  # openpyxl refuses control characters
            value = "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
        try:
            sheet.cell(r, c).value = value
        except Exception:  # noqa: BLE001 - openpyxl's own refusal
            return data, "xlsx cell refused by openpyxl", False
        note = f"xlsx cell {r},{c} = {str(value)[:20]!r}"
    elif kind == "header":
        c = rng.randint(1, sheet.max_column)
        old = str(sheet.cell(1, c).value)
        sheet.cell(1, c).value = rng.choice(NEAR_MISS.get(old, [old + "x"]))
        note = f"xlsx header {old} -> {sheet.cell(1, c).value}"
    elif kind == "row":
        r = rng.randint(2, sheet.max_row)
        sheet.append([cell.value for cell in sheet[r]])
        note = f"xlsx duplicate row {r}"
    else:
        book.create_sheet("Sheet0", 0)
        note = "xlsx empty first sheet"
        semantic = False
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), note, semantic


def make_cases(count: int, seed_number: int) -> list[Case]:
    rng = random.Random(seed_number)
    pool = seeds()
    cases: list[Case] = []
    for number in range(count):
        seed = pool[number % len(pool)]
        files = dict(seed.files)
        if seed.kind == "xlsx":
            files[seed.target], mutation, semantic = xlsx_mutant(rng, seed)
            kind = "xlsx"
        else:
            mutators = TOML_MUTATORS if seed.kind == "toml" else CSV_MUTATORS
            kind = rng.choice(sorted(mutators))
            try:
                files[seed.target], mutation, semantic = mutators[kind](
                    rng, seed.files[seed.target]
                )
            except (UnicodeDecodeError, ValueError, IndexError) as exc:
                files[seed.target], mutation, semantic = m_byte_flip(rng, seed.files[seed.target])
                mutation += f" (fallback from {kind}: {type(exc).__name__})"
        argv = list(rng.choice(seed.commands))
        if rng.random() < 0.2:
            argv += ["--lang", "zh"]
        cases.append(Case(number, seed.name, f"{kind}: {mutation}", files, argv, semantic))
    return cases


# --------------------------------------------------------------------------- running


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def run_case(case: Case, folder: Path) -> dict[str, object]:
    """Run one case in this process (a forked child); return what happened."""
    from yieldtrial.cli import main

    work = folder / "work"
    tmp = folder / "tmp"
    work.mkdir(parents=True)
    tmp.mkdir()
    for name, data in case.files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(data)
    os.chdir(work)
    tempfile.tempdir = str(tmp)
    os.environ["TMPDIR"] = str(tmp)
    argv = [a.replace("{out}", "out") for a in case.argv]
    output = next((argv[i + 1] for i, a in enumerate(argv) if a == "-o"), None)
    before = {name: _digest(work / name) for name in case.files}
    listing = _listing(work)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    lines = [line for line in err.getvalue().splitlines() if line.strip()]
    after = {
        name: _digest(work / name) if (work / name).exists() else "gone" for name in case.files
    }
    new = _listing(work) - listing
    kinds: list[str] = []
    if "Traceback" in err.getvalue() or code == 3:
        kinds.append("traceback")
    if code not in (0, 1, 2, 3):
        kinds.append("status")
    if code != 0 and len(lines) != 1:
        kinds.append("lines")
    written_by_design = case.argv[0] == "design" and code == 0
    changed = [n for n in case.files if before[n] != after[n] and not written_by_design]
    if changed:
        kinds.append("input")
    if code != 0 and output and output not in case.files and (work / output).exists():
        kinds.append("output")
    allowed = {output, ".yieldtrial-outputs"} if code == 0 else set()
    stray = sorted(n for n in new if n not in allowed)
    if list(tmp.iterdir()):
        stray += [f"TMPDIR/{p.name}" for p in tmp.iterdir()]
    if stray:
        kinds.append("tempfile")
    said = [line for line in lines if re.search(r"warning:|note:|警告|注意", line)]
    silent = code == 0 and not said and case.semantic  # only "wrote ..." on standard error
    return {
        "code": code,
        "lines": lines[:4],
        "kinds": kinds,
        "silent": silent,
        "changed": changed,
        "stray": stray[:5],
    }


def run_forked(case: Case, timeout: float) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="fuzz57-case-"))
    read, write = os.pipe()
    start = time.process_time()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        try:
            result = run_case(case, folder)
        except BaseException as exc:  # noqa: BLE001 - the harness's own failure
            result = {
                "code": -99,
                "lines": [f"harness: {exc!r}"],
                "kinds": ["harness"],
                "silent": False,
                "changed": [],
                "stray": [],
            }
        with os.fdopen(write, "w") as stream:
            json.dump(result, stream)
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.01)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read)
        shutil.rmtree(folder, ignore_errors=True)
        return {
            "code": None,
            "lines": [],
            "kinds": ["hang"],
            "silent": False,
            "changed": [],
            "stray": [],
        }
    with os.fdopen(read) as stream:
        text = stream.read()
    shutil.rmtree(folder, ignore_errors=True)
    if not text:
        return {
            "code": status,
            "lines": [],
            "kinds": ["crash"],
            "silent": False,
            "changed": [],
            "stray": [],
        }
    result = json.loads(text)
    result["cpu"] = time.process_time() - start
    return result


def warm_up() -> None:
    """Run every seed's commands unmutated in the parent; each must exit 0.

    The imports and caches they fill stay in the parent for the forked children.
    """
    import yieldtrial.report  # noqa: F401

    cwd, tmpdir = os.getcwd(), os.environ.get("TMPDIR")
    with tempfile.TemporaryDirectory() as folder:
        for number, seed in enumerate(seeds()):
            for k, argv in enumerate(seed.commands):
                case = Case(-1, seed.name, "none", dict(seed.files), list(argv))
                try:
                    result = run_case(case, Path(folder) / f"{number}-{k}")
                finally:
                    os.chdir(cwd)
                    tempfile.tempdir = None
                    os.environ.pop("TMPDIR")
                    if tmpdir is not None:
                        os.environ["TMPDIR"] = tmpdir
                if result["code"] != 0 or result["kinds"]:
                    raise SystemExit(f"unmutated seed fails: {seed.name} {argv}: {result}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=52)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--start", type=int, default=0, help="first case number to run")
    parser.add_argument("--step", type=int, default=1, help="run every STEP-th case (sharding)")
    parser.add_argument("--show", type=int, default=40, help="failures printed in full")
    parser.add_argument("--silent", type=int, default=30, help="silent cases printed")
    parser.add_argument("--json", help="write every result to this JSON file")
    parser.add_argument(
        "--replay",
        type=int,
        nargs="+",
        help="write these cases' files into "
        "--keep DIR (one folder each) with their command line, run nothing",
    )
    parser.add_argument("--keep", default="fuzz-cases", help="folder for --replay")
    args = parser.parse_args()
    if args.replay:
        cases = make_cases(max(args.cases, max(args.replay) + 1), args.seed)
        for number in args.replay:
            case = cases[number]
            folder = Path(args.keep) / str(number)
            for name, data in case.files.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
            argv = [a.replace("{out}", "out") for a in case.argv]
            print(
                f"#{number} {case.seed} | {case.mutation}\n  cd {folder} && yieldtrial "
                + " ".join(argv)
            )
        return 0
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")
    cases = make_cases(args.cases, args.seed)[args.start :: args.step]
    warm_up()
    counts: collections.Counter[str] = collections.Counter()
    codes: collections.Counter[str] = collections.Counter()
    failures: list[tuple[Case, dict[str, object]]] = []
    silent: list[tuple[Case, dict[str, object]]] = []
    results = []
    begin = time.monotonic()
    for case in cases:
        result = run_forked(case, args.timeout)
        codes[str(result["code"])] += 1
        for kind in result["kinds"]:  # type: ignore[union-attr]
            counts[kind] += 1
        if result["kinds"]:
            failures.append((case, result))
        if result["silent"]:
            silent.append((case, result))
            counts["silent (judge)"] += 1
        results.append(
            {
                "case": case.number,
                "seed": case.seed,
                "mutation": case.mutation,
                "argv": case.argv,
                **result,
            }
        )
    elapsed = time.monotonic() - begin
    for case, result in failures[: args.show]:
        print(
            f"FAIL #{case.number} {result['kinds']} {case.seed} | {case.mutation} | "
            f"{' '.join(case.argv)} -> {result['code']} {result['lines']} {result['stray']}"
        )
    for case, _result in silent[: args.silent]:
        print(f"SILENT #{case.number} {case.seed} | {case.mutation} | {' '.join(case.argv)}")
    print(f"{len(cases)} cases in {elapsed:.0f} s; exit codes {dict(sorted(codes.items()))}")
    print("failures by kind:", dict(sorted(counts.items())) or "none")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
