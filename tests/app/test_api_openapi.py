"""`/api/v1/openapi.json`: generated from the registered endpoints and their marshmallow schemas."""
from __future__ import annotations

import re

import pytest

from okr_app.api import schemas
from okr_app.api.openapi import build_spec


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _api_routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<int:(\w+)>", r"{\1}", rule.rule)
            found |= {(method.lower(), path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_every_api_route_is_documented_and_nothing_else(app, document):
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert documented == _api_routes(app)


def test_every_operation_but_the_document_itself_requires_the_bearer_token(document):
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A personal API token."}
    assert document["security"] == [{"bearerAuth": []}]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if path == "/api/v1/openapi.json":
                assert operation["security"] == []
            else:
                assert "security" not in operation, (method, path)
                assert "401" in operation["responses"], (method, path)


def test_every_error_response_is_the_error_schema(document):
    assert document["components"]["schemas"]["Error"] == {
        "type": "object", "properties": {"error": {"type": "string",
                                                   "description": "What went wrong, written for a person."}},
        "required": ["error"], "additionalProperties": False}
    for item in document["paths"].values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"}


def test_path_ids_are_positive_32_bit_integers_like_the_id_columns(document):
    for path, item in document["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    assert parameter["schema"] == {"type": "integer", "format": "int32", "minimum": 1,
                                                   "maximum": 2**31 - 1}, path


def test_request_bodies_come_from_the_validating_schemas(document):
    bodies = {(method, path): op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
              for path, item in document["paths"].items() for method, op in item.items() if "requestBody" in op}
    assert bodies == {
        ("post", "/api/v1/cycles"): "#/components/schemas/CycleRequest",
        ("post", "/api/v1/objectives"): "#/components/schemas/ObjectiveRequest",
        ("post", "/api/v1/objectives/{objective_id}/key-results"): "#/components/schemas/KeyResultRequest",
        ("post", "/api/v1/key-results/{key_result_id}/check-ins"): "#/components/schemas/CheckInRequest",
        ("post", "/api/v1/weekly"): "#/components/schemas/WeeklyRequest",
    }
    for name, schema in (("CycleRequest", schemas.CycleRequest), ("CheckInRequest", schemas.CheckInRequest)):
        documented = document["components"]["schemas"][name]
        assert set(documented["properties"]) == set(schema().fields)
        assert documented["additionalProperties"] is False  # unknown fields are refused


def test_the_documented_status_codes_are_the_ones_the_issue_promises(document):
    def statuses(method, path):
        return set(document["paths"][path][method]["responses"])

    assert statuses("post", "/api/v1/cycles") == {"201", "400", "401", "403", "422"}
    assert statuses("post", "/api/v1/objectives/{objective_id}/key-results") == {
        "201", "400", "401", "403", "404", "422"}
    assert statuses("post", "/api/v1/weekly") == {"200", "201", "400", "401", "422"}
    assert statuses("get", "/api/v1/objectives/{objective_id}") == {"200", "401", "404"}


def test_progress_is_documented_as_a_number_from_0_to_1(document):
    node = document["components"]["schemas"]["ObjectiveNode"]["properties"]["progress"]
    assert (node["type"], node["minimum"], node["maximum"]) == ("number", 0, 1)


def test_the_document_is_the_same_each_time_it_is_built(app):
    with app.test_request_context():
        assert build_spec() == build_spec()
