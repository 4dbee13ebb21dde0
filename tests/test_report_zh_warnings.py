"""Every library warning a report can show is in Chinese in a ``--lang zh`` report.

Each case below runs the real code path that raises the warning (reading a plot table,
building a :class:`~yieldtrial.FieldTrial`, its diagnostics and comparisons) on a small
synthetic trial written here, and checks that :func:`translate_message` knows the text it
produced: a reworded warning then fails this test instead of showing in English in a
Chinese report.  The Chinese text may hold no Latin-letter word outside the documented
allowed list (:func:`zh_purity.english_words`), except the labels of the data.

The config-file variant of the percent warning (``margin_pct = 0.05`` in trial.toml) is
printed by the command line, not shown in the report; it shares the pattern, so it is
checked too.
"""

from __future__ import annotations

import datetime
import importlib.util
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fieldbook_data import with_harvest
from yieldtrial import FieldTrial, design, read_plots
from yieldtrial.cli import main
from yieldtrial.errors import YieldTrialWarning
from yieldtrial.report.files import report_from_files
from yieldtrial.report.i18n import translate_message, zh_units
from zh_purity import docx_text, english_words, html_text

pytestmark = pytest.mark.usefixtures("close_figures")


def _plots(treatments: tuple[str, ...] = ("CK", "T1", "T2"), blocks: int = 4) -> pd.DataFrame:
    """Return an RCBD of raw harvest records: 20 m2 plots, 13.5 % moisture, 1.2 % impurity."""
    rows = []
    for b in range(1, blocks + 1):
        for j, trt in enumerate(treatments):
            rows.append(
                {
                    "plot_id": f"{b}{j + 1:02d}",
                    "block": f"B{b}",
                    "treatment": trt,
                    "harvested_area_m2": 20.0,
                    # 14 kg plus a treatment step and a small plot-to-plot spread
                    "fresh_mass_kg": 14.0 + 0.5 * j + 0.1 * ((3 * b + j) % 5),
                    "moisture_pct": 13.5,
                    "impurity_pct": 1.2,
                }
            )
    return pd.DataFrame(rows)


