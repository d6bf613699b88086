"""Regex anchoring as Kubernetes (Go) and JavaScript mean it.

In Python, ``$`` also matches before a final newline, so ``^[a-z]+$`` accepts ``"abc\\n"``; Go's RE2 and
ECMAScript do not. Schemas written for those engines (OpenAPI, CRDs) get ``\\Z`` here before Python
runs them.
"""

from __future__ import annotations


def end_anchored(pattern: str) -> str:
    """``pattern`` with a trailing unescaped ``$`` replaced by ``\\Z`` (end of text only)."""
    if not isinstance(pattern, str) or not pattern.endswith("$"):
        return pattern
    backslashes = len(pattern[:-1]) - len(pattern[:-1].rstrip("\\"))
    return pattern if backslashes % 2 else pattern[:-1] + r"\Z"
