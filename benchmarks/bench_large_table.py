"""Benchmark: ``standardize`` and ``report`` on a 200 MB plot table vs ``pandas.read_csv``.

Generates (once) a plot table of about 200 MB in the temporary folder: one RCBD trial,
40 treatments, 150,000 blocks, 6,000,000 plots, columns ``plot_id, block, treatment,
harvested_area_m2, fresh_mass_kg, moisture_pct, impurity_pct`` (the shape a yield-test
export has), and prints:

1. time: ``pandas.read_csv(path)`` with defaults (the peer) and
   ``yieldtrial standardize path --crop wheat -o out.csv`` (and optionally ``report``),
   run in one child process, interleaved over several rounds; the ratio is the median
   over rounds of standardize / read_csv (each run with ``--force``); and what a rerun
   without ``--force`` adds: recognising the output as yieldtrial's own
   (``yieldtrial.io.output.check_output``);
2. peak memory: the maximum resident set size of a fresh child process that does only
   the one thing (``VmHWM``), against the file size; for ``report`` also the resident
   memory and the peak so far at the end of each step it names (reading, fitting, residual
   checks, letters, comparisons, building, writing), which says where the peak is set;
3. wall and CPU time of each round (``time.process_time`` of the child, all threads), and
   the phases of the in-memory path;
4. with ``--floor``, what the output costs on its own: pyarrow's parse, the SHA-256 and the
   durable write of the written output, and a *minimal standardize*: the same eleven
   columns (the two computed ones at full precision) from pyarrow's reader, two NumPy
   columns and pyarrow's CSV writer, through the hashing writer with its ``fsync``, on one
   thread, with no check, no pandas and no pipeline (input numbers as pyarrow spells them,
   ``20`` for ``20.0``): what a straightforward implementation of this output costs with
   these tools before any check.

``standardize`` streams a table this large (``yieldtrial.io.streaming``); the phases are
those of the in-memory path that ``report`` and smaller tables take.

Usage::

    python benchmarks/bench_large_table.py                 # 200 MB, standardize
    python benchmarks/bench_large_table.py --report        # also `report` (slow)
    python benchmarks/bench_large_table.py --mb 20         # a smaller file
    python benchmarks/bench_large_table.py --discard       # remove the table it generated
    python benchmarks/bench_large_table.py --stages        # also CPU per streamed step
    python benchmarks/bench_large_table.py --floor         # also the output's own cost and
                                                           # a minimal standardize
    python benchmarks/bench_large_table.py --block-mib 6   # streamed blocks of 6 MiB

The outputs go to a private temporary folder of their own (``--out-dir`` to choose where it
is made), so runs of several people on one machine do not write over each other's output,
and no output is written next to the table or over a file already in ``--out-dir``.

The table lives in a folder shared by everyone on the machine (``<tmp>/yieldtrial-bench``)
and is kept there: a later run, or one running beside this one, reuses it (generating 200 MB
takes minutes). A run never deletes a table it did not generate itself; ``--discard`` removes
the table this run generated, and only when it is still the file this run wrote (not one
another run put there since). ``--keep``, once needed to keep it, is now the default.

Not run by the test suite (no ``test_`` prefix, outside ``testpaths``); the readings go
to ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TREATMENTS = 40
BYTES_PER_ROW = 35.5  # measured on the generated rows


def output_folder(parent: Path | None) -> Path:
    """Return a new private folder for the outputs (inside ``parent`` when given).

    Always a fresh folder of its own: ``--out-dir`` naming the table's folder, or a folder
    holding a file ``out.csv`` of the user's, never gets an output next to the table or over
    (and then deleted with) a file that was there.
    """
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="yieldtrial-bench-out-", dir=parent))


def file_stamp(path: Path) -> tuple[int, int, int, int]:
    """Identify the file at ``path``: device, inode, size and modification time [ns]."""
    info = path.stat()
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def discard_table(path: Path, stamp: tuple[int, int, int, int] | None) -> bool:
    """Remove the table this run generated (``stamp``: its :func:`file_stamp`); say whether.

    ``stamp`` is None for a table this run did not generate (an earlier run's, reused):
    it is kept. A table that another run has put at ``path`` since (another inode, size
    or time) is kept too; so is a path with no file left.
    """
    if stamp is None:
        return False
    try:
        if file_stamp(path) != stamp:
            return False
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def end_of_run(path: Path, stamp: tuple[int, int, int, int] | None, *, discard: bool) -> str:
    """Keep the shared table, or with ``discard`` remove the one this run generated; say which."""
    if not discard:
        return f"kept {path} for later runs"
    if discard_table(path, stamp):
        return f"removed {path} (generated by this run; --discard)"
    return f"kept {path}: not the table this run generated (--discard removes only that)"


def generate(path: Path, megabytes: float, seed: int = 1) -> int:
    """Write the plot table (numpy-vectorized, in chunks); return the number of plots.

    Written under another name and renamed when complete: an interrupted run leaves no
    half table that a later run would reuse as "a table left by an earlier run".
    """
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        rows = _write_table(part, megabytes, seed)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return rows


def _write_table(path: Path, megabytes: float, seed: int) -> int:
    rows = int(megabytes * 1024 * 1024 / BYTES_PER_ROW) // TREATMENTS * TREATMENTS
    rng = np.random.default_rng(seed)
    chunk = 500_000 // TREATMENTS * TREATMENTS
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            "plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct,impurity_pct\n"
        )
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            index = np.arange(start, start + n)
            plot = (index + 100_001).astype(str)
            block = (index // TREATMENTS + 1).astype(str)
            treatment = np.strings.add("T", (index % TREATMENTS).astype(str))
            mass = np.round(rng.normal(15.0, 1.2, n), 2)
            moisture = np.round(rng.normal(13.0, 1.0, n), 1)
            impurity = np.round(rng.uniform(0.0, 2.0, n), 1)
            columns = [
                plot,
                block,
                treatment,
                np.full(n, "20"),
                mass.astype(str),
                moisture.astype(str),
                impurity.astype(str),
            ]
            line = columns[0]
            for column in columns[1:]:
                line = np.strings.add(np.strings.add(line, ","), column)
            handle.write("\n".join(line.tolist()) + "\n")
    return rows


#: Run first in every child: the streamed block size of ``--block-mib`` (else the library's).
CHILD_SETUP = r"""
import os
if os.environ.get("BENCH_BLOCK_MIB"):
    from yieldtrial.io import streaming
    streaming.STREAM_BLOCK_BYTES = int(float(os.environ["BENCH_BLOCK_MIB"]) * 2**20)
"""

CHILD_TIMING = (
    CHILD_SETUP
    + r"""
import json, sys, time
import pandas as pd
from yieldtrial.cli import main
from yieldtrial.io.output import check_output
path, out, rounds, report = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
results = []
for r in range(rounds):
    t, c = time.perf_counter(), time.process_time(); pd.read_csv(path)
    read, read_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    code = main(["standardize", path, "--crop", "wheat", "-o", out, "--force"])
    std, std_cpu = time.perf_counter() - t, time.process_time() - c
    # what a rerun without --force adds: recognising the existing output as our own
    t = time.perf_counter(); check_output(out); own = time.perf_counter() - t
    row = {"read_csv": read, "standardize": std, "code": code, "read_csv_cpu": read_cpu,
           "standardize_cpu": std_cpu, "own_check": own}
    if report:
        t, c = time.perf_counter(), time.process_time()
        code = main(["report", path, "--crop", "wheat", "--no-figures", "-o", out + ".md",
                     "--force"])
        row["report"] = time.perf_counter() - t
        row["report_cpu"] = time.process_time() - c
        row["report_code"] = code
    results.append(row)
print(json.dumps(results))
"""
)

CHILD_PHASES = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import pandas as pd
from yieldtrial.io.csv_out import write_csv
from yieldtrial.io.table_files import read_table_file
from yieldtrial.io.plots import numeric_headers
from yieldtrial.trial import FieldTrial
from pathlib import Path
path, out = sys.argv[1], sys.argv[2]
t = time.perf_counter(); pd.read_csv(path); base = time.perf_counter() - t
t = time.perf_counter(); read_table_file(Path(path), sheet=None, encoding=None,
                                         numeric=numeric_headers(None))
raw = time.perf_counter() - t
t = time.perf_counter()
trial = FieldTrial.from_csv(path, crop="wheat")
build = time.perf_counter() - t
t = time.perf_counter(); table = trial.yields(); yields = time.perf_counter() - t
t = time.perf_counter()
with open(out, "wb") as handle:
    write_csv(handle, table, bom=True)
write = time.perf_counter() - t
print(json.dumps({"read_csv": base, "read_table_file": raw, "from_csv": build,
                  "yields": yields, "write_csv": write}))
"""

CHILD_STAGES = (
    CHILD_SETUP
    + r"""
import json, sys, time, warnings
from pathlib import Path
import pandas as pd
from yieldtrial.io import streaming as s, yields as Y
from yieldtrial.io.csv_out import rows_buffer
warnings.simplefilter("ignore")
# each step on its own: pyarrow's reader unpaced, so it parses a block inside next(); paced
# (the command's reader, streaming.READ_AHEAD_BLOCKS) it parses the next block on its own
# threads while this one is checked, and the checks' CPU time would include that parse
s.READ_AHEAD_BLOCKS = 1 << 30
path = Path(sys.argv[1])
cpu = {}
def timed(name, func, *args, **kwargs):
    start = time.process_time()
    result = func(*args, **kwargs)
    cpu[name] = cpu.get(name, 0.0) + time.process_time() - start
    return result
timed("read_csv", pd.read_csv, path)
st = s._settings("wheat", "cn-yield-test", None, "dry_matter", None, "kg/ha")
options = dict(crop=st.crop, standard_moisture_pct=st.standard_moisture_pct,
               moisture_method=st.moisture_method)
totals = s._Totals()
blocks = s._raw_blocks(s._open(path, None), s.STREAM_BLOCK_BYTES)
while (raw := timed("parse", next, blocks, None)) is not None:
    plots = timed("checks", s._block_plots, raw, path.name, None)
    mass = timed("yields and table", Y.standardized_plot_mass_kg, plots,
                 standard_moisture_pct=st.standard_moisture_pct,
                 moisture_method=st.moisture_method)
    yields = timed("yields and table", Y.plot_yield_kg_ha, plots, **options,
                   standardized_mass_kg=mass)
    timed("accumulators", totals.add, plots, yields, st)
    table = timed("yields and table", Y.yields_table, plots, yields, unit=st.unit, **options,
                  standardized_mass_kg=mass)
    timed("CSV spelling", rows_buffer, table)
print(json.dumps(cpu))
"""
)

CHILD_FLOOR = (
    CHILD_SETUP
    + r"""
import hashlib, json, resource, sys, time
from pathlib import Path
import pandas as pd
import pyarrow as pa, pyarrow.csv as pcsv
from yieldtrial.io import streaming as s
from yieldtrial.io.output import atomic_write_stream
path, written, target = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
result = {}
start = time.process_time(); pd.read_csv(path); result["read_csv"] = time.process_time() - start
source = s._open(path, None)
names = [f"c{i}" for i in range(len(source.header))]
types = {n: (pa.string() if i in source.text_columns else pa.float64())
         for i, n in enumerate(names)}
start = time.process_time()
for _ in pcsv.open_csv(path, read_options=pcsv.ReadOptions(
        skip_rows=1, column_names=names, block_size=s.STREAM_BLOCK_BYTES),
        convert_options=pcsv.ConvertOptions(column_types=types)):
    pass
result["parse only (pyarrow, the streamed reader's types)"] = time.process_time() - start
data = written.read_bytes()
start = time.process_time(); hashlib.sha256(data).digest()
result["SHA-256 of the output"] = time.process_time() - start
piece = 11 << 20
def write(handle):
    view = memoryview(data)
    for offset in range(0, len(data), piece):
        handle.write(view[offset : offset + piece])
before, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
atomic_write_stream(target, write)
after = resource.getrusage(resource.RUSAGE_SELF)
result["durable write of the output: wall"] = time.perf_counter() - wall
result["durable write of the output: user (the hash)"] = after.ru_utime - before.ru_utime
result["durable write of the output: system"] = after.ru_stime - before.ru_stime
target.unlink()
del data
# the floor of the command as a whole: the same rows written (eleven columns, the two computed
# ones at full precision) with no check, no pandas and no thread of ours: pyarrow's reader,
# two numpy columns, pyarrow's writer, the hashing writer's fsync and rename
import numpy as np
def minimal(handle):
    handle.write(b"\xef\xbb\xbf" + (",".join(source.header) + ",standardized_mass_kg,"
                 "standard_moisture_pct,moisture_method,yield_kg_ha\n").encode())
    reader = pcsv.open_csv(path, read_options=pcsv.ReadOptions(
        skip_rows=1, column_names=names, block_size=s.STREAM_BLOCK_BYTES),
        convert_options=pcsv.ConvertOptions(column_types=types))
    for batch in reader:
        n = batch.num_rows
        area, fresh, moisture, impurity = (batch.column(i).to_numpy() for i in (3, 4, 5, 6))
        mass = fresh * (1 - impurity / 100) * (100 - moisture) / (100 - 13.0)
        columns = [*batch.columns, pa.array(mass), pa.array(np.full(n, 13.0)),
                   pa.array(np.full(n, "dry_matter")), pa.array(mass * 10_000 / area)]
        table = pa.Table.from_arrays(columns, names=[f"o{i}" for i in range(len(columns))])
        sink = pa.BufferOutputStream()
        pcsv.write_csv(table, sink, pcsv.WriteOptions(
            include_header=False, quoting_style="none", batch_size=max(n, 1)))
        handle.write(memoryview(sink.getvalue()))
wall, cpu = time.perf_counter(), time.process_time()
atomic_write_stream(target, minimal)
result["minimal standardize (no checks, one thread): wall"] = time.perf_counter() - wall
result["minimal standardize (no checks, one thread): CPU"] = time.process_time() - cpu
target.unlink()
print(json.dumps({"bytes": written.stat().st_size, **result}))
"""
)

CHILD_MEMORY = (
    CHILD_SETUP
    + r"""
import resource, sys
what, path, out = sys.argv[1], sys.argv[2], sys.argv[3]
code = 0
if what == "read_csv":
    import pandas as pd
    pd.read_csv(path)
elif what == "import":
    import pandas, yieldtrial.cli  # noqa: F401
else:
    phases = []
    if what == "report":
        # memory at the end of each step the command names (yieldtrial.io.progress.stage):
        # resident now and the high-water mark so far [KiB], in the order the steps end
        import contextlib
        from yieldtrial.io import progress
        from yieldtrial.report import context

        named = progress.stage

        def vm_kib(key):
            for line in open("/proc/self/status", encoding="ascii"):
                if line.startswith(key):
                    return int(line.split()[1])
            return 0

        @contextlib.contextmanager
        def stage(step):
            with named(step):
                yield
            phases.append((step, vm_kib("VmRSS:"), vm_kib("VmHWM:")))

        progress.stage = context.stage = stage
    from yieldtrial.cli import main
    extra = ["--no-figures"] if what == "report" else []
    code = main([what, path, "--crop", "wheat", *extra, "-o", out, "--force"])
    for step, rss, hwm in phases:
        print(f"phase {rss} {hwm} {step}")
def peak_kib():
    # VmHWM is this process's own high-water mark; ru_maxrss on Linux also counts the
    # memory of the parent that forked it before exec
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak_kib(), code)
"""
)


def _peak_rss_mib(args: list[str], env: dict[str, str]) -> tuple[float, int, list[str]]:
    """Run a child doing one thing; return its peak RSS [MiB], exit status and phase lines.

    The phase lines (``report`` only): resident memory and the peak so far at the end of
    each step the command names, so a reading says which step sets the peak.
    """
    done = subprocess.run(
        [sys.executable, "-c", CHILD_MEMORY, *args], env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines() or ["0 1"]
    last = lines[-1].split()
    phases = []
    for line in lines[:-1]:  # report: memory at the end of each of its steps
        if line.startswith("phase "):
            _, rss, hwm, step = line.split(" ", 3)
            phases.append(
                f"      after {step[:34]:34s} resident {int(rss) / 1024:6.0f} MiB, "
                f"peak so far {int(hwm) / 1024:6.0f} MiB"
            )
    return int(last[0]) / 1024.0, int(last[1]), phases


def main() -> None:
    """Run the benchmark and print the readings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="file size [MB]")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    parser.add_argument("--report", action="store_true", help="also time `report`")
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated table (the default; no effect)"
    )
    parser.add_argument(
        "--discard",
        action="store_true",
        help="remove the table at the end if this run generated it (default: keep it for "
        "later runs; a table this run did not generate is never removed)",
    )
    parser.add_argument(
        "--stages", action="store_true", help="also the CPU time of each streamed step"
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also what the output costs on its own: parse, hash, durable write, and a "
        "minimal standardize (no checks, one thread)",
    )
    parser.add_argument("--block-mib", type=float, default=None, help="streamed block size [MiB]")
    parser.add_argument(
        "--out-dir", type=Path, default=None, help="where the private output folder is made"
    )
    args = parser.parse_args()

    folder = Path(tempfile.gettempdir()) / "yieldtrial-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"plots-{args.mb:g}mb.csv"
    stamp = None  # the file this run generated, if it did (--discard removes only that)
    if not path.exists():  # a table from an earlier run is reused; in a child, so this
        # process stays small
        started = time.perf_counter()
        code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); " + (
            f"import bench_large_table as b; print(b.generate(__import__('pathlib')."
            f"Path({str(path)!r}), {args.mb!r}))"
        )
        rows = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout.strip())  # fmt: skip
        stamp = file_stamp(path)
        print(f"generated {path} ({rows:,} plots) in {time.perf_counter() - started:.0f} s")
    size = path.stat().st_size
    out_dir = output_folder(args.out_dir)
    out = out_dir / "out.csv"
    env = dict(os.environ)
    if args.block_mib is not None:
        env["BENCH_BLOCK_MIB"] = str(args.block_mib)
    src = Path(__file__).resolve().parents[1] / "src"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH", "")]))

    import pandas as pd

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} logical CPUs, Python "
        f"{platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}; "
        f"load average {', '.join(f'{v:.1f}' for v in os.getloadavg())}"
    )
    print(f"file: {size / 1e6:.0f} MB ({size / 2**20:.0f} MiB), {path}")
    if args.block_mib is not None:
        print(f"streamed blocks of {args.block_mib:g} MiB (--block-mib)")

    print("peak resident memory (fresh process each):")
    for what in ["import", "read_csv", "standardize"] + (["report"] if args.report else []):
        target = str(out) + (".md" if what == "report" else "")
        peak, code, phases = _peak_rss_mib([what, str(path), target], env)
        print(
            f"  {what:12s} {peak:8.0f} MiB  = {peak * 2**20 / size:4.2f} x the file  (exit {code})"
        )
        for line in phases:
            print(line)

    print(f"time, {args.rounds} interleaved rounds in one child process:")
    child = subprocess.run(
        [sys.executable, "-c", CHILD_TIMING, str(path), str(out), str(args.rounds),
         "1" if args.report else "0"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if child.returncode != 0:
        print(child.stderr)
        raise SystemExit(1)
    rounds = json.loads(child.stdout.strip().splitlines()[-1])
    for row in rounds:
        line = f"  read_csv {row['read_csv']:6.1f} s   standardize {row['standardize']:6.1f} s"
        if "report" in row:
            line += f"   report {row['report']:6.1f} s ({row['report_cpu']:.1f} s CPU)"
        line += f"   ratio {row['standardize'] / row['read_csv']:.2f}"
        line += f"   (rerun without --force: + {row['own_check']:.2f} s)"
        cpu_ratio = row["standardize_cpu"] / row["read_csv_cpu"]
        line += (
            f"   (CPU: read_csv {row['read_csv_cpu']:.1f} s, standardize "
            f"{row['standardize_cpu']:.1f} s, ratio {cpu_ratio:.2f})"
        )
        print(line)
    ratio = statistics.median(r["standardize"] / r["read_csv"] for r in rounds)
    cpu = statistics.median(r["standardize_cpu"] / r["read_csv_cpu"] for r in rounds)
    print(f"standardize / pandas.read_csv: median ratio {ratio:.2f} (target <= 2); CPU {cpu:.2f}")
    print(f"load average after the rounds: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    if args.report:
        ratio = statistics.median(r["report"] / r["read_csv"] for r in rounds)
        cpu = statistics.median(r["report_cpu"] / r["read_csv_cpu"] for r in rounds)
        print(f"report / pandas.read_csv: median ratio {ratio:.2f} (target <= 2); CPU {cpu:.2f}")
    if args.stages:
        print(
            "CPU time of the streamed steps, one after the other on one thread (ratio to "
            "pandas.read_csv's CPU time in the same process):"
        )
        child = subprocess.run(
            [sys.executable, "-c", CHILD_STAGES, str(path)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if child.returncode == 0:
            stages = json.loads(child.stdout.strip().splitlines()[-1])
            for name, seconds in stages.items():
                print(f"  {name:16s} {seconds:6.2f} s  {seconds / stages['read_csv']:5.2f} x")
    print(
        "phases of the in-memory path (report, and standardize below the streaming threshold "
        "or after a fallback), one child process (ratio to pandas.read_csv):"
    )
    child = subprocess.run(
        [sys.executable, "-c", CHILD_PHASES, str(path), str(out)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if child.returncode == 0:
        phases = json.loads(child.stdout.strip().splitlines()[-1])
        for name, seconds in phases.items():
            print(f"  {name:16s} {seconds:6.1f} s  {seconds / phases['read_csv']:5.2f} x")
    if args.floor and out.exists():
        print("what the output costs on its own (one child process; CPU unless said):")
        child = subprocess.run(
            [sys.executable, "-c", CHILD_FLOOR, str(path), str(out), str(out_dir / "floor.csv")],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if child.returncode == 0:
            floor = json.loads(child.stdout.strip().splitlines()[-1])
            size_out = floor.pop("bytes")
            print(f"  output: {size_out / 1e6:.0f} MB")
            for name, seconds in floor.items():
                print(f"  {name:50s} {seconds:6.2f} s  {seconds / floor['read_csv']:5.2f} x")
        else:
            print(child.stderr)
    import shutil

    shutil.rmtree(out_dir, ignore_errors=True)  # the private folder and all it holds
    print(end_of_run(path, stamp, discard=args.discard))


if __name__ == "__main__":
    main()
