"""Chinese forms of the CLI's most common error and warning lines (``--lang zh``).

The library raises its errors in English, at many places; the command line turns a
message it knows into Chinese here, at the last moment, so no raise site changes.
Each :class:`Template` is a regular expression over one English message, anchored at
both ends, whose named groups capture what the user typed or the file holds (file
names, column names, plot ids, values); they are put into the Chinese form verbatim.
A group listed in ``lists`` holds a listing (``plot '102' = 38 %, row 4 ... and 3
more``) whose few English words are turned into Chinese by :data:`LIST_WORDS`; if any
English word is then left outside quotes and column names, the message is not
translated.  A message no template matches in full is shown in English unchanged:
never half a sentence in each language.

The terms are those of the Chinese report (``report/templates/strings.toml``): 小区
(plot), 处理 (treatment), 区组 (block), 对照 (control), 含水量 (moisture), 杂质
(impurity), 鲜重 (fresh mass), 试点 (a network site).
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from yieldtrial.commands._start import requested_language
from yieldtrial.report._network_zh import FAILURE_REASONS, failure_reason_zh

__all__ = [
    "EXTRA_FEATURES_ZH",
    "NETWORK_REASONS",
    "STATUS_ZH",
    "TEMPLATES",
    "USAGE_TEMPLATES",
    "Template",
    "error_prefix",
    "network_reason_zh",
    "network_warning_line",
    "requested_language",
    "set_language",
    "status_line",
    "translate",
    "usage_line",
    "warning_line",
    "wrote_line",
]


@dataclass(frozen=True)
class Template:
    """One English message (a regular expression) and its Chinese form.

    Parameters
    ----------
    name : str
        A short key (tests name the entry by it).
    pattern : str
        Regular expression matching the whole English message (one line).
    chinese : str
        ``str.format`` template filled with the named groups of ``pattern``.
    lists : tuple of str
        Groups that hold a listing whose English words :data:`LIST_WORDS` translates.
    roles : tuple of str
        Groups that hold a factor role (``whole-plot``), named as in :data:`ROLES_ZH`.
    labels : tuple of str
        Groups that hold a label column (``treatment``), named as in :data:`LABEL_COLUMNS_ZH`.
    covers : tuple of str
        Literal runs of source messages the pattern matches behind its groups
        (``'treatments' must be an array``, the name a group): the source check of
        ``tests/zh_catalogue.py`` reads them as catalogued.
    """

    name: str
    pattern: str
    chinese: str
    lists: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """The compiled ``pattern``, compiled on first use.

        Compiling the 260 templates at import cost 0.04 s of every command's start, also
        in English, where none of them is ever matched.
        """
        return re.compile(self.pattern)


_Q = r"(?:'[^']*'|\"[^\"]*\")"  # a Python repr of a string
#: A Python repr of any string (a quote inside the other quote, or escaped: "O'Brien").
_R = r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
#: A huge integer as ``io.checks.shown_count`` shows it: ``1.000e+400 (a 401-digit integer)``.
_HUGE = r"-?\d\.\d{3}e\+\d+ \((?:a [\d,]+-digit integer|an integer of about [\d,]+ digits)\)"
_FILE = r"(?P<file>[^:]+)"  # the file name a reading error starts with
#: What the command line adds to a path it shortened (``commands._input.one_line``).
_SHORTENED = r"(?: \([\d,]+ characters\))?"
#: The values a number setting takes, after a refused value (io.checks.check_number):
#: ``; alpha must be from 0.0001 to 0.5``, ``; margin_pct must be in [0, 100)``.
_SETTING_RANGE = r"(?:; (?P=name) must be (?P<takes>in [\[(]\S+, \S+[\])]|from \S+ to \S+))?"
#: A number setting's name: a trial.toml key, a dotted key of a table of numbers
#: (``prices.urea``, ``prices."compound fertilizer"``, stop 49), or a command-line option.
_SETTING = r"(?:\w+(?:\.(?:\w+|\"[^\"]*\"))?|--[\w-]+)"
#: Where a setting was given: trial.toml (its name quoted) or the command line.
_WHERE = r"(?P<where>" + _Q + r"|the command line)"
#: Where inside trial.toml: [conditions], [economics], a [[treatments]] table, its products
#: entry, a [[published]] or [[contrasts]] entry.
_AT = (
    r"(?P<at>(?:: \[(?:conditions|economics)\])?(?:: treatment " + _R + r")?(?:: products "
    r"entry \d+)?(?:: \[\[(?:published|contrasts)\]\] entry \d+)?)"
)

#: Where a date of trial.toml is: [conditions], one of its fertilization entries, or [panel].
_DATE_AT = r"(?P<at>: \[(?:conditions|panel)\](?: fertilization entry \d+)?)"

#: The factor roles of the two-factor designs (design/resolve.py) as the report names them.
ROLES_ZH: dict[str, str] = {
    "whole-plot": "主区",
    "sub-plot": "副区",
    "horizontal": "横向",
    "vertical": "纵向",
    "factor A": "因素 A",
    "factor B": "因素 B",
}
_ROLE = "(?:" + "|".join(ROLES_ZH) + ")"

#: The label columns as the Chinese report names them (report/i18n.py).
LABEL_COLUMNS_ZH: dict[str, str] = {
    "plot_id": "小区号",
    "treatment": "处理",
    "block": "区组",
    "site": "试点",
}
#: The scripts of letters that look like Latin ones.
SCRIPTS_ZH: dict[str, str] = {"Cyrillic": "西里尔字母", "Greek": "希腊字母"}
#: The trial keys of ``network`` (``site``, ``site/year``) in Chinese.
TRIAL_KEYS_ZH: dict[str, str] = {"site": "试点", "year": "年份", "season": "季节", "trial": "试验"}


def _more_in_brackets(match: re.Match[str]) -> str:
    """`` and 44 more) and `` -> `` 等（另有 44 个））和 `` (a listing cut inside brackets)."""
    after = {" and ": "和 ", "; ": "；", "": ""}[match["next"]]
    return f" 等（另有 {match.group(1)} 个））{after}"


#: The English words inside listings, and their Chinese forms (applied in order).
LIST_WORDS: tuple[tuple[str, str | Callable[[re.Match[str]], str]], ...] = (
    (rf"\bthe ({_ROLE}) factor column $", lambda m: f"{ROLES_ZH[m.group(1)]}因素列 "),
    (
        r"^ \((\w+) in trial\.toml\) is not in the plot table(; )?",
        lambda m: f"（trial.toml 中的 {m.group(1)}）不在小区数据表中" + "；" * bool(m.group(2)),
    ),
    (r" \((\S+) % written as a fraction\?\)", r"（是否把 \1% 写成了小数？）"),
    (r"^, (?=(?:plots? |treatment |block |site )?$)", "、"),  # between two quoted items
    (r"\bplots? $", "小区 "),  # before a quoted id (the next part)
    (r"\b(treatment|block|site) $", lambda m: f"{LABEL_COLUMNS_ZH[m.group(1)]} "),
    (r"^ are read as $", " 读作 "),
    (r"^ has (?=Cyrillic|Greek)", " 中有"),  # a label's look-alike letters (the next rule)
    (
        r"(Cyrillic|Greek) (\S) \(U\+([0-9A-F]{4,6})\)",
        lambda m: f"{SCRIPTS_ZH[m.group(1)]} {m.group(2)}（U+{m.group(3)}）",
    ),
    (r" \(小区 $", "（小区 "),  # a non-numeric cell: "row 4 (plot '103'): 'abc'"
    (r" \(header $", "（表头 "),  # a renamed column: "moisture_pct (header 'Moisture') row 2"
    # a listing cut inside brackets: "'T1' (plots '102', '110' and 44 more) and 't1' (...)"
    (r"^ and ([\d,]+) more\)(?P<next> and |; |)$", _more_in_brackets),
    (r"^\) (?=row \d)", "）"),
    (r"^\)(?:、|, )(?=row \d)", "）、"),  # between rows: "row 2 (plot '1'), row 5 (...)"
    (r"^\): ", "）："),
    (r"^\) and $", "）和 "),  # after a listing of plot ids in brackets
    (r"^\); $", "）；"),
    (r"^\), $", "）、"),  # between bracketed items: "'E11' (plot '203'), 'E07' (...)"
    # a listing of bracketed items cut after one: "'G04' (plots '105', '224') and 17 more"
    (r"^\) and ([\d,]+) more$", r"）等（另有 \1 个）"),
    (r"^\)$", "）"),
    (r"^ and $", " 和 "),  # between two quoted spellings
    (r"\bindex (\S+)", r"索引 \1"),
    (r"\b([A-Za-z]\w*_\w+) in ([\d,]+) rows?\b", r"\1（\2 行）"),  # filled field book
    (  # a merged range and its column: "B2:B3 (block)"
        r"([A-Z]+\d+:[A-Z]+\d+) \((treatment|block|site|plot_id)\)",
        lambda m: f"{m.group(1)}（{LABEL_COLUMNS_ZH[m.group(2)]}）",
    ),
    (r"([A-Z]+\d+:[A-Z]+\d+) \(([A-Za-z]\w*_\w+(?:, [A-Za-z]\w*_\w+)*)\)", r"\1（\2）"),
    (r" \((\d+) fields?\)", r"（\1 个字段）"),  # a short row: "row 4 (3 fields)"
    (r"\brow (\d+)", r"第 \1 行"),
    (r"(第 \d+ 行): ", r"\1："),  # a cell's value after its row: "row 2: 1.5"
    # a non-finite value after a quoted plot id: "plot '102': inf" (audit's --reported column)
    (r"^: (?=[-+]?(?i:inf|infinity|nan)\b)", "："),
    (r" \((\d+) times\)", r"（\1 次）"),
    (r" kg/ha\b", " kg/公顷"),  # a yield in a listing: "plot 'A1' = 52,000 kg/ha"
    (r" and ([\d,]+) more$", r" 等（另有 \1 个）"),
    (r"(\S) %", r"\1%"),
)

#: Left in a translated listing without making it English: quoted values, column
#: names (``moisture_pct``), numbers, the unit kg/公顷, a cell holding inf, nan, True or False.
_ALLOWED = re.compile(
    _R
    + r"|U\+[0-9A-F]{4,6}|trial\.toml|\b[A-Za-z]\w*_\w+\b|\d[\d.,eE+-]*|\bkg/公顷"
    + r"|(?<=：)[-+]?(?i:inf|infinity|nan|true|false)\b"  # a cell after its row: "第 2 行：inf"
    + r"|(?<=trial\.toml 中的 )\w+"  # a trial.toml key as typed: "（trial.toml 中的 horizontal）"
)
_ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")

#: The column roles of ``network`` (``column 'x' is given as both the treatment and ...``).
NETWORK_ROLES_ZH: dict[str, str] = {
    "response": "产量列",
    "treatment": "处理列",
    "block": "区组列",
    "trial key (by)": "试验键（--by）",
}
_NETWORK_ROLE = "(?:" + "|".join(re.escape(role) for role in NETWORK_ROLES_ZH) + ")"

#: What needs an optional package (errors.MissingExtraError), as the command line meets it.
EXTRA_FEATURES_ZH: dict[str, str] = {
    "the Word (.docx) report": "Word（.docx）报告",
    "the Excel (.xlsx) report": "Excel（.xlsx）报告",
    "writing a .xlsx file": "写出 .xlsx 文件",
    "reading an Excel (.xlsx) file": "读取 Excel（.xlsx）文件",
}

TEMPLATES: tuple[Template, ...] = (
    Template(
        "missing-extra",
        r"(?P<feature>" + "|".join(re.escape(f) for f in EXTRA_FEATURES_ZH) + r") needs the "
        r"optional package '(?P<package>[\w-]+)', which is not installed; install it with: "
        r"pip install 'yieldtrial\[(?P<extra>\w+)\]'",
        "{feature}需要可选软件包 '{package}'，但它未安装；请用以下命令安装：pip install "
        "'yieldtrial[{extra}]'",
    ),
    Template(
        "existing-output",
        r"(?P<path>" + _Q + r") already exists and is not an unchanged output of yieldtrial; "
        r"refusing to replace it\. Choose another output name, or add --force "
        r"\(force=True in Python\) to replace it",
        "{path} 已存在，且不是 yieldtrial 写出后未改动的输出文件，拒绝覆盖。"
        "请换一个输出文件名，或加 --force 覆盖它",
    ),
    Template(
        "existing-output-other-command",  # stop 49: a field book design wrote, say
        r"(?P<path>" + _Q + r") is an unchanged output of 'yieldtrial (?P<other>[a-z]+)', not "
        r"of 'yieldtrial (?P<command>[a-z]+)'; refusing to replace it \(another command's "
        r"output is kept as the user's file, e\.g\. a field book not yet filled in\)\. Choose "
        r"another output name, or add --force to replace it",
        "{path} 是 yieldtrial {other} 写出后未改动的输出，不是 yieldtrial {command} 的输出，"
        "拒绝覆盖（其他命令的输出视为用户的文件，如尚未填写的田间记录簿）。请换一个输出文件名，"
        "或加 --force 覆盖它",
    ),
    Template(
        "existing-output-unreadable",
        r"(?P<path>" + _Q + r") already exists and yieldtrial may not read it \(no read "
        r"permission\), so it cannot tell whether it is its own unchanged output; refusing to "
        r"replace it\. Make it readable \(chmod u\+r\), choose another output name, or add "
        r"--force \(force=True in Python\) to replace it",
        "{path} 已存在，但 yieldtrial 没有读取它的权限，无法判断它是否为 yieldtrial 写出后未改动的"
        "输出文件，拒绝覆盖。请让它可读（chmod u+r）、换一个输出文件名，或加 --force 覆盖它",
    ),
    Template(
        "output-created-meanwhile",
        r"(?P<path>" + _Q + r") was created by another run while this one was writing it; "
        r"refusing to replace it\. Choose another output name, or add --force "
        r"\(force=True in Python\) to replace it",
        "{path} 在本次运行写出期间已由另一次运行创建，拒绝覆盖。"
        "请换一个输出文件名，或加 --force 覆盖它",
    ),
    Template(
        "output-is-input",
        r"output file (?P<path>" + _Q + r") is also an input file; refusing to overwrite it\. "
        r"Choose another name with -o/--output\.",
        "输出文件 {path} 同时是输入文件，拒绝覆盖。请用 -o/--output 换一个文件名。",
    ),
    Template(
        "manifest-slot",
        r"cannot write into (?P<path>" + _Q + r"): '\.yieldtrial-outputs' there is (?P<kind>"
        r"a symbolic link|a folder|a named pipe \(FIFO\)|a device|a socket or another special "
        r"file|a file yieldtrial did not write), not the list of its outputs that yieldtrial "
        r"keeps under that name, and yieldtrial never replaces it; move or rename it, or write "
        r"to another folder",
        "无法写入 {path}：其中的 '.yieldtrial-outputs' 是{kind}，而不是 yieldtrial 以此名保存的"
        "输出清单，yieldtrial 从不替换它；请将其移走或改名，或写入另一个文件夹",
    ),
    Template(
        "output-not-recorded",
        r"(?P<path>.+?) was written, but it could not be recorded as yieldtrial's output "
        r"\((?P<reason>.+)\); replacing it later needs --force \(force=True in Python\)",
        "{path} 已写入，但未能记入 yieldtrial 的输出清单（{reason}）；以后替换它需加 --force",
    ),
    Template(
        "read-not-regular",
        r"cannot read (?P<path>" + _Q + r"): it is not a regular file \(a pipe, device or "
        r"socket\); save the (?P<what>plot table|trial description|file) to a file and give "
        r"its name",
        "无法读取 {path}：它不是普通文件（而是管道、设备或套接字）；"
        "请把数据保存为文件，再给出文件名",
    ),
    Template(
        "write-not-regular",
        r"cannot write (?P<path>" + _Q + r"): it is not a regular file \(a device, pipe, "
        r"socket or standard stream\); give the name of a file to create",
        "无法写入 {path}：它不是普通文件（而是设备、管道、套接字或标准流）；请给出要创建的文件名",
    ),
    Template(
        "write-dangling-link",
        r"(?P<path>" + _Q + r") is a symbolic link to (?P<link>" + _Q + r"), which does not "
        r"exist; yieldtrial writes a file in place of the link, never through it\. Choose "
        r"another output name, or add --force \(force=True in Python\) to replace the link",
        "{path} 是指向 {link} 的符号链接，而该目标不存在；yieldtrial 会用文件替换链接本身，"
        "从不通过链接写入。请换一个输出文件名，或加 --force 以替换该链接",
    ),
    Template(
        "write-folder-dangling-link",
        r"cannot write into (?P<path>"
        + _Q
        + r"): it is a symbolic link to (?P<link>"
        + _Q
        + r"), which does not exist; create that folder, or give another output folder",
        "无法写入 {path}：它是指向 {link} 的符号链接，而该目标不存在；请创建该文件夹，或另选输出"
        "文件夹",
    ),
    Template(
        "read-folder",
        r"cannot read (?P<path>" + _Q + r"): it is a folder; give the plot table file inside it",
        "无法读取 {path}：这是一个文件夹；请给出其中的小区数据表文件",
    ),
    Template(
        "no-such-file",
        r"cannot read (?P<path>" + _Q + r"): No such file or directory \(no such file or "
        r"folder; check the path\)",
        "无法读取 {path}：文件或文件夹不存在；请检查路径",
    ),
    Template(
        "unknown-encoding",
        _FILE + r": unknown text encoding (?P<encoding>" + _Q + r"); use e\.g\. 'utf-8', "
        r"'gb18030' or 'big5'",
        "{file}：未知的文本编码 {encoding}；请使用如 'utf-8'、'gb18030' 或 'big5'",
    ),
    Template(
        "not-text-encoding",
        _FILE + r": --encoding (?P<encoding>" + _Q + r") \(encoding= in Python\) is not an "
        r"encoding text files are saved in \((?P<why>[^)]+)\); give the encoding the file was "
        r"saved in, e\.g\. utf-8, gbk, gb18030, big5, latin-1 or cp1252",
        "{file}：--encoding {encoding} 不是保存文本文件所用的编码（{why}）；请给出文件保存时所用的"
        "编码，如 utf-8、gbk、gb18030、big5、latin-1 或 cp1252",
    ),
    Template(
        "non-numeric",
        _FILE + r": (?P<n>[\d,]+) non-numeric values? in numeric columns \(row numbers as in "
        r"the file: the header is row 1\): (?P<cells>.+); expected plain numbers such as 12\.5 "
        r"\(a trailing % is allowed in percent columns; leave the cell empty for a missing "
        r"value\)(?P<comma>\. The numbers use a comma as the decimal separator \(e\.g\. '14,9'\): "
        r"use a dot as the decimal separator \(or save the CSV with a dot decimal separator\))?"
        r"(?P<units>\. Units belong in the header, not in the cells: write '14\.3' under a header "
        r"such as fresh_mass_kg or 鲜重\(kg\))?\. Correct these cells(?P<typed> \(TRUE/FALSE and "
        r"dates are not measurements: check that the column holds the numbers and is not "
        r"formatted as a date or a checkbox\))?",
        "{file}：数值列中有 {n} 个非数值单元格（行号与文件一致，表头为第 1 行）：{cells}；"
        "应为纯数字，如 12.5（百分数列允许末尾带 %；缺失值请留空）。{comma}{units}请更正这些单元格"
        "{typed}",
        lists=("cells",),
    ),
    Template(
        "whole-positions",
        _FILE + r": (?P<column>.+?) must hold whole field positions \(1, 2, \.\.\.\); got "
        r"(?P<items>.+)",
        "{file}：{column}应为整数的田间位置（1、2……）；现有：{items}",
        lists=("column", "items"),
    ),
    Template(
        "fractions",
        _FILE + r": (?P<column>\w+) looks like fractions, not percent: all (?P<n>[\d,]+) values "
        r"lie in \(0, 1\] \((?P<values>.+)\); yieldtrial expects percent \(13 for 13 %\)\. "
        r"Multiply the column by 100, or name it (?P<fraction>\w+) so it is converted",
        "{file}：{column} 看起来是小数而不是百分数：全部 {n} 个值都在 (0, 1] 之间（{values}）；"
        "yieldtrial 要求百分数（13% 写作 13）。请把该列乘以 100，"
        "或把列名改为 {fraction} 以便自动换算",
        lists=("values",),
    ),
    Template(
        "duplicate-plots",
        _FILE + r": duplicate plot ids: (?P<ids>.+); each plot must appear on one row\. Give "
        r"every plot its own plot_id \(e\.g\. add the block: '101', '201', \.\.\.\)",
        "{file}：小区编号重复：{ids}；每个小区只能占一行。请给每个小区一个唯一的 plot_id"
        "（例如加上区组号：'101'、'201'……）",
        lists=("ids",),
    ),
    Template(
        "summary-row",
        _FILE + r": row (?P<row>\d+) \((?P<column>\w+) (?P<value>" + _Q + r")\) looks like a "
        r"summary row \(a total or a mean\), not a plot; delete it from the plot table "
        r"\(yieldtrial computes the means itself\), or keep such rows on another sheet",
        "{file}：第 {row} 行（{column} {value}）看起来是汇总行（合计或平均），不是小区；"
        "请从小区数据表中删除（yieldtrial 会自行计算平均值），或把这类行放到另一个工作表",
    ),
    Template(
        "percent-range",
        _FILE + r": (?P<column>\w+) \(percent\) must be in \[0, 100\); (?P<n>[\d,]+) values? "
        r"out of range: (?P<items>.+)\. Percentages are 0-100 \(13 for 13 %\)",
        "{file}：{column}（百分数）必须在 [0, 100) 之间；{n} 个值超出范围：{items}。"
        "百分数取 0-100（13% 写作 13）",
        lists=("items",),
    ),
    Template(
        "negative-mass",
        _FILE + r": (?P<column>\w+) \(mass\) must be in \[0, inf\); (?P<n>[\d,]+) values? out "
        r"of range: (?P<items>.+)\. Masses and yields cannot be negative",
        "{file}：{column}（质量）必须在 [0, inf) 之间；{n} 个值超出范围：{items}。"
        "质量和产量不能为负",
        lists=("items",),
    ),
    Template(
        "control-not-found",
        r"control (?P<label>" + _Q + r") is not a treatment of this trial; treatments present: "
        r"(?P<present>.+)\. Labels are case-sensitive: pass --control one of them",
        "对照 {label} 不是本试验的处理；现有处理：{present}。"
        "标签区分大小写：请用 --control 指定其中之一",
        lists=("present",),
    ),
    Template(
        "crop-missing",
        r"the crop is not known: give --crop \(e\.g\. --crop wheat\) or crop = \"wheat\" in the "
        r"\[trial\] table of trial\.toml \(--config\); it sets the standard moisture\.",
        "未指定作物：请用 --crop 指定（如 --crop wheat），或在 trial.toml（--config）的 [trial] "
        '表中写 crop = "wheat"；作物决定标准含水量。',
    ),
    Template(
        "crop-ambiguous",
        r"crop (?P<name>" + _Q + r") is ambiguous for protocol (?P<protocol>" + _Q + r"): the "
        r"standard moisture is 13\.5 % for indica rice \(籼稻\) and 14\.5 % for japonica rice "
        r"\(粳稻\); give --crop rice_indica or --crop rice_japonica \(or crop = \"rice_indica\" "
        r"in trial\.toml\)",
        "作物 {name} 在规程 {protocol} 下有两种标准含水量：籼稻 13.5%，粳稻 14.5%；"
        "请用 --crop rice_indica 或 --crop rice_japonica 指定"
        '（或在 trial.toml 中写 crop = "rice_indica"）',
        covers=("is ambiguous for protocol 'cn-yield-test': the",),
    ),
    Template(
        "control-not-a-level",
        r"control (?P<label>" + _R + r") is not (?:(?P<table>a treatment of the plot table)|a "
        r"level of the (?P<factor>" + _R + r") factor); levels: (?P<levels>.*)\. Fix the control "
        r"\(control=, --control on the command line, or \[analysis\] control in trial\.toml\)\.",
        "对照 {label} 不是{where}；现有水平：{levels}。请更正对照（命令行的 --control，"
        "或 trial.toml 中 [analysis] 的 control）。",
    ),
    Template(
        "missing-moisture",
        _FILE + r": missing required column: moisture_pct \(also accepted: (?P<aliases>.+?)\)\. "
        r"Instead of the harvest columns you may give one standardized yield column "
        r"\((?P<yields>[\w, ]+)\)\. Columns found: (?P<found>.+)\. Rename columns in the file, "
        r"or map them with columns=\{'your header': 'canonical_name'\} \(command line: "
        r"--column 'your header=canonical_name'\)",
        "{file}：缺少必需的列：moisture_pct（含水量；也可用：{aliases}）。也可以不给收获数据列，"
        "改给一个折标产量列（{yields}）。文件中的列：{found}。请在文件中改列名，"
        "或用 --column '表头=标准列名' 对应",
        lists=("aliases", "found"),
    ),
    Template(
        "missing-columns",
        _FILE + r": missing required columns?: (?P<parts>.+?)(?:\. Instead of the harvest "
        r"columns you may give one standardized yield column \((?P<yields>[\w, ]+)\))?\. "
        r"Columns found: (?P<found>.+)\. Rename columns in the file, or map them with "
        r"columns=\{'your header': 'canonical_name'\} \(command line: --column 'your "
        r"header=canonical_name'\)",
        "{file}：缺少必需的列：{parts}。{yields}文件中的列：{found}。请在文件中改列名，"
        "或用 --column '表头=标准列名' 对应",
        lists=("found",),
    ),
    Template(
        "implausible-moisture",
        r"(?P<column>\w+) outside the plausible harvest range for (?P<crop>.+?) "
        r"\((?P<low>[\d.]+)-(?P<high>[\d.]+) %\): (?P<items>.+)\. Check for a typing error "
        r"\(e\.g\. 5 for 15\) or a moisture measured after drying; the yields are computed as "
        r"given",
        "{column} 超出{crop}收获时的合理含水量范围（{low}-{high}%）：{items}。"
        "请检查是否录入错误（如把 15 写成 5）或是否为烘干后测得的含水量；产量仍按原值计算",
        lists=("items",),
    ),
    Template(
        "implausible-yield",
        r"standardized yield above (?P<limit>[\d,]+) kg/ha: (?P<items>.+)\. Check the units: "
        r"is the area in mu or ha but read as m2 \(name the column harvested_area_mu / "
        r"面积\(亩\)\), the mass in g or jin but read as kg, or a decimal comma read as a "
        r"thousands separator \('15,110' kg is read as 15110 kg; write 15\.11\)\?",
        "折标产量超过 {limit} kg/公顷：{items}。请检查单位：面积是否以亩或公顷为单位却被当作"
        "平方米读入（请将该列命名为 面积(亩)），质量是否以克或斤为单位却被当作千克读入，"
        "或小数逗号是否被当作千位分隔符读入（'15,110' kg 被读作 15110 kg，应写作 15.11）？",
        lists=("items",),
    ),
    Template(  # worded by the report's catalogue (report.i18n), as _REPORT_WORDED says
        "crop-high-yield",
        r"standardized yield above [\d,]+ kg/ha, 1\.5 times the world-record \w+ yield "
        r"\([\d,]+ kg/ha\): .+\. Check the units: are they kg/ha yields in a kg/mu column "
        r"\(15 times too high: name the column yield_kg_ha / 公顷产量\), the mass in g or jin "
        r"but read as kg, or the area in mu but read as m2\?",
        "",
    ),
    Template(
        "crop-low-yield",
        r"treatment mean standardized yield below [\d,]+ kg/ha, a quarter of the lowest "
        r"national \w+ average found \([\d,]+ kg/ha, FAO data\): .+\. Unless the crop "
        r"failed, check the units: is the mass in kg but read as g \(or in t\), or the "
        r"area in m2 but read as mu or ha\?",
        "",
    ),
    Template(
        "low-yield",
        r"every standardized yield is below (?P<limit>[\d.]+) kg/ha \(the largest: plot "
        r"(?P<plot>" + _R + r") = (?P<value>[\d.,]+) kg/ha\), a failed crop on every plot: "
        r"check the units: are the areas in m2 but read as mu, ha or acres \(a header such "
        r"as 面积\(亩\) or harvested_area_mu over square metres\), or the masses in kg but "
        r"read as g\?",
        "所有折标产量都低于 {limit} kg/公顷（最高为小区 {plot} = {value} kg/公顷），相当于每个"
        "小区都绝收：请检查单位：面积是否以平方米为单位却被当作亩、公顷或英亩读入（例如表头为 "
        "面积(亩)，数值却是平方米），或质量是否以千克为单位却被当作克读入？",
    ),
    Template(
        "tiny-yield",
        r"every standardized yield is below (?P<limit>[\d.]+) kg/ha \(the largest: plot "
        r"(?P<plot>" + _R + r") = (?P<value>[\d.e+-]+) kg/ha\), far below any harvested crop, and "
        r"the report rounds such yields to 0\.0: check the units: is the mass in mg but read "
        r"as kg, or the area in cm2 or mm2 but read as m2\?",
        "所有折标产量都低于 {limit} kg/公顷（最高为小区 {plot} = {value} kg/公顷），远低于任何"
        "作物的实收产量，报告中此类产量显示为 0.0：请检查单位：质量是否以毫克为单位却被当作"
        "千克读入，或面积是否以平方厘米或平方毫米为单位却被当作平方米读入？",
    ),
    Template(
        "other-standard-moisture",
        r"the table's yields are at (?P<given>[\d., ]+) % moisture \(its "
        r"standard_moisture_pct column\); they were recomputed at (?P<standard>[\d.]+) % from "
        r"the raw columns \(fresh mass, moisture, area\) and the table's own yields kept as "
        r"reported_\* columns; set the standard moisture to (?P<first>[\d.]+) "
        r"\(--standard-moisture-pct (?P=first)\) to report at the table's standard",
        "表中产量按标准含水量 {given}% 计（standard_moisture_pct 列）；本报告已由原始数据"
        "（鲜重、含水量、面积）按 {standard}% 重新折算，表中原有产量保留为 reported_yield_* 等列；"
        "如需按表中标准报告，请把标准含水量设为 {first}（--standard-moisture-pct {first}）",
    ),
    Template(
        "other-standard-moisture-yields-only",
        r"the table's yields are at (?P<given>[\d., ]+) % moisture \(its "
        r"standard_moisture_pct column\), not at the (?P<standard>[\d.]+) % of this analysis, "
        r"and it has no harvest columns \(fresh mass, moisture, area\) to recompute them from; "
        r"set the standard moisture to (?P<first>[\d.]+) \(--standard-moisture-pct (?P=first)\) "
        r"to report at the table's standard, or give the table with its harvest columns",
        "表中产量按标准含水量 {given}% 计（standard_moisture_pct 列），而本次分析按 {standard}%，"
        "且表中没有可用于重新折算的原始数据列（鲜重、含水量、面积）；如需按表中标准报告，"
        "请把标准含水量设为 {first}（--standard-moisture-pct {first}），或给出含原始数据列的表",
    ),
    Template(
        "other-moisture-method-yields-only",
        r"the table's yields were computed with moisture_method (?P<given>[a-z_, ]+) \(its "
        r"moisture_method column\), not with the (?P<method>[a-z_]+) of this analysis, and it "
        r"has no harvest columns \(fresh mass, moisture, area\) to recompute them from; set "
        r"the moisture method to (?P<first>[a-z_]+) \(--moisture-method (?P=first)\) to report "
        r"with the table's method, or give the table with its harvest columns",
        "表中产量按水分折算方法 {given} 计算（moisture_method 列），而本次分析按 {method}，"
        "且表中没有可用于重新折算的原始数据列（鲜重、含水量、面积）；如需按表中方法报告，"
        "请把折算方法设为 {first}（--moisture-method {first}），或给出含原始数据列的表",
    ),
    Template(  # a yields table naming two methods, streamed or not (loose57)
        "yields-mixed-moisture-methods",
        r"the table's yields were computed with different moisture methods \(its "
        r"moisture_method column\): (?P<methods>.+); it has no harvest columns \(fresh mass, "
        r"moisture, area\) to recompute them from, so its yields cannot be stated with one "
        r"method: give the plots of each method as a table of their own, or give the table "
        r"with its harvest columns",
        "表中产量按不同的水分折算方法计算（moisture_method 列）：{methods}；表中没有可用于"
        "重新折算的原始数据列（鲜重、含水量、面积），其产量无法按同一种方法说明：请把各方法的"
        "小区分别列为各自的表，或给出含原始数据列的表",
    ),
    Template(  # network on yields without a setting (tidy56b)
        "network-yields-other-standards",
        r"the tables' yields are at different standard moistures \(their standard_moisture_pct "
        r"column\): (?P<listing>.+); yields at different standards cannot be pooled: "
        r"standardize the harvest records of every trial at one standard \(yieldtrial "
        r"standardize --standard-moisture-pct (?P<first>[\d.]+)\), or analyse the trials of "
        r"each standard apart",
        "各表产量所按的标准含水量不同（standard_moisture_pct 列）：{listing}；不同标准含水量的"
        "产量不能合并分析：请把各试验的原始数据按同一标准含水量折算（yieldtrial standardize "
        "--standard-moisture-pct {first}），或按标准含水量分开分析各试验",
    ),
    Template(  # network on yields of different methods (tidy57)
        "network-yields-other-methods",
        r"the tables' yields were computed with different moisture methods \(their "
        r"moisture_method column\): (?P<listing>.+); yields of different methods cannot be "
        r"pooled: standardize the harvest records of every trial with one method \(yieldtrial "
        r"standardize --moisture-method (?P<first>[a-z_]+)\), or analyse the trials of each "
        r"method apart",
        "各表产量所按的水分折算方法不同（moisture_method 列）：{listing}；不同折算方法的产量"
        "不能合并分析：请把各试验的原始数据按同一种方法折算（yieldtrial standardize "
        "--moisture-method {first}），或按折算方法分开分析各试验",
    ),
    Template(
        "other-moisture-method",
        r"the table's yields were computed with moisture_method (?P<given>[a-z_, ]+) \(its "
        r"moisture_method column\); they were recomputed with (?P<method>[a-z_]+) from the raw "
        r"columns \(fresh mass, moisture, area\) and the table's own yields kept as reported_\* "
        r"columns; set the moisture method to (?P<first>[a-z_]+) \(--moisture-method "
        r"(?P=first)\) to keep the table's yields",
        "表中产量按水分折算方法 {given} 计算（moisture_method 列）；本报告已由原始数据"
        "（鲜重、含水量、面积）按 {method} 重新折算，表中原有产量保留为 reported_yield_* 等列；"
        "如需保留表中产量，请把折算方法设为 {first}（--moisture-method {first}）",
    ),
    Template(
        "emptied-yields",
        r"plots? (?P<plots>" + _R + r"(?:, " + _R + r")*(?: and (?:" + _R + r"|[\d,]+ more))?): "
        r"(?P<column>\S+) is empty in the table but the harvest records give a yield, which is "
        r"analysed \(the table's yields are kept as reported_\* columns\)\. A table of "
        r"trial\.yields\(\) leaves an excluded plot's yield empty without its reason: exclude "
        r"the plot again \(trial\.exclude\(plot, reason=\.\.\.\), or \[\[exclude\]\] in "
        r"trial\.toml\), or leave its fresh mass empty too",
        "小区 {plots}：表中 {column} 为空，但其收获记录可算出产量，已按该产量参与分析"
        "（表中原有产量另列保留）。导出的产量表会把剔除小区的产量留空而不注明原因："
        "如需剔除，请再次剔除该小区（trial.toml 中的 [[exclude]]），或把其鲜重也留空",
        lists=("plots",),
    ),
    Template(
        "edited-yields",
        r"(?P<column>\S+) was changed in the table for plots? (?P<items>.+) \(the table's value / "
        r"the yield its harvest records give\), but a table with harvest columns is analysed "
        r"from them \(the table's yields are kept as reported_\* columns\); correct the fresh "
        r"mass, moisture or area instead, or delete those columns to analyse the table's yields",
        "表中小区 {items} 的 {column} 被改动过（表中值 / 由收获数据算出的产量），但含收获数据列的"
        "表按收获数据计算产量（表中原有产量另列保留）；请改正鲜重、含水量或面积，"
        "或删去这些列以按表中产量分析",
        lists=("items",),
    ),
    Template(
        "copied-trials",
        r"(?P<by>[\w/]+) (?P<copies>" + _R + r"(?:, " + _R + r")*(?: and [\d,]+ more)?) "
        r"(?:has|have) the same plot data as (?P=by) (?P<first>" + _R + r") \(treatment and "
        r"(?P<response>\S+) "
        r"of all (?P<n>[\d,]+) plots\): copied data count one trial twice in the summary across "
        r"sites; check the data of these trials",
        "{by} {copies}与{by} {first} 的小区数据完全相同（全部 {n} 个小区的处理和观测值均相同）："
        "复制的数据会使同一试验在多点汇总中被计算两次；请检查这些试验的数据",
        lists=("copies",),
    ),
    Template(
        "network-repeated-treatment",
        r"(?P<by>[\w/]+) (?P<trials>" + _R + r"(?:, " + _R + r")*(?: and [\d,]+ more)?): a "
        r"treatment recorded more than once in one block \((?P<columns>[^:]+): (?P<cells>.+)\); "
        r"an RCBD has each treatment once per block, so this is most often a copied row; every "
        r"record is analysed as a plot of its own: check the data of these trials",
        "{by} {trials}：同一区组内同一处理有多条记录（{columns}：{cells}）；随机区组试验中每个处理"
        "在每个区组只有一个小区，多为复制的行；每条记录均按一个小区分析：请检查这些试验的数据",
        lists=("trials", "cells"),
    ),
    Template(
        "near-miss-header",
        r"(?P<name>.+?): column (?P<header>" + _R + r") is not one of yieldtrial's column names "
        r"and is kept as an extra column, not read as (?P<column>'\w+'); if it holds \w+, "
        r"rename the column, or map it with --column '(?P<mapping>[^']*)' \(\[columns\] of "
        r"trial\.toml, columns= in Python\)",
        "{name}：列 {header} 不是 yieldtrial 的列名，按附加列保留，未读作 {column}；若该列即为 "
        "{column}，请重命名该列，或用 --column '{mapping}'（trial.toml 的 [columns]）映射",
    ),
    Template(
        # config._warn_treatment_key_typos (tidy58), worded by the report's catalogue as
        # pooled-stratum is: see translate()
        "treatment-key-typo",
        r".+?: \[\[treatments\]\] entry \d+ \(label .+?\) has the key .+?, which looks like a "
        r"typo of '\w+': it is kept as further data \(TreatmentInfo\.extra\), not read as "
        r"'\w+'; rename the key to '\w+'",
        "{chinese}",
    ),
    Template(
        # io.plots._strip_byte_order_marks (loose58), worded by the report's catalogue as
        # pooled-stratum is: see translate()
        "byte-order-mark",
        r".+?: a byte-order mark \(U\+FEFF, the invisible character a UTF-8 file starts "
        r"with\) is inside the table \(were several files joined into one\?\): .+\. It was "
        r"removed and the cells read without it; check those rows, and save the joined table "
        r"once as 'CSV UTF-8'",
        "{chinese}",
    ),
    Template(
        "report-format",
        r"cannot tell the report format from the file name (?P<path>" + _Q + r"); use a suffix "
        r"\((?P<suffixes>[.\w, ]+)\) or --format \(format= in Python\)\.",
        "无法从文件名 {path} 判断报告格式；请使用后缀（{suffixes}）"
        "或 --format（Python 中为 format=）。",
    ),
    Template(
        "report-format-pdf",
        r"cannot tell the report format from the file name (?P<path>" + _Q + r"); use a suffix "
        r"\((?P<suffixes>[.\w, ]+)\) or --format \(format= in Python\)\. yieldtrial writes no "
        r"PDF: write a \.html "
        r"report and print it to PDF from the browser \(it is laid out for A4\), or a \.docx "
        r"report and export it",
        "无法从文件名 {path} 判断报告格式；请使用后缀（{suffixes}）"
        "或 --format（Python 中为 format=）。yieldtrial 不直接生成 PDF："
        "请写出 .html 报告并在浏览器中打印为 PDF（版面按 A4 排好），"
        "或写出 .docx 报告再导出为 PDF",
    ),
    Template(
        "absent-factor",
        rf"(?P<named>the {_ROLE} factor column .+?) \(columns: (?P<columns>.+)\)\. Name the "
        rf"columns holding the (?P<role0>{_ROLE}) and (?P<role1>{_ROLE}) levels in trial\.toml "
        r"\[analysis\] \((?P<key0>\w+) = \.\.\., (?P<key1>\w+) = \.\.\.; or factors = "
        r"\[\.\.\.\]\), --factors or factors=",
        "{named}（表中的列：{columns}）。请在 trial.toml [analysis] 中写明存放{role0}和{role1}"
        "水平的列（{key0} = ...，{key1} = ...；或 factors = [...]），或用 --factors 指定",
        lists=("named",),
        roles=("role0", "role1"),
    ),
    Template(
        "unknown-crop",
        r"(?:" + _WHERE + r": )?unknown crop (?P<name>" + _Q + r")(?: \(did you mean "
        r"(?P<close>" + _Q + r")\?\))?; known crops \(with some aliases\): (?P<crops>.+)",
        "{where}未知作物 {name}{close}；已知作物（括号内为部分别名）：{crops}",
    ),
    Template(
        "hidden-rows",
        _FILE + r": rows? (?P<rows>[\d, ]+(?: and [\d,]+ more)?) (?:is|are) hidden in the sheet "
        r"\(hidden or filtered out in Excel\) and read like the others; if they should not "
        r"count, delete them, or exclude their plots \(\[\[exclude\]\] in trial\.toml\)",
        "{file}：第 {rows} 行在工作表中被隐藏（在 Excel 中隐藏或被筛选掉），仍与其他行一样读入；"
        "若这些小区不应计入，请删除这些行，或剔除其小区（trial.toml 中的 [[exclude]]）",
        lists=("rows",),
    ),
    Template(
        "unit-row",
        _FILE + r": row (?P<row>\d+) holds units \((?P<units>.+?)\), not a plot: a row of units "
        r"under the header is not read; write each unit into its header in brackets "
        r"\((?P<renamed>.+)\) and delete the row",
        "{file}：第 {row} 行是单位（{units}），不是小区：表头下的单位行不会被读取；"
        "请把单位写进表头的括号里（{renamed}），并删去这一行",
        lists=("units", "renamed"),
    ),
    Template(
        "unit-row-stated",
        _FILE + r": row (?P<row>\d+) holds units \((?P<units>.+?)\), not a plot: a row of units "
        r"under the header is not read; the headers state the units already: delete the row",
        "{file}：第 {row} 行是单位（{units}），不是小区：表头下的单位行不会被读取；"
        "表头中已注明单位：请删去这一行",
        lists=("units",),
    ),
    Template(
        "first-sheet-empty",
        _FILE + r": the first sheet, (?P<first>" + _Q + r"), holds no plot table \(a header row "
        r"and one row per plot\); the workbook's sheets are (?P<sheets>.+): choose the sheet "
        r"with the plot table with sheet= \(command line: --sheet NAME\)",
        "{file}：第一个（未隐藏的）工作表 {first} 中没有小区数据表（一行表头，每个小区一行）；"
        "工作簿中的工作表有：{sheets}；请用 --sheet 工作表名 选择存放小区数据表的工作表",
        lists=("sheets",),
    ),
    Template(
        "date-labels",
        r"(?P<column>plot_id|treatment|block|site) holds dates in (?P<rows>.+?) \(e\.g\. "
        r"(?P<example>" + _Q + r")\): a spreadsheet turns labels such as '1-2' into dates\. "
        r"Format the column as text and retype the labels; they are read as shown",
        "{column}列中有日期：{rows}（如 {example}）：电子表格会把 '1-2' 这类标签自动转成日期。"
        "请把该列设为文本格式并重新输入标签；目前按显示的日期读入",
        lists=("rows",),
        labels=("column",),
    ),
    Template(
        "label-case",
        r"(?P<column>treatment|block|site) labels that differ only in upper/lower case, spaces "
        r"or look-alike letters: (?P<spellings>.+)\. They are analysed as different "
        r"(?:treatment|block|site)s; if they are the same, write them one way in the file \(e\.g\. "
        r"all (?P<example>" + _Q + r")\)",
        "{column}标签仅大小写、空格或形近字母不同：{spellings}。它们按不同的{column}分析；"
        "若实为同一{column}，请在文件中统一写法（如都写作 {example}）",
        lists=("spellings",),
        labels=("column",),
    ),
    Template(
        "lookalike-letters",
        r"(?P<column>plot_id|treatment|block|site) labels? mixing Latin letters with "
        r"look-alike Cyrillic or Greek letters: (?P<lookalikes>.+)\. A control or treatment "
        r"typed with Latin letters will not match; retype the label in the file",
        "{column}标签中拉丁字母与形近的西里尔或希腊字母混用：{lookalikes}。用拉丁字母输入的"
        "对照或处理名将无法与之匹配；请在文件中重新输入该标签",
        lists=("lookalikes",),
        labels=("column",),
    ),
    Template(
        "label-merge",
        r"labels written with full-width, zero-width or other compatibility characters: "
        r"(?P<merges>.+)\. They are treated as one label; write them one way in the file to "
        r"silence this warning",
        "标签中有全角、零宽或其他兼容字符：{merges}。这些写法按同一标签处理；"
        "请在文件中统一写法，此警告即不再出现",
        lists=("merges",),
    ),
    Template(
        "all-below-one",
        r"every (?P<column>impurity_pct|empty_grain_pct) value lies in \[0, 1\) \(largest "
        r"(?P<largest>[\d.e+-]+)\); if they are fractions, multiply by 100\. Values below 1 % "
        r"are possible, so they are used as given",
        "{column} 的值全部在 [0, 1) 之间（最大 {largest}）：若为小数形式，请乘以 100 换算为"
        "百分数。低于 1% 的值也属可能，故按所给数值计算",
    ),
    Template(
        "mixed-fraction",
        _FILE + r": (?P<column>moisture_pct|shelling_pct) of (?P<items>.+) looks? like "
        r"(?:fractions|a fraction) among percentages \(other plots have (?P<percent>\S+); "
        r"yieldtrial expects percent, 0-100, and (?:no grain is harvested below 1 % moisture|"
        r"no crop shells out below 1 %)\): enter (?:each|it) in percent \((?P<pct>\S+) for "
        r"(?P<fraction>\S+)\), or correct the value",
        "{file}：{column} 中{items} 像是混在百分数中的小数（其他小区为 {percent}；"
        "yieldtrial 要求百分数 0-100，而{never}）：请改为百分数（{fraction} 写作 {pct}），"
        "或更正该值",
        lists=("items",),
    ),
    Template(
        "percent-mass",
        _FILE + r": (?P<column>\w+) \(header (?P<header>" + _Q + r")\) row (?P<row>\d+) is "
        r"formatted as a percentage in Excel \(it holds (?P<held>\S+), shown as (?P<shown>\S+) "
        r"%\), which a mass, area or yield is not; remove the percent format of the column "
        r"\(Format Cells > Number\) and type the value meant",
        "{file}：{column}（表头 {header}）第 {row} 行在 Excel 中设为百分比格式（存的是 {held}，"
        "显示为 {shown}%），而质量、面积或产量不是百分数；请去掉该列的百分比格式"
        "（设置单元格格式 > 数字），并输入本来的数值",
    ),
    Template(
        "decimal-comma-dot",
        _FILE + r": the file is separated by semicolons and writes decimals with a comma "
        r"\((?P<proof>" + _Q + r"), as a European Excel saves it\), but (?P<n>[\d,]+) numbers? "
        r"in numeric columns holds? a dot: (?P<cells>.+)\. Beside decimal commas a dot may be a "
        r"thousands separator \('1\.234,5' is 1234\.5\) or a decimal point \('12\.5'\), so "
        r"yieldtrial does not guess: write (?:these numbers|the number) without a thousands "
        r"separator and with a decimal comma \('1234,5'\), or save the whole file with dot "
        r"decimals",
        "{file}：文件以分号分隔、以逗号作小数点（{proof}，欧洲版 Excel 如此保存），但数值列中有 "
        "{n} 个数含有点号：{cells}。在小数逗号旁，点号可能是千位分隔符（'1.234,5' 即 1234.5）"
        "也可能是小数点（'12.5'），yieldtrial 不作猜测：请去掉千位分隔符、统一用逗号作小数点"
        "（'1234,5'），或把整个文件另存为以点号作小数点",
        lists=("cells",),
    ),
    Template(
        "augmented-control",
        r"control (?P<label>" + _Q + r") is an entry of this augmented design \(planted once\), "
        r"not a check; the checks are (?P<checks>.+): pass --control one of them",
        "对照 {label} 是本增广设计的品系（只种一次），不是对照品种；对照品种为：{checks}："
        "请用 --control 指定其中之一",
        lists=("checks",),
    ),
    Template(
        "duplicate-plots-site",
        _FILE + r": duplicate plot ids within a site: (?P<ids>.+); each plot must appear on one "
        r"row\. Give every plot its own plot_id \(e\.g\. add the block: '101', '201', \.\.\.\)",
        "{file}：同一试点内小区编号重复（试点/小区号）：{ids}；每个小区只能占一行。"
        "请给每个小区一个唯一的 plot_id（例如加上区组号：'101'、'201'……）",
        lists=("ids",),
    ),
    Template(
        "output-same-file",
        r"output file (?P<path>"
        + _Q
        + r") is the same file as the input (?P<input>"
        + _Q
        + r") \(a hard link or another spelling of its name\); refusing to overwrite it\. "
        r"Choose another name with -o/--output\.",
        "输出文件 {path} 与输入文件 {input} 是同一个文件（硬链接或同一文件名的另一种写法），"
        "拒绝覆盖。请用 -o/--output 换一个文件名。",
    ),
    Template(
        "negative-yield",
        r"row (?P<row>\d+)(?P<plot> \(plot " + _Q + r"\))?: (?P<column>\w+) = (?P<value>\S+)"
        r"(?: and (?P<more>\d+) more are| is) negative; a yield cannot be below 0: correct the "
        r"value, or blank it \(a blank is a missing plot\)",
        "第 {row} 行{plot}：{column} = {value}{more} 为负值；产量不能小于 0：请更正该值，"
        "或将其留空（空值即缺失小区）",
        lists=("plot",),
    ),
    Template(
        "unknown-sheet",
        _FILE + r": no sheet named (?P<sheet>" + _Q + r"); sheets: (?P<sheets>.+)",
        "{file}：没有名为 {sheet} 的工作表；工作簿中的工作表有：{sheets}",
        lists=("sheets",),
    ),
    Template(
        "label-zeros",
        r"(?P<column>treatment|block) labels that differ only in leading zeros: "
        r"(?P<spellings>.+)\. They are analysed as different (?:treatment|block)s; if they are "
        r"the same, write them one way in the file \(e\.g\. all (?P<example>" + _Q + r")\)",
        "{column}标签仅差前导零：{spellings}。它们按不同的{column}分析；若实为同一{column}，"
        "请在文件中统一写法（如都写作 {example}）",
        lists=("spellings",),
        labels=("column",),
    ),
    Template(
        "augmented-not-check",
        r"control (?P<label>" + _Q + r") is not a check of this augmented design \(labels are "
        r"case-sensitive\); the checks are (?P<checks>.+): pass --control one of them",
        "对照 {label} 不是本增广设计的对照品种（标签区分大小写）；对照品种为：{checks}："
        "请用 --control 指定其中之一",
        lists=("checks",),
    ),
    Template(
        "warnings-not-shown",
        r"(?P<count>[\d,]+) more warning\(s\) about (?P<trials>[\d,]+) trial\(s\) not shown; "
        r"analyse those trials alone \(yieldtrial report\) to see them",
        "另有 {count} 条警告（涉及 {trials} 个试点）未显示；"
        "请用 yieldtrial report 单独分析这些试点以查看",
    ),
    Template(
        "cv-excludes-all",
        r"--exclude-cv-above (?P<threshold>\S+) leaves out every analysed trial \(their CV % "
        r"runs from (?P<low>\S+) to (?P<high>\S+)\), so there is nothing to summarize; give a "
        r"threshold above the CV of the trials to keep \(e\.g\. 15\), or leave the option out",
        "--exclude-cv-above {threshold} 剔除了所有已分析的试点（其变异系数为 {low}% 至 "
        "{high}%），没有可汇总的结果；请给出高于要保留试点变异系数的阈值（如 15），"
        "或不用该选项",
    ),
    Template(
        "no-observed-yield",
        r"no plot has an observed yield: all (?P<n>[\d,]+) plots are missing \(every fresh mass "
        r"or yield cell is empty\), so there is nothing to analyse\. Is this the field book "
        r"before the harvest\? Fill in the harvest data \(fresh mass and moisture, or a yield\) "
        r"and run again",
        "没有任何小区有实测产量：全部 {n} 个小区均缺失（鲜重或产量单元格全为空），无法分析。"
        "这是收获前的田间记录簿吗？请填入收获数据（鲜重和含水量，或产量）后再运行",
    ),
    Template(
        "setting-not-finite",
        _WHERE
        + _AT
        + r": (?P<name>"
        + _SETTING
        + r") = (?P<value>.+?); expected a finite number"
        + _SETTING_RANGE
        + r"\.",
        "{where}：{name} = {value}；应为有限的数值{takes}。",
    ),
    Template(
        "setting-quoted-number",
        _WHERE
        + _AT
        + r": (?P<name>"
        + _SETTING
        + r") = (?P<value>"
        + _R
        + r") is text; write the number without "
        r"quotes \((?P=name) = (?P<number>[^()]+)\)" + _SETTING_RANGE + r"\.",
        "{where}：{name} = {value} 是文本；请去掉引号写成数字（{name} = {number}）{takes}。",
    ),
    Template(
        "setting-not-number",
        _WHERE
        + _AT
        + r": (?P<name>"
        + _SETTING
        + r") = (?P<value>.+?); expected a number"
        + _SETTING_RANGE
        + r"\.",
        "{where}：{name} = {value}；应为数值{takes}。",
    ),
    Template(
        "setting-range",
        _WHERE + _AT + r": (?P<name>" + _SETTING + r") = (?P<value>.+?); (?P=name) must be in "
        r"(?P<range>[\[(]\S+, \S+[\])])(?:: (?:expected )?(?P<fix>.+?))?\.",
        "{where}：{name} = {value}；{name} 应在 {range} 之内{fix}。",
        covers=("; --moisture must be in [0,",),
    ),
    Template(
        "setting-too-long",
        _WHERE
        + _AT
        + r": (?P<name>\w+) is (?P<n>[\d,]+) characters long; (?P=name) must be at most "
        r"(?P<max>\d+) characters: shorten the note \(it fills one cell of the report's "
        r"trial-information table\)\.",
        "{where}：{name} 长 {n} 个字符；{name} 最多 {max} 个字符：请缩短（它是报告试验信息表中的"
        "一个单元格）。",
    ),
    Template(
        "mass-beyond-1e100",
        r"(?P<name>mass|reported_mass) must be in \[0, 1e\+100\]; got (?P<value>\S+)\. No grain "
        r"mass or yield comes near 1e100: correct the value",
        "{name} 应在 [0, 1e+100] 之内，实为 {value}。没有任何籽粒质量或产量接近 1e100："
        "请更正该数值",
    ),
    Template(
        "reported-mass-positive",
        r"reported_mass must be in \(0, inf\); got (?P<value>\S+)\. A reported mass or yield is "
        r"positive: give the figure as printed",
        "reported_mass 应大于 0，实为 {value}。公布的质量或产量为正数：请按公布的数值填写",
    ),
    Template(
        "source-date-epoch",
        r"the environment variable SOURCE_DATE_EPOCH = (?P<value>" + _R + r") is not a time in "
        r"whole seconds since 1970-01-01 \(NumPy and Matplotlib, which yieldtrial uses, read "
        r"it\); set it to a number of seconds such as 1700000000, or unset it \(unset "
        r"SOURCE_DATE_EPOCH\)",
        "环境变量 SOURCE_DATE_EPOCH = {value} 不是自 1970-01-01 起的整秒数（yieldtrial 使用的 "
        "NumPy 和 Matplotlib 会读取它）；请设为秒数（如 1700000000），或取消设置"
        "（unset SOURCE_DATE_EPOCH）",
    ),
    Template(
        "date-not-iso",
        _WHERE + _DATE_AT + r": (?P<name>\w+) = (?P<value>.+?) is not an ISO date; write the "
        r"date as year-month-day, e\.g\. (?P=name) = \"2023-10-08\"\.",
        "{where}：{name} = {value} 不是 ISO 格式的日期；请按 年-月-日 书写，如 "
        '{name} = "2023-10-08"。',
    ),
    Template(
        "date-no-month",
        _WHERE + _DATE_AT + r": (?P<name>\w+) = (?P<value>.+?) is not a calendar date \(there "
        r"is no month (?P<month>\d+)\); write the date as year-month-day, e\.g\. (?P=name) = "
        r"\"2023-10-08\"\.",
        "{where}：{name} = {value} 不是有效的日期（没有 {month} 月）；请按 年-月-日 书写，"
        '如 {name} = "2023-10-08"。',
    ),
    Template(
        "date-no-day",
        _WHERE + _DATE_AT + r": (?P<name>\w+) = (?P<value>.+?) is not a calendar date "
        r"\((?:there is no year 0|(?P<month>[A-Z][a-z]+) (?P<year>\d+) has (?P<days>\d+) days)\); "
        r"write the date as year-month-day, e\.g\. (?P=name) = \"2023-10-08\"\.",
        "{where}：{name} = {value} 不是有效的日期（该月或该年不存在此日）；请按 年-月-日 书写，"
        '如 {name} = "2023-10-08"。',
    ),
    Template(
        "setting-not-text",
        _WHERE
        + _AT
        + r": (?P<table>\[\w+\] )?(?P<name>\w+) = (?P<value>.+?); expected text, e\.g\. "
        r"(?:(?P=name) = )?(?P<example>\"[^\"]*\")\.",
        "{where}：{table}{name} = {value}；应为文本，如 {name} = {example}。",
        covers=('; expected text, e.g. "kg/mu".',),
    ),
    Template(
        "economics-status",
        _WHERE + _AT + r": status = (?P<value>" + _R + r")(?: \(did you mean (?P<close>"
        r"'illustrative')\?\))?; the one status is \"illustrative\" \(every money figure is "
        r"marked †; leave status out when the prices are real\)\.",
        '{where}：status = {value}{close}；status 只能为 "illustrative"（每个金额都标 †）；'
        "价格为实际价格时，删去 status。",
    ),
    Template(
        "rate-status",
        _WHERE + _AT + r": rate_status = (?P<value>" + _R + r")(?: \(did you mean (?P<close>"
        r"'illustrative')\?\))?; the one rate_status is \"illustrative\" \(the rates are "
        r"flagged in the report; leave rate_status out when they are measured or published\)\.",
        '{where}：rate_status = {value}{close}；rate_status 只能为 "illustrative"（报告中标出'
        "这些用量）；用量为实测或已发表的数值时，删去 rate_status。",
    ),
    Template(
        "design-column-blank",
        r"(?P<where>"
        + _Q
        + r"|the command line|TrialConfig(?:\.override)?)"
        + r": \[analysis\] (?P<role>block|incomplete_block|row|column) = (?P<value>"
        + _R
        + r") names no column \(it is blank\); give the plot table's (?P=role) column, e\.g\. "
        r"(?P<example>(?P=role) = \"\w+\"), or leave (?P=role) out when the column is named "
        r"(?P=role)\.",
        "{where}：[analysis] {role} = {value} 没有给出列名（为空）；请写出小区表中该列的列名，如 "
        "{example}；该列本就名为 {role} 时，删去此项即可。",
    ),
    Template(
        "setting-choice",
        _WHERE
        + r": (?P<name>\w+|--[\w-]+) = (?P<value>.+?)(?: \(did you mean (?P<close>"
        + _Q
        + r")\?\))?; expected one of (?P<options>[\w/, -]+)\.",
        "{where}：{name} = {value}{close}；应为以下之一：{options}。",
    ),
    Template(
        "toml-unknown-key",
        _WHERE + r": unknown key (?P<keys>" + _R + r"(?:, " + _R + r")*) in "
        r"(?P<table>\[\w+\]|\[\[\w+\]\] entry \d+|\[conditions\] fertilization entry \d+)"
        r"(?: \(did you mean (?P<close>"
        + _Q
        + r")\?\))?; allowed: (?P<allowed>[\w, ]+?)(?P<see> \(see docs/trial-toml\.md\))?\.",
        "{where}：{table} 中有未知的键 {keys}{close}；允许的键：{allowed}{see}。",
    ),
    Template(
        "toml-unknown-table",
        _WHERE + r": unknown table or key (?P<keys>" + _R + r"(?:, " + _R + r")*)"
        r"(?: \(did you mean (?P<close>" + _Q + r")\?\))?; expected the tables "
        r"(?P<tables>[\[\]\w, ]+) \(see docs/trial-toml\.md\)\.",
        "{where}：未知的表或键 {keys}{close}；应为以下各表：{tables}（见 docs/trial-toml.md）。",
    ),
    Template(
        "alpha-range",
        _WHERE + r": (?P<name>\w+|--[\w-]+) = (?P<value>\S+); a significance level must be from "
        r"(?P<low>\S+) to (?P<high>\S+), e\.g\. 0\.05 or 0\.01\.",
        "{where}：{name} = {value}；显著性水平应在 {low} 至 {high} 之间，如 0.05 或 0.01。",
    ),
    Template(
        "percent-as-fraction",
        r"(?P<given>--[a-z-]+ |\w+ = )(?P<value>[\d.e+-]+) is read as (?P=value) %; if you "
        r"meant (?P<meant>[\d.e+]+) %, (?:give|write) (?P<instead>--[a-z-]+ [\d.e+]+|\w+ = "
        r"[\d.e+]+) \(percent, e\.g\. (?P<example>\d+) for (?P=example) %\)",
        "{given}{value} 按 {value}% 计；若指 {meant}%，请写作 {instead}"
        "（以百分数表示，如 {example} 表示 {example}%）",
    ),
    Template(
        "exclude-cv-range",
        r"(?P<name>exclude_cv_above|--exclude-cv-above) must be a CV in % above 0 \(e\.g\. "
        r"15\.0\)(?: or None|, or left out); got (?P<value>\S+)\.",
        "{name} 应为大于 0 的变异系数（%，如 15.0），或不设；现为 {value}。",
    ),
    Template(
        "control-twice",
        r"control lists a label twice: (?P<labels>.+); give each once",
        "对照中有标签重复：{labels}；每个标签只写一次",
    ),
    Template(
        "toml-not-utf8",
        r"trial description (?P<path>" + _Q + r") is not UTF-8 text \((?P<reason>[\w ]+) at byte "
        r"(?P<byte>\d+)\); save it as UTF-8\.",
        "试验描述文件 {path} 不是 UTF-8 文本（第 {byte} 字节无法解码）；请另存为 UTF-8 编码。",
    ),
    Template(
        "control-blank",
        _WHERE + r": control = (?P<value>.+?) names no treatment \(the label is blank\); give "
        r"the control's label, e\.g\. control = \"CK\" \(command line: --control CK\), or leave "
        r"control out for a report without a control",
        "{where}：control = {value} 没有指定任何处理（标签为空）；请给出对照的标签，"
        '如 control = "CK"（命令行：--control CK），或不写 control，生成不含对照的报告',
    ),
    Template(
        "checks-blank",
        _WHERE + r": checks = (?P<value>.+?) names no check \(the labels are blank\); give the "
        r"checks' labels, e\.g\. checks = \[\"CK1\", \"CK2\"\] \(command line: --checks "
        r"CK1,CK2\), or leave checks out to take them from the entry_type column",
        "{where}：checks = {value} 没有指定任何对照品种（标签为空）；请给出对照的标签，"
        '如 checks = ["CK1", "CK2"]（命令行：--checks CK1,CK2），'
        "或不写 checks，由 entry_type 列确定",
    ),
    Template(
        "unknown-yield-unit",
        r"(?:" + _WHERE + r": |(?P<argument>from_unit|to_unit|unit): )?unknown yield unit "
        r"(?P<unit>" + _R + r")(?: \(did you mean "
        r"(?P<close>" + _Q + r")\?\))?; valid yield units: (?P<units>[\w/, ]+), or any mass unit "
        r"\((?P<masses>[\w, ]+)\) per area unit \((?P<areas>[\w, ]+)\) such as 'g/m2'",
        "{where}未知的产量单位 {unit}{close}；可用的产量单位：{units}，"
        "或任一质量单位（{masses}）除以面积单位（{areas}），如 'g/m2'",
    ),
    Template(
        "design-integer-min",
        r"(?P<name>blocks|replicates|block_size|columns|treatments|checks) must be an integer "
        r">= (?P<minimum>\d+); got (?P<value>" + _HUGE + r"|\S+)\.",
        "{name} 应为不小于 {minimum} 的整数；现为 {value}。",
    ),
    Template(
        "design-seed-negative",
        r"seed must be a non-negative integer; got (?P<value>" + _HUGE + r"|\S+)\.",
        "随机种子（seed）应为非负整数；现为 {value}。",
    ),
    Template(
        "design-too-many",
        r"(?P<name>blocks|replicates|block_size|columns) = (?P<value>[\d,]+|" + _HUGE + r") is "
        r"more than any "
        r"field trial has \(at most (?P<maximum>[\d,]+)\)\.",
        "{name} = {value} 超过了任何田间试验的规模（最多 {maximum}）。",
    ),
    Template(
        "design-plot-area",
        r"(?P<name>plot_area_m2|--plot-area) = (?P<value>\S+) m2 is not a field plot's net area "
        r"\(from (?P<low>\S+) m2 to (?P<high>\S+) m2\); check the number and the unit \(m2, "
        r"e\.g\. 20\)\.",
        "{name} = {value} m2 不是小区的净收获面积（应在 {low} m2 到 {high} m2 之间）；"
        "请检查数值和单位（m2，如 20）。",
    ),
    Template(
        "design-plot-area-positive",
        r"(?P<name>plot_area_m2|--plot-area) must be a positive area in m2; got (?P<value>\S+)\.",
        "{name} 应为正的面积（m2）；现为 {value}。",
    ),
    Template(
        "factors-one-factor",
        r"--factors (?P<names>.+?) applies to the two-factor designs \((?P<designs>[\w, ]+)\); "
        r"this trial's design is (?P<design>" + _R + r")\. Give --design split_plot, strip_plot "
        r"or factorial, or leave out --factors",
        "--factors {names} 仅适用于两因素设计（{designs}）；本试验的设计为 {design}。"
        "请用 --design 指定 split_plot、strip_plot 或 factorial，或去掉 --factors",
    ),
    Template(
        "factors-one-factor-toml",
        r"(?P<path>" + _R + r"): factors = (?P<value>.+?) in \[analysis\] applies to the "
        r"two-factor designs \((?P<designs>[\w, ]+)\); this trial's design is (?P<design>"
        + _R
        + r")\. Set design = \"split_plot\", \"strip_plot\" or \"factorial\" in \[analysis\], "
        r"or remove factors",
        "{path}：[analysis] 中的 factors = {value} 仅适用于两因素设计（{designs}）；"
        '本试验的设计为 {design}。请在 [analysis] 中设 design = "split_plot"、"strip_plot" 或 '
        '"factorial"，或删去 factors',
    ),
    Template(
        "toml-invalid",
        r"trial description (?P<path>" + _R + r") is not valid TOML at(?: line (?P<line>\d+))?: "
        r"(?P<detail>.+); fix the file \(see docs/trial-toml\.md\)\.",
        "试验描述文件 {path}{line}不是有效的 TOML（{detail}）；"
        "请修改该文件（见 docs/trial-toml.md）。",
    ),
    Template(
        "column-mapping-unknown",
        _FILE
        + r": the column mapping renames (?P<source>"
        + _R
        + r") to (?P<target>"
        + _R
        + r") \((?:\[columns\] of trial\.toml or --column|(?P<analysis>\[analysis\] \w+ = "
        + _R
        + r") of trial\.toml)\), which is not a column of the table; columns present: "
        r"(?P<columns>.+)",
        "{file}：列映射要把 {source} 改名为 {target}（{analysis}），"
        "但表中没有 {source} 这一列；表中的列：{columns}",
        lists=("columns",),
    ),
    Template(
        "shrink-needs-value",
        r"(?:method='shrink' needs shrink_pct_per_point|--method shrink needs "
        r"--shrink-pct-per-point \(shrink_pct_per_point in trial\.toml\)), the weight loss per "
        r"moisture point above "
        r"standard \[% per point\], e\.g\. 1\.2 \(USDA RMA crop-insurance corn\) or 1\.2-1\.5 "
        r"\(elevator pencil shrink\); there is no neutral default",
        "含水量折算方法 shrink 需要 --shrink-pct-per-point"
        "（trial.toml 中为 shrink_pct_per_point），即含水量每高出标准 1 个百分点的减重（%/点），"
        "如 1.2（USDA RMA 玉米作物保险）"
        "或 1.2-1.5（粮库按水分扣量）；没有中性的默认值",
    ),
    Template(
        "setting-text-or-list",
        r"(?P<path>" + _R + r"): (?P<table>\[\w+\] )?(?P<name>\w+) = (?P<value>.+?); expected "
        r"text or a list(?: of text)?\.",
        "{path}：{table}{name} = {value}；应为文本或文本列表。",
    ),
    Template(
        "economics-price",
        r"(?P<path>" + _R + r"): \[economics\] needs grain_price_per_kg = <number from 0 to "
        r"(?P<high>\S+)> \[currency/kg\], but it is missing\.",
        "{path}：[economics] 需要 grain_price_per_kg = <0 至 {high} 的数>（货币单位/kg），"
        "但未填写。",
    ),
    Template(
        "treatments-no-label",
        r"(?P<path>" + _R + r"): treatments entry (?P<n>\d+) has no 'label'; each "
        r"\[\[treatments\]\] needs label = \"\.\.\.\" matching the plot table\.",
        '{path}：第 {n} 个 [[treatments]] 没有 label；每个 [[treatments]] 都需要 label = "..."，'
        "且与小区数据表中的处理一致。",
    ),
    Template(
        "exclude-needs-reason",
        r"(?P<path>"
        + _R
        + r"): \[\[exclude\]\] entry (?P<n>\d+) \(plot (?P<plot>"
        + _R
        + r")\) needs reason = \"<why>\"; the report lists every exclusion with its reason\.",
        '{path}：第 {n} 个 [[exclude]]（小区 {plot}）需要 reason = "<原因>"；'
        "报告会列出每个剔除的小区及其原因。",
    ),
    Template(
        "exclude-needs-plot",
        r"(?P<path>" + _R + r"): \[\[exclude\]\] entry (?P<n>\d+) needs plot = \"<plot id>\" "
        r"\(the plot_id of the plot table\), got (?P<value>.+?)\.",
        '{path}：第 {n} 个 [[exclude]] 需要 plot = "<小区号>"（小区数据表中的 plot_id），'
        "现为 {value}。",
    ),
    Template(
        "exclude-plot-number",  # stop 50: plot = 1.50 was read as 1.5 and never found
        r"(?P<path>" + _R + r"): \[\[exclude\]\] entry (?P<n>\d+) has plot = (?P<value>.+?), a "
        r"number; write the plot_id in quotes as the plot table has it \(plot = \"1\.50\": the "
        r"number 1\.50 is read as 1\.5\)\.",
        "{path}：第 {n} 个 [[exclude]] 的 plot = {value} 是数字；请按小区数据表中的写法给 plot_id "
        '加上引号（如 plot = "1.50"：数字 1.50 会被读作 1.5）。',
    ),
    Template(
        "exclude-plot-missing",  # stop 49: was "got None", 现为 None
        r"(?P<path>" + _R + r"): \[\[exclude\]\] entry (?P<n>\d+) needs plot = \"<plot id>\" "
        r"\(the plot_id of the plot table\), but it is missing\.",
        '{path}：第 {n} 个 [[exclude]] 需要 plot = "<小区号>"（小区数据表中的 plot_id），'
        "但未填写。",
    ),
    Template(
        "exclude-no-plot",
        r"cannot exclude plot (?P<plot>" + _R + r"): no such plot_id in the plot table "
        r"\(plots: (?P<plots>.+)\)",
        "无法剔除小区 {plot}：小区数据表中没有这个 plot_id（现有小区：{plots}）",
        lists=("plots",),
    ),
    Template(
        "treatment-label-type",
        r"(?P<path>" + _R + r"): treatments entry (?P<n>\d+) has label = (?P<value>.+?); expected "
        r"the text of a treatment label of the plot table, e\.g\. label = \"CK\"\.",
        "{path}：第 {n} 个 [[treatments]] 的 label = {value}；应为小区数据表中某个处理标签的文本，"
        '如 label = "CK"。',
    ),
    Template(
        "treatments-twice",
        r"(?P<path>"
        + _R
        + r"): \[\[treatments\]\] describes (?P<labels>"
        + _R
        + r"(?:, "
        + _R
        + r")*) more than once; give each treatment one \[\[treatments\]\] table\.",
        "{path}：[[treatments]] 对 {labels} 描述了不止一次；每个处理只写一个 [[treatments]] 表。",
    ),
    Template(
        "rate-unit",
        _WHERE
        + _AT
        + r": rate_unit = (?P<unit>"
        + _R
        + r"|.+?) is not a mass per area; expected e\.g\. \"kg/mu\", \"kg/ha\", \"t/ha\", "
        r"\"g/mu\" or \"lb/ac\"\.",
        '{where}：rate_unit = {unit} 不是单位面积的质量；应为如 "kg/mu"、"kg/ha"、"t/ha"、'
        '"g/mu" 或 "lb/ac" 的单位。',
    ),
    Template(
        "products-not-list",
        _WHERE + _AT + r": products = (?P<value>.+?); expected a list of tables, e\.g\. products = "
        r"\[\{ product = \"synergist\", rate = 0\.3, rate_unit = \"kg/mu\" \}\]\.",
        "{where}：products = {value}；应为表的列表，如 products = "
        '[{{ product = "增效剂", rate = 0.3, rate_unit = "kg/mu" }}]。',
    ),
    Template(
        "treatment-not-finite",
        r"(?P<path>" + _R + r"): treatment (?P<label>" + _R + r") has (?P<name>\w+) = "
        r"(?P<value>.+?); expected a finite number" + _SETTING_RANGE + r"\.",
        "{path}：处理 {label} 的 {name} = {value}；应为有限的数值{takes}。",
    ),
    Template(
        "entry-not-table",
        r"(?P<path>" + _R + r"): (?P<kind>exclude|published|contrasts) entry (?P<n>\d+) must "
        r"be a table\.",
        "{path}：第 {n} 个 {kind} 条目应为表（写作 [[{kind}]]，其下每行 键 = 值）。",
    ),
    Template(
        "section-not-table",
        r"(?P<path>" + _R + r"): \[(?P<name>\w+)\] must be a table, got (?P<value>.+?)\.",
        "{path}：[{name}] 应为表，现为 {value}。",
    ),
    Template(
        "array-of-tables",
        r"(?P<path>" + _R + r"): '(?P<name>treatments|published|exclude|contrasts)' must be an "
        r"array of "
        r"tables written \[\[(?P=name)\]\](?P<example> \(plot = \"201\", reason = "
        r"\"\.\.\.\"\))?\.",
        "{path}：{name} 应为表数组，写作 [[{name}]]{example}。",
        covers=(
            "'treatments' must be an array",
            "'published' must be an array",
            "'exclude' must be an array",
            "'contrasts' must be an array",
        ),
    ),
    Template(
        "columns-not-name",
        r"(?P<path>" + _R + r"): \[columns\] maps (?P<key>.+?) to (?P<value>.+?); expected a "
        r"column name \(text\)\.",
        "{path}：[columns] 把 {key} 映射为 {value}；应为列名（文本）。",
    ),
    Template(
        "published-needs",
        r"(?P<path>" + _R + r"): \[\[published\]\] entry (?P<n>\d+) needs (?P<key>\w+) = "
        r"<number>, but it is missing\.",
        "{path}：第 {n} 个 [[published]] 需要 {key} = <数值>，但未填写。",
    ),
    Template(
        "factor-roles-one-factor",
        r"(?P<path>" + _R + r"): (?P<roles>\w+(?:, \w+)*) name\(s\) the factors of a two-factor "
        r"design; set design = \"split_plot\", \"strip_plot\" or \"factorial\" in \[analysis\]\.",
        "{path}：{roles} 用于指定两因素设计的因素；请在 [analysis] 中设 "
        'design = "split_plot"、"strip_plot" 或 "factorial"。',
    ),
    Template(
        "zh-not-text",
        r"(?P<path>" + _R + r"): \[zh\] (?P<name>\w+) = (?P<value>.+?); expected Chinese text, "
        r"e\.g\. (?P=name) = \"\.\.\.\"\.",
        '{path}：[zh] {name} = {value}；应为中文文本，如 {name} = "..."。',
    ),
    Template(
        "table-array-example",
        r"(?P<path>"
        + _R
        + r"): (?P<table>\[(?:conditions|panel)\]) (?P<name>fertilization|experts) "
        r"must be an array of tables(?P<named> with a name)?, e\.g\. (?P<example>(?P=name) = "
        r"\[\{.*\}\])\.",
        "{path}：{table} {name} 应为表数组{named}，如 {example}。",
        covers=(
            "[conditions] fertilization must be an",
            "[panel] experts must be an",
        ),
    ),
    Template(
        "economics-table-of-numbers",
        r"(?P<path>" + _R + r"): \[economics\] (?P<name>\w+) must be a table of numbers, e\.g\. "
        r"(?P=name) = \{ \"compound fertilizer\" = 3\.2 \}\.",
        '{path}：[economics] {name} 应为数值表，如 {name} = {{ "复合肥" = 3.2 }}。',
    ),
    Template(
        "economics-cost-twice",
        r"(?P<path>" + _R + r"): \[economics\] other_costs_per_mu and other_costs_per_ha both "
        r"give a cost for (?P<labels>" + _R + r"(?:, " + _R + r")*); the two would be added: give "
        r"each treatment's further cost once, in one of them\.",
        "{path}：[economics] other_costs_per_mu 和 other_costs_per_ha 都给出了 {labels} 的"
        "其他成本；两者会相加：每个处理的其他成本只给一次，写在其中一个表中。",
        lists=("labels",),  # stop 50: the labels were joined by ", " in Chinese
    ),
    Template(
        "file-empty",
        _FILE + r": the file is empty; expected a header row \(plot_id, treatment, \.\.\.\) and "
        r"one row per plot",
        "{file}：文件为空；应有一行表头（plot_id、treatment……），并且每个小区一行",
    ),
    Template(
        "label-cell-empty",
        _FILE + r": (?P<column>.+?) is empty in (?P<rows>rows? .+); every plot needs a "
        r"(?P<name>plot_id|block|treatment) \(delete rows that are not plots\)",
        "{file}：{rows}中{column}为空；每个小区都需要 {name}（不是小区的行请删除）",
        lists=("rows",),
    ),
    Template(
        "label-spreadsheet-error",
        _FILE + r": (?P<column>plot_id|treatment|block|site) holds a spreadsheet error value in "
        r"(?P<rows>rows? .+), not a label: a formula failed there; fix it or type the label in "
        r"the sheet, then save the table again",
        "{file}：{column}列的{rows}是电子表格的错误值，不是标签（该处公式出错）；请在表格中改正"
        "公式或填入标签，再重新保存数据表",
        lists=("rows",),
        labels=("column",),
    ),
    Template(
        "rows-fewer-fields",
        _FILE + r": (?P<rows>row .+?) (?:has|have) fewer fields than the (?P<width>\d+) columns "
        r"of the header row; every row must have a field for every column \(keep the "
        r"separators and leave a cell empty for a missing value\)",
        "{file}：{rows}的字段少于表头的 {width} 列；每一行都应为每一列留一个字段"
        "（请保留分隔符，缺失值留空）",
        lists=("rows",),
    ),
    Template(
        "rows-more-values",
        _FILE + r": (?P<rows>row .+?) (?:has|have) more values than the (?P<width>\d+) columns of "
        r"the header row; every row must have the (?P=width) fields of the header \(check for a "
        r"decimal comma or a missing header\)",
        "{file}：{rows}的值多于表头的 {width} 列；每一行都应恰有表头的 {width} 个字段"
        "（请检查是否用了小数逗号，或缺少表头）",
        lists=("rows",),
    ),
    Template(
        "quote-not-closed",
        _FILE + r": row (?P<row>\d+) opens a quoted cell \(\"\) that is never closed, so the rest "
        r"of the file would be read into one cell; remove the stray quote or close it",
        '{file}：第 {row} 行有一个以引号（"）开始却没有闭合的单元格，文件其余部分会被读进'
        "这一个单元格；请删除多余的引号，或把它闭合",
    ),
    Template(
        "other-document",
        _FILE + r": this is (?P<doc>an HTML or XML document|JSON text|a Markdown document) "
        r"\(a yieldtrial (?P<json>JSON )?report\?\), not a plot table; give the plot table \(CSV "
        r"text or an "
        r"\.xlsx workbook\) the analysis starts from",
        "{file}：这是{doc}（yieldtrial {json}报告？），不是小区数据表；"
        "请给出分析所依据的小区数据表（CSV 文本或 .xlsx 工作簿）",
    ),
    Template(
        "area-range",
        _FILE + r": (?P<column>\w+) \(harvested area, (?P<unit>\w+)\) must be in \(0, inf\); "
        r"(?P<n>[\d,]+) values? out of range: (?P<items>.+)\. Enter the net harvested area of "
        r"each plot \(leave the mass empty for a missing plot\)",
        "{file}：{column}（收获面积，{unit}）必须在 (0, inf) 之间；{n} 个值超出范围：{items}。"
        "请填写每个小区的净收获面积（缺失的小区请把鲜重留空）",
        lists=("items",),
    ),
    Template(
        "title-row",
        _FILE
        + r": the header row is row (?P<row>\d+), not row 1: row 1 \((?P<title>"
        + _R
        + r")\) "
        r"looks like a title above the table\. Delete the rows above the header \(yieldtrial "
        r"reads the first row as the column headers\)",
        "{file}：表头在第 {row} 行，而不是第 1 行：第 1 行（{title}）像是表格上方的标题。"
        "请删除表头上方的行（yieldtrial 把第一行读作列标题）",
    ),
    Template(
        "header-blank",
        _FILE + r": column (?P<n>\d+) holds values but has no header; name it \(e\.g\. notes\) "
        r"or delete the column",
        "{file}：第 {n} 列有数值却没有表头；请给它起个列名（如 notes），或删除这一列",
    ),
    Template(
        "treatments-unknown-label",
        r"(?:(?P<path>"
        + _R
        + r"): )?\[\[treatments\]\] describes (?P<labels>.+?), which (?:is not a "
        r"treatment|are not treatments) of the plot table; treatments present: "
        r"(?P<present>.+?)\. (?:Fix the "
        r"label \(labels are case-sensitive\) or remove the entry\.|Labels are case-sensitive: "
        r"correct the label in trial\.toml)",
        "{path}[[treatments]] 中的 {labels} 不是小区数据表中的处理；现有处理：{present}。"
        "标签区分大小写：请在 trial.toml 中更正标签，或删去该条目",
        lists=("labels", "present"),
    ),
    Template(
        "published-reported",
        _WHERE
        + _AT
        + r": reported = (?P<value>.+?); expected the published figure at standard moisture as "
        r"printed, a number >= 0, e\.g\. reported = \"477\.36\"\.",
        "{where}：reported = {value}；应为按标准含水量发表的原数值（不小于 0 的数），"
        '如 reported = "477.36"。',
    ),
    Template(
        "published-unit",
        _WHERE
        + _AT
        + r": unit = (?P<value>.+?); expected a yield unit such as \"kg/mu\" or \"kg/ha\" \(or "
        r"a mass unit such as \"kg\" for a plot's mass\)\.",
        '{where}：unit = {value}；应为产量单位，如 "kg/mu" 或 "kg/ha"'
        '（小区质量则用质量单位，如 "kg"）。',
    ),
    Template(
        "one-level",
        r"factor (?P<factor>"
        + _R
        + r") has (?P<k>\d+) level\(s\)(?: \((?P<level>"
        + _R
        + r")\))?; "
        r"mean separation needs at least two: check the column holds every treatment of the "
        r"trial",
        "因素 {factor} 只有 {k} 个水平{level}；多重比较至少需要两个："
        "请检查该列是否包含试验的全部处理",
    ),
    Template(
        "all-controls",
        r"nothing to compare: every level of (?P<factor>" + _R + r") is a control "
        r"\((?P<controls>[^()]+)\); check that the table holds the other treatments and that "
        r"only the check is named as control",
        "没有可比较的处理：{factor} 的每个水平都是对照（{controls}）；"
        "请检查数据表是否包含其他处理，并且只把对照指定为 control",
    ),
    Template(
        "illustrative-not-list",
        _WHERE
        + _AT
        + r": illustrative = (?P<value>.+?); expected a list of \[conditions\] keys, e\.g\. "
        r"illustrative = \[\"soil_ph\", \"sowing_date\"\]\.",
        "{where}：illustrative = {value}；应为 [conditions] 中键名的列表，"
        '如 illustrative = ["soil_ph", "sowing_date"]。',
    ),
    Template(
        "illustrative-unknown",
        _WHERE
        + _AT
        + r"(?P<panel>: \[panel\] |: )illustrative lists (?P<keys>"
        + _R
        + r"(?:, "
        + _R
        + r")*)(?: \(did you mean (?P<close>"
        + _Q
        + r")\?\))?; expected any of (?P<allowed>[\w, ]+)\.",
        "{where}{panel}illustrative 中的 {keys}{close} 不是可标注的键；应为以下之一：{allowed}。",
    ),
    Template(
        "implausible-standard",
        r"(?P<name>standard_moisture_pct|--standard(?:-moisture-pct)?) = (?P<std>\S+) % is "
        r"above any moisture standard \(grain "
        r"10-20 %, whole-plant silage 65-70 %\): at (?P=std) % a yield is multiplied by about "
        r"(?P<factor>\S+) x its dry matter; check for a typing error \(13 for 13 %\)",
        "{name} = {std}% 高于任何含水量标准（籽粒 10-20%，全株青贮 65-70%）："
        "按 {std}% 计，产量约为其干物质的 {factor} 倍；请检查是否输入有误（13 表示 13%）",
    ),
    Template(
        "standard-fraction",
        _WHERE + r": (?P<name>standard_moisture_pct|--standard(?:-moisture-pct)?|--moisture) = "
        r"(?P<value>\S+) looks like a fraction; "
        r"moisture is percent \(0-100\): write (?P<pct>\S+) for (?P=pct) %\.",
        "{where}：{name} = {value} 像是小数；含水量应为百分数（0-100）：{pct}% 请写作 {pct}。",
    ),
    Template(
        "standard-implausible",
        _WHERE + r": (?P<name>standard_moisture_pct|--standard(?:-moisture-pct)?) = "
        r"(?P<value>\S+) is implausible: no "
        r"moisture standard is 1 % or lower \(grain 10-20 %, whole-plant silage 65-70 %\); "
        r"expected percent \(0-100\), e.g\. 13, or 0 for dry matter\.",
        "{where}：{name} = {value} 不合理：没有任何含水量标准在 1% 或以下"
        "（籽粒 10-20%，全株青贮 65-70%）；应为百分数（0-100），如 13，或 0 表示按干物质计。",
    ),
    Template(
        "harvest-cell-empty",
        _FILE + r": (?P<column>.+?) is empty for (?P<items>.+), which (?:has|have) a fresh "
        r"mass; fill it in(?P<zero> \(enter 0 if nothing was deducted\))?, or leave the mass "
        r"empty too if the plot is missing",
        "{file}：{items}有鲜重，但 {column}为空；请填写{zero}，若小区缺失，请把鲜重也留空",
        lists=("column", "items"),
    ),
    Template(
        "margin-tiny",
        _WHERE + r": (?P<name>margin_pct|--margin(?:-pct)?) = (?P<value>\S+) is above 0 but below "
        r"0\.01 % of the control "
        r"mean, a margin no yield trial resolves \(the report would print it as 0\.0 %\); give "
        r"0 \(at least as good as the control\) or a margin of at least 0\.01, e\.g\. 5\.",
        "{where}：{name} = {value} 大于 0 但小于对照平均值的 0.01%，任何产量试验都分辨不出"
        "这样的非劣效界值（报告中会显示为 0.0%）；请给 0（至少与对照一样好）或不小于 0.01 的"
        "界值，如 5。",
    ),
    Template(
        "zip-bomb",
        _FILE + r": its part (?P<part>" + _Q + r") unpacks from (?P<packed>[\d,]+) bytes to "
        r"(?P<size>[\d,]+) \((?P<ratio>[\d,]+) times\): no spreadsheet program packs a sheet "
        r"so tightly \(a zip bomb\?\); open the workbook in Excel or LibreOffice and save it "
        r"again, or export the table as CSV",
        "{file}：其中的部件 {part} 由 {packed} 字节解压为 {size} 字节（{ratio} 倍）：电子表格程序"
        "不会把工作表压缩得这么紧（压缩炸弹？）；请用 Excel 或 LibreOffice 打开该工作簿并重新保存，"
        "或把数据表导出为逗号分隔文本（.csv）",
    ),
    Template(
        "row-numbers",
        _FILE + r": the sheet's rows are not numbered as a spreadsheet numbers them: row "
        r"(?P<row>" + _Q + r") follows row (?P<previous>\d+) \(Excel's rows are 1 to "
        r"1,048,576, each after the one before\); open the workbook in Excel or LibreOffice "
        r"and save it again, or export the table as CSV",
        "{file}：工作表的行号不是电子表格程序会写出的行号：第 {previous} 行之后是行号 {row}"
        "（Excel 的行号为 1 至 1,048,576，依次递增）；请用 Excel 或 LibreOffice 打开该工作簿并"
        "重新保存，或把数据表导出为逗号分隔文本（.csv）",
    ),
    Template(
        "field-book-filled",
        r"(?P<path>" + _Q + r") already holds harvest data \((?P<filled>.+)\); yieldtrial never "
        r"replaces a filled-in field book, not even with --force\. Write the new layout to "
        r"another file \(e\.g\. -o fieldbook-2\.csv\), or move the old one away first",
        "{path} 中已有收获数据（{filled}）；yieldtrial 从不覆盖已填写的田间记录簿，"
        "加 --force 也不会。请把新的布局写到另一个文件（如 -o fieldbook-2.csv），"
        "或先把旧文件移走",
        lists=("filled",),
    ),
    Template(
        "field-book-no-permission",
        r"(?P<path>" + _Q + r") does not read as a plot table \(no permission to read it\), so "
        r"yieldtrial cannot tell whether it is a filled-in field book; it never replaces one, "
        r"not even with --force\. Write the new layout to another file \(e\.g\. -o "
        r"fieldbook-2\.csv\), or move the old one away first",
        "{path} 没有读取权限，yieldtrial 无法判断它是否是已填写的田间记录簿，加 --force 也不会"
        "覆盖。请把新的布局写到另一个文件（如 -o fieldbook-2.csv），或先把旧文件移走",
    ),
    Template(
        "field-book-unreadable",
        r"(?P<path>" + _Q + r") does not read as a plot table \((?P<reason>.+)\), so yieldtrial "
        r"cannot tell whether it is a filled-in field book; it never replaces one, not even "
        r"with --force\. Write the new layout to another file \(e\.g\. -o fieldbook-2\.csv\), "
        r"or move the old one away first",
        "{path} 无法作为小区数据表读取（编码、标题行、分隔符行或二进制内容无法识别），"
        "yieldtrial 无法判断它是否是已填写的田间记录簿，加 --force 也不会覆盖。"
        "请把新的布局写到另一个文件（如 -o fieldbook-2.csv），或先把旧文件移走",
    ),
    Template(
        "network-raw-needs-crop",
        r"the plot tables hold raw harvest records \(fresh mass and moisture\): give --crop "
        r"\(e\.g\. --crop wheat\) or crop in trial\.toml \(--config\), or "
        r"--standard-moisture-pct, to standardize them to yields",
        "小区表是原始收获记录（鲜重和含水量）：请给出 --crop（如 --crop wheat）、在 trial.toml"
        "（--config）中写 crop，或给出 --standard-moisture-pct，以换算为产量",
    ),
    Template(
        "network-column-not-found",
        r"column\(s\) not found: (?P<names>.+); the data have columns (?P<columns>.+)\. Pass "
        r"the right names or rename the columns\.",
        "找不到列：{names}；数据中的列：{columns}。请给出正确的列名，或重命名这些列",
    ),
    Template(
        "folder-is-file",
        r"cannot write into (?P<path>" + _Q + r"): it is a file, not a folder; give a folder name",
        "无法写入 {path}：它是文件而不是文件夹；请给出文件夹名",
    ),
    Template(
        "folder-foreign-files",
        r"folder (?P<path>" + _Q + r") holds files that yieldtrial did not write \(or that were "
        r"changed since\): (?P<files>.+); refusing to write into it\. Give a new or empty "
        r"folder, or add --force to write there anyway \(files of the same names are "
        r"replaced\)",
        "文件夹 {path} 中有不是 yieldtrial 写出的（或写出后被改动的）文件：{files}；"
        "拒绝写入。请给出新的或空的文件夹，或加 --force 仍写入该文件夹（同名文件会被覆盖）",
        lists=("files",),
    ),
    Template(
        "old-xls",
        _FILE + r": old \.xls workbooks \(Excel 97-2003\) are not supported; open it in Excel "
        r"and save it as \.xlsx or CSV",
        "{file}：不支持旧版 .xls 工作簿（Excel 97-2003）；请用 Excel 打开并另存为 .xlsx 或 CSV",
    ),
    Template(
        "ods",
        _FILE + r": this is an OpenDocument spreadsheet \(\.ods, as LibreOffice or WPS saves "
        r"it\), not an Excel workbook or CSV text; open it and save the sheet as \.xlsx \(Excel "
        r"workbook\) or CSV",
        "{file}：这是 OpenDocument 电子表格（.ods，LibreOffice 或 WPS 保存的格式），"
        "不是 Excel 工作簿或 CSV 文本；请打开它并把工作表另存为 .xlsx（Excel 工作簿）或 CSV",
    ),
    Template(
        "gbk-read-as-utf8",
        _FILE + r": the file reads as UTF-8 with text such as (?P<text>" + _R + r"), which is "
        r"Chinese GBK text read as UTF-8 \((?P<chinese>" + _R + r") as GBK\); pass --encoding "
        r"gb18030 \(encoding='gb18030' in Python\) if it is GBK, or --encoding utf-8 if the text "
        r"is right, or save the file as 'CSV UTF-8'",
        "{file}：文件可按 UTF-8 读取，但其中的 {text} 是按 UTF-8 读出的 GBK 中文（按 GBK 读作 "
        "{chinese}）；若文件为 GBK 编码，请加 --encoding gb18030；若文字无误，请加 --encoding "
        "utf-8；或把文件另存为“CSV UTF-8”",
    ),
    Template(
        "word-report-as-plot-table",
        _FILE + r": this is a yieldtrial report \(Word\), not a plot table; give the plot table "
        r"the report was made from",
        "{file}：这是 yieldtrial 写出的报告（Word），不是小区数据表；请给出生成该报告所用的"
        "小区数据表",
    ),
    Template(
        "word-document",
        _FILE + r": this is a Word document \(\.docx\), not an Excel workbook or CSV text; "
        r"open it and save the sheet as \.xlsx \(Excel workbook\) or CSV",
        "{file}：这是 Word 文档（.docx），不是 Excel 工作簿或 CSV 文本；请把其中的表格复制到"
        "电子表格中，另存为 .xlsx（Excel 工作簿）或 CSV",
    ),
    Template(
        "pptx-document",
        _FILE + r": this is a PowerPoint presentation \(\.pptx\), not an Excel workbook or CSV "
        r"text; open it and save the sheet as \.xlsx \(Excel workbook\) or CSV",
        "{file}：这是 PowerPoint 演示文稿（.pptx），不是 Excel 工作簿或 CSV 文本；请把其中的"
        "表格复制到电子表格中，另存为 .xlsx（Excel 工作簿）或 CSV",
    ),
    Template(
        "zip-as-csv",
        _FILE + r": this is a ZIP file \(an Excel \.xlsx workbook\?\), not CSV text; give it the "
        r"\.xlsx suffix, or save the sheet as CSV",
        "{file}：这是 ZIP 文件（Excel .xlsx 工作簿？），不是 CSV 文本；"
        "请把文件后缀改为 .xlsx，或把工作表另存为 CSV",
    ),
    Template(
        "zip-archive",
        _FILE + r": this is a ZIP archive \(holding (?P<names>.+?)(?: and (?P<more>\d+) more)?\), "
        r"not an Excel workbook or CSV text; extract the plot table from it \(unzip\) and give "
        r"that file",
        "{file}：这是 ZIP 压缩包（内含 {names}{more}），不是 Excel 工作簿或 CSV 文本；"
        "请先解压出其中的小区数据表（unzip），再给出该文件",
    ),
    Template(
        "compressed-file",
        _FILE + r": this is an? (?P<kind>gzip-compressed|bzip2-compressed|xz-compressed|"
        r"Zstandard-compressed|7-Zip archive|RAR archive) \((?P<suffix>\.\w+)\)(?: file)?, not "
        r"CSV text or an Excel workbook; decompress it first \(e\.g\. gunzip, bunzip2, unxz or "
        r"7-Zip\) and give the table inside",
        "{file}：这是 {suffix} 压缩文件，不是 CSV 文本或 Excel 工作簿；"
        "请先解压（如用 gunzip、bunzip2、unxz 或 7-Zip），再给出其中的数据表",
    ),
    Template(
        "utf32-text",
        _FILE + r": the file looks like UTF-32 text \(four bytes per character\); pass "
        r"--encoding (?P<codec>utf-32-(?:le|be)) \(encoding='(?P=codec)' in Python\), or save "
        r"it as 'CSV UTF-8'",
        "{file}：该文件看似 UTF-32 文本（每个字符 4 字节）；请加 --encoding {codec}"
        "（Python 中为 encoding='{codec}'），或另存为“CSV UTF-8”",
    ),
    Template(
        "utf16-without-bom",
        _FILE + r": the file looks like (?P<name>UTF-16-(?:LE|BE)) text without a byte-order "
        r"mark \(as Excel's 'Unicode text' can save it\), which yieldtrial does not guess; "
        r"save it as 'CSV UTF-8' \(in Excel: File > Save As > CSV UTF-8\), or pass --encoding "
        r"(?P<codec>utf-16-(?:le|be)) \(encoding='(?P=codec)' in Python\)",
        "{file}：该文件看似没有字节顺序标记（BOM）的 {name} 文本（Excel 的“Unicode 文本”可能"
        "这样保存），yieldtrial 不做猜测；请另存为“CSV UTF-8”（Excel：文件 > 另存为 > CSV "
        "UTF-8），或加 --encoding {codec}（Python 中为 encoding='{codec}'）",
    ),
    Template(
        "binary-nul",
        _FILE + r": the file is binary \(it holds NUL bytes\), not a text table; give a CSV file "
        r"\(UTF-8 or GBK text\), or an \.xlsx workbook with the \.xlsx suffix",
        "{file}：这是二进制文件（含 NUL 字节），不是文本数据表；请给出 CSV 文件"
        "（UTF-8 或 GBK 文本），或后缀为 .xlsx 的 Excel 工作簿",
    ),
    Template(
        "sep-line",
        _FILE + r": row 1 is Excel's separator line \('sep=\.\.\.'\), not the header; delete it "
        r"\(the header is row 2\): yieldtrial recognises comma, semicolon and tab separators "
        r"from the header row",
        "{file}：第 1 行是 Excel 的分隔符声明行（'sep=...'），不是表头；请删除该行"
        "（表头在第 2 行）：yieldtrial 会从表头行识别逗号、分号和制表符分隔符",
    ),
    Template(
        "header-repeated",
        _FILE + r": row (?P<row>\d+) repeats the header row \(were several exports joined into "
        r"one file\?\); delete that row, keeping the header at the top",
        "{file}：第 {row} 行重复了表头行（是否把几次导出的文件拼接在了一起？）；"
        "请删除该行，只保留最上面的表头",
    ),
    Template(
        "header-only",
        _FILE + r": the table has no plot rows \(only a header\); expected one row per plot",
        "{file}：数据表中没有小区行（只有表头）；每个小区应占一行",
    ),
    Template(
        "header-twice",
        _FILE + r": column header (?P<column>" + _R + r"(?:, " + _R + r")*) appears more than "
        r"once; give every column its own name",
        "{file}：列名 {column} 出现了不止一次；请给每一列一个不同的名称",
    ),
    Template(
        "merged-cells",
        _FILE + r": merged cells \(Merge & Center\) in (?P<cells>.+): only the first cell of a "
        r"merged range holds its value, so the other plots would read as empty\. Unmerge the "
        r"cells and fill the value into every row",
        "{file}：{cells} 为合并单元格（合并后居中）：合并区域只有第一个单元格有值，"
        "其余小区会被读作空值。请取消合并，并在每一行填入该值",
        lists=("cells",),
    ),
    Template(
        "first-row-empty",
        _FILE + r": the first row of the sheet is empty; expected the header row there",
        "{file}：工作表第一行为空；表头应在第一行",
    ),
    Template(
        "neither-utf8-nor-gbk",
        _FILE + r": the file is neither UTF-8 nor GB18030/GBK text; save it as 'CSV UTF-8' or "
        r"pass its encoding \(encoding=, command line --encoding\): e\.g\. cp1252 for a Western "
        r"European Excel file \(é, ô, ü\), big5 for Traditional Chinese",
        "{file}：该文件既不是 UTF-8 也不是 GB18030/GBK 文本；请另存为“CSV UTF-8”，"
        "或用 --encoding 给出其编码：如西欧语言的 Excel 文件用 cp1252（é、ô、ü），"
        "繁体中文用 big5",
    ),
    Template(
        "map-suffix",
        r"--map (?P<path>" + _Q + r"): unknown figure type; use a \.png, \.svg or \.pdf file "
        r"name\.",
        "--map {path}：无法识别的图形类型；请使用 .png、.svg 或 .pdf 文件名。",
    ),
    Template(
        "pattern-no-match",
        r"the pattern (?P<pattern>" + _Q + r") matches no plot table \(files ending in "
        r"(?P<suffixes>[.\w, ]+)\)",
        "模式 {pattern} 没有匹配到任何小区数据表（后缀为 {suffixes} 的文件）",
    ),
    Template(
        "unsaved-formula",
        _FILE + r": cells? (?P<cells>.+?)(?: and (?P<more>[\d,]+) more)? holds? a formula "
        r"whose result was never saved \(the file was written by a program that does not "
        r"calculate\), so the value is unknown\. Open the workbook in Excel or LibreOffice and "
        r"save it, or replace the formulas by their values",
        "{file}：单元格 {cells}{more}中的公式从未保存计算结果（写出该文件的程序不做计算），"
        "因此其值未知。请用 Excel 或 LibreOffice 打开并保存该工作簿，或把公式替换为其值",
    ),
    # stop 39 (fourth pass): trial.toml, design and standardize lines still English
    Template(
        "standardize-moisture-range",
        r"moisture (?P<moisture>[-\d.e+]+) % is outside the plausible harvest range for "
        r"(?P<crop>.+?) \((?P<low>[\d.]+)-(?P<high>[\d.]+) %\); check for a typing error",
        "含水量 {moisture}% 超出{crop}收获时的合理含水量范围（{low}-{high}%）；请检查是否录入错误",
    ),
    Template(
        "example-documentation-table",
        r"example (?P<name>" + _R + r") is a table of the documentation \(see its README\.md\), "
        r"not the plot table of a trial that standardize reads; --example takes: "
        r"(?P<names>[\w, -]+)",
        "示例 {name} 是文档中的数据表（见其 README.md），不是 standardize 可读取的试验小区数据表；"
        "--example 可用：{names}",
    ),
    Template(
        "toml-too-deep",
        r"trial description (?P<path>" + _R + r") nests arrays or tables too deeply to be read; "
        r"a trial\.toml needs at most a few levels \(see docs/trial-toml\.md\)\.",
        "试验描述文件 {path} 中数组或表嵌套过深，无法读取；trial.toml 最多只需几层"
        "（见 docs/trial-toml.md）。",
    ),
    Template(
        "toml-long-number",
        r"trial description (?P<path>" + _R + r") holds a number of thousands of digits"
        r"(?: at line (?P<line>\d+))?, more than Python reads or shows; no trial\.toml setting "
        r"needs one: check that line \(see docs/trial-toml\.md\)\.",
        "试验描述文件 {path}{line}有一个长达数千位的数字，超出可读取或显示的范围；"
        "trial.toml 的任何设置都不需要这样的数字：请检查该行（见 docs/trial-toml.md）。",
    ),
    Template(
        "toml-too-large",
        r"trial description (?P<path>" + _R + r") is (?P<size>[\d,]+) bytes; a trial\.toml is "
        r"a few kilobytes \(at most (?P<limit>[\d,]+) bytes are read\)\. Is it the right file\?",
        "试验描述文件 {path} 有 {size} 字节；trial.toml 通常只有几 KB（最多读取 {limit} 字节）。"
        "是否给错了文件？",
    ),
    Template(
        "factors-and-roles",
        _WHERE + r": give the factor columns either as factors = \[\.\.\.\] or by role "
        r"\((?P<roles>[\w, ]+)\), not both\.",
        "{where}：因素列请用 factors = [...] 或按角色（{roles}）给出，不要同时给出。",
    ),
    Template(
        "design-takes-roles",
        _WHERE + r": design (?P<design>" + _R + r") takes (?P<first>\w+) \(and optionally "
        r"(?P<second>\w+); the treatment column otherwise\); got (?P<roles>[\w, ]+)\.",
        "{where}：设计 {design} 用 {first}（以及可选的 {second}，否则为 treatment 列）指定因素列；"
        "现为 {roles}。",
    ),
    Template(
        "zh-products-table",
        _WHERE + r": \[zh\] products must be a table of product name -> Chinese name, e\.g\. "
        r"\[zh\.products\] \"compound fertilizer\" = \"复合肥\"\.",
        '{where}：[zh] products 应为“产品名 -> 中文名”的表，如 [zh.products] "compound '
        'fertilizer" = "复合肥"。',
    ),
    Template(
        "contrast-with-itself",
        _WHERE + r": \[\[contrasts\]\] entry (?P<n>\d+) \((?P<name>" + _R + r")\) compares "
        r"(?P<label>" + _R + r") with itself; versus must name another treatment\.",
        "{where}：第 {n} 个 [[contrasts]]（{name}）将 {label} 与其自身比较；"
        "versus 应为另一个处理。",
    ),
    Template(
        "contrasts-same-name",
        _WHERE + r": \[\[contrasts\]\] entries (?P<first>\d+) and (?P<second>\d+) are both named "
        r"(?P<name>" + _R + r"); give each contrast its own name\.",
        "{where}：第 {first} 个和第 {second} 个 [[contrasts]] 都名为 {name}；"
        "请给每个对比各起一个名称。",
    ),
    Template(
        "contrast-unknown-treatment",
        r"contrast (?P<name>"
        + _R
        + r") compares (?P<label>"
        + _R
        + r") with (?P<versus>"
        + _R
        + r"), but the treatments are (?P<present>.+); fix treatment/versus in \[\[contrasts\]\] "
        r"of trial\.toml\.",
        "对比 {name} 将 {label} 与 {versus} 比较，但现有处理为 {present}；"
        "请更正 trial.toml 中 [[contrasts]] 的 treatment/versus。",
    ),
    Template(  # analyze_many(contrasts=...): network/_summary.py
        "network-contrast-unknown-label",
        r"contrast (?P<name>" + _R + r") names (?P<label>" + _R + r"), which is not a "
        r"treatment of the network; treatments: (?P<present>.+)",
        "对比 {name} 中的 {label} 不是本试验网络的处理；现有处理：{present}",
    ),
    Template(  # check_number's refusals of a weight (tidy56b)
        "network-contrast-weight-not-number",
        r"contrast (?P<name>" + _R + r"): weight of (?P<label>" + _R + r") = (?P<value>.+?)"
        r"(?P<why>; expected a number|; expected a finite number| is text; write the number "
        r"without quotes \(weight of (?P=label) = (?P<number>[^()]+)\))\.",
        "对比 {name}：{label} 的权重 = {value}{why}。",
    ),
    Template(
        "network-contrast-zero-weights",
        r"contrast (?P<name>" + _R + r") has only zero weights; give e\.g\. "
        r"(?P<example>\{'T': 1, 'CK2': -1\})",
        "对比 {name} 的权重全为零；请给出非零权重，如 {example}",
    ),
    Template(
        "network-contrast-not-weights",
        r"contrast (?P<name>" + _R + r") must map treatment labels to weights, e\.g\. "
        r"(?P<example>\{'T': 1, 'CK2': -1\}); got (?P<got>.+)",
        "对比 {name} 须为处理标签到权重的映射，如 {example}；现为 {got}",
    ),
    Template(
        "network-contrasts-not-mapping",
        r"contrasts must map each contrast's name to its weights, e\.g\. "
        r"(?P<example>\{'T vs CK2': \{'T': 1, 'CK2': -1\}\}); got (?P<got>\w+)",
        "contrasts 须为对比名称到其权重的映射，如 {example}；现为 {got}",
    ),
    Template(
        "fertilization-treatments-list",
        _WHERE + r": \[conditions\] fertilization entry (?P<n>\d+): treatments = (?P<value>.+); "
        r"expected a list of treatment labels, e\.g\. treatments = \[\"CK\", \"T1\"\]\.",
        "{where}：[conditions] 第 {n} 个 fertilization：treatments = {value}；"
        '应为处理标签的列表，如 treatments = ["CK", "T1"]。',
    ),
    Template(
        "toml-label-not-treatment",
        _WHERE + r": (?P<place>\[conditions\] fertilization entry \d+ names|\[economics\] "
        r"\w+ gives a cost for) (?P<labels>" + _R + r"(?:, " + _R + r")*), which (?:is not "
        r"a treatment|are not treatments) of the plot table; treatments present: "
        r"(?P<present>.+?)\. Fix the label "
        r"\(labels are case-sensitive\) or remove it\.",
        "{where}：{place} {labels} 不是小区数据表中的处理；现有处理：{present}。"
        "标签区分大小写：请更正标签或将其删去。",
        lists=("labels", "present"),  # stop 50: joined by ", " in Chinese
    ),
    Template(
        "economics-unused-price",
        # trial.toml or TrialConfig: its tables; FieldTrial.economics(prices=...): the
        # argument and the fertilizer's products (one message, config.warn_unused_prices)
        r"(?:(?P<where>" + _Q + r"|the trial description|TrialConfig): \[economics\] )?"
        r"prices gives a price for (?P<names>"
        + _R
        + r"(?:, "
        + _R
        + r")*(?: and \d+ more)?), which no (?P<named_by>\[\[treatments\]\] table|treatment's "
        r"fertilizer) names as (?:its|their) product, so (?:it is|they are) not used \(the "
        r"products: (?P<products>.+?)\); check the spelling against (?P<spelled>product = "
        r"\.\.\.|the products' names), or remove (?:it|them)",
        "{where}prices 中有未被使用的价格：{names}；没有{named_by}以其为产品（现有产品："
        "{products}）；请对照{spelled}检查拼写，或将其删去",
        lists=("names", "products"),
    ),
    Template(
        "illustrative-no-value",
        _WHERE
        + r": \[conditions\]: illustrative lists (?P<keys>"
        + _R
        + r"(?:, "
        + _R
        + r")*), for which the file gives no value, so nothing would be marked; given: "
        r"(?P<given>.+?)\. Add (?P<places>.+?), or take (?:it|them) out of illustrative\.",
        "{where}：[conditions]：illustrative 列出了 {keys}，但文件没有给出其值，"
        "因而不会标注任何内容；已给出：{given}。请加上 {places}，或将其从 illustrative 中删去。",
    ),
    Template(
        "design-needs-row-column",
        r"design 'latin' needs row and column columns \(the field position of each plot: "
        r"row/行, column/col/列\); the plot table has no (?P<absent>row or column|row|column) "
        r"column\. Add them, or use --design rcbd",
        "拉丁方设计需要 row 和 column 列（每个小区的田间位置：row/行，column/col/列）；"
        "小区数据表中没有 {absent} 列。请添加这些列，或改用 --design rcbd",
    ),
    Template(
        "design-needs-positions",
        r"design (?P<design>" + _R + r") needs the column\(s\) (?P<absent>[\w, ]+) \(the "
        r"position of each plot within its replicate\); the plot table has none\. Add them "
        r"\(in Python, rename yours: plots\.rename\(columns=\{'<your column>': (?P<first>"
        + _R
        + r")\}\)\), or name them in trial\.toml \(\[analysis\] incomplete_block / row / column = "
        r"'<column>'\)",
        "设计 {design} 需要列 {absent}（每个小区在其重复内的位置）；小区数据表中没有。"
        "请添加这些列，或在 trial.toml 中指明（[analysis] incomplete_block / row / column = "
        "'<列名>'）",
    ),
    Template(
        "augmented-needs-entries",
        r"an augmented design needs repeated checks and unreplicated entries; found "
        r"(?P<checks>\d+) check\(s\) and (?P<entries>\d+) entr\(y/ies\) in (?P<column>"
        + _R
        + r")\. Pass checks=\[\.\.\.\] if the checks are not the only repeated treatments\.",
        "增广设计需要有重复的对照和无重复的参试材料；在 {column} 中找到 {checks} 个对照、"
        "{entries} 个参试材料。若对照不是唯一有重复的处理，请（在 Python 中）传入 checks=[...]。",
    ),
    Template(
        "two-factor-needs-factors",
        r"design (?P<design>" + _R + r") needs --factors with the (?P<role0>" + _ROLE + r") and "
        r"(?P<role1>" + _ROLE + r") columns \(comma-separated\), or --factors with the "
        r"(?P=role0) column alone and the treatment column as the (?P=role1) factor; got no "
        r"--factors",
        "设计 {design} 需要 --factors 给出{role0}和{role1}两列（以逗号分隔），"
        "或只给出{role0}列、以 treatment 列为{role1}因素；现在没有 --factors",
        roles=("role0", "role1"),
    ),
    Template(
        "two-factors-same-column",
        r"the two factors of a (?P<design>" + _R + r") must be two different columns other than "
        r"block; got (?P<got>\(.*\))",
        "{design} 的两个因素必须是 block 以外的两个不同的列；现为 {got}",
    ),
    Template(
        "columns-same-name",
        _FILE + r": columns (?P<first>" + _R + r") and (?P<second>" + _R + r") would both be "
        r"named (?P<new>" + _R + r"); rename one with the column mapping, e\.g\. --column "
        r"(?P<example>.+)",
        "{file}：列 {first} 和 {second} 都会被命名为 {new}；请用列对应给其中一列改名，"
        "如 --column {example}",
    ),
    Template(
        "treatment-no-observed-yield",
        r"treatments? (?P<parts>.+?) (?:has|have) no observed yield: every plot is missing "
        r"\(empty mass or yield\), so no mean can be estimated and the trial cannot be analysed "
        r"with (?:it|them)\. Delete (?:its|their) rows from the plot table \(and from the "
        r"control and treatment list\) to analyse the other treatments, or fill in the harvest "
        r"data",
        "处理 {parts}没有实测产量：其全部小区均缺失（质量或产量为空），无法估计平均值，"
        "试验也无法连同它一起分析。请从小区数据表（以及对照和处理列表）中删去其行以分析其余处理，"
        "或填入收获数据",
        lists=("parts",),
    ),
    Template(
        "augmented-lost-entry",
        r"augmented design: (?P<n>[\d,]+) entr(?:y|ies) without a yield \(lost plots?\): "
        r"(?P<parts>.+?); an unreplicated entry has no mean without its plot, so "
        r"(?:it is|they are) left out of the analysis and the report; the checks and the "
        r"other entries are analysed as before",
        "增广设计：{n} 个品系（处理）无产量（小区缺失）：{parts}；不设重复的品系缺少其小区便无法"
        "估计均值，因此不参加分析、不列入报告；对照和其他品系照常分析",
        lists=("parts",),
    ),
    Template(
        "augmented-few-df",
        r"only (?P<df>\d+) residual df \(fewer than (?P<least>\d+)\): the error variance of "
        r"this augmented design comes from its checks alone, so comparisons of the entries will "
        r"have little power; add checks to each block or add blocks \((?P=least) df or more "
        r"with (?P<checks>\d+) checks in each of these (?P<blocks>\d+) blocks(?:, or with "
        r"(?P<more_blocks>\d+) blocks of these (?P<these_checks>\d+) checks)?\)",
        "误差自由度仅 {df}（少于 {least}）：增广设计的误差方差只来自对照，"
        "参试材料间的比较检验功效低；应增加每个区组的对照数或增加区组数"
        "（这 {blocks} 个区组各设 {checks} 个对照{alternative}，"
        "误差自由度即可达到 {least} 或以上）",
    ),
    Template(
        "augmented-entry-three-plots",
        r"treatment (?P<label>" + _Q + r") is marked 'entry' in entry_type but has "
        r"(?P<n>\d+) plots \((?P<kind>plots|rows) (?P<plots>.+?)\); an entry has one plot, or "
        r"two in different blocks \(a p-rep trial\): mark it 'check' if it is repeated on "
        r"purpose, or correct the treatment labels\.",
        "处理 {label} 在 entry_type 列中标为 'entry'，却有 {n} 个小区（{plots}）；参试材料只有"
        "一个小区，部分重复试验中为不同区组的两个小区：若有意重复，请标为 'check'，"
        "否则请更正处理标签。",
    ),
    Template(
        "augmented-entry-twice-in-block",
        r"treatment (?P<label>" + _Q + r") is marked 'entry' in entry_type but has both its "
        r"plots \((?P<kind>plots|rows) (?P<plots>.+?)\) in block (?P<block>" + _Q + r"); a "
        r"replicated entry of a p-rep trial has its two plots in different blocks: correct the "
        r"block or the treatment label of one of them\.",
        "处理 {label} 在 entry_type 列中标为 'entry'，其两个小区（{plots}）却都在区组 {block}；"
        "部分重复试验中重复的参试材料的两个小区位于不同区组：请更正其中一个小区的区组"
        "或处理标签。",
    ),
    Template(
        "augmented-entry-type-value",
        r"entry_type of treatment (?P<label>" + _R + r")(?: \(plot (?P<plot>" + _R + r")\))? "
        r"is (?P<value>" + _R + r"|[^;]+); an augmented field book marks each plot 'check' or "
        r"'entry': correct it \(or remove the entry_type column\)\.",
        "处理 {label}{plot}的 entry_type 为 {value}；增广设计的田间记录本中每个小区标为 "
        "'check'（对照）或 'entry'（参试材料）：请更正（或删除 entry_type 列）。",
    ),
    Template(
        "augmented-entry-type-both",
        r"treatment (?P<label>" + _R + r") is marked both 'check' and 'entry' in entry_type; "
        r"mark every plot of a treatment the same way\.",
        "处理 {label} 在 entry_type 列中既标为 'check' 又标为 'entry'；同一处理的各小区应"
        "标记一致。",
    ),
    Template(
        "augmented-check-one-plot",
        r"treatment (?P<label>" + _R + r") is marked 'check' in entry_type but has 1 plot; a "
        r"check is repeated in every block: mark it 'entry', or add its plots\.",
        "处理 {label} 在 entry_type 列中标为 'check'，却只有 1 个小区；对照在每个区组中重复"
        "种植：请标为 'entry'，或补上其小区。",
    ),
    Template(
        "augmented-block-without-checks",
        r"block (?P<block>" + _R + r") has no check plot with a yield, so its entries "
        r"(?P<entries>" + _R + r"(?:, " + _R + r")*) cannot be adjusted \(nor the block effect "
        r"estimated\)\. Every block of an augmented design needs its checks: fill in their "
        r"yields, or fit the blocks as random \(block_effects = 'random' in FieldTrial or under "
        r"\[analysis\] in trial\.toml\)\.",
        "区组 {block} 没有有产量的对照小区，因此其参试材料 {entries} 无法校正（区组效应也无法"
        "估计）。增广设计的每个区组都需要对照：请补填对照的产量，或将区组作为随机效应"
        "（trial.toml 的 [analysis] 下或 FieldTrial 中设 block_effects = 'random'）。",
    ),
    Template(
        "augmented-block-unlinked",
        r"block (?P<block>" + _R + r") has no check plot with a yield and no replicated entry "
        r"linking it to the blocks with checks, so its entries (?P<entries>"
        + _R
        + r"(?:, "
        + _R
        + r")*(?:, \.\.\.)?) cannot be adjusted(?: \(nor those of block\(s\) "
        r"(?P<others>" + _R + r"(?:, " + _R + r")*(?:, \.\.\.)?)\))?: the p-rep design is "
        r"disconnected\. Fill in the yields of the checks of block (?P=block), give one of its "
        r"entries a second plot in a block with checks, or fit the blocks as random "
        r"\(block_effects = 'random' in FieldTrial or under \[analysis\] in trial\.toml\)\.",
        "区组 {block} 没有有产量的对照小区，也没有重复的参试材料把它与有对照的区组相连，因此"
        "其参试材料 {entries} 无法校正{others}：部分重复设计不连通。请补填区组 {block} 中对照"
        "的产量，或把其中一个参试材料的第二个小区种在有对照的区组，或将区组作为随机效应"
        "（trial.toml 的 [analysis] 下或 FieldTrial 中设 block_effects = 'random'）。",
    ),
    Template(
        "augmented-typed-twice",
        r"augmented design without an entry_type column: (?P<sparse>.+?) (?:is|are) on more "
        r"than one plot but not in all the blocks of the checks \((?P<full>.+?): "
        r"(?P<most>\d+) blocks\), and analysed as check\(s\) \(the treatments on more than one "
        r"plot\)\. If an entry label was typed twice, correct it; if it is a check or a "
        r"replicated \(p-rep\) entry, mark every plot check or entry in an entry_type column, "
        r"or name the checks \(--checks, \[analysis\] checks\)",
        "增广设计没有 entry_type 列：{sparse}有多个小区，却不像对照（{full}，{most} 个区组）那样"
        "种在所有区组，因而按对照分析（有多个小区的处理即视为对照）。若是参试材料的标签重复"
        "输入，请更正；若确为对照或部分重复的参试材料，请在 entry_type 列中把每个小区标为 "
        "'check' 或 'entry'，或用 --checks（或 trial.toml 的 [analysis]）指定对照",
    ),
    Template(
        "augmented-named-check-one-plot",
        r"treatment (?P<label>" + _Q + r") is named in checks \((?P<checks>.+?)\) but has "
        r"(?P<n>\d+) plots?; a check is repeated in every block: name only the treatments "
        r"repeated in every block as checks\.",
        "处理 {label} 被指定为对照（checks：{checks}），却只有 {n} 个小区；对照在每个区组中"
        "都有：只把在每个区组都有的处理指定为对照。",
        lists=("checks",),
    ),
    Template(
        "augmented-not-named-plots",
        r"treatment (?P<label>" + _Q + r") is not named in checks \((?P<checks>.+?)\) but has "
        r"(?P<n>\d+) plots, so it is no entry \(an entry has one plot, or two in different "
        r"blocks: a p-rep trial\); add it to the checks if it is repeated in every block, or "
        r"correct the treatment labels\.",
        "处理 {label} 未被指定为对照（checks：{checks}），却有 {n} 个小区，因而不是参试材料"
        "（参试材料只有一个小区，部分重复试验中为不同区组的两个小区）：若它在每个区组都有，"
        "请把它加入对照，否则请更正处理标签。",
        lists=("checks",),
    ),
    Template(
        "augmented-not-named-block",
        r"treatment (?P<label>" + _Q + r") is not named in checks \((?P<checks>.+?)\) but has "
        r"both its plots in block (?P<block>" + _Q + r"), so it is no entry \(an entry has one "
        r"plot, or two in different blocks: a p-rep trial\); add it to the checks if it is "
        r"repeated in every block, or correct the treatment labels\.",
        "处理 {label} 未被指定为对照（checks：{checks}），其两个小区却都在区组 {block}，"
        "因而不是参试材料（参试材料只有一个小区，部分重复试验中为不同区组的两个小区）："
        "若它在每个区组都有，请把它加入对照，否则请更正处理标签。",
        lists=("checks",),
    ),
    Template(
        "augmented-checks-unknown",
        r"check\(s\) (?P<checks>.+?) named in checks are not treatments of the plot table "
        r"\(column 'treatment' holds (?P<present>.+)\); name the checks by their labels in "
        r"that column\.",
        "指定的对照 {checks} 不是小区数据表中的处理（'treatment' 列为 {present}）；请用该列中的"
        "标签指定对照。",
        lists=("present", "checks"),
    ),
    Template(
        "augmented-no-checks",
        r"control (?P<label>" + _R + r") cannot be a check: this augmented design has no checks "
        r"\(no treatment is marked 'check' in the entry_type column, or, without that column, "
        r"planted in more than one plot\); mark the checks 'check' in entry_type",
        "对照 {label} 不能作为对照品种：该增广设计没有对照（entry_type 列中没有标为 'check' 的"
        "处理；无该列时，也没有种植于多个小区的处理）；请在 entry_type 列中将对照标为 'check'",
    ),
    Template(
        "augmented-checks-design",
        r"checks are named, which makes the design augmented, but the design given is "
        r"(?P<design>" + _Q + r"): set design = \"augmented\" \(command line: --design "
        r"augmented\), or leave the checks out\.",
        "指定了对照列表，即为增广设计，但给定的设计为 {design}：请将设计改为增广设计（--design "
        "后写 'augmented'），或不指定对照列表。",
    ),
    Template(
        "augmented-checks-entry-type",
        r"the entry_type column marks (?P<marked>.+?) as check\(s\), but checks names "
        r"(?P<checks>.+?); correct the entry_type column, or leave the checks out \(the column "
        r"then says which are checks\)\.",
        "entry_type 列标为对照的是 {marked}，而指定的对照（--checks）为 {checks}；请更正 "
        "entry_type 列，或不指定对照列表（由该列标明对照）。",
        lists=("marked", "checks"),
    ),
    Template(
        "alpha-entry-repeated",
        r"an entry appears more than once in one replicate of the (?P<design>alpha|row-column) "
        r"design: (?P<repeats>.+?)\. A resolvable design plants each entry once per replicate: "
        r"check the treatment labels of these plots against the field book, or name the entry "
        r"as a control \(--control, \[analysis\] control\) if it is a check meant to repeat",
        "{design}设计的同一重复中有品系出现不止一次：{repeats}。可分组设计在每个重复中每个品系"
        "只种一次：请对照田间记录簿核对这些小区的处理标签；若该品系是有意重复的对照，请将其"
        "指定为对照（--control，或 [analysis] 中的 control）",
    ),
    Template(
        "crd-ignores-blocks",
        r"design 'crd' ignores the block column \((?P<n>[\d,]+) blocks\): the variation "
        r"between the blocks goes into the error, so the error is larger and the tests less "
        r"sensitive; design 'rcbd' would use the blocks",
        "设计 'crd' 未使用 'block' 列（{n} 个区组）：区组间的变异计入误差，误差因而偏大、"
        "检验的灵敏度降低；设计 'rcbd' 会利用这些区组",
    ),
    Template(
        "rcbd-ignores-incomplete-blocks",
        r"design 'rcbd' ignores the incomplete_block column \((?P<n>[\d,]+) incomplete "
        r"blocks\): the variation between the incomplete blocks goes into the error, so the "
        r"error is larger and the tests less sensitive; design 'alpha' would use the "
        r"incomplete blocks",
        "设计 'rcbd' 未使用 'incomplete_block' 列（{n} 个不完全区组）：不完全区组间的变异计入"
        "误差，误差因而偏大、检验的灵敏度降低；设计 'alpha' 会利用这些不完全区组",
    ),
    Template(
        "design-one-replicate",
        r"design (?P<layout>crd|rcbd|split_plot) with (?P<flag>--blocks|--replicates) 1: each "
        r"treatment gets one plot, so the trial has no error degrees of freedom and no test of "
        r"treatment differences will be possible \(the report can only describe the yields\); "
        r"give (?P=flag) 2 or more \(3 or 4 is usual\) for a replicated trial",
        "设计 {layout} 的 {flag} 为 1：每个处理只有一个小区，试验没有误差自由度，无法检验处理间"
        "的差异（报告只能描述产量）；重复试验请用 {flag} 2 或更多（通常为 3 或 4）",
    ),
    Template(
        "single-block",
        r"block has one level \((?P<level>" + _R + r")\) for all (?P<n>[\d,]+) plots, while "
        r"treatments have up to (?P<most>\d+) plots each: was the block \(replicate\) of each "
        r"plot filled in\? With one block the RCBD has no block effect \(0 df\) and is analysed "
        r"as a completely randomized design; fill in the blocks, or give the design as crd",
        "全部 {n} 个小区的区组只有一个水平（{level}），而每个处理最多有 {most} 个小区："
        "是否填写了每个小区的区组（重复）？只有一个区组时，随机区组设计没有区组效应（0 df），"
        "按完全随机设计分析；请填写区组，或把设计指定为 crd",
    ),
    Template(
        "several-sites",
        r"the plot table holds (?P<n>[\d,]+) sites \((?P<sites>.+)\) in its site column; a "
        r"single-trial analysis would pool them \(block '1' of every site merged into one "
        r"block\)\. Analyse one site with trial\.site\((?P<first>" + _R + r")\), or every site "
        r"with trial\.analyze_sites\(by='site'\) \(command line: yieldtrial network PLOTS --by "
        r"site, or keep one site's rows in the file\); when every site has one plot per "
        r"treatment \(an on-farm demonstration network\), that across-site analysis pools the "
        r"sites as the blocks of an RCBD and tests the treatments against the check \(see "
        r"docs/networks\.md\)",
        "小区数据表的 site 列中有 {n} 个试点（{sites}）；单试验分析会把它们合并"
        "（各试点的区组 '1' 被并为一个区组）。请用 yieldtrial network PLOTS --by site 分析"
        "全部试点，或在文件中只保留一个试点的行（Python：trial.site({first})、"
        "trial.analyze_sites(by='site')）；若每个试点每个处理只有一个小区（农户示范网络），"
        "多点分析把各试点当作随机区组的区组，并将各处理与对照比较（见 docs/networks.md）",
        lists=("sites",),
    ),
    Template(
        "margin-no-control",
        r"a non-inferiority margin \((?P<margin>[\d.e+-]+) %\) is set but no control: the "
        r"verdict compares each treatment with a control\. Give --control \(or control = in "
        r"\[analysis\] of trial\.toml\), or leave the margin out\.",
        "设了非劣效界值（{margin}%）却没有对照：结论是把各处理与对照比较。请用 --control 指定对照"
        "（或在 trial.toml 的 [analysis] 中写 control = ...），或去掉该界值。",
    ),
    Template(
        "model-exact-fit",
        r"the (?P<design>\w+) model of (?P<response>" + _R + r") fits every yield exactly "
        r"\(error sum of squares 0: no plot-to-plot variation\), as when the yields are "
        r"identical within each combination of the factors or were copied; no F test or "
        r"standard error is possible: check the yield values",
        "{design} 模型对 {response} 的每个产量都完全拟合（误差平方和为 0：小区间没有变异），"
        "如同各因素组合内的产量完全相同或是复制的；无法进行 F 检验，也无法计算标准误："
        "请检查产量数据",
    ),
    Template(
        "model-no-variation-in",
        r"the (?P<design>\w+) model of (?P<response>" + _R + r") leaves no variation in "
        r"(?P<terms>[\w, ]+?(?: and \w+)?) \(mean square 0 up to rounding\): the yields are "
        r"fitted exactly there, as when they were copied within each combination of the "
        r"factors; no F test or standard error against it is possible: check the yield values",
        "{design} 模型对 {response} 的 {terms} 没有变异（均方在舍入误差内为 0）：产量在该层被"
        "完全拟合，如同在各因素组合内被复制；无法以它作 F 检验或计算标准误：请检查产量数据",
    ),
    Template(
        "latin-not-square",
        r"design 'latin' needs a Latin square: (?P<t>\d+) rows x (?P=t) columns with each of "
        r"the (?P=t) treatments once in every row and column; (?P<why>a treatment appears "
        r"twice in one (?:row|column|row and one column)|the table has \d+ rows x \d+ columns)"
        r"\. Use design 'row_column' \(rows and columns within replicates\), 'alpha' or 'rcbd' "
        r"for this layout",
        "拉丁方设计需要一个拉丁方：{t} 行 × {t} 列，{t} 个处理在每行每列各出现一次；{why}。"
        "这种田间排列请改用 --design row_column（重复内的行和列）、alpha 或 rcbd",
    ),
    Template(
        "network-key-not-found",
        r"trial key column\(s\) (?P<keys>" + _R + r"(?:, " + _R + r")*) not in the plot table; "
        r"columns: (?P<columns>.+)\. Give --by COLUMN, or one file per site",
        "试验键列 {keys} 不在小区数据表中；表中的列：{columns}。请用 --by 指定列，"
        "或每个试点一个文件",
    ),
    Template(
        "network-control-not-found",
        r"control (?P<label>" + _R + r") is not a treatment of any trial; treatments present: "
        r"(?P<present>.+)\. Labels are case-sensitive: pass --control one of them \(or control "
        r"in the \[analysis\] table of trial\.toml\)",
        "对照 {label} 不是任何试验的处理；现有处理：{present}。标签区分大小写：请用 --control "
        "指定其中之一（或在 trial.toml 的 [analysis] 表中写 control）",
        lists=("present",),
    ),
    Template(
        "design-too-few-levels",
        r"(?P<name>treatments|checks|sub_treatments|controls) needs at least (?P<minimum>\d+) "
        r"levels; got (?P<n>\d+) \((?P<labels>.*)\)\.",
        "{name} 至少需要 {minimum} 个水平；现有 {n} 个（{labels}）。",
    ),
    Template(
        "design-level-twice",
        r"(?P<name>treatments|checks|sub_treatments|controls) lists (?P<labels>"
        + _R
        + r"(?:, "
        + _R
        + r")*) more than once; each level once \(the number of replicates is given separately\)\.",
        "{name} 中 {labels} 出现了不止一次；每个水平只写一次（重复数另行给出）。",
    ),
    Template(
        "no-such-example",
        r"no example named (?P<name>" + _R + r"); examples shipped: (?P<names>[\w, -]+)",
        "没有名为 {name} 的示例；随 yieldtrial 提供的示例：{names}",
    ),
    Template(
        "control-not-in-factors",
        r"control (?P<labels>" + _R + r"(?:, " + _R + r")*) (?:is not a treatment|are not "
        r"treatments) of this "
        r"(?P<design>" + _R + r") trial nor the level\(s\) of one of its factors \((?P<listing>.+)"
        r"\)\. Labels are case-sensitive: pass --control levels of one factor \(the means of "
        r"that factor are compared with it\)",
        "对照 {labels} 既不是本 {design} 试验的处理，也不是其某一因素的水平（{listing}）。"
        "标签区分大小写：请用 --control 指定某一因素的水平（该因素各水平的均值与之比较）",
    ),
    Template(
        "plan-percentage-range",
        r"(?P<option>--cv|--difference) \((?:CV of plot yields|difference to detect)\) must be "
        r"a percentage from (?P<low>[\d.,]+) to (?P<high>[\d.,]+) \(8 for 8 %\); got "
        r"(?P<got>\S+)",
        "{option} 应为 {low} 到 {high} 之间的百分数（8% 写作 8）；现为 {got}",
    ),
    Template(
        "plan-whole-range",
        r"(?P<option>--treatments|--replicates)(?: \(treatments, control included\))? must be "
        r"a whole number from (?P<low>\d+) to (?P<high>[\d,]+); got (?P<got>\S+)",
        "{option} 应为 {low} 到 {high} 之间的整数{included}；现为 {got}",
    ),
    Template(
        "plan-power-range",
        r"--power must be above --alpha \((?P<alpha>[\d.e-]+)\) and at most (?P<high>[\d.]+); "
        r"got (?P<got>[^;\s]+)(?:; power is a probability: write (?P<meant>[\d.]+) for "
        r"(?P<pct>[\d.]+) %)?",
        "--power 应大于 --alpha（{alpha}）且不超过 {high}；现为 {got}{hint}",
    ),
    Template(
        "option-not-finite",
        r"(?P<option>--alpha|--power) must be a finite number(?: from (?P<low>\S+) to "
        r"(?P<high>\S+)| above --alpha \((?P<alpha>\S+)\) and at most (?P<top>\S+))?; got "
        r"(?P<got>\S+)",
        "{option} 应为有限的数值{span}；现为 {got}",
    ),
    Template(
        "option-alpha-range",
        r"--alpha = (?P<value>\S+); a significance level must be from (?P<low>\S+) to "
        r"(?P<high>\S+), e\.g\. 0\.05 or 0\.01\.",
        "--alpha = {value}；显著性水平应在 {low} 至 {high} 之间，如 0.05 或 0.01。",
    ),
    Template(
        "percent-as-fraction-option",
        r"(?P<option>--[a-z-]+)=(?P<value>[\d.e+-]+) is read as (?P=value) %; if you meant "
        r"(?P<meant>[\d.e+]+) %, pass (?P=option)=(?P=meant) \(percent, e\.g\. (?P<example>\d+) "
        r"for (?P=example) %\)",
        "{option} {value} 按 {value}% 计；若指 {meant}%，请写作 {option} {meant}"
        "（以百分数表示，如 {example} 表示 {example}%）",
    ),
    Template(
        "os-error",
        r"cannot (?P<action>read or write|read|write|create the folder)(?: (?P<path>"
        + _R
        + _SHORTENED
        + r"))?: "
        r"(?P<reason>[^();]+) \((?P<hint>.+)\)",
        "无法{action} {path}：{hint}",
    ),
    Template(
        "output-is-folder",
        r"cannot write (?P<path>" + _R + r"): (?:it is a folder|it names a folder, not a file); "
        r"give a file name \(e\.g\. (?P<example>" + _R + r")\)",
        "无法写入 {path}：这是一个文件夹；请给出文件名（如 {example}）",
    ),
    Template(
        "figure-folder-name-too-long",  # report -o <a 250-byte name>.md (loose56)
        r"cannot write the figures of the report (?P<path>" + _R + _SHORTENED + r") into the "
        r"folder (?P<folder>" + _R + _SHORTENED + r") because that folder's name is "
        r"(?P<size>[\d,]+) bytes long, more than the (?P<limit>[\d,]+) the file system allows; "
        r"give the report a name of at most (?P<most>[\d,]+) bytes before its \.md, or leave "
        r"the figures out \(--no-figures, figures=False in Python\)",
        "无法把报告 {path} 的图写入文件夹 {folder}：该文件夹名长 {size} 字节，超过文件系统"
        "允许的 {limit} 字节；请给报告起一个短一些的名字（.md 之前最多 {most} 字节），"
        "或不输出图（--no-figures）",
    ),
    Template(
        "output-parent-is-file",
        r"cannot write (?P<path>" + _R + r"): (?P<parent>" + _R + r") is a file, not a folder; "
        r"check the path",
        "无法写入 {path}：{parent} 是文件而不是文件夹；请检查路径",
    ),
    Template(
        "mixed-encodings",
        _FILE + r": the file mixes text encodings: rows? (?P<rows>[\d, ]+?(?: and [\d,]+ more)?) "
        r"(?:is|are) not UTF-8 \(read as GBK, row (?P<first>\d+) says (?P<sample>" + _R + r")\) "
        r"while the other rows with non-ASCII text are UTF-8\. Save the whole file in one "
        r"encoding \(Excel: Save As 'CSV UTF-8'\), or pass --encoding if every row really uses "
        r"one",
        "{file}：文件混用了多种文本编码：第 {rows} 行不是 UTF-8（按 GBK 读取，第 {first} 行为 "
        "{sample}），而其他含非 ASCII 文本的行是 UTF-8。请把整个文件存为同一种编码"
        "（Excel：另存为“CSV UTF-8”），或在各行确实使用同一编码时给出 --encoding",
    ),
    Template(
        "design-does-not-take",
        r"design (?P<design>" + _R + r") does not take (?P<extra>[\w, ]+); it takes "
        r"(?P<takes>[\w, ]+?)(?P<latin> \(a Latin square has as many rows and columns as "
        r"treatments\))?\.",
        "{design} 设计不使用 {extra}；{takes}{latin}。",
    ),
    Template(
        "trial-key-blank",
        r"column (?P<column>" + _R + r") \(a trial key in by=\) is blank at row (?P<row>\d+); "
        r"every plot needs its trial identified\. Fill the (?P=column) labels or drop those rows\.",
        "试验键列 {column}（--by）第 {row} 行为空；每个小区都需要标明所属的试验。"
        "请填写 {column} 列，或删去这些行。",
    ),
    Template(
        "protocol-no-standard",
        r"protocol (?P<protocol>" + _R + r") has no standard moisture for (?P<name>" + _R + r"); "
        r"it covers: (?P<names>[\w, ]+)\. Use another protocol or give --standard-moisture-pct",
        "规程 {protocol} 没有 {name} 的标准含水量；它包括：{names}。请换一个规程（--protocol），"
        "或用 --standard-moisture-pct 给出标准含水量",
    ),
    Template(
        "output-name-empty",
        r"the output (?P<what>file|folder) name is empty; give a (?P=what) name",
        "输出{what}名为空；请给出{what}名",
        covers=("the output file name is empty;", "the output folder name is empty;"),
    ),
    Template(
        "report-as-plot-table",
        _FILE + r": this is a yieldtrial report \(Excel\), not a plot table; give the plot table "
        r"the report was made from \(for a sheet of plots added to it, name that sheet with "
        r"--sheet\)",
        "{file}：这是 yieldtrial 写出的报告（Excel），不是小区数据表；请给出生成该报告所用的"
        "小区数据表（若在报告中加了小区数据的工作表，请用 --sheet 指定该表）",
    ),
    Template(
        "network-all-invalid",
        r"every trial's harvest records are invalid \((?P<n>\d+) of (?P=n)\); first: "
        r"(?P<by>[\w/]+) (?P<trial>" + _R + r"): (?P<reason>.+)",
        "所有试验（共 {n} 个）的收获记录都无效；第一个：{by} {trial}：{reason}",
    ),
    Template(
        "header-read-twice",
        _FILE + r": columns (?P<cols>.+?) are all read as (?P<canonical>\w+); keep one, or "
        r"rename the others with columns=, e\.g\. columns=\{(?P<other>" + _R + r"): "
        r"'(?P<new>\w+)'\} \(command line: --column '(?P<plain>[^=']*)=(?P=new)'\)",
        "{file}：列 {cols} 都会被读作 '{canonical}' 列；请只保留一列，或改名其余列，"
        "如 --column '{plain}={new}'",
    ),
    Template(
        "rep-and-block",
        _FILE + r": columns (?P<cols>.+?) are both read as block\. In an alpha lattice or "
        r"another resolvable incomplete-block design (?P<rep>" + _R + r") holds the "
        r"replicates and 'block' the incomplete blocks within them: map them with "
        r"columns=\{(?P=rep): 'block', 'block': 'incomplete_block'\} \(command line: "
        r"--column '(?P<plain>[^=']*)=block' --column 'block=incomplete_block'\); otherwise "
        r"keep one of them",
        "{file}：列 {cols} 都会被读作区组。α 格子设计或其他可分解不完全区组设计中，"
        "{rep} 是重复、'block' 是重复内的不完全区组：请用 --column '{plain}=block' "
        "--column 'block=incomplete_block' 对应；否则只保留其中一列",
    ),
    Template(
        "network-by-twice",
        r"by names the column (?P<column>" + _R + r") twice \((?P<keys>\[.*\])\); give each trial "
        r"key column once",
        "--by 中列 {column} 出现了两次（{keys}）；每个试验键列只写一次",
    ),
    Template(
        "network-by-empty",
        r"by must name at least one trial key column",
        "--by 没有给出任何试验键列；请至少给出一列，如 --by site",
    ),
    Template(
        "network-same-bytes",
        r"(?P<first>" + _R + r") and (?P<second>" + _R + r") hold the same bytes, sites "
        r"included: the same plot table given twice \(a copy\?\) would count every plot "
        r"twice; give each table once",
        "{first} 与 {second} 的内容完全相同（试点也相同）：同一数据表给了两次（是副本吗？）"
        "会使每个小区计算两次；每个数据表只给一次",
    ),
    Template(
        "network-file-names-repeat",
        r"several files are named (?P<names>.+) \(the site name is the file name without its "
        r"suffix\); rename them or add a site column",
        "有多个文件名为 {names}（试点名取自去掉后缀的文件名）；请重命名这些文件，或添加 site 列",
        lists=("names",),
    ),
    Template(
        "network-column-two-roles",
        r"column (?P<column>"
        + _R
        + r") is given as both the (?P<first>"
        + _NETWORK_ROLE
        + r") and the (?P<second>"
        + _NETWORK_ROLE
        + r"); the response, treatment, block and "
        r"trial-key columns must be different columns\.",
        "列 {column} 同时被用作{first}和{second}；产量、处理、区组和试验键（--by）必须是不同的列。",
    ),
    Template(
        "network-one-file-one-trial",
        r"(?P<file>.+?) has no site column, so it is one trial, site (?P<site>" + _R + r") \(the "
        r"file's name\); for a network, give each site's rows their site in a column \(--by "
        r"COLUMN names it\), or one file per site",
        "{file} 没有试点列，因此按一个试验分析，试点名为 {site}（取自文件名）；若是多点试验，"
        "请在一列中给出各行所属的试点（用 --by COLUMN 指定该列），或每个试点一个文件",
    ),
    Template(
        "network-none-analysed",
        r"no trial could be analysed: (?P<n>[\d,]+) trials, all failed(?:; first reasons: "
        r"(?P<reasons>\(1\) .+?))?(?:; the other (?P<others_n>[\d,]+): (?P<others_by>[\w/]+) "
        r"(?P<others>" + _R + r"(?:, " + _R + r")*(?: and \d+ more)?))?\. Check the control, "
        r"treatment and block columns and the yields",
        "没有一个试验能够分析：共 {n} 个试验，全部失败{reasons}{others}。"
        "请检查对照、处理和区组列以及产量数据",
    ),
    Template(
        # stats.mixed.pooled_strata_messages, worded by the report's catalogue (one text for
        # the report's data-quality section and this line): see translate()
        "pooled-stratum",
        r"REML estimates the [a-z-]+ variance \(.+\) at zero, so the .+",
        "{chinese}",
    ),
    Template(
        # stats.compare._warn_borderline (Dunnett's or Tukey's adjusted P values integrated
        # numerically), worded by the report's catalogue as pooled-stratum is: see translate()
        "mvt-borderline",
        r"(?:Dunnett's comparisons with the control|Tukey's pairwise comparisons): \d+ "
        r"adjusted P value\(s\) lie within the stated error of their numerical integration "
        r"\(\S+, above 1e-4\) of alpha = \S+ \(closest: P = \S+\); their verdict at alpha "
        r"is uncertain: treat them as borderline",
        "{chinese}",
    ),
    Template(
        "audit-needs-harvest-columns",
        r"the plot table needs harvest columns \(fresh mass, moisture, area\) and one column "
        r"of published standardized yields with its unit, e\.g\. 'yield_kg_mu' or "
        r"'折标产量\(kg/亩\)' mapped with --column '折标产量\(kg/亩\)=yield_kg_mu' \(read as "
        r"reported_yield_kg_mu\), or named with --reported COLUMN; columns found: (?P<found>.*)",
        "小区数据表需要收获数据列（鲜重、含水量、面积）和一个带单位的公布折标产量列，如 "
        "'yield_kg_mu'，或用 --column '折标产量(kg/亩)=yield_kg_mu' 映射的 '折标产量(kg/亩)'"
        "（读作 reported_yield_kg_mu），或用 --reported COLUMN 指定该列；现有列：{found}",
    ),
    Template(
        "audit-reported-is-record",
        r"--reported (?P<column>" + _R + r") is a column of the harvest record or the layout, "
        r"not of published standardized yields; name the column holding the published figures "
        r"\(e\.g\. --reported yield_kg_mu, or map it with --column\)",
        "--reported {column} 是收获记录或田间布局中的列，不是公布的折标产量列；请指定存放公布"
        "数值的列（如 --reported yield_kg_mu，或用 --column 映射）",
    ),
    Template(
        "audit-reported-not-numbers",
        r"--reported column (?P<column>" + _R + r") holds (?P<n>[\d,]+) values? that (?:are|is) "
        r"not a finite number \((?P<items>.+)\); name the column of published standardized "
        r"yields, or correct those cells",
        "--reported 列 {column} 中有 {n} 个值不是有限数值（{items}）；请指定公布折标产量所在的"
        "列，或更正这些单元格",
        lists=("items",),
    ),
    Template(
        "audit-no-plot-both",
        r"no plot has both a harvest record and a published figure in (?P<column>" + _R + r")",
        "没有小区同时具有收获记录和 {column} 中的公布数值",
    ),
    Template(
        "design-map-same-file",
        r"--map (?P<map>" + _R + r") and -o (?P<output>" + _R + r") name the same file; give the "
        r"field map its own name \(e\.g\. --map map\.svg\)",
        "--map {map} 与 -o {output} 是同一个文件；请给田间图另起文件名（如 --map map.svg）",
    ),
    Template(
        "network-no-yield-column",
        _FILE + r": no yield column found \(looked for (?P<names>[\w, ]+), and the harvest "
        r"columns fresh_mass_kg, moisture_pct and harvested_area_m2 with their Chinese names\); "
        r"name the yield column with --response COLUMN or map a header with --column "
        r"'HEADER=yield_kg_ha'",
        "{file}：未找到产量列（已查找 {names}，以及收获数据列 fresh_mass_kg、moisture_pct、"
        "harvested_area_m2 及其中文列名）；请用 --response COLUMN 指定产量列，或用 --column "
        "'HEADER=yield_kg_ha' 映射表头",
    ),
    Template(  # network.analyze_many: a trial fitted exactly is left out of the summary
        "network-left-out-of-summary",
        r"(?P<by>[\w/]+) (?P<trials>" + _R + r"(?:(?:, | and )" + _R + r")*(?: and [\d,]+ more)?): "
        r"left out of the summary across sites: (?P<reason>.+)",
        "{by} {trials}：未纳入跨试点汇总：{reason}",
        lists=("trials",),
    ),
    Template(  # network.analyze_many: an alpha field book's incomplete blocks
        "network-ignores-incomplete-blocks",
        r"(?P<by>[\w/]+) (?P<trials>" + _R + r"(?:(?:, | and )" + _R + r")*(?: and [\d,]+ more)?): "
        r"(?P<n>[\d,]+) trials? (?:have|has) incomplete blocks \(an incomplete_block column: an "
        r"alpha design\); the network analysis ignores them and analyses every trial as "
        r"(?P<model>an RCBD \(response ~ treatment \+ block\)|a completely randomized design)\. "
        r"For the incomplete-block model analyse such a trial alone: yieldtrial report <its "
        r"file> \(the alpha design is detected\)",
        "{by} {trials}：{n} 个试验有不完全区组（incomplete_block 列：α 格子设计）；网络分析不考虑"
        "不完全区组，把每个试验都按{model}分析。如需不完全区组模型，请单独分析该试验："
        "yieldtrial report <该试验的文件>（会自动识别 α 格子设计）",
        lists=("trials",),
    ),
    Template(  # network.analyze_many: rows and columns numbered within each replicate
        "network-ignores-rows-columns",
        r"(?P<by>[\w/]+) (?P<trials>" + _R + r"(?:(?:, | and )" + _R + r")*(?: and [\d,]+ more)?): "
        r"row and column are numbered within each replicate in (?P<n>[\d,]+) trials? \(a "
        r"row-column design\); the network analysis ignores rows and columns and analyses every "
        r"trial as (?P<model>an RCBD \(response ~ treatment \+ block\)|a completely randomized "
        r"design)\. For the row-column model analyse such a trial alone: yieldtrial report <its "
        r'file> with design = "row_column" in \[analysis\] of trial\.toml',
        "{by} {trials}：{n} 个试验的行号和列号在各重复内编号（行列设计）；网络分析不考虑行和列，"
        "把每个试验都按{model}分析。如需行列设计模型，请单独分析该试验：yieldtrial report "
        '<该试验的文件>，并在 trial.toml 的 [analysis] 中写 design = "row_column"',
        lists=("trials",),
    ),
    Template(
        "stdout-closed-output",
        r"standard output is closed \(the command was run with >&-\), so the result cannot be "
        r"shown; write it to a file with -o/--output",
        "标准输出已关闭（命令以 >&- 运行），无法显示结果；请用 -o/--output 写入文件",
    ),
    Template(
        "stdout-closed-redirect",
        r"standard output is closed \(the command was run with >&-\), so the result cannot be "
        r"shown; redirect it to a file \(yieldtrial (?P<command>\w+) \.\.\. > out\.txt\)",
        "标准输出已关闭（命令以 >&- 运行），无法显示结果；请重定向到文件"
        "（yieldtrial {command} ... > out.txt）",
    ),
    # stop 49 (i18n54): the gaps of the source check a command-line user meets
    Template(
        "read-path-invalid",
        r"cannot read (?P<path>" + _R + r"): the path is not valid",
        "无法读取 {path}：路径无效",
    ),
    Template(
        "write-name-nul",
        r"cannot write (?P<path>" + _R + r"): the file name holds a NUL character \(\\0\), "
        r"which no file name can hold; give a name in plain characters",
        "无法写入 {path}：文件名中有空字符（\\0），任何文件名都不能含有它；请用普通字符命名",
    ),
    Template(
        "write-name-bytes",
        r"cannot write (?P<path>" + _R + r"): the file name holds bytes that are not UTF-8 text "
        r"\(a name from another system's encoding\); choose a name in plain characters",
        "无法写入 {path}：文件名中有不是 UTF-8 文本的字节（来自其他系统编码的文件名）；"
        "请用普通字符命名",
    ),
    Template(
        "write-bookkeeping-name",
        r"cannot write (?P<path>" + _R + r"): yieldtrial keeps its own bookkeeping under that "
        r"name \(the manifest of its outputs, or a temporary file\); choose another name",
        "无法写入 {path}：yieldtrial 用这个名字保存自己的记录（输出清单或临时文件）；"
        "请换一个文件名",
    ),
    Template(
        "folder-no-plot-table",
        r"folder (?P<path>" + _R + r") holds no plot table \(files ending in "
        r"(?P<suffixes>\.\w+(?:, \.\w+)*)\)",
        "文件夹 {path} 中没有小区数据表（扩展名为 {suffixes} 的文件）",
    ),
    Template(
        "yield-overflows",
        # io.validation (a plot's yield) and io.checks (a computed quantity of the API)
        r"(?P<column>\w+)(?: of (?P<items>.+))? is too large to compute \(it overflows to "
        r"infinity\); (?P<what>a mass or area of the plot|an input) is far out of scale "
        r"\(e\.g\. 1e308\): correct the value",
        "{column}{items}太大，无法计算（溢出为无穷大）；{what}数量级严重错误（如 1e308）："
        "请更正该值",
        lists=("items",),
    ),
    Template(
        "yield-too-small",
        r"(?P<column>\w+) of (?P<items>.+) is far out of scale: no real yield is this small "
        r"\(below (?P<limit>\S+) (?P<unit>kg/ha)\), and the squares of such values underflow "
        r"toward 0, so the sums of squares would be 0 or imprecise\. A mass, area or yield is "
        r"mistyped \(e\.g\. 1e-300\): correct the value \(a crop failure is 0\)",
        "{items} 的 {column} 数量级严重错误：实际产量不会这么小（低于 {limit} kg/公顷），"
        "这样的值平方后下溢趋于 0，平方和会为 0 或不精确。质量、面积或产量输错了"
        "（如 1e-300）：请更正该值（绝收记为 0）",
        lists=("items",),
    ),
    Template(
        "yield-square-overflows",
        r"(?P<column>\w+) of (?P<items>.+) is far out of scale: no analysis can use it \(its "
        r"square overflows the sums of squares to infinity\)\. A mass, area or yield is "
        r"mistyped \(e\.g\. 1e200\): correct the value",
        "{items} 的 {column} 数量级严重错误：无法用于任何分析（其平方使平方和溢出为无穷大）。"
        "质量、面积或产量输错了（如 1e200）：请更正该值",
        lists=("items",),
    ),
    Template(
        "contrast-lacks-keys",
        _WHERE + r": \[\[contrasts\]\] entry (?P<n>\d+) lacks (?P<missing>\w+(?:, \w+)*); "
        r"write e\.g\. name = \"synergist effect\", treatment = \"T\", versus = \"CK2\"\.",
        '{where}：[[contrasts]] 第 {n} 项缺少 {missing}；请写如 name = "synergist effect", '
        'treatment = "T", versus = "CK2"。',
    ),
    Template(
        "analysis-role-renamed",
        _WHERE + r": \[analysis\] (?P<role>\w+) = (?P<column>" + _R + r") names a column that "
        r"(?P<named>\[columns\]|\[analysis\] \w+) already renames; one column holds one "
        r"design role\.",
        "{where}：[analysis] {role} = {column} 指定的列已由 {named} 重命名；一列只能承担一种设计"
        "角色。",
    ),
    Template(
        "treatment-order-absent",
        r"the treatment order \(treatment_order=, or \[\[treatments\]\] in trial\.toml\) lists "
        r"(?P<absent>.+), which (?:is not a treatment|are not treatments) of any trial; "
        r"treatments present: "
        r"(?P<present>.+)\. Labels are case-sensitive: correct the label",
        "处理顺序（treatment_order=，或 trial.toml 中的 [[treatments]]）列出的 {absent} 不是任何"
        "试验的处理；现有处理：{present}。标签区分大小写：请更正标签",
        lists=("absent", "present"),
    ),
    Template(
        "design-label-too-long",
        r"(?P<name>treatments|checks|sub_treatments|controls) holds a label of (?P<n>[\d,]+) "
        r"characters \((?P<label>" + _R + r")\.\.\.\); a label is a short name of at most "
        r"(?P<most>[\d,]+) characters \(put descriptions in trial\.toml \[\[treatments\]\]\)\.",
        "{name} 中有一个 {n} 个字符的标签（{label}...）；标签应是不超过 {most} 个字符的简短名称"
        "（说明写在 trial.toml 的 [[treatments]] 中）。",
    ),
    Template(
        "augmented-check-and-entry",
        r"(?P<labels>" + _R + r"(?:, " + _R + r")*) (?:is|are) both a check and an entry; give "
        r"each label once\.",
        "{labels} 既是对照又是参试材料；每个标签只写一次。",
        lists=("labels",),
    ),
    Template(
        "augmented-block-without-entries",
        r"(?P<blocks>[\d,]+) blocks for (?P<entries>[\d,]+) entries would leave a block without "
        r"entries; use fewer blocks\.",
        "{blocks} 个区组只有 {entries} 个参试材料，会有区组没有参试材料；请减少区组数。",
    ),
    Template(
        "alpha-not-multiple",
        r"an alpha design needs the number of treatments \((?P<v>[\d,]+)\) to be a multiple "
        r"of the block size \((?P<k>[\d,]+)\), with more than one block per replicate; "
        r"(?:choose a block size that divides (?P=v) \(e\.g\. (?P<divisors>\d+(?:, \d+)*)\), "
        r"or add entries \(extra checks\) to reach a multiple|(?P=v) is prime, so no block "
        r"size divides it: add entries \(extra checks\) to reach a multiple of (?P=k) "
        r"\((?P<entries>[\d,]+) entries\))\.",
        "α 格子设计要求处理数（{v}）是区组大小（{k}）的倍数，且每个重复不止一个区组；{choice}。",
    ),
    Template(
        "field-map-too-large",
        r"a field map of (?P<plots>[\d,]+) plots is too large to draw \(at most (?P<most>[\d,]+): "
        r"each plot is a labelled cell\); leave out --map, or draw a part of the field \(one "
        r"block\) with yieldtrial\.design\.field_map in Python\.",
        "{plots} 个小区的田间图太大，无法绘制（最多 {most} 个：每个小区是一个带标签的格子）；"
        "请去掉 --map，或在 Python 中用 yieldtrial.design.field_map 绘制田间的一部分（一个区组）。",
    ),
    Template(
        # efficiency.economics (the report's value-cost table) and efficiency.table
        "treatment-no-fertilizer",
        r"treatment\(s\) (?P<labels>" + _R + r"(?:, " + _R + r")*) have a yield but no "
        r"fertilizer description; (?:add them \(an empty list \[\] for no fertilizer\)|described: "
        r"(?P<described>" + _R + r"(?:, " + _R + r")*)\. Add them to the fertilizer mapping \(an "
        r"empty list \[\] for an unfertilized plot\))\.",
        "处理 {labels} 有产量却没有施肥说明；{described}请为它们补上施肥说明"
        "（不施肥写空列表 []）。",
        lists=("labels", "described"),
    ),
    Template(
        "design-needs-block-column",
        r"design (?P<design>" + _Q + r") needs a block column \(block, rep, 重复, 区组\); the plot "
        r"table has none\. Add the block of each plot(?:, or use (?P<crd>--design crd|"
        r"design='crd'))?",
        "设计 {design} 需要区组列（block、rep、重复、区组）；小区数据表中没有。请填写每个小区的"
        "区组{crd}",
    ),
    Template(
        "alpha-no-serpentine",
        r"design 'alpha' lays each incomplete block in its own field row; serpentine numbering "
        r"does not apply\. Drop it\.",
        "α 格子设计的每个不完全区组各占田间一行，蛇形编号不适用。请去掉 --serpentine。",
    ),
    Template(
        "sheet-reaches-far",
        _FILE + r": the sheet's values reach cell (?P<cell>[A-Z]+\d+) \((?P<rows>[\d,]+) rows x "
        r"(?P<columns>[\d,]+) columns\): far more than a plot table; delete the stray values \(or "
        r"rows and columns\) beyond the table, or export the table as CSV",
        "{file}：工作表中的值一直延伸到单元格 {cell}（{rows} 行 × {columns} 列），远超小区数据表"
        "的范围；请删除表格以外的零散值（或多余的行和列），或把表格导出为 CSV",
    ),
    Template(
        "workbook-no-worksheet",
        _FILE + r": the workbook has no worksheet \(only chart sheets, or its sheets are missing "
        r"from the file\); open it in Excel and save it again, or export the sheet as CSV",
        "{file}：工作簿中没有工作表（只有图表工作表，或工作表在文件中缺失）；请用 Excel 打开"
        "后重新保存，或把工作表导出为 CSV",
    ),
    Template(
        "workbook-text-number",
        _FILE + r": cell (?P<cell>[A-Z]+\d+) refers to text number (?P<index>" + _R + r") of the "
        r"workbook, which holds (?P<count>[\d,]+) texts? \(the file is damaged or was written by "
        r"a faulty program\); open it in Excel and save it again as \.xlsx, or export the sheet "
        r"as CSV",
        "{file}：单元格 {cell} 引用了工作簿的第 {index} 号文本，而工作簿只有 {count} 条文本"
        "（文件已损坏，或由有缺陷的程序写成）；请用 Excel 打开后重新另存为 .xlsx，或把工作表"
        "导出为 CSV",
    ),
    Template(
        "position-column-empty",
        r"(?P<column>incomplete_block|row|column) is empty for (?P<ids>.+); the "
        r"(?P<design>alpha|latin|row_column) design's model uses it, so every plot needs one: "
        r"fill it in \(or delete rows that are not plots\)",
        "{ids} 的{column}为空；{design}的模型要用到它，每个小区都必须有：请填写"
        "（或删除不是小区的行）",
        lists=("ids",),
    ),
    Template(
        # analyze_many's words (design=, block=), or network's own (stop 50: --design or
        # trial.toml's [analysis] design, --block): the hook below words each part
        "network-rcbd-needs-block",
        r"(?P<design>design='rcbd'|--design rcbd|(?:" + _Q + r"|the trial description): "
        r"\[analysis\] design = \"rcbd\") needs (?P<how>block=<column>; pass the block "
        r"\(replicate\) column|a block \(replicate\) column, which the plot tables do not have: "
        r"name it with --block COLUMN \(or block = \"\.\.\.\" in \[analysis\]\)), or "
        r"(?:use )?(?P<crd>design='crd'|--design crd) for a completely randomized design\.",
        "{design} 需要{how}，或用 {crd} 按完全随机设计分析。",
        # the literal runs behind the alternatives: analyze_many's message, network's
        covers=(
            "design='rcbd' needs block=<column>; pass the block",
            "needs a block (replicate) column, which",
        ),
    ),
    Template(
        "network-design-not-fitted",  # stop 50: was analyze_many's "design must be one of"
        r"(?P<where>" + _Q + r"|the trial description): \[analysis\] design = \"(?P<design>\w+)\" "
        r"is not a design network fits: it analyses every trial as an RCBD or a CRD; give "
        r"--design rcbd or --design crd \(either overrides the file\), or analyse each trial "
        r"alone with yieldtrial report",
        '{where}：[analysis] design = "{design}" 不是 network 能拟合的设计：network 按随机区组'
        "设计（RCBD）或完全随机设计（CRD）分析每个试验；请给出 --design rcbd 或 --design crd"
        "（两者都优先于文件中的设置），或用 yieldtrial report 逐个分析各试验",
    ),
    Template(
        "workbook-encrypted",
        _FILE + r": the workbook is password-protected \(encrypted\), so its cells cannot be "
        r"read; open it in Excel, remove the password \(File > Info > Protect Workbook > "
        r"Encrypt with Password, clear it\) and save it, or export the sheet as CSV",
        "{file}：工作簿设有密码（已加密），无法读取其中的单元格；请用 Excel 打开，取消密码"
        "（文件 > 信息 > 保护工作簿 > 用密码进行加密，清空密码）后保存，或把工作表导出为 CSV",
    ),
    Template(
        "plots-share-position",
        r"plots share a row and column position: (?P<where>.+); in a (?P<design>Latin square|"
        r"row-column design) each plot has a position of its own\. Correct the row or column of "
        r"one of them \(or delete a plot typed twice\)",
        "有小区的行列位置相同：{where}；{design}中每个小区都有自己的位置。请更正其中一个小区的"
        "行或列（或删除重复录入的小区）",
    ),
    Template(  # --encoding that does not decode a UTF-8 file (io/table_files.py)
        "decode-reads-as-utf8",
        r"(?P<name>.+?): the file does not decode as (?P<encoding>" + _R + r") \(row "
        r"(?P<row>\d+): (?P<reason>[^;]+)\); it is UTF-8 text, which is detected without it: "
        r"drop --encoding \(encoding=\), or give --encoding utf-8",
        "{name}：文件无法按 {encoding} 解码（第 {row} 行：{reason}）；该文件是 UTF-8 文本，"
        "不指定编码即可自动识别：请去掉 --encoding（encoding=），或给出 --encoding utf-8",
    ),
    Template(  # --encoding that does not decode the file (io/table_files.py)
        "decode-cannot",
        r"(?P<name>.+?): cannot decode (?:row (?P<row>\d+)|the file) as (?P<encoding>"
        + _R
        + r") \((?P<reason>[^;]+?)(?: at byte (?P<byte>\d+))?\); pass the file's encoding "
        r"\(e\.g\. --encoding gb18030(?P<excel> for CSV saved by Chinese Excel)?\), or save "
        r"(?:the file|it) as 'CSV UTF-8'",
        # the row and byte of the English kept (stop 50: the row form lost them), see the hook
        "{name}：{part}无法按 {encoding} 解码（{reason}{position}）；"
        "请给出文件的编码（如{excel} --encoding gb18030），或将文件另存为“CSV UTF-8”",
    ),
)

#: Why ``network`` could not analyse a trial: the report's catalogue
#: (:data:`yieldtrial.report._network_zh.FAILURE_REASONS`) as templates (tests name them).
NETWORK_REASONS: tuple[Template, ...] = tuple(
    Template(name, pattern, chinese) for name, pattern, chinese in FAILURE_REASONS
)


def network_reason_zh(reason: str) -> str | None:
    """Return why ``network`` could not analyse a trial in Chinese; None if not catalogued.

    The engine's own reasons (:func:`~yieldtrial.report._network_zh.failure_reason_zh`),
    else the statistics layer's errors this catalogue holds (:func:`translate`).

    Examples
    --------
    >>> network_reason_zh("fewer than two treatments with observed plots")
    '有观测值的小区所属处理少于两个'
    >>> network_reason_zh("something new") is None
    True
    """
    return failure_reason_zh(reason) or translate(reason) or translate(reason + ".")


#: One trial's reason in the ``no trial could be analysed`` line: ``site 'A': REASON``.
_TRIAL_REASON = re.compile(
    r"(?:(?P<by>[\w/]+) (?P<trial>" + _R + r")|trial (?P<number>\d+)): (?P<reason>.+)"
)


def _first_reasons_zh(reasons: str) -> str | None:
    """``(1) site 'A': ...; (2) site 'B': ...`` in Chinese (None: a part not catalogued)."""
    parts = []
    rest = reasons.removeprefix("(1) ")
    for number in range(2, 4):
        head, separator, tail = rest.partition(f"; ({number}) ")
        if not separator:
            break
        parts.append(head)
        rest = tail
    parts.append(rest)
    lines = []
    for number, part in enumerate(parts, start=1):
        match = _TRIAL_REASON.fullmatch(part)
        if match is None:
            return None
        keys = f"试验 {match['number']}" if match["by"] is None else _trial_keys_zh(match["by"])
        reason = network_reason_zh(match["reason"])
        if keys is None or reason is None:
            return None
        trial = "" if match["trial"] is None else f" {match['trial']}"
        lines.append(f"（{number}）{keys}{trial}：{reason}")
    return "；前几个原因：" + "；".join(lines)


_ARG = r"(?P<option>-[\w-]+(?:/-[\w-]+)*|[A-Z_]+)"  # an option or positional as argparse names it

#: argparse's usage errors (exit 2) and the option checks of ``main`` before a command runs,
#: with their Chinese forms: :func:`usage_line` under ``--lang zh``.  The text is that of
#: Python's argparse (3.9 to 3.13: ``choose from 'a', 'b'`` or ``choose from a, b``); a
#: message no entry matches in full stays English.
USAGE_TEMPLATES: tuple[Template, ...] = (
    Template(
        "usage-unrecognized",
        r"unrecognized arguments: (?P<given>.+?)(?:; did you mean (?P<close>--[\w-]+)\?)?",
        "无法识别的参数：{given}{close}",
    ),
    Template(
        "usage-required",
        r"the following arguments are required: (?P<names>.+)",
        "缺少必需的参数：{names}",
    ),
    Template(  # a required group of exclusive options (plan: --difference or --replicates)
        "usage-one-of-required",
        r"one of the arguments (?P<names>--[\w-]+(?: --[\w-]+)+) is required",
        "需要给出以下参数之一：{names}",
    ),
    Template(
        "usage-flag-value",
        r"argument (?P<flag>--[\w-]+): takes no value, got (?P<given>" + _R + r"); write "
        r"(?P=flag) alone",
        "参数 {flag}：不带值，却给了 {given}；请只写 {flag}",
    ),
    Template(
        "usage-letters-python-only",
        r"argument --letters: invalid choice: (?P<given>" + _R + r") \(choose from "
        r"(?P<choices>.+?)\); (?P<test>bonferroni|holm) letters are made in Python, not in "
        r"the report: (?P<call>trial\.means\(letters='(?:bonferroni|holm)'\))",
        "参数 --letters：无效的取值 {given}（可选：{choices}）；这种字母标记由 Python 给出，"
        "报告中没有：{call}",
    ),
    Template(
        "usage-invalid-choice",
        r"argument " + _ARG + r": invalid choice: (?P<given>" + _R + r") \(choose from "
        r"(?P<choices>.+?)\)(?:; did you mean (?P<close>" + _R + r")\?)?",
        "参数 {option}：无效的取值 {given}（可选：{choices}）{close}",
    ),
    Template(
        "usage-expected-one",
        r"argument " + _ARG + r": expected one argument",
        "参数 {option} 后面需要给出一个值",
    ),
    Template(
        "usage-expected-at-least-one",
        r"argument " + _ARG + r": expected at least one argument",
        "参数 {option} 后面至少需要给出一个值",
    ),
    Template(
        "usage-invalid-number",
        r"argument " + _ARG + r": invalid (?P<kind>float|int) value: (?P<given>" + _R + r")",
        "参数 {option}：{given} 不是{kind}",
    ),
    Template(
        "usage-not-plain-number",
        r"argument " + _ARG + r": (?P<given>" + _R + r") is not a plain (?P<kind>number|whole "
        r"number); write it with ASCII digits, e\.g\. (?P<example>[\d.]+)",
        "参数 {option}：{given} 不是{kind}；请用 ASCII 数字书写，如 {example}",
    ),
    Template(
        "usage-not-finite",
        r"argument " + _ARG + r": expected a finite number, got (?P<given>\S+); give a number "
        r"such as 13 or 0\.05",
        "参数 {option}：应为有限的数值，现为 {given}；请给出数值，如 13 或 0.05",
    ),
    Template(
        "usage-out-of-range",
        r"argument " + _ARG + r": (?P<given>" + _R + r"|" + _HUGE + r") is out of range \("
        r"(?P<why>far above any value yieldtrial takes|far below any value yieldtrial takes|"
        r"a seed is at most 2\*\*128 - 1)\); give "
        r"(?P<example>a whole number such as 4|a number such as 13 or 0\.05|a mass such as 442|"
        r"the figure as printed, e\.g\. 477\.36)",
        "参数 {option}：{given}超出范围（{why}）；请给出{example}",
    ),
    Template(
        "usage-ambiguous",
        r"ambiguous option: (?P<given>\S+) could match (?P<matches>.+)",
        "选项 {given} 有歧义，可能是 {matches}",
    ),
    Template(
        "usage-dash-output",
        r"argument -o: '-' \(standard output\) is not possible here: (?P<command>\w+) writes "
        r"a (?P<what>file|folder); give a (?P=what) name \(one named '-' can be given as \./-\)",
        "参数 -o：此处不能用 '-'（标准输出）：{command} 写出的是{what}；请给出{what}名"
        "（名为 '-' 的{what}可写作 ./-）",
    ),
    Template(
        "usage-force-abbreviated",
        r"(?P<given>--[\w-]+): give --force in full; an option that replaces files is never "
        r"taken from an abbreviation",
        "{given}：请完整写出 --force；会替换文件的选项不接受缩写",
    ),
    Template(
        "usage-empty-input",
        r"argument (?P<name>MASS_OR_FILE|PLOTS): the value is empty \(''\); give the plot "
        r"table's file name \(an empty name reads as the current folder\)",
        "参数 {name}：值为空（''）；请给出小区数据表的文件名（空文件名会被当作当前文件夹）",
    ),
    Template(
        "usage-undecodable-argument",
        r"argument (?P<option>--[\w-]+): (?P<given>" + _R + r") holds bytes that are not text in "
        r"this system's encoding \((?P<encoding>[\w-]+)\); run yieldtrial in a UTF-8 locale "
        r"\(e\.g\. LC_ALL=C\.UTF-8\) or set PYTHONUTF8=1",
        "参数 {option}：{given} 含有按本系统编码（{encoding}）无法解读为文本的字节；"
        "请在 UTF-8 区域设置下运行（如 LC_ALL=C.UTF-8），或设置 PYTHONUTF8=1",
    ),
    Template(
        "usage-option-as-file-name",
        r"argument (?P<flag>-o|--map): (?P<given>" + _R + r") is an option of (?P<command>\w+), "
        r"not a file name; give the file name after (?P=flag) \(a file so named can be given "
        r"as (?P<dotted>\./\S+)\)",
        "参数 {flag}：{given} 是 {command} 的选项，不是文件名；请在 {flag} 后给出文件名"
        "（该名称的文件可写作 {dotted}）",
    ),
    Template(
        "usage-dash-input",
        r"argument (?P<name>MASS_OR_FILE|PLOTS|--config): '-' \(standard input\) is not "
        r"supported: yieldtrial reads the (?P<held>plot table|trial description) from a file; "
        r"save the (?P=held) to a file and give its name \(one named '-' can be given as \./-\)",
        "参数 {name}：不支持 '-'（标准输入）：只能从文件读取{held}；请把{held}保存为文件，"
        "再给出文件名（名为 '-' 的文件可写作 ./-）",
    ),
    Template(
        "usage-text-output-name",
        r"argument -o: (?P<given>" + _R + r"): (?P<command>\w+) writes (?P<kind>CSV text|JSON "
        r"text|plain text), not a (?P<suffix>\.\w+) file \(it could not be opened as one\); "
        r"name it (?P<name>.+?)(?P<excel> \(Excel opens CSV files\))?",
        "参数 -o：{given}：{command} 写出的是{kind}，不是 {suffix} 文件（无法按该格式打开）；"
        "请命名为 {name}{excel}",
    ),
    Template(
        "usage-format-contradicts-output",
        r"argument -o: (?P<given>" + _R + r") names a (?P<named>csv|json|table) file but "
        r"--format is (?P<fmt>csv|json|table); name it (?P<name>.+?), or give --format "
        r"(?P=named)",
        "参数 -o：{given} 是 {named} 文件的名称，而 --format 为 {fmt}；请命名为 {name}，"
        "或改用 --format {named}",
    ),
    Template(
        "usage-config-twice",
        r"--config given twice \((?P<first>" + _R + r") and (?P<second>" + _R + r")\); give one "
        r"trial\.toml \(several files are not merged\)",
        "--config 给了两次（{first} 和 {second}）；请只给一个 trial.toml（多个文件不会合并）",
    ),
    Template(
        "usage-config-empty",
        r"--config is empty; give the trial description file, e\.g\. trial\.toml",
        "--config 为空；请给出试验描述文件，如 trial.toml",
    ),
    Template(
        "usage-sheet-csv",
        r"--sheet (?P<sheet>"
        + _R
        + r") applies to an \.xlsx workbook, but (?P<files>"
        + _R
        + r"(?: and \d+ more)?) (?:is a CSV file|are CSV files) \(no worksheets\); leave "
        r"--sheet out",
        "--sheet {sheet} 只适用于 .xlsx 工作簿，而 {files} 是 CSV 文件（没有工作表）；"
        "请去掉 --sheet",
    ),
    Template(
        "usage-format-suffix",
        r"-o (?P<path>" + _R + r") names a (?P<named>\w+) file but --format is (?P<fmt>\w+); "
        r"give the output the suffix of (?P=fmt) \((?P<suffixes>[\w., ]+)\) or leave --format out",
        "-o {path} 是 {named} 文件名，但 --format 为 {fmt}；请给输出文件 {fmt} 的后缀"
        "（{suffixes}），或去掉 --format",
    ),
    Template(
        "usage-blank-labels",
        r"(?P<flag>--[a-z-]+) (?P<given>" + _R + r"(?: " + _R + r")*) names no label \(blank\); "
        r"give the labels, e\.g\. (?P=flag) CK T1(?P<out>, or leave (?P=flag) out)?",
        "{flag} {given} 没有给出标签（为空）；请给出标签，如 {flag} CK T1{out}",
    ),
    Template(
        "usage-labels-from-a-file",
        r"(?P<flag>--[a-z-]+) (?P<given>" + _R + r") is a file, not a label: the labels are read "
        r"from the command line; give them space-separated or as a comma list, e\.g\. "
        r"(?P=flag) \$\(cat (?P<file>[^)]*)\)",
        "{flag} {given} 是文件而不是标签：标签从命令行读取；请用空格或逗号分隔给出，"
        "如 {flag} $(cat {file})",
    ),
    Template(
        "usage-blank-label-among",
        r"(?P<flag>--[a-z-]+) (?P<given>" + _R + r"(?: " + _R + r")*) holds a blank label "
        r"among the others; give every label, or leave the blank one out",
        "{flag} {given} 中有空白标签；请给出每个标签，或去掉空白的那个",
    ),
    # standardize's own checks (stop 39), and the option checks it shares with report
    Template(
        "usage-column-twice",
        r"--column maps the header (?P<header>" + _R + r") twice \((?P<first>[^)]*?) and "
        r"(?P<second>[^)]*)\); a column has one name: give one --column for it",
        "--column 把表头 {header} 映射了两次（{first} 和 {second}）；一列只有一个名称："
        "请只给它一个 --column",
    ),
    Template(
        "usage-design-needs",
        r"design (?P<design>\w+) needs (?P<named>--[a-z-]+ \([^)]*\)(?: and --[a-z-]+ \([^)]*\))?)"
        r", e\.g\. (?P<example>yieldtrial design .+)",
        "{design} 设计需要 {named}，如 {example}",
    ),
    Template(
        "usage-not-allowed-with",
        r"argument " + _ARG + r": not allowed with argument (?P<other>-[\w-]+(?:/-[\w-]+)*)",
        "参数 {option} 不能与参数 {other} 同时使用",
    ),
    Template(
        "usage-tukey-two-sided",
        r"--comparison tukey is two-sided; leave out --alternative greater",
        "--comparison tukey 是双侧检验；请去掉 --alternative greater",
    ),
    Template(
        "usage-audit-needs",
        r"a single MASS needs (?P<flag>--moisture|REPORTED)",
        "单个质量 MASS 需要 {flag}",
    ),
    Template(
        "usage-audit-standard",
        r"give --standard PCT or --crop, or --config trial\.toml with crop or "
        r"standard_moisture_pct",
        "请用 --standard PCT 或 --crop 给出标准含水量，或用 --config 给出写有 crop 或 "
        "standard_moisture_pct 的 trial.toml",
    ),
    Template(
        "usage-audit-mass-decimal-comma",
        r"MASS_OR_FILE (?P<value>" + _R + r") is neither a number nor a file; give the mass as a "
        r"plain number with a dot as the decimal separator, e\.g\. 442\.5, or the path of a "
        r"plot table alone",
        "MASS_OR_FILE {value} 既不是数字也不是文件；请把质量写成纯数字，用小数点（.）作小数分隔符，"
        "如 442.5，或只给出小区数据表的路径",
    ),
    Template(
        "usage-audit-mass-no-number",
        r"MASS_OR_FILE (?P<value>" + _R + r") is neither a number nor a file; give the mass as a "
        r"plain number without a unit, e\.g\. 442\.5, or the path of a plot table alone",
        "MASS_OR_FILE {value} 既不是数字也不是文件；请把质量写成不带单位的纯数字，如 442.5，"
        "或只给出小区数据表的路径",
    ),
    Template(
        "usage-audit-table-alone",
        r"a plot table has its own moisture and reported columns: give the file alone "
        r"\(REPORTED and --moisture are for a single MASS\)",
        "小区数据表有自己的含水量列和报告值列：请只给出文件"
        "（REPORTED 和 --moisture 只用于单个质量 MASS）",
    ),
    Template(
        "usage-option-one-of",
        r"(?P<option>--method|--protocol) must be one of (?P<choices>[\w, -]+); got "
        r"(?P<given>" + _R + r")",
        "{option} 应为以下之一：{choices}；现为 {given}",
    ),
    Template(
        "usage-decimals-range",
        r"--decimals must be a whole number from 0 to (?P<high>\d+); got (?P<given>-?\d+|"
        + _HUGE
        + r") \(a float holds about "
        r"(?P=high) significant digits\)",
        "--decimals 应为 0 到 {high} 之间的整数；现为 {given}（浮点数约有 {high} 位有效数字）",
    ),
    Template(
        "usage-mass-or-example",
        r"give either MASS_OR_FILE or --example, not both",
        "请给出 MASS_OR_FILE 或 --example 之一，不要同时给出",
    ),
    Template(
        "usage-mass-needed",
        r"give a MASS, a plot table FILE, or --example NAME",
        "请给出一个质量 MASS、一个小区数据表文件 FILE，或 --example NAME",
    ),
    Template(
        "usage-mass-not-plain",
        r"MASS (?P<given>" + _R + r") is not a plain number; write it with ASCII digits, e\.g\. "
        r"(?P<example>[\d.]+)",
        "质量 MASS {given} 不是普通数字；请用 ASCII 数字书写，如 {example}",
    ),
    Template(
        "usage-mass-not-number",
        r"MASS (?P<given>" + _R + r") is not a number \(write a decimal point: 1\.5, not 1,5\) "
        r"and not a plot table file",
        "质量 MASS {given} 既不是数字（小数点请写作点：1.5，而不是 1,5），也不是小区数据表文件",
    ),
    Template(
        "usage-mass-not-finite",
        r"MASS must be a finite number; got (?P<given>" + _R + r"|\S+)",
        "质量 MASS 应为有限的数值；现为 {given}",
    ),
    Template(
        "usage-moisture-table",
        r"--moisture applies to a single MASS; a plot table has its own column",
        "--moisture 只用于单个质量 MASS；小区数据表有自己的含水量列",
    ),
    Template(
        "usage-mass-needs-moisture",
        r"a single MASS needs --moisture \(the measured moisture, %\)",
        "单个质量 MASS 需要 --moisture（实测含水量，%）",
    ),
    Template(
        "usage-unit-table",
        r"--unit applies to plot tables; a single MASS keeps its own unit",
        "--unit 只用于小区数据表；单个质量 MASS 保持其原有单位",
    ),
    Template(
        "usage-mass-xlsx",
        r"a single MASS writes two lines of text, not a \.xlsx file; name it (?P<name>.+\.txt)",
        "单个质量 MASS 写出的是两行文本，不是 .xlsx 文件；请命名为 {name}",
    ),
    Template(
        "usage-table-only-flags",
        r"(?P<flags>--[a-z]+(?:, --[a-z]+)*) (?:applies|apply) to a plot table only; leave "
        r"(?:it|them) out for a single MASS",
        "{flags} 只用于小区数据表；单个质量 MASS 请去掉",
    ),
    Template(
        "usage-mass-standard",
        r"give --standard PCT, or --crop \(and --protocol\) to look it up, or --config "
        r"trial\.toml with crop or standard_moisture_pct",
        "请用 --standard PCT 给出标准含水量，或用 --crop（及 --protocol）查出，"
        "或用 --config 给出写有 crop 或 standard_moisture_pct 的 trial.toml",
    ),
    Template(
        "usage-shrink-needs-point",
        r"--method shrink needs --shrink-per-point PCT \(e\.g\. 1\.2 for US crop insurance\); "
        r"there is no neutral default",
        "--method shrink 需要 --shrink-per-point PCT（如美国作物保险用 1.2）；没有中性的默认值",
    ),
    Template(
        "usage-table-needs-crop",
        r"a plot table needs --crop \(e\.g\. --crop wheat\), or crop in the \[trial\] table of "
        r"--config trial\.toml",
        "小区数据表需要 --crop（如 --crop wheat），"
        "或在 --config 的 trial.toml 的 [trial] 表中写 crop",
    ),
    Template(
        "usage-shrink-flag-method",
        r"--shrink-pct-per-point (?P<value>\S+) applies to the shrink method only, but the "
        r"moisture method is (?P<method>\w+); add --moisture-method shrink \(or "
        r"moisture_method = \"shrink\" in trial\.toml\), or leave --shrink-pct-per-point out",
        "--shrink-pct-per-point {value} 只用于 shrink 方法，而含水量折算方法是 {method}；"
        '请加 --moisture-method shrink（或在 trial.toml 中写 moisture_method = "shrink"），'
        "或去掉 --shrink-pct-per-point",
    ),
    Template(
        "usage-column-form",
        r"--column needs HEADER=NAME \(e\.g\. 'Netto kg=fresh_mass_kg'\); got (?P<given>"
        + _R
        + r")",
        "--column 应写作 HEADER=NAME（如 'Netto kg=fresh_mass_kg'）；现为 {given}",
    ),
    Template(
        "usage-encoding-unicode",
        r"--encoding (?P<encoding>"
        + _R
        + r") applies to CSV files, but (?P<files>"
        + _R
        + r"(?: and \d+ more)?) (?:is an \.xlsx workbook|are \.xlsx workbooks) \((?:its|their) "
        r"text is Unicode\); leave --encoding out",
        "--encoding {encoding} 只适用于 CSV 文件，而 {files} 是 .xlsx 工作簿（文本为 Unicode）；"
        "请去掉 --encoding",
    ),
    Template(  # network -o with a suffix no format has (report/network.py)
        "usage-network-format",
        r"cannot tell the network output format from the file name (?P<path>" + _R + r"); use "
        r"one of (?P<suffixes>\.\w+(?:, \.\w+)*)\.",
        "无法从文件名 {path} 判断网络分析结果的输出格式；请使用以下扩展名之一：{suffixes}。",
    ),
)

#: What a layout of ``design`` needs (commands/design.py ``_NEEDED``), in Chinese.
_NEEDED_ZH = {
    "plots per treatment": "每个处理的小区数",
    "number of blocks": "区组数",
    "sub-plot levels": "副区水平",
    "replicates": "重复数",
    "plots per incomplete block": "每个不完全区组的小区数",
    "check labels repeated in every block": "每个区组都重复的对照标签",
}

#: The kinds of number in argparse's messages, in Chinese.
#: The reasons and examples of the out-of-range line (a number of 401 digits, 1e400).
_OUT_OF_RANGE_ZH = {
    "far above any value yieldtrial takes": "远大于任何可接受的数值",
    "far below any value yieldtrial takes": "远小于任何可接受的数值",
    "a seed is at most 2**128 - 1": "随机种子最大为 2**128 - 1",
    "a whole number such as 4": "整数，如 4",
    "a number such as 13 or 0.05": "数值，如 13 或 0.05",
    "a mass such as 442": "质量，如 442",
    "the figure as printed, e.g. 477.36": "报告中印出的数值，如 477.36",
}
_NUMBER_KINDS_ZH = {
    "float": "有效的数值",
    "int": "有效的整数",
    "number": "普通数字",
    "whole number": "普通整数",
    "CSV text": " CSV 文本",
    "JSON text": " JSON 文本",
    "plain text": "纯文本",
}


def huge_integer_zh(shown: str) -> str:
    """Return a huge integer as ``shown_count`` shows it, in Chinese; other text unchanged.

    Examples
    --------
    >>> huge_integer_zh("1.000e+400 (a 401-digit integer)"), huge_integer_zh("'x'")
    ('1.000e+400（401 位整数）', "'x'")
    >>> huge_integer_zh("1.000e+200000 (an integer of about 200,001 digits)")
    '1.000e+200000（约 200,001 位整数）'
    """
    number = r"(-?\d\.\d{3}e\+\d+)"
    shown = re.sub(number + r" \(a ([\d,]+)-digit integer\)$", r"\1（\2 位整数）", shown)
    about = r" \(an integer of about ([\d,]+) digits\)$"
    return re.sub(number + about, r"\1（约 \2 位整数）", shown)


def usage_line(message: str, prog: str, *, help_hint: bool = True) -> str | None:
    """Return the Chinese line of a usage error (exit 2) under ``--lang zh``; else None.

    Parameters
    ----------
    message : str
        argparse's message, or the option check's (one line, after ``prog: error:``).
    prog : str
        The program and command (``yieldtrial report``).
    help_hint : bool, default True
        End with ``（参见 'PROG --help'）`` as argparse's lines end with ``(see ...)``.

    Returns
    -------
    str or None
        ``yieldtrial report: 错误：... （参见 'yieldtrial report --help'）``; None when
        the language is English or no entry matches the whole message.

    Examples
    --------
    >>> set_language("zh", "report")
    >>> usage_line("argument --alpha: expected one argument", "yieldtrial report")
    "yieldtrial report: 错误：参数 --alpha 后面需要给出一个值（参见 'yieldtrial report --help'）"
    >>> set_language(None, None)
    """
    if _state["lang"] != "zh":
        return None
    for template in USAGE_TEMPLATES:
        match = template.regex.fullmatch(message)
        if match is None:
            continue
        values = {k: ("" if v is None else v) for k, v in match.groupdict().items()}
        if "close" in values:
            values["close"] = f"；是否想写 {values['close']}？" if values["close"] else ""
        if "kind" in values:
            values["kind"] = _NUMBER_KINDS_ZH[values["kind"]]
        if "what" in values:
            values["what"] = {"file": "文件", "folder": "文件夹"}[values["what"]]
        if "out" in values:  # blank labels of an optional flag: it may be left out
            values["out"] = f"，或去掉 {values['flag']}" if values["out"] else ""
        if "files" in values:  # "'a.csv' and 2 more"
            values["files"] = re.sub(r" and (\d+) more$", r" 等（另有 \1 个）", values["files"])
        if "named" in values:  # "--blocks (number of blocks) and --checks (...)"
            named = re.sub(r" \(([^)]*)\)", lambda m: f"（{_NEEDED_ZH.get(m[1], m[1])}）",
                           values["named"])  # fmt: skip
            values["named"] = named.replace(" and ", " 和 ")
        if "excel" in values:
            values["excel"] = "（Excel 可打开 CSV 文件）" if values["excel"] else ""
        if "held" in values:  # what an input file holds
            values["held"] = {"plot table": "小区数据表", "trial description": "试验描述"}[
                values["held"]
            ]
        if "given" in values:  # 10**400: 1.000e+400（401 位整数）
            values["given"] = huge_integer_zh(values["given"])
        if "choices" in values:  # 'tukey'、'lsd' (argparse joins them with ", ")
            values["choices"] = _join_items_zh(values["choices"])
        if template.name == "usage-out-of-range":
            values["given"] += "" if values["given"].endswith("）") else " "
            values["why"] = _OUT_OF_RANGE_ZH[values["why"]]
            values["example"] = _OUT_OF_RANGE_ZH[values["example"]]
        chinese = template.chinese.format(**values)
        hint = f"（参见 '{prog} --help'）" if help_hint else ""
        return f"{prog}: 错误：{chinese}{hint}"
    return None


#: What a number setting should be (the ``expected ...`` of a range message), in Chinese.
_FIXES_ZH = {
    "percent (0-100), e.g. 13": "：应为百分数（0-100），如 13",
    "percent per moisture point, e.g. 1.2": "：应为每个含水量百分点的百分数，如 1.2",
    "a percentage of the control mean from 0 (at least as good as the control) to below 100, "
    "e.g. 5": "：应为对照平均值的百分数，从 0（至少与对照一样好）到小于 100，如 5",
}

_RATE_FIX = re.compile(
    r"(?:a fertilizer rate is zero or positive, e\.g\. (?P<example>\w+ = [\d.]+)|rates and "
    r"prices are zero or positive); more than (?P<high>\S+) is a typing error"
)


#: The fixes of ``[economics] prices`` and other costs (config._check_economics).
_MONEY_FIX = re.compile(
    r"a (?P<what>price is zero or positive, at most|cost is at most) (?P<high>\S+)"
    r"(?: in magnitude)? \(more is a typing error\)"
)


def _fix_zh(fix: str | None) -> str | None:
    """Return the valid values of a number setting in Chinese (None: the fix is unknown)."""
    if fix is None:
        return ""
    if fix in _FIXES_ZH:
        return _FIXES_ZH[fix]
    money = _MONEY_FIX.fullmatch(fix)
    if money is not None:
        what = "价格应为零或正数，" if money["what"].startswith("price") else "费用的绝对值"
        return f"：{what}最多 {money['high']}（更大属输入错误）"
    rate = _RATE_FIX.fullmatch(fix)
    if rate is None:
        return None
    if rate["example"] is None:
        return f"：用量和价格应为零或正数；大于 {rate['high']} 属输入错误"
    return f"：施肥量应为零或正数，如 {rate['example']}；大于 {rate['high']} 属输入错误"


def _takes_zh(takes: str | None) -> str:
    """Return ``from 0.0001 to 0.5`` (or ``in [0, 100)``) as a Chinese clause."""
    if not takes:
        return ""
    if takes.startswith("from "):
        low, high = takes.removeprefix("from ").split(" to ")
        return f"，应在 {low} 至 {high} 之间"
    return f"，应在 {takes.removeprefix('in ')} 之内"


def _at_zh(at: str) -> str:
    """Return a place inside trial.toml (``: [[published]] entry 2``) in Chinese."""
    at = re.sub(r": treatment ('.*'|\".*\")(?=:|$)", r"：处理 \1", at)
    at = re.sub(r": products entry (\d+)", r"：第 \1 个 products", at)
    at = re.sub(
        r": \[conditions\] fertilization entry (\d+)", r"：[conditions] 第 \1 个 fertilization", at
    )
    at = re.sub(r": (\[\w+\])$", r"：\1", at)
    return re.sub(r": \[\[(published|contrasts)\]\] entry (\d+)", r"：第 \2 个 [[\1]]", at)


_DECIMAL_COMMA_ZH = (
    "数字用逗号作小数点（如 '14,9'）：请改用点作小数点（或把 CSV 另存为以点作小数点）。"
)
_TYPED_CELLS_ZH = (
    "（TRUE/FALSE 和日期不是测量值：请检查该列填的是数字，且没有设成日期或复选框格式）"
)
_UNITS_IN_CELLS_ZH = (
    "单位应写在表头而不是单元格中：在 fresh_mass_kg 或 鲜重(kg) 这样的表头下写 '14.3'。"
)


#: The actions of an operating-system error (io.oserrors.describe_os_error), in Chinese.
_OS_ACTIONS_ZH = {
    "read": "读取",
    "write": "写入",
    "read or write": "读写",
    "create the folder": "创建文件夹",  # demo -o DIR on a read-only disk (stop 45)
}

#: What to do about an operating-system error (io.oserrors._HINTS), in Chinese; the
#: system's own reason ("No space left on device") is left out: the hint says it.
_OS_HINTS_ZH = {
    "the disk is full; free some space or write to another disk": "磁盘已满；请释放空间或写入"
    "另一个磁盘",
    "your disk quota is exceeded; free some space or write to another disk": "磁盘配额已用完；"
    "请释放空间或写入另一个磁盘",
    "the disk can hold no more files: all its inodes are used, even if space is left; delete "
    "some files or write to another disk": "磁盘无法再容纳更多文件：索引节点（inode）已全部用完，"
    "即使仍有空间；请删除一些文件或写入另一个磁盘",
    "the file system is read-only; write to another folder (e.g. in your home folder)": "文件"
    "系统为只读；请写入另一个文件夹（如主目录中的文件夹）",
    "the file is larger than this file system allows; write to another disk": "文件超出该文件"
    "系统允许的大小；请写入另一个磁盘",
    "the file name is too long; choose a shorter name": "文件名太长；请换一个短一些的名字",
    "permission denied; choose a file and folder you may use, or change their permissions": "没有"
    "权限；请选择你有权使用的文件和文件夹，或修改其权限",
    "the operation is not permitted; choose another file or folder": "不允许此操作；请选择另一个"
    "文件或文件夹",
    "it is a folder; give a file name": "这是一个文件夹；请给出文件名",
    "a part of the path is a file, not a folder; check the path": "路径中有一部分是文件而不是"
    "文件夹；请检查路径",
    "no such file or folder; check the path": "文件或文件夹不存在；请检查路径",
    "too many symbolic links; check the path": "符号链接过多；请检查路径",
    "an input/output error (failing disk, or a network drive that went away); try another disk": (
        "输入/输出错误（磁盘故障，或网络驱动器已断开）；请换一个磁盘"
    ),
    "too many open files; close some programs and try again": "打开的文件过多；请关闭一些程序"
    "后重试",
    "too many open files on the system; try again later": "系统上打开的文件过多；请稍后重试",
    "cannot move the file across disks": "无法跨磁盘移动文件",
    "the file is in use by another program; close it and try again": "文件正被另一个程序使用；"
    "请关闭后重试",
    "a file of that name already exists": "同名文件已存在",
    "the name is not valid on this file system; choose another name": "该名称在此文件系统上无效；"
    "请换一个名字",
}


def _design_flags(words: str) -> str:
    """``blocks, sub_treatments`` (the layout keywords) -> ``--blocks、--sub-treatments``."""
    return "、".join(f"--{word.replace('_', '-')}" for word in words.split(", "))


#: The label lists of ``design`` (design/fieldbook.py names them by keyword), as options.
_DESIGN_LISTS_ZH = {
    "treatments": "--treatments",
    "checks": "--checks",
    "sub_treatments": "--sub-treatments",
    "controls": "--control",
}

#: tomllib's "Cannot declare ... twice" as yieldtrial words it (config._toml_message).
_TABLE_TWICE = re.compile(
    r"the table \[(?P<name>[^\]]+)\] is written twice(?: \(at line (?P<line>\d+), column "
    r"(?P<column>\d+)\))? \(a duplicate table: keep one \[(?P=name)\] and put all its keys "
    r"there\)"
)


def _table_twice_zh(match: re.Match[str]) -> str:
    """Return the duplicate-table detail of an invalid trial.toml in Chinese."""
    at = f"（第 {match['line']} 行第 {match['column']} 列）" if match["line"] else ""
    name = match["name"]
    return f"表 [{name}] 写了两次{at}（表重复：请只保留一个 [{name}]，把它的键都写在其中）"


#: What Python's TOML reader (tomllib) says of a file it cannot read, in Chinese: the
#: common slips of a hand-written trial.toml (an unclosed bracket or quote, a missing "=",
#: text without quotes, a key given twice).
TOML_REASONS_ZH: dict[str, str] = {
    "Expected ']' at the end of a table declaration": "表头缺少结尾的 ]",
    "Expected ']]' at the end of an array declaration": "表数组的表头缺少结尾的 ]]",
    "Expected '=' after a key in a key/value pair": "键后面缺少 =",
    "Invalid value": '值无效（文字需加引号，如 crop = "wheat"）',
    "Invalid statement": "语句无效",
    "Invalid initial character for a key part": "键的首字符无效",
    "Expected newline or end of document after a statement": "一条语句之后应换行",
    "Cannot overwrite a value": "同一个键赋值了两次",
    "Unclosed array": "数组缺少结尾的 ]",
    "Unclosed inline table": "内联表缺少结尾的 }",
    "Unterminated string": "字符串缺少结尾的引号",
    "Invalid date or datetime": "日期或时间无效",
}
_TOML_REASON = re.compile(
    r"(?P<reason>"
    + "|".join(re.escape(reason) for reason in TOML_REASONS_ZH)
    + r"|Illegal character (?P<char>"
    + _R
    + r"))"
    + r" \((?:at line (?P<line>\d+), column (?P<column>\d+)|at (?P<end>end of document))\)"
)


def _toml_reason_zh(match: re.Match[str]) -> str:
    r"""Return a reason of Python's TOML reader in Chinese, with its line and column.

    Examples
    --------
    >>> _TOML_REASON.sub(_toml_reason_zh, "Invalid value (at line 1, column 5)")
    '值无效（文字需加引号，如 crop = "wheat"）（第 1 行第 5 列）'
    >>> _TOML_REASON.sub(_toml_reason_zh, "Illegal character '\\n' (at end of document)")
    "非法字符 '\\n'（在文件末尾）"
    """
    reason = f"非法字符 {match['char']}" if match["char"] else TOML_REASONS_ZH[match["reason"]]
    at = "在文件末尾" if match["end"] else f"第 {match['line']} 行第 {match['column']} 列"
    return f"{reason}（{at}）"


def _missing_columns_zh(parts: str) -> str | None:
    """Return the missing columns and their accepted headers in Chinese (None: English left)."""
    pieces = re.split(f"({_R})", parts)
    for index in range(0, len(pieces), 2):
        piece = re.sub(r" \(also accepted: ", "（也可用：", pieces[index])
        piece = re.sub(r" \(or (\w+(?: / \w+)*); also accepted: ", r"（或 \1；也可用：", piece)
        pieces[index] = piece.replace(")", "）").replace("; ", "；").replace(", ", "、")
    text = "".join(pieces)
    named = re.sub(r"\btreatment(?=（)", "", text)  # the column's name, as the header is typed
    return None if _ENGLISH_WORD.search(_ALLOWED.sub("", named)) else text


#: A text document given as the plot table (io.table_files._other_text_document), in Chinese.
_DOCUMENTS_ZH = {
    "an HTML or XML document": " HTML 或 XML 文档",
    "JSON text": " JSON 文本",
    "a Markdown document": " Markdown 文档",
}

#: What stands under the manifest's name (io.output.check_manifest_slot), in Chinese.
_SLOT_KINDS_ZH = {
    "a symbolic link": "符号链接",
    "a folder": "文件夹",
    "a named pipe (FIFO)": "命名管道",
    "a device": "设备",
    "a socket or another special file": "套接字或其他特殊文件",
    "a file yieldtrial did not write": "并非 yieldtrial 写出的文件",
}

#: Why a codec is not an encoding files are saved in (table_files.NOT_FILE_ENCODINGS).
_NOT_TEXT_ZH = {
    "it reads Python escape sequences such as \\u5bf9": "它读取 Python 转义序列，如 \\u5bf9",
    "it encodes internet domain names": "它用于编码互联网域名",
    "it refuses every text": "它拒绝任何文本",
    "base64, zlib, rot13 and the like transform data": "base64、zlib、rot13 之类是数据变换",
    "it fails on any table": "它无法读取任何数据表",
}


#: Why a fraction cannot be a percentage of the column (mixed-fraction).
_NEVER_ZH = {
    "moisture_pct": "含水量低于 1% 的籽粒不会收获",
    "shelling_pct": "任何作物的出籽率都不会低于 1%",
}

_state = {"lang": "en", "command": ""}


#: The status lines of a long run on a terminal (io.progress), in Chinese: the steps
#: (``stage``), what a percentage counts, and the lines' own words.
STATUS_ZH: dict[str, str] = {
    "heartbeat": "{command}：{stage}…… {seconds} 秒",
    "progress": "{what}：已完成 {percent}%（共 {total} {unit}）",
    "reading {name}": "读取 {name}",
    "writing {name}": "写出 {name}",
    "reading the plot table": "读取小区数据表",
    "reading the plot tables": "读取各小区数据表",
    "building the report": "生成报告",
    "fitting the design model": "拟合设计模型",
    "residual checks": "残差检验",
    "letters": "多重比较字母标记",
    "comparisons with the control": "与对照比较",
    "Dunnett critical values": "Dunnett 临界值",  # stats.compare.DUNNETT_STAGE
    "data checks: suspect plots": "数据检查：可疑小区",
    "data checks: sensitivity of the verdicts": "数据检查：结论的稳健性",
    "analysing the trials": "分析各试验",
    "stability and the report": "稳定性分析与报告",
    "Dunnett p-values": "Dunnett P 值",
    "ranges of means": "均值极差",
    "pairs of means": "均值两两比较",
    "rows": "行",
    "pairs": "对",
    "comparisons": "个比较",
}


def set_language(lang: str | None, command: str | None) -> None:
    r"""Set the language and the command name of this run's error, warning and status lines.

    Under ``zh`` the lines stay English when standard error cannot show Chinese
    (``PYTHONIOENCODING=ascii``, an ASCII-only terminal): Python would print them as
    backslash escapes (``\u9519``).  The reports themselves are still written in Chinese.
    """
    from yieldtrial.io.progress import set_status_words

    _state["lang"] = "zh" if lang == "zh" and _stderr_shows_chinese() else "en"
    _state["command"] = command or ""
    set_status_words(STATUS_ZH if _state["lang"] == "zh" else None)


def _stderr_shows_chinese() -> bool:
    """Whether standard error's encoding can hold Chinese text (unknown: assume it can)."""
    import codecs

    encoding = getattr(sys.stderr, "encoding", None)
    if not encoding:
        return True
    try:
        codecs.lookup(encoding)
        "错误：已写入".encode(encoding)
    except LookupError:
        return True
    except UnicodeEncodeError:
        return False
    return True


