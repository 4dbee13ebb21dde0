r"""Trial description files (``trial.toml``): what the plot table cannot say.

A ``trial.toml`` names the trial, the site and season, the crop and variety, the
moisture protocol, the control(s), the treatments (with fertilizer product and
rate), the design, the significance level, the non-inferiority margin and the
expert panel.  Every field is optional: the report uses what is given and
the data supply the rest.  Command-line flags override the file
(:meth:`TrialConfig.override`).

The file has five tables; unknown keys are an error so that a typo is not
silently ignored::

    [trial]
    id = "jinzhong-2024"
    title = "Wheat yield test"
    site = "Jinzhong, Shanxi"
    season = "2024"
    crop = "wheat"
    variety = "..."
    previous_crop = "maize"
    soil = "loam"
    notes = "..."

    [analysis]
    protocol = "cn-yield-test"
    standard_moisture_pct = 13      # overrides the protocol's value
    moisture_method = "dry_matter"
    unit = "kg/mu"                  # display unit
    control = ["CK1", "CK2"]        # or one string
    design = "rcbd"                 # crd, rcbd, latin, split_plot, strip_plot, factorial,
                                    # alpha, row_column, augmented
    factors = ["irrigation"]        # two-factor designs (or whole_plot = ..., sub_plot = ...)
    block = "rep"                   # plot-table columns of the design (renamed on reading)
    block_effects = "random"        # blocks (replicates) fixed or random (REML mixed model)
    ddf = "satterthwaite"           # mixed models: satterthwaite or kenward-roger df
    checks = ["CK1", "CK2"]         # augmented (p-rep) trials: the checks (else entry_type)
    alpha = 0.05
    letters = "tukey"
    margin_pct = 5                  # non-inferiority margin, % of control

    [columns]                       # your column name -> yieldtrial's name
    "小区" = "plot"

    [[treatments]]
    label = "CK1"
    description = "standard compound fertilizer"
    product = "compound fertilizer 15-15-15"
    rate = 40
    rate_unit = "kg/mu"
    n_rate_kg_ha = 90               # further keys are kept in ``extra``

    [panel]
    members = ["..."]
    date = "2024-06-12"

    [[exclude]]                     # a plot left out of the analysis, on your word
    plot = "201"
    reason = "fresh weight typed twice (29.68 for 14.84 kg)"

    [[published]]                   # a figure published elsewhere, audited in the report
    treatment = "T"
    yield = 442                     # at the measured moisture
    moisture_pct = 5
    reported = "477.36"             # at standard moisture (text keeps its decimals)
    unit = "kg/mu"
    source = "news report, June 2024"

See ``docs/trial-toml.md`` for the full reference.

Examples
--------
>>> cfg = TrialConfig.from_text('[analysis]\ncontrol = "CK1"\nalpha = 0.05\n')
>>> cfg.control, cfg.alpha
(('CK1',), 0.05)
>>> cfg.override(alpha=0.01, unit=None).alpha
0.01
"""

from __future__ import annotations

import contextvars
import dataclasses
import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yieldtrial.errors import DataValidationError, WrongTypeError
from yieldtrial.io._guard import held_warnings
from yieldtrial.io.checks import (
    check_number as _number,  # the one rule of every entry point
)
from yieldtrial.io.checks import (
    did_you_mean,
    is_real_number,
    looks_numeric,
    message_number,
    overflows,
    shown,
    toml_spelling,
)
from yieldtrial.io.dates import check_iso_date

__all__ = [
    "LETTERS_METHODS",
    "MAX_CONFIG_BYTES",
    "PublishedFigure",
    "TreatmentInfo",
    "TrialConfig",
    "check_setting",
    "load_config",
]

#: Largest trial.toml read. [bytes]
MAX_CONFIG_BYTES = 1 << 20

#: Largest fertilizer rate (or nutrient rate, price) read, in any unit: 1e9 g/ha is 1,000 t/ha,
#: so a larger figure is a typing error (and 1e308 overflowed the efficiency ratios).
MAX_RATE = 1e9

#: Multiple-comparison procedures allowed for the letter display.
LETTERS_METHODS: tuple[str, ...] = ("tukey", "lsd", "duncan", "snk", "scheffe")

_TRIAL_KEYS: dict[str, str] = {
    "id": "trial_id",
    "title": "title",
    "site": "site",
    "season": "season",
    "crop": "crop",
    "variety": "variety",
    "previous_crop": "previous_crop",
    "soil": "soil",
    "notes": "notes",
}
_ANALYSIS_KEYS: dict[str, str] = {
    "protocol": "protocol",
    "standard_moisture_pct": "standard_moisture_pct",
    "moisture_method": "moisture_method",
    "shrink_pct_per_point": "shrink_pct_per_point",
    "unit": "unit",
    "control": "control",
    "design": "design",
    "factors": "factors",
    "whole_plot": "whole_plot",
    "sub_plot": "sub_plot",
    "horizontal": "horizontal",
    "vertical": "vertical",
    "factor_a": "factor_a",
    "factor_b": "factor_b",
    "block": "block",
    "incomplete_block": "incomplete_block",
    "row": "row",
    "column": "column",
    "block_effects": "block_effects",
    "ddf": "ddf",
    "checks": "checks",
    "alpha": "alpha",
    "letters": "letters",
    "margin_pct": "margin_pct",
}
_PANEL_KEYS: dict[str, str] = {
    "members": "panel_members",
    "date": "panel_date",
    "responsible_unit": "responsible_unit",
    "report_number": "report_number",
    "illustrative": "panel_illustrative",
}
_TABLES: tuple[str, ...] = (
    "trial",
    "analysis",
    "columns",
    "treatments",
    "panel",
    "published",
    "zh",
    "conditions",
    "economics",
    "contrasts",
    "exclude",
)
#: ``[panel] illustrative`` entries: the panel values that can be marked as placeholders.
PANEL_ILLUSTRATIVE: tuple[str, ...] = (
    "experts",
    "members",
    "responsible_unit",
    "report_number",
    "date",
)
#: Keys of ``[conditions]`` (trial information; see docs/trial-toml.md): numbers or text.
CONDITION_KEYS: tuple[str, ...] = (
    "latitude",
    "longitude",
    "altitude_m",
    "soil_type",
    "soil_ph",
    "organic_matter_g_kg",
    "total_n_g_kg",
    "alkali_n_mg_kg",
    "olsen_p_mg_kg",
    "available_k_mg_kg",
    "sowing_date",
    "harvest_date",
    "seeding_rate",
    "irrigation",
    "weather",
    "fertilization",
    "illustrative",
)
#: Keys of ``[economics]``.
ECONOMICS_KEYS: tuple[str, ...] = (
    "currency",
    "grain_price_per_kg",
    "prices",
    "other_costs_per_mu",
    "other_costs_per_ha",
    "status",
    "source",
)
#: Keys of one ``[[contrasts]]`` entry.
CONTRAST_KEYS: tuple[str, ...] = ("name", "name_zh", "treatment", "versus")
#: Keys of one ``[[exclude]]`` entry (a plot left out of the analysis, with the reason).
EXCLUDE_KEYS: tuple[str, ...] = ("plot", "reason")
#: Keys of ``[zh]``: Chinese versions of the free-text fields.
ZH_KEYS: tuple[str, ...] = (
    "title",
    "site",
    "season",
    "variety",
    "previous_crop",
    "soil",
    "notes",
    "soil_type",
    "seeding_rate",
    "irrigation",
    "weather",
    "responsible_unit",
    "economics_source",
    "products",
)
#: Design-role keys of [analysis] naming the two factor columns, by design (first, second).
FACTOR_ROLES: dict[str, tuple[str, str]] = {
    "split_plot": ("whole_plot", "sub_plot"),
    "strip_plot": ("horizontal", "vertical"),
    "factorial": ("factor_a", "factor_b"),
}
#: [analysis] keys naming the plot-table column of a design role (renamed to the role).
DESIGN_COLUMN_KEYS: tuple[str, ...] = ("block", "incomplete_block", "row", "column")
_TREATMENT_KEYS: tuple[str, ...] = ("label", "description", "product", "rate", "rate_unit")
#: Further ``[[treatments]]`` keys that take text (kept in ``TreatmentInfo.extra``).
_TREATMENT_TEXT_KEYS: tuple[str, ...] = ("grade", "rate_status", "description_zh", "product_zh")
#: Every ``[[treatments]]`` key yieldtrial reads by name (a near miss of one warns).
_TREATMENT_READ_KEYS: tuple[str, ...] = (*_TREATMENT_KEYS, *_TREATMENT_TEXT_KEYS, "products")


