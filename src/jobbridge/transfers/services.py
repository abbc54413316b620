"""Writes to the labor-transfer ledger. Hires, the manual-entry page, the API, the CLI and the
import all come through here (the import through ``record_many``), and every write updates
the rollups in the same transaction."""

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core import regions as core_regions
from jobbridge.core.access import OUT_OF_SCOPE, Jurisdiction, is_staff
from jobbridge.core.audit import audit
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.identity import clean_text
from jobbridge.core.models import AuditEvent
from jobbridge.people.models import PriorityDiagnosis, Seeker

from . import rollups
from .models import Channel, OriginBasis, Source, Transfer


def natural_key(*, seeker_id: int, day: dt.date, destination: str, employer: str) -> str:
    """The identity of a transfer: same person, date, destination and employer = same person-time."""
    text = f"{seeker_id}|{day.isoformat()}|{destination}|{clean_text(employer)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def priority_on(seeker_ids, day: dt.date) -> set[int]:
    """Those of ``seeker_ids`` with a priority-group diagnosis current on ``day``."""
    return set(
        PriorityDiagnosis.objects.current(day)
        .filter(seeker_id__in=list(seeker_ids))
        .values_list("seeker_id", flat=True)
    )


def origin_of(seeker: Seeker, basis: str) -> str | None:
    if basis == OriginBasis.RESIDENCE:
        return seeker.residence_region_id
    return seeker.hukou_region_id


def _insert(transfer: Transfer) -> Transfer:
    """Save a new ledger row and count it, both or neither."""
    with transaction.atomic():
        transfer.save(force_insert=True)
        rollups.apply([rollups.fact_of(transfer)])
    return transfer


