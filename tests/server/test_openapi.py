"""The OpenAPI document: valid, complete (every route and verb, both ways), and true of the live
server (a bounded schemathesis run: no 5xx, every response matches its documented schema)."""

import copy
import re
import time

import pytest
import tornado.web

from jupyter_optiserve.server.handlers import routes
from jupyter_optiserve.service.schema import _validator, _validator_class, openapi

VERBS = ("get", "post", "put", "patch", "delete")
SCHEMATHESIS_BUDGET_S = 30.0


def documented() -> dict:
    return {p: {m for m in item if m in VERBS} for p, item in openapi()["paths"].items()}


def served() -> dict:
    out = {}
    for pattern, handler in routes():
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)
        out[path] = {v for v in VERBS if getattr(handler, v) is not getattr(tornado.web.RequestHandler, v)}
        assert handler.api_path == path, (handler, path)
    return out


def test_every_route_and_verb_is_documented_and_nothing_else():
    assert served() == documented()


def test_document_is_valid_openapi_3():
    import schemathesis

    doc = openapi()
    assert doc["openapi"].startswith("3.0")
    schema = schemathesis.openapi.from_dict(copy.deepcopy(doc))
    ops = [r.ok() for r in schema.get_all_operations()]  # raises on an invalid operation
    assert len(ops) == sum(len(v) for v in documented().values())
    # every schema is a valid OpenAPI 3.0 schema object, and the validator resolves it
    for name, schema in doc["components"]["schemas"].items():
        _validator_class().check_schema(schema)
        _validator(name).is_valid({})
    text = str(doc)
    for ref in set(re.findall(r"#/components/(\w+)/(\w+)", text)):
        assert ref[1] in doc["components"][ref[0]], ref
    for path, item in doc["paths"].items():
        for verb, op in item.items():
            if verb in VERBS:
                assert op.get("operationId") and op.get("summary"), (path, verb)
                assert "403" in op["responses"], f"{verb} {path}: the auth failure is not documented"
                ok = [c for c in op["responses"] if c.startswith("2")]
                assert ok, (path, verb)


def test_request_schemas_use_the_cli_names():
    """Body fields are the CLI's flags with _ for - (recommend/estimate/render...)."""
    from jupyter_optiserve.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command").choices
    schemas = openapi()["components"]["schemas"]
    for cmd, schema in (
        ("recommend", "RecommendRequest"),
        ("estimate", "EstimateRequest"),
        ("render", "PlanRequest"),
        ("deploy", "DeployRequest"),
    ):
        flags = {a.dest for a in sub[cmd]._actions if a.option_strings} - {"help", "json", "func"}
        fields = set(schemas[schema]["properties"])
        cluster = {"kubeconfig", "context", "kube_context", "request_timeout", "timeout", "yes"}
        assert fields - flags <= {"timeout", "target"}, (cmd, fields - flags)  # target: deployment_kind's old name
        assert flags - fields <= cluster | {"namespace"}, (cmd, flags - fields)


def test_schemathesis_against_the_live_server(live_server):
    """Positive examples for every operation, bounded in time: no 5xx and conforming responses."""
    import hypothesis
    import schemathesis
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    base, token = live_server
    schema = schemathesis.openapi.from_dict(copy.deepcopy(openapi()))
    headers = {"Authorization": f"token {token}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    ops = [r.ok() for r in schema.get_all_operations()]
    per_op = max(1.0, SCHEMATHESIS_BUDGET_S / len(ops))
    calls, statuses = 0, {}
    for op in ops:
        started = time.monotonic()

        @hypothesis.settings(
            max_examples=12,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        @hypothesis.given(case=op.as_strategy())
        def run(case):
            nonlocal calls
            if time.monotonic() - started > per_op:  # noqa: B023 (run inside this iteration)
                return
            resp = case.call(base_url=base, headers=headers, timeout=20)
            calls += 1
            statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1
            case.validate_response(resp, checks=checks)

        try:
            run()
        except Exception as exc:
            pytest.fail(f"{op.method.upper()} {op.path}: {exc}")
    print(f"schemathesis: {calls} calls over {len(ops)} operations, statuses {statuses}")
    assert calls >= len(ops) * 2, calls
    assert not any(code >= 500 for code in statuses), statuses
    assert 200 in statuses and 400 in statuses or 404 in statuses, statuses
