"""Input and output shapes for job seekers. ID and phone numbers leave the API only masked;
the clear values come solely from the audited reveal endpoint."""

import datetime as dt
import re

from ninja import Schema

from jobbridge.core import pii
from jobbridge.core.apikit import InputSchema, OccupationRef, RegionRef
from jobbridge.people.models import Education, EmploymentStatus, PriorityCriterion

_LONG_NUMBER = re.compile(r"\d{15,}[\dXx]*")


class GridRef(Schema):
    code: str
    name: str


class DiagnosisOut(Schema):
    id: int
    criterion: PriorityCriterion
    # Evidence is often a disability certificate number, which embeds the ID number: masked too.
    evidence_masked: str
    valid_from: dt.date
    valid_until: dt.date | None

    @staticmethod
    def resolve_evidence_masked(obj) -> str:
        return _LONG_NUMBER.sub(lambda m: pii.mask_id_number(m.group()), obj.evidence)


class SeekerOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: dt.date
    id_masked: str
    phone_masked: str
    hukou_region: RegionRef
    residence_region: RegionRef | None
    grid: GridRef | None
    employment_status: EmploymentStatus
    priority_groups: list[PriorityCriterion]
    updated_at: dt.datetime

    @staticmethod
    def resolve_priority_groups(obj) -> list[str]:
        # Filled by the list/detail querysets with a Prefetch of current diagnoses.
        return sorted({d.criterion for d in obj.current_diagnoses})


class SeekerDetailOut(SeekerOut):
    education: str
    major: str
    skills_text: str
    desired_occupations: list[OccupationRef]
    desired_regions: list[RegionRef]
    accepts_anywhere: bool
    expected_wage: int | None
    available_from: dt.date | None
    household: str | None
    certificates: list[str]
    diagnoses: list[DiagnosisOut]
    source: str
    created_at: dt.datetime

    @staticmethod
    def resolve_household(obj) -> str | None:
        return obj.household.code if obj.household_id else None

    @staticmethod
    def resolve_certificates(obj) -> list[str]:
        return [c.name for c in obj.certificates.all()]

    @staticmethod
    def resolve_diagnoses(obj):
        return obj.diagnoses.all()


class SeekerUpdateIn(InputSchema):
    """Fields a PATCH may carry; those left out stay as they are."""

    name: str | None = None
    phone: str | None = None
    hukou_region: str | None = None
    residence_region: str | None = None
    education: Education | None = None
    major: str | None = None
    skills: str | None = None
    desired_occupations: list[str] | None = None
    desired_regions: list[str] | None = None
    accepts_anywhere: bool | None = None
    expected_wage: int | None = None
    available_from: dt.date | None = None
    employment_status: EmploymentStatus | None = None
    grid: str | None = None
    household: str | None = None
    certificates: list[str] | None = None
    priority: PriorityCriterion | None = None
    priority_evidence: str | None = None


class SeekerCreateIn(SeekerUpdateIn):
    name: str
    id_number: str
    hukou_region: str


# What job seekers may change on their own record; the rest (name, hukou, grid, priority
# findings) is a clerk's confirmation.
SELF_EDITABLE = frozenset(
    {
        "phone",
        "residence_region",
        "education",
        "major",
        "skills",
        "desired_occupations",
        "desired_regions",
        "accepts_anywhere",
        "expected_wage",
        "available_from",
        "employment_status",
        "certificates",
    }
)


class DiagnosisIn(InputSchema):
    criterion: PriorityCriterion
    evidence: str
    valid_from: dt.date
    valid_until: dt.date | None = None


class RevealOut(Schema):
    id_number: str
    phone: str
