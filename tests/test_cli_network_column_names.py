"""``yieldtrial network`` with a mistyped column name: the option and the close column.

``--by sites`` said ``column(s) not found: by[0]='sites'``, an index of the Python list.
"""

from __future__ import annotations

import pandas as pd
import pytest

from yieldtrial.cli import main
from yieldtrial.datasets import example_path
from yieldtrial.errors import DataValidationError
from yieldtrial.network import analyze_many

PLOTS = str(example_path("site-network"))
COLUMNS = "site, block, treatment, yield_kg_ha, data_status"


def test_mistyped_by_names_the_option_and_the_close_column(capsys):
    """``--by sites``: exit 1, ``--by 'sites' (did you mean 'site'?)``, nothing on stdout."""
    assert main(["network", PLOTS, "--by", "sites", "--control", "CK"]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        "yieldtrial: error: column(s) not found: --by 'sites' (did you mean 'site'?); the data "
        f"have columns {COLUMNS}. Pass the right names or rename the columns.\n"
    )
    assert captured.out == ""


def test_mistyped_columns_in_chinese(capsys):
    """Under ``--lang zh`` the hint is Chinese; a name with nothing close gets no hint."""
    argv = ["network", PLOTS, "--by", "year,site", "--treatment", "treatmnt", "--lang", "zh"]
    assert main([*argv, "--control", "CK"]) == 1
    err = capsys.readouterr().err
    assert "--treatment 'treatmnt'（是否想写 'treatment'？）" in err
    assert "--by 'year'；" in err
    assert "did you mean" not in err


def test_analyze_many_names_by_as_its_keyword():
    """The API names the keyword ``by`` (no list index) and the close column."""
    data = pd.read_csv(PLOTS)
    with pytest.raises(DataValidationError, match=r"not found: by='sites' \(did you mean 'site'"):
        analyze_many(data, by="sites", response="yield_kg_ha", treatment="treatment",
                     block="block", control="CK")  # fmt: skip
