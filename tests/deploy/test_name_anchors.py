"""Names ending in a newline: Python's ``$`` matches before a final "\\n", Kubernetes' and JavaScript's do not."""

import pytest

from jupyter_optiserve.deploy.naming import name_problem, validate_namespace
from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.patterns import end_anchored


@pytest.mark.parametrize("name", ["abc\n", "abc\r\n", "a\nb", "abc\x00"])
def test_a_trailing_newline_is_not_a_name(name):
    assert name_problem(name) is not None
    with pytest.raises(InvalidInputError):
        validate_namespace(name)


def test_end_anchored():
    assert end_anchored("^[a-z]+$") == r"^[a-z]+\Z" and end_anchored(r"^a\$") == r"^a\$"
    assert end_anchored(r"^a\\$") == r"^a\\\Z" and end_anchored("^[0-9]+") == "^[0-9]+"


def test_schema_patterns_reject_a_trailing_newline():
    from jupyter_optiserve.service.schema import validate

    with pytest.raises(InvalidInputError) as exc:
        validate("PlanRequest", {"model": "granite-3.1-8b-instruct", "kpi": "latency", "name": "abc\n"})
    assert exc.value.detail.get("field") == "name" or "name" in exc.value.message


def test_the_fake_api_server_is_as_strict_as_a_real_one(kube):
    """A real API server rejects the name at create and decodes %0A in paths; the fake does the same."""
    import json
    import urllib.error
    import urllib.request

    def call(method, path, body=None):
        req = urllib.request.Request(
            kube.url + path,
            method=method,
            data=json.dumps(body).encode() if body else None,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    ns = kube.namespace
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "abc\n"}}
    assert call("POST", f"/api/v1/namespaces/{ns}/configmaps", cm) == 422
    cm["metadata"]["name"] = "abc"
    assert call("POST", f"/api/v1/namespaces/{ns}/configmaps", cm) == 201
    assert call("GET", f"/api/v1/namespaces/{ns}/configmaps/abc%0A") == 404
    assert call("GET", f"/api/v1/namespaces/{ns}/configmaps/a%2Fb") == 400
    assert call("DELETE", f"/api/v1/namespaces/{ns}/configmaps/ab%63") == 200  # "abc", decoded
