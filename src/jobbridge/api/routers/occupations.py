"""CSCO 2022 occupations: search by code, standard name or alias; detail with aliases."""

from django.db.models import Exists, OuterRef, Q
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from jobbridge.core.access import scoped_get
from jobbridge.core.apikit import ERRORS, Page
from jobbridge.core.models import Occupation, OccupationAlias

router = Router(tags=["occupations"])


class OccupationOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent_id


class OccupationDetailOut(OccupationOut):
    definition: str
    tasks: str
    aliases: list[str]
    children: list[OccupationOut]

    @staticmethod
    def resolve_aliases(obj) -> list[str]:
        return [a.alias for a in obj.aliases.all()]

    @staticmethod
    def resolve_children(obj):
        return obj.children.all()


class OccupationFilter(Schema):
    q: str | None = None
    level: int | None = None
    parent: str | None = None


@router.get("", response={200: list[OccupationOut], **ERRORS}, summary="Search occupations")
@paginate(Page)
def occupation_list(request, filters: Query[OccupationFilter]):
    qs = Occupation.objects.order_by("code")
    if filters.q:
        q = filters.q.strip()
        alias = OccupationAlias.objects.filter(occupation=OuterRef("pk"), alias__contains=q)
        qs = qs.filter(Q(code__startswith=q) | Q(name__contains=q) | Exists(alias))
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    return qs


@router.get("/{code}", response={200: OccupationDetailOut, **ERRORS}, summary="One occupation")
def occupation_detail(request, code: str):
    return scoped_get(Occupation.objects.prefetch_related("aliases", "children"), pk=code)
