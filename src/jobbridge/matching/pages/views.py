"""Pages: a job seeker's "jobs for you" (mobile), and a posting's candidates (desktop, HTMX)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jobbridge.core.errors import ServiceError
from jobbridge.core.models import Role
from jobbridge.people.models import PriorityCriterion, Seeker

from . import selectors, services
from .filters import CandidateFilters, FilterError, parse_candidate_filters, parse_page
from .reasons import localized


def _seeker_param(request) -> int | None:
    raw = (request.POST.get("seeker") or request.GET.get("seeker") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Http404(_("求职者不存在或无权访问"))
    return int(raw)


def _cards(cards):
    for c in cards:
        c.reasons = localized(c.reasons)
    return cards


def for_me(request):
    """为你推荐: the seeker's recommended open postings (staff: ``?seeker=ID`` in their scope)."""
    if selectors.is_staff(request.user) and _seeker_param(request) is None:
        return render(request, "matching/for_me_pick.html", {})
    seeker_id = _seeker_param(request)
    if (
        request.user.role == Role.SEEKER
        and seeker_id is None
        and not Seeker.objects.visible_to(request.user).exists()
    ):
        # Signed in but not (or no longer) registered as a job seeker: say so instead of a bare 404.
        return render(request, "matching/for_me.html", {"seeker": None, "cards": [], "on_behalf": False})
    seeker = selectors.seeker_for(request.user, seeker_id)
    cards = _cards(selectors.jobs_for_seeker(seeker))
    return render(
        request,
        "matching/for_me.html",
        {
            "seeker": seeker,
            "cards": cards,
            "on_behalf": selectors.is_staff(request.user),
        },
    )


@require_POST
def interest(request, posting_id: int):
    """我感兴趣: one tap records an employment intention; HTMX swaps the card, else back to the list."""
    seeker = selectors.seeker_for(request.user, _seeker_param(request))
    error, status, posting = "", 200, None
    try:
        posting = selectors.open_posting_for_seeker(posting_id)
        services.interest_express(
            actor=request.user,
            seeker=seeker,
            posting=posting,
            consent_note=request.POST.get("consent_note", ""),
        )
    except selectors.PostingNotOpen as e:
        error, status, posting = e.message, 409, e.posting
    except ServiceError as e:
        error, status = "；".join(err.message for err in e.errors), 422
    if request.htmx:
        return render(
            request,
            "matching/_interest.html",
            {
                "posting_id": posting_id,
                "interested": not error,
                "error": error,
                "seeker": seeker,
                "on_behalf": selectors.is_staff(request.user),
            },
            status=status,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("已表达意向，就业服务专员和招聘单位会与您联系"))
    url = reverse("matching:for_me")
    return redirect(f"{url}?seeker={seeker.pk}" if selectors.is_staff(request.user) else url)


def _filters_or_error(request) -> tuple[CandidateFilters, int, FilterError | None]:
    try:
        filters = parse_candidate_filters(request.GET)
        page_no = parse_page(request.GET.get("page"))
    except FilterError as e:
        return CandidateFilters(), 1, e
    return filters, page_no, None


def _priority_choices(user, posting) -> list[tuple[str, str]]:
    shown = selectors.groups_shown(user, posting)
    return [(v, label) for v, label in PriorityCriterion.choices if shown is None or v in shown]


def candidates(request, posting_id: int):
    """本岗位候选人: ranked, with reasons, filters and masked contacts."""
    posting = selectors.posting_for_candidates(request.user, posting_id)
    filters, page_no, error = _filters_or_error(request)
    closed = ""
    try:
        selectors.ensure_open(posting)
    except selectors.PostingNotOpen as e:
        closed = e.message
    # Rank only as deep as this page: page n needs the best n × PAGE_SIZE.
    size = selectors.PAGE_SIZE
    page_no = min(page_no, selectors.MAX_CANDIDATES // size)
    depth = page_no * size
    rows = []
    if not (error or closed):
        try:
            rows = selectors.candidates(request.user, posting, filters, limit=depth)
        except FilterError as e:
            error = e
    shown = rows[depth - size :]
    for r in shown:
        r.reasons = localized(r.reasons)
    context = {
        "posting": posting,
        "rows": shown,
        "start": depth - size + 1,
        "end": depth - size + len(shown),
        "page_no": page_no,
        "has_next": len(rows) == depth and depth < selectors.MAX_CANDIDATES,
        "filters": filters,
        "error": error,
        "closed": closed,
        "query": urlencode(filters.as_query()),
        "priorities": _priority_choices(request.user, posting),
        "raw": request.GET,
        "is_staff": selectors.is_staff(request.user),
    }
    template = "matching/_candidates.html" if request.htmx else "matching/candidates.html"
    return render(request, template, context, status=400 if error else 200)


@never_cache  # a clear phone number: no browser or proxy keeps a copy (Cache-Control: no-store)
@require_POST
def contact(request, posting_id: int, seeker_id: int):
    """Reveal one candidate's phone (audited), when the viewer may see it."""
    posting = selectors.posting_for_candidates(request.user, posting_id)
    try:
        shown = services.contact_reveal(
            actor=request.user, posting=posting, seeker_id=seeker_id, request=request
        )
    except PermissionDenied as e:
        return render(
            request, "matching/_contact.html", {"error": str(e), "seeker_id": seeker_id}, status=403
        )
    return render(request, "matching/_contact.html", {"shown": shown, "seeker_id": seeker_id})


@require_POST
def share(request, posting_id: int, seeker_id: int):
    """A commissioner passes the person on to the enterprise, noting how they agreed."""
    posting = selectors.posting_for_candidates(request.user, posting_id)
    try:
        services.contact_share(
            actor=request.user,
            posting=posting,
            seeker_id=seeker_id,
            consent_note=request.POST.get("consent_note", ""),
        )
    except (ServiceError, selectors.PostingNotOpen) as e:
        message = (
            e.message if isinstance(e, selectors.PostingNotOpen) else "；".join(x.message for x in e.errors)
        )
        return render(
            request,
            "matching/_share.html",
            {"error": message, "posting": posting, "seeker_id": seeker_id},
            status=422,
        )
    return render(request, "matching/_share.html", {"done": True, "posting": posting, "seeker_id": seeker_id})
