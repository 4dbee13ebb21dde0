"""Streamed ``standardize``: the in-memory path's bytes, messages and exit codes, block by block.

Every test runs ``yieldtrial standardize`` twice on the same table: once in memory (the
reference: the threshold set above the file size) and once streamed (threshold 0, blocks of
a few hundred bytes, so a table of a few hundred plots spans many blocks), and compares the
output file, standard error and exit status.  A spy records whether the streamed run really
streamed or fell back to the in-memory path.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

import yieldtrial.commands.standardize as standardize_command
from yieldtrial.cli import main
from yieldtrial.io import _arrow, streaming
from yieldtrial.io.streaming import StreamFallback

BLOCK_BYTES = 600  # ~17 rows of the tables below per block


def _table(n: int = 400, *, seed: int = 3) -> pd.DataFrame:
    """Return an RCBD plot table: 8 treatments, n / 8 blocks, realistic wheat values."""
    rng = np.random.default_rng(seed)
    index = np.arange(n)
    return pd.DataFrame(
        {
            "plot_id": (index + 101).astype(str),
            "block": (index // 8 + 1).astype(str),
            "treatment": np.array([f"T{i}" for i in range(8)])[index % 8],
            "harvested_area_m2": np.full(n, 20.0),
            "fresh_mass_kg": np.round(rng.normal(15.0, 1.2, n), 2),
            "moisture_pct": np.round(rng.normal(14.0, 0.8, n), 1),
            "impurity_pct": np.round(rng.uniform(0.0, 2.0, n), 1),
        }
    )


def _write(frame: pd.DataFrame, path) -> bytes:
    frame.to_csv(path, index=False)
    return path.read_bytes()


@pytest.fixture(params=["arrow", "pandas"])
def spy(request, monkeypatch):
    """Record each streamed attempt: 'streamed' or 'fallback'.

    Each test runs with both readers: pyarrow's streaming reader (skipped when pyarrow or
    pandas' NaN-valued string dtype, pandas >= 2.3, is missing) and pandas' C engine in
    blocks of rows (what an installation without pyarrow streams with).
    """
    if request.param == "arrow" and not streaming.arrow_reader():
        pytest.skip("pyarrow's reader needs pyarrow and pandas >= 2.3")
    if request.param == "pandas":
        monkeypatch.setattr(streaming, "arrow_reader", lambda: False)
    calls: list[str] = []
    real = streaming.standardize_csv_stream

    def recording(*args, **kwargs):
        try:
            result = real(*args, **kwargs)
        except StreamFallback:
            calls.append("fallback")
            raise
        calls.append("streamed")
        return result

    monkeypatch.setattr(streaming, "standardize_csv_stream", recording)
    monkeypatch.setattr(streaming, "STREAM_BLOCK_BYTES", BLOCK_BYTES)
    return calls


def _run(monkeypatch, capsys, path, out, *, stream: bool, extra=()):
    monkeypatch.setattr(standardize_command, "STREAM_MIN_BYTES", 0 if stream else 1 << 40)
    code = main(["standardize", str(path), "--crop", "wheat", "-o", str(out), "--force", *extra])
    captured = capsys.readouterr()
    data = out.read_bytes() if out.exists() else None
    if out.exists():
        out.unlink()
    return code, captured.err, data


def _both(monkeypatch, capsys, tmp_path, frame, extra=()):
    path = tmp_path / "plots.csv"
    original = _write(frame, path)
    out = tmp_path / "out.csv"
    memory = _run(monkeypatch, capsys, path, out, stream=False, extra=extra)
    streamed = _run(monkeypatch, capsys, path, out, stream=True, extra=extra)
    assert path.read_bytes() == original  # the input is never touched
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    return memory, streamed


def test_streamed_output_is_byte_identical(monkeypatch, capsys, tmp_path, spy):
    """Many blocks, one output: the same bytes and the same 'wrote' line as in memory."""
    memory, streamed = _both(monkeypatch, capsys, tmp_path, _table())
    assert spy == ["streamed"]
    assert memory[0] == streamed[0] == 0
    assert streamed[2] == memory[2]
    assert streamed[1] == memory[1]
    assert "wrote" in streamed[1]


def test_streamed_output_other_unit_and_method(monkeypatch, capsys, tmp_path, spy):
    """Per-plot settings (--unit, --method) are streamed with identical bytes."""
    extra = ("--unit", "kg/mu", "--method", "percentage_point")
    memory, streamed = _both(monkeypatch, capsys, tmp_path, _table(), extra)
    assert spy == ["streamed"]
    assert streamed == memory


def test_streamed_warnings_accumulate_across_blocks(monkeypatch, capsys, tmp_path, spy):
    """Low wheat moisture in 7 blocks, an implausible yield and fraction-like impurity.

    The warnings list the first five plots and 'and N more' over the whole table, as in
    memory, and come in the same order.
    """
    frame = _table()
    frame["impurity_pct"] = np.round(np.linspace(0.0, 0.9, len(frame)), 2)  # all in [0, 1)
    for row in (3, 60, 120, 180, 240, 300, 390):
        frame.loc[row, "moisture_pct"] = 5.0  # below wheat's plausible 8 %
    frame.loc[200, "harvested_area_m2"] = 0.02  # a m2 / mu slip: > 40 t/ha
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert spy == ["streamed"]
    assert streamed == memory
    lines = streamed[1].splitlines()
    assert lines[0].startswith("yieldtrial: warning: every impurity_pct value lies in [0, 1)")
    assert "and 2 more" in lines[1] and "moisture_pct outside" in lines[1]
    assert "standardized yield above" in lines[2]


def test_streamed_missing_plots_note(monkeypatch, capsys, tmp_path, spy):
    """Missing plots in several blocks: the note counts them all and names the first five."""
    frame = _table()
    frame["fresh_mass_kg"] = frame["fresh_mass_kg"].astype(object)
    for row in (10, 50, 90, 130, 170, 210, 399):
        frame.loc[row, ["fresh_mass_kg"]] = None
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert spy == ["streamed"]
    assert streamed == memory
    assert "7 missing plot(s)" in streamed[1] and "and 2 more" in streamed[1]


def test_error_in_late_block_leaves_no_output(monkeypatch, capsys, tmp_path, spy):
    """A moisture of 150 % in the last row: exit 1, the in-memory message, no output file."""
    frame = _table()
    frame.loc[len(frame) - 1, "moisture_pct"] = 150.0
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert spy == ["fallback"]
    assert streamed == memory
    assert streamed[0] == 1 and streamed[2] is None
    assert "moisture_pct" in streamed[1] and "plot '500'" in streamed[1]


def test_error_in_late_block_keeps_previous_output(monkeypatch, capsys, tmp_path, spy):
    """An earlier output of the same name is left as it was when a late block fails."""
    frame = _table()
    frame.loc[len(frame) - 1, "fresh_mass_kg"] = -3.0
    path = tmp_path / "plots.csv"
    _write(frame, path)
    out = tmp_path / "out.csv"
    monkeypatch.setattr(standardize_command, "STREAM_MIN_BYTES", 0)
    out.write_bytes(b"earlier output\n")
    code = main(["standardize", str(path), "--crop", "wheat", "-o", str(out), "--force"])
    assert code == 1
    assert out.read_bytes() == b"earlier output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "plots.csv"]


def test_duplicate_ids_across_blocks(monkeypatch, capsys, tmp_path, spy):
    """Plot 101 in the first and the last block: the same error and exit code as in memory."""
    frame = _table()
    frame.loc[len(frame) - 1, "plot_id"] = "101"
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert spy == ["fallback"]
    assert streamed == memory
    assert streamed[0] == 1 and "duplicate plot ids: '101' (2 times)" in streamed[1]


def test_duplicate_ids_after_normalisation_across_blocks(monkeypatch, capsys, tmp_path, spy):
    """'101' early and '101.0' (a spreadsheet's integer) late are one id: an error."""
    frame = _table()
    frame.loc[len(frame) - 1, "plot_id"] = "101.0"
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert streamed == memory
    assert spy == ["fallback"]
    assert streamed[0] == 1 and "duplicate plot ids" in streamed[1]


def test_duplicate_text_ids_across_blocks(monkeypatch, capsys, tmp_path, spy):
    """Text ids (hashed, not integers) repeated across blocks are found too."""
    frame = _table()
    frame["plot_id"] = "P" + frame["plot_id"]
    frame.loc[len(frame) - 1, "plot_id"] = "P102"
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert spy == ["fallback"]
    assert streamed == memory
    assert streamed[0] == 1 and "'P102' (2 times)" in streamed[1]


def test_moisture_fraction_column(monkeypatch, capsys, tmp_path, spy):
    """Moisture recorded as fractions (0.14) in every block: the in-memory error, exit 1."""
    frame = _table()
    frame["moisture_pct"] = frame["moisture_pct"] / 100
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert streamed == memory
    assert streamed[0] == 1 and "looks like fractions" in streamed[1]


def test_moisture_fraction_in_one_block_only(monkeypatch, capsys, tmp_path, spy):
    """Fraction-like values in one block but percent elsewhere: the in-memory error, exit 1.

    0.5 among percentages is a fraction typed by mistake (stop 33; it passed with the
    implausible-moisture warning before): the block alone looks like fractions, the whole
    table has fractions among percentages.
    """
    frame = _table()
    frame.loc[0:30, "moisture_pct"] = 0.5  # a block of them
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert spy == ["fallback"]  # the first block alone looks like fractions
    assert streamed == memory
    assert streamed[0] == 1 and "look like fractions among percentages" in streamed[1]


def test_label_variants_across_blocks(monkeypatch, capsys, tmp_path, spy):
    """'T1' early and 't1' late: the variant warning of the in-memory path, output written."""
    frame = _table()
    frame.loc[len(frame) - 7, "treatment"] = "t1"
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert streamed == memory
    assert spy == ["fallback"]
    assert streamed[0] == 0 and "differ only in upper/lower case" in streamed[1]


def test_label_variants_within_one_block(monkeypatch, capsys, tmp_path, spy):
    """'T1' and 't1' in the same block: found by the check over all blocks' labels."""
    frame = _table()
    frame.loc[1, "treatment"] = "t1"
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert streamed == memory
    assert spy == ["fallback"]
    assert "differ only in upper/lower case" in streamed[1]


def test_block_labels_with_leading_zeros_within_one_block(monkeypatch, capsys, tmp_path, spy):
    """Blocks '01' and '1' in the same block of rows: the in-memory leading-zeros warning."""
    frame = _table()
    frame.loc[:3, "block"] = "01"
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert streamed == memory
    assert spy == ["fallback"]
    assert "differ only in leading zeros" in streamed[1]


def test_label_variants_checked_once_over_all_blocks(monkeypatch, capsys, tmp_path, spy):
    """The variant check runs on the distinct labels at the end, not on every block too."""
    from yieldtrial.io import validation

    checked: list[tuple[str, ...]] = []
    real = validation.warn_label_variants

    def counting(data, columns=("treatment", "block"), **kwargs):
        checked.append(tuple(columns))
        return real(data, columns, **kwargs)

    monkeypatch.setattr(validation, "warn_label_variants", counting)
    path = tmp_path / "plots.csv"
    _write(_table(), path)
    code, _, _ = _run(monkeypatch, capsys, path, tmp_path / "out.csv", stream=True)
    assert code == 0 and spy == ["streamed"]
    assert checked == [("treatment",), ("block",)]


def test_fullwidth_label_merged_in_late_block(monkeypatch, capsys, tmp_path, spy):
    """A full-width 'Ｔ1' in a late block: merged into T1 with the in-memory warning."""
    frame = _table()
    frame.loc[len(frame) - 7, "treatment"] = "Ｔ1"
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert streamed == memory
    assert spy == ["fallback"]
    assert streamed[0] == 0 and "full-width" in streamed[1]


def test_options_needing_the_whole_table_stay_in_memory(monkeypatch, capsys, tmp_path, spy):
    """--decimals (and a control, a design, ...) keep the in-memory path."""
    memory, streamed = _both(monkeypatch, capsys, tmp_path, _table(), ("--decimals", "1"))
    assert spy == []
    assert streamed == memory


def test_layout_columns_stay_in_memory(tmp_path):
    """Row and column positions (a possible Latin square) are decided on the whole table."""
    frame = _table(16)
    frame = frame.drop(columns="block").assign(row=np.repeat(np.arange(1, 5), 4))
    frame["column"] = np.tile(np.arange(1, 5), 4)
    path = tmp_path / "plots.csv"
    _write(frame, path)
    with pytest.raises(StreamFallback):
        streaming.standardize_csv_stream(path, tmp_path / "out.csv", crop="wheat")
    assert not (tmp_path / "out.csv").exists()


def test_plot_ids_across_blocks_int_and_text():
    """An integer id of one block and the same text in a hashed block are one id."""
    ids = streaming._PlotIds()
    ids.add(pd.DataFrame({"plot_id": pd.array(["5", "900"], dtype="str")}))
    ids.add(pd.DataFrame({"plot_id": pd.array(["1", "3"], dtype="str")}))  # grows downward
    assert not ids.any_repeated()
    ids.add(pd.DataFrame({"plot_id": pd.array(["A1", "900"], dtype="str")}))
    assert ids.any_repeated()


def test_plot_ids_leading_zeros_are_text():
    """'07' and '7' are different labels: never counted as one id."""
    ids = streaming._PlotIds()
    ids.add(pd.DataFrame({"plot_id": pd.array(["7", "8"], dtype="str")}))
    ids.add(pd.DataFrame({"plot_id": pd.array(["07", "9"], dtype="str")}))
    assert not ids.any_repeated()


def test_plot_ids_repeated_in_bitmap():
    """The bitmap of integer ids finds a repeat two blocks apart."""
    ids = streaming._PlotIds()
    for start in (100, 200, 300):
        labels = [str(i) for i in range(start, start + 50)]
        ids.add(pd.DataFrame({"plot_id": pd.array(labels, dtype="str")}))
    assert not ids.any_repeated()
    ids.add(pd.DataFrame({"plot_id": pd.array(["120"], dtype="str")}))
    assert ids.any_repeated()


def test_streamed_file_hash_matches_manifest(monkeypatch, capsys, tmp_path, spy):
    """The streamed output is recorded as yieldtrial's own: a second run may replace it."""
    path = tmp_path / "plots.csv"
    _write(_table(), path)
    out = tmp_path / "out.csv"
    monkeypatch.setattr(standardize_command, "STREAM_MIN_BYTES", 0)
    assert main(["standardize", str(path), "--crop", "wheat", "-o", str(out)]) == 0
    first = hashlib.sha256(out.read_bytes()).hexdigest()
    assert main(["standardize", str(path), "--crop", "wheat", "-o", str(out)]) == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == first
    assert spy == ["streamed", "streamed"]


def test_streamed_sites_and_renamed_header(monkeypatch, capsys, tmp_path, spy):
    """A site column (ids unique per site) and a header mapped with --column stream identically."""
    frame = _table()
    frame.insert(0, "site", np.where(np.arange(len(frame)) < 200, "Jinzhong", "Taigu"))
    frame["plot_id"] = np.tile(frame["plot_id"].to_numpy()[:200], 2)  # same ids at both sites
    frame = frame.rename(columns={"fresh_mass_kg": "Netto kg"})
    extra = ("--column", "Netto kg=fresh_mass_kg")
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame, extra)
    assert spy == ["streamed"]
    assert streamed == memory
    assert memory[0] == 0


