"""Hostile inputs of the Stop 31 pass (issue 13): mixed-model and design paths, API chains.

Each CLI case: the exit status, one line on stderr, no traceback, the inputs unchanged and
no output file left behind (see ``hostile.py``).  The driver that found them ran 340 CLI
cases in-process, 7 as subprocesses and 71 API chains (CHANGELOG, "Stop 31 (hostile
pass ...)").
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import yieldtrial as yt
from hostile import assert_one_line_error, run_cli
from yieldtrial import stats
from yieldtrial.design import alpha as alpha_module
from yieldtrial.io.validation import check_analysable_scale

ENTRIES = [f"G{i:02d}" for i in range(1, 13)]


def _components(book: pd.DataFrame) -> int:
    """Count the connected parts of a field book's treatments joined by incomplete blocks."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for _, plots in book.groupby(["block", "incomplete_block"]):
        first, *rest = list(plots["treatment"])
        for label in rest:
            parent[find(label)] = find(first)
    return len({find(t) for t in book["treatment"]})


# ----------------------------------------------------------------- design alpha


@pytest.fixture
def too_large_to_compare(monkeypatch):
    """Make every design take the path of designs beyond 1500 blocks or entries.

    There the starts are not compared and not improved (no efficiency evaluations), which
    is what 3000 entries in blocks of 3 meet; this reproduces it on 180 entries.
    """
    monkeypatch.setattr(alpha_module, "_LARGEST_COMPARED", 0)
    monkeypatch.setattr(alpha_module, "_EFFICIENCY_EVALUATIONS", 0)


@pytest.mark.parametrize("seed", [2, 4, 8])
def test_alpha_generator_never_returns_a_disconnected_array(too_large_to_compare, seed):
    """A random start whose differences share a factor with s split the entries in two.

    180 entries in blocks of 3 (s = 60), 2 replicates: with seeds 2, 4 and 8 the first
    random start had efficiency factor 0 (two unconnected halves) and was written as the
    layout; ``yieldtrial design alpha`` with 3000 entries in blocks of 3 did so unaided.
    """
    design = alpha_module.alpha_generator(180, block_size=3, replicates=2, seed=seed)
    assert design.efficiency > 0.0
    assert alpha_module._connected(design.generator, 60)


def test_design_alpha_command_writes_a_connected_layout(too_large_to_compare, tmp_path, capsys):
    """The field book of seed 2 (disconnected before) joins every entry to every other."""
    out = tmp_path / "fb.csv"
    entries = ",".join(f"E{i:03d}" for i in range(180))
    argv = ["design", "alpha", "--treatments", entries, "--block-size", "3"]
    code, lines = run_cli([*argv, "--replicates", "2", "--seed", "2", "-o", str(out)], capsys)
    assert code == 0, lines
    assert "efficiency factor 0.0000" not in " ".join(lines)
    assert _components(pd.read_csv(out, dtype=str)) == 1


def test_connected_tells_a_disconnected_array():
    """Shifts 2 and 4 modulo 6 join only the even (or only the odd) positions of each row."""
    assert not alpha_module._connected(np.array([[0, 0], [0, 2], [0, 4]]), 6)
    assert alpha_module._connected(np.array([[0, 0], [0, 1], [0, 4]]), 6)


def test_cell_costs_are_the_changes_of_the_concurrence_cost():
    """Each value's cell cost differs from the current one's as the whole cost does."""
    rng = np.random.default_rng(5)
    k, r, s = 6, 5, 7
    alpha = rng.integers(0, s, (k, r))
    for i, j in [(1, 1), (3, 4), (5, 2)]:
        costs = alpha_module._cell_costs(alpha, s, i, j)
        base = alpha_module._concurrence_cost(alpha, s)
        for value in range(s):
            trial = alpha.copy()
            trial[i, j] = value
            whole = alpha_module._concurrence_cost(trial, s) - base
            assert costs[value] - costs[alpha[i, j]] == whole


def test_alpha_search_of_large_blocks_gives_the_array_it_gave_before():
    """200 entries in blocks of 100, 4 replicates: 48 s before stop 31, now under a second.

    The efficiency factor 0.9933444259567389 is the earlier implementation's result for
    seed 1 (the search makes the same decisions, so the same array).
    """
    design = alpha_module.alpha_generator(200, block_size=100, replicates=4, seed=1)
    assert design.efficiency == pytest.approx(0.9933444259567389, rel=1e-12)


def test_alpha_design_too_large_to_assess_is_refused_with_a_block_size(tmp_path, capsys):
    """30,000 entries in blocks of 3: 20,000 blocks, an eigenproblem of order 20,000 (hours).

    The smallest fitting block size is 10: 2 x 30000 / 10 = 6000 blocks, the largest order
    assessed; 30000 / 9 is not whole.
    """
    out = tmp_path / "fb.csv"
    entries = ",".join(f"E{i}" for i in range(30000))
    assert_one_line_error(
        [
            "design",
            "alpha",
            "--treatments",
            entries,
            "--block-size",
            "3",
            "--replicates",
            "2",
            "-o",
            str(out),
        ],
        capsys,
        match=r"has 20,000 incomplete blocks; .* use blocks of 10 plots or more",
        absent=[out],
    )


