"""The commissioner's push list: scope, new postings only, priority people first, reasons, the two
actions (call logged, notice sent once a day) and the phone reveal, through the API and the CLI."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobbridge.core.errors import ServiceError
from jobbridge.core.models import AuditEvent
from jobbridge.employers.models import Posting
from jobbridge.notifications import pushlist
from jobbridge.notifications.models import ContactLog, Notification
from tests.factories import (
    DiagnosisFactory,
    EnterpriseFactory,
    GridFactory,
    PostingFactory,
    SeekerFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_quiet_hours")]
WELDER = "6-18-02-04"


@pytest.fixture
def posts(grid_world):
    wuxi = EnterpriseFactory(region_id="320205", name="无锡焊接厂")
    new = PostingFactory(enterprise=wuxi, title="电焊工", occupation_id=WELDER, wage_min=6000, wage_max=6500)
    old = PostingFactory(enterprise=wuxi, title="老岗位")
    Posting.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=10), updated_at=timezone.now() - dt.timedelta(days=10)
    )
    closed = PostingFactory(enterprise=wuxi, title="已关闭", status="closed")
    return new, old, closed


@pytest.fixture
def priority_person(grid_world):
    # Expects far more than the post pays: a weaker match, listed first all the same.
    person = SeekerFactory(name="李四", grid=grid_world.grid, accepts_anywhere=True, expected_wage=20000)
    DiagnosisFactory(seeker=person, criterion="disability")
    return person


def test_a_commissioner_sees_their_grid_x_new_posts_priority_first(grid_world, posts, priority_person):
    new, old, closed = posts
    result = pushlist.push_list(grid_world.commissioner)
    names = [r.seeker.name for r in result.rows]
    assert names[0] == "李四" and set(names) == {"李四", "张三"}  # not the employed, not the other grid
    assert {r.posting.pk for r in result.rows} == {new.pk}  # the old and the closed post are not new
    first, second = result.rows
    assert first.priority == ["残疾人"] and second.priority == []
    assert first.score < second.score
    assert any("6,500" in reason for reason in second.reasons)
    assert result.seekers == 2 and result.postings == 1  # plain + priority; the new post only
    wider = pushlist.push_list(grid_world.commissioner, days=14)
    assert {r.posting.pk for r in wider.rows} == {new.pk, old.pk}


def test_the_list_costs_a_fixed_number_of_queries(grid_world, posts):
    def count():
        pushlist.clear_cache()  # the full path, postings loaded too
        with CaptureQueriesContext(connection) as ctx:
            pushlist.push_list(grid_world.commissioner, days=14)
        return len(ctx.captured_queries)

    count()  # warm the region and occupation caches
    few = count()
    for _ in range(8):
        SeekerFactory(grid=grid_world.grid, accepts_anywhere=True)
        PostingFactory()
    assert count() == few
    with CaptureQueriesContext(connection) as ctx:  # the postings' batch is reused while unchanged
        pushlist.push_list(grid_world.commissioner, days=14)
    assert len(ctx.captured_queries) < few


def test_empty_grid_and_no_grid_give_a_sentence_not_an_error(grid_world, posts):
    lonely = UserFactory(commissioner=True)
    lonely.grids.add(GridFactory())
    result = pushlist.push_list(lonely)
    assert result.rows == [] and "没有待就业的求职者" in result.message
    nogrid = pushlist.push_list(UserFactory(commissioner=True))
    assert nogrid.rows == [] and "还没有负责的网格" in nogrid.message


def test_scope_refusals_name_the_field(grid_world, posts):
    with pytest.raises(ServiceError) as e:
        pushlist.push_list(grid_world.commissioner, grid=grid_world.other_grid.code)
    assert e.value.errors[0].field == "grid"
    with pytest.raises(ServiceError) as e:
        pushlist.push_list(grid_world.clerk, region="630102")  # Xining: not Ledu's
    assert e.value.errors[0].field == "region"
    with pytest.raises(ServiceError) as e:
        pushlist.push_list(grid_world.commissioner, days=0)
    assert e.value.errors[0].field == "days"
    # A county clerk: their whole county by default, every grid in it.
    names = {r.seeker.name for r in pushlist.push_list(grid_world.clerk).rows}
    assert names == {"张三", "别的网格"}


def test_api_push_list_and_bad_input(api, grid_world, posts):
    client = api(grid_world.commissioner)
    body = client.get("/api/notifications/push-list", days=3).json()
    assert body["rows"][0]["seeker"]["phone_masked"].count("*") == 4
    assert body["rows"][0]["posting"]["title"] == "电焊工" and body["rows"][0]["reasons"]
    assert body["rows"][0]["contacted_today"] is None and body["rows"][0]["notified_today"] == []
    one = client.get("/api/notifications/push-list", limit=1, days=14).json()
    assert one["matches"] == 2 and len(one["rows"]) == 1  # one person x the new and the old post
    bad = client.get("/api/notifications/push-list", days=99)
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "days"
    other = client.get("/api/notifications/push-list", grid=grid_world.other_grid.code)
    assert other.status_code == 422 and other.json()["error"]["fields"][0]["field"] == "grid"
    clerk = api(grid_world.clerk).get("/api/notifications/push-list", region="nowhere-at-all")
    assert clerk.status_code == 422 and clerk.json()["error"]["fields"][0]["field"] == "region"
    recruiter = UserFactory(recruiter=True)
    assert api(recruiter).get("/api/notifications/push-list").status_code == 403


def test_call_logged_and_notice_sent_show_on_the_row(api, grid_world, posts):
    new = posts[0]
    client = api(grid_world.commissioner)
    seeker = grid_world.plain
    r = client.post(
        "/api/notifications/push-list/contacts",
        {"seeker": seeker.pk, "posting": new.pk, "outcome": "interested", "note": "明天面试"},
    )
    assert r.status_code == 201, r.content
    assert r.json()["outcome"] == "interested" and r.json()["contacted_by"] == "王专员"
    sent = client.post("/api/notifications/push-list/send", {"seeker": seeker.pk, "posting": new.pk})
    assert sent.status_code == 201
    assert [(x["created"], x["notification"]["channel"]) for x in sent.json()] == [
        (True, "sms"),
        (True, "inapp"),
    ]
    assert "电焊工" in sent.json()[0]["notification"]["text"]
    again = client.post("/api/notifications/push-list/send", {"seeker": seeker.pk, "posting": new.pk})
    assert [x["created"] for x in again.json()] == [False, False]
    assert Notification.objects.count() == 2
    row = next(
        r for r in client.get("/api/notifications/push-list").json()["rows"] if r["seeker"]["id"] == seeker.pk
    )
    assert row["contacted_today"]["outcome"] == "interested"
    assert {n["channel"] for n in row["notified_today"]} == {"sms", "inapp"}


def test_a_notice_sent_from_the_list_is_delivered_by_a_task_after_commit(
    api, grid_world, posts, django_capture_on_commit_callbacks, capsys
):
    client = api(grid_world.commissioner)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = client.post(
            "/api/notifications/push-list/send", {"seeker": grid_world.plain.pk, "posting": posts[0].pk}
        )
    assert sent.status_code == 201 and len(callbacks) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert "[notify:sms]" in capsys.readouterr().out
    with django_capture_on_commit_callbacks() as callbacks:  # nothing new: no run
        client.post(
            "/api/notifications/push-list/send", {"seeker": grid_world.plain.pk, "posting": posts[0].pk}
        )
    assert callbacks == []


def test_actions_refuse_bad_input_and_people_out_of_scope(api, grid_world, posts):
    client = api(grid_world.commissioner)
    new = posts[0]
    r = client.post(
        "/api/notifications/push-list/contacts",
        {"seeker": grid_world.elsewhere.pk, "posting": new.pk, "outcome": "interested"},
    )
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "seeker"
    r = client.post(
        "/api/notifications/push-list/contacts",
        {"seeker": grid_world.plain.pk, "posting": new.pk, "outcome": "maybe"},
    )
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "outcome"
    r = client.post("/api/notifications/push-list/send", {"seeker": grid_world.plain.pk, "posting": 999999})
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "posting"
    r = client.post(
        "/api/notifications/push-list/send",
        {"seeker": grid_world.plain.pk, "posting": new.pk, "channels": ["fax"]},
    )
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "channel"
    assert ContactLog.objects.count() == 0 and Notification.objects.count() == 0


def test_a_person_without_a_phone_gets_the_sms_skipped_with_the_reason(api, grid_world, posts):
    nophone = SeekerFactory(grid=grid_world.grid, phone_cipher=None, phone_hash="", phone_masked="")
    out = (
        api(grid_world.commissioner)
        .post("/api/notifications/push-list/send", {"seeker": nophone.pk, "posting": posts[0].pk})
        .json()
    )
    by_channel = {x["notification"]["channel"]: x["notification"] for x in out}
    assert by_channel["sms"]["status"] == "skipped" and "无手机号" in by_channel["sms"]["last_error"]
    assert by_channel["inapp"]["status"] == "queued"


def test_phone_reveal_is_audited_and_scoped(api, grid_world):
    client = api(grid_world.commissioner)
    r = client.post(f"/api/notifications/seekers/{grid_world.plain.pk}/phone")
    assert r.status_code == 200 and r.json()["phone"].startswith("138") and "*" not in r.json()["phone"]
    assert r["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="view_pii")
    assert event.object_id == str(grid_world.plain.pk) and event.detail == {"fields": ["phone"]}
    assert client.post(f"/api/notifications/seekers/{grid_world.elsewhere.pk}/phone").status_code == 404
    assert AuditEvent.objects.filter(action="view_pii").count() == 1


def test_clear_phones_need_the_permission_and_a_loop_is_stopped(api, grid_world, settings):
    """Issue 9: a county clerk without the permission read the clear phone of everyone in scope
    (103 of 110 in a loop). One rule for every clear number: permission, budget, audit."""
    clerk = api(grid_world.clerk)
    for person in (grid_world.plain, grid_world.employed, grid_world.elsewhere):
        assert clerk.post(f"/api/notifications/seekers/{person.pk}/phone").status_code == 403
    assert not AuditEvent.objects.filter(action="view_pii").exists()

    settings.JOBBRIDGE_REVEALS_PER_HOUR = 2
    commissioner = api(grid_world.commissioner)
    answers = [
        commissioner.post(f"/api/notifications/seekers/{grid_world.plain.pk}/phone").status_code
        for _ in range(4)
    ]
    assert answers == [200, 200, 429, 429]
    assert AuditEvent.objects.filter(action="view_pii").count() == 2


def test_cli_push_list(grid_world, posts, priority_person):
    out = io.StringIO()
    call_command("notify", "push-list", "--user", "comm", "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["name"] for r in rows] == ["李四", "张三"] and rows[0]["priority_groups"] == ["残疾人"]
    assert rows[0]["phone_masked"].count("*") == 4 and rows[0]["reasons"]
    text = io.StringIO()
    call_command("notify", "push-list", "--user", "comm", stdout=text)
    assert "[残疾人] 李四" in text.getvalue()
    empty = io.StringIO()
    lonely = UserFactory(username="lonely", commissioner=True)
    lonely.grids.add(GridFactory())
    call_command("notify", "push-list", "--user", "lonely", stdout=empty)
    assert "没有待就业的求职者" in empty.getvalue()
    UserFactory(username="hr", recruiter=True)
    with pytest.raises(CommandError, match="推送名单"):
        call_command("notify", "push-list", "--user", "hr")
    with pytest.raises(CommandError, match="days"):
        call_command("notify", "push-list", "--user", "comm", "--days", "0")
    with pytest.raises(CommandError, match="no user"):
        call_command("notify", "push-list", "--user", "nobody")


def test_a_posting_closed_or_added_shows_at_once_despite_the_cached_batch(grid_world, posts):
    new = posts[0]
    assert {r.posting.pk for r in pushlist.push_list(grid_world.commissioner).rows} == {new.pk}
    added = PostingFactory(title="新增岗位")
    assert {r.posting.pk for r in pushlist.push_list(grid_world.commissioner).rows} == {new.pk, added.pk}
    new.status = "closed"
    new.save()
    assert {r.posting.pk for r in pushlist.push_list(grid_world.commissioner).rows} == {added.pk}


def test_a_person_who_said_no_to_a_post_is_not_put_up_for_it_again(grid_world, posts):
    from jobbridge.notifications import services

    new = posts[0]
    commissioner = grid_world.commissioner
    services.contact_record(
        actor=commissioner,
        seeker_id=grid_world.plain.pk,
        posting_id=new.pk,
        outcome="not_interested",
        note="不想去外省",
    )
    assert pushlist.push_list(commissioner).rows == []
    other = SeekerFactory(grid=grid_world.grid, accepts_anywhere=True)
    services.contact_record(actor=commissioner, seeker_id=other.pk, posting_id=new.pk, outcome="interested")
    rows = pushlist.push_list(commissioner).rows
    assert [(r.seeker.pk, r.contact.outcome) for r in rows] == [(other.pk, "interested")]


def test_a_region_larger_than_the_limit_is_refused_with_its_real_size(grid_world, posts, settings):
    settings.JOBBRIDGE_NOTIFY_PUSH_MAX_SEEKERS = 1
    with pytest.raises(ServiceError) as e:
        pushlist.push_list(grid_world.clerk)  # Ledu: 张三 and 别的网格 are looking, 已就业 is not
    assert e.value.errors[0].field == "region" and "有2名求职者" in e.value.errors[0].message
    settings.JOBBRIDGE_NOTIFY_PUSH_MAX_SEEKERS = 2
    assert {r.seeker.name for r in pushlist.push_list(grid_world.clerk).rows} == {"张三", "别的网格"}


def test_the_api_list_costs_the_same_queries_for_more_people_and_names_their_grid(api, grid_world, posts):
    client = api(grid_world.commissioner)

    def count():
        pushlist.clear_cache()
        client.get("/api/notifications/push-list", days=14)  # warm the token and reference caches
        pushlist.clear_cache()
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/api/notifications/push-list", days=14).json()
        return len(ctx.captured_queries), body

    few, body = count()
    assert body["rows"][0]["seeker"]["grid"] == str(grid_world.grid)
    for _ in range(6):
        SeekerFactory(grid=grid_world.grid, accepts_anywhere=True)
    many, body = count()
    assert len({r["seeker"]["id"] for r in body["rows"]}) == 7 and many == few
    assert {r["seeker"]["grid"] for r in body["rows"]} == {str(grid_world.grid)}
