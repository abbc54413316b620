"""Reads behind the matching pages: whose list, which posting, which candidates, what contact shows.

Who may see what follows the models' ``visible_to`` querysets, with two additions that the roles
need here: staff may look for candidates for any *open* posting (open postings are public; a
Haidong commissioner fills Wuxi posts with Haidong people, and still sees only their own people),
and a recruiter sees candidates from the whole register for their own enterprise's postings, with
names and phones masked until the person has said they are interested (see ``contact_allowed``).
"""

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jobbridge.core.access import is_staff
from jobbridge.core.models import Role
from jobbridge.core.models.regions import in_subtree
from jobbridge.employers.models import Posting
from jobbridge.matching import selectors as matching
from jobbridge.matching.engine.geo import haversine_km
from jobbridge.matching.engine.weights import DEFAULT_WEIGHTS
from jobbridge.matching.records import region_table
from jobbridge.people.models import PriorityCriterion, PriorityDiagnosis, Seeker, WorkHistory

from . import placements_link
from .filters import CandidateFilters, FilterError

# Lists are asked for only as deep as the page shown: the stored lists (batch runs) hold the
# top 10 each way, and a deeper request falls back to scoring on demand (see matching.selectors).
JOBS_FOR_YOU = 10  # cards on the seeker's phone
PAGE_SIZE = 10  # candidates per page; page n ranks the best n × PAGE_SIZE
MAX_CANDIDATES = 200  # the deepest a page or API call may go


class PostingNotOpen(Exception):
    """The posting exists but takes nobody now; ``message`` says why in plain words."""

    def __init__(self, posting: Posting, message: str):
        self.posting, self.message = posting, message
        super().__init__(message)


# ---------------------------------------------------------------- the seeker's side


def seeker_for(user, seeker_id: int | None = None) -> Seeker:
    """The person whose "jobs for you" list ``user`` asks for: a job seeker gets their own record
    (any ``seeker_id`` they pass must be their own); staff name a seeker in their scope. 404 else."""
    qs = Seeker.objects.visible_to(user).select_related("hukou_region", "residence_region")
    if user.is_authenticated and user.role == Role.SEEKER and not user.is_superuser:
        seeker = qs.first()
        if seeker is None or (seeker_id is not None and seeker_id != seeker.pk):
            raise Http404(_("没有找到您的求职登记信息"))
        return seeker
    if seeker_id is None or not is_staff(user):
        raise Http404(_("请指定求职者"))
    seeker = qs.filter(pk=seeker_id).first()
    if seeker is None:
        raise Http404(_("求职者不存在或无权访问"))
    return seeker


@dataclass
class JobCard:
    posting: Posting
    score: float
    reasons: list[str]
    interested: bool = False


def interested_posting_ids(seeker: Seeker, posting_ids) -> set[int]:
    """Postings for which ``seeker`` has a live employment intention (an Application)."""
    return placements_link.posting_ids_applied(seeker, posting_ids)


def jobs_for_seeker(seeker: Seeker, *, k: int = JOBS_FOR_YOU, today=None) -> list[JobCard]:
    """The seeker's recommended open postings, best first, with reasons and "already interested"."""
    matches = matching.recommend_for_seeker(seeker, k=k, today=today)
    ids = [m.posting_id for m in matches]
    # Stored lists may lag a closing by minutes: show only what is open now.
    postings = (
        Posting.objects.open_on(today)
        .filter(pk__in=ids)
        .select_related("enterprise", "work_region", "occupation")
    )
    by_id = {p.pk: p for p in postings}
    applied = interested_posting_ids(seeker, list(by_id))
    return [
        JobCard(by_id[m.posting_id], m.score, m.reasons, m.posting_id in applied)
        for m in matches
        if m.posting_id in by_id
    ]


def open_posting_for_seeker(posting_id: int, today=None) -> Posting:
    """A posting a seeker taps on: 404 if unknown (or a draft), PostingNotOpen if no longer taking people."""
    posting = (
        Posting.objects.exclude(status=Posting.Status.DRAFT)
        .select_related("enterprise", "work_region")
        .filter(pk=posting_id)
        .first()
    )
    if posting is None:
        raise Http404(_("岗位不存在"))
    ensure_open(posting, today)
    return posting


def ensure_open(posting: Posting, today=None) -> None:
    today = today or timezone.localdate()
    if posting.status == Posting.Status.CLOSED:
        raise PostingNotOpen(posting, _("该岗位已关闭，不再接受报名"))
    if posting.status == Posting.Status.FILLED or posting.filled >= posting.headcount:
        raise PostingNotOpen(posting, _("该岗位已招满"))
    if posting.status == Posting.Status.DRAFT:
        raise PostingNotOpen(posting, _("该岗位尚未发布"))
    if posting.valid_until and posting.valid_until < today:
        raise PostingNotOpen(posting, _("该岗位已过有效期（%(d)s）") % {"d": posting.valid_until.isoformat()})
    if posting.valid_from and posting.valid_from > today:
        raise PostingNotOpen(posting, _("该岗位自%(d)s起招聘") % {"d": posting.valid_from.isoformat()})


