"""API endpoints of return-to-work tracking (mounted at /api/returns/ by jobbridge.api.main).

Thin over the same services, selectors and importer as the pages and the CLI. The report is
aggregate counts for a region within the caller's; lists of people are scoped by
``Homecoming.objects.visible_to`` and show masked ID numbers only.
"""

import datetime as dt
import io
import tempfile
from pathlib import Path

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jobbridge.core import pii
from jobbridge.core.access import is_bureau, require_staff
from jobbridge.core.apikit import ERRORS, ApiError, DbId, InputSchema, Page
from jobbridge.core.identity import parse_resident_id
from jobbridge.people.models import Seeker

from .importing import import_homecomings, write_template
from .models import Homecoming, Season
from .seasons import season_create, season_get
from .selectors import report_region, return_report
from .services import homecoming_record

router = Router(tags=["returns"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SeasonOut(Schema):
    code: str
    name: str
    festival_date: dt.date
    leave_from: dt.date
    return_until: dt.date


class SeasonIn(InputSchema):
    code: str
    festival_date: dt.date
    leave_from: dt.date | None = None
    return_until: dt.date | None = None
    name: str = ""


class Totals(Schema):
    went_home: int
    returned: int
    changed: int
    home: int
    staying: int
    rate: float | None


class ClassRow(Schema):
    code: str
    name: str
    went_home: int
    returned: int
    rate: float | None


class RegionRow(ClassRow):
    inside: bool
    drill: bool
    changed: int
    home: int
    staying: int


class DayPoint(Schema):
    date: dt.date
    returned: int
    cumulative: int
    rate: float | None


class RegionName(Schema):
    code: str
    name: str


class ReportOut(Schema):
    season: SeasonOut
    region: RegionName
    side: str
    totals: Totals
    by_class: list[ClassRow]
    by_origin: list[RegionRow]
    by_destination: list[RegionRow]
    daily: list[DayPoint]


class ReportQuery(Schema):
    season: str
    region: str | None = None
    side: str | None = None


class HomecomingOut(Schema):
    # Related rows as their ids or codes, read off the record as loaded (seeker and season joined).
    id: int
    seeker: int = Field(alias="seeker_id")
    name: str = Field(alias="seeker.name")
    id_masked: str = Field(alias="seeker.id_masked")
    season: str = Field(alias="season.code")
    origin_region: str = Field(alias="origin_region_id")
    destination_region: str = Field(alias="destination_region_id")
    employer: int | None = Field(alias="employer_id")
    went_home_on: dt.date
    returned_on: dt.date | None
    returned_to: str | None = Field(alias="returned_to_id")
    status: str
    move_class: str


class HomecomingQuery(Schema):
    season: str
    region: str | None = None
    side: str = "origin"
    status: Homecoming.Status | None = None


class HomecomingIn(InputSchema):
    season: str
    seeker_id: DbId | None = None
    id_number: str | None = None
    origin_region: str | None = None
    destination_region: str | None = None
    employer_uscc: str | None = None
    went_home_on: dt.date | None = None
    returned_on: dt.date | None = None
    returned_to: str | None = None
    status: Homecoming.Status | None = None


class RecordOut(Schema):
    result: str
    record: HomecomingOut


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[ImportErrorOut]
    file_error: str = ""


@router.get("/seasons", response={200: list[SeasonOut], **ERRORS}, summary="Spring Festival seasons")
def season_list(request):
    return list(Season.objects.all())


@router.post("/seasons", response={201: SeasonOut, **ERRORS}, summary="Create a season (bureau staff)")
def season_add(request, payload: SeasonIn):
    user = request.auth
    if not is_bureau(user):
        raise ApiError(403, _("仅人社部门工作人员可创建季度"))
    return Status(201, season_create(**payload.model_dump()))


@router.get(
    "/report",
    response={200: ReportOut, **ERRORS},
    summary="Return-to-work rates of a region: by class, origin, destination and day",
)
def report(request, q: Query[ReportQuery]):
    require_staff(request.auth)
    if q.side not in (None, "origin", "destination"):
        raise ApiError(422, _("输入有误"), [("side", _("应为origin或destination"))])
    region = report_region(request.auth, q.region)
    return return_report(season=season_get(q.season), region=region, side=q.side)


@router.get(
    "/homecomings",
    response={200: list[HomecomingOut], **ERRORS},
    summary="Workers' trips home and back in a season (scoped, masked ID numbers)",
)
@paginate(Page)
def homecoming_list(request, q: Query[HomecomingQuery]):
    require_staff(request.auth)
    if q.side not in ("origin", "destination"):
        raise ApiError(422, _("输入有误"), [("side", _("应为origin或destination"))])
    season = season_get(q.season)
    qs = Homecoming.objects.visible_to(request.auth).filter(season=season).select_related("seeker", "season")
    if q.region:
        qs = qs.in_region(report_region(request.auth, q.region), q.side)
    if q.status:
        qs = qs.filter(status=q.status)
    return qs.order_by("id")


def _person(user, payload: HomecomingIn) -> Seeker:
    if payload.seeker_id:
        seeker = Seeker.objects.filter(pk=payload.seeker_id, merged_into__isnull=True).first()
    elif payload.id_number:
        try:
            number = parse_resident_id(payload.id_number).number
        except ValueError as e:
            raise ApiError(422, _("输入有误"), [("id_number", str(e))]) from None
        seeker = Seeker.objects.filter(id_hash=pii.keyed_hash(number)).first()
        seeker = seeker.merged_into if seeker and seeker.merged_into_id else seeker
    else:
        raise ApiError(422, _("输入有误"), [("seeker_id", _("请给出seeker_id或id_number"))])
    if seeker is None:
        raise ApiError(404, _("此人尚未登记，请先登记求职者"), [("seeker_id", _("不存在"))])
    return seeker


@router.post(
    "/homecomings",
    response={200: RecordOut, 201: RecordOut, **ERRORS},
    summary="Record a worker's trip home or return (creates or updates the season's record)",
)
def homecoming_put(request, payload: HomecomingIn):
    user = request.auth
    require_staff(user)
    season = season_get(payload.season)
    seeker = _person(user, payload)
    data = payload.model_dump(exclude_unset=True, exclude={"season", "seeker_id", "id_number"}, mode="json")
    record, result = homecoming_record(actor=user, season=season, seeker=seeker, data=data)
    record = get_object_or_404(Homecoming.objects.select_related("seeker", "season"), pk=record.pk)
    return Status(201 if result == "created" else 200, {"result": result, "record": record})


@router.post(
    "/import",
    response={200: ImportOut, **ERRORS},
    summary="Import went-home/returned records from .xlsx/.xls/.csv; every rejected row reported",
)
def import_file(request, season: str, file: File[UploadedFile]):
    user = request.auth
    require_staff(user)
    target = season_get(season)
    suffix = Path(file.name or "upload").suffix[:8]
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        tmp.flush()
        outcome = import_homecomings(path=tmp.name, season=target, actor=user)
    if outcome.file_error:
        raise ApiError(422, outcome.file_error, [("file", outcome.file_error)])
    return outcome.summary()


@router.get("/template", response={200: None, **ERRORS}, summary="The import template (.xlsx)")
def template(request):
    require_staff(request.auth)
    buffer = io.BytesIO()
    write_template(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="returns-template.xlsx"'
    return response
