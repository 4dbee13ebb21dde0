"""SYNTHETIC plot tables of breeding-sized trials for ``bench_breeding_designs.py``.

Run: ``python benchmarks/breeding_designs.py OUTDIR`` writes one CSV per case (the
field books come from ``yieldtrial design`` where it has the layout: alpha, augmented,
split_plot; the resolvable row-column layout and the networks are built here) with a
``yield_kg_ha`` column of simulated yields:

* ``alpha_{n}_r{r}.csv``: ``yieldtrial design alpha`` with n entries (the first, G0001,
  a control), blocks of 10, r replicates; yield = 7000 + entry (SD 600) + replicate
  (100 per replicate) + incomplete block (SD 250) + plot (SD 400) kg/ha;
* ``augmented_{n}_c{c}.csv``: ``yieldtrial design augmented`` with n entries and c
  checks (CK1 ...) in ``max(4, n // 50)`` blocks; yield = 7000 + entry or check (SD 600)
  + block (SD 250) + plot (SD 400);
* ``prep_augmented_{n}_c{c}.csv`` (stop 43): a partially replicated augmented layout built
  here, c checks (CK1 ...) in each of ``max(4, n // 50)`` blocks, every entry one plot in
  a random block and 20 % of them a second plot in another block; yield as augmented;
* ``rowcol_{n}.csv``: a resolvable row-column layout, 2 replicates of a rows x columns
  grid (n = 300: 15 x 20, n = 500: 20 x 25), entries randomly permuted in each
  replicate; yield = 7000 + entry (SD 600) + row and column within replicate (SD 200
  each) + plot (SD 400);
* ``split_{s}.csv``: ``yieldtrial design split_plot`` with 2 main-plot levels (I0, I1)
  and s sub-plot levels in 3 blocks; yield = 7000 + I1 (300) + sub-plot (SD 600) +
  whole plot (SD 250) + plot (SD 400);
* ``net_{sites}x{entries}.csv``: a network of RCBD trials, 3 blocks each, entries CK,
  E001 ...; yield = 7000 + site (SD 800) + entry (SD 400) + entry x site (SD 150) + block
  (SD 100) + plot (SD 300).

All yields are SYNTHETIC (``numpy.random.default_rng(seed)``), never field data.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HARVEST = ["harvested_area_m2", "fresh_mass_kg", "moisture_pct", "impurity_pct"]


def _design(out: Path, args: list[str]) -> pd.DataFrame:
    """Run ``yieldtrial design`` in a child process and read its field book.

    ``out`` is removed first: ``design`` refuses to replace a filled-in field book.
    """
    out.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "-m", "yieldtrial", "design", *args, "--seed", "1",
         "-o", str(out), "--force"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return pd.read_csv(out).drop(columns=HARVEST, errors="ignore")


def _effects(rng: np.random.Generator, labels: pd.Series, sd: float) -> np.ndarray:
    """One normal effect per distinct label, looked up for every plot."""
    codes, uniques = pd.factorize(labels, sort=True)
    return rng.normal(0.0, sd, len(uniques))[codes]


def alpha(out: Path, entries: int, reps: int, seed: int = 1) -> None:
    """``yieldtrial design alpha`` with ``entries`` entries, blocks of 10, ``reps`` reps."""
    labels = ",".join(f"G{i:04d}" for i in range(1, entries + 1))
    book = _design(out, ["alpha", "--treatments", labels, "--block-size", "10",
                         "--replicates", str(reps)])  # fmt: skip
    rng = np.random.default_rng(seed)
    rep = pd.factorize(book["block"], sort=True)[0]
    ib = book["block"].astype(str) + ":" + book["incomplete_block"].astype(str)
    entry = _effects(rng, book["treatment"], 600.0)
    block = _effects(rng, ib, 250.0)
    noise = rng.normal(0.0, 400.0, len(book))
    book["yield_kg_ha"] = 7000.0 + entry + 100.0 * rep + block + noise
    book.to_csv(out, index=False)


def augmented(out: Path, entries: int, checks: int, seed: int = 1) -> None:
    """``yieldtrial design augmented``: ``entries`` entries, ``checks`` checks."""
    labels = ",".join(f"E{i:05d}" for i in range(1, entries + 1))
    cks = ",".join(f"CK{i}" for i in range(1, checks + 1))
    blocks = max(4, entries // 50)
    book = _design(out, ["augmented", "--treatments", labels, "--checks", cks,
                         "--blocks", str(blocks)])  # fmt: skip
    rng = np.random.default_rng(seed)
    book["yield_kg_ha"] = (7000.0 + _effects(rng, book["treatment"], 600.0)
                           + _effects(rng, book["block"].astype(str), 250.0)
                           + rng.normal(0.0, 400.0, len(book)))  # fmt: skip
    book.to_csv(out, index=False)


def prep_augmented(
    out: Path, entries: int, checks: int, replicated: float = 0.2, seed: int = 1
) -> None:
    """Write a p-rep augmented trial: a share ``replicated`` of the entries on two plots."""
    rng = np.random.default_rng(seed)
    blocks = max(4, entries // 50)
    entry_labels = [f"E{i:05d}" for i in range(1, entries + 1)]
    home = rng.integers(0, blocks, entries)
    twice = rng.choice(entries, int(round(replicated * entries)), replace=False)
    second = (home[twice] + rng.integers(1, blocks, twice.size)) % blocks  # another block
    block = np.concatenate([np.repeat(np.arange(blocks), checks), home, second])
    check_labels = np.tile([f"CK{k}" for k in range(1, checks + 1)], blocks)
    label = np.concatenate(
        [check_labels, np.asarray(entry_labels)[np.r_[np.arange(entries), twice]]]
    )
    book = pd.DataFrame({"block": block + 1, "treatment": label})
    book = book.sort_values("block", kind="stable").reset_index(drop=True)
    book.insert(0, "plot", np.arange(1, len(book) + 1))
    book["yield_kg_ha"] = (7000.0 + _effects(rng, book["treatment"], 600.0)
                           + _effects(rng, book["block"].astype(str), 250.0)
                           + rng.normal(0.0, 400.0, len(book)))  # fmt: skip
    book.to_csv(out, index=False)


ROW_COLUMN_GRIDS = {300: (15, 20), 500: (20, 25)}


def row_column(out: Path, entries: int, reps: int = 2, seed: int = 1) -> None:
    """Write a resolvable row-column layout: each replicate a rows x columns grid."""
    rows, cols = ROW_COLUMN_GRIDS[entries]
    rng = np.random.default_rng(seed)
    frames = []
    for r in range(reps):
        order = rng.permutation(entries)
        frames.append(pd.DataFrame({
            "plot_id": [f"R{r + 1}-{i + 1:04d}" for i in range(entries)],
            "treatment": [f"G{e + 1:04d}" for e in order],
            "block": f"R{r + 1}",
            "row": np.repeat(np.arange(1, rows + 1), cols),
            "column": np.tile(np.arange(1, cols + 1), rows),
        }))  # fmt: skip
    book = pd.concat(frames, ignore_index=True)
    rk = book["block"] + ":r" + book["row"].astype(str)
    ck = book["block"] + ":c" + book["column"].astype(str)
    book["yield_kg_ha"] = (7000.0 + _effects(rng, book["treatment"], 600.0)
                           + _effects(rng, rk, 200.0) + _effects(rng, ck, 200.0)
                           + rng.normal(0.0, 400.0, len(book)))  # fmt: skip
    book.to_csv(out, index=False)


def split(out: Path, subs: int, seed: int = 1) -> None:
    """``yieldtrial design split_plot``: I0/I1 main plots, ``subs`` sub-plot levels."""
    labels = ",".join(f"S{i:03d}" for i in range(1, subs + 1))
    book = _design(out, ["split_plot", "--treatments", "I0,I1", "--sub-treatments", labels,
                         "--blocks", "3"])  # fmt: skip
    rng = np.random.default_rng(seed)
    whole = book["block"].astype(str) + ":" + book["main"].astype(str)
    sub = _effects(rng, book["sub"].astype(str), 600.0)
    plot = _effects(rng, whole, 250.0)
    noise = rng.normal(0.0, 400.0, len(book))
    book["yield_kg_ha"] = 7000.0 + 300.0 * (book["main"] == "I1") + sub + plot + noise
    book.to_csv(out, index=False)


def network(out: Path, sites: int, entries: int, blocks: int = 3, seed: int = 1) -> None:
    """Write a network of RCBD trials: ``sites`` sites x ``entries`` entries x ``blocks``."""
    rng = np.random.default_rng(seed)
    labels = np.array(["CK"] + [f"E{i:03d}" for i in range(1, entries)])
    s, b, e = np.meshgrid(np.arange(sites), np.arange(blocks), np.arange(entries), indexing="ij")
    s, b, e = s.ravel(), b.ravel(), e.ravel()
    y = (7000.0 + rng.normal(0.0, 800.0, sites)[s] + rng.normal(0.0, 400.0, entries)[e]
         + rng.normal(0.0, 150.0, (sites, entries))[s, e]
         + rng.normal(0.0, 100.0, (sites, blocks))[s, b]
         + rng.normal(0.0, 300.0, s.size))  # fmt: skip
    pd.DataFrame({"site": [f"S{i:04d}" for i in s], "block": [f"B{i + 1}" for i in b],
                  "treatment": labels[e], "yield_kg_ha": y}).to_csv(out, index=False)  # fmt: skip


def write_all(folder: Path) -> None:
    """Write every case of ``bench_breeding_designs.py`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in (500, 1000):
        for r in (2, 3):
            alpha(folder / f"alpha_{n}_r{r}.csv", n, r)
    for n, c in ((1000, 3), (5000, 4), (10000, 4)):
        augmented(folder / f"augmented_{n}_c{c}.csv", n, c)
    for n in (2000, 10000):
        prep_augmented(folder / f"prep_augmented_{n}_c4.csv", n, 4)
    for n in ROW_COLUMN_GRIDS:
        row_column(folder / f"rowcol_{n}.csv", n)
    split(folder / "split_200.csv", 200)
    network(folder / "net_1000x20.csv", 1000, 20)
    network(folder / "net_50x500.csv", 50, 500)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="folder for the CSV files (created)")
    write_all(parser.parse_args().outdir)
