"""Writes of return-to-work records. The entry page, the API, the CLI and the import all come
through ``homecoming_record`` (one row) or the importer (batches, same rules)."""

from collections import Counter

from django.db import transaction
from django.utils.translation import gettext as _

from jobbridge.core.access import is_staff
from jobbridge.core.audit import audit
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.models import AuditEvent, Role
from jobbridge.core.models.regions import subtree_bounds
from jobbridge.employers.models import Enterprise
from jobbridge.people.models import Seeker

from . import rollups
from .models import Homecoming, Season
from .validation import CleanHomecoming, clean_homecoming


def in_region(code: str, region: str) -> bool:
    low, high = subtree_bounds(region)
    return low <= code < high


def may_record(actor, seeker: Seeker, destination: str | None) -> bool:
    """Staff record the people they may see; a receiving region's bureau also records the
    workers employed in its region (it knows them by ID number from the employers' lists).
    ``actor`` None is the command line run by the operator, like the roster import."""
    if actor is None:
        return True
    if not is_staff(actor):
        return False
    if Seeker.objects.visible_to(actor).filter(pk=seeker.pk).exists():
        return True
    return bool(
        actor.role == Role.BUREAU
        and actor.region_id
        and destination
        and in_region(destination, actor.region_id)
    )


def employer_by_uscc(uscc: str) -> Enterprise | None:
    if not uscc:
        return None
    employer = Enterprise.objects.filter(uscc=uscc).first()
    if employer is None:
        raise ServiceError([FieldError("employer_uscc", _("信用代码%(u)s的单位尚未登记") % {"u": uscc})])
    return employer


def _changed(obj: Homecoming, clean: CleanHomecoming, employer_id) -> bool:
    return any(getattr(obj, k) != v for k, v in clean.values().items()) or (
        clean.employer_uscc and obj.employer_id != employer_id
    )


@transaction.atomic
def homecoming_record(*, actor, season: Season, seeker: Seeker, data: dict) -> tuple[Homecoming, str]:
    """Create or update ``seeker``'s record for ``season`` from the raw fields in ``data``.

    Returns the record and what happened: "created", "updated" or "unchanged". Fields not
    given keep their stored value, so "returned on 2 March" alone completes an earlier
    went-home entry."""
    existing = Homecoming.objects.select_for_update().filter(season=season, seeker=seeker).first()
    if existing is not None:
        data = merge_raw(existing, data)
    clean, errors = clean_homecoming(data, season=season, origin_default=seeker.hukou_region_id)
    if errors:
        raise ServiceError(errors)
    if not may_record(actor, seeker, clean.destination_region_id):
        raise ServiceError([FieldError("seeker", _("此人不在您的管辖范围内"))])
    employer = employer_by_uscc(clean.employer_uscc)
    if existing is None:
        obj = Homecoming.objects.create(
            season=season, seeker=seeker, employer=employer, recorded_by=_user(actor), **clean.values()
        )
        rollups.apply(Counter({rollups.key_of(obj, season): 1}))
        audit(actor=actor, action=AuditEvent.Action.CREATE, obj=obj, season=season.code)
        return obj, "created"
    if not _changed(existing, clean, employer.pk if employer else None):
        return existing, "unchanged"
    before = rollups.key_of(existing, season)
    for key, value in clean.values().items():
        setattr(existing, key, value)
    if employer is not None:
        existing.employer = employer
    existing.recorded_by = _user(actor) or existing.recorded_by
    existing.save()
    rollups.apply(_moved(before, rollups.key_of(existing, season)))
    audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=existing, season=season.code)
    return existing, "updated"


def _moved(before: tuple, after: tuple) -> Counter:
    deltas: Counter = Counter()
    deltas[before] -= 1
    deltas[after] += 1
    return deltas


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def merge_raw(obj: Homecoming, data: dict) -> dict:
    """The stored record in the raw form the cleaner reads, overlaid with the fields given."""
    given = {k: v for k, v in data.items() if v is not None}
    chosen = (Homecoming.Status.STAYING, Homecoming.Status.CHANGED)
    stored = {
        "origin_region": obj.origin_region_id,
        "destination_region": obj.destination_region_id,
        "went_home_on": obj.went_home_on,
        "returned_on": obj.returned_on or "",
        "returned_to": obj.returned_to_id or "",
        # "home" and "returned" follow from the dates; staying home or a change of job was chosen.
        "status": obj.status if obj.status in chosen else "",
    }
    if "returned_on" in given and "status" not in given:
        stored["status"] = ""  # a return (or its removal) decides the status afresh
    if given.get("returned_on") == "" and "returned_to" not in given:
        stored["returned_to"] = ""  # taking back a return takes back where to
    return {**stored, **given}
