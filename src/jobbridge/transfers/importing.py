"""Bulk import of labor transfers (ledger rows the platform did not broker).

Same rules as ``transfers.services.transfer_enter`` (the manual-entry page and the API): the
shared ``clean_transfer`` for the transfer's own fields, the person named by ID number, an
unknown person registered from the row (name, ID number, hukou; the seeker import's insert
path and columns), the origin from hukou or residence as the row says, the class from
``classify_move``. A batch costs a handful of queries:

* re-importing the same file finds every row by its natural key (person + date + destination +
  employer) and reports it unchanged, so the ledger and the rollups stay as they were;
* the same transfer twice in one file is rejected on its second row, naming the first;
* a row whose origin lies outside the importing clerk's region is rejected (they could not see it);
* ledger rows and rollups are written in the same transaction, under the import lock.
"""

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core import pii
from jobbridge.core import regions as core_regions
from jobbridge.core.access import Jurisdiction, is_staff
from jobbridge.core.fastsql import insert_rows
from jobbridge.core.identity import ResidentId, clean_text, parse_resident_id
from jobbridge.core.importing.columns import Column
from jobbridge.core.importing.engine import Outcome, RowImporter
from jobbridge.core.importing.readers import RawRow
from jobbridge.employers.models import Enterprise
from jobbridge.people.importing import SEEKER_INSERT
from jobbridge.people.models import EmploymentStatus, PriorityDiagnosis, Seeker
from jobbridge.people.services import diagnosis_regions_sync

from . import services as transfer_services
from .models import OriginBasis, Source, Transfer
from .selectors import may_view
from .validation import clean_transfer

TRANSFER_COLUMNS = (
    Column("name", "姓名", fmt="此人尚未登记时必填", example="张三"),
    Column(
        "id_number",
        "身份证号",
        True,
        fmt="18位居民身份证号；请设为文本格式",
        example="632123199001010012",
        aliases=("身份证号码", "公民身份号码"),
    ),
    Column(
        "hukou_region",
        "户籍地",
        fmt="此人尚未登记时必填；区划代码或名称",
        example="乐都区",
        aliases=("户籍所在地",),
    ),
    Column("residence_region", "现居住地", fmt="区划代码或名称（登记新人时使用）", example="630202001"),
    Column("origin_basis", "输出地依据", fmt="户籍地或现居住地；空为户籍地", example="户籍地"),
    Column(
        "destination",
        "输入地",
        True,
        fmt="区划代码或名称（工作所在地）",
        example="无锡市锡山区",
        aliases=("转移去向", "务工地", "就业地"),
    ),
    Column(
        "employer",
        "用人单位",
        True,
        fmt="单位名称，不超过128字",
        example="无锡某电子有限公司",
        aliases=("就业单位", "工作单位"),
    ),
    Column(
        "employer_uscc",
        "单位信用代码",
        fmt="已登记单位的18位统一社会信用代码（可选）",
        example="91320205MA1XXXXXXX",
    ),
    Column("industry", "行业", fmt="GB/T 4754-2017门类字母、两位大类代码或名称", example="C"),
    Column(
        "transferred_on",
        "转移日期",
        True,
        kind="date",
        fmt="日期，不晚于今天",
        example="2023-01-10",
        aliases=("转移时间", "外出日期"),
    ),
    Column("channel", "转移渠道", fmt="有组织输出、招聘会、自主就业、其他；空为其他", example="有组织输出"),
)


