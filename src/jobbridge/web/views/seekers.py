"""Job seeker pages: list with filters (HTMX), export, detail, reveal, edit, register, diagnosis."""

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jobbridge.core.access import is_staff, staff_required
from jobbridge.core.errors import ServiceError
from jobbridge.core.models import Role
from jobbridge.core.pages import add_service_errors, export_response, paginate, query_without_page
from jobbridge.people import services
from jobbridge.people.models import PriorityDiagnosis, Seeker
from jobbridge.people.selectors import seeker_filter_count
from jobbridge.web import selectors
from jobbridge.web.forms.seekers import DiagnosisForm, SeekerFilterForm, SeekerForm, seeker_initial

EXPORT_HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机号",
    "户籍地",
    "现居住地",
    "学历",
    "就业状态",
    "就业困难类别",
    "期望月薪（元）",
    "登记日期",
]


def _filtered(request):
    form = SeekerFilterForm(request.GET)
    form.is_valid()  # every field is optional; invalid choices are simply dropped from cleaned_data
    qs, errors = selectors.filter_seekers(Seeker.objects.visible_to(request.user), form.cleaned_data)
    for field, message in errors.items():
        form.add_error(field, message)
    return form, qs


@staff_required
def seeker_list(request):
    form, qs = _filtered(request)
    data = form.cleaned_data
    count = seeker_filter_count(
        request.user,
        qs,
        text=data.get("q") or "",
        region="" if "region" in form.errors else data.get("region") or "",
        priority=data.get("priority") or "",
        status=data.get("employment_status") or "",
        education=data.get("education") or "",
    )
    page = paginate(request, selectors.seekers_for_list(qs), count=count)
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "counties": selectors.counties_in_scope(request.user),
    }
    # HTMX asks for the results only; the same fragment template is included by the full page.
    template = "web/seekers/_results.html" if request.htmx else "web/seekers/list.html"
    return render(request, template, context)


@staff_required
def seeker_export(request):
    form, qs = _filtered(request)
    return export_response(
        request,
        kind="seekers",
        filename="seekers.xlsx",
        headers=EXPORT_HEADERS,
        rows=selectors.seeker_export_rows(qs),
        filters=form.cleaned_data,
    )


def _scoped(request):
    return Seeker.objects.visible_to(request.user)


def seeker_detail(request, pk: int, revealed: dict | None = None):
    seeker = get_object_or_404(
        _scoped(request)
        .select_related("hukou_region", "residence_region", "grid__township", "household", "created_by")
        .prefetch_related(
            Prefetch(
                "diagnoses",
                queryset=PriorityDiagnosis.objects.select_related("confirmed_by").order_by("-valid_from"),
            ),
            "certificates",
            "work_history__region",
            "desired_occupations",
            "desired_regions",
        ),
        pk=pk,
    )
    current_ids = set(PriorityDiagnosis.objects.current().filter(seeker=seeker).values_list("id", flat=True))
    user = request.user
    is_self = user.role == Role.SEEKER and seeker.user_id == user.pk
    return render(
        request,
        "web/seekers/detail.html",
        {
            "seeker": seeker,
            "current_ids": current_ids,
            "revealed": revealed,
            "can_reveal": user.has_perm("people.view_id_number") or is_self,
            "is_staff_view": is_staff(user),
            "diagnosis_form": DiagnosisForm(),
        },
    )


@never_cache  # clear numbers: no browser or proxy keeps a copy (Cache-Control: no-store)
@require_POST
def seeker_reveal(request, pk: int):
    seeker = get_object_or_404(_scoped(request), pk=pk)
    # The service checks the permission (PermissionDenied -> 403) and writes the audit row.
    numbers = services.seeker_reveal(actor=request.user, seeker=seeker, request=request)
    if request.htmx:
        return render(request, "web/seekers/_revealed.html", {"revealed": numbers, "seeker": seeker})
    return seeker_detail(request, pk, revealed=numbers)


@staff_required
def seeker_edit(request, pk: int):
    seeker = get_object_or_404(_scoped(request).select_related("grid"), pk=pk)
    if request.method == "POST":
        form = SeekerForm(request.POST, for_update=True)
        if form.is_valid():
            try:
                services.seeker_update(actor=request.user, seeker=seeker, data=form.service_data())
            except ServiceError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, _("已保存"))
                return redirect("seeker_detail", pk=seeker.pk)
    else:
        form = SeekerForm(initial=seeker_initial(seeker), for_update=True)
    return render(request, "web/seekers/form.html", {"form": form, "seeker": seeker})


@staff_required
def seeker_create(request):
    if request.method == "POST":
        form = SeekerForm(request.POST)
        if form.is_valid():
            try:
                seeker = services.seeker_register(
                    actor=request.user, data=form.service_data(), source=Seeker.Source.STAFF
                )
            except ServiceError as e:
                add_service_errors(form, e)
            else:
                # A clerk may register someone outside their own scope (a migrant from elsewhere);
                # only follow the link when they can see the record they made.
                messages.success(request, _("已登记：%(name)s") % {"name": seeker.name})
                if _scoped(request).filter(pk=seeker.pk).exists():
                    return redirect("seeker_detail", pk=seeker.pk)
                return redirect("seeker_list")
    else:
        form = SeekerForm()
    return render(request, "web/seekers/form.html", {"form": form, "seeker": None})


@staff_required
@require_POST
def diagnosis_add(request, pk: int):
    seeker = get_object_or_404(_scoped(request), pk=pk)
    form = DiagnosisForm(request.POST)
    if form.is_valid():
        try:
            services.diagnosis_add(actor=request.user, seeker=seeker, **form.cleaned_data)
        except ServiceError as e:
            add_service_errors(form, e)
        except IntegrityError:
            form.add_error("criterion", _("同一类别同一起始日期的认定已存在"))
        else:
            messages.success(request, _("已添加认定"))
            return redirect("seeker_detail", pk=seeker.pk)
    return render(request, "web/seekers/diagnosis_form.html", {"form": form, "seeker": seeker}, status=400)
