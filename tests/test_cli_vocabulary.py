"""One CLI vocabulary (docs/cli.md): the same verbs for the same things in every app's command, and
every older spelling still answering as before.

Each changed command is run under its new and its old spelling and must give the same result; the
new spellings of an import run `jobbridge import` itself. Some calls go through the `jobbridge`
entry point rather than ``call_command``, because only the shell path runs Django's system checks
(a subcommand method named ``check`` once broke every `jobbridge placements …` run that way).
"""

import io
import json
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command, load_command_class
from python_calamine import CalamineWorkbook

from jobbridge.cli import main
from jobbridge.core.synthetic_ids import credit_code
from jobbridge.employers.models import Enterprise
from jobbridge.imports.models import ImportJob
from jobbridge.people.models import Seeker
from tests.factories import (
    LEDU,
    LEDU_TOWN,
    PING_AN,
    DiagnosisFactory,
    EnterpriseFactory,
    GridFactory,
    PostingFactory,
    SeekerFactory,
    UserFactory,
    new_id_number,
)
from tests.imports.conftest import SEEKER_HEADER, seeker_row, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def cmd(*args) -> tuple[int, str, str]:
    """call_command with the exit status (imports exit 2 on a file they cannot read)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as e:
        return e.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def shell(capsys, *argv) -> tuple[int, str, str]:
    """The `jobbridge` entry point, as a script calls it (system checks included). A shell run
    closes the database connections when it ends; here that would close the test's transaction,
    so only that last step is left out."""
    try:
        with mock.patch("django.core.management.base.connections.close_all"):
            main([str(a) for a in argv])
        code = 0
    except SystemExit as e:
        code = e.code or 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sheet(path: Path) -> list:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


# --------------------------------------------------------------------------------------------
# import and template: the app spellings are `jobbridge import KIND`
# --------------------------------------------------------------------------------------------

ENT_HEADER = ["单位名称", "统一社会信用代码", "行业", "所在地"]
POST_HEADER = ["单位统一社会信用代码", "岗位名称", "招聘人数", "工作地", "月薪下限", "月薪上限"]
TRANSFER_HEADER = ["姓名", "身份证号", "户籍地", "输入地", "用人单位", "转移日期", "转移渠道", "行业"]


def _rosters(tmp_path) -> dict[str, Path]:
    enterprise = EnterpriseFactory()
    return {
        "seekers": write_xlsx(
            tmp_path / "s.xlsx", SEEKER_HEADER, [seeker_row(), seeker_row(id_number="123", name="错")]
        ),
        "enterprises": write_xlsx(
            tmp_path / "e.xlsx", ENT_HEADER, [["无锡丙电子", credit_code("320205", 931), "39", "320205"]]
        ),
        "postings": write_xlsx(
            tmp_path / "p.xlsx",
            POST_HEADER,
            [[enterprise.uscc, "普工", "30", "无锡市锡山区", "5000", "7000"]],
        ),
        "transfers": write_xlsx(
            tmp_path / "t.xlsx",
            TRANSFER_HEADER,
            [
                [
                    "李四",
                    new_id_number(),
                    LEDU,
                    "无锡市锡山区",
                    "无锡测试电子",
                    "2023-01-05",
                    "有组织输出",
                    "C",
                ]
            ],
        ),
    }


NEW_IMPORT = {
    "seekers": ("people", "import"),
    "enterprises": ("employers", "import", "enterprises"),
    "postings": ("employers", "import", "postings"),
    "transfers": ("transfers", "import"),
}
NEW_TEMPLATE = {
    "seekers": ("people", "template"),
    "enterprises": ("employers", "template", "enterprises"),
    "postings": ("employers", "template", "postings"),
    "transfers": ("transfers", "template"),
}


@pytest.mark.parametrize("kind", list(NEW_IMPORT))
def test_app_import_is_jobbridge_import(tmp_path, kind):
    path = _rosters(tmp_path)[kind]
    old = cmd("import", kind, path, "--dry-run", "--json")
    new = cmd(*NEW_IMPORT[kind], path, "--dry-run", "--json")
    assert old[0] == new[0] == 0 and json.loads(new[1]) == json.loads(old[1])
    assert json.loads(new[1])["created"] == 1 and not ImportJob.objects.exists(), new[1]
    # The real import: one job of the desk's kind, the same summary an old-spelling re-run reads.
    code, out, _err = cmd(*NEW_IMPORT[kind], path, "--json")
    assert code == 0 and json.loads(out)["created"] == 1
    assert list(ImportJob.objects.values_list("kind", "status")) == [(kind, "done")]
    again = json.loads(cmd("import", kind, path, "--json")[1])
    assert again["created"] == 0 and again["unchanged"] == 1


@pytest.mark.parametrize("kind", list(NEW_TEMPLATE))
def test_app_template_is_the_import_template(tmp_path, kind):
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    assert cmd("import", "template", kind, "--out", old)[0] == 0
    assert cmd(*NEW_TEMPLATE[kind], "--out", new)[0] == 0
    assert sheet(new) == sheet(old) and sheet(new)[0]


def test_app_import_keeps_the_exit_status_user_and_error_file(tmp_path, capsys):
    code, _out, err = shell(capsys, "people", "import", tmp_path / "missing.xlsx")
    assert code == 2 and "找不到文件" in err
    assert shell(capsys, "import", "seekers", tmp_path / "missing.xlsx")[0] == 2
    clerk = UserFactory(county_clerk=True)
    path = _rosters(tmp_path)["seekers"]
    errors = tmp_path / "errors.xlsx"
    code, out, _err = shell(
        capsys, "people", "import", path, "--user", clerk.username, "--error-file", errors, "--no-progress"
    )
    assert code == 0 and "拒绝1" in out
    assert sheet(errors)[1][0] == 3  # the rejected row, numbered as in the file
    assert ImportJob.objects.get().created_by == clerk
    assert Seeker.objects.filter(source=Seeker.Source.IMPORT).count() == 1
    with pytest.raises(CommandError, match="不存在"):
        call_command("people", "import", path, "--user", "nobody")


@pytest.mark.parametrize("command, kind", [("people", None), ("employers", "postings"), ("transfers", None)])
def test_app_import_takes_the_options_of_jobbridge_import(command, kind):
    """The options are repeated so that `--help` shows them; they must not drift from the desk's."""

    def options(name, *path):
        parser = load_command_class(*name).create_parser("jobbridge", name[1])
        for step in path:
            parser = next(a for a in parser._actions if a.dest in ("target", "action")).choices[step]
        return {s for a in parser._actions for s in a.option_strings} | {
            a.dest for a in parser._actions if not a.option_strings and a.dest != "kind"
        }

    desk = options(("jobbridge.imports", "import"), "seekers")
    app = {
        "people": "jobbridge.people",
        "employers": "jobbridge.employers",
        "transfers": "jobbridge.transfers",
    }
    assert options((app[command], command), "import") == desk


