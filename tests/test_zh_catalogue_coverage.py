"""Every error and warning message of the source has its Chinese line (``--lang zh``).

The source is walked for literal messages (``raise DataValidationError(f"...")``,
``warnings.warn(f"...")``: :mod:`zh_catalogue`); each must have a template in
``src/yieldtrial/commands/_zh_messages.py``, or be one of the known gaps listed in
``tests/data/zh_untranslated_messages.txt`` (the gaps of stop 48, to be filled, never
added to).  A new message without a template fails here, saying what to add where.
"""

from __future__ import annotations

import zh_catalogue
from yieldtrial.commands._zh_messages import TEMPLATES, USAGE_TEMPLATES, translate

_HOW_TO_FIX = (
    "Each message below has no Chinese line for --lang zh. For each, add a Template to "
    "TEMPLATES in src/yieldtrial/commands/_zh_messages.py (name: a unique key; pattern: the "
    "whole English message as a regular expression, the user's values as named groups; "
    "chinese: the Chinese form filled with those groups; see the neighbours, e.g. "
    "'audit-no-plot-both'), and trigger it in a test (tests/test_cli_errors_zh.py shows "
    "how). If translate() already gives Chinese for the message (a template this source "
    "check cannot see), add its 'path | key' line to tests/data/zh_untranslated_messages.txt "
    "and say so in your report."
)


def test_every_literal_message_has_a_chinese_template():
    """A message added without its template fails, naming the file, line and key."""
    patterns = zh_catalogue.catalogue_text()
    gaps = zh_catalogue.known_gaps()
    new = [
        f"  src/yieldtrial/{site.path}:{site.line} ({site.kind}) | {site.key}"
        for site in zh_catalogue.message_sites()
        if not zh_catalogue.is_catalogued(site, patterns) and site.entry not in gaps
    ]
    assert not new, _HOW_TO_FIX + "\n" + "\n".join(new)


def test_known_gaps_are_still_gaps():
    """A gap filled (or a message removed) leaves the list: it only shrinks."""
    patterns = zh_catalogue.catalogue_text()
    open_gaps = {
        site.entry
        for site in zh_catalogue.message_sites()
        if not zh_catalogue.is_catalogued(site, patterns)
    }
    stale = sorted(zh_catalogue.known_gaps() - open_gaps)
    assert not stale, (
        "These lines of tests/data/zh_untranslated_messages.txt are no longer gaps (the "
        "message has its template, or is gone): delete them (python tests/zh_catalogue.py "
        "does):\n" + "\n".join(f"  {line}" for line in stale)
    )


def test_the_source_check_sees_the_audit_harvest_columns_error():
    """The gap stop 47 found (audit's "needs harvest columns") is seen, and now filled."""
    sites = [s for s in zh_catalogue.message_sites() if s.path == "commands/audit.py"]
    assert any(s.key.startswith("the plot table needs harvest columns") for s in sites)
    patterns = zh_catalogue.catalogue_text()
    assert all(zh_catalogue.is_catalogued(s, patterns) for s in sites)


def test_the_source_check_flags_a_message_without_template():
    """The check is not vacuous: an invented message's key is in no template."""
    site = zh_catalogue.Site("x.py", 1, "error", "the flux capacitor needs plutonium")
    assert not zh_catalogue.is_catalogued(site, zh_catalogue.catalogue_text())


def test_template_names_are_unique():
    names = [t.name for t in (*TEMPLATES, *USAGE_TEMPLATES)]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


def test_the_commands_messages_added_this_stop_read_as_chinese():
    """The templates added for the gaps of commands/ and cli.py (one sample each)."""
    samples = {
        "--map 'a.csv' and -o 'a.csv' name the same file; give the field map its own name "
        "(e.g. --map map.svg)": "--map 'a.csv' 与 -o 'a.csv' 是同一个文件",
        "standard output is closed (the command was run with >&-), so the result cannot be "
        "shown; write it to a file with -o/--output": "标准输出已关闭",
        "no plot has both a harvest record and a published figure in 'yield_kg_mu'": (
            "没有小区同时具有收获记录和 'yield_kg_mu' 中的公布数值"
        ),
        "--reported column 'yield_kg_mu' holds 2 values that are not a finite number (plot "
        "'101': 'abc', plot '102': inf); name the column of published standardized yields, "
        "or correct those cells": "--reported 列 'yield_kg_mu' 中有 2 个值不是有限数值",
    }
    for english, chinese in samples.items():
        assert (translate(english) or "").startswith(chinese), english


def test_every_cover_names_a_message_of_the_source():
    """A template's ``covers`` is the key of a real message (none left after a rewording)."""
    keys = {zh_catalogue.plain_words(site.key) for site in zh_catalogue.message_sites()}
    covers = [(t.name, c) for t in (*TEMPLATES, *USAGE_TEMPLATES) for c in t.covers]
    assert covers, "no template covers a message behind its groups"
    stale = [(name, c) for name, c in covers if zh_catalogue.plain_words(c) not in keys]
    assert not stale, stale


def test_covered_messages_read_as_chinese():
    """The messages the covers name are translated by their template (one sample each)."""
    samples = {
        "'试验.toml': 'published' must be an array of tables written [[published]].": (
            "'试验.toml'：published 应为表数组"
        ),
        "'试验.toml': [panel] experts must be an array of tables with a name, e.g. experts = "
        '[{ name = "...", affiliation = "...", title = "..." }].': "'试验.toml'：[panel] experts",
        "'试验.toml': unit = 5; expected text, e.g. \"kg/mu\".": "'试验.toml'：unit = 5；应为文本",
        "the command line: --moisture = 100.0; --moisture must be in [0, 100): expected "
        "percent (0-100), e.g. 13.": "命令行：--moisture = 100.0；--moisture 应在 [0, 100) 之内",
    }
    for english, chinese in samples.items():
        assert (translate(english) or "").startswith(chinese), (english, translate(english))
