"""Import of enterprises and postings, through the employers services.

Enterprises are keyed by Unified Social Credit Code. Their rosters are small (hundreds of rows),
so each row goes through ``enterprise_register`` / ``enterprise_update`` and gets their rules and
audit trail as is; the importer only decides which one applies and whether anything would
change at all.

Postings' natural key is (enterprise USCC, title, work region). Re-importing a roster updates the
posting with the same enterprise, title and work region; a different title or place is a new
posting. When several postings already share the key (entered by hand), the newest one is
updated. Each row goes through ``posting_create`` / ``posting_update``.

The upload desk (``imports``) runs these for the "enterprises" and "postings" kinds.
"""

from django.utils.translation import gettext as _

from jobbridge.core.errors import ServiceError
from jobbridge.core.identity import normalize_uscc
from jobbridge.core.importing.columns import Column
from jobbridge.core.importing.engine import Outcome, RowImporter
from jobbridge.core.importing.readers import RawRow

from .models import Enterprise, Posting
from .services import enterprise_register, enterprise_update, posting_create, posting_update
from .validation import clean_enterprise, clean_posting

ENTERPRISE_COLUMNS = (
    Column("name", "单位名称", True, fmt="不超过128字", example="无锡某电子有限公司"),
    Column(
        "uscc",
        "统一社会信用代码",
        True,
        fmt="18位，含校验位",
        example="91320205MA1XXXXXXX",
        aliases=("信用代码",),
    ),
    Column("industry", "行业", fmt="GB/T 4754-2017门类字母、两位大类代码或名称", example="39"),
    Column("region", "所在地", True, fmt="区划代码或名称", example="无锡市锡山区"),
    Column("address", "地址", fmt="不超过200字", example="锡山经济开发区团结北路1号"),
    Column("size", "规模", fmt="微型、小型、中型、大型", example="中型"),
    Column("contact_name", "联系人", example="李经理"),
    Column("contact_phone", "联系电话", fmt="手机或座机", example="0510-88888888"),
    Column("park", "园区", fmt="产业园区名称，不存在则新建", example="锡山经济技术开发区"),
)

POSTING_COLUMNS = (
    Column(
        "enterprise_uscc",
        "单位统一社会信用代码",
        True,
        fmt="已导入单位的18位信用代码",
        example="91320205MA1XXXXXXX",
        aliases=("统一社会信用代码", "uscc"),
    ),
    Column("title", "岗位名称", True, fmt="不超过64字", example="普工"),
    Column("occupation", "职业", fmt="职业分类代码或名称", example="6-25-04-08"),
    Column("description", "岗位描述", example="电子元件装配，两班倒"),
    Column("required_skills", "技能要求", example="会看图纸"),
    Column("required_certificates", "证书要求", example="电工证"),
    Column("min_education", "最低学历", fmt="同求职者学历", example="初中"),
    Column("headcount", "招聘人数", True, kind="number", fmt="1至100000的整数", example="30"),
    Column("filled", "已招人数", kind="number", fmt="不超过招聘人数", example="0"),
    Column("wage_min", "月薪下限", kind="number", fmt="整数，元/月", example="5000"),
    Column("wage_max", "月薪上限", kind="number", fmt="整数，元/月，不低于下限", example="7000"),
    Column("work_region", "工作地", True, fmt="区划代码或名称", example="无锡市锡山区"),
    Column("board", "包吃", fmt="是/否", example="是"),
    Column("lodging", "包住", fmt="是/否", example="是"),
    Column("disability_friendly", "适合残疾人", fmt="是/否", example="否"),
    Column("target_groups", "面向群体", fmt="就业困难类别，多个用顿号分隔", example="脱贫人口"),
    Column("valid_from", "有效期起", kind="date", fmt="日期", example="2024-01-16"),
    Column("valid_until", "有效期止", kind="date", fmt="日期，不早于有效期起", example="2024-03-31"),
    Column("status", "状态", fmt="草稿、招聘中、已招满、已关闭；空为招聘中", example="招聘中"),
)


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
    if errors or clean is None:
        return True  # let the service refuse it with its own message
    park_name = clean.pop("park_name")
    for k, v in clean.items():
        if (k in ("name", "uscc", "region_id", "industry_id") or k.removesuffix("_id") in data) and getattr(
            enterprise, k
        ) != v:
            return True
    return bool(park_name) and (enterprise.park is None or enterprise.park.name != park_name)


class EnterpriseImporter(RowImporter):
    kind = "enterprises"
    columns = ENTERPRISE_COLUMNS
    lock_id = 7_301_002

    def __init__(self, **kwargs) -> None:
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
            if problems or clean is None:
                out.reject(row, problems, labels)
            else:
                good.append((row, clean["uscc"]))
        if not good:
            return
        if self.dry_run:
            self._write(good, out, labels)
        else:
            with self.locked():
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
    if errors or clean is None:
        return True  # the service will refuse it with its own message
    return any(getattr(posting, k) != v for k, v in clean.items())


class PostingImporter(RowImporter):
    kind = "postings"
    columns = POSTING_COLUMNS
    lock_id = 7_301_003

    def __init__(self, **kwargs) -> None:
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
            with self.locked():
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