# --------------------------------------------------------------------------------------------
# report, list, run, rebuild-rollups: new names beside the old ones
# --------------------------------------------------------------------------------------------


def test_placements_report_is_the_panel(capsys):
    clerk = UserFactory(county_clerk=True)
    new = shell(capsys, "placements", "report", "--user", clerk.username, "--region", LEDU, "--json")
    old = shell(capsys, "placements", "panel", "--user", clerk.username, "--region", LEDU, "--json")
    assert new[0] == old[0] == 0 and json.loads(new[1]) == json.loads(old[1])
    assert json.loads(new[1])["region"] == LEDU
    text = cmd("placements", "report", "--user", clerk.username, "--region", LEDU)
    assert text[1] == cmd("placements", "panel", "--user", clerk.username, "--region", LEDU)[1]


def test_match_list_is_match_runs(capsys):
    from jobbridge.matching.batch import match_run_create

    match_run_create(k=10)
    new = shell(capsys, "match", "list", "--json")
    old = shell(capsys, "match", "runs", "--json")
    assert new[0] == old[0] == 0 and new[1] == old[1] and json.loads(new[1].splitlines()[0])["version"]


def test_notify_run_is_send_due(settings, capsys):
    from jobbridge.notifications import services

    settings.JOBBRIDGE_NOTIFY_QUIET_HOURS = ("00:00", "00:00")
    for key, spelling in (("a", "run"), ("b", "send-due")):
        services.notification_enqueue(
            channel="console", kind="x", seeker=SeekerFactory(), key=key, payload={"text": "hi"}
        )
        code, out, _err = shell(capsys, "notify", spelling, "--json")
        assert code == 0 and json.loads(out.splitlines()[-1])["sent"] == 1, spelling
    with pytest.raises(CommandError, match="--limit"):
        call_command("notify", "run", "--limit", "0")


