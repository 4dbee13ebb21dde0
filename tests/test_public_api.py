"""The public API is one piece: subpackages as attributes, outputs that feed the next function."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import warnings

import pandas as pd
import pytest

import yieldtrial as yt
from yieldtrial.config import TrialConfig
from yieldtrial.datasets import load_example
from yieldtrial.errors import DataValidationError, YieldTrialWarning

PACKAGES = (
    "yieldtrial",
    "yieldtrial.stats",
    "yieldtrial.design",
    "yieldtrial.io",
    "yieldtrial.efficiency",
    "yieldtrial.network",
    "yieldtrial.report",
    "yieldtrial.datasets",
)


@pytest.fixture(scope="module")
def rcbd():
    """Load the shipped replicated RCBD (CK1, CK2 and two treatments in blocks)."""
    return load_example("replicated-rcbd")


def test_subpackages_are_attributes_in_a_fresh_interpreter():
    """The acceptance line of issue 16 runs in a new process (nothing imported before)."""
    code = "import yieldtrial as yt; yt.stats.anova; yt.stats.split_plot_anova; yt.design"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_import_yieldtrial_stays_light():
    """``import yieldtrial`` loads neither pandas, matplotlib nor statsmodels."""
    code = (
        "import sys, yieldtrial; "
        "print(sorted(m for m in ('pandas', 'matplotlib', 'statsmodels') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


@pytest.mark.parametrize("name", yt.SUBMODULES)
def test_every_documented_subpackage_is_an_attribute(name):
    """``yt.<name>`` is the module ``yieldtrial.<name>``."""
    assert getattr(yt, name) is importlib.import_module(f"yieldtrial.{name}")


@pytest.mark.parametrize("package", PACKAGES)
def test_no_public_name_shadows_a_submodule(package):
    """A package never re-exports a function under the name of one of its modules."""
    module = importlib.import_module(package)
    submodules = {info.name for info in pkgutil.iter_modules(module.__path__)}
    public = set(getattr(module, "_LAZY", {})) | set(getattr(module, "__all__", []))
    assert submodules & public == set()


def test_import_of_the_anova_module_gives_the_module():
    """The ANOVA module imports as a module; ``yt.stats.anova`` stays the function."""
    import yieldtrial.stats.anova_tables as module

    assert module.__name__ == "yieldtrial.stats.anova_tables"
    assert callable(yt.stats.anova) and yt.stats.anova is module.anova


def test_plot_means_draws_the_trial_means(rcbd):
    """``plot_means(trial.means())`` draws one bar per treatment with its CI and unit label."""
    import matplotlib.pyplot as plt

    means = rcbd.means()
    ax = yt.plotting.plot_means(means)
    assert len(ax.patches) == len(means)
    assert ax.get_ylabel() == "Yield (kg/ha)"
    plt.close(ax.figure)


def test_config_control_string_is_one_label():
    """A string is one label, never its characters."""
    assert TrialConfig(control="CK常规施肥").control == ("CK常规施肥",)
    assert TrialConfig(factors="tillage").factors == ("tillage",)


def test_config_margin_fraction_warns():
    """``margin_pct=0.05`` (a fraction?) warns, naming the percent it may mean."""
    with pytest.warns(YieldTrialWarning, match="margin_pct = 0.05 is read as 0.05 %.*5"):
        TrialConfig(margin_pct=0.05)


def test_compare_margin_fraction_warns_at_the_caller(rcbd):
    """The fraction warning of compare_to_control points at this file."""
    with pytest.warns(YieldTrialWarning, match="margin_pct=0.05") as record:
        rcbd.compare_to_control(margin_pct=0.05)
    assert all(item.filename == __file__ for item in record)


def test_build_report_honours_the_config_moisture_settings(rcbd):
    """Standard moisture and method of the description replace the trial's."""
    config = TrialConfig(standard_moisture_pct=14, moisture_method="percentage_point")
    report = yt.build_report(rcbd, config, figures=False)
    settings = report.metadata["settings"]
    assert settings["standard_moisture_pct"] == 14.0
    assert settings["moisture_method"] == "percentage_point"


def test_build_report_of_a_dataframe_without_crop_is_a_clear_error(rcbd):
    """A DataFrame needs a crop: the message says how to build the trial."""
    with pytest.raises(DataValidationError, match=r"FieldTrial.from_dataframe\(plots, crop="):
        yt.build_report(rcbd.plots)


def test_build_report_reads_a_dataframe_with_the_config_crop(rcbd):
    """Given a crop, the DataFrame is read with the description's settings."""
    config = TrialConfig(crop="wheat", control=rcbd.control)
    report = yt.build_report(rcbd.plots, config, figures=False)
    assert report.has_section("means")


def test_report_from_files_takes_crop_and_speaks_api(tmp_path, rcbd):
    """``crop=`` is accepted; without it the error names ``crop=``, not a CLI flag."""
    path = tmp_path / "plots.csv"
    rcbd.plots.to_csv(path, index=False)
    report, _ = yt.report_from_files(path, crop="wheat", figures=False)
    assert report.has_section("plots")
    with pytest.raises(DataValidationError) as error:
        yt.report_from_files(path)
    assert "crop='wheat'" in str(error.value) and "--crop" not in str(error.value)


