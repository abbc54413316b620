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


def test_operations_that_moved_keep_their_published_ids():
    """Generated clients name their methods after operation ids; the seeker, enterprise and
    posting operations moved from api/routers/ into their apps (and matching) without new ids."""
    schema = ninja_api.get_openapi_schema(path_prefix="/api/")
    ids = {
        (method.upper(), path): op["operationId"]
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method != "parameters" and path.startswith(("/api/seekers", "/api/enterprises", "/api/postings"))
    }
    old = "jobbridge_api_routers_"
    assert ids == {
        ("GET", "/api/seekers"): old + "seekers_seeker_list",
        ("POST", "/api/seekers"): old + "seekers_seeker_create",
        ("GET", "/api/seekers/{seeker_id}"): old + "seekers_seeker_detail",
        ("PATCH", "/api/seekers/{seeker_id}"): old + "seekers_seeker_patch",
        ("POST", "/api/seekers/{seeker_id}/reveal"): old + "seekers_seeker_reveal_pii",
        ("POST", "/api/seekers/{seeker_id}/diagnoses"): old + "seekers_seeker_diagnosis_add",
        ("GET", "/api/seekers/{seeker_id}/recommendations"): old + "seekers_seeker_recommendations",
        ("GET", "/api/enterprises"): old + "enterprises_enterprise_list",
        ("POST", "/api/enterprises"): old + "enterprises_enterprise_create",
        ("GET", "/api/enterprises/{enterprise_id}"): old + "enterprises_enterprise_detail",
        ("PATCH", "/api/enterprises/{enterprise_id}"): old + "enterprises_enterprise_patch",
        ("GET", "/api/postings"): old + "postings_posting_list",
        ("POST", "/api/postings"): old + "postings_posting_add",
        ("GET", "/api/postings/{posting_id}"): old + "postings_posting_detail",
        ("PATCH", "/api/postings/{posting_id}"): old + "postings_posting_patch",
        ("POST", "/api/postings/{posting_id}/close"): old + "postings_posting_close_view",
        ("GET", "/api/postings/{posting_id}/candidates"): old + "postings_posting_candidates",
    }
    every = [
        op["operationId"] for ops in schema["paths"].values() for m, op in ops.items() if m != "parameters"
    ]
    assert len(every) == len(set(every))
