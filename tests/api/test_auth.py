"""Who may call the API: a valid bearer token or a signed-in session; nobody else."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from jobbridge.core.models import ApiToken
from jobbridge.core.tokens import digest, token_issue, token_revoke
from tests.api.conftest import ApiClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROTECTED = [
    "/api/me",
    "/api/seekers",
    "/api/enterprises",
    "/api/postings",
    "/api/regions",
    "/api/occupations",
    "/api/industries",
    "/api/regions/resolve?q=630202",
]


@pytest.mark.parametrize("path", PROTECTED)
def test_anonymous_gets_401_in_the_error_format(path):
    response = Client().get(path)
    assert response.status_code == 401  # not LoginRequiredMiddleware's redirect to the login page
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_write_gets_401():
    response = Client().post("/api/seekers", "{}", content_type="application/json")
    assert response.status_code == 401


def test_token_authenticates_and_records_use():
    user = UserFactory(county_clerk=True)
    row, token = token_issue(actor=None, user=user, name="etl")
    assert row.key_hash == digest(token) and token not in row.key_hash  # only the digest is stored
    response = ApiClient(token=token).get("/api/me")
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == user.username and me["auth_method"] == "token"
    assert me["role"] == "bureau" and me["scope"]["region"]["code"] == "630202"
    row.refresh_from_db()
    assert row.last_used_at is not None


@pytest.mark.parametrize("token", ["jb_not-a-real-token", "garbage", ""])
def test_unknown_token_refused(token):
    assert ApiClient(token=token or None).get("/api/me").status_code == 401


def test_revoked_token_refused():
    user = UserFactory()
    row, token = token_issue(actor=None, user=user)
    client = ApiClient(token=token)
    assert client.get("/api/me").status_code == 200
    token_revoke(actor=None, token=row)
    assert client.get("/api/me").status_code == 401


def test_token_of_deactivated_user_refused():
    user = UserFactory()
    _row, token = token_issue(actor=None, user=user)
    user.is_active = False
    user.save()
    assert ApiClient(token=token).get("/api/me").status_code == 401


def test_session_authenticates_and_unsafe_methods_need_csrf():
    user = UserFactory(admin=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    me = client.get("/api/me")
    assert me.status_code == 200 and me.json()["auth_method"] == "session"
    refused = client.post("/api/enterprises", "{}", content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    client.get("/api/docs")  # sets the CSRF cookie, as the docs page or a web page would
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/enterprises", "{}", content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 422  # past authentication and CSRF, stopped by validation


def test_token_caller_needs_no_csrf_token():
    user = UserFactory(admin=True)
    response = ApiClient(user).post("/api/enterprises", {})
    assert response.status_code == 422


def test_management_command_creates_lists_and_revokes():
    user = UserFactory(username="etl-bot")
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "create", "etl-bot", "--name", "roster sync", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert token.startswith("jb_") and "not shown again" in err.getvalue()
    row = ApiToken.objects.get(user=user)
    assert row.name == "roster sync"
    assert ApiClient(token=token).get("/api/me").status_code == 200

    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert row.prefix in listing.getvalue() and token not in listing.getvalue()

    call_command("api_token", "revoke", str(row.pk), stdout=io.StringIO())
    assert ApiClient(token=token).get("/api/me").status_code == 401


def test_management_command_refuses_unknown_user():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("api_token", "create", "nobody", stdout=io.StringIO())
