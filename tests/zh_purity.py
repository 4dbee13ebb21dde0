"""What a Chinese report may show in Latin letters, and the visible text of a report.

Shared by ``test_report_zh_purity.py`` (every ``--lang zh`` report of the shipped examples
holds no English word outside :data:`ALLOWED_WORDS`, documented in docs/user-guide.md) and
the modules that check the Chinese text of other reports the same way.
"""

from __future__ import annotations

import html
import io
import re

#: Latin-letter words a Chinese report may show: statistical and agronomic abbreviations,
#: test and method names, units and chemical symbols, the program's name.
ALLOWED_WORDS: frozenset[str] = frozenset(
    {
        # controls, treatments and letters of the shipped examples
        "CK",
        "CK1",
        "CK2",
        "T",
        # statistics
        "ANOVA",
        "CV",
        "LSD",
        "HSD",
        "SED",
        "SE",
        "CI",
        "df",
        "F",
        "P",
        "W",
        "t",
        "z",
        "Dunnett",
        "Tukey",
        "Duncan",
        "SNK",
        "Scheffe",
        "Shapiro-Wilk",
        # D'Agostino-Pearson K² (the normality test above 5,000 residuals) and its Q-Q plot
        "D",
        "Agostino-Pearson",
        "K²",
        "Q-Q",
        "Levene",
        "Brown-Forsythe",
        "Bonferroni",
        "II",
        "III",
        # network and stability statistics (names of methods and their symbols)
        "Wilson",
        "Eberhart-Russell",
        "Shukla",
        "Wricke",
        "AMMI",
        "IPCA",
        "ASV",
        "HSC",
        "Annicchiarico",
        "S2d",
        "b",
        # mixed models (REML) and augmented designs: methods, their authors, the R packages
        # whose results they reproduce
        "REML",
        "BLUE",
        "Wald",
        "Satterthwaite",
        "Kenward-Roger",
        "Kenward",
        "Roger",
        "Tukey-Kramer",
        "Kramer",
        "Fai",
        "Cornelius",
        "Federer",
        "Sobol",
        "lmerTest",
        "emmeans",
        "pbkrtest",
        # fertilizer efficiency and economics
        "PFP",
        "AE",
        "RE",
        "PE",
        "IE",
        "PNB",
        "VCR",
        "N",
        "P2O5",
        "K2O",
        "DCD",
        "NY",
        "CIMMYT",
        # units
        "kg",
        "g",
        "mg",
        "cm",
        "m",
        "pH",
        # formula symbols of the methods (W, M, I, S, Y, P are defined there)
        "M",
        "I",
        "S",
        "Y",
        "E",
        # the program and its identifiers
        "yieldtrial",
        "SHA-256",
        "SHA",
        # report formats named where a summarised table is complete
        "JSON",
        "Excel",
        # the text format and encoding a table is saved as (Excel's "CSV UTF-8"; loose58)
        "CSV",
        "UTF-8",
    }
)

#: Tokens that are data, not language: file names, checksums, ids, report numbers.
ALLOWED_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^[\w.-]+\.(csv|toml|xlsx|json|html|md|docx|svg)$"),  # file names
    re.compile(r"^[0-9a-f]{16,}$"),  # SHA-256 digests
    re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$"),  # example ids (jinzhong-2024, replicated-rcbd)
    re.compile(r"^[A-Z]{1,4}-\d{4}-\d{3}$"),  # report numbers (YT-2024-001)
    re.compile(r"^[a-eA-E]{1,4}$"),  # significance letters (a, ab, AB)
    re.compile(r"^B\d+$"),  # block labels of the plot table (B1, B2, ...)
)

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_./²³₂₅-]*")


def english_words(text: str, labels: frozenset[str] = frozenset()) -> list[str]:
    """Latin-letter tokens of ``text`` not allowed in a Chinese report.

    ``labels`` are labels of the data (site names such as ``farm01``): data, not language.
    """
    bad = []
    for token in _TOKEN.findall(text):
        token = token.strip(".-/")
        if not re.search(r"[A-Za-z]", token):
            continue
        if token in ALLOWED_WORDS or token in labels:
            continue
        if any(p.match(token) for p in ALLOWED_PATTERNS):
            continue
        parts = [p for p in re.split(r"[/.\-]", token) if re.search(r"[A-Za-z]", p)]
        if parts and all(re.sub(r"[\d²³]+$", "", p) in ALLOWED_WORDS for p in parts):
            continue  # kg/kg, kg/kg N, t/ha split at "/" ...
        bad.append(token)
    return bad


def html_text(document: str) -> str:
    """Visible text of an HTML report: body text and SVG <text>, without style and scripts."""
    document = re.sub(r"<style.*?</style>", " ", document, flags=re.S)
    document = re.sub(r"<!--.*?-->", " ", document, flags=re.S)
    svg_text = " ".join(re.findall(r"<text[^>]*>(.*?)</text>", document, flags=re.S))
    document = re.sub(r"<svg.*?</svg>", " ", document, flags=re.S)
    # <head>: only the <title> is visible
    head_title = " ".join(re.findall(r"<title>(.*?)</title>", document, flags=re.S))
    document = re.sub(r"<head>.*?</head>", " ", document, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", document + " " + svg_text + " " + head_title)
    return html.unescape(text)


def docx_text(data: bytes) -> str:
    """Visible text of a DOCX: paragraphs, table cells, headers and footers."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(parts)
