"""Streaming .xlsx exports for any list page.

    xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence], *,
                  sheet_name: str = "Sheet1") -> FileResponse

``rows`` is consumed lazily (pass ``queryset.values_list(...).iterator()``) and written with
xlsxwriter's constant_memory mode, which flushes each row to a temporary file, so memory stays
flat however long the list. An .xlsx is a zip whose directory comes last, so it cannot be sent
before it is finished: the workbook is assembled in a temporary file that the response then
streams in chunks and that disappears when the response is closed.

Values: str, int, float, bool, date and datetime (written as dates; time zones dropped after
conversion to local time), None (empty). Anything else is written as ``str(value)``. Strings
that look like numbers stay text, so ID-like values are not mangled by Excel.

Personal data: exports never decrypt (``people.selectors.seeker_export_rows`` gives masked ID and
phone numbers only). Callers write an AuditEvent (action EXPORT), e.g. with ``audit_export``.
"""

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core.audit import audit
from jobbridge.core.models import AuditEvent

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_xlsx(
    target, headers: Sequence[str], rows: Iterable[Sequence], *, sheet_name: str = "Sheet1"
) -> int:
    """Write ``rows`` under ``headers`` to ``target`` (a path or binary file); returns the row count."""
    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "remove_timezone": True,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet = book.add_worksheet(sheet_name[:31])
    sheet.write_row(0, 0, list(headers), bold)
    sheet.freeze_panes(1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_string(count, c, _("是") if value else _("否"))
            elif isinstance(value, int | float):
                sheet.write_number(count, c, value)
            elif isinstance(value, dt.datetime):
                if timezone.is_aware(value):
                    value = timezone.localtime(value)
                sheet.write_datetime(count, c, value.replace(tzinfo=None), moment)
            elif isinstance(value, dt.date):
                sheet.write_datetime(count, c, value, day)
            else:
                sheet.write_string(count, c, str(value))
    book.close()
    return count


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence], *, sheet_name: str = "Sheet1"
) -> FileResponse:
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    spool = tempfile.TemporaryFile()  # deleted when the response closes it
    write_xlsx(spool, headers, rows, sheet_name=sheet_name)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE, as_attachment=True, filename=filename)
    # RFC 6266: a UTF-8 name for browsers, an ASCII fallback for the rest.
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def audit_export(*, actor, request=None, what: str, rows: int | None = None) -> None:
    audit(actor=actor, action=AuditEvent.Action.EXPORT, request=request, what=what, rows=rows)
