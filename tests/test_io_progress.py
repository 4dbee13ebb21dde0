"""Progress on a terminal: percentages and the heartbeat of long commands (stderr only)."""

from __future__ import annotations

import re
import threading
import time

import pytest

from fieldbook_data import with_harvest
from yieldtrial.io import progress


@pytest.fixture
def terminal(monkeypatch):
    """Pretend standard error is a terminal."""
    monkeypatch.setattr(progress, "stderr_is_terminal", lambda: True)


def _wait_for(predicate, seconds: float = 5.0) -> None:
    end = time.monotonic() + seconds
    while not predicate() and time.monotonic() < end:
        time.sleep(0.01)


def test_heartbeat_names_the_stage_and_erases_its_line(terminal, capsys):
    with progress.heartbeat("report", delay=0.0):
        with progress.stage("fitting the design model"):
            _wait_for(lambda: progress._Line.width > 0)
    err = capsys.readouterr().err
    assert re.search(r"\ryieldtrial: report: fitting the design model \.\.\. \d+ s", err)
    assert err.endswith("\r")  # erased: what the command prints next starts the line
    assert progress._Line.width == 0


def test_heartbeat_is_silent_outside_stages(terminal, capsys):
    """Outside a stage a command may print: nothing is drawn over its messages."""
    with progress.heartbeat("report", delay=0.0):
        time.sleep(0.05)
    assert capsys.readouterr().err == ""


def test_heartbeat_waits_for_the_first_delay(terminal, capsys):
    with progress.heartbeat("report", delay=60.0), progress.stage("letters"):
        time.sleep(0.05)
    assert capsys.readouterr().err == ""


def test_no_heartbeat_off_a_terminal(capsys):
    """Pipes, files and tests: no thread and nothing on stderr."""
    before = threading.active_count()
    with progress.heartbeat("report", delay=0.0), progress.stage("letters"):
        assert threading.active_count() == before
        time.sleep(0.05)
    assert capsys.readouterr().err == ""


def test_heartbeat_steps_aside_for_a_percentage(terminal, capsys, monkeypatch):
    monkeypatch.setattr(progress, "PROGRESS_MIN_ROWS", 1)
    with progress.stage("reading"), progress.terminal_progress("reading plots.csv", 10) as done:
        with progress.heartbeat("report", delay=0.0):
            done(5)
            time.sleep(1.2)  # heartbeat ticks pass while the percentage is drawn
            drawn = capsys.readouterr().err
    assert drawn == "\ryieldtrial: reading plots.csv: 50 % of 10 rows"


def test_inner_stage_returns_to_the_outer_one(terminal):
    with progress.stage("building the report"):
        with progress.stage("letters"):
            assert progress._Line.stage == "letters"
        assert progress._Line.stage == "building the report"
    assert progress._Line.stage == ""


def test_draw_status_holds_the_line_until_ended(terminal, capsys):
    progress.draw_status("[###   ] 1/2 trials")
    assert progress._Line.busy == 1
    progress.end_status()
    assert progress._Line.busy == 0
    assert capsys.readouterr().err == "\r[###   ] 1/2 trials\n"


def test_print_message_erases_the_status_line_first(terminal, capsys):
    progress.draw_status("yieldtrial: reading: 50 %")
    progress.end_status()
    progress._Line.draw("yieldtrial: report: letters ... 3 s")
    progress.print_message("yieldtrial: warning: W")
    err = capsys.readouterr().err
    assert err.endswith(
        "\r" + " " * len("yieldtrial: report: letters ... 3 s") + "\ryieldtrial: warning: W\n"
    )
    assert progress._Line.width == 0


