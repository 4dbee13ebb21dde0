"""Detection and false-alarm rates of the suspect-plot screening (``suspect_plots``).

Generates wheat-like RCBD yield tests (3-6 treatments, 3-4 blocks, CV 4-12 % of the
grand mean, block effects 5 %, treatment effects -40 % .. +15 % of the control),
records them as a field book would (fresh mass [kg] to 0.01, moisture [%] to 0.1,
harvested area 20 m2), and

1. screens the clean trials: the false-alarm rate is the share of clean trials with
   any flag (target: below 5 %), overall, per shape and per CV band;
2. plants one error at a random plot of each trial and screens again: the detection
   rate is the share of trials whose flags name the planted plot, per kind and size
   of error; "other flags" is the share with a flag on another plot.

Error kinds: the fresh mass multiplied by 1.2, 1.3, 1.5, 2 (a doubled weight), 0.5,
10 and 0.1 (a decimal point shifted by one place), 100 and 0.01 (two places); two
adjacent digits of the fresh mass swapped; the moisture typed with swapped digits
(15.2 -> 51.2 or 12.5) or a shifted decimal point; the area typed x10 or /10; a copied
row (the record of another plot of the same block pasted over the plot).

Usage::

    python benchmarks/bench_suspect_plots.py              # 1000 trials per row (minutes)
    python benchmarks/bench_suspect_plots.py --trials 200 # quicker
    python benchmarks/bench_suspect_plots.py --trials 40  # smoke run

Seeds are fixed, so the numbers repeat.  No peer does this (agricolae, DPS and ARM
leave outliers to the user), so the reference is the issue's target, not a peer.
"""

from __future__ import annotations

import argparse
import time
import warnings
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial.stats.screening import suspect_plots

STANDARD_MOISTURE_PCT = 13.0
AREA_M2 = 20.0


def clean_trial(
    rng: np.random.Generator, *, additive: bool = True
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One clean RCBD field book and its generating parameters.

    ``additive=False`` scales the block effects with the treatment mean (a multiplicative
    block x treatment pattern the additive design model does not fit).
    """
    t = int(rng.integers(3, 7))
    b = int(rng.integers(3, 5))
    cv = float(rng.uniform(0.04, 0.12))
    mean = float(rng.uniform(5500.0, 8000.0))  # kg/ha at 13 %
    effects = np.concatenate([[0.0], rng.uniform(-0.40, 0.15, t - 1)])
    blocks = rng.normal(0.0, 0.05, b)
    yields = (
        mean * (1 + effects)[:, None]
        + mean * blocks[None, :] * (1.0 if additive else 1 + effects[:, None])
        + rng.normal(0, cv * mean, (t, b))
    )
    moisture = np.round(rng.normal(14.5, 0.6, (t, b)), 1)
    mass = np.round(yields * AREA_M2 / 10_000 * (100 - STANDARD_MOISTURE_PCT) / (100 - moisture), 2)
    records = []
    for j in range(b):
        for i in range(t):
            records.append(
                {
                    "plot_id": str(100 * (j + 1) + i + 1),
                    "treatment": "CK" if i == 0 else f"T{i}",
                    "block": str(j + 1),
                    "harvested_area_m2": AREA_M2,
                    "fresh_mass_kg": float(mass[i, j]),
                    "moisture_pct": float(moisture[i, j]),
                }
            )
    return pd.DataFrame(records), {"t": t, "b": b, "cv": cv}


def with_yield(plots: pd.DataFrame) -> pd.DataFrame:
    """Add ``yield_kg_ha`` at 13 % (dry-matter method), as FieldTrial computes it."""
    out = plots.copy()
    out["yield_kg_ha"] = (
        out["fresh_mass_kg"]
        * (100 - out["moisture_pct"])
        / (100 - STANDARD_MOISTURE_PCT)
        / out["harvested_area_m2"]
        * 10_000
    )
    return out


def screen(plots: pd.DataFrame) -> pd.DataFrame:
    """Run the screening the way ``FieldTrial.suspect_plots`` does for an RCBD."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return suspect_plots(
            with_yield(plots), response="yield_kg_ha", treatment="treatment", block="block"
        )


def _swap_digits(value: float, rng: np.random.Generator) -> float | None:
    text = f"{value:.2f}"
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    pairs = [(a, b) for a, b in zip(positions, positions[1:], strict=False) if text[a] != text[b]]
    if not pairs:
        return None
    a, b = pairs[int(rng.integers(len(pairs)))]
    chars = list(text)
    chars[a], chars[b] = chars[b], chars[a]
    return float("".join(chars))


