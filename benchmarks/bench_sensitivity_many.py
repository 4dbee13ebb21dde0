"""Cost of the sensitivity check of a many-treatment trial (issue 13, stop 43).

The hostile table of stop 43: ``breeding_designs.augmented(..., 502, 4)`` (506 treatments,
542 plots) with every 7th yield multiplied by 1e-6.  In one process:

1. ``yieldtrial report <table> --design augmented --control CK1 --format json`` via
   ``main(argv)``: CPU seconds (``time.process_time``), JSON size, rows of
   ``results.sensitivity``;
2. ``FieldTrial.sensitivity`` of the flagged plots as the report lists it (only the letter
   pairs that change above 30 treatments) against the full listing (``all_pairs=True``,
   every pair: the listing before stop 43), CPU seconds and rows, and that the changed
   rows agree.

3. ``--pairs T`` (stop 44): only the letter-pair comparison of one left-out plot for T
   synthetic treatments (random letters), the blocked comparison of
   ``stats.sensitivity._changed_letter_rows`` against the whole upper triangle at once
   (the stop 43 code, kept below as the peer): peak traced memory (``tracemalloc``) and
   CPU seconds, and that both list the same pairs.

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sensitivity_many.py [--entries 502]
        [--no-full]
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sensitivity_many.py --pairs 10000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

import breeding_designs  # noqa: E402

from yieldtrial import FieldTrial  # noqa: E402
from yieldtrial.cli import main  # noqa: E402


def _cpu(fn):  # type: ignore[no-untyped-def]
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def run(entries: int, full: bool) -> None:
    """Print the readings of the report and of the two listings."""
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / f"hostile{entries}.csv"
        breeding_designs.augmented(table, entries, 4)
        plots = pd.read_csv(table)
        plots.loc[plots.index % 7 == 0, "yield_kg_ha"] *= 1e-6
        plots.to_csv(table, index=False)
        out = Path(tmp) / "report.json"
        argv = [
            "report", str(table), "--crop", "wheat", "--unit", "kg/ha", "--design",
            "augmented", "--control", "CK1", "--no-figures", "--format", "json", "-o", str(out),
        ]  # fmt: skip
        cpu, code = _cpu(lambda: main(argv))
        doc = json.loads(out.read_text(encoding="utf-8"))
        rows = len(doc["results"]["sensitivity"])
        print(f"report json: exit {code}, {cpu:.1f} s CPU, {out.stat().st_size / 1e6:.2f} MB, "
              f"results.sensitivity {rows:,} rows, letter pairs "
              f"{doc['results'].get('sensitivity_letter_pairs')}")  # fmt: skip
        warnings.simplefilter("ignore")
        trial = FieldTrial.from_dataframe(plots, crop="wheat", design="augmented", control="CK1")
        flagged = list(dict.fromkeys(trial.suspect_plots()["plot_id"].astype(str)))
        cpu_short, short = _cpu(lambda: trial.sensitivity(flagged))
        print(f"sensitivity ({len(flagged)} plots), changed letter pairs: {cpu_short:.1f} s CPU, "
              f"{len(short):,} rows")  # fmt: skip
        if full:
            cpu_full, every = _cpu(lambda: trial.sensitivity(flagged, all_pairs=True))
            print(f"sensitivity, every pair (all_pairs=True): {cpu_full:.1f} s CPU, "
                  f"{len(every):,} rows; ratio {cpu_full / cpu_short:.1f}x")  # fmt: skip
            # the letters and (stop 44) the comparisons with the control: changed ones only
            listed = ~every["verdict"].isin(["letters", "dunnett", "noninferiority"])
            kept = every[every["changed"] | listed]
            pd.testing.assert_frame_equal(kept.reset_index(drop=True),
                                          short.reset_index(drop=True))  # fmt: skip
            print("changed rows of the full listing == the short listing: yes")


def _whole_triangle(base, other):  # type: ignore[no-untyped-def]
    """Stop 43's comparison (the peer): every pair's index and verdict arrays at once."""
    import numpy as np

    n = len(base.levels)
    iu, ju = np.triu_indices(n, 1)
    same_with = base.share()[iu, ju]
    where = {lv: k for k, lv in enumerate(other.levels)}
    pos = np.array([where.get(lv, -1) for lv in base.levels], dtype=np.intp)
    pa, pb = pos[iu], pos[ju]
    exists = (pa >= 0) & (pb >= 0) & (pa < pb)
    same_without = np.zeros(len(iu), dtype=bool)
    same_without[exists] = other.share()[pa[exists], pb[exists]]
    changed = ~exists | (same_with != same_without)
    return [f"{base.levels[iu[k]]} vs {base.levels[ju[k]]}" for k in np.flatnonzero(changed)]


def run_pairs(treatments: int) -> None:
    """Print peak memory and CPU of the blocked and the whole-triangle pair comparison."""
    import tracemalloc

    import numpy as np

    from yieldtrial.stats.sensitivity import _changed_letter_rows, _Letters

    rng = np.random.default_rng(44)
    levels = [f"T{i:05d}" for i in range(treatments)]
    alphabet = [chr(c) for c in range(ord("a"), ord("z") + 1)]

    def letters(p: float) -> dict[str, str]:
        return {lv: "".join(ch for ch in alphabet if rng.random() < p) or "a" for lv in levels}

    base_letters = letters(0.1)
    other_letters = {lv: s for lv, s in base_letters.items()}
    for lv in rng.choice(levels, treatments // 100, replace=False):  # a few letters move
        other_letters[str(lv)] = "".join(rng.choice(alphabet, 2))
    est = rng.normal(7000.0, 300.0, treatments)
    base = _Letters(levels, est, base_letters, "letters (tukey, alpha 0.05)")
    other = _Letters(levels, est, other_letters, "letters (tukey, alpha 0.05)")
    info = {"plot_id": "1", "treatment": levels[0], "block": "1"}
    readings = {}
    for name, fn in (
        ("blocked (stop 44)", lambda: [r["subject"] for r in
                                       _changed_letter_rows(base, other, info, "1")]),
        ("whole triangle (stop 43)", lambda: _whole_triangle(base, other)),
    ):  # fmt: skip
        tracemalloc.start()
        cpu, subjects = _cpu(fn)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        readings[name] = subjects
        print(f"{name}: {treatments:,} treatments, {len(subjects):,} changed pairs, "
              f"peak {peak / 2**20:,.0f} MiB traced, {cpu:.1f} s CPU")  # fmt: skip
    same = readings["blocked (stop 44)"] == readings["whole triangle (stop 43)"]
    print(f"same changed pairs in the same order: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=502)
    parser.add_argument("--no-full", action="store_true", help="skip the full listing")
    parser.add_argument("--pairs", type=int, help="only the letter-pair comparison (stop 44)")
    args = parser.parse_args()
    if args.pairs:
        run_pairs(args.pairs)
    else:
        run(args.entries, not args.no_full)