def _put(column, value):
    """Return a fault that writes ``value`` into ``column`` at one row."""

    def fault(frame, row):
        cells = frame[column].astype(object) if isinstance(value, str) else frame[column]
        frame[column] = cells.where(frame.index != row, value)

    return fault


_FAULTS = {
    "none": lambda frame, row: None,
    "moisture 150": _put("moisture_pct", 150.0),
    "moisture 5": _put("moisture_pct", 5.0),
    "negative mass": _put("fresh_mass_kg", -1.0),
    "repeated id": _put("plot_id", "101"),
    "empty treatment": _put("treatment", None),
    "text mass": _put("fresh_mass_kg", "abc"),
    "missing mass": _put("fresh_mass_kg", np.nan),
    "lower-case label": _put("treatment", "t3"),
}


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("fault", sorted(_FAULTS))
def test_property_streamed_equals_in_memory(monkeypatch, capsys, tmp_path, spy, fault):
    """Generated tables with a fault at a random row: same exit, messages and output bytes.

    Hypothesis picks the table size, the seed and the row of the fault (first, middle or
    last block); the input is never changed and no temporary file is left behind.
    """
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
    @given(n=st.integers(40, 160), seed=st.integers(0, 10_000), where=st.floats(0.0, 1.0))
    def check(n, seed, where):
        frame = _table(n, seed=seed)
        _FAULTS[fault](frame, min(int(where * n), n - 1))
        folder = tmp_path / f"case{seed}-{n}"
        folder.mkdir(exist_ok=True)
        memory, streamed = _both(monkeypatch, capsys, folder, frame)
        assert streamed == memory
        if streamed[0] != 0:
            assert streamed[2] is None  # no output under the final name

    check()


