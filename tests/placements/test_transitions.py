"""The transition table walked exhaustively, who may make which move, hires, obsolescence."""

import datetime as dt

import pytest
from django.utils import timezone

from jobbridge.core.errors import ServiceError
from jobbridge.employers.models import Posting
from jobbridge.placements.models import Application, ApplicationEvent, FollowUp, State
from jobbridge.placements.services import application_create, application_move
from jobbridge.placements.transitions import MOVERS, RETENTION, TRANSITIONS, allowed_moves
from tests.factories import LEDU, PostingFactory, UserFactory
from tests.placements.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

FORWARD = [State.CONTACTED, State.INTERVIEW, State.OFFER, State.HIRED, State.ARRIVED]


def message(exc) -> str:
    return "; ".join(e.message for e in exc.value.errors)


def test_table_is_complete_and_terminal_states_lead_nowhere():
    assert set(TRANSITIONS) == set(State.values)
    assert set(MOVERS) == set(State.values) - {State.INTENTION}
    for state in (State.REFUSED, State.WITHDRAWN, State.OBSOLETE, State.LEFT, State.RETAINED_180):
        assert TRANSITIONS[state] == ()


@pytest.mark.parametrize("from_state", State.values)
@pytest.mark.parametrize("to_state", State.values)
def test_every_pair_is_allowed_exactly_when_the_table_says(from_state, to_state, seeker, clerk):
    """Staff in scope may make every move but obsolete (the system's); the rest are refused
    with both states named."""
    app = ApplicationFactory(
        seeker=seeker, state=from_state, hired_on=dt.date(2020, 1, 1), arrived_on=dt.date(2020, 1, 1)
    )
    legal = to_state in TRANSITIONS[from_state] and to_state != State.OBSOLETE
    kwargs = {"reason": "wage"} if to_state in (State.REFUSED, State.LEFT) else {}
    if to_state in RETENTION:  # a retention move records its (due) follow-up check
        FollowUp.objects.create(
            application=app, days=RETENTION[to_state], due_on=dt.date(2020, 1, 1), responsible_region_id=LEDU
        )
    if legal:
        application_move(application=app, actor=clerk, to_state=to_state, **kwargs)
        app.refresh_from_db()
        assert app.state == to_state
        assert ApplicationEvent.objects.filter(
            application=app, from_state=from_state, to_state=to_state, actor=clerk
        ).exists()
    else:
        with pytest.raises(ServiceError) as exc:
            application_move(application=app, actor=clerk, to_state=to_state, **kwargs)
        app.refresh_from_db()
        assert app.state == from_state
        text = message(exc)
        assert from_state in text and to_state in text


def test_full_path_records_who_when_why(seeker, seeker_user, posting, recruiter, commissioner):
    app = application_create(seeker=seeker, posting=posting, actor=seeker_user, source="seeker")
    for state in FORWARD:
        app = application_move(application=app, actor=recruiter, to_state=state, note=f"到{state}")
    history = list(app.events.values_list("from_state", "to_state", "actor__username", "note"))
    assert history[0] == ("", "intention", "zhangsan", "求职者本人")
    assert [h[1] for h in history[1:]] == FORWARD
    assert all(h[2] == "hr" for h in history[1:]) and history[-1][3] == "到arrived"
    assert app.hired_on == app.arrived_on == timezone.localdate()
    assert app.followups.count() == 3


