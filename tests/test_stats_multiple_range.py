"""Duncan, SNK, Scheffe and two-level letters (yieldtrial.stats.multiple_range)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from yieldtrial.errors import DataValidationError
from yieldtrial.stats.multiple_range import (
    MEAN_SEPARATION_TESTS,
    duncan,
    mean_separation,
    scheffe,
    significant_studentized_range,
    snk,
    two_level_letters,
)
from yieldtrial.stats.results import MeansModel

REF = Path(__file__).parent / "data" / "reference"


def sweetpotato_means() -> MeansModel:
    """Load agricolae's sweetpotato CRD; reduce it by the design model (MSE 22.48917, 8 df)."""
    from yieldtrial.stats.model import fit

    case = json.loads((REF / "agricolae_sweetpotato_crd.json").read_text(encoding="utf-8"))
    rows = [{"virus": k, "yield": v} for k, vals in case["data"]["groups"].items() for v in vals]
    return fit(pd.DataFrame(rows), response="yield", treatment="virus", design="crd").means_model()


def _means(values: list[float], *, se: float = 1.0, df: float = 20.0) -> MeansModel:
    k = len(values)
    return MeansModel(
        factor="trt",
        levels=tuple(f"T{i + 1}" for i in range(k)),
        estimates=np.array(values),
        cov=np.eye(k) * se**2,
        df=df,
        n=np.full(k, 4),
        mse=4 * se**2,
        error_term="residual",
        design="rcbd",
        formula="y ~ trt + block",
        response="y",
    )


# ----------------------------------------------------------------------------- published output


def test_duncan_critical_ranges_match_agricolae() -> None:
    """Duncan critical ranges 8.928965, 9.304825, 9.514910 (agricolae tutorial sec. 4.3)."""
    # agricolae (de Mendiburu) tutorial, "Duncan's New Multiple-Range Test",
    # duncan.test(model, "virus") on data(sweetpotato): Critical Range p = 2, 3, 4
    res = duncan(sweetpotato_means())
    assert res.critical_ranges["least_significant_range"].tolist() == pytest.approx(
        [8.928965, 9.304825, 9.514910], abs=5e-6
    )


def test_duncan_letters_match_agricolae() -> None:
    """Duncan groups oo a, ff a, cc b, fc c (agricolae tutorial sec. 4.3)."""
    res = duncan(sweetpotato_means())
    assert res.letters == {"oo": "a", "ff": "a", "cc": "b", "fc": "c"}
    # means printed next to the groups: oo 36.90000, ff 36.33333, cc 24.40000, fc 12.86667
    assert res.groups["mean"].tolist() == pytest.approx([36.9, 36.33333, 24.4, 12.86667], abs=5e-6)


@pytest.mark.parametrize("test", MEAN_SEPARATION_TESTS)
def test_differences_and_letters_invariant_to_1e12_offset(test: str) -> None:
    """Adding 1e12 keeps every difference (to 1e-9), statistic and letter of each test."""
    from yieldtrial.stats.model import fit

    case = json.loads((REF / "agricolae_sweetpotato_crd.json").read_text(encoding="utf-8"))
    # yields x 10 are integers (one printed decimal), so they are exact at 1e12 (spacing 2**-13)
    rows = [
        {"virus": k, "y": round(10 * v)} for k, vals in case["data"]["groups"].items() for v in vals
    ]
    df = pd.DataFrame(rows).astype({"y": float})
    moved = df.assign(y=df["y"] + 1e12)
    base, other = (
        mean_separation(
            fit(d, response="y", treatment="virus", design="crd").means_model(), test=test
        )
        for d in (df, moved)
    )
    assert other.letters == base.letters
    np.testing.assert_allclose(other.comparisons["diff"], base.comparisons["diff"], atol=1e-9)
    np.testing.assert_allclose(
        other.comparisons["statistic"], base.comparisons["statistic"], rtol=1e-9
    )


def test_snk_critical_ranges_and_letters_match_agricolae() -> None:
    """SNK ranges 8.928965, 11.064170, 12.399670; groups oo a, ff a, cc b, fc c (sec. 4.4)."""
    # agricolae tutorial, "Student-Newman-Keuls", SNK.test(model, "virus") on sweetpotato
    res = snk(sweetpotato_means())
    assert res.critical_ranges["least_significant_range"].tolist() == pytest.approx(
        [8.928965, 11.064170, 12.399670], abs=5e-6
    )
    assert res.letters == {"oo": "a", "ff": "a", "cc": "b", "fc": "c"}


