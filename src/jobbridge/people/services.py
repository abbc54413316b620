"""Writes to the seeker register. Pages, API, CLI and imports all come through here."""

import datetime as dt

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core import pii
from jobbridge.core.access import OUT_OF_SCOPE, Jurisdiction, is_staff
from jobbridge.core.audit import audit
from jobbridge.core.errors import FieldError, RateLimited, ServiceError
from jobbridge.core.models import AuditEvent, Grid
from jobbridge.core.models.regions import subtree_bounds

from .models import Certificate, Household, PriorityDiagnosis, Seeker
from .signals import seeker_changed, seeker_merging
from .validation import CleanSeeker, clean_seeker


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
        seeker.grid = Grid.objects.select_related("township").filter(code=data.grid_code).first()
        if seeker.grid is None:
            raise ServiceError([FieldError("grid", _("网格编号%(g)s不存在") % {"g": data.grid_code})])
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
            defaults={
                "evidence": data.priority_evidence[:128],
                "confirmed_by": actor if _is_staff(actor) else None,
            },
        )
    diagnosis_regions_sync(seeker_ids=[seeker.pk])


def diagnosis_regions_sync(*, seeker_ids=None) -> int:
    """Copy seekers' hukou and residence regions onto their diagnoses (see PriorityDiagnosis).

    Every write that creates a diagnosis or changes a seeker's regions calls it for the seekers
    it touched; bulk loaders call it once for their batch (or with None, for everyone). One
    set-based UPDATE, so it costs the same on a laptop and on a province's register."""
    seeker = Seeker.objects.filter(pk=OuterRef("seeker_id"))
    qs = PriorityDiagnosis.objects.all()
    if seeker_ids is not None:
        qs = qs.filter(seeker_id__in=list(seeker_ids))
    return qs.update(
        hukou_region_id=Subquery(seeker.values("hukou_region_id")[:1]),
        residence_region_id=Subquery(seeker.values("residence_region_id")[:1]),
    )


def _is_staff(actor) -> bool:
    return bool(actor and is_staff(actor))


def keep_in_scope(*, actor, obj, field: str) -> None:
    """Refuse a staff write that would leave the record outside the writer's own scope (a Xining
    clerk registering a Ledu resident, a commissioner leaving the grid empty): they could not
    see what they just saved. Called inside the write's transaction, so the write is undone."""
    if not _is_staff(actor):
        return
    if not type(obj).objects.visible_to(actor).filter(pk=obj.pk).exists():
        raise ServiceError([FieldError(field, str(OUT_OF_SCOPE))])


def _in_each_other(a: str, b: str) -> bool:
    """Whether one region code lies in the other's subtree (a village in its township, or a
    township in the county a person's residence names)."""
    if not a or not b:
        return False
    (low_a, high_a), (low_b, high_b) = subtree_bounds(a), subtree_bounds(b)
    return low_a <= b < high_a or low_b <= a < high_b


def _check_grid(actor, seeker: Seeker, data: CleanSeeker) -> None:
    """A grid is where the person lives, and one the writer looks after: otherwise a clerk could
    put a Ledu resident into a Shanxi grid and so show them to that grid's commissioner."""
    if not data.grid_code or seeker.grid is None:
        return
    township = seeker.grid.township_id
    home = seeker.residence_region_id or seeker.hukou_region_id or ""
    if not _in_each_other(township, home):
        raise ServiceError([FieldError("grid", _("网格%(g)s不在此人的现居住地内") % {"g": seeker.grid.code})])
    if not is_staff(actor):
        return
    jurisdiction = Jurisdiction.of(actor)
    if jurisdiction.is_commissioner:
        allowed = jurisdiction.grids().filter(pk=seeker.grid.pk).exists()
    else:
        allowed = jurisdiction.contains(township)
    if not allowed:
        raise ServiceError([FieldError("grid", _("网格%(g)s不在您的管辖范围内") % {"g": seeker.grid.code})])


def _keep_seeker_in_scope(actor, seeker: Seeker) -> None:
    field = "grid" if getattr(actor, "role", None) == "commissioner" else "hukou_region"
    keep_in_scope(actor=actor, obj=seeker, field=field)


@transaction.atomic
def seeker_register(*, actor, data: dict, source: str = Seeker.Source.STAFF, user=None) -> Seeker:
    """Register a new job seeker. Refuses a person already registered (same ID number)."""
    clean, errors = clean_seeker(data, require_phone=source == Seeker.Source.SELF)
    if errors:
        raise ServiceError(errors)
    if Seeker.objects.filter(id_hash=clean.id_hash).exists():
        raise ServiceError([FieldError("id_number", _("该身份证号已登记"))])
    seeker = Seeker(
        source=source, user=user, created_by=actor if getattr(actor, "is_authenticated", False) else None
    )
    _apply(seeker, clean, update=False)
    _check_grid(actor, seeker, clean)
    seeker.save()
    _apply_relations(seeker, clean, actor=actor, update=False)
    _keep_seeker_in_scope(actor, seeker)
    audit(actor=actor, action=AuditEvent.Action.CREATE, obj=seeker)
    return seeker