class TransferImporter(RowImporter):
    kind = "transfers"
    columns = TRANSFER_COLUMNS
    lock_id = 7_301_004
    batch_size = 2000

    def __init__(self, *, actor=None, dry_run: bool = False, expected_rows: int = 0):
        super().__init__(actor=actor, dry_run=dry_run)
        self.first_row: dict[str, int] = {}  # natural key (by id hash) -> first row naming it
        self.today = timezone.localdate()
        self.staff_scope = is_staff(self.actor) and not Jurisdiction.of(self.actor).everywhere
        self.scope_cache: dict[str, bool] = {}
        self.hash_cache: dict[str, str] = {}
        self.classes: dict[tuple[str, str], str] = {}

    def _id_hash(self, value):
        """(parsed ID, keyed hash); raises ValueError with the clerk's message."""
        rid = parse_resident_id(value)
        if rid.number not in self.hash_cache:
            self.hash_cache[rid.number] = pii.keyed_hash(rid.number)
        return rid, self.hash_cache[rid.number]

    def _in_scope(self, origin: str) -> bool:
        if not self.staff_scope:
            return True
        if origin not in self.scope_cache:
            self.scope_cache[origin] = may_view(self.actor, origin)
        return self.scope_cache[origin]

    def process(self, batch: list[RawRow], prepared, out: Outcome, labels: dict[str, str]) -> None:
        checked = []
        for row in batch:
            problems = list(row.errors)
            clean, errors = clean_transfer(row.values, today=self.today)
            problems += [(e.field, e.message) for e in errors]
            try:
                number, id_hash = self._id_hash(row.values.get("id_number"))
            except ValueError as e:
                problems.append(("id_number", str(e)))
                number = id_hash = ""
            if problems:
                out.reject(row, problems, labels)
            else:
                checked.append((row, clean, number, id_hash))
        if not checked:
            return
        if self.dry_run:
            self._write(checked, out, labels)
        else:
            with self.locked():
                self._write(checked, out, labels)

    def _write(self, checked, out: Outcome, labels) -> None:
        seekers = _people({c[3] for c in checked})
        new_people = self._register(checked, seekers, out, labels)
        checked = [c for c in checked if c[3] in seekers or c[3] in new_people]
        for id_hash, info in new_people.items():
            seekers.setdefault(id_hash, info)
        enterprises = dict(
            Enterprise.objects.filter(
                uscc__in={c[1].employer_uscc for c in checked if c[1].employer_uscc}
            ).values_list("uscc", "pk")
        )
        rows = []
        for row, clean, _number, id_hash in checked:
            seeker_id, hukou, residence = seekers[id_hash]
            origin = residence if clean.origin_basis == OriginBasis.RESIDENCE else hukou
            problems = []
            if not origin:
                problems.append(("origin_basis", _("此人未登记现居住地，请选择户籍地")))
            elif not self._in_scope(origin):
                problems.append(("hukou_region", _("输出地%(c)s不在您的管辖范围内") % {"c": origin}))
            if clean.employer_uscc and clean.employer_uscc not in enterprises:
                problems.append(
                    ("employer_uscc", _("信用代码%(u)s的单位未登记") % {"u": clean.employer_uscc})
                )
            key = transfer_services.natural_key(
                seeker_id=seeker_id or id_hash,
                day=clean.transferred_on,
                destination=clean.destination,
                employer=clean.employer_name,
            )
            first = self.first_row.setdefault(f"{id_hash}|{key}", row.number)
            if first != row.number:
                problems.append(
                    (
                        "id_number",
                        _("与第%(n)d行是同一次转移（同一人、日期、输入地、单位），以第%(n)d行为准")
                        % {"n": first},
                    )
                )
            if problems:
                out.reject(row, problems, labels)
                continue
            rows.append((row, clean, seeker_id, origin, key))
        existing = {k for (k,) in _select("natural_key", Transfer, "natural_key", [r[4] for r in rows])}
        fresh = [r for r in rows if r[4] not in existing]
        out.unchanged += len(rows) - len(fresh)
        out.created += len(fresh)
        if self.dry_run or not fresh:
            return
        priority = self._priority({r[2] for r in fresh})
        actor_id = self.actor.pk if self.actor else None
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows_out = []
        for _row, clean, seeker_id, origin, key in fresh:
            day = clean.transferred_on
            rows_out.append(
                (
                    seeker_id,
                    clean.origin_basis,
                    origin,
                    clean.destination,
                    enterprises.get(clean.employer_uscc) if clean.employer_uscc else None,
                    clean.employer_name[:128],
                    clean.industry,
                    day,
                    clean.channel,
                    self._classify(origin, clean.destination),
                    Source.IMPORT,
                    any(a <= day and (b is None or day <= b) for a, b in priority.get(seeker_id, ())),
                    None,
                    key,
                    actor_id,
                    now,
                )
            )
        transfer_services.record_many(rows_out)

    def _classify(self, origin: str, destination: str) -> str:
        key = (origin, destination)
        if key not in self.classes:
            self.classes[key] = core_regions.classify_move(origin, destination)
        return self.classes[key]

    def _priority(self, seeker_ids) -> dict[int, list]:
        out: dict[int, list] = {}
        for sid, a, b in PriorityDiagnosis.objects.filter(seeker_id__in=list(seeker_ids)).values_list(
            "seeker_id", "valid_from", "valid_until"
        ):
            out.setdefault(sid, []).append((a, b))
        return out

    def _register(self, checked, seekers: dict, out: Outcome, labels) -> dict:
        """Register the people the ledger rows name but the register does not hold yet.

        Returns id_hash -> (seeker id, hukou, residence); rows naming a person who cannot be
        registered (no name or hukou in the row) are rejected here."""
        wanted: dict[str, _NewPerson | list[tuple[str, str]]] = {}  # or the problems refusing them
        for row, _clean, rid, id_hash in checked:
            if id_hash in seekers:
                continue
            if id_hash not in wanted:
                wanted[id_hash] = _new_person(row.values, rid, id_hash)
            found = wanted[id_hash]
            if isinstance(found, list):
                out.reject(row, found, labels)
        people = {h: p for h, p in wanted.items() if isinstance(p, _NewPerson)}
        if not people:
            return {}
        if self.dry_run:
            return {h: (None, p.hukou_region_id, p.residence_region_id) for h, p in people.items()}
        now_db = connection.ops.adapt_datetimefield_value(timezone.now())
        actor_id = self.actor.pk if self.actor else None
        insert_rows(
            Seeker,
            SEEKER_INSERT,
            [
                (
                    p.name,
                    pii.mask_id_number(p.rid.number),
                    p.rid.gender,
                    p.rid.birth_date,
                    "",
                    p.hukou_region_id,
                    p.residence_region_id,
                    "",
                    "",
                    "",
                    False,
                    None,
                    None,
                    EmploymentStatus.EMPLOYED,
                    None,
                    None,
                    pii.encrypt(p.rid.number),
                    p.id_hash,
                    None,
                    "",
                    Seeker.Source.IMPORT,
                    actor_id,
                    None,
                    None,
                    None,
                    now_db,
                    now_db,
                )
                for p in people.values()
            ],
        )
        registered = _people(people)
        diagnosis_regions_sync(seeker_ids=[v[0] for v in registered.values()])
        return registered


