"""Job seeker pages: the register (list with filters over HTMX, export, detail, reveal, edit,
staff registration, diagnoses), probable duplicates and their merge, and a job seeker's own
self-registration and page."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jobbridge.core import throttle
from jobbridge.core.access import is_staff, staff_required
from jobbridge.core.audit import client_ip
from jobbridge.core.errors import ServiceError
from jobbridge.core.identity import normalize_mobile
from jobbridge.core.models import Role
from jobbridge.core.pages import add_service_errors, export_response, paginate, query_without_page

from . import selectors, services
from .dedup import probable_duplicates
from .forms import DiagnosisForm, SeekerFilterForm, SeekerForm, SelfRegisterForm, seeker_initial
from .models import PriorityDiagnosis, Seeker
from .validation import clean_seeker

# The register, as staff see it.


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
    count = selectors.seeker_filter_count(
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
    template = "people/seekers/_results.html" if request.htmx else "people/seekers/list.html"
    return render(request, template, context)


@staff_required
def seeker_export(request):
    form, qs = _filtered(request)
    return export_response(
        request,
        kind="seekers",
        filename="seekers.xlsx",
        headers=selectors.SEEKER_LIST_EXPORT_HEADERS,
        rows=selectors.seeker_list_export_rows(qs),
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
        "people/seekers/detail.html",
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
        return render(request, "people/seekers/_revealed.html", {"revealed": numbers, "seeker": seeker})
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
    return render(request, "people/seekers/form.html", {"form": form, "seeker": seeker})


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
    return render(request, "people/seekers/form.html", {"form": form, "seeker": None})


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
    return render(request, "people/seekers/diagnosis_form.html", {"form": form, "seeker": seeker}, status=400)


# Probable duplicates: detection and merge are the services'; these pages list pairs within
# the viewer's scope and ask which record to keep.

PAIR_LIMIT = 100


@staff_required
def duplicate_list(request):
    scoped = Seeker.objects.visible_to(request.user)
    found = probable_duplicates(scoped, limit=PAIR_LIMIT)
    # Reload both sides with their regions in one query, so the table costs no query per row.
    full = scoped.select_related("hukou_region").in_bulk({p.a.pk for p in found} | {p.b.pk for p in found})
    pairs = [
        SimpleNamespace(a=full[p.a.pk], b=full[p.b.pk], reasons=p.reasons)
        for p in found
        if p.a.pk in full and p.b.pk in full
    ]
    return render(request, "people/duplicates/list.html", {"pairs": pairs, "limit": PAIR_LIMIT})


@staff_required
def duplicate_merge(request):
    """GET shows the two records side by side; POST (with the confirmation ticked) merges."""
    source = request.POST if request.method == "POST" else request.GET
    scoped = Seeker.objects.visible_to(request.user).select_related("hukou_region", "residence_region")
    try:
        a_id, b_id = int(source.get("a", "")), int(source.get("b", ""))
    except ValueError:
        return redirect("duplicate_list")
    # Both through the scoped queryset: a clerk cannot merge away a record they cannot see.
    a = get_object_or_404(scoped, pk=a_id)
    b = get_object_or_404(scoped, pk=b_id)
    if a.pk == b.pk:
        return redirect("duplicate_list")
    error = ""
    if request.method == "POST":
        keep_id = source.get("keep")
        if keep_id not in (str(a.pk), str(b.pk)):
            error = _("请选择要保留的记录")
        elif not source.get("confirm"):
            error = _("请勾选确认后再合并")
        else:
            keep, drop = (a, b) if keep_id == str(a.pk) else (b, a)
            try:
                services.seeker_merge(actor=request.user, keep=keep, drop=drop)
            except ServiceError as e:
                error = "；".join(err.message for err in e.errors)
            else:
                messages.success(
                    request, _("已合并：保留 %(name)s（编号%(pk)s）") % {"name": keep.name, "pk": keep.pk}
                )
                return redirect("seeker_detail", pk=keep.pk)
    return render(
        request,
        "people/duplicates/merge.html",
        {"a": a, "b": b, "error": error},
        status=400 if error else 200,
    )


# A job seeker's own self-registration (public) and page.


class _Refused(Exception):
    """Raised inside the transaction so the half-made account is rolled back with the seeker."""

    def __init__(self, service_error: ServiceError):
        self.service_error = service_error


RENAME = {"skills": "desired_job"}


def _collect_errors(form) -> None:
    """Show every field's problem in one round trip: run the shared rules without writing."""
    _clean, errors = clean_seeker(form.service_data(), require_phone=True)
    if errors:
        add_service_errors(form, ServiceError(errors), rename=RENAME, skip_known=True)


def _register(form) -> "Seeker | None":
    User = get_user_model()
    data = form.service_data()
    try:
        phone = normalize_mobile(data["phone"])
    except ValueError as e:
        form.add_error("phone", str(e))
        phone = ""
    if phone and User.objects.filter(username=phone).exists():
        form.add_error("phone", _("该手机号已注册，请直接登录"))
    if form.errors:
        _collect_errors(form)
        return None
    try:
        with transaction.atomic():
            user = User(username=phone, role=Role.SEEKER, display_name=data["name"] or "")
            user.set_password(form.cleaned_data["password1"])
            user.save()
            try:
                return services.seeker_register(actor=None, data=data, source=Seeker.Source.SELF, user=user)
            except ServiceError as e:
                raise _Refused(e) from e
    except _Refused as r:
        add_service_errors(form, r.service_error, rename=RENAME)
        return None


@login_not_required
def self_register(request):
    if request.user.is_authenticated and request.user.role == Role.SEEKER:
        return redirect("my_page")
    form = SelfRegisterForm(request.POST or None)
    throttled = False
    if request.method == "POST":
        if not throttle.register_attempt_allowed(client_ip(request)):
            throttled = True
        elif not form.is_valid():
            _collect_errors(form)
        else:
            seeker = _register(form)
            if seeker is not None:
                login(request, seeker.user, backend="django.contrib.auth.backends.ModelBackend")
                throttle.record_login(user=seeker.user, request=request, via="self_register")
                return redirect("my_page")
    status = 429 if throttled else (400 if form.errors else 200)
    return render(request, "people/register/form.html", {"form": form, "throttled": throttled}, status=status)


def my_page(request):
    """A job seeker's own record, masked; staff land on the dashboard instead."""
    if request.user.role != Role.SEEKER:
        return redirect("home")
    seeker = (
        Seeker.objects.visible_to(request.user)
        .select_related("hukou_region")
        .prefetch_related("desired_regions")
        .first()
    )
    diagnoses = PriorityDiagnosis.objects.current().filter(seeker=seeker) if seeker else []
    return render(request, "people/register/me.html", {"seeker": seeker, "diagnoses": diagnoses})
