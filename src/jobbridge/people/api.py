"""Job seekers over the API (mounted at /api/seekers/): the register as the caller's role may see
it, and writes through the people services. Staff register and correct; job seekers read and
update their own record only.

A seeker's recommended postings (``GET /api/seekers/{id}/recommendations``) are matching's and
are mounted beside this router by the API assembly (``matching/api_lists.py``)."""

from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from jobbridge.core.access import is_staff, require_staff, scoped_get
from jobbridge.core.apikit import ERRORS, ApiError, Page, join_list
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.models import Role
from jobbridge.core.occupations import resolve_occupation

from .models import EmploymentStatus, PriorityCriterion, PriorityDiagnosis, Seeker
from .schemas import (
    SELF_EDITABLE,
    DiagnosisIn,
    DiagnosisOut,
    RevealOut,
    SeekerCreateIn,
    SeekerDetailOut,
    SeekerOut,
    SeekerUpdateIn,
)
from .selectors import seeker_filter
from .services import diagnosis_add, seeker_register, seeker_reveal, seeker_update

router = Router(tags=["seekers"])


def _visible(user):
    """The caller's seekers with what the list shape needs in a fixed number of queries."""
    current = Prefetch("diagnoses", queryset=PriorityDiagnosis.objects.current(), to_attr="current_diagnoses")
    return (
        Seeker.objects.visible_to(user)
        .select_related("hukou_region", "residence_region", "grid")
        .prefetch_related(current)
    )


def _detail(user, seeker_id: int) -> Seeker:
    qs = (
        _visible(user)
        .select_related("household")
        .prefetch_related("desired_occupations", "desired_regions", "certificates", "diagnoses")
    )
    return scoped_get(qs, pk=seeker_id)


def _service_data(payload) -> dict:
    """The payload as the services' raw-field dict: only the fields sent, lists joined."""
    data = payload.model_dump(exclude_unset=True, mode="json")
    if data.get("desired_occupations") is not None:
        # Occupation names may contain "、", a list separator for the parser: send codes instead.
        codes, errors = [], []
        for value in data["desired_occupations"]:
            try:
                codes.append(resolve_occupation(value))
            except ValueError as e:
                errors.append(FieldError("desired_occupations", str(e)))
        if errors:
            raise ServiceError(errors)
        data["desired_occupations"] = codes
    for key in ("desired_occupations", "desired_regions", "certificates"):
        if key in data:
            data[key] = join_list(data[key])
    return data


class SeekerFilter(Schema):
    region: str | None = None
    priority: PriorityCriterion | None = None
    status: EmploymentStatus | None = None
    q: str | None = None


@router.get("", response={200: list[SeekerOut], **ERRORS}, summary="List job seekers visible to the caller")
@paginate(Page)
def seeker_list(request, filters: Query[SeekerFilter]):
    qs = seeker_filter(
        _visible(request.auth),
        text=filters.q or "",
        region=filters.region or "",
        priority=filters.priority or "",
        status=filters.status or "",
    )
    return qs.order_by("-id")


@router.get("/{seeker_id}", response={200: SeekerDetailOut, **ERRORS}, summary="One job seeker")
def seeker_detail(request, seeker_id: int):
    return _detail(request.auth, seeker_id)


@router.post("", response={201: SeekerDetailOut, **ERRORS}, summary="Register a job seeker (staff)")
def seeker_create(request, payload: SeekerCreateIn):
    user = request.auth
    require_staff(user)
    seeker = seeker_register(actor=user, data=_service_data(payload), source=Seeker.Source.STAFF)
    return Status(201, _detail(user, seeker.pk))


@router.patch("/{seeker_id}", response={200: SeekerDetailOut, **ERRORS}, summary="Update a job seeker")
def seeker_patch(request, seeker_id: int, payload: SeekerUpdateIn):
    user = request.auth
    seeker = scoped_get(Seeker.objects.visible_to(user), pk=seeker_id)
    if not is_staff(user):
        # Only a job seeker reaches here (visible_to shows recruiters nobody): own record, some fields.
        refused = sorted(payload.model_fields_set - SELF_EDITABLE)
        if user.role != Role.SEEKER or refused:
            raise ApiError(
                403, _("求职者本人不能修改这些字段"), [(f, _("须由工作人员修改")) for f in refused]
            )
    seeker_update(actor=user, seeker=seeker, data=_service_data(payload))
    return _detail(user, seeker_id)


@router.post(
    "/{seeker_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="Clear ID and phone numbers (needs people.view_id_number; audited)",
)
def seeker_reveal_pii(request, seeker_id: int, response: HttpResponse):
    user = request.auth
    seeker = scoped_get(Seeker.objects.visible_to(user), pk=seeker_id)
    response["Cache-Control"] = "no-store"
    return seeker_reveal(actor=user, seeker=seeker, request=request)


@router.post(
    "/{seeker_id}/diagnoses",
    response={201: DiagnosisOut, **ERRORS},
    summary="Record a priority-group finding (staff)",
)
def seeker_diagnosis_add(request, seeker_id: int, payload: DiagnosisIn):
    user = request.auth
    seeker = scoped_get(Seeker.objects.visible_to(user), pk=seeker_id)
    require_staff(user)
    try:
        diagnosis = diagnosis_add(
            actor=user,
            seeker=seeker,
            criterion=payload.criterion.value,
            evidence=payload.evidence,
            valid_from=payload.valid_from,
            valid_until=payload.valid_until,
        )
    except IntegrityError:
        # diagnosis_add does not check the one-finding-per-start-date constraint itself.
        raise ServiceError([FieldError("valid_from", _("该类别在此日期已有认定"))]) from None
    return Status(201, diagnosis)
