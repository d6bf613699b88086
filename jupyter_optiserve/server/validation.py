"""Validate a request against its operation in ``openapi.yaml``: path and query parameters, the JSON
body (parsed and checked with jsonschema). Failures are InvalidInputError (400) naming the field."""

from __future__ import annotations

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.service.jsonsafe import loads
from jupyter_optiserve.service.schema import openapi, validate, validate_value


def operation(api_path: str, method: str) -> dict:
    return openapi()["paths"][api_path][method.lower()]


def _parameters(api_path: str, method: str) -> list[dict]:
    doc = openapi()
    item = doc["paths"][api_path]
    out = []
    for p in [*(item.get("parameters") or []), *(operation(api_path, method).get("parameters") or [])]:
        if "$ref" in p:
            p = doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]
        out.append(p)
    return out


def check_params(api_path: str, method: str, query: dict, path_args: dict) -> dict:
    """The declared parameters' values (query: first value, decoded) after validation."""
    values = {}
    for p in _parameters(api_path, method):
        name = p["name"]
        if p["in"] == "path":
            value = path_args.get(name)
        else:
            raw = query.get(name)
            value = raw[0].decode("utf-8", "replace") if raw else None
        if value is None:
            if p.get("required"):
                raise InvalidInputError(f"'{name}' is required", hint=f"add the {name} parameter", field=name)
            continue
        values[name] = validate_value(p.get("schema") or {}, value, name)
    return values


def check_body(api_path: str, method: str, raw: bytes) -> dict | None:
    """The parsed JSON body validated against the operation's request schema (None if it has none)."""
    spec = operation(api_path, method).get("requestBody")
    if not spec:
        return None
    ref = spec["content"]["application/json"]["schema"]["$ref"]
    if not raw or not raw.strip():
        if spec.get("required"):
            raise InvalidInputError("the request needs a JSON body", hint="send a JSON object", field="body")
        return {}
    return validate(ref.rsplit("/", 1)[1], loads(raw))