#: Groups of :data:`TEMPLATES` holding a listing joined with ", " (labels, columns, rows,
#: options, values, the plots and values of a range warning, ``items``: loose56): the
#: Chinese line joins them with 、 (a quoted item keeps its commas).
#: Not here: a Python tuple or list shown as typed (``('CK', 'CK')``), the crops and their
#: aliases (``wheat (winter wheat, ...); maize (...)``: :func:`_crops_zh`).
_LISTING_GROUPS = frozenset(
    {
        "allowed", "areas", "cells", "cols", "columns", "designs", "entries", "items",
        "levels", "listing", "masses", "names", "options", "plots", "present", "rows",
        "suffixes", "tables", "units", "values",
    }
)  # fmt: skip


def _join_items_zh(text: str) -> str:
    """Join the items of an English listing with 、 (``'a', 'b'`` -> ``'a'、'b'``).

    Only the separators between items change; a quoted name keeps its own commas.

    Examples
    --------
    >>> _join_items_zh("'site', 'a, b', 'yield_kg_ha'")
    "'site'、'a, b'、'yield_kg_ha'"
    """
    parts = re.split(f"({_R})", text)
    parts[::2] = [part.replace(", ", "、") for part in parts[::2]]
    return "".join(parts)


def _crops_zh(text: str) -> str:
    """Punctuate the known crops and their aliases as Chinese does (tidy56b).

    Examples
    --------
    >>> _crops_zh("wheat (winter wheat, 小麦); barley (大麦); rye ()")
    'wheat（winter wheat、小麦）；barley（大麦）；rye'
    """
    crops = []
    for item in text.split("; "):
        name, _, aliases = item.partition(" (")
        aliases = aliases.removesuffix(")")
        crops.append(f"{name}（{aliases.replace(', ', '、')}）" if aliases else name)
    return "；".join(crops)


