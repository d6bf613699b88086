"""Errors every interface (CLI, REST API, magic, UI) turns into a message, a hint and a status.

A user never sees a traceback: each error names the problem (``message``) and the fix (``hint``).
``status`` follows HTTP so the server extension can answer with it; the CLI maps it to exit codes.
"""

from __future__ import annotations


class OptiServeError(Exception):
    """Base class: a problem the user can act on."""

    status = 400
    exit_code = 2

    def __init__(self, message: str, hint: str = "", **detail):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail

    def to_dict(self) -> dict:
        out = {"error": type(self).__name__, "detail": self.message, "hint": self.hint}
        out.update({k: v for k, v in self.detail.items() if v is not None})
        return out

    def __str__(self) -> str:  # the CLI prints this
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class InvalidInputError(OptiServeError):
    """A flag or field has a value that makes no sense (names the flag)."""


class NotFoundError(OptiServeError):
    """An unknown model, accelerator, profile or deployment; carries the closest matches."""

    status = 404


class CatalogError(OptiServeError):
    """A broken catalog or profile file: names the file and the field."""

    status = 500
    exit_code = 3


class ClusterUnreachableError(OptiServeError):
    """The Kubernetes API could not be reached (or timed out)."""

    status = 502
    exit_code = 4


class PermissionDeniedError(OptiServeError):
    """The identity may not do something; ``hint`` carries the exact grant to ask for."""

    status = 403
    exit_code = 5


class ConflictError(OptiServeError):
    """An object exists that OptiServe did not create (never overwritten)."""

    status = 409
    exit_code = 6


def closest(name: str, candidates, n: int = 5) -> list[str]:
    """Closest matches for an unknown name: substring hits first, then difflib similarity."""
    import difflib

    low = name.lower()
    cands = list(dict.fromkeys(candidates))
    subs = [c for c in cands if low in c.lower() or c.lower() in low]
    fuzzy = difflib.get_close_matches(low, [c.lower() for c in cands], n=n, cutoff=0.45)
    by_low = {c.lower(): c for c in cands}
    out = subs + [by_low[f] for f in fuzzy]
    return list(dict.fromkeys(out))[:n]
