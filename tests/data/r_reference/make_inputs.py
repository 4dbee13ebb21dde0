"""Write the plot tables (CSV) that make_reference.R analyses with lme4/lmerTest/emmeans.

Run from the repository root (once; the CSVs are committed and are the source of truth):

    PYTHONPATH=src python tests/data/r_reference/make_inputs.py

Published data are copied from tests/data/reference/*.json (sources cited there); the
synthetic trials use yieldtrial's own field-book generators (``alpha_design``,
``augmented_design``, ``split_plot``, ``rcbd``) with seeded, SYNTHETIC yields (normal
genotype, block and plot effects of realistic size for a cereal trial in kg/ha, rounded
to 1 kg/ha).

The second group of synthetic trials (``SYNTHETIC_CASES``) are the hard cases of the
issue-15 verification on trials the first cross-check did not have: split and strip plots
with 1 and 3 missing plots (a whole plot gone in one), variance components simulated as
zero so that REML estimates them at (or near) the boundary, alpha-lattices with missing
plots and a zero incomplete-block variance, an augmented RCBD with a missing check plot, and
an RCBD with random blocks at the boundary.  Within each table the rows are sorted so that
the order of first appearance of every factor is its sorted order (the level order of
yieldtrial and of R's ``factor(levels = unique(x))`` then agree; the Satterthwaite ddf of a
multi-df F test depends on which level is first).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from yieldtrial.design.alpha import alpha_design
from yieldtrial.design.augmented import augmented_design
from yieldtrial.design.layouts import rcbd, split_plot

HERE = Path(__file__).parent
REFERENCE = HERE.parent / "reference"


def _frame(name: str) -> pd.DataFrame:
    case = json.loads((REFERENCE / f"{name}.json").read_text(encoding="utf-8"))
    return pd.DataFrame(case["data"]["rows"], columns=case["data"]["columns"])


def oats(missing: list[int]) -> pd.DataFrame:
    """Yates' oats (V&R 6.7) with the yields of rows ``missing`` (0-based) blanked."""
    df = _frame("yates_oats_splitplot")
    df["yield"] = df["yield"].astype(float)
    df.loc[missing, "yield"] = np.nan
    return df


def alpha_synthetic() -> pd.DataFrame:
    """30 entries, 3 replicates, incomplete blocks of 5 (yieldtrial alpha_design, seed 2026)."""
    book = alpha_design([f"G{i:02d}" for i in range(1, 31)], block_size=5, replicates=3, seed=2026)
    rng = np.random.default_rng(20261204)
    genetic = dict(zip(sorted(book["treatment"].unique()), rng.normal(0, 350, 30), strict=True))
    rep_effect = {"1": 0.0, "2": 180.0, "3": -120.0}
    ib = {key: rng.normal(0, 300) for key in book.groupby(["block", "incomplete_block"]).groups}
    y = [
        6500 + genetic[t] + rep_effect[b] + ib[(b, i)] + rng.normal(0, 250)
        for t, b, i in zip(book["treatment"], book["block"], book["incomplete_block"], strict=True)
    ]
    out = book[["plot_id", "block", "incomplete_block", "treatment"]].copy()
    out["yield_kg_ha"] = np.round(y)
    return out


def john_alpha() -> pd.DataFrame:
    """John & Williams (1995) p. 146 alpha design (agridat john.alpha)."""
    return _frame("john_williams_alpha_oats")


def augmented_synthetic() -> pd.DataFrame:
    """3 checks in each of 5 blocks, 15 entries once (yieldtrial augmented_design, seed 7)."""
    checks = ["CK1", "CK2", "CK3"]
    entries = [f"E{i:02d}" for i in range(1, 16)]
    book = augmented_design(checks, entries, blocks=5, seed=7)
    rng = np.random.default_rng(20261205)
    genetic = dict(zip(checks + entries, rng.normal(0, 400, 18), strict=True))
    genetic["CK1"] = 0.0  # the standard variety
    block_effect = dict(zip(sorted(book["block"].unique()), rng.normal(0, 350, 5), strict=True))
    y = [
        5800 + genetic[t] + block_effect[b] + rng.normal(0, 220)
        for t, b in zip(book["treatment"], book["block"], strict=True)
    ]
    out = book[["plot_id", "block", "treatment", "entry_type"]].copy()
    out["yield_kg_ha"] = np.round(y)
    return out


