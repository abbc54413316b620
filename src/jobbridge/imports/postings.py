"""Import of postings through the employers services.

Natural key: (enterprise USCC, title, work region). Re-importing a roster updates the posting
with the same enterprise, title and work region; a different title or place is a new posting.
When several postings already share the key (entered by hand), the newest one is updated.
"""

from django.utils.translation import gettext as _

from jobbridge.core.errors import ServiceError
from jobbridge.core.identity import normalize_uscc
from jobbridge.employers.models import Enterprise, Posting
from jobbridge.employers.services import posting_create, posting_update
from jobbridge.employers.validation import clean_posting

from .engine import Outcome, RowImporter, kind_lock
from .enterprises import present
from .models import ImportKind
from .readers import RawRow

_COMPARED = (
    "title",
    "headcount",
    "filled",
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


def _as_raw(posting: Posting) -> dict:
    """A posting's current values in the raw form ``posting_update`` merges the new cells into."""
    current = {f: getattr(posting, f) for f in _COMPARED}
    current.update(
        occupation=posting.occupation_id or "",
        work_region=posting.work_region_id,
        target_groups=",".join(posting.target_groups),
    )
    return current


def posting_changes(posting: Posting, data: dict) -> bool:
    clean, errors = clean_posting({**_as_raw(posting), **data})
    if errors:
        return True  # the service will refuse it with its own message
    return any(getattr(posting, k) != v for k, v in clean.items())


class PostingImporter(RowImporter):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first_row: dict[tuple, int] = {}

    def process(self, batch: list[RawRow], prepared, out: Outcome, labels: dict[str, str]) -> None:
        good = []
        for row in batch:
            problems = list(row.errors)
            uscc = None
            try:
                uscc = normalize_uscc(row.values.get("enterprise_uscc"))
            except ValueError as e:
                problems.append(("enterprise_uscc", str(e)))
            clean, errors = clean_posting(row.values)
            problems += [(e.field, e.message) for e in errors]
            if clean and uscc:
                key = (uscc, clean["title"], clean["work_region_id"])
                first = self.first_row.setdefault(key, row.number)
                if first != row.number:
                    problems.append(
                        (
                            "title",
                            _("与第%(n)d行是同一岗位（单位、岗位名称、工作地相同），以第%(n)d行为准")
                            % {"n": first},
                        )
                    )
            if problems:
                out.reject(row, problems, labels)
            else:
                good.append((row, uscc, clean))
        if not good:
            return
        if self.dry_run:
            self._write(good, out, labels)
        else:
            with kind_lock(ImportKind.POSTINGS):
                self._write(good, out, labels)

    def _write(self, good, out: Outcome, labels) -> None:
        usccs = {u for _r, u, _c in good}
        scope = (
            Enterprise.objects.visible_to(self.actor) if self.actor is not None else Enterprise.objects.all()
        )
        enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
        allowed = set(scope.filter(uscc__in=usccs).values_list("uscc", flat=True))
        existing: dict[tuple, Posting] = {}
        for p in (
            Posting.objects.filter(enterprise__uscc__in=usccs).select_related("enterprise").order_by("id")
        ):
            existing[(p.enterprise.uscc, p.title, p.work_region_id)] = p  # the newest wins
        for row, uscc, clean in good:
            enterprise = enterprises.get(uscc)
            if enterprise is None:
                out.reject(
                    row,
                    [("enterprise_uscc", _("信用代码%(u)s的单位尚未登记，请先导入用人单位") % {"u": uscc})],
                    labels,
                )
                continue
            if uscc not in allowed:
                out.reject(row, [("enterprise_uscc", _("该单位不在您的管辖范围内，无权修改"))], labels)
                continue
            data = {k: v for k, v in present(row.values).items() if k != "enterprise_uscc"}
            posting = existing.get((uscc, clean["title"], clean["work_region_id"]))
            try:
                if posting is None:
                    if not self.dry_run:
                        posting_create(actor=self.actor, enterprise=enterprise, data=data)
                    out.created += 1
                elif not posting_changes(posting, data):
                    out.unchanged += 1
                else:
                    if not self.dry_run:
                        posting_update(actor=self.actor, posting=posting, data=data)
                    out.updated += 1
            except ServiceError as e:
                out.reject(row, [(err.field, err.message) for err in e.errors], labels)
