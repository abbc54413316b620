"""Bulk import of went-home and returned records from .xlsx, .xls or .csv.

Reading and the batch loop are the shared import machinery's (``core.importing``: format
sniffing, CSV encodings, merged cells, Excel's numbers and date serials, locked batches), with
the columns below; the rules are ``clean_homecoming``'s, as on the page and the API. Rows name their person by ID number; a person not yet registered is registered from
the row (name, hukou = the home region) through ``people.services.seeker_register``, as roster
imports do. The natural key is (season, person): a second import of the same file finds every
record unchanged, a later file with return dates fills them in. Empty cells keep stored values.
"""

from collections import Counter
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core import pii
from jobbridge.core.audit import audit
from jobbridge.core.errors import ServiceError
from jobbridge.core.identity import parse_resident_id
from jobbridge.core.importing.columns import Column
from jobbridge.core.importing.engine import Outcome, Progress, RowImporter, import_file
from jobbridge.core.importing.readers import RawRow, Roster, open_roster
from jobbridge.core.importing.workbooks import write_columns_template
from jobbridge.core.models import AuditEvent
from jobbridge.employers.models import Enterprise
from jobbridge.people.models import Seeker
from jobbridge.people.services import seeker_register

from . import rollups
from .models import Homecoming, Season
from .rollups import key_of
from .services import in_region, merge_raw
from .validation import clean_homecoming

COLUMNS = (
    Column(
        "id_number",
        "身份证号",
        True,
        fmt="18位居民身份证号；请设为文本格式",
        example="632123199001010012",
        aliases=("身份证号码", "公民身份号码"),
    ),
    Column("name", "姓名", fmt="未登记的人员必填（据此登记）", example="张三"),
    Column("phone", "手机号", fmt="11位手机号，登记新人员时使用", example="13800138000"),
    Column(
        "origin_region",
        "返乡地",
        fmt="区划代码或名称；空则为户籍地；未登记的人员必填",
        example="乐都区碾伯镇",
        aliases=("户籍地", "家乡", "输出地"),
    ),
    Column("grid", "网格编号", fmt="登记新人员时使用", example="G00001", aliases=("网格",)),
    Column(
        "destination_region",
        "节前务工地",
        True,
        fmt="区划代码或名称",
        example="东莞市",
        aliases=("务工地", "输入地"),
    ),
    Column(
        "employer_uscc",
        "用工单位信用代码",
        fmt="已登记单位的18位统一社会信用代码",
        example="91441900MA4XXXXXXX",
        aliases=("统一社会信用代码",),
    ),
    Column("went_home_on", "返乡日期", True, kind="date", fmt="节前返乡统计期内的日期", example="2026-02-05"),
    Column(
        "returned_on",
        "返岗日期",
        kind="date",
        fmt="节后返岗统计期内，不早于返乡日期；未返岗留空",
        example="2026-02-25",
    ),
    Column("returned_to", "返岗地", fmt="区划代码或名称；空则为节前务工地", example="东莞市"),
    Column(
        "status",
        "状态",
        fmt="在家未返岗、已返岗、已返岗（换工作地）、留乡不再外出；空则按日期判断",
        example="已返岗",
    ),
)
_LABELS = {c.key: c.header for c in COLUMNS}


def read_sheet(path: str | Path) -> Roster:
    """The file read by the roster reader, with the returns columns. A row's error names its column
    as the file writes it, or as the template does for a column the file lacks."""
    roster = open_roster(path, COLUMNS, kind="returns")
    roster.labels = {**_LABELS, **roster.labels}
    return roster


def write_template(target) -> None:
    """The import template (a path or a binary file): headers, a notes sheet."""
    write_columns_template(target, COLUMNS, _("返乡返岗"))


