"""Retention follow-ups: scheduled on arrival, assigned, listed (today, missed), recorded."""

import datetime as dt

import pytest
from django.utils import timezone

from jobbridge.core.errors import ServiceError
from jobbridge.placements.models import FollowUp, State
from jobbridge.placements.selectors import due_followups, missed_by_others, panel_stats, panel_stats_direct
from jobbridge.placements.services import application_move, followup_record
from tests.factories import LEDU, SeekerFactory, UserFactory
from tests.placements.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today


def arrive(app, actor, on):
    return application_move(application=app, actor=actor, to_state=State.ARRIVED, on=on)


def test_arrival_schedules_three_checks_for_the_grids_commissioner(seeker, commissioner, clerk):
    app = ApplicationFactory(seeker=seeker, state=State.HIRED, hired_on=dt.date(2024, 3, 1))
    arrive(app, clerk, dt.date(2024, 3, 4))
    rows = list(app.followups.values_list("days", "due_on", "responsible_user", "responsible_region"))
    assert rows == [
        (30, dt.date(2024, 4, 3), commissioner.pk, LEDU),
        (90, dt.date(2024, 6, 2), commissioner.pk, LEDU),
        (180, dt.date(2024, 8, 31), commissioner.pk, LEDU),
    ]


def test_without_a_commissioner_the_county_bureau_answers(clerk):
    seeker = SeekerFactory(grid=None)
    app = ApplicationFactory(seeker=seeker, state=State.HIRED, hired_on=dt.date(2024, 3, 1))
    arrive(app, clerk, dt.date(2024, 3, 1))
    assert set(app.followups.values_list("responsible_user", "responsible_region")) == {(None, LEDU)}
    assert len(due_followups(clerk).missed) == 3  # 2024 is long past: all missed
    assert due_followups(UserFactory(role="bureau", region_id="630100")).as_list() == []


def test_today_and_missed_lists(seeker, commissioner, clerk):
    today = timezone.localdate()
    app = ApplicationFactory(seeker=seeker, state=State.HIRED, hired_on=today - dt.timedelta(days=95))
    arrive(app, clerk, today - dt.timedelta(days=90))
    due = due_followups(commissioner)
    assert [f.days for f in due.missed] == [30] and [f.days for f in due.today] == [90]
    assert due.upcoming == []
    # The bureau's own list holds only checks nobody else holds; the commissioner's missed one
    # shows above them, for supervision.
    assert due_followups(clerk).as_list() == []
    assert [f.days for f in missed_by_others(clerk)] == [30]
    assert missed_by_others(UserFactory(role="bureau", region_id="630100")) == []


def test_recording_checks_moves_the_state_and_leaving_cancels_the_rest(seeker, commissioner, clerk):
    today = timezone.localdate()
    app = ApplicationFactory(seeker=seeker, state=State.HIRED, hired_on=today - dt.timedelta(days=100))
    arrive(app, clerk, today - dt.timedelta(days=95))
    f30, f90, f180 = app.followups.order_by("days")
    with pytest.raises(ServiceError) as exc:  # out of order: names both states
        followup_record(followup=f90, actor=commissioner, still_employed=True)
    assert "arrived" in str(exc.value) and "retained_90" in str(exc.value)
    followup_record(followup=f30, actor=commissioner, still_employed=True, note="在岗，适应良好")
    app.refresh_from_db()
    assert app.state == State.RETAINED_30
    with pytest.raises(ServiceError) as exc:
        followup_record(followup=f30, actor=commissioner, still_employed=True)
    assert "retained_30" in str(exc.value)
    with pytest.raises(ServiceError) as exc:
        followup_record(followup=f90, actor=commissioner, still_employed=False)
    assert exc.value.errors[0].field == "reason"
    followup_record(
        followup=f90, actor=commissioner, still_employed=False, reason="family", note="回家照顾老人"
    )
    app.refresh_from_db()
    f180.refresh_from_db()
    assert (app.state, app.reason) == (State.LEFT, "family")
    assert f180.cancelled and f180.done_on is None
    assert due_followups(commissioner).as_list() == []
    # The panel counts checks in the month they fell due.
    stats = panel_stats(clerk, region=LEDU, month=f"{f30.due_on:%Y-%m}")
    assert stats["retention"]["30"] == {"checked": 1, "retained": 1, "rate": 1.0}
    assert panel_stats(clerk, region=LEDU, month=f"{f90.due_on:%Y-%m}")["retention"]["90"]["rate"] == 0.0
    assert panel_stats(clerk, region=LEDU, month=f"{f180.due_on:%Y-%m}")["retention"]["180"] == {
        "checked": 1,
        "retained": 0,
        "rate": 0.0,
    }  # cancelled by the departure: not retained


