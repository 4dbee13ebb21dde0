"""The comparisons do not import scipy.stats, scipy.optimize or scipy.interpolate.

``import scipy.stats`` costs 0.3-0.45 s of CPU in a fresh process, scipy.optimize and
scipy.interpolate (with scipy.linalg) about 0.13 s more: more than a whole Dunnett family.
Each case runs in a fresh interpreter and reports which of them are in ``sys.modules``
after the call; it also prints the accuracy note so that the test checks
the path it means (the seeded quasi-Monte Carlo integration of a general correlation).
No timing is asserted: the time is measured in docs/performance.md.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_RCBD = """
import sys
import numpy as np, pandas as pd
import yieldtrial.stats as st
rng = np.random.default_rng(3)
rows = [dict(block=f"B{b}", treatment="CK" if t == 0 else f"T{t:02d}",
             y=7000 + 50 * t + 100 * b + rng.normal(0, 300)) for b in range(4) for t in range(K)]
df = pd.DataFrame(rows)
df = df.drop(index=rng.choice(len(df), 3, replace=False)).reset_index(drop=True)
kw = dict(response="y", treatment="treatment", block="block", design="rcbd")
"""

CASES = {
    "dunnett_missing_plots": (
        "K = 21\n" + _RCBD + "r = st.compare_to_control(df, control='CK', **kw)\n"
        "print(r.attrs['accuracy'])\n",
        "quasi-Monte Carlo",
    ),
    "tukey_missing_plots": (
        "K = 8\n" + _RCBD + "r = st.pairwise(df, method='tukey', **kw)\n"
        "print(r.attrs['provenance']['adjustment'])\n",
        "correlated LS-means",
    ),
    "letters_and_t_methods": (
        "K = 8\n" + _RCBD + "for m in ('t', 'bonferroni', 'holm'):\n"
        "    st.compare_to_control(df, control='CK', method=m, **kw)\n"
        "for m in ('lsd', 'bonferroni', 'holm'):\n"
        "    st.pairwise(df, method=m, **kw)\n"
        "r = st.means(df, letters='tukey', control='CK', **kw)\n"
        "print(r['letters'].iloc[0])\n",
        "",
    ),
    "alpha_lattice_mixed_model": (
        """
import sys
import numpy as np, pandas as pd
import yieldtrial.stats as st
rng = np.random.default_rng(5)
rows = []
for rep in range(3):
    perm = rng.permutation(12)
    for blk in range(3):
        for g in perm[4 * blk : 4 * blk + 4]:
            rows.append(dict(rep=f"R{rep}", blk=f"R{rep}B{blk}", gen=f"G{g:02d}",
                             y=5 + 0.1 * g + 0.3 * rep + rng.normal(0, 0.4)))
d = pd.DataFrame(rows)
d.loc[[3, 17], "y"] = np.nan
fit = st.mixed_model(d, response="y", design="alpha", treatment="gen", block="rep",
                     incomplete_block="blk")
r = st.compare_means_to_control(fit.means_model(), control="G00")
print(r.attrs['provenance']['adjustment'])
""",
        "",
    ),
}


#: Modules the comparisons must not import: scipy.stats (0.3-0.45 s), and scipy.optimize
#: and scipy.interpolate (with scipy.linalg, about 0.13 s; their brentq and CubicSpline
#: are reproduced in yieldtrial.stats._roots and _spline).
HEAVY = ("scipy.stats", "scipy.optimize", "scipy.interpolate")


@pytest.mark.parametrize("case", sorted(CASES))
def test_comparison_does_not_import_scipy_stats(case: str) -> None:
    """After the call (fresh interpreter) scipy.stats, optimize, interpolate are not imported."""
    code, path = CASES[case]
    code = textwrap.dedent(code) + "print(sorted(m for m in HEAVY if m in sys.modules))\n"
    code = f"HEAVY = {HEAVY!r}\n" + code
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert path in lines[0], lines[0]
    assert lines[-1] == "[]", out.stdout
