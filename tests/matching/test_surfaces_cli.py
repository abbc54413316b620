"""`jobbridge jobs …`: the matching pages from the command line, with the same rules."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jobbridge.core.models import AuditEvent
from jobbridge.placements.models import Application
from tests.matching.surfaces_world import surfaces_world  # noqa: F401 (the "sw" fixture)

pytestmark = pytest.mark.django_db


def jobs(*args) -> list[dict]:
    out = StringIO()
    call_command("jobs", *args, "--json", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_for_me_interest_and_candidates(sw):
    rows = jobs("for-me", "--user", sw.seeker_a_user.username)
    assert [r["posting"] for r in rows] == [sw.px.pk, sw.py.pk] and "同一职业：焊工" in rows[0]["reasons"]
    made = jobs("interest", "--posting", str(sw.px.pk), "--user", sw.seeker_a_user.username)[0]
    assert made["created"] is True and Application.objects.get(pk=made["application"]).source == "seeker"
    assert (
        jobs("interest", "--posting", str(sw.px.pk), "--user", sw.seeker_a_user.username)[0]["created"]
        is False
    )
    rows = jobs("candidates", "--posting", str(sw.px.pk), "--user", sw.recruiter_x.username)
    assert {r["name"] for r in rows} == {"马青松", "韩**", "王**"}
    assert [
        r["seeker"]
        for r in jobs(
            "candidates", "--posting", str(sw.px.pk), "--user", sw.admin.username, "--max-km", "100"
        )
    ] == [sw.c.pk]
    assert [
        r["seeker"]
        for r in jobs("candidates", "--posting", str(sw.px.pk), "--user", sw.admin.username, "--interested")
    ] == [sw.a.pk]
    shown = jobs(
        "contact", "--posting", str(sw.px.pk), "--seeker", str(sw.a.pk), "--user", sw.recruiter_x.username
    )
    assert "*" not in shown[0]["phone"] and AuditEvent.objects.filter(action="view_pii").count() == 1


@pytest.mark.parametrize(
    "args, words",
    [
        (["candidates", "--posting", "{px}", "--user", "{admin}", "--max-km", "abc"], "--max-km"),
        (["candidates", "--posting", "{px}", "--user", "{admin}", "--priority", "x"], "--priority"),
        (["candidates", "--posting", "{pz}", "--user", "{admin}"], "已关闭"),
        (["candidates", "--posting", "{px}", "--user", "{recruiter_y}"], "岗位不存在"),
        (["candidates", "--posting", "{px}", "--user", "nobody"], "no active user"),
        (["for-me", "--user", "{seeker_a}", "--seeker", "{b}"], "没有找到"),
        (["interest", "--posting", "{pz}", "--user", "{seeker_a}"], "已关闭"),
        (["contact", "--posting", "{px}", "--seeker", "{a}", "--user", "{recruiter_x}"], "表达意向"),
        (["share", "--posting", "{px}", "--seeker", "{b}", "--user", "{city}"], "consent_note"),
    ],
)
def test_clear_errors(sw, args, words):
    names = {
        "px": sw.px.pk,
        "pz": sw.pz.pk,
        "a": sw.a.pk,
        "b": sw.b.pk,
        "admin": sw.admin.username,
        "recruiter_x": sw.recruiter_x.username,
        "recruiter_y": sw.recruiter_y.username,
        "seeker_a": sw.seeker_a_user.username,
        "city": sw.city_clerk.username,
    }
    with pytest.raises(CommandError, match=words):
        call_command("jobs", *[a.format(**names) for a in args], stdout=StringIO())
