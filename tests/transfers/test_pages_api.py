import datetime as dt
import io
import json

import pytest
import python_calamine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobbridge.imports.services import import_roster
from jobbridge.transfers.models import Transfer
from jobbridge.transfers.scenario import write_haidong_ledger
from tests.api.conftest import ApiClient, fields
from tests.factories import PASSWORD, SeekerFactory, UserFactory, new_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def haidong(tmp_path):
    write_haidong_ledger(tmp_path / "h.xlsx", 1170)
    out = import_roster(kind="transfers", path=tmp_path / "h.xlsx")
    assert out.created == 1170


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_report_page_and_xlsx_show_the_acceptance_figures(client, haidong):
    login(client, UserFactory(region_id="630200"))
    page = client.get("/transfers/report/", {"region": "海东市", "month": "2023-01"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "1月全市共转移农村劳动力1170人次，其中省外690人次、省内跨区域220人次、就近就地260人次" in html
    assert "1,170 person-times" in html and "乐都区" in html
    xlsx = client.get("/transfers/report.xlsx", {"region": "630200", "month": "2023-01"})
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(b"".join(xlsx.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[1][:7] == ["630200", "青海省海东市", "2023-01", 1170, 690, 220, 260]
    assert sum(r[3] for r in rows[2:]) == 1170  # the counties add up to the city


def test_empty_month_is_an_empty_report_and_bad_month_names_the_parameter(client, haidong):
    login(client, UserFactory(region_id="630200"))
    page = client.get("/transfers/report/", {"region": "630200", "month": "2023-05"})
    assert page.status_code == 200 and "共转移农村劳动力0人次" in page.content.decode()
    bad = client.get("/transfers/report/", {"region": "630200", "month": "2023-13"})
    assert bad.status_code == 400 and "month" in bad.content.decode()


def test_report_outside_the_viewers_region_is_refused(client, haidong):
    login(client, UserFactory(region_id="630100"))
    page = client.get("/transfers/report/", {"region": "630200", "month": "2023-01"})
    assert page.status_code == 400 and "管辖范围" in page.content.decode()


def test_dashboard_and_each_panel_render_from_rollups(client, haidong):
    login(client, UserFactory(region_id="630000"))
    page = client.get("/transfers/dashboard/", {"region": "630200", "month": "2023-01"}).content.decode()
    assert 'hx-get="/placements/panel/?region=630200&amp;month=2023-01"' in page
    assert 'hx-get="/returns/panel/?region=630200&amp;season=2023"' in page
    assert "echarts.min.js" in page and "cdn" not in page.lower()
    for name in [
        "class_month",
        "class_year",
        "dest_province",
        "dest_city",
        "industry",
        "priority",
        "channel",
        "children",
        "flow",
    ]:
        with CaptureQueriesContext(connection) as q:
            frag = client.get(f"/transfers/panel/{name}/", {"region": "630200", "month": "2023-01"})
        assert frag.status_code == 200, name
        assert not any('transfers_transfer"' in x["sql"] or "transfers_transfer " in x["sql"] for x in q), (
            name
        )
    children = client.get(
        "/transfers/panel/children/", {"region": "630200", "month": "2023-01"}
    ).content.decode()
    assert "?region=630202&amp;month=2023-01" in children  # drill down to a county
    flow = client.get("/transfers/panel/flow/", {"region": "630200", "month": "2023-01"}).content.decode()
    assert "chart-sankey" in flow and "chart-map" in flow


def test_manual_entry_page_registers_person_and_transfer(client):
    login(client, UserFactory(region_id="630200"))
    number = new_id_number()
    data = {
        "id_number": number,
        "name": "马某",
        "hukou_region": "乐都区",
        "origin_basis": "hukou",
        "destination": "无锡市锡山区",
        "employer": "无锡某厂",
        "transferred_on": "2023-01-05",
        "channel": "bureau",
    }
    response = client.post("/transfers/new/", data)
    assert response.status_code == 302
    t = Transfer.objects.get()
    assert t.move_class == "out_of_province" and t.seeker.name == "马某"
    again = client.post("/transfers/new/", data)
    assert again.status_code == 302 and Transfer.objects.count() == 1
    bad = client.post("/transfers/new/", {**data, "destination": "999999", "transferred_on": "2999-01-01"})
    html = bad.content.decode()
    assert bad.status_code == 200 and "999999" in html and "晚于今天" in html
    ledger = client.get("/transfers/").content.decode()
    assert "马某" in ledger and number not in ledger  # masked
    assert "共1人次" in ledger
    assert "共0人次" in client.get("/transfers/", {"month": "2023-02"}).content.decode()


def test_api_report_panels_and_entry():
    user = UserFactory(region_id="630200")
    api = ApiClient(user)
    seeker = SeekerFactory()
    body = {"id_number": "", "destination": "320205", "transferred_on": "2023-01-05", "employer": "无锡某厂"}
    from jobbridge.core import pii

    body["id_number"] = pii.decrypt(seeker.id_cipher)
    created = api.post("/api/transfers", body)
    assert created.status_code == 201, created.content
    assert created.json()["move_class"] == "out_of_province" and created.json()["created"] is True
    assert api.post("/api/transfers", body).status_code == 200
    report = api.get("/api/transfers/report", region="630200", month="2023-01").json()
    assert report["person_times"] == 1 and report["counts"] == "person_times" and report["persons"] == 1
    panel = api.get("/api/transfers/panels/dest_province", region="630200", month="2023-01").json()
    assert panel["items"] == [{"code": "320000", "name": "江苏省", "value": 1}]
    assert api.get("/api/transfers/panels/nope", region="630200", month="2023-01").status_code == 404
    bad = api.get("/api/transfers/report", region="630200", month="January")
    assert bad.status_code == 422 and "month" in fields(bad)
    other = ApiClient(UserFactory(region_id="630100"))
    assert "region" in fields(other.get("/api/transfers/report", region="630200", month="2023-01"))
    assert other.get(f"/api/transfers/{created.json()['id']}").status_code == 404
    listed = api.get("/api/transfers", month="2023-01").json()
    assert [r["id"] for r in listed["items"]] == [created.json()["id"]]
    future = api.post(
        "/api/transfers", {**body, "transferred_on": str(dt.date.today() + dt.timedelta(days=2))}
    )
    assert future.status_code == 422 and "transferred_on" in fields(future)


def test_recruiter_and_seeker_cannot_use_the_ledger(client):
    login(client, UserFactory(recruiter=True))
    assert client.get("/transfers/dashboard/").status_code == 403
    assert (
        ApiClient(UserFactory(seeker=True)).get("/api/transfers/report", region="630200").status_code == 403
    )


def test_pages_in_english(client, haidong):
    login(client, UserFactory(region_id="630200"))
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get("/transfers/report/", {"region": "630200", "month": "2023-01"}).content.decode()
    assert "Monthly report on rural labor transfers" in html and "Export to Excel" in html
    assert "In January 2023, 海东市 transferred 1,170 person-times" in html
    dash = client.get("/transfers/dashboard/", {"region": "630200", "month": "2023-01"}).content.decode()
    assert "Labor transfer dashboard" in dash
    assert (
        "Destination province"
        in client.get(
            "/transfers/panel/dest_province/", {"region": "630200", "month": "2023-01"}
        ).content.decode()
    )


def test_menu_links_open_a_form_or_the_viewers_own_region(client, haidong):
    from tests.factories import LEDU_TOWN, GridFactory

    login(client, UserFactory(admin=True))  # no region of their own: the form, waiting for one
    for url in ("/transfers/dashboard/", "/transfers/report/"):
        page = client.get(url)
        assert page.status_code == 200 and 'name="region"' in page.content.decode()
    assert client.get("/transfers/dashboard/", {"region": "nowhere"}).status_code == 400
    commissioner = UserFactory(commissioner=True)
    commissioner.grids.add(GridFactory())
    login(client, commissioner)
    page = client.get("/transfers/dashboard/")
    assert page.status_code == 200 and f'value="{LEDU_TOWN}"' in page.content.decode()


def test_ledger_row_json_is_exactly_the_schema_fields_in_order():
    """A ledger row as the API sends it, byte for byte, in the answer to an entry, the detail and
    the list: related rows as ids or codes, the person by name and masked ID number."""
    from jobbridge.core import pii

    api = ApiClient(UserFactory(region_id="630200"))
    seeker = SeekerFactory()
    body = {
        "id_number": pii.decrypt(seeker.id_cipher),
        "destination": "320205",
        "transferred_on": "2023-01-05",
        "employer": "无锡某厂",
        "industry": "39",
        "channel": "bureau",
    }
    created = api.post("/api/transfers", body)
    assert created.status_code == 201, created.content
    t = Transfer.objects.get()
    row = {
        "id": t.pk,
        "seeker_id": seeker.pk,
        "seeker_name": seeker.name,
        "id_masked": seeker.id_masked,
        "origin_basis": "hukou",
        "origin_region": seeker.hukou_region_id,
        "destination_region": "320205",
        "enterprise_id": None,
        "employer_name": "无锡某厂",
        "industry": "39",
        "transferred_on": "2023-01-05",
        "channel": "bureau",
        "move_class": "out_of_province",
        "source": "manual",
        "priority_group": False,
        "application_id": None,
    }
    assert created.content == json.dumps({**row, "created": True}, ensure_ascii=False).encode()
    assert api.get(f"/api/transfers/{t.pk}").content == json.dumps(row, ensure_ascii=False).encode()
    assert (
        api.get("/api/transfers").content
        == json.dumps({"items": [row], "count": 1}, ensure_ascii=False).encode()
    )
    t.industry_id = None
    t.save(update_fields=["industry"])
    assert api.get(f"/api/transfers/{t.pk}").json()["industry"] is None
