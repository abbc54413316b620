"""API of the matching pages: /api/matching/for-me…, /api/matching/postings/{id}/candidates…"""

import pytest

from jobbridge.core.models import AuditEvent
from jobbridge.placements.models import Application
from tests.api.conftest import ApiClient, fields
from tests.matching.surfaces_world import surfaces_world  # noqa: F401 (the "sw" fixture)

pytestmark = pytest.mark.django_db


def cand_url(posting, seeker=None, action=""):
    base = f"/api/matching/postings/{posting.pk}/candidates"
    return f"{base}/{seeker.pk}/{action}" if seeker else base


def test_for_me_lists_open_postings_with_reasons(sw):
    body = ApiClient(sw.seeker_a_user).get("/api/matching/for-me").json()
    assert [j["posting"] for j in body] == [sw.px.pk, sw.py.pk]
    first = body[0]
    assert first["title"] == "电焊工" and first["board"] and first["lodging"] and first["wage_max"] == 6500
    assert "月薪6,500 ≥ 期望5,000" in first["reasons"] and first["interested"] is False
    assert first["work_region"] and first["enterprise"] == "无锡焊接甲公司" and first["vacancies"] == 30


def test_for_me_scope(sw):
    assert ApiClient(sw.seeker_a_user).get("/api/matching/for-me", seeker_id=sw.b.pk).status_code == 404
    assert ApiClient(sw.recruiter_x).get("/api/matching/for-me").status_code == 404
    response = ApiClient(sw.commissioner).get("/api/matching/for-me")
    assert response.status_code == 400 and "seeker_id" in fields(response)
    assert ApiClient(sw.commissioner).get("/api/matching/for-me", seeker_id=sw.a.pk).status_code == 200
    assert ApiClient(sw.commissioner).get("/api/matching/for-me", seeker_id=sw.b.pk).status_code == 404
    assert ApiClient(sw.seeker_a_user).get("/api/matching/for-me", top="x").status_code == 422


def test_interest_is_idempotent_and_shows_in_the_list(sw):
    client = ApiClient(sw.seeker_a_user)
    first = client.post(f"/api/matching/for-me/{sw.px.pk}/interest")
    assert first.status_code == 200, first.content
    again = client.post(f"/api/matching/for-me/{sw.px.pk}/interest").json()
    assert again["application"] == first.json()["application"] and again["interested"]
    assert Application.objects.filter(seeker=sw.a, posting=sw.px).count() == 1
    body = client.get("/api/matching/for-me").json()
    assert [j["interested"] for j in body] == [True, False]


def test_interest_on_closed_unknown_or_someone_elses(sw):
    client = ApiClient(sw.seeker_a_user)
    closed = client.post(f"/api/matching/for-me/{sw.pz.pk}/interest")
    assert closed.status_code == 409
    assert closed.json()["error"]["code"] == "posting_closed" and "已关闭" in fields(closed)["posting_id"]
    assert client.post("/api/matching/for-me/999999/interest").json()["error"]["code"] == "not_found"
    assert client.post(f"/api/matching/for-me/{sw.px.pk}/interest", {"seeker_id": sw.b.pk}).status_code == 404
    staff = ApiClient(sw.commissioner)
    no_consent = staff.post(f"/api/matching/for-me/{sw.px.pk}/interest", {"seeker_id": sw.a.pk})
    assert no_consent.status_code == 422 and "consent_note" in fields(no_consent)
    ok = staff.post(
        f"/api/matching/for-me/{sw.px.pk}/interest", {"seeker_id": sw.a.pk, "consent_note": "电话确认"}
    )
    assert ok.status_code == 200 and Application.objects.get(seeker=sw.a).source == "commissioner"
    assert not Application.objects.filter(seeker=sw.b).exists()


