"""Engine versions as comparable tuples: the one parser (``0.21`` and ``0.21.0`` compare equal)."""

from __future__ import annotations

import re

from jupyter_optiserve.errors import InvalidInputError


def version_tuple(v: str | None) -> tuple[int, int, int] | None:
    """``(major, minor, patch)`` from the first three numbers in ``v``, missing ones 0; None without any."""
    nums = [int(n) for n in re.findall(r"\d+", str(v or ""))[:3]]
    if not nums:
        return None
    return (nums + [0, 0])[0], (nums + [0, 0])[1], (nums + [0, 0])[2]


def require_version(v: str) -> tuple[int, int, int]:
    """``version_tuple``, or a clear error when ``v`` holds no version (a user's --engine-version)."""
    t = version_tuple(v)
    if t is None:
        raise InvalidInputError(f"--engine-version '{v}' is not a version", hint="use a vLLM version such as 0.21.0")
    return t
