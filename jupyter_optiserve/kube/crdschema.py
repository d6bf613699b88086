"""Validate objects against the real KServe CRD schemas (production side; no test imports).

The CRDs live in ``../shared/reference/kserve-crds`` next to a development checkout, or wherever
``$OPTISERVE_KSERVE_CRDS`` points. An installed package usually has neither: callers then skip the
local check and rely on the server-side ``dryRun=All`` create, which runs the cluster's own schema.
OpenAPI v3 (Kubernetes dialect) is turned into JSON Schema draft 4; CEL rules are not evaluated.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import yaml

from jupyter_optiserve.patterns import end_anchored

CRDS_ENV = "OPTISERVE_KSERVE_CRDS"
_DEFAULT = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "kserve-crds"

# (group, kind) -> CRD file name
FILES = {
    ("serving.kserve.io", "InferenceService"): "serving.kserve.io_inferenceservices.yaml",
    ("serving.kserve.io", "ServingRuntime"): "serving.kserve.io_servingruntimes.yaml",
    ("serving.kserve.io", "ClusterServingRuntime"): "serving.kserve.io_clusterservingruntimes.yaml",
    ("serving.kserve.io", "LLMInferenceService"): "serving.kserve.io_llminferenceservices.yaml",
    ("serving.kserve.io", "LLMInferenceServiceConfig"): "serving.kserve.io_llminferenceserviceconfigs.yaml",
}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: the ISVC CRD is 2 MB
_lock = threading.Lock()
_validators: dict[tuple[str, str, str], Any] = {}  # jsonschema.Draft4Validator or None


def crds_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The CRD folder: explicit, then $OPTISERVE_KSERVE_CRDS, then ../shared; None when absent."""
    for cand in (explicit, os.environ.get(CRDS_ENV), _DEFAULT):
        if cand and Path(cand).is_dir():
            return Path(cand)
        if cand and cand is explicit:
            return None
    return None


def to_json_schema(s: dict[str, Any], reject_unknown: bool = True) -> dict[str, Any]:
    """OpenAPI v3 with Kubernetes extensions -> JSON Schema draft 4.

    ``reject_unknown``: the API server prunes fields a structural schema does not know; a renderer
    wants them reported as errors instead (a typo would be dropped silently), the fake API server
    prunes them like the real one and passes False."""
    if not isinstance(s, dict):
        return s
    out: dict[str, Any] = {}
    for k, v in s.items():
        if k.startswith("x-kubernetes-") or k in ("nullable", "description", "format", "example"):
            continue
        if k in ("properties", "patternProperties", "definitions"):
            out[k] = {pk: to_json_schema(pv, reject_unknown) for pk, pv in v.items()}
        elif k in ("items", "additionalProperties", "not"):
            out[k] = to_json_schema(v, reject_unknown)
        elif k in ("allOf", "anyOf", "oneOf"):
            out[k] = [to_json_schema(x, reject_unknown) for x in v]
        elif k == "pattern":
            out[k] = end_anchored(v)  # Go's $ is the end of text; Python's also matches before a final \n
        else:
            out[k] = v
    if s.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    if s.get("x-kubernetes-int-or-string") and "anyOf" not in out:
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if not reject_unknown:
        return out
    if s.get("x-kubernetes-preserve-unknown-fields"):
        out.pop("additionalProperties", None)
    elif (
        "properties" in out
        and "additionalProperties" not in out
        and s.get("type") == "object"
        and not s.get("x-kubernetes-embedded-resource")
    ):
        out["additionalProperties"] = False
    return out


def validator(group: str, kind: str, version: str, directory: Path | None = None) -> Any:
    """A compiled validator for ``group/version kind``; None if that CRD or version is unknown."""
    directory = directory or crds_dir()
    fname = FILES.get((group, kind))
    if not directory or not fname or not (directory / fname).is_file():
        return None
    key = (str(directory), fname, version)
    with _lock:
        if key not in _validators:
            with open(directory / fname, "rb") as f:
                crd = yaml.load(f, Loader=_Loader)
            for v in crd["spec"]["versions"]:
                schema = (v.get("schema") or {}).get("openAPIV3Schema")
                vkey = (str(directory), fname, v["name"])
                if schema and v.get("served", True):
                    js = to_json_schema(schema)
                    js.get("properties", {}).pop("metadata", None)  # ObjectMeta is checked separately
                    js["additionalProperties"] = True
                    import jsonschema  # lazily: slow to import, and `optiserve recommend` never validates CRDs

                    _validators[vkey] = jsonschema.Draft4Validator(js)
            _validators.setdefault(key, None)
        return _validators[key]


def schema_errors(obj: dict[str, Any], directory: Path | None = None) -> list[str] | None:
    """Schema violations of one object as ``path: message`` lines; None when no schema is known."""
    group, _, version = str(obj.get("apiVersion", "")).rpartition("/")
    v = validator(group, str(obj.get("kind", "")), version, directory)
    if v is None:
        return None
    out = []
    for err in sorted(v.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
        path = ".".join(str(p) for p in err.absolute_path) or "<root>"
        out.append(f"{path}: {err.message[:300]}")
    return out