@transaction.atomic
def seeker_update(*, actor, seeker: Seeker, data: dict) -> Seeker:
    """Update a seeker from the fields given; the ID number itself may not change here."""
    merged = {
        "id_number": pii.decrypt(seeker.id_cipher),
        "name": seeker.name,
        "hukou_region": seeker.hukou_region_id,
        **{k: v for k, v in data.items() if k != "id_number"},
    }
    clean, errors = clean_seeker(merged)
    if errors:
        raise ServiceError(errors)
    seeker = Seeker.objects.select_for_update().get(pk=seeker.pk)
    _apply(seeker, clean, update=True)
    _check_grid(actor, seeker, clean)
    # A field given empty is cleared (an edit form emptying "major"); a field not given is kept.
    cleared = {k for k, v in data.items() if k in _CLEARABLE and v in ("", None, [])}
    for key in cleared:
        attr, empty = _CLEARABLE[key]
        if attr.startswith("m2m:"):
            getattr(seeker, attr[4:]).clear()
        else:
            setattr(seeker, attr, seeker.hukou_region_id if key == "residence_region" else empty)
    seeker.save()
    _apply_relations(seeker, clean, actor=actor, update=True)
    _keep_seeker_in_scope(actor, seeker)
    audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=seeker, fields=sorted(data))
    seeker_changed.send(sender=Seeker, seeker=seeker)  # matching refreshes their list after commit
    return seeker


# Fields an update may empty, with the attribute and its empty value. Residence falls back to hukou.
_CLEARABLE = {
    "residence_region": ("residence_region_id", None),
    "education": ("education", ""),
    "major": ("major", ""),
    "skills": ("skills_text", ""),
    "expected_wage": ("expected_wage", None),
    "available_from": ("available_from", None),
    "grid": ("grid_id", None),
    "household": ("household_id", None),
    "desired_occupations": ("m2m:desired_occupations", None),
    "desired_regions": ("m2m:desired_regions", None),
}


@transaction.atomic
def diagnosis_add(
    *,
    actor,
    seeker: Seeker,
    criterion: str,
    evidence: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
) -> PriorityDiagnosis:
    if not evidence.strip():
        raise ServiceError([FieldError("evidence", _("须填写证明材料"))])
    if valid_until and valid_until < valid_from:
        raise ServiceError([FieldError("valid_until", _("有效期止不能早于有效期起"))])
    if PriorityDiagnosis.objects.filter(seeker=seeker, criterion=criterion, valid_from=valid_from).exists():
        raise ServiceError([FieldError("valid_from", _("该类别在此日期已有认定记录"))])
    diagnosis = PriorityDiagnosis.objects.create(
        seeker=seeker,
        criterion=criterion,
        evidence=evidence.strip(),
        confirmed_by=actor,
        valid_from=valid_from,
        valid_until=valid_until,
        hukou_region_id=seeker.hukou_region_id,
        residence_region_id=seeker.residence_region_id,
    )
    audit(actor=actor, action=AuditEvent.Action.CREATE, obj=diagnosis, criterion=criterion)
    return diagnosis


REVEAL_FIELDS = ("id_number", "phone")


def _reveal_budget(actor) -> None:
    """At most ``JOBBRIDGE_REVEALS_PER_HOUR`` clear views per person in any hour: a loop over
    the register is stopped, a day's calls are not. The audit rows are the count (every clear
    view writes one), so the budget survives restarts and holds across processes."""
    from django.conf import settings

    limit = getattr(settings, "JOBBRIDGE_REVEALS_PER_HOUR", 60)
    since = timezone.now() - dt.timedelta(hours=1)
    views = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_PII, at__gte=since, actor=actor)
    if views.count() >= limit:
        first = views.order_by("at").values_list("at", flat=True).first() or since
        wait = max(1, int((first - since).total_seconds()))
        raise RateLimited(_("查看完整号码过于频繁，请稍后再试"), retry_after=wait)


