"""Write the plot tables of tests/data/r_reference_trials (a differential pass against R).

Run from the repository root (once; the CSVs are committed and are the source of truth):

    PYTHONPATH=src python tests/data/r_reference_trials/make_trial_inputs.py

Every field book comes from ``yieldtrial design`` (run through ``yieldtrial.cli.main``);
yields are SYNTHETIC (seeded normal effects, kg/ha) in a ``yield_kg_ha`` column, and plots
are then blanked at random places (seeded) or where a case says (a whole plot lost, a
sub-plot treatment lost in two blocks, a check lost in one block).  Seeds 43001-43040
(designs) and 43501-43547 (yields) are used by no other reference folder; the second
round (stop 39, ``second_round``) uses 44001-44023 and 44501-44551.  ``--all DIR`` writes
every generated trial and its manifest to ``DIR`` (the whole pass) instead of the kept cases
here.  The pass this
comes from generated 52 trials (``main`` below lists them all); the cases in ``KEEP_CASES``
are written here.  Also writes ``manifest.tsv`` (case, file, R formula, lm/lmer, control,
spec of the control's family, other emmeans specs), which make_reference.R reads.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd

from yieldtrial.cli import main as cli

HERE = Path(__file__).parent
#: where the kept cases go; ``--all DIR`` writes every generated case (the whole pass) there
OUT = HERE
WRITE_ALL = False
KEEP_CASES = {
    "sp_3x4_b4_m1",
    "sp_3x4_b4_m3",
    "sp_4x4_b4_m5",
    "sp_wholeplot_lost",
    "sp_subtrt_lost_2blocks",
    "sp_block_zero_m2",
    "alpha18_k3_r3_m2",
    "alpha16_k4_r3_ibzero_m1",
    "latin5_m1",
    "aug_4ck_3b_10_ckmiss_random",
    "aug_4ck_3b_10_ckmiss_fixed",
    "aug_3ck_4b_17_tinyblock_random",
    "aug_3ck_4b_17_tinyblock_fixed",
    # second round (stop 39): 25 of its 35 trials
    "sp_2x6_b4_m3",
    "sp_5x2_b4_m1",
    "sp_2x2_b5_m1",
    "sp_5x6_b3_m3",
    "sp_5x2_b4_m3_main",
    "sp_2x6_near_singular",
    "strip_3x4_b4_m1b",
    "strip_3x4_b4_m3",
    "strip_2x5_b3_m3",
    "rowcol_3x4_r3_m3",
    "rowcol_4x4_r2_m2",
    "rowcol_3x5_r3_m1_random",
    "ribd_14_r3_m2",
    "alpha12_k3_r3_m2",
    "rcbd_random_6x4_ckmiss",
    "rcbd_random_8x3_m2",
    "rcbd_random_one_left",
    "rcbd_fixed_6x4_ckmiss",
    "rcbd_fixed_5x4_one_left",
    "latin5_fixed_m2",
    "latin6_fixed_m1",
    "latin6_random_m2",
    "aug_3ck_5b_12_unequal_random",
    "aug_3ck_5b_12_unequal_fixed",
    "aug_4ck_4b_8_unequal_fixed",
    # third round (stop 40): all 25 of its trials
    "sp_4x3_b4_m4",
    "sp_3x5_b3_m2_wp",
    "sp_4x3_b4_m4_main",
    "sp_2x4_b6_m5_main",
    "sp_6x3_b3_m4",
    "strip_4x3_b3_m4",
    "strip_3x5_b4_m5_h",
    "strip_5x2_b4_m3_h",
    "alpha15_k3_r4_m5",
    "alpha15_k3_r4_m5_random",
    "alpha20_k4_r3_m4_random",
    "ribd_13_r3_m3",
    "ribd_13_r3_m3_random",
    "ribd_10_r4_m4_random",
    "rowcol_4x3_r3_m4",
    "rowcol_4x3_r3_m4_random",
    "rowcol_2x5_r4_m5",
    "aug_3ck_6b_14_entrymiss_random",
    "aug_3ck_6b_14_entrymiss_fixed",
    "aug_2ck_5b_10_entrymiss_random",
    "aug_2ck_5b_10_entrymiss_fixed",
    "rcbd_random_7x5_m4",
    "rcbd_random_6x3_m4",
    "latin5_random_m3",
    "latin7_random_m4",
}
#: fourth round (stop 41): every trial is kept
FOURTH_ROUND = {
    *[f"gomez_sp_{n}{m}" for n in ("m1", "m3_same_wp", "m3_diff_wp", "m3_same_sub",
                                   "wp_lost", "ctrl_m2", "block_zero_m3") for m in ("", "_main")],
    "gomez_sp_cell_one_left",
    "alpha24_k4_r3_field_ctrl_one_left",
    "alpha24_k4_r3_field_m3_random",
    "aug_4ck_4b_20_field_ckmiss_random",
    "aug_4ck_4b_20_field_ckmiss_fixed",
    "strip_3x4_b4_cell2",
    "strip_3x4_b4_hstrip_lost",
}  # fmt: skip
KEEP = ["plot_id", "treatment", "block", "row", "column"]
MAN: list[dict] = []
#: case -> extra R sections (make_reference.R): "tukey" (pairwise Tukey and compact
#: letters), "greater" (one-sided Dunnett), "bestcheck" (augmented: entries vs the best
#: check, the four SED kinds)
EXTRAS: dict[str, tuple[str, ...]] = {}


def book(*argv: str) -> pd.DataFrame:
    import tempfile

    out = Path(tempfile.mkdtemp()) / "book.csv"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli(["design", *argv, "-o", str(out), "--force"]) == 0
    return pd.read_csv(out, dtype=str)


def blank(df: pd.DataFrame, idx) -> pd.DataFrame:
    df.loc[list(idx), "yield_kg_ha"] = np.nan
    return df


def add(case, df, flags, formula, control, spec, specs=(), kind="lmer", note="", extras=()):
    if case not in KEEP_CASES and not WRITE_ALL:
        return
    extras = (*extras, *EXTRAS.get(case, ()))
    df.to_csv(OUT / f"{case}.csv", index=False)
    MAN.append(
        dict(
            case=case,
            file=f"{case}.csv",
            flags=flags,
            formula=formula,
            kind=kind,
            control=control,
            spec=spec,
            specs=list(specs),
            note=note,
            extras=list(extras),
            n=len(df),
            missing=int(df["yield_kg_ha"].isna().sum()),
        )
    )


# --------------------------------------------------------------------------- split plot
def split(
    case,
    nw,
    ns,
    blocks,
    seed,
    ys,
    n_missing=0,
    sd_b=250,
    sd_wp=200,
    sd_e=180,
    extra=None,
    control_first=False,
):
    wp = [f"W{i}" for i in range(1, nw + 1)]
    sp = [f"S{i}" for i in range(1, ns + 1)]
    bk = book(
        "split_plot",
        "--treatments",
        *wp,
        "--sub-treatments",
        *sp,
        "--blocks",
        str(blocks),
        "--seed",
        str(seed),
    )
    rng = np.random.default_rng(ys)
    ew = dict(zip(wp, rng.normal(0, 300, nw), strict=False))
    es = dict(zip(sp, rng.normal(0, 250, ns), strict=False))
    inter = {(w, s): rng.normal(0, 120) for w in wp for s in sp}
    eb = {b: rng.normal(0, sd_b) for b in sorted(bk["block"].unique())}
    ewp = {k: rng.normal(0, sd_wp) for k in sorted(bk.groupby(["block", "main"]).groups)}
    y = [
        6000 + ew[w] + es[s] + inter[(w, s)] + eb[b] + ewp[(b, w)] + rng.normal(0, sd_e)
        for w, s, b in zip(bk["main"], bk["sub"], bk["block"], strict=False)
    ]
    df = bk[[*KEEP, "main", "sub"]].copy()
    df["yield_kg_ha"] = np.round(y)
    if n_missing:
        blank(df, rng.choice(len(df), n_missing, replace=False))
    if extra is not None:
        for b, w, s in extra:
            hit = (df["block"] == b) & (df["main"] == w) & ((df["sub"] == s) if s else True)
            assert hit.sum() >= 1
            df.loc[hit, "yield_kg_ha"] = np.nan
    f = "yield_kg_ha ~ main * sub + (1 | block) + (1 | block:main)"
    flags = ["--design", "split_plot", "--factors", "main,sub"]
    if control_first:
        add(case, df, flags, f, "W1", "main", ["sub", "sub | main", "main:sub"])
    else:
        add(case, df, flags, f, "S1", "sub", ["main", "sub | main", "main:sub"])


# --------------------------------------------------------------------------- strip plot
def strip(case, nh, nv, blocks, ys, n_missing, sd_bh=200, sd_bv=150, control_h=False, extra=None):
    hs = [f"H{i}" for i in range(1, nh + 1)]
    vs = [f"V{i}" for i in range(1, nv + 1)]
    rng = np.random.default_rng(ys)
    rows = []
    for b in range(1, blocks + 1):
        ho, vo = rng.permutation(hs), rng.permutation(vs)
        for i, h in enumerate(ho, 1):
            for j, v in enumerate(vo, 1):
                rows.append((f"{b}{i}{j}", f"{h}:{v}", str(b), str(i), str(j), h, v))
    df = pd.DataFrame(rows, columns=[*KEEP, "h", "v"])
    eh = dict(zip(hs, rng.normal(0, 300, nh), strict=False))
    ev = dict(zip(vs, rng.normal(0, 250, nv), strict=False))
    eb = {b: rng.normal(0, 250) for b in sorted(df["block"].unique())}
    ebh = {k: rng.normal(0, sd_bh) for k in sorted(df.groupby(["block", "h"]).groups)}
    ebv = {k: rng.normal(0, sd_bv) for k in sorted(df.groupby(["block", "v"]).groups)}
    y = [
        5000 + eh[h] + ev[v] + eb[b] + ebh[(b, h)] + ebv[(b, v)] + rng.normal(0, 130)
        for h, v, b in zip(df["h"], df["v"], df["block"], strict=False)
    ]
    df["yield_kg_ha"] = np.round(y)
    blank(df, rng.choice(len(df), n_missing, replace=False))
    for b, h, v in extra or ():
        df.loc[(df["block"] == b) & (df["h"] == h) & (df["v"] == v), "yield_kg_ha"] = np.nan
    add(
        case,
        df,
        ["--design", "strip_plot", "--factors", "h,v"],
        "yield_kg_ha ~ h * v + (1 | block) + (1 | block:h) + (1 | block:v)",
        "H1" if control_h else "V1",
        "h" if control_h else "v",
        ["v", "h:v"] if control_h else ["h", "h:v"],
    )


# --------------------------------------------------------------------------- RCBD / latin
def rcbd(case, t, blocks, seed, ys, n_missing, sd_b=300, drop=None, random=True):
    labels = [f"T{i:02d}" for i in range(1, t + 1)]
    bk = book("rcbd", "--treatments", *labels, "--blocks", str(blocks), "--seed", str(seed))
    rng = np.random.default_rng(ys)
    eg = dict(zip(labels, rng.normal(0, 300, t), strict=False))
    eb = {b: rng.normal(0, sd_b) for b in sorted(bk["block"].unique())}
    df = bk[KEEP].copy()
    df["yield_kg_ha"] = np.round(
        [
            7000 + 4 * max(sd_b - 1000, 0) + eg[x] + eb[b] + rng.normal(0, 220)
            for x, b in zip(df["treatment"], df["block"], strict=False)
        ],
        3,
    )
    if n_missing:
        blank(df, rng.choice(len(df), n_missing, replace=False))
    if drop:
        for b, x in drop:
            df.loc[(df["block"] == b) & (df["treatment"] == x), "yield_kg_ha"] = np.nan
    if not random:
        flags = ["--design", "rcbd"]
        add(case, df, flags, "yield_kg_ha ~ block + treatment", "T01", "treatment", kind="lm")
        return
    add(
        case,
        df,
        ["--design", "rcbd", "--block-effects", "random"],
        "yield_kg_ha ~ treatment + (1 | block)",
        "T01",
        "treatment",
    )


def latin(case, t, seed, ys, n_missing, sd_r=250, sd_c=200, random=True):
    labels = [chr(65 + i) for i in range(t)]
    bk = book("latin", "--treatments", *labels, "--seed", str(seed))
    rng = np.random.default_rng(ys)
    eg = dict(zip(labels, rng.normal(0, 300, t), strict=False))
    er = {r: rng.normal(0, sd_r) for r in sorted(bk["row"].unique())}
    ec = {c: rng.normal(0, sd_c) for c in sorted(bk["column"].unique())}
    df = bk[["plot_id", "treatment", "row", "column"]].copy()
    df["yield_kg_ha"] = np.round(
        [
            6000 + eg[x] + er[r] + ec[c] + rng.normal(0, 200)
            for x, r, c in zip(df["treatment"], df["row"], df["column"], strict=False)
        ]
    )
    if n_missing:
        blank(df, rng.choice(len(df), n_missing, replace=False))
    if not random:  # rows and columns fixed: least squares (lm)
        flags = ["--design", "latin"]
        add(case, df, flags, "yield_kg_ha ~ row + column + treatment", "A", "treatment", kind="lm")
        return
    add(
        case,
        df,
        ["--design", "latin", "--block-effects", "random"],
        "yield_kg_ha ~ treatment + (1 | row) + (1 | column)",
        "A",
        "treatment",
    )


# --------------------------------------------------------------------------- alpha
def alpha(case, entries, k, r, seed, ys, n_missing, sd_ib=280, drop_entry_reps=None, random=False):
    gens = [f"G{i:02d}" for i in range(1, entries + 1)]
    bk = book(
        "alpha",
        "--treatments",
        *gens,
        "--block-size",
        str(k),
        "--replicates",
        str(r),
        "--seed",
        str(seed),
    )
    rng = np.random.default_rng(ys)
    eg = dict(zip(gens, rng.normal(0, 350, entries), strict=False))
    er = {b: rng.normal(0, 200) for b in sorted(bk["block"].unique())}
    eib = {
        x: rng.normal(0, sd_ib) for x in sorted(bk.groupby(["block", "incomplete_block"]).groups)
    }
    df = bk[[*KEEP, "incomplete_block"]].copy()
    df["yield_kg_ha"] = np.round(
        [
            6500 + eg[g] + er[b] + eib[(b, i)] + rng.normal(0, 240)
            for g, b, i in zip(df["treatment"], df["block"], df["incomplete_block"], strict=False)
        ]
    )
    if n_missing:
        blank(df, rng.choice(len(df), n_missing, replace=False))
    if drop_entry_reps:
        g, reps = drop_entry_reps
        df.loc[(df["treatment"] == g) & df["block"].isin(reps), "yield_kg_ha"] = np.nan
    _add_alpha(case, df, random)


def _add_alpha(case, df, random):
    if random:  # replicates random too (stop 40)
        add(
            case,
            df,
            ["--design", "alpha", "--block-effects", "random"],
            "yield_kg_ha ~ treatment + (1 | block) + (1 | block:incomplete_block)",
            "G01",
            "treatment",
        )
        return
    add(
        case,
        df,
        ["--design", "alpha"],
        "yield_kg_ha ~ block + treatment + (1 | block:incomplete_block)",
        "G01",
        "treatment",
    )


# --------------------------------------------------------------------------- row-column
def rowcol(case, reps, rows, cols, ys, n_missing, random=False):
    gens = [f"V{i:02d}" for i in range(1, rows * cols + 1)]
    rng = np.random.default_rng(ys)
    out = []
    for rp in range(reps):
        order = rng.permutation(gens)
        for i in range(rows):
            for j in range(cols):
                out.append(
                    (
                        f"{rp + 1}{i + 1}{j + 1:02d}",
                        str(order[i * cols + j]),
                        str(rp + 1),
                        str(i + 1),
                        str(j + 1),
                    )
                )
    df = pd.DataFrame(out, columns=KEEP)
    eg = {g: rng.normal(0, 350) for g in gens}
    erep = {b: rng.normal(0, 200) for b in sorted(df["block"].unique())}
    erow = {k: rng.normal(0, 250) for k in sorted(df.groupby(["block", "row"]).groups)}
    ecol = {k: rng.normal(0, 180) for k in sorted(df.groupby(["block", "column"]).groups)}
    df["yield_kg_ha"] = np.round(
        [
            6200 + eg[g] + erep[b] + erow[(b, r)] + ecol[(b, c)] + rng.normal(0, 200)
            for g, b, r, c in zip(
                df["treatment"], df["block"], df["row"], df["column"], strict=False
            )
        ]
    )
    if n_missing:
        blank(df, rng.choice(len(df), n_missing, replace=False))
    if random:  # replicates random too
        add(
            case,
            df,
            ["--design", "row_column", "--block-effects", "random"],
            "yield_kg_ha ~ treatment + (1 | block) + (1 | block:row) + (1 | block:column)",
            "V01",
            "treatment",
        )
        return
    add(
        case,
        df,
        ["--design", "row_column"],
        "yield_kg_ha ~ block + treatment + (1 | block:row) + (1 | block:column)",
        "V01",
        "treatment",
    )


# --------------------------------------------------------------------------- augmented
def augmented(case, checks, entries, blocks, seed, ys, drop_check=None, sd_b=350, drop_entry=None):
    ck = [f"CK{i}" for i in range(1, checks + 1)]
    en = [f"E{i:02d}" for i in range(1, entries + 1)]
    bk = book(
        "augmented",
        "--checks",
        *ck,
        "--treatments",
        *en,
        "--blocks",
        str(blocks),
        "--seed",
        str(seed),
    )
    rng = np.random.default_rng(ys)
    eg = dict(zip(ck + en, rng.normal(0, 400, len(ck) + len(en)), strict=False))
    eb = {b: rng.normal(0, sd_b) for b in sorted(bk["block"].unique())}
    df = bk[[*KEEP, "entry_type"]].copy()
    df["yield_kg_ha"] = np.round(
        [
            5800 + eg[x] + eb[b] + rng.normal(0, 230)
            for x, b in zip(df["treatment"], df["block"], strict=False)
        ]
    )
    if drop_check:
        # one (block, check) pair, or a list of them (checks unequal in number per block)
        for b, c in [drop_check] if isinstance(drop_check, tuple) else drop_check:
            hit = (df["block"] == b) & (df["treatment"] == c)
            assert hit.sum() == 1
            df.loc[hit, "yield_kg_ha"] = np.nan
    for e in drop_entry or ():  # an entry's only plot lost: the entry leaves the trial
        df.loc[df["treatment"] == e, "yield_kg_ha"] = np.nan
    add(
        case + "_random",
        df,
        ["--design", "augmented", "--block-effects", "random"],
        "yield_kg_ha ~ treatment + (1 | block)",
        "CK1",
        "treatment",
    )
    add(
        case + "_fixed",
        df,
        ["--design", "augmented"],
        "yield_kg_ha ~ block + treatment",
        "CK1",
        "treatment",
        kind="lm",
    )


# ----------------------------------------------------------- resolvable, not alpha
def ribd(case, sizes, reps, ys, n_missing, sd_ib=250, random=False):
    """Write resolvable incomplete blocks of unequal sizes (``sizes``).

    The entries are shuffled anew in each replicate: no alpha generator (``yieldtrial
    design alpha`` needs blocks of one size).
    """
    entries = sum(sizes)
    gens = [f"G{i:02d}" for i in range(1, entries + 1)]
    rng = np.random.default_rng(ys)
    out = []
    for rp in range(1, reps + 1):
        order = list(rng.permutation(gens))
        for ib, k in enumerate(sizes, 1):
            for j in range(k):
                g = order.pop(0)
                out.append((f"{rp}{ib}{j + 1}", g, str(rp), "", "", str(ib)))
    df = pd.DataFrame(out, columns=[*KEEP, "incomplete_block"])
    df = df.drop(columns=["row", "column"])
    eg = {g: rng.normal(0, 350) for g in gens}
    er = {b: rng.normal(0, 200) for b in sorted(df["block"].unique())}
    groups = sorted(df.groupby(["block", "incomplete_block"]).groups)
    eib = {x: rng.normal(0, sd_ib) for x in groups}
    df["yield_kg_ha"] = np.round(
        [
            6500 + eg[g] + er[b] + eib[(b, i)] + rng.normal(0, 240)
            for g, b, i in zip(df["treatment"], df["block"], df["incomplete_block"], strict=False)
        ]
    )
    if n_missing:
        blank(df, rng.choice(len(df), n_missing, replace=False))
    _add_alpha(case, df, random)


def second_round():
    """Stop 39: the families and outputs the first round did not cover."""
    s = 44000
    EXTRAS.update(
        {
            "rcbd_random_6x4_ckmiss": ("tukey", "greater"),
            "rcbd_random_8x3_m2": ("tukey",),
            "rcbd_random_one_left": ("tukey",),
            "rcbd_fixed_5x4_one_left": ("tukey",),
            "rcbd_fixed_6x4_ckmiss": ("tukey", "greater"),
            "latin5_fixed_m2": ("tukey",),
            "latin6_fixed_m1": ("tukey",),
            "alpha12_k3_r3_m2": ("tukey", "greater"),
            "sp_2x6_b4_m3": ("greater",),
            "aug_3ck_5b_12_unequal_fixed": ("bestcheck",),
            "aug_3ck_5b_12_unequal_random": ("bestcheck",),
            "aug_4ck_4b_8_unequal_fixed": ("bestcheck",),
            "aug_4ck_4b_8_unequal_random": ("bestcheck",),
        }
    )
    # split plots: whole-plot levels 2 and 5, sub-plot levels 2 and 6
    split("sp_2x6_b4_m1", 2, 6, 4, s + 1, s + 501, 1)
    split("sp_2x6_b4_m3", 2, 6, 4, s + 2, s + 502, 3)
    split("sp_5x2_b4_m1", 5, 2, 4, s + 3, s + 503, 1)
    split("sp_5x2_b4_m3", 5, 2, 4, s + 4, s + 504, 3)
    split("sp_2x2_b5_m1", 2, 2, 5, s + 5, s + 505, 1)
    split("sp_5x6_b3_m3", 5, 6, 3, s + 6, s + 506, 3)
    split("sp_2x6_b4_m1_main", 2, 6, 4, s + 7, s + 507, 1, control_first=True)
    split("sp_5x2_b4_m3_main", 5, 2, 4, s + 8, s + 508, 3, control_first=True)
    split("sp_wp_zero_m1b", 3, 4, 4, s + 9, s + 509, 1, sd_wp=0)
    # unequal replication: a whole plot lost and one more sub-plot
    split("sp_5x2_wholeplot_lost_m1", 5, 2, 4, s + 10, s + 510, 1, extra=[("2", "W4", None)])
    # near-singular: cell W2:S2 left in one block
    split(
        "sp_2x6_near_singular", 2, 6, 4, s + 11, s + 511, 0,
        extra=[("1", "W2", "S2"), ("2", "W2", "S2"), ("3", "W2", "S2")],
    )  # fmt: skip
    # strip plots: 1 and 3 missing, a zero component
    strip("strip_3x4_b4_m1b", 3, 4, 4, s + 520, 1)
    strip("strip_3x4_b4_m3", 3, 4, 4, s + 521, 3)
    strip("strip_2x5_b3_m3", 2, 5, 3, s + 522, 3)
    strip("strip_4x3_b4_m1_zero", 4, 3, 4, s + 523, 1, sd_bh=0, sd_bv=0)
    # row-column (replicates fixed, and random)
    rowcol("rowcol_3x4_r3_m3", 3, 3, 4, s + 530, 3)
    rowcol("rowcol_4x4_r2_m2", 2, 4, 4, s + 531, 2)
    rowcol("rowcol_3x5_r3_m1_random", 3, 3, 5, s + 532, 1, random=True)
    # resolvable incomplete blocks that are not alpha designs
    ribd("ribd_14_r3_m2", (4, 4, 3, 3), 3, s + 535, 2)
    ribd("ribd_9_r4_m1", (3, 3, 3), 4, s + 536, 1)
    ribd("ribd_11_r2_m1", (4, 4, 3), 2, s + 537, 1)
    alpha("alpha12_k3_r3_m2", 12, 3, 3, s + 12, s + 538, 2)
    # RCBD: blocks random (trial.toml) and fixed; the control itself missing in a block;
    # a treatment with all plots but one missing
    rcbd("rcbd_random_6x4_ckmiss", 6, 4, s + 13, s + 540, 1, drop=[("3", "T01")])
    rcbd("rcbd_random_8x3_m2", 8, 3, s + 14, s + 541, 2)
    rcbd(
        "rcbd_random_one_left", 5, 4, s + 15, s + 542, 0,
        drop=[("1", "T03"), ("2", "T03"), ("4", "T03")],
    )  # fmt: skip
    rcbd("rcbd_random_zero_m1", 6, 4, s + 16, s + 543, 1, sd_b=0)
    rcbd(
        "rcbd_fixed_5x4_one_left", 5, 4, s + 17, s + 544, 0,
        drop=[("1", "T03"), ("2", "T03"), ("4", "T03")], random=False,
    )  # fmt: skip
    rcbd("rcbd_fixed_6x4_ckmiss", 6, 4, s + 18, s + 545, 1, drop=[("2", "T01")], random=False)
    # Latin squares, rows and columns fixed, and random
    latin("latin5_fixed_m2", 5, s + 19, s + 546, 2, random=False)
    latin("latin6_fixed_m1", 6, s + 20, s + 547, 1, random=False)
    latin("latin6_random_m2", 6, s + 21, s + 548, 2)
    # augmented: checks unequal in number per block
    augmented(
        "aug_3ck_5b_12_unequal", 3, 12, 5, s + 22, s + 550,
        drop_check=[("2", "CK1"), ("4", "CK2")],
    )  # fmt: skip
    augmented(
        "aug_4ck_4b_8_unequal", 4, 8, 4, s + 23, s + 551,
        drop_check=[("1", "CK2"), ("3", "CK4"), ("4", "CK4")],
    )  # fmt: skip


def third_round():
    """Stop 40: shapes the first two rounds did not have (other seeds and sizes)."""
    s = 45000
    EXTRAS.update(
        {
            "sp_4x3_b4_m4_main": ("greater",),
            "alpha15_k3_r4_m5": ("tukey",),
            "alpha15_k3_r4_m5_random": ("tukey", "greater"),
            "ribd_13_r3_m3_random": ("tukey",),
            "rowcol_4x3_r3_m4_random": ("tukey",),
            "rcbd_random_7x5_m4": ("tukey", "greater"),
            "rcbd_random_6x3_m4": ("tukey",),
            "latin5_random_m3": ("tukey",),
            "aug_3ck_6b_14_entrymiss_random": ("bestcheck",),
            "aug_3ck_6b_14_entrymiss_fixed": ("bestcheck",),
            "aug_2ck_5b_10_entrymiss_fixed": ("bestcheck",),
        }
    )
    # split plots: unequal level counts, missing plots in several places, either control
    split("sp_4x3_b4_m4", 4, 3, 4, s + 1, s + 501, 4)
    split("sp_3x5_b3_m2_wp", 3, 5, 3, s + 2, s + 502, 2, extra=[("1", "W3", None)])
    split(
        "sp_4x3_b4_m4_main", 4, 3, 4, s + 3, s + 503, 3, extra=[("2", "W1", "S2")],
        control_first=True,
    )  # fmt: skip
    split("sp_2x4_b6_m5_main", 2, 4, 6, s + 4, s + 504, 5, control_first=True)
    split("sp_6x3_b3_m4", 6, 3, 3, s + 5, s + 505, 4)
    # strip plots: the control a vertical and a horizontal level
    strip("strip_4x3_b3_m4", 4, 3, 3, s + 520, 4)
    strip("strip_3x5_b4_m5_h", 3, 5, 4, s + 521, 4, control_h=True, extra=[("2", "H1", "V3")])
    strip("strip_5x2_b4_m3_h", 5, 2, 4, s + 522, 3, control_h=True)
    # alpha-lattice and resolvable incomplete blocks of unequal size, replicates fixed and
    # random (the same plot tables), missing plots in several replicates
    alpha("alpha15_k3_r4_m5", 15, 3, 4, s + 6, s + 530, 5)
    alpha("alpha15_k3_r4_m5_random", 15, 3, 4, s + 6, s + 530, 5, random=True)
    alpha("alpha20_k4_r3_m4_random", 20, 4, 3, s + 7, s + 531, 4, random=True)
    ribd("ribd_13_r3_m3", (5, 4, 4), 3, s + 532, 3)
    ribd("ribd_13_r3_m3_random", (5, 4, 4), 3, s + 532, 3, random=True)
    ribd("ribd_10_r4_m4_random", (4, 3, 3), 4, s + 533, 4, random=True)
    # resolvable row-column: rows and columns random within replicates
    rowcol("rowcol_4x3_r3_m4", 3, 4, 3, s + 540, 4)
    rowcol("rowcol_4x3_r3_m4_random", 3, 4, 3, s + 540, 4, random=True)
    rowcol("rowcol_2x5_r4_m5", 4, 2, 5, s + 541, 5)
    # augmented: checks of unequal replication, an entry lost; blocks random and fixed
    augmented(
        "aug_3ck_6b_14_entrymiss", 3, 14, 6, s + 8, s + 550,
        drop_check=[("1", "CK2"), ("3", "CK2"), ("5", "CK3")], drop_entry=["E05"],
    )  # fmt: skip
    augmented(
        "aug_2ck_5b_10_entrymiss", 2, 10, 5, s + 9, s + 551,
        drop_check=[("2", "CK1"), ("4", "CK1")], drop_entry=["E03", "E08"],
    )  # fmt: skip
    # RCBD and Latin squares with blocks (rows, columns) random and several missing plots
    rcbd("rcbd_random_7x5_m4", 7, 5, s + 10, s + 560, 4)
    rcbd("rcbd_random_6x3_m4", 6, 3, s + 11, s + 561, 3, drop=[("2", "T01")])
    latin("latin5_random_m3", 5, s + 12, s + 562, 3)
    latin("latin7_random_m4", 7, s + 13, s + 563, 4)


# ------------------------------------------------------------- fourth round (stop 41)
GOMEZ = HERE.parents[2] / "src" / "yieldtrial" / "datasets" / "gomez-rice-split-plot" / "plots.csv"
_GOMEZ_F = "yield_kg_ha ~ nitrogen * variety + (1 | block) + (1 | block:nitrogen)"
_GOMEZ_FLAGS = ["--design", "split_plot", "--factors", "nitrogen,variety"]


def gomez(case, lost=(), control_main=False, flat_blocks=False, extras=()):
    """Gomez & Gomez (1984) Table 3.7 rice split plot, sub-plots deleted BY HAND.

    ``lost``: (block, nitrogen, variety) triples whose yield is blanked (variety ``None``:
    the whole plot).  ``flat_blocks``: each yield minus its block mean plus the grand mean
    (the published data with the block effects taken out exactly: sigma^2_block at 0).
    Control V1 (sub-plot family) or N0 (whole-plot family).
    """
    src = pd.read_csv(GOMEZ, dtype=str)
    df = pd.DataFrame(
        {
            "plot_id": [
                f"{b}-{n}-{v}"
                for b, n, v in zip(src["block"], src["nitrogen"], src["variety"], strict=True)
            ],
            "block": src["block"],
            "nitrogen": src["nitrogen"],
            "variety": src["variety"],
            "yield_kg_ha": src["yield_kg_ha"].astype(float),
        }
    )
    if flat_blocks:
        y = df["yield_kg_ha"]
        df["yield_kg_ha"] = y - df.groupby("block")["yield_kg_ha"].transform("mean") + y.mean()
    for b, n, v in lost:
        hit = (df["block"] == b) & (df["nitrogen"] == n) & ((df["variety"] == v) if v else True)
        assert hit.sum() == (1 if v else 4)
        df.loc[hit, "yield_kg_ha"] = np.nan
    if control_main:
        specs = ["variety", "variety | nitrogen", "nitrogen:variety"]
        add(case, df, _GOMEZ_FLAGS, _GOMEZ_F, "N0", "nitrogen", specs, extras=extras)
    else:
        specs = ["nitrogen", "variety | nitrogen", "nitrogen:variety"]
        add(case, df, _GOMEZ_FLAGS, _GOMEZ_F, "V1", "variety", specs, extras=extras)


def field_gradient(df, rng, base, row_slope, col_slope):
    """Return a smooth fertility surface over the field book's rows and columns (kg/ha)."""
    r = df["row"].astype(float).to_numpy()
    c = df["column"].astype(float).to_numpy()
    wave = 180 * np.sin(c / 2.5) + 120 * np.cos(r / 1.7)
    return base + row_slope * (r - r.mean()) + col_slope * (c - c.mean()) + wave


