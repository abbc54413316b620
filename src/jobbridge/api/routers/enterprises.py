"""Employers as the caller's role may see them; staff register and correct them."""

import datetime as dt

from django.db.models import Count, Q
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from jobbridge.core import regions
from jobbridge.core.access import require_staff, scoped_get
from jobbridge.core.apikit import ERRORS, IndustryRef, InputSchema, Page, RegionRef
from jobbridge.core.models.regions import in_subtree
from jobbridge.employers.models import Enterprise, Posting
from jobbridge.employers.services import enterprise_register, enterprise_update

router = Router(tags=["enterprises"])


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


def _visible(user):
    return (
        Enterprise.objects.visible_to(user)
        .select_related("industry", "region", "park")
        .annotate(open_postings=Count("postings", filter=Q(postings__status=Posting.Status.OPEN)))
    )


@router.get(
    "", response={200: list[EnterpriseOut], **ERRORS}, summary="List enterprises visible to the caller"
)
@paginate(Page)
def enterprise_list(request, filters: Query[EnterpriseFilter]):
    qs = _visible(request.auth)
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


@router.get("/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS}, summary="One enterprise")
def enterprise_detail(request, enterprise_id: int):
    return scoped_get(_visible(request.auth), pk=enterprise_id)


@router.post("", response={201: EnterpriseDetailOut, **ERRORS}, summary="Register an enterprise (staff)")
def enterprise_create(request, payload: EnterpriseCreateIn):
    user = request.auth
    require_staff(user)
    enterprise = enterprise_register(actor=user, data=payload.model_dump(exclude_unset=True, mode="json"))
    return Status(201, scoped_get(_visible(user), pk=enterprise.pk))


@router.patch(
    "/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS}, summary="Update an enterprise (staff)"
)
def enterprise_patch(request, enterprise_id: int, payload: EnterpriseUpdateIn):
    user = request.auth
    enterprise = scoped_get(Enterprise.objects.visible_to(user), pk=enterprise_id)
    require_staff(user)
    enterprise_update(
        actor=user, enterprise=enterprise, data=payload.model_dump(exclude_unset=True, mode="json")
    )
    return scoped_get(_visible(user), pk=enterprise_id)