def test_report_from_files_is_also_a_report_package_name():
    """``yt.report.report_from_files`` is the function ``yt.report_from_files`` names."""
    import yieldtrial.report

    assert yieldtrial.report.report_from_files is yt.report_from_files


@pytest.mark.parametrize(
    ("block", "design"), [("block", "rcbd"), (None, "crd")], ids=["block", "no-block"]
)
def test_stats_default_design_follows_the_block(rcbd, block, design):
    """compare_to_control / pairwise / means without design=: block -> RCBD, none -> CRD."""
    data = rcbd.yields()
    kwargs = {"response": "yield_kg_ha", "treatment": "treatment", "block": block}
    compared = yt.stats.compare_to_control(data, control="CK1", **kwargs)
    pairs = yt.stats.pairwise(data, **kwargs)
    assert compared.attrs["provenance"]["design"] == design
    assert pairs.attrs["provenance"]["design"] == design


def test_comparison_tables_carry_the_critical_value(rcbd):
    """CI half-width = critical_value x se in the Dunnett and Tukey tables."""
    for table in (rcbd.compare_to_control(), rcbd.pairwise()):
        assert "critical_value" in table.columns
        half = (table["ci_high_kg_ha"] - table["difference_kg_ha"]).to_numpy()
        assert half == pytest.approx((table["critical_value"] * table["se_kg_ha"]).to_numpy())


def test_results_in_the_unit_asked(rcbd):
    """``unit="kg/mu"`` gives kg/mu columns; sums of squares scale by 15**2 (1 ha = 15 mu)."""
    in_ha = rcbd.anova()
    in_mu = rcbd.anova(unit="kg/mu")
    ratio = in_ha.table["sum_sq"].iloc[0] / in_mu.table["sum_sq"].iloc[0]
    assert ratio == pytest.approx(225.0)
    assert "yield_kg_mu" in rcbd.means(unit="kg/mu").columns
    assert "difference_kg_mu" in rcbd.compare_to_control(unit="kg/mu").columns


def test_report_repr_is_short(rcbd):
    """``repr(Report)`` names title and sections; the full text is in ``_repr_html_``."""
    report = rcbd.report(figures=False)
    text = repr(report)
    assert len(text) < 600 and text.startswith("Report(title=") and "means (" in text
    assert len(report._repr_html_()) > 10 * len(text)


def test_warnings_point_at_the_caller():
    """A moisture warning raised while building a trial is attributed to this file."""
    plots = pd.DataFrame(
        {
            "plot_id": ["1", "2", "3", "4"],
            "treatment": ["CK", "T", "CK", "T"],
            "block": ["1", "1", "2", "2"],
            "harvested_area_m2": [20.0] * 4,
            "fresh_mass_kg": [14.0, 15.1, 13.6, 15.3],
            "moisture_pct": [5.0, 15.2, 14.8, 15.0],
        }
    )
    for build in (
        lambda: yt.FieldTrial.from_dataframe(plots, crop="wheat"),
        lambda: yt.FieldTrial(plots, crop="wheat"),
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            build()
        assert caught and all(item.filename == __file__ for item in caught)


def test_treatment_order_of_a_randomized_field_book_is_natural():
    """Blocks in different orders: natural sort (T2 before T10), the control first."""
    book = pd.DataFrame(
        {
            "plot_id": [str(i) for i in range(1, 7)],
            "block": ["1"] * 3 + ["2"] * 3,
            "treatment": ["T10", "T2", "CK", "T2", "CK", "T10"],
            "yield_kg_ha": [6100.0, 6000.0, 5800.0, 6050.0, 5850.0, 6150.0],
        }
    )
    trial = yt.FieldTrial.from_dataframe(book, crop="wheat", control="CK")
    assert trial.treatment_order == ("CK", "T2", "T10")


def test_cjk_font_families_are_installed_names():
    """Every figure's font list holds only installed families (no findfont warnings)."""
    from matplotlib import font_manager

    from yieldtrial.plotting import font_families

    families = font_families()  # may register system CJK fonts matplotlib's cache lacks
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    assert set(families) <= known


def test_field_map_draws_chinese_without_glyph_warnings():
    """The design map uses the shared fonts: no missing-glyph warnings for Chinese labels."""
    import io

    import matplotlib.pyplot as plt

    from yieldtrial.design import field_map, rcbd
    from yieldtrial.plotting import font_families

    if font_families() == ("DejaVu Sans",):
        pytest.skip("no CJK-capable font on this machine")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = field_map(rcbd(["CK常规施肥", "减氮20%"], blocks=2, seed=1))
        ax.figure.savefig(io.BytesIO(), format="png")
    plt.close(ax.figure)
    assert not [w for w in caught if "Glyph" in str(w.message)]
