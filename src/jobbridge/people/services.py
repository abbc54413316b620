"""Writes to the seeker register. Pages, API, CLI and imports all come through here."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core import pii
from jobbridge.core.audit import audit
from jobbridge.core.models import AuditEvent, Grid

from .models import Certificate, Household, PriorityDiagnosis, Seeker
from .validation import CleanSeeker, FieldError, clean_seeker


class ServiceError(ValueError):
    """A refused write, carrying field errors for forms and the API."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


def _apply(seeker: Seeker, data: CleanSeeker, *, update: bool) -> None:
    """Copy cleaned values onto a seeker; on update, only the fields the input carried."""

    def put(attr, value, key=None):
        if not update or (key or attr) in data.present:
            setattr(seeker, attr, value)

    seeker.name = data.name
    seeker.id_hash, seeker.id_masked = data.id_hash, data.id_masked
    seeker.gender, seeker.birth_date = data.gender, data.birth_date
    if not seeker.id_cipher:
        seeker.id_cipher = pii.encrypt(data.id_number)
    if data.phone:
        seeker.phone_cipher = pii.encrypt(data.phone)
        seeker.phone_hash, seeker.phone_masked = data.phone_hash, data.phone_masked
    seeker.hukou_region_id = data.hukou_region_id
    put("residence_region_id", data.residence_region_id, "residence_region")
    put("education", data.education)
    put("major", data.major)
    put("skills_text", data.skills_text, "skills")
    put("accepts_anywhere", data.accepts_anywhere)
    put("expected_wage", data.expected_wage)
    put("available_from", data.available_from)
    put("employment_status", data.employment_status)
    if data.grid_code:
        seeker.grid = Grid.objects.filter(code=data.grid_code).first()
    if data.household_code:
        seeker.household, _created = Household.objects.get_or_create(
            code=data.household_code, defaults={"region_id": data.residence_region_id or data.hukou_region_id}
        )


def _apply_relations(seeker: Seeker, data: CleanSeeker, *, actor, update: bool) -> None:
    if not update or "desired_occupations" in data.present:
        seeker.desired_occupations.set(data.desired_occupations)
    if not update or "desired_regions" in data.present:
        seeker.desired_regions.set(data.desired_regions)
    for name in data.certificates:
        Certificate.objects.get_or_create(seeker=seeker, name=name[:64])
    if data.priority:
        PriorityDiagnosis.objects.get_or_create(
            seeker=seeker,
            criterion=data.priority,
            valid_from=timezone.localdate(),
            defaults={"evidence": data.priority_evidence[:128], "confirmed_by": actor if _is_staff(actor) else None},
        )


def _is_staff(actor) -> bool:
    return bool(actor and getattr(actor, "is_staff_role", False))


@transaction.atomic
def seeker_register(*, actor, data: dict, source: str = Seeker.Source.STAFF, user=None) -> Seeker:
    """Register a new job seeker. Refuses a person already registered (same ID number)."""
    clean, errors = clean_seeker(data, require_phone=source == Seeker.Source.SELF)
    if errors:
        raise ServiceError(errors)
    if Seeker.objects.filter(id_hash=clean.id_hash).exists():
        raise ServiceError([FieldError("id_number", _("该身份证号已登记"))])
    seeker = Seeker(source=source, user=user, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    _apply(seeker, clean, update=False)
    seeker.save()
    _apply_relations(seeker, clean, actor=actor, update=False)
    audit(actor=actor, action=AuditEvent.Action.CREATE, obj=seeker)
    return seeker


@transaction.atomic
def seeker_update(*, actor, seeker: Seeker, data: dict) -> Seeker:
    """Update a seeker from the fields given; the ID number itself may not change here."""
    merged = {"id_number": pii.decrypt(seeker.id_cipher), "name": seeker.name,
              "hukou_region": seeker.hukou_region_id, **{k: v for k, v in data.items() if k != "id_number"}}
    clean, errors = clean_seeker(merged)
    if errors:
        raise ServiceError(errors)
    seeker = Seeker.objects.select_for_update().get(pk=seeker.pk)
    _apply(seeker, clean, update=True)
    seeker.save()
    _apply_relations(seeker, clean, actor=actor, update=True)
    audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=seeker, fields=sorted(data))
    return seeker


@transaction.atomic
def diagnosis_add(*, actor, seeker: Seeker, criterion: str, evidence: str, valid_from: dt.date,
                  valid_until: dt.date | None = None) -> PriorityDiagnosis:
    if not evidence.strip():
        raise ServiceError([FieldError("evidence", _("须填写证明材料"))])
    if valid_until and valid_until < valid_from:
        raise ServiceError([FieldError("valid_until", _("有效期止不能早于有效期起"))])
    diagnosis = PriorityDiagnosis.objects.create(
        seeker=seeker, criterion=criterion, evidence=evidence.strip(), confirmed_by=actor,
        valid_from=valid_from, valid_until=valid_until,
    )
    audit(actor=actor, action=AuditEvent.Action.CREATE, obj=diagnosis, criterion=criterion)
    return diagnosis


def seeker_reveal(*, actor, seeker: Seeker, request=None) -> dict:
    """The clear ID and phone numbers, for a role allowed to see them; the view is audited."""
    from django.core.exceptions import PermissionDenied

    from jobbridge.core.audit import audit_pii_view

    if not actor.has_perm("people.view_id_number") and getattr(actor, "seeker", None) != seeker:
        raise PermissionDenied(_("无权查看完整身份信息"))
    audit_pii_view(actor=actor, obj=seeker, fields=["id_number", "phone"], request=request)
    return {
        "id_number": pii.decrypt(seeker.id_cipher),
        "phone": pii.decrypt(seeker.phone_cipher) if seeker.phone_cipher else "",
    }