def test_candidates_scoped_ranked_and_masked(sw):
    body = ApiClient(sw.admin).get(cand_url(sw.px)).json()
    assert body["next_offset"] is None and [c["seeker"] for c in body["items"]] == [sw.c.pk, sw.a.pk, sw.b.pk]
    top = body["items"][0]
    assert (
        top["km"] == 0
        and top["name"] == "王无锡"
        and "****" in top["phone"]
        and "同一职业：焊工" in top["reasons"]
    )
    assert body["items"][2]["priority_groups"] == ["残疾人"]
    ledu = ApiClient(sw.ledu_clerk).get(cand_url(sw.px)).json()
    assert [c["seeker"] for c in ledu["items"]] == [sw.a.pk]
    recruiter = ApiClient(sw.recruiter_x).get(cand_url(sw.px)).json()["items"]
    assert {c["name"] for c in recruiter} == {"王**", "马**", "韩**"}
    assert not any(c["can_reveal_contact"] for c in recruiter)
    assert ApiClient(sw.recruiter_y).get(cand_url(sw.px)).status_code == 404
    assert ApiClient(sw.seeker_a_user).get(cand_url(sw.px)).status_code == 404
    page = ApiClient(sw.admin).get(cand_url(sw.px), limit=1, offset=1).json()
    assert page["next_offset"] == 2 and [c["seeker"] for c in page["items"]] == [sw.a.pk]
    last = ApiClient(sw.admin).get(cand_url(sw.px), limit=2, offset=2).json()
    assert last["next_offset"] is None and [c["seeker"] for c in last["items"]] == [sw.b.pk]
    assert ApiClient(sw.admin).get(cand_url(sw.px), limit=0).status_code == 422


def test_candidate_filters(sw):
    admin = ApiClient(sw.admin)
    assert [c["seeker"] for c in admin.get(cand_url(sw.px), max_km="100").json()["items"]] == [sw.c.pk]
    assert [c["seeker"] for c in admin.get(cand_url(sw.px), priority="disability").json()["items"]] == [
        sw.b.pk
    ]
    assert admin.get(cand_url(sw.px), interested="1").json()["items"] == []
    ApiClient(sw.seeker_b_user).post(f"/api/matching/for-me/{sw.px.pk}/interest")
    items = admin.get(cand_url(sw.px), interested="true").json()["items"]
    assert [c["seeker"] for c in items] == [sw.b.pk] and items[0]["interested"]


