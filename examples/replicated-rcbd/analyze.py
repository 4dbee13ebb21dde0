"""A synthetic replicated RCBD of the Jinzhong treatments: the full statistics.

The plot data are SYNTHETIC (generate.py, fixed seed); they show what a
replicated trial of the same three treatments gives: ANOVA, Dunnett against
each control, Tukey letters, CV, diagnostics and a non-inferiority verdict.

Run:  python examples/replicated-rcbd/analyze.py [-o OUTDIR] [--lang zh]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yieldtrial as yt
from yieldtrial.datasets import example_path
from yieldtrial.report.files import load_trial
from yieldtrial.stats.compare import compare_to_control


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("replicated-rcbd-report"))
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    args = parser.parse_args(argv)

    config = yt.TrialConfig.from_file(example_path("replicated-rcbd", "trial.toml"))
    trial = load_trial(example_path("replicated-rcbd"), config)
    print(trial)

    result = trial.anova()
    print(result.table.to_string(index=False))
    print(f"CV = {result.cv_pct:.2f} %, LSD(0.05) = {result.lsd:.1f} kg/ha")

    dunnett = compare_to_control(
        trial.yields(),
        response="yield_kg_ha",
        treatment="treatment",
        block="block",
        control=list(config.control),
        margin_pct=5,
    )
    print(
        dunnett[
            [
                "treatment",
                "control",
                "difference_kg_ha",
                "difference_pct",
                "p_value_adjusted",
                "noninferior",
            ]
        ].to_string(index=False)
    )

    report = trial.report(config, lang=args.lang)
    for suffix in (".html", ".md", ".json"):
        path = report.write(args.output / f"replicated-rcbd{suffix}")
        print("wrote", path)


if __name__ == "__main__":
    main()
