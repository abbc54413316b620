"""Reads over enterprises and postings: the list pages' filters, what a list row needs, and the
rows of their exports. The scoping itself (``visible_to``) stays in the models; these only narrow
an already scoped set."""

from django.db.models import Count, Q, QuerySet

from jobbridge.core import regions
from jobbridge.core.models.regions import in_subtree

from .models import Posting


def search_by_name_or_code(qs: QuerySet, text: str, *fields: str) -> QuerySet:
    text = text.strip()
    if not text:
        return qs
    q = Q()
    for f in fields:
        q |= Q(**{f"{f}__icontains": text})
    return qs.filter(q)


def filter_enterprises(qs: QuerySet, data: dict) -> tuple[QuerySet, dict[str, str]]:
    """The enterprise list's filters (name or credit code, region subtree), with what a row shows
    and its count of open postings; returns errors for filters that could not be read."""
    errors: dict[str, str] = {}
    qs = search_by_name_or_code(qs, data.get("q", ""), "name", "uscc")
    if data.get("region"):
        try:
            qs = qs.filter(in_subtree("region_id", regions.resolve(data["region"])))
        except ValueError as e:
            errors["region"] = str(e)
    qs = (
        qs.select_related("industry", "region")
        .annotate(open_postings=Count("postings", filter=Q(postings__status=Posting.Status.OPEN)))
        .order_by("-created_at", "-id")
    )
    return qs, errors


def filter_postings(qs: QuerySet, data: dict) -> tuple[QuerySet, dict[str, str]]:
    """The posting list's filters (title or enterprise name, status, work-region subtree), with
    what a row shows; returns errors for filters that could not be read."""
    errors: dict[str, str] = {}
    if data.get("q"):
        qs = qs.filter(Q(title__icontains=data["q"]) | Q(enterprise__name__icontains=data["q"]))
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("region"):
        try:
            qs = qs.filter(in_subtree("work_region_id", regions.resolve(data["region"])))
        except ValueError as e:
            errors["region"] = str(e)
    qs = qs.select_related("enterprise", "work_region", "occupation").order_by("-created_at", "-id")
    return qs, errors


ENTERPRISE_EXPORT_HEADERS = [
    "单位名称",
    "统一社会信用代码",
    "行业",
    "所在地",
    "规模",
    "联系人",
    "招聘中岗位数",
]


def enterprise_export_rows(qs: QuerySet):
    """Rows of the enterprise list's export (``qs`` from ``filter_enterprises``)."""
    for e in qs.iterator(chunk_size=2000):
        yield [
            e.name,
            e.uscc,
            str(e.industry or ""),
            e.region.name,
            e.get_size_display(),
            e.contact_name,
            e.open_postings,
        ]


POSTING_EXPORT_HEADERS = [
    "岗位名称",
    "用人单位",
    "职业",
    "工作地",
    "招聘人数",
    "已招人数",
    "月薪下限（元）",
    "月薪上限（元）",
    "状态",
    "发布日期",
]


def posting_export_rows(qs: QuerySet):
    """Rows of the posting list's export (``qs`` from ``filter_postings``)."""
    for p in qs.iterator(chunk_size=2000):
        yield [
            p.title,
            p.enterprise.name,
            str(p.occupation or ""),
            p.work_region.name,
            p.headcount,
            p.filled,
            p.wage_min or "",
            p.wage_max or "",
            p.get_status_display(),
            p.created_at.date(),
        ]
