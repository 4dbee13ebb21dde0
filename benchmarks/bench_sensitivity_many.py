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

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sensitivity_many.py [--entries 502]
        [--no-full]
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
            kept = every[every["changed"] | (every["verdict"] != "letters")]
            pd.testing.assert_frame_equal(kept.reset_index(drop=True),
                                          short.reset_index(drop=True))  # fmt: skip
            print("changed rows of the full listing == the short listing: yes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=502)
    parser.add_argument("--no-full", action="store_true", help="skip the full listing")
    args = parser.parse_args()
    run(args.entries, not args.no_full)