@transaction.atomic
def transfer_from_hire(
    *, seeker, posting, hired_on, actor, channel=Channel.OTHER, application_id
) -> Transfer:
    """The ledger row of a hire; called by placements inside its hire transaction.

    Idempotent on ``application_id``: a second call returns the first call's row. A transfer
    already entered by hand for the same person, date, destination and employer is linked to
    the application rather than counted twice.
    """
    if application_id is not None:
        found = Transfer.objects.filter(application_id=application_id).first()
        if found:
            return found
    enterprise = posting.enterprise
    destination = posting.work_region_id
    origin = seeker.hukou_region_id
    key = natural_key(seeker_id=seeker.pk, day=hired_on, destination=destination, employer=enterprise.name)
    same = Transfer.objects.select_for_update().filter(natural_key=key).first()
    if same:
        if same.application_id is None and application_id is not None:
            same.application_id = application_id
            same.save(update_fields=["application_id"])
        return same
    transfer = Transfer(
        seeker=seeker,
        origin_basis=OriginBasis.HUKOU,
        origin_region_id=origin,
        destination_region_id=destination,
        enterprise=enterprise,
        employer_name=enterprise.name[:128],
        industry_id=enterprise.industry_id,
        transferred_on=hired_on,
        channel=channel or Channel.OTHER,
        move_class=core_regions.classify_move(origin, destination),
        source=Source.HIRE,
        priority_group=seeker.pk in priority_on([seeker.pk], hired_on),
        application_id=application_id,
        natural_key=key,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            _insert(transfer)
    except IntegrityError:
        # A concurrent call for the same application won the race: return its row.
        found = Transfer.objects.filter(application_id=application_id).first()
        if found is None:
            raise
        return found
    return transfer


def check_date(day: dt.date) -> list[FieldError]:
    if day > timezone.localdate():
        return [FieldError("transferred_on", _("转移日期%(d)s晚于今天") % {"d": day.isoformat()})]
    return []


def _may_record(actor, seeker: Seeker, origin: str) -> bool:
    """Whether the row would be in the writer's ledger (Transfer.visible_to, decided before
    writing): a bureau's by its origin, a commissioner's by the person's grid."""
    if actor is None or not is_staff(actor):
        return True
    jurisdiction = Jurisdiction.of(actor)
    if jurisdiction.everywhere:
        return True
    if jurisdiction.is_commissioner:
        return jurisdiction.grids().filter(pk=seeker.grid_id).exists()
    return jurisdiction.is_bureau and jurisdiction.contains(origin)


def _people_in_scope(actor):
    """The seekers an entry may name: the caller's own (the CLI's operator: everyone)."""
    return Seeker.objects.active() if actor is None else Seeker.objects.visible_to(actor)


@transaction.atomic
def transfer_record(
    *,
    actor,
    seeker: Seeker,
    destination: str,
    transferred_on: dt.date,
    employer_name: str = "",
    enterprise=None,
    industry: str | None = None,
    channel: str = Channel.OTHER,
    origin_basis: str = OriginBasis.HUKOU,
    source: str = Source.MANUAL,
) -> tuple[Transfer, bool]:
    """Enter one transfer the platform did not broker. Returns (row, created); the same person,
    date, destination and employer again returns the existing row with created=False."""
    errors = check_date(transferred_on)
    origin = origin_of(seeker, origin_basis)
    if not origin:
        errors.append(FieldError("origin_basis", _("此人未登记现居住地，请选择户籍地")))
    if not (employer_name or enterprise):
        errors.append(FieldError("employer", _("用人单位不能为空")))
    if errors:
        raise ServiceError(errors)
    name = enterprise.name if enterprise else employer_name
    if not _may_record(actor, seeker, origin):
        # Before the duplicate check: an existing row outside the scope is never returned.
        raise ServiceError([FieldError("origin_basis", _("输出地不在您的管辖范围内"))])
    key = natural_key(seeker_id=seeker.pk, day=transferred_on, destination=destination, employer=name)
    same = Transfer.objects.filter(natural_key=key).first()
    if same:
        return same, False
    transfer = Transfer(
        seeker=seeker,
        origin_basis=origin_basis,
        origin_region_id=origin,
        destination_region_id=destination,
        enterprise=enterprise,
        employer_name=clean_text(name)[:128],
        industry_id=industry or (enterprise.industry_id if enterprise else None),
        transferred_on=transferred_on,
        channel=channel,
        move_class=core_regions.classify_move(origin, destination),
        source=source,
        priority_group=seeker.pk in priority_on([seeker.pk], transferred_on),
        natural_key=key,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _insert(transfer)
    audit(actor=actor, action=AuditEvent.Action.CREATE, obj=transfer)
    return transfer, True


@transaction.atomic
def transfer_delete(*, actor, transfer: Transfer) -> None:
    """Remove a ledger row entered in error, and its person-time from the rollups."""
    fact = rollups.fact_of(transfer)
    audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=transfer, deleted=True)
    transfer.delete()
    rollups.apply([fact], sign=-1)


def record_many(rows: list[tuple]) -> int:
    """Bulk insert prepared ledger rows (tuples in ``INSERT_FIELDS`` order, natural keys already
    checked absent) and count them in the rollups. Plain tuples, not model instances: building
    100,000 Transfers costs more than inserting them. The caller holds a transaction (the
    import's batch lock)."""
    from jobbridge.core.fastsql import insert_rows

    if not rows:
        return 0
    insert_rows(Transfer, INSERT_FIELDS, rows)
    at = {name: i for i, name in enumerate(INSERT_FIELDS)}
    s, o, d, i, day, c, p, ch = (
        at[k]
        for k in (
            "seeker_id",
            "origin_region_id",
            "destination_region_id",
            "industry_id",
            "transferred_on",
            "move_class",
            "priority_group",
            "channel",
        )
    )
    rollups.apply(
        [
            rollups.Fact(r[s], r[o], r[d], r[i], r[day].year * 100 + r[day].month, r[c], bool(r[p]), r[ch])
            for r in rows
        ]
    )
    return len(rows)


INSERT_FIELDS = [
    "seeker_id",
    "origin_basis",
    "origin_region_id",
    "destination_region_id",
    "enterprise_id",
    "employer_name",
    "industry_id",
    "transferred_on",
    "channel",
    "move_class",
    "source",
    "priority_group",
    "application_id",
    "natural_key",
    "created_by_id",
    "created_at",
]


@transaction.atomic
def transfer_enter(*, actor, data: dict) -> tuple[Transfer, bool]:
    """Manual entry (page, API, CLI): the same fields and rules as an import row.

    The person is named by ID number; an unknown person is registered from ``name`` and
    ``hukou_region`` through ``people.services.seeker_register``."""
    from jobbridge.core import pii
    from jobbridge.core.identity import parse_resident_id
    from jobbridge.employers.models import Enterprise
    from jobbridge.people.services import seeker_register

    from .validation import clean_transfer

    clean, errors = clean_transfer(data)
    seeker = None
    registered_elsewhere = False
    try:
        number = parse_resident_id(data.get("id_number")).number
        id_hash = pii.keyed_hash(number)
        # Scope first: a person the caller may not see is looked up as if unknown, so neither a
        # ledger row of theirs nor whether they are registered leaks through this entry.
        seeker = _people_in_scope(actor).filter(id_hash=id_hash).first()
        registered_elsewhere = seeker is None and Seeker.objects.filter(id_hash=id_hash).exists()
    except ValueError as e:
        errors.append(FieldError("id_number", str(e)))
    enterprise = None
    if clean and clean.employer_uscc:
        enterprise = Enterprise.objects.filter(uscc=clean.employer_uscc).first()
        if enterprise is None:
            errors.append(
                FieldError("employer_uscc", _("信用代码%(u)s的单位未登记") % {"u": clean.employer_uscc})
            )
    if errors:
        raise ServiceError(errors)
    if seeker is None:
        if not clean_text(data.get("name")) or not clean_text(data.get("hukou_region")):
            raise ServiceError(
                [
                    FieldError(f, _("此人尚未登记，须填写姓名和户籍地以便登记"))
                    for f in ("name", "hukou_region")
                    if not clean_text(data.get(f))
                ]
            )
        if registered_elsewhere:
            # The same words keep_in_scope uses when a new person's hukou lies outside the scope.
            raise ServiceError([FieldError("hukou_region", str(OUT_OF_SCOPE))])
        seeker = seeker_register(
            actor=actor,
            data={
                "name": data.get("name"),
                "id_number": number,
                "hukou_region": data.get("hukou_region"),
                "residence_region": data.get("residence_region") or "",
                "employment_status": "employed",
            },
        )
    return transfer_record(
        actor=actor,
        seeker=seeker,
        destination=clean.destination,
        transferred_on=clean.transferred_on,
        employer_name=clean.employer_name,
        enterprise=enterprise,
        industry=clean.industry,
        channel=clean.channel,
        origin_basis=clean.origin_basis,
    )
