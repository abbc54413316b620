"""Sending what is due: claim rows atomically, send each once, record what happened.

Claiming: on PostgreSQL, ``SELECT ... FOR UPDATE SKIP LOCKED`` then mark the rows "sending" with
this run's claim token, in one transaction, so two workers take disjoint rows without waiting on
each other. SQLite has no row locks; there a conditional UPDATE (``... WHERE status='queued'``)
is the claim: SQLite serialises writers, so a row goes to whichever worker's UPDATE ran first.

Never twice: a row is sent only by the worker holding its claim token, and every result is
written back under that token. A worker that dies mid-send leaves its rows "sending"; after the
lease (JOBBRIDGE_NOTIFY_LEASE_SECONDS) they are queued again and gateways get the same
Idempotency-Key, so one that honours it drops the repeat.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import uuid
from collections import Counter
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from jobbridge.core import pii

from . import conf
from .channels import Channel, Message, Permanent, Transient, get_channel
from .models import Notification, Preference
from .policy import backoff_seconds, quiet_until

logger = logging.getLogger(__name__)

S = Notification.Status


def requeue_stale(now: dt.datetime) -> int:
    """Rows a dead worker left "sending" past the lease go back to the queue."""
    cutoff = now - dt.timedelta(seconds=conf.lease_seconds())
    return Notification.objects.filter(status=S.SENDING, claimed_at__lt=cutoff).update(
        status=S.QUEUED, claim_token="", next_attempt_at=now
    )


def claim(now: dt.datetime, limit: int) -> tuple[str, list[Notification], bool]:
    """(token, rows claimed, whether any row was due at all). On SQLite another worker may
    win every row just seen; the caller then looks again rather than stopping early."""
    token = uuid.uuid4().hex
    claimed = {"status": S.SENDING, "claim_token": token, "claimed_at": now}
    due = Notification.objects.due(now).order_by("next_attempt_at", "id")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
            Notification.objects.filter(pk__in=ids).update(**claimed)
    else:
        ids = list(due.values_list("id", flat=True)[:limit])
        Notification.objects.filter(pk__in=ids, status=S.QUEUED, next_attempt_at__lte=now).update(**claimed)
    rows = list(
        Notification.objects.filter(claim_token=token, status=S.SENDING)
        .select_related("seeker", "seeker__notify_preference", "user")
        .order_by("id")
    )
    return token, rows, bool(ids)


def _finish(n: Notification, token: str, **fields) -> None:
    # Written under the claim token: a row requeued after the lease and claimed by someone
    # else is theirs now, and this late answer must not overwrite it.
    Notification.objects.filter(pk=n.pk, claim_token=token).update(
        claim_token="", updated_at=timezone.now(), **fields
    )


def _preference(n: Notification) -> Preference | None:
    if n.seeker_id is None:
        return None
    try:
        return n.seeker.notify_preference
    except Preference.DoesNotExist:
        return None


def quiet_window(pref: Preference | None):
    if pref and pref.quiet_start is not None and pref.quiet_end is not None:
        return pref.quiet_start, pref.quiet_end
    return conf.quiet_hours()


def message_for(n: Notification, pref: Preference | None) -> Message:
    phone = masked = name = ""
    if n.seeker_id:
        name = n.seeker.name
        masked = n.seeker.phone_masked
        if n.seeker.phone_cipher:
            phone = pii.decrypt(n.seeker.phone_cipher)
    elif n.user_id:
        name = str(n.user)
    params = {k: v for k, v in n.payload.items() if k != "text"}
    return Message(
        notification_id=n.pk,
        idempotency_key=n.idempotency_key,
        kind=n.kind,
        text=n.text,
        params=params,
        recipient_name=name,
        phone=phone,
        phone_masked=masked,
        openid=pref.wechat_openid if pref else "",
    )


def missing_address(channel: Channel, message: Message) -> str:
    if channel.needs == "phone" and not message.phone:
        return "无手机号，未发送短信"
    if channel.needs == "openid" and not message.openid:
        return "未绑定微信，未发送"
    return ""


def process(n: Notification, token: str, now: dt.datetime, rng: random.Random | None = None) -> str:
    """Deliver one claimed row; returns what became of it (sent/deferred/retry/failed/skipped)."""
    try:
        channel = get_channel(n.channel)
    except ImproperlyConfigured as e:
        _finish(n, token, status=S.FAILED, last_error=str(e))
        return "failed"
    pref = _preference(n)
    if pref and pref.refuses(n.channel):
        _finish(n, token, status=S.SKIPPED, last_error="本人已拒收此渠道")
        return "skipped"
    message = message_for(n, pref)
    if reason := missing_address(channel, message):
        _finish(n, token, status=S.SKIPPED, last_error=reason)
        return "skipped"
    if getattr(channel, "interrupts", True):
        start, end = quiet_window(pref)
        until = quiet_until(now, start, end, conf.time_zone())
        if until is not None:  # deferred to the end of the window, not dropped
            _finish(n, token, status=S.QUEUED, next_attempt_at=until, claimed_at=None)
            return "deferred"
    attempts = n.attempts + 1
    try:
        channel.send(message)
    except Permanent as e:
        _finish(n, token, status=S.FAILED, attempts=attempts, last_error=str(e)[:2000])
        return "failed"
    except Exception as e:  # noqa: BLE001 - Transient, or a plug-in's surprise: both retried
        if not isinstance(e, Transient):
            logger.exception("notification %s: unexpected error from channel %s", n.pk, n.channel)
        retry = conf.retry()
        if attempts >= retry["max_attempts"]:
            _finish(
                n,
                token,
                status=S.FAILED,
                attempts=attempts,
                last_error=f"{e} (gave up after {attempts})"[:2000],
            )
            return "failed"
        delay = backoff_seconds(attempts, rng=rng, **retry)
        _finish(
            n,
            token,
            status=S.QUEUED,
            attempts=attempts,
            last_error=str(e)[:2000],
            claimed_at=None,
            next_attempt_at=now + dt.timedelta(seconds=delay),
        )
        return "retry"
    _finish(n, token, status=S.SENT, attempts=attempts, sent_at=timezone.now(), last_error="")
    return "sent"


def due_count(now: dt.datetime | None = None) -> int:
    return Notification.objects.due(now or timezone.now()).count()


def deliver_due(
    *,
    now: dt.datetime | None = None,
    batch: int = 100,
    limit: int | None = None,
    rng: random.Random | None = None,
    progress: Callable[[int, int, Counter], None] | None = None,
) -> Counter:
    """Send every row due at ``now`` (default: the current time); returns counts by outcome.

    Rows retried or deferred get a later ``next_attempt_at`` than ``now``, so the loop ends."""
    now = now or timezone.now()
    requeue_stale(now)
    total = due_count(now) if limit is None else min(limit, due_count(now))
    counts: Counter = Counter()
    done = 0
    if progress:
        progress(done, total, counts)
    while limit is None or done < limit:
        take = batch if limit is None else min(batch, limit - done)
        token, rows, seen = claim(now, take)
        if not seen:
            break
        for n in rows:
            counts[process(n, token, now, rng)] += 1
            done += 1
            if progress:
                progress(done, max(total, done), counts)
    return counts
