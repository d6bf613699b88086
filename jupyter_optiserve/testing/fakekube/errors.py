"""apiserver-shaped errors: each one renders as a `metav1.Status` with the real `reason`."""

from __future__ import annotations

from typing import Any

_REASONS = {
    400: "BadRequest",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    410: "Expired",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    504: "Timeout",
}


class ApiError(Exception):
    def __init__(
        self,
        code: int,
        message: str,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason or _REASONS.get(code, "Unknown")
        self.details = details
        self.headers = headers or {}

    def status(self) -> dict[str, Any]:
        st: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            st["details"] = self.details
        return st


def _details(res, name: str | None = None, **extra) -> dict[str, Any]:
    d: dict[str, Any] = {"group": res.group, "kind": res.plural}
    if name:
        d["name"] = name
    d.update(extra)
    return d


def not_found(res, name: str) -> ApiError:
    return ApiError(404, f'{res.group_resource} "{name}" not found', details=_details(res, name))


def namespace_not_found(ns: str) -> ApiError:
    return ApiError(404, f'namespaces "{ns}" not found', details={"name": ns, "kind": "namespaces"})


def unknown_resource() -> ApiError:
    return ApiError(404, "the server could not find the requested resource", details={})


def already_exists(res, name: str) -> ApiError:
    return ApiError(
        409, f'{res.group_resource} "{name}" already exists', reason="AlreadyExists", details=_details(res, name)
    )


def conflict(
    res,
    name: str,
    why: str = "the object has been modified; please apply your changes to the latest version and try again",
) -> ApiError:
    return ApiError(
        409, f'Operation cannot be fulfilled on {res.group_resource} "{name}": {why}', details=_details(res, name)
    )


def invalid(res, name: str, causes: list[dict[str, str]]) -> ApiError:
    """422 Invalid; each cause is {reason, message, field} like field.Error renders it."""
    kind = f"{res.kind}.{res.group}" if res.group else res.kind
    parts = [f"{c['field']}: {c['message']}" if c.get("field") else c["message"] for c in causes]
    summary = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    return ApiError(422, f'{kind} "{name}" is invalid: {summary}', details=_details(res, name, causes=causes))


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def gone(message: str) -> ApiError:
    return ApiError(410, message)


def internal(message: str) -> ApiError:
    return ApiError(500, f"Internal error occurred: {message}", details={"causes": [{"message": message}]})


def method_not_allowed(res, verb: str) -> ApiError:
    return ApiError(405, f"{verb} is not supported on resources of kind {res.group_resource!r}", details=_details(res))


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429,
        "Too many requests, please try again later.",
        details={"retryAfterSeconds": retry_after},
        headers={"Retry-After": str(retry_after)},
    )
