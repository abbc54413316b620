"""API endpoints of the notifications app (mounted at /api/notifications/): the push list and its
two actions, the outbox, the seeker's inbox and preferences, and delivery runs. Thin over the
services and selectors the pages and the CLI use."""

import datetime as dt
from typing import Annotated

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator

from jobbridge.core.access import require_staff, scoped_get
from jobbridge.core.apikit import ERRORS, Page
from jobbridge.people.models import Seeker

from . import pushlist, selectors, services
from .models import ContactLog, DeliveryRun, Notification, Preference
from .runs import run_start, runs_visible_to
from .tasks import deliver_due_task, deliver_soon

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    seeker: int | None = Field(None, alias="seeker_id")
    user: int | None = Field(None, alias="user_id")
    channel: str
    kind: str
    status: Notification.Status
    attempts: int
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None
    read_at: dt.datetime | None
    last_error: str
    text: str
    idempotency_key: str
    created_at: dt.datetime


class ContactOut(Schema):
    id: int
    seeker: int = Field(..., alias="seeker_id")
    posting: int | None = Field(None, alias="posting_id")
    outcome: ContactLog.Outcome
    note: str
    contacted_at: dt.datetime
    contacted_by: str = ""

    @staticmethod
    def resolve_contacted_by(obj) -> str:
        return str(obj.contacted_by) if obj.contacted_by_id else ""


class PushSeekerOut(Schema):
    id: int
    name: str
    phone_masked: str
    priority_groups: list[str]
    grid: str


class PushPostingOut(Schema):
    id: int
    title: str
    enterprise: str
    work_region: str
    wage_min: int | None
    wage_max: int | None
    vacancies: int


class PushRowOut(Schema):
    seeker: PushSeekerOut
    posting: PushPostingOut
    score: float
    reasons: list[str]
    contacted_today: ContactOut | None
    notified_today: list[NotificationOut]


class PushListOut(Schema):
    scope: str
    region: str
    days: int
    since: dt.datetime
    today: dt.date
    seekers_considered: int
    postings_considered: int
    message: str
    matches: int = Field(..., description="person-post pairs found; rows holds the first `limit`")
    rows: list[PushRowOut]


class PushListQuery(Schema):
    days: int = Field(
        3, ge=1, le=pushlist.MAX_DAYS, description="postings created or changed in the last N days"
    )
    region: str | None = Field(None, description="bureau staff: a region code or name inside their scope")
    grid: str | None = Field(None, description="commissioner: one of their grid codes (default: all)")
    per_seeker: int = Field(3, ge=1, le=20)
    limit: int = Field(pushlist.DEFAULT_ROWS, ge=1, le=500)


def _row_out(row: pushlist.PushRow) -> dict:
    s, p = row.seeker, row.posting
    return {
        "seeker": {
            "id": s.pk,
            "name": s.name,
            "phone_masked": s.phone_masked,
            "priority_groups": row.priority,
            "grid": str(s.grid) if s.grid_id else "",
        },
        "posting": {
            "id": p.pk,
            "title": p.title,
            "enterprise": p.enterprise.name,
            "work_region": row.place,
            "wage_min": p.wage_min,
            "wage_max": p.wage_max,
            "vacancies": p.vacancies,
        },
        "score": round(row.score, 4),
        "reasons": row.reasons,
        "contacted_today": row.contact,
        "notified_today": row.notices,
    }


@router.get(
    "/push-list",
    response={200: PushListOut, **ERRORS},
    summary="Who to call today about which new postings (commissioner: own grids; bureau: a region)",
)
def push_list(request, q: Query[PushListQuery]):
    result = pushlist.push_list(
        request.auth,
        days=q.days,
        region=q.region or "",
        grid=q.grid or "",
        per_seeker=q.per_seeker,
        limit=q.limit,
    )
    return {
        "scope": result.scope,
        "region": result.region,
        "days": result.days,
        "since": result.since,
        "today": result.today,
        "seekers_considered": result.seekers,
        "postings_considered": result.postings,
        "message": result.message,
        "matches": result.matches,
        "rows": [_row_out(r) for r in result.rows],
    }


class ContactIn(Schema):
    seeker: int
    posting: int | None = None
    outcome: ContactLog.Outcome
    note: str = Field("", max_length=500)


@router.post(
    "/push-list/contacts",
    response={201: ContactOut, **ERRORS},
    summary="Record a phone call to a person about a posting (已电话联系)",
)
def contact_create(request, payload: ContactIn):
    log = services.contact_record(
        actor=request.auth,
        seeker_id=payload.seeker,
        posting_id=payload.posting,
        outcome=payload.outcome.value,
        note=payload.note,
    )
    return Status(201, log)


class SendIn(Schema):
    seeker: int
    posting: int
    channels: list[str] | None = Field(
        None, description="default: JOBBRIDGE_NOTIFY_PUSH_CHANNELS (sms, inapp)"
    )


class SendOut(Schema):
    created: bool
    notification: NotificationOut


@router.post(
    "/push-list/send",
    response={201: list[SendOut], **ERRORS},
    summary="Notify a person of a posting (once per person, posting, day and channel)",
)
def push_send(request, payload: SendIn):
    results = services.push_send(
        actor=request.auth, seeker_id=payload.seeker, posting_id=payload.posting, channels=payload.channels
    )
    if any(created for _n, created in results):
        deliver_soon()
    return Status(201, [{"created": created, "notification": n} for n, created in results])


