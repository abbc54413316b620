import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from tests.factories import LEDU, UserFactory, new_id_number

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clerk(db):
    return UserFactory(county_clerk=True)


def write_xlsx(path: Path, header: list, rows: list[list], *, as_text: bool = True) -> Path:
    """A workbook as a clerk would type it: every cell a string unless ``as_text`` is False."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if as_text:
                sheet.write_string(r, c, str(value))
            else:
                sheet.write(r, c, value)
    book.close()
    return path


SEEKER_HEADER = ["姓名", "身份证号", "手机号", "户籍地", "学历", "意向工作地", "可到岗日期"]


def seeker_row(
    name="张三",
    id_number=None,
    phone="13800138000",
    hukou=LEDU,
    education="高中",
    regions="无锡市",
    available="2024年3月1日",
) -> list:
    return [name, id_number or new_id_number(), phone, hukou, education, regions, available]


@pytest.fixture
def roster(tmp_path):
    counter = iter(range(1000))

    def make(rows, header=SEEKER_HEADER, **kw) -> Path:
        return write_xlsx(tmp_path / f"roster{next(counter)}.xlsx", header, rows, **kw)

    return make


def bad_id(good: str) -> tuple[str, str]:
    """The same ID with a wrong check digit, and the digit it should have."""
    wrong = "0" if good[-1] != "0" else "1"
    return good[:-1] + wrong, good[-1]


def today_plus(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)
