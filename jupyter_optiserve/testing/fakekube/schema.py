"""CRD schemas: load the real KServe CRDs, prune, default and validate custom resources.

The order follows the apiextensions-apiserver: prune unknown fields (warn, or reject under
fieldValidation=Strict), apply `default:` values, then validate the OpenAPI v3 schema. The
OpenAPI dialect is turned into JSON Schema for `jsonschema.Draft4Validator`. CEL rules
(`x-kubernetes-validations`) are not evaluated, except the two "has()" shapes that express
mutual exclusion / one-of, e.g. LLMInferenceService's "replicas and scaling are mutually exclusive".
"""

from __future__ import annotations

import copy
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from jupyter_optiserve.kube.crdschema import to_json_schema as _to_json_schema

from .errors import bad_request, invalid

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: 4x slower, still correct
    _Loader = yaml.SafeLoader

CRDS_ENV = "OPTISERVE_KSERVE_CRDS"
# <repo>/../shared/reference/kserve-crds: the shared checkout next to the repository.
DEFAULT_CRDS = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "kserve-crds"


def resolve_crds_dir(explicit: str | os.PathLike | None = None) -> Path | None:
    """Explicit argument, then $OPTISERVE_KSERVE_CRDS, then the shared default; None if absent."""
    for cand in (explicit, os.environ.get(CRDS_ENV), DEFAULT_CRDS):
        if cand:
            # A path that was asked for but does not exist means "no CRDs", not "fall back".
            return Path(cand) if Path(cand).is_dir() else None
    return None


def to_json_schema(s: Any) -> Any:
    """OpenAPI v3 (Kubernetes dialect) -> JSON Schema draft 4; unknown fields are pruned, not errors."""
    return _to_json_schema(s, reject_unknown=False)


@dataclass
class VersionSchema:
    openapi: dict
    _validator: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    has_rules: bool = False

    @property
    def validator(self) -> jsonschema.Draft4Validator:
        with self._lock:
            if self._validator is None:
                self._validator = jsonschema.Draft4Validator(to_json_schema(self.openapi))
            return self._validator


_CACHE: dict[Path, dict[str, VersionSchema]] = {}
_CACHE_LOCK = threading.Lock()


def load_crd_versions(path: Path) -> dict[str, VersionSchema]:
    """{served version: schema}; parsed once per process (the ISVC CRD is 2 MB of YAML)."""
    path = path.resolve()
    with _CACHE_LOCK:
        if path not in _CACHE:
            with open(path, "rb") as f:
                crd = yaml.load(f, Loader=_Loader)
            out = {}
            for v in crd["spec"]["versions"]:
                if v.get("served", True):
                    schema = (v.get("schema") or {}).get("openAPIV3Schema") or {"type": "object"}
                    out[v["name"]] = VersionSchema(schema, has_rules=_contains_rules(schema))
            _CACHE[path] = out
        return _CACHE[path]


def _contains_rules(schema: Any) -> bool:
    if isinstance(schema, dict):
        return "x-kubernetes-validations" in schema or any(_contains_rules(v) for v in schema.values())
    if isinstance(schema, list):
        return any(_contains_rules(v) for v in schema)
    return False


# ---- pruning and defaulting (structural-schema semantics) ----


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _prune(value: Any, schema: dict, path: str, unknown: list[str]) -> None:
    if isinstance(value, dict):
        props = schema.get("properties")
        addl = schema.get("additionalProperties")
        preserve = schema.get("x-kubernetes-preserve-unknown-fields")
        embedded = schema.get("x-kubernetes-embedded-resource")
        for k in list(value):
            sub = (props or {}).get(k) if props else (addl if isinstance(addl, dict) else None)
            if sub is None:
                if preserve or addl is True or (embedded and k in ("apiVersion", "kind", "metadata")):
                    continue
                unknown.append(_join(path, k))
                del value[k]
            elif value[k] is None and not sub.get("nullable"):
                del value[k]  # nulls of non-nullable fields are dropped before defaulting, silently
            else:
                _prune(value[k], sub, _join(path, k), unknown)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _prune(item, schema["items"], f"{path}[{i}]", unknown)


def _default(value: Any, schema: dict) -> None:
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for k, sub in props.items():
            if k not in value and "default" in sub:
                value[k] = copy.deepcopy(sub["default"])
        addl = schema.get("additionalProperties")
        for k, v in value.items():
            sub = props.get(k) or (addl if isinstance(addl, dict) else None)
            if sub:
                _default(v, sub)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            _default(item, schema["items"])


# ---- validation errors -> metav1.StatusCause ----


def _path(parts) -> str:
    out = ""
    for p in parts:
        out = f"{out}[{p}]" if isinstance(p, int) else _join(out, p)
    return out


def _show(v: Any) -> str:
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (dict, list)):
        return '"object"' if isinstance(v, dict) else '"array"'
    return str(v)


def _go_type(v: Any) -> str:
    return {str: "string", bool: "boolean", int: "integer", float: "number", dict: "object", list: "array"}.get(
        type(v), "null"
    )


