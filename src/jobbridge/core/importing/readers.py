"""Reading a roster file (.xlsx, .xls, .csv) into raw row dicts keyed by the cleaners' field names.

Everything a spreadsheet does to values is undone here, before the shared cleaners see them:
numbers that Excel stored as floats (13800138000.0), date cells and bare date serials,
booleans, formulas (calamine returns the value Excel cached; nothing is evaluated), and merged
cells (calamine gives the value only to the top-left cell; we copy it to the whole range, so a
household code merged over a family's rows applies to each member).

The format is recognised from the content, not the file name: an .xls renamed .xlsx reads fine.
A file that cannot be read raises ``FileError`` with a message for the clerk, never a traceback.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine
from django.utils.translation import gettext as _

from .columns import Column, columns_index, header_key

HEADER_SEARCH_ROWS = 20  # a title or a note may sit above the header row
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and other Office binary files)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_EXCEL_SERIAL = 2958465  # 9999-12-31


class FileError(Exception):
    """The file as a whole cannot be imported; ``message`` is shown to the clerk as is."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class RawRow:
    number: int  # the row number the clerk sees in Excel (1-based)
    values: dict  # field key -> normalised cell value
    cells: list  # the row as read, for the error workbook
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field key, message) found while reading


@dataclass
class Roster:
    kind: str
    headers: list[str]  # the header row as written, for the error workbook
    columns: dict[int, Column]  # cell index -> column
    labels: dict[str, str]  # field key -> header as written (errors name the column the clerk sees)
    header_row: int  # 1-based row number of the header
    total: int  # data rows below the header, empty ones included (for progress)
    rows: Iterator[RawRow]
    ignored_headers: list[str]