def test_a_check_before_it_is_due_is_refused(seeker, commissioner, clerk):
    today = timezone.localdate()
    app = ApplicationFactory(seeker=seeker, state=State.HIRED, hired_on=today)
    arrive(app, clerk, today)
    with pytest.raises(ServiceError) as exc:
        followup_record(followup=app.followups.get(days=30), actor=commissioner, still_employed=True)
    assert "未到30天回访日期" in str(exc.value)


def test_a_retention_check_on_a_withdrawn_application_is_refused(seeker, commissioner):
    app = ApplicationFactory(seeker=seeker, state=State.WITHDRAWN)
    stray = FollowUp.objects.create(
        application=app,
        days=30,
        due_on=dt.date(2024, 1, 1),
        responsible_user=commissioner,
        responsible_region_id=LEDU,
    )
    with pytest.raises(ServiceError) as exc:
        followup_record(followup=stray, actor=commissioner, still_employed=True)
    assert "已撤回（withdrawn）" in str(exc.value) and "不能记录稳岗回访" in str(exc.value)
    with pytest.raises(ServiceError) as exc:
        application_move(application=app, actor=commissioner, to_state=State.RETAINED_30)
    assert "withdrawn" in str(exc.value) and "retained_30" in str(exc.value)


def test_recruiters_and_seekers_do_not_record_checks(seeker, seeker_user, posting, recruiter, clerk):
    app = ApplicationFactory(seeker=seeker, posting=posting, state=State.HIRED, hired_on=dt.date(2024, 1, 1))
    arrive(app, recruiter, dt.date(2024, 1, 2))
    f30 = app.followups.get(days=30)
    for actor in (recruiter, seeker_user):
        with pytest.raises(ServiceError):
            followup_record(followup=f30, actor=actor, still_employed=True)
    followup_record(followup=f30, actor=clerk, still_employed=True, on=dt.date(2024, 2, 5))
    f30.refresh_from_db()
    assert (f30.done_on, f30.done_by, f30.still_employed) == (dt.date(2024, 2, 5), clerk, True)


def test_panel_counts_the_regions_moves_and_hires_in_scope(seeker, posting, commissioner, clerk, recruiter):
    from jobbridge.placements.services import application_create

    today = timezone.localdate()
    app = application_create(
        seeker=seeker, posting=posting, actor=commissioner, source="commissioner", consent_note="同意"
    )
    for state in (State.CONTACTED, State.INTERVIEW, State.OFFER, State.HIRED):
        application_move(application=app, actor=recruiter, to_state=state)
    admin = UserFactory(admin=True)
    xining = SeekerFactory(hukou_region_id="630102001", residence_region_id="630102001")
    application_create(
        seeker=xining, posting=posting, actor=admin, source="commissioner", consent_note="同意"
    )
    other_grid = SeekerFactory()  # Ledu, no grid: the clerk's, not the commissioner's
    application_create(
        seeker=other_grid, posting=posting, actor=admin, source="commissioner", consent_note="同意"
    )
    month = f"{today:%Y-%m}"
    stats = panel_stats(clerk, region=LEDU, month=month)  # a bureau in its subtree: from the rollup
    assert stats == panel_stats_direct(clerk, region=LEDU, month=month)
    assert stats["by_state"]["intention"] == 2 and stats["by_state"]["hired"] == 1
    assert stats["hires"] == 1 and stats["median_days_to_hire"] == 0
    mine = panel_stats(commissioner, region=LEDU, month=month)
    assert mine["by_state"]["intention"] == 1 and mine["hires"] == 1
    province = panel_stats(UserFactory(role="bureau", region_id="630000"), region=None, month=month)
    assert province["region"] == "630000" and province["by_state"]["intention"] == 3
    assert panel_stats(admin, region="630000", month=month) == province
