"""The outbox against a local stub gateway: retries with back-off, exactly one delivery, the
idempotency header, opt-out and quiet hours, and the errors a gateway can produce."""

import datetime as dt
import json
import random
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured

from jobbridge.core.errors import ServiceError
from jobbridge.notifications import services
from jobbridge.notifications.channels import configuration_problems, get_channel
from jobbridge.notifications.delivery import deliver_due, requeue_stale
from jobbridge.notifications.models import Notification
from tests.factories import SeekerFactory

from .conftest import HANG, local

pytestmark = pytest.mark.django_db
S = Notification.Status
T0 = local(2026, 3, 2, 10)  # a Monday morning in Shanghai: outside the default quiet hours


def enqueue(seeker, channel="sms", key=None, at=T0):
    row, created = services.notification_enqueue(
        channel=channel,
        kind="posting_push",
        seeker=seeker,
        key=key or f"k:{seeker.pk}:{channel}",
        payload={"text": "您好", "title": "普工"},
        at=at,
    )
    assert created
    return row


def test_500_then_200_is_retried_after_backoff_and_delivered_exactly_once(gateways):
    seeker = SeekerFactory(phone="13812345678")
    row = enqueue(seeker)
    gateways.script = [(500, {"error": "busy"})]
    assert deliver_due(now=T0, rng=random.Random(7)) == {"retry": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts) == (S.QUEUED, 1)
    assert "HTTP 500" in row.last_error
    wait = (row.next_attempt_at - T0).total_seconds()
    assert 60 <= wait <= 70  # base 60 s plus at most 10 s of jitter
    assert deliver_due(now=T0 + dt.timedelta(seconds=59)) == {}  # not due yet
    assert deliver_due(now=row.next_attempt_at) == {"sent": 1}
    assert deliver_due(now=row.next_attempt_at + dt.timedelta(hours=1)) == {}  # nothing twice
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (S.SENT, 2, "")
    assert row.sent_at is not None
    assert len(gateways.requests) == 2
    assert gateways.keys() == [row.idempotency_key] * 2
    request = gateways.requests[-1]
    assert request["path"] == "/sms" and request["headers"]["X-Api-Token"] == "t0k"
    assert request["body"]["to"] == "13812345678" and request["body"]["text"] == "您好"


def test_backoff_doubles_then_gives_up_after_max_attempts(gateways):
    row = enqueue(SeekerFactory())
    gateways.script = [(503, {}), (502, {}), (500, {})]
    now, waits = T0, []
    for expected in ("retry", "retry", "failed"):
        assert deliver_due(now=now, rng=random.Random(1)) == {expected: 1}
        row.refresh_from_db()
        if row.status == S.QUEUED:
            waits.append((row.next_attempt_at - now).total_seconds())
            now = row.next_attempt_at
    assert 60 <= waits[0] <= 70 and 120 <= waits[1] <= 130
    assert (row.status, row.attempts) == (S.FAILED, 3)
    assert "HTTP 500" in row.last_error and "gave up after 3" in row.last_error
    assert len(gateways.requests) == 3


def test_a_4xx_fails_at_once_without_retry(gateways):
    row = enqueue(SeekerFactory())
    gateways.script = [(400, {"error": "bad number"})]
    assert deliver_due(now=T0) == {"failed": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts) == (S.FAILED, 1)
    assert "HTTP 400" in row.last_error and "bad number" in row.last_error
    assert deliver_due(now=T0 + dt.timedelta(days=1)) == {}
    assert len(gateways.requests) == 1


def test_a_hanging_gateway_times_out_and_is_retried(gateways):
    row = enqueue(SeekerFactory())
    gateways.script = [HANG]
    assert deliver_due(now=T0) == {"retry": 1}
    row.refresh_from_db()
    assert "timeout" in row.last_error
    assert deliver_due(now=row.next_attempt_at) == {"sent": 1}
    assert gateways.keys() == [row.idempotency_key] * 2


