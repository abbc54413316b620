"""Bulk import of job seekers: the batch equivalent of ``people.services.seeker_register``.

Its columns (``SEEKER_COLUMNS``) and its importer (``SeekerImporter``) live here, with the
records they write; the upload desk (``imports``) runs it for the "seekers" kind. Rows are
written with bulk inserts (``core.fastsql``) rather than through the service, a second write path
held equal to the service by tests: see docs/decisions/0005-bulk-seeker-import.md.

Same rules as the single-record service (same cleaner, same fields, an update touches only the
columns the row fills in, diagnoses carry their evidence and the confirming staff member,
certificates by name, households found or created by code), but a batch of rows costs a
handful of queries instead of dozens per row. Differences, on purpose:

* grids follow the service's rule (the code exists, the grid lies where the person lives and
  within the importer's scope: a commissioner's own grids), checked in the same order; a row
  that breaks it is rejected and the rest of the file goes on;
* a priority group already diagnosed and still current is not diagnosed again, so re-importing
  the same file on another day changes nothing;
* one AuditEvent per import (written by the job service) instead of one per person.
"""

import datetime as dt
from typing import cast

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core import pii
from jobbridge.core.access import Jurisdiction, is_staff
from jobbridge.core.fastsql import insert_rows
from jobbridge.core.identity import parse_resident_id
from jobbridge.core.importing.columns import Column
from jobbridge.core.importing.engine import Outcome, RowImporter
from jobbridge.core.importing.parallel import RowCleaner
from jobbridge.core.importing.readers import RawRow
from jobbridge.core.models import Grid, Role

from .models import Certificate, Household, PriorityDiagnosis, Seeker
from .services import _in_each_other as in_each_other
from .services import diagnosis_regions_sync
from .validation import CleanSeeker, clean_seeker

SEEKER_COLUMNS = (
    Column("name", "姓名", True, fmt="不超过64字", example="张三"),
    Column(
        "id_number",
        "身份证号",
        True,
        fmt="18位居民身份证号，末位可为X；请设为文本格式",
        example="632123199001010012",
        aliases=("身份证号码", "公民身份号码"),
    ),
    Column(
        "phone",
        "手机号",
        fmt="11位中国大陆手机号，可带+86",
        example="13800138000",
        aliases=("手机号码", "联系电话"),
    ),
    Column(
        "hukou_region",
        "户籍地",
        True,
        fmt="区划代码或名称（乐都、青海省海东市乐都区）",
        example="乐都区",
        aliases=("户籍所在地",),
    ),
    Column("residence_region", "现居住地", fmt="区划代码或名称；空则同户籍地", example="630202001"),
    Column(
        "education", "学历", fmt="未上学、小学、初中、高中、中专/技校、大专、本科、研究生", example="高中"
    ),
    Column("major", "所学专业", fmt="不超过64字", example="机电一体化"),
    Column("skills", "技能", fmt="自由文本", example="电焊、叉车"),
    Column(
        "desired_occupations",
        "意向职业",
        fmt="职业分类代码或名称，多个用顿号或逗号分隔",
        example="6-25-04-08",
    ),
    Column(
        "desired_regions",
        "意向工作地",
        fmt="区划代码或名称，多个用顿号分隔；“不限”表示工作地不限",
        example="无锡市、苏州市",
    ),
    Column("accepts_anywhere", "工作地不限", fmt="是/否", example="否"),
    Column(
        "expected_wage",
        "期望月薪",
        kind="number",
        fmt="整数，元/月",
        example="5000",
        aliases=("期望月薪（元）",),
    ),
    Column(
        "available_from",
        "可到岗日期",
        kind="date",
        fmt="2023-02-03、2023年2月3日、2023.2.3或日期单元格",
        example="2024-03-01",
    ),
    Column(
        "employment_status",
        "就业状态",
        fmt="未就业、已就业、灵活就业、在校学生、非劳动力；空为未就业",
        example="未就业",
    ),
    Column(
        "grid",
        "网格编号",
        fmt="已建网格的编号；专员只能填自己负责的网格",
        example="G00001",
        aliases=("网格",),
    ),
    Column(
        "household",
        "户编号",
        fmt="本地家庭户编号，不存在则新建",
        example="6302020010001",
        aliases=("家庭户",),
    ),
    Column("certificates", "证书", fmt="证书名称，多个用顿号分隔", example="电工证、叉车证"),
    Column(
        "priority",
        "就业困难类别",
        fmt="残疾人、零就业家庭成员、登记失业人员、脱贫攻坚建档立卡户、脱贫人口",
        example="残疾人",
    ),
    Column(
        "priority_evidence",
        "证明材料",
        fmt="填写就业困难类别时必填，如残疾证号",
        example="63212319900101001242",
    ),
)