def test_streamed_notes_quoted_and_neutralised(monkeypatch, capsys, tmp_path, spy):
    """A notes column with a formula, a comma and a quote in different blocks: same bytes."""
    frame = _table()
    frame["notes"] = ""
    frame.loc[5, "notes"] = "=SUM(A1:A9)"
    frame.loc[150, "notes"] = "lodged, hand harvested"
    frame.loc[390, "notes"] = 'said "wet"'
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert spy == ["streamed"]
    assert streamed == memory
    assert b"'=SUM(A1:A9)" in streamed[2] and b'"said ""wet"""' in streamed[2]


def test_streamed_unclosed_quote_falls_back(monkeypatch, capsys, tmp_path, spy):
    """An unclosed quote late in the file (counted beside the stream): the in-memory message."""
    path = tmp_path / "plots.csv"
    lines = _write(_table(), path).decode().splitlines(keepends=True)
    lines[300] = lines[300].replace(",T", ',"T', 1)
    path.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out.csv"
    memory = _run(monkeypatch, capsys, path, out, stream=False)
    streamed = _run(monkeypatch, capsys, path, out, stream=True)
    assert spy == ["fallback"]
    assert streamed == memory
    assert memory[0] == 1 and memory[2] is None
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_odd_quotes_counts_quote_bytes(tmp_path):
    """The background count agrees with the in-memory reader's pre-check."""
    from yieldtrial.io.table_files import _odd_quote_count

    for text in ('a,b\n"x",1\n', 'a,b\n"x,1\n', "a,b\nx,1\n"):
        path = tmp_path / "t.csv"
        path.write_text(text, encoding="utf-8")
        assert streaming._odd_quotes(path) == _odd_quote_count(path)