def test_an_unreachable_gateway_is_retried_then_failed_with_the_error_stored(settings, gateways):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.JOBBRIDGE_NOTIFY_CHANNELS = {
        "sms": {"backend": "sms_http", "url": f"http://127.0.0.1:{port}/x", "timeout": 0.5}
    }
    row = enqueue(SeekerFactory())
    now = T0
    for _ in range(3):
        deliver_due(now=now)
        row.refresh_from_db()
        now = row.next_attempt_at
    assert (row.status, row.attempts) == (S.FAILED, 3)
    assert "cannot reach" in row.last_error and str(port) in row.last_error


def test_opt_out_is_honoured_at_enqueue_and_at_delivery(gateways):
    seeker = SeekerFactory()
    queued = enqueue(seeker, key="before")
    services.preference_set(actor=None, seeker=seeker, opt_out=["sms"])
    assert deliver_due(now=T0) == {"skipped": 1}
    queued.refresh_from_db()
    assert queued.status == S.SKIPPED and "拒收" in queued.last_error
    later, _ = services.notification_enqueue(channel="sms", kind="x", seeker=seeker, key="after", payload={})
    assert later.status == S.SKIPPED
    # Refusing everything ("*") covers in-app too; accepting again lets new messages through.
    services.preference_set(actor=None, seeker=seeker, opt_out=["*"])
    assert (
        services.notification_enqueue(channel="inapp", kind="x", seeker=seeker, key="a3", payload={})[
            0
        ].status
        == S.SKIPPED
    )
    services.preference_set(actor=None, seeker=seeker, opt_in=["*"])
    assert (
        services.notification_enqueue(channel="sms", kind="x", seeker=seeker, key="a4", payload={})[0].status
        == S.QUEUED
    )
    assert gateways.requests == []


def test_quiet_hours_defer_to_the_end_of_the_window_not_drop(gateways):
    row = enqueue(SeekerFactory(), at=local(2026, 3, 2, 22, 30))
    inapp = enqueue(row.seeker, channel="inapp", at=local(2026, 3, 2, 22, 30))
    assert deliver_due(now=local(2026, 3, 2, 22, 30)) == {"deferred": 1, "sent": 1}  # in-app buzzes no phone
    row.refresh_from_db()
    assert row.status == S.QUEUED and row.attempts == 0
    assert row.next_attempt_at == local(2026, 3, 3, 8, 0)
    inapp.refresh_from_db()
    assert inapp.status == S.SENT
    assert deliver_due(now=local(2026, 3, 3, 7, 59)) == {}
    assert deliver_due(now=local(2026, 3, 3, 8, 0)) == {"sent": 1}
    assert len(gateways.requests) == 1


def test_quiet_hours_after_midnight_and_a_personal_window(gateways):
    seeker = SeekerFactory()
    early = enqueue(seeker, key="early", at=local(2026, 3, 2, 6))
    assert deliver_due(now=local(2026, 3, 2, 6)) == {"deferred": 1}
    early.refresh_from_db()
    assert early.next_attempt_at == local(2026, 3, 2, 8)
    # This person rests 12:00-14:00 instead, and may be reached at night.
    services.preference_set(actor=None, seeker=seeker, quiet_start="12:00", quiet_end="14:00")
    noon = enqueue(seeker, key="noon", at=local(2026, 3, 2, 13))
    # Both wait: the new window now holds the early one back too.
    assert deliver_due(now=local(2026, 3, 2, 13)) == {"deferred": 2}
    noon.refresh_from_db()
    assert noon.next_attempt_at == local(2026, 3, 2, 14)
    assert deliver_due(now=local(2026, 3, 2, 23)) == {"sent": 2}


def test_sms_to_someone_without_a_phone_is_skipped_with_the_reason(gateways):
    nophone = SeekerFactory(phone_cipher=None, phone_hash="", phone_masked="")
    row, _ = services.notification_enqueue(channel="sms", kind="x", seeker=nophone, key="np", payload={})
    assert row.status == S.SKIPPED and "无手机号" in row.last_error
    # A number removed after the message was queued: skipped at delivery, not sent.
    had = SeekerFactory()
    queued = enqueue(had)
    type(had).objects.filter(pk=had.pk).update(phone_cipher=None)
    assert deliver_due(now=T0) == {"skipped": 1}
    queued.refresh_from_db()
    assert "无手机号" in queued.last_error
    assert gateways.requests == []