def test_scheffe_matches_agricolae() -> None:
    """Scheffe: F 4.066181, minimum significant difference 13.52368 (agricolae sec. 4.7)."""
    # agricolae tutorial, "Scheffe's Test", scheffe.test(model, "virus"): Critical Value of
    # F 4.066181, Minimum Significant Difference 13.52368; groups oo a, ff a, cc ab, fc b.
    res = scheffe(sweetpotato_means())
    f_crit = res.critical_ranges["q_crit"].iloc[0] ** 2 / 3  # crit = sqrt((k-1) F)
    assert f_crit == pytest.approx(4.066181, abs=5e-7)
    assert res.comparisons["least_significant"].iloc[0] == pytest.approx(13.52368, abs=5e-6)
    assert res.letters == {"oo": "a", "ff": "a", "cc": "ab", "fc": "b"}


@pytest.mark.parametrize(
    ("df", "printed"),
    [
        (5, [3.64, 3.74, 3.79, 3.83]),
        (10, [3.15, 3.30, 3.37, 3.43, 3.46]),
        (20, [2.95, 3.10, 3.18, 3.25]),
    ],
)
def test_significant_studentized_range_matches_duncan_table(df: int, printed: list[float]) -> None:
    """Duncan (1955) Table II, alpha 0.05, p = 2.. : agrees within Duncan's own approximation."""
    # Duncan's printed table (reprinted in Steel & Torrie and Gomez & Gomez appendices; the
    # values above are identical in three independent transcriptions) was computed with
    # approximations later corrected by Harter (1960); the exact values differ by <= 0.016.
    p = np.arange(2, 2 + len(printed))
    ours = significant_studentized_range(p, df)
    assert ours == pytest.approx(printed, abs=0.02)
    # p = 2 is exact in every table: sqrt(2) t_{0.025, df}
    assert ours[0] == pytest.approx(np.sqrt(2) * stats.t.ppf(0.975, df), rel=1e-7)


def test_significant_studentized_range_is_range_at_protection_level() -> None:
    """Duncan's q = upper 1-(1-alpha)^(p-1) point of the studentized range (Duncan 1955)."""
    level = 1 - (1 - 0.01) ** (6 - 1)  # protection level for p = 6 means
    assert significant_studentized_range(6, 12, alpha=0.01) == pytest.approx(
        stats.studentized_range.ppf(1 - level, 6, 12), rel=1e-8
    )
    assert significant_studentized_range(6, 12, alpha=0.01, test="snk") == pytest.approx(
        stats.studentized_range.ppf(0.99, 6, 12), rel=1e-8
    )


@pytest.mark.parametrize(("k", "df"), [(2, 8), (4, 2), (5, 45), (10, 5), (20, 200)])
def test_fast_range_quadrature_matches_scipy(k: int, df: float) -> None:
    """The private quadrature CDF/quantile equal scipy.stats.studentized_range (independent)."""
    from yieldtrial.stats.multiple_range import _ptukey, _qtukey

    q = np.array([0.5, 2.0, 3.5, 6.0])
    assert _ptukey(q, k, df) == pytest.approx(stats.studentized_range.cdf(q, k, df), abs=1e-9)
    assert _qtukey(0.95, k, df) == pytest.approx(stats.studentized_range.ppf(0.95, k, df), rel=1e-8)


# ----------------------------------------------------------------------------- procedure


def test_protection_rule_blocks_subranges() -> None:
    """A pair inside a non-significant wider range is not significant (Duncan 1955 rule)."""
    q2 = significant_studentized_range(2, 20)
    q3 = significant_studentized_range(3, 20)
    d = (q2 + q3) / 2  # q2 < d < q3 (SE of a mean = 1)
    res = duncan(_means([10.0, 10.0, 10.0 - d]))
    pairs = res.comparisons.set_index(["level_a", "level_b"])
    wide = pairs.loc[("T1", "T3")]
    assert not wide["significant"]
    assert wide["statistic"] < wide["critical_value"]
    narrow = pairs.loc[("T2", "T3")]
    assert narrow["statistic"] > narrow["critical_value"]  # would be significant alone
    assert not narrow["tested"]
    assert not narrow["significant"]
    assert set(res.letters.values()) == {"a"}


