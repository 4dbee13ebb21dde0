"""The private output folder and the atomic table of benchmarks/bench_large_table.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_large_table.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_large_table", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_output_folder_is_new_inside_the_given_folder(bench, tmp_path: Path) -> None:
    """--out-dir naming the table's folder: a new folder inside; the files there untouched."""
    table = tmp_path / "plots-200mb.csv"
    table.write_bytes(b"the table")
    mine = tmp_path / "out.csv"
    mine.write_bytes(b"the user's own out.csv")
    folder = bench.output_folder(tmp_path)
    assert folder.parent == tmp_path and folder.is_dir() and not any(folder.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [folder.name, "out.csv", "plots-200mb.csv"]
    )
    assert table.read_bytes() == b"the table" and mine.read_bytes() == b"the user's own out.csv"


def test_output_folder_of_two_runs_differ(bench, tmp_path: Path) -> None:
    assert bench.output_folder(tmp_path) != bench.output_folder(tmp_path)


def test_interrupted_generation_leaves_no_table(bench, tmp_path: Path, monkeypatch) -> None:
    """A generation that fails midway leaves neither the table nor its part file."""

    def fail(path: Path, megabytes: float, seed: int) -> int:
        path.write_text("plot_id,block\n1,", encoding="utf-8")  # half a table
        raise KeyboardInterrupt

    monkeypatch.setattr(bench, "_write_table", fail)
    with pytest.raises(KeyboardInterrupt):
        bench.generate(tmp_path / "plots-1mb.csv", 1.0)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(np, "strings"), reason="the generator needs numpy >= 2")
def test_generated_table_is_complete_and_alone(bench, tmp_path: Path) -> None:
    """0.01 MB: 280 plots (a multiple of the 40 treatments), header and rows, no part file."""
    path = tmp_path / "plots.csv"
    rows = bench.generate(path, 0.01)
    assert rows == int(0.01 * 1024 * 1024 / bench.BYTES_PER_ROW) // 40 * 40 == 280
    assert len(path.read_text(encoding="utf-8").splitlines()) == rows + 1
    assert [p.name for p in tmp_path.iterdir()] == ["plots.csv"]


def test_a_table_this_run_did_not_generate_is_never_discarded(bench, tmp_path: Path) -> None:
    """A table reused from an earlier run (no stamp of this run) stays (stop 36)."""
    table = tmp_path / "plots-1mb.csv"
    table.write_bytes(b"an earlier run's table")
    assert bench.discard_table(table, None) is False
    assert table.read_bytes() == b"an earlier run's table"


def test_the_table_this_run_generated_is_discarded_on_request(bench, tmp_path: Path) -> None:
    """--discard with the stamp of the file this run wrote: that file goes."""
    table = tmp_path / "plots-1mb.csv"
    table.write_bytes(b"this run's table")
    assert bench.discard_table(table, bench.file_stamp(table)) is True
    assert not table.exists()
    assert bench.discard_table(table, (0, 0, 0, 0)) is False  # no file left: nothing to do


def test_a_table_another_run_put_in_place_since_is_kept(bench, tmp_path: Path) -> None:
    """Another run generated the same path after this one (os.replace, a new inode): kept."""
    table = tmp_path / "plots-1mb.csv"
    table.write_bytes(b"this run's table")
    stamp = bench.file_stamp(table)
    other = tmp_path / "other.part"
    other.write_bytes(b"another run's table!")
    other.replace(table)
    assert bench.discard_table(table, stamp) is False
    assert table.read_bytes() == b"another run's table!"


def test_the_generated_table_is_kept_by_default(bench, tmp_path: Path) -> None:
    """The shared table this run generated stays for later runs without --discard (stop 36)."""
    table = tmp_path / "plots-1mb.csv"
    table.write_bytes(b"this run's table")
    line = bench.end_of_run(table, bench.file_stamp(table), discard=False)
    assert line == f"kept {table} for later runs" and table.exists()
    line = bench.end_of_run(table, bench.file_stamp(table), discard=True)
    assert line.startswith("removed ") and not table.exists()


def test_report_memory_child_names_each_step(bench, tmp_path: Path) -> None:
    """The report's memory reading lists the resident size at the end of each named step."""
    import os

    table = tmp_path / "plots.csv"
    rows = ["plot_id,block,treatment,harvested_area_m2,fresh_mass_kg,moisture_pct"]
    rows += [f"{i},{i // 3 + 1},T{i % 3},20,{15 + (i * 7) % 5 / 10},13.5" for i in range(12)]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src, "OPENBLAS_NUM_THREADS": "1"}
    peak, code, phases = bench._peak_rss_mib(["report", str(table), str(tmp_path / "r.md")], env)
    assert code == 0 and peak > 0
    assert any("after reading the plot table" in line for line in phases)
    assert any("after building the report" in line for line in phases)
