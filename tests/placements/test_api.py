"""The placements API: create, transition, lists, board, follow-ups, panel; one error format."""

import datetime as dt

import pytest
from django.utils import timezone

from jobbridge.placements.models import Application, State
from tests.api.conftest import ApiClient
from tests.factories import LEDU, PostingFactory, UserFactory
from tests.placements.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def fields(response) -> dict[str, str]:
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def test_seeker_applies_twice_and_gets_one_application(seeker, seeker_user, posting):
    api = ApiClient(seeker_user)
    first = api.post("/api/placements/applications", {"posting_id": posting.pk})
    assert first.status_code == 201, first.content
    body = first.json()
    assert (
        body["state"] == "intention" and body["source"] == "seeker" and body["allowed_moves"] == ["withdrawn"]
    )
    assert body["events"][0]["to_state"] == "intention"
    assert "*" in body["seeker_label"]  # masked ID number
    again = api.post("/api/placements/applications", {"posting_id": posting.pk})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    mine = api.get("/api/placements/mine").json()
    assert [a["id"] for a in mine["items"]] == [body["id"]]


def test_commissioner_without_consent_gets_a_field_error(seeker, posting, commissioner):
    api = ApiClient(commissioner)
    r = api.post("/api/placements/applications", {"posting_id": posting.pk, "seeker_id": seeker.pk})
    assert r.status_code == 422 and "consent_note" in fields(r)
    r = api.post(
        "/api/placements/applications",
        {"posting_id": posting.pk, "seeker_id": seeker.pk, "consent_note": "本人当面同意"},
    )
    assert r.status_code == 201 and r.json()["source"] == "commissioner"


def test_bad_input_names_the_field(seeker, seeker_user, posting):
    api = ApiClient(seeker_user)
    assert "posting_id" in fields(api.post("/api/placements/applications", {"posting_id": 10**12}))
    assert "posting_id" in fields(api.post("/api/placements/applications", {"posting_id": "abc"}))
    assert "colour" in fields(
        api.post("/api/placements/applications", {"posting_id": posting.pk, "colour": 1})
    )
    r = ApiClient(UserFactory(seeker=True)).post("/api/placements/applications", {"posting_id": posting.pk})
    assert "seeker_id" in fields(r)  # an account with no seeker record


def test_transition_and_illegal_transition(seeker, posting, recruiter):
    app = ApplicationFactory(seeker=seeker, posting=posting)
    api = ApiClient(recruiter)
    url = f"/api/placements/applications/{app.pk}/transition"
    r = api.post(url, {"state": "contacted", "note": "已电话联系"})
    assert r.status_code == 200 and r.json()["state"] == "contacted"
    assert r.json()["events"][-1]["note"] == "已电话联系"
    r = api.post(url, {"state": "hired"})
    assert r.status_code == 422
    assert "contacted" in fields(r)["state"] and "hired" in fields(r)["state"]
    r = api.post(url, {"state": "flying"})
    assert r.status_code == 422 and "state" in fields(r)
    r = api.post(url, {"state": "refused", "reason": "wage"})
    assert r.json()["state"] == "refused" and r.json()["reason"] == "wage"


def test_out_of_scope_is_a_404(seeker, posting, outsider):
    app = ApplicationFactory(seeker=seeker, posting=posting)
    api = ApiClient(outsider)
    assert api.get(f"/api/placements/applications/{app.pk}").status_code == 404
    r = api.post(f"/api/placements/applications/{app.pk}/transition", {"state": "contacted"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert api.get(f"/api/placements/postings/{posting.pk}/board").status_code == 404
    assert api.get("/api/placements/applications").json()["count"] == 0


def test_board_lists_columns_and_vacancies(seeker, posting, recruiter, commissioner):
    ApplicationFactory(seeker=seeker, posting=posting, state=State.INTERVIEW)
    ApplicationFactory(posting=posting, state=State.RETAINED_30)
    for user in (recruiter, commissioner):  # the commissioner's person applied there
        body = ApiClient(user).get(f"/api/placements/postings/{posting.pk}/board").json()
        assert body["vacancies"] == 3
        if user is recruiter:
            assert [len(body["columns"][c]) for c in ("interview", "arrived")] == [1, 1]
        else:  # a commissioner sees only their own people on it
            assert len(body["columns"]["interview"]) == 1 and body["columns"]["arrived"] == []


def test_followups_due_and_record(seeker, posting, commissioner, clerk):
    today = timezone.localdate()
    app = ApplicationFactory(
        seeker=seeker, posting=posting, state=State.HIRED, hired_on=today - dt.timedelta(40)
    )
    ApiClient(clerk).post(
        f"/api/placements/applications/{app.pk}/transition",
        {"state": "arrived", "on": str(today - dt.timedelta(31))},
    )
    api = ApiClient(commissioner)
    due = api.get("/api/placements/followups/due").json()
    assert [(f["days"], f["status"]) for f in due] == [(30, "missed")]
    r = api.post(f"/api/placements/followups/{due[0]['id']}/record", {"still_employed": True})
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert Application.objects.get(pk=app.pk).state == State.RETAINED_30
    r = api.post(f"/api/placements/followups/{due[0]['id']}/record", {"still_employed": True})
    assert r.status_code == 422


def test_panel_json_and_bad_month(clerk, seeker, posting):
    ApplicationFactory(seeker=seeker, posting=posting)
    api = ApiClient(clerk)
    body = api.get("/api/placements/panel", region=LEDU, month=f"{timezone.localdate():%Y-%m}").json()
    assert set(body["retention"]) == {"30", "90", "180"} and body["region"] == LEDU
    r = api.get("/api/placements/panel", region=LEDU, month="2024-13")
    assert r.status_code == 422 and "month" in fields(r)
    r = api.get("/api/placements/panel", region="320200")  # Wuxi: not the Ledu clerk's
    assert r.status_code == 422 and "region" in fields(r)
    r = api.get("/api/placements/panel", region="火星")
    assert r.status_code == 422


def test_recruiter_sees_only_own_enterprise(posting, recruiter):
    ApplicationFactory(posting=posting)
    ApplicationFactory(posting=PostingFactory())
    body = ApiClient(recruiter).get("/api/placements/applications").json()
    assert body["count"] == 1
