"""Posting pages: list, export, detail, create (under an enterprise), edit, close."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobbridge.core import regions
from jobbridge.core.access import is_staff
from jobbridge.core.errors import ServiceError
from jobbridge.core.models import Role
from jobbridge.core.models.regions import in_subtree
from jobbridge.core.pages import add_service_errors, export_response, paginate, query_without_page
from jobbridge.employers import services
from jobbridge.employers.models import Enterprise, Posting
from jobbridge.web.forms.employers import PostingFilterForm, PostingForm, posting_initial

EXPORT_HEADERS = [
    "岗位名称",
    "用人单位",
    "职业",
    "工作地",
    "招聘人数",
    "已招人数",
    "月薪下限（元）",
    "月薪上限（元）",
    "状态",
    "发布日期",
]


def _filtered(request):
    form = PostingFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    qs = Posting.objects.visible_to(request.user)
    if data.get("q"):
        qs = qs.filter(Q(title__icontains=data["q"]) | Q(enterprise__name__icontains=data["q"]))
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("region"):
        try:
            qs = qs.filter(in_subtree("work_region_id", regions.resolve(data["region"])))
        except ValueError as e:
            form.add_error("region", str(e))
    qs = qs.select_related("enterprise", "work_region", "occupation").order_by("-created_at", "-id")
    return form, qs


def posting_list(request):
    form, qs = _filtered(request)
    return render(
        request,
        "web/postings/list.html",
        {"form": form, "page": paginate(request, qs), "query": query_without_page(request)},
    )


def posting_export(request):
    form, qs = _filtered(request)
    rows = (
        [
            p.title,
            p.enterprise.name,
            str(p.occupation or ""),
            p.work_region.name,
            p.headcount,
            p.filled,
            p.wage_min or "",
            p.wage_max or "",
            p.get_status_display(),
            p.created_at.date(),
        ]
        for p in qs.iterator(chunk_size=2000)
    )
    return export_response(
        request,
        kind="postings",
        filename="postings.xlsx",
        headers=EXPORT_HEADERS,
        rows=rows,
        filters=form.cleaned_data,
    )


def _can_manage(user, enterprise_id: int) -> bool:
    if is_staff(user):
        return True
    return user.role == Role.RECRUITER and user.enterprise_id == enterprise_id


def _scoped(request):
    return Posting.objects.visible_to(request.user)


def posting_detail(request, pk: int):
    posting = get_object_or_404(
        _scoped(request).select_related("enterprise", "work_region", "occupation"), pk=pk
    )
    return render(
        request,
        "web/postings/detail.html",
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
        request, "web/postings/form.html", {"form": form, "enterprise": enterprise, "posting": None}
    )


def posting_edit(request, pk: int):
    posting = get_object_or_404(_scoped(request).select_related("enterprise"), pk=pk)
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
        "web/postings/form.html",
        {"form": form, "enterprise": posting.enterprise, "posting": posting},
    )


@require_POST
def posting_close(request, pk: int):
    posting = get_object_or_404(_scoped(request), pk=pk)
    if not _can_manage(request.user, posting.enterprise_id):
        raise PermissionDenied
    services.posting_close(actor=request.user, posting=posting)
    messages.success(request, _("岗位已关闭"))
    return redirect("posting_detail", pk=posting.pk)
