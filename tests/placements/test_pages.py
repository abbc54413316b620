"""Pages: seeker's applications, recruiter's board (HTMX moves), staff to-do, detail, panel fragment."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from jobbridge.placements.models import Application, FollowUp, State
from tests.factories import LEDU, PASSWORD, PostingFactory
from tests.placements.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_seeker_sees_history_and_withdraws_with_htmx(seeker, seeker_user, posting):
    app = ApplicationFactory(seeker=seeker, posting=posting)
    app.events.create(from_state="", to_state="intention", actor=seeker_user, note="求职者本人")
    ApplicationFactory(state=State.INTERVIEW)  # someone else's
    c = login(seeker_user)
    page = c.get("/placements/mine/").content.decode()
    assert posting.title in page and "撤回申请" in page and page.count('class="card"') == 1
    r = c.post(
        f"/placements/applications/{app.pk}/move/",
        {"state": "withdrawn", "from": "mine"},
        HTTP_HX_REQUEST="true",
    )
    html = r.content.decode()
    assert r.status_code == 200 and "已撤回" in html and "撤回申请" not in html
    assert Application.objects.get(pk=app.pk).state == State.WITHDRAWN
    assert c.get("/placements/").url == "/placements/mine/"


def test_recruiter_board_moves_and_shows_refusals(seeker, posting, recruiter):
    app = ApplicationFactory(seeker=seeker, posting=posting, state=State.OFFER)
    c = login(recruiter)
    assert posting.title in c.get("/placements/").content.decode()
    page = c.get(f"/placements/postings/{posting.pk}/board/").content.decode()
    assert "尚缺3人" in page and 'data-move="hired"' in page and 'data-move="withdrawn"' not in page
    r = c.post(
        f"/placements/applications/{app.pk}/move/",
        {"state": "hired", "from": "board"},
        HTTP_HX_REQUEST="true",
    )
    fragment = r.content.decode()
    assert fragment.startswith('<div id="board"') and "尚缺2人" in fragment
    r = c.post(
        f"/placements/applications/{app.pk}/move/",
        {"state": "interview", "from": "board"},
        HTTP_HX_REQUEST="true",
    )
    assert "hired" in r.content.decode() and "interview" in r.content.decode()  # the refusal names both
    other = PostingFactory()
    assert c.get(f"/placements/postings/{other.pk}/board/").status_code == 404


def test_board_fragment_matches_the_full_page(seeker, posting, recruiter):
    ApplicationFactory(seeker=seeker, posting=posting, state=State.CONTACTED)
    c = login(recruiter)
    url = f"/placements/postings/{posting.pk}/board/"
    page = c.get(url).content.decode()
    fragment = c.get(url, HTTP_HX_REQUEST="true").content.decode()
    # The CSRF token is masked afresh on every render: compare without it.
    unmask = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert fragment.startswith('<div id="board"') and unmask(fragment).strip() in unmask(page)


def test_staff_todo_shows_missed_checks_in_red(seeker, posting, commissioner, clerk):
    today = timezone.localdate()
    app = ApplicationFactory(
        seeker=seeker,
        posting=posting,
        state=State.ARRIVED,
        hired_on=today - dt.timedelta(40),
        arrived_on=today - dt.timedelta(35),
    )
    FollowUp.objects.create(
        application=app,
        days=30,
        due_on=today - dt.timedelta(5),
        responsible_user=commissioner,
        responsible_region_id=LEDU,
    )
    ApplicationFactory(seeker=seeker, state=State.INTENTION)
    c = login(commissioner)
    page = c.get("/placements/").content.decode()
    assert 'class="pl-missed"' in page and "已逾期" in page
    assert "今日待办" in page and "我的服务对象" in page and seeker.name in page
    supervisor = login(clerk).get("/placements/").content.decode()  # the county sees who missed it
    assert "专员逾期未回访" in supervisor and str(commissioner) in supervisor
    f = FollowUp.objects.get()
    r = c.post(f"/placements/followups/{f.pk}/check/", {"still_employed": "1", "next": "/placements/"})
    assert r.status_code == 302 and Application.objects.get(pk=app.pk).state == State.RETAINED_30
    assert "已逾期" not in c.get("/placements/").content.decode()


def test_detail_page_history_and_moves(seeker, posting, clerk, outsider):
    app = ApplicationFactory(seeker=seeker, posting=posting, state=State.INTERVIEW)
    app.events.create(from_state="contacted", to_state="interview", actor=clerk, note="约在周三")
    c = login(clerk)
    page = c.get(f"/placements/applications/{app.pk}/").content.decode()
    assert "约在周三" in page and 'value="offer"' in page and seeker.id_masked in page
    r = c.post(f"/placements/applications/{app.pk}/move/", {"state": "offer", "on": "明天"})
    assert r.status_code == 302
    assert "无法识别日期" in c.get(r.url).content.decode()
    c.post(f"/placements/applications/{app.pk}/move/", {"state": "offer"})
    assert Application.objects.get(pk=app.pk).state == State.OFFER
    assert login(outsider).get(f"/placements/applications/{app.pk}/").status_code == 404


def test_english(seeker_user, seeker, posting):
    ApplicationFactory(seeker=seeker, posting=posting)
    c = login(seeker_user)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = c.get("/placements/mine/").content.decode()
    assert "My applications" in page and "Withdraw" in page and "意向" not in page and "撤回" not in page


def test_panel_fragment_renders_charts_without_a_cdn(clerk, seeker, posting):
    ApplicationFactory(seeker=seeker, posting=posting)
    c = login(clerk)
    html = c.get(
        "/placements/panel/", {"region": LEDU, "month": f"{timezone.localdate():%Y-%m}"}
    ).content.decode()
    assert "<html" not in html and "/static/vendor/echarts/echarts.min.js" in html
    # The chart is drawn by a static file (no inline script: the Content-Security-Policy).
    assert '<script src="/static/placements/panel.js"' in html and "<script>" not in html
    assert "https://" not in html and "稳岗率" in html
    r = c.get("/placements/panel/", {"region": LEDU, "month": "2024-1"})
    assert r.status_code == 400 and "YYYY-MM" in r.content.decode()
    assert c.get("/placements/panel/", {"region": "320200"}).status_code == 400
