"""Names: validate or derive DNS-1123 names for the InferenceService and what it owns.

KServe's webhook wants a DNS-1035 label for the InferenceService (starts with a letter), and
derived objects add suffixes (``<name>-predictor`` Service, ``<name>-sa``), so the name is
limited to 53 characters to keep ``<name>-predictor`` within the 63-character label limit.
"""

from __future__ import annotations

import hashlib
import re

from jupyter_optiserve.errors import InvalidInputError

MAX_NAME = 53  # 63 - len("-predictor")
_DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")


def name_problem(name: str) -> str | None:
    """Why ``name`` is not a usable deployment name (None when fine)."""
    if not name:
        return "it is empty"
    if len(name) > MAX_NAME:
        return f"it is {len(name)} characters long; at most {MAX_NAME} fit (KServe appends '-predictor')"
    if not _DNS1035.match(name):
        return (
            "it must be lower-case letters, digits and '-', start with a letter and end with a letter or digit "
            "(DNS-1035 label)"
        )
    return None


def validate_name(name: str, flag: str = "--name") -> str:
    problem = name_problem(name)
    if problem:
        raise InvalidInputError(
            f"{flag} '{name}' is not a valid deployment name: {problem}",
            hint=f"try {flag} {derive_name(name or 'model')}",
            field=flag,
        )
    return name


def validate_namespace(ns: str, flag: str = "--namespace") -> str:
    if not ns or len(ns) > 63 or not _DNS1123_LABEL.match(ns):
        raise InvalidInputError(
            f"{flag} '{ns}' is not a valid namespace (DNS-1123 label: lower-case letters, "
            "digits and '-', at most 63 characters)",
            hint=f"check {flag}",
            field=flag,
        )
    return ns


def derive_name(text: str, max_len: int = MAX_NAME) -> str:
    """A valid name from free text: ``meta-llama/Llama-3.1-8B-Instruct`` -> ``llama-3-1-8b-instruct``.

    Long names keep a short hash of the original so two long models do not collide.
    """
    base = str(text).strip().split("/")[-1].lower()
    base = re.sub(r"[^a-z0-9-]+", "-", base)
    base = re.sub(r"-{2,}", "-", base).strip("-") or "model"
    if not base[0].isalpha():
        base = "m-" + base
    if len(base) > max_len:
        digest = hashlib.sha256(str(text).encode()).hexdigest()[:6]
        base = base[: max_len - 7].rstrip("-") + "-" + digest
    return base
