"""Partially replicated (p-rep) augmented trials at breeding size: the absorbed fit (stop 43).

Every number is compared with the general fit of the full model matrix (``_general_fit``,
forced by raising ``ABSORB_MIN_TREATMENTS``) on the same SYNTHETIC trial: both are least
squares of ``y ~ treatment + block``, so they agree to rounding, 1e-10 relative (sums of
squares that are differences of sums of squares are also allowed 1e-12 of the total).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import yieldtrial.stats.augmented as aug
from yieldtrial.errors import DataValidationError
from yieldtrial.stats.augmented import augmented_anova

KW = {"response": "y", "treatment": "treatment", "block": "block"}


def _prep(
    entries: int,
    checks: int = 4,
    blocks: int = 12,
    replicated: float = 0.2,
    *,
    seed: int = 1,
    checkless: int | None = None,
    link: bool = True,
    twice_same_block: int = 0,
) -> pd.DataFrame:
    """Return a SYNTHETIC p-rep augmented trial.

    ``checks`` checks in every block (none in block ``checkless`` if given), every entry one
    plot in a random block, a share ``replicated`` of them a second plot in another block;
    ``link=False`` keeps the check-less block out of every replicated entry's pair of blocks
    (the design is then disconnected); ``twice_same_block`` entries get a second plot in
    their own block.
    """
    rng = np.random.default_rng(seed)
    block_eff = rng.normal(0.0, 250.0, blocks)
    entry_eff = rng.normal(0.0, 600.0, entries)
    rows = []
    for j in range(blocks):
        if j == checkless:
            continue
        for k in range(checks):
            rows.append((f"B{j:02d}", f"CK{k}", 7000 + 150 * k + block_eff[j]))
    home = rng.integers(0, blocks, entries)
    for e in range(entries):
        rows.append((f"B{home[e]:02d}", f"E{e:05d}", 7000 + entry_eff[e] + block_eff[home[e]]))
    n_rep = int(round(replicated * entries))
    for e in rng.choice(entries, n_rep, replace=False):
        others = [j for j in range(blocks) if j != home[e]]
        if not link and checkless is not None:
            if home[e] == checkless:
                continue
            others = [j for j in others if j != checkless]
        j = int(rng.choice(others))
        rows.append((f"B{j:02d}", f"E{e:05d}", 7000 + entry_eff[e] + block_eff[j]))
    single = [e for e in range(entries) if not (not link and home[e] == checkless)]
    for e in rng.choice(single, twice_same_block, replace=False):
        rows.append((f"B{home[e]:02d}", f"E{e:05d}", 7000 + entry_eff[e] + block_eff[home[e]]))
    df = pd.DataFrame(rows, columns=["block", "treatment", "y"])
    df["y"] += rng.normal(0.0, 400.0, len(df))
    return df


def _lost(df: pd.DataFrame, treatment: str, block: str) -> pd.DataFrame:
    out = df.copy()
    out.loc[(out["treatment"] == treatment) & (out["block"] == block), "y"] = np.nan
    return out


_TRIALS = {
    "prep-498-c4": lambda: _prep(498, seed=1),
    "prep-580-c3-30pct": lambda: _prep(577, checks=3, blocks=15, replicated=0.3, seed=2),
    "prep-520-c5-lost-check": lambda: _lost(_prep(515, checks=5, seed=3), "CK2", "B04"),
    "prep-530-block-without-checks": lambda: _prep(526, seed=4, checkless=7),
    "prep-540-twice-in-own-block": lambda: _prep(536, seed=5, twice_same_block=20),
    "prep-560-c1-10pct": lambda: _prep(559, checks=1, blocks=10, replicated=0.1, seed=6),
}


def _both_fits(df: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, **kw):
    absorbed = augmented_anova(df, **KW, **kw)
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 10**9)
    general = augmented_anova(df, **KW, **kw)
    return general, absorbed


@pytest.fixture(scope="module", params=sorted(_TRIALS))
def fits(request: pytest.FixtureRequest):
    """Return the general and the absorbed fit of one SYNTHETIC p-rep trial (default routing)."""
    df = _TRIALS[request.param]()
    checks = sorted({t for t in df["treatment"] if t.startswith("CK")})
    with pytest.MonkeyPatch.context() as mp:
        general, absorbed = _both_fits(df, mp, checks=checks)
    return general, absorbed


def test_trials_are_p_rep_at_breeding_size(fits) -> None:
    general, absorbed = fits
    n_t = len(absorbed.checks) + len(absorbed.entries)
    assert 502 <= n_t <= 600
    entry_n = absorbed.means.loc[absorbed.means["kind"] == "entry", "n"]
    assert (entry_n > 1).any()
    assert isinstance(general._means_model.cov, np.ndarray)
    assert type(absorbed._means_model.cov).__name__ == "LowRankUpdateCovariance"


@pytest.mark.parametrize("attr", ["table", "table_block_adjusted"])
def test_anova_tables_equal_general_fit(fits, attr: str) -> None:
    general, absorbed = fits
    got, want = getattr(absorbed, attr), getattr(general, attr)
    total = float(general.table["sum_sq"].sum())
    assert got["source"].tolist() == want["source"].tolist()
    assert got["df"].tolist() == want["df"].tolist()
    np.testing.assert_allclose(got["sum_sq"], want["sum_sq"], rtol=1e-10, atol=1e-12 * total)
    np.testing.assert_allclose(got["f"], want["f"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got["p_value"], want["p_value"], rtol=1e-8, atol=1e-14)


def test_means_and_ses_equal_general_fit(fits) -> None:
    general, absorbed = fits
    pd.testing.assert_frame_equal(absorbed.means, general.means, rtol=1e-10)
    assert absorbed.mse == pytest.approx(general.mse, rel=1e-10)
    assert absorbed.df_error == general.df_error


def test_seds_equal_general_fit(fits) -> None:
    """Each kind: the mean over its pairs (an entry in two blocks: different blocks)."""
    general, absorbed = fits
    pd.testing.assert_frame_equal(absorbed.sed, general.sed, rtol=1e-10)


def test_block_effects_equal_general_fit(fits) -> None:
    general, absorbed = fits
    scale = float(np.max(np.abs(general.block_effects)))
    np.testing.assert_allclose(absorbed.block_effects, general.block_effects, atol=1e-10 * scale)


def test_covariance_equals_general_fit(fits) -> None:
    """Pair variances of the letters and Dunnett inputs all come from this covariance."""
    general, absorbed = fits
    dense = np.asarray(absorbed._means_model.cov)
    want = general._means_model.cov
    np.testing.assert_allclose(dense, want, rtol=0, atol=1e-10 * np.abs(want).max())


def test_dunnett_vs_best_check_equals_general_fit(fits) -> None:
    """vs_best_check: estimates, SEs and adjusted p-values of the two fits (Dunnett inputs).

    The absorbed family may take the near product form with the Li-Shao bound (replicated
    entries break the exact bifactor form): adjusted p-values agree to its accuracy.
    """
    general, absorbed = fits
    got, want = absorbed.vs_best_check(), general.vs_best_check()
    assert got.shape[0] == want.shape[0]
    assert got["treatment"].tolist() == want["treatment"].tolist()
    for col in ("difference", "se", "statistic"):
        np.testing.assert_allclose(got[col], want[col], rtol=1e-10, atol=1e-9)
    # the absorbed family's p-values (exact bifactor refused -> near product form + Li-Shao
    # bound) against the dense family's: measured 1e-14 apart on these trials
    np.testing.assert_allclose(got["p_value_adjusted"], want["p_value_adjusted"], atol=1e-6)


def test_dunnett_accuracy_note_names_the_replicated_entries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """p-rep: the Dunnett note names the replicated entries among the block-effect sources.

    It said "adjusted by the checks' block effects"; the replicated entries estimate the
    block effects too (the report's sentence, stop 45).

    60 entries (a vs-check family above ``FAMILY_DENSE_MAX``: the near product form and its
    note) fitted by ``_prep_fit`` (``ABSORB_MIN_TREATMENTS`` lowered), not 500 entries.
    """
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 10)
    res = augmented_anova(_prep(60, blocks=6, seed=1), **KW, checks=["CK0", "CK1", "CK2", "CK3"])
    note = res.vs_best_check(method="dunnett").attrs["accuracy"]
    assert "block effects estimated from the checks and the replicated entries" in note
    assert "checks' block effects" not in note


def test_dunnett_exact_form_refused_and_near_form_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replicated entries: ``_exact_bifactor_family`` gives None, the near form answers."""
    import yieldtrial.stats.compare as cmp

    seen: list[object] = []
    exact = cmp._exact_bifactor_family

    def spy(*args, **kwargs):
        out = exact(*args, **kwargs)
        seen.append(out)
        return out

    monkeypatch.setattr(cmp, "_exact_bifactor_family", spy)
    res = augmented_anova(_prep(540, seed=9), **KW, checks=["CK0", "CK1", "CK2", "CK3"])
    table = res.vs_best_check()
    assert seen == [None]
    assert np.isfinite(table["p_value_adjusted"]).all()


def test_disconnected_layout_gives_the_general_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A block without checks that no replicated entry links: the general path's message."""
    df = _prep(530, seed=7, checkless=3, link=False)
    with pytest.raises(DataValidationError) as absorbed:
        augmented_anova(df, **KW)
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 10**9)
    with pytest.raises(DataValidationError) as general:
        augmented_anova(df, **KW)
    assert str(absorbed.value) == str(general.value)
    assert "'B03' has no check plot" in str(absorbed.value)


