"""Blocks and treatments of a large plot table held as categoricals (issue 13, stop 52).

Expected values come from the table as read without the change (the threshold
:data:`yieldtrial.io.plots.CODED_LABEL_PLOTS` above the table): the same labels compared
exactly, ``pandas.factorize`` of the text for the codes, and the whole report written from
the text columns, so only the storage may differ. The threshold is lowered to 1 plot so
that the shipped datasets take the large tables' route.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yieldtrial.io import plots as plots_module
from yieldtrial.io._factorize import factorize_labels, kept_label_codes
from yieldtrial.stats import model as model_module

DATASETS = Path(__file__).parents[1] / "src" / "yieldtrial" / "datasets"
EXAMPLE = DATASETS / "replicated-rcbd"
CODED = ["block", "treatment"]


@pytest.fixture(scope="module")
def as_text() -> pd.DataFrame:
    """Read the shipped RCBD as today (below 2^20 plots: text labels)."""
    return plots_module.read_plots(EXAMPLE / "plots.csv")


@pytest.fixture()
def coded(monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    """Read the same table with the threshold lowered to 1 plot."""
    monkeypatch.setattr(plots_module, "CODED_LABEL_PLOTS", 1)
    return plots_module.read_plots(EXAMPLE / "plots.csv")


def test_below_the_threshold_labels_stay_text(as_text: pd.DataFrame) -> None:
    assert not any(isinstance(as_text[c].dtype, pd.CategoricalDtype) for c in CODED)


def test_coded_labels_are_the_text_labels_in_order_of_appearance(
    as_text: pd.DataFrame, coded: pd.DataFrame
) -> None:
    if not plots_module._COPY_ON_WRITE:  # pandas 2: text columns as before
        pd.testing.assert_frame_equal(coded, as_text, check_exact=True)
        return
    for name in CODED:
        assert isinstance(coded[name].dtype, pd.CategoricalDtype)
        # categories: the labels in order of first appearance, as pd.unique of the text
        assert coded[name].cat.categories.tolist() == pd.unique(as_text[name]).tolist()
    back = coded.astype({name: as_text[name].dtype for name in CODED})
    pd.testing.assert_frame_equal(back, as_text, check_exact=True)


def test_factorization_is_the_categoricals_own_codes(
    as_text: pd.DataFrame, coded: pd.DataFrame
) -> None:
    if not plots_module._COPY_ON_WRITE:
        pytest.skip("pandas 2 keeps text labels")
    for name in CODED:
        expected_codes, expected_uniques = pd.factorize(as_text[name], sort=False)
        codes, uniques = factorize_labels(coded[name])
        np.testing.assert_array_equal(codes, expected_codes)
        assert list(uniques) == list(expected_uniques)
        assert uniques.dtype == expected_uniques.dtype  # an Index of text, not categories
        kept = kept_label_codes(coded[name])
        assert kept is not None
        # kept without a copy: the categorical's own codes
        assert np.shares_memory(kept[0], coded[name].array.codes)


def test_split_plot_report_is_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two factors (display-ordered treatments, cells of two labels): the same Markdown."""
    from yieldtrial.cli import main

    source = DATASETS / "gomez-rice-split-plot" / "plots.csv"

    def report(name: str) -> bytes:
        model_module._fit_cache.clear()
        out = tmp_path / f"{name}.md"
        argv = ["report", str(source), "--crop", "rice_indica", "--design", "split_plot"]
        argv += ["--factors", "nitrogen", "--no-figures", "-o", str(out)]
        assert main(argv) == 0
        return out.read_bytes()

    expected = report("text")
    monkeypatch.setattr(plots_module, "CODED_LABEL_PLOTS", 1)
    got = report("coded")
    model_module._fit_cache.clear()
    assert got == expected


def test_formula_labels_of_a_categorical_are_quoted_as_text() -> None:
    """A coded label starting with ``=`` is written as the text column writes it, not blank."""
    from yieldtrial.io.output import csv_safe_frame

    text = pd.Series(["=cmd", "CK", "=cmd"], dtype="str")
    expected = csv_safe_frame(pd.DataFrame({"treatment": text}))["treatment"].tolist()
    assert expected == ["'=cmd", "CK", "'=cmd"]  # OWASP: a leading quote (csv_safe_text)
    coded = pd.DataFrame({"treatment": pd.Categorical(text)})
    assert csv_safe_frame(coded)["treatment"].tolist() == expected


def test_csv_rows_of_coded_labels_are_the_texts(as_text: pd.DataFrame) -> None:
    """``standardize``'s CSV writer spells a coded column as its text column (both paths)."""
    from yieldtrial.io.csv_out import csv_rows

    coded = as_text.astype({name: "category" for name in CODED})
    for fast in (True, False):
        assert csv_rows(coded, fast=fast) == csv_rows(as_text, fast=fast)
