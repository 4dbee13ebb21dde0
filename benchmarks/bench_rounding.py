"""CPU cost of the one rounding rule when a large report is rendered.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_rounding.py [--treatments 10000]
[--rounds 5] [--formats html,md,xlsx,docx]``.

Builds the report of a many-treatment RCBD once (:func:`bench_many_treatments.plots`,
``FieldTrial.report()``), then renders it round by round in each format twice, alternately:
with the rule (:func:`yieldtrial.io._rounding.fixed`: half away from zero on the 15-digit
decimal, near-ties through :mod:`decimal`) and with the peer it replaced, Python's plain
``format(value, ".Nf")`` (the binary rounding the reports used before), patched into
:mod:`yieldtrial.report.model` in the same process.  Prints the CPU seconds
(``time.process_time``) of each, their ratio, and the share of the table values that took
the exact (near-tie) path.  Also times :func:`round_half_away_array` against ``np.round`` on
a million two-decimal means.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_many_treatments import plots  # noqa: E402

import yieldtrial.report.companions as companions  # noqa: E402
import yieldtrial.report.model as model  # noqa: E402
from yieldtrial.io._rounding import _near_tie, fixed, round_half_away_array  # noqa: E402
from yieldtrial.trial import FieldTrial  # noqa: E402


def plain(value: float, digits: int, *, sign: bool = False, group: str = "") -> str:
    """Format as the reports did before stop 37 (the peer): Python's binary rounding."""
    text = format(float(value), ("+" if sign else "") + ("," if group else "") + f".{digits}f")
    return text.replace(",", group) if group and group != "," else text


def synthetic_table(n: int, rng: np.random.Generator) -> model.Table:
    """Return an n-entry table of means of two-decimal plot yields (ties as in real data)."""
    plots_kg = np.round(rng.uniform(3.0, 9.0, (n, 4)), 2)  # four plots, 2 decimals
    mean = plots_kg.mean(axis=1) * 1000.0 / 12.0  # kg/ha from a 12 m² plot
    kinds = [("mean", "number", 1), ("kg", "number", 2), ("diff", "signed", 1),
             ("pct", "pct", 1), ("p", "pvalue", 3), ("n", "int", 0)]  # fmt: skip
    values = {"mean": mean, "kg": plots_kg.mean(axis=1), "diff": mean - mean[0],
              "pct": 100.0 * mean / mean[0], "p": rng.uniform(0, 1, n),
              "n": np.full(n, 4.0)}  # fmt: skip
    columns = [model.Column(k, k, kind, digits) for k, kind, digits in kinds]  # type: ignore[arg-type]
    rows = [{k: float(values[k][i]) for k, _, _ in kinds} for i in range(n)]
    return model.Table("t", columns, rows)


def cpu(func) -> float:  # type: ignore[no-untyped-def]
    start = time.process_time()
    func()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--treatments", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--formats", default="html,markdown,xlsx")
    options = parser.parse_args()
    data = plots(options.treatments)
    trial = FieldTrial.from_dataframe(data, crop="wheat", control="CK", design="rcbd")
    report = trial.report()
    tables = [b for s in report.sections for b in s.blocks if getattr(b, "type", "") == "table"]
    cells = near = 0
    for table in tables:
        for column in table.columns:
            if column.kind == "text":
                continue
            for row in table.rows:
                value = row.get(column.key)
                if isinstance(value, float) and np.isfinite(value):
                    cells += 1
                    near += _near_tie(value, column.digits)
    print(f"{options.treatments} treatments: {cells} numeric table cells, {near} near a tie")
    for fmt in options.formats.split(","):
        rule_s, peer_s = [], []
        for i in range(options.rounds):  # alternate which goes first
            for use_rule in (i % 2 == 0, i % 2 == 1):
                model.fixed = fixed if use_rule else plain  # type: ignore[attr-defined]
                (rule_s if use_rule else peer_s).append(cpu(lambda f=fmt: report.render(f)))
        rule, peer = float(np.median(rule_s)), float(np.median(peer_s))
        print(f"{fmt:5s} render: rule {rule:.3f} s CPU, binary peer {peer:.3f} s, "
              f"ratio {rule / peer:.3f} (median of {options.rounds})")  # fmt: skip
    rows = sum(len(c.table.rows) for c in report.companions)
    rule_s, peer_s = [], []
    for i in range(options.rounds):
        for use_rule in (i % 2 == 0, i % 2 == 1):
            companions.round_half_away_array = (  # type: ignore[attr-defined]
                round_half_away_array if use_rule else np.round
            )
            (rule_s if use_rule else peer_s).append(
                cpu(lambda: [companions.companion_csv(c.table) for c in report.companions])
            )
    companions.round_half_away_array = round_half_away_array  # type: ignore[attr-defined]
    rule, peer = float(np.median(rule_s)), float(np.median(peer_s))
    print(f"companion CSVs ({len(report.companions)} tables, {rows} rows): rule {rule:.3f} s "
          f"CPU, np.round peer {peer:.3f} s, ratio {rule / peer:.3f}")  # fmt: skip
    rng = np.random.default_rng(1)
    table = synthetic_table(options.treatments, rng)
    rule_s, peer_s = [], []
    for i in range(options.rounds):
        for use_rule in (i % 2 == 0, i % 2 == 1):
            model.fixed = fixed if use_rule else plain  # type: ignore[attr-defined]
            (rule_s if use_rule else peer_s).append(cpu(table.formatted))
    model.fixed = fixed  # type: ignore[attr-defined]
    rule, peer = float(np.median(rule_s)), float(np.median(peer_s))
    print(f"Table.formatted, {options.treatments} x {len(table.columns)} synthetic means: rule "
          f"{rule:.3f} s CPU, binary peer {peer:.3f} s, ratio {rule / peer:.3f}")  # fmt: skip
    means = (np.round(rng.uniform(0, 100, 10**6), 2) + np.round(rng.uniform(0, 100, 10**6), 2)) / 2
    a = min(cpu(lambda: round_half_away_array(means, 1)) for _ in range(3))
    b = min(cpu(lambda: np.round(means, 1)) for _ in range(3))
    ties = sum(_near_tie(v, 1) for v in means.tolist())
    print(f"round_half_away_array on 1e6 two-decimal means (1 decimal; {ties} near a tie): "
          f"{a:.3f} s CPU, np.round {b:.3f} s, ratio {a / b:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
