"""The founding example: Jinzhong 2024 wheat demonstration.

The demonstration reported 442 kg/mu harvested at 5 % moisture as 477.36 kg/mu
at the 13 % standard moisture (442 x 1.08, a percentage-point shortcut); the
dry-matter formula gives 442 x 95/87 = 482.64 kg/mu.  Only the synergist
treatment's figure was published; the controls' are illustrative placeholders.
One harvest per treatment: no significance can be claimed.

Run:  python examples/jinzhong-2024/analyze.py [-o OUTDIR] [--lang zh]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import yieldtrial as yt
from yieldtrial.datasets import example_path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("jinzhong-2024-report"))
    parser.add_argument("--lang", choices=("en", "zh"), default="en")
    args = parser.parse_args(argv)

    # 1. Which moisture method reproduces the published figure?
    audit = yt.audit_moisture_conversion(442, "477.36", moisture_pct=5, standard_moisture_pct=13)
    print(audit[["method", "predicted", "reproduces"]].to_string(index=False))

    # 2. The demonstration as a trial (5 % moisture for harvested wheat is implausible:
    #    yieldtrial warns; the report repeats the warning under data quality).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", yt.YieldTrialWarning)
        report, messages = yt.report_from_files(
            example_path("jinzhong-2024"),
            example_path("jinzhong-2024", "trial.toml"),
            lang=args.lang,
        )
    for message in messages:
        print("warning:", message)
    for suffix in (".html", ".md", ".json"):
        path = report.write(args.output / f"jinzhong-2024{suffix}")
        print("wrote", path)


if __name__ == "__main__":
    main()
