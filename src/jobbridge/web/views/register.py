"""Public self-registration for job seekers, and their own page afterwards."""

from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jobbridge.core import throttle
from jobbridge.core.audit import client_ip
from jobbridge.core.errors import ServiceError
from jobbridge.core.identity import normalize_mobile
from jobbridge.core.models import Role
from jobbridge.core.pages import add_service_errors
from jobbridge.people.models import PriorityDiagnosis, Seeker
from jobbridge.people.services import seeker_register
from jobbridge.people.validation import clean_seeker
from jobbridge.web.forms.register import SelfRegisterForm


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
                return seeker_register(actor=None, data=data, source=Seeker.Source.SELF, user=user)
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
    return render(request, "web/register/form.html", {"form": form, "throttled": throttled}, status=status)


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
    return render(request, "web/register/me.html", {"seeker": seeker, "diagnoses": diagnoses})
