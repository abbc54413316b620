"""Reading an uploaded file of titles: one title per line (.txt/.csv: the first column) or the
first column of the first sheet (.xlsx/.xls). Blank lines are skipped and counted."""

import csv
import io

from django.utils.translation import gettext as _

from jobbridge.core.errors import FieldError, ServiceError

MAX_TITLES = 20000
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _error(message: str) -> ServiceError:
    return ServiceError([FieldError("file", message)])


def read_titles(data: bytes) -> tuple[list[str], int]:
    """(titles in file order, number of blank lines skipped)."""
    if not data.strip():
        raise _error(_("文件是空的"))
    if data.startswith(_ZIP) or data.startswith(_OLE2):
        cells = _first_column_of_workbook(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")  # files saved by Excel/Notepad on Chinese Windows
            except UnicodeDecodeError:
                raise _error(_("无法识别文件编码，请另存为UTF-8文本或Excel文件")) from None
        cells = [row[0] if row else "" for row in csv.reader(io.StringIO(text))]
    titles = [str(c).strip() for c in cells if str(c or "").strip()]
    if not titles:
        raise _error(_("文件中没有职位名称"))
    if len(titles) > MAX_TITLES:
        raise _error(
            _("文件有%(n)d个职位名称，一次最多%(max)d个，请分批上传") % {"n": len(titles), "max": MAX_TITLES}
        )
    return titles, len(cells) - len(titles)


def _first_column_of_workbook(data: bytes) -> list:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception:
        raise _error(_("无法读取这个Excel文件，请确认文件未损坏、未加密")) from None
    return [row[0] if row else "" for row in rows]