def test_pyarrow_tip_on_a_terminal_without_pyarrow(monkeypatch, capsys, tmp_path):
    """Streaming on a terminal without pyarrow says once how to make it faster."""
    path = tmp_path / "plots.csv"
    _write(_table(), path)
    monkeypatch.setattr(streaming, "arrow_reader", lambda: False)
    monkeypatch.setattr(_arrow, "_find_spec", lambda name: None)  # not installed
    monkeypatch.setattr(standardize_command, "stderr_is_terminal", lambda: True)
    code, err, _ = _run(monkeypatch, capsys, path, tmp_path / "out.csv", stream=True)
    assert code == 0
    assert err.count(standardize_command.PYARROW_TIP) == 1


def test_no_pyarrow_tip_when_not_a_terminal(monkeypatch, capsys, tmp_path):
    path = tmp_path / "plots.csv"
    _write(_table(), path)
    monkeypatch.setattr(streaming, "arrow_reader", lambda: False)
    code, err, _ = _run(monkeypatch, capsys, path, tmp_path / "out.csv", stream=True)
    assert code == 0
    assert standardize_command.PYARROW_TIP not in err


def test_plot_ids_are_parsed_once_per_block(monkeypatch, capsys, tmp_path, spy):
    """The duplicate-id check's parse is the one the ids across blocks use: once a block."""
    from yieldtrial.io import validation

    parses: list[int] = []
    real = validation.digit_text_integers

    def counting(values):
        parses.append(len(values))
        return real(values)

    monkeypatch.setattr(validation, "digit_text_integers", counting)
    memory, streamed = _both(monkeypatch, capsys, tmp_path, _table())
    assert spy == ["streamed"] and streamed == memory
    blocks = len(parses) - 1  # the in-memory reference parses the whole table once
    assert parses[0] == 400 and sum(parses[1:]) == 400  # each streamed plot parsed once
    assert blocks > 10  # 400 plots in blocks of about 17 rows


