"""Label and field selectors with the apiserver's grammar (k8s.io/apimachinery/pkg/labels, fields)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import bad_request

Matcher = Callable[[dict], bool]

_KEY = r"[A-Za-z0-9./_-]+"
_SET_RE = re.compile(rf"^\s*({_KEY})\s+(in|notin)\s*\(([^)]*)\)\s*$")
_OP_RE = re.compile(rf"^\s*({_KEY})\s*(==|=|!=|>|<)\s*([A-Za-z0-9._-]*)\s*$")
_EXISTS_RE = re.compile(rf"^\s*(!?)\s*({_KEY})\s*$")


def _split_top(text: str) -> list[str]:
    """Split on commas that are not inside `in (a,b)` parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p for p in parts if p.strip()]


def _requirement(req: str) -> Matcher:
    if m := _SET_RE.match(req):
        key, op, vals = m.group(1), m.group(2), {v.strip() for v in m.group(3).split(",") if v.strip()}
        if op == "in":
            return lambda labels: labels.get(key) in vals
        return lambda labels: labels.get(key) not in vals  # notin also matches a missing key
    if m := _OP_RE.match(req):
        key, op, val = m.groups()
        if op in ("=", "=="):
            return lambda labels: labels.get(key) == val
        if op == "!=":
            return lambda labels: labels.get(key) != val
        try:
            num = int(val)
        except ValueError:
            raise bad_request(
                "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer"
            ) from None
        cmp = (lambda a: a > num) if op == ">" else (lambda a: a < num)
        return lambda labels: key in labels and labels[key].lstrip("-").isdigit() and cmp(int(labels[key]))
    if m := _EXISTS_RE.match(req):
        neg, key = m.groups()
        return (lambda labels: key not in labels) if neg else (lambda labels: key in labels)
    raise bad_request(f"unable to parse requirement: {req!r}: found unexpected token")


def label_matcher(selector: str | None) -> Matcher:
    if not selector:
        return lambda obj: True
    reqs = [_requirement(r) for r in _split_top(selector)]

    def match(obj: dict) -> bool:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        return all(r(labels) for r in reqs)

    return match


def field_value(obj: dict, path: str) -> str:
    cur: Any = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return "" if cur is None else str(cur)


def field_matcher(selector: str | None, allowed: tuple[str, ...]) -> Matcher:
    """Only fields the resource declares are selectable; others are a 400 like the apiserver."""
    if not selector:
        return lambda obj: True
    reqs = []
    for part in _split_top(selector):
        m = re.match(r"^\s*([A-Za-z0-9._-]+)\s*(==|=|!=)\s*(.*?)\s*$", part)
        if not m:
            raise bad_request(f"invalid selector: '{selector}'; can't understand '{part}'")
        fld, op, val = m.groups()
        if fld not in allowed:
            raise bad_request(f"field label not supported: {fld}")
        reqs.append((fld, op != "!=", val))
    return lambda obj: all((field_value(obj, f) == v) == eq for f, eq, v in reqs)
