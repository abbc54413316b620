"""The published OpenAPI document names each schema once (issue 9): two apps' classes of the same
short name (seven Django ``Status`` choices, two ``PanelOut``) no longer overwrite each other."""

import pytest

from jobbridge.api.main import api
from jobbridge.employers.models import Posting
from jobbridge.returns.models import Homecoming

pytestmark = pytest.mark.django_db


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(schema, node["allOf"][0])
    if "anyOf" in node:
        return [_resolve(schema, n) for n in node["anyOf"] if n.get("type") != "null"][0]
    return node


def _response_props(schema, path, method="get"):
    op = schema["paths"][path][method]
    body = op["responses"][200]["content"]["application/json"]["schema"]
    return _resolve(schema, body)


def test_each_status_enum_keeps_its_own_values():
    schema = api.get_openapi_schema()
    posting = _response_props(schema, "/api/postings/{posting_id}")
    assert _resolve(schema, posting["properties"]["status"])["enum"] == list(Posting.Status.values)
    components = schema["components"]["schemas"]
    assert components["ReturnsHomecomingStatus"]["enum"] == list(Homecoming.Status.values)


def test_two_apps_panels_and_reports_are_two_components():
    names = set(api.get_openapi_schema()["components"]["schemas"])
    assert {"PlacementsPanelOut", "TransfersPanelOut", "ReturnsReportOut", "TransfersReportOut"} <= names
    assert not {"Status", "Source", "PanelOut", "ReportOut"} & names
