"""Administrative divisions: resolve what a clerk typed, walk the tree, classify a labor move."""

from ninja import Query, Router, Schema

from jobbridge.core import regions
from jobbridge.core.access import scoped_get
from jobbridge.core.apikit import ERRORS, ApiError, RegionOut
from jobbridge.core.models import Region

router = Router(tags=["regions"])


class MoveOut(Schema):
    origin: RegionOut
    destination: RegionOut
    move: str
    label: str


def _resolve(value: str, field: str) -> Region:
    try:
        code = regions.resolve(value)
    except regions.UnknownRegion as e:
        raise ApiError(422, str(e), [(field, str(e))]) from None
    return Region.objects.get(pk=code)


@router.get("", response={200: list[RegionOut], **ERRORS}, summary="Provinces (top of the tree)")
def region_roots(request):
    return Region.objects.filter(parent__isnull=True)


@router.get("/resolve", response={200: RegionOut, **ERRORS}, summary="Resolve a code or name to a region")
def region_resolve(request, q: str):
    return _resolve(q, "q")


@router.get(
    "/classify-move",
    response={200: MoveOut, **ERRORS},
    summary="Classify a move: nearby, within province, or out of province",
)
def region_classify_move(request, origin: str, destination: str):
    a, b = _resolve(origin, "origin"), _resolve(destination, "destination")
    move = regions.classify_move(a.code, b.code)
    return {"origin": a, "destination": b, "move": move, "label": regions.MOVE_LABELS[move]}


@router.get("/{code}", response={200: RegionOut, **ERRORS}, summary="One region")
def region_detail(request, code: str):
    return scoped_get(Region.objects.all(), pk=code)


class ChildrenFilter(Schema):
    q: str | None = None


@router.get(
    "/{code}/children", response={200: list[RegionOut], **ERRORS}, summary="Direct children of a region"
)
def region_children(request, code: str, filters: Query[ChildrenFilter]):
    region = scoped_get(Region.objects.all(), pk=code)
    qs = region.children.all()
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    return qs