def plant(kind: str, size: str, plots: pd.DataFrame, i: int, rng: np.random.Generator) -> bool:
    """Plant one error at row ``i`` in place; False when the kind does not apply."""
    if kind == "mass x factor":
        plots.loc[i, "fresh_mass_kg"] = round(plots.loc[i, "fresh_mass_kg"] * float(size), 4)
    elif kind == "mass digits swapped":
        swapped = _swap_digits(float(plots.loc[i, "fresh_mass_kg"]), rng)
        if swapped is None or swapped == plots.loc[i, "fresh_mass_kg"]:
            return False
        ratio = swapped / plots.loc[i, "fresh_mass_kg"]
        big = abs(np.log(ratio)) > np.log(1.25)
        if (size == "ratio > 1.25") != big:
            return False
        plots.loc[i, "fresh_mass_kg"] = swapped
    elif kind == "moisture typo":
        value = float(plots.loc[i, "moisture_pct"])
        if size == "digits swapped":
            swapped = _swap_digits(value, rng)
            if swapped is None or abs(swapped - value) < 3:
                return False
            plots.loc[i, "moisture_pct"] = min(swapped, 99.0)
        else:
            plots.loc[i, "moisture_pct"] = round(value / 10, 2)
    elif kind == "area x factor":
        plots.loc[i, "harvested_area_m2"] = AREA_M2 * float(size)
    elif kind == "copied row":
        same_block = plots.index[(plots["block"] == plots.loc[i, "block"]) & (plots.index != i)]
        source = int(rng.choice(same_block))
        for column in ("treatment", "block", "harvested_area_m2", "fresh_mass_kg", "moisture_pct"):
            plots.loc[i, column] = plots.loc[source, column]
    else:  # pragma: no cover
        raise ValueError(kind)
    return True


ERRORS: tuple[tuple[str, str], ...] = (
    ("mass x factor", "1.2"),
    ("mass x factor", "1.3"),
    ("mass x factor", "1.5"),
    ("mass x factor", "2"),
    ("mass x factor", "0.5"),
    ("mass x factor", "10"),
    ("mass x factor", "0.1"),
    ("mass x factor", "100"),
    ("mass x factor", "0.01"),
    ("mass digits swapped", "ratio > 1.25"),
    ("mass digits swapped", "ratio <= 1.25"),
    ("moisture typo", "digits swapped"),
    ("moisture typo", "decimal /10"),
    ("area x factor", "10"),
    ("area x factor", "0.1"),
    ("copied row", "same block"),
)


def rate(hits: int, n: int) -> str:
    return f"{100.0 * hits / n:5.1f} %" if n else "    -"


def run(trials: int, seed: int, progress: Callable[[str], None]) -> None:
    rng = np.random.default_rng(seed)
    books = [clean_trial(rng) for _ in range(trials)]
    start = time.perf_counter()
    alarms = []
    for plots, params in books:
        found = screen(plots)
        alarms.append((params, len(found) > 0))
    n_alarm = sum(a for _, a in alarms)
    print(f"clean trials: {trials}; with any flag: {n_alarm} ({rate(n_alarm, trials)})")
    by_shape: dict[str, list[bool]] = {}
    by_cv: dict[str, list[bool]] = {}
    for params, alarm in alarms:
        by_shape.setdefault(f"{params['t']} x {params['b']}", []).append(alarm)
        band = "4-8 %" if params["cv"] < 0.08 else "8-12 %"
        by_cv.setdefault(band, []).append(alarm)
    print(
        "  by treatments x blocks: "
        + "; ".join(
            f"{k} {rate(sum(v), len(v)).strip()} (n={len(v)})" for k, v in sorted(by_shape.items())
        )
    )
    print(
        "  by CV: "
        + "; ".join(
            f"{k} {rate(sum(v), len(v)).strip()} (n={len(v)})" for k, v in sorted(by_cv.items())
        )
    )
    print()
    print(f"{'error':<22} {'size':<16} {'trials':>6} {'named':>8} {'other flags':>12}"
          f"   {'CV 4-8 %':>9} {'CV 8-12 %':>9}")  # fmt: skip
    for kind, size in ERRORS:
        prng = np.random.default_rng([seed, zlib.crc32(f"{kind}|{size}".encode())])
        n = named = other = 0
        bands: dict[str, list[bool]] = {"low": [], "high": []}
        for plots, params in books:
            book = plots.copy()
            i = int(prng.integers(len(book)))
            if not plant(kind, size, book, i, prng):
                continue
            found = screen(book)
            planted = str(book.loc[i, "plot_id"])
            hit = planted in set(found["plot_id"].astype(str))
            n += 1
            named += hit
            other += bool((found["plot_id"].astype(str) != planted).any()) and kind != "copied row"
            bands["low" if params["cv"] < 0.08 else "high"].append(hit)
        print(
            f"{kind:<22} {size:<16} {n:>6} {rate(named, n):>8} {rate(other, n):>12}"
            f"   {rate(sum(bands['low']), len(bands['low'])):>9}"
            f" {rate(sum(bands['high']), len(bands['high'])):>9}"
        )
        progress(kind)
    print(f"\n({time.perf_counter() - start:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=1000, help="trials per row (default 1000)")
    parser.add_argument("--seed", type=int, default=20240612, help="random seed")
    args = parser.parse_args()
    print(f"bench_suspect_plots: {args.trials} generated RCBD trials, seed {args.seed}")
    run(args.trials, args.seed, lambda _: None)


if __name__ == "__main__":
    main()
