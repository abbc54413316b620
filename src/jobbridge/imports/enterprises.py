"""Import of enterprises, keyed by Unified Social Credit Code, through the employers services.

Enterprise rosters are small (hundreds of rows), so each row goes through
``enterprise_register`` / ``enterprise_update`` and gets their rules and audit trail as is; the
importer only decides which one applies and whether anything would change at all.
"""

from django.utils.translation import gettext as _

from jobbridge.core.errors import ServiceError
from jobbridge.employers.models import Enterprise
from jobbridge.employers.services import enterprise_register, enterprise_update
from jobbridge.employers.validation import clean_enterprise

from .engine import Outcome, RowImporter, kind_lock
from .models import ImportKind
from .readers import RawRow


def present(values: dict) -> dict:
    """The cells a row fills in; an update leaves the other fields as they are."""
    return {k: v for k, v in values.items() if v not in (None, "")}


def enterprise_changes(enterprise: Enterprise, data: dict) -> bool:
    """Whether ``enterprise_update(data=data)`` would change anything (same merge and field rule)."""
    merged = {
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "region": enterprise.region_id,
        "industry": enterprise.industry_id,
        **data,
    }
    clean, errors = clean_enterprise(merged)
    if errors:
        return True  # let the service refuse it with its own message
    park_name = clean.pop("park_name")
    for k, v in clean.items():
        if (k in ("name", "uscc", "region_id", "industry_id") or k.removesuffix("_id") in data) and getattr(
            enterprise, k
        ) != v:
            return True
    return bool(park_name) and (enterprise.park is None or enterprise.park.name != park_name)


class EnterpriseImporter(RowImporter):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first_row: dict[str, int] = {}

    def process(self, batch: list[RawRow], prepared, out: Outcome, labels: dict[str, str]) -> None:
        good = []
        for row in batch:
            problems = list(row.errors)
            clean, errors = clean_enterprise(row.values)
            problems += [(e.field, e.message) for e in errors]
            if clean:
                first = self.first_row.setdefault(clean["uscc"], row.number)
                if first != row.number:
                    problems.append(
                        ("uscc", _("与第%(n)d行是同一单位（信用代码相同），以第%(n)d行为准") % {"n": first})
                    )
            if problems:
                out.reject(row, problems, labels)
            else:
                good.append((row, clean["uscc"]))
        if not good:
            return
        if self.dry_run:
            self._write(good, out, labels)
        else:
            with kind_lock(ImportKind.ENTERPRISES):
                self._write(good, out, labels)

    def _write(self, good, out: Outcome, labels) -> None:
        existing = {
            e.uscc: e
            for e in Enterprise.objects.select_related("park").filter(uscc__in=[u for _r, u in good])
        }
        allowed = set(existing)
        if existing and self.actor is not None:
            allowed = set(
                Enterprise.objects.visible_to(self.actor)
                .filter(uscc__in=list(existing))
                .values_list("uscc", flat=True)
            )
        for row, uscc in good:
            data = present(row.values)
            enterprise = existing.get(uscc)
            try:
                if enterprise is None:
                    if not self.dry_run:
                        enterprise_register(actor=self.actor, data=data)
                    out.created += 1
                elif uscc not in allowed:
                    out.reject(row, [("uscc", _("该单位不在您的管辖范围内，无权修改"))], labels)
                elif not enterprise_changes(enterprise, data):
                    out.unchanged += 1
                else:
                    if not self.dry_run:
                        enterprise_update(actor=self.actor, enterprise=enterprise, data=data)
                    out.updated += 1
            except ServiceError as e:
                out.reject(row, [(err.field, err.message) for err in e.errors], labels)
