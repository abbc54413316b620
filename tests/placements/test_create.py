"""application_create: sources, consent, idempotence, closed/expired/full postings, scope."""

import datetime as dt

import pytest

from jobbridge.core.errors import ServiceError
from jobbridge.employers.models import Posting
from jobbridge.placements.models import Application, State
from jobbridge.placements.services import application_create
from tests.factories import PostingFactory, SeekerFactory, UserFactory

pytestmark = pytest.mark.django_db


def fields(exc) -> dict:
    return {e.field: e.message for e in exc.value.errors}


def test_seeker_interest_creates_an_intention_with_its_first_event(seeker, seeker_user, posting):
    app = application_create(seeker=seeker, posting=posting, actor=seeker_user, source="seeker")
    assert app.created_now and app.state == State.INTENTION
    event = app.events.get()
    assert (event.from_state, event.to_state, event.actor) == ("", "intention", seeker_user)


def test_same_seeker_and_posting_twice_returns_the_open_application(
    seeker, seeker_user, posting, commissioner
):
    first = application_create(seeker=seeker, posting=posting, actor=seeker_user, source="seeker")
    again = application_create(seeker=seeker, posting=posting, actor=seeker_user, source="seeker")
    by_staff = application_create(
        seeker=seeker, posting=posting, actor=commissioner, source="commissioner", consent_note="电话确认"
    )
    assert again.pk == first.pk == by_staff.pk and not again.created_now
    assert Application.objects.count() == 1


def test_commissioner_needs_the_seekers_consent(seeker, posting, commissioner):
    with pytest.raises(ServiceError) as exc:
        application_create(seeker=seeker, posting=posting, actor=commissioner, source="commissioner")
    assert "本人同意" in fields(exc)["consent_note"]
    app = application_create(
        seeker=seeker,
        posting=posting,
        actor=commissioner,
        source="commissioner",
        consent_note=" 3月1日电话确认本人同意 ",
    )
    assert app.consent_note == "3月1日电话确认本人同意"


@pytest.mark.parametrize(
    "change, word",
    [
        ({"status": Posting.Status.CLOSED}, "已关闭"),
        ({"valid_until": dt.date(2020, 1, 1)}, "已过期"),
        ({"filled": 3, "status": Posting.Status.FILLED}, "已招满"),
        ({"filled": 3}, "已招满"),
        ({"valid_from": dt.date(2999, 1, 1)}, "尚未开始"),
    ],
)
def test_closed_expired_or_full_postings_are_refused(seeker, seeker_user, posting, change, word):
    Posting.objects.filter(pk=posting.pk).update(**change)
    with pytest.raises(ServiceError) as exc:
        application_create(seeker=seeker, posting=posting, actor=seeker_user, source="seeker")
    assert word in fields(exc)["posting"]


def test_actors_out_of_scope_are_refused(seeker, posting, outsider, recruiter):
    with pytest.raises(ServiceError) as exc:
        application_create(
            seeker=seeker, posting=posting, actor=outsider, source="commissioner", consent_note="x"
        )
    assert "服务范围" in fields(exc)["seeker"]
    other_seeker_user = UserFactory(seeker=True)
    with pytest.raises(ServiceError) as exc:
        application_create(seeker=seeker, posting=posting, actor=other_seeker_user, source="seeker")
    assert "本人" in fields(exc)["seeker"]
    # A recruiter cannot pull any register entry in by its ID...
    with pytest.raises(ServiceError):
        application_create(seeker=seeker, posting=posting, actor=recruiter, source="recruiter")
    # ...nor invite to another enterprise's posting.
    with pytest.raises(ServiceError) as exc:
        application_create(seeker=seeker, posting=PostingFactory(), actor=recruiter, source="recruiter")
    assert "本单位" in fields(exc)["posting"]


def test_recruiter_invites_a_known_candidate_to_another_post(seeker, seeker_user, posting, recruiter):
    application_create(seeker=seeker, posting=posting, actor=seeker_user, source="seeker")
    second = PostingFactory(enterprise=posting.enterprise, title="质检员")
    app = application_create(seeker=seeker, posting=second, actor=recruiter, source="recruiter")
    assert app.source == "recruiter" and app.created_by == recruiter


def test_bad_source_and_merged_seeker(seeker, seeker_user, posting, clerk):
    with pytest.raises(ServiceError) as exc:
        application_create(seeker=seeker, posting=posting, actor=seeker_user, source="walk-in")
    assert "source" in fields(exc)
    keep = SeekerFactory()
    dropped = SeekerFactory(merged_into=keep)
    with pytest.raises(ServiceError) as exc:
        application_create(seeker=dropped, posting=posting, actor=clerk, source="fair")
    assert "合并" in fields(exc)["seeker"]


def test_bureau_in_scope_may_register_at_a_fair(seeker, posting, clerk):
    app = application_create(seeker=seeker, posting=posting, actor=clerk, source="fair")
    assert app.source == "fair"