def alpha_field(case, entries, k, r, seed, ys, lost, random=False):
    """Write an alpha-lattice of ``yieldtrial design alpha`` with realistic yields.

    Genotypes, a fertility gradient over rows and columns (not the model's incomplete
    blocks), plot noise; ``lost``: (replicate, entry) pairs blanked.
    """
    gens = [f"G{i:02d}" for i in range(1, entries + 1)]
    bk = book("alpha", "--treatments", *gens, "--block-size", str(k), "--replicates", str(r),
              "--seed", str(seed))  # fmt: skip
    rng = np.random.default_rng(ys)
    eg = dict(zip(gens, rng.normal(0, 420, entries), strict=True))
    df = bk[[*KEEP, "incomplete_block"]].copy()
    trend = field_gradient(df, rng, 6100, -45, 22)
    y = trend + np.array([eg[g] for g in df["treatment"]]) + rng.normal(0, 260, len(df))
    df["yield_kg_ha"] = np.round(y, -1)  # weighed to 10 kg/ha
    for b, g in lost:
        hit = (df["block"] == b) & (df["treatment"] == g)
        assert hit.sum() == 1
        df.loc[hit, "yield_kg_ha"] = np.nan
    _add_alpha(case, df, random)


def augmented_field(case, checks, entries, blocks, seed, ys, lost):
    """Write an augmented RCBD of ``yieldtrial design augmented`` with realistic yields.

    Field gradient as :func:`alpha_field`; ``lost``: (block, label) pairs blanked.
    """
    ck = [f"CK{i}" for i in range(1, checks + 1)]
    en = [f"E{i:02d}" for i in range(1, entries + 1)]
    bk = book("augmented", "--checks", *ck, "--treatments", *en, "--blocks", str(blocks),
              "--seed", str(seed))  # fmt: skip
    rng = np.random.default_rng(ys)
    eg = dict(zip(ck + en, rng.normal(0, 450, len(ck) + len(en)), strict=True))
    df = bk[[*KEEP, "entry_type"]].copy()
    trend = field_gradient(df, rng, 5400, 60, -30)
    y = trend + np.array([eg[g] for g in df["treatment"]]) + rng.normal(0, 240, len(df))
    df["yield_kg_ha"] = np.round(y, -1)
    for b, g in lost:
        hit = (df["block"] == b) & (df["treatment"] == g)
        assert hit.sum() == 1
        df.loc[hit, "yield_kg_ha"] = np.nan
    add(case + "_random", df, ["--design", "augmented", "--block-effects", "random"],
        "yield_kg_ha ~ treatment + (1 | block)", "CK1", "treatment")  # fmt: skip
    add(case + "_fixed", df, ["--design", "augmented"], "yield_kg_ha ~ block + treatment",
        "CK1", "treatment", kind="lm")  # fmt: skip


