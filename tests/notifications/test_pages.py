"""Pages: the push list with its HTMX row actions, the staff outbox with its live "send due now"
line, the seeker's inbox and settings; the CLI's send-due, list and opt-out; the API's outbox."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from jobbridge.notifications import services
from jobbridge.notifications.models import ContactLog, DeliveryRun, Notification, Preference
from tests.factories import EnterpriseFactory, PostingFactory, SeekerFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_quiet_hours")]
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def post(grid_world):
    return PostingFactory(enterprise=EnterpriseFactory(name="无锡精密电子"), title="装配工")


@pytest.fixture
def own(grid_world):
    """The signed-in job seeker's own record."""
    return SeekerFactory(name="本人", user=grid_world.seeker_user, grid=grid_world.grid)


def test_push_list_page_masks_phones_and_updates_a_row_after_a_call(client, grid_world, post):
    client.force_login(grid_world.commissioner)
    page = client.get("/notifications/push-list/")
    html = page.content.decode()
    assert page.status_code == 200 and "张三" in html and "装配工" in html
    assert grid_world.plain.phone_masked in html and "已就业" not in html
    row = client.post(
        "/notifications/push-list/contact/",
        {"seeker": grid_world.plain.pk, "posting": post.pk, "outcome": "no_answer", "note": ""},
        **HX,
    )
    text = row.content.decode()
    assert row.status_code == 200 and text.lstrip().startswith("<tr") and "已电话联系（未接通）" in text
    assert ContactLog.objects.get().contacted_by == grid_world.commissioner
    sent = client.post(
        "/notifications/push-list/send/",
        {"seeker": grid_world.plain.pk, "posting": post.pk, "channel": ["sms", "inapp"]},
        **HX,
    ).content.decode()
    assert "通知·sms：待发送" in sent and "通知·inapp：待发送" in sent
    again = client.post(
        "/notifications/push-list/send/", {"seeker": grid_world.plain.pk, "posting": post.pk}, **HX
    ).content.decode()
    assert "今天已发送过" in again and Notification.objects.count() == 2
    # The full page now says so too, and works without HTMX (redirect back).
    assert "已电话联系" in client.get("/notifications/push-list/").content.decode()
    plain = client.post(
        "/notifications/push-list/contact/",
        {"seeker": grid_world.plain.pk, "posting": post.pk, "outcome": "interested"},
    )
    assert plain.status_code == 302


def test_push_list_page_reveal_filters_and_english(client, grid_world, post):
    client.force_login(grid_world.commissioner)
    revealed = client.post(f"/notifications/seekers/{grid_world.plain.pk}/phone/", **HX).content.decode()
    assert "138" in revealed and "*" not in revealed.split("revealed")[1].split("<")[0]
    assert client.post(f"/notifications/seekers/{grid_world.elsewhere.pk}/phone/").status_code == 403
    bad = client.get("/notifications/push-list/", {"grid": grid_world.other_grid.code}, **HX)
    assert bad.status_code == 400 and "不是您负责的网格" in bad.content.decode()
    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get("/notifications/push-list/").content.decode()
    assert "Called" in english and "Send notice" in english


def test_staff_only_pages(client, grid_world):
    client.force_login(UserFactory(recruiter=True))
    assert client.get("/notifications/push-list/").status_code == 403
    assert client.get("/notifications/outbox/").status_code == 403


def test_empty_grid_page_shows_a_sentence(client, grid_world):
    client.force_login(grid_world.commissioner)
    grid_world.commissioner.grids.set([grid_world.other_grid])
    grid_world.elsewhere.delete()
    html = client.get("/notifications/push-list/").content.decode()
    assert "没有待就业的求职者" in html


