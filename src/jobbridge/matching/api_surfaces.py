"""API of the matching pages (mounted at /api/matching/): a seeker's jobs for you and "I'm
interested"; a posting's candidates with the page's filters, masked contacts, reveal and share.

Thin over ``matching/pages/selectors.py`` and ``services.py``, the same functions the pages call.
Filters are taken as strings and parsed there, so a bad value is a 400 naming the parameter.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from jobbridge.core.apikit import ERRORS, ApiError, DbId, ErrorOut, InputSchema

from .pages import selectors, services
from .pages.filters import FilterError, parse_candidate_filters
from .pages.reasons import localized

router = Router(tags=["matching"])
WITH_CLOSED = {**ERRORS, 409: ErrorOut}


def _bad_filter(e: FilterError) -> ApiError:
    return ApiError(400, e.message, [(e.param, e.message)], code="bad_request")


def _not_open(e: selectors.PostingNotOpen) -> ApiError:
    return ApiError(409, e.message, [("posting_id", e.message)], code="posting_closed")


class JobOut(Schema):
    posting: int
    title: str
    enterprise: str
    work_region: str
    wage_min: int | None
    wage_max: int | None
    board: bool
    lodging: bool
    disability_friendly: bool
    vacancies: int
    score: float
    reasons: list[str]
    interested: bool


class InterestIn(InputSchema):
    seeker_id: DbId | None = None  # staff acting for a seeker in their scope; a seeker leaves it out
    consent_note: str = ""  # staff: how the person agreed (required for them)


class InterestOut(Schema):
    seeker: int
    posting: int
    application: int | None
    interested: bool


class CandidateQuery(Schema):
    max_km: str | None = None  # a number of km, 1-5000
    priority: str | None = None  # disability | zero_employment | registered_unemployed | poverty | lifted_out
    interested: str | None = None  # 1/0: only people with an employment intention for this posting


class CandidateOut(Schema):
    seeker: int
    name: str  # masked (马**) for a recruiter until the person has come forward for this posting
    phone: str  # always masked here; POST …/contact for the clear number when allowed
    km: float | None
    priority_groups: list[str]
    score: float
    reasons: list[str]
    interested: bool
    can_reveal_contact: bool


class ContactOut(Schema):
    seeker: int
    name: str
    phone: str


class ShareIn(InputSchema):
    consent_note: str


def _seeker(user, seeker_id):
    if seeker_id is None and selectors.is_staff(user):
        message = _("工作人员须指定求职者（seeker_id）")
        raise ApiError(400, message, [("seeker_id", message)], code="bad_request")
    return selectors.seeker_for(user, seeker_id)


def _job(card) -> dict:
    p = card.posting
    return {
        "posting": p.pk,
        "title": p.title,
        "enterprise": p.enterprise.name,
        "work_region": p.work_region.name,
        "wage_min": p.wage_min,
        "wage_max": p.wage_max,
        "board": p.board,
        "lodging": p.lodging,
        "disability_friendly": p.disability_friendly,
        "vacancies": p.vacancies,
        "score": round(card.score, 4),
        "reasons": localized(card.reasons),
        "interested": card.interested,
    }


@router.get(
    "/for-me",
    response={200: list[JobOut], **ERRORS},
    summary="Jobs for you: a seeker's recommended open postings with reasons (staff: seeker_id)",
)
def for_me(request, seeker_id: DbId | None = None, top: int = Query(selectors.JOBS_FOR_YOU, ge=1, le=100)):
    seeker = _seeker(request.auth, seeker_id)
    return [_job(c) for c in selectors.jobs_for_seeker(seeker, k=top)]


@router.post(
    "/for-me/{posting_id}/interest",
    response={200: InterestOut, **WITH_CLOSED},
    summary="I'm interested: record an employment intention for this posting (idempotent)",
)
def for_me_interest(request, posting_id: DbId, payload: InterestIn | None = None):
    payload = payload or InterestIn()
    seeker = _seeker(request.auth, payload.seeker_id)
    try:
        posting = selectors.open_posting_for_seeker(posting_id)
        application = services.interest_express(
            actor=request.auth, seeker=seeker, posting=posting, consent_note=payload.consent_note
        )
    except selectors.PostingNotOpen as e:
        raise _not_open(e) from None
    return {
        "seeker": seeker.pk,
        "posting": posting.pk,
        "application": getattr(application, "pk", None),
        "interested": True,
    }


def _posting(request, posting_id: int):
    posting = selectors.posting_for_candidates(request.auth, posting_id)
    try:
        selectors.ensure_open(posting)
    except selectors.PostingNotOpen as e:
        raise _not_open(e) from None
    return posting


class CandidatePageOut(Schema):
    items: list[CandidateOut]
    next_offset: int | None  # where the next page starts; null when the ranking ended on this page


@router.get(
    "/postings/{posting_id}/candidates",
    response={200: CandidatePageOut, **WITH_CLOSED},
    summary="Candidates for this post: ranked, with reasons, filters and masked contacts",
)
def posting_candidates(
    request,
    posting_id: DbId,
    filters: Query[CandidateQuery],
    limit: int = Query(selectors.PAGE_SIZE, ge=1, le=50),
    offset: int = Query(0, ge=0, le=selectors.MAX_CANDIDATES - 1),
):
    try:
        parsed = parse_candidate_filters(filters.model_dump())
    except FilterError as e:
        raise _bad_filter(e) from None
    posting = _posting(request, posting_id)
    # Ranked only as deep as asked (offset + limit), so the first page can come from stored lists.
    depth = min(offset + limit, selectors.MAX_CANDIDATES)
    try:
        rows = selectors.candidates(request.auth, posting, parsed, limit=depth)
    except FilterError as e:
        raise _bad_filter(e) from None
    items = [
        {
            "seeker": r.seeker.pk,
            "name": r.name,
            "phone": r.phone,
            "km": None if r.km is None else round(r.km, 1),
            "priority_groups": r.groups,
            "score": round(r.score, 4),
            "reasons": localized(r.reasons),
            "interested": r.interested,
            "can_reveal_contact": r.can_reveal,
        }
        for r in rows[offset:]
    ]
    more = len(rows) == depth and depth < selectors.MAX_CANDIDATES
    return {"items": items, "next_offset": depth if more else None}


@router.post(
    "/postings/{posting_id}/candidates/{seeker_id}/contact",
    response={200: ContactOut, **ERRORS},
    summary="A candidate's name and phone in clear, when allowed (audited)",
)
def candidate_contact(request, posting_id: DbId, seeker_id: DbId, response: HttpResponse):
    posting = selectors.posting_for_candidates(request.auth, posting_id)
    response["Cache-Control"] = "no-store"
    return services.contact_reveal(actor=request.auth, posting=posting, seeker_id=seeker_id, request=request)


@router.post(
    "/postings/{posting_id}/candidates/{seeker_id}/share",
    response={200: InterestOut, **WITH_CLOSED},
    summary="Pass a candidate on to the enterprise with their consent (staff)",
)
def candidate_share(request, posting_id: DbId, seeker_id: DbId, payload: ShareIn):
    posting = _posting(request, posting_id)
    try:
        application = services.contact_share(
            actor=request.auth, posting=posting, seeker_id=seeker_id, consent_note=payload.consent_note
        )
    except selectors.PostingNotOpen as e:
        raise _not_open(e) from None
    return {
        "seeker": seeker_id,
        "posting": posting.pk,
        "application": getattr(application, "pk", None),
        "interested": True,
    }
