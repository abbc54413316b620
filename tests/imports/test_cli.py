import json

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from jobbridge.imports.kinds import COLUMNS
from jobbridge.imports.models import ImportJob
from jobbridge.people.models import Seeker
from tests.factories import new_id_number

from .conftest import bad_id, seeker_row, write_xlsx

pytestmark = pytest.mark.django_db


def cli(capsys, *args) -> tuple[int, str]:
    code = 0
    try:
        call_command("import", *args)
    except SystemExit as e:
        code = e.code
    return code, capsys.readouterr().out


@pytest.mark.parametrize("kind", ["seekers", "enterprises", "postings"])
def test_template_round_trip(tmp_path, capsys, kind):
    out = tmp_path / f"{kind}.xlsx"
    assert cli(capsys, "template", kind, "--out", str(out))[0] == 0
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert sheet[0] == [c.header for c in COLUMNS[kind]]
    # The blank template imports cleanly: no file error, nothing to do.
    code, text = cli(capsys, kind, str(out), "--json")
    assert code == 0 and json.loads(text)["rows"] == 0


def test_template_filled_in_imports(tmp_path, capsys):
    template = tmp_path / "t.xlsx"
    cli(capsys, "template", "seekers", "--out", str(template))
    header = CalamineWorkbook.from_path(str(template)).get_sheet_by_index(0).to_python()[0]
    example = {c.header: c.example for c in COLUMNS["seekers"]}
    example.update({"身份证号": new_id_number(), "网格编号": "", "意向职业": "", "证明材料": "残疾证001"})
    path = write_xlsx(tmp_path / "filled.xlsx", header, [[example[h] for h in header]])
    code, text = cli(capsys, "seekers", str(path), "--json")
    result = json.loads(text)
    assert code == 0 and result["created"] == 1, result["errors"]


def test_json_summary_exit_code_and_error_file(tmp_path, capsys):
    wrong, digit = bad_id(new_id_number())
    path = write_xlsx(
        tmp_path / "r.xlsx",
        ["姓名", "身份证号", "户籍地"],
        [seeker_row()[:2] + ["乐都"], ["错", wrong, "乐都"]],
    )
    errors = tmp_path / "errors.xlsx"
    code, text = cli(capsys, "seekers", str(path), "--json", "--error-file", str(errors))
    result = json.loads(text)
    assert code == 0
    assert {k: result[k] for k in ("rows", "created", "updated", "unchanged", "rejected")} == {
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    assert result["errors"] == [
        {"row": 3, "column": "身份证号", "message": f"第3行 身份证号：校验位应为{digit}"}
    ]
    assert CalamineWorkbook.from_path(str(errors)).get_sheet_by_index(0).to_python()[1][0] == 3
    assert ImportJob.objects.get().status == "done"
    assert json.loads(cli(capsys, "seekers", str(path), "--json")[1])["unchanged"] == 1


def test_dry_run_writes_nothing(tmp_path, capsys):
    path = write_xlsx(tmp_path / "r.xlsx", ["姓名", "身份证号", "户籍地"], [seeker_row()[:2] + ["乐都"]])
    code, text = cli(capsys, "seekers", str(path), "--dry-run", "--json")
    assert code == 0 and json.loads(text)["created"] == 1
    assert Seeker.objects.count() == 0 and ImportJob.objects.count() == 0


@pytest.mark.parametrize("content", [b"", b"\x00\x01garbage" * 100])
def test_unreadable_file_exits_non_zero(tmp_path, capsys, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    code, text = cli(capsys, "seekers", str(path), "--json", "--dry-run")
    assert code == 2 and json.loads(text)["file_error"]


def test_missing_file_and_missing_column_exit_non_zero(tmp_path, capsys):
    assert cli(capsys, "seekers", str(tmp_path / "nope.xlsx"), "--json")[0] == 2
    path = write_xlsx(tmp_path / "r.xlsx", ["姓名"], [["张三"]])
    code, text = cli(capsys, "seekers", str(path), "--json")
    assert code == 2 and "身份证号" in json.loads(text)["file_error"]
    assert ImportJob.objects.get().status == "failed"