def test_p_values_equal_alpha_at_the_critical_range() -> None:
    """A difference equal to the least significant range has p = alpha (Duncan and SNK)."""
    for test in ("duncan", "snk"):
        q3 = significant_studentized_range(3, 20, test=test)
        # SE of a mean 1: studentized range of T1 - T3 = q3 exactly, spanning 3 means
        res = mean_separation(_means([q3, q3 / 2, 0.0]), test=test)
        row = res.comparisons.set_index(["level_a", "level_b"]).loc[("T1", "T3")]
        assert row["span"] == 3
        assert row["p_value"] == pytest.approx(0.05, abs=1e-6)


def test_tukey_matches_pairwise_means() -> None:
    """The Tukey-Kramer member agrees with compare.pairwise_means (same MeansModel)."""
    from yieldtrial.stats.compare import pairwise_means

    mm = sweetpotato_means()
    ours = mean_separation(mm, test="tukey").comparisons.set_index(["level_a", "level_b"])
    theirs = pairwise_means(mm, method="tukey")
    for row in theirs.itertuples(index=False):
        key = (
            (row.group1, row.group2)
            if (row.group1, row.group2) in ours.index
            else (row.group2, row.group1)
        )
        assert ours.loc[key, "p_value"] == pytest.approx(row.p_value_adjusted, abs=1e-4)
        assert bool(ours.loc[key, "significant"]) == bool(row.reject)


def test_unequal_replication_uses_pair_se() -> None:
    """With unequal SEs each pair is studentized by its own SED / sqrt(2) (Tukey-Kramer form)."""
    mm = MeansModel(
        factor="trt",
        levels=("A", "B", "C"),
        estimates=np.array([10.0, 8.0, 5.0]),
        cov=np.diag([1.0, 0.25, 4.0]),
        df=15,
        n=np.array([4, 16, 1]),
        mse=4.0,
        error_term="residual",
        design="crd",
        formula="y ~ trt",
        response="y",
    )
    row = duncan(mm).comparisons.set_index(["level_a", "level_b"]).loc[("A", "B")]
    assert row["sed"] == pytest.approx(np.sqrt(1.25))
    assert row["statistic"] == pytest.approx(2.0 / np.sqrt(1.25 / 2))


def test_provenance_records_test_alpha_and_error() -> None:
    """Every result carries the design error term, df, test, alpha and adjustment."""
    res = duncan(sweetpotato_means(), alpha=0.01)
    prov = res.provenance
    assert (prov.test, prov.alpha, prov.error_term, prov.df_error) == (
        "duncan",
        0.01,
        "residual",
        8.0,
    )
    assert "1-(1-alpha)^(p-1)" in prov.adjustment
    assert res.to_frame().attrs["provenance"]["design"] == "crd"


# ----------------------------------------------------------------------------- two-level letters


def test_two_level_letters_sweetpotato() -> None:
    """Duncan at 0.05 a/a/b/c; at 0.01 A/A/AB/B (ranges 12.99, 13.52, 13.84 by hand)."""
    # 0.01 critical ranges: q_{(0.99)^(p-1)}(p, 8) * sqrt(22.48917 / 3) = 12.99, 13.52, 13.84;
    # oo-cc (p=3) 12.50 < 13.52 -> oo, ff, cc share A; cc-fc (p=2) 11.53 < 12.99 -> share B;
    # ff-fc (p=3) 23.47 > 13.52 and oo-fc (p=4) 24.03 > 13.84 -> differ.
    table = two_level_letters(sweetpotato_means())
    assert table["level"].tolist() == ["oo", "ff", "cc", "fc"]
    assert table["letters_05"].tolist() == ["a", "a", "b", "c"]
    assert table["letters_01"].tolist() == ["A", "A", "AB", "B"]
    assert table.attrs["alphas"] == {"letters_05": 0.05, "letters_01": 0.01}


@pytest.mark.parametrize("test", MEAN_SEPARATION_TESTS)
def test_two_level_letters_every_test(test: str) -> None:
    """Every test gives uppercase letters no finer than its lowercase letters."""
    table = two_level_letters(sweetpotato_means(), test=test)
    assert all(s.isupper() for s in table["letters_01"])
    assert len(set("".join(table["letters_01"]))) <= len(set("".join(table["letters_05"])))


