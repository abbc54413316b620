"""Enterprise pages (list, export, detail, register, edit, the commissioner's visit with hiring
needs) and posting pages (list, export, detail, create under an enterprise, edit, close)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobbridge.core.access import is_staff, staff_required
from jobbridge.core.errors import ServiceError
from jobbridge.core.models import Role
from jobbridge.core.pages import add_service_errors, export_response, paginate, query_without_page

from . import selectors, services
from .forms import (
    EnterpriseFilterForm,
    EnterpriseForm,
    NeedFormSet,
    PostingFilterForm,
    PostingForm,
    VisitForm,
    enterprise_initial,
    posting_initial,
)
from .models import Enterprise, HiringNeed, Posting

# Enterprises.


def _filtered_enterprises(request):
    form = EnterpriseFilterForm(request.GET)
    form.is_valid()
    qs, errors = selectors.filter_enterprises(Enterprise.objects.visible_to(request.user), form.cleaned_data)
    for field, message in errors.items():
        form.add_error(field, message)
    return form, qs


def enterprise_list(request):
    if request.user.role == Role.SEEKER and not request.user.is_superuser:
        raise PermissionDenied
    form, qs = _filtered_enterprises(request)
    return render(
        request,
        "employers/enterprises/list.html",
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
    form, qs = _filtered_enterprises(request)
    return export_response(
        request,
        kind="enterprises",
        filename="enterprises.xlsx",
        headers=selectors.ENTERPRISE_EXPORT_HEADERS,
        rows=selectors.enterprise_export_rows(qs),
        filters=form.cleaned_data,
    )


def _can_register(user) -> bool:
    return is_staff(user)


def _can_edit(user, enterprise) -> bool:
    # A recruiter keeps their own enterprise's details current; staff edit what they can see.
    return _can_register(user) or (user.role == Role.RECRUITER and user.enterprise_id == enterprise.pk)


def _enterprises(request):
    return Enterprise.objects.visible_to(request.user)


def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(_enterprises(request).select_related("industry", "region", "park"), pk=pk)
    postings = enterprise.postings.select_related("work_region", "occupation").order_by("-created_at")
    visits = enterprise.visits.select_related("visited_by").prefetch_related(
        Prefetch("needs", queryset=HiringNeed.objects.order_by("id"))
    )[:20]
    return render(
        request,
        "employers/enterprises/detail.html",
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
            if _enterprises(request).filter(pk=enterprise.pk).exists():
                return redirect("enterprise_detail", pk=enterprise.pk)
            return redirect("enterprise_list")
    return render(request, "employers/enterprises/form.html", {"form": form, "enterprise": None})


def enterprise_edit(request, pk: int):
    enterprise = get_object_or_404(_enterprises(request).select_related("park"), pk=pk)
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
    return render(request, "employers/enterprises/form.html", {"form": form, "enterprise": enterprise})


@staff_required
def visit_create(request, pk: int):
    enterprise = get_object_or_404(_enterprises(request), pk=pk)
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
        request,
        "employers/enterprises/visit_form.html",
        {"form": form, "needs": needs, "enterprise": enterprise},
    )


# Postings.


def _filtered_postings(request):
    form = PostingFilterForm(request.GET)
    form.is_valid()
    qs, errors = selectors.filter_postings(Posting.objects.visible_to(request.user), form.cleaned_data)
    for field, message in errors.items():
        form.add_error(field, message)
    return form, qs


def posting_list(request):
    form, qs = _filtered_postings(request)
    return render(
        request,
        "employers/postings/list.html",
        {"form": form, "page": paginate(request, qs), "query": query_without_page(request)},
    )


def posting_export(request):
    form, qs = _filtered_postings(request)
    return export_response(
        request,
        kind="postings",
        filename="postings.xlsx",
        headers=selectors.POSTING_EXPORT_HEADERS,
        rows=selectors.posting_export_rows(qs),
        filters=form.cleaned_data,
    )


def _can_manage(user, enterprise_id: int) -> bool:
    if is_staff(user):
        return True
    return user.role == Role.RECRUITER and user.enterprise_id == enterprise_id


def _postings(request):
    return Posting.objects.visible_to(request.user)


def posting_detail(request, pk: int):
    posting = get_object_or_404(
        _postings(request).select_related("enterprise", "work_region", "occupation"), pk=pk
    )
    return render(
        request,
        "employers/postings/detail.html",
        {
            "posting": posting,
            "can_manage": _can_manage(request.user, posting.enterprise_id),
        },
    )


def posting_create(request, enterprise_pk: int):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_pk)
    if not _can_manage(request.user, enterprise.pk):
        raise PermissionDenied
    form = PostingForm(request.POST or None, initial={"work_region": enterprise.region_id})
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_create(
                actor=request.user, enterprise=enterprise, data=form.service_data()
            )
        except ServiceError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("岗位已发布"))
            return redirect("posting_detail", pk=posting.pk)
    return render(
        request, "employers/postings/form.html", {"form": form, "enterprise": enterprise, "posting": None}
    )


def posting_edit(request, pk: int):
    posting = get_object_or_404(_postings(request).select_related("enterprise"), pk=pk)
    if not _can_manage(request.user, posting.enterprise_id):
        raise PermissionDenied
    form = PostingForm(request.POST or None, initial=posting_initial(posting))
    if request.method == "POST" and form.is_valid():
        try:
            services.posting_update(actor=request.user, posting=posting, data=form.service_data())
        except ServiceError as e:
            add_service_errors(form, e)
        else:
            messages.success(request, _("已保存"))
            return redirect("posting_detail", pk=posting.pk)
    return render(
        request,
        "employers/postings/form.html",
        {"form": form, "enterprise": posting.enterprise, "posting": posting},
    )


@require_POST
def posting_close(request, pk: int):
    posting = get_object_or_404(_postings(request), pk=pk)
    if not _can_manage(request.user, posting.enterprise_id):
        raise PermissionDenied
    services.posting_close(actor=request.user, posting=posting)
    messages.success(request, _("岗位已关闭"))
    return redirect("posting_detail", pk=posting.pk)
