"""A roster's columns: Chinese header, English field name, whether required, format, example.

Each importer declares its columns as a tuple of ``Column`` (``people.importing.SEEKER_COLUMNS``,
``returns.importing.COLUMNS``…); the tuple drives the downloadable template, header recognition
and the import docs. Headers are file-format identifiers, so they are plain strings rather than
translated text: a roster filled in under an English interface must still import.
"""

import re
from dataclasses import dataclass

from jobbridge.core.identity import clean_text


@dataclass(frozen=True)
class Column:
    key: str  # the raw-dict key the shared cleaner reads, also accepted as an English header
    header: str  # the Chinese header written in the template
    required: bool = False
    kind: str = "text"  # text | date | number; tells the reader how to turn spreadsheet cells into strings
    fmt: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()


# "姓名*", "*姓名", "姓名（必填）", "Name " all name the same column.
_DECORATION = re.compile(r"[*＊]|[（(](必填|选填|可选|required|optional)[)）]", re.IGNORECASE)


def header_key(text: object) -> str:
    return _DECORATION.sub("", clean_text(text)).replace(" ", "").lower()


def columns_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Every accepted spelling of a header (normalised) to its column."""
    index: dict[str, Column] = {}
    for col in columns:
        for spelling in (col.header, col.key, *col.aliases):
            index.setdefault(header_key(spelling), col)
    return index
