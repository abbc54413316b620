"""Reference data endpoints: regions, occupations, industries."""

import pytest

from tests.api.conftest import fields
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(api):
    return api(UserFactory(seeker=True))  # reference data is for every signed-in role


def test_resolve_region_by_name_and_code(client):
    by_name = client.get("/api/regions/resolve", q="青海省海东市乐都区").json()
    assert by_name["code"] == "630202" and by_name["parent"] == "630200"
    assert by_name["full_name"] == "青海省海东市乐都区"
    assert client.get("/api/regions/resolve", q="630202").json()["name"] == "乐都区"
    unknown = client.get("/api/regions/resolve", q="无此地名")
    assert unknown.status_code == 422 and "q" in fields(unknown)


def test_classify_move(client):
    response = client.get("/api/regions/classify-move", origin="乐都区", destination="无锡市锡山区")
    assert response.status_code == 200
    assert response.json()["move"] == "out_of_province"
    assert (
        client.get("/api/regions/classify-move", origin="630202", destination="630202001").json()["move"]
        == "nearby"
    )
    bad = client.get("/api/regions/classify-move", origin="630202", destination="nowhere")
    assert bad.status_code == 422 and "destination" in fields(bad)


def test_region_tree(client):
    roots = client.get("/api/regions").json()
    assert (
        len(roots) == 33
        and {"code": "630000", "name": "青海省", "parent": None}.items()
        <= {r["code"]: r for r in roots}["630000"].items()
    )
    children = client.get("/api/regions/630200/children").json()
    assert "630202" in {c["code"] for c in children} and all(c["parent"] == "630200" for c in children)
    assert client.get("/api/regions/999999/children").status_code == 404


def test_occupation_search_by_name_alias_and_code(client):
    def codes(**params):
        return {o["code"] for o in client.get("/api/occupations", **params).json()["items"]}

    assert "6-18-02-04" in codes(q="焊工")
    assert "6-18-02-04" in codes(q="氩弧焊工")  # an alias
    assert codes(q="6-18-02-04") == {"6-18-02-04"}
    detail = client.get("/api/occupations/6-18-02-04").json()
    assert detail["name"] == "焊工" and "氩弧焊工" in detail["aliases"]
    assert client.get("/api/occupations/0-00-00-00").status_code == 404


def test_industries(client):
    sections = client.get("/api/industries", level=1).json()
    assert len(sections) == 20
    c = client.get("/api/industries/c").json()
    assert c["code"] == "C" and len(c["children"]) > 20
