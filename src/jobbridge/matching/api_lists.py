"""The first recommendation endpoints, which live under the people and employers paths:
``GET /api/seekers/{id}/recommendations`` and the deprecated ``GET /api/postings/{id}/candidates``.

They are matching's, so they are written here; the API assembly (``api/main.py``) mounts
``seekers_router`` at /seekers and ``postings_router`` at /postings beside the people and
employers routers, keeping the paths, tags, operation ids and JSON they were published with.
The lists with filters, pages and masked contacts are in ``api_surfaces.py``."""

from ninja import Query, Router

from jobbridge.core.access import scoped_get
from jobbridge.core.apikit import ERRORS
from jobbridge.employers.models import Posting
from jobbridge.people.models import Seeker

from . import lean
from .schemas import MatchOut
from .selectors import candidates_for_posting, recommend_for_seeker

seekers_router = Router(tags=["seekers"])
postings_router = Router(tags=["postings"])


@seekers_router.get(
    "/{seeker_id}/recommendations",
    response={200: list[MatchOut], **ERRORS},
    summary="Best open postings for this seeker, with reasons",
    auth=lean.AUTH,
)
def seeker_recommendations(request, seeker_id: int, top: int = Query(10, ge=1, le=100)):
    if lean.enabled():  # the same answer in two queries (matching.lean)
        return lean.recommendations_response(request, seeker_id, top)
    seeker = scoped_get(Seeker.objects.visible_to(request.auth), pk=seeker_id)
    matches = recommend_for_seeker(seeker, k=top)
    titles = dict(Posting.objects.filter(pk__in=[m.posting_id for m in matches]).values_list("pk", "title"))
    return [m.as_dict() | {"label": titles[m.posting_id]} for m in matches]


@postings_router.get(
    "/{posting_id}/candidates",
    response={200: list[MatchOut], **ERRORS},
    deprecated=True,
    summary="Best job seekers for this posting among those the caller may see, with reasons",
    description="Superseded by GET /api/matching/postings/{posting_id}/candidates (filters, pages, "
    "masked contacts, interest); kept for scripts written against it.",
)
def posting_candidates(request, posting_id: int, top: int = Query(10, ge=1, le=100)):
    user = request.auth
    posting = scoped_get(
        Posting.objects.visible_to(user).select_related("enterprise", "occupation", "work_region"),
        pk=posting_id,
    )
    # Recruiters see no seeker register (applicants come through placements): an empty list.
    matches = candidates_for_posting(posting, Seeker.objects.visible_to(user), k=top)
    labels = {
        pk: f"{name} {masked}"
        for pk, name, masked in Seeker.objects.filter(pk__in=[m.seeker_id for m in matches]).values_list(
            "pk", "name", "id_masked"
        )
    }
    return [m.as_dict() | {"label": labels[m.seeker_id]} for m in matches]
