import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("occupations", "code", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_one_title_prints_the_suggestions_as_json_objects():
    out, _ = run("捉鸭记餐厅招聘厨师", "--top", "3", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 3 and set(rows[0]) == {"code", "name", "score"}
    assert rows[0]["code"] == "4-03-02-01"


def test_one_title_without_json_is_a_readable_list():
    out, _ = run("电焊工")
    assert out.splitlines()[0].startswith("6-18-02-04") and "焊工" in out
    assert len(out.splitlines()) == 5


def test_a_file_gives_one_json_line_per_title_in_order(tmp_path):
    f = tmp_path / "titles.txt"
    long = "电焊工" * 100
    f.write_text(f"电焊工\n\n拼多多运营\n{long}\n12345\n  普工包吃住  \nwelder\n", encoding="utf-8")
    out, err = run("--file", str(f), "--top", "5", "--json", "--no-progress")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["title"] for r in rows] == ["电焊工", "拼多多运营", long, "12345", "普工包吃住", "welder"]
    assert rows[0]["suggestions"][0]["code"] == "6-18-02-04" and len(rows[0]["suggestions"]) == 5
    assert rows[4]["suggestions"][0]["code"] == "6-00-00-00"
    assert rows[2]["suggestions"] == [] and "line 4" in rows[2]["error"] and "200" in rows[2]["error"]
    assert rows[3]["suggestions"] == [] and "line 5" in rows[3]["error"]
    assert "error" not in rows[0]
    assert "skipped 1 blank line" in err


def test_a_file_shows_progress_on_stderr(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("保安\n保洁\n", encoding="utf-8")
    out, err = run("--file", str(f))
    assert "coding" in err and "2/2" in err
    assert out.splitlines()[0].split("\t")[:2] == ["保安", "4-07-05-01"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("",), "不能为空"),
        (("   ",), "不能为空"),
        (("!!!",), "没有文字"),
        (("焊" * 201,), "过长"),
        (("--file", "/nonexistent/titles.txt"), "no such file"),
        ((), "give a TITLE"),
        (("电焊工", "--top", "0"), "--top"),
    ],
)
def test_bad_input_is_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    f = tmp_path / "gbk.txt"
    f.write_bytes("电焊工\n".encode() + "保安\n".encode("gbk"))
    with pytest.raises(CommandError, match="not UTF-8.*line 2"):
        run("--file", str(f))


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(CommandError, match="directory"):
        run("--file", str(tmp_path))


def test_a_title_and_a_file_together_are_refused(tmp_path):
    with pytest.raises(CommandError, match="not both"):
        run("电焊工", "--file", str(tmp_path / "x"))


def test_warm_builds_the_index():
    out = io.StringIO()
    call_command("occupations", "warm", stdout=out)
    assert "occupations" in out.getvalue() and "semantic on" in out.getvalue()