def test_returns_rebuild_rollups_is_rebuild(capsys):
    from tests.returns.factories import SeasonFactory

    SeasonFactory(code="2026")
    new = shell(capsys, "returns", "rebuild-rollups", "--season", "2026", "--json")
    old = shell(capsys, "returns", "rebuild", "--season", "2026", "--json")
    assert new[0] == old[0] == 0 and json.loads(new[1]) == json.loads(old[1]) == {
        "season": "2026",
        "records": 0,
    }


# --------------------------------------------------------------------------------------------
# people and employers: list and show, scoped like the pages, masked numbers only
# --------------------------------------------------------------------------------------------


@pytest.fixture
def register():
    """Two Ledu seekers (one in the commissioner's grid) and one in Ping'an."""
    grid = GridFactory(township_id=LEDU_TOWN)
    commissioner = UserFactory(commissioner=True, username="comm")
    commissioner.grids.add(grid)
    ledu = SeekerFactory(name="乐都甲", grid=grid, id_number="632123199001011234", phone="13912345678")
    DiagnosisFactory(seeker=ledu, criterion="disability")
    other = SeekerFactory(name="乐都乙")
    pingan = SeekerFactory(
        name="平安丙", hukou_region_id=PING_AN + "001", residence_region_id=PING_AN + "001"
    )
    return {
        "clerk": UserFactory(county_clerk=True, username="ledu_clerk"),
        "commissioner": commissioner,
        "ledu": ledu,
        "other": other,
        "pingan": pingan,
    }


def _ids(out: str) -> set[int]:
    return {json.loads(line)["id"] for line in out.splitlines()}


def test_people_list_sees_what_the_list_page_sees(capsys, register):
    code, out, err = shell(capsys, "people", "list", "--user", "ledu_clerk", "--json")
    assert code == 0 and _ids(out) == {register["ledu"].pk, register["other"].pk}
    assert _ids(cmd("people", "list", "--user", "comm", "--json")[1]) == {register["ledu"].pk}
    found = cmd("people", "list", "--user", "ledu_clerk", "--priority", "disability", "--json")[1]
    assert _ids(found) == {register["ledu"].pk} and json.loads(found)["priority_groups"] == ["disability"]
    assert _ids(cmd("people", "list", "--user", "ledu_clerk", "--q", "1234", "--json")[1]) == {
        register["ledu"].pk
    }
    code, text, err = cmd("people", "list", "--user", "ledu_clerk", "--limit", "1")
    assert len(text.splitlines()) == 1 and err.strip() == "1 of 2 seekers"
    # Masked numbers only, in text and JSON alike.
    for output in (out, text, cmd("people", "show", register["ledu"].pk, "--user", "ledu_clerk")[1]):
        assert "632123199001011234" not in output and "13912345678" not in output
    assert "139****5678" in cmd("people", "show", register["ledu"].pk, "--user", "ledu_clerk")[1]