def test_zero_padded_ids_stream_byte_identical(monkeypatch, capsys, tmp_path, spy):
    """Ids such as '0101' (digits, not canonical integers) are compared as text, as before."""
    frame = _table()
    frame["plot_id"] = frame["plot_id"].str.zfill(4)
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert spy == ["streamed"] and streamed == memory and memory[0] == 0


# ----------------------------------------------------------------------------- pacing
def _settled(got: list[bytes], expected: int) -> bool:
    """Wait (up to 5 s, for a loaded machine) until ``expected`` bytes are read; no more after."""
    import time

    deadline = time.monotonic() + 5
    while sum(map(len, got)) < expected and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # a read beyond the limit would have happened by now
    return sum(map(len, got)) == expected


def test_paced_file_reads_at_most_ahead_of_the_blocks_taken(tmp_path):
    """A read waits while ``ahead`` bytes are read beyond the blocks taken (stop 36)."""
    import threading

    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 40)  # 10,240 bytes: ten blocks of 1,024
    paced = streaming._PacedFile(path, ahead=2 * 1024, block_bytes=1024)
    paced.opened()  # as after pyarrow's open_csv
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.extend(iter(lambda: paced.read(1024), b"")))
    reader.start()
    assert _settled(got, 2 * 1024)  # two blocks ahead, then it waits
    paced.took_block()
    assert _settled(got, 3 * 1024)  # one block taken: one block further
    for _ in range(10):
        paced.took_block()
    reader.join(timeout=5)
    assert not reader.is_alive()
    assert b"".join(got) == path.read_bytes()
    paced.close()