def _methods_listing_zh(text: str) -> str:
    """Word ``dry_matter: plots '1', '2' and 3 more; ...`` in Chinese (quoted ids kept).

    Examples
    --------
    >>> _methods_listing_zh("dry_matter: plots '1', '2' and 3 more; percentage_point: plot '9'")
    "dry_matter：小区 '1'、'2' 等（另有 3 个）；percentage_point：小区 '9'"
    """
    parts = re.split(f"({_R})", text)
    for index in range(0, len(parts), 2):
        part = re.sub(r": plots? ", "：小区 ", parts[index])
        part = re.sub(r" and ([\d,]+) more", r" 等（另有 \1 个）", part)
        parts[index] = part.replace("; ", "；").replace(", ", "、")
    return "".join(parts)


def _standards_listing_zh(text: str) -> str:
    """Word ``site 'A', 'C' at 13 %; site 'B' at 14 %`` in Chinese (quoted names kept).

    Examples
    --------
    >>> _standards_listing_zh("site 'A', 'C' at 13 %; site 'B' and 2 more at 14.5 %")
    "site 'A'、'C' 为 13%；site 'B' 等（另有 2 个）为 14.5%"
    >>> _standards_listing_zh("site 'A' with dry_matter; site 'B' with percentage_point")
    "site 'A' 为 dry_matter；site 'B' 为 percentage_point"
    """
    parts = re.split(f"({_R})", text)
    for index in range(0, len(parts), 2):
        part = re.sub(r" at ([\d.]+) %", r" 为 \1%", parts[index])
        part = re.sub(r" with ([a-z_]+)", r" 为 \1", part)  # a method (tidy57)
        part = re.sub(r" and ([\d,]+) more ", r" 等（另有 \1 个）", part)
        parts[index] = part.replace("; ", "；").replace(", ", "、")
    return "".join(parts)


