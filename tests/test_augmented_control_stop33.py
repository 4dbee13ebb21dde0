"""The control of an augmented trial is one of its checks, never an entry (stop 33).

Federer's augmented design compares unreplicated entries with checks repeated in every
block; an entry is planted once, so a comparison with it would rest on one plot.
``design augmented --control`` refused an entry; ``report --control``, ``FieldTrial`` and
its comparisons accepted one.  All now share
:func:`yieldtrial.io.validation.check_augmented_control`.  The trial is the synthetic
augmented RCBD of tests/data/r_reference_surface (checks CK1-CK4 in 5 blocks, entries
E01-E30; its README.md).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd
import pytest

from yieldtrial import FieldTrial
from yieldtrial.cli import main
from yieldtrial.design.resolve import resolve_control
from yieldtrial.errors import DataValidationError
from yieldtrial.io.entry_types import augmented_checks
from yieldtrial.io.validation import check_augmented_control

CSV = Path(__file__).parent / "data" / "r_reference_surface" / "augmented_4x5_30.csv"
ENTRY = r"control 'E02' is an entry of this augmented design \(planted once\), not a check"
CHECKS = r"the checks are 'CK2', 'CK3', 'CK4', 'CK1'"


def _plots(entry_type: bool = True) -> pd.DataFrame:
    plots = pd.read_csv(CSV)
    return plots if entry_type else plots.drop(columns="entry_type")


def test_checks_come_from_entry_type() -> None:
    checks, entries = augmented_checks(_plots())
    assert checks == ["CK2", "CK3", "CK4", "CK1"]  # first appearance in the file
    assert len(entries) == 30


def test_checks_without_entry_type_are_the_repeated_treatments() -> None:
    """As ``augmented_anova`` infers them: the treatments in more than one plot."""
    assert augmented_checks(_plots(entry_type=False)) == augmented_checks(_plots())


def test_check_augmented_control_accepts_checks() -> None:
    assert check_augmented_control(["CK1", "CK3"], ["CK1", "CK3"], ["E1"]) == ("CK1", "CK3")


def test_check_augmented_control_refuses_an_unknown_label() -> None:
    with pytest.raises(DataValidationError, match=r"'ck1' is not a check .*'CK1'"):
        check_augmented_control("ck1", ["CK1"], ["E1"])


def test_resolve_control_refuses_an_entry_of_an_augmented_trial() -> None:
    plots = _plots()
    present = list(dict.fromkeys(plots["treatment"]))
    with pytest.raises(DataValidationError, match=f"{ENTRY}; {CHECKS}"):
        resolve_control(plots, ("E02",), present, "augmented", ("treatment",))


def test_fieldtrial_refuses_an_entry_as_its_control() -> None:
    with pytest.raises(DataValidationError, match=ENTRY):
        FieldTrial.from_dataframe(_plots(), crop="wheat", control="E02")


def test_fieldtrial_refuses_an_entry_without_entry_type() -> None:
    """A table declared augmented without ``entry_type``: its checks are the repeated ones."""
    with pytest.raises(DataValidationError, match=f"{ENTRY}; {CHECKS}"):
        FieldTrial.from_dataframe(
            _plots(entry_type=False), crop="wheat", design="augmented", control="E02"
        )


@pytest.mark.parametrize("method", ["compare_to_control", "means"])
def test_comparisons_refuse_an_entry_as_control(method: str) -> None:
    """Dunnett (``compare_to_control``) and the means table's differences alike."""
    trial = FieldTrial.from_dataframe(_plots(), crop="wheat")
    with pytest.raises(DataValidationError, match=f"{ENTRY}; {CHECKS}"):
        getattr(trial, method)(control="E02")


def test_sensitivity_refuses_an_entry_as_control() -> None:
    trial = FieldTrial.from_dataframe(_plots(), crop="wheat")
    with pytest.raises(DataValidationError, match=f"{ENTRY}; {CHECKS}"):
        trial.sensitivity(["101"], control="E02")


def test_comparisons_refuse_an_entry_with_random_blocks() -> None:
    """The random-block fit of an augmented trial (REML) follows the same rule."""
    trial = FieldTrial.from_dataframe(_plots(), crop="wheat", block_effects="random")
    with pytest.raises(DataValidationError, match=ENTRY):
        trial.compare_to_control(control="E02")


def test_comparisons_with_a_check_still_run() -> None:
    trial = FieldTrial.from_dataframe(_plots(), crop="wheat")
    out = trial.compare_to_control(control="CK1")
    assert set(out["control"]) == {"CK1"} and len(out) == 33  # 3 checks + 30 entries


def test_cli_report_refuses_an_entry_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    err = io.StringIO()
    argv = ["report", str(CSV), "--crop", "wheat", "--control", "E02", "-o", str(out)]
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 1
    message = err.getvalue()
    assert message.count("\n") == 1
    assert "control 'E02' is an entry of this augmented design" in message
    assert "'CK2', 'CK3', 'CK4', 'CK1': pass --control one of them" in message
    assert not out.exists()
