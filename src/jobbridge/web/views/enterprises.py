"""Enterprise pages: list, export, detail, register, edit, and the commissioner's visit form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jobbridge.core import regions
from jobbridge.core.access import is_staff, staff_required
from jobbridge.core.errors import ServiceError
from jobbridge.core.models import Role
from jobbridge.core.models.regions import in_subtree
from jobbridge.core.pages import add_service_errors, export_response, paginate, query_without_page
from jobbridge.employers import services
from jobbridge.employers.models import Enterprise, HiringNeed, Posting
from jobbridge.web.forms.employers import (
    EnterpriseFilterForm,
    EnterpriseForm,
    NeedFormSet,
    VisitForm,
    enterprise_initial,
)
from jobbridge.web.selectors import search_by_name_or_code

EXPORT_HEADERS = ["单位名称", "统一社会信用代码", "行业", "所在地", "规模", "联系人", "招聘中岗位数"]


def _filtered(request):
    form = EnterpriseFilterForm(request.GET)
    form.is_valid()
    qs = Enterprise.objects.visible_to(request.user)
    qs = search_by_name_or_code(qs, form.cleaned_data.get("q", ""), "name", "uscc")
    if form.cleaned_data.get("region"):
        try:
            qs = qs.filter(in_subtree("region_id", regions.resolve(form.cleaned_data["region"])))
        except ValueError as e:
            form.add_error("region", str(e))
    qs = (
        qs.select_related("industry", "region")
        .annotate(open_postings=Count("postings", filter=Q(postings__status=Posting.Status.OPEN)))
        .order_by("-created_at", "-id")
    )
    return form, qs


def enterprise_list(request):
    if request.user.role == Role.SEEKER and not request.user.is_superuser:
        raise PermissionDenied
    form, qs = _filtered(request)
    return render(
        request,
        "web/enterprises/list.html",
        {
            "form": form,
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "can_register": _can_register(request.user),
        },
    )


def enterprise_export(request):
    if request.user.role == Role.SEEKER and not request.user.is_superuser:
        raise PermissionDenied
    form, qs = _filtered(request)
    rows = (
        [
            e.name,
            e.uscc,
            str(e.industry or ""),
            e.region.name,
            e.get_size_display(),
            e.contact_name,
            e.open_postings,
        ]
        for e in qs.iterator(chunk_size=2000)
    )
    return export_response(
        request,
        kind="enterprises",
        filename="enterprises.xlsx",
        headers=EXPORT_HEADERS,
        rows=rows,
        filters=form.cleaned_data,
    )


def _can_register(user) -> bool:
    return is_staff(user)


def _can_edit(user, enterprise) -> bool:
    # A recruiter keeps their own enterprise's details current; staff edit what they can see.
    return _can_register(user) or (user.role == Role.RECRUITER and user.enterprise_id == enterprise.pk)


def _scoped(request):
    return Enterprise.objects.visible_to(request.user)


def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(_scoped(request).select_related("industry", "region", "park"), pk=pk)
    postings = enterprise.postings.select_related("work_region", "occupation").order_by("-created_at")
    visits = enterprise.visits.select_related("visited_by").prefetch_related(
        Prefetch("needs", queryset=HiringNeed.objects.order_by("id"))
    )[:20]
    return render(
        request,
        "web/enterprises/detail.html",
        {
            "enterprise": enterprise,
            "postings": postings,
            "visits": visits,
            "open_needs": enterprise.hiring_needs.filter(visit__isnull=True).order_by("-created_at")[:20],
            "can_edit": _can_edit(request.user, enterprise),
            "can_visit": _can_register(request.user),
        },
    )


def enterprise_create(request):
    if not _can_register(request.user):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_register(actor=request.user, data=form.cleaned_data)
        except ServiceError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": enterprise.name})
            if _scoped(request).filter(pk=enterprise.pk).exists():
                return redirect("enterprise_detail", pk=enterprise.pk)
            return redirect("enterprise_list")
    return render(request, "web/enterprises/form.html", {"form": form, "enterprise": None})


def enterprise_edit(request, pk: int):
    enterprise = get_object_or_404(_scoped(request).select_related("park"), pk=pk)
    if not _can_edit(request.user, enterprise):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, initial=enterprise_initial(enterprise))
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(actor=request.user, enterprise=enterprise, data=form.cleaned_data)
        except ServiceError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("已保存"))
            return redirect("enterprise_detail", pk=enterprise.pk)
    return render(request, "web/enterprises/form.html", {"form": form, "enterprise": enterprise})


@staff_required
def visit_create(request, pk: int):
    enterprise = get_object_or_404(_scoped(request), pk=pk)
    form = VisitForm(request.POST or None)
    needs = NeedFormSet(request.POST or None, prefix="needs")
    if request.method == "POST" and form.is_valid() and needs.is_valid():
        rows = [dict(f.cleaned_data) for f in needs if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            services.visit_record(actor=request.user, enterprise=enterprise, needs=rows, **form.cleaned_data)
        except ServiceError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("已记录走访"))
            return redirect("enterprise_detail", pk=enterprise.pk)
    return render(
        request, "web/enterprises/visit_form.html", {"form": form, "needs": needs, "enterprise": enterprise}
    )