# Fields compared to tell "updated" from "unchanged", and written by bulk_update.
TRACKED = [
    "name",
    "id_masked",
    "gender",
    "birth_date",
    "phone_hash",
    "hukou_region_id",
    "residence_region_id",
    "education",
    "major",
    "skills_text",
    "accepts_anywhere",
    "expected_wage",
    "available_from",
    "employment_status",
    "grid_id",
    "household_id",
]
# Every column of a new seeker row (the importer sets each of them).
SEEKER_INSERT = [
    *TRACKED,
    "id_cipher",
    "id_hash",
    "phone_cipher",
    "phone_masked",
    "source",
    "created_by_id",
    "user_id",
    "merged_into_id",
    "employment_status_since",  # set by hires (people.services.employment_record), never by a roster
    "created_at",
    "updated_at",
]
# An update writes only what the row filled in: model attribute -> the raw column that carries it.
_OPTIONAL = {
    "residence_region_id": "residence_region",
    "education": "education",
    "major": "major",
    "skills_text": "skills",
    "accepts_anywhere": "accepts_anywhere",
    "expected_wage": "expected_wage",
    "available_from": "available_from",
    "employment_status": "employment_status",
}


def clean_rows(rows: list[dict]) -> list[tuple]:
    """(clean, [(field, message)], id_cipher, phone_cipher) per raw row: the CPU-bound part of a
    batch, run in worker processes for large rosters (see ``core.importing.parallel``)."""
    out: list[tuple] = []
    for values in rows:
        clean, errors = clean_seeker(values)
        if clean is None:
            out.append((None, [(e.field, e.message) for e in errors], None, None))
        else:
            out.append(
                (clean, [], pii.encrypt(clean.id_number), pii.encrypt(clean.phone) if clean.phone else None)
            )
    return out


def _warm_caches() -> None:
    """Fill the region and occupation caches the forked workers inherit."""
    clean_seeker({"hukou_region": "110000", "desired_occupations": "-"})


