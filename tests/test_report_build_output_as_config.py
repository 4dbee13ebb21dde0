"""``trial.report("report.html")``: the output's name given as the trial description (stop 45).

A notebook user writing the report in one call got "cannot read 'report.html': No such
file or directory"; the message now says what ``config`` is and how to write the file.
"""

from __future__ import annotations

import pytest

from yieldtrial.datasets import load_example
from yieldtrial.errors import DataValidationError


@pytest.mark.parametrize("name", ["report.html", "报告.docx", "out.MD"])
def test_report_file_name_as_config_says_how_to_write_the_report(name, tmp_path):
    trial = load_example("replicated-rcbd")
    with pytest.raises(DataValidationError) as caught:
        trial.report(tmp_path / name)
    message = str(caught.value)
    assert "looks like the name of a report to write, not a trial.toml" in message
    assert f"trial.report().write({str(tmp_path / name)!r})" in message
    assert not (tmp_path / name).exists()