def fourth_round():
    """Stop 41: shapes a reviewer builds BY HAND (README.md, "Fourth round")."""
    s = 46000
    KEEP_CASES.update(FOURTH_ROUND)
    EXTRAS.update(
        {
            "aug_4ck_4b_20_field_ckmiss_fixed": ("bestcheck",),
            # all pairs of the control's family (varieties; nitrogen rates for _main)
            **{f"gomez_sp_{n}": ("tukey",) for n in ("m1", "m3_same_wp", "m3_diff_wp")},
            "gomez_sp_m1_main": ("tukey",),
        }
    )
    # the acceptance shapes on the published rice split plot; each also with the control
    # a whole-plot level (N0)
    deletions = {
        "m1": [("II", "N2", "V3")],
        "m3_same_wp": [("I", "N3", "V1"), ("I", "N3", "V2"), ("I", "N3", "V4")],
        "m3_diff_wp": [("I", "N1", "V2"), ("II", "N4", "V4"), ("III", "N5", "V1")],
        "m3_same_sub": [("I", "N2", "V3"), ("II", "N5", "V3"), ("III", "N0", "V3")],
    }
    for name, lost in deletions.items():
        gomez(f"gomez_sp_{name}", lost)
        gomez(f"gomez_sp_{name}_main", lost, control_main=True, extras=("greater",))
    # edge shapes
    gomez("gomez_sp_wp_lost", [("II", "N3", None)])
    gomez("gomez_sp_wp_lost_main", [("II", "N0", None)], control_main=True)
    gomez("gomez_sp_ctrl_m2", [("I", "N1", "V1"), ("III", "N4", "V1")])
    gomez("gomez_sp_ctrl_m2_main", [("II", "N0", "V2"), ("III", "N0", "V4")], control_main=True)
    gomez("gomez_sp_cell_one_left", [("I", "N5", "V4"), ("III", "N5", "V4")])
    gomez("gomez_sp_block_zero_m3", deletions["m3_diff_wp"], flat_blocks=True)
    gomez("gomez_sp_block_zero_m3_main", deletions["m3_diff_wp"], control_main=True,
          flat_blocks=True)  # fmt: skip
    # alpha-lattice from `yieldtrial design alpha`, realistic yields (field gradient); the
    # first (replicates fixed) is not kept: R's Tukey family of 276 pairs (emmeans mvt and
    # cld, both df methods) had not finished after 35 min
    alpha_field("alpha24_k4_r3_field_m3", 24, 4, 3, s + 1, s + 501,
                [("1", "G07"), ("2", "G15"), ("3", "G22")])  # fmt: skip
    alpha_field("alpha24_k4_r3_field_ctrl_one_left", 24, 4, 3, s + 1, s + 501,
                [("1", "G01"), ("3", "G01"), ("2", "G09")])  # fmt: skip
    alpha_field("alpha24_k4_r3_field_m3_random", 24, 4, 3, s + 1, s + 501,
                [("1", "G07"), ("2", "G15"), ("3", "G22")], random=True)  # fmt: skip
    # augmented RCBD from `yieldtrial design augmented`: a check lost in one block
    augmented_field("aug_4ck_4b_20_field_ckmiss", 4, 20, 4, s + 2, s + 502, [("3", "CK2")])
    # strip plot: one h x v cell lost in two blocks, and a whole horizontal strip lost
    strip("strip_3x4_b4_cell2", 3, 4, 4, s + 520, 0,
          extra=[("1", "H2", "V3"), ("3", "H2", "V3")])  # fmt: skip
    strip("strip_3x4_b4_hstrip_lost", 3, 4, 4, s + 521, 0,
          extra=[("2", "H3", v) for v in ("V1", "V2", "V3", "V4")])  # fmt: skip


