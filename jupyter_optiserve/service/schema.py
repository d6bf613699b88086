"""The OpenAPI document (``server/openapi.yaml``) as data, and request-body validation against it.

One schema for every interface: the REST API validates with it before calling the service, and the
service validates plain dicts from the magic or Python with the same rules. Pure Python (PyYAML +
jsonschema), no Jupyter imports.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.patterns import end_anchored
from jupyter_optiserve.service.jsonsafe import non_finite_path

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "server" / "openapi.yaml"


@functools.lru_cache(maxsize=1)
def openapi() -> dict:
    """The parsed OpenAPI document (cached; callers must not mutate it: use ``openapi_json``)."""
    import yaml

    return yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def openapi_json() -> str:
    return json.dumps(openapi())


def _to_jsonschema(node):
    """OpenAPI 3.0 schema -> JSON Schema draft 7: ``nullable``, boolean ``exclusiveMinimum``, refs."""
    if isinstance(node, list):
        return [_to_jsonschema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k == "$ref" and isinstance(v, str):
            out[k] = v.replace("#/components/schemas/", "#/definitions/")
        elif k in ("nullable", "example", "format", "discriminator", "xml", "externalDocs", "readOnly", "writeOnly"):
            continue
        elif k == "exclusiveMinimum" and isinstance(v, bool):
            continue
        elif k == "pattern":
            out[k] = end_anchored(v)
        else:
            out[k] = _to_jsonschema(v)
    if node.get("exclusiveMinimum") is True and "minimum" in node:
        out["exclusiveMinimum"] = out.pop("minimum")
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        if "allOf" in out or "$ref" in out:
            out = {"anyOf": [{"type": "null"}, out]}
    return out


@functools.cache
def _validator(name: str):
    import jsonschema

    defs = _to_jsonschema(copy.deepcopy(openapi()["components"]["schemas"]))
    schema = {"$ref": f"#/definitions/{name}", "definitions": defs}
    return _strict_ints(jsonschema.Draft7Validator)(schema)


def _strict_ints(cls):
    """JSON Schema counts 3.0 as an integer; the engine slices and counts with these, so only ints are."""
    import jsonschema

    checker = cls.TYPE_CHECKER.redefine("integer", lambda _checker, v: isinstance(v, int) and not isinstance(v, bool))
    return jsonschema.validators.extend(cls, type_checker=checker)


def _field(err) -> str:
    path = [str(p) for p in err.absolute_path]
    if err.validator == "required":
        missing = err.message.split("'")[1] if "'" in err.message else ""
        path.append(missing)
    if err.validator == "additionalProperties":
        extra = [p for p in err.message.split("'")[1::2]]
        path.append(extra[0] if extra else "")
    return ".".join(p for p in path if p)


def validate(name: str, body) -> dict:
    """Validate ``body`` against ``components.schemas[name]``; InvalidInputError naming the field."""
    if not isinstance(body, dict):
        raise InvalidInputError("the request body must be a JSON object", hint='send e.g. {"model": "..."}')
    bad = non_finite_path(body)
    if bad:  # NaN passes every minimum/maximum comparison: reject it before the schema
        raise InvalidInputError(f"'{bad}' is not a finite number", hint=f'send a finite number for "{bad}"', field=bad)
    try:
        errors = sorted(_validator(name).iter_errors(body), key=lambda e: (len(list(e.absolute_path)), e.message))
    except RecursionError:
        raise InvalidInputError("the request nests too deeply", hint="send a flat JSON object", field="body") from None
    if not errors:
        return body
    err = errors[0]
    fld = _field(err)
    if err.validator == "required":
        msg, hint = f"'{fld}' is required", f'add "{fld}" to the request'
    elif err.validator == "additionalProperties":
        allowed = sorted(openapi()["components"]["schemas"][name].get("properties") or {})
        msg, hint = f"'{fld}' is not a known field", "known fields: " + ", ".join(allowed)
    else:
        msg, hint = f"'{fld}': {err.message}", f'fix "{fld}"'
    raise InvalidInputError(msg, hint=hint, field=fld)


@functools.lru_cache(maxsize=256)
def _param_validator(schema_json: str):
    import jsonschema

    defs = _to_jsonschema(copy.deepcopy(openapi()["components"]["schemas"]))
    return _strict_ints(jsonschema.Draft7Validator)({**_to_jsonschema(json.loads(schema_json)), "definitions": defs})


def validate_value(schema: dict, value, where: str):
    """Validate one parameter value against an OpenAPI parameter schema (query or path)."""
    errs = list(_param_validator(json.dumps(schema, sort_keys=True)).iter_errors(value))
    if errs:
        raise InvalidInputError(f"'{where}': {errs[0].message}", hint=f"fix the {where} parameter", field=where)
    return value
