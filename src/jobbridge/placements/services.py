"""Writes to the placement pipeline. Pages, API, CLI, the seeker's "我感兴趣" button and the demo
all come through here.

Locking order, everywhere: the seeker row, then (for a hire) the posting row, then the
application rows. On PostgreSQL these are ``SELECT … FOR UPDATE`` row locks; on SQLite
``select_for_update`` does nothing, but the project opens every transaction with
``BEGIN IMMEDIATE`` (settings.py), which takes the database's single write lock up front, so
writers run one at a time — the same guarantee, coarser (tests/placements/test_concurrency.py
fires 200 hires at 50 vacancies on both).
"""

import datetime as dt
from functools import wraps

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core import regions as core_regions
from jobbridge.core.audit import audit
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.models import AuditEvent, Region, Role, User
from jobbridge.employers.models import Posting
from jobbridge.people.models import EmploymentStatus, Seeker
from jobbridge.people.services import employment_record
from jobbridge.transfers.models import Channel
from jobbridge.transfers.services import transfer_from_hire

from . import rollups
from .models import (
    CLOSED_STATES,
    CONSENTED_SOURCES,
    EMPLOYED_STATES,
    LIVE_STATES,
    OPEN_STATES,
    REFUSAL_REASONS,
    Application,
    ApplicationEvent,
    FollowUp,
    Reason,
    Source,
    State,
)
from .transitions import RECRUITER, RETENTION, RETENTION_DAYS, STAFF, actor_kind, check_move, label


def _refuse(field: str, message: str):
    raise ServiceError([FieldError(field, message)])


def _counted(fn):
    """Run a service inside one rollup batch: what it counts is written once, at its end, in its
    transaction (place it under ``@transaction.atomic``)."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        with rollups.batch():
            return fn(*args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- creating an application


def posting_refusal(posting: Posting, day: dt.date) -> str | None:
    """Why nobody may apply to ``posting`` on ``day`` (closed, expired, full), or None."""
    if posting.status == Posting.Status.FILLED or posting.filled >= posting.headcount:
        return _("岗位“%(t)s”已招满（招聘%(h)s人，已招%(f)s人）") % {
            "t": posting.title,
            "h": posting.headcount,
            "f": posting.filled,
        }
    if posting.status != Posting.Status.OPEN:
        return _("岗位“%(t)s”当前状态为“%(s)s”，不接受申请") % {
            "t": posting.title,
            "s": posting.get_status_display(),
        }
    if posting.valid_until and posting.valid_until < day:
        return _("岗位“%(t)s”已过期（有效期至%(d)s）") % {"t": posting.title, "d": posting.valid_until}
    if posting.valid_from and posting.valid_from > day:
        return _("岗位“%(t)s”尚未开始招聘（%(d)s起）") % {"t": posting.title, "d": posting.valid_from}
    return None


def _check_create_scope(*, seeker: Seeker, posting: Posting, actor, source: str) -> None:
    kind = actor_kind(actor)
    not_found = _("求职者不存在或不在您的服务范围内")
    if kind == STAFF:
        # Staff act for the people they serve; any open posting (often in another province) will do.
        if not Seeker.objects.visible_to(actor).filter(pk=seeker.pk).exists():
            _refuse("seeker", not_found)
        if source == Source.SEEKER:
            _refuse("source", _("工作人员代为登记时来源应为“专员代为登记”（commissioner）并记录本人同意"))
    elif kind == RECRUITER:
        if posting.enterprise_id != actor.enterprise_id:
            _refuse("posting", _("只能邀请求职者应聘本单位的岗位"))
        if source not in (Source.RECRUITER, Source.FAIR):
            _refuse("source", _("企业发起的申请来源应为“企业邀请”或“招聘会”"))
        # Recruiters have no seeker register: they may invite people who are applying to one of
        # their postings now, of their own accord (to another post), not any ID they type in. A
        # withdrawal or a refusal ends that: the person's consent is current or it is not there.
        if (
            not Application.objects.live()
            .filter(seeker=seeker, posting__enterprise_id=actor.enterprise_id, source__in=CONSENTED_SOURCES)
            .exists()
        ):
            _refuse("seeker", not_found)
    elif getattr(actor, "role", None) == Role.SEEKER:
        if seeker.user_id != actor.pk:
            _refuse("seeker", _("只能为本人提交求职申请"))
        if source not in (Source.SEEKER, Source.FAIR):
            _refuse("source", _("本人提交的申请来源应为“求职者本人”或“招聘会”"))
    else:
        _refuse("actor", _("无权提交求职申请"))


@transaction.atomic
@_counted
def application_create(
    *, seeker: Seeker, posting: Posting, actor, source: str, consent_note: str = ""
) -> Application:
    """An employment intention of ``seeker`` for ``posting``. Idempotent: when the person already has
    a live application for the posting, that one is returned (``created_now`` False)."""
    if source not in Source.values:
        _refuse("source", _("来源应为：%s") % ", ".join(Source.values))
    consent_note = (consent_note or "").strip()
    if source == Source.COMMISSIONER and not consent_note:
        _refuse("consent_note", _("代为登记须记录求职者本人同意（如：3月1日电话确认本人同意）"))
    if len(consent_note) > 200:
        _refuse("consent_note", _("本人同意记录不能超过200字"))
    seeker = Seeker.objects.select_for_update().get(pk=seeker.pk)
    if seeker.merged_into_id:
        _refuse("seeker", _("该求职者记录已合并到另一条记录，请使用合并后的记录"))
    _check_create_scope(seeker=seeker, posting=posting, actor=actor, source=source)
    existing = Application.objects.filter(seeker=seeker, posting=posting, state__in=LIVE_STATES).first()
    if existing:
        existing.created_now = False
        return existing
    posting = Posting.objects.get(pk=posting.pk)
    refusal = posting_refusal(posting, timezone.localdate())
    if refusal:
        _refuse("posting", refusal)
    try:
        with transaction.atomic():
            app = Application.objects.create(
                seeker=seeker,
                posting=posting,
                source=source,
                consent_note=consent_note,
                created_by=_user(actor),
                origin_region_id=seeker.hukou_region_id,
            )
    except IntegrityError:  # a concurrent request made it first (the one-live-application constraint)
        existing = Application.objects.get(seeker=seeker, posting=posting, state__in=LIVE_STATES)
        existing.created_now = False
        return existing
    event = ApplicationEvent.objects.create(
        application=app,
        from_state="",
        to_state=State.INTENTION,
        actor=_user(actor),
        note=(consent_note or Source(source).label)[:500],
        origin_region_id=app.origin_region_id,
    )
    rollups.add(rollups.event_key(at=event.at, origin=event.origin_region_id, to_state=event.to_state))
    audit(actor=actor, action=AuditEvent.Action.CREATE, obj=app, source=source)
    app.created_now = True
    return app


def default_source(user) -> str:
    """The source an application gets when the caller does not say: by the actor's role."""
    return {Role.SEEKER: Source.SEEKER, Role.RECRUITER: Source.RECRUITER}.get(user.role, Source.COMMISSIONER)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------- moving it


