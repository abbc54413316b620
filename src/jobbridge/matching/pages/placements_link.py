"""The one place the matching pages touch the placements app: an employment intention is an
``Application`` there, created through its service (scope, consent and idempotency are its rules).
"""

from jobbridge.placements.models import CONSENTED_SOURCES, Application
from jobbridge.placements.services import application_create


def posting_ids_applied(seeker, posting_ids) -> set[int]:
    """Of ``posting_ids``, those ``seeker`` has a live application for (a refused or withdrawn one
    no longer counts: the card offers "I'm interested" again)."""
    if not posting_ids:
        return set()
    qs = Application.objects.live().filter(seeker=seeker, posting_id__in=list(posting_ids))
    return set(qs.values_list("posting_id", flat=True))


def seeker_ids_applied(posting, seeker_ids=None) -> set[int]:
    """People with a live application for ``posting`` that carries their consent: they came
    forward (or a commissioner passed them on with their consent), so the enterprise may see who
    they are and call them. An invitation by the enterprise is not consent; a withdrawal or a
    refusal ends the application and with it the right to call."""
    qs = Application.objects.live().filter(posting=posting, source__in=CONSENTED_SOURCES)
    if seeker_ids is not None:
        qs = qs.filter(seeker_id__in=list(seeker_ids))
    return set(qs.values_list("seeker_id", flat=True))


def create_application(*, seeker, posting, actor, source: str, consent_note: str = "") -> Application:
    return application_create(
        seeker=seeker, posting=posting, actor=actor, source=source, consent_note=consent_note
    )


def applicants_query(posting):
    """The same people as a subquery, for filtering a seeker queryset in the database."""
    return (
        Application.objects.live().filter(posting=posting, source__in=CONSENTED_SOURCES).values("seeker_id")
    )
