"""The matching pages: a seeker's "jobs for you" with "I'm interested", a posting's candidates."""

import pytest
from django.urls import reverse

from jobbridge.core.models import AuditEvent
from jobbridge.placements.models import Application
from tests.matching.surfaces_world import surfaces_world  # noqa: F401 (the "sw" fixture)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def for_me(client, user, **params):
    client.force_login(user)
    return client.get(reverse("matching:for_me"), params)


def interest(client, user, posting, **data):
    client.force_login(user)
    return client.post(reverse("matching:interest", args=[posting.pk]), data, **HTMX)


def cands(client, user, posting, **params):
    client.force_login(user)
    return client.get(reverse("matching:candidates", args=[posting.pk]), params)


# ---------------------------------------------------------------- jobs for you


def test_jobs_for_you_with_reasons_in_plain_words(client, sw):
    html = for_me(client, sw.seeker_a_user).content.decode()
    assert "为你推荐" in html and "电焊工" in html and "焊工（夜班）" in html
    assert "已关闭焊工" not in html  # closed posts are never recommended
    assert html.index("电焊工") < html.index("焊工（夜班）")  # ranked: higher wage, board and lodging
    for reason in (
        "同一职业：焊工",
        "月薪6,500 ≥ 期望5,000",
        "无锡市在您的意向工作地内，1,739公里",
        "包吃包住",
    ):
        assert reason in html
    assert "5000–6500 元/月" in html and "无锡焊接甲公司" in html and "我感兴趣" in html


def test_tapping_interested_records_an_intention_once(client, sw):
    response = interest(client, sw.seeker_a_user, sw.px)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "已表达意向" in fragment and "<html" not in fragment and f'id="interest-{sw.px.pk}"' in fragment
    app = Application.objects.get(seeker=sw.a, posting=sw.px)
    assert app.source == "seeker" and app.state == "intention"
    assert interest(client, sw.seeker_a_user, sw.px).status_code == 200  # a second tap: no duplicate
    assert Application.objects.filter(seeker=sw.a).count() == 1
    # The list remembers it on the next visit.
    html = for_me(client, sw.seeker_a_user).content.decode()
    assert html.count("已表达意向") == 1 and html.count("我感兴趣") == 1


