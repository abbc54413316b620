"""The matching runs page (/matching/): versions, the current one, "run now" with a live progress
line (HTMX polls a fragment every second while a run is queued or running), and allocation with a
bar chart of placement rates by priority group. Thin over ``batch``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import store
from .batch import (
    MatchRunRefused,
    NoCurrentVersion,
    can_start_runs,
    can_view_runs,
    match_allocate,
    match_run_create,
)
from .models import MatchAllocation, MatchRun
from .tasks import run_match


def _viewer(request):
    if not can_view_runs(request.user):
        raise PermissionDenied(_("仅工作人员可查看匹配批次"))


def _context(request) -> dict:
    runs = list(MatchRun.objects.select_related("created_by")[:30])
    active = next((r for r in runs if r.status in (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING)), None)
    allocation = MatchAllocation.objects.select_related("run").first()
    chart = None
    if allocation:
        chart = {
            "labels": [g["group"] for g in allocation.report],
            "values": [round(g["rate"] * 100, 1) for g in allocation.report],
        }
    method = allocation and (_("稳定分配") if allocation.method == "stable" else _("最优分配"))
    return {
        "runs": runs,
        "current": store.current_run(),
        "active": active,
        "allocation": allocation,
        "method": method,
        "chart": chart,
        "can_start": can_start_runs(request.user),
    }


def runs_page(request):
    _viewer(request)
    return render(request, "matching/runs.html", _context(request))


def runs_progress(request):
    _viewer(request)
    return render(request, "matching/runs_progress.html", _context(request))


@require_POST
def runs_start(request):
    if not can_start_runs(request.user):
        raise PermissionDenied(_("仅系统管理员和人社部门工作人员可运行匹配批次或分配"))
    try:
        run = match_run_create(actor=request.user)
    except MatchRunRefused as e:
        messages.error(request, str(e))
    else:
        run_match.enqueue(run.pk)
    return redirect("matching:runs")


@require_POST
def allocate(request):
    if not can_start_runs(request.user):
        raise PermissionDenied(_("仅系统管理员和人社部门工作人员可运行匹配批次或分配"))
    try:
        match_allocate(actor=request.user, stable=request.POST.get("method") == "stable")
    except NoCurrentVersion as e:
        messages.error(request, str(e))
    return redirect("matching:runs")
