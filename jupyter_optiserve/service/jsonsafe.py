"""JSON without NaN or Infinity: Python's json reads and writes them, JSON.parse and real clients do not.

A non-finite number in a request would reach timeouts and sizes (``"timeout": NaN`` followed forever),
and one in an answer breaks the browser's ``JSON.parse``. So requests reject them at parse time
and answers never contain them.
"""

from __future__ import annotations

import json
import math

from jupyter_optiserve.errors import InvalidInputError

MAX_DEPTH = 64  # no OptiServe body nests deeper than a few levels


class _NonFinite(ValueError):
    pass


def _reject_constant(name: str):
    raise _NonFinite(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NonFinite(f"{text} is too large for a number")
    return value


def loads(raw: bytes | str):
    """Parse a request body: InvalidInputError (400) for bad JSON, NaN/Infinity, numbers beyond a double,
    or nesting deeper than MAX_DEPTH (instead of a RecursionError)."""
    if _too_deep(raw):
        raise InvalidInputError(
            f"the body nests deeper than {MAX_DEPTH} levels", hint="send a flat JSON object", field="body"
        )
    try:
        return json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
    except _NonFinite as exc:
        raise InvalidInputError(
            f"the body has a non-finite number ({exc})",
            hint="send finite numbers only (JSON has no NaN or Infinity)",
            field="body",
        ) from None
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidInputError(
            f"the body is not valid JSON ({str(exc)[:200]})", hint="send a JSON object", field="body"
        ) from None


def _too_deep(raw: bytes | str) -> bool:
    """Bracket depth outside strings, counted without recursion."""
    data = raw.encode("utf-8", "replace") if isinstance(raw, str) else bytes(raw)
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
        return False
    depth, in_str, esc = 0, False, False
    for b in data:
        if in_str:
            if esc:
                esc = False
            elif b == 0x5C:  # backslash
                esc = True
            elif b == 0x22:
                in_str = False
        elif b == 0x22:
            in_str = True
        elif b in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif b in (0x5D, 0x7D):
            depth -= 1
    return False


def non_finite_path(value, path: str = "") -> str | None:
    """The dotted path of the first NaN/Infinity in ``value`` (None when there is none); iterative."""
    stack = [(value, path)]
    while stack:
        v, p = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            return p or "value"
        if isinstance(v, dict):
            stack.extend((x, f"{p}.{k}" if p else str(k)) for k, x in v.items())
        elif isinstance(v, (list, tuple)):
            stack.extend((x, f"{p}.{i}" if p else str(i)) for i, x in enumerate(v))
    return None


def finite(value):
    """``value`` with every NaN/Infinity replaced by None (what an answer may contain)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def dumps(value, **kw) -> str:
    """json.dumps that never writes NaN or Infinity (they become null)."""
    try:
        return json.dumps(value, allow_nan=False, **kw)
    except ValueError:
        return json.dumps(finite(value), allow_nan=False, **kw)