# ----------------------------------------------------------------- yields too small to analyse


def _alpha_yields(factor: float) -> pd.DataFrame:
    book = yt.design.alpha_design(ENTRIES, block_size=4, replicates=2, seed=1)
    rng = np.random.default_rng(1)
    book = book[["plot_id", "treatment", "block", "incomplete_block", "row", "column"]].copy()
    book["yield_kg_ha"] = (6000 + rng.normal(0, 300, len(book))) * factor
    return book


ALPHA_TOML = (
    '[trial]\ncrop = "maize"\n[analysis]\ndesign = "alpha"\nincomplete_block = "incomplete_block"\n'
)


def test_report_on_yields_far_below_any_real_yield_is_refused(tmp_path, capsys):
    """Yields of 1e-300 kg/ha: the squares underflowed and the error blamed identical yields."""
    plots = tmp_path / "plots.csv"
    _alpha_yields(1e-304).to_csv(plots, index=False)
    config = tmp_path / "trial.toml"
    config.write_text(ALPHA_TOML, encoding="utf-8")
    out = tmp_path / "r.json"
    assert_one_line_error(
        ["report", str(plots), "--config", str(config), "-o", str(out)],
        capsys,
        match=r"yield_kg_ha of plot '101' = 6\.1e-301 kg/ha, .* is far out of scale: no real "
        r"yield is this small \(below 1e-100 kg/ha\)",
        untouched=[plots, config],
        absent=[out],
    )


def test_zero_yield_is_not_out_of_scale():
    """A crop failure (0) is a yield; only non-zero values below 1e-100 are refused."""
    frame = pd.DataFrame({"plot_id": ["1", "2"], "yield_kg_ha": [0.0, 1e-90]})
    check_analysable_scale(frame["yield_kg_ha"], frame, "yield_kg_ha", "kg/ha")


def _network_csv(tmp_path, yield_of):
    """Write a 3-site network of 2 treatments x 3 blocks; ``yield_of(site, b, t)`` is a yield."""
    rows = [
        f"{site},{b},{name},{yield_of(site, b, t)!r}"
        for site in ("S1", "S2", "S3")
        for b in (1, 2, 3)
        for t, name in enumerate(("CK", "A"))
    ]
    path = tmp_path / "net.csv"
    path.write_text("site,block,treatment,yield_kg_ha\n" + "\n".join(rows) + "\n")
    return path


def _network(tmp_path, tiny_sites: tuple[str, ...]):
    return _network_csv(
        tmp_path,
        lambda site, b, t: (
            (6000 + 300 * t + 50 * b + 20 * (b * t % 3))  # not additive:
            * (1e-304 if site in tiny_sites else 1)
        ),  # an exact fit is a failed site (stop 33)
    )


def test_network_site_with_yields_far_below_any_real_yield_is_failed(tmp_path, capsys):
    """One site in 1e-300 kg/ha was analysed with CV 0 % and MSE 0; it now fails, named."""
    plots = _network(tmp_path, ("S2",))
    out = tmp_path / "net.json"
    code, lines = run_cli(["network", str(plots), "--control", "CK", "-o", str(out)], capsys)
    assert code == 0, lines
    assert "(3 trials: failed 1, ok 2)" in lines[-1]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert "not 0 and below 1e-100" in json.dumps(report)


def test_network_every_site_far_below_any_real_yield_is_one_error_line(tmp_path, capsys):
    """Every site in 1e-300 kg/ha: exit 1, one line, no summary written."""
    plots = _network(tmp_path, ("S1", "S2", "S3"))
    out = tmp_path / "net.md"
    assert_one_line_error(
        ["network", str(plots), "--control", "CK", "-o", str(out)],
        capsys,
        match="no trial could be analysed.*not 0 and below 1e-100",
        untouched=[plots],
        absent=[out],
    )


# ----------------------------------------------------------------- API chains