def test_without_javascript_the_form_posts_and_comes_back(client, sw):
    client.force_login(sw.seeker_a_user)
    response = client.post(reverse("matching:interest", args=[sw.px.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("matching:for_me")
    assert "已表达意向" in response.content.decode()


def test_closed_and_unknown_postings(client, sw):
    response = interest(client, sw.seeker_a_user, sw.pz)
    assert response.status_code == 409 and "该岗位已关闭" in response.content.decode()
    client.force_login(sw.seeker_a_user)
    assert client.post(reverse("matching:interest", args=[999999]), **HTMX).status_code == 404
    assert not Application.objects.exists()


def test_only_the_seeker_themself_or_staff_in_scope(client, sw):
    assert for_me(client, sw.seeker_a_user, seeker=sw.b.pk).status_code == 404  # A cannot see B's list
    assert interest(client, sw.seeker_a_user, sw.px, seeker=sw.b.pk).status_code == 404
    assert for_me(client, sw.recruiter_x).status_code == 404
    assert for_me(client, sw.commissioner, seeker=sw.b.pk).status_code == 404  # B is not in the grid
    assert "求职者编号" in for_me(client, sw.commissioner).content.decode()  # staff pick a person first
    html = for_me(client, sw.commissioner, seeker=sw.a.pk).content.decode()
    assert "正在为 马青松 查看推荐岗位" in html and "本人如何同意" in html
    assert not Application.objects.exists()


def test_staff_record_interest_for_a_person_with_their_consent(client, sw):
    response = interest(client, sw.commissioner, sw.px, seeker=sw.a.pk)
    assert response.status_code == 422 and "本人如何同意" in response.content.decode()
    response = interest(client, sw.commissioner, sw.px, seeker=sw.a.pk, consent_note="3月1日电话确认")
    assert response.status_code == 200 and "已表达意向" in response.content.decode()
    app = Application.objects.get(seeker=sw.a, posting=sw.px)
    assert (app.source, app.consent_note) == ("commissioner", "3月1日电话确认")


# ---------------------------------------------------------------- candidates for a posting


def names(response) -> list[str]:
    html = response.content.decode()
    return [n for n in ("马青松", "韩春梅", "王无锡", "马**", "韩**", "王**") if n in html]


def test_staff_see_only_their_people(client, sw):
    assert names(cands(client, sw.admin, sw.px)) == ["马青松", "韩春梅", "王无锡"]
    assert names(cands(client, sw.ledu_clerk, sw.px)) == [
        "马青松"
    ]  # a Haidong county: open posting, own people
    assert names(cands(client, sw.city_clerk, sw.px)) == ["马青松", "韩春梅"]
    assert names(cands(client, sw.wuxi_clerk, sw.px)) == ["王无锡"]
    assert names(cands(client, sw.commissioner, sw.px)) == ["马青松"]
    assert cands(client, sw.seeker_a_user, sw.px).status_code == 404


def test_recruiter_sees_own_posts_only_and_masked_contacts(client, sw):
    response = cands(client, sw.recruiter_x, sw.px)
    html = response.content.decode()
    assert response.status_code == 200 and "本岗位候选人" in html
    assert names(response) == ["马**", "韩**", "王**"] and "138****" in html
    assert "查看电话" not in html and "同一职业：焊工" in html
    assert cands(client, sw.recruiter_y, sw.px).status_code == 404  # recruiter of Y, posting of X
    client.force_login(sw.recruiter_x)
    response = client.post(reverse("matching:contact", args=[sw.px.pk, sw.a.pk]), **HTMX)
    assert response.status_code == 403 and "表达意向" in response.content.decode()


def test_phone_visible_to_the_recruiter_after_interest(client, sw):
    interest(client, sw.seeker_a_user, sw.px)
    html = cands(client, sw.recruiter_x, sw.px).content.decode()
    assert "马青松" in html and "韩**" in html and html.count("查看电话") == 1
    # Interest in this posting only: recruiter Y's posting still masks A.
    assert "马**" in cands(client, sw.recruiter_y, sw.py).content.decode()
    client.force_login(sw.recruiter_x)
    response = client.post(reverse("matching:contact", args=[sw.px.pk, sw.a.pk]), **HTMX)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # a clear number is never cached
    phone = sw.a.phone_masked[:3]
    assert "马青松" in response.content.decode() and "****" not in response.content.decode()
    assert phone in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_PII, actor=sw.recruiter_x)
    assert event.object_id == str(sw.a.pk) and event.detail["fields"] == ["phone"]


def test_staff_reveal_needs_the_id_number_permission_and_is_audited(client, sw):
    assert "查看电话" not in cands(client, sw.ledu_clerk, sw.px).content.decode()
    client.force_login(sw.ledu_clerk)
    assert client.post(reverse("matching:contact", args=[sw.px.pk, sw.a.pk]), **HTMX).status_code == 403
    assert "查看电话" in cands(client, sw.city_clerk, sw.px).content.decode()
    response = client.post(reverse("matching:contact", args=[sw.px.pk, sw.b.pk]), **HTMX)
    assert response.status_code == 200 and "本次查看已记录" in response.content.decode()
    assert AuditEvent.objects.filter(action="view_pii", actor=sw.city_clerk, object_id=str(sw.b.pk)).exists()
    # Out of scope is the same as missing.
    assert client.post(reverse("matching:contact", args=[sw.px.pk, sw.c.pk]), **HTMX).status_code == 404


def test_a_commissioner_shares_with_consent_then_the_recruiter_may_call(client, sw):
    client.force_login(sw.city_clerk)
    url = reverse("matching:share", args=[sw.px.pk, sw.b.pk])
    assert client.post(url, {"consent_note": " "}, **HTMX).status_code == 422
    response = client.post(url, {"consent_note": "电话确认本人同意"}, **HTMX)
    assert response.status_code == 200 and "已推荐给单位" in response.content.decode()
    assert Application.objects.get(seeker=sw.b, posting=sw.px).source == "commissioner"
    html = cands(client, sw.recruiter_x, sw.px).content.decode()
    assert "韩春梅" in html and "马**" in html


def test_filters_distance_priority_interested(client, sw):
    assert names(cands(client, sw.admin, sw.px, max_km="100")) == ["王无锡"]
    assert names(cands(client, sw.admin, sw.px, max_km="1750")) == ["马青松", "王无锡"]  # Ping'an is 1,765 km
    assert names(cands(client, sw.admin, sw.px, priority="disability")) == ["韩春梅"]
    assert names(cands(client, sw.admin, sw.px, interested="1")) == []
    interest(client, sw.seeker_a_user, sw.px)
    response = cands(client, sw.admin, sw.px, interested="1")
    assert names(response) == ["马青松"] and "已表达意向" in response.content.decode()
    # HTMX: only the results are swapped in.
    client.force_login(sw.admin)
    fragment = client.get(reverse("matching:candidates", args=[sw.px.pk]), {"priority": "disability"}, **HTMX)
    body = fragment.content.decode()
    assert body.startswith('<div id="candidate-results"') and "韩春梅" in body and "马青松" not in body


def test_distances_are_shown(client, sw):
    html = cands(client, sw.admin, sw.px).content.decode()
    assert "1739 公里" in html and "残疾人" in html


@pytest.mark.parametrize(
    "params, param, words",
    [
        ({"max_km": "abc"}, "max_km", "最远距离应为数字"),
        ({"max_km": "-3"}, "max_km", "最远距离应在"),
        ({"max_km": "nan"}, "max_km", "最远距离应在"),
        ({"priority": "nobody"}, "priority", "未知的重点群体"),
        ({"interested": "maybe"}, "interested", "应为 1 或 0"),
        ({"page": "x"}, "page", "页码应为正整数"),
    ],
)
def test_bad_filters_say_which(client, sw, params, param, words):
    response = cands(client, sw.admin, sw.px, **params)
    html = response.content.decode()
    assert response.status_code == 400 and words in html and f'data-param="{param}"' in html


def test_closed_or_unknown_posting(client, sw):
    response = cands(client, sw.admin, sw.pz)
    assert response.status_code == 200 and "该岗位已关闭" in response.content.decode()
    assert cands(client, sw.admin, sw.px.__class__(pk=999999)).status_code == 404


def test_pagination(client, sw, monkeypatch):
    from jobbridge.matching.pages import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    first = cands(client, sw.admin, sw.px).content.decode()
    assert "第 1 页" in first and "下一页" in first and "第 1–2 名" in first
    assert "王无锡" in first and "马青松" in first and "韩春梅" not in first
    second = cands(client, sw.admin, sw.px, page="2").content.decode()
    assert "韩春梅" in second and "马青松" not in second and "第 3–3 名" in second
    assert "下一页" not in second and "上一页" in second


def test_query_count_does_not_grow_with_candidates(client, sw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.matching.surfaces_world import welder

    client.force_login(sw.admin)
    url = reverse("matching:candidates", args=[sw.px.pk])
    client.get(url)  # warm the process-wide region and occupation tables
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        welder()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).content.decode().count('id="cand-') == 9
    assert len(many) == len(few)


def test_links_from_posting_detail_and_my_page(client, sw):
    client.force_login(sw.recruiter_x)
    detail = client.get(reverse("posting_detail", args=[sw.px.pk])).content.decode()
    assert reverse("matching:candidates", args=[sw.px.pk]) in detail
    client.force_login(sw.seeker_a_user)
    assert reverse("matching:for_me") in client.get(reverse("my_page")).content.decode()


def test_pages_in_english(client, sw):
    client.force_login(sw.seeker_a_user)
    client.post(reverse("set_language_public"), {"language": "en", "next": "/"})
    html = client.get(reverse("matching:for_me")).content.decode()
    assert '<html lang="en">' in html and "Jobs for you" in html and "I'm interested" in html
    assert (
        "Same occupation: 焊工" in html
        and "Wage 6,500 ≥ expected 5,000" in html
        and "Board and lodging" in html
    )
    assert "Interest recorded" in interest(client, sw.seeker_a_user, sw.px).content.decode()
    client.force_login(sw.recruiter_x)
    html = client.get(reverse("matching:candidates", args=[sw.px.pk]), {"max_km": "x"}).content.decode()
    assert "Candidates for this post" in html and "Maximum distance should be a number" in html


def test_for_me_query_count_does_not_grow_with_postings(client, sw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PostingFactory
    from tests.matching.surfaces_world import WELDER

    client.force_login(sw.seeker_a_user)
    interest(client, sw.seeker_a_user, sw.px)
    client.get(reverse("matching:for_me"))  # warm the process-wide region and occupation tables
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("matching:for_me"))
    for _ in range(5):
        PostingFactory(enterprise=sw.y, occupation_id=WELDER, board=True)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("matching:for_me")).content.decode().count('class="card job"') == 7
    assert len(many) == len(few)


def test_a_seeker_account_without_a_record_is_told_so(client, db):
    from tests.factories import UserFactory

    response = for_me(client, UserFactory(seeker=True))
    assert response.status_code == 200 and "没有找到您的求职登记信息" in response.content.decode()