def test_paced_file_close_lets_a_waiting_read_through(tmp_path):
    """Closing (the stream's end, an error, a fallback) never leaves the reader waiting."""
    import threading

    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 4096)
    paced = streaming._PacedFile(path, ahead=1024, block_bytes=1024)
    paced.opened()  # as after pyarrow's open_csv
    assert paced.read(1024) == b"x" * 1024
    results: list[object] = []

    def read() -> None:
        try:
            results.append(paced.read(1024))
        except ValueError as exc:  # the file was closed under it: what pyarrow then reports
            results.append(exc)

    waiting = threading.Thread(target=read)
    waiting.start()
    waiting.join(timeout=0.2)
    assert waiting.is_alive()  # waits for a block to be taken
    paced.close()
    waiting.join(timeout=5)
    assert not waiting.is_alive() and len(results) == 1


@pytest.mark.skipif(not streaming.arrow_reader(), reason="pyarrow's reader")
def test_arrow_reader_stays_a_few_blocks_ahead(monkeypatch, tmp_path):
    """The pyarrow reader reads at most READ_AHEAD_BLOCKS beyond the blocks handed over.

    Without the pacing it read up to 32 blocks ahead at once (140 MB of a 211 MB table);
    the frames are the same either way.
    """
    import time

    path = tmp_path / "plots.csv"
    _write(_table(4000), path)
    source = streaming._open(path, None)
    block = 4096
    leads: list[int] = []

    class Recording(streaming._PacedFile):
        def read(self, size: int = -1) -> bytes:
            data = super().read(size)
            leads.append(self._read - self._taken)
            return data

    monkeypatch.setattr(streaming, "_PacedFile", Recording)
    paced_frames = []
    for frame in streaming._raw_blocks(source, block):
        paced_frames.append(frame)
        time.sleep(0.002)  # a slow consumer: an unpaced reader runs far ahead meanwhile
    assert len(paced_frames) > 3 * streaming.READ_AHEAD_BLOCKS
    assert max(leads) <= (streaming.READ_AHEAD_BLOCKS + 1) * block
    monkeypatch.setattr(streaming, "READ_AHEAD_BLOCKS", 10**6)
    free = list(streaming._raw_blocks(source, block))
    pd.testing.assert_frame_equal(pd.concat(paced_frames), pd.concat(free))


