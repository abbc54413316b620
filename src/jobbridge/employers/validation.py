"""Clean enterprise and posting fields, shared by forms, API and roster import."""

from django.utils.translation import gettext as _

from jobbridge.core import regions
from jobbridge.core.cleaning import parse_bool, parse_choice, parse_date, parse_int, parse_list
from jobbridge.core.errors import FieldError
from jobbridge.core.identity import clean_text, normalize_uscc
from jobbridge.core.models import Industry
from jobbridge.core.occupations import resolve_occupation
from jobbridge.people.models import Education, PriorityCriterion

from .models import Enterprise, Posting

MAX_WAGE = 1_000_000
MAX_HEADCOUNT = 100_000


def _industry(value: object) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    code = text.zfill(2) if text.isdigit() else text.upper()
    if Industry.objects.filter(pk=code).exists():
        return code
    found = list(Industry.objects.filter(name=text).values_list("code", flat=True)[:1])
    if found:
        return found[0]
    raise ValueError(_("未知行业“%(v)s”，请填写GB/T 4754-2017门类字母、两位大类代码或名称") % {"v": text})


def clean_enterprise(raw: dict) -> tuple[dict | None, list[FieldError]]:
    errors: list[FieldError] = []

    def take(name, fn, *args, **kw):
        try:
            return fn(raw.get(name), *args, **kw)
        except ValueError as e:
            errors.append(FieldError(name, str(e)))
            return None

    name = clean_text(raw.get("name"))
    if not name:
        errors.append(FieldError("name", _("单位名称不能为空")))
    out = {
        "name": name[:128],
        "uscc": take("uscc", normalize_uscc),
        "industry_id": take("industry", _industry),
        "region_id": take("region", regions.resolve),
        "address": clean_text(raw.get("address"))[:200],
        "size": take("size", parse_choice, Enterprise.Size) or "",
        "contact_name": clean_text(raw.get("contact_name"))[:64],
        "contact_phone": clean_text(raw.get("contact_phone")).replace(" ", "")[:20],
        "park_name": clean_text(raw.get("park"))[:128],
    }
    return (None, errors) if errors else (out, [])


def clean_posting(raw: dict) -> tuple[dict | None, list[FieldError]]:
    errors: list[FieldError] = []

    def take(name, fn, *args, **kw):
        try:
            return fn(raw.get(name), *args, **kw)
        except ValueError as e:
            errors.append(FieldError(name, str(e)))
            return None

    title = clean_text(raw.get("title"))
    if not title:
        errors.append(FieldError("title", _("岗位名称不能为空")))
    occupation = take("occupation", resolve_occupation) if clean_text(raw.get("occupation")) else None
    headcount = take("headcount", parse_int, minimum=1, maximum=MAX_HEADCOUNT)
    if headcount is None and not any(e.field == "headcount" for e in errors):
        errors.append(FieldError("headcount", _("招聘人数不能为空")))
    filled = take("filled", parse_int, minimum=0, maximum=MAX_HEADCOUNT) or 0
    wage_min = take("wage_min", parse_int, minimum=0, maximum=MAX_WAGE)
    wage_max = take("wage_max", parse_int, minimum=0, maximum=MAX_WAGE)
    if wage_min is not None and wage_max is not None and wage_min > wage_max:
        errors.append(
            FieldError("wage_max", _("月薪上限%(a)d低于下限%(b)d") % {"a": wage_max, "b": wage_min})
        )
    if headcount is not None and filled > headcount:
        errors.append(
            FieldError("filled", _("已招人数%(f)d超过招聘人数%(h)d") % {"f": filled, "h": headcount})
        )
    valid_from = take("valid_from", parse_date)
    valid_until = take("valid_until", parse_date)
    if valid_from and valid_until and valid_until < valid_from:
        errors.append(FieldError("valid_until", _("有效期止不能早于有效期起")))
    groups = []
    for item in parse_list(raw.get("target_groups")):
        try:
            groups.append(parse_choice(item, PriorityCriterion))
        except ValueError as e:
            errors.append(FieldError("target_groups", str(e)))
    out = {
        "title": title[:64],
        "occupation_id": occupation,
        "description": clean_text(raw.get("description")),
        "required_skills": clean_text(raw.get("required_skills")),
        "required_certificates": clean_text(raw.get("required_certificates"))[:200],
        "min_education": take("min_education", parse_choice, Education) or "",
        "headcount": headcount,
        "filled": filled,
        "wage_min": wage_min,
        "wage_max": wage_max,
        "work_region_id": take("work_region", regions.resolve),
        "board": bool(take("board", parse_bool)),
        "lodging": bool(take("lodging", parse_bool)),
        "disability_friendly": bool(take("disability_friendly", parse_bool)),
        "target_groups": groups,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "status": take("status", parse_choice, Posting.Status) or Posting.Status.OPEN,
    }
    return (None, errors) if errors else (out, [])