def test_people_list_is_for_staff_and_show_answers_missing_and_forbidden_alike(register):
    recruiter = UserFactory(recruiter=True, enterprise=EnterpriseFactory())
    with pytest.raises(CommandError, match="仅人社部门"):
        call_command("people", "list", "--user", recruiter.username)
    with pytest.raises(CommandError, match="no active user"):
        call_command("people", "list", "--user", "nobody")
    with pytest.raises(CommandError, match="--region"):
        call_command("people", "list", "--user", "ledu_clerk", "--region", "不存在的地方")
    shown = json.loads(cmd("people", "show", register["ledu"].pk, "--user", "comm", "--json")[1])
    assert shown["id_masked"].endswith("1234") and shown["diagnoses"][0]["criterion"] == "disability"
    messages = set()
    for pk in (register["pingan"].pk, 999_999):
        with pytest.raises(CommandError) as e:
            call_command("people", "show", pk, "--user", "ledu_clerk")
        messages.add(str(e.value).replace(str(pk), "N"))
    assert messages == {"seeker N: not found or not in ledu_clerk's scope"}


def test_employers_list_and_show_are_scoped_like_the_pages(capsys, register):
    ours = EnterpriseFactory(name="无锡自家电子", contact_phone="13700001111")
    theirs = EnterpriseFactory(name="无锡别家电子")
    PostingFactory(enterprise=ours, title="普工甲")
    PostingFactory(enterprise=theirs, title="普工乙")
    recruiter = UserFactory(recruiter=True, enterprise=ours, username="hr")
    wuxi = UserFactory(role="bureau", region_id="320200", username="wuxi")
    code, out, _err = shell(capsys, "employers", "list", "--user", "hr", "--json")
    assert code == 0 and _ids(out) == {ours.pk}
    row = json.loads(out)
    assert row["contact_phone_masked"] == "137****1111" and "13700001111" not in out
    assert _ids(cmd("employers", "list", "--user", "wuxi", "--json")[1]) == {ours.pk, theirs.pk}
    assert _ids(cmd("employers", "list", "--user", "wuxi", "--q", "自家", "--json")[1]) == {ours.pk}
    assert not cmd("employers", "list", "--user", "ledu_clerk", "--json")[1]
    postings = cmd("employers", "list", "postings", "--user", "hr", "--json")[1]
    assert [json.loads(line)["title"] for line in postings.splitlines()] == ["普工甲"]
    shown = json.loads(cmd("employers", "show", ours.pk, "--user", "hr", "--json")[1])
    assert [p["title"] for p in shown["postings"]] == ["普工甲"] and "13700001111" not in json.dumps(shown)
    with pytest.raises(CommandError, match="not found or not in hr's scope"):
        call_command("employers", "show", theirs.pk, "--user", "hr")
    seeker_user = UserFactory(seeker=True)
    with pytest.raises(CommandError, match="no enterprise list"):
        call_command("employers", "list", "--user", seeker_user.username)
    assert recruiter.enterprise_id == ours.pk and wuxi.region_id == "320200"
    assert Enterprise.objects.count() == 2


# --------------------------------------------------------------------------------------------
# Every app's command answers from the shell
# --------------------------------------------------------------------------------------------

READ_ONLY_RUNS = [
    ("people", "list", "--user", "admin", "--limit", "1"),
    ("employers", "list", "--user", "admin", "--limit", "1"),
    ("placements", "report", "--user", "admin"),
    ("placements", "due", "--user", "admin"),
    ("match", "list"),
    ("notify", "list", "--limit", "1"),
    ("returns", "season", "list"),
    ("transfers", "report", "--region", LEDU, "--month", "2023-01", "--json"),
    ("regions", "resolve", LEDU),
    ("api_token", "list"),
    ("jobs", "for-me", "--user", "admin", "--seeker", "0"),
]


@pytest.mark.parametrize("argv", READ_ONLY_RUNS, ids=lambda a: " ".join(a[:2]))
def test_every_command_runs_from_the_shell(capsys, argv):
    UserFactory(admin=True, username="admin")
    code, _out, err = shell(capsys, *argv)
    if argv[0] == "jobs":  # no seeker 0: a clean refusal, not a crash
        assert code == 1 and "CommandError" in err
        return
    assert code == 0, err
