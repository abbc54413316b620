"""Job postings. Recruiters write their own enterprise's postings; staff those of enterprises
in their scope; job seekers read open postings only."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from jobbridge.core import regions
from jobbridge.core.access import is_staff, scoped_get
from jobbridge.core.apikit import ERRORS, DbId, InputSchema, OccupationRef, Page, RegionRef, join_list
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.models import Role
from jobbridge.core.models.regions import in_subtree
from jobbridge.employers.models import Enterprise, Posting
from jobbridge.employers.services import posting_close, posting_create, posting_update
from jobbridge.matching.schemas import MatchOut
from jobbridge.matching.selectors import candidates_for_posting
from jobbridge.people.models import Education, PriorityCriterion, Seeker

router = Router(tags=["postings"])


class EnterpriseRef(Schema):
    id: int
    name: str


class PostingOut(Schema):
    id: int
    title: str
    enterprise: EnterpriseRef
    occupation: OccupationRef | None
    work_region: RegionRef
    headcount: int
    filled: int
    vacancies: int
    wage_min: int | None
    wage_max: int | None
    min_education: str
    board: bool
    lodging: bool
    disability_friendly: bool
    target_groups: list[str]
    valid_from: dt.date | None
    valid_until: dt.date | None
    status: Posting.Status


class PostingDetailOut(PostingOut):
    description: str
    required_skills: str
    required_certificates: str
    created_at: dt.datetime
    updated_at: dt.datetime


class PostingUpdateIn(InputSchema):
    title: str | None = None
    occupation: str | None = None
    description: str | None = None
    required_skills: str | None = None
    required_certificates: str | None = None
    min_education: Education | None = None
    headcount: int | None = None
    filled: int | None = None
    wage_min: int | None = None
    wage_max: int | None = None
    work_region: str | None = None
    board: bool | None = None
    lodging: bool | None = None
    disability_friendly: bool | None = None
    target_groups: list[PriorityCriterion] | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    status: Posting.Status | None = None


class PostingCreateIn(PostingUpdateIn):
    enterprise_id: DbId | None = None  # a recruiter's own enterprise when left out
    title: str
    headcount: int


class PostingFilter(Schema):
    enterprise_id: DbId | None = None
    status: Posting.Status | None = None
    region: str | None = None
    occupation: str | None = None
    q: str | None = None


def _visible(user):
    return Posting.objects.visible_to(user).select_related("enterprise", "occupation", "work_region")


def _require_writer(user) -> None:
    if not (is_staff(user) or user.role == Role.RECRUITER):
        raise PermissionDenied(_("仅招聘单位和工作人员可维护岗位"))


def _service_data(payload) -> dict:
    data = payload.model_dump(exclude_unset=True, exclude={"enterprise_id"}, mode="json")
    if "target_groups" in data:
        data["target_groups"] = join_list(data["target_groups"]) or ""
    return data


@router.get("", response={200: list[PostingOut], **ERRORS}, summary="List postings visible to the caller")
@paginate(Page)
def posting_list(request, filters: Query[PostingFilter]):
    qs = _visible(request.auth)
    if filters.enterprise_id:
        qs = qs.filter(enterprise_id=filters.enterprise_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region:
        qs = qs.filter(in_subtree("work_region_id", regions.resolve(filters.region)))
    if filters.occupation:
        qs = qs.filter(occupation_id=filters.occupation)
    if filters.q:
        qs = qs.filter(title__contains=filters.q.strip())
    return qs.order_by("-id")


@router.get("/{posting_id}", response={200: PostingDetailOut, **ERRORS}, summary="One posting")
def posting_detail(request, posting_id: int):
    return scoped_get(_visible(request.auth), pk=posting_id)


@router.post("", response={201: PostingDetailOut, **ERRORS}, summary="Create a posting")
def posting_add(request, payload: PostingCreateIn):
    user = request.auth
    _require_writer(user)
    enterprise_id = payload.enterprise_id
    if enterprise_id is None and user.role == Role.RECRUITER:
        enterprise_id = user.enterprise_id
    enterprise = Enterprise.objects.visible_to(user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise ServiceError([FieldError("enterprise_id", _("单位不存在或无权访问"))])
    data = _service_data(payload)
    data.setdefault("work_region", enterprise.region_id)
    posting = posting_create(actor=user, enterprise=enterprise, data=data)
    return Status(201, scoped_get(_visible(user), pk=posting.pk))


@router.patch("/{posting_id}", response={200: PostingDetailOut, **ERRORS}, summary="Update a posting")
def posting_patch(request, posting_id: int, payload: PostingUpdateIn):
    user = request.auth
    posting = scoped_get(_visible(user), pk=posting_id)
    _require_writer(user)
    posting_update(actor=user, posting=posting, data=_service_data(payload))
    return scoped_get(_visible(user), pk=posting_id)


@router.post("/{posting_id}/close", response={200: PostingDetailOut, **ERRORS}, summary="Close a posting")
def posting_close_view(request, posting_id: int):
    user = request.auth
    posting = scoped_get(_visible(user), pk=posting_id)
    _require_writer(user)
    posting_close(actor=user, posting=posting)
    return scoped_get(_visible(user), pk=posting_id)


@router.get(
    "/{posting_id}/candidates",
    response={200: list[MatchOut], **ERRORS},
    deprecated=True,
    summary="Best job seekers for this posting among those the caller may see, with reasons",
    description="Superseded by GET /api/matching/postings/{posting_id}/candidates (filters, pages, "
    "masked contacts, interest); kept for scripts written against it.",
)
def posting_candidates(request, posting_id: int, top: int = Query(10, ge=1, le=100)):
    user = request.auth
    posting = scoped_get(_visible(user), pk=posting_id)
    # Recruiters see no seeker register (applicants come through placements): an empty list.
    matches = candidates_for_posting(posting, Seeker.objects.visible_to(user), k=top)
    labels = {
        pk: f"{name} {masked}"
        for pk, name, masked in Seeker.objects.filter(pk__in=[m.seeker_id for m in matches]).values_list(
            "pk", "name", "id_masked"
        )
    }
    return [m.as_dict() | {"label": labels[m.seeker_id]} for m in matches]
