import re

import pytest
from django.urls import reverse

from jobbridge.core.models import AuditEvent
from tests.factories import LEDU, DiagnosisFactory, SeekerFactory

pytestmark = pytest.mark.django_db


def names_on(response) -> set[str]:
    html = response.content.decode()
    return set(re.findall(r'<a href="/seekers/\d+/">([^<]+)</a>', html))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", {"网格内", "乐都人", "平安人", "无锡人", "本人"}),
        ("city_clerk", {"网格内", "乐都人", "平安人", "本人"}),
        ("county_clerk", {"平安人"}),
        ("commissioner", {"网格内"}),
    ],
)
def test_scoping_matrix(world, login, who, expected):
    response = login(getattr(world, who)).get(reverse("seeker_list"))
    assert response.status_code == 200
    assert names_on(response) == expected


@pytest.mark.parametrize("who", ["recruiter", "seeker_user"])
def test_scoping_matrix_outsiders(world, login, who):
    assert login(getattr(world, who)).get(reverse("seeker_list")).status_code == 403


def test_filters_and_search(world, login):
    DiagnosisFactory(seeker=world.seekers.ledu, criterion="disability")
    world.seekers.pingan.education = "senior"
    world.seekers.pingan.save()
    c = login(world.city_clerk)
    get = lambda **q: names_on(c.get(reverse("seeker_list"), q))  # noqa: E731
    assert get(priority="disability") == {"乐都人"}
    assert get(region="平安区") == {"平安人"}
    assert get(region="630203") == {"平安人"}
    assert get(education="senior") == {"平安人"}
    assert get(employment_status="employed") == set()
    assert get(q="乐都") == {"乐都人"}
    assert get(q=world.seekers.ledu.id_masked[-4:]) >= {"乐都人"}
    # Full phone and ID number are matched through the keyed hash, never stored in clear.
    from jobbridge.core import pii

    phone = pii.decrypt(world.seekers.pingan.phone_cipher)
    assert get(q=phone) == {"平安人"}
    assert get(q=pii.decrypt(world.seekers.ledu.id_cipher)) == {"乐都人"}


def test_bad_filter_values_do_not_break_the_page(world, login):
    c = login(world.city_clerk)
    response = c.get(
        reverse("seeker_list"), {"region": "乌有之乡", "priority": "nonsense", "page": "x", "sort": "?"}
    )
    assert response.status_code == 200
    assert "找不到地区" in response.content.decode()


def test_pagination_and_newest_first(world, login):
    for i in range(55):
        SeekerFactory(name=f"批量{i:02d}", hukou_region_id=LEDU, residence_region_id=LEDU)
    c = login(world.city_clerk)
    first = c.get(reverse("seeker_list"), {"q": "批量"})
    assert len(names_on(first)) == 50 and "批量54" in names_on(first)
    second = c.get(reverse("seeker_list"), {"q": "批量", "page": 2})
    assert names_on(second) == {f"批量{i:02d}" for i in range(5)}
    assert "q=%E6%89%B9%E9%87%8F&amp;page=1" in second.content.decode()


def test_htmx_fragment_is_the_same_as_the_part_of_the_full_page(world, login):
    c = login(world.city_clerk)
    params = {"q": "", "employment_status": "unemployed", "sort": "name"}
    full = c.get(reverse("seeker_list"), params).content.decode()
    fragment = c.get(reverse("seeker_list"), params, headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<div id="seeker-results"')
    assert "<html" not in fragment
    assert fragment.strip() in full
    assert names_on(c.get(reverse("seeker_list"), params, headers={"HX-Request": "true"})) == {
        "网格内",
        "乐都人",
        "平安人",
        "本人",
    }


@pytest.mark.parametrize("n", [3, 40])
def test_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries, n):
    for _ in range(n):
        DiagnosisFactory(seeker=SeekerFactory(hukou_region_id=LEDU, residence_region_id=LEDU))
    c = login(world.city_clerk)
    with django_assert_max_num_queries(10):
        assert c.get(reverse("seeker_list")).status_code == 200


@pytest.mark.parametrize("name", ["enterprise_list", "posting_list", "home", "duplicate_list"])
def test_other_lists_have_bounded_queries(world, login, django_assert_max_num_queries, name):
    from tests.factories import EnterpriseFactory, PostingFactory

    for _ in range(20):
        PostingFactory(enterprise=EnterpriseFactory(region_id=LEDU))
        SeekerFactory(name="张三", hukou_region_id=LEDU, residence_region_id=LEDU)
    c = login(world.city_clerk)
    with django_assert_max_num_queries(14):
        assert c.get(reverse(name)).status_code == 200


def test_export_is_masked_and_audited(world, login):
    from io import BytesIO

    from python_calamine import CalamineWorkbook

    from jobbridge.core import pii

    c = login(world.city_clerk)
    response = c.get(reverse("seeker_export"), {"q": "乐都"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(BytesIO(body)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "姓名" and len(rows) == 2
    assert rows[1][0] == "乐都人" and rows[1][3] == world.seekers.ledu.id_masked
    clear = pii.decrypt(world.seekers.ledu.id_cipher)
    assert clear not in body.decode("latin-1")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor == world.city_clerk and event.detail["kind"] == "seekers"
    assert event.detail["filters"] == {"q": "乐都"}


@pytest.mark.parametrize("name", ["enterprise_export", "posting_export"])
def test_other_exports(world, login, name):
    response = login(world.recruiter).get(reverse(name))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert AuditEvent.objects.filter(action="export", actor=world.recruiter).count() == 1
