"""The pages: report with charts' data and drill links, the embeddable panel, the commissioner's
quick entry list (HTMX rows), the import page and the template download."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jobbridge.returns.models import Homecoming
from tests.factories import LEDU, GridFactory, SeekerFactory, UserFactory, new_id_number

from .factories import DONGGUAN, HomecomingFactory, SeasonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def season():
    return SeasonFactory()


def chart_data(html: str) -> dict:
    m = re.search(r'<script id="returns-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_report_page_defaults_to_viewers_region_and_drills(client, season, django_assert_max_num_queries):
    HomecomingFactory(season=season)
    client.force_login(UserFactory(region_id="630200"))
    with django_assert_max_num_queries(14):
        html = client.get("/returns/").content.decode()
    assert "echarts.min.js" in html and "returns/charts.js" in html and "cdn" not in html.lower()
    data = chart_data(html)
    assert data["side"] == "origin" and data["by_origin"]["codes"] == [LEDU]
    assert f"region={LEDU}" in html  # a drill link in the table, for browsers without the chart
    county = client.get("/returns/", {"region": LEDU, "season": "2026", "side": "origin"}).content.decode()
    assert chart_data(county)["by_origin"]["codes"] == ["630202001"]
    assert "海东市" in county  # the breadcrumb back up


def test_report_page_bad_input_is_a_message_not_a_500(client, season):
    client.force_login(UserFactory(region_id="630200"))
    page = client.get("/returns/", {"region": "no-such-place"})
    assert page.status_code == 200 and "找不到地区" in page.content.decode()
    assert "不存在" in client.get("/returns/", {"season": "1999"}).content.decode()
    assert client.get("/returns/", {"region": "440000"}).status_code == 403
    empty = client.get("/returns/", {"season": "2027"}).content.decode()
    assert "还没有返乡记录" in empty


def test_report_page_in_english(client, season):
    client.force_login(UserFactory(region_id="630200"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/returns/"})
    html = client.get("/returns/").content.decode()
    assert "Return rate" in html and "Went home before the festival" in html


def test_recruiters_and_seekers_are_kept_out(client, season):
    client.force_login(UserFactory(recruiter=True))
    for url in ("/returns/", "/returns/panel/", "/returns/entry/", "/returns/import/", "/returns/template/"):
        assert client.get(url).status_code == 403, url


def test_panel_fragment(client, season):
    HomecomingFactory(
        season=season, returned_on="2026-02-25", returned_to_id=DONGGUAN, status=Homecoming.Status.RETURNED
    )
    HomecomingFactory(season=season)
    client.force_login(UserFactory(region_id="630200"))
    html = client.get(
        "/returns/panel/", {"region": LEDU, "season": "2026"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in html and "data-returns-panel" in html and 'id="returns-panel"' not in html
    assert "50.0%" in html and "vendor/echarts/echarts.min.js" in html
    assert '<script type="application/json">' in html
    bad = client.get("/returns/panel/", {"region": "nowhere"}).content.decode()
    assert 'role="alert"' in bad


@pytest.fixture
def commissioner():
    grid = GridFactory()
    user = UserFactory(commissioner=True)
    user.grids.add(grid)
    return user, grid


def test_entry_list_shows_only_own_grid_with_masked_ids(client, season, commissioner):
    user, grid = commissioner
    mine = SeekerFactory(name="网格内人", grid=grid)
    SeekerFactory(name="别人")
    client.force_login(user)
    html = client.get("/returns/entry/").content.decode()
    assert "网格内人" in html and "别人" not in html
    assert mine.id_masked in html


def test_entry_row_saves_and_shows_errors_inline(client, season, commissioner):
    user, grid = commissioner
    seeker = SeekerFactory(grid=grid)
    client.force_login(user)
    url = f"/returns/entry/{seeker.pk}/"
    bad = client.post(
        url,
        {
            "season": "2026",
            "destination_region": "东莞市",
            "went_home_on": "2026-02-10",
            "returned_on": "2026-02-01",
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert bad.startswith("<tr") and "errorlist" in bad and "早于返乡日期" in bad
    assert not Homecoming.objects.exists()
    ok = client.post(
        url,
        {
            "season": "2026",
            "destination_region": "东莞市",
            "went_home_on": "2026-02-10",
            "returned_on": "",
            "returned_to": "",
            "status": "",
        },
    ).content.decode()
    assert "已登记" in ok
    assert Homecoming.objects.get().status == "home"
    # The row offers "returned today" only while today is inside the season's return window.
    assert ("今日返岗" in ok) == (season.festival_date <= timezone.localdate() <= season.return_until)
    back = client.post(
        url,
        {
            "season": "2026",
            "destination_region": "441900",
            "went_home_on": "2026-02-10",
            "returned_on": "2026-03-01",
            "returned_to": "",
            "status": "",
        },
    ).content.decode()
    assert "已更新" in back and Homecoming.objects.get().status == "returned"
    assert 'value="returned" selected' not in back  # derived statuses are not echoed back as a choice
    assert seeker.name in client.get("/returns/entry/", {"status": "returned"}).content.decode()
    assert seeker.name not in client.get("/returns/entry/", {"status": "home"}).content.decode()
    assert seeker.name not in client.get("/returns/entry/", {"status": "none"}).content.decode()
    other = SeekerFactory()
    assert client.post(f"/returns/entry/{other.pk}/", {"season": "2026"}).status_code == 404


def test_import_page_queues_and_shows_progress_then_outcome(client, season):
    number = new_id_number()
    SeekerFactory(id_number=number)
    user = UserFactory(region_id=LEDU)
    client.force_login(user)
    assert client.get("/returns/import/").status_code == 200
    csv = f"身份证号,节前务工地,返乡日期\n{number},东莞市,2026-02-05\n{number},东莞市,2026-02-06\n".encode()
    response = client.post("/returns/import/", {"season": "2026", "file": SimpleUploadedFile("r.csv", csv)})
    assert response.status_code == 302
    job_url = response["Location"]
    html = client.get(job_url).content.decode()  # the test task backend ran it at once
    assert "新增1" in html and "拒绝1" in html and "第3行" in html
    fragment = client.get(job_url + "progress/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith("<section") and "hx-trigger" not in fragment  # finished: polling stops
    client.force_login(UserFactory(region_id=LEDU))
    assert client.get(job_url).status_code == 404  # someone else's import
    client.force_login(user)
    assert "请选择要上传的文件" in client.post("/returns/import/", {"season": "2026"}).content.decode()
    assert (
        "不存在"
        in client.post(
            "/returns/import/", {"season": "1999", "file": SimpleUploadedFile("r.csv", csv)}
        ).content.decode()
    )


def test_progress_line_while_running(client, season):
    from django.core.cache import cache

    user = UserFactory(region_id=LEDU)
    cache.set(
        "returns-import:abc",
        {
            "user": user.pk,
            "status": "running",
            "done": 250,
            "total": 1000,
            "name": "r.xlsx",
            "season": "2026",
            "summary": None,
        },
    )
    client.force_login(user)
    html = client.get("/returns/import/abc/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in html and "250/1000" in html and 'value="25"' in html


def test_template_download(client, season):
    client.force_login(UserFactory(region_id=LEDU))
    t = client.get("/returns/template/")
    assert t.status_code == 200 and b"".join(t.streaming_content)[:2] == b"PK"