def test_paced_file_gives_up_pacing_rather_than_hang(monkeypatch, tmp_path):
    """A read that waits longer than the patience for a block to be taken goes on reading."""
    import threading

    monkeypatch.setattr(streaming, "_PACE_PATIENCE_S", 0.05)
    path = tmp_path / "data.bin"
    path.write_bytes(b"y" * 3072)
    paced = streaming._PacedFile(path, ahead=1024, block_bytes=1024)
    paced.opened()  # as after pyarrow's open_csv
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.extend(iter(lambda: paced.read(1024), b"")))
    reader.start()
    reader.join(timeout=5)  # no block is ever taken
    assert not reader.is_alive()
    assert b"".join(got) == path.read_bytes()
    paced.close()


@pytest.mark.skipif(not streaming.arrow_reader(), reason="pyarrow's reader")
def test_arrow_reader_failing_first_block_never_waits_the_patience(monkeypatch, tmp_path):
    """A first block pyarrow cannot parse falls back at once, run after run (hostile pass).

    ``open_csv`` waits for its read in flight before it raises; that read was paced and no
    block is ever taken, so each run after the first few waited the whole patience (30 s).
    Lines of 3,000 bytes in blocks of 1,000: pyarrow's 'straddles two block boundaries'.
    """
    monkeypatch.setattr(streaming, "_PACE_PATIENCE_S", 3.0)  # the bug: 3 s a run, not 30
    gave_up: list[streaming._PacedFile] = []

    class Recording(streaming._PacedFile):
        def _wait(self) -> None:
            super()._wait()
            with self._moved:  # unpaced while still open: the patience ran out
                if not self._paced and not self._ended:
                    gave_up.append(self)

    monkeypatch.setattr(streaming, "_PacedFile", Recording)
    frame = _table(300)
    frame["treatment"] = frame["treatment"] + "x" * 3000
    path = tmp_path / "plots.csv"
    _write(frame, path)
    source = streaming._open(path, None)
    for _ in range(8):
        with pytest.raises(Exception, match="straddl"):
            list(streaming._raw_blocks(source, 1000))
    # counted, not timed: the whole loop took well under 3 s, but on a loaded machine
    # its wall time said nothing about a wait of the patience
    assert gave_up == []


@pytest.mark.skipif(not streaming.arrow_reader(), reason="pyarrow's reader")
def test_arrow_reader_leaves_no_read_under_way_after_an_interrupted_stream(monkeypatch, tmp_path):
    """Ctrl-C in the consumer: no read of pyarrow's thread under way or begun afterwards.

    Such a read still running when Python exits aborts the process ("Fatal Python error:
    PyGILState_Release", exit 134): 2 of 8 interrupted ``standardize`` runs did (hostile
    pass); the reads left under way after the stream in 5 of 20 runs here.
    """
    import time

    path = tmp_path / "plots.csv"
    _write(_table(4000), path)
    source = streaming._open(path, None)
    events: list[float] = []

    class Recording(streaming._PacedFile):
        def read(self, size: int = -1) -> bytes:
            events.append(time.monotonic())
            try:
                return super().read(size)
            finally:
                events.append(time.monotonic())

    monkeypatch.setattr(streaming, "_PacedFile", Recording)
    for _ in range(10):
        events.clear()
        with pytest.raises(KeyboardInterrupt):
            for k, _frame in enumerate(streaming._raw_blocks(source, 4096)):
                if k == 5:
                    raise KeyboardInterrupt
        ended = time.monotonic()
        under_way = len(events) % 2  # a read begun and not ended
        time.sleep(0.1)
        assert under_way == 0 and max(events) <= ended