def _clean_reason(to_state: str, reason: str, note: str) -> str:
    reason = (reason or "").strip()
    if to_state == State.REFUSED:
        if reason not in REFUSAL_REASONS:
            _refuse(
                "reason",
                _("未录用须选择原因：%s") % ", ".join(f"{r}（{Reason(r).label}）" for r in REFUSAL_REASONS),
            )
    elif to_state == State.LEFT:
        if reason not in Reason.values:
            _refuse(
                "reason",
                _("离职须选择原因：%s") % ", ".join(f"{r}（{Reason(r).label}）" for r in Reason.values),
            )
    elif reason and reason not in Reason.values:
        _refuse(
            "reason", _("未知原因代码“%(r)s”，可选：%(all)s") % {"r": reason, "all": ", ".join(Reason.values)}
        )
    if reason == Reason.OTHER and not (note or "").strip():
        _refuse("note", _("原因为“其他”时须填写说明"))
    if len(note or "") > 500:
        _refuse("note", _("说明不能超过500字"))
    return reason


def _set_state(app: Application, to_state: str, *, actor, reason: str = "", note: str = "", at=None) -> None:
    event = ApplicationEvent.objects.create(
        application=app,
        from_state=app.state,
        to_state=to_state,
        actor=_user(actor),
        reason=reason,
        note=note,
        origin_region_id=app.origin_region_id,
    )
    rollups.add(rollups.event_key(at=event.at, origin=event.origin_region_id, to_state=to_state))
    app.state = to_state
    app.state_changed_at = at or event.at
    if to_state in CLOSED_STATES:
        app.reason = reason
    app.save(update_fields=["state", "state_changed_at", "reason", "hired_on", "arrived_on"])


def _lock(application: Application, actor) -> tuple[Application, Seeker]:
    """Lock the seeker then the application; re-read the state (a page may show a stale one)."""
    seeker = Seeker.objects.select_for_update().get(pk=application.seeker_id)
    app = Application.objects.select_for_update().filter(pk=application.pk).first()
    if app is None or not Application.objects.visible_to(actor).filter(pk=app.pk).exists():
        _refuse("application", _("申请不存在或无权访问"))
    return app, seeker


