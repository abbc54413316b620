"""Reads: the process-wide coder, built once from the occupation table, and coding titles with it.

The base index (names, CSCO aliases, keywords, embeddings) is built once per process; clerks'
corrections are a small overlay re-read on every call, so a correction saved in one worker is
honoured by every other worker on its next request.
"""

import os
import threading

from django.conf import settings

from jobbridge.core.models import Occupation, OccupationAlias
from jobbridge.jobtitles.coder import Coder, Occupations, Suggestion, read_keywords
from jobbridge.jobtitles.validation import check_title

_lock = threading.Lock()
_state: dict = {}


def semantic_enabled() -> bool:
    """On unless JOBBRIDGE_TITLES_SEMANTIC=0 (a box too small for the encoder's 30 MB of weights)."""
    return getattr(settings, "JOBTITLES_SEMANTIC", os.environ.get("JOBBRIDGE_TITLES_SEMANTIC", "1") != "0")


def _build() -> Coder:
    from jobbridge.jobtitles.semantic import Encoder

    table = Occupations(
        rows=list(Occupation.objects.values_list("code", "level", "name")),
        aliases=list(
            OccupationAlias.objects.filter(source=OccupationAlias.Source.CSCO).values_list(
                "occupation_id", "alias"
            )
        ),
        keywords=read_keywords(),
    )
    encoder = Encoder(threads=1) if semantic_enabled() else None
    return Coder(table, encoder=encoder, cache_dir=settings.VAR_DIR / "jobtitles")


def get_coder() -> Coder:
    with _lock:
        coder = _state.get("coder")
        if coder is None:
            coder = _state["coder"] = _build()
        # Re-read on every call (one small query): a count or max-id check could miss a
        # correction that replaced another under a reused id. Oldest first: the latest wins.
        clerk = tuple(
            OccupationAlias.objects.filter(source=OccupationAlias.Source.CLERK)
            .order_by("id")
            .values_list("alias", "occupation_id")
        )
        if _state.get("clerk") != clerk:
            coder.set_clerk_aliases(dict(clerk))
            _state["clerk"] = clerk
        return coder


def reset_coder() -> None:
    """Forget the built index (after reloading the occupation table)."""
    with _lock:
        _state.clear()


def code_title(title: str, *, top: int = 5) -> list[Suggestion]:
    return get_coder().code(check_title(title), top)


def code_titles(titles: list[str], *, top: int = 5) -> list[list[Suggestion]]:
    """Titles already checked (see validation.check_title); codes them in one batch."""
    return get_coder().code_many(titles, top)
