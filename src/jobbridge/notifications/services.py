"""Writes of the notifications app. Pages, API, CLI and tasks all come through here."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core.access import is_staff as _is_staff
from jobbridge.core.access import require_staff
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.models import Role
from jobbridge.employers.models import Posting
from jobbridge.people.models import Seeker
from jobbridge.people.services import number_reveal

from . import conf
from .channels import get_channel
from .models import ContactLog, Notification, Preference

S = Notification.Status


def visible_seeker(user, seeker_id) -> Seeker:
    """A seeker through the viewer's scope: missing and out of scope are the same refusal."""
    seeker = Seeker.objects.visible_to(user).filter(pk=seeker_id).first()
    if seeker is None:
        raise ServiceError([FieldError("seeker", _("求职者不存在或不在您的管辖范围内"))])
    return seeker


def preference_of(seeker: Seeker) -> Preference | None:
    return Preference.objects.filter(seeker=seeker).first()


def notification_enqueue(
    *,
    channel: str,
    kind: str,
    key: str,
    payload: dict,
    seeker: Seeker | None = None,
    user=None,
    actor=None,
    at: dt.datetime | None = None,
) -> tuple[Notification, bool]:
    """Put a message in the outbox once: a second call with the same ``key`` returns the first row.

    Returns (row, created). A person who refused the channel, or an SMS to someone without a
    phone, gets a row already "skipped" with the reason, so lists can say why nothing went."""
    if (seeker is None) == (user is None):
        raise ServiceError([FieldError("recipient", _("须指定一位收件人（求职者或用户）"))])
    try:
        ch = get_channel(channel)
    except ImproperlyConfigured as e:
        raise ServiceError([FieldError("channel", str(e))]) from None
    if not key or len(key) > 128:
        raise ServiceError([FieldError("idempotency_key", _("幂等键须为1到128个字符"))])
    existing = Notification.objects.filter(idempotency_key=key).first()
    if existing:
        return existing, False
    status, reason = S.QUEUED, ""
    if seeker is not None:
        pref = preference_of(seeker)
        if pref and pref.refuses(channel):
            status, reason = S.SKIPPED, "本人已拒收此渠道"
        elif ch.needs == "phone" and not seeker.phone_cipher:
            status, reason = S.SKIPPED, "无手机号，未发送短信"
        elif ch.needs == "openid" and not (pref and pref.wechat_openid):
            status, reason = S.SKIPPED, "未绑定微信，未发送"
    row = Notification(
        seeker=seeker,
        user=user,
        channel=channel,
        kind=kind,
        payload=payload,
        idempotency_key=key,
        status=status,
        last_error=reason,
        next_attempt_at=at or timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Two clicks at once: the other request's row won the unique key; it is the one.
        return Notification.objects.get(idempotency_key=key), False
    return row, True


@transaction.atomic
def preference_set(
    *,
    actor,
    seeker: Seeker,
    opt_out: list[str] | None = None,
    opt_in: list[str] | None = None,
    refuse_exactly: list[str] | None = None,
    quiet_start=None,
    quiet_end=None,
    wechat_openid: str | None = None,
    clear_quiet: bool = False,
) -> Preference:
    """Change a person's opt-outs (channel names, or "*" for all), quiet hours or WeChat openid.

    ``opt_out``/``opt_in`` change the refusals ("*" in opt_in clears them all); ``refuse_exactly``
    replaces them (a settings form with one box per channel).

    Staff in scope and the person themself may do it (the caller looked the seeker up in scope)."""
    is_self = actor is not None and getattr(actor, "role", None) == Role.SEEKER and seeker.user_id == actor.pk
    if actor is not None and not (is_self or _is_staff(actor)):
        raise PermissionDenied(_("无权修改此人的通知设置"))
    known = set(conf.channels()) | {Preference.ALL}
    unknown = sorted({c for c in (opt_out or []) + (opt_in or []) + (refuse_exactly or []) if c not in known})
    if unknown:
        raise ServiceError(
            [FieldError("channel", _("未知的通知渠道：%(names)s") % {"names": "、".join(unknown)})]
        )
    if (quiet_start is None) != (quiet_end is None):
        raise ServiceError([FieldError("quiet_end", _("免打扰时段须同时填写开始和结束"))])
    pref, _created = Preference.objects.select_for_update().get_or_create(seeker=seeker)
    refused = set(pref.opted_out) if refuse_exactly is None else set(refuse_exactly)
    refused |= set(opt_out or [])
    for name in opt_in or []:
        refused.discard(name)
        if name == Preference.ALL:
            refused.clear()
    pref.opted_out = sorted(refused)
    if clear_quiet:
        pref.quiet_start = pref.quiet_end = None
    elif quiet_start is not None:
        pref.quiet_start, pref.quiet_end = conf.parse_hhmm(quiet_start), conf.parse_hhmm(quiet_end)
    if wechat_openid is not None:
        pref.wechat_openid = wechat_openid.strip()[:64]
    pref.save()
    return pref


def _posting(posting_id) -> Posting:
    posting = Posting.objects.select_related("enterprise", "work_region").filter(pk=posting_id).first()
    if posting is None:
        raise ServiceError([FieldError("posting", _("岗位不存在"))])
    return posting


@transaction.atomic
def contact_record(
    *,
    actor,
    seeker_id: int,
    posting_id: int | None,
    outcome: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> ContactLog:
    """ "已电话联系": who called whom about which posting, when, and what came of it."""
    require_staff(actor)
    seeker = visible_seeker(actor, seeker_id)
    posting = _posting(posting_id) if posting_id is not None else None
    if outcome not in ContactLog.Outcome.values:
        raise ServiceError(
            [
                FieldError(
                    "outcome", _("结果须为：%(values)s") % {"values": "、".join(ContactLog.Outcome.values)}
                )
            ]
        )
    note = (note or "").strip()
    if len(note) > 500:
        raise ServiceError([FieldError("note", _("备注不能超过500字"))])
    at = at or timezone.now()
    return ContactLog.objects.create(
        seeker=seeker,
        posting=posting,
        contacted_by=actor,
        contacted_at=at,
        day=conf.local_today(at),
        outcome=outcome,
        note=note,
    )


def inapp_channels() -> list[str]:
    return [
        name
        for name, options in conf.channels().items()
        if isinstance(options, dict) and options.get("backend", name) == "inapp"
    ]


def push_key(seeker_id: int, posting_id: int, day: dt.date, channel: str) -> str:
    return f"push:{seeker_id}:{posting_id}:{day.isoformat()}:{channel}"


def _wage(posting: Posting) -> str:
    if posting.wage_min and posting.wage_max and posting.wage_min != posting.wage_max:
        return f"{posting.wage_min}-{posting.wage_max}元"
    value = posting.wage_max or posting.wage_min
    return f"{value}元" if value else "面议"


def place_name(code: str, name: str = "") -> str:
    """ "苏州市昆山市淀山湖镇": prefecture, county and township, which a person recognises on the
    phone (a township name alone is often not enough). ``name`` is the division's own name when
    the caller has it. Read from the engine's cached table of counties and above."""
    from jobbridge.matching.records import region_table

    if not code:
        return name
    names = region_table().names
    parts = []
    for prefix in (code[:4] + "00", code[:6]):
        part = names.get(int(prefix), "") if prefix != code[:2] + "0000" else ""
        if part and part not in parts:
            parts.append(part)
    own = name or names.get(int(code), "")
    if own and own not in parts:
        parts.append(own)
    return "".join(parts) or code


def posting_push_payload(*, seeker: Seeker, posting: Posting, actor) -> dict:
    sender = (getattr(actor, "display_name", "") or getattr(actor, "username", "")) if actor else ""
    region = place_name(posting.work_region_id, posting.work_region.name if posting.work_region_id else "")
    text = (
        f"【JobBridge】{seeker.name}您好：{posting.enterprise.name}招聘{posting.title}，月薪{_wage(posting)}，"
        f"工作地{region}。如有意向请联系就业服务专员{sender}。"
    )
    return {
        "text": text,
        "posting": posting.pk,
        "title": posting.title,
        "enterprise": posting.enterprise.name,
        "wage": _wage(posting),
        "work_region": region,
        "sender": sender,
    }


def push_send(
    *,
    actor,
    seeker_id: int,
    posting_id: int,
    channels: list[str] | None = None,
    at: dt.datetime | None = None,
) -> list[tuple[Notification, bool]]:
    """ "发送通知": tell a person about a posting on each channel, at most once per person,
    posting, day and channel (the idempotency key)."""
    require_staff(actor)
    seeker = visible_seeker(actor, seeker_id)
    posting = _posting(posting_id)
    channels = channels or conf.push_channels()
    if not channels:
        raise ServiceError([FieldError("channels", _("请至少选择一个渠道"))])
    at = at or timezone.now()
    day = conf.local_today(at)
    payload = posting_push_payload(seeker=seeker, posting=posting, actor=actor)
    out = []
    with transaction.atomic():
        for channel in dict.fromkeys(channels):
            out.append(
                notification_enqueue(
                    channel=channel,
                    kind="posting_push",
                    payload=payload,
                    seeker=seeker,
                    key=push_key(seeker.pk, posting.pk, day, channel),
                    actor=actor,
                    at=at,
                )
            )
    return out


def phone_reveal(*, actor, seeker_id: int, request=None) -> str:
    """The clear mobile number for the person who is to call: staff in scope with the phone
    permission (``people.services.number_reveal``: authorised, rate-limited, audited)."""
    require_staff(actor)
    seeker = visible_seeker(actor, seeker_id)
    return number_reveal(actor=actor, seeker=seeker, fields=["phone"], request=request)["phone"]


def inbox_mark_read(*, actor, notification_id: int) -> Notification:
    n = Notification.objects.filter(
        pk=notification_id, seeker__user=actor, channel__in=inapp_channels()
    ).first()
    if n is None:
        raise ServiceError([FieldError("notification", _("消息不存在"))])
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at", "updated_at"])
    return n