@pytest.mark.parametrize(
    "param, value",
    [
        ("max_km", "abc"),
        ("max_km", "0"),
        ("max_km", "1e9"),
        ("max_km", "inf"),
        ("priority", "nobody"),
        ("interested", "maybe"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(sw, param, value):
    response = ApiClient(sw.admin).get(cand_url(sw.px), **{param: value})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request" and param in fields(response)


def test_candidates_of_a_closed_or_unknown_posting(sw):
    closed = ApiClient(sw.admin).get(cand_url(sw.pz))
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "posting_closed"
    assert ApiClient(sw.admin).get("/api/matching/postings/999999/candidates").status_code == 404
    assert ApiClient(sw.admin).get("/api/matching/postings/abc/candidates").status_code == 422


def test_contact_after_interest_and_audit(sw):
    recruiter = ApiClient(sw.recruiter_x)
    refused = recruiter.post(cand_url(sw.px, sw.a, "contact"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    ApiClient(sw.seeker_a_user).post(f"/api/matching/for-me/{sw.px.pk}/interest")
    items = {c["seeker"]: c for c in recruiter.get(cand_url(sw.px)).json()["items"]}
    assert items[sw.a.pk]["name"] == "马青松" and items[sw.a.pk]["can_reveal_contact"]
    assert items[sw.b.pk]["name"] == "韩**"
    shown = recruiter.post(cand_url(sw.px, sw.a, "contact"))
    assert shown.status_code == 200 and shown["Cache-Control"] == "no-store"
    assert shown.json()["phone"].startswith("138") and "*" not in shown.json()["phone"]
    assert (
        AuditEvent.objects.filter(action="view_pii", actor=sw.recruiter_x, object_id=str(sw.a.pk)).count()
        == 1
    )
    # Interest in X's posting opens nothing at Y.
    assert ApiClient(sw.recruiter_y).post(cand_url(sw.py, sw.a, "contact")).status_code == 403


def test_staff_reveal_and_share(sw):
    assert ApiClient(sw.ledu_clerk).post(cand_url(sw.px, sw.a, "contact")).status_code == 403
    city = ApiClient(sw.city_clerk)
    assert city.post(cand_url(sw.px, sw.b, "contact")).json()["name"] == "韩春梅"
    assert city.post(cand_url(sw.px, sw.c, "contact")).status_code == 404  # not their person
    bad = city.post(cand_url(sw.px, sw.b, "share"), {"consent_note": ""})
    assert bad.status_code == 422 and "consent_note" in fields(bad)
    assert city.post(cand_url(sw.px, sw.b, "share"), {"consent_note": "当面同意"}).json()["interested"]
    assert ApiClient(sw.recruiter_x).post(cand_url(sw.px, sw.b, "contact")).status_code == 200
    assert (
        ApiClient(sw.recruiter_x).post(cand_url(sw.px, sw.b, "share"), {"consent_note": "x"}).status_code
        == 403
    )


def test_english_reasons_and_messages(sw, settings):
    client = ApiClient(sw.seeker_a_user)
    client.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's cookie
    body = client.get("/api/matching/for-me").json()
    assert (
        "Wage 6,500 ≥ expected 5,000" in body[0]["reasons"] and "Same occupation: 焊工" in body[0]["reasons"]
    )
    admin = ApiClient(sw.admin)
    admin.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    bad = admin.get(cand_url(sw.px), max_km="x")
    assert "Maximum distance should be a number" in bad.json()["error"]["message"]


def test_recruiters_learn_only_the_groups_their_posting_is_for(sw):
    recruiter = ApiClient(sw.recruiter_x)
    items = {c["seeker"]: c for c in recruiter.get(cand_url(sw.px)).json()["items"]}
    assert (
        items[sw.b.pk]["priority_groups"] == []
    )  # staff see 残疾人 (above); this post is not for that group
    refused = recruiter.get(cand_url(sw.px), priority="disability")
    assert refused.status_code == 400 and "priority" in fields(refused)
    sw.px.disability_friendly = True
    sw.px.save(update_fields=["disability_friendly"])
    items = {c["seeker"]: c for c in recruiter.get(cand_url(sw.px)).json()["items"]}
    assert items[sw.b.pk]["priority_groups"] == ["残疾人"]
    assert [c["seeker"] for c in recruiter.get(cand_url(sw.px), priority="disability").json()["items"]] == [
        sw.b.pk
    ]


def test_withdrawal_ends_the_enterprises_right_to_call_and_to_re_invite(sw):
    """Issue 9: a recruiter could re-invite anyone who ever applied (withdrawn, refused) and read
    their clear phone through the invitation. Contact and invitations need current consent."""
    from jobbridge.core.errors import ServiceError
    from jobbridge.placements.models import Source, State
    from jobbridge.placements.services import application_create, application_move
    from tests.factories import PostingFactory

    other_post = PostingFactory(enterprise=sw.x, title="焊工（白班）", occupation_id=sw.px.occupation_id)
    ApiClient(sw.seeker_a_user).post(f"/api/matching/for-me/{sw.px.pk}/interest")
    app = Application.objects.get(seeker=sw.a, posting=sw.px)
    recruiter = ApiClient(sw.recruiter_x)
    assert recruiter.post(cand_url(sw.px, sw.a, "contact")).status_code == 200

    # While the person applies, the enterprise may invite them to another of its posts, but the
    # invitation is not the person's consent: no clear phone for that post.
    invited = application_create(
        seeker=sw.a, posting=other_post, actor=sw.recruiter_x, source=Source.RECRUITER
    )
    assert recruiter.post(cand_url(other_post, sw.a, "contact")).status_code == 403

    application_move(application=invited, actor=sw.seeker_a_user, to_state=State.WITHDRAWN)
    application_move(application=app, actor=sw.seeker_a_user, to_state=State.WITHDRAWN)
    assert recruiter.post(cand_url(sw.px, sw.a, "contact")).status_code == 403
    with pytest.raises(ServiceError) as refused:
        application_create(seeker=sw.a, posting=other_post, actor=sw.recruiter_x, source=Source.RECRUITER)
    assert refused.value.errors[0].field == "seeker"
