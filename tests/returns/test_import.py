"""The bulk import: every rejected row reported with its row number and column, the good rows
kept, unknown people registered from the row, and a second import creating nothing new."""

import io
import json

import pytest
import python_calamine
import xlsxwriter
from django.core.management import call_command

from jobbridge.people.models import Seeker
from jobbridge.returns.importing import COLUMNS, import_homecomings, read_sheet, write_template
from jobbridge.returns.models import Homecoming
from tests.factories import GridFactory, SeekerFactory, UserFactory, new_id_number

from .factories import DONGGUAN, SeasonFactory

pytestmark = pytest.mark.django_db
HEAD = ["身份证号", "姓名", "返乡地", "节前务工地", "返乡日期", "返岗日期", "用工单位信用代码"]


def xlsx(path, rows, title=True):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    start = 0
    if title:
        sheet.write(0, 0, "2026年春节返乡返岗登记表")  # a title above the header, as clerks do
        start = 1
    for r, row in enumerate([HEAD, *rows], start=start):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value) if isinstance(value, str) else sheet.write(r, c, value)
    book.close()
    return path


@pytest.fixture
def people():
    known = [new_id_number() for _ in range(3)]
    for n in known:
        SeekerFactory(id_number=n)
    return known


def by_row(outcome) -> dict[int, str]:
    found: dict[int, str] = {}
    for e in outcome.errors:
        found[e.row] = found.get(e.row, "") + f"{e.column}:{e.message}|"
    return found


def test_mixed_file_keeps_good_rows_reports_every_bad_one(tmp_path, people):
    season = SeasonFactory()
    a, b, c = people
    newcomer, nameless = new_id_number(), new_id_number()
    bad_check = a[:-1] + ("0" if a[-1] != "0" else "1")
    rows = [
        [a, "", "", "东莞市", "2026-02-05", "2026-02-25", ""],  # 3: known, returned
        [b, "", "", DONGGUAN, "2026-02-06", "", ""],  # 4: known, still home
        [newcomer, "新人", "乐都区", "苏州市", "2026-02-01", "", ""],  # 5: registered from the row
        [nameless, "", "乐都区", DONGGUAN, "2026-02-01", "", ""],  # 6: unknown, no name
        [bad_check, "", "", DONGGUAN, "2026-02-01", "", ""],  # 7: bad check digit
        [a, "", "", DONGGUAN, "2026-02-01", "", ""],  # 8: same person as row 3
        [c, "", "", DONGGUAN, "2026-02-10", "2026-02-08", ""],  # 9: back before home
        [c, "", "", "999999", "2026-02-10", "", ""],  # 10: (dup of 9 is refused too)
        ["", "", "", "", "", "", ""],  # 11: empty, skipped
        [
            new_id_number(),
            "某人",
            "乐都区",
            "火星基地",
            "2026-02-10",
            "",
            "",
        ],  # 12: unknown region, nobody registered
        [new_id_number(), "某人", "乐都区", DONGGUAN, "2025-10-10", "", ""],  # 13: outside the season
        [
            new_id_number(),
            "某人",
            "乐都区",
            DONGGUAN,
            "2026-02-10",
            "",
            "91320205MA1MXJ0K7B",
        ],  # 14: unknown employer
    ]
    path = xlsx(tmp_path / "returns.xlsx", rows)
    seekers_before = Seeker.objects.count()
    out = import_homecomings(path=path, season=season)
    assert (out.rows, out.created, out.rejected) == (11, 3, 8)
    errors = by_row(out)
    assert set(errors) == {6, 7, 8, 9, 10, 12, 13, 14}
    assert "姓名" in errors[6] and "校验位" in errors[7] and "第3行" in errors[8]
    assert "返岗日期" in errors[9] and "早于返乡日期" in errors[9]
    assert "第9行" in errors[10]
    assert "节前务工地" in errors[12] and "返乡日期" in errors[13] and "用工单位信用代码" in errors[14]
    assert all(e.message.startswith(f"第{e.row}行") for e in out.errors)
    assert Seeker.objects.count() == seekers_before + 1
    registered = Seeker.objects.get(name="新人")
    assert (registered.source, registered.hukou_region_id) == ("import", "630202")
    assert Homecoming.objects.get(seeker=registered).destination_region_id == "320500"

    again = import_homecomings(path=path, season=season)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 8)
    assert Homecoming.objects.count() == 3 and Seeker.objects.count() == seekers_before + 1


