"""Check rendered manifests locally: object metadata rules plus the real KServe CRD schemas.

When the CRD files are not available (an installed package), the schema part is reported as
skipped; the server-side ``dryRun=All`` create in preflight then does the same job on the cluster.
"""

from __future__ import annotations

import re

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.kube import crdschema

_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")


def problems(objs: list[dict], crds_dir=None) -> tuple[list[str], bool]:
    """(problems as ``Kind/name: path: message``, whether CRD schemas were checked)."""
    out, schema_checked = [], crdschema.crds_dir(crds_dir) is not None
    for obj in objs:
        meta = obj.get("metadata") or {}
        ref = f"{obj.get('kind')}/{meta.get('name')}"
        name = meta.get("name") or ""
        if not _SUBDOMAIN.match(name) or len(name) > 253:
            out.append(f"{ref}: metadata.name: not a DNS-1123 subdomain")
        for k, v in (meta.get("labels") or {}).items():
            if not isinstance(v, str) or len(v) > 63 or not _LABEL_VALUE.match(v):
                out.append(f"{ref}: metadata.labels.{k}: invalid label value {v!r}")
        for k, v in (meta.get("annotations") or {}).items():
            if not isinstance(v, str):
                out.append(f"{ref}: metadata.annotations.{k}: must be a string, got {type(v).__name__}")
        if obj.get("apiVersion", "").startswith("serving.kserve.io/"):
            errs = crdschema.schema_errors(obj, crdschema.crds_dir(crds_dir)) if schema_checked else None
            out += [f"{ref}: {e}" for e in errs or []]
    return out, schema_checked


def ensure_valid(objs: list[dict], crds_dir=None) -> bool:
    """Raise InvalidInputError listing every problem; return whether schemas were checked."""
    found, checked = problems(objs, crds_dir)
    if found:
        raise InvalidInputError(
            "the rendered manifests are invalid:\n  " + "\n  ".join(found[:20]),
            hint="this is an OptiServe bug: please report it with the command you ran",
            problems=found,
        )
    return checked