def _day(on, field="on") -> dt.date:
    today = timezone.localdate()
    on = on or today
    if on > today:
        _refuse(field, _("日期%(d)s晚于今天，不能预先登记") % {"d": on})
    return on


@transaction.atomic
@_counted
def application_move(
    *,
    application: Application,
    actor,
    to_state: str,
    reason: str = "",
    note: str = "",
    on: dt.date | None = None,
) -> Application:
    """Move an application to ``to_state`` if the transition table and the actor's role allow it.

    ``on``: the date of a hire, an arrival or a retention check (today when left out)."""
    note = (note or "").strip()
    app, seeker = _lock(application, actor)
    refusal = check_move(app.state, to_state, actor_kind(actor))
    if refusal:
        _refuse("state", refusal)
    reason = _clean_reason(to_state, reason, note)
    if to_state == State.HIRED:
        _hire(app, seeker, actor=actor, on=_day(on), note=note)
    elif to_state == State.ARRIVED:
        _arrive(app, seeker, actor=actor, on=_day(on), note=note)
    elif to_state in RETENTION:
        followup = app.followups.select_for_update().filter(days=RETENTION[to_state]).first()
        if followup is None:
            _refuse("state", _("没有%(n)s天稳岗回访任务") % {"n": RETENTION[to_state]})
        _record_check(app, followup, actor=actor, still_employed=True, on=_day(on), reason="", note=note)
    elif to_state == State.LEFT:
        _leave(app, actor=actor, reason=reason, note=note, on=on)
    else:
        _set_state(app, to_state, actor=actor, reason=reason, note=note)
    audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=app, state=app.state)
    return app


def _hire(app: Application, seeker: Seeker, *, actor, on: dt.date, note: str) -> None:
    posting = Posting.objects.select_for_update().get(pk=app.posting_id)
    if (
        posting.status not in (Posting.Status.OPEN, Posting.Status.FILLED)
        or posting.filled >= posting.headcount
    ):
        _refuse("posting", posting_refusal(posting, on) or _("岗位“%s”不接受录用") % posting.title)
    others = Application.objects.filter(seeker=seeker).exclude(pk=app.pk).select_related("posting")
    clash = others.filter(hired_on=on).first()  # hired_on is set by a hire only, and kept after leaving
    if clash:
        _refuse(
            "seeker",
            _("该求职者已于%(d)s被“%(p)s”录用，同一天不能再被录用") % {"d": on, "p": clash.posting.title},
        )
    waiting = others.filter(state=State.HIRED).first()
    if waiting:
        _refuse(
            "seeker",
            _("该求职者已被“%(p)s”录用、尚未到岗；请先登记到岗或离职") % {"p": waiting.posting.title},
        )
    filled = posting.filled + 1
    status = Posting.Status.FILLED if filled >= posting.headcount else posting.status
    Posting.objects.filter(pk=posting.pk).update(filled=filled, status=status, updated_at=timezone.now())
    app.hired_on = on
    _set_state(app, State.HIRED, actor=actor, note=note)
    rollups.add(rollups.hire_key(created_at=app.created_at, hired_on=on, origin=app.origin_region_id))
    obsolete_note = _("已被“%(e)s·%(p)s”录用，其他申请自动失效") % {
        "e": posting.enterprise.name,
        "p": posting.title,
    }
    # Lock the applications alone: ``others`` joins their postings (for the messages above), and a
    # plain FOR UPDATE over that join would lock those postings too, out of order — two hires at
    # different postings of people with offers at each other's postings deadlocked on PostgreSQL
    # (tests/placements/test_rollups.py, concurrent hires).
    for other in others.select_related(None).select_for_update().filter(state__in=OPEN_STATES).order_by("pk"):
        _set_state(other, State.OBSOLETE, actor=None, note=obsolete_note[:500])
    _record_transfer(app, seeker, posting, actor=actor, on=on)
    employment_record(seeker=seeker, status=EmploymentStatus.EMPLOYED, on=on, actor=actor)


# How an application's source maps onto the transfer ledger's channel: a commissioner's work is
# the bureau's organised output; a job found on the platform (the seeker's own interest or an
# enterprise's invitation) is the platform's, not self-found.
CHANNEL_FOR_SOURCE = {
    Source.FAIR: Channel.FAIR,
    Source.COMMISSIONER: Channel.BUREAU,
    Source.SEEKER: Channel.PLATFORM,
    Source.RECRUITER: Channel.PLATFORM,
}


def _record_transfer(app, seeker, posting, *, actor, on) -> None:
    """Every hire is a labour transfer: the ledger row is written in this same transaction, so a
    hire without its transfer (or the reverse) cannot happen."""
    transfer_from_hire(
        seeker=seeker,
        posting=posting,
        hired_on=on,
        actor=actor,
        channel=CHANNEL_FOR_SOURCE.get(app.source, Channel.OTHER),
        application_id=app.pk,
    )


