"""File-level problems get one clear message; spreadsheet quirks are undone before validation."""

import datetime as dt
import os

import pytest
import xlsxwriter

from jobbridge.core.importing.readers import FileError, open_roster
from jobbridge.imports.services import import_roster
from jobbridge.people.importing import SEEKER_COLUMNS
from jobbridge.people.models import Seeker
from tests.factories import new_id_number

from .conftest import DATA, SEEKER_HEADER, seeker_row, write_xlsx

pytestmark = pytest.mark.django_db


def file_error(path) -> str:
    outcome = import_roster(kind="seekers", path=path)
    assert outcome.rows == 0 and Seeker.objects.count() == 0
    return outcome.file_error


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert "文件为空" in file_error(path)


def test_ten_megabytes_of_random_garbage(tmp_path):
    path = tmp_path / "garbage.xlsx"
    path.write_bytes(os.urandom(10 * 2**20))
    assert "无法识别的文件格式" in file_error(path)


def test_garbage_that_looks_like_a_zip(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(5000))
    assert "无法读取Excel文件" in file_error(path)


def test_a_legacy_xls_renamed_xlsx_is_read_by_content(tmp_path):
    path = tmp_path / "renamed.xlsx"
    path.write_bytes((DATA / "legacy_roster.xls").read_bytes())
    outcome = import_roster(kind="seekers", path=path)
    assert (outcome.file_error, outcome.created) == ("", 1)
    assert Seeker.objects.get().name == "旧格式"


def test_missing_required_column_names_it(roster):
    path = roster([["张三", "13800138000"]], header=["姓名", "手机号"])
    message = file_error(path)
    assert (
        "缺少必填列" in message and "身份证号（id_number）" in message and "户籍地（hukou_region）" in message
    )


def test_no_header_at_all(roster):
    assert "找不到表头" in file_error(roster([["a", "b"]], header=["foo", "bar"]))


def test_the_same_column_twice_is_a_file_error(roster):
    assert "同一列" in file_error(roster([], header=["姓名", "name", "身份证号", "户籍地"]))


def test_english_and_shuffled_headers(roster):
    row = seeker_row(name="李四")
    path = roster([[row[3], row[0], row[1]]], header=["hukou_region", "NAME", "id_number"])
    outcome = import_roster(kind="seekers", path=path)
    assert outcome.created == 1
    assert Seeker.objects.get().name == "李四"


def test_decorated_headers_and_a_title_row(tmp_path):
    path = tmp_path / "titled.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.merge_range(0, 0, 0, 3, "乐都区2024年春风行动求职登记花名册")
    sheet.write_row(1, 0, ["姓名*", "身份证号（必填）", "户籍地", "备注"])
    sheet.write_row(2, 0, seeker_row()[:2] + ["乐都区", "随便写"])
    book.close()
    outcome = import_roster(kind="seekers", path=path)
    assert outcome.created == 1 and outcome.ignored_headers == ["备注"]


def test_merged_cells_apply_to_every_row_they_cover(tmp_path):
    path = tmp_path / "merged.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号", "户籍地", "户编号"])
    for r in (1, 2):
        sheet.write_row(r, 0, seeker_row(name=f"家人{r}")[:2])
    sheet.merge_range(1, 2, 2, 2, "乐都区")
    sheet.merge_range(1, 3, 2, 3, "HH-001")
    book.close()
    outcome = import_roster(kind="seekers", path=path)
    assert outcome.created == 2
    assert set(Seeker.objects.values_list("hukou_region_id", "household__code")) == {("630202", "HH-001")}


def test_formulas_give_their_cached_value_and_are_not_evaluated(tmp_path):
    path = tmp_path / "formula.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "身份证号", "户籍地", "期望月薪"])
    sheet.write_row(1, 0, seeker_row()[:2] + ["乐都区"])
    # The formula would give 2 if evaluated; Excel last saved 4500.
    sheet.write_formula(1, 3, "=1+1", None, 4500)
    book.close()
    assert import_roster(kind="seekers", path=path).created == 1
    assert Seeker.objects.get().expected_wage == 4500


def test_numbers_dates_and_serials_from_excel(roster):
    row = seeker_row()
    path = roster([[row[0], row[1], 13800138000, 630202, "高中", "", 45352]], as_text=False)
    assert import_roster(kind="seekers", path=path).created == 1
    seeker = Seeker.objects.get()
    assert seeker.phone_masked == "138****8000" and seeker.hukou_region_id == "630202"
    assert seeker.available_from == dt.date(2024, 3, 1)  # 45352 is Excel's serial for 2024-03-01


def test_an_id_number_stored_as_a_number_is_explained(roster):
    number = next(n for n in iter(new_id_number, None) if not n.endswith("X"))  # a number Excel can hold
    path = roster([["张三", float(number), "13800138000", "乐都区"]], as_text=False)
    outcome = import_roster(kind="seekers", path=path)
    assert outcome.rejected == 1 and "设为文本格式" in outcome.errors[0].message


def test_csv_in_gbk_as_saved_by_chinese_excel(tmp_path):
    row = seeker_row(name="王五")
    path = tmp_path / "roster.csv"
    path.write_bytes(("\n".join([",".join(SEEKER_HEADER), ",".join(row)]) + "\n").encode("gb18030"))
    assert import_roster(kind="seekers", path=path).created == 1
    assert Seeker.objects.get().name == "王五"


def test_empty_rows_are_skipped_not_rejected(roster):
    path = roster([seeker_row(), ["", "", ""], [], seeker_row()])
    outcome = import_roster(kind="seekers", path=path)
    assert (outcome.rows, outcome.created, outcome.rejected) == (2, 2, 0)


def test_open_roster_reports_row_numbers_as_excel_shows_them(roster):
    path = roster([seeker_row(), [], seeker_row()])
    assert [r.number for r in open_roster(path, SEEKER_COLUMNS).rows] == [2, 4]
    with pytest.raises(FileError):
        open_roster(path.with_name("missing.xlsx"), SEEKER_COLUMNS)


def test_write_xlsx_helper_roundtrip(tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", ["姓名", "身份证号", "户籍地"], [["甲", "1", "乐都"]])
    assert next(open_roster(path, SEEKER_COLUMNS).rows).values["name"] == "甲"