def _linked_and_unlinked() -> pd.DataFrame:
    """Return a SYNTHETIC p-rep trial: blocks 4 and 5 without checks, E6 links block 4 only.

    CK1 and CK2 in blocks 1-3; E1 in blocks 1 and 2; E6 in blocks 4 and 1; E8, E9 only in
    block 5, which nothing joins to the others.
    """
    rows = [(str(b), ck) for b in (1, 2, 3) for ck in ("CK1", "CK2")]
    rows += [("1", "E1"), ("2", "E1"), ("1", "E2"), ("2", "E3"), ("3", "E4"), ("3", "E5"),
             ("4", "E6"), ("1", "E6"), ("4", "E7"), ("5", "E8"), ("5", "E9")]  # fmt: skip
    df = pd.DataFrame(rows, columns=["block", "treatment"])
    df["y"] = [7000.0 + 37 * (i * 7 % 11) for i in range(len(df))]
    return df


@pytest.mark.parametrize("fit", ["augmented_anova", "check_linked_blocks"])
def test_disconnected_p_rep_block_is_named_not_the_linked_one(fit: str) -> None:
    """Block 4 has no check but E6 links it; block 5 is the one that cannot be adjusted."""
    with pytest.raises(DataValidationError) as err:
        getattr(aug, fit)(_linked_and_unlinked(), **KW, checks=["CK1", "CK2"])
    message = str(err.value)
    assert message.startswith(
        "block '5' has no check plot with a yield and no replicated entry linking it to the "
        "blocks with checks, so its entries 'E8', 'E9' cannot be adjusted: the p-rep design "
        "is disconnected."
    )
    assert "'4'" not in message


