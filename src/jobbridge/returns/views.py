"""Pages of return-to-work tracking: the report with its charts, the small panel that other
dashboards embed, the commissioner's quick entry list and the file import. Thin over the
selectors, services and importer that the API and the CLI use too."""

import datetime as dt
import io

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jobbridge.core import regions
from jobbridge.core.access import staff_required
from jobbridge.core.errors import ServiceError
from jobbridge.core.models import Region
from jobbridge.core.pages import paginate, query_without_page
from jobbridge.people.models import Seeker

from .importing import write_template
from .models import Homecoming, Season
from .seasons import season_get
from .selectors import report_region, return_report
from .services import homecoming_record
from .tasks import job_start, job_state

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _season(request) -> Season:
    """The season asked for, else the latest one, else this year's (created from the table)."""
    code = request.GET.get("season") or request.POST.get("season")
    if code:
        return season_get(code)
    return Season.objects.first() or season_get(str(timezone.localdate().year))


def _report_context(request, detail: bool = True) -> dict:
    """The report for the page and the panel; bad input lands in ``error``, never a 500."""
    context = {
        "seasons": Season.objects.all(),
        "error": "",
        "report": None,
        "side": request.GET.get("side", ""),
        "region_input": request.GET.get("region", ""),
    }
    try:
        season = _season(request)
        region = report_region(request.user, request.GET.get("region") or None)
        side = request.GET.get("side") if request.GET.get("side") in ("origin", "destination") else None
        report = return_report(season=season, region=region, side=side, detail=detail)
    except (ServiceError, regions.UnknownRegion) as e:
        context["error"] = str(e)
        return context
    context.update(season=season, report=report, crumbs=_crumbs(region), chart=_chart(report))
    return context


def _crumbs(region: str | None) -> list[tuple[str, str]]:
    chain = regions.ancestors(region) if region else []
    names = dict(Region.objects.filter(code__in=chain).values_list("code", "name"))
    return [("", _("全国")), *((code, names.get(code, code)) for code in chain)]


def _chart(report: dict) -> dict:
    """What the charts draw, as JSON for the page script (rates and codes for drilling)."""

    def series(rows):
        return {
            "names": [r["name"] for r in rows],
            "rates": [r["rate"] for r in rows],
            "went": [r["went_home"] for r in rows],
            "codes": [r["code"] if r["drill"] else "" for r in rows],
        }

    return {
        "by_class": series(report["by_class"]),
        "by_origin": series(report["by_origin"]),
        "by_destination": series(report["by_destination"]),
        "daily": {
            "dates": [p["date"].isoformat() for p in report["daily"]],
            "cumulative": [p["cumulative"] for p in report["daily"]],
            "rates": [p["rate"] for p in report["daily"]],
        },
        "side": report["side"],
        "season": report["season"]["code"],
    }


@staff_required
def report_page(request):
    return render(request, "returns/report.html", _report_context(request))


@staff_required
def panel(request):
    """The fragment the transfers dashboard pulls with hx-get: the headline figures and a small chart."""
    return render(request, "returns/_panel.html", _report_context(request, detail=False))


# -- quick entry ---------------------------------------------------------------------------------
ENTRY_FIELDS = ("destination_region", "went_home_on", "returned_on", "returned_to", "status")


def _entry_rows(seekers, season: Season) -> list[dict]:
    records = {
        h.seeker_id: h
        for h in Homecoming.objects.filter(season=season, seeker__in=seekers).select_related(
            "destination_region", "returned_to"
        )
    }
    return [{"seeker": s, "record": records.get(s.pk), "errors": {}, "values": {}} for s in seekers]


@staff_required
def entry(request):
    try:
        season = _season(request)
    except ServiceError as e:
        return render(request, "returns/entry.html", {"error": str(e), "seasons": Season.objects.all()})
    # Newest first by id, as the seeker list: indexed, where sorting a county's register by name is not.
    seekers = Seeker.objects.visible_to(request.user).select_related("hukou_region").order_by("-id")
    text = request.GET.get("q", "").strip()
    if text:
        seekers = seekers.filter(name__startswith=text)
    status = request.GET.get("status", "")
    if status == "none":
        seekers = seekers.exclude(homecomings__season=season)
    elif status in Homecoming.Status.values:
        seekers = seekers.filter(homecomings__season=season, homecomings__status=status)
    page = paginate(request, seekers)
    return render(
        request,
        "returns/entry.html",
        {
            "error": "",
            "season": season,
            "seasons": Season.objects.all(),
            "page": page,
            "rows": _entry_rows(list(page.object_list), season),
            "q": text,
            "status": status,
            "statuses": Homecoming.Status.choices,
            "query": query_without_page(request),
            "today": timezone.localdate(),
        },
    )


@staff_required
@require_POST
def entry_row(request, seeker_id: int):
    """Save one person's row and answer with the row again (HTMX swaps it in place)."""
    seeker = get_object_or_404(
        Seeker.objects.visible_to(request.user).select_related("hukou_region"), pk=seeker_id
    )
    season = season_get(request.POST.get("season"))
    data = {k: request.POST.get(k, "").strip() for k in ENTRY_FIELDS if k in request.POST}
    if request.POST.get("action") == "returned_today":
        data = {"returned_on": timezone.localdate().isoformat()}
    row = {"seeker": seeker, "errors": {}, "values": data, "saved": ""}
    try:
        record, result = homecoming_record(actor=request.user, season=season, seeker=seeker, data=data)
        row.update(record=record, saved=result, values={})
    except ServiceError as e:
        row["errors"] = {err.field: err.message for err in e.errors}
        row["record"] = Homecoming.objects.filter(season=season, seeker=seeker).first()
    return render(
        request,
        "returns/_entry_row.html",
        {"row": row, "season": season, "today": timezone.localdate(), "statuses": Homecoming.Status.choices},
    )


# -- import --------------------------------------------------------------------------------------
@staff_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    """The upload form; a good upload is queued and the browser goes to its progress page."""
    context = {
        "seasons": Season.objects.all(),
        "error": "",
        "job": None,
        "token": "",
        "season_code": request.POST.get("season")
        or (Season.objects.values_list("code", flat=True).first() or str(timezone.localdate().year)),
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            season = season_get(request.POST.get("season"))
            if upload is None or upload.size == 0:
                raise ValueError(_("请选择要上传的文件"))
            token = job_start(upload=upload, season_code=season.code, user=request.user)
        except (ServiceError, ValueError) as e:
            context["error"] = str(e)
        else:
            return redirect("returns:import_job", token=token)
    return render(request, "returns/import.html", context)


def _job(request, token: str) -> dict:
    state = job_state(token, request.user)
    if state is None:
        raise Http404(_("没有这次导入"))
    state = {
        **state,
        "percent": int(100 * state["done"] / state["total"]) if state["total"] else 0,
        "finished": state["status"] in ("done", "failed"),
    }
    return state


@staff_required
def import_job(request, token: str):
    return render(
        request,
        "returns/import.html",
        {
            "seasons": Season.objects.all(),
            "error": "",
            "job": _job(request, token),
            "token": token,
            "season_code": "",
        },
    )


@staff_required
def import_progress(request, token: str):
    return render(request, "returns/_import_progress.html", {"job": _job(request, token), "token": token})


@staff_required
def template_download(request):
    buffer = io.BytesIO()
    write_template(buffer)
    buffer.seek(0)
    name = f"{_('返乡返岗导入模板')}-{dt.date.today():%Y%m%d}.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=XLSX)