def _translate_list(text: str) -> str | None:
    """Turn a listing's English words into Chinese; None when an English word is left."""
    # the odd parts are quoted values (a repr, escapes and all: 'it\\'s'): kept verbatim
    parts = re.split(f"({_R})", text)
    for index in range(0, len(parts), 2):
        for english, chinese in LIST_WORDS:
            parts[index] = re.sub(english, chinese, parts[index])
    text = "".join(parts)
    if _ENGLISH_WORD.search(_ALLOWED.sub("", text)):
        return None
    return text


#: Several problems of one table in one message (io.validation.Problems.raise_if_any).
_PROBLEMS = re.compile(r"(?P<file>[^:]+): (?P<n>\d+) problems: \(1\) (?P<rest>.+)")


#: An audit line of one plot of a table (commands/audit.py): the column, the plot, the reason.
_AUDIT_PLOT = re.compile(
    r"--reported column (?P<column>" + _R + r"), plot (?P<plot>" + _R + r"): (?P<reason>.+)"
)


def _problems_zh(message: str) -> str | None:
    """Return ``f: 2 problems: (1) ...; (2) ...`` in Chinese when every problem is catalogued.

    Examples
    --------
    >>> _problems_zh("p.csv: 2 problems: (1) the file is empty; expected a header row "
    ...     "(plot_id, treatment, ...) and one row per plot; (2) something new") is None
    True
    """
    match = _PROBLEMS.fullmatch(message)
    if match is None:
        return None
    file, rest = match["file"], match["rest"]
    parts = []
    for number in range(2, int(match["n"]) + 1):
        head, separator, rest = rest.partition(f"; ({number}) ")
        if not separator:
            return None
        parts.append(head)
    parts.append(rest)
    shown = "小区数据表" if file == "plot table" else file
    lines = []
    for number, part in enumerate(parts, start=1):
        chinese = translate(f"{file}: {part}")
        if chinese is None or not chinese.startswith(f"{shown}："):
            return None
        lines.append(f"（{number}）{chinese.removeprefix(f'{shown}：')}")
    return f"{shown}：{match['n']} 个问题：" + "；".join(lines)


