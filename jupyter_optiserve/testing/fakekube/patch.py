"""PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and a merge-style apply.

Strategic merge patch is treated as a merge patch (exact for custom resources, which the
apiserver also handles that way; for built-in lists keyed by name it replaces the list).
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import ApiError, bad_request

MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
APPLY_YAML = "application/apply-patch+yaml"
APPLY_CBOR = "application/apply-patch+cbor"
PATCH_TYPES = (MERGE, JSON_PATCH, STRATEGIC, APPLY_YAML)


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def apply_merge(target: Any, applied: Any) -> Any:
    """Server-side apply without field ownership: maps merge, everything else is replaced.

    Unlike a merge patch, null does not delete (the real apply treats it as "not specified")."""
    if not isinstance(applied, dict) or not isinstance(target, dict):
        return copy.deepcopy(applied)
    out = copy.deepcopy(target)
    for k, v in applied.items():
        if v is not None:
            out[k] = apply_merge(out.get(k), v)
    return out


def _invalid(msg: str) -> ApiError:
    return ApiError(422, msg)


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise _invalid(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc: Any, parts: list[str], op: str, path: str):
    cur = doc
    for p in parts[:-1]:
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            raise _invalid(f"{op} operation does not apply: doc is missing path: {path!r}")
    return cur


def _index(container: list, key: str, op: str, path: str, allow_end: bool) -> int:
    if key == "-" and allow_end:
        return len(container)
    if not key.isdigit() or int(key) > len(container) or (int(key) == len(container) and not allow_end):
        raise _invalid(f"{op} operation does not apply: doc is missing path: {path!r}")
    return int(key)


def _get(doc: Any, path: str, op: str) -> Any:
    parts = _pointer(path)
    if not parts:
        return doc
    parent = _parent(doc, parts, op, path)
    key = parts[-1]
    if isinstance(parent, dict) and key in parent:
        return parent[key]
    if isinstance(parent, list):
        return parent[_index(parent, key, op, path, False)]
    raise _invalid(f"{op} operation does not apply: doc is missing key: {path!r}")


def _remove(doc: Any, path: str, op: str) -> Any:
    parts = _pointer(path)
    parent = _parent(doc, parts, op, path)
    key = parts[-1]
    if isinstance(parent, dict) and key in parent:
        return parent.pop(key)
    if isinstance(parent, list):
        return parent.pop(_index(parent, key, op, path, False))
    raise _invalid(f"{op} operation does not apply: doc is missing key: {path!r}")


def _add(doc: Any, path: str, value: Any, op: str, replace: bool = False) -> Any:
    parts = _pointer(path)
    if not parts:
        return copy.deepcopy(value)
    parent = _parent(doc, parts, op, path)
    key = parts[-1]
    if isinstance(parent, dict):
        if replace and key not in parent:
            raise _invalid(f"replace operation does not apply: doc is missing key: {path!r}")
        parent[key] = copy.deepcopy(value)
    elif isinstance(parent, list):
        i = _index(parent, key, op, path, not replace)
        if replace:
            parent[i] = copy.deepcopy(value)
        else:
            parent.insert(i, copy.deepcopy(value))
    else:
        raise _invalid(f"{op} operation does not apply: doc is missing path: {path!r}")
    return doc


def json_patch(target: Any, ops: Any) -> Any:
    if not isinstance(ops, list):
        raise bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = copy.deepcopy(target)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise bad_request(f"invalid JSON patch operation: {op!r}")
        kind, path = op["op"], op["path"]
        if kind == "add":
            doc = _add(doc, path, op.get("value"), kind)
        elif kind == "replace":
            doc = _add(doc, path, op.get("value"), kind, replace=True)
        elif kind == "remove":
            _remove(doc, path, kind)
        elif kind in ("move", "copy"):
            value = _remove(doc, op["from"], kind) if kind == "move" else copy.deepcopy(_get(doc, op["from"], kind))
            doc = _add(doc, path, value, kind)
        elif kind == "test":
            if _get(doc, path, kind) != op.get("value"):
                raise _invalid(f"testing value {path} failed: test failed")
        else:
            raise bad_request(f"Unexpected kind: {kind}")
    return doc