@dataclass
class _NewPerson:
    name: str
    rid: ResidentId
    id_hash: str
    hukou_region_id: str
    residence_region_id: str


def _new_person(values: dict, rid: ResidentId, id_hash: str) -> "_NewPerson | list[tuple[str, str]]":
    """A person to register from a transfer row: ``clean_seeker``'s rules for the few fields a
    ledger row carries (the ID number is already parsed). Returns a _NewPerson or the problems."""
    problems = []
    name = clean_text(values.get("name"))
    if not name:
        problems.append(("name", _("此人尚未登记，须填写姓名以便登记")))
    elif len(name) > 64:
        problems.append(("name", _("姓名过长")))
    hukou: str | None = None
    residence: str | None = None
    if not clean_text(values.get("hukou_region")):
        problems.append(("hukou_region", _("此人尚未登记，须填写户籍地以便登记")))
    else:
        try:
            hukou = core_regions.resolve(values.get("hukou_region"))
        except ValueError as e:
            problems.append(("hukou_region", str(e)))
    if clean_text(values.get("residence_region")):
        try:
            residence = core_regions.resolve(values.get("residence_region"))
        except ValueError as e:
            problems.append(("residence_region", str(e)))
    if problems or hukou is None:
        return problems
    return _NewPerson(name, rid, id_hash, hukou, residence or hukou)


def _select(columns: str, model, key: str, values) -> list[tuple]:
    """SELECT columns FROM model's table WHERE key IN values: a plain query, because the ORM's
    per-value preparation of a 2,000-item IN list costs more than the query itself."""
    values = list(values)
    if not values:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {table} WHERE {key} IN ({', '.join(['%s'] * len(values))})", values
        )
        return cursor.fetchall()


def _people(hashes) -> dict[str, tuple]:
    """id_hash -> (seeker id, hukou, residence) of the registered people among ``hashes``."""
    rows = _select("id, id_hash, hukou_region_id, residence_region_id", Seeker, "id_hash", hashes)
    return {h: (pk, hukou, residence) for pk, h, hukou, residence in rows}
