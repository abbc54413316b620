"""Pages of the transfer ledger: list, manual entry, monthly report (+ .xlsx) and the dashboard.

Thin over ``services`` and ``selectors``. Report and dashboard read the rollups only; the
dashboard's panels are HTMX fragments loaded on page load, each one query.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jobbridge.core import regions as core_regions
from jobbridge.core.access import staff_required
from jobbridge.core.errors import ServiceError
from jobbridge.core.excel import audit_export, xlsx_response
from jobbridge.core.pages import add_service_errors, paginate, query_without_page

from . import exports, selectors, services
from .forms import LedgerFilterForm, TransferForm
from .models import Transfer


def _params(request) -> tuple[str | None, int | None, str]:
    """(region code, month, error) from ?region=&month=; defaults: the viewer's region, last month."""
    today = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    try:
        code = selectors.resolve_region(request.GET.get("region"), request.user)
        month = selectors.parse_month(request.GET.get("month"), default=today)
    except selectors.BadParameter as e:
        return None, None, f"{e.field}: {e.message}"
    return code, month, ""


def _status(request, error: str) -> int:
    """400 for a bad parameter; a page opened bare (the menu link) by someone with no region of
    their own to default to is a form waiting for one, not an error."""
    return 400 if error and request.GET else 200


def _crumbs(user, code: str) -> list[tuple[str, str]]:
    chain = core_regions.ancestors(code)
    top = getattr(user, "region_id", None)
    if top in chain and not user.is_superuser:
        chain = chain[chain.index(top) :]
    return [
        (
            c,
            core_regions.full_name(c).removeprefix(core_regions.full_name(core_regions.ancestors(c)[0]))
            or core_regions.full_name(c),
        )
        for c in chain
    ]


@staff_required
def ledger(request):
    form = LedgerFilterForm(request.GET or None)
    qs = Transfer.objects.visible_to(request.user).select_related(
        "seeker", "origin_region", "destination_region"
    )
    error, code, month, move_class = "", getattr(request.user, "region_id", None), None, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["region"]:
                code = selectors.resolve_region(data["region"], request.user)
                qs = qs.filter(
                    selectors.region_q(
                        code, township_field="origin_region_id", county_field="origin_region_id"
                    )
                )
            if data["month"]:
                month = selectors.parse_month(data["month"])
                qs = qs.filter(transferred_on__year=month // 100, transferred_on__month=month % 100)
        except selectors.BadParameter as e:
            error = e.message
        move_class = data["move_class"]
        if move_class:
            qs = qs.filter(move_class=move_class)
    # A bureau's ledger is counted from the rollups (the same rows by construction): COUNT(*)
    # over a province's millions of ledger rows would take seconds on every page.
    count = None
    if code and request.user.role == "bureau" and not error:
        count = selectors.ledger_count(code, month, move_class)
    page = paginate(request, qs.order_by("-id"), count=count)
    return render(
        request,
        "transfers/ledger.html",
        {"form": form, "page": page, "error": error, "query": query_without_page(request)},
    )


@staff_required
def add(request):
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer, created = services.transfer_enter(actor=request.user, data=form.cleaned_data)
        except ServiceError as e:
            add_service_errors(form, e)
        else:
            from django.contrib import messages

            messages.success(
                request,
                _("已登记转移记录（%(c)s）") % {"c": transfer.get_move_class_display()}
                if created
                else _("相同的转移记录已存在，未重复登记"),
            )
            return redirect(reverse("transfers:ledger"))
    return render(request, "transfers/form.html", {"form": form})


@staff_required
def report(request):
    code, month, error = _params(request)
    ctx = {"error": error}
    if code:
        r = selectors.monthly_report(code, month)
        ctx.update(
            report=r,
            data=r.as_dict(),
            rows=selectors.report_table(code, month),
            code=code,
            month=selectors.month_label(month),
            crumbs=_crumbs(request.user, code),
        )
    return render(request, "transfers/report.html", ctx, status=_status(request, error))


@staff_required
def report_xlsx(request):
    code, month, error = _params(request)
    if error:
        raise Http404(error)
    audit_export(actor=request.user, request=request, what=f"transfers-report {code} {month}")
    return xlsx_response(
        exports.report_filename(code, month),
        exports.report_headers(),
        exports.report_rows(code, month),
        sheet_name=_("转移就业月报"),
    )


@staff_required
def dashboard(request):
    code, month, error = _params(request)
    ctx = {"error": error, "panels": [p for p in selectors.PANELS if p != "flow"]}
    if code:
        r = selectors.monthly_report(code, month, with_persons=False)
        ctx.update(
            report=r,
            data=r.as_dict(),
            code=code,
            month=selectors.month_label(month),
            season=month // 100,
            crumbs=_crumbs(request.user, code),
        )
    return render(request, "transfers/dashboard.html", ctx, status=_status(request, error))


@staff_required
def panel(request, name: str):
    code, month, error = _params(request)
    if error:
        raise PermissionDenied(error)
    if name not in selectors.PANELS:
        raise Http404
    data = selectors.panel(name, code, month)
    return render(
        request,
        "transfers/_panel.html",
        {
            "name": name,
            "panel": data,
            "code": code,
            "panel_id": f"panel-data-{name}",
            "month": selectors.month_label(month),
        },
    )