def number_reveal(
    *, actor, seeker: Seeker, fields=REVEAL_FIELDS, consented: bool = False, request=None
) -> dict:
    """The one way to a clear ID or phone number, whatever the page or endpoint: authorised,
    rate-limited, audited.

    Who: the person themself; staff with ``view_id_number`` (both numbers); staff with
    ``view_phone`` (the phone, to call); a caller whose right comes from the person's consent
    (``consented``: an enterprise the person applied to, checked by the caller) the phone only.
    The caller has already found ``seeker`` through its scope."""
    from django.core.exceptions import PermissionDenied

    from jobbridge.core.audit import audit_pii_view

    fields = [f for f in REVEAL_FIELDS if f in fields]
    own = seeker.user_id is not None and seeker.user_id == getattr(actor, "pk", None)
    if not own:
        if "id_number" in fields and not actor.has_perm("people.view_id_number"):
            raise PermissionDenied(_("无权查看完整身份信息"))
        if "phone" in fields and not (
            consented or actor.has_perm("people.view_id_number") or actor.has_perm("people.view_phone")
        ):
            raise PermissionDenied(_("无权查看完整手机号"))
        _reveal_budget(actor)
    audit_pii_view(actor=actor, obj=seeker, fields=fields, request=request)
    out = {}
    if "id_number" in fields:
        out["id_number"] = pii.decrypt(seeker.id_cipher)
    if "phone" in fields:
        out["phone"] = pii.decrypt(seeker.phone_cipher) if seeker.phone_cipher else ""
    return out


def seeker_reveal(*, actor, seeker: Seeker, request=None) -> dict:
    """The clear ID and phone numbers (``number_reveal`` of both)."""
    return number_reveal(actor=actor, seeker=seeker, request=request)


_FILLABLE = (
    "phone_cipher",
    "phone_hash",
    "phone_masked",
    "residence_region_id",
    "grid_id",
    "household_id",
    "education",
    "major",
    "skills_text",
    "expected_wage",
    "available_from",
    "user_id",
)


@transaction.atomic
def seeker_merge(*, actor, keep: Seeker, drop: Seeker) -> Seeker:
    """Merge ``drop`` into ``keep``: every record linked to ``drop`` moves to ``keep``, empty fields
    of ``keep`` are filled from ``drop``, and ``drop`` stays as a tombstone pointing at ``keep``
    (so its ID number still leads to the person). Works for links added by later apps too:
    it walks every foreign key that points at Seeker."""
    from django.db import IntegrityError

    if keep.pk == drop.pk:
        raise ServiceError([FieldError("drop", _("不能与自己合并"))])
    keep = Seeker.objects.select_for_update().get(pk=keep.pk)
    drop = Seeker.objects.select_for_update().get(pk=drop.pk)
    if keep.merged_into_id or drop.merged_into_id:
        raise ServiceError([FieldError("drop", _("已合并的记录不能再合并"))])
    seeker_merging.send(sender=Seeker, keep=keep, drop=drop)
    moved: dict[str, int] = {}
    for rel in Seeker._meta.related_objects:
        if rel.many_to_many or rel.one_to_one or rel.related_model is Seeker:
            continue
        fk = rel.field.name
        for obj in rel.related_model._base_manager.filter(**{fk: drop}):
            try:
                with transaction.atomic():
                    setattr(obj, fk, keep)
                    obj.save(update_fields=[fk])
                moved[rel.related_model._meta.label_lower] = (
                    moved.get(rel.related_model._meta.label_lower, 0) + 1
                )
            except IntegrityError:
                # keep already has the same record (same certificate, same diagnosis): one copy is enough.
                obj.delete()
    for m2m in ("desired_occupations", "desired_industries", "desired_regions", "skill_occupations"):
        getattr(keep, m2m).add(*getattr(drop, m2m).all())
    for attr in _FILLABLE:
        if not getattr(keep, attr) and getattr(drop, attr):
            setattr(keep, attr, getattr(drop, attr))
            if attr == "user_id":
                drop.user = None
    keep.accepts_anywhere = keep.accepts_anywhere or drop.accepts_anywhere
    drop.merged_into = keep
    drop.save()
    keep.save()
    diagnosis_regions_sync(seeker_ids=[keep.pk])
    audit(actor=actor, action=AuditEvent.Action.MERGE, obj=keep, dropped=drop.pk, moved=moved)
    return keep


def employment_record(*, seeker: Seeker, status: str, on: dt.date, actor=None) -> None:
    """The person's employment status after a hire, an arrival, a departure or a retention check
    (the placements pipeline calls this inside its transaction), so the register, the push list and
    the dashboards stop counting a hired person as out of work. A later event wins; an earlier
    one (entered late) does not undo it."""
    current = Seeker.objects.filter(pk=seeker.pk).values_list("employment_status_since", flat=True).first()
    if current is not None and on < current:
        return
    Seeker.objects.filter(pk=seeker.pk).update(
        employment_status=status, employment_status_since=on, updated_at=timezone.now()
    )
    seeker.employment_status, seeker.employment_status_since = status, on
    audit(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=seeker, employment_status=status, on=on.isoformat()
    )
