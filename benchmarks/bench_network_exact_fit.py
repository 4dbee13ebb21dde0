"""CPU share of the network engine's exact-fit test in ``analyze_many`` (stop 40).

Run: ``OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_network_exact_fit.py
[--sites 5000]``.

``network._engine._refuse_exact_fits`` judges each trial by the one exact-fit rule
(:func:`yieldtrial.stats._common.exact_fit_bound`: the larger of the rounding noise of
``max |y|`` and ``EXACT_FIT_RATIO`` x SD(y)), which needs each trial's SD (one extra pass
over the plots).  Peer, in the same process: the whole ``analyze_many`` call it is part
of.  SYNTHETIC yields: RCBD sites of 10 treatments x 4 blocks, normal noise (SD 300).
Prints the CPU time of both and the share.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from yieldtrial.network import _engine, analyze_many


def _table(sites: int, treatments: int = 10, blocks: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    site = np.repeat(np.arange(sites), treatments * blocks)
    block = np.tile(np.repeat(np.arange(blocks), treatments), sites)
    treatment = np.tile(np.arange(treatments), sites * blocks)
    return pd.DataFrame(
        {
            "site": site.astype(str),
            "block": block,
            "treatment": [f"T{t}" for t in treatment],
            "yield_kg_ha": 6000 + 50 * treatment + rng.normal(0, 300, site.size),
        }
    )


def main() -> None:
    """Print ``analyze_many``'s CPU time and that of its exact-fit step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=5000)
    args = parser.parse_args()
    table = _table(args.sites)
    spent = [0.0]
    original = _engine._refuse_exact_fits

    def timed(*values: object) -> None:
        start = time.process_time()
        original(*values)  # type: ignore[arg-type]
        spent[0] += time.process_time() - start

    _engine._refuse_exact_fits = timed  # type: ignore[assignment]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.process_time()
            analyze_many(
                table, by="site", response="yield_kg_ha", treatment="treatment", block="block"
            )
            total = time.process_time() - start
    finally:
        _engine._refuse_exact_fits = original
    print(
        f"plots {len(table):,}: analyze_many {total:.2f} s CPU, exact-fit step "
        f"{spent[0] * 1e3:.1f} ms ({100 * spent[0] / total:.2f} %)"
    )


if __name__ == "__main__":
    main()
