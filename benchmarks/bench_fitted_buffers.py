"""The arrow reader's buffer fitting: NumPy's reference check kept vs ``refcheck=False`` (stop 38).

``io.table_files._fitted`` cut each numeric column's over-sized buffer (an estimate of the
rows, 10 % over) to the rows read with ``ndarray.resize(refcheck=False)``, which a live view
of the buffer survives as a dangling pointer.  It now takes the arrays out of their dict and
resizes them with the check.  This script reads one table with each version, interleaved in
one process, and prints CPU time and the peak of NumPy's traced allocations (both resize in
place: the peaks should be equal).

Run: ``OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_fitted_buffers.py [ROWS]``
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from yieldtrial.io import table_files


def _old_fitted(columns: dict[int, np.ndarray], rows: int) -> dict[int, np.ndarray]:
    """Cut the buffers as stop 37 did: ``resize(refcheck=False)``, arrays left in the dict."""
    out = {}
    for i, values in columns.items():
        if len(values) != rows:
            values.resize(rows, refcheck=False)
        out[i] = values
    return out


def _read(path: Path, rows: int) -> tuple[float, float]:
    """CPU seconds and traced peak [MiB] of one read (the estimate 10 % over, as the reader's)."""
    tracemalloc.start()
    start = time.process_time()
    frame = table_files._read_arrow(
        path, ",", 4, {0: str}, "utf-8", rows=None, blank=None, estimate=int(rows * 1.1)
    )
    cpu = time.process_time() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert frame is not None and len(frame) == rows
    return cpu, peak


def main(rows: int = 1_000_000) -> None:
    """Print the best CPU time and the peak of each version over three interleaved rounds."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plots.csv"
        rng = np.random.default_rng(7)
        values = rng.uniform(10, 20, size=(rows, 3)).round(2)
        with path.open("w", encoding="utf-8") as handle:
            handle.write("plot_id,fresh_mass_kg,moisture_pct,harvested_area_m2\n")
            for i in range(rows):
                handle.write(f"p{i},{values[i, 0]},{values[i, 1]},{values[i, 2]}\n")
        new = table_files._fitted
        results: dict[str, list[tuple[float, float]]] = {"refcheck kept (new)": [], "old": []}
        for _ in range(3):
            for name, function in (("old", _old_fitted), ("refcheck kept (new)", new)):
                table_files._fitted = function  # type: ignore[assignment]
                try:
                    results[name].append(_read(path, rows))
                finally:
                    table_files._fitted = new
        for name, runs in results.items():
            cpu = min(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            print(f"{name:>22}: best CPU {cpu:.3f} s, traced peak {peak:.1f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