def test_outbox_page_counts_failures_and_runs_send_due_with_progress(client, grid_world, capsys):
    seeker = grid_world.plain
    services.notification_enqueue(
        channel="console", kind="x", seeker=seeker, key="a", payload={"text": "早上好"}
    )
    failed, _ = services.notification_enqueue(channel="console", kind="x", seeker=seeker, key="b", payload={})
    Notification.objects.filter(pk=failed.pk).update(status="failed", last_error="HTTP 400: bad number")
    client.force_login(grid_world.commissioner)
    html = client.get("/notifications/outbox/").content.decode()
    assert "HTTP 400: bad number" in html and "早上好" in html
    # A run sends the whole outbox: not a commissioner's to start (issue 9), a bureau's.
    assert "立即发送到期通知" not in html
    assert client.post("/notifications/outbox/send-due/", **HX).status_code == 403
    client.force_login(grid_world.clerk)
    progress = client.post("/notifications/outbox/send-due/", **HX).content.decode()
    run = DeliveryRun.objects.get()
    assert run.status == "done" and run.counts == {"sent": 1} and run.started_by == grid_world.clerk
    assert 'id="run-progress"' in progress and "hx-trigger" not in progress  # finished: polling stops
    assert "已处理1/1条" in progress
    assert Notification.objects.get(idempotency_key="a").status == "sent"
    # Another commissioner's outbox does not list people outside their grids.
    stranger = UserFactory(commissioner=True)
    client.force_login(stranger)
    assert "早上好" not in client.get("/notifications/outbox/").content.decode()


def test_api_outbox_counts_and_send_due(api, grid_world):
    services.notification_enqueue(channel="console", kind="x", seeker=grid_world.plain, key="a", payload={})
    client = api(grid_world.commissioner)
    assert client.get("/api/notifications/outbox/counts").json()["counts"]["queued"] == 1
    assert client.post("/api/notifications/outbox/send-due").status_code == 403
    run = api(grid_world.clerk).post("/api/notifications/outbox/send-due")
    assert run.status_code == 202
    detail = api(grid_world.clerk).get(f"/api/notifications/outbox/runs/{run.json()['id']}").json()
    assert detail["status"] == "done" and detail["counts"] == {"sent": 1}
    # Someone else's run is not found, whoever asks.
    assert client.get(f"/api/notifications/outbox/runs/{run.json()['id']}").status_code == 404
    rows = client.get("/api/notifications/outbox", status="sent").json()["items"]
    assert [r["idempotency_key"] for r in rows] == ["a"]
    bad = client.get("/api/notifications/outbox", status="lost")
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "status"
    assert api(grid_world.seeker_user).get("/api/notifications/outbox").status_code == 403