@pytest.mark.parametrize(
    "role, to_state, ok",
    [
        ("seeker", State.WITHDRAWN, True),
        ("seeker", State.CONTACTED, False),
        ("recruiter", State.CONTACTED, True),
        ("recruiter", State.WITHDRAWN, False),
        ("recruiter", State.REFUSED, True),
        ("commissioner", State.CONTACTED, True),
        ("commissioner", State.WITHDRAWN, True),
        ("clerk", State.REFUSED, True),
        ("outsider", State.CONTACTED, False),
        ("other_recruiter", State.CONTACTED, False),
        ("other_seeker", State.WITHDRAWN, False),
        ("wuxi_clerk", State.CONTACTED, True),  # the receiving county sees its employers' pipeline
        ("xining_clerk", State.CONTACTED, False),
    ],
)
def test_permission_and_scope_matrix(role, to_state, ok, request, seeker, posting):
    users = {
        "seeker": lambda: request.getfixturevalue("seeker_user"),
        "recruiter": lambda: request.getfixturevalue("recruiter"),
        "commissioner": lambda: request.getfixturevalue("commissioner"),
        "clerk": lambda: request.getfixturevalue("clerk"),
        "outsider": lambda: request.getfixturevalue("outsider"),
        "other_recruiter": lambda: UserFactory(recruiter=True, enterprise=PostingFactory().enterprise),
        "other_seeker": lambda: UserFactory(seeker=True),
        "wuxi_clerk": lambda: UserFactory(role="bureau", region_id="320200"),
        "xining_clerk": lambda: UserFactory(role="bureau", region_id="630100"),
    }
    actor = users[role]()
    app = ApplicationFactory(seeker=seeker, posting=posting)
    kwargs = {"reason": "requirements"} if to_state == State.REFUSED else {}
    if ok:
        application_move(application=app, actor=actor, to_state=to_state, **kwargs)
        assert Application.objects.get(pk=app.pk).state == to_state
    else:
        with pytest.raises(ServiceError) as exc:
            application_move(application=app, actor=actor, to_state=to_state, **kwargs)
        assert "无权" in message(exc)
        assert Application.objects.get(pk=app.pk).state == State.INTENTION


def test_refusal_needs_a_coded_reason_and_other_needs_text(seeker, posting, recruiter):
    app = ApplicationFactory(seeker=seeker, posting=posting)
    with pytest.raises(ServiceError) as exc:
        application_move(application=app, actor=recruiter, to_state=State.REFUSED)
    assert "wage" in message(exc) and "no_reply" in message(exc)
    with pytest.raises(ServiceError) as exc:
        application_move(application=app, actor=recruiter, to_state=State.REFUSED, reason="other")
    assert exc.value.errors[0].field == "note"
    application_move(
        application=app, actor=recruiter, to_state=State.REFUSED, reason="other", note="已去读书"
    )
    app.refresh_from_db()
    assert (app.state, app.reason) == (State.REFUSED, "other")
    with pytest.raises(ServiceError):
        application_move(
            application=ApplicationFactory(seeker=seeker), actor=recruiter, to_state="hired_maybe"
        )


def test_hire_obsoletes_the_persons_other_open_applications(seeker, posting, recruiter):
    app = ApplicationFactory(seeker=seeker, posting=posting, state=State.OFFER)
    others = [ApplicationFactory(seeker=seeker, state=s) for s in (State.INTENTION, State.INTERVIEW)]
    done = ApplicationFactory(seeker=seeker, state=State.REFUSED)
    application_move(application=app, actor=recruiter, to_state=State.HIRED)
    for other in others:
        other.refresh_from_db()
        assert other.state == State.OBSOLETE
        assert "自动失效" in other.events.get().note
    done.refresh_from_db()
    assert done.state == State.REFUSED
    posting.refresh_from_db()
    assert posting.filled == 1 and allowed_moves(State.OBSOLETE, recruiter) == []


def test_last_vacancy_marks_the_posting_filled_and_a_further_hire_is_refused(seeker, posting, recruiter):
    Posting.objects.filter(pk=posting.pk).update(filled=2)
    application_move(
        application=ApplicationFactory(seeker=seeker, posting=posting, state=State.OFFER),
        actor=recruiter,
        to_state=State.HIRED,
    )
    posting.refresh_from_db()
    assert (posting.filled, posting.status) == (3, Posting.Status.FILLED)
    with pytest.raises(ServiceError) as exc:
        application_move(
            application=ApplicationFactory(posting=posting, state=State.OFFER),
            actor=recruiter,
            to_state=State.HIRED,
        )
    assert "已招满" in message(exc) and "招聘3人" in message(exc)


def test_a_person_hired_elsewhere_the_same_day_is_refused(seeker, posting, clerk):
    ApplicationFactory(seeker=seeker, state=State.ARRIVED, hired_on=timezone.localdate())
    app = ApplicationFactory(seeker=seeker, posting=posting, state=State.OFFER)
    with pytest.raises(ServiceError) as exc:
        application_move(application=app, actor=clerk, to_state=State.HIRED)
    assert "同一天" in message(exc)
    posting.refresh_from_db()
    assert posting.filled == 0