def _causes(err: jsonschema.ValidationError) -> list[dict]:
    base = _path(err.absolute_path)
    v, inst = err.validator, err.instance
    if v == "required":
        return [
            {"reason": "FieldValueRequired", "message": "Required value", "field": _join(base, name)}
            for name in err.validator_value
            if isinstance(inst, dict) and name not in inst
        ]
    if v == "type":
        want = err.validator_value if isinstance(err.validator_value, str) else err.validator_value[0]
        msg = f'{base} in body must be of type {want}: "{_go_type(inst)}"'
        return [
            {"reason": "FieldValueTypeInvalid", "field": base, "message": f'Invalid value: "{_go_type(inst)}": {msg}'}
        ]
    if v == "enum":
        allowed = ", ".join(_show(x) for x in err.validator_value)
        return [
            {
                "reason": "FieldValueNotSupported",
                "field": base,
                "message": f"Unsupported value: {_show(inst)}: supported values: {allowed}",
            }
        ]
    detail = {
        "minimum": f"should be greater than or equal to {err.validator_value}",
        "maximum": f"should be less than or equal to {err.validator_value}",
        "pattern": f"should match '{err.validator_value}'",
        "maxLength": f"should be at most {err.validator_value} chars long",
        "minLength": f"should be at least {err.validator_value} chars long",
        "maxItems": f"should have at most {err.validator_value} items",
        "minItems": f"should have at least {err.validator_value} items",
    }.get(v, err.message)
    return [
        {
            "reason": "FieldValueInvalid",
            "field": base,
            "message": f"Invalid value: {_show(inst)}: {base} in body {detail}",
        }
    ]


_EXCLUSIVE = re.compile(r"^!\(has\(self\.(\w+)\) && has\(self\.(\w+)\)\)$")
_ONE_OF = re.compile(r"^has\(self\.(\w+)\) \|\| has\(self\.(\w+)\)$")


def _rule_causes(value: Any, schema: dict, path: str, out: list[dict]) -> None:
    """The CEL subset: `!(has(self.a) && has(self.b))` and `has(self.a) || has(self.b)`."""
    if isinstance(value, dict):
        for rule in schema.get("x-kubernetes-validations") or ():
            expr = rule.get("rule", "")
            broken = False
            if m := _EXCLUSIVE.match(expr):
                broken = m.group(1) in value and m.group(2) in value
            elif m := _ONE_OF.match(expr):
                broken = m.group(1) not in value and m.group(2) not in value
            if broken:
                msg = rule.get("message") or f"failed rule: {expr}"
                out.append(
                    {
                        "reason": "FieldValueInvalid",
                        "field": path or "<nil>",
                        "message": f'Invalid value: "object": {msg}',
                    }
                )
        props = schema.get("properties") or {}
        addl = schema.get("additionalProperties")
        for k, v in value.items():
            sub = props.get(k) or (addl if isinstance(addl, dict) else None)
            if sub:
                _rule_causes(v, sub, _join(path, k), out)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _rule_causes(item, schema["items"], f"{path}[{i}]", out)


class SchemaSet:
    """Schemas for one server; the parsed YAML itself is shared process-wide via _CACHE."""

    def __init__(self, crds_dir: str | os.PathLike | None = None, *, enabled: bool = True):
        self.dir = resolve_crds_dir(crds_dir) if enabled else None

    @property
    def has_crds(self) -> bool:
        return bool(self.dir and (self.dir / "serving.kserve.io_inferenceservices.yaml").is_file())

    def for_resource(self, res, version: str) -> VersionSchema | None:
        if not self.dir or not res.crd_file:
            return None
        path = self.dir / res.crd_file
        if not path.is_file():
            return None
        return load_crd_versions(path).get(version)

    def preload(self, resources) -> None:
        for res in resources:
            for v in res.versions:
                vs = self.for_resource(res, v)
                if vs is not None:
                    vs.validator  # noqa: B018 - compile now rather than on the first request

    def admit(self, res, version: str, obj: dict, *, strict: bool) -> tuple[dict, list[str]]:
        """Prune + default + validate; returns (object, warnings) or raises 400/422."""
        vs = self.for_resource(res, version)
        if vs is None:
            return obj, []
        top = vs.openapi.get("properties") or {}
        unknown: list[str] = []
        for k in list(obj):
            if k in ("apiVersion", "kind", "metadata"):
                continue
            if k not in top:
                unknown.append(k)
                del obj[k]
            elif obj[k] is None and not top[k].get("nullable"):
                del obj[k]
            else:
                _prune(obj[k], top[k], k, unknown)
        if strict and unknown:
            # The apiserver answers 400 BadRequest here (transformDecodeError), not 422.
            raise bad_request(
                f'{res.kind} in version "{version}" cannot be handled as a {res.kind}: strict '
                "decoding error: " + ", ".join(f'unknown field "{u}"' for u in unknown)
            )
        _default(obj, vs.openapi)
        causes: list[dict] = []
        body = {k: v for k, v in obj.items() if k != "metadata"}
        for err in vs.validator.iter_errors(body):
            causes.extend(c for c in _causes(err) if c not in causes)
        if vs.has_rules:
            _rule_causes(body, vs.openapi, "", causes)
        if causes:
            raise invalid(res, (obj.get("metadata") or {}).get("name", ""), causes)
        return obj, [f'unknown field "{u}"' for u in unknown]
