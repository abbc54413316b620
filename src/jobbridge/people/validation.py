"""Turning raw seeker fields (from a form, an API body or a spreadsheet row) into clean values.

One set of rules for every way in: the self-registration page, the staff form, the API and the
roster import all call ``clean_seeker``. Errors name the field; the importer adds the row.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jobbridge.core import pii, regions
from jobbridge.core.cleaning import parse_bool, parse_choice, parse_date, parse_int, parse_list
from jobbridge.core.errors import FieldError
from jobbridge.core.identity import clean_text, normalize_mobile, parse_resident_id
from jobbridge.core.occupations import resolve_occupation

from .models import Education, EmploymentStatus, PriorityCriterion

MAX_WAGE = 1_000_000  # a monthly wage above this is a typing error, not a wish


@dataclass
class CleanSeeker:
    name: str
    id_number: str
    id_hash: str
    id_masked: str
    gender: str
    birth_date: object
    phone: str = ""
    phone_hash: str = ""
    phone_masked: str = ""
    hukou_region_id: str | None = None
    residence_region_id: str | None = None
    education: str = ""
    major: str = ""
    skills_text: str = ""
    desired_occupations: list[str] = field(default_factory=list)
    desired_regions: list[str] = field(default_factory=list)
    accepts_anywhere: bool = False
    expected_wage: int | None = None
    available_from: object = None
    employment_status: str = EmploymentStatus.UNEMPLOYED
    grid_code: str = ""
    household_code: str = ""
    certificates: list[str] = field(default_factory=list)
    priority: str = ""
    priority_evidence: str = ""
    # Which optional fields the input actually carried: an update leaves the others alone.
    present: set[str] = field(default_factory=set)


def _occupation_codes(values: list[str]) -> list[str]:
    return [resolve_occupation(v) for v in values]


def clean_seeker(raw: dict, *, require_phone: bool = False) -> tuple[CleanSeeker | None, list[FieldError]]:
    errors: list[FieldError] = []
    present = {k for k, v in raw.items() if v not in (None, "")}

    def take(name, fn, *args, **kw):
        try:
            return fn(raw.get(name), *args, **kw)
        except ValueError as e:
            errors.append(FieldError(name, str(e)))
            return None

    name = clean_text(raw.get("name"))
    if not name:
        errors.append(FieldError("name", _("姓名不能为空")))
    elif len(name) > 64:
        errors.append(FieldError("name", _("姓名过长")))
    rid = take("id_number", parse_resident_id)
    phone = ""
    if raw.get("phone") not in (None, "") or require_phone:
        phone = take("phone", normalize_mobile) or ""
    hukou = take("hukou_region", regions.resolve)
    residence = take("residence_region", regions.resolve) if "residence_region" in present else None
    education = take("education", parse_choice, Education) or ""
    status = (
        take("employment_status", parse_choice, EmploymentStatus) if "employment_status" in present else None
    )
    wage = take("expected_wage", parse_int, minimum=0, maximum=MAX_WAGE)
    available = take("available_from", parse_date)
    anywhere = take("accepts_anywhere", parse_bool) if "accepts_anywhere" in present else False
    occupations = take("desired_occupations", lambda v: _occupation_codes(parse_list(v))) or []
    dest = []
    for item in parse_list(raw.get("desired_regions")):
        if item in ("不限", "全国", "anywhere", "any"):
            anywhere = True
            continue
        try:
            dest.append(regions.resolve(item))
        except ValueError as e:
            errors.append(FieldError("desired_regions", str(e)))
    priority = take("priority", parse_choice, PriorityCriterion) or ""
    evidence = clean_text(raw.get("priority_evidence"))
    if priority and not evidence:
        errors.append(FieldError("priority_evidence", _("认定就业困难类别时须填写证明材料（如残疾证号）")))
    if errors:
        return None, errors
    return CleanSeeker(
        name=name,
        id_number=rid.number,
        id_hash=pii.keyed_hash(rid.number),
        id_masked=pii.mask_id_number(rid.number),
        gender=rid.gender,
        birth_date=rid.birth_date,
        phone=phone,
        phone_hash=pii.keyed_hash(phone) if phone else "",
        phone_masked=pii.mask_phone(phone) if phone else "",
        hukou_region_id=hukou,
        residence_region_id=residence or hukou,
        education=education,
        major=clean_text(raw.get("major"))[:64],
        skills_text=clean_text(raw.get("skills")),
        desired_occupations=occupations,
        desired_regions=dest,
        accepts_anywhere=bool(anywhere),
        expected_wage=wage,
        available_from=available,
        employment_status=status or EmploymentStatus.UNEMPLOYED,
        grid_code=clean_text(raw.get("grid")),
        household_code=clean_text(raw.get("household")),
        certificates=parse_list(raw.get("certificates")),
        priority=priority,
        priority_evidence=evidence,
        present=present,
    ), []