# ---------------------------------------------------------------- the posting's side


def posting_for_candidates(user, posting_id: int) -> Posting:
    """The posting whose candidates ``user`` asks for: a recruiter's own enterprise's postings; for
    staff, those of enterprises in their scope and any open posting. The same 404 otherwise."""
    base = Posting.objects.select_related("enterprise", "work_region", "occupation")
    posting = base.visible_to(user).filter(pk=posting_id).first()
    if posting is None and is_staff(user):
        posting = base.open_on().filter(pk=posting_id).first()
    if posting is None or not (is_staff(user) or user.role == Role.RECRUITER):
        raise Http404(_("岗位不存在或无权访问"))
    return posting


def candidate_pool(user, posting: Posting):
    """Seekers ``user`` may see as candidates for ``posting`` (which they may already see)."""
    if is_staff(user):
        return Seeker.objects.visible_to(user)
    if user.role == Role.RECRUITER and user.enterprise_id == posting.enterprise_id:
        return Seeker.objects.active()
    return Seeker.objects.none()


@lru_cache(maxsize=1)
def _centroids():
    table = region_table()
    codes = np.array(sorted(table.names), dtype=np.int64)
    latlon = np.array([table.centroid(int(c)) for c in codes], dtype=np.float64).reshape(-1, 2)
    return table, codes, latlon


def km_between(code_a: str | None, code_b: str | None) -> float | None:
    """Great-circle km between the county centroids of two region codes (as the engine measures)."""
    if not code_a or not code_b:
        return None
    table = _centroids()[0]
    (la, oa), (lb, ob) = table.centroid(int(code_a[:6])), table.centroid(int(code_b[:6]))
    km = float(haversine_km(la, oa, lb, ob))
    return None if np.isnan(km) else km


def counties_within(code: str, km: float) -> list[str]:
    """6-digit codes (counties, and the prefectures/provinces a coarse address may name) whose
    centroid lies within ``km`` of ``code``'s county centroid."""
    table, codes, latlon = _centroids()
    lat, lon = table.centroid(int(code[:6]))
    d = haversine_km(latlon[:, 0], latlon[:, 1], lat, lon)
    return [f"{c:06d}" for c in codes[np.nan_to_num(d, nan=np.inf) <= km]]


def home_code(seeker: Seeker) -> str | None:
    """Where the engine places a seeker: residence, or hukou when no residence is known."""
    return seeker.residence_region_id or seeker.hukou_region_id


def applicant_ids(posting: Posting, seeker_ids=None) -> set[int]:
    return placements_link.seeker_ids_applied(posting, seeker_ids)


def reachable(qs, posting: Posting):
    """Narrow ``qs`` to seekers whose accepted destinations can include the posting's work county,
    by the engine's own rule (``engine.features``/``codes.destination_range``): a stated
    destination covers the work county when its county-cut code is the county, its prefecture or
    its province; "anywhere" covers all; with no stated destination a person accepts their home
    (residence, else hukou) prefecture. The engine would exclude everyone else anyway, so this
    changes no result (tested) and spares scoring them: the on-demand path featurises every
    person in the pool, which is what costs at city scale and above."""
    w = posting.work_region_id[:6]
    covering = [w[:2] + "0000", w[:4] + "00", w]
    through = Seeker.desired_regions.through.objects
    stated = through.filter(Q(region_id__in=covering) | in_subtree("region_id", w)).values("seeker_id")
    home_prefecture = Coalesce(Substr(F("residence_region_id"), 1, 4), Substr(F("hukou_region_id"), 1, 4))
    near_home = ~Exists(through.filter(seeker_id=OuterRef("pk"))) & Q(_home4__in=[w[:4], w[:2] + "00"])
    return qs.annotate(_home4=home_prefecture).filter(Q(accepts_anywhere=True) | Q(pk__in=stated) | near_home)


def relevant(qs, posting: Posting):
    """Narrow ``qs`` by the engine's relevance gate (``Weights.require_same_major_group``): a
    coded posting goes only to people with an occupation (stated, skilled or past) in its CSCO
    major group, or with no occupation at all. Looser than the engine (which reads only a person's
    first four codes), so again no result changes (tested)."""
    if not DEFAULT_WEIGHTS.require_same_major_group or not posting.occupation_id:
        return qs
    major = posting.occupation_id.split("-")[0]
    # Codes are "6-18-02-04": the major group's codes sort between "6-" and "6." ('.' follows '-').
    in_group = Q(occupation_id__gte=f"{major}-", occupation_id__lt=f"{major}.")
    tables = (
        Seeker.desired_occupations.through.objects,
        Seeker.skill_occupations.through.objects,
        WorkHistory.objects.filter(occupation__isnull=False),
    )
    same = Q()
    uncoded = Q()
    for t in tables:
        same |= Exists(t.filter(in_group, seeker_id=OuterRef("pk")))
        uncoded &= ~Exists(t.filter(seeker_id=OuterRef("pk")))
    return qs.filter(same | uncoded)


