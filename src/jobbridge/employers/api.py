"""Employers over the API: enterprises (mounted at /api/enterprises/) as the caller's role may
see them, staff registering and correcting them; and postings (mounted at /api/postings/), which
recruiters write for their own enterprise, staff for enterprises in their scope, and job seekers
read when open.

A posting's ranked candidates (the deprecated ``GET /api/postings/{id}/candidates``) are
matching's and are mounted beside the postings router by the API assembly
(``matching/api_lists.py``)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from jobbridge.core import regions
from jobbridge.core.access import is_staff, require_staff, scoped_get
from jobbridge.core.apikit import (
    ERRORS,
    DbId,
    IndustryRef,
    InputSchema,
    OccupationRef,
    Page,
    RegionRef,
    join_list,
)
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.models import Role
from jobbridge.core.models.regions import in_subtree
from jobbridge.people.models import Education, PriorityCriterion

from .models import Enterprise, Posting
from .services import (
    enterprise_register,
    enterprise_update,
    posting_close,
    posting_create,
    posting_update,
)

enterprises_router = Router(tags=["enterprises"])
postings_router = Router(tags=["postings"])

# Enterprises.


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    industry: IndustryRef | None
    region: RegionRef
    size: str
    # The employer's published business contact, not an entry of the personal register.
    contact_name: str
    contact_phone: str
    open_postings: int


class EnterpriseDetailOut(EnterpriseOut):
    address: str
    park: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_park(obj) -> str | None:
        return obj.park.name if obj.park_id else None


class EnterpriseUpdateIn(InputSchema):
    name: str | None = None
    uscc: str | None = None
    industry: str | None = None
    region: str | None = None
    address: str | None = None
    size: Enterprise.Size | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    park: str | None = None


class EnterpriseCreateIn(EnterpriseUpdateIn):
    name: str
    uscc: str
    region: str


class EnterpriseFilter(Schema):
    region: str | None = None
    industry: str | None = None
    size: Enterprise.Size | None = None
    q: str | None = None


def _visible_enterprises(user):
    return (
        Enterprise.objects.visible_to(user)
        .select_related("industry", "region", "park")
        .annotate(open_postings=Count("postings", filter=Q(postings__status=Posting.Status.OPEN)))
    )


@enterprises_router.get(
    "", response={200: list[EnterpriseOut], **ERRORS}, summary="List enterprises visible to the caller"
)
@paginate(Page)
def enterprise_list(request, filters: Query[EnterpriseFilter]):
    qs = _visible_enterprises(request.auth)
    if filters.region:
        qs = qs.filter(in_subtree("region_id", regions.resolve(filters.region)))
    if filters.industry:
        code = filters.industry.upper()
        qs = qs.filter(Q(industry_id=code) | Q(industry__parent_id=code))
    if filters.size:
        qs = qs.filter(size=filters.size)
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q.strip()) | Q(uscc=filters.q.strip().upper()))
    return qs.order_by("-id")


@enterprises_router.get(
    "/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS}, summary="One enterprise"
)
def enterprise_detail(request, enterprise_id: int):
    return scoped_get(_visible_enterprises(request.auth), pk=enterprise_id)


@enterprises_router.post(
    "", response={201: EnterpriseDetailOut, **ERRORS}, summary="Register an enterprise (staff)"
)
def enterprise_create(request, payload: EnterpriseCreateIn):
    user = request.auth
    require_staff(user)
    enterprise = enterprise_register(actor=user, data=payload.model_dump(exclude_unset=True, mode="json"))
    return Status(201, scoped_get(_visible_enterprises(user), pk=enterprise.pk))


@enterprises_router.patch(
    "/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS}, summary="Update an enterprise (staff)"
)
def enterprise_patch(request, enterprise_id: int, payload: EnterpriseUpdateIn):
    user = request.auth
    enterprise = scoped_get(Enterprise.objects.visible_to(user), pk=enterprise_id)
    require_staff(user)
    enterprise_update(
        actor=user, enterprise=enterprise, data=payload.model_dump(exclude_unset=True, mode="json")
    )
    return scoped_get(_visible_enterprises(user), pk=enterprise_id)


# Postings.


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


def _visible_postings(user):
    return Posting.objects.visible_to(user).select_related("enterprise", "occupation", "work_region")


def _require_writer(user) -> None:
    if not (is_staff(user) or user.role == Role.RECRUITER):
        raise PermissionDenied(_("仅招聘单位和工作人员可维护岗位"))


def _posting_data(payload) -> dict:
    data = payload.model_dump(exclude_unset=True, exclude={"enterprise_id"}, mode="json")
    if "target_groups" in data:
        data["target_groups"] = join_list(data["target_groups"]) or ""
    return data


@postings_router.get(
    "", response={200: list[PostingOut], **ERRORS}, summary="List postings visible to the caller"
)
@paginate(Page)
def posting_list(request, filters: Query[PostingFilter]):
    qs = _visible_postings(request.auth)
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


@postings_router.get("/{posting_id}", response={200: PostingDetailOut, **ERRORS}, summary="One posting")
def posting_detail(request, posting_id: int):
    return scoped_get(_visible_postings(request.auth), pk=posting_id)


@postings_router.post("", response={201: PostingDetailOut, **ERRORS}, summary="Create a posting")
def posting_add(request, payload: PostingCreateIn):
    user = request.auth
    _require_writer(user)
    enterprise_id = payload.enterprise_id
    if enterprise_id is None and user.role == Role.RECRUITER:
        enterprise_id = user.enterprise_id
    enterprise = Enterprise.objects.visible_to(user).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise ServiceError([FieldError("enterprise_id", _("单位不存在或无权访问"))])
    data = _posting_data(payload)
    data.setdefault("work_region", enterprise.region_id)
    posting = posting_create(actor=user, enterprise=enterprise, data=data)
    return Status(201, scoped_get(_visible_postings(user), pk=posting.pk))


@postings_router.patch(
    "/{posting_id}", response={200: PostingDetailOut, **ERRORS}, summary="Update a posting"
)
def posting_patch(request, posting_id: int, payload: PostingUpdateIn):
    user = request.auth
    posting = scoped_get(_visible_postings(user), pk=posting_id)
    _require_writer(user)
    posting_update(actor=user, posting=posting, data=_posting_data(payload))
    return scoped_get(_visible_postings(user), pk=posting_id)


@postings_router.post(
    "/{posting_id}/close", response={200: PostingDetailOut, **ERRORS}, summary="Close a posting"
)
def posting_close_view(request, posting_id: int):
    user = request.auth
    posting = scoped_get(_visible_postings(user), pk=posting_id)
    _require_writer(user)
    posting_close(actor=user, posting=posting)
    return scoped_get(_visible_postings(user), pk=posting_id)
