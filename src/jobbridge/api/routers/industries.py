"""GB/T 4754-2017 industries: 20 sections and 97 divisions, a bounded list served whole."""

from ninja import Query, Router, Schema

from jobbridge.core.access import scoped_get
from jobbridge.core.apikit import ERRORS
from jobbridge.core.models import Industry

router = Router(tags=["industries"])


class IndustryOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent_id


class IndustryDetailOut(IndustryOut):
    children: list[IndustryOut]

    @staticmethod
    def resolve_children(obj):
        return obj.children.all()


class IndustryFilter(Schema):
    q: str | None = None
    level: int | None = None
    parent: str | None = None


@router.get(
    "", response={200: list[IndustryOut], **ERRORS}, summary="List industries (not paginated: 117 rows)"
)
def industry_list(request, filters: Query[IndustryFilter]):
    qs = Industry.objects.order_by("code")
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent.upper())
    return qs


@router.get("/{code}", response={200: IndustryDetailOut, **ERRORS}, summary="One industry")
def industry_detail(request, code: str):
    return scoped_get(Industry.objects.prefetch_related("children"), pk=code.upper())
