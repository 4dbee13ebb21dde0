"""Read plot records from CSV, Excel or a DataFrame into yieldtrial's canonical table.

:func:`read_plots` recognises column headers in English and Chinese (小区号, 处理,
重复/区组, 收获面积(m2), 面积(亩), 鲜重(kg), 含水量, 杂质率, ...), converts units
written in the header (``面积(亩)`` -> ``harvested_area_mu`` -> ``harvested_area_m2``;
``鲜重(斤)`` -> ``fresh_mass_jin`` -> ``fresh_mass_kg``), parses the numbers and
validates the whole table, reporting every problem of a kind at once.

Canonical columns
-----------------
``plot_id``, ``treatment`` (required); ``block``, ``site``, ``row``, ``column``
(optional); then either the harvest columns ``harvested_area_m2`` (or ``_mu``,
``_ha``, ``_acre``), ``fresh_mass_kg`` (or ``_jin``, ``_g``, ``_t``, ``_lb``) and
``moisture_pct`` (with the optional ``impurity_pct``, ``empty_grain_pct`` and
``shelling_pct``), or one standardized yield column such as ``yield_kg_ha`` or
``yield_kg_mu``.  Other columns are kept unchanged.  See ``docs/data-format.md``.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from yieldtrial import _validation
from yieldtrial.errors import DataValidationError, MissingExtraError, YieldTrialWarning
from yieldtrial.units import (
    AREA_UNITS,
    MASS_UNITS,
    YIELD_UNITS,
    area_unit,
    convert_area,
    convert_mass,
    mass_unit,
    unit_from_yield_column,
    yield_column,
    yield_unit,
)

__all__ = [
    "CANONICAL_COLUMNS",
    "ENCODINGS",
    "HARVEST_COLUMNS",
    "LABEL_COLUMNS",
    "NA_VALUES",
    "PERCENT_COLUMNS",
    "has_harvest_columns",
    "input_yield_column",
    "read_plots",
    "recognised_headers",
]

#: Columns that label plots (kept as text).
LABEL_COLUMNS: tuple[str, ...] = ("site", "plot_id", "block", "treatment")
#: The harvest columns needed to compute a yield (when no yield column is given).
HARVEST_COLUMNS: tuple[str, ...] = ("harvested_area_m2", "fresh_mass_kg", "moisture_pct")
#: Percent columns (0-100) and their allowed interval
#: ``(low, high, low_inclusive, high_inclusive)``.
PERCENT_COLUMNS: dict[str, tuple[float, float, bool, bool]] = {
    "moisture_pct": (0.0, 100.0, True, False),
    "impurity_pct": (0.0, 100.0, True, False),
    "empty_grain_pct": (0.0, 100.0, True, False),
    "shelling_pct": (0.0, 100.0, False, True),
}
#: Canonical columns in the order :func:`read_plots` returns them (other columns follow).
CANONICAL_COLUMNS: tuple[str, ...] = (
    *LABEL_COLUMNS,
    "row",
    "column",
    "harvested_area_m2",
    *(f"harvested_area_{u}" for u in AREA_UNITS if u != "m2"),
    "fresh_mass_kg",
    *(f"fresh_mass_{u}" for u in MASS_UNITS if u != "kg"),
    *PERCENT_COLUMNS,
    *(f"{name.removesuffix('_pct')}_fraction" for name in PERCENT_COLUMNS),
)
#: Encodings tried, in order, when ``encoding`` is not given.
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")
#: Cell texts read as a missing value (in addition to an empty cell).
NA_VALUES: tuple[str, ...] = ("", "NA", "N/A", "n/a", "na", "NaN", "nan", "-", "--", "—", "–", "/")

# --- header aliases -------------------------------------------------------------------
# normalised base name -> quantity.  Tier 1 aliases are unambiguous; tier 2 ones are
# used only when no tier 1 column of the same quantity exists (e.g. a gross plot area
# is read as the harvested area only when no harvested-area column is given).
_PRIMARY: dict[str, tuple[str, ...]] = {
    "plot_id": (
        "plot_id",
        "plot",
        "plot_no",
        "plot_number",
        "plot_nr",
        "plotid",
        "plot_code",
        "小区",
        "小区号",
        "小区编号",
        "小区代号",
    ),
    "treatment": (
        "treatment",
        "trt",
        "treat",
        "treatments",
        "处理",
        "处理名称",
        "处理号",
        "处理代号",
    ),
    "block": (
        "block",
        "blk",
        "rep",
        "replicate",
        "replication",
        "repetition",
        "重复",
        "区组",
        "重复号",
        "区组号",
    ),
    "site": ("site", "location", "loc", "trial_site", "地点", "试点", "试验地点", "地址"),
    "row": ("row", "field_row", "行", "行号"),
    "column": ("column", "col", "field_column", "range", "列", "列号"),
    "harvested_area": (
        "harvested_area",
        "harvest_area",
        "net_area",
        "net_plot_area",
        "harvested_plot_area",
        "area",
        "收获面积",
        "实收面积",
        "测产面积",
        "收割面积",
        "面积",
    ),
    "fresh_mass": (
        "fresh_mass",
        "fresh_weight",
        "harvest_mass",
        "harvest_weight",
        "harvested_mass",
        "grain_mass",
        "grain_weight",
        "fresh_wt",
        "鲜重",
        "实收鲜重",
        "收获鲜重",
        "籽粒鲜重",
        "实收重量",
        "收获重量",
        "鲜穗重",
        "果穗鲜重",
        "穗重",
    ),
    "moisture": (
        "moisture",
        "moisture_content",
        "grain_moisture",
        "mc",
        "h2o",
        "含水量",
        "水分",
        "含水率",
        "籽粒含水量",
        "籽粒水分",
        "籽粒含水率",
        "水分含量",
    ),
    "impurity": (
        "impurity",
        "impurities",
        "dockage",
        "foreign_material",
        "杂质率",
        "杂质",
        "杂质含量",
    ),
    "empty_grain": (
        "empty_grain",
        "empty_grain_rate",
        "unfilled_grain",
        "空瘪率",
        "空秕率",
        "空瘪粒率",
    ),
    "shelling": (
        "shelling",
        "shelling_percentage",
        "shelling_rate",
        "shelling_percent",
        "出籽率",
        "出籽",
    ),
    "yield": ("yield", "grain_yield", "standardized_yield", "产量", "折合产量", "标准产量"),
    "yield_mu": ("亩产", "亩产量", "折合亩产", "折亩产", "折合亩产量"),
    "yield_ha": ("公顷产量", "折合公顷产量"),
}
_SECONDARY: dict[str, tuple[str, ...]] = {
    "plot_id": ("id", "plot_name", "编号", "序号"),
    "treatment": ("variety", "cultivar", "genotype", "entry", "品种"),
    "harvested_area": ("plot_area", "小区面积"),
    "fresh_mass": ("mass", "weight", "重量", "小区产量"),
}
_QUANTITY_OF: dict[str, tuple[str, int]] = {
    **{alias: (q, 1) for q, aliases in _PRIMARY.items() for alias in aliases},
    **{alias: (q, 2) for q, aliases in _SECONDARY.items() for alias in aliases},
}
_PERCENT_QUANTITIES = ("moisture", "impurity", "empty_grain", "shelling")
_PCT_UNITS = {"%": "pct", "pct": "pct", "percent": "pct", "百分比": "pct", "百分率": "pct"}
_FRACTION_UNITS = {"fraction": "fraction", "frac": "fraction", "小数": "fraction"}


def _normalise_header(name: object) -> str:
    """NFKC (full-width -> ASCII, m² -> m2), lower case, single spaces."""
    text = unicodedata.normalize("NFKC", str(name)).replace("【", "[").replace("】", "]")
    return re.sub(r"\s+", " ", text.strip().lower())


def _key(text: str) -> str:
    return re.sub(r"[\s\-.:#]+", "_", text).strip("_")


def _split_header(name: object) -> list[tuple[str, str | None]]:
    """Candidate (base key, unit text) splits of a header, most explicit first."""
    text = _normalise_header(name)
    candidates: list[tuple[str, str | None]] = []
    bracket = re.fullmatch(r"(.*?)\s*[(\[](.*?)[)\]]\s*", text)
    if bracket:
        candidates.append((_key(bracket.group(1)), bracket.group(2).strip()))
        return candidates
    glued = re.fullmatch(r"([\u4e00-\u9fff]+)\s*([a-z0-9/^%_ ]+)", text)
    if glued:
        candidates.append((_key(glued.group(1)), glued.group(2).strip()))
    key = _key(text)
    candidates.append((key, None))
    parts = key.split("_")
    for cut in range(1, min(3, len(parts) - 1) + 1):
        candidates.append(("_".join(parts[:-cut]), "_".join(parts[-cut:])))
    if text.endswith("%"):
        candidates.append((_key(text[:-1]), "%"))
    return candidates


def _resolve(quantity: str, unit: str | None) -> str:
    """Canonical column for a quantity and a unit text; raises ValueError on a bad unit."""
    if quantity in ("plot_id", "treatment", "block", "site", "row", "column"):
        return quantity
    if quantity == "harvested_area":
        return f"harvested_area_{area_unit(unit) if unit else 'm2'}"
    if quantity == "fresh_mass":
        return f"fresh_mass_{mass_unit(unit) if unit else 'kg'}"
    if quantity in _PERCENT_QUANTITIES:
        if unit is None or unit in _PCT_UNITS:
            return f"{quantity}_pct"
        if unit in _FRACTION_UNITS:
            return f"{quantity}_fraction"
        raise ValueError(f"unit {unit!r} is not percent ('%', 'pct') or 'fraction'")
    # yields: an explicit per-area unit, or a mass unit for the 亩产 / 公顷产量 family
    area = {"yield_mu": "mu", "yield_ha": "ha"}.get(quantity)
    if unit is None:
        if area is None:
            raise ValueError(
                "a yield column must state its unit, e.g. 'yield (kg/ha)' or 'yield_kg_mu'"
            )
        return yield_column(f"kg/{area}")
    text = unit.replace("_", "/") if "/" not in unit and " " not in unit else unit
    if area is not None and "/" not in text:
        text = f"{text}/{area}"
    if "/" not in text and "-1" not in text:
        raise ValueError(
            f"unit {unit!r} is a mass, not a yield per area; if this is the plot's harvested "
            "mass name the column fresh_mass_kg"
        )
    return yield_column(yield_unit(text))


def _recognise(name: object) -> tuple[str | None, int, str | None]:
    """Return (canonical name or None, tier, problem) for one header."""
    problem = None
    for base, unit in _split_header(name):
        found = _QUANTITY_OF.get(base)
        if found is None:
            continue
        quantity, tier = found
        try:
            return _resolve(quantity, unit), tier, None
        except (ValueError, DataValidationError) as exc:
            problem = problem or f"header {str(name)!r} looks like {quantity} but {exc}"
    if isinstance(name, str) and unit_from_yield_column(name) is not None:
        return name, 1, None
    return None, 0, problem


def recognised_headers() -> dict[str, tuple[str, ...]]:
    """Return the header aliases recognised for each quantity.

    Returns
    -------
    dict
        Quantity (``"plot_id"``, ``"harvested_area"``, ...) -> accepted names,
        primary aliases first.  Matching ignores case, surrounding spaces and
        full-width characters; a unit may follow in brackets (``面积(亩)``) or as a
        suffix (``area_mu``).

    Examples
    --------
    >>> "小区号" in recognised_headers()["plot_id"]
    True
    """
    out: dict[str, tuple[str, ...]] = {}
    for quantity, aliases in _PRIMARY.items():
        out[quantity] = aliases + _SECONDARY.get(quantity, ())
    return out


def _accepted(quantity: str, *, limit: int = 3) -> str:
    aliases = recognised_headers()[quantity]
    latin = [a for a in aliases if a.isascii()][:limit]
    chinese = [a for a in aliases if not a.isascii()][:limit]
    return ", ".join(repr(a) for a in latin + chinese)


# --- loading --------------------------------------------------------------------------


def _decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    if encoding is not None:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise DataValidationError(
                f"{name}: cannot decode the file as {encoding!r} ({exc}); pass the file's "
                "encoding, e.g. encoding='gb18030' for CSV saved by Chinese Excel"
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    for candidate in ENCODINGS:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise DataValidationError(
        f"{name}: the file is neither UTF-8 nor GB18030/GBK text; save it as 'CSV UTF-8' "
        "or pass encoding= (e.g. encoding='big5')"
    )


def _sniff_separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, encoding: str | None) -> tuple[pd.DataFrame, str]:
    text, used = _decode(path.read_bytes(), encoding, path.name)
    if not text.strip():
        raise DataValidationError(
            f"{path.name}: the file is empty; expected a header row (plot_id, treatment, ...) "
            "and one row per plot"
        )
    sep = "\t" if path.suffix.lower() == ".tsv" else _sniff_separator(text)
    rows = list(csv.reader(_io.StringIO(text), delimiter=sep))
    header = rows[0]
    width = len(header)
    long_rows = [
        f"row {number} ({len(row)} fields)"
        for number, row in enumerate(rows[1:], start=2)
        if len(row) > width and any(cell.strip() for cell in row[width:])
    ]
    if long_rows:
        raise DataValidationError(
            f"{path.name}: {_validation.list_items(long_rows)} "
            f"{'has' if len(long_rows) == 1 else 'have'} more values than the {width} columns "
            f"of the header row; every row must have the {width} fields of the header (check for "
            "a decimal comma or a missing header)"
        )
    missing = set(NA_VALUES)
    body = [
        [np.nan if cell.strip() in missing else cell for cell in (row + [""] * width)[:width]]
        for row in rows[1:]
    ]
    frame = pd.DataFrame(body, columns=list(range(width)), dtype=object)
    frame.columns = [str(c).strip() for c in header]
    return _tidy_headers(frame, path.name), used


def _read_xlsx(path: Path, sheet: str | int | None) -> pd.DataFrame:
    try:
        import openpyxl
    except ImportError as exc:
        raise MissingExtraError("openpyxl", "xlsx", "Reading .xlsx files") from exc
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif isinstance(sheet, int):
            worksheet = workbook.worksheets[sheet]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise DataValidationError(
                f"{path.name}: no sheet named {sheet!r}; sheets: "
                f"{', '.join(repr(s) for s in workbook.sheetnames)}"
            )
        rows = [list(r) for r in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not rows or all(v is None for v in rows[0]):
        raise DataValidationError(
            f"{path.name}: the first row of the sheet is empty; expected the header row there"
        )
    width = max(len(r) for r in rows)
    header = [("" if v is None else str(v).strip()) for v in rows[0]] + [""] * (
        width - len(rows[0])
    )
    body = [r + [None] * (width - len(r)) for r in rows[1:]]
    frame = pd.DataFrame(body, columns=list(range(width)), dtype=object)
    frame = frame.map(
        lambda v: np.nan if v is None or (isinstance(v, str) and not v.strip()) else v
    )
    frame.columns = header
    return _tidy_headers(frame, path.name)


def _is_blank_header(label: object) -> bool:
    text = "" if label is None else str(label).strip()
    return not text or text.lower() == "nan" or re.fullmatch(r"Unnamed: \d+", text) is not None


def _tidy_headers(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Drop empty columns without a header (Excel's trailing commas); check the rest."""
    keep: list[int] = []
    for position, label in enumerate(frame.columns):
        if _is_blank_header(label):
            column = frame.iloc[:, position]
            if column.isna().all() or column.astype(str).str.strip().eq("").all():
                continue
            raise DataValidationError(
                f"{name}: column {position + 1} holds values but has no header; name it (e.g. "
                "notes) or delete the column"
            )
        keep.append(position)
    tidy = frame.iloc[:, keep].copy()
    tidy.columns = [str(c).strip() for c in tidy.columns]
    _check_header_names(tidy.columns, name)
    return tidy


