"""API endpoints of the placements app (mounted at /api/placements/ by jobbridge.api.main).

Thin over ``services.py`` and ``selectors.py``, the functions the pages and the CLI call.
Records are fetched through ``visible_to`` querysets, so "missing" and "not yours" are one 404.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from jobbridge.core.access import scoped_get
from jobbridge.core.apikit import ERRORS, DbId, InputSchema, Page
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.models import Role
from jobbridge.employers.models import Posting
from jobbridge.people.models import Seeker

from . import selectors, services
from .models import Application, FollowUp, Reason, Source, State
from .transitions import allowed_moves

router = Router(tags=["placements"])


class EventOut(Schema):
    from_state: str
    to_state: str
    actor: str
    at: dt.datetime
    reason: str
    note: str

    @staticmethod
    def resolve_actor(obj) -> str:
        return str(obj.actor) if obj.actor_id else _("系统")


class ApplicationOut(Schema):
    id: int
    seeker: int
    seeker_label: str  # name and masked ID number
    posting: int
    posting_title: str
    enterprise: str
    state: State
    source: Source
    consent_note: str
    created_at: dt.datetime
    state_changed_at: dt.datetime
    hired_on: dt.date | None
    arrived_on: dt.date | None
    reason: str
    allowed_moves: list[str]

    @staticmethod
    def resolve_seeker(obj) -> int:
        return obj.seeker_id

    @staticmethod
    def resolve_seeker_label(obj) -> str:
        return f"{obj.seeker.name} {obj.seeker.id_masked}"

    @staticmethod
    def resolve_posting(obj) -> int:
        return obj.posting_id

    @staticmethod
    def resolve_posting_title(obj) -> str:
        return obj.posting.title

    @staticmethod
    def resolve_enterprise(obj) -> str:
        return obj.posting.enterprise.name

    @staticmethod
    def resolve_allowed_moves(obj, context) -> list[str]:
        return allowed_moves(obj.state, context["request"].auth)


class ApplicationDetailOut(ApplicationOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())


class ApplicationIn(InputSchema):
    posting_id: DbId
    seeker_id: DbId | None = None  # a job seeker leaves it out (their own record)
    source: Source | None = None  # default: by role (seeker, commissioner, recruiter)
    consent_note: str = ""  # required when staff apply on the seeker's behalf


class MoveIn(InputSchema):
    state: State
    reason: Reason | None = None  # required for refused and left
    note: str = ""
    on: dt.date | None = None  # date of a hire, arrival or retention check; today when left out


class ApplicationFilter(Schema):
    state: State | None = None
    posting_id: DbId | None = None
    seeker_id: DbId | None = None


class BoardOut(Schema):
    posting: int
    title: str
    headcount: int
    filled: int
    vacancies: int
    columns: dict[str, list[ApplicationOut]]


class FollowUpOut(Schema):
    id: int
    application: int
    seeker_label: str
    posting_title: str
    days: int
    due_on: dt.date
    status: str  # missed | today | upcoming | done | cancelled
    responsible: str

    @staticmethod
    def resolve_application(obj) -> int:
        return obj.application_id

    @staticmethod
    def resolve_seeker_label(obj) -> str:
        s = obj.application.seeker
        return f"{s.name} {s.id_masked}"

    @staticmethod
    def resolve_posting_title(obj) -> str:
        return obj.application.posting.title

    @staticmethod
    def resolve_responsible(obj) -> str:
        return str(obj.responsible_user) if obj.responsible_user_id else obj.responsible_region_id


class CheckIn(InputSchema):
    still_employed: bool
    on: dt.date | None = None
    reason: Reason | None = None  # required when not still employed
    note: str = ""


class RetentionOut(Schema):
    checked: int
    retained: int
    rate: float | None


class PanelOut(Schema):
    region: str
    region_name: str
    month: str
    by_state: dict[str, int]
    hires: int
    median_days_to_hire: float | None
    retention: dict[str, RetentionOut]


class PanelQuery(Schema):
    region: str | None = None  # a division code or name; the caller's own region when left out
    month: str | None = None  # YYYY-MM; this month when left out


def _detail(user, pk: int) -> Application:
    return scoped_get(selectors.with_history(selectors.applications_for(user)), pk=pk)


@router.post(
    "/applications",
    response={201: ApplicationDetailOut, 200: ApplicationDetailOut, **ERRORS},
    summary="Create an application (employment intention); an open one is returned (200), not duplicated",
)
def application_add(request, payload: ApplicationIn):
    user = request.auth
    if payload.seeker_id is None:
        seeker = Seeker.objects.filter(user=user).first() if user.role == Role.SEEKER else None
        if seeker is None:
            raise ServiceError([FieldError("seeker_id", _("请指定求职者"))])
    else:
        seeker = Seeker.objects.filter(pk=payload.seeker_id).first()
        if seeker is None:
            raise ServiceError([FieldError("seeker_id", _("求职者不存在或不在您的服务范围内"))])
    posting = Posting.objects.filter(pk=payload.posting_id).first()
    if posting is None:
        raise ServiceError([FieldError("posting_id", _("岗位不存在"))])
    app = services.application_create(
        seeker=seeker,
        posting=posting,
        actor=user,
        source=payload.source or services.default_source(user),
        consent_note=payload.consent_note,
    )
    return Status(201 if app.created_now else 200, _detail(user, app.pk))


@router.get(
    "/applications",
    response={200: list[ApplicationOut], **ERRORS},
    summary="Applications visible to the caller, newest first",
)
@paginate(Page)
def application_list(request, filters: Query[ApplicationFilter]):
    qs = selectors.applications_for(request.auth)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.posting_id:
        qs = qs.filter(posting_id=filters.posting_id)
    if filters.seeker_id:
        qs = qs.filter(seeker_id=filters.seeker_id)
    return qs.order_by("-created_at", "-pk")


@router.get(
    "/mine",
    response={200: list[ApplicationDetailOut], **ERRORS},
    summary="A job seeker's own applications with their history",
)
@paginate(Page)
def application_mine(request):
    return selectors.my_applications(request.auth)


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="One application with its history (who, when, why)",
)
def application_detail(request, application_id: int):
    return _detail(request.auth, application_id)


@router.post(
    "/applications/{application_id}/transition",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Move an application to another state (refused with a message naming both states if illegal)",
)
def application_transition(request, application_id: int, payload: MoveIn):
    user = request.auth
    app = scoped_get(Application.objects.visible_to(user), pk=application_id)
    services.application_move(
        application=app,
        actor=user,
        to_state=payload.state,
        reason=payload.reason or "",
        note=payload.note,
        on=payload.on,
    )
    return _detail(user, application_id)


@router.get(
    "/postings/{posting_id}/board",
    response={200: BoardOut, **ERRORS},
    summary="A posting's pipeline by state, with vacancies left",
)
def posting_board(request, posting_id: int):
    user = request.auth
    posting = scoped_get(board_postings(user), pk=posting_id)
    columns = selectors.board(posting, user)
    return {
        "posting": posting.pk,
        "title": posting.title,
        "headcount": posting.headcount,
        "filled": posting.filled,
        "vacancies": posting.vacancies,
        "columns": columns,
    }


def board_postings(user):
    """Postings whose board the user may open: recruiters their own, staff those in scope, and
    commissioners also postings their people applied to (often far away)."""
    if user.role == Role.SEEKER:
        return Posting.objects.none()
    own = Posting.objects.visible_to(user)
    if user.role == Role.RECRUITER:
        return own
    applied = Application.objects.visible_to(user).values("posting_id")
    return Posting.objects.filter(pk__in=own.values("pk")) | Posting.objects.filter(pk__in=applied)


@router.get(
    "/followups/due",
    response={200: list[FollowUpOut], **ERRORS},
    summary="Retention checks the caller answers for: missed, due today, due within a week",
)
def followups_due(request):
    due = selectors.due_followups(request.auth)
    out = []
    for status, f in due.as_list():
        f.status = status
        out.append(f)
    return out


@router.post(
    "/followups/{followup_id}/record",
    response={200: FollowUpOut, **ERRORS},
    summary="Record a retention check (still employed, or left with a reason)",
)
def followup_check(request, followup_id: int, payload: CheckIn):
    user = request.auth
    followup = scoped_get(FollowUp.objects.visible_to(user).select_related("application"), pk=followup_id)
    services.followup_record(
        followup=followup,
        actor=user,
        still_employed=payload.still_employed,
        on=payload.on,
        reason=payload.reason or "",
        note=payload.note,
    )
    followup = FollowUp.objects.select_related("application__seeker", "application__posting").get(
        pk=followup_id
    )
    followup.status = followup_status(followup)
    return followup


def followup_status(f: FollowUp, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if f.cancelled:
        return "cancelled"
    if f.done_on:
        return "done"
    return "missed" if f.due_on < today else "today" if f.due_on == today else "upcoming"


@router.get(
    "/panel",
    response={200: PanelOut, **ERRORS},
    summary="Placement statistics of a region and month: by state, median days to hire, retention",
)
def panel(request, query: Query[PanelQuery]):
    return selectors.panel_stats(request.auth, region=query.region, month=query.month)
