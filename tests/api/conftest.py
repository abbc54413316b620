import json

import pytest
from django.test import Client

from jobbridge.core.tokens import token_issue


class ApiClient:
    """A test client speaking JSON with a bearer token, as a script would."""

    def __init__(self, user=None, token: str | None = None, client: Client | None = None):
        if token is None and user is not None:
            _row, token = token_issue(actor=None, user=user, name="test")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = client or Client(headers=headers)
        self.user = user

    def get(self, path, **params):
        return self.client.get(path, params)

    def post(self, path, body=None):
        return self.client.post(path, json.dumps(body or {}), content_type="application/json")

    def patch(self, path, body):
        return self.client.patch(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def api():
    """api(user) -> an ApiClient authenticated with a fresh token for ``user``."""
    return ApiClient


def fields(response) -> dict[str, str]:
    """{field: message} from a response in the API's error format."""
    body = response.json()
    return {f["field"]: f["message"] for f in body["error"]["fields"]}