class SeekerImporter(RowImporter):
    kind = "seekers"
    columns = SEEKER_COLUMNS
    lock_id = 7_301_001
    batch_size = 1000

    def __init__(self, *, actor=None, dry_run: bool = False, expected_rows: int = 0):
        super().__init__(actor=actor, dry_run=dry_run)
        self.first_row: dict[str, int] = {}  # id_hash -> the row that first named this person
        self.ciphers: dict[
            str, tuple
        ] = {}  # id_hash -> (id, phone) ciphertexts made by the cleaner, per batch
        # code -> (id, township): a grid must lie where the person lives and within the writer's scope
        self.grids = {
            code: (pk, town) for code, pk, town in Grid.objects.values_list("code", "id", "township_id")
        }
        self.townships = {pk: town for pk, town in self.grids.values()}
        commissioner = self.actor if getattr(self.actor, "role", None) == Role.COMMISSIONER else None
        self.own_grids = (
            set(commissioner.grids.values_list("id", flat=True)) if commissioner is not None else None
        )
        self.staff = bool(self.actor and is_staff(self.actor))
        self.jurisdiction = Jurisdiction.of(self.actor) if self.staff and self.own_grids is None else None
        self.today = timezone.localdate()
        # Worker processes only outside a transaction: forking needs the connections closed.
        self.cleaner = RowCleaner(
            clean_rows, rows_expected=0 if connection.in_atomic_block else expected_rows, warm=_warm_caches
        )

    def prepare(self, batch: list[RawRow]):
        return self.cleaner.submit([row.values for row in batch])

    def close(self) -> None:
        self.cleaner.close()

    # -- validation (no queries) --------------------------------------------------------------
    def _validate(
        self, row: RawRow, clean: CleanSeeker | None, errors
    ) -> tuple[CleanSeeker | None, int | None, list]:
        problems = list(row.errors) + errors
        id_hash = clean.id_hash if clean else self._id_hash_of(row, problems)
        if id_hash:
            first = self.first_row.setdefault(id_hash, row.number)
            if first != row.number:
                problems.append(
                    ("id_number", _("与第%(n)d行是同一人（身份证号相同），以第%(n)d行为准") % {"n": first})
                )
        grid_id = None
        if clean and clean.grid_code:
            grid_id = self.grids.get(clean.grid_code, (None, None))[0]
            if grid_id is None:
                problems.append(("grid", _("网格编号“%(g)s”不存在") % {"g": clean.grid_code}))
        return (None if problems else clean), grid_id, problems

    @staticmethod
    def _id_hash_of(row: RawRow, problems) -> str:
        if any(key == "id_number" for key, _msg in problems):
            return ""
        try:
            return pii.keyed_hash(parse_resident_id(row.values.get("id_number")).number)
        except ValueError:
            return ""

    # -- one batch ----------------------------------------------------------------------------
    def process(self, batch: list[RawRow], prepared, out: Outcome, labels: dict[str, str]) -> None:
        good = []
        for row, (clean, errors, id_cipher, phone_cipher) in zip(batch, prepared.result(), strict=True):
            clean, grid_id, problems = self._validate(row, clean, errors)
            if problems or clean is None:
                out.reject(row, problems, labels)
            else:
                self.ciphers[clean.id_hash] = (id_cipher, phone_cipher)
                good.append((row, clean, grid_id))
        if not good:
            return
        try:
            if self.dry_run:
                self._write(good, out, labels)
            else:
                with self.locked():
                    self._write(good, out, labels)
        finally:
            self.ciphers.clear()

    def _write(self, good, out: Outcome, labels) -> None:
        existing = {
            s.id_hash: s for s in Seeker.objects.filter(id_hash__in=[c.id_hash for _r, c, _g in good])
        }
        if existing and self.actor is not None:
            # Staff may update the people they can see, and those they registered themselves
            # (a commissioner's import without a grid code must still re-import as unchanged).
            scope = Seeker.objects.visible_to(self.actor) | Seeker.objects.filter(created_by=self.actor)
            allowed = set(scope.filter(id_hash__in=list(existing)).values_list("id_hash", flat=True))
            for row, clean, _g in good:
                if clean.id_hash in existing and clean.id_hash not in allowed:
                    out.reject(row, [("id_number", _("此人已由其他辖区登记，您无权修改"))], labels)
            good = [g for g in good if g[1].id_hash not in existing or g[1].id_hash in allowed]
        good = self._grids_where_they_live(good, existing, out, labels)
        ids = [s.pk for s in existing.values()]
        rel = _Relations.load(ids)
        households = self._households(
            {
                c.household_code[:32]: c.residence_region_id or c.hukou_region_id
                for _r, c, _g in good
                if c.household_code
            }
        )
        now = timezone.now()
        now_db = connection.ops.adapt_datetimefield_value(now)
        creates, updates = [], []
        pending = []  # [seeker id, clean, is_new] of the people whose relations need writing
        for _row, clean, grid_id in good:
            seeker = existing.get(clean.id_hash)
            if seeker is None:
                # A plain tuple, not a model instance: building 100,000 Seekers costs more than inserting them.
                creates.append(self._new_row(clean, grid_id, households, now_db))
                pending.append([clean.id_hash, clean, True])
                out.created += 1
                continue
            before = [getattr(seeker, f) for f in TRACKED]
            self._assign(seeker, clean, grid_id, households)
            fields_changed = before != [getattr(seeker, f) for f in TRACKED]
            if fields_changed:
                seeker.updated_at = now
                updates.append(seeker)
            if fields_changed or rel.changes(seeker.pk, clean, households):
                pending.append([seeker.pk, clean, False])
                out.updated += 1
            else:
                out.unchanged += 1
        if self.dry_run:
            return
        if creates:
            insert_rows(Seeker, SEEKER_INSERT, creates)
            new_ids = dict(
                Seeker.objects.filter(id_hash__in=[p[0] for p in pending if p[2]]).values_list(
                    "id_hash", "id"
                )
            )
            for p in pending:
                if p[2]:
                    p[0] = new_ids[p[0]]
        if updates:
            Seeker.objects.bulk_update(
                updates, [*TRACKED, "phone_cipher", "phone_masked", "updated_at"], batch_size=500
            )
        rel.write(pending, actor=self.actor if self.staff else None, today=self.today)

    def _grids_where_they_live(self, good, existing: dict, out: Outcome, labels) -> list:
        """``people.services``' rule, in its order: a grid lies where the person lives (their
        residence after this row, else their hukou), so nobody is shown to another place's
        commissioner; and it is one the importer looks after (a commissioner's own grids,
        otherwise within their region)."""
        kept = []
        for row, clean, grid_id in good:
            if clean.grid_code:
                seeker = existing.get(clean.id_hash)
                if seeker is None or "residence_region" in clean.present:
                    home = clean.residence_region_id or clean.hukou_region_id
                else:
                    home = seeker.residence_region_id or clean.hukou_region_id
                township, code = self.townships[grid_id], clean.grid_code
                problem = None
                if not in_each_other(township, home or ""):
                    problem = _("网格%(g)s不在此人的现居住地内") % {"g": code}
                elif self.own_grids is not None and grid_id not in self.own_grids:
                    problem = _("网格“%(g)s”不在您负责的网格内") % {"g": code}
                elif self.jurisdiction is not None and not self.jurisdiction.contains(township):
                    problem = _("网格%(g)s不在您的管辖范围内") % {"g": code}
                if problem:
                    out.reject(row, [("grid", problem)], labels)
                    continue
            kept.append((row, clean, grid_id))
        return kept

    def _new_row(self, data: CleanSeeker, grid_id, households, now_db) -> tuple:
        """The SEEKER_INSERT values of a new person, as ``people.services._apply`` would set them."""
        id_cipher, phone_cipher = self.ciphers[data.id_hash]
        household_id = households.get(data.household_code[:32]) if data.household_code else None
        return (
            data.name,
            data.id_masked,
            data.gender,
            data.birth_date,
            data.phone_hash,
            data.hukou_region_id,
            data.residence_region_id,
            data.education,
            data.major,
            data.skills_text,
            data.accepts_anywhere,
            data.expected_wage,
            data.available_from,
            data.employment_status,
            grid_id if data.grid_code else None,
            household_id,
            id_cipher,
            data.id_hash,
            phone_cipher if data.phone else None,
            data.phone_masked,
            Seeker.Source.IMPORT,
            self.actor.pk if self.actor else None,
            None,
            None,
            None,
            now_db,
            now_db,
        )

    def _households(self, wanted: dict[str, str]) -> dict[str, int | None]:
        if not wanted:
            return {}
        found = dict(Household.objects.filter(code__in=list(wanted)).values_list("code", "id"))
        missing = [
            Household(code=code, region_id=region) for code, region in wanted.items() if code not in found
        ]
        if missing and not self.dry_run:
            Household.objects.bulk_create(missing, ignore_conflicts=True)
            found = dict(Household.objects.filter(code__in=list(wanted)).values_list("code", "id"))
        return {code: found.get(code) for code in wanted}

    def _assign(self, seeker: Seeker, data: CleanSeeker, grid_id, households) -> None:
        """``people.services._apply(update=True)`` without its per-row queries (grids and households pre-fetched)."""
        seeker.name = data.name
        seeker.id_hash, seeker.id_masked = data.id_hash, data.id_masked
        seeker.gender, seeker.birth_date = data.gender, cast(dt.date, data.birth_date)  # from the ID number
        if data.phone and data.phone_hash != seeker.phone_hash:
            seeker.phone_cipher = self.ciphers[data.id_hash][1]
            seeker.phone_hash, seeker.phone_masked = data.phone_hash, data.phone_masked
        seeker.hukou_region_id = cast(
            str, data.hukou_region_id
        )  # required: the cleaner refuses a row without
        for attr, key in _OPTIONAL.items():
            if key in data.present:
                setattr(seeker, attr, getattr(data, attr))
        if data.grid_code:
            seeker.grid_id = grid_id
        if data.household_code:
            household_id = households.get(data.household_code[:32])
            # A dry run creates no household, so a new code has no id yet; -1 still counts as a change.
            seeker.household_id = household_id if household_id is not None else -1


