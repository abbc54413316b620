"""API of job-title coding (mounted at /api/jobtitles/): top suggestions for a title or a batch,
and a clerk's correction remembered as an alias. Thin over selectors/services, like the CLI and
the page. Any signed-in user may ask for suggestions (recruiters type titles too); only staff
may record a correction."""

from ninja import Query, Router, Schema
from pydantic import Field

from jobbridge.core.apikit import ERRORS, InputSchema

from . import selectors, services
from .validation import MAX_BATCH, MAX_TOP, check_title, check_top

router = Router(tags=["jobtitles"])


class SuggestionOut(Schema):
    code: str
    name: str
    score: float  # confidence in [0, 1] that this code is the right one


class CodedOut(Schema):
    title: str
    suggestions: list[SuggestionOut]


class BatchIn(InputSchema):
    titles: list[str] = Field(..., min_length=1, max_length=MAX_BATCH)
    top: int = Field(5, ge=1, le=MAX_TOP)


class AliasIn(InputSchema):
    title: str
    code: str


class AliasOut(Schema):
    id: int
    title: str
    code: str
    name: str


@router.get(
    "/code",
    response={200: CodedOut, **ERRORS},
    summary="Top suggestions (CSCO 2022 code, name, confidence) for one job title",
)
def code_one(request, title: str = Query(...), top: int = Query(5)):
    check_top(top)
    title = check_title(title)
    return {"title": title, "suggestions": [s.as_dict() for s in selectors.code_title(title, top=top)]}


@router.post(
    "/code",
    response={200: list[CodedOut], **ERRORS},
    summary="Code a batch of job titles (at most 1,000), answers in the order given",
)
def code_batch(request, payload: BatchIn):
    titles = [check_title(t, field=f"titles.{i}") for i, t in enumerate(payload.titles)]
    coded = selectors.code_titles(titles, top=payload.top)
    return [{"title": t, "suggestions": [s.as_dict() for s in c]} for t, c in zip(titles, coded, strict=True)]


@router.post(
    "/aliases",
    response={200: AliasOut, **ERRORS},
    summary="Record a clerk's correction: this title means this occupation (staff; audited)",
)
def alias_record(request, payload: AliasIn):
    row = services.title_alias_record(
        actor=request.auth, title=payload.title, code=payload.code, request=request
    )
    return {"id": row.pk, "title": row.alias, "code": row.occupation_id, "name": row.occupation.name}
