"""Batch runs and allocations over the API: list and start runs, follow one, allocate.

Starting a run returns at once (202) with the queued run; a background task computes it and the
client polls ``GET /runs/{id}`` (``percent``, ``stage``, ``status``)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from jobbridge.core.apikit import ERRORS, ApiError, ErrorOut

from .batch import (
    DEFAULT_K,
    DEFAULT_PARTITIONS,
    MatchRunRefused,
    NoCurrentVersion,
    can_start_runs,
    can_view_runs,
    match_allocate,
    match_run_create,
)
from .models import MatchAllocation, MatchRun
from .tasks import run_match

router = Router(tags=["matching"])


class RunOut(Schema):
    id: int
    version: int
    status: str
    current: bool = Field(alias="is_current")
    stage: str
    percent: int
    parameters: dict
    seekers: int
    postings: int
    seeker_lists: int = Field(alias="seeker_rows")
    posting_lists: int = Field(alias="posting_rows")
    partitions: int
    error: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    seconds: float | None


class RunIn(Schema):
    k: int = Field(DEFAULT_K, description="list length both ways, 1-100")
    scheduler: str = Field("", description="Dask scheduler address (tcp://HOST:PORT); empty = run here")
    partitions: int = Field(DEFAULT_PARTITIONS, description="partitions by work province")


class GroupRateOut(Schema):
    group: str
    seekers: int
    with_candidates: int
    placed: int
    rate: float


class AllocationIn(Schema):
    stable: bool = Field(False, description="deferred acceptance instead of the optimal min-cost flow")


class AllocationOut(Schema):
    id: int
    run: int = Field(alias="run_id")
    method: str
    arcs: int
    placed: int
    objective: float
    seconds: float
    groups: list[GroupRateOut] = Field(alias="report")
    created_at: dt.datetime


def _viewer(request):
    if not can_view_runs(request.auth):
        raise PermissionDenied(_("仅工作人员可查看匹配批次"))
    return request.auth


def _starter(request):
    if not can_start_runs(request.auth):
        raise PermissionDenied(_("仅系统管理员和人社部门工作人员可运行匹配批次或分配"))
    return request.auth


@router.get("/runs", response={200: list[RunOut], **ERRORS}, summary="Match runs (versions), newest first")
def runs_list(request):
    _viewer(request)
    return list(MatchRun.objects.all()[:100])


@router.post(
    "/runs",
    response={202: RunOut, 409: ErrorOut, **ERRORS},
    summary="Start a full recompute as a background task; poll GET /runs/{id}",
)
def runs_start(request, payload: RunIn):
    user = _starter(request)
    try:
        run = match_run_create(
            actor=user, k=payload.k, scheduler=payload.scheduler, partitions=payload.partitions
        )
    except MatchRunRefused as e:
        if not e.field:
            raise ApiError(409, str(e), code="conflict") from e
        raise ApiError(422, str(e), [(e.field, str(e))]) from e
    run_match.enqueue(run.pk)
    run.refresh_from_db()
    return Status(202, run)


@router.get("/runs/{run_id}", response={200: RunOut, **ERRORS}, summary="One match run with its progress")
def runs_detail(request, run_id: int):
    _viewer(request)
    return MatchRun.objects.get(pk=run_id)


@router.post(
    "/allocations",
    response={201: AllocationOut, 409: ErrorOut, **ERRORS},
    summary="Allocate seekers to vacancies over the current version; placement rates by group",
)
def allocations_create(request, payload: AllocationIn):
    user = _starter(request)
    try:
        result = match_allocate(actor=user, stable=payload.stable)
    except NoCurrentVersion as e:
        raise ApiError(409, str(e), code="conflict") from e
    return Status(201, result)


@router.get("/allocations", response={200: list[AllocationOut], **ERRORS}, summary="Recent allocations")
def allocations_list(request):
    _viewer(request)
    return list(MatchAllocation.objects.all()[:20])