def open_roster(path: str | Path, columns: tuple[Column, ...], *, kind: str = "") -> Roster:
    """The roster in ``path`` read against ``columns``; ``kind`` only names it."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise FileError(_("找不到上传的文件")) from None
    if size == 0:
        raise FileError(_("文件为空（0字节），请重新选择文件"))
    with path.open("rb") as f:
        head = f.read(8192)
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE2_MAGIC):
        grid, merged = _read_workbook(path, columns)
    else:
        grid, merged = _read_csv(path, head), []
    return _build(kind, columns, grid, merged)


def _read_workbook(path: Path, columns: tuple[Column, ...]) -> tuple[list[list], list]:
    try:
        with path.open("rb") as f:
            book = python_calamine.CalamineWorkbook.from_filelike(f)
            visible = python_calamine.SheetVisibleEnum.Visible
            sheets = [m.name for m in book.sheets_metadata if m.visible == visible] or book.sheet_names
            index = columns_index(columns)
            first = None
            for name in sheets:
                sheet = book.get_sheet_by_name(name)
                grid = sheet.to_python(skip_empty_area=False)
                first = first or (grid, sheet.merged_cell_ranges or [])
                # The roster is the first sheet with a recognisable header; a note sheet may come first.
                if _find_header(grid, index)[0] is not None:
                    return grid, sheet.merged_cell_ranges or []
            return first or ([], [])
    except python_calamine.PasswordError:
        raise FileError(_("文件设置了密码，请去掉密码后再上传")) from None
    except (python_calamine.CalamineError, OSError, ValueError) as e:
        raise FileError(
            _("无法读取Excel文件，文件可能已损坏或不是.xlsx/.xls格式（%(e)s）") % {"e": str(e)[:200]}
        ) from None


def _read_csv(path: Path, head: bytes) -> list[list]:
    if b"\x00" in head:
        raise FileError(_("无法识别的文件格式，请上传.xlsx、.xls或.csv文件"))
    data = path.read_bytes()
    # Excel on Chinese Windows saves CSV as GBK (GB 18030 is its superset); others save UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(_("无法识别的文件格式，请上传.xlsx、.xls或.csv文件"))
    if any(ch < " " and ch not in "\t\r\n" for ch in text[:8192]):
        raise FileError(_("无法识别的文件格式，请上传.xlsx、.xls或.csv文件"))
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise FileError(_("CSV文件格式错误：%(e)s") % {"e": e}) from None


def _fill_merged(grid: list[list], merged: list) -> None:
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(grid) or c0 >= len(grid[r0]):
            continue
        value = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value


def _find_header(grid: list[list], index: dict[str, Column]) -> tuple[int | None, int]:
    best, best_hits = None, 0
    for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        hits = len({index[k].key for k in (header_key(c) for c in row if isinstance(c, str)) if k in index})
        if hits > best_hits:
            best, best_hits = r, hits
    return best, best_hits


def _build(kind: str, spec: tuple[Column, ...], grid: list[list], merged: list) -> Roster:
    index = columns_index(spec)
    _fill_merged(grid, merged)
    header_at, _hits = _find_header(grid, index)
    if header_at is None:
        example = "、".join(c.header for c in spec if c.required)
        raise FileError(
            _("找不到表头：前%(n)d行中没有可识别的列名（应包含%(cols)s等列），请使用下载的模板")
            % {"n": HEADER_SEARCH_ROWS, "cols": example}
        )
    headers = ["" if c is None else str(c) for c in grid[header_at]]
    columns: dict[int, Column] = {}
    seen: dict[str, str] = {}
    ignored = []
    for i, text in enumerate(headers):
        col = index.get(header_key(text))
        if col is None:
            if text.strip():
                ignored.append(text.strip())
            continue
        if col.key in seen:
            raise FileError(
                _("“%(a)s”和“%(b)s”是同一列（%(h)s），请删去其中一列")
                % {"a": seen[col.key], "b": text.strip(), "h": col.header}
            )
        seen[col.key] = text.strip()
        columns[i] = col
    missing = [c for c in spec if c.required and c.key not in seen]
    if missing:
        raise FileError(
            _("缺少必填列：%(cols)s") % {"cols": "、".join(f"{c.header}（{c.key}）" for c in missing)}
        )
    labels = {col.key: seen[col.key] for col in columns.values()}
    return Roster(
        kind=kind,
        headers=headers,
        columns=columns,
        labels=labels,
        header_row=header_at + 1,
        total=len(grid) - header_at - 1,
        rows=_rows(grid, header_at, columns),
        ignored_headers=ignored,
    )


def _rows(grid: list[list], header_at: int, columns: dict[int, Column]) -> Iterator[RawRow]:
    for r in range(header_at + 1, len(grid)):
        cells = grid[r]
        grid[r] = []  # let rows go as they are consumed; a 100,000-row roster holds a lot of cells
        values, errors = {}, []
        for i, col in columns.items():
            cell = cells[i] if i < len(cells) else None
            try:
                values[col.key] = cell_value(col, cell)
            except ValueError as e:
                values[col.key] = ""
                errors.append((col.key, str(e)))
        if not errors and all(v in ("", None) for v in values.values()):
            continue  # an empty row is skipped, not rejected
        yield RawRow(number=r + 1, values=values, cells=list(cells), errors=errors)


def cell_value(col: Column, cell: object) -> object:
    """A spreadsheet cell as the text (or date) a clerk meant to type."""
    if cell is None or cell == "":
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, dt.datetime | dt.date):
        if col.kind == "date":
            return cell
        return (
            cell.date().isoformat() if isinstance(cell, dt.datetime) and not cell.time() else cell.isoformat()
        )
    if isinstance(cell, int | float):
        if col.kind == "date" and 1 <= cell <= _MAX_EXCEL_SERIAL:
            # A date typed into a cell without a date format arrives as its serial number.
            return _EXCEL_EPOCH + dt.timedelta(days=int(cell))
        if isinstance(cell, float) and cell.is_integer():
            if col.key == "id_number" and cell >= 1e15:
                raise ValueError(_("身份证号被Excel存成了数字，后几位已丢失；请把该列设为文本格式后重新填写"))
            return str(int(cell))
        return str(cell)
    return str(cell)