def test_linked_p_rep_blocks_pass_the_check() -> None:
    """Without block 5 every block is reached from the checks: no error."""
    df = _linked_and_unlinked()
    aug.check_linked_blocks(df[df["block"] != "5"], **KW, checks=["CK1", "CK2"])


def test_no_dense_treatment_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """The p-rep fit never builds the full model matrix (model_matrix is not called)."""

    def refuse(*args, **kwargs):
        raise AssertionError("full model matrix built")

    monkeypatch.setattr(aug, "model_matrix", refuse)
    res = augmented_anova(_prep(510, seed=8), **KW)
    assert type(res._means_model.cov).__name__ == "LowRankUpdateCovariance"


def test_many_checks_two_checks_sed_without_pair_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """One-plot absorption with thousands of checks: two-check SED by Lagrange's identity.

    A p-rep table analysed without ``checks=`` takes its replicated entries as checks
    (10,000 entries: 2,004 checks, a 2,007,006 x 2,203 array of pair rows, 32.9 GiB before);
    ``_PAIR_ROWS_MAX = 0`` forces the identity here, compared with the general fit.
    """
    df = _prep(520, seed=10)
    monkeypatch.setattr(aug, "_PAIR_ROWS_MAX", 0)
    absorbed = augmented_anova(df, **KW)  # replicated entries become checks
    assert len(absorbed.checks) > 100
    assert type(absorbed._means_model.cov).__name__ == "LowRankUpdateCovariance"
    monkeypatch.setattr(aug, "ABSORB_MIN_TREATMENTS", 10**9)
    general = augmented_anova(df, **KW)
    pd.testing.assert_frame_equal(absorbed.sed, general.sed, rtol=1e-10)