#: Templates whose Chinese is the report's (report.i18n.translate_message): one text for the
#: report's data-quality section and the command line.
_REPORT_WORDED = frozenset(
    {
        "pooled-stratum",
        "mvt-borderline",
        "byte-order-mark",
        "crop-high-yield",
        "crop-low-yield",
        "treatment-key-typo",
    }
)


#: The position columns of a design (design.resolve) and their designs, in Chinese.
_POSITION_COLUMNS_ZH = {
    "incomplete_block": " incomplete_block（不完全区组）",
    "row": "行号",
    "column": "列号",
}
_POSITION_DESIGNS_ZH = {"alpha": "α 格子设计", "latin": "拉丁方设计", "row_column": "行列设计"}

#: What is out of scale when a computed quantity overflows (yield-overflows), in Chinese.
_OVERFLOWED_ZH = {"a mass or area of the plot": "该小区的质量或面积", "an input": "某个输入值"}

#: One place shared by plots (io.validation.check_positions): ``plots '3' and '4' (row 2,
#: column 1 of replicate 'I' at site 'A')``.
_POSITION = re.compile(
    r"(?P<kind>plots|rows) (?P<ids>" + _R + r"(?: and " + _R + r")+) \((?P<row>\w+) (?P<r>[^,]+), "
    r"(?P<column>\w+) (?P<c>.+?)(?: of replicate (?P<rep>"
    + _R
    + r"))?(?: at site (?P<site>"
    + _R
    + r"))?\)"
)