def _check_header_names(header: Iterable[object], name: str) -> None:
    seen: dict[str, int] = {}
    duplicated: list[str] = []
    blank: list[str] = []
    for position, label in enumerate(header, start=1):
        text = str(label).strip()
        if not text:
            blank.append(str(position))
            continue
        if text in seen and text not in duplicated:
            duplicated.append(text)
        seen[text] = position
    if duplicated:
        raise DataValidationError(
            f"{name}: column header {_validation.list_items(repr(d) for d in duplicated)} appears "
            "more than once; give every column its own name"
        )
    if blank:
        raise DataValidationError(
            f"{name}: column {_validation.list_items(blank)} has an empty header; name it or "
            "delete the column"
        )


# --- public API -----------------------------------------------------------------------


def read_plots(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read and validate a table of plot harvest records.

    Parameters
    ----------
    source : path or DataFrame
        A CSV file (UTF-8, UTF-8 with BOM, or GBK/GB18030 as saved by Chinese
        Excel; comma, tab or semicolon separated), an ``.xlsx`` workbook (needs the
        ``xlsx`` extra), or a DataFrame (never modified).
    columns : mapping, optional
        Your header -> canonical name, e.g. ``{"Netto kg": "fresh_mass_kg"}``.
        Applied before the built-in aliases and wins over them.
    sheet : str or int, optional
        Worksheet name or position in an ``.xlsx`` file; the first sheet by default.
    encoding : str, optional
        Text encoding of a CSV file; by default UTF-8 (with or without BOM) is
        tried, then GB18030 (a superset of GBK and GB2312).

    Returns
    -------
    DataFrame
        One row per plot.  Canonical columns first (:data:`CANONICAL_COLUMNS`, then
        a yield column when given), other columns after them unchanged.  Labels
        (``plot_id``, ``treatment``, ``block``, ``site``) are text; measurements
        are float.  Areas in other units are converted into an added
        ``harvested_area_m2`` [m2] and masses into ``fresh_mass_kg`` [kg] (the
        given columns are kept); ``*_fraction`` columns into ``*_pct`` [%].  A
        yield column given alongside complete harvest columns is renamed
        ``reported_<name>`` so it is not confused with the computed yield.
        ``attrs["column_map"]`` maps each header to its canonical name.

    Raises
    ------
    DataValidationError
        Empty table; missing required columns (all listed at once, with the
        accepted alternatives); non-numeric cells (row number as in the file:
        the header is row 1, the first plot row 2); area <= 0; mass < 0;
        moisture, impurity or empty grain outside [0, 100); shelling outside
        (0, 100]; moisture or shelling recorded as fractions; empty or duplicate
        plot ids (per site when a ``site`` column exists); a plot with a mass but
        no area or moisture.
    MissingExtraError
        For an ``.xlsx`` file when openpyxl is not installed.

    Warns
    -----
    YieldTrialWarning
        When every impurity or empty-grain value lies in (0, 1]: they may be
        fractions, but values below 1 % are possible, so this is only a warning.

    Notes
    -----
    A plot whose fresh mass (or yield) cell is empty is a *missing plot*: it is
    kept with a missing yield and reported, never dropped or imputed silently.
    Completely empty rows are ignored.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "小区号": ["1", "2"], "处理": ["CK", "T"], "收获面积(m2)": [20.0, 20.0],
    ...     "鲜重(kg)": [12.1, 13.0], "含水量(%)": [14.2, 14.0]})
    >>> list(read_plots(frame).columns)
    ['plot_id', 'treatment', 'harvested_area_m2', 'fresh_mass_kg', 'moisture_pct']
    """
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        name = "plot table"
        used_encoding = None
        labels = list(frame.index)

        def row_label(position: Any) -> str:
            return f"index {labels[position]!r}"

        frame = _tidy_headers(frame.reset_index(drop=True), name)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = path.name
        suffix = path.suffix.lower()
        if suffix == ".xls":
            raise DataValidationError(
                f"{name}: old .xls workbooks are not supported; save it as .xlsx or CSV"
            )
        if suffix in (".xlsx", ".xlsm"):
            frame = _read_xlsx(path, sheet)
            used_encoding = None
        else:
            frame, used_encoding = _read_csv(path, encoding)

        def row_label(position: Any) -> str:
            return f"row {int(position) + 2}"

        labels = []
    else:
        raise TypeError(
            f"read_plots() takes a file path or a pandas DataFrame; got {type(source).__name__}"
        )
    plots, column_map = _build(
        frame,
        name=name,
        columns=columns,
        row_label=row_label,
        file_rows=not isinstance(source, pd.DataFrame),
    )
    if isinstance(source, pd.DataFrame):
        plots.index = pd.Index([labels[i] for i in plots.index], name=source.index.name)
    else:
        plots = plots.reset_index(drop=True)
    plots.attrs = {"column_map": column_map, "source": name, "encoding": used_encoding}
    return plots


def has_harvest_columns(plots: pd.DataFrame) -> bool:
    """Whether a canonical plot table has every harvest column needed to compute yields.

    Parameters
    ----------
    plots : DataFrame
        Output of :func:`read_plots`.

    Returns
    -------
    bool
        True when ``harvested_area_m2``, ``fresh_mass_kg`` and ``moisture_pct`` exist.

    Examples
    --------
    >>> import pandas as pd
    >>> plots = read_plots(pd.DataFrame({"小区号": [1, 2], "处理": ["CK", "T"],
    ...                                  "yield_kg_mu": [476.1, 482.6]}))
    >>> has_harvest_columns(plots)
    False
    """
    return all(column in plots for column in HARVEST_COLUMNS)


def input_yield_column(plots: pd.DataFrame) -> str | None:
    """Return the given (already standardized) yield column, if the table uses one.

    Parameters
    ----------
    plots : DataFrame
        Output of :func:`read_plots`.

    Returns
    -------
    str or None
        The first ``yield_<mass>_<area>`` column, or None when yields are computed
        from the harvest columns (or no yield column exists).

    Examples
    --------
    >>> import pandas as pd
    >>> plots = read_plots(pd.DataFrame({"小区号": [1, 2], "处理": ["CK", "T"],
    ...                                  "yield_kg_mu": [476.1, 482.6]}))
    >>> input_yield_column(plots)
    'yield_kg_mu'
    """
    if has_harvest_columns(plots):
        return None
    for column in plots.columns:
        if unit_from_yield_column(str(column)) is not None:
            return str(column)
    return None


# --- building the canonical table ------------------------------------------------------


def _map_columns(
    headers: list[str], columns: Mapping[str, str] | None, name: str
) -> tuple[dict[str, str], list[str]]:
    """Return {header: new name} and hints about recognised-but-unusable headers."""
    explicit: dict[str, str] = {}
    if columns:
        by_normalised = {_normalise_header(h): h for h in headers}
        for given, target in columns.items():
            header = given if given in headers else by_normalised.get(_normalise_header(given))
            if header is None:
                raise DataValidationError(
                    f"{name}: columns= renames {given!r}, which is not a column of the table; "
                    "columns present: "
                    f"{_validation.list_items((repr(h) for h in headers), limit=30)}"
                )
            explicit[header] = str(target)
    candidates: dict[str, list[tuple[int, str]]] = {}
    hints: list[str] = []
    for header in headers:
        if header in explicit:
            candidates.setdefault(explicit[header], []).append((0, header))
            continue
        canonical, tier, problem = _recognise(header)
        if canonical is None:
            if problem:
                hints.append(problem)
            continue
        candidates.setdefault(canonical, []).append((tier, header))
    mapping: dict[str, str] = {}
    for canonical, found in candidates.items():
        best = min(tier for tier, _ in found)
        winners = [header for tier, header in found if tier == best]
        if len(winners) > 1:
            raise DataValidationError(
                f"{name}: columns {_validation.list_items(repr(w) for w in winners)} are all read "
                f"as {canonical}; keep one, or rename the others with columns=, e.g. "
                f"columns={{{winners[1]!r}: '{canonical}_2'}}"
            )
        mapping[winners[0]] = canonical
    final = {h: mapping.get(h, h) for h in headers}
    taken: dict[str, str] = {}
    for header, new in final.items():
        if new in taken:
            other = taken[new]
            raise DataValidationError(
                f"{name}: columns {other!r} and {header!r} would both be named {new!r}; rename "
                f"one with columns=, e.g. columns={{{(header if header == new else other)!r}: "
                f"'{new}_original'}}"
            )
        taken[new] = header
    return final, hints


def _parse_cell(value: Any, *, percent: bool) -> float | None:
    """Float value of one cell, NaN for missing, None when not a number."""
    if value is None:
        return np.nan
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return number if not np.isinf(number) else None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text in NA_VALUES:
        return np.nan
    if percent and text.endswith("%"):
        text = text[:-1].strip()
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?", text):
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if np.isfinite(number) else None


def _numeric_columns(frame: pd.DataFrame) -> list[str]:
    names = [c for c in CANONICAL_COLUMNS if c in frame and c not in LABEL_COLUMNS]
    names += [c for c in frame.columns if unit_from_yield_column(str(c)) is not None]
    return names


def _parse_numbers(
    frame: pd.DataFrame,
    columns: list[str],
    display: Callable[[str], str],
    row_label: Callable[[Any], str],
    problems: _validation.Problems,
    file_rows: bool,
) -> pd.DataFrame:
    bad_cells: list[str] = []
    parsed: dict[str, pd.Series] = {}
    ids = frame["plot_id"] if "plot_id" in frame else None
    for column in columns:
        series = frame[column]
        percent = column.endswith(("_pct", "_fraction"))
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            values = series.to_numpy(dtype=float, na_value=np.nan)
            bad = np.isinf(values)
        else:
            quick = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            values = quick.copy()
            bad = np.zeros(len(series), dtype=bool)
            raw = series.tolist()
            # only cells the fast path could not read (or read as inf) are parsed one by one
            for slot in np.flatnonzero(~np.isfinite(quick)):
                cell = _parse_cell(raw[slot], percent=percent)
                if cell is None:
                    bad[slot] = True
                    values[slot] = np.nan
                else:
                    values[slot] = cell
        for position in (int(p) for p in np.flatnonzero(bad)):
            label = frame.index[position]
            plot = ""
            if ids is not None and isinstance(ids.iloc[position], str):
                plot = f" (plot {ids.iloc[position]!r})"
            bad_cells.append(
                f"{display(column)} {row_label(label)}{plot}: {series.iloc[position]!r}"
            )
        parsed[column] = pd.Series(values, index=frame.index, name=column)
    if bad_cells:
        where = " (row numbers as in the file: the header is row 1)" if file_rows else ""
        problems.add(
            f"{len(bad_cells)} non-numeric value{'s' if len(bad_cells) > 1 else ''} in numeric "
            f"columns{where}: {_validation.list_items(bad_cells)}; expected plain numbers such as "
            "12.5 (a trailing % is allowed in percent columns; leave the cell empty for a "
            "missing value). Correct these cells"
        )
    out = frame.copy()
    for column, series in parsed.items():
        out[column] = series
    return out


def _as_label(series: pd.Series) -> pd.Series:
    """Text labels; integral floats (1.0 from a column with blanks) become '1'."""

    def convert(value: Any) -> Any:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return np.nan
        if isinstance(value, float | np.floating) and float(value).is_integer():
            return str(int(value))
        text = str(value).strip()
        return text if text else np.nan

    return pd.Series(
        [convert(v) for v in series.tolist()], index=series.index, name=series.name, dtype="str"
    )


def _missing_columns_message(frame: pd.DataFrame, hints: list[str]) -> str | None:
    missing = []
    for column in ("plot_id", "treatment"):
        if column not in frame:
            missing.append(f"{column} (also accepted: {_accepted(column)})")
    has_yield = any(unit_from_yield_column(str(c)) is not None for c in frame.columns)
    harvest_missing = []
    if not has_yield:
        if not any(str(c).startswith("harvested_area_") for c in frame.columns):
            harvest_missing.append(
                "harvested_area_m2 (or harvested_area_mu / harvested_area_ha; also accepted: "
                f"{_accepted('harvested_area')}, '面积(亩)')"
            )
        if not any(str(c).startswith("fresh_mass_") for c in frame.columns):
            harvest_missing.append(
                f"fresh_mass_kg (or fresh_mass_jin; also accepted: {_accepted('fresh_mass')})"
            )
        if "moisture_pct" not in frame and "moisture_fraction" not in frame:
            harvest_missing.append(f"moisture_pct (also accepted: {_accepted('moisture')})")
    if not missing and not harvest_missing:
        return None
    parts = missing + harvest_missing
    message = f"missing required column{'s' if len(parts) > 1 else ''}: {'; '.join(parts)}"
    if harvest_missing:
        units = ", ".join(yield_column(u) for u in YIELD_UNITS)
        message += (
            f". Instead of the harvest columns you may give one standardized yield column ({units})"
        )
    if hints:
        message += f". Note: {'; '.join(hints)}"
    present = ", ".join(repr(str(c)) for c in frame.columns)
    return (
        f"{message}. Columns found: {present}. Rename columns in the file, or map them with "
        "columns={'your header': 'canonical_name'} (command line: --column 'your "
        "header=canonical_name')"
    )


def _build(
    raw: pd.DataFrame,
    *,
    name: str,
    columns: Mapping[str, str] | None,
    row_label: Callable[[Any], str],
    file_rows: bool,
) -> tuple[pd.DataFrame, dict[str, str]]:
    headers = [str(c) for c in raw.columns]
    if not headers:
        raise DataValidationError(f"{name}: the table has no columns; expected a header row")
    mapping, hints = _map_columns(headers, columns, name)
    frame = raw.copy()
    frame.columns = [mapping[h] for h in headers]
    original = {new: old for old, new in mapping.items()}

    def display(column: str) -> str:
        header = original.get(column, column)
        return column if header == column else f"{column} (header {header!r})"

    # drop completely empty rows (keeping the file's row numbers in the index)
    empty = pd.Series(True, index=frame.index)
    for column in frame.columns:
        values = frame[column]
        blank = values.isna()
        if not pd.api.types.is_numeric_dtype(values):
            blank |= values.astype(str).str.strip().eq("")
        empty &= blank
    frame = frame.loc[~empty]
    if frame.empty:
        raise DataValidationError(
            f"{name}: the table has no plot rows (only a header); expected one row per plot"
        )
    message = _missing_columns_message(frame, hints)
    if message:
        raise DataValidationError(f"{name}: {message}")

    problems = _validation.Problems(name)
    for column in LABEL_COLUMNS:
        if column in frame:
            frame[column] = _as_label(frame[column])
    frame = _parse_numbers(frame, _numeric_columns(frame), display, row_label, problems, file_rows)
    for column in LABEL_COLUMNS:
        if column in frame:
            blank = frame[column].isna()
            if blank.any():
                rows = [row_label(label) for label in frame.index[blank]]
                problems.add(
                    f"{display(column)} is empty in {_validation.list_items(rows)}; every plot "
                    f"needs a {column} (delete rows that are not plots)"
                )
    _check_values(frame, display, row_label, problems)
    problems.add(_validation.duplicate_id_problem(frame, ["site", "plot_id"]))
    problems.raise_if_any()
    frame = _convert_units(frame)
    _check_complete(frame, display, row_label, problems)
    problems.raise_if_any()
    _warn_fractions(frame)
    frame = _order(frame)
    column_map = {old: new for old, new in mapping.items()}
    return frame, column_map


def _check_values(
    frame: pd.DataFrame,
    display: Callable[[str], str],
    row_label: Callable[[Any], str],
    problems: _validation.Problems,
) -> None:
    for column in frame.columns:
        column = str(column)
        if column.startswith("harvested_area_"):
            problems.add(
                _validation.range_problem(
                    frame,
                    column,
                    low=0,
                    high=None,
                    low_inclusive=False,
                    meaning=f"harvested area, {column.rsplit('_', 1)[1]}",
                    fix="Enter the net harvested area of each plot (leave the mass empty for a "
                    "missing plot)",
                    row_label=row_label,
                )
            )
        elif column.startswith("fresh_mass_") or unit_from_yield_column(column) is not None:
            problems.add(
                _validation.range_problem(
                    frame,
                    column,
                    low=0,
                    high=None,
                    meaning="mass" if column.startswith("fresh") else "yield",
                    fix="Masses and yields cannot be negative",
                    row_label=row_label,
                )
            )
    for column, (low, high, low_inc, high_inc) in PERCENT_COLUMNS.items():
        fraction = column.removesuffix("_pct") + "_fraction"
        if fraction in frame:
            problems.add(
                _validation.range_problem(
                    frame,
                    fraction,
                    low=low / 100,
                    high=high / 100,
                    low_inclusive=low_inc,
                    high_inclusive=high_inc,
                    meaning="fraction 0-1",
                    row_label=row_label,
                )
            )
        if column not in frame:
            continue
        if column in ("moisture_pct", "shelling_pct"):
            found = _validation.fraction_problem(frame, column)
            if found:
                problems.add(found)
                continue
        problems.add(
            _validation.range_problem(
                frame,
                column,
                low=low,
                high=high,
                low_inclusive=low_inc,
                high_inclusive=high_inc,
                meaning="percent",
                fix="Percentages are 0-100 (13 for 13 %)",
                row_label=row_label,
            )
        )
    for column in ("row", "column"):
        if column in frame:
            values = frame[column].to_numpy(dtype=float, na_value=np.nan)
            bad = ~np.isnan(values) & (values != np.round(values))
            if bad.any():
                rows = [
                    f"{row_label(i)}: {v:g}"
                    for i, v in zip(frame.index[bad], values[bad], strict=True)
                ]
                problems.add(
                    f"{display(column)} must hold whole field positions (1, 2, ...); got "
                    f"{_validation.list_items(rows)}"
                )


def _convert_units(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "harvested_area_m2" not in out:
        for unit in AREA_UNITS:
            if f"harvested_area_{unit}" in out:
                out["harvested_area_m2"] = convert_area(out[f"harvested_area_{unit}"], unit, "m2")
                break
    if "fresh_mass_kg" not in out:
        for unit in MASS_UNITS:
            if f"fresh_mass_{unit}" in out:
                out["fresh_mass_kg"] = convert_mass(out[f"fresh_mass_{unit}"], unit, "kg")
                break
    for column in PERCENT_COLUMNS:
        fraction = column.removesuffix("_pct") + "_fraction"
        if column not in out and fraction in out:
            out[column] = out[fraction] * 100.0
    if has_harvest_columns(out):
        renames = {
            c: f"reported_{c}" for c in out.columns if unit_from_yield_column(str(c)) is not None
        }
        out = out.rename(columns=renames)
    for column in ("row", "column"):
        if column in out:
            out[column] = out[column].astype("Int64")
    return out


def _check_complete(
    frame: pd.DataFrame,
    display: Callable[[str], str],
    row_label: Callable[[Any], str],
    problems: _validation.Problems,
) -> None:
    if not has_harvest_columns(frame):
        return
    weighed = frame["fresh_mass_kg"].notna()
    needed = ["harvested_area_m2", "moisture_pct"] + [
        c for c in ("impurity_pct", "empty_grain_pct", "shelling_pct") if c in frame
    ]
    for column in needed:
        gap = weighed & frame[column].isna()
        if gap.any():
            items = [f"plot {pid!r}" for pid in frame.loc[gap, "plot_id"].tolist()]
            zero = (
                " (enter 0 if nothing was deducted)"
                if column in ("impurity_pct", "empty_grain_pct")
                else ""
            )
            problems.add(
                f"{display(column)} is empty for {_validation.list_items(items)}, which have a "
                f"fresh mass; fill it in{zero}, or leave the mass empty too if the plot is missing"
            )


def _warn_fractions(frame: pd.DataFrame) -> None:
    import warnings

    for column in ("impurity_pct", "empty_grain_pct"):
        if column in frame and _validation.fraction_problem(frame, column):
            values = frame[column].dropna()
            warnings.warn(
                f"every {column} value lies in (0, 1] (largest {values.max():g}); if they are "
                "fractions, multiply by 100. Values below 1 % are possible, so they are used as "
                "given",
                YieldTrialWarning,
                stacklevel=5,
            )


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    first = [c for c in CANONICAL_COLUMNS if c in frame]
    yields = [c for c in frame.columns if unit_from_yield_column(str(c)) is not None]
    rest = [c for c in frame.columns if c not in first and c not in yields]
    return frame[first + yields + rest]
