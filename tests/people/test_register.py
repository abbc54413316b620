import pytest
from django.core.cache import cache
from django.urls import reverse

from jobbridge.core.models import Role, User
from jobbridge.people.models import Seeker
from tests.factories import SeekerFactory, new_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


def form(**over):
    data = {
        "name": "马小军",
        "id_number": new_id_number("632123"),
        "phone": "139 0972 1234",
        "hukou_region": "乐都区",
        "desired_job": "电焊工",
        "expected_wage": "6000",
        "desired_regions": "无锡、东莞",
        "password1": "mima-12345",
        "password2": "mima-12345",
    }
    data.update(over)
    return data


def test_happy_path_creates_account_and_shows_my_page(client):
    response = client.post(reverse("self_register"), form(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("my_page")
    html = response.content.decode()
    seeker = Seeker.objects.get(name="马小军")
    assert seeker.source == Seeker.Source.SELF and seeker.hukou_region_id == "630202"
    assert seeker.skills_text == "电焊工" and seeker.expected_wage == 6000
    assert {r.name for r in seeker.desired_regions.all()} == {"无锡市", "东莞市"}
    user = seeker.user
    assert user.username == "13909721234" and user.role == Role.SEEKER and user.check_password("mima-12345")
    assert seeker.id_masked in html and "139****1234" in html
    assert "13909721234" not in html  # masked on the page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "632123199001011230", "校验位"),
        ("phone", "12345", "手机号"),
        ("hukou_region", "乌有之乡", "找不到地区"),
        ("password2", "different-pw", "两次输入的密码不一致"),
    ],
)
def test_errors_are_shown_next_to_the_field(client, field, value, message):
    response = client.post(reverse("self_register"), form(**{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    err = html.split(f'id="id_{field}_error"', 1)
    assert len(err) == 2 and message in err[1].split("</ul>", 1)[0]
    assert not Seeker.objects.exists() and not User.objects.exists()


def test_all_field_errors_come_back_together(client):
    response = client.post(
        reverse("self_register"), form(id_number="123", hukou_region="乌有之乡", phone="1")
    )
    html = response.content.decode()
    for field in ("id_number", "hukou_region", "phone"):
        assert f'id="id_{field}_error"' in html, field


def test_already_registered_id_or_phone(client):
    existing = SeekerFactory()
    from jobbridge.core import pii

    response = client.post(reverse("self_register"), form(id_number=pii.decrypt(existing.id_cipher)))
    assert response.status_code == 400 and "该身份证号已登记" in response.content.decode()
    assert not User.objects.exists()  # the account made inside the transaction was rolled back
    client.post(reverse("self_register"), form())
    client.logout()
    again = client.post(reverse("self_register"), form())
    assert "该手机号已注册" in again.content.decode()


def test_registration_is_throttled_per_address(client, settings):
    from jobbridge.core import throttle

    for _ in range(throttle.REGISTER_LIMIT):
        client.post(reverse("self_register"), form(id_number="bad"), REMOTE_ADDR="10.7.7.7")
    response = client.post(reverse("self_register"), form(), REMOTE_ADDR="10.7.7.7")
    assert response.status_code == 429 and not Seeker.objects.exists()
    assert client.post(reverse("self_register"), form(), REMOTE_ADDR="10.8.8.8").status_code == 302


def test_page_is_light(client, db):
    html = client.get(reverse("self_register")).content.decode()
    assert "<script" not in html and "mobile.css" in html