def test_report_labels_the_dunnett_integration_apart_from_the_model_fit(tmp_path, monkeypatch):
    """The report's Dunnett integration has its own progress label, not the model fit's.

    It takes seconds on large or irregular designs; "fitting the design model" is shown
    while the model is fitted.
    """
    import yieldtrial.stats.compare as compare
    from yieldtrial import design
    from yieldtrial.cli import main
    from yieldtrial.trial import FieldTrial

    book = design.alpha_design([f"G{i}" for i in range(1, 7)], block_size=3, replicates=2, seed=1)
    book = with_harvest(book)
    book.to_csv(tmp_path / "plots.csv", index=False)
    seen: dict[str, set[str]] = {"dunnett": set(), "fit": set()}

    def recording(name, function):
        def wrapper(*args, **kwargs):
            seen[name].add(progress._Line.stage)
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(compare, "dunnett_pvalues", recording("dunnett", compare.dunnett_pvalues))
    monkeypatch.setattr(
        compare, "dunnett_critical_value", recording("dunnett", compare.dunnett_critical_value)
    )
    monkeypatch.setattr(FieldTrial, "anova", recording("fit", FieldTrial.anova))
    argv = ["report", str(tmp_path / "plots.csv"), "--crop", "wheat", "--control", "G1"]
    assert main([*argv, "--design", "alpha", "-o", str(tmp_path / "r.md")]) == 0
    assert seen["dunnett"] == {compare.DUNNETT_STAGE} == {"Dunnett critical values"}
    assert "fitting the design model" in seen["fit"]  # (sections may ask for it again)
    assert progress._Line.stage == ""


@pytest.fixture
def chinese():
    """Use the status words of ``--lang zh`` (commands._zh_messages.STATUS_ZH), then reset."""
    from yieldtrial.commands._zh_messages import STATUS_ZH

    progress.set_status_words(STATUS_ZH)
    yield
    progress.set_status_words(None)


def test_heartbeat_in_chinese(terminal, chinese, capsys):
    """Stop 39: under --lang zh the step and its seconds were English."""
    with progress.heartbeat("report", delay=0.0):
        with progress.stage("fitting the design model"):
            _wait_for(lambda: progress._Line.width > 0)
    err = capsys.readouterr().err
    assert re.search(r"\ryieldtrial: report：拟合设计模型…… \d+ 秒", err)


def test_percentage_in_chinese(terminal, chinese, capsys, monkeypatch):
    monkeypatch.setattr(progress, "PROGRESS_MIN_ROWS", 1)
    with progress.terminal_progress("reading 小区.csv", 10) as done:
        done(5)
        drawn = capsys.readouterr().err
    assert drawn == "\ryieldtrial: 读取 小区.csv：已完成 50%（共 10 行）"


def test_step_not_catalogued_keeps_its_english_name(terminal, chinese, capsys, monkeypatch):
    monkeypatch.setattr(progress, "PROGRESS_MIN_ROWS", 1)
    with progress.terminal_progress("new step", 4, unit="blocks") as done:
        done(1)
        drawn = capsys.readouterr().err
    assert drawn == "\ryieldtrial: new step：已完成 25%（共 4 blocks）"


def test_chinese_status_line_is_erased_over_its_width_in_cells(terminal, chinese, capsys):
    """A Chinese character takes two cells: the erasing spaces count them.

    "yieldtrial: " 12 cells, "正在折算" 4 x 2, " 1/2 " 5, "行" 2: 27 (its len() is 22).
    """
    progress.draw_status("yieldtrial: 正在折算 1/2 行")
    progress.print_message("done")
    err = capsys.readouterr().err
    progress.end_status()
    assert err == "\ryieldtrial: 正在折算 1/2 行" + "\r" + " " * 27 + "\r" + "done\n"


def test_percentage_line_is_cut_to_the_terminal_width(terminal, capsys, monkeypatch):
    """A line wider than the terminal would wrap; a carriage return redraws only its last row.

    COLUMNS=40: at most 39 cells; the start ("yieldtrial: ") and the percentage are kept.
    """
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setattr(progress, "PROGRESS_MIN_ROWS", 1)
    with progress.terminal_progress("reading /a/very/long/folder/name/plots.csv", 10) as done:
        done(5)
        drawn = capsys.readouterr().err
    assert drawn == "\ryieldtrial: ...ots.csv: 50 % of 10 rows"
    assert len(drawn) - 1 <= 39


def test_chinese_line_is_cut_in_cells(terminal, chinese, capsys, monkeypatch):
    """Chinese characters take two cells each: the cut counts cells, not characters."""
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setattr(progress, "PROGRESS_MIN_ROWS", 1)
    with progress.terminal_progress("reading 一个很长的文件夹/小区数据表.csv", 10) as done:
        done(5)
        drawn = capsys.readouterr().err
    assert progress._cells(drawn[1:]) <= 39
    assert drawn.startswith("\ryieldtrial: ...") and drawn.endswith("已完成 50%（共 10 行）")
