import datetime as dt
import io

import pytest
from python_calamine import CalamineWorkbook

from jobbridge.core import pii
from jobbridge.core.excel import xlsx_response
from jobbridge.people.models import Seeker
from jobbridge.people.selectors import SEEKER_EXPORT_HEADERS, seeker_export_rows
from tests.factories import SeekerFactory


def read(response) -> list[list]:
    return (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )


def test_xlsx_response_streams_any_rows():
    rows = ((f"第{i}行", i, dt.date(2024, 1, 1), True, None, "0012") for i in range(3))
    response = xlsx_response("名单", ["名称", "数", "日期", "是否", "空", "编号"], rows)
    assert "filename*=UTF-8''%E5%90%8D%E5%8D%95.xlsx" in response["Content-Disposition"]
    sheet = read(response)
    assert sheet[0] == ["名称", "数", "日期", "是否", "空", "编号"]
    assert sheet[1] == ["第0行", 0, dt.date(2024, 1, 1), "是", "", "0012"]
    assert len(sheet) == 4


@pytest.mark.django_db
def test_seeker_export_writes_masked_numbers_only():
    seeker = SeekerFactory(phone="13912345678")
    sheet = read(xlsx_response("seekers", SEEKER_EXPORT_HEADERS, seeker_export_rows(Seeker.objects.all())))
    clear_id = pii.decrypt(seeker.id_cipher)
    flat = " ".join(str(c) for row in sheet for c in row)
    assert clear_id not in flat and "13912345678" not in flat
    assert seeker.id_masked in flat and "139****5678" in flat