def _positions_zh(text: str) -> str | None:
    """Return the places of :data:`_POSITION` in Chinese (None: a listing not understood)."""
    axes = {"row": "行", "column": "列"}
    places: list[str] = []
    rest = text
    while rest:
        found = _POSITION.match(rest)
        if found is None:
            return None
        ids = found["ids"].replace(" and ", " 和 ")
        row = axes.get(found["row"], found["row"] + " ")
        column = axes.get(found["column"], found["column"] + " ")
        where = f"第 {found['r']} {row}、第 {found['c']} {column}".replace("  ", " ")
        if found["rep"]:
            where += f"，重复 {found['rep']}"
        if found["site"]:
            where += f"，试点 {found['site']}"
        places.append(f"{'小区' if found['kind'] == 'plots' else '行'} {ids}（{where}）")
        rest = rest[found.end() :]
        if more := re.fullmatch(r" and ([\d,]+) more", rest):
            places[-1] += f" 等（另有 {more.group(1)} 处）"
            break
        if not rest.startswith((", ", " and ")):
            return None if rest else "；".join(places)
        rest = rest.removeprefix(", ").removeprefix(" and ")
    return "；".join(places)


def translate(message: str) -> str | None:
    """Return the Chinese form of a one-line English ``message``, or None if not catalogued.

    Parameters
    ----------
    message : str
        The message as the English line shows it (after ``yieldtrial: error:``).

    Returns
    -------
    str or None
        The whole message in Chinese, the user's values verbatim; None when no
        template matches it in full (the caller then prints the English).

    Examples
    --------
    >>> translate("control 'CKX' is not a treatment of this trial; treatments present: "
    ...           "'CK1', 'T'. Labels are case-sensitive: pass --control one of them")
    "对照 'CKX' 不是本试验的处理；现有处理：'CK1'、'T'。标签区分大小写：请用 --control 指定其中之一"
    >>> translate("something new") is None
    True
    """
    if _PROBLEMS.fullmatch(message):
        return _problems_zh(message)
    if found := _AUDIT_PLOT.fullmatch(message):  # one plot of an audited table, then its reason
        reason = translate(found["reason"])
        return (
            None
            if reason is None
            else f"--reported 列 {found['column']} 的小区 {found['plot']}：{reason}"
        )
    for template in TEMPLATES:
        match = template.regex.fullmatch(message)
        if match is None:
            continue
        if template.name in _REPORT_WORDED:  # the report's Chinese text, when it has one
            from yieldtrial.report.i18n import translate_message

            chinese = translate_message(message, "zh")
            return None if chinese == message else chinese
        values = match.groupdict()
        for name in template.lists:
            if values[name] is None:  # an optional group that did not match
                values[name] = ""
                continue
            translated = _translate_list(values[name])
            if translated is None:
                return None
            values[name] = translated
        for name in template.roles:
            values[name] = ROLES_ZH[values[name]]
        for name in template.labels:
            values[name] = LABEL_COLUMNS_ZH[values[name]]
        if "by" in values:  # the trial key of ``network`` (site, site/year)
            by = _trial_keys_zh(values["by"])
            if by is None:
                return None
            values["by"] = by
        if values.get("file") == "plot table":  # a table given without a file name
            values["file"] = "小区数据表"
        if "close" in values:  # "did you mean ...?"
            values["close"] = f"（是否想写 {values['close']}？）" if values["close"] else ""
        if template.name == "network-column-not-found":  # "--by 'sites' (did you mean 'site'?)"
            values["names"] = re.sub(
                r" \(did you mean (" + _Q + r")\?\)", r"（是否想写 \1？）", values["names"]
            )
            for name in ("names", "columns"):  # 'a'、'b': the items, never inside a name
                values[name] = _join_items_zh(values[name])
        if template.name == "network-contrast-weight-not-number":  # the reason in Chinese
            values["why"] = (
                f" 是文本；请去掉引号写成数字（{values['label']} 的权重 = {values['number']}）"
                if values["number"]
                else "；应为有限的数值"
                if "finite" in values["why"]
                else "；应为数值"
            )
        # site 'A'、'C' 为 13%；... (and 为 dry_matter；...)
        if template.name in ("network-yields-other-standards", "network-yields-other-methods"):
            values["listing"] = _standards_listing_zh(values["listing"])
        if template.name == "network-contrast-unknown-label":  # CK, N1 -> CK、N1
            values["present"] = values["present"].replace(", ", "、")
        if "more" in values:  # "and 2 more are" (negative yields)
            values["more"] = f" 等（另有 {values['more']} 个）" if values["more"] else ""
        if template.name == "economics-unused-price":  # the file's tables, or the argument
            table = values["named_by"].startswith("[[")
            values["where"] = f"{values['where']}：[economics] " if values["where"] else ""
            values["named_by"] = " [[treatments]] " if table else "哪个处理的肥料"
            values["spelled"] = " product = ... " if table else "产品名称"
        if "table" in values and values["table"] is None:  # "[trial] id = ..." or "id = ..."
            values["table"] = ""
        if template.name == "augmented-few-df":  # more blocks, when the entries allow them
            more = values["more_blocks"]
            values["alternative"] = (
                f"，或这 {values['these_checks']} 个对照设 {more} 个区组" if more else ""
            )
        if template.name == "augmented-typed-twice":  # the treatments, blocks and checks
            from yieldtrial.report.i18n import quoted_labels_zh, sparse_repeats_zh

            values["sparse"] = sparse_repeats_zh(values["sparse"])
            values["full"] = quoted_labels_zh(values["full"])
        if template.name == "augmented-entry-type-value":  # the plot, when named
            values["plot"] = f"（小区 {values['plot']}）" if values["plot"] else ""
        if template.name == "augmented-block-unlinked":  # the other blocks, when named
            others = values["others"]
            values["others"] = f"（区组 {others} 的参试材料亦然）" if others else ""
        if template.name == "missing-extra":  # the feature that needs the package
            values["feature"] = EXTRA_FEATURES_ZH[values["feature"]]
        if template.name == "alpha-entry-repeated":
            from yieldtrial.report.i18n import repeated_entries_zh

            values["repeats"] = repeated_entries_zh(values["repeats"])
            values["design"] = {"alpha": "α 格子", "row-column": "行列"}[values["design"]]
        if template.name == "unknown-crop":  # wheat（winter wheat、小麦）；maize（corn、...）
            values["crops"] = _crops_zh(values["crops"])
        if template.name in ("unknown-yield-unit", "unknown-crop"):  # the file, when named
            where = values.get("where")
            values["where"] = (
                "" if where is None else ("命令行" if where == "the command line" else where) + "："
            )
            if values.get("argument"):  # convert_yield(from_unit=, to_unit=), plot_yield(unit=)
                values["where"] = f"{values['argument']}："
        if values.get("where") == "the command line":  # a setting given as an option
            values["where"] = "命令行"
        if template.name == "toml-unknown-key":  # "[[exclude]] entry 2", "(see docs/...)"
            values["table"] = re.sub(r" entry (\d+)$", r" 第 \1 项", values["table"])
            values["see"] = "（见 docs/trial-toml.md）" if values["see"] else ""
        if template.name in ("toml-invalid", "toml-long-number"):  # the line, when named
            values["line"] = f" 第 {values['line']} 行" if values["line"] else ""
        if template.name == "toml-invalid":  # yieldtrial's own words for a duplicate table
            values["detail"] = _TABLE_TWICE.sub(_table_twice_zh, values["detail"])
            values["detail"] = _TOML_REASON.sub(_toml_reason_zh, values["detail"])
        if template.name == "latin-not-square":  # why the table is no Latin square
            values["why"] = re.sub(
                r"a treatment appears twice in one (row and one column|row|column)",
                lambda m: (
                    "有处理在同一"
                    + {"row": "行", "column": "列"}.get(m[1], "行和同一列")
                    + "中出现两次"
                ),
                values["why"],
            )
            values["why"] = re.sub(
                r"the table has (\d+) rows x (\d+) columns", r"表中有 \1 行 × \2 列", values["why"]
            )
        if template.name == "control-not-in-factors":  # "氮肥: 'N0', 'N1'; treatment: ..."
            pieces = re.split(f"({_R})", values["listing"])
            pieces[::2] = [p.replace("; ", "；").replace(": ", "：") for p in pieces[::2]]
            values["listing"] = "".join(pieces)
        if template.name == "plan-power-range":  # --power 80: a percentage for a probability
            values["hint"] = (
                f"；检验功效为概率，{values['pct']}% 应写作 {values['meant']}"
                if values["meant"]
                else ""
            )
        if template.name == "plan-whole-range":  # the treatments count the controls
            values["included"] = "（含对照）" if values["option"] == "--treatments" else ""
        if template.name == "os-error":  # the operating system's reason, said in Chinese
            hint = _OS_HINTS_ZH.get(values["hint"])
            if hint is None or values["path"] is None:
                return None
            values["hint"] = hint
            values["action"] = _OS_ACTIONS_ZH[values["action"]]
        if template.name == "mixed-encodings":  # "4, 7 and 3 more"
            values["rows"] = re.sub(r" and ([\d,]+) more$", r" 行等（另有 \1 行）", values["rows"])
            values["rows"] = values["rows"].replace(", ", "、")
        if template.name == "design-does-not-take":  # options as the CLI names them
            values["extra"] = _design_flags(values["extra"])
            takes = values["takes"]
            values["takes"] = (
                "不使用其他选项"
                if takes == "no further options"
                else f"它使用 {_design_flags(takes)}"
            )
            values["latin"] = "（拉丁方的行数和列数都等于处理数）" if values["latin"] else ""
        if template.name == "yield-overflows":  # the plots, when named
            values["items"] = f"（{values['items']}）" if values["items"] else " "
            values["what"] = _OVERFLOWED_ZH[values["what"]]
        if template.name == "treatment-no-fertilizer":  # the treatments described, when named
            values["described"] = (
                f"已有施肥说明的处理：{values['described']}。" if values["described"] else ""
            )
        if template.name == "design-needs-block-column":  # the design to use instead
            values["crd"] = f"，或改用 {values['crd']}" if values["crd"] else ""
        if template.name == "position-column-empty":  # the column and the design, in Chinese
            values["column"] = _POSITION_COLUMNS_ZH[values["column"]]
            values["design"] = _POSITION_DESIGNS_ZH[values["design"]]
        if template.name == "contrast-lacks-keys":  # "treatment, versus"
            values["missing"] = values["missing"].replace(", ", "、")
        if template.name == "alpha-not-multiple":  # the block sizes to choose, or the entries
            values["choice"] = (
                f"请选择能整除 {values['v']} 的区组大小"
                f"（如 {values['divisors'].replace(', ', '、')}），或增加参试材料（加对照）凑成倍数"
                if values["divisors"]
                else f"{values['v']} 是质数，没有区组大小能整除它：请增加参试材料（加对照），凑成 "
                f"{values['k']} 的倍数（{values['entries']} 个）"
            )
        if template.name == "plots-share-position":  # "plots '3' and '4' (row 2, column 1)"
            where = _positions_zh(values["where"])
            if where is None:
                return None
            values["where"] = where
            values["design"] = {"Latin square": "拉丁方", "row-column design": "行列设计"}[
                values["design"]
            ]
        if template.name == "output-name-empty":
            values["what"] = {"file": "文件", "folder": "文件夹"}[values["what"]]
        if template.name == "model-no-variation-in":  # "error_a and error_b"
            values["terms"] = values["terms"].replace(" and ", " 和 ")
        if template.name.startswith("design-") and values.get("name") in _DESIGN_LISTS_ZH:
            values["name"] = _DESIGN_LISTS_ZH[values["name"]]
        if template.name == "design-needs-row-column":  # "row or column"
            values["absent"] = values["absent"].replace(" or ", " 和 ")
        if template.name == "network-none-analysed":  # the first trials' reasons
            if values["reasons"] is None:
                values["reasons"] = ""
            else:
                reasons = _first_reasons_zh(values["reasons"])
                if reasons is None:
                    return None
                values["reasons"] = reasons
            if values["others"] is None:
                values["others"] = ""
            else:  # the failed trials past the first three reasons (stop 48)
                keys = _trial_keys_zh(values["others_by"])
                listed = _translate_list(values["others"])
                if keys is None or listed is None:
                    return None
                values["others"] = (
                    f"；其余 {values['others_n']} 个：{keys} {_join_items_zh(listed)}"
                )
        if template.name == "output-not-recorded":  # why the record could not be written
            reason = translate(values["reason"])
            if reason is None:
                return None
            values["reason"] = reason
        if template.name.startswith("network-ignores-"):  # the one model every trial gets
            values["model"] = (
                "随机区组设计（response ~ treatment + block）"
                if values["model"].startswith("an RCBD")
                else "完全随机设计"
            )
        if template.name == "network-left-out-of-summary":  # the engine's reason
            reason = network_reason_zh(values["reason"])
            if reason is None:
                return None
            values["reason"] = reason
        if template.name == "network-all-invalid":  # the first trial's reason
            reason = translate(values["reason"])
            if reason is None:
                return None
            values["reason"] = reason
        if template.name == "illustrative-no-value":  # "none"; "site to [trial] and ..."
            values["given"] = "无" if values["given"] == "none" else values["given"]
            places = re.findall(r"(.+?) to (\[\w+\])(?: and |$)", values["places"])
            values["places"] = "，".join(f"{table} 的 {keys}" for keys, table in places)
        if template.name == "network-rcbd-needs-block":  # the API's words or network's
            values["design"] = values["design"].replace(": [analysis]", "：[analysis]")
            values["design"] = values["design"].replace("the trial description", "试验说明")
            values["how"] = (
                " block=<列名>：请给出区组（重复）列"
                if values["how"].startswith("block=")
                else "区组（重复）列，而小区数据表中没有：请用 --block 列名（或 [analysis] 中的 "
                'block = "..."）指明该列'
            )
        if template.name == "decode-cannot":  # a row and byte named, or the whole file
            values["part"] = f"第 {values['row']} 行" if values["row"] else "文件"
            values["position"] = f"，位于字节 {values['byte']}" if values["byte"] else ""
            values["excel"] = "中文版 Excel 保存的 CSV 用" if values["excel"] else ""
        if template.name == "network-design-not-fitted":
            values["where"] = (
                "试验说明" if values["where"] == "the trial description" else values["where"]
            )
        if template.name == "toml-label-not-treatment":  # where the labels are named
            place = re.fullmatch(r"\[conditions\] fertilization entry (\d+) names", values["place"])
            values["place"] = (
                f"[conditions] 第 {place[1]} 个 fertilization 中的"
                if place
                else values["place"].replace(" gives a cost for", " 中的成本对象")
            )
        if template.name in ("audit-needs-harvest-columns", "network-no-yield-column"):
            for name in ("found", "names"):  # column names, joined as Chinese lists are
                if values.get(name):
                    values[name] = values[name].replace(", ", "、")
        if template.name == "manifest-slot":  # what stands under the manifest's name
            values["kind"] = _SLOT_KINDS_ZH[values["kind"]]
        if template.name == "not-text-encoding":  # why the codec is not a file encoding
            why = _NOT_TEXT_ZH.get(values["why"])
            if why is None:
                return None
            values["why"] = why
        if values.get("at"):  # a [[treatments]] table, its products entry, a [[published]] entry
            values["where"] += _at_zh(values["at"])
        if template.name == "option-not-finite":  # the values --alpha / --power take
            values["span"] = (
                f"，应在 {values['low']} 至 {values['high']} 之间" if values["low"] else
                f"，应大于 --alpha（{values['alpha']}）且不超过 {values['top']}"
                if values["alpha"] else ""
            )  # fmt: skip
        if "takes" in values:  # the values a number setting takes (check_number)
            values["takes"] = _takes_zh(values["takes"])
        if "fix" in values:  # the valid values of a number setting (setting-range)
            fix = _fix_zh(values["fix"])
            if fix is None:
                return None
            values["fix"] = fix
        if template.name == "table-array-example":  # each expert has a name
            values["named"] = "（每项都需有 name）" if values["named"] else ""
        if template.name in ("missing-columns", "missing-moisture"):
            # the columns found joined with 、 as the accepted names beside them
            for name in ("found", "aliases", "yields"):
                if values.get(name):
                    values[name] = _join_items_zh(values[name])
        if template.name == "missing-columns":  # each column, what else is accepted
            parts = _missing_columns_zh(values["parts"])
            if parts is None:
                return None
            values["parts"] = parts
            yields = values["yields"]
            values["yields"] = (
                f"也可以不给收获数据列，改给一个折标产量列（{yields}）。" if yields else ""
            )
        if template.name == "column-mapping-unknown":  # [columns], or [analysis] block = '...'
            analysis = values["analysis"]
            values["analysis"] = (
                f"trial.toml 中的 {analysis}" if analysis else "trial.toml 的 [columns] 或 --column"
            )
        if template.name == "treatments-unknown-label":  # the file, when named
            values["path"] = f"{values['path']}：" if values["path"] else ""
        if template.name == "one-level":  # the one level, when there is one
            values["level"] = f"（{values['level']}）" if values["level"] else ""
        if template.name == "illustrative-unknown":  # [panel] illustrative, or [conditions]
            values["panel"] = "：[panel] " if values["panel"] != ": " else "："
        if template.name == "other-document":  # what the file is instead
            values["doc"] = _DOCUMENTS_ZH[values["doc"]]
            values["json"] = values["json"] or ""
        if template.name == "non-numeric":  # a decimal comma, units in the cells
            values["comma"] = _DECIMAL_COMMA_ZH if values["comma"] else ""
            values["units"] = _UNITS_IN_CELLS_ZH if values["units"] else ""
            values["typed"] = _TYPED_CELLS_ZH if values["typed"] else ""
        if template.name == "label-cell-empty":  # "block" or "block (header '区组号')"
            column = re.fullmatch(r"(\w+)(?: \(header (" + _R + r")\))?", values["column"])
            if column is None or column[1] not in LABEL_COLUMNS_ZH:
                return None
            header = f"，表头 {column[2]}" if column[2] else ""
            values["column"] = f"{LABEL_COLUMNS_ZH[column[1]]}列（{column[1]}{header}）"
        if template.name == "array-of-tables":  # the [[exclude]] example
            values["example"] = '（plot = "201", reason = "..."）' if values["example"] else ""
        for name in ("copies", "column"):  # 'x' 与 / 'row' 应为, but 等（另有 2 个）与
            if name in template.lists and not values[name].endswith("）"):
                values[name] += " "
        if template.name == "unsaved-formula" and not values["more"]:
            values["cells"] += " "  # "F1 (=A2) 中的", but "等（另有 3 个）中的"
        if template.name == "harvest-cell-empty":  # impurity, empty grain: 0 if none deducted
            values["zero"] = "（未扣除则填 0）" if values["zero"] else ""
            if not values["items"].endswith("）"):  # "'302' 有鲜重", but "等（另有 4 个）有鲜重"
                values["items"] += " "
        # a shortened path: 'a...md' (272 characters)
        if template.name in ("figure-folder-name-too-long", "os-error"):
            for name in ("path", "folder"):
                if values.get(name) is None:
                    continue
                values[name] = re.sub(r" \(([\d,]+) characters\)$", r"（\1 个字符）", values[name])
        if template.name == "yields-mixed-moisture-methods":  # dry_matter: plots '1', '2'
            values["methods"] = _methods_listing_zh(values["methods"])
        if template.name == "network-column-two-roles":  # response, treatment, block, by
            values["first"] = NETWORK_ROLES_ZH[values["first"]]
            values["second"] = NETWORK_ROLES_ZH[values["second"]]
        if template.name == "control-not-a-level":  # a one-factor trial, or the factor named
            factor = values["factor"]
            values["where"] = "小区数据表中的处理" if factor is None else f"因素 {factor} 的水平"
        if template.name == "mixed-fraction":
            values["never"] = _NEVER_ZH[values["column"]]
        for name, value in values.items():  # 10**400: 1.000e+400（401 位整数）
            if isinstance(value, str) and value.endswith(("-digit integer)", " digits)")):
                values[name] = huge_integer_zh(value)
        if values.get("crop"):  # the crop as the Chinese report names it (小麦), else as given
            from yieldtrial.report.i18n import CROPS_ZH

            crop = values["crop"]
            values["crop"] = CROPS_ZH.get(crop, f" {crop} ")
        for name in _LISTING_GROUPS.intersection(values):  # 'a'、'b', as Chinese lists items
            if isinstance(values[name], str):
                values[name] = _join_items_zh(values[name])
        chinese = template.chinese.format(**values)
        # 1.000e+400（401 位整数）超过..., '/tmp/a...md'（272 个字符）的图
        return chinese.replace("位整数） ", "位整数）").replace("个字符） ", "个字符）")
    return None