def test_two_level_letters_order_of_levels_checked() -> None:
    """alpha_upper must be the stricter level."""
    with pytest.raises(DataValidationError, match="alpha_upper"):
        two_level_letters(sweetpotato_means(), alpha_lower=0.01, alpha_upper=0.05)


# ----------------------------------------------------------------------------- validation


def test_unknown_test_is_refused() -> None:
    """An unknown test name lists the valid ones."""
    with pytest.raises(DataValidationError, match="duncan, snk, scheffe"):
        mean_separation(sweetpotato_means(), test="waller")


def test_aliases_are_accepted() -> None:
    """'SSR', 'DMRT' and 'Newman-Keuls' map to duncan and snk."""
    assert mean_separation(sweetpotato_means(), test="SSR").test == "duncan"
    assert mean_separation(sweetpotato_means(), test="Newman-Keuls").test == "snk"


@pytest.mark.parametrize("alpha", [0, 1, -0.1, 5])
def test_bad_alpha_is_refused(alpha: float) -> None:
    """Reject alpha outside (0, 1)."""
    with pytest.raises(DataValidationError, match="alpha"):
        duncan(sweetpotato_means(), alpha=alpha)


def test_single_level_is_refused() -> None:
    """One mean cannot be separated."""
    with pytest.raises(DataValidationError, match="at least two"):
        duncan(_means([1.0]))


def test_zero_error_df_is_refused() -> None:
    """No error df (unreplicated) is refused with a hint."""
    with pytest.raises(DataValidationError, match="positive error df"):
        duncan(_means([1.0, 2.0], df=0))


def test_p_below_two_is_refused() -> None:
    """A range of fewer than two means has no critical value."""
    with pytest.raises(DataValidationError, match="p \\(number of means"):
        significant_studentized_range(1, 10)


def test_public_names_are_exported_lazily() -> None:
    """duncan, snk, scheffe, two_level_letters, split_plot_anova ... are in yieldtrial.stats."""
    import yieldtrial.stats as ys

    assert ys.duncan is duncan
    assert ys.two_level_letters is two_level_letters
    for name in ("split_plot_anova", "strip_plot_anova", "factorial_anova", "snk", "scheffe"):
        assert name in ys.__all__
        assert callable(getattr(ys, name))


# ----------------------------------------------------------------------------- means-table letters


def test_add_two_level_letters_joins_on_the_means_table_rows() -> None:
    """letters_05/letters_01 follow the means table's rows and equal two_level_letters."""
    from yieldtrial.stats.multiple_range import add_two_level_letters
    from yieldtrial.stats.tables import means_table

    mm = sweetpotato_means()
    table = means_table(mm, letters="tukey")
    out = add_two_level_letters(table, mm)
    # expected: the standalone two-level display of the same MeansModel (Duncan at 0.05/0.01)
    ref = two_level_letters(mm).set_index("level")
    assert out["treatment"].tolist() == table["treatment"].tolist()
    assert out["letters_05"].tolist() == ref.loc[out["treatment"], "letters_05"].tolist()
    assert out["letters_01"].tolist() == ref.loc[out["treatment"], "letters_01"].tolist()
    # agricolae duncan.test(sweetpotato) at 0.05: oo a, ff a, cc b, fc c
    assert dict(zip(out["treatment"], out["letters_05"], strict=True)) == {
        "oo": "a", "ff": "a", "cc": "b", "fc": "c",
    }  # fmt: skip
    columns = list(out.columns)
    assert columns[columns.index("letters") + 1 : columns.index("letters") + 3] == [
        "letters_05",
        "letters_01",
    ]
    assert out.attrs["two_level_letters"]["alphas"] == {"letters_05": 0.05, "letters_01": 0.01}
    assert out.attrs["two_level_letters"]["df_error"] == 8  # sweetpotato CRD: 12 plots - 4


def test_add_two_level_letters_leaves_the_input_alone() -> None:
    """The means table passed in is not modified."""
    from yieldtrial.stats.multiple_range import add_two_level_letters

    mm = sweetpotato_means()
    table = pd.DataFrame({"treatment": list(mm.levels), "letters": ["x"] * 4})
    add_two_level_letters(table, mm, test="snk")
    assert list(table.columns) == ["treatment", "letters"]