def responsible_for(seeker: Seeker) -> tuple[User | None, str]:
    """Who follows the person up: a commissioner whose grids hold the seeker's grid (the longest
    serving one when several do), and always the county whose bureau answers when none does."""
    user = None
    if seeker.grid_id:
        user = (
            User.objects.filter(role=Role.COMMISSIONER, is_active=True, grids=seeker.grid_id)
            .order_by("pk")
            .first()
        )
    home = seeker.residence_region_id or seeker.hukou_region_id
    county = core_regions.county_of(home) if home else home
    if not Region.objects.filter(pk=county).exists():
        county = home
    return user, county


def _arrive(app: Application, seeker: Seeker, *, actor, on: dt.date, note: str) -> None:
    if app.hired_on and on < app.hired_on:
        _refuse("on", _("到岗日期%(a)s不能早于录用日期%(h)s") % {"a": on, "h": app.hired_on})
    app.arrived_on = on
    _set_state(app, State.ARRIVED, actor=actor, note=note)
    user, county = responsible_for(seeker)
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                application=app,
                days=d,
                due_on=on + dt.timedelta(days=d),
                responsible_user=user,
                responsible_region_id=county,
                origin_region_id=app.origin_region_id,
            )
            for d in RETENTION_DAYS
        ]
    )


def _leave(app: Application, *, actor, reason: str, note: str, on: dt.date | None = None) -> None:
    _set_state(app, State.LEFT, actor=actor, reason=reason, note=note)
    seeker = app.seeker
    if not Application.objects.filter(seeker=seeker, state__in=EMPLOYED_STATES).exclude(pk=app.pk).exists():
        # Out of work again (unless another job holds): counted and pushed as looking.
        employment_record(
            seeker=seeker, status=EmploymentStatus.UNEMPLOYED, on=on or timezone.localdate(), actor=actor
        )
    pending = app.followups.filter(done_on__isnull=True, cancelled=False)  # the application is locked
    # A check made moot by the departure counts in the panel as answered "not at work".
    for due_on, days, origin in pending.values_list("due_on", "days", "origin_region_id"):
        rollups.add(rollups.check_key(due_on=due_on, days=days, still_employed=None, origin=origin))
    pending.update(cancelled=True)


def _record_check(
    app, followup: FollowUp, *, actor, still_employed: bool, on: dt.date, reason: str, note: str
):
    if followup.done_on or followup.cancelled:
        _refuse(
            "followup",
            _("该回访已于%(d)s记录过") % {"d": followup.done_on}
            if followup.done_on
            else _("该回访已取消（人员已离职）"),
        )
    if on < followup.due_on:
        _refuse("on", _("未到%(n)s天回访日期（%(d)s）") % {"n": followup.days, "d": followup.due_on})
    followup.done_on, followup.done_by, followup.still_employed = on, _user(actor), still_employed
    followup.note = note[:500]
    followup.save(update_fields=["done_on", "done_by", "still_employed", "note"])
    rollups.add(
        rollups.check_key(
            due_on=followup.due_on,
            days=followup.days,
            still_employed=still_employed,
            origin=followup.origin_region_id,
        )
    )
    if still_employed:
        target = next(s for s, d in RETENTION.items() if d == followup.days)
        _set_state(app, target, actor=actor, note=note)
    else:
        _leave(app, actor=actor, reason=reason, note=note, on=on)


@transaction.atomic
@_counted
def followup_record(
    *,
    followup: FollowUp,
    actor,
    still_employed: bool,
    on: dt.date | None = None,
    reason: str = "",
    note: str = "",
) -> FollowUp:
    """Record a retention check: still at work moves the application to retained_N; not at work
    ends it (left, with a coded reason) and cancels the later checks."""
    note = (note or "").strip()
    app, _seeker = _lock(followup.application, actor)
    if actor_kind(actor) != STAFF:
        _refuse("actor", _("稳岗回访由就业服务专员或人社部门工作人员记录"))
    if app.state not in (State.ARRIVED, State.RETAINED_30, State.RETAINED_90):
        _refuse("state", _("申请当前状态为“%(s)s”，不能记录稳岗回访") % {"s": label(app.state)})
    target = next(s for s, d in RETENTION.items() if d == followup.days)
    refusal = check_move(app.state, target if still_employed else State.LEFT, STAFF)
    if refusal:
        _refuse("state", refusal)
    reason = "" if still_employed else _clean_reason(State.LEFT, reason, note)
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    _record_check(
        app, followup, actor=actor, still_employed=still_employed, on=_day(on), reason=reason, note=note
    )
    audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=app, state=app.state, followup=followup.days)
    return followup
