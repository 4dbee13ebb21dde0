"""Wall-clock cost of entering an output in the manifest before its rename (stop 40).

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_output_next.py [--files 120]
[--rounds 5] [--kb 16]``.

:func:`yieldtrial.io.output.write_output` records the content about to be renamed into
place (``_record_next``: one more manifest write, with its ``fsync``) so that a run killed
between the rename and the record leaves an output the next run recognises.  The peer is
the same call with ``_record_next`` patched to do nothing (the write before stop 40), in the
same process, rounds alternating.  Wall time (``time.perf_counter``), not CPU time: the cost
is the manifest's ``fsync`` and folder ``fsync``, time the process waits for the disk.
Prints the fastest round of each, per file, and their ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from yieldtrial.io import output


def _round(files: int, kb: int, with_next: bool) -> float:
    real = output._record_next
    if not with_next:
        output._record_next = lambda *args: None  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as folder:
            text = "<p>yield</p>" * (kb * 1024 // 12)
            start = time.perf_counter()
            for i in range(files):  # 12 outputs rewritten in turn, as a demo's reports
                output.write_output(Path(folder) / f"r{i % 12}.html", f"{i}{text}")
            return time.perf_counter() - start
    finally:
        output._record_next = real  # type: ignore[assignment]


def main() -> None:
    """Time write_output with and without the record before the rename."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--kb", type=int, default=16)
    args = parser.parse_args()
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.rounds):
        for with_next in (False, True):
            times[with_next].append(_round(args.files, args.kb, with_next))
    before, after = min(times[False]), min(times[True])
    per = 1000.0 / args.files
    print(
        f"write_output x{args.files} ({args.kb} kB): without next {before * per:.2f} ms/file, "
        f"with next {after * per:.2f} ms/file, ratio {after / before:.2f}"
    )


if __name__ == "__main__":
    main()
