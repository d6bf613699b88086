"""Benchmark errors with the CLI's exit codes: unreachable 4, wrong model or input 2, 401/403 5."""

from __future__ import annotations

from jupyter_optiserve.errors import NotFoundError, OptiServeError, PermissionDeniedError


class EndpointUnreachableError(OptiServeError):
    status = 502
    exit_code = 4


class EndpointAuthError(PermissionDeniedError):
    """401/403 from the model endpoint (exit 5)."""


class UnknownServedModelError(NotFoundError):
    """The endpoint serves other model names (exit 2, 404 over REST)."""


class NothingMeasuredError(OptiServeError):
    """Every request failed: nothing is stored."""

    status = 502
    exit_code = 4
