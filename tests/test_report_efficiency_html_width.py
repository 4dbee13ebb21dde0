"""The zh HTML report's efficiency table keeps its fertilizer column readable (stop 37).

Chromium (800 px window) set "复合肥 + 氮肥增效剂（假定为 DCD）" of the replicated example on three
lines of 6 characters beside number columns with room to spare; a min-width of 11 em keeps
the product names on one line and the bracketed note on the next.
"""

from __future__ import annotations

import warnings

from shipped import example_report
from yieldtrial.report._widths import text_em

RULE = "html:lang(zh) #table-efficiency td.text:nth-child(2) { min-width: 11em; }"


def test_zh_efficiency_fertilizer_column_has_a_min_width() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the example's illustrative rates are flagged
        report = example_report("replicated-rcbd", lang="zh", figures=False)
    table = next(b for b in report.section("efficiency").blocks if b.type == "table")
    second = table.columns[1]
    assert (second.key, second.kind) == ("fertilizer", "text")  # the rule's nth-child(2)
    longest = max((str(r["fertilizer"]) for r in table.rows), key=len)
    assert longest == "复合肥 + 氮肥增效剂（假定为 DCD）"
    names, note = longest.split("（")
    assert text_em(names.strip()) <= 11 < text_em(longest)  # 9.15 em on line 1, then the note
    html = report.to_html()
    assert RULE in html
    assert '<figure class="table" id="table-efficiency">' in html
