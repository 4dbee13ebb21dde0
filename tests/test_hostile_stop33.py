"""Stop 33 hostile pass (issue 13): silent wrong results and one-line errors.

The throwaway driver of stop 33 (/tmp/h38) ran each case in-process
(``yieldtrial.cli.main``) and, for a sample, as a subprocess; it checked the exit status,
one stderr line, no traceback, the inputs unchanged and no output left (CHANGELOG.md,
"Stop 33 (hostile pass)").  The cases below are the ones it found wrong, now fixed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hostile import assert_one_line_error
from yieldtrial.stats.model import fit


def _copied_yields(folder, *, drop_first: bool = True):
    """An RCBD of 3 treatments x 4 blocks whose yields are copied within each treatment."""
    rows = ["plot_id,block,treatment,yield_kg_ha"]
    for j in range(4):
        for i, value in enumerate((7033.4, 7133.7, 7234.1)):
            rows.append(f"{3 * j + i + 1},B{j},T{i},{value}")
    if drop_first:
        del rows[1]  # plot 1 missing: the unbalanced fit
    path = folder / "copied.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ an exact fit in floats


def test_copied_yields_with_a_missing_plot_have_zero_error_mean_square():
    """Rounding noise of an exact fit is no plot-to-plot variation: MSE 0, residuals 0.

    Yields identical within each treatment are fitted exactly; in floating point the
    residuals came out around 1e-13 (MSE 1e-26) for 78 of 108 such tables (the driver's
    sizes 3-2,000 replicates, CRD and RCBD, with and without a missing plot), so the
    report separated the means with a standard error of 0.0 and said each treatment had a
    single plot, while the same table with integer yields was refused.
    """
    rows = [
        {"treatment": f"T{i}", "block": f"B{j}", "y": v}
        for j in range(100)
        for i, v in enumerate((7033.4, 7133.7, 7234.1))
    ]
    data = pd.DataFrame(rows).iloc[1:]
    model = fit(data, response="y", treatment="treatment", block="block", design="rcbd")
    assert model.mse == 0.0
    assert np.all(model.residuals.to_numpy() == 0.0)
    assert np.all(np.asarray(model.lsmeans_cov) == 0.0)


def test_real_variation_of_a_thousandth_is_kept():
    """Yields that differ by 0.001 kg/ha (typed precision) keep their error mean square."""
    rows = [
        {"treatment": f"T{i}", "block": f"B{j}", "y": v + 0.001 * ((i + j) % 2)}
        for j in range(100)
        for i, v in enumerate((7033.4, 7133.7, 7234.1))
    ]
    model = fit(pd.DataFrame(rows), response="y", treatment="treatment", block="block")
    # residuals +-0.0005 (cells alternate; the additive model leaves half of each step)
    assert model.mse > 1e-7


def test_report_of_copied_yields_with_a_missing_plot_is_refused(tmp_path, capsys):
    """The CLI refuses it with the exact-fit message, as it did without the missing plot."""
    path = _copied_yields(tmp_path)
    out = tmp_path / "r.md"
    assert_one_line_error(
        ["report", str(path), "--crop", "wheat", "-o", str(out)],
        capsys,
        match=r"zero standard error \(error mean square 0\).*fits every yield exactly",
        untouched=[path],
        absent=[out, tmp_path / "r_files"],
    )
