import pytest

pytestmark = pytest.mark.django_db


def test_chinese_by_default_even_for_an_english_browser(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "zh-hans"
    client.cookies["django_language"] = "en"
    assert client.get("/login/").headers["Content-Language"] == "en"
