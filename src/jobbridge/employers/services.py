"""Writes for enterprises, visits, hiring needs and postings."""

from django.db import transaction
from django.utils.translation import gettext as _

from jobbridge.core.audit import audit
from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.models import AuditEvent
from jobbridge.people.services import keep_in_scope

from .models import Enterprise, HiringNeed, IndustrialPark, Posting, Visit
from .signals import posting_changed
from .validation import clean_enterprise, clean_posting


@transaction.atomic
def enterprise_register(*, actor, data: dict) -> Enterprise:
    clean, errors = clean_enterprise(data)
    if errors:
        raise ServiceError(errors)
    if Enterprise.objects.filter(uscc=clean["uscc"]).exists():
        raise ServiceError([FieldError("uscc", _("该统一社会信用代码已登记"))])
    park_name = clean.pop("park_name")
    enterprise = Enterprise(**clean)
    if park_name:
        enterprise.park, _c = IndustrialPark.objects.get_or_create(
            name=park_name, defaults={"region_id": clean["region_id"]}
        )
    enterprise.save()
    keep_in_scope(actor=actor, obj=enterprise, field="region")
    audit(actor=actor, action=AuditEvent.Action.CREATE, obj=enterprise)
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, data: dict) -> Enterprise:
    merged = {
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "region": enterprise.region_id,
        "industry": enterprise.industry_id,
        **data,
    }
    clean, errors = clean_enterprise(merged)
    if errors:
        raise ServiceError(errors)
    if clean["uscc"] != enterprise.uscc and Enterprise.objects.filter(uscc=clean["uscc"]).exists():
        raise ServiceError([FieldError("uscc", _("该统一社会信用代码已登记"))])
    park_name = clean.pop("park_name")
    for k, v in clean.items():
        if k in ("name", "uscc", "region_id", "industry_id") or k.removesuffix("_id") in data:
            setattr(enterprise, k, v)
    if park_name:
        enterprise.park, _c = IndustrialPark.objects.get_or_create(
            name=park_name, defaults={"region_id": clean["region_id"]}
        )
    enterprise.save()
    keep_in_scope(actor=actor, obj=enterprise, field="region")
    audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=enterprise, fields=sorted(data))
    return enterprise


@transaction.atomic
def posting_create(*, actor, enterprise: Enterprise, data: dict) -> Posting:
    clean, errors = clean_posting(data)
    if errors:
        raise ServiceError(errors)
    if clean["filled"] >= clean["headcount"] and clean["status"] == Posting.Status.OPEN:
        clean["status"] = Posting.Status.FILLED
    posting = Posting.objects.create(enterprise=enterprise, **clean)
    audit(actor=actor, action=AuditEvent.Action.CREATE, obj=posting)
    posting_changed.send(sender=Posting, posting=posting)  # matching refreshes its candidates after commit
    return posting


# The fields an edit may write. ``filled`` is not among them: it counts hires and only the hire
# path changes it, under the posting's row lock (placements.services._hire).
_EDITABLE = (
    "title",
    "headcount",
    "wage_min",
    "wage_max",
    "valid_from",
    "valid_until",
    "status",
    "description",
    "required_skills",
    "required_certificates",
    "min_education",
    "board",
    "lodging",
    "disability_friendly",
)


@transaction.atomic
def posting_update(*, actor, posting: Posting, data: dict) -> Posting:
    """Change the fields ``data`` names, and only those.

    The row is locked before it is read, so the merge starts from the committed state and a
    concurrent hire is neither undone nor overtaken; ``filled`` is never written here, and the
    status derived from it (招满 / 招聘中) is recomputed from the locked count."""
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    current = {f: getattr(posting, f) for f in (*_EDITABLE, "filled")}
    current.update(
        occupation=posting.occupation_id or "",
        work_region=posting.work_region_id,
        target_groups=",".join(posting.target_groups),
    )
    if "filled" in data and str(data["filled"]).strip() not in ("", "None", str(posting.filled)):
        raise ServiceError(
            [
                FieldError(
                    "filled", _("已招人数由录用记录计算（目前%(f)d人），不能直接修改") % {"f": posting.filled}
                )
            ]
        )
    clean, errors = clean_posting({**current, **{k: v for k, v in data.items() if k != "filled"}})
    if errors:
        raise ServiceError(errors)
    wanted = clean["status"]
    if "status" in data and wanted == Posting.Status.FILLED and posting.filled < clean["headcount"]:
        raise ServiceError([FieldError("status", _("还有空缺，不能标记为已招满；不再招聘请关闭岗位"))])
    if wanted in (Posting.Status.OPEN, Posting.Status.FILLED):
        # Derived from the count: a full posting stays full, raising the headcount reopens it.
        clean["status"] = (
            Posting.Status.FILLED if posting.filled >= clean["headcount"] else Posting.Status.OPEN
        )
    changed = []
    for k, v in clean.items():
        if k == "filled":
            continue
        if getattr(posting, k) != v:
            setattr(posting, k, v)
            changed.append(k)
    if changed:
        posting.save(update_fields=[*changed, "updated_at"])
    audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=posting, fields=sorted(data))
    posting_changed.send(sender=Posting, posting=posting)
    return posting


@transaction.atomic
def posting_close(*, actor, posting: Posting) -> Posting:
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    posting.status = Posting.Status.CLOSED
    posting.save(update_fields=["status", "updated_at"])
    audit(actor=actor, action=AuditEvent.Action.UPDATE, obj=posting, status="closed")
    posting_changed.send(sender=Posting, posting=posting)
    return posting


@transaction.atomic
def visit_record(
    *, actor, enterprise: Enterprise, visited_on, notes: str = "", needs: list[dict] | None = None
) -> Visit:
    """A commissioner's visit with the hiring needs it found (open now or expected later)."""
    visit = Visit.objects.create(enterprise=enterprise, visited_by=actor, visited_on=visited_on, notes=notes)
    for i, need in enumerate(needs or [], start=1):
        if not need.get("title") or int(need.get("headcount") or 0) < 1:
            raise ServiceError([FieldError(f"needs[{i}]", _("岗位名称和需求人数（至少1人）必填"))])
        HiringNeed.objects.create(
            enterprise=enterprise,
            visit=visit,
            title=need["title"][:64],
            occupation_id=need.get("occupation") or None,
            headcount=int(need["headcount"]),
            needed_by=need.get("needed_by"),
            notes=need.get("notes", ""),
        )
    audit(actor=actor, action=AuditEvent.Action.CREATE, obj=visit, needs=len(needs or []))
    return visit
