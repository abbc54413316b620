"""API endpoints of the transfers app (mounted at /api/transfers/ by jobbridge.api.main).

Reads are scoped: the ledger through ``Transfer.objects.visible_to``, the report and panels by
checking the requested region against the caller's own (a region outside it is a 422 naming
``region``). Panels come from the rollup tables only.
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from jobbridge.core.access import require_staff, scoped_get
from jobbridge.core.apikit import ERRORS, ApiError, InputSchema, Page

from . import selectors, services
from .models import Channel, MoveClass, OriginBasis, Source, Transfer

router = Router(tags=["transfers"])


class TransferOut(Schema):
    # The person and the regions read off the row as loaded (seeker joined): one query per page.
    id: int
    seeker_id: int
    seeker_name: str = Field(alias="seeker.name")
    id_masked: str = Field(alias="seeker.id_masked")
    origin_basis: OriginBasis
    origin_region: str = Field(alias="origin_region_id")
    destination_region: str = Field(alias="destination_region_id")
    enterprise_id: int | None
    employer_name: str
    industry: str | None = Field(alias="industry_id")
    transferred_on: dt.date
    channel: Channel
    move_class: MoveClass
    source: Source
    priority_group: bool
    application_id: int | None


class TransferIn(InputSchema):
    id_number: str
    name: str = ""
    hukou_region: str = ""
    residence_region: str = ""
    destination: str
    transferred_on: dt.date
    employer: str
    employer_uscc: str = ""
    industry: str = ""
    channel: str = ""
    origin_basis: str = ""


class TransferCreated(TransferOut):
    created: bool


class ReportQuery(Schema):
    region: str | None = None
    month: str | None = None


class ReportRow(Schema):
    code: str
    name: str
    person_times: int
    out_of_province: int
    within_province: int
    nearby: int
    persons: int


class ReportOut(Schema):
    region: str
    region_name: str
    month: str
    counts: str
    person_times: int
    by_class: dict[str, int]
    persons: int
    persons_by_class: dict[str, int]
    sentence_zh: str
    sentence_en: str
    rows: list[ReportRow]


class PanelItem(Schema):
    code: str
    name: str
    value: int


class PanelOut(Schema):
    title: str
    counts: str
    items: list[PanelItem] = []
    drillable: bool | None = None
    nodes: list[dict] | None = None
    links: list[dict] | None = None


class LedgerFilter(Schema):
    region: str | None = None
    month: str | None = None
    move_class: MoveClass | None = None


def _params(request, region, month) -> tuple[str, int]:
    require_staff(request.auth)
    try:
        return selectors.resolve_region(region, request.auth), selectors.parse_month(month)
    except selectors.BadParameter as e:
        raise ApiError(422, e.message, [(e.field, e.message)]) from None


@router.get(
    "/report",
    response={200: ReportOut, **ERRORS},
    summary="Monthly transfer report (person-times by class, persons apart)",
)
def transfer_report(request, query: Query[ReportQuery]):
    code, month = _params(request, query.region, query.month)
    return {**selectors.monthly_report(code, month).as_dict(), "rows": selectors.report_table(code, month)}


@router.get(
    "/panels/{name}", response={200: PanelOut, **ERRORS}, summary="One dashboard panel, from the rollups"
)
def transfer_panel(request, name: str, query: Query[ReportQuery]):
    code, month = _params(request, query.region, query.month)
    if name not in selectors.PANELS:
        raise ApiError(404, _("未知的面板“%(p)s”") % {"p": name}, [("name", ", ".join(selectors.PANELS))])
    return selectors.panel(name, code, month)


@router.get("", response={200: list[TransferOut], **ERRORS}, summary="Ledger rows visible to the caller")
@paginate(Page)
def transfer_list(request, filters: Query[LedgerFilter]):
    require_staff(request.auth)
    qs = Transfer.objects.visible_to(request.auth).select_related("seeker")
    if filters.region or filters.month:
        code, month = _params(request, filters.region, filters.month)
        if filters.region:
            qs = qs.filter(
                selectors.region_q(code, township_field="origin_region_id", county_field="origin_region_id")
            )
        if filters.month:
            qs = qs.filter(transferred_on__year=month // 100, transferred_on__month=month % 100)
    if filters.move_class:
        qs = qs.filter(move_class=filters.move_class)
    return qs.order_by("-id")


@router.get("/{transfer_id}", response={200: TransferOut, **ERRORS}, summary="One ledger row")
def transfer_detail(request, transfer_id: int):
    require_staff(request.auth)
    return scoped_get(Transfer.objects.visible_to(request.auth).select_related("seeker"), pk=transfer_id)


@router.post(
    "",
    response={201: TransferCreated, 200: TransferCreated, **ERRORS},
    summary="Enter a transfer by hand (an existing identical transfer is returned with 200)",
)
def transfer_add(request, payload: TransferIn):
    require_staff(request.auth)
    data = payload.model_dump(mode="json")
    transfer, created = services.transfer_enter(actor=request.auth, data=data)
    transfer = Transfer.objects.select_related("seeker").get(pk=transfer.pk)
    transfer.created = created
    return Status(201 if created else 200, transfer)
