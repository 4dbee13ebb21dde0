"""Deterministic Office Open XML packages (DOCX, XLSX): fixed zip timestamps and document dates.

python-docx and openpyxl stamp every zip member with the current time and the
core properties with the time of writing, so two identical runs give different
files.  :func:`deterministic_package` rewrites a package with fixed member
timestamps and the report's own date as the created/modified dates.
"""

from __future__ import annotations

import io
import re
import zipfile

__all__ = ["FIXED_ZIP_TIME", "deterministic_package", "package_datetime"]

#: Timestamp of every zip member (the earliest a zip file can hold).
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_CORE_DATE = re.compile(
    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)
_PRINTED = re.compile(r"<cp:lastPrinted>[^<]*</cp:lastPrinted>")


def package_datetime(report_date: object) -> str:
    """W3CDTF date-time of the report date (``YYYY-MM-DD``), midnight UTC.

    Examples
    --------
    >>> package_datetime("2024-06-01"), package_datetime(None)
    ('2024-06-01T00:00:00Z', '2000-01-01T00:00:00Z')
    """
    text = str(report_date or "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text}T00:00:00Z"
    return "2000-01-01T00:00:00Z"


def deterministic_package(data: bytes, *, created: str) -> bytes:
    """Rewrite an OOXML package with fixed member timestamps and document dates.

    Parameters
    ----------
    data : bytes
        The package (a zip file) as written by python-docx or openpyxl.
    created : str
        W3CDTF date-time for ``dcterms:created`` and ``dcterms:modified``.

    Returns
    -------
    bytes
        The same members, in the same order, with fixed metadata.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = _CORE_DATE.sub(lambda m: m.group(1) + created + m.group(2), text)
                content = _PRINTED.sub("", text).encode("utf-8")
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, content)
    return out.getvalue()