def test_inbox_shows_in_app_messages_and_keeps_preferences(client, api, grid_world, own, post):
    services.push_send(actor=grid_world.commissioner, seeker_id=own.pk, posting_id=post.pk)
    call_command("notify", "send-due", "--json", stdout=io.StringIO())
    client.force_login(grid_world.seeker_user)
    html = client.get("/notifications/inbox/").content.decode()
    assert "装配工" in html and "无锡精密电子" in html
    message = Notification.objects.get(channel="inapp")
    client.post(f"/notifications/inbox/{message.pk}/read/")
    message.refresh_from_db()
    assert message.read_at is not None
    client.post("/notifications/inbox/", {"refuse": ["sms"], "quiet_start": "22:00", "quiet_end": "07:00"})
    pref = Preference.objects.get(seeker=own)
    assert pref.opted_out == ["sms"] and pref.quiet_start.hour == 22
    mine = api(grid_world.seeker_user)
    assert [m["id"] for m in mine.get("/api/notifications/inbox").json()["items"]] == [message.pk]
    assert mine.get(f"/api/notifications/seekers/{own.pk}/preference").json()["opted_out"] == ["sms"]
    r = mine.client.put(
        f"/api/notifications/seekers/{own.pk}/preference",
        json.dumps({"opt_in": ["sms"], "clear_quiet": True}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["opted_out"] == [] and r.json()["quiet_start"] is None
    r = mine.client.put(
        f"/api/notifications/seekers/{own.pk}/preference",
        json.dumps({"opt_out": ["pigeon"]}),
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "channel"
    assert mine.get(f"/api/notifications/seekers/{grid_world.plain.pk}/preference").status_code == 404
    client.force_login(grid_world.commissioner)
    assert client.get("/notifications/inbox/").status_code == 403


def test_cli_send_due_list_and_opt_out(settings, grid_world):
    seeker = grid_world.plain
    services.notification_enqueue(channel="console", kind="x", seeker=seeker, key="a", payload={"text": "hi"})
    out = io.StringIO()
    call_command("notify", "send-due", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"sent": 1, "retry": 0, "deferred": 0, "failed": 0, "skipped": 0}
    listed = io.StringIO()
    call_command("notify", "list", "--status", "sent", "--json", stdout=listed)
    assert [json.loads(line)["key"] for line in listed.getvalue().splitlines()] == ["a"]
    done = io.StringIO()
    call_command("notify", "opt-out", str(seeker.pk), "--channel", "sms", stdout=done)
    assert "sms" in done.getvalue() and Preference.objects.get(seeker=seeker).opted_out == ["sms"]
    with pytest.raises(CommandError, match="pigeon"):
        call_command("notify", "opt-out", str(seeker.pk), "--channel", "pigeon")
    with pytest.raises(CommandError, match="no job seeker"):
        call_command("notify", "opt-out", "999999")
    settings.JOBBRIDGE_NOTIFY_CHANNELS = {"sms": {"backend": "carrier_pigeon"}}
    with pytest.raises(CommandError, match="carrier_pigeon"):
        call_command("notify", "send-due")


def test_system_check_names_an_unknown_channel_backend(settings):
    from django.core.management.base import SystemCheckError

    settings.JOBBRIDGE_NOTIFY_CHANNELS = {"sms": {"backend": "carrier_pigeon"}}
    with pytest.raises(SystemCheckError, match="carrier_pigeon"):
        call_command("check")


def test_outbox_and_push_list_pages_cost_a_fixed_number_of_queries(client, grid_world, post):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(grid_world.commissioner)

    def count(url):
        client.get(url)  # warm caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = {url: count(url) for url in ("/notifications/outbox/", "/notifications/push-list/")}
    for i in range(6):
        person = SeekerFactory(grid=grid_world.grid, accepts_anywhere=True)
        services.push_send(actor=grid_world.commissioner, seeker_id=person.pk, posting_id=post.pk)
        services.contact_record(
            actor=grid_world.commissioner, seeker_id=person.pk, posting_id=post.pk, outcome="no_answer"
        )
        Notification.objects.filter(seeker=person, channel="sms").update(status="failed", last_error=f"e{i}")
    after = {url: count(url) for url in before}
    assert after == before


def test_a_run_waiting_for_the_worker_keeps_polling_and_runs_once(client, grid_world):
    from jobbridge.notifications.runs import run_delivery

    run = DeliveryRun.objects.create(started_by=grid_world.commissioner)
    client.force_login(grid_world.commissioner)
    html = client.get(f"/notifications/outbox/runs/{run.pk}/", **HX).content.decode()
    assert 'hx-trigger="every 1s"' in html and "jobbridge db_worker" in html
    services.notification_enqueue(channel="console", kind="x", seeker=grid_world.plain, key="a", payload={})
    assert run_delivery(run_id=run.pk) == {"sent": 1}
    assert run_delivery(run_id=run.pk) == {}  # a task delivered twice runs once
    html = client.get(f"/notifications/outbox/runs/{run.pk}/", **HX).content.decode()
    assert "hx-trigger" not in html and "已处理1/1条（100%）" in html


def test_push_list_opened_bare_without_a_region_is_a_form_and_a_bad_region_an_error(client, grid_world):
    client.force_login(UserFactory(admin=True))
    page = client.get("/notifications/push-list/")
    assert page.status_code == 200 and 'name="region"' in page.content.decode()
    assert client.get("/notifications/push-list/", {"region": "nowhere"}).status_code == 400


def test_a_message_due_in_quiet_hours_waits_on_the_outbox_page_until_the_window_ends(
    client, settings, grid_world
):
    """Whatever the hour the suite runs at, a window around "now" defers the message: the run
    counts it as deferred and the outbox shows when it will go."""
    import datetime as dt

    from django.utils import timezone

    from jobbridge.notifications.conf import time_zone

    now = timezone.now().astimezone(time_zone())
    start, end = (now - dt.timedelta(hours=1)).time(), (now + dt.timedelta(hours=2)).time()
    settings.JOBBRIDGE_NOTIFY_QUIET_HOURS = (start.strftime("%H:%M"), end.strftime("%H:%M"))
    services.notification_enqueue(channel="console", kind="x", seeker=grid_world.plain, key="a", payload={})
    client.force_login(grid_world.clerk)
    client.post("/notifications/outbox/send-due/", **HX)
    assert DeliveryRun.objects.get().counts == {"deferred": 1}
    client.force_login(grid_world.commissioner)
    row = Notification.objects.get(idempotency_key="a")
    assert row.status == "queued" and row.next_attempt_at.astimezone(time_zone()).strftime(
        "%H:%M"
    ) == end.strftime("%H:%M")
    html = client.get("/notifications/outbox/").content.decode()
    assert row.next_attempt_at.astimezone(time_zone()).strftime("%Y-%m-%d %H:%M") in html
