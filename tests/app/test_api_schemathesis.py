"""schemathesis against the real app: every documented operation, generated inputs, a leader's token.

It asserts what integrations rely on: no 5xx whatever they send, every status code and content type
documented, every body matching its schema, schema-breaking input refused with a 4xx, and no
operation answering without a valid token.
"""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, ignored_auth, negative_data_rejection,
                                               response_headers_conformance, response_schema_conformance,
                                               status_code_conformance)

from okr_app.api.tokens import create_token
from okr_app.extensions import db

MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection, ignored_auth]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One app for the whole module (its state grows as operations run): a small org whose first ids
    exist (the document's examples use id 1), and a leader's token. Returns (app, token)."""
    from tests.builders import Builders
    from tests.builders.apps import make_app

    tmp_path = tmp_path_factory.mktemp("schemathesis")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("CADENCE_DATABASE_URL", raising=False)
        env.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
        app = make_app(tmp_path)
        with app.app_context():
            db.create_all()
            build = Builders()
            ceo = build.person(role="leader", email="ceo@example.com")
            success = build.team("Customer Success")
            manager = build.person(role="manager", manager=ceo, team=success)
            rep = build.person(manager=manager, team=success)
            outsider = build.person()
            cycle = build.cycle()
            company = build.objective(cycle, company=True, title="Grow revenue that lasts")
            rollup = build.key_result(company, kind="rollup")
            build.key_result(company, start=90, target=110, current=98, unit="%")
            team = build.objective(cycle, team=success, aligned_to=rollup)
            build.key_result(team, kind="milestone", current=1)
            mine = build.objective(cycle, owner=rep, aligned_to=rollup)
            build.key_result(mine, kind="stay_below", start=10, target=5, current=4)
            build.objective(cycle, owner=outsider, private=True)
            _, token = create_token(ceo, name="schemathesis")
            db.session.commit()
        yield app, token
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _documented_operations() -> list[tuple[str, str, GenerationMode]]:
    """(METHOD, path, mode) for every operation, from the registry the document is generated from;
    negative data only where there is an input to break (path, query or body)."""
    from okr_app.api import bp
    from okr_app.api.routing import OPERATIONS

    cases = [("GET", "/api/v1/openapi.json", GenerationMode.POSITIVE)]
    for op in OPERATIONS:
        path = bp.url_prefix + re.sub(r"<int:(\w+)>", r"{\1}", op.rule)
        cases.append((op.method, path, GenerationMode.POSITIVE))
        if op.path_params or op.body or op.query:
            cases.append((op.method, path, GenerationMode.NEGATIVE))
    return cases


@pytest.mark.parametrize(("method", "path", "mode"), _documented_operations())
def test_every_operation_answers_within_its_documented_contract(seeded, method, path, mode):
    app, token = seeded
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {token}"}

    strategies = [(operation.as_strategy(generation_mode=mode), MAX_EXAMPLES)]
    if mode is GenerationMode.POSITIVE:  # the document's own examples, run once each
        strategies += [(example, 1) for example in schema.get_strategies_from_examples(operation)]
    for strategy, examples in strategies:
        @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate])
        @given(case=strategy)
        def answers_within_contract(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_within_contract()