def main():
    s = 43000
    # split plots: 1, 2, 3, 5 missing; whole plot lost; a sub-plot treatment lost in two blocks
    split("sp_3x4_b4_m1", 3, 4, 4, s + 1, s + 501, 1)
    split("sp_4x3_b3_m1", 4, 3, 3, s + 2, s + 502, 1)
    split("sp_2x4_b5_m1", 2, 4, 5, s + 3, s + 503, 1, control_first=True)
    split("sp_3x3_b4_m2", 3, 3, 4, s + 4, s + 504, 2)
    split("sp_4x4_b3_m2", 4, 4, 3, s + 5, s + 505, 2, control_first=True)
    split("sp_3x4_b4_m3", 3, 4, 4, s + 6, s + 506, 3)
    split("sp_2x5_b4_m3", 2, 5, 4, s + 7, s + 507, 3)
    split("sp_4x3_b5_m3", 4, 3, 5, s + 8, s + 508, 3, control_first=True)
    split("sp_4x4_b4_m5", 4, 4, 4, s + 9, s + 509, 5)
    split("sp_3x5_b3_m5", 3, 5, 3, s + 10, s + 510, 5)
    split("sp_wholeplot_lost", 3, 4, 4, s + 11, s + 511, 0, extra=[("2", "W2", None)])
    split("sp_wholeplot_lost_m1", 3, 3, 4, s + 12, s + 512, 1, extra=[("3", "W1", None)])
    split(
        "sp_subtrt_lost_2blocks",
        3,
        4,
        4,
        s + 13,
        s + 513,
        0,
        extra=[("1", "W2", "S3"), ("3", "W2", "S3")],
    )
    split(
        "sp_subtrt_lost_2blocks_b",
        3,
        4,
        5,
        s + 14,
        s + 514,
        0,
        extra=[("2", "W1", "S2"), ("4", "W3", "S2")],
    )
    split("sp_wp_zero_m1", 3, 4, 4, s + 15, s + 515, 1, sd_wp=0)
    split("sp_block_zero_m2", 3, 4, 4, s + 16, s + 516, 2, sd_b=0)
    split("sp_block_huge_m3", 3, 4, 4, s + 17, s + 517, 3, sd_b=5000)
    split("sp_block_tiny_m1", 3, 4, 4, s + 18, s + 518, 1, sd_b=2)
    # nearly singular: cell W3:S4 left in one block only
    split(
        "sp_near_singular",
        3,
        4,
        4,
        s + 19,
        s + 519,
        0,
        extra=[("1", "W3", "S4"), ("2", "W3", "S4"), ("3", "W3", "S4")],
    )
    # strip plots
    strip("strip_3x4_b4_m1", 3, 4, 4, s + 520, 1)
    strip("strip_3x3_b5_m3", 3, 3, 5, s + 521, 3)
    strip("strip_2x5_b4_m5", 2, 5, 4, s + 522, 5)
    strip("strip_bh_zero_m2", 3, 4, 4, s + 523, 2, sd_bh=0, sd_bv=0)
    # RCBD / latin random
    rcbd("rcbd_8x4_m1", 8, 4, s + 20, s + 524, 1)
    rcbd("rcbd_6x5_m3", 6, 5, s + 21, s + 525, 3)
    rcbd("rcbd_block_zero_m2", 7, 4, s + 22, s + 526, 2, sd_b=0)
    rcbd("rcbd_block_huge_m2", 5, 4, s + 23, s + 527, 2, sd_b=8000)
    rcbd(
        "rcbd_near_singular",
        5,
        4,
        s + 24,
        s + 528,
        0,
        drop=[("1", "T03"), ("2", "T03"), ("3", "T03")],
    )
    latin("latin5_m1", 5, s + 25, s + 529, 1)
    latin("latin6_m3", 6, s + 26, s + 530, 3)
    latin("latin4_m0", 4, s + 27, s + 531, 0)
    # alpha-lattices: several (s, k, r) -> different generators
    alpha("alpha20_k4_r2_m1", 20, 4, 2, s + 28, s + 532, 1)
    alpha("alpha24_k4_r3_m2", 24, 4, 3, s + 29, s + 533, 2)
    alpha("alpha30_k5_r3_m3", 30, 5, 3, s + 30, s + 534, 3)
    alpha("alpha36_k6_r2_m1", 36, 6, 2, s + 31, s + 535, 1)
    alpha("alpha35_k5_r4_m4", 35, 5, 4, s + 32, s + 536, 4)
    alpha("alpha18_k3_r3_m2", 18, 3, 3, s + 33, s + 537, 2)
    alpha("alpha16_k4_r3_ibzero_m1", 16, 4, 3, s + 34, s + 538, 1, sd_ib=0)
    alpha(
        "alpha20_k5_r3_entry_one_rep",
        20,
        5,
        3,
        s + 35,
        s + 539,
        0,
        drop_entry_reps=("G07", ["1", "2"]),
    )
    # row-column
    rowcol("rowcol_3x4_r3_m2", 3, 3, 4, s + 540, 2)
    rowcol("rowcol_4x5_r2_m3", 2, 4, 5, s + 541, 3)
    rowcol("rowcol_4x4_r3_m1", 3, 4, 4, s + 542, 1)
    # augmented (fixed = Federer lm, random = lmer)
    augmented("aug_2ck_4b_12", 2, 12, 4, s + 36, s + 543)
    augmented("aug_3ck_5b_20", 3, 20, 5, s + 37, s + 544)
    augmented("aug_4ck_3b_10_ckmiss", 4, 10, 3, s + 38, s + 545, drop_check=("2", "CK3"))
    augmented("aug_2ck_6b_15_ckmiss", 2, 15, 6, s + 39, s + 546, drop_check=("4", "CK1"))
    augmented("aug_3ck_4b_17_tinyblock", 3, 17, 4, s + 40, s + 547, sd_b=1)
    second_round()
    third_round()
    fourth_round()
    with open(OUT / "manifest.tsv", "w", encoding="utf-8", newline="") as f:
        f.write("case\tfile\tformula\tkind\tcontrol\tspec\tspecs\tflags\textras\n")
        for m in MAN:
            f.write(
                "\t".join(
                    [
                        m["case"],
                        m["file"],
                        m["formula"],
                        m["kind"],
                        m["control"],
                        m["spec"],
                        ";".join(m["specs"]),
                        " ".join(m["flags"]),
                        ";".join(m["extras"]),
                    ]
                )
                + "\n"
            )
    for m in MAN:
        print(m["case"], m["n"], m["missing"])
    print(len(MAN), "cases")


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "--all":
        OUT = Path(sys.argv[2])
        OUT.mkdir(parents=True, exist_ok=True)
        WRITE_ALL = True
    main()