def filtered_pool(user, posting: Posting, filters: CandidateFilters):
    qs = relevant(reachable(candidate_pool(user, posting), posting), posting)
    if filters.priority:
        qs = qs.with_priority(filters.priority)
    if filters.interested:
        qs = qs.filter(pk__in=placements_link.applicants_query(posting))
    if filters.max_km is not None:
        # In the query, not after ranking: "within 50 km" means the best of the people nearby.
        near = counties_within(posting.work_region_id, filters.max_km)
        qs = qs.annotate(
            _home=Coalesce(Substr(F("residence_region_id"), 1, 6), Substr(F("hukou_region_id"), 1, 6))
        )
        qs = qs.filter(_home__in=near)
    return qs


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def contact_allowed(user, posting: Posting, seeker_id: int, applicants: set[int]) -> bool:
    """May ``user`` see this candidate's phone in clear? Staff with the ID-number permission (the
    seeker-reveal rule); a recruiter once the person expressed interest in this posting or a
    commissioner passed them on with their consent (both are an Application for it)."""
    if is_staff(user):
        return user.has_perm("people.view_id_number")
    return (
        user.role == Role.RECRUITER
        and user.enterprise_id == posting.enterprise_id
        and seeker_id in applicants
    )


@dataclass
class CandidateRow:
    seeker: Seeker
    score: float
    reasons: list[str]
    km: float | None
    groups: list[str] = field(default_factory=list)
    interested: bool = False
    name: str = ""
    phone: str = ""
    can_reveal: bool = False
    can_share: bool = False


def groups_shown(user, posting: Posting) -> frozenset[str] | None:
    """The priority groups ``user`` may learn of a candidate for ``posting``; None means all.

    Staff see every group (priority is their work). A recruiter sees only the groups the posting
    is for (its target groups, and disability when it is marked suitable): being disabled or from
    a poor household must not become a reason a recruiter learns and passes someone over for."""
    if is_staff(user):
        return None
    allowed = {g for g in (posting.target_groups or []) if g in PriorityCriterion.values}
    if posting.disability_friendly:
        allowed.add(PriorityCriterion.DISABILITY)
    return frozenset(allowed)


def check_priority_filter(user, posting: Posting, filters: CandidateFilters) -> None:
    shown = groups_shown(user, posting)
    if filters.priority and shown is not None and filters.priority not in shown:
        raise FilterError("priority", _("本岗位未面向该重点群体，招聘方不能按其筛选"))


def candidates(
    user, posting: Posting, filters: CandidateFilters, *, limit: int = PAGE_SIZE, today=None
) -> list[CandidateRow]:
    """The best ``limit`` candidates for ``posting`` among those ``user`` may see, filtered, contacts masked.
    Raises FilterError when a recruiter filters by a group the posting is not for."""
    check_priority_filter(user, posting, filters)
    shown_groups = groups_shown(user, posting)
    matches = matching.candidates_for_posting(
        posting, filtered_pool(user, posting, filters), k=limit, today=today
    )
    ids = [m.seeker_id for m in matches]
    # Only what a row shows (name, masked phone, home for the distance): not the sealed columns.
    seekers = Seeker.objects.only("id", "name", "phone_masked", "residence_region", "hukou_region").in_bulk(
        ids
    )
    applicants = applicant_ids(posting, ids)
    labels = dict(PriorityCriterion.choices)
    groups: dict[int, list[str]] = {}
    for sid, criterion in (
        PriorityDiagnosis.objects.current()
        .filter(seeker_id__in=ids)
        .order_by("criterion")
        .values_list("seeker_id", "criterion")
    ):
        if shown_groups is not None and criterion not in shown_groups:
            continue
        groups.setdefault(sid, []).append(str(labels.get(criterion, criterion)))
    staff = is_staff(user)
    rows = []
    for m in matches:
        s = seekers.get(m.seeker_id)
        if s is None:
            continue
        interested = s.pk in applicants
        rows.append(
            CandidateRow(
                seeker=s,
                score=m.score,
                reasons=m.reasons,
                km=km_between(home_code(s), posting.work_region_id),
                groups=groups.get(s.pk, []),
                interested=interested,
                # A recruiter learns who the person is only once they have come forward for this post.
                name=s.name if staff or interested else mask_name(s.name),
                phone=s.phone_masked,
                can_reveal=bool(s.phone_masked) and contact_allowed(user, posting, s.pk, applicants),
                can_share=staff and not interested,
            )
        )
    return rows