class PhoneOut(Schema):
    phone: str


@router.post(
    "/seekers/{seeker_id}/phone",
    response={200: PhoneOut, **ERRORS},
    summary="A person's clear mobile number, to call them (staff in scope; audited)",
)
def phone_reveal(request, seeker_id: int, response: HttpResponse):
    scoped_get(Seeker.objects.visible_to(request.auth), pk=seeker_id)  # out of scope: 404
    response["Cache-Control"] = "no-store"
    return {"phone": services.phone_reveal(actor=request.auth, seeker_id=seeker_id, request=request)}


class OutboxQuery(Schema):
    status: Notification.Status | None = None
    channel: str | None = None


@router.get(
    "/outbox",
    response={200: list[NotificationOut], **ERRORS},
    summary="Messages in the outbox to people the caller may see, newest first",
)
@paginate(Page)
def outbox(request, q: Query[OutboxQuery]):
    require_staff(request.auth)
    return selectors.outbox_rows(request.auth, status=q.status or "", channel=q.channel or "")


class CountsOut(Schema):
    counts: dict[str, int]
    due_now: int


@router.get("/outbox/counts", response={200: CountsOut, **ERRORS}, summary="Outbox rows by status")
def outbox_counts(request):
    require_staff(request.auth)
    from .delivery import due_count

    return {"counts": selectors.outbox_counts(request.auth), "due_now": due_count()}


class RunOut(Schema):
    id: int
    status: DeliveryRun.Status
    total: int
    done: int
    counts: dict[str, int]
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


@router.post(
    "/outbox/send-due",
    response={202: RunOut, **ERRORS},
    summary="Send every due message now (a background run; follow it at /outbox/runs/{id})",
)
def send_due(request):
    require_staff(request.auth)
    run = run_start(actor=request.auth)
    deliver_due_task.enqueue(run.pk)
    run.refresh_from_db()
    return Status(202, run)


@router.get("/outbox/runs/{run_id}", response={200: RunOut, **ERRORS}, summary="Progress of a delivery run")
def run_detail(request, run_id: int):
    require_staff(request.auth)
    return get_object_or_404(runs_visible_to(request.auth), pk=run_id)


@router.get(
    "/inbox",
    response={200: list[NotificationOut], **ERRORS},
    summary="The signed-in job seeker's in-app messages",
)
@paginate(Page)
def inbox(request):
    return selectors.inbox(request.auth)


@router.post(
    "/inbox/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="Mark one of my in-app messages read",
)
def inbox_read(request, notification_id: int):
    return services.inbox_mark_read(actor=request.auth, notification_id=notification_id)


class PreferenceOut(Schema):
    seeker: int
    opted_out: list[str]
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    wechat_bound: bool


def _local_time(value: dt.time) -> dt.time:
    # Quiet hours are a wall-clock window in JOBBRIDGE_NOTIFY_TIME_ZONE; a zone would be dropped
    # (or fail to compare with the naive times stored), so it is refused with the field named.
    if value.tzinfo is not None:
        raise ValueError(_("应为当地时间，不带时区（如 21:00）"))
    return value


# A time of day as the person's clock shows it: "21:00" or "21:00:00", never "21:00Z".
LocalTime = Annotated[dt.time, AfterValidator(_local_time)]


class PreferenceIn(Schema):
    opt_out: list[str] = Field([], description='channel names to refuse; "*" refuses all')
    opt_in: list[str] = Field([], description='channel names to accept again; "*" clears every refusal')
    quiet_start: LocalTime | None = None
    quiet_end: LocalTime | None = None
    clear_quiet: bool = Field(False, description="back to the default quiet hours")
    wechat_openid: str | None = Field(None, max_length=64)


def _preference_out(seeker_id: int, pref: Preference | None) -> dict:
    return {
        "seeker": seeker_id,
        "opted_out": pref.opted_out if pref else [],
        "quiet_start": pref.quiet_start if pref else None,
        "quiet_end": pref.quiet_end if pref else None,
        "wechat_bound": bool(pref and pref.wechat_openid),
    }


@router.get(
    "/seekers/{seeker_id}/preference",
    response={200: PreferenceOut, **ERRORS},
    summary="A person's notification opt-outs and quiet hours",
)
def preference_get(request, seeker_id: int):
    seeker = scoped_get(Seeker.objects.visible_to(request.auth), pk=seeker_id)
    return _preference_out(seeker.pk, services.preference_of(seeker))


@router.put(
    "/seekers/{seeker_id}/preference",
    response={200: PreferenceOut, **ERRORS},
    summary="Change a person's opt-outs, quiet hours or WeChat openid (staff in scope, or the person)",
)
def preference_put(request, seeker_id: int, payload: PreferenceIn):
    seeker = scoped_get(Seeker.objects.visible_to(request.auth), pk=seeker_id)
    pref = services.preference_set(
        actor=request.auth,
        seeker=seeker,
        opt_out=payload.opt_out,
        opt_in=payload.opt_in,
        quiet_start=payload.quiet_start,
        quiet_end=payload.quiet_end,
        clear_quiet=payload.clear_quiet,
        wechat_openid=payload.wechat_openid,
    )
    return _preference_out(seeker.pk, pref)