def test_a_person_hired_and_not_yet_arrived_elsewhere_is_refused(seeker, posting, clerk):
    ApplicationFactory(seeker=seeker, state=State.HIRED, hired_on=dt.date(2020, 5, 1))
    app = ApplicationFactory(seeker=seeker, posting=posting, state=State.OFFER)
    with pytest.raises(ServiceError) as exc:
        application_move(application=app, actor=clerk, to_state=State.HIRED)
    assert "尚未到岗" in message(exc)


def test_dates_in_the_future_and_arrival_before_hire_are_refused(seeker, posting, clerk):
    app = ApplicationFactory(seeker=seeker, posting=posting, state=State.OFFER)
    with pytest.raises(ServiceError) as exc:
        application_move(application=app, actor=clerk, to_state=State.HIRED, on=dt.date(2999, 1, 1))
    assert exc.value.errors[0].field == "on"
    application_move(application=app, actor=clerk, to_state=State.HIRED, on=dt.date(2024, 3, 1))
    with pytest.raises(ServiceError) as exc:
        application_move(application=app, actor=clerk, to_state=State.ARRIVED, on=dt.date(2024, 2, 1))
    assert "不能早于录用日期" in message(exc)


def test_stale_state_is_reread_inside_the_transaction(seeker, posting, recruiter, seeker_user):
    app = ApplicationFactory(seeker=seeker, posting=posting)
    stale = Application.objects.get(pk=app.pk)
    application_move(application=app, actor=seeker_user, to_state=State.WITHDRAWN)
    with pytest.raises(ServiceError) as exc:
        application_move(application=stale, actor=recruiter, to_state=State.CONTACTED)
    assert "withdrawn" in message(exc)


@pytest.mark.parametrize(
    "source, channel",
    [("commissioner", "bureau"), ("fair", "fair"), ("seeker", "platform"), ("recruiter", "platform")],
)
def test_a_hire_writes_its_transfer_in_the_same_transaction(seeker, posting, recruiter, source, channel):
    from jobbridge.transfers.models import Transfer

    app = ApplicationFactory(seeker=seeker, posting=posting, state=State.OFFER, source=source)
    application_move(application=app, actor=recruiter, to_state=State.HIRED, on=dt.date(2024, 3, 1))
    t = Transfer.objects.get(application_id=app.pk)
    assert (t.seeker_id, t.transferred_on, t.channel, t.destination_region_id, t.move_class) == (
        seeker.pk,
        dt.date(2024, 3, 1),
        channel,
        posting.work_region_id,
        "out_of_province",
    )


def test_a_hire_and_a_departure_change_the_person(seeker, posting, recruiter):
    """Issue 12: after a hire reached the ledger the seeker still read 未就业 and was counted and
    pushed as out of work."""
    from jobbridge.people.models import EmploymentStatus

    app = ApplicationFactory(seeker=seeker, posting=posting, state=State.OFFER)
    application_move(application=app, actor=recruiter, to_state=State.HIRED, on=dt.date(2024, 3, 1))
    seeker.refresh_from_db()
    assert (seeker.employment_status, seeker.employment_status_since) == (
        EmploymentStatus.EMPLOYED,
        dt.date(2024, 3, 1),
    )
    application_move(application=app, actor=recruiter, to_state=State.ARRIVED, on=dt.date(2024, 3, 3))
    application_move(
        application=app, actor=recruiter, to_state=State.LEFT, reason="wage", on=dt.date(2024, 4, 2)
    )
    seeker.refresh_from_db()
    assert (seeker.employment_status, seeker.employment_status_since) == (
        EmploymentStatus.UNEMPLOYED,
        dt.date(2024, 4, 2),
    )


def test_a_refused_hire_writes_no_transfer(seeker, posting, recruiter):
    from jobbridge.transfers.models import Transfer

    Posting.objects.filter(pk=posting.pk).update(filled=3)
    with pytest.raises(ServiceError):
        application_move(
            application=ApplicationFactory(seeker=seeker, posting=posting, state=State.OFFER),
            actor=recruiter,
            to_state=State.HIRED,
        )
    assert not Transfer.objects.exists()
