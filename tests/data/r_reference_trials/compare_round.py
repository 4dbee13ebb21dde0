"""Compare yieldtrial with the stored R values, case by case: the largest difference per quantity.

Run from the repository root (the differential pass of stop 41; the tests assert the same
numbers with the tolerances of the methods):

    PYTHONPATH=src python tests/data/r_reference_trials/compare_round.py [REF.csv] CASE ...

``REF.csv`` (default ``reference.csv`` here) holds R's rows.  For each quantity it prints how
many numbers were compared and the largest relative difference (``rel``; absolute for
p-values, and for differences near zero in SE units), with the case, df method and level
where it occurs.  The report's numbers are those of ``yieldtrial report --format json``; the
all-pairs (Tukey) numbers come from ``FieldTrial.pairwise`` (the report prints only letters).
A sub-plot factor read as the treatment column (``variety`` of the rice split plot) is
``treatment`` in yieldtrial's tables: R's names are mapped to it.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import sys
import tempfile
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
from scipy import optimize, stats

from yieldtrial.cli import main as cli

HERE = Path(__file__).parent
WORST: dict[str, list[Any]] = defaultdict(lambda: [0, -1.0, ""])


def note(quantity: str, got: float, want: float, where: str, *, kind: str = "rel") -> None:
    """Record one comparison; ``kind`` rel (relative), abs (absolute)."""
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return
    got = float("nan") if got is None else float(got)
    if kind == "rel":
        d = abs(got - want) / max(abs(want), 1e-300) if want != 0 else abs(got)
    else:
        d = abs(got - want)
    if math.isnan(d):
        d = math.inf
    w = WORST[quantity]
    w[0] += 1
    if d > w[1]:
        w[1], w[2] = d, f"{where}: yieldtrial {got!r} R {want!r}"


def rename(name: str, gomez: bool) -> str:
    return name.replace("variety", "treatment") if gomez else name


def r_table(ref: pd.DataFrame, case: str, table: str, stat: str, ddf: str, spec: str = "",
            by: str | None = "") -> pd.Series:  # fmt: skip
    rows = ref[(ref["case"] == case) & (ref["table"] == table) & (ref["stat"] == stat)
               & (ref["ddf"] == ddf) & (ref["spec"] == spec)]  # fmt: skip
    if by is not None:
        rows = rows[rows["by"] == by]
    return rows.set_index("term")["value"]


def report(path: Path, options: list[str]) -> dict[str, Any]:
    out = Path(tempfile.mkdtemp()) / "r.json"
    argv = ["report", str(path), "--crop", "wheat", *options, "--format", "json", "-o", str(out)]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli(argv) == 0
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))["results"]
    return result


def ci_df(row: dict[str, Any]) -> float:
    q = (row["ci_high"] - row["ci_low"]) / (2 * row["se"])
    return float(optimize.brentq(lambda df: stats.t.ppf(0.975, df) - q, 0.5, 1e7, xtol=1e-12))


def dunnett(ref, case, ddf, spec, rows, where, table="dunnett"):  # noqa: ANN001, ANN201
    r = {s: r_table(ref, case, table, s, ddf, spec)
         for s in ("estimate", "SE", "df", "t", "p_none", "p_mvt", "p_hi", "p_hi_err")}  # fmt: skip
    for row in rows:
        lv = row["treatment"]
        w = f"{where} {lv}"
        se = row["se_kg_ha"]
        note("dunnett difference (SE units)", row["difference_kg_ha"] / se, r["estimate"][lv] / se,
             w, kind="abs")  # fmt: skip
        note("dunnett SE", se, r["SE"][lv], w)
        note("dunnett df", row["df"], r["df"][lv], w)
        note("dunnett t (abs)", row["statistic"], r["t"][lv], w, kind="abs")
        note("dunnett raw p (abs)", row["p_value"], r["p_none"][lv], w, kind="abs")
        p = row["p_value_adjusted"]
        if not math.isnan(r["p_hi"][lv]) and r["p_hi"][lv] >= 1e-4:
            note("dunnett adjusted p - R p_hi (abs)", p, r["p_hi"][lv], w, kind="abs")
            note("  (R p_hi error bound)", r["p_hi_err"][lv], 0.0, w, kind="abs")
        note("dunnett adjusted p - emmeans mvt (abs)", p, r["p_mvt"][lv], w, kind="abs")


def lmer_case(ref: pd.DataFrame, case: str, man: pd.Series) -> None:
    gomez = case.startswith("gomez")
    flags = man["flags"].split()
    for ddf in ("satterthwaite", "kenward-roger"):
        res = report(HERE / man["file"], ["--control", man["control"], *flags, "--ddf", ddf])
        where = f"{case} {ddf}"
        for row in res["anova"]["table"]:
            term = row["source"]
            rterm = term.replace("treatment", "variety") if gomez else term
            f = r_table(ref, case, "anova", "F", ddf)
            if rterm not in f.index:
                continue
            note("F", row["f"], f[rterm], f"{where} {term}")
            note("F numerator df", row["df"], r_table(ref, case, "anova", "num_df", ddf)[rterm],
                 f"{where} {term}")  # fmt: skip
            note("F denominator df", row["df_denominator"],
                 r_table(ref, case, "anova", "den_df", ddf)[rterm], f"{where} {term}")  # fmt: skip
            note("F p (rel)", row["p_value"], r_table(ref, case, "anova", "p", ddf)[rterm],
                 f"{where} {term}")  # fmt: skip
        if ddf == "satterthwaite":
            var = r_table(ref, case, "vc", "variance", "")
            se = r_table(ref, case, "vc", "se", "")
            total = float(var.sum())
            for row in res["anova"]["variance_components"]:
                comp = "Residual" if row["component"] == "residual" else row["component"]
                comp = comp.replace("treatment", "variety") if gomez else comp
                w = f"{case} {comp}"
                if row["boundary"]:
                    note("variance at the boundary: R's / total", var[comp] / total, 0.0, w,
                         kind="abs")  # fmt: skip
                    continue
                note("variance component", row["variance"], var[comp], w)
                note("variance component SE", row["se"], se[comp], w)
        spec = man["spec"]
        means = {m["treatment"]: m for m in res["means"]}
        em = r_table(ref, case, "emmeans", "emmean", ddf, spec)
        for lv, m in means.items():
            w = f"{where} {lv}"
            note("LS-mean", m["mean"], em[lv], w)
            note("LS-mean SE", m["se"], r_table(ref, case, "emmeans", "SE", ddf, spec)[lv], w)
            note("LS-mean df", ci_df(m), r_table(ref, case, "emmeans", "df", ddf, spec)[lv], w)
        for t in res.get("design_means") or []:
            rspec = t["factor"].replace("treatment", "variety") if gomez else t["factor"]
            em = r_table(ref, case, "emmeans", "emmean", ddf, rspec)
            es = r_table(ref, case, "emmeans", "SE", ddf, rspec)
            for row in t["table"]:
                w = f"{where} {t['factor']} {row['level']}"
                note("design LS-mean", row["mean"], em[row["level"]], w)
                note("design LS-mean SE", row["se"], es[row["level"]], w)
        dunnett(ref, case, ddf, spec, res["control_comparisons"], where)
        extras(ref, case, man, ddf, res)


def extras(ref: pd.DataFrame, case: str, man: pd.Series, ddf: str, res: dict[str, Any]) -> None:
    from yieldtrial import FieldTrial

    ex = str(man["extras"]) if isinstance(man["extras"], str) else ""
    if not ex:
        return
    flags = man["flags"].split()
    names = {"--design": "design", "--block-effects": "block_effects", "--factors": "factors"}
    kw: dict[str, Any] = {names[k]: v for k, v in zip(flags[::2], flags[1::2], strict=True)}
    if "factors" in kw:
        kw["factors"] = kw["factors"].split(",")
    if ddf != "residual":
        kw["ddf"] = ddf
    where = f"{case} {ddf}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trial = FieldTrial.from_csv(HERE / man["file"], crop="wheat", control=man["control"], **kw)
        r = {s: r_table(ref, case, "tukey", s, ddf, man["spec"])
             for s in ("estimate", "SE", "df", "p_none", "p_tukey", "p_mvt", "p_hi")}  # fmt: skip
        if "tukey" in ex and len(r["SE"]):
            kind = "nitrogen" if man["spec"] == "nitrogen" else None  # the whole-plot family
            pairs = trial.pairwise(method="tukey", unit="kg/ha", kind=kind)
            kramer = pairs.attrs["provenance"]["test"] == "Tukey-Kramer"
            adj = {}
            for _, row in pairs.iterrows():
                label, sign = f"{row['group1']} - {row['group2']}", 1.0
                if label not in r["estimate"].index:
                    label, sign = f"{row['group2']} - {row['group1']}", -1.0
                w = f"{where} {label}"
                se = row["se_kg_ha"]
                note("tukey difference (SE units)", sign * row["difference_kg_ha"] / se,
                     r["estimate"][label] / se, w, kind="abs")  # fmt: skip
                note("tukey SE", se, r["SE"][label], w)
                note("tukey df", row["df"], r["df"][label], w)
                note("tukey raw p (abs)", row["p_value"], r["p_none"][label], w, kind="abs")
                p = row["p_value_adjusted"]
                adj[frozenset((row["group1"], row["group2"]))] = p
                if kramer:
                    note("tukey p - R ptukey (abs)", p, r["p_tukey"][label], w, kind="abs")
                else:
                    if not math.isnan(r["p_hi"][label]) and r["p_hi"][label] >= 1e-4:
                        note("tukey p - R p_hi (abs)", p, r["p_hi"][label], w, kind="abs")
                    note("tukey p - emmeans mvt (abs)", p, r["p_mvt"][label], w, kind="abs")
            same = r_table(ref, case, "tukey_cld", "same_group", ddf,
                           "tukey" if kramer else "mvt")  # fmt: skip
            letters = {x["level"]: x["letters_05"] for x in res["letters"]["table"]} if res else {}
            for label, value in same.items():
                a, b = label.split(" - ")
                if abs(adj[frozenset((a, b))] - 0.05) < 2e-3:
                    continue
                if letters:
                    share = bool(set(letters[a]) & set(letters[b]))
                    note("report letters: pairs disagreeing with cld", float(share != bool(value)),
                         0.0, f"{where} {label}", kind="abs")  # fmt: skip
        if "greater" in ex:
            kind = "nitrogen" if man["spec"] == "nitrogen" else None
            rows = trial.compare_to_control(alternative="greater", unit="kg/ha", kind=kind)
            r = {s: r_table(ref, case, "dunnett_greater", s, ddf, man["spec"])
                 for s in ("t", "p_none", "p_hi")}  # fmt: skip
            for _, row in rows.iterrows():
                lv = row["treatment"]
                w = f"{where} {lv}"
                note("one-sided Dunnett t (abs)", row["statistic"], r["t"][lv], w, kind="abs")
                note("one-sided raw p (abs)", row["p_value"], r["p_none"][lv], w, kind="abs")
                if not math.isnan(r["p_hi"][lv]) and r["p_hi"][lv] >= 1e-4:
                    note("one-sided adjusted p - R p_hi (abs)", row["p_value_adjusted"],
                         r["p_hi"][lv], w, kind="abs")  # fmt: skip
        if "bestcheck" in ex:
            fit = trial.anova()
            got = fit.vs_best_check().set_index("treatment")
            for s, col in (("estimate", "difference_kg_ha"), ("SE", "se_kg_ha"),
                           ("p.value", "p_value")):  # fmt: skip
                rr = r_table(ref, case, "best_check", s, ddf, "treatment")
                for lv in got.index:
                    note(f"best check {s}", got.loc[lv, col], rr[lv], f"{where} {lv}")
            sed = fit.sed.set_index("comparison")["sed"]
            for kind, v in r_table(ref, case, "sed", "sed", ddf, "treatment").items():
                note("augmented SED", sed[kind], v, f"{where} {kind}")


def lm_case(ref: pd.DataFrame, case: str, man: pd.Series) -> None:
    res = report(HERE / man["file"], ["--control", man["control"], *man["flags"].split()])
    first = {r["source"]: r for r in res["anova"]["table"]}
    second = {r["source"]: r for r in res["anova"]["table_block_adjusted"]}
    for row, table, term in (
        (first["block (ignoring treatments)"], "anova_block_first", "block"),
        (first["treatment (eliminating blocks)"], "anova_block_first", "treatment"),
        (first["residual"], "anova_block_first", "Residuals"),
        (second["treatment (ignoring blocks)"], "anova_treatment_first", "treatment"),
        (second["block (eliminating treatments)"], "anova_treatment_first", "block"),
    ):
        w = f"{case} {table} {term}"
        r = {s: r_table(ref, case, table, s, "residual")[term]
             for s in ("Sum Sq", "F value", "Pr(>F)")}  # fmt: skip
        note("lm sum of squares", row["sum_sq"], r["Sum Sq"], w)
        if term != "Residuals":
            note("F", row["f"], r["F value"], w)
            note("F p (rel)", row["p_value"], r["Pr(>F)"], w)
    em = r_table(ref, case, "emmeans", "emmean", "residual", "treatment")
    es = r_table(ref, case, "emmeans", "SE", "residual", "treatment")
    for m in res["means"]:
        note("LS-mean", m["mean"], em[m["treatment"]], f"{case} {m['treatment']}")
        note("LS-mean SE", m["se"], es[m["treatment"]], f"{case} {m['treatment']}")
    dunnett(ref, case, "residual", "treatment", res["control_comparisons"], case)
    extras(ref, case, man, "residual", res)


def main(argv: list[str]) -> None:
    ref_path = HERE / "reference.csv"
    if argv and argv[0].endswith(".csv"):
        ref_path, argv = Path(argv[0]), argv[1:]
    ref = pd.read_csv(ref_path, dtype=str, keep_default_na=False)
    ref["value"] = pd.to_numeric(ref["value"].replace({"NA": "nan"}), errors="coerce")
    manifest = pd.read_csv(HERE / "manifest.tsv", sep="\t", dtype=str).set_index("case")
    for case in argv:
        man = manifest.loc[case]
        (lm_case if man["kind"] == "lm" else lmer_case)(ref, case, man)
    print(f"{len(argv)} trials")
    for q, (n, d, where) in WORST.items():
        print(f"{q:48s} n={n:5d} max={d:.3g}  {where}")


if __name__ == "__main__":
    main(sys.argv[1:])
