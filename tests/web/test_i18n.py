import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_language_switch_shows_english_and_back(world, login):
    c = login(world.city_clerk)
    assert "求职者" in c.get(reverse("seeker_list")).content.decode()
    response = c.post(
        reverse("set_language_public"), {"language": "en", "next": reverse("seeker_list")}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("seeker_list")
    assert '<html lang="en">' in html
    assert "Job seekers" in html and "Export to Excel" in html and "Employment status" in html
    assert "Unemployed" in c.get(reverse("home")).content.decode()  # model choices too
    c.post(reverse("set_language_public"), {"language": "zh-hans", "next": "/"})
    assert "工作台" in c.get(reverse("home")).content.decode()


def test_switch_works_before_login(client, db):
    response = client.post(
        reverse("set_language_public"), {"language": "en", "next": reverse("self_register")}, follow=True
    )
    html = response.content.decode()
    assert "ID number" in html and "Mobile phone" in html


def test_errors_in_english(client, db):
    client.post(reverse("set_language_public"), {"language": "en", "next": "/"})
    html = client.post(reverse("self_register"), {"name": "", "id_number": "123"}).content.decode()
    assert "should be 18 digits" in html.lower() or "18 digits" in html