def test_add_two_level_letters_refuses_other_levels() -> None:
    """A table whose labels are not the MeansModel's levels is refused."""
    from yieldtrial.stats.multiple_range import add_two_level_letters

    mm = sweetpotato_means()
    with pytest.raises(DataValidationError, match="are not the levels of 'virus'"):
        add_two_level_letters(pd.DataFrame({"treatment": ["a", "b", "c", "d"]}), mm)
    with pytest.raises(DataValidationError, match="no 'level' column"):
        add_two_level_letters(
            pd.DataFrame({"treatment": list(mm.levels)}), mm, level_column="level"
        )


def test_alpha_as_text_is_a_clear_error():
    """alpha='abc' is a DataValidationError naming alpha, not a ValueError from float()."""
    from yieldtrial.stats import significant_studentized_range

    with pytest.raises(DataValidationError, match="alpha = 'abc'; expected a number"):
        significant_studentized_range(3, 10.0, alpha="abc")  # type: ignore[arg-type]


def test_reml_ranking_provenance_states_its_one_df() -> None:
    """Duncan on REML LS-means uses one df (MeansModel.df, the smallest pair's), and says so.

    The provenance repeated the MeansModel's "Satterthwaite df per comparison", which the
    multiple-range tests do not use (docs/mixed-models.md, "Comparison df").
    """
    from reference_cases import alpha_fit, john_alpha

    mm = alpha_fit(john_alpha()).means_model()
    prov = mean_separation(mm, test="duncan").provenance
    assert prov.error_term == (
        "REML (rep:block, residual); Satterthwaite df: the smallest pair's "
        f"({mm.df:.4g}) for the whole ranking"
    )


def test_repr_is_one_line_without_tables() -> None:
    """``print(res)`` names the test and its size (sweetpotato: 4 means, 3 reps, error df 8)."""
    assert repr(duncan(sweetpotato_means())) == (
        "MeanSeparation(test='duncan', alpha=0.05, means=4, df_error=8)"
    )


def test_two_level_tukey_letters_are_the_verdicts_of_the_tukey_pairs() -> None:
    """REML LS-means: a shared letter exactly when pairwise_means' Tukey does not separate.

    At 0.05 and 0.01, and the provenance names that test (the oats alpha-lattice: one pair
    at p = 0.0090 was joined at 0.01).  Stop 40: the two-level letters (what the report
    prints) used the studentized range at the smallest pair's df for every pair, while
    ``pairwise_means`` (and ``FieldTrial.means``) use each pair's df and, for correlated
    LS-means, the single-step multivariate t; on a row-column trial with missing plots
    the report's letters joined 3 pairs that emmeans + multcomp::cld (and the library)
    separate (tests/test_report_mixed_lme4_trials.py).
    """
    from reference_cases import alpha_fit, john_alpha
    from yieldtrial.stats.compare import pairwise_means

    mm = alpha_fit(john_alpha()).means_model()
    frame = two_level_letters(mm, test="tukey")
    table = frame.set_index("level")
    pairs = pairwise_means(mm, method="tukey")
    for column, alpha in (("letters_05", 0.05), ("letters_01", 0.01)):
        letters = table[column].str.lower()
        for _, row in pairs.iterrows():
            shared = bool(set(letters[row["group1"]]) & set(letters[row["group2"]]))
            assert shared is not bool(row["p_value_adjusted"] < alpha)
    prov = frame.attrs["provenance"]
    for name in ("test", "adjustment", "error_term"):
        assert prov[name] == pairs.attrs["provenance"][name]


@pytest.mark.parametrize(
    ("p", "given"),
    [
        (pd.DataFrame({"p": [2, 3]}), "a pandas DataFrame of 2 rows"),
        (np.array([[2, 3], [4, 5]]), r"an array of shape \(2, 2\)"),
    ],
    ids=["dataframe", "2-d-array"],
)
def test_significant_studentized_range_refuses_a_table_for_p(p, given):
    """A DataFrame gave a 2-D result; p is one family size or a 1-D list, as its siblings."""
    with pytest.raises(DataValidationError, match=rf"must be one whole number or a list.*{given}"):
        significant_studentized_range(p, 10)


def test_significant_studentized_range_takes_a_series_as_its_values():
    """A Series of p is read as a 1-D list (Harter 1960 at 10 df: 3.15, 3.29)."""
    got = significant_studentized_range(pd.Series([2, 3], index=["a", "b"]), 10)
    assert isinstance(got, np.ndarray)
    assert np.round(got, 2).tolist() == [3.15, 3.29]
