import io

import pytest
import python_calamine
from django.urls import reverse

from jobbridge.core.models import OccupationAlias
from jobbridge.jobtitles.models import TitleBatch
from tests.factories import LEDU, PASSWORD, EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def clerk():
    return UserFactory(county_clerk=True)


def test_the_staff_page_has_the_live_box_and_the_upload(client, clerk):
    r = login(client, clerk).get("/jobtitles/")
    html = r.content.decode()
    assert r.status_code == 200 and 'hx-get="/jobtitles/suggest/"' in html and 'type="file"' in html
    assert "jobtitles/suggest.js" in html


def test_the_page_is_for_staff(client):
    assert login(client, UserFactory(recruiter=True)).get("/jobtitles/").status_code == 403
    client.logout()
    assert client.get("/jobtitles/").status_code == 302  # to the login page


def test_suggestions_fragment_lists_five_with_confidence(client, clerk):
    r = login(client, clerk).get(
        "/jobtitles/suggest/", {"title": "急招叉车司机月薪8000", "target": "id_occupation"}
    )
    html = r.content.decode()
    assert r.status_code == 200 and html.count('class="btn secondary jt-pick"') == 5
    assert 'data-code="6-30-05-01"' in html and "<meter" in html and 'data-target="id_occupation"' in html
    assert "记住这个纠正" in html  # staff may correct
    assert (
        login(client, clerk).get("/jobtitles/suggest/", {"title": ""}).content.decode().count("jt-pick") == 0
    )
    assert "没有文字" in client.get("/jobtitles/suggest/", {"title": "%%%"}).content.decode()


def test_a_recruiter_gets_suggestions_but_no_correction_button(client):
    html = (
        login(client, UserFactory(recruiter=True))
        .get("/jobtitles/suggest/", {"title": "电焊工"})
        .content.decode()
    )
    assert 'data-code="6-18-02-04"' in html and "记住这个纠正" not in html


def test_the_posting_form_carries_the_widget(client, clerk):
    enterprise = EnterpriseFactory(region_id=LEDU)
    html = login(client, clerk).get(reverse("posting_create", args=[enterprise.pk])).content.decode()
    assert (
        'hx-get="/jobtitles/suggest/"' in html
        and 'id="jt-suggestions"' in html
        and 'id="id_occupation"' in html
    )


def test_a_correction_from_the_page_is_remembered(client, clerk):
    login(client, clerk)
    r = client.post("/jobtitles/aliases/", {"title": "小蜜蜂", "occupation": "商品营业员"})
    assert r.status_code == 200 and "4-01-02-03" in r.content.decode()
    assert OccupationAlias.objects.filter(alias="小蜜蜂", occupation_id="4-01-02-03").exists()
    html = client.get("/jobtitles/suggest/", {"title": "小蜜蜂"}).content.decode()
    assert html.index('data-code="4-01-02-03"') < html.index("jt-pick", html.index("jt-pick") + 1)
    bad = client.post("/jobtitles/aliases/", {"title": "小蜜蜂", "occupation": ""}).content.decode()
    assert "职业" in bad and "errorlist" in bad


def test_a_recruiter_cannot_save_a_correction(client):
    login(client, UserFactory(recruiter=True))
    r = client.post("/jobtitles/aliases/", {"title": "小蜜蜂", "occupation": "4-01-02-03"})
    assert "errorlist" in r.content.decode() and not OccupationAlias.objects.filter(alias="小蜜蜂").exists()


def test_upload_codes_the_file_and_offers_the_results(client, clerk, django_capture_on_commit_callbacks):
    login(client, clerk)
    data = "电焊工\n\n保安\n" + "焊" * 300 + "\n普工包吃住\n"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/jobtitles/batches/", {"file": io.BytesIO(data.encode()), "top": "3"}, format="multipart"
        )
    batch = TitleBatch.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/jobtitles/batches/{batch.pk}/"
    assert batch.status == "done" and batch.total == 4 and batch.skipped_blank == 1  # immediate task backend
    page = client.get(r["Location"]).content.decode()
    assert "6-18-02-04" in page and "过长" in page and "hx-trigger" not in page
    body = b"".join(client.get(f"/jobtitles/batches/{batch.pk}/titles.xlsx").streaming_content)
    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_index(0).to_python()
    assert (
        len(rows) == 5
        and rows[1][1] == "电焊工"
        and rows[1][2] == "6-18-02-04"
        and len(rows[0]) == 2 + 3 * 3 + 1
    )
    assert rows[3][-1] and not rows[3][2]


def test_a_running_batch_polls_its_progress(client, clerk):
    batch = TitleBatch.objects.create(
        original_name="t.txt",
        titles=["电焊工"] * 10,
        done=4,
        created_by=clerk,
        status=TitleBatch.Status.RUNNING,
    )
    html = login(client, clerk).get(f"/jobtitles/batches/{batch.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in html and "4/10" in html and "40%" in html


def test_bad_uploads_are_explained(client, clerk):
    login(client, clerk)
    for payload, message in [
        ({"file": io.BytesIO(b"\n\n")}, "空"),
        ({}, "请选择"),
        ({"file": io.BytesIO(b"PK\x03\x04garbage")}, "Excel"),
    ]:
        r = client.post("/jobtitles/batches/", payload, format="multipart")
        assert r.status_code == 400 and message in r.content.decode()
    assert not TitleBatch.objects.exists()


def test_another_clerks_batch_is_not_found(client, clerk):
    batch = TitleBatch.objects.create(
        original_name="t.txt", titles=["保安"], created_by=UserFactory(county_clerk=True)
    )
    login(client, clerk)
    assert client.get(f"/jobtitles/batches/{batch.pk}/").status_code == 404
    assert client.get(f"/jobtitles/batches/{batch.pk}/titles.xlsx").status_code == 404


def test_the_page_and_the_list_switch_to_english(client, clerk):
    login(client, clerk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/jobtitles/"})
    assert "Occupation coding (CSCO 2022)" in client.get("/jobtitles/").content.decode()
    html = client.get("/jobtitles/suggest/", {"title": "电焊工"}).content.decode()
    assert "Remember this correction" in html and ">Use<" in html


def test_the_seeker_form_looks_occupations_up_by_title_and_adds_them_to_the_list(client, clerk):
    html = login(client, clerk).get(reverse("seeker_create")).content.decode()
    assert 'id="jt-lookup-title"' in html and '"target": "id_desired_occupations"' in html
    frag = client.get(
        "/jobtitles/suggest/", {"title": "电子厂普工", "target": "id_desired_occupations", "append": "1"}
    ).content.decode()
    assert 'data-append="1"' in frag and 'data-target="id_desired_occupations"' in frag
    assert "记住这个纠正" not in frag  # a list box is no place to read a correction from


def test_a_strange_target_is_not_echoed_into_the_page(client, clerk):
    frag = (
        login(client, clerk)
        .get("/jobtitles/suggest/", {"title": "电焊工", "target": 'x"><script>'})
        .content.decode()
    )
    assert "<script>" not in frag and 'data-target="id_occupation"' in frag