def augmented_vignette() -> pd.DataFrame:
    """Return the augmentedRCBD vignette Table 1, trait y1 (checks 1-4, entries 5-12, 3 blocks)."""
    df = _frame("augmentedrcbd_vignette")
    return df[["block", "treatment", "y1"]]


def rcbd_missing() -> pd.DataFrame:
    """Gomez & Gomez (1984) Table 2.5 seeding rates, RCBD, with one plot (75, R2) missing."""
    case = json.loads((REFERENCE / "gomez_rcbd_seedrate.json").read_text(encoding="utf-8"))
    d = case["data"]
    rows = [
        (b, t, d["y"][i][j])
        for i, t in enumerate(d["treatments"])
        for j, b in enumerate(d["blocks"])
    ]
    df = pd.DataFrame(rows, columns=["block", "treatment", "yield_kg_ha"])
    df.loc[(df["treatment"] == "75") & (df["block"] == "R2"), "yield_kg_ha"] = np.nan
    return df


def _blank(df: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Blank the yields of ``n`` random plots (missing plots)."""
    idx = rng.choice(len(df), size=n, replace=False)
    df.loc[df.index[idx], "yield_kg_ha"] = np.nan
    return df


def split_case(
    a: int, b: int, blocks: int, missing: int, sd: tuple[float, float, float], seed: int
) -> pd.DataFrame:
    """Split plot from ``split_plot``: whole plots W1.., sub-plots N0..; sd (block, wp, plot)."""
    sd_block, sd_wp, sd_e = sd
    rng = np.random.default_rng(seed)
    wp = [f"W{i}" for i in range(1, a + 1)]
    sp = [f"N{i}" for i in range(b)]
    book = split_plot(wp, sp, blocks=blocks, seed=seed, main_factor="wp", sub_factor="sp")
    ew = dict(zip(wp, rng.normal(0, 300, a), strict=True))
    es = dict(zip(sp, np.sort(rng.normal(0, 250, b)), strict=True))
    inter = {(w, s): rng.normal(0, 120) for w in wp for s in sp}
    eb = {k: rng.normal(0, sd_block) for k in book["block"].unique()}
    ewp = {k: rng.normal(0, sd_wp) for k in book.groupby(["block", "wp"]).groups}
    y = [
        6000 + ew[w] + es[s] + inter[(w, s)] + eb[bk] + ewp[(bk, w)] + rng.normal(0, sd_e)
        for w, s, bk in zip(book["wp"], book["sp"], book["block"], strict=True)
    ]
    df = book[["plot_id", "treatment", "block", "main_plot", "wp", "sp"]].copy()
    df["yield_kg_ha"] = np.round(y)
    df = df.sort_values(["block", "wp", "sp"]).reset_index(drop=True)
    return _blank(df, missing, rng)


def strip_case(
    a: int, b: int, blocks: int, missing: int, sd: tuple[float, float, float, float], seed: int
) -> pd.DataFrame:
    """Strip plot: horizontal H1.. x vertical V1.. in each block; sd (block, b:h, b:v, plot)."""
    sd_block, sd_h, sd_v, sd_e = sd
    rng = np.random.default_rng(seed)
    hs = [f"H{i}" for i in range(1, a + 1)]
    vs = [f"V{i}" for i in range(1, b + 1)]
    rows = [
        (f"{bk}{h}{v}", f"{h}:{v}", str(bk), h, v)
        for bk in range(1, blocks + 1)
        for h in hs
        for v in vs
    ]
    df = pd.DataFrame(rows, columns=["plot_id", "treatment", "block", "h", "v"])
    eh = dict(zip(hs, rng.normal(0, 300, a), strict=True))
    ev = dict(zip(vs, rng.normal(0, 250, b), strict=True))
    eb = {k: rng.normal(0, sd_block) for k in df["block"].unique()}
    ebh = {k: rng.normal(0, sd_h) for k in df.groupby(["block", "h"]).groups}
    ebv = {k: rng.normal(0, sd_v) for k in df.groupby(["block", "v"]).groups}
    y = [
        5000 + eh[h] + ev[v] + eb[bk] + ebh[(bk, h)] + ebv[(bk, v)] + rng.normal(0, sd_e)
        for h, v, bk in zip(df["h"], df["v"], df["block"], strict=True)
    ]
    df["yield_kg_ha"] = np.round(y)
    return _blank(df, missing, rng)


def alpha_case(
    t: int, k: int, r: int, missing: int, sd: tuple[float, float, float], seed: int
) -> pd.DataFrame:
    """Alpha-lattice from ``alpha_design``, entries G01..; sd (replicate, block, plot)."""
    sd_rep, sd_ib, sd_e = sd
    rng = np.random.default_rng(seed)
    gens = [f"G{i:02d}" for i in range(1, t + 1)]
    book = alpha_design(gens, block_size=k, replicates=r, seed=seed)
    eg = dict(zip(gens, rng.normal(0, 350, t), strict=True))
    er = {x: rng.normal(0, sd_rep) for x in book["block"].unique()}
    eib = {x: rng.normal(0, sd_ib) for x in book.groupby(["block", "incomplete_block"]).groups}
    y = [
        6500 + eg[g] + er[b] + eib[(b, i)] + rng.normal(0, sd_e)
        for g, b, i in zip(book["treatment"], book["block"], book["incomplete_block"], strict=True)
    ]
    df = book[["plot_id", "treatment", "block", "incomplete_block"]].copy()
    df["yield_kg_ha"] = np.round(y)
    df = df.sort_values(["treatment", "block"]).reset_index(drop=True)
    return _blank(df, missing, rng)


def augmented_case(
    c: int, e: int, blocks: int, missing: int, sd: tuple[float, float], seed: int
) -> pd.DataFrame:
    """Augmented RCBD from ``augmented_design``; ``missing`` check plots blank; sd (block, plot)."""
    sd_block, sd_e = sd
    rng = np.random.default_rng(seed)
    checks = [f"CK{i}" for i in range(1, c + 1)]
    entries = [f"E{i:02d}" for i in range(1, e + 1)]
    book = augmented_design(checks, entries, blocks=blocks, seed=seed)
    eg = dict(zip(checks + entries, rng.normal(0, 400, c + e), strict=True))
    eg["CK1"] = 0.0
    eb = {x: rng.normal(0, sd_block) for x in book["block"].unique()}
    y = [
        5800 + eg[t] + eb[b] + rng.normal(0, sd_e)
        for t, b in zip(book["treatment"], book["block"], strict=True)
    ]
    df = book[["plot_id", "treatment", "entry_type", "block"]].copy()
    df["yield_kg_ha"] = np.round(y)
    df["_o"] = df["treatment"].map({t: i for i, t in enumerate(checks + entries)})
    df = df.sort_values(["_o", "block"]).drop(columns="_o").reset_index(drop=True)
    if missing:  # check plots only: every entry keeps its one plot
        ck = df.index[df["entry_type"] == "check"]
        df.loc[rng.choice(ck, size=missing, replace=False), "yield_kg_ha"] = np.nan
    return df


def rcbd_case(
    t: int, blocks: int, missing: int, sd: tuple[float, float], seed: int
) -> pd.DataFrame:
    """RCBD from ``rcbd``, treatments T01..; sd (block, plot)."""
    sd_block, sd_e = sd
    rng = np.random.default_rng(seed)
    trts = [f"T{i:02d}" for i in range(1, t + 1)]
    book = rcbd(trts, blocks=blocks, seed=seed)
    eg = dict(zip(trts, rng.normal(0, 300, t), strict=True))
    eb = {x: rng.normal(0, sd_block) for x in book["block"].unique()}
    y = [
        7000 + eg[tt] + eb[b] + rng.normal(0, sd_e)
        for tt, b in zip(book["treatment"], book["block"], strict=True)
    ]
    df = book[["plot_id", "treatment", "block"]].copy()
    df["yield_kg_ha"] = np.round(y)
    df = df.sort_values(["treatment", "block"]).reset_index(drop=True)
    return _blank(df, missing, rng)


def split_whole_plot_missing() -> pd.DataFrame:
    """3 x 3 split plot in 4 blocks with whole plot (block 2, W2) and one more sub-plot gone."""
    df = split_case(3, 3, 4, 0, (250, 150, 180), 1103)
    df.loc[(df["block"] == "2") & (df["wp"] == "W2"), "yield_kg_ha"] = np.nan
    df.loc[(df["block"] == "3") & (df["wp"] == "W1") & (df["sp"] == "N1"), "yield_kg_ha"] = np.nan
    return df


#: name -> (generator, what makes it hard); all SYNTHETIC (seeded).  The REML estimates
#: quoted are yieldtrial's and lme4's (reference.csv).
SYNTHETIC_CASES = {
    "sp_wp_zero_complete": (
        lambda: split_case(3, 4, 4, 0, (250, 40, 200), 1004),
        "complete 3 x 4 split plot, 4 blocks; block:wp variance estimated at zero",
    ),
    "sp_wp_zero_missing1": (
        lambda: split_case(2, 4, 3, 1, (0, 200, 150), 109),
        "2 x 4, 3 blocks, 1 missing; block:wp at zero (Satterthwaite 13.1 vs KR 2.0 df)",
    ),
    "sp_wp_zero_missing3": (
        lambda: split_case(2, 5, 4, 3, (300, 0, 200), 112),
        "2 x 5, 4 blocks, 3 missing; block:wp at zero (no whole-plot effect simulated)",
    ),
    "sp_block_zero_missing1": (
        lambda: split_case(4, 2, 5, 1, (200, 250, 150), 105),
        "4 x 2, 5 blocks, 1 missing; block variance at zero",
    ),
    "sp_wp_near_zero_missing3": (
        lambda: split_case(3, 4, 4, 3, (250, 40, 200), 1028),
        "3 x 4, 4 blocks, 3 missing; block:wp variance 2 % of the residual",
    ),
    "sp_whole_plot_missing": (
        split_whole_plot_missing,
        "3 x 3, 4 blocks; a whole plot (3 sub-plots) and one more sub-plot missing",
    ),
    "strip_missing3": (
        lambda: strip_case(3, 3, 4, 3, (300, 200, 150, 120), 202),
        "3 x 3 strip plot, 4 blocks, 3 missing",
    ),
    "strip_h_zero_missing3": (
        lambda: strip_case(2, 4, 5, 3, (300, 0, 150, 150), 203),
        "2 x 4 strip plot, 5 blocks, 3 missing; block:h variance at zero",
    ),
    "alpha_ib_zero_missing2": (
        lambda: alpha_case(20, 4, 3, 2, (200, 40, 250), 2003),
        "20 entries, blocks of 4, 3 replicates, 2 missing; incomplete-block variance at zero",
    ),
    "alpha_missing3": (
        lambda: alpha_case(30, 5, 4, 3, (200, 300, 250), 303),
        "30 entries, blocks of 5, 4 replicates, 3 missing",
    ),
    "alpha_k3_missing2": (
        lambda: alpha_case(15, 3, 3, 2, (200, 300, 150), 306),
        "15 entries, blocks of 3, 3 replicates, 2 missing",
    ),
    "augmented_missing_check": (
        lambda: augmented_case(4, 20, 5, 1, (400, 250), 403),
        "4 checks in 5 blocks + 20 entries; one check plot missing",
    ),
    "rcbd_block_zero_missing2": (
        lambda: rcbd_case(8, 3, 2, (200, 250), 502),
        "8 treatments, 3 blocks, 2 missing, blocks random; block variance at zero",
    ),
    "rcbd_block_zero_missing1": (
        lambda: rcbd_case(6, 5, 1, (0, 250), 503),
        "6 treatments, 5 blocks, 1 missing, blocks random; block variance at zero; lmerTest's "
        "anova() F is off here (repeated eigenvalues, see make_reference.R)",
    ),
}


def main() -> None:
    tables = {
        "oats_missing1.csv": oats([3]),
        "oats_missing3.csv": oats([3, 20, 41]),
        "alpha_synthetic.csv": alpha_synthetic(),
        "john_alpha.csv": john_alpha(),
        "augmented_synthetic.csv": augmented_synthetic(),
        "augmented_vignette.csv": augmented_vignette(),
        "rcbd_missing.csv": rcbd_missing(),
    }
    tables.update({f"{name}.csv": make() for name, (make, _) in SYNTHETIC_CASES.items()})
    for name, frame in tables.items():
        frame.to_csv(HERE / name, index=False)
        print(name, len(frame))


if __name__ == "__main__":
    main()