@pytest.fixture(scope="module")
def alpha_fit():
    """Fit the mixed model of a filled-in alpha field book (what ``trial.anova()`` returns)."""
    return stats.mixed_model(
        _alpha_yields(1.0),
        response="yield_kg_ha",
        design="alpha",
        treatment="treatment",
        block="block",
        incomplete_block="incomplete_block",
    )


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [
        (stats.compare_means_to_control, {"control": "G01"}),
        (stats.pairwise_means, {}),
        (stats.means_table, {}),
        (stats.mean_separation, {}),
        (stats.duncan, {}),
        (stats.two_level_letters, {}),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_means_functions_given_the_fit_say_to_take_its_means_model(alpha_fit, function, kwargs):
    """``f(fit)`` failed with "'MixedModelFit' object has no attribute 'factor'" (or 'df')."""
    with pytest.raises(TypeError, match=r"takes a MeansModel .* got MixedModelFit: pass its "):
        function(alpha_fit, **kwargs)


def test_means_function_given_a_two_factor_result_names_the_kind():
    """A split plot's stratum ANOVA has one means model per factor: the message says so."""
    rng = np.random.default_rng(2)
    cells = [(b, a, s) for b in "123" for a in ("I0", "I1") for s in ("N0", "N1", "N2")]
    plots = pd.DataFrame(cells, columns=["block", "irrigation", "nitrogen"])
    plots["y"] = 6000 + rng.normal(0, 200, len(plots))
    result = stats.split_plot_anova(
        plots, response="y", block="block", whole_plot="irrigation", sub_plot="nitrogen"
    )
    with pytest.raises(TypeError, match=r"pairwise_means\(result\.means_model\(kind\), \.\.\.\)"):
        stats.pairwise_means(result)


def test_means_function_given_a_table_says_how_to_fit_one():
    """A plot table (no ``means_model``) points to ``stats.fit(...).means_model()``."""
    with pytest.raises(TypeError, match=r"got DataFrame: build one with yieldtrial\.stats\.fit"):
        stats.means_table(_alpha_yields(1.0))


def test_plot_means_given_the_fit_asks_for_a_means_table(alpha_fit):
    """``plot_means(fit)`` failed with "'MixedModelFit' object has no attribute 'columns'"."""
    from yieldtrial import plotting

    with pytest.raises(TypeError, match=r"take a means table .* got MixedModelFit"):
        plotting.plot_means(alpha_fit)


def test_means_functions_still_take_the_means_model(alpha_fit):
    """The chain done right: fit -> means_model() -> comparisons."""
    table = stats.compare_means_to_control(alpha_fit.means_model(), control="G01")
    assert len(table) == len(ENTRIES) - 1


# ----------------------------------------------------------------- design -o over a field book


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "force"])
@pytest.mark.parametrize(
    "layout",
    [
        ["alpha", "--treatments", ",".join(ENTRIES), "--block-size", "4", "--replicates", "2"],
        [
            "augmented",
            "--checks",
            "CK1",
            "CK2",
            "--treatments",
            "E1,E2,E3,E4,E5,E6",
            "--blocks",
            "3",
        ],
    ],
    ids=["alpha", "augmented"],
)
def test_design_never_replaces_a_filled_alpha_or_augmented_book(tmp_path, capsys, layout, force):
    """-o over the same layout's book with yields (through a symlink too) is refused."""
    code, _ = run_cli(["design", *layout, "--seed", "1", "-o", str(tmp_path / "fb.csv")], capsys)
    assert code == 0
    filled = pd.read_csv(tmp_path / "fb.csv", dtype=str, keep_default_na=False)
    filled["fresh_mass_kg"] = "14.2"
    filled["moisture_pct"] = "13.9"
    filled.to_csv(tmp_path / "fb.csv", index=False)
    (tmp_path / "link.csv").symlink_to(tmp_path / "fb.csv")
    assert_one_line_error(
        ["design", *layout, "--seed", "1", "-o", str(tmp_path / "link.csv"), *force],
        capsys,
        match="already holds harvest data .* not even with --force",
        untouched=[tmp_path / "fb.csv"],
    )


def test_design_alpha_prints_a_large_generator_by_its_corner():
    """200 entries in blocks of 100, 50 replicates: a 100 x 50 array was one 10,000-number line."""
    from yieldtrial.commands.design import _generator_text

    generator = [[(i * j) % 2 for j in range(50)] for i in range(100)]
    text = _generator_text(generator)
    assert text.endswith("; ... (the first 12 x 12 of 100 x 50)")
    assert text.count(";") == 12
    assert _generator_text([[0, 0], [0, 1]]) == "0 0; 0 1"


def _network_constant(tmp_path, constant_sites: tuple[str, ...]):
    return _network_csv(
        tmp_path,
        lambda site, b, t: 5000 if site in constant_sites else 6000 + 300 * t + 50 * b * t,
    )


def test_network_site_with_one_yield_copied_everywhere_is_failed(tmp_path, capsys):
    """A site whose six yields are all 5000 was 'ok' with CV 0 % and MSE 0; it now fails."""
    plots = _network_constant(tmp_path, ("S2",))
    out = tmp_path / "net.json"
    code, lines = run_cli(["network", str(plots), "--control", "CK", "-o", str(out)], capsys)
    assert code == 0, lines
    assert "(3 trials: failed 1, ok 2)" in lines[-1]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert "has the same value (5000) on all 6 observed plots" in json.dumps(report)


def test_network_every_site_with_one_yield_copied_is_one_error_line(tmp_path, capsys):
    """Every site constant: exit 1, one line, no summary written."""
    plots = _network_constant(tmp_path, ("S1", "S2", "S3"))
    out = tmp_path / "net.md"
    assert_one_line_error(
        ["network", str(plots), "--control", "CK", "-o", str(out)],
        capsys,
        match="no trial could be analysed.*same value \\(5000\\) on all 6 observed plots",
        untouched=[plots],
        absent=[out],
    )
