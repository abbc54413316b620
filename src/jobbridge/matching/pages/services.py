"""Writes behind the matching pages: "I'm interested", revealing a candidate's phone, and a
commissioner passing a person on to the enterprise with their consent."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jobbridge.core.errors import FieldError, ServiceError
from jobbridge.core.models import Role
from jobbridge.employers.models import Posting
from jobbridge.people.models import Seeker
from jobbridge.people.services import number_reveal

from . import placements_link
from .selectors import applicant_ids, candidate_pool, contact_allowed, ensure_open, is_staff


def interest_express(*, actor, seeker: Seeker, posting: Posting, consent_note: str = ""):
    """Record that ``seeker`` wants ``posting`` (an Application in state "intention").

    The seeker taps it themself (source "seeker"); staff tapping for them record how the person
    agreed (source "commissioner", ``consent_note`` required by the placements service)."""
    ensure_open(posting)
    if actor.role == Role.SEEKER and not actor.is_superuser:
        return placements_link.create_application(
            seeker=seeker, posting=posting, actor=actor, source="seeker"
        )
    if not is_staff(actor):
        raise PermissionDenied(_("仅求职者本人或工作人员可登记求职意向"))
    if not (consent_note or "").strip():
        raise ServiceError([FieldError("consent_note", _("代为登记意向须注明本人如何同意（如：电话确认）"))])
    return placements_link.create_application(
        seeker=seeker, posting=posting, actor=actor, source="commissioner", consent_note=consent_note.strip()
    )


def _candidate(actor, posting: Posting, seeker_id: int) -> Seeker:
    from django.http import Http404

    seeker = candidate_pool(actor, posting).filter(pk=seeker_id).first()
    if seeker is None:
        raise Http404(_("求职者不存在或无权访问"))
    return seeker


def contact_reveal(*, actor, posting: Posting, seeker_id: int, request=None) -> dict:
    """The candidate's name and phone in clear, audited, if ``actor`` may see them (``contact_allowed``)."""
    seeker = _candidate(actor, posting, seeker_id)
    if not contact_allowed(actor, posting, seeker.pk, applicant_ids(posting, [seeker.pk])):
        if is_staff(actor):
            raise PermissionDenied(_("无权查看完整手机号"))
        raise PermissionDenied(_("求职者表达意向或专员推荐后才能查看联系方式"))
    # Staff by their permission; an enterprise by the person's consent (checked just above).
    numbers = number_reveal(
        actor=actor, seeker=seeker, fields=["phone"], consented=not is_staff(actor), request=request
    )
    return {"seeker": seeker.pk, "name": seeker.name, "phone": numbers["phone"]}


def contact_share(*, actor, posting: Posting, seeker_id: int, consent_note: str):
    """A commissioner passes a person on to the enterprise (who may then see the phone): an
    Application of source "commissioner", with how the person agreed."""
    if not is_staff(actor):
        raise PermissionDenied(_("仅工作人员可推荐求职者"))
    seeker = _candidate(actor, posting, seeker_id)
    return interest_express(actor=actor, seeker=seeker, posting=posting, consent_note=consent_note)
