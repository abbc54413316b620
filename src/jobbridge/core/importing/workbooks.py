"""The workbooks every importer writes: the blank template of its columns and the error workbook.

The error workbook repeats each rejected row under its original headers, after three columns
saying what is wrong (行号, 错误列, 错误原因). The importer ignores those three columns, so a
clerk can correct the rows in place and upload the error workbook itself.
"""

import datetime as dt
from pathlib import Path

import xlsxwriter
from django.utils.translation import gettext as _

from .engine import Outcome

ERROR_HEADERS = ("行号", "错误列", "错误原因")


def write_columns_template(target, columns, sheet_name: str) -> None:
    """Headers (required ones shaded, each with a comment), text-formatted columns and a notes
    sheet for any importer's columns (objects with header, key, required, fmt, example)."""
    book = xlsxwriter.Workbook(target, {"in_memory": True})
    text = book.add_format({"num_format": "@"})  # text cells: Excel keeps ID numbers as typed
    required = book.add_format({"bold": True, "bg_color": "#FDE9D9", "border": 1})
    optional = book.add_format({"bold": True, "border": 1})
    sheet = book.add_worksheet(sheet_name)
    for i, col in enumerate(columns):
        sheet.write_string(0, i, col.header, required if col.required else optional)
        sheet.write_comment(0, i, f"{col.key}{'（必填）' if col.required else ''}\n{col.fmt}")
        sheet.set_column(i, i, max(10, len(col.header) * 2 + 2), text)
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet(_("填写说明"))
    for i, title in enumerate((_("列名"), _("英文列名"), _("必填"), _("格式"), _("示例"))):
        notes.write_string(0, i, title, optional)
    for r, col in enumerate(columns, start=1):
        notes.write_row(
            r, 0, [col.header, col.key, _("是") if col.required else _("否"), col.fmt, col.example]
        )
    notes.set_column(0, 1, 20)
    notes.set_column(3, 3, 60)
    notes.set_column(4, 4, 24)
    book.close()


def write_error_workbook(path: str | Path, outcome: Outcome) -> None:
    """The rejected rows of ``outcome`` under the file's own headers, each after what is wrong."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = book.add_format({"bold": True})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet(_("错误清单"))
    sheet.write_row(0, 0, [*ERROR_HEADERS, *outcome.headers], bold)
    sheet.set_column(2, 2, 50)
    for r, (row, errors) in enumerate(outcome.rejected_rows, start=1):
        sheet.write_number(r, 0, row.number)
        sheet.write_string(r, 1, "、".join(dict.fromkeys(e.column for e in errors)))
        sheet.write_string(r, 2, "；".join(e.message for e in errors))
        for c, cell in enumerate(row.cells, start=len(ERROR_HEADERS)):
            if cell in (None, ""):
                continue
            if isinstance(cell, dt.datetime | dt.date):
                sheet.write_datetime(r, c, cell, date)
            elif isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
                sheet.write_string(r, c, str(int(cell)))  # as text, so 13800138000 stays a phone number
            else:
                sheet.write_string(r, c, str(cell))
    book.close()