@dataclass(frozen=True)
class TreatmentInfo:
    """Description of one treatment from ``[[treatments]]``.

    Attributes
    ----------
    label : str
        The treatment label used in the plot table (e.g. ``"CK1"``).
    description : str or None
        Plain-language description.
    product : str or None
        Fertilizer product (or variety, for variety trials).
    rate : float or None
        Application rate, in ``rate_unit``.
    rate_unit : str or None
        Unit of ``rate`` (e.g. ``"kg/mu"``, ``"kg/ha"``).
    extra : dict
        Any further keys (e.g. nutrient rates ``n_rate_kg_ha`` used by the
        efficiency section), kept as given.
    """

    label: str
    description: str | None = None
    product: str | None = None
    rate: float | None = None
    rate_unit: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain JSON-ready dict."""
        return {
            "label": self.label,
            "description": self.description,
            "product": self.product,
            "rate": self.rate,
            "rate_unit": self.rate_unit,
            "extra": dict(self.extra),
        }


@dataclass(frozen=True)
class PublishedFigure:
    """A yield figure published elsewhere, from ``[[published]]``; the report audits it.

    Attributes
    ----------
    treatment : str or None
        Treatment the figure belongs to.
    yield_value : float
        Yield at the measured moisture, as published. [unit]
    moisture_pct : float
        Measured moisture, as published. [%]
    reported : str or None
        The published figure at standard moisture, as text (keeps trailing zeros,
        which tell its precision). [unit]
    unit : str
        Unit of both figures.
    source : str or None
        Where it was published.
    source_zh : str or None
        The same in Chinese (shown in Chinese reports).
    """

    treatment: str | None
    yield_value: float
    moisture_pct: float
    reported: str | None = None
    unit: str = "kg/mu"
    source: str | None = None
    source_zh: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a plain JSON-ready dict."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TrialConfig:
    """Everything about a trial that the plot table does not hold.

    Every attribute is optional (``None`` or empty); see the module docstring
    for the file layout.

    Attributes
    ----------
    trial_id, title, site, season, crop, variety, previous_crop, soil, notes : str or None
        Header information.
    protocol : str or None
        Moisture protocol key (e.g. ``"cn-yield-test"``).
    standard_moisture_pct : float or None
        Standard moisture [%]; overrides the protocol's value.
    moisture_method : str or None
        Moisture standardization method (e.g. ``"dry_matter"``).
    shrink_pct_per_point : float or None
        Shrink per moisture point above standard, for ``moisture_method = "shrink"``.
        [%/point]
    unit : str or None
        Display unit of yields (e.g. ``"kg/mu"``, ``"kg/ha"``).
    control : tuple of str
        Control (check) treatment label(s); one label may be given as a string
        (``TrialConfig(control="CK常规施肥")``), never split into characters.
    design : str or None
        Field design key (``"crd"``, ``"rcbd"``, ``"latin"``, ``"split_plot"``,
        ``"strip_plot"``, ``"factorial"``).
    factors : tuple of str
        Two-factor designs: the factor columns in design order (one name: the
        first factor, the ``treatment`` column being the second).  Given in the
        file as ``factors = [...]`` or by role (``whole_plot``/``sub_plot``,
        ``horizontal``/``vertical``, ``factor_a``/``factor_b``).
    block, row, column : str or None
        Plot-table columns holding the block (replicate) and, for a Latin square,
        the row and column of each plot; renamed to ``block``/``row``/``column``
        when the table is read (see :meth:`column_renames`).
    incomplete_block : str or None
        Alpha designs: the plot-table column of the incomplete block within the
        replicate; renamed to ``incomplete_block``.
    block_effects : str or None
        ``"fixed"`` or ``"random"``: how blocks (replicates) enter the model (random: a
        mixed model fitted by REML).
    ddf : str or None
        ``"satterthwaite"`` or ``"kenward-roger"``: denominator df of a mixed model's F
        tests and comparisons (default Satterthwaite).
    checks : tuple of str
        Augmented designs: the check labels, for a plot table without an ``entry_type``
        column (``FieldTrial(checks=...)``); a partially replicated (p-rep) trial's entries
        on two plots are then entries.  Implies ``design = "augmented"``.
    alpha : float or None
        Significance level.
    letters : str or None
        Procedure for the letter display, one of :data:`LETTERS_METHODS`.
    margin_pct : float or None
        Non-inferiority margin, percent of the control mean [%]; a value below 1 warns
        that it looks like a fraction (``0.05`` is 0.05 %, not 5 %).
    columns : dict
        Column renaming, the file's name -> yieldtrial's name.
    treatments : tuple of TreatmentInfo
        Treatment descriptions, in the order to report them.
    panel_members : tuple of str
        Expert panel members.
    panel_date : str or None
        Date of the panel's inspection.
    published : tuple of PublishedFigure
        Published figures to audit (moisture conversion check).
    responsible_unit, report_number : str or None
        Responsible unit (承担单位) and report number, from ``[panel]``.
    panel_experts : tuple of dict
        Acceptance-panel members as ``{name, affiliation, title}`` (``[panel]
        experts = [...]``); printed as the panel table.
    panel_illustrative : tuple of str
        ``[panel] illustrative``: which panel entries are placeholders (``experts``,
        ``members``, ``responsible_unit``, ``report_number``, ``date``); the report
        marks them with † where it prints them.
    zh : dict
        Chinese versions of the free-text fields (``[zh]``, keys :data:`ZH_KEYS`).
    conditions : dict
        Trial information (``[conditions]``, keys :data:`CONDITION_KEYS`): coordinates,
        soil test, dates, seeding rate, irrigation, fertilization schedule, weather.
    economics : dict
        Prices for the economic-benefit section (``[economics]``, keys :data:`ECONOMICS_KEYS`).
    contrasts : tuple of dict
        Named contrasts (``[[contrasts]]``: ``name``, ``treatment``, ``versus``, ``name_zh``).
    exclude : tuple of (str, str)
        Plots to leave out of the analysis, ``(plot_id, reason)`` from ``[[exclude]]``;
        applied with :meth:`yieldtrial.FieldTrial.exclude` and listed in the report.
    source : str or None
        Path of the file the configuration came from.

    Notes
    -----
    A description compares with ``==`` (field by field) but is not hashable
    (``hash(config)`` is ``unhashable type: 'TrialConfig'``): its tables (``conditions``,
    ``economics``, ``zh``, ``columns``) are dicts with lists and dicts inside (the
    fertilization schedule), and freezing them all would change what is read back
    (tuples for lists, read-only mappings that do not pickle).  Key a cache by
    ``config.source`` instead (stop 48).
    """

    # not hashable, by decision (see Notes); said here so that hash() names the class, not
    # the first dict field ("unhashable type: 'dict'")
    __hash__ = None  # type: ignore[assignment]

    trial_id: str | None = None
    title: str | None = None
    site: str | None = None
    season: str | None = None
    crop: str | None = None
    variety: str | None = None
    previous_crop: str | None = None
    soil: str | None = None
    notes: str | None = None
    protocol: str | None = None
    standard_moisture_pct: float | None = None
    moisture_method: str | None = None
    shrink_pct_per_point: float | None = None
    unit: str | None = None
    control: tuple[str, ...] = ()
    design: str | None = None
    factors: tuple[str, ...] = ()
    block: str | None = None
    incomplete_block: str | None = None
    row: str | None = None
    column: str | None = None
    block_effects: str | None = None
    ddf: str | None = None
    checks: tuple[str, ...] = ()
    alpha: float | None = None
    letters: str | None = None
    margin_pct: float | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    treatments: tuple[TreatmentInfo, ...] = ()
    panel_members: tuple[str, ...] = ()
    panel_date: str | None = None
    published: tuple[PublishedFigure, ...] = ()
    responsible_unit: str | None = None
    report_number: str | None = None
    panel_experts: tuple[Mapping[str, str], ...] = ()
    panel_illustrative: tuple[str, ...] = ()
    zh: Mapping[str, Any] = field(default_factory=dict)
    conditions: Mapping[str, Any] = field(default_factory=dict)
    economics: Mapping[str, Any] = field(default_factory=dict)
    contrasts: tuple[Mapping[str, str], ...] = ()
    exclude: tuple[tuple[str, str], ...] = ()
    source: str | None = None

    def __post_init__(self) -> None:
        """Keep label fields tuples of labels and flag fraction-looking percentages."""
        for name in _TUPLE_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):  # one label, never its characters
                object.__setattr__(self, name, (value,) if value else ())
            elif value is None:  # as the default: none ('NoneType' object is not iterable)
                object.__setattr__(self, name, ())
            elif is_real_number(value) and name == "control":  # control=1: label '1'
                from yieldtrial.io.validation import as_labels

                object.__setattr__(self, name, as_labels(value))
            elif (
                not isinstance(value, Iterable)
                or isinstance(value, Mapping | bytes)
                or getattr(value, "ndim", 1) == 0  # a 0-d array: "iteration over a 0-d array"
            ):
                raise DataValidationError(
                    f"TrialConfig: {name} = {shown(value)}; expected text or a list of text."
                )
            elif not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(str(v) for v in value))
        for name in ("treatments", "published"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "exclude", _python_exclusions(self.exclude, "TrialConfig"))
        # block="" as trial.toml's block = "" (stop 49): the file's rule and message
        _check_design_columns(
            {"columns": self.columns, **{key: getattr(self, key) for key in DESIGN_COLUMN_KEYS}},
            "TrialConfig",
        )
        where = _PRICES_WHERE.get()
        if where is not None:  # a price no product uses (stop 49: also made in Python)
            _warn_unused_prices(self, where)
        for name in (*_FLOAT_FIELDS, *_CHOICE_FIELDS):
            value = getattr(self, name)
            if value is not None:  # checked as in trial.toml (from_values passes them checked)
                object.__setattr__(self, name, _coerce(name, value, "TrialConfig"))
        _warn_fraction_pct("margin_pct", self.margin_pct, example="5")
        if self.panel_date is not None:  # [panel] date's rule (io.dates), as trial.toml's
            check_iso_date("date", self.panel_date, "TrialConfig: [panel]")
        self._check_tables("TrialConfig")
        where = _PRICES_WHERE.get()
        if where is not None:  # a typo'd [[treatments]] key (tidy58): said once, when made
            _warn_treatment_key_typos(self.treatments, where)

    def _check_tables(self, where: str) -> None:
        """Check the tables (``zh``, ``conditions``, ``contrasts``, ...) as trial.toml's.

        A configuration built in Python (``TrialConfig(conditions={"soil_ph": 99})``) gets
        the message a trial.toml with the same value gets, after ``where``.
        """
        for name in ("zh", "conditions", "economics"):
            if not isinstance(getattr(self, name), Mapping):
                raise DataValidationError(
                    f"{where}: {name} = {getattr(self, name)!r}; expected a dict, as the "
                    f"[{name}] table of a trial.toml (see docs/trial-toml.md)."
                )
        if self.zh:
            _read_zh(self.zh, where)
        if self.contrasts:
            if isinstance(self.contrasts, str | bytes | Mapping) or not isinstance(
                self.contrasts, Iterable
            ):
                raise DataValidationError(
                    f"{where}: contrasts = {self.contrasts!r}; expected a list of dicts, as "
                    "the [[contrasts]] tables of a trial.toml, e.g. "
                    '[{"name": "synergist effect", "treatment": "T", "versus": "CK2"}].'
                )
            _read_contrasts({"contrasts": list(self.contrasts)}, {}, where)
        if self.conditions:
            trial_text = {key: getattr(self, key) for key in _TRIAL_TEXT_KEYS}
            _check_conditions_table(self.conditions, trial_text, where)
        if self.economics:
            _check_economics(self.economics, where)
        for index, info in enumerate(self.treatments):
            if not isinstance(info, TreatmentInfo):
                raise DataValidationError(
                    f"{where}: treatments entry {index + 1} = {info!r}; expected a "
                    'TreatmentInfo, e.g. TreatmentInfo("CK", rate=40, rate_unit="kg/mu").'
                )
            item = {"label": info.label, **info.extra}
            for key in ("description", "product", "rate", "rate_unit"):
                if getattr(info, key) is not None:
                    item[key] = getattr(info, key)
            _treatment(item, index, where)
        for index, figure in enumerate(self.published):
            if not isinstance(figure, PublishedFigure):
                raise DataValidationError(
                    f"{where}: published entry {index + 1} = {figure!r}; expected a "
                    'PublishedFigure, e.g. PublishedFigure("T", yield_value=442, moisture_pct=5).'
                )
            fields = dataclasses.asdict(figure)
            fields["yield"] = fields.pop("yield_value")
            _published({k: v for k, v in fields.items() if v is not None}, index, where)

    # ------------------------------------------------------------------ build
    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> TrialConfig:
        """Read a ``trial.toml`` file.

        Parameters
        ----------
        path : path
            The file.

        Returns
        -------
        TrialConfig
            The parsed description.

        Raises
        ------
        DataValidationError
            If the file is not valid TOML (the message names the file, the line
            and the TOML error) or holds an unknown key or a value of the wrong kind.
        """
        from yieldtrial.io.oserrors import file_error
        from yieldtrial.io.table_files import check_input_file

        if not isinstance(path, str | os.PathLike):
            raise WrongTypeError(
                f"the trial description must be the path of a trial.toml (str or "
                f"pathlib.Path), or None for load_config(); got {type(path).__name__}"
            )
        p = Path(path)
        info = check_input_file(p, "trial description (trial.toml)")
        if info.st_size > MAX_CONFIG_BYTES:
            raise DataValidationError(
                f"trial description {str(p)!r} is {info.st_size:,} bytes; a trial.toml is a few "
                f"kilobytes (at most {MAX_CONFIG_BYTES:,} bytes are read). Is it the right file?"
            )
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise file_error(exc, p, "read") from None
        try:
            text = data.decode("utf-8-sig")  # a BOM (Windows Notepad) is accepted
        except UnicodeDecodeError as exc:
            raise DataValidationError(
                f"trial description {str(p)!r} is not UTF-8 text ({exc.reason} at byte "
                f"{exc.start}); save it as UTF-8."
            ) from None
        return cls.from_text(text, source=str(p))

    @classmethod
    def from_text(cls, text: str, *, source: str | None = None) -> TrialConfig:
        """Parse the text of a ``trial.toml``.

        Parameters
        ----------
        text : str
            TOML text.
        source : str, optional
            File name used in error messages.

        Returns
        -------
        TrialConfig
            The parsed description.

        Raises
        ------
        DataValidationError
            On invalid TOML, unknown keys or values of the wrong kind.
        """
        if not isinstance(text, str):
            raise WrongTypeError(
                f"TrialConfig.from_text() takes the text of a trial.toml (str); got "
                f"{type(text).__name__}. For a file use yt.load_config('trial.toml')"
            )
        where = repr(source) if source else "<text>"
        text = text.removeprefix("\ufeff")
        if "\r" in text and "\n" not in text:
            text = text.replace("\r", "\n")  # old Mac line endings, read like the plot table's
        try:
            raw = tomllib.loads(text)
        except RecursionError:
            raise DataValidationError(
                f"trial description {where} nests arrays or tables too deeply to be read; a "
                "trial.toml needs at most a few levels (see docs/trial-toml.md)."
            ) from None
        except tomllib.TOMLDecodeError as exc:
            message = _toml_message(str(exc))
            match = re.search(r"line (\d+)", message)
            line = f" line {match.group(1)}:" if match else ":"
            raise DataValidationError(
                f"trial description {where} is not valid TOML at{line} {message}; "
                "fix the file (see docs/trial-toml.md)."
            ) from None
        except ValueError:  # tomllib's int() of more digits than Python converts (4,300)
            raise _huge_number(text, where) from None
        if _holds_huge_int(raw):  # a hexadecimal one is read, but cannot be shown in a message
            raise _huge_number(text, where)
        return cls.from_dict(raw, source=source)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], *, source: str | None = None) -> TrialConfig:
        """Build a configuration from the parsed TOML tables.

        Parameters
        ----------
        raw : mapping
            Tables ``trial``, ``analysis``, ``columns``, ``treatments``, ``panel``.
        source : str, optional
            File name used in error messages.

        Returns
        -------
        TrialConfig
            The description.
        """
        if not isinstance(raw, Mapping):
            raise WrongTypeError(
                f"TrialConfig.from_dict() takes a mapping of trial.toml tables, e.g. "
                f"{{'trial': {{'crop': 'wheat'}}}}; got {type(raw).__name__}"
            )
        with toml_spelling():  # a value is echoed as the file writes it (true, not True)
            return cls._from_tables(raw, source)

    @classmethod
    def _from_tables(cls, raw: Mapping[str, Any], source: str | None) -> TrialConfig:
        """Build a configuration from the parsed TOML tables (see :meth:`from_dict`)."""
        where = repr(source) if source else "the trial description"
        raw = _clean_tree(raw)  # no control character reaches any report (DOCX refuses them)
        unknown = [key for key in raw if key not in _TABLES]
        if unknown:
            raise DataValidationError(
                f"{where}: unknown table or key {', '.join(map(repr, unknown))}"
                f"{_did_you_mean(unknown, _TABLES)}; expected the "
                f"tables {', '.join('[' + t + ']' for t in _TABLES)} (see docs/trial-toml.md)."
            )
        values: dict[str, Any] = {"source": source}
        for table, keys in (
            ("trial", _TRIAL_KEYS),
            ("analysis", _ANALYSIS_KEYS),
            ("panel", _PANEL_KEYS),
        ):
            section = _table(raw, table, where)
            bad = [k for k in section if k not in keys and (table, k) != ("panel", "experts")]
            if bad:
                raise DataValidationError(
                    f"{where}: unknown key {', '.join(map(repr, bad))} in [{table}]"
                    f"{_did_you_mean(bad, tuple(keys))}; allowed: {', '.join(keys)}."
                )
            for key, attr in keys.items():
                if key in section:
                    values[attr] = section[key]
        columns = _table(raw, "columns", where)
        for key, value in columns.items():
            if not isinstance(value, str) or not value.strip() or not str(key).strip():
                raise DataValidationError(
                    f"{where}: [columns] maps {key!r} to {shown(value)}; expected a column name "
                    "(text)."
                )
        values["columns"] = dict(columns)
        treatments_raw = raw.get("treatments", [])
        if not isinstance(treatments_raw, list):
            raise DataValidationError(
                f"{where}: 'treatments' must be an array of tables written [[treatments]]."
            )
        values["treatments"] = tuple(
            _treatment(item, i, where) for i, item in enumerate(treatments_raw)
        )
        labels = [t.label for t in values["treatments"]]
        twice = sorted({label for label in labels if labels.count(label) > 1})
        if twice:
            raise DataValidationError(
                f"{where}: [[treatments]] describes {', '.join(map(repr, twice))} more than once; "
                "give each treatment one [[treatments]] table."
            )
        published_raw = raw.get("published", [])
        if not isinstance(published_raw, list):
            raise DataValidationError(
                f"{where}: 'published' must be an array of tables written [[published]]."
            )
        values["published"] = tuple(
            _published(item, i, where) for i, item in enumerate(published_raw)
        )
        exclude_raw = raw.get("exclude", [])
        if not isinstance(exclude_raw, list):
            raise DataValidationError(
                f"{where}: 'exclude' must be an array of tables written [[exclude]] "
                '(plot = "201", reason = "...").'
            )
        values["exclude"] = tuple(_exclusion(item, i, where) for i, item in enumerate(exclude_raw))
        _resolve_factor_roles(values, where)
        _check_design_columns(values, where)
        _new_tables(raw, values, where)
        try:
            config = cls.from_values(values, where=where)
        except DataValidationError as exc:  # say the file's key, not the attribute
            message = str(exc)
            for attr, key in _FILE_KEYS.items():
                message = message.replace(f": {attr} = ", f": {key} = ", 1)
            raise DataValidationError(message) from None
        return config

    @classmethod
    def from_values(
        cls, values: Mapping[str, Any], *, where: str = "the trial description"
    ) -> TrialConfig:
        """Build a configuration from attribute values, checking their kinds.

        Parameters
        ----------
        values : mapping
            Attribute name -> value (``None`` values are treated as missing).
        where : str
            Used in error messages.

        Returns
        -------
        TrialConfig
            The description.
        """
        clean: dict[str, Any] = {}
        for name, value in values.items():
            if value is None:
                continue
            clean[name] = _coerce(name, value, where)
        token = _PRICES_WHERE.set(where)  # the unused prices' warning names the file
        try:
            return cls(**clean)
        finally:
            _PRICES_WHERE.reset(token)

    def override(self, where: str = "TrialConfig.override", **changes: Any) -> TrialConfig:
        """Return a copy with the non-``None`` values of ``changes`` replacing fields.

        Command-line flags are passed here, so a flag the user did not give
        (``None``) keeps the file's value.

        Parameters
        ----------
        where : str, default "TrialConfig.override"
            Where the changes were given, for an error message (the command line passes
            ``"the command line"``; a notebook's call was called that too).
        **changes
            Attribute name -> value.

        Returns
        -------
        TrialConfig
            The updated description.
        """
        names = {f.name for f in dataclasses.fields(self)}
        bad = [name for name in changes if name not in names]
        if bad:
            raise WrongTypeError(f"unknown TrialConfig field(s): {', '.join(bad)}")
        clean = {
            name: _coerce(name, value, where)
            for name, value in changes.items()
            if value is not None
        }
        if any(key in clean for key in DESIGN_COLUMN_KEYS):  # named after the call
            _check_design_columns(
                {"columns": self.columns, **{k: getattr(self, k) for k in DESIGN_COLUMN_KEYS}}
                | clean,
                where,
            )
        import warnings

        from yieldtrial.errors import YieldTrialWarning

        token = _PRICES_WHERE.set(None)  # unused prices: warned when this was made
        try:
            with held_warnings():
                if "margin_pct" not in clean:  # warned when this description was made
                    warnings.simplefilter("ignore", YieldTrialWarning)
                return dataclasses.replace(self, **clean)
        finally:
            _PRICES_WHERE.reset(token)

    # ------------------------------------------------------------------ use
    def treatment(self, label: str) -> TreatmentInfo | None:
        """Return the description of treatment ``label``, or ``None`` when not described."""
        for item in self.treatments:
            if item.label == str(label):
                return item
        return None

    @property
    def has_fertilizer_rates(self) -> bool:
        """Whether at least one treatment gives a fertilizer rate.

        A rate is ``rate``, a nutrient rate key (``n_rate_kg_ha``, ``..._kg_mu``) or a
        ``products`` list of further products with their rates.
        """
        return any(
            t.rate is not None
            or "products" in t.extra
            or any(k.endswith("_kg_ha") or k.endswith("_kg_mu") for k in t.extra)
            for t in self.treatments
        )

    def column_renames(self) -> dict[str, str]:
        """Column renaming for reading the plot table: ``columns`` plus the design columns.

        Returns
        -------
        dict
            The file's column name -> yieldtrial's name (``block = "rep"`` adds
            ``"rep" -> "block"``).

        Examples
        --------
        >>> TrialConfig.from_dict({"analysis": {"block": "rep"}}).column_renames()
        {'rep': 'block'}
        """
        renames = dict(self.columns)
        for role in DESIGN_COLUMN_KEYS:
            name = getattr(self, role)
            if name and name != role:
                renames[name] = role
        return renames

    def trial_settings(self) -> dict[str, Any]:
        """Keyword arguments of :meth:`FieldTrial.from_csv <yieldtrial.trial.FieldTrial.from_csv>`.

        Returns
        -------
        dict
            The settings the description gives (``crop``, ``control``, ``protocol``,
            ``standard_moisture_pct``, ``moisture_method``, ``shrink_pct_per_point``,
            ``design``, ``block_effects``, ``ddf``, ``checks``, ``factors``, ``unit``,
            ``columns``); those it
            leaves open are absent.

        Examples
        --------
        >>> TrialConfig(crop="wheat", control="CK").trial_settings()
        {'crop': 'wheat', 'control': ['CK']}
        """
        settings: dict[str, Any] = {
            "crop": self.crop,
            "control": list(self.control) or None,
            "protocol": self.protocol,
            "standard_moisture_pct": self.standard_moisture_pct,
            "moisture_method": self.moisture_method,
            "shrink_pct_per_point": self.shrink_pct_per_point,
            "design": self.design,
            "block_effects": self.block_effects,
            "ddf": self.ddf,
            "checks": list(self.checks) or None,
            "factors": list(self.factors) or None,
            "unit": self.unit,
            "columns": self.column_renames() or None,
        }
        return {key: value for key, value in settings.items() if value is not None}

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as a JSON-ready dict."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in ("treatments", "published"):
                value = [t.to_dict() for t in value]
            elif f.name in ("contrasts", "panel_experts"):
                value = [dict(item) for item in value]
            elif f.name == "exclude":
                value = [{"plot": pid, "reason": reason} for pid, reason in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Mapping):
                value = dict(value)
            out[f.name] = value
        return out


def _huge_number(text: str, where: str) -> DataValidationError:
    """Return the error for an integer of thousands of digits in a trial.toml (its line)."""
    found = re.search(r"[0-9a-fA-F_]{1000,}", text)
    line = f" at line {text.count(chr(10), 0, found.start()) + 1}" if found else ""
    return DataValidationError(
        f"trial description {where} holds a number of thousands of digits{line}, more than "
        "Python reads or shows; no trial.toml setting needs one: check that line (see "
        "docs/trial-toml.md)."
    )


def _holds_huge_int(value: Any) -> bool:
    """Whether a parsed TOML tree holds an integer too long to print (over 4,000 digits)."""
    if isinstance(value, dict):
        return any(_holds_huge_int(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_huge_int(item) for item in value)
    return isinstance(value, int) and value.bit_length() > 13_000


def _toml_message(message: str) -> str:
    """Say in words what the TOML parser's message says in Python (``('trial',)``)."""
    declared = re.match(r"Cannot declare \(([^)]*)\) twice(.*)", message)
    if declared:
        names = ".".join(re.findall(r"'([^']*)'", declared.group(1)))
        return (
            f"the table [{names}] is written twice{declared.group(2)} (a duplicate table: keep "
            f"one [{names}] and put all its keys there)"
        )
    if message.startswith("Cannot overwrite a value"):
        return (
            "a key is given twice"
            + message.removeprefix("Cannot overwrite a value")
            + " (keep one of them)"
        )
    return message


def load_config(path: str | os.PathLike[str] | None) -> TrialConfig:
    """Read ``path`` when given, else return an empty configuration.

    Parameters
    ----------
    path : path or None
        A ``trial.toml`` file.

    Returns
    -------
    TrialConfig
        The description (all fields unset when ``path`` is ``None``).
    """
    if path is None:
        return TrialConfig()
    return TrialConfig.from_file(path)


# ---------------------------------------------------------------------- helpers
#: Where a description being made was given, for its unused prices' warning
#: (``TrialConfig`` when made in Python; the file when read; ``None``: already warned).
_PRICES_WHERE: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "yieldtrial_prices_where", default="TrialConfig"
)
#: Attributes whose trial.toml key differs from their name (for messages about the file).
_FILE_KEYS: dict[str, str] = {
    "trial_id": "[trial] id",
    "panel_members": "[panel] members",
    "panel_date": "[panel] date",
    "panel_illustrative": "[panel] illustrative",
}
_FLOAT_FIELDS = ("standard_moisture_pct", "shrink_pct_per_point", "alpha", "margin_pct")
_TUPLE_FIELDS = ("control", "panel_members", "factors", "panel_illustrative", "checks")
_CHOICE_FIELDS = (
    "crop",
    "design",
    "block_effects",
    "ddf",
    "letters",
    "protocol",
    "moisture_method",
    "unit",
)