def test_wechat_template_message(gateways):
    seeker = SeekerFactory()
    services.preference_set(actor=None, seeker=seeker, wechat_openid="oABC123")
    ok = enqueue(seeker, channel="wechat", key="w1")
    busy = enqueue(seeker, channel="wechat", key="w2")
    refused = enqueue(seeker, channel="wechat", key="w3")
    gateways.script = [
        (200, {"errcode": 0, "msgid": 42}),
        (200, {"errcode": -1, "errmsg": "system busy"}),
        (200, {"errcode": 40003, "errmsg": "invalid openid"}),
    ]
    assert deliver_due(now=T0) == {"sent": 1, "retry": 1, "failed": 1}
    request = gateways.requests[0]
    assert request["path"] == "/cgi-bin/message/template/send?access_token=AT"
    assert request["body"]["touser"] == "oABC123" and request["body"]["template_id"] == "TPL-1"
    assert request["body"]["data"]["first"]["value"] == "您好"
    assert request["headers"]["Idempotency-Key"] == ok.idempotency_key
    busy.refresh_from_db()
    refused.refresh_from_db()
    assert busy.status == S.QUEUED and "busy" in busy.last_error
    assert refused.status == S.FAILED and "40003" in refused.last_error
    unbound = services.notification_enqueue(
        channel="wechat", kind="x", seeker=SeekerFactory(), key="w4", payload={}
    )[0]
    assert unbound.status == S.SKIPPED and "微信" in unbound.last_error


def test_the_same_key_is_never_enqueued_twice(gateways):
    seeker = SeekerFactory()
    first = enqueue(seeker, key="once")
    again, created = services.notification_enqueue(
        channel="sms", kind="x", seeker=seeker, key="once", payload={}
    )
    assert not created and again.pk == first.pk
    assert Notification.objects.count() == 1


def test_a_row_left_sending_by_a_dead_worker_is_queued_again_after_the_lease(gateways):
    row = enqueue(SeekerFactory())
    Notification.objects.filter(pk=row.pk).update(status=S.SENDING, claim_token="dead", claimed_at=T0)
    assert requeue_stale(T0 + dt.timedelta(minutes=5)) == 0
    assert deliver_due(now=T0 + dt.timedelta(minutes=11)) == {"sent": 1}
    assert gateways.keys() == [row.idempotency_key]


def test_file_and_console_channels_write_masked_numbers_only(gateways, tmp_path, capsys):
    seeker = SeekerFactory(phone="13712345678")
    enqueue(seeker, channel="file", key="f")
    enqueue(seeker, channel="console", key="c")
    assert deliver_due(now=T0) == {"sent": 2}
    line = json.loads((tmp_path / "out.jsonl").read_text().strip())
    assert line["to"] == "137****5678" and line["key"] == "f" and line["text"] == "您好"
    out = capsys.readouterr().out
    assert "137****5678" in out and "13712345678" not in out


def test_unknown_channels_and_backends_are_named(settings):
    with pytest.raises(ServiceError) as e:
        services.notification_enqueue(channel="pigeon", kind="x", seeker=SeekerFactory(), key="p", payload={})
    assert e.value.errors[0].field == "channel" and "pigeon" in e.value.errors[0].message
    settings.JOBBRIDGE_NOTIFY_CHANNELS = {
        "sms": {"backend": "carrier_pigeon"},
        "wechat": {"backend": "wechat_template"},
        "gw": {"backend": "sms_http", "url": "file:///etc/passwd"},
    }
    settings.JOBBRIDGE_NOTIFY_PUSH_CHANNELS = ["sms", "fax"]
    problems = " | ".join(configuration_problems())
    assert "carrier_pigeon" in problems and "access_token" in problems and "'fax'" in problems
    assert "http(s) 'url'" in problems
    with pytest.raises(ImproperlyConfigured, match="carrier_pigeon"):
        get_channel("sms")
