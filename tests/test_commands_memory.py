"""Tests of ``yieldtrial.commands._memory`` (freed memory kept while a command runs)."""

from __future__ import annotations

import resource
import sys

import numpy as np
import pytest

from yieldtrial.commands import _memory
from yieldtrial.commands._memory import reuse_freed_memory

glibc = pytest.mark.skipif(_memory._glibc() is None, reason="needs glibc's mallopt")


def _faults_of_second_array() -> int:
    """Minor page faults of a 64 MB array made just after an equal one was freed."""
    first = np.ones(8_000_000)
    del first
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    second = np.ones(8_000_000)
    del second
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@glibc
def test_a_freed_array_serves_the_next_inside_the_block():
    # outside: a fresh mmap region, zeroed by the kernel page by page (hundreds of 4 KiB
    # faults, or 32 of 2 MiB); inside: the freed heap memory, already in place
    with reuse_freed_memory() as kept:
        assert kept is True
        inside = _faults_of_second_array()
    assert inside < 4


@glibc
def test_the_default_options_are_back_after_the_block():
    with reuse_freed_memory():
        pass
    assert _faults_of_second_array() >= 16  # mmap again: the freed array went back


def test_a_system_without_glibc_changes_nothing(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    with reuse_freed_memory() as kept:
        assert kept is False


def test_the_report_command_runs_inside_the_block(monkeypatch):
    from yieldtrial.commands import report

    inside = [False]
    seen = []

    class Recording:
        def __enter__(self):
            inside[0] = True
            return True

        def __exit__(self, *exc):
            inside[0] = False
            return False

    monkeypatch.setattr(_memory, "reuse_freed_memory", Recording)
    monkeypatch.setattr(report, "_report", lambda args: seen.append(inside[0]) or 0)
    monkeypatch.setattr(report, "_large_table", lambda args: True)
    assert report._run(None) == 0
    assert seen == [True]
    assert inside == [False]


def test_a_small_table_keeps_the_default_allocator(monkeypatch, tmp_path):
    """Below LARGE_TABLE_BYTES the kept memory only raised the peak: the block is not entered."""
    import argparse

    from yieldtrial.commands import report

    def refuse():
        raise AssertionError("reuse_freed_memory entered for a small table")

    small = tmp_path / "plots.csv"
    small.write_text("plot,block,treatment\n", encoding="utf-8")
    monkeypatch.setattr(_memory, "reuse_freed_memory", refuse)
    monkeypatch.setattr(report, "_report", lambda args: 0)
    assert report._run(argparse.Namespace(plots=str(small))) == 0


def test_a_large_table_is_told_by_its_file_size(monkeypatch, tmp_path):
    import argparse

    from yieldtrial.commands import report

    table = tmp_path / "plots.csv"
    table.write_bytes(b"x" * 10)
    monkeypatch.setattr(report, "LARGE_TABLE_BYTES", 10)
    assert report._large_table(argparse.Namespace(plots=str(table)))
    monkeypatch.setattr(report, "LARGE_TABLE_BYTES", 11)
    assert not report._large_table(argparse.Namespace(plots=str(table)))
    assert not report._large_table(argparse.Namespace(plots=str(tmp_path / "absent.csv")))
