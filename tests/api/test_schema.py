"""The OpenAPI schema describes every endpoint, every operation needs authentication, and the
docs page loads nothing from outside the site."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jobbridge.api.main import api as ninja_api

pytestmark = pytest.mark.django_db

NOT_OPERATIONS = {"openapi-json", "openapi-view", "api-root", "api-docs-asset", None}


def _routes():
    """(path, methods) for every ninja operation view the URL resolver actually serves."""
    found = {}

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("api/"):
                if p.name in NOT_OPERATIONS:
                    continue
                path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", prefix + str(p.pattern))
                # ninja's view closes over its PathView, which knows the operations' methods.
                path_view = next(
                    c.cell_contents for c in p.callback.__closure__ if hasattr(c.cell_contents, "operations")
                )
                found[path] = {m.lower() for op in path_view.operations for m in op.methods}

    walk(get_resolver().url_patterns, "")
    return found


def test_every_served_endpoint_is_in_the_schema():
    schema = Client().get("/api/openapi.json").json()
    documented = {path: {m for m in ops if m != "parameters"} for path, ops in schema["paths"].items()}
    served = _routes()
    assert len(served) >= 19
    assert served == documented


def test_every_operation_requires_authentication():
    schema = ninja_api.get_openapi_schema(path_prefix="/api/")
    schemes = set(schema["components"]["securitySchemes"])
    assert schemes == {"BearerToken", "Session"}
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            assert op.get("security"), f"{method.upper()} {path} is open to anonymous callers"


def test_schema_and_docs_are_public_and_docs_load_no_cdn():
    client = Client()
    assert client.get("/api/openapi.json").status_code == 200
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    refs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert refs and all(r.startswith("/api/docs/assets/") for r in refs), refs
    assert "cdn" not in html.lower() and "https://" not in html
    for ref in refs:
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        asset.close()
    assert client.get("/api/docs/assets/..%2Fmain.py").status_code == 404


def test_unknown_api_path_answers_json_404_not_a_login_redirect():
    response = Client().get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