def _clean_tree(value: Any) -> Any:
    """Return ``value`` with control characters removed from every text in it (and its keys)."""
    from yieldtrial.io.validation import clean_text

    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {_clean_tree(key): _clean_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean_tree(item) for item in value]
    return value


def _table(raw: Mapping[str, Any], name: str, where: str) -> Mapping[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, Mapping):
        raise DataValidationError(f"{where}: [{name}] must be a table, got {shown(value)}.")
    return value


def _treatment(item: object, index: int, where: str) -> TreatmentInfo:
    from yieldtrial.io.validation import normalise_label

    if not isinstance(item, Mapping) or "label" not in item:
        raise DataValidationError(
            f"{where}: treatments entry {index + 1} has no 'label'; each [[treatments]] needs "
            'label = "..." matching the plot table.'
        )
    label = item["label"]
    if (
        isinstance(label, Mapping | list | bool)
        or not isinstance(label, str | int | float)
        or not normalise_label(label)
    ):
        raise DataValidationError(
            f"{where}: treatments entry {index + 1} has label = {shown(label)}; expected the "
            'text of a treatment label of the plot table, e.g. label = "CK".'
        )
    label = normalise_label(label)
    rate = item.get("rate")
    if rate is not None:
        rate = _rate("rate", rate, f"{where}: treatment {label!r}", example=40)
    at = f"{where}: treatment {label!r}"
    rate_unit = _opt_str(item.get("rate_unit"), "rate_unit", at)
    if rate_unit is not None:
        _check_rate_unit(rate_unit, f"{where}: treatment {label!r}")
    extra = {k: v for k, v in item.items() if k not in _TREATMENT_KEYS}
    for key in _TREATMENT_TEXT_KEYS:
        if key in extra:
            _opt_str(extra[key], key, at)
    if "rate_status" in extra:
        _check_status(extra["rate_status"], "rate_status", at)
    if "products" in extra:
        _check_products(extra["products"], f"{where}: treatment {label!r}")
    for key, value in extra.items():
        rate_key = str(key).endswith(("_kg_ha", "_kg_mu", "_per_kg", "_per_t"))
        if isinstance(value, float) and not math.isfinite(value) and not rate_key:
            # a rate or price: _rate's message below names its range too
            raise DataValidationError(
                f"{where}: treatment {label!r} has {key} = {shown(value)}; expected a finite "
                "number."
            )
        if rate_key and value is not None:
            _rate(key, value, f"{where}: treatment {label!r}", example=None)
    return TreatmentInfo(
        label=label,
        description=_opt_str(item.get("description"), "description", at),
        product=_opt_str(item.get("product"), "product", at),
        rate=rate,
        rate_unit=rate_unit,
        extra=extra,
    )