class HomecomingImporter(RowImporter):
    kind = "returns"
    columns = COLUMNS
    lock_id = 7_301_201
    batch_size = 500

    def __init__(self, *, season: Season, actor=None, expected_rows: int = 0):
        super().__init__(actor=actor)
        self.season = season
        self.first_row: dict[str, int] = {}
        self.visible = Seeker.objects.visible_to(self.actor) if self.actor is not None else None

    def labels(self, roster: Roster) -> dict[str, str]:
        return {**_LABELS, **roster.labels}  # a column the file lacks is named as the template does

    def process(self, batch: list[RawRow], prepared, out: Outcome, labels: dict[str, str]) -> None:
        keyed = []
        for row in batch:
            problems = list(row.errors)
            id_hash = ""
            try:
                number = parse_resident_id(row.values.get("id_number")).number
                id_hash = pii.keyed_hash(number)
                first = self.first_row.setdefault(id_hash, row.number)
                if first != row.number:
                    problems.append(
                        (
                            "id_number",
                            _("与第%(n)d行是同一人，同一季每人一条记录，以第%(n)d行为准") % {"n": first},
                        )
                    )
            except ValueError as e:
                problems.append(("id_number", str(e)))
            if problems:
                out.reject(row, problems, labels)
            else:
                keyed.append((row, id_hash))
        if not keyed:
            return
        with self.locked():  # two imports of the same file at once: the second finds the first's rows
            self._write(keyed, out, labels)

    def _seekers(self, hashes: list[str]) -> dict[str, Seeker]:
        found = {}
        for s in Seeker.objects.filter(id_hash__in=hashes).select_related("merged_into"):
            found[s.id_hash] = s.merged_into or s  # a merged record's ID number leads to the person kept
        return found

    def _write(self, keyed, out: Outcome, labels) -> None:
        seekers = self._seekers([h for _r, h in keyed])
        existing = {
            h.seeker_id: h
            for h in Homecoming.objects.filter(
                season=self.season, seeker_id__in=[s.pk for s in seekers.values()]
            )
        }
        usccs = {str(r.values.get("employer_uscc") or "").strip().upper() for r, _h in keyed} - {""}
        employers = dict(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", "id"))
        visible = set()
        if self.visible is not None:
            visible = set(
                self.visible.filter(pk__in=[s.pk for s in seekers.values()]).values_list("pk", flat=True)
            )
        creates: list[Homecoming] = []
        updates: dict[int, Homecoming] = {}
        before: dict[int, tuple] = {}  # a stored record's counting key before this batch changed it
        for row, id_hash in keyed:
            seeker = seekers.get(id_hash)
            given = {k: v for k, v in row.values.items() if v not in ("", None)}
            current = existing.get(seeker.pk) if seeker else None
            raw = merge_raw(current, given) if current else given
            clean, errors = clean_homecoming(
                raw, season=self.season, origin_default=seeker.hukou_region_id if seeker else None
            )
            problems = [(e.field, e.message) for e in errors]
            employer_id = None
            if clean and clean.employer_uscc:
                employer_id = employers.get(clean.employer_uscc)
                if employer_id is None:
                    problems.append(
                        ("employer_uscc", _("信用代码%(u)s的单位尚未登记") % {"u": clean.employer_uscc})
                    )
            if clean and seeker and not self._may(seeker, clean.destination_region_id, visible):
                problems.append(("id_number", _("此人不在您的管辖范围内")))
            if seeker is None and not problems:
                # Registered only once the row is known good: a refused row leaves nobody behind.
                seeker = self._new_person(row, out, labels)
                if seeker is None:
                    continue
                seekers[id_hash] = seeker
            if problems or clean is None or seeker is None:
                out.reject(row, problems, labels)
                continue
            values = clean.values()
            if employer_id:
                values["employer_id"] = employer_id
            if current is None:
                creates.append(
                    Homecoming(season=self.season, seeker=seeker, recorded_by=self.actor, **values)
                )
                existing[seeker.pk] = creates[-1]
                out.created += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                if current.pk and current.pk not in before:
                    before[current.pk] = key_of(current, self.season)
                for k, v in values.items():
                    setattr(current, k, v)
                current.recorded_by = self.actor or current.recorded_by
                current.updated_at = timezone.now()
                if current.pk:
                    updates[current.pk] = current
                out.updated += 1
            else:
                out.unchanged += 1
        Homecoming.objects.bulk_create(creates, batch_size=500)
        deltas: Counter = Counter(key_of(h, self.season) for h in creates)
        for h in updates.values():
            deltas[before[h.pk]] -= 1
            deltas[key_of(h, self.season)] += 1
        rollups.apply(deltas)
        fields = [
            "origin_region_id",
            "destination_region_id",
            "went_home_on",
            "returned_on",
            "returned_to_id",
            "status",
            "move_class",
            "employer_id",
            "recorded_by_id",
            "updated_at",
        ]
        Homecoming.objects.bulk_update(list(updates.values()), fields, batch_size=500)

    def _may(self, seeker: Seeker, destination: str, visible: set) -> bool:
        if self.actor is None or seeker.pk in visible:
            return True
        region = getattr(self.actor, "region_id", None)
        return bool(self.actor.role == "bureau" and region and in_region(destination, region))

    def _new_person(self, row: RawRow, out: Outcome, labels) -> Seeker | None:
        values = row.values
        data = {
            "name": values.get("name"),
            "id_number": values.get("id_number"),
            "hukou_region": values.get("origin_region"),
            "phone": values.get("phone"),
            "grid": values.get("grid"),
        }
        problems = []
        if not values.get("name"):
            problems.append(("name", _("此人尚未登记，须填写姓名以便登记")))
        if not values.get("origin_region"):
            problems.append(("origin_region", _("此人尚未登记，须填写返乡地（户籍地）以便登记")))
        if problems:
            out.reject(row, problems, labels)
            return None
        try:
            with transaction.atomic():
                return seeker_register(actor=self.actor, data=data, source=Seeker.Source.IMPORT)
        except ServiceError as e:
            rename = {"hukou_region": "origin_region"}
            out.reject(row, [(rename.get(err.field, err.field), err.message) for err in e.errors], labels)
            return None


def import_homecomings(*, path, season: Season, actor=None, progress: Progress | None = None) -> Outcome:
    """Import one file of homecomings into ``season``; one audit event for the whole file."""
    out = import_file(HomecomingImporter, path, progress=progress, season=season, actor=actor)
    if out.file_error:
        return out
    audit(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditEvent.Action.IMPORT,
        kind="returns",
        season=season.code,
        file=Path(path).name,
        **{k: getattr(out, k) for k in ("rows", "created", "updated", "unchanged", "rejected")},
    )
    return out