@pytest.mark.skipif(not streaming.arrow_reader(), reason="pyarrow's reader")
def test_stopped_arrow_stream_ends_at_once_with_one_arrow_thread(monkeypatch, tmp_path):
    """One thread in pyarrow's CPU pool (``OMP_NUM_THREADS=1``, one CPU): no wait at the stop.

    Dropping pyarrow's reader waits for its read in flight, and that read waited for a block
    never taken until the pacing gave up (``_PACE_PATIENCE_S``, 30 s per stopped stream: 7
    arrow tests of this file took 30-241 s each in the test suite, stop 51).  The stream now
    lets the read through first, so it is still paced when the stream closes it.
    """
    import pyarrow as pa

    path = tmp_path / "plots.csv"
    _write(_table(4000), path)
    source = streaming._open(path, None)
    paced_at_close: list[bool] = []

    class Recording(streaming._PacedFile):
        def close(self) -> None:
            paced_at_close.append(self._paced)
            super().close()

    monkeypatch.setattr(streaming, "_PacedFile", Recording)
    monkeypatch.setattr(streaming, "_PACE_PATIENCE_S", 5.0)  # a regression costs 5 s, not 30
    threads = pa.cpu_count()
    pa.set_cpu_count(1)
    try:
        with pytest.raises(KeyboardInterrupt):
            for k, _frame in enumerate(streaming._raw_blocks(source, 4096)):
                if k == 2:
                    raise KeyboardInterrupt
    finally:
        pa.set_cpu_count(threads)
    assert paced_at_close[0] is True  # closed while the read waited, not after it gave up


@pytest.mark.parametrize(
    ("scale", "text"),
    [
        # 15 kg on 20 m2 at 14 % is about 7,400 kg/ha: / 100 is about 74 kg/ha (a m2 / mu
        # slip's size), / 10,000 about 0.74 kg/ha (mg read as kg, io.yields.warn_tiny_yields)
        (100, "every standardized yield is below 100 kg/ha (the largest: plot"),
        (10_000, "every standardized yield is below 1 kg/ha (the largest: plot"),
    ],
)
def test_streamed_every_yield_tiny_warns_as_in_memory(
    monkeypatch, capsys, tmp_path, spy, scale, text
):
    """Every yield below 100 (1) kg/ha: the in-memory warning, its largest plot, streamed.

    Soybean has no crop low-yield bound (protocols.plausible_yield_kg_ha), so the table
    streams instead of falling back to the in-memory path over the treatment means.
    """
    frame = _table()
    frame.loc[250, "fresh_mass_kg"] = 19.5  # the largest yield, in a late block: plot '351'
    frame["fresh_mass_kg"] = np.round(frame["fresh_mass_kg"] / scale, 6)
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame, ("--crop", "soybean"))
    assert spy == ["streamed"]
    assert streamed == memory
    assert f"{text} '351'" in streamed[1]


def test_a_failed_plot_s_zero_yield_stays_streamed(monkeypatch, capsys, tmp_path, spy):
    """A plot harvested at 0 kg (a failed plot) is no unit slip: no fallback (stop 53).

    The crop-bound check sends a yield above 0 and below wheat's 100 kg/ha to the
    in-memory path (it words the treatment means); a 0 is not such a yield, and a large
    table with one failed plot was read twice.
    """
    frame = _table()
    frame.loc[77, "fresh_mass_kg"] = 0.0
    memory, streamed = _both(monkeypatch, capsys, tmp_path, frame)
    assert spy == ["streamed"]
    assert streamed == memory
