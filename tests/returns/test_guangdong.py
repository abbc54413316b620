"""The acceptance figures: a generated season in which Guangdong gets back 71.7% of the workers
from other provinces and 90.2% of its in-province migrants. Imported from a file, then read on
the CLI, the API and the page, which must all show exactly those figures; a second import
changes nothing."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from jobbridge.people.models import Seeker
from jobbridge.returns.models import Homecoming
from tests.api.conftest import ApiClient
from tests.factories import SeekerFactory, UserFactory

from .factories import guangdong_rows

pytestmark = pytest.mark.django_db
HEADER = ["身份证号", "返乡地", "节前务工地", "返乡日期", "返岗日期"]


@pytest.fixture
def season_file(tmp_path):
    rows, people = guangdong_rows()
    Seeker.objects.bulk_create(
        [SeekerFactory.build(id_number=n, hukou_region_id=h, residence_region_id=h) for n, h in people]
    )
    path = tmp_path / "returns.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path, len(rows)


def run(*args) -> dict:
    out = io.StringIO()
    call_command("returns", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def by_class(report) -> dict:
    return {c["code"]: c["rate"] for c in report["by_class"]}


def test_guangdong_figures_on_cli_api_and_page(season_file, client):
    path, n = season_file
    first = run("import", str(path), "--season", "2026")
    assert (first["rows"], first["created"], first["rejected"]) == (n, n, 0), first["errors"][:3]
    again = run("import", str(path), "--season", "2026")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, n)
    assert Homecoming.objects.count() == n

    report = run("report", "--region", "440000", "--season", "2026")
    assert report["side"] == "destination"
    rates = by_class(report)
    assert rates["out_of_province"] == 71.7
    assert rates["within_province"] == 90.2
    assert report["totals"]["went_home"] == 1000 + 500 + 40  # not the 30 Guangdong people in Jiangsu

    clerk = UserFactory(region_id="440000")
    body = ApiClient(clerk).get("/api/returns/report", region="440000", season="2026").json()
    assert by_class(body) == rates

    client.force_login(clerk)
    page = client.get("/returns/", {"region": "440000", "season": "2026"}).content.decode()
    assert "71.7%" in page and "90.2%" in page
