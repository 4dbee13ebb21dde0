"""Write the plot tables of the report-level cross-check with lme4/lmerTest/emmeans.

Run from the repository root (once; the CSVs are committed and are the source of truth):

    PYTHONPATH=src python tests/data/r_reference_surface/make_surface_inputs.py

Every field book comes from the command a user runs (``yieldtrial design ...`` through
``yieldtrial.cli.main``), except the strip plot and the row-column design, for which
``yieldtrial design`` has no generator (built here, randomized with a seeded generator).
Yields are SYNTHETIC: seeded normal effects of realistic size for a cereal trial (kg/ha,
rounded to 1 kg/ha) written to a ``yield_kg_ha`` column, then plots blanked (missing
plots).  The seeds (design 8080-8787, yields 9101-9808) differ from those of
tests/data/r_reference (2026, 7, 103-1103, 202-503, 2003, 20261204-5).  The rows keep the
field book's order (randomized): the report sorts the levels itself.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd

from yieldtrial.cli import main as cli

HERE = Path(__file__).parent
KEEP = ["plot_id", "treatment", "block", "row", "column"]


def _book(tmp: Path, *argv: str) -> pd.DataFrame:
    out = tmp / "book.csv"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli(["design", *argv, "-o", str(out), "--force"]) == 0
    return pd.read_csv(out, dtype=str)


def split(tmp: Path, blocks: int, wp: list[str], sp: list[str], seed: int, ys: int,
          missing: list[tuple[str, str, str]]) -> pd.DataFrame:  # fmt: skip
    """Split plot from ``yieldtrial design split_plot``; missing: (block, main, sub)."""
    book = _book(tmp, "split_plot", "--treatments", *wp, "--sub-treatments", *sp,
                 "--blocks", str(blocks), "--seed", str(seed))  # fmt: skip
    rng = np.random.default_rng(ys)
    ew = dict(zip(wp, rng.normal(0, 300, len(wp)), strict=True))
    es = dict(zip(sp, np.sort(rng.normal(0, 250, len(sp))), strict=True))
    inter = {(w, s): rng.normal(0, 120) for w in wp for s in sp}
    eb = {b: rng.normal(0, 250) for b in sorted(book["block"].unique())}
    ewp = {k: rng.normal(0, 200) for k in sorted(book.groupby(["block", "main"]).groups)}
    y = [
        6000 + ew[w] + es[s] + inter[(w, s)] + eb[b] + ewp[(b, w)] + rng.normal(0, 180)
        for w, s, b in zip(book["main"], book["sub"], book["block"], strict=True)
    ]
    out = book[[*KEEP, "main", "sub"]].copy()
    out["yield_kg_ha"] = np.round(y)
    for b, w, s in missing:
        hit = (out["block"] == b) & (out["main"] == w) & (out["sub"] == s)
        assert hit.sum() == 1
        out.loc[hit, "yield_kg_ha"] = np.nan
    return out


def strip(blocks: int, hs: list[str], vs: list[str], ys: int,
          missing: list[tuple[str, str, str]]) -> pd.DataFrame:  # fmt: skip
    """Strip plot, horizontal strips x vertical strips, each block randomized on its own."""
    rng = np.random.default_rng(ys)
    rows = []
    for b in range(1, blocks + 1):
        hord = rng.permutation(hs)
        vord = rng.permutation(vs)
        for i, h in enumerate(hord, start=1):
            for j, v in enumerate(vord, start=1):
                rows.append((f"{b}{i}{j}", f"{h}:{v}", str(b), str(i), str(j), h, v))
    out = pd.DataFrame(rows, columns=[*KEEP, "h", "v"])
    eh = dict(zip(hs, rng.normal(0, 300, len(hs)), strict=True))
    ev = dict(zip(vs, rng.normal(0, 250, len(vs)), strict=True))
    eb = {b: rng.normal(0, 250) for b in sorted(out["block"].unique())}
    ebh = {k: rng.normal(0, 200) for k in sorted(out.groupby(["block", "h"]).groups)}
    ebv = {k: rng.normal(0, 150) for k in sorted(out.groupby(["block", "v"]).groups)}
    y = [
        5000 + eh[h] + ev[v] + eb[b] + ebh[(b, h)] + ebv[(b, v)] + rng.normal(0, 130)
        for h, v, b in zip(out["h"], out["v"], out["block"], strict=True)
    ]
    out["yield_kg_ha"] = np.round(y)
    for b, h, v in missing:
        hit = (out["block"] == b) & (out["h"] == h) & (out["v"] == v)
        assert hit.sum() == 1
        out.loc[hit, "yield_kg_ha"] = np.nan
    return out


def alpha(tmp: Path, entries: int, k: int, r: int, seed: int, ys: int, missing: list[str]
          ) -> pd.DataFrame:  # fmt: skip
    """Alpha-lattice from ``yieldtrial design alpha``; missing: plot ids."""
    gens = [f"G{i:02d}" for i in range(1, entries + 1)]
    book = _book(tmp, "alpha", "--treatments", *gens, "--block-size", str(k),
                 "--replicates", str(r), "--seed", str(seed))  # fmt: skip
    rng = np.random.default_rng(ys)
    eg = dict(zip(gens, rng.normal(0, 350, entries), strict=True))
    er = {b: rng.normal(0, 200) for b in sorted(book["block"].unique())}
    eib = {
        x: rng.normal(0, 280) for x in sorted(book.groupby(["block", "incomplete_block"]).groups)
    }
    y = [
        6500 + eg[g] + er[b] + eib[(b, i)] + rng.normal(0, 240)
        for g, b, i in zip(book["treatment"], book["block"], book["incomplete_block"], strict=True)
    ]
    out = book[[*KEEP, "incomplete_block"]].copy()
    out["yield_kg_ha"] = np.round(y)
    out.loc[out["plot_id"].isin(missing), "yield_kg_ha"] = np.nan
    return out


def augmented(tmp: Path, checks: int, entries: int, blocks: int, seed: int, ys: int
              ) -> pd.DataFrame:  # fmt: skip
    """Augmented RCBD from ``yieldtrial design augmented`` (checks CK1.., entries E01..)."""
    ck = [f"CK{i}" for i in range(1, checks + 1)]
    en = [f"E{i:02d}" for i in range(1, entries + 1)]
    book = _book(tmp, "augmented", "--checks", *ck, "--treatments", *en,
                 "--blocks", str(blocks), "--seed", str(seed))  # fmt: skip
    rng = np.random.default_rng(ys)
    eg = dict(zip(ck + en, rng.normal(0, 400, len(ck) + len(en)), strict=True))
    eb = {b: rng.normal(0, 350) for b in sorted(book["block"].unique())}
    y = [
        5800 + eg[t] + eb[b] + rng.normal(0, 230)
        for t, b in zip(book["treatment"], book["block"], strict=True)
    ]
    out = book[[*KEEP, "entry_type"]].copy()
    out["yield_kg_ha"] = np.round(y)
    return out


def row_column(reps: int, rows: int, cols: int, ys: int, missing: list[str]) -> pd.DataFrame:
    """Build a resolvable row-column design: each replicate a rows x cols array of all entries.

    Each replicate places the entries in a fresh random order (seeded), row by row: a valid
    resolvable row-column layout, not an optimized one.
    """
    gens = [f"V{i:02d}" for i in range(1, rows * cols + 1)]
    rng = np.random.default_rng(ys)
    out = []
    for r in range(reps):
        order = rng.permutation(gens)
        for i in range(rows):
            for j in range(cols):
                label = str(order[i * cols + j])
                out.append(
                    (f"{r + 1}{i + 1}{j + 1:02d}", label, str(r + 1), str(i + 1), str(j + 1))
                )
    df = pd.DataFrame(out, columns=KEEP).sort_values("plot_id").reset_index(drop=True)
    eg = {g: rng.normal(0, 350) for g in gens}
    erep = {b: rng.normal(0, 200) for b in sorted(df["block"].unique())}
    erow = {k: rng.normal(0, 250) for k in sorted(df.groupby(["block", "row"]).groups)}
    ecol = {k: rng.normal(0, 180) for k in sorted(df.groupby(["block", "column"]).groups)}
    y = [
        6200 + eg[g] + erep[b] + erow[(b, r)] + ecol[(b, c)] + rng.normal(0, 200)
        for g, b, r, c in zip(df["treatment"], df["block"], df["row"], df["column"], strict=True)
    ]
    df["yield_kg_ha"] = np.round(y)
    df.loc[df["plot_id"].isin(missing), "yield_kg_ha"] = np.nan
    return df


def rcbd(tmp: Path, trts: int, blocks: int, seed: int, ys: int, missing: list[str]
         ) -> pd.DataFrame:  # fmt: skip
    """RCBD from ``yieldtrial design rcbd``, treatments T01..; missing: plot ids."""
    labels = [f"T{i:02d}" for i in range(1, trts + 1)]
    book = _book(tmp, "rcbd", "--treatments", *labels, "--blocks", str(blocks),
                 "--seed", str(seed))  # fmt: skip
    rng = np.random.default_rng(ys)
    eg = dict(zip(labels, rng.normal(0, 300, trts), strict=True))
    eb = {b: rng.normal(0, 300) for b in sorted(book["block"].unique())}
    y = [
        7000 + eg[t] + eb[b] + rng.normal(0, 220)
        for t, b in zip(book["treatment"], book["block"], strict=True)
    ]
    out = book[KEEP].copy()
    out["yield_kg_ha"] = np.round(y)
    out.loc[out["plot_id"].isin(missing), "yield_kg_ha"] = np.nan
    return out


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        tables = {
            # 3 x 4 split plot, 4 blocks, one sub-plot missing
            "split_missing1": split(
                tmp,
                4,
                ["I1", "I2", "I3"],
                ["N0", "N1", "N2", "N3"],
                8080,
                9101,
                [("2", "I3", "N1")],
            ),  # fmt: skip
            # 4 x 3 split plot, 3 blocks, three missing: whole plot (1, A2) loses 2 sub-plots
            "split_missing3": split(
                tmp,
                3,
                ["A1", "A2", "A3", "A4"],
                ["S1", "S2", "S3"],
                8181,
                9202,
                [("1", "A2", "S1"), ("1", "A2", "S3"), ("3", "A4", "S2")],
            ),
            "strip_missing2": strip(
                4,
                ["H1", "H2", "H3"],
                ["V1", "V2", "V3", "V4"],
                9303,
                [("1", "H2", "V3"), ("4", "H1", "V1")],
            ),  # fmt: skip
            "alpha24_missing1": alpha(tmp, 24, 4, 3, 8383, 9404, ["213"]),
            "alpha30_missing1": alpha(tmp, 30, 5, 2, 8484, 9505, ["107"]),
            "augmented_4x5_30": augmented(tmp, 4, 30, 5, 8585, 9606),
            "rowcol_missing1": row_column(3, 3, 4, 9707, ["2203"]),
            "rcbd_random_missing2": rcbd(tmp, 7, 4, 8787, 9808, ["103", "406"]),
        }
    for name, frame in tables.items():
        frame.to_csv(HERE / f"{name}.csv", index=False)
        print(name, len(frame), int(frame["yield_kg_ha"].isna().sum()), "missing")


if __name__ == "__main__":
    main()