def _one_edit(key: str, known: str) -> bool:
    """Whether ``key`` is ``known`` with one letter added, dropped, changed or swapped."""
    if abs(len(key) - len(known)) > 1 or key == known:
        return False
    if len(key) == len(known):
        differ = [i for i, (a, b) in enumerate(zip(key, known, strict=True)) if a != b]
        return len(differ) == 1 or (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and key[differ[0]] == known[differ[1]]
            and key[differ[1]] == known[differ[0]]
        )
    short, long = sorted((key, known), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _treatment_key_typo(key: object) -> str | None:
    """Return the ``[[treatments]]`` key that ``key`` looks like a typo of, or None.

    A key of :data:`_TREATMENT_READ_KEYS` spelt in other case or with ``-`` or a space for
    ``_`` (``Description``, ``rate-unit``), or one letter added, dropped, changed or two
    swapped (``descriptions``, ``prodcut``).  The short ``rate``, ``label`` and ``grade``
    take only the case, separator and a plural ``s`` (``date`` may be a key of one's own);
    no key the fertilizer-efficiency section reads (``efficiency.products``) is such a typo
    (``tests/test_config.py`` checks every one: config sits below that stage and does not
    import it).

    Examples
    --------
    >>> _treatment_key_typo("descriptions"), _treatment_key_typo("Rate_Unit")
    ('description', 'rate_unit')
    >>> _treatment_key_typo("date"), _treatment_key_typo("n_rate_kg_ha")
    (None, None)
    """
    text = str(key)
    if text in _TREATMENT_READ_KEYS:
        return None
    folded = text.strip().lower().replace("-", "_").replace(" ", "_")
    if folded in _TREATMENT_READ_KEYS:
        return folded
    for known in _TREATMENT_READ_KEYS:
        short = len(known) <= 5  # rate, label, grade: a plural only
        if folded == known + "s" if short else _one_edit(folded, known):
            return known
    return None


def _warn_treatment_key_typos(treatments: Sequence[TreatmentInfo], where: str) -> None:
    """Warn of a ``[[treatments]]`` key that looks like a typo of one yieldtrial reads.

    Further keys are kept in :attr:`TreatmentInfo.extra` on purpose (nutrient rates,
    notes), so a typo (``descriptions = "..."``) was kept too and its value lost from the
    report without a word (fuzz pass, tidy58).  One text for trial.toml and
    ``TrialConfig(treatments=...)``, after ``where``.
    """
    for index, info in enumerate(treatments):
        for key in info.extra:
            known = _treatment_key_typo(key)
            if known is not None:  # stats (pandas) imported only then: light commands stay light
                from yieldtrial.stats._common import warn_at_caller

                warn_at_caller(
                    f"{where}: [[treatments]] entry {index + 1} (label {info.label!r}) has the "
                    f"key {str(key)!r}, which looks like a typo of {known!r}: it is kept as "
                    f"further data (TreatmentInfo.extra), not read as {known!r}; rename the "
                    f"key to {known!r}"
                )


def _check_products(products: object, where: str) -> None:
    """Refuse ``products`` that is not a list of tables with a product name and a rate >= 0."""
    items = [products] if isinstance(products, Mapping) else products
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise DataValidationError(
            f"{where}: products = {shown(products)}; expected a list of tables, e.g. products = "
            '[{ product = "synergist", rate = 0.3, rate_unit = "kg/mu" }].'
        )
    for number, entry in enumerate(items, start=1):
        at = f"{where}: products entry {number}"
        if "rate" in entry:
            _rate("rate", entry["rate"], at, example=0.3)
        if entry.get("rate_unit") is not None:  # echoed as typed: rate_unit = true, not 'True'
            _check_rate_unit(entry["rate_unit"], at)


def _check_rate_unit(unit: object, where: str) -> None:
    """Refuse a fertilizer rate unit that is not a mass per area (kg/ha, kg/mu, t/ha, ...)."""
    from yieldtrial.units import yield_unit

    try:
        canonical = yield_unit(str(unit))
    except DataValidationError:
        canonical = ""
    if not canonical or canonical.startswith("bu/"):
        raise DataValidationError(
            f'{where}: rate_unit = {shown(unit)} is not a mass per area; expected e.g. "kg/mu", '
            '"kg/ha", "t/ha", "g/mu" or "lb/ac".'
        )


def _rate(name: str, value: object, where: str, *, example: float | None) -> float:
    """Return a fertilizer or nutrient rate (or price), a finite number in [0, MAX_RATE]."""
    fix = (
        f"a fertilizer rate is zero or positive, e.g. {name} = {example:g}"
        if example is not None
        else "rates and prices are zero or positive"
    )
    return _number(
        name,
        value,
        where,
        low=0.0,
        high=MAX_RATE,
        high_inclusive=True,
        fix=f"{fix}; more than {MAX_RATE:g} is a typing error",
    )


_PUBLISHED_KEYS: tuple[str, ...] = (
    "treatment",
    "yield",
    "moisture_pct",
    "reported",
    "unit",
    "source",
    "source_zh",
)


def _published(item: object, index: int, where: str) -> PublishedFigure:
    if not isinstance(item, Mapping):
        raise DataValidationError(f"{where}: published entry {index + 1} must be a table.")
    bad = [key for key in item if key not in _PUBLISHED_KEYS]
    if bad:
        raise DataValidationError(
            f"{where}: unknown key {', '.join(map(repr, bad))} in [[published]] entry "
            f"{index + 1}; allowed: {', '.join(_PUBLISHED_KEYS)}."
        )
    numbers: dict[str, float] = {}
    for key, high in (("yield", None), ("moisture_pct", 100.0)):
        value = item.get(key)
        if value is None:
            raise DataValidationError(
                f"{where}: [[published]] entry {index + 1} needs {key} = <number>, but it is "
                "missing."  # was "got None": Python's word for a key not written (stop 49)
            )
        numbers[key] = _number(
            key, value, f"{where}: [[published]] entry {index + 1}", low=0.0, high=high
        )
    reported = item.get("reported")
    at = f"{where}: [[published]] entry {index + 1}"
    if reported is not None:
        _check_reported(reported, at)
    return PublishedFigure(
        treatment=_opt_str(item.get("treatment"), "treatment", at),
        yield_value=numbers["yield"],
        moisture_pct=numbers["moisture_pct"],
        reported=None if reported is None else str(reported),
        unit=_published_unit(item.get("unit", "kg/mu"), at),
        source=_opt_str(item.get("source"), "source", at),
        source_zh=_opt_str(item.get("source_zh"), "source_zh", at),
    )


def _published_unit(unit: object, where: str) -> str:
    """Return the unit of a published figure: a yield unit (kg/mu) or a mass unit (kg)."""
    from yieldtrial.units import mass_unit, yield_unit

    if isinstance(unit, str):
        for check in (yield_unit, mass_unit):
            try:
                check(unit)
            except DataValidationError:
                continue
            from yieldtrial.io.validation import clean_text

            return clean_text(unit)
    raise DataValidationError(
        f'{where}: unit = {shown(unit)}; expected a yield unit such as "kg/mu" or "kg/ha" (or a '
        'mass unit such as "kg" for a plot\'s mass).'
    )


def _check_reported(reported: object, where: str) -> None:
    """Refuse a published figure that is not a finite number >= 0 (text keeps its decimals)."""
    text = reported.strip() if isinstance(reported, str) else reported
    ok = False
    if isinstance(text, str) and looks_numeric(text):
        ok = math.isfinite(float(text)) and float(text) >= 0
    elif isinstance(text, int | float) and not isinstance(text, bool):
        # 10**400 is not a float: math.isfinite would raise OverflowError
        ok = not overflows(text) and math.isfinite(text) and text >= 0
    if not ok:
        raise DataValidationError(
            f"{where}: reported = {shown(reported)}; expected the published figure at standard "
            'moisture as printed, a number >= 0, e.g. reported = "477.36".'
        )


def _python_exclusions(exclude: object, where: str) -> tuple[tuple[str, str], ...]:
    """``TrialConfig(exclude=...)``: ``(plot, reason)`` pairs checked as ``[[exclude]]`` entries."""
    if isinstance(exclude, str | bytes | Mapping) or not isinstance(exclude, Iterable):
        raise DataValidationError(
            f"{where}: exclude = {exclude!r}; expected a list of (plot, reason) pairs, e.g. "
            '[("102", "lodging")], as the [[exclude]] tables of a trial.toml.'
        )
    pairs = []
    for index, pair in enumerate(exclude):
        if (
            isinstance(pair, str | bytes | Mapping)
            or not isinstance(pair, Sequence)
            or len(pair) != 2
        ):
            raise DataValidationError(
                f"{where}: exclude entry {index + 1} = {pair!r}; expected a (plot, reason) "
                'pair, e.g. ("102", "lodging").'
            )
        plot = pair[0].item() if type(pair[0]).__module__ == "numpy" else pair[0]  # np.int64
        pairs.append(_exclusion({"plot": plot, "reason": pair[1]}, index, where, python=True))
    return tuple(pairs)


def _exclusion(item: object, index: int, where: str, *, python: bool = False) -> tuple[str, str]:
    """Return the ``(plot, reason)`` of one ``[[exclude]]`` entry, checked.

    A wrong value is echoed by :func:`~yieldtrial.io.checks.shown`: trial.toml's spelling
    (``true``, not Python's ``True``; stop 50) while a file is read, Python's for a
    ``TrialConfig`` made in Python (``python=True``).  A trial.toml's ``plot = 1.50`` is
    refused: TOML reads the number 1.5, so the plot_id "1.50" was never found (a whole
    number, ``305.0``, is the label ``"305"``, as the plot table's ``305.0``).
    """
    from yieldtrial.io.validation import clean_text, normalise_label

    if not isinstance(item, Mapping):
        raise DataValidationError(f"{where}: exclude entry {index + 1} must be a table.")
    _checked_keys(item, EXCLUDE_KEYS, f"[[exclude]] entry {index + 1}", where)
    plot = item.get("plot")
    if (
        isinstance(plot, bool)
        or not isinstance(plot, str | int | float)
        or not normalise_label(plot)
    ):
        raise DataValidationError(
            f'{where}: [[exclude]] entry {index + 1} needs plot = "<plot id>" (the plot_id '
            f"of the plot table), {'but it is missing' if plot is None else f'got {shown(plot)}'}."
        )
    if isinstance(plot, float) and not plot.is_integer() and not python:  # 305.0 is 305
        raise DataValidationError(
            f"{where}: [[exclude]] entry {index + 1} has plot = {shown(plot)}, a number; write "
            'the plot_id in quotes as the plot table has it (plot = "1.50": the number 1.50 is '
            "read as 1.5)."
        )
    reason = item.get("reason")
    if not isinstance(reason, str) or not clean_text(reason).strip():
        raise DataValidationError(
            f"{where}: [[exclude]] entry {index + 1} (plot {normalise_label(plot)!r}) needs "
            'reason = "<why>"; the report lists every exclusion with its reason.'
        )
    return normalise_label(plot), clean_text(reason).strip()


def _resolve_factor_roles(values: dict[str, Any], where: str) -> None:
    """Replace the role keys (``whole_plot = ...``) of ``values`` by ``factors``, in place."""
    roles = [role for pair in FACTOR_ROLES.values() for role in pair]
    given = {role: values.pop(role) for role in roles if role in values}
    if not given:
        return
    if "factors" in values:
        raise DataValidationError(
            f"{where}: give the factor columns either as factors = [...] or by role "
            f"({', '.join(given)}), not both."
        )
    design = str(values.get("design") or "").lower()
    pair = FACTOR_ROLES.get(design)
    if pair is None:
        raise DataValidationError(
            f"{where}: {', '.join(given)} name(s) the factors of a two-factor design; set "
            'design = "split_plot", "strip_plot" or "factorial" in [analysis].'
        )
    wrong = [role for role in given if role not in pair]
    if wrong or pair[0] not in given:
        raise DataValidationError(
            f"{where}: design {design!r} takes {pair[0]} (and optionally {pair[1]}; the "
            f"treatment column otherwise); got {', '.join(given)}."
        )
    # a column name is text: whole_plot = true read as the column 'True' (tidy56)
    values["factors"] = [str(_opt_str(given[role], role, where)) for role in pair if role in given]


#: A column name for each design key, for the message of a blank one.
_BLANK_EXAMPLES = {"block": "rep", "incomplete_block": "subblock", "row": "rank", "column": "col"}


def _check_design_columns(values: Mapping[str, Any], where: str) -> None:
    """Refuse one plot-table column named by two design keys (or also renamed in [columns]).

    A blank name (``block = ""`` as ``block = " "``) is refused too: ``""`` was ignored
    while ``" "`` was the column mapping's error at reading (one rule, stop 48).
    ``TrialConfig(block="")`` and ``override(block="")`` are checked here too, with
    ``where`` naming the call (stop 49).
    """
    named: dict[str, str] = {str(header): "[columns]" for header in values.get("columns", {})}
    for role in DESIGN_COLUMN_KEYS:
        column = values.get(role)
        if isinstance(column, str) and not column.strip():
            raise DataValidationError(
                f"{where}: [analysis] {role} = {shown(column)} names no column (it is blank); give "
                f'the plot table\'s {role} column, e.g. {role} = "{_BLANK_EXAMPLES[role]}", or '
                f"leave {role} out when the column is named {role}."
            )
        if column is None or str(column) == role:
            continue
        if str(column) in named:
            raise DataValidationError(
                f"{where}: [analysis] {role} = {str(column)!r} names a column that "
                f"{named[str(column)]} already renames; one column holds one design role."
            )
        named[str(column)] = f"[analysis] {role}"


def _described_products(treatments: Sequence[TreatmentInfo]) -> list[str]:
    """Name the products of the ``[[treatments]]`` tables (``product`` and ``products``)."""
    names: list[str] = []
    for info in treatments:
        further = info.extra.get("products") or []
        items = [further] if isinstance(further, Mapping) else list(further)
        named = [info.product] + [i.get("product") for i in items if isinstance(i, Mapping)]
        names += [str(name) for name in named if name is not None]
    return list(dict.fromkeys(names))


def _warn_unused_prices(config: TrialConfig, where: str) -> None:
    """Warn of ``[economics] prices`` naming a product no ``[[treatments]]`` table names.

    Such a price was ignored without a word (a spelling slip, ``"urea "`` for ``"Urea"``,
    leaves the product unpriced or the price unused; stop 48).  Said only when the tables
    name products: without any, the economics section says what is missing.  A
    description made in Python (``TrialConfig(economics=..., treatments=...)``) warns too
    (stop 49).
    """
    prices = config.economics.get("prices")
    if isinstance(prices, Mapping):
        warn_unused_prices(prices, _described_products(config.treatments), where=where)


def warn_unused_prices(
    prices: Iterable[Any], products: Sequence[str], *, where: str | None = None
) -> None:
    """Warn of prices given for products that no treatment uses (the price is ignored).

    One warning for trial.toml, ``TrialConfig`` and ``FieldTrial.economics(prices=...)``
    (stop 49), attributed to the first caller outside yieldtrial.

    Parameters
    ----------
    prices : iterable
        The product names priced (the keys of ``prices``).
    products : sequence of str
        The products the treatments use; nothing is said when there are none (the
        economics then say what is missing).
    where : str, optional
        The trial description (``'trial.toml'``, ``TrialConfig``): the message names its
        ``[economics] prices`` and ``[[treatments]]`` tables; ``None`` for the ``prices=``
        argument of the economics functions, whose products are the fertilizer's.
    """
    unused = [str(name) for name in prices if str(name) not in products]
    if not unused or not products:
        return
    from yieldtrial.io.validation import list_items
    from yieldtrial.stats._common import warn_at_caller

    given, named_by, spelled = (
        (f"{where}: [economics] prices", "no [[treatments]] table", "product = ...")
        if where is not None
        else ("prices", "no treatment's fertilizer", "the products' names")
    )
    one = len(unused) == 1
    warn_at_caller(
        f"{given} gives a price for {list_items(map(repr, unused))}, which {named_by} "
        f"names as {'its' if one else 'their'} product, so {'it is' if one else 'they are'} "
        f"not used (the products: {list_items(map(repr, products))}); check the spelling "
        f"against {spelled}, or remove {'it' if one else 'them'}"
    )


def _warn_fraction_pct(name: str, value: float | None, *, example: str) -> None:
    """Warn when a percent setting looks like a fraction (0 < value < 1)."""
    if value is not None and 0 < float(value) < 1:
        import warnings

        from yieldtrial.errors import YieldTrialWarning

        typed, meant = message_number(value), message_number(value, scale=100)
        warnings.warn(
            f"{name} = {typed} is read as {typed} %; if you meant "
            f"{meant} %, write {name} = {meant} (percent, "
            f"e.g. {example} for {example} %)",
            YieldTrialWarning,
            stacklevel=4,
        )


def _checked_keys(
    section: Mapping[str, Any], allowed: tuple[str, ...], name: str, where: str
) -> None:
    bad = [key for key in section if key not in allowed]
    if bad:
        raise DataValidationError(
            f"{where}: unknown key {', '.join(map(repr, bad))} in {name}"
            f"{_did_you_mean(bad, allowed)}; allowed: {', '.join(allowed)} "
            "(see docs/trial-toml.md)."
        )


def _did_you_mean(unknown: list[str], allowed: tuple[str, ...]) -> str:
    """`` (did you mean 'control'?)`` for the first unknown key close to an allowed one."""
    import difflib

    for key in unknown:
        close = difflib.get_close_matches(str(key).lower(), allowed, n=1, cutoff=0.75)
        if close:
            return f" (did you mean {close[0]!r}?)"
    return ""


def _new_tables(raw: Mapping[str, Any], values: dict[str, Any], where: str) -> None:
    """Read ``[zh]``, ``[conditions]``, ``[economics]``, ``[[contrasts]]`` and panel experts."""
    values["zh"] = _read_zh(_table(raw, "zh", where), where)
    conditions = _table(raw, "conditions", where)
    _check_conditions_table(conditions, values, where)
    values["conditions"] = dict(conditions)
    economics = _table(raw, "economics", where)
    _check_economics(economics, where)
    values["economics"] = dict(economics)
    _read_contrasts(raw, values, where)
    _read_experts(raw, values, where)


def _read_zh(zh: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Check ``[zh]`` (a trial.toml's, or ``TrialConfig(zh=...)``); return it as plain text."""
    _checked_keys(zh, ZH_KEYS, "[zh]", where)
    products = zh.get("products", {})
    if not isinstance(products, Mapping):
        raise DataValidationError(
            f"{where}: [zh] products must be a table of product name -> Chinese name, e.g. "
            '[zh.products] "compound fertilizer" = "复合肥".'
        )
    for key, value in [*zh.items(), *((f"products.{k}", v) for k, v in products.items())]:
        if key != "products" and _not_text(value):
            raise DataValidationError(
                f'{where}: [zh] {key} = {shown(value)}; expected Chinese text, e.g. {key} = "...".'
            )
    text: dict[str, Any] = {key: str(value) for key, value in zh.items() if key != "products"}
    if products:
        text["products"] = {str(k): str(v) for k, v in products.items()}
    return text


def _check_conditions_table(
    conditions: Mapping[str, Any], values: Mapping[str, Any], where: str
) -> None:
    """Check ``[conditions]`` (keys, numbers, dates, schedule) as trial.toml and the API do.

    ``values`` holds the ``[trial]`` fields (``site``, ...) that ``illustrative`` may mark.
    """
    _checked_keys(conditions, CONDITION_KEYS, "[conditions]", where)
    schedule = conditions.get("fertilization", [])
    if not isinstance(schedule, list) or not all(isinstance(i, Mapping) for i in schedule):
        raise DataValidationError(
            f"{where}: [conditions] fertilization must be an array of tables, e.g. "
            'fertilization = [{ stage = "basal", product = "urea", rate = 10, '
            'rate_unit = "kg/mu" }].'
        )
    _check_conditions(conditions, where)
    _check_illustrative_given(conditions, values, where)


def _check_economics(economics: Mapping[str, Any], where: str) -> None:
    """Check ``[economics]`` (keys, grain price, prices and costs, notes)."""
    _checked_keys(economics, ECONOMICS_KEYS, "[economics]", where)
    price = economics.get("grain_price_per_kg")
    if economics and price is None:  # a wrong value gets the numbers' messages (_rate)
        raise DataValidationError(
            f"{where}: [economics] needs grain_price_per_kg = <number from 0 to {MAX_RATE:g}> "
            "[currency/kg], but it is missing."  # was "got None" (stop 49)
        )
    if economics:
        _rate("grain_price_per_kg", price, f"{where}: [economics]", example=None)
    for key in ("prices", "other_costs_per_mu", "other_costs_per_ha"):
        table = economics.get(key, {})
        if not isinstance(table, Mapping):  # its entries: each checked below, named
            raise DataValidationError(
                f"{where}: [economics] {key} must be a table of numbers, e.g. "
                f'{key} = {{ "compound fertilizer" = 3.2 }}.'
            )
        for name, value in table.items():
            _number(
                f"{key}.{name}" if str(name).isidentifier() else f'{key}."{name}"',
                value,
                f"{where}: [economics]",
                low=0.0 if key == "prices" else -MAX_RATE,
                high=MAX_RATE,
                high_inclusive=True,
                fix=(
                    f"a price is zero or positive, at most {MAX_RATE:g}"
                    if key == "prices"
                    else f"a cost is at most {MAX_RATE:g} in magnitude"
                )
                + " (more is a typing error)",
            )
    twice = sorted(
        set(map(str, economics.get("other_costs_per_mu", {})))
        & set(map(str, economics.get("other_costs_per_ha", {})))
    )
    if twice:  # both were added: one cost written in two units counted twice
        raise DataValidationError(
            f"{where}: [economics] other_costs_per_mu and other_costs_per_ha both give a cost "
            f"for {', '.join(map(repr, twice))}; the two would be added: give each treatment's "
            "further cost once, in one of them."
        )
    for key in ("currency", "status", "source"):
        if key in economics:
            _opt_str(economics[key], key, f"{where}: [economics]")
    if "status" in economics:
        _check_status(economics["status"], "status", f"{where}: [economics]")


def _read_contrasts(raw: Mapping[str, Any], values: dict[str, Any], where: str) -> None:
    """Read ``[[contrasts]]`` into ``values``."""
    contrasts = raw.get("contrasts", [])
    if not isinstance(contrasts, list):
        raise DataValidationError(
            f"{where}: 'contrasts' must be an array of tables written [[contrasts]]."
        )
    out: list[dict[str, str]] = []
    for index, item in enumerate(contrasts):
        if not isinstance(item, Mapping):
            raise DataValidationError(f"{where}: contrasts entry {index + 1} must be a table.")
        _checked_keys(item, CONTRAST_KEYS, f"[[contrasts]] entry {index + 1}", where)
        for key, value in item.items():  # name = true is not text: said before its use
            _opt_str(value, key, f"{where}: [[contrasts]] entry {index + 1}")
        missing = [key for key in ("name", "treatment", "versus") if not item.get(key)]
        if missing:
            raise DataValidationError(
                f"{where}: [[contrasts]] entry {index + 1} lacks {', '.join(missing)}; write e.g. "
                'name = "synergist effect", treatment = "T", versus = "CK2".'
            )
        if str(item["treatment"]).strip() == str(item["versus"]).strip():
            raise DataValidationError(
                f"{where}: [[contrasts]] entry {index + 1} ({str(item['name'])!r}) compares "
                f"{str(item['treatment'])!r} with itself; versus must name another treatment."
            )
        named = [i + 1 for i, c in enumerate(out) if c["name"].strip() == str(item["name"]).strip()]
        if named:  # the sensitivity check and the JSON results key a contrast by its name
            raise DataValidationError(
                f"{where}: [[contrasts]] entries {named[0]} and {index + 1} are both named "
                f"{str(item['name'])!r}; give each contrast its own name."
            )
        out.append({key: str(value) for key, value in item.items()})
    values["contrasts"] = tuple(out)


def _read_experts(raw: Mapping[str, Any], values: dict[str, Any], where: str) -> None:
    """Read ``[panel] experts`` into ``values``."""
    panel = raw.get("panel", {})
    experts = panel.get("experts", []) if isinstance(panel, Mapping) else []
    if not isinstance(experts, list) or not all(
        isinstance(e, Mapping) and "name" in e for e in experts
    ):
        raise DataValidationError(
            f"{where}: [panel] experts must be an array of tables with a name, e.g. "
            'experts = [{ name = "...", affiliation = "...", title = "..." }].'
        )
    for number, expert in enumerate(experts, start=1):
        for key, value in expert.items():
            _opt_str(value, key, f"{where}: [panel] experts entry {number}")
    values["panel_experts"] = tuple({key: str(value) for key, value in e.items()} for e in experts)


#: [conditions] numbers: key -> (low, high); both inclusive, None for no bound.
_CONDITION_RANGES: dict[str, tuple[float | None, float | None]] = {
    "latitude": (-90.0, 90.0),
    "longitude": (-180.0, 180.0),
    # the Dead Sea shore (-430 m) to above the highest fields (about 5,000 m)
    "altitude_m": (-500.0, 9000.0),
    "soil_ph": (0.0, 14.0),
    # a content cannot exceed the whole: 1,000 g/kg, 1,000,000 mg/kg
    "organic_matter_g_kg": (0.0, 1000.0),
    "total_n_g_kg": (0.0, 1000.0),
    "alkali_n_mg_kg": (0.0, 1e6),
    "olsen_p_mg_kg": (0.0, 1e6),
    "available_k_mg_kg": (0.0, 1e6),
}
#: Longest text of a ``[conditions]`` note (one cell of the trial-information table).
CONDITION_TEXT_MAX_CHARS = 500
#: A number written for a ``[conditions]`` text key is read as its text (``seeding_rate =
#: 15``); it must be finite and at most this in absolute value (a seeding rate in seeds/ha
#: or a date written as 20231008 fit; a 400-digit integer is a typing error).
CONDITION_TEXT_NUMBER_MAX = 1e9
#: ``[conditions]`` keys that hold a date (ISO year-month-day; :func:`check_iso_date`).
CONDITION_DATE_KEYS: tuple[str, ...] = ("sowing_date", "harvest_date")
#: Keys of one ``[conditions] fertilization`` entry.
FERTILIZATION_KEYS: tuple[str, ...] = (
    "stage",
    "date",
    "product",
    "product_zh",
    "rate",
    "rate_unit",
    "treatments",
)


def _check_conditions(conditions: Mapping[str, Any], where: str) -> None:
    """Check the numbers of ``[conditions]`` and its fertilization schedule."""
    at = f"{where}: [conditions]"
    for key, (low, high) in _CONDITION_RANGES.items():
        if key in conditions:
            _number(key, conditions[key], at, low=low, high=high, high_inclusive=True)
    for key in CONDITION_KEYS:
        value = conditions.get(key)
        if key in _CONDITION_RANGES or key in ("fertilization", "illustrative"):
            continue
        if key in conditions and _not_text(value):
            raise DataValidationError(
                f'{at}: {key} = {shown(value)}; expected text, e.g. {key} = "...".'
            )
        if isinstance(value, int | float):  # read as its text: a plausible number only
            limit = CONDITION_TEXT_NUMBER_MAX
            _number(
                key, value, at, low=-limit, high=limit, high_inclusive=True,
                fix=f'more than {limit:g} is a typing error; write the note as text, e.g. '
                f'{key} = "15 kg/mu"',
            )  # fmt: skip
        if isinstance(value, str) and len(value) > CONDITION_TEXT_MAX_CHARS:
            raise DataValidationError(
                f"{at}: {key} is {len(value):,} characters long; {key} must be at most "
                f"{CONDITION_TEXT_MAX_CHARS} characters: shorten the note (it fills one cell "
                "of the report's trial-information table)."
            )
        if key in CONDITION_DATE_KEYS and key in conditions:  # 2024-13-45 was printed
            check_iso_date(key, value, at)
    marked = conditions.get("illustrative", [])
    if not isinstance(marked, list) or any(_not_text(v) for v in marked):
        raise DataValidationError(
            f"{at}: illustrative = {shown(marked)}; expected a list of [conditions] keys, e.g. "
            'illustrative = ["soil_ph", "sowing_date"].'
        )
    # a typo ("soil_pH") or a number would mark nothing: the value was shown as measured
    keys = ("site", "variety", "previous_crop") + tuple(
        k for k in CONDITION_KEYS if k != "illustrative"
    )
    unknown = [str(v) for v in marked if str(v) not in keys]
    if unknown:
        raise DataValidationError(
            f"{at}: illustrative lists {', '.join(map(repr, unknown))}"
            f"{_did_you_mean(unknown, keys)}; expected any of {', '.join(keys)}."
        )
    for number, entry in enumerate(conditions.get("fertilization", []), start=1):
        name = f"fertilization entry {number}"
        _checked_keys(entry, FERTILIZATION_KEYS, f"[conditions] {name}", where)
        if "rate" in entry:
            _rate("rate", entry["rate"], f"{at} {name}", example=10)
        for key in ("stage", "date", "product", "product_zh", "rate_unit"):
            if key in entry and _not_text(entry[key]):
                raise DataValidationError(
                    f'{at} {name}: {key} = {shown(entry[key])}; expected text, e.g. {key} = "...".'
                )
        if "date" in entry:
            check_iso_date("date", entry["date"], f"{at} {name}")
        if entry.get("rate_unit") is not None:
            _check_rate_unit(str(entry["rate_unit"]), f"{at} {name}")
        labels = entry.get("treatments", [])
        if not isinstance(labels, list) or not all(
            isinstance(v, str | int) and not isinstance(v, bool) for v in labels
        ):
            raise DataValidationError(
                f"{at} {name}: treatments = {shown(labels)}; expected a list of treatment labels, "
                'e.g. treatments = ["CK", "T1"].'
            )


#: ``[trial]`` keys the trial-information section shows, which ``illustrative`` may mark.
_TRIAL_TEXT_KEYS: tuple[str, ...] = ("site", "variety", "previous_crop")


def _check_illustrative_given(
    conditions: Mapping[str, Any], values: Mapping[str, Any], where: str
) -> None:
    """Refuse an ``illustrative`` key the file does not give (nothing would be marked).

    The report marks a value as a placeholder only where it shows it: a key listed but
    not given (``illustrative = ["soil_ph"]`` without ``soil_ph``, a value left out or
    deleted) marks nothing, and the user believes the placeholder is labelled.
    """
    given = [
        key
        for key in (*(k for k in CONDITION_KEYS if k != "illustrative"), *_TRIAL_TEXT_KEYS)
        if (conditions if key in CONDITION_KEYS else values).get(key) not in (None, "", [])
    ]
    missing = [str(v) for v in dict.fromkeys(conditions.get("illustrative", [])) if v not in given]
    if missing:
        python = where.startswith("TrialConfig")  # built in Python: no file, no tables
        tables = (
            ("TrialConfig" if python else "[trial]", [k for k in missing if k in _TRIAL_TEXT_KEYS]),
            (
                "conditions" if python else "[conditions]",
                [k for k in missing if k not in _TRIAL_TEXT_KEYS],
            ),
        )
        places = " and ".join(f"{', '.join(keys)} to {table}" for table, keys in tables if keys)
        raise DataValidationError(
            f"{where}: [conditions]: illustrative lists {', '.join(map(repr, missing))}, for which "
            f"{'the TrialConfig' if python else 'the file'} gives no value, so nothing would be "
            "marked; given: "
            f"{', '.join(map(repr, given)) or 'none'}. Add {places}, or take "
            f"{'it' if len(missing) == 1 else 'them'} out of illustrative."
        )


def _opt_str(
    value: object, name: str = "value", where: str = "the trial description"
) -> str | None:
    from yieldtrial.io.validation import clean_text

    if _not_text(value):
        raise DataValidationError(
            f'{where}: {name} = {shown(value)}; expected text, e.g. {name} = "...".'
        )
    return None if value is None else clean_text(str(value))


#: What a status marks in the report: ``[economics] status`` and ``[[treatments]]
#: rate_status`` take the one documented value, "illustrative" (any case).
_STATUS_MARKS = {
    "status": "every money figure is marked †; leave status out when the prices are real",
    "rate_status": "the rates are flagged in the report; leave rate_status out when they are "
    "measured or published",
}


def _check_status(value: object, name: str, where: str) -> None:
    """Refuse a status other than "illustrative": another text was ignored without a word.

    ``status = "illustrativ"`` (or ``"示意"``) left every money figure unmarked (stop 48).
    """
    if value is None or str(value).lower() == "illustrative":
        return
    spaced = isinstance(value, str) and value.strip().lower() == "illustrative"
    close = " (did you mean 'illustrative'?)" if spaced else did_you_mean(value, ("illustrative",))
    raise DataValidationError(
        f'{where}: {name} = {shown(value)}{close}; the one {name} is "illustrative" '
        f"({_STATUS_MARKS[name]})."
    )


def _not_text(value: object) -> bool:
    """Tell whether a TOML value can be no text key's value (a number or date reads as text).

    ``true``, ``nan``, ``inf``, a list or a table are refused, as for the ``[trial]`` keys:
    ``currency = true`` or a contrast ``name = nan`` were printed as "True" and "nan".
    """
    return isinstance(value, Mapping | list | bool) or (
        isinstance(value, float) and not math.isfinite(value)
    )


#: Number fields: (low, high, low_inclusive, high_inclusive, what a valid value looks like);
#: alpha, margin_pct and shrink_pct_per_point have their one rule in yieldtrial.io.checks.
_NUMBER_RANGES: dict[str, tuple[float, float, bool, bool, str]] = {
    "alpha": (1e-4, 0.5, True, True, "a significance level, e.g. 0.05"),
    "standard_moisture_pct": (0.0, 100.0, True, False, "percent (0-100), e.g. 13"),
}


#: The standard moisture read as a fraction: (0.01, 1), above 1 % and below 100 % once
#: multiplied by 100 (at 1 % or less, or at 100 %, "write 100 x" would name no standard).
_FRACTION_STANDARD = (0.01, 1.0)


def check_setting(name: str, value: Any, where: str = "the trial description") -> Any:
    """Check one setting (``alpha``, ``margin_pct``, ...) as trial.toml and the CLI do.

    The API functions that take the same settings call this, so a value gets the
    same message wherever it is given.

    Parameters
    ----------
    name : str
        A :class:`TrialConfig` field.
    value : object
        The value.
    where : str
        Where it was given, for the message.

    Returns
    -------
    object
        The value in its canonical type.

    Raises
    ------
    DataValidationError
        A value of the wrong type or outside its range.

    Examples
    --------
    >>> check_setting("alpha", 0.05)
    0.05
    >>> check_setting("alpha", "0.05")
    Traceback (most recent call last):
    ...
    yieldtrial.errors.DataValidationError: the trial description: alpha = '0.05' is text; ...
    """
    return _coerce(name, value, where)


def _choice(
    name: str, value: Any, where: str, options: Sequence[str], *, strip: bool = True
) -> str:
    """Return ``value`` as one of ``options`` (any case), or raise naming them.

    Surrounding spaces are ignored too unless ``strip`` is false.
    """
    text = str(value).strip().lower() if strip else str(value).lower()
    if text not in options:
        raise DataValidationError(
            f"{where}: {name} = {shown(value)}{did_you_mean(value, options)}; expected one of "
            f"{', '.join(options)}."
        )
    return text


def _coerce(name: str, value: Any, where: str) -> Any:
    if name in _FLOAT_FIELDS:
        if name == "margin_pct":  # the one rule of every entry point (yieldtrial.io.checks)
            from yieldtrial.io.checks import check_margin_pct

            return check_margin_pct(value, where=where)
        if name == "shrink_pct_per_point":  # the formulas' rule too (yieldtrial.io.checks)
            from yieldtrial.io.checks import check_shrink_pct_per_point

            return check_shrink_pct_per_point(value, where)
        low, high, low_inc, high_inc, expected = _NUMBER_RANGES[name]
        if name == "alpha":  # the one rule of every entry point (yieldtrial.io.checks)
            from yieldtrial.io.checks import check_alpha

            return check_alpha(value, where=where)
        number = _number(
            name,
            value,
            where,
            low=low,
            high=high,
            low_inclusive=low_inc,
            high_inclusive=high_inc,
            fix=f"expected {expected}",
        )
        if name == "standard_moisture_pct" and 0 < number <= 1:  # as the moisture check
            if not _FRACTION_STANDARD[0] < number < _FRACTION_STANDARD[1]:
                # 1e-300 as a fraction is 1e-298 %, 1 is 100 %: no standard either way
                raise DataValidationError(
                    f"{where}: standard_moisture_pct = {shown(value)} is implausible: no moisture "
                    "standard is 1 % or lower (grain 10-20 %, whole-plant silage 65-70 %); "
                    "expected percent (0-100), e.g. 13, or 0 for dry matter."
                )
            raise DataValidationError(
                f"{where}: standard_moisture_pct = {shown(value)} looks like a fraction; moisture "
                f"is percent (0-100): write {message_number(number, scale=100)} for "
                f"{message_number(number, scale=100)} %."
            )
        return number
    if name in _TUPLE_FIELDS:
        from yieldtrial.io.validation import clean_text, normalise_label

        tidy = (
            normalise_label
            if name in ("control", "checks")
            else (lambda v: clean_text(str(v)).strip())
        )
        if isinstance(value, str):
            items = [tidy(part) for part in value.split(",")]
        elif isinstance(value, list | tuple):
            items = []
            for part in value:
                if isinstance(part, Mapping | list | tuple | bool):  # [true]: not 'True'
                    raise DataValidationError(
                        f"{where}: {name} = {shown(value)}; expected text or a list of text."
                    )
                items.extend(tidy(p) for p in str(part).split(","))
        else:
            raise DataValidationError(f"{where}: {name} = {shown(value)}; expected text or a list.")
        kept = tuple(item for item in items if item)
        if name == "control" and items and not kept:  # "", " ", "," or [""]: a blank label
            raise DataValidationError(
                f"{where}: control = {shown(value)} names no treatment (the label is blank); give "
                'the control\'s label, e.g. control = "CK" (command line: --control CK), or '
                "leave control out for a report without a control"
            )
        if name == "checks" and items and not kept:  # "", ",,," or [""]: given, but blank
            raise DataValidationError(
                f"{where}: checks = {shown(value)} names no check (the labels are blank); give the "
                'checks\' labels, e.g. checks = ["CK1", "CK2"] (command line: --checks CK1,CK2), '
                "or leave checks out to take them from the entry_type column"
            )
        unknown = [item for item in kept if item not in PANEL_ILLUSTRATIVE]
        if name == "panel_illustrative" and unknown:
            raise DataValidationError(
                f"{where}: [panel] illustrative lists {', '.join(map(repr, unknown))}; expected "
                f"any of {', '.join(PANEL_ILLUSTRATIVE)}."
            )
        return kept
    if name == "design":
        from yieldtrial.design.detect import DESIGNS

        return _choice(name, value, where, DESIGNS)
    if name in ("protocol", "moisture_method"):
        from yieldtrial.io.checks import match_option
        from yieldtrial.moisture import METHODS
        from yieldtrial.protocols import PROTOCOLS

        options = PROTOCOLS if name == "protocol" else METHODS
        found = match_option(value, options)  # "USDA", "Dry-Matter" too
        if found is None:
            raise DataValidationError(
                f"{where}: {name} = {shown(value)}{did_you_mean(value, options)}; expected one of "
                f"{', '.join(options)}."
            )
        return found
    if name == "block_effects":
        from yieldtrial.design.detect import BLOCK_EFFECTS

        return _choice(name, value, where, BLOCK_EFFECTS)
    if name == "ddf":
        from yieldtrial.stats.mixed import DF_METHODS

        return _choice(name, value, where, DF_METHODS)
    if name == "unit":  # checked where it is given, so the message names the file
        if not isinstance(value, str):
            raise DataValidationError(
                f'{where}: unit = {shown(value)}; expected text, e.g. "kg/mu".'
            )
        from yieldtrial.units import yield_unit

        try:
            yield_unit(value)
        except DataValidationError as exc:
            raise DataValidationError(f"{where}: {exc}") from None
        from yieldtrial.io.validation import clean_text

        return clean_text(value)
    if name == "letters":
        return _choice(name, value, where, LETTERS_METHODS, strip=False)
    if name == "crop" and isinstance(value, str):  # checked here, so the message names the file
        from yieldtrial.protocols import canonical_crop

        try:
            canonical_crop(value)
        except DataValidationError as exc:  # "unknown crop 'wheet' (did you mean 'wheat'?)"
            raise DataValidationError(f"{where}: {exc}") from None
    if name in (
        "columns",
        "treatments",
        "published",
        "zh",
        "conditions",
        "economics",
        "contrasts",
        "panel_experts",
    ):
        return value
    if name == "exclude":
        return _python_exclusions(value, where)
    if isinstance(value, Mapping | list | bool) or (
        isinstance(value, float) and not math.isfinite(value)
    ):  # a number (season = 2024) or a date reads as its text; true or nan is no text
        raise DataValidationError(f'{where}: {name} = {shown(value)}; expected text, e.g. "...".')
    if name == "panel_date":  # printed in the report's panel block: 2024-13-45 was printed
        check_iso_date("date", value, f"{where}: [panel]")
    from yieldtrial.io.validation import clean_text

    return clean_text(str(value))