def test_a_later_file_fills_in_the_returns(tmp_path, people):
    season = SeasonFactory()
    a, b, _c = people
    import_homecomings(
        path=xlsx(
            tmp_path / "1.xlsx",
            [[a, "", "", DONGGUAN, "2026-02-05", "", ""], [b, "", "", DONGGUAN, "2026-02-05", "", ""]],
        ),
        season=season,
    )
    later = xlsx(
        tmp_path / "2.xlsx",
        [[a, "", "", DONGGUAN, "2026-02-05", "2026-03-01", ""], [b, "", "", DONGGUAN, "2026-02-05", "", ""]],
        title=False,
    )
    out = import_homecomings(path=later, season=season)
    assert (out.created, out.updated, out.unchanged) == (0, 1, 1)
    assert sorted(Homecoming.objects.values_list("status", flat=True)) == ["home", "returned"]


def test_commissioner_imports_only_for_own_grid(tmp_path, people):
    season = SeasonFactory()
    grid = GridFactory()
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.add(grid)
    mine = new_id_number()
    SeekerFactory(id_number=mine, grid=grid)
    path = xlsx(
        tmp_path / "c.xlsx",
        [[mine, "", "", DONGGUAN, "2026-02-05", "", ""], [people[0], "", "", DONGGUAN, "2026-02-05", "", ""]],
    )
    out = import_homecomings(path=path, season=season, actor=commissioner)
    assert (out.created, out.rejected) == (1, 1)
    assert "管辖范围" in out.errors[0].message


def test_cli_json_exit_codes_and_error_file(tmp_path, people):
    SeasonFactory()
    path = xlsx(
        tmp_path / "r.xlsx",
        [
            [people[0], "", "", DONGGUAN, "2026-02-05", "", ""],
            [people[1], "", "", "nowhere", "2026-02-05", "", ""],
        ],
    )
    out = io.StringIO()
    call_command(
        "returns",
        "import",
        str(path),
        "--season",
        "2026",
        "--json",
        "--error-file",
        str(tmp_path / "err.xlsx"),
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert (summary["created"], summary["rejected"]) == (1, 1)
    assert summary["errors"][0]["row"] == 4 and summary["errors"][0]["column"] == "节前务工地"
    book = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "err.xlsx"))
    grid = book.get_sheet_by_index(0).to_python()
    assert grid[1][0] == 4 and "节前务工地" in grid[1][1]

    missing = tmp_path / "missing.csv"
    missing.write_text("身份证号,返乡日期\n632123199001010012,2026-02-01\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("returns", "import", str(missing), "--season", "2026", "--json", stdout=out)
    assert exit_.value.code == 2
    assert "节前务工地" in json.loads(out.getvalue())["file_error"]
    for bad in (b"", b"\x00\x01garbage"):
        f = tmp_path / "bad.xlsx"
        f.write_bytes(bad)
        with pytest.raises(SystemExit):
            call_command("returns", "import", str(f), "--season", "2026", "--json", stdout=io.StringIO())
    with pytest.raises(SystemExit):
        call_command("returns", "import", str(path), "--season", "1999", "--json", stdout=io.StringIO())


def test_template_round_trips(tmp_path):
    target = tmp_path / "t.xlsx"
    call_command("returns", "template", "--out", str(target), stderr=io.StringIO())
    sheet = read_sheet(target)
    assert sheet.headers == [c.header for c in COLUMNS]
    assert list(sheet.rows) == []
    buffer = io.BytesIO()
    write_template(buffer)
    assert buffer.getvalue()[:2] == b"PK"


def test_csv_in_gbk_with_english_headers(tmp_path, people):
    SeasonFactory()
    f = tmp_path / "gbk.csv"
    f.write_bytes(
        (
            "id_number,destination_region,went_home_on,returned_on,status\n"
            f"{people[0]},东莞市,2026/2/5,,留乡不再外出\n"
        ).encode("gb18030")
    )
    out = import_homecomings(path=f, season=SeasonFactory())
    assert (out.created, out.rejected) == (1, 0)
    assert Homecoming.objects.get().status == "staying"
