"""The methods name the letters' test and the checks an augmented trial actually holds.

Stop 39: a differential pass against R found "Tukey's HSD" printed for Tukey-Kramer letters
and "checks in every block" for a check lost in a block.

Trials: ``tests/data/r_reference_trials`` (``yieldtrial design`` field books, synthetic
seeded yields, blank = missing plot) and the shipped ``replicated-rcbd`` dataset.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from yieldtrial.cli import main
from yieldtrial.report.i18n import letters_name

DATA = Path(__file__).parent / "data" / "r_reference_trials"
DATASETS = Path(__file__).parents[1] / "src" / "yieldtrial" / "datasets"


def _report(tmp_path: Path, argv: list[str], lang: str) -> str:
    # the tests read the methods and the letters, no figure: --no-figures (stop 45; the
    # figures' captions name neither the letters' test nor the checks)
    out = tmp_path / f"report.{lang}.md"
    argv = ["report", *argv, "--format", "markdown", "--lang", lang, "--no-figures"]
    rc = main([*argv, "-o", str(out)])
    assert rc == 0
    return out.read_text(encoding="utf-8")


def _trial(name: str, *flags: str) -> list[str]:
    return [str(DATA / f"{name}.csv"), *flags, "--crop", "wheat"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "letters from the Tukey-Kramer test"), ("zh", "多重比较采用 Tukey-Kramer 法")],
)
def test_missing_plot_rcbd_letters_are_tukey_kramer(tmp_path, lang, expected):
    # T03 left in one block: unequal replication, so each pair has its own SE; the
    # library's Tukey pairs are Tukey-Kramer (pairwise(method="tukey")), the letters too
    text = _report(tmp_path, _trial("rcbd_fixed_5x4_one_left", "--design", "rcbd"), lang)
    assert expected in text
    assert ("each pair of means compared on its own standard error" if lang == "en"
            else "各对均值按各自标准误比较") in text  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_correlated_rcbd_letters_are_the_single_step_of_the_tukey_pairs(tmp_path, lang):
    """Stop 40: the report's letters are those of the library's Tukey pairs.

    T01 lost in block 2 and one plot more: the LS-means are correlated beyond the blocks,
    so ``pairwise(method="tukey")`` is the single-step multivariate t (equal to R's
    ``1 - pmvt`` of the pairs, tests/test_report_mixed_lme4_trials.py); the two-level
    letters were the studentized range and the methods named Tukey-Kramer.
    """
    text = _report(tmp_path, _trial("rcbd_fixed_6x4_ckmiss", "--design", "rcbd"), lang)
    name = letters_name("tukey", {"test": "Tukey (single-step)"}, lang)
    assert name in text
    assert letters_name("tukey", {"test": "Tukey-Kramer", "adjustment": ""}, lang) not in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "letters from Tukey's HSD at alpha"), ("zh", "多重比较采用 Tukey HSD 法")],
)
def test_complete_rcbd_letters_are_tukey_hsd(tmp_path, lang, expected):
    folder = DATASETS / "replicated-rcbd"
    argv = [str(folder / "plots.csv"), "--config", str(folder / "trial.toml")]
    text = _report(tmp_path, argv, lang)
    assert expected in text
    assert "Tukey-Kramer" not in text


@pytest.mark.parametrize(
    ("lang", "one_df"),
    [
        ("en", "The letters compare every pair on one df, the smallest of the pairs'"),
        ("zh", "字母标记的各对比较均采用同一自由度"),
    ],
)
def test_mixed_model_letters_use_each_pairs_df(tmp_path, lang, one_df):
    # REML Latin square with a missing plot: pairs have their own Satterthwaite df; since
    # stop 40 the letters are those of the Tukey pairs at those df (Tukey-Kramer here),
    # as FieldTrial.means(letters="tukey") and emmeans, not one df for the whole ranking
    argv = _trial("latin5_m1", "--design", "latin", "--block-effects", "random")
    text = _report(tmp_path, argv, lang)
    assert one_df not in text
    assert "Tukey-Kramer" in text


@pytest.mark.parametrize(
    ("lang", "expected", "wrong"),
    [
        ("en", "Not every check has a yield in every block: CK3 is missing from block 2.",
         "checks in every block"),
        ("zh", "并非每个对照在每个区组都有产量：CK3 缺区组 2。", "对照每区组重复"),
    ],
)  # fmt: skip
def test_augmented_lost_check_is_named(tmp_path, lang, expected, wrong):
    argv = _trial("aug_4ck_3b_10_ckmiss_fixed", "--design", "augmented", "--control", "CK1")
    text = _report(tmp_path, argv, lang)
    assert expected in text
    assert wrong not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_augmented_complete_keeps_every_block(tmp_path, lang):
    argv = _trial("aug_3ck_4b_17_tinyblock_fixed", "--design", "augmented", "--control", "CK1")
    text = _report(tmp_path, argv, lang)
    assert ("checks in every block" if lang == "en" else "对照每区组重复") in text
    assert "CK1 is missing" not in text and "缺区组" not in text


def test_letters_name_single_step_multivariate_t():
    prov = {"test": "Tukey (single-step)", "adjustment": "single-step (Tukey, multivariate t)"}
    assert letters_name("tukey", prov, "en").startswith("Tukey's single-step test")
    assert letters_name("tukey", prov, "zh").startswith("Tukey 单步法")
    assert letters_name("duncan", prov, "en") == "Duncan's new multiple range test"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "use the error term of that factor's F test: variety on Error a (10 df), "
               "treatment on Error b (45 df)."),
        ("zh", "各因素均值的字母标记采用该因素 F 检验所用的误差项："
               "variety 基于误差 a（自由度 10）、处理基于误差 b（自由度 45）。"),
    ],
)  # fmt: skip
def test_split_plot_methods_name_each_factors_error_term(tmp_path, lang, expected):
    # Yates' oats (shipped dataset), balanced: ANOVA strata, Error a 10 df, Error b 45 df
    argv = [str(DATASETS / "yates-oats-split-plot" / "plots.csv"), "--design", "split_plot",
            "--factors", "variety,treatment", "--crop", "oats",
            "--standard-moisture-pct", "14"]  # fmt: skip
    text = _report(tmp_path, argv, lang)
    assert expected in text
    assert ("letters from Tukey's HSD" if lang == "en" else "多重比较采用 Tukey HSD 法") in text


@pytest.mark.parametrize(
    ("lang", "dunnett_only", "both"),
    [
        ("en", "Dunnett adjusted P values are integrated at each comparison's own",
         "Dunnett and Tukey adjusted P values"),
        ("zh", "Dunnett 校正 P 值按每个比较自身的", "Dunnett 和 Tukey 校正 P 值"),
    ],
)  # fmt: skip
def test_mixed_model_own_df_sentence_names_dunnett_alone(tmp_path, lang, dunnett_only, both):
    # Duncan's letters rank on one df, so no Tukey P value is computed at each pair's df
    argv = _trial("latin5_m1", "--design", "latin", "--block-effects", "random", "--control", "A",
                  "--letters", "duncan")  # fmt: skip
    text = _report(tmp_path, argv, lang)
    assert dunnett_only in text
    assert both not in text
    # Tukey's letters (the default) are the pairs at each pair's own df: both named
    argv = _trial("latin5_m1", "--design", "latin", "--block-effects", "random", "--control", "A")
    assert both in _report(tmp_path, argv, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mixed_model_without_control_has_no_adjusted_p_sentence(tmp_path, lang):
    # alpha lattice without a control, Duncan's letters on one df: no adjusted P sentence
    argv = _trial("alpha18_k3_r3_m2", "--design", "alpha", "--letters", "duncan")
    text = _report(tmp_path, argv, lang)
    assert "adjusted P values are integrated" not in text and "校正 P 值按每个比较" not in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", " Tukey adjusted P values are integrated"), ("zh", "Tukey 校正 P 值按每个比较")],
)
def test_mixed_model_without_control_names_tukey_alone(tmp_path, lang, expected):
    # no control: Tukey's letters at each pair's df, and no Dunnett family to name
    text = _report(tmp_path, _trial("alpha18_k3_r3_m2", "--design", "alpha"), lang)
    assert expected in text
    assert "Dunnett" not in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "letters from Tukey's single-step test for correlated means"),
        ("zh", "多重比较采用 Tukey 单步法"),
    ],
)
def test_alpha_lattice_letters_at_001_are_single_step(tmp_path, lang, expected):
    # alpha = 0.01: letters from the pairwise comparisons, which use the multivariate t for
    # the correlated LS-means of incomplete blocks (provenance test "Tukey (single-step)")
    argv = _trial("alpha18_k3_r3_m2", "--design", "alpha", "--alpha", "0.01")
    text = _report(tmp_path, argv, lang)
    assert expected in text


@pytest.mark.parametrize(
    ("lang", "note", "column"),
    [
        ("en", "lowercase alpha = 0.1, uppercase alpha = 0.01.", "Letters (0.1)"),
        ("zh", "小写字母 α = 0.1，大写字母 α = 0.01。", "差异显著性：0.1 |"),
    ],
)
def test_letters_note_and_column_give_the_alpha_used(tmp_path, lang, note, column):
    # --alpha 0.1: the lowercase letters are at 0.1 (the note and column said 0.05)
    argv = _trial("latin5_m1", "--design", "latin", "--control", "A", "--alpha", "0.1")
    text = _report(tmp_path, argv, lang)
    assert note in text
    assert column in text
    assert "alpha = 0.05" not in text and "α = 0.05" not in text


def _json_letters(tmp_path: Path, argv: list[str]) -> dict:
    import json

    out = tmp_path / "report.json"
    assert main(["report", *argv, "--no-figures", "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))["results"]["letters"]


def test_json_letters_variant_is_tukey_hsd_for_a_complete_rcbd(tmp_path):
    # replicated-rcbd: 3 treatments x 4 blocks, no plot missing: one SE for every pair
    folder = DATASETS / "replicated-rcbd"
    letters = _json_letters(tmp_path, [str(folder / "plots.csv"), "--config",
                                       str(folder / "trial.toml")])  # fmt: skip
    assert (letters["test"], letters["variant"]) == ("tukey", "tukey_hsd")


def test_json_letters_variant_is_single_step_with_a_missing_plot(tmp_path):
    # missing plots correlate the LS-means: since stop 40 the report's letters are those of
    # the library's Tukey pairs, the single step (multivariate t), as multcomp::cld's
    letters = _json_letters(tmp_path, _trial("rcbd_fixed_6x4_ckmiss", "--design", "rcbd"))
    assert letters["variant"] == "tukey_single_step"
    # 6 treatments x 4 blocks, plots 101 and 206 blank: 22 plots, residual df of the
    # RCBD model 22 - 1 - (6 - 1) - (4 - 1) = 13, the error the letters use
    assert letters["df_error"] == pytest.approx(13.0)
    assert letters["one_df_for_all_pairs"] is False


def test_json_letters_variant_is_single_step_for_alpha_lattice_at_001(tmp_path):
    # alpha = 0.01: letters pair by pair, multivariate t for the correlated LS-means
    argv = _trial("alpha18_k3_r3_m2", "--design", "alpha", "--alpha", "0.01")
    letters = _json_letters(tmp_path, argv)
    assert letters["variant"] == "tukey_single_step"
    assert letters["alphas"] == [0.01]
    assert all("letters_01" not in row for row in letters["table"])


def test_json_letters_use_each_pairs_df_under_reml(tmp_path):
    # random blocks with missing plots: Satterthwaite df differ by pair; up to 50 levels the
    # letters come from the library's Tukey pairs, each at its own df (stop 40; they ranked
    # every pair on the smallest pair's df before), so no single df for all pairs
    argv = _trial("rcbd_random_6x4_ckmiss", "--design", "rcbd", "--block-effects", "random")
    letters = _json_letters(tmp_path, argv)
    assert (letters["variant"], letters["one_df_for_all_pairs"]) == ("tukey_single_step", False)
    assert "for the whole ranking" not in letters["provenance"]["error_term"]


def test_json_letters_variant_of_duncan_is_duncan(tmp_path):
    argv = _trial("rcbd_fixed_6x4_ckmiss", "--design", "rcbd", "--letters", "duncan")
    assert _json_letters(tmp_path, argv)["variant"] == "duncan"


def test_json_letters_of_protected_lsd_are_recorded(tmp_path):
    # the LSD letters come pair by pair (no two-level table): results.letters is there too
    folder = DATASETS / "replicated-rcbd"
    argv = [str(folder / "plots.csv"), "--config", str(folder / "trial.toml"), "--letters", "lsd"]
    letters = _json_letters(tmp_path, argv)
    assert (letters["variant"], letters["alphas"]) == ("lsd", [0.05, 0.01])
    assert [row["rank"] for row in letters["table"]] == [1, 2, 3]