def error_prefix() -> str:
    """``yieldtrial: 错误：``, the Chinese twin of ``yieldtrial: error:`` (one grep finds both)."""
    return "yieldtrial: 错误："


def error_line(message: str) -> str | None:
    """Return the Chinese error line for ``message`` (``--lang zh``); None: print English."""
    if _state["lang"] != "zh":
        return None
    chinese = translate(message)
    return None if chinese is None else error_prefix() + chinese


#: A pooled-stratum warning (:func:`yieldtrial.stats.mixed.pooled_strata_messages`).
_POOLED_STRATUM = next(t.regex for t in TEMPLATES if t.name == "pooled-stratum")


def warning_line(message: str) -> str:
    """Return the warning line for ``message``: Chinese under ``--lang zh`` when catalogued."""
    chinese = translate(message) if _state["lang"] == "zh" else None
    if chinese is None:
        if _POOLED_STRATUM.match(message):  # the report's words: the table's "Blocks x N"
            from yieldtrial.report.i18n import translate_message

            message = translate_message(message, "en")
        return f"yieldtrial: warning: {message}"
    return f"yieldtrial: 警告：{chinese}"


def _trial_keys_zh(by: str) -> str | None:
    """``site`` -> ``试点``, ``site/year`` -> ``试点/年份``; None for a key not catalogued."""
    parts = [TRIAL_KEYS_ZH.get(part) for part in by.split("/")]
    return None if None in parts else "/".join(str(part) for part in parts)


