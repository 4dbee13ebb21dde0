"""ANOVA, mean separation, plans and the other t/F users do not import scipy.stats.

They take their t and F tail probabilities and quantiles from
:mod:`yieldtrial.stats._univariate` (the scipy.special calls scipy.stats makes, bit for
bit; tests/test_stats_univariate.py) and power's root from :mod:`yieldtrial.stats._roots`,
so a fresh process that only runs them never pays the 0.3-0.45 s of ``import scipy.stats``
(measured in docs/performance.md, "Cold start of the CLI and the API").  Each case runs in
a fresh interpreter and prints which of scipy.stats, scipy.optimize and scipy.interpolate
are in ``sys.modules`` after the calls; it also prints a number from the result, so that
the case checks a path that ran.  No timing is asserted.

The residual diagnostics (Shapiro-Wilk, Levene) still import scipy.stats: neither has a
scipy.special form; :data:`ALLOWED` lists every module that may import it and why.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import yieldtrial

_RCBD = """
import sys
import numpy as np, pandas as pd
rng = np.random.default_rng(3)
rows = [dict(block=f"B{b}", n=f"N{i}", p=f"P{j}",
             y=7 + 0.5 * i + 0.3 * j + 0.2 * b + rng.normal(0, 0.4))
        for b in range(4) for i in range(3) for j in range(2)]
df = pd.DataFrame(rows)
df["treatment"] = df["n"] + df["p"]
"""

CASES = {
    "trial_anova_rcbd": """
import sys
from yieldtrial.datasets import load_example
trial = load_example("replicated-rcbd")
a = trial.anova()
trial.means()
print(a.table["p_value"].iloc[0])
""",
    "report_of_an_unreplicated_trial": """
import sys, tempfile
from yieldtrial.cli import main
from yieldtrial.datasets import example_path
plots, toml = example_path("jinzhong-2024"), example_path("jinzhong-2024", "trial.toml")
with tempfile.TemporaryDirectory() as tmp:
    rc = main(["report", str(plots), "--config", str(toml), "-o", tmp + "/report.html"])
    assert rc == 0, rc
    print(len(open(tmp + "/report.html", encoding="utf-8").read()))
""",
    "plan_replicates_and_detectable_difference": """
import sys
from yieldtrial.stats.power import detectable_difference_pct, replicates_needed
for comparison in ("t", "tukey", "dunnett"):
    r = replicates_needed(cv_pct=8, difference_pct=10, n_treatments=5, comparison=comparison)
    d = detectable_difference_pct(cv_pct=8, replicates=4, n_treatments=5, comparison=comparison)
print(r, d)
""",
    "duncan_snk_scheffe_lsd_letters": """
import sys
from yieldtrial.datasets import load_example
from yieldtrial.stats.multiple_range import mean_separation, summarised_letters
mm = load_example("replicated-rcbd").means_model()
for test in ("duncan", "snk", "scheffe", "lsd"):
    sep = mean_separation(mm, test=test)
    summarised_letters(mm, test=test)
print(sep.groups.iloc[0, 0])
""",
    "factorial_split_plot_outliers": _RCBD
    + """
import yieldtrial.stats as st
from yieldtrial.stats.outliers import outlier_test
f = st.factorial_anova(df, response="y", factor_a="n", factor_b="p", block="block")
s = st.split_plot_anova(df, response="y", block="block", whole_plot="n", sub_plot="p")
o = outlier_test(df, response="y", treatment="treatment", block="block")
print(f.table["p_value"].iloc[0], len(s.table), len(o))
""",
    "network_analyze_many": """
import sys
import numpy as np, pandas as pd
import yieldtrial
rng = np.random.default_rng(0)
rows = [dict(site=f"S{s}", block=f"B{b}", treatment="CK" if t == 0 else f"T{t}",
             y=7000 + 100 * t + 50 * s + rng.normal(0, 200))
        for s in range(8) for b in range(3) for t in range(4)]
r = yieldtrial.analyze_many(pd.DataFrame(rows), by="site", response="y",
                            treatment="treatment", block="block", control="CK")
print(len(r.per_trial))
""",
    "augmented_design": """
import sys
import pandas as pd
from yieldtrial.stats.augmented import augmented_anova
df = pd.DataFrame({
    "block": ["1"] * 6 + ["2"] * 6 + ["3"] * 6,
    "treatment": list("1234AB") + list("1234CD") + list("1234EF"),
    "y": [80, 82, 79, 85, 90, 70, 81, 84, 78, 88, 77, 83, 79, 83, 80, 86, 92, 75.0],
})
print(augmented_anova(df, response="y", treatment="treatment", block="block").mse)
""",
}

#: scipy.stats (0.3-0.45 s) and scipy.optimize / scipy.interpolate (about 0.13 s more).
HEAVY = ("scipy.stats", "scipy.optimize", "scipy.interpolate")


@pytest.mark.parametrize("case", sorted(CASES))
def test_path_does_not_import_scipy_stats(case: str) -> None:
    """After the calls (fresh interpreter) scipy.stats, optimize, interpolate are not imported."""
    code = textwrap.dedent(CASES[case])
    code = f"HEAVY = {HEAVY!r}\n{code}print(sorted(m for m in HEAVY if m in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert len(lines) >= 2, out.stdout  # the path printed its number
    assert lines[-1] == "[]", out.stdout


#: Modules that may still import scipy.stats, scipy.optimize or scipy.interpolate, and why.
ALLOWED = {
    # shapiro and levene: Shapiro-Wilk's swilk (AS R94) and Levene's statistic are not
    # scipy.special calls; the residual diagnostics of a report need them
    "stats/residual_checks.py": {"scipy.stats"},
    # fallbacks only: fewer than four knots, or a scipy whose direction numbers differ
    "stats/_spline.py": {"scipy.interpolate"},
    "stats/_sobol.py": {"scipy.stats"},
}


def _heavy_imports(path: Path) -> set[str]:
    """Return the heavy scipy modules ``path`` imports (``import``/``from`` anywhere in it)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {h for h in HEAVY for n in names if n == h or n.startswith(h + ".")}
    return found


def test_only_listed_modules_import_scipy_stats() -> None:
    """No module outside :data:`ALLOWED` imports scipy.stats, optimize or interpolate."""
    root = Path(yieldtrial.__file__).parent
    found = {
        p.relative_to(root).as_posix(): heavy
        for p in sorted(root.rglob("*.py"))
        if (heavy := _heavy_imports(p))
    }
    extra = {k: v - ALLOWED.get(k, set()) for k, v in found.items()}
    assert {k: v for k, v in extra.items() if v} == {}