class _Relations:
    """Desired occupations and regions, certificates and current diagnoses of a batch's seekers."""

    def __init__(self, occupations, regions, certificates, diagnoses):
        self.occupations, self.regions = occupations, regions
        self.certificates, self.diagnoses = certificates, diagnoses

    @classmethod
    def load(cls, seeker_ids: list[int]) -> "_Relations":
        def pairs(qs: QuerySet, a: str, b: str) -> dict[int, set]:
            out: dict[int, set] = {}
            for left, right in qs.values_list(a, b):
                out.setdefault(left, set()).add(right)
            return out

        if not seeker_ids:
            return cls({}, {}, {}, {})
        occ = Seeker.desired_occupations.through.objects.filter(seeker_id__in=seeker_ids)
        reg = Seeker.desired_regions.through.objects.filter(seeker_id__in=seeker_ids)
        return cls(
            pairs(occ, "seeker_id", "occupation_id"),
            pairs(reg, "seeker_id", "region_id"),
            pairs(Certificate.objects.filter(seeker_id__in=seeker_ids), "seeker_id", "name"),
            pairs(
                PriorityDiagnosis.objects.current().filter(seeker_id__in=seeker_ids), "seeker_id", "criterion"
            ),
        )

    def _new_certificates(self, seeker_id, clean: CleanSeeker) -> list[str]:
        have = self.certificates.get(seeker_id, set())
        return list(dict.fromkeys(n[:64] for n in clean.certificates if n[:64] not in have))

    def changes(self, seeker_id: int, clean: CleanSeeker, households) -> bool:
        if "desired_occupations" in clean.present and set(clean.desired_occupations) != self.occupations.get(
            seeker_id, set()
        ):
            return True
        if "desired_regions" in clean.present and set(clean.desired_regions) != self.regions.get(
            seeker_id, set()
        ):
            return True
        if self._new_certificates(seeker_id, clean):
            return True
        return bool(clean.priority and clean.priority not in self.diagnoses.get(seeker_id, set()))

    def write(self, pending, *, actor, today) -> None:
        occ_model = Seeker.desired_occupations.through
        reg_model = Seeker.desired_regions.through
        replace_occ = [pk for pk, c, new in pending if not new and "desired_occupations" in c.present]
        replace_reg = [pk for pk, c, new in pending if not new and "desired_regions" in c.present]
        if replace_occ:
            occ_model.objects.filter(seeker_id__in=replace_occ).delete()
        if replace_reg:
            reg_model.objects.filter(seeker_id__in=replace_reg).delete()
        occ, reg, certs, diags = [], [], [], []
        for pk, clean, new in pending:
            if new or "desired_occupations" in clean.present:
                occ += [(pk, code) for code in dict.fromkeys(clean.desired_occupations)]
            if new or "desired_regions" in clean.present:
                reg += [(pk, code) for code in dict.fromkeys(clean.desired_regions)]
            certs += [Certificate(seeker_id=pk, name=name) for name in self._new_certificates(pk, clean)]
            if clean.priority and clean.priority not in self.diagnoses.get(pk, set()):
                diags.append(
                    PriorityDiagnosis(
                        seeker_id=pk,
                        criterion=clean.priority,
                        valid_from=today,
                        evidence=clean.priority_evidence[:128],
                        confirmed_by=actor,
                    )
                )
        insert_rows(occ_model, ["seeker_id", "occupation_id"], occ)
        insert_rows(reg_model, ["seeker_id", "region_id"], reg)
        Certificate.objects.bulk_create(certs, batch_size=1000, ignore_conflicts=True)
        PriorityDiagnosis.objects.bulk_create(diags, batch_size=1000, ignore_conflicts=True)
        # New diagnoses, and people whose regions the row changed: their diagnoses carry the regions.
        diagnosis_regions_sync(seeker_ids=[pk for pk, _clean, _new in pending])