def network_warning_line(by: str, trials: str, text: str, *, left_out: bool = False) -> str:
    """Return ``network``'s warning line about some trials (sites), Chinese when catalogued.

    ``network`` prints these itself (not through :func:`warning_line`): ``left out site
    '祁县': REASON`` for a trial whose records are invalid, ``site '太谷', '榆次': TEXT`` for a
    warning its trials share.  Under ``--lang zh`` the line is Chinese only when the trial
    key (``site``, ``site/year``), the trials' listing and the reason or text all are.

    Parameters
    ----------
    by : str
        The trial key columns, joined by ``/`` (``site``).
    trials : str
        The trial or trials, as the English line shows them (``'祁县'``).
    text : str
        The reason the trial is left out, or the warning.
    left_out : bool, default False
        Whether the trial is left out of the analysis.

    Returns
    -------
    str
        The whole line, ``yieldtrial: warning: ...`` or ``yieldtrial: 警告：...``.
    """
    english = f"yieldtrial: warning: {'left out ' if left_out else ''}{by} {trials}: {text}"
    if _state["lang"] != "zh":
        return english
    keys = _trial_keys_zh(by)
    listing = _translate_list(trials)
    reason = translate(text)
    if keys is None or listing is None or reason is None:
        return english
    return f"yieldtrial: 警告：{'已剔除' if left_out else ''}{keys} {listing}：{reason}"


#: The trial statuses of ``network`` as the Chinese report names them (strings.toml).
NETWORK_STATUS_ZH: dict[str, str] = {"ok": "正常", "unreplicated": "无重复", "failed": "失败"}


def wrote_line(shown: str, counts: dict[str, int] | None = None) -> str:
    """Return the line naming a file the command wrote: ``wrote FILE`` or ``已写入 FILE``.

    Parameters
    ----------
    shown : str
        The file name as shown (``io.output.shown_path``).
    counts : dict of str to int, optional
        ``network``: the number of trials of each status (``{"ok": 3, "failed": 1}``).

    Returns
    -------
    str
        English, or Chinese under ``--lang zh`` (a status not catalogued keeps its name).

    Examples
    --------
    >>> wrote_line("report.html")
    'wrote report.html'
    >>> wrote_line("net.json", {"ok": 3, "failed": 1})
    'wrote net.json (4 trials: failed 1, ok 3)'
    >>> wrote_line("net.json", {"ok": 1})
    'wrote net.json (1 trial: ok 1)'
    """
    items = sorted((counts or {}).items())
    if _state["lang"] != "zh":
        detail = ", ".join(f"{k} {v}" for k, v in items)
        total = sum(v for _, v in items)
        trials = "trial" if total == 1 else "trials"  # "(1 trial: ok 1)"
        return f"wrote {shown}" + (f" ({total} {trials}: {detail})" if counts is not None else "")
    detail = "，".join(f"{NETWORK_STATUS_ZH.get(k, k)} {v}" for k, v in items)
    total = sum(v for _, v in items)
    return f"已写入 {shown}" + (f"（共 {total} 个试验：{detail}）" if counts is not None else "")


def status_line(english: str, chinese: str) -> str:
    """Return a command's own status line (``seed 7 (...)``): Chinese under ``--lang zh``."""
    return chinese if _state["lang"] == "zh" else english
