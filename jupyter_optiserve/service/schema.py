"""The OpenAPI document (``server/openapi.yaml``) as data, and request-body validation against it.

One schema for every interface: the REST API validates with it before calling the service, and the
service validates plain dicts from the magic or Python with the same rules. Pure Python (PyYAML +
openapi-schema-validator, which reads OpenAPI 3.0 schemas as they are), no Jupyter imports.
"""

from __future__ import annotations

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


def _validator_class():
    """openapi-schema-validator's OpenAPI 3.0 dialect (nullable, boolean exclusiveMinimum, draft-4 integers,
    so 3.0 and True are not integers) with one change: a pattern's trailing ``$`` ends the text, so
    ``"int4\\n"`` does not pass ``^[a-z0-9]+$``."""
    import jsonschema
    from openapi_schema_validator import OAS30Validator

    base = OAS30Validator.VALIDATORS["pattern"]

    def pattern(validator, patrn, instance, schema):
        yield from base(validator, end_anchored(patrn), instance, schema)

    return jsonschema.validators.extend(OAS30Validator, {"pattern": pattern})


@functools.cache
def _validator(name: str):
    return _validator_class()({"$ref": f"#/components/schemas/{name}", "components": openapi()["components"]})


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
    return _validator_class()({**json.loads(schema_json), "components": openapi()["components"]})


def validate_value(schema: dict, value, where: str):
    """Validate one parameter value against an OpenAPI parameter schema (query or path)."""
    errs = list(_param_validator(json.dumps(schema, sort_keys=True)).iter_errors(value))
    if errs:
        raise InvalidInputError(f"'{where}': {errs[0].message}", hint=f"fix the {where} parameter", field=where)
    return value