def _caught(run: Callable[[], object]) -> list[str]:
    """Return the YieldTrialWarning messages ``run`` raises."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    return [str(w.message) for w in caught if issubclass(w.category, YieldTrialWarning)]


def _diagnosed(trial: FieldTrial) -> list[str]:
    """Return what the report shows of the residual checks: warnings and findings."""
    found: list[str] = []
    messages = _caught(lambda: found.extend(trial.diagnostics().warnings))
    return list(dict.fromkeys(messages + found))


def _trial(plots: pd.DataFrame, **options: object) -> FieldTrial:
    return FieldTrial(plots, crop="wheat", control=("CK",), design="rcbd", **options)  # type: ignore[arg-type]


# ---------------------------------------------------------------- one trial per warning
def _impurity_fractions() -> list[str]:
    plots = _plots()
    plots["impurity_pct"] = 0.5
    return _caught(lambda: read_plots(plots))


def _empty_grain_fractions() -> list[str]:
    plots = _plots()
    plots["empty_grain_pct"] = 0.3
    return _caught(lambda: read_plots(plots))


def _moisture_out_of_range() -> list[str]:
    plots = _plots()
    plots.loc[0, "moisture_pct"] = 5.0  # too dry for wheat (a fraction among percents is an error)
    plots.loc[1, "moisture_pct"] = 40.0
    return _caught(lambda: _trial(plots))


def _yield_too_high() -> list[str]:
    plots = _plots()
    plots.loc[0, "harvested_area_m2"] = 0.03  # 0.03 mu read as m2
    return _caught(lambda: _trial(plots))


def _yield_too_low() -> list[str]:
    plots = _plots()
    plots["fresh_mass_kg"] = plots["fresh_mass_kg"] * 1e-6  # masses in mg read as kg
    return _caught(lambda: _trial(plots))


def _yield_above_crop_record() -> list[str]:
    plots = _plots()
    plots.loc[0, "fresh_mass_kg"] = 60.0  # 60 kg from 20 m2: about 30,000 kg/ha of wheat
    return _caught(lambda: _trial(plots))


def _yield_below_crop_lowest() -> list[str]:
    plots = _plots()
    t2 = plots["treatment"] == "T2"  # T2's masses typed in t: its mean about 7 kg/ha
    plots.loc[t2, "fresh_mass_kg"] = plots.loc[t2, "fresh_mass_kg"] / 1000
    return _caught(lambda: _trial(plots))


def _yield_low() -> list[str]:
    plots = _plots().rename(columns={"harvested_area_m2": "harvested_area_mu"})
    return _caught(lambda: _trial(plots))  # 20 m2 under a mu header: 667 times too low


def _case_variants() -> list[str]:
    plots = _plots()
    plots.loc[plots["plot_id"] == "102", "treatment"] = "t1"
    return _caught(lambda: read_plots(plots))


def _lookalike_variants() -> list[str]:
    plots = _plots()
    plots.loc[plots["plot_id"] == "101", "treatment"] = "\u0421K"  # Cyrillic С next to CK
    return _caught(lambda: read_plots(plots))


def _lookalike_mixed() -> list[str]:
    plots = _plots()
    plots.loc[plots["treatment"] == "T2", "treatment"] = "T\u0421"  # Cyrillic С: one label
    return _caught(lambda: read_plots(plots))


def _leading_zeros() -> list[str]:
    plots = _plots()
    plots["block"] = plots["block"].str[1:]
    plots.loc[0, "block"] = "01"
    return _caught(lambda: read_plots(plots))


def _full_width() -> list[str]:
    plots = _plots()
    plots.loc[0, "treatment"] = "\uff23\uff2b"  # full-width ＣＫ
    return _caught(lambda: read_plots(plots))


def _workbook(path: Path, plots: pd.DataFrame, edit: Callable[[object], None]) -> Path:
    """Write ``plots`` to an .xlsx file, ``edit`` changing the sheet (openpyxl) first."""
    pytest.importorskip("openpyxl")
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(plots.columns))
    for row in plots.itertuples(index=False):
        sheet.append(list(row))
    edit(sheet)
    book.save(path)
    return path


def _date_labels(tmp_path: Path) -> list[str]:
    def date(sheet: object) -> None:
        sheet["B2"] = datetime.datetime(2024, 1, 2)  # type: ignore[index]  # '1-2' as a date

    path = _workbook(tmp_path / "dates.xlsx", _plots(), date)
    return _caught(lambda: read_plots(path))


def _half_precision() -> list[str]:
    plots = _plots()
    plots["fresh_mass_kg"] = plots["fresh_mass_kg"].astype("float16")  # a notebook's astype
    return _caught(lambda: read_plots(plots))


def _single_block() -> list[str]:
    plots = _plots()
    plots["block"] = "1"
    return _caught(lambda: _trial(plots))


def _crd_ignores_blocks() -> list[str]:
    return _caught(lambda: FieldTrial(_plots(), crop="wheat", design="crd"))


def _rcbd_ignores_incomplete_blocks() -> list[str]:
    book = design.alpha_design([f"G{i:02d}" for i in range(1, 7)], block_size=2, replicates=2,
                               seed=1)  # fmt: skip
    book["yield_kg_ha"] = [7000.0 + 10 * (i * 7 % 5) for i in range(len(book))]
    return _caught(lambda: FieldTrial(book, crop="wheat", design="rcbd"))


def _alpha_entry_repeated(layout: str = "alpha") -> list[str]:
    # labels the purity check knows as data; T1 retyped as T2 in replicate 1
    book = design.alpha_design(["CK", "T1", "T2", "I0", "I1", "main"], block_size=3,
                               replicates=2, seed=1)  # fmt: skip
    first = book["block"].astype(str) == "1"
    book.loc[book.index[first & (book["treatment"] == "T1")], "treatment"] = "T2"
    book["yield_kg_ha"] = [7000.0 + 10 * (i * 7 % 5) for i in range(len(book))]
    return _caught(lambda: FieldTrial(book, crop="wheat", design=layout, control="CK"))


def _row_column_entry_repeated() -> list[str]:
    # the same book as a resolvable row-column design (its rows and columns): the same check
    return _alpha_entry_repeated("row_column")


def _augmented_label_typed_twice() -> list[str]:
    # no entry_type column: T1 typed in blocks 1 and 2 is taken for a check (stop 45)
    rows = [(str(b), ck) for b in (1, 2, 3) for ck in ("CK", "main")]
    rows += [("1", "T1"), ("2", "T1"), ("1", "T2"), ("2", "I0"), ("3", "I1"), ("3", "sub")]
    book = pd.DataFrame(rows, columns=["block", "treatment"])
    book.insert(0, "plot_id", [str(101 + i) for i in range(len(book))])
    book["yield_kg_ha"] = [7000.0 + 37 * (i * 7 % 11) for i in range(len(book))]
    return _caught(lambda: FieldTrial(book, crop="wheat", design="augmented", control="CK"))


def _hidden_rows(tmp_path: Path) -> list[str]:
    def hide(sheet: object) -> None:
        for row in (3, 5):
            sheet.row_dimensions[row].hidden = True  # type: ignore[attr-defined]

    path = _workbook(tmp_path / "hidden.xlsx", _plots(), hide)
    return _caught(lambda: read_plots(path))


def _margin_fraction() -> list[str]:
    trial = _trial(_plots())
    return _caught(lambda: trial.compare_to_control(margin_pct=0.5))


def _config_margin_fraction() -> list[str]:
    from yieldtrial.config import TrialConfig

    return _caught(lambda: TrialConfig(margin_pct=0.05))


def _treatment_key_typo() -> list[str]:
    """Type ``descriptions`` for ``description`` in a [[treatments]] table (tidy58)."""
    from yieldtrial.config import TrialConfig

    text = '[[treatments]]\nlabel = "CK"\ndescriptions = "farmers\' practice"\n'
    return _caught(lambda: TrialConfig.from_text(text, source="trial.toml"))


def _high_cv_low_df() -> list[str]:
    plots = _plots(blocks=3)
    plots["fresh_mass_kg"] = [14.0, 17.0, 12.0, 18.0, 13.0, 15.0, 12.0, 16.0, 19.0]
    return _diagnosed(_trial(plots))


def _moderate_cv() -> list[str]:
    plots = _plots(blocks=6)
    spread = 1.5 * np.tile([-1.0, 1.0, 0.0, 1.2, -1.2, 0.3], 3)  # CV 12.0 % (run once)
    plots["fresh_mass_kg"] = plots["fresh_mass_kg"] + spread
    return _diagnosed(_trial(plots))


def _spikes_in_wan(tmp_path: Path) -> list[str]:
    """Return the warnings a report of spikes per mu written in 万 (40 for 400,000) lists."""
    plots = _plots()
    plots["heads_per_mu"] = 40.0
    plots["grains_per_head"] = 35.0
    plots["thousand_grain_weight_g"] = 42.0
    plots.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "rcbd"\ncontrol = "CK"\n',
        encoding="utf-8",
    )
    found: list[str] = []

    def build() -> None:
        report, _ = report_from_files(
            tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False, lang="en"
        )
        found.extend(report.results["warnings"])  # type: ignore[attr-defined]

    escaped = _caught(build)
    assert escaped == []  # listed in the report, not left to the caller
    return found


def _split_plot_strata() -> list[str]:
    book = design.split_plot(["I0", "I1"], ["N0", "N1", "N2"], blocks=3, seed=5)
    book = with_harvest(book, impurity_pct=1.5)
    trial = FieldTrial(book, crop="wheat", design="split_plot", factors=("main", "sub"))
    return _diagnosed(trial)


def _implausible_standard() -> list[str]:
    plots = _plots()
    return _caught(lambda: _trial(plots, standard_moisture_pct=99.9).yields())


def _other_standard_moisture() -> list[str]:
    # a table `standardize --standard 14` wrote, read back for wheat (13 %): stop 34
    plots = _plots().assign(reported_standard_moisture_pct=14.0)
    return _caught(lambda: _trial(plots).yields())


def _other_moisture_method() -> list[str]:
    # a percentage-point trial's yields() fed back to a dry-matter trial: stop 46
    plots = _plots().assign(moisture_method="percentage_point")
    return _caught(lambda: _trial(plots).yields())


def _emptied_yields() -> list[str]:
    # yields() of a trial with an excluded plot, read again: the plot came back (stop 47)
    trial = _trial(_plots()).exclude(_plots()["plot_id"].iloc[0], reason="lodged")
    table = trial.yields()
    return _caught(lambda: _trial(table))


def _edited_yields() -> list[str]:
    # yields() of a trial, plot 1's yield corrected in the table: not analysed (stop 50)
    table = _trial(_plots()).yields()
    table.loc[table.index[0], "yield_kg_ha"] = 1000.0
    return _caught(lambda: _trial(table))


def _described_crop() -> list[str]:
    # a maize trial reported with last season's wheat trial.toml: stop 47
    from yieldtrial import TrialConfig
    from yieldtrial.report.build import build_report

    trial = FieldTrial(_plots(), crop="maize", control=("CK",), design="rcbd")
    return _caught(lambda: build_report(trial, TrialConfig(crop="wheat"), figures=False))


def _lost_augmented_entry() -> list[str]:
    book = design.augmented_design(["CK1", "CK2"], [f"E{i:02d}" for i in range(1, 9)], blocks=2,
                                   seed=3)  # fmt: skip
    book["harvested_area_m2"] = 10.0
    book["fresh_mass_kg"] = 6.0 + (np.arange(len(book)) % 5) / 10
    book["moisture_pct"] = 14.0
    book["impurity_pct"] = 1.0
    lost = book.index[book["treatment"] == "E03"]
    book.loc[lost, "fresh_mass_kg"] = np.nan
    return _caught(lambda: FieldTrial(book, crop="wheat", design="augmented").means())


def _random_block_unadjusted_entries() -> list[str]:
    """Fit an augmented trial with random blocks whose block 3 has no check (stop 46)."""
    rows = [(f"{b}{k}", str(b), ck, 6000.0 + 100 * b + 7 * k + 23 * (b * k == 2))
            for b in (1, 2) for k, ck in enumerate(("CK1", "CK2"))]  # fmt: skip
    rows += [("15", "1", "E1", 6400.0), ("25", "2", "E2", 6100.0), ("35", "3", "E3", 6300.0),
             ("36", "3", "E4", 6200.0)]  # fmt: skip
    plots = pd.DataFrame(rows, columns=["plot_id", "block", "treatment", "yield_kg_ha"])
    trial = FieldTrial(plots, crop="wheat", design="augmented", checks=["CK1", "CK2"],
                       block_effects="random")  # fmt: skip
    return _caught(trial.anova)


def _analyze_sites_design() -> list[str]:
    from fieldbook_data import alpha_sites

    trial = FieldTrial(alpha_sites(), crop="wheat", control="G01", design="alpha")
    return _caught(trial.analyze_sites)


def _alpha_intra_block_df() -> list[str]:
    from fieldbook_data import alpha_sites

    book = alpha_sites()
    book = book[book["site"] == "1"].drop(columns="site")
    trial = FieldTrial(book, crop="wheat", control="G01", design="alpha")
    return _caught(trial.diagnostics)


def _design_column_renamed() -> list[str]:
    # --column 重复=备注: the blocks become a column without a role (an RCBD read as a CRD)
    plots = _plots().rename(columns={"block": "重复"})
    return _caught(lambda: read_plots(plots, columns={"重复": "备注"}))


def _declared_design_column_renamed() -> list[str]:
    # the same rename under a declared CRD: the warning names the declared design
    plots = _plots().rename(columns={"block": "重复"})
    return _caught(
        lambda: FieldTrial.from_dataframe(
            plots, crop="wheat", control="CK", design="crd", columns={"重复": "备注"}
        )
    )


def _copied_site() -> list[str]:
    # a network whose site 祁县 is a copy of site 太谷 (the network report's notes, stop 35)
    names = ("太谷", "榆次", "祁县")
    sites = pd.concat([_plots().assign(site=s) for s in names], ignore_index=True)
    sites.loc[sites["site"] == "榆次", "fresh_mass_kg"] += 0.3
    sites["yield_kg_ha"] = sites["fresh_mass_kg"] * 500.0
    return _network_caught(sites)


def _network_caught(sites: pd.DataFrame) -> list[str]:
    """Return the warnings of ``analyze_many`` over a table of sites (RCBD, control CK)."""
    from yieldtrial.network import analyze_many

    return _caught(
        lambda: analyze_many(
            sites,
            by="site",
            response="yield_kg_ha",
            treatment="treatment",
            block="block",
            control="CK",
        )  # fmt: skip
    )


def _near_miss_header() -> list[str]:
    # impurity_pct typed "impurty_pct" and block typed "blcok" (fuzz57, guard57): kept as
    # extra columns, each warned of once
    plots = _plots().rename(columns={"impurity_pct": "impurty_pct", "block": "blcok"})
    return _caught(lambda: read_plots(plots))


def _byte_order_mark() -> list[str]:
    # U+FEFF before a plot id and a treatment (two files joined into one; loose58): removed,
    # warned of once with the columns and rows
    plots = _plots()
    plots.loc[4, "plot_id"] = "\ufeff" + str(plots.loc[4, "plot_id"])
    plots.loc[5, "treatment"] = "\ufeff" + str(plots.loc[5, "treatment"])
    return _caught(lambda: read_plots(plots))


def _repeated_treatment_in_block() -> list[str]:
    # a network site with the row of CK in block B1 pasted twice (fuzz57)
    sites = pd.concat([_plots().assign(site=s) for s in ("太谷", "榆次")], ignore_index=True)
    sites["yield_kg_ha"] = sites["fresh_mass_kg"] * 500.0
    sites = pd.concat([sites, sites.iloc[[0]]], ignore_index=True)
    return _network_caught(sites)


def _borderline_dunnett() -> list[str]:
    """Dunnett's integration stubbed to state an error of 2e-3 with a P of 0.051 (stop 38)."""
    from yieldtrial.stats import compare
    from yieldtrial.stats.distributions import MvtProbability
    from yieldtrial.stats.results import MeansModel

    mm = MeansModel(
        "treatment", ("CK", "T1", "T2"), np.array([100.0, 104.0, 112.0]), np.eye(3) * 4.0,
        12.0, np.array([4, 4, 4]), 16.0, "residual", "rcbd", "yield_kg_ha ~ treatment + block",
        "yield_kg_ha",
    )  # fmt: skip
    real = compare.dunnett_pvalues

    def stated(*args: object, **kwargs: object) -> object:
        p, acc = real(*args, **kwargs)
        p = np.array(p, dtype=float)
        p[0] = 0.051
        return p, MvtProbability(acc.value, "qmc", 2e-3)

    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", YieldTrialWarning)
        patch.setattr(compare, "dunnett_pvalues", stated)
        compare.compare_means_to_control(mm, control="CK")
    return [str(w.message) for w in caught if issubclass(w.category, YieldTrialWarning)]


