"""The shipped example data: published tables equal their sources, synthetic data are labelled.

The published tables the documentation reads (``docs/designs.md``, ``docs/mixed-models.md``)
are copies of the transcriptions kept with their sources in ``tests/data/reference``; the site
network of the network pages is simulated (``doc_files.simulate_sites``).
"""

from __future__ import annotations

import pandas as pd
import pytest

from doc_files import reference_table, simulate_sites
from yieldtrial.datasets import example_path, list_examples
from yieldtrial.errors import DataValidationError

PUBLISHED = (
    "gomez-rice-split-plot",
    "john-williams-alpha-oats",
    "montgomery-battery-factorial",
    "yates-oats-split-plot",
)


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_example_equals_its_reference_transcription(name):
    """Every value of the shipped table is the one of tests/data/reference (its source named)."""
    shipped = pd.read_csv(example_path(name), dtype=str)
    assert set(shipped.pop("data_status")) == {"published"}
    expected = reference_table(name).astype(str)
    pd.testing.assert_frame_equal(shipped, expected, check_dtype=False)


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_example_readme_names_its_source(name):
    """The README beside the table says the numbers are published and names the book."""
    text = example_path(name, "README.md").read_text(encoding="utf-8")
    assert "**All numbers in `plots.csv` are published**" in text
    assert any(author in text for author in ("Gomez", "John", "Montgomery", "Yates"))


def test_site_network_is_the_documented_simulation(tmp_path):
    """sites.csv and sites/ are the simulation the README describes, each row synthetic."""
    simulate_sites(tmp_path)
    pairs = [(example_path("site-network"), tmp_path / "sites.csv")]
    pairs += [
        (path, tmp_path / "sites" / path.name)
        for path in example_path("site-network", "sites").iterdir()
    ]
    assert len(pairs) == 4
    for shipped_path, simulated_path in pairs:
        shipped = pd.read_csv(shipped_path)
        assert set(shipped.pop("data_status")) == {"synthetic"}
        pd.testing.assert_frame_equal(shipped, pd.read_csv(simulated_path))
    readme = example_path("site-network", "README.md").read_text(encoding="utf-8")
    assert "**All numbers in this folder are synthetic**" in readme


def test_every_example_says_where_its_numbers_come_from():
    """Each shipped example has a README and a data_status column (the convention of datasets)."""
    for name in list_examples():
        assert example_path(name, "README.md").is_file(), name
        assert "data_status" in pd.read_csv(example_path(name), nrows=1).columns, name


def test_example_path_gives_a_folder_of_an_example():
    """example_path(name, folder) returns the folder (site-network's raw site files)."""
    assert example_path("site-network", "sites").is_dir()


def test_example_path_names_what_the_example_holds():
    """A file the example lacks: the error lists its files and folders."""
    with pytest.raises(DataValidationError, match=r"files: README.md, plots.csv, sites"):
        example_path("site-network", "trial.toml")


@pytest.mark.parametrize("name", [*PUBLISHED, "site-network"])
def test_load_example_of_a_documentation_table_names_the_trials(name):
    """Stop 38 attacked: 'does not say its crop; pass crop=', and with crop= a column error."""
    from yieldtrial.datasets import load_example

    with pytest.raises(DataValidationError, match=r"not a plot table load_example reads.*"):
        load_example(name, crop="wheat")


@pytest.mark.parametrize("name", [*PUBLISHED, "site-network"])
def test_standardize_example_of_a_documentation_table_says_which_it_takes(name, capsys):
    """The CLI names --example's choices, never the Python keyword 'crop='."""
    from yieldtrial.cli import main

    assert main(["standardize", "--example", name, "--crop", "wheat"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "crop=" not in lines[0], lines
    assert lines[0].endswith("--example takes: farm-network, jinzhong-2024, replicated-rcbd")


@pytest.mark.parametrize("filename", ["../replicated-rcbd/plots.csv", "/etc/passwd", "sites/../.."])
def test_example_path_refuses_a_file_outside_the_example(filename):
    """Stop 38 attacked: '../x' and absolute names led out of the example's folder."""
    with pytest.raises(DataValidationError, match="not a path that leads out of it"):
        example_path("site-network", filename)


def test_example_path_reads_a_file_in_a_subfolder():
    """A file in the example's own subfolder is fine."""
    assert example_path("site-network", "sites/太谷.csv").is_file()