def _pooled_whole_plot_stratum() -> list[str]:
    """Fit the rice split plot (Gomez & Gomez) without one sub-plot: error a pooled (stop 42).

    Its factors renamed ``main`` and ``sub`` (the names ``yieldtrial design split_plot``
    writes), which the Chinese text names 主区因素 and 副区因素.
    """
    path = Path(__file__).parent / "data" / "r_reference_trials" / "gomez_sp_m1.csv"
    plots = pd.read_csv(path).rename(columns={"nitrogen": "main", "variety": "sub"})
    plots["treatment"] = plots["main"] + ":" + plots["sub"]  # as the design's field book
    trial = FieldTrial(plots, crop="rice_indica", design="split_plot", factors=("main", "sub"))
    return _caught(trial.anova)


#: Report-reaching warnings: the case and a fragment of the English text it must raise.
CASES: dict[str, tuple[Callable[..., list[str]], str]] = {
    "impurity as fractions": (_impurity_fractions, "every impurity_pct value lies in [0, 1)"),
    "empty grain as fractions": (_empty_grain_fractions, "every empty_grain_pct value"),
    "moisture out of range": (_moisture_out_of_range, "moisture_pct outside the plausible"),
    "yield too high": (_yield_too_high, "standardized yield above"),
    "yield too low": (_yield_too_low, "every standardized yield is below 1 kg/ha"),
    "yield above the crop's record": (_yield_above_crop_record, "world-record wheat yield"),
    "yield below the crop's lowest": (_yield_below_crop_lowest, "lowest national wheat"),
    "yield low": (_yield_low, "every standardized yield is below 100 kg/ha"),
    "case variants": (_case_variants, "differ only in upper/lower case"),
    "look-alike variants": (_lookalike_variants, "which look like Latin letters"),
    "look-alike letters": (_lookalike_mixed, "mixing Latin letters with look-alike"),
    "leading zeros": (_leading_zeros, "differ only in leading zeros"),
    "full-width labels": (_full_width, "full-width, zero-width"),
    "date labels": (_date_labels, "block holds dates in row 2"),
    "float16 measurements": (_half_precision, "fresh_mass_kg is float16"),
    "single block": (_single_block, "block has one level"),
    "alpha entry repeated": (_alpha_entry_repeated, "'T2' twice in replicate '1' (plots"),
    "augmented label typed twice": (
        _augmented_label_typed_twice,
        "column: 'T1' (blocks '1', '2') is on more than one plot but not in all the blocks",
    ),
    "row-column entry repeated": (
        _row_column_entry_repeated,
        "of the row-column design: 'T2' twice in replicate '1' (plots",
    ),
    "crd ignores blocks": (_crd_ignores_blocks, "design 'crd' ignores the block column"),
    "rcbd ignores incomplete blocks": (
        _rcbd_ignores_incomplete_blocks,
        "design 'rcbd' ignores the incomplete_block column",
    ),
    "hidden rows": (_hidden_rows, "hidden in the sheet"),
    "margin as fraction": (_margin_fraction, "margin_pct=0.5 is read as 0.5 %"),
    "config margin as fraction": (_config_margin_fraction, "margin_pct = 0.05 is read as"),
    "treatment key typo": (_treatment_key_typo, "which looks like a typo of 'description'"),
    "very high CV, few df": (_high_cv_low_df, "plot-to-plot variation is very high"),
    "high CV": (_moderate_cv, "plot-to-plot variation is high;"),
    "split-plot strata": (_split_plot_strata, "not checked: the error_a stratum"),
    "spikes per mu in 万": (_spikes_in_wan, "heads_per_mu = 40 is implausibly few"),
    "implausible standard moisture": (_implausible_standard, "is above any moisture standard"),
    "other standard moisture": (_other_standard_moisture, "were recomputed at 13 % from"),
    "other moisture method": (_other_moisture_method, "were recomputed with dry_matter from"),
    "emptied yields": (_emptied_yields, "is empty in the table but the harvest records give"),
    "edited yields": (_edited_yields, "was changed in the table for plot"),
    "description's crop": (_described_crop, "the description's crop 'wheat' replaces the"),
    "lost augmented entry": (_lost_augmented_entry, "augmented design: 1 entry without a yield"),
    "random blocks, block without checks": (
        _random_block_unadjusted_entries,
        "block '3' has no check plot with a yield: with random blocks",
    ),
    "intra-block df": (_alpha_intra_block_df, "in the intra-block model the residuals are"),
    "design column renamed": (_design_column_renamed, "is renamed to '备注'"),
    "design column renamed, design declared": (
        _declared_design_column_renamed,
        "the declared design 'crd' is analysed without the blocks",
    ),
    "copied site": (_copied_site, "site '祁县' has the same plot data as site '太谷'"),
    "near-miss header": (_near_miss_header, "not read as 'impurity_pct'"),
    "byte-order mark": (_byte_order_mark, "a byte-order mark (U+FEFF"),
    "repeated treatment in a block": (
        _repeated_treatment_in_block,
        "a treatment recorded more than once in one block",
    ),
    "borderline Dunnett P": (_borderline_dunnett, "their verdict at alpha is uncertain"),
    "pooled whole-plot stratum": (
        _pooled_whole_plot_stratum,
        "REML estimates the whole-plot variance (Blocks x main; block:main in",
    ),
    # API only (a network report does not go through FieldTrial.analyze_sites)
    "analyze_sites design": (_analyze_sites_design, "analyze_sites analyses each site as"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_warning_is_translated_for_zh_reports(case: str, tmp_path: Path) -> None:
    """The real code path warns, and each of its warnings reads in Chinese, no English word."""
    run, fragment = CASES[case]
    messages = run(tmp_path) if "tmp_path" in run.__code__.co_varnames else run()
    assert any(fragment in m for m in messages), messages
    # data labels; "СK" (Cyrillic С) and "TС" read as the tokens "K" and "T"
    labels = frozenset({"CK", "T1", "T2", "t1", "K", "I0", "I1", "main", "sub"})
    labels |= {"blcok", "impurty_pct"}  # the typed headers of the near-miss case
    labels |= {"descriptions", "description"}  # the typed and the meant [[treatments]] key
    for message in messages:
        chinese = translate_message(message, "zh")
        assert chinese != message, f"no Chinese for: {message}"
        # the report writes its units the Chinese way (kg/公顷) after translating
        assert english_words(zh_units(chinese), labels) == [], chinese


def test_impurity_fraction_warning_in_chinese() -> None:
    """The warning of the DOCX found in English, word for word in Chinese."""
    (message,) = _impurity_fractions()
    assert translate_message(message, "zh") == (
        "各小区杂质率均小于 1（最大 0.5）：若为小数形式，请乘以 100 换算为百分数。"
        "杂质率低于 1% 也属可能，故按所给数值计算。"
    )


def test_full_width_warning_names_the_spellings_in_chinese() -> None:
    (message,) = _full_width()
    assert translate_message(message, "zh") == (
        "标签中有全角、零宽或其他兼容字符：处理 'ＣＫ' 与 'CK' 均读作 'CK'。这些写法按同一"
        "标签处理；请在文件中统一写法，此警告即不再出现。"
    )


def test_lookalike_letters_named_in_chinese() -> None:
    (message,) = _lookalike_mixed()
    assert translate_message(message, "zh") == (
        "处理标签中拉丁字母与形近的西里尔或希腊字母混用：'TС' 中的 С（西里尔字母）。用拉丁"
        "字母输入的对照或处理名将无法与之匹配；请在文件中重新输入该标签。"
    )


def test_augmented_label_typed_twice_in_chinese() -> None:
    """The treatment taken for a check, its blocks and the checks, in Chinese (stop 45)."""
    (message,) = _augmented_label_typed_twice()
    assert translate_message(message, "zh").startswith(
        "增广设计的数据表没有标明对照与参试材料的类型列：'T1'（区组 '1'、'2'）有多个小区，"
        "却不像对照（'CK'、'main'，3 个区组）那样种在所有区组，因而按对照分析"
    )


def test_pooled_stratum_warning_in_chinese() -> None:
    """The whole-plot stratum pooled by REML, word for word in Chinese (stop 42)."""
    (message,) = _pooled_whole_plot_stratum()
    assert translate_message(message, "zh") == (
        "REML 将主区方差（区组 × 主区因素）估计为零，因此主区误差（误差 a）与副区误差（误差 b）"
        "合并：对主区因素的 F 检验采用合并误差及 Satterthwaite 自由度（F = 20.11，自由度 5 和 "
        "45.0），与 lmerTest 相同。均衡数据的误差层方差分析检验主区因素时只用误差 a，故已发表的"
        "完整试验方差分析表给出的 F 值与此不同；如已知完整数据的误差层方差分析，请与之比较。"
    )


def test_margin_fraction_warning_in_chinese() -> None:
    (message,) = _margin_fraction()
    assert translate_message(message, "zh") == (
        "非劣效界值为 0.5，按 0.5% 计；若指 50%，请写作 50（以百分数表示，如 5 表示 5%）。"
    )


def test_outlier_finding_is_not_repeated_as_warning(tmp_path: Path) -> None:
    """A plot flagged by the residual check is named once, in the check bullets."""
    plots = _plots(("CK", "A", "B", "C", "D"), blocks=6)
    plots.loc[4, "fresh_mass_kg"] = 21.0  # one wild plot: studentized residual above 3
    plots.to_csv(tmp_path / "plots.csv", index=False)
    (tmp_path / "trial.toml").write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ndesign = "rcbd"\ncontrol = "CK"\n',
        encoding="utf-8",
    )
    report, _ = report_from_files(
        tmp_path / "plots.csv", tmp_path / "trial.toml", figures=False, lang="zh"
    )
    md = report.to_markdown()
    assert "可能的异常值" in md
    assert "studentized residual" not in md


# ------------------------------------------------------------------ a report with several
def _warned_trial(folder: Path) -> tuple[Path, Path]:
    """Write a trial whose zh report carries several warnings at once."""
    plots = _plots(("CK", "T1", "T2", "T3"))
    plots["impurity_pct"] = 0.5
    plots.loc[0, "moisture_pct"] = 40.0
    plots.loc[0, "treatment"] = "\uff23\uff2b"  # full-width CK
    plots.loc[plots["plot_id"] == "203", "treatment"] = "t2"
    plots.loc[plots["treatment"] == "T3", "treatment"] = "T\u0421"
    path = folder / "plots.csv"
    plots.to_csv(path, index=False)
    config = folder / "trial.toml"
    config.write_text(
        '[trial]\nid = "warned"\ncrop = "wheat"\n\n[analysis]\ndesign = "rcbd"\n'
        'control = "CK"\nmargin_pct = 0.5\n',
        encoding="utf-8",
    )
    return path, config


def _quality_text(report: object) -> str:
    section = next(s for s in report.sections if s.key == "quality")  # type: ignore[attr-defined]
    parts = []
    for block in section.blocks:
        parts.extend(getattr(block, "items", []) or [getattr(block, "text", "")])
    return "\n".join(str(p) for p in parts)


def test_zh_report_with_several_warnings_has_no_english(tmp_path: Path) -> None:
    """Data-quality section of a zh report with six warnings: Chinese only (HTML and DOCX)."""
    plots, config = _warned_trial(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", YieldTrialWarning)  # the config's own margin warning
        report, messages = report_from_files(
            plots, config, lang="zh", figures=False, report_date="2024-06-01"
        )
    assert len(messages) >= 4, messages
    quality = _quality_text(report)
    labels = frozenset({"CK", "T1", "t2", "T2", "T", "warned"})
    assert "杂质率均小于 1" in quality and "非劣效界值为 0.5" in quality
    assert english_words(quality, labels) == [], quality
    if importlib.util.find_spec("docx") is not None:
        text = docx_text(report.to_docx())
        assert "杂质率均小于 1" in text
        assert not any(m.split(":")[0] in text for m in messages if m.isascii())


# ------------------------------------------------------------------------ network report
def _network_plots(folder: Path) -> tuple[Path, Path]:
    """Write 7 replicated sites of raw harvest records: site s7 lacks B, s3 has fractions."""
    rows = []
    for site in range(1, 8):
        for block in range(1, 4):
            for j, trt in enumerate(("CK", "A", "B")):
                if site == 7 and trt == "B":
                    continue  # an incomplete network: the two-stage analysis
                rows.append(
                    {
                        "site": f"s{site}",
                        "plot_id": f"{site}-{block}{j}",
                        "block": str(block),
                        "treatment": trt,
                        "harvested_area_m2": 20.0,
                        # site s2 varies much more between plots than the others
                        "fresh_mass_kg": 14.0
                        + 0.4 * j
                        + (3.0 if site == 2 else 0.4) * ((7 * block + 3 * j + site) % 5 - 2) / 2,
                        "moisture_pct": 13.5,
                        "impurity_pct": 0.5 if site == 3 else 1.0,
                    }
                )
    path = folder / "plots.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    config = folder / "trial.toml"
    config.write_text(
        '[trial]\ncrop = "wheat"\n\n[analysis]\ncontrol = "CK"\ndesign = "rcbd"\n',
        encoding="utf-8",
    )
    return path, config


def test_zh_network_report_of_an_incomplete_network_has_no_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two-stage network (error term, notes) in Chinese; data warnings as one-line messages."""
    plots, config = _network_plots(tmp_path)
    out = tmp_path / "network.zh.html"
    argv = ["network", str(plots), "--config", str(config), "--by", "site", "--lang", "zh"]
    assert main([*argv, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    # the fraction warning of site s3 is a one-line warning naming the site, in Chinese
    # under --lang zh (the CLI's catalogue, stop 33)
    assert "yieldtrial: 警告：试点 's3'：impurity_pct 的值全部在 [0, 1) 之间" in err
    text = html_text(out.read_text(encoding="utf-8"))
    sites = frozenset(f"s{i}" for i in range(1, 8))
    assert "试点均值的试点内方差平均值" in text
    assert english_words(text, sites) == []


# -------------------------------------------------------------- every warning is accounted for
#: Every place the library calls ``warnings.warn`` (module::function, as many times as it
#: does there) and where its warnings are checked above: a CASES key, or why none is needed.
CALL_SITES: dict[str, tuple[str, ...]] = {
    "yieldtrial/config.py::_warn_fraction_pct": ("config margin as fraction",),
    # printed when trial.toml is read; its --lang zh line is this text's (the CLI catalogue's
    # "treatment-key-typo", tests/test_cli_errors_zh.py); TrialConfig(treatments=...) too
    "yieldtrial/config.py::_warn_treatment_key_typos": ("treatment key typo",),
    # printed when trial.toml is read, before any report: its --lang zh line is the CLI
    # catalogue's "economics-unused-price" (tests/test_cli_errors_zh.py)
    # (also by TrialConfig(economics=...) and FieldTrial.economics(prices=...), stop 49;
    # the report's economics section silences it: said once, when the description is made)
    "yieldtrial/config.py::warn_unused_prices": (
        "not a data warning: said when trial.toml is read, in no report",
    ),
    "yieldtrial/design/resolve.py::warn_single_block": ("single block",),
    "yieldtrial/design/resolve.py::warn_repeated_entries": (
        "alpha entry repeated",
        "row-column entry repeated",
    ),
    "yieldtrial/design/resolve.py::warn_sparse_repeats": ("augmented label typed twice",),
    "yieldtrial/design/resolve.py::warn_ignored_layout": (
        "crd ignores blocks",
        "rcbd ignores incomplete blocks",
    ),
    "yieldtrial/harvest.py::warn_heads_in_wan": ("spikes per mu in 万",),
    # a RuntimeWarning about the installation (pyarrow failing to import), never a
    # YieldTrialWarning, so no report shows it; tests/test_io_arrow.py checks it
    "yieldtrial/io/_arrow.py::pyarrow_usable": ("not a data warning: pyarrow fails to import",),
    # printed after the output is written, in no report; its --lang zh line is the CLI
    # catalogue's "output-not-recorded" (tests/test_cli_errors_zh.py)
    "yieldtrial/io/output.py::_record": (
        "not a data warning: the record of outputs cannot be written after the output is",
    ),
    "yieldtrial/io/plots.py::read_plots": ("hidden rows",),
    "yieldtrial/io/plots.py::_warn_date_labels": ("date labels",),
    "yieldtrial/io/plots.py::_warn_lost_design_roles": ("design column renamed",),
    # the plot-table reader's and network's full-width labels (io.plots.build_plot_table, stop 39's
    # commands.network._normalise_labels) say it through one function
    "yieldtrial/io/validation.py::warn_merged_labels": ("full-width labels",),
    "yieldtrial/io/plots.py::warn_fractions": (
        "impurity as fractions",
        "empty grain as fractions",
    ),
    # the streaming reader of large tables words its warnings with the same functions
    "yieldtrial/io/streaming.py::_Totals.warn": ("moisture out of range", "yield too high"),
    "yieldtrial/io/validation.py::warn_implausible_moisture": ("moisture out of range",),
    "yieldtrial/io/validation.py::_warn_leading_zeros": ("leading zeros",),
    "yieldtrial/io/validation.py::warn_label_variants": (
        "look-alike letters",
        "case variants",
        "look-alike variants",
    ),
    "yieldtrial/io/yields.py::warn_implausible_yields": ("yield too high",),
    "yieldtrial/io/yields.py::warn_tiny_yields": ("yield too low", "yield low"),
    "yieldtrial/io/yields.py::warn_crop_implausible_yields": (
        "yield above the crop's record",
        "yield below the crop's lowest",
    ),
    "yieldtrial/io/validation.py::warn_half_precision": ("float16 measurements",),
    "yieldtrial/io/yields.py::_warn_recomputed": (
        "other standard moisture",
        "other moisture method",
    ),
    "yieldtrial/io/yields.py::warn_emptied_yields": ("emptied yields",),
    "yieldtrial/io/yields.py::warn_edited_yields": ("edited yields",),
    # warn_fraction_pct: margin_pct of the comparisons reaches the report; cv_pct (power,
    # the plan command) and cv_warn_pct / cv_strong_pct (diagnostics) are API-only
    "yieldtrial/stats/_common.py::warn_at_caller": ("margin as fraction",),
    "yieldtrial/stats/_common.py::warn_fraction_pct": ("margin as fraction",),
    "yieldtrial/stats/residual_checks.py::diagnostics": ("very high CV, few df", "high CV"),
    "yieldtrial/trial.py::reemit_warnings": ("re-issues the plot table's warnings",),
    "yieldtrial/moisture.py::_warn_implausible_standard": ("implausible standard moisture",),
    "yieldtrial/trial.py::_lost_entries_left_out": ("lost augmented entry",),
    "yieldtrial/report/build.py::trial_with_settings": ("description's crop",),
    "yieldtrial/trial.py::FieldTrial.analyze_sites": ("analyze_sites design",),
    "yieldtrial/trial.py::FieldTrial.anova": ("random blocks, block without checks",),
    "yieldtrial/network/__init__.py::_warn_copies": ("copied site",),
    "yieldtrial/network/__init__.py::_warn_repeated_counts": ("repeated treatment in a block",),
    "yieldtrial/io/plots.py::_warn_near_miss_headers": ("near-miss header",),
    "yieldtrial/io/plots.py::_strip_byte_order_marks": ("byte-order mark",),
    "yieldtrial/stats/compare.py::_warn_borderline": ("borderline Dunnett P",),
    "yieldtrial/stats/mixed.py::warn_pooled_strata": ("pooled whole-plot stratum",),
}


def _warn_call_sites() -> list[str]:
    """List ``module::function`` of each ``warnings.warn`` / ``warn_at_caller`` call in src."""
    import ast

    package = Path(__file__).parents[1] / "src"
    found: list[str] = []
    for path in sorted((package / "yieldtrial").rglob("*.py")):
        where = path.relative_to(package).as_posix()

        def visit(node: ast.AST, scope: tuple[str, ...], where: str = where) -> None:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                scope = (*scope, node.name)
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                owner = getattr(getattr(func, "value", None), "id", None)
                if (name == "warn" and owner == "warnings") or name == "warn_at_caller":
                    found.append(f"{where}::{'.'.join(scope)}")
            for child in ast.iter_child_nodes(node):
                visit(child, scope)

        visit(ast.parse(path.read_text(encoding="utf-8")), ())
    return found


def test_every_warning_call_site_is_checked() -> None:
    """A new ``warnings.warn`` in the library needs a case here (or a reason it needs none)."""
    sites = set(_warn_call_sites())
    assert sites == set(CALL_SITES), sites ^ set(CALL_SITES)
    for cases in CALL_SITES.values():
        for case in cases:
            assert case in CASES or case.startswith(("re-issues", "not a data warning")), case
