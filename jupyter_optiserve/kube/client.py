"""The one Kubernetes connection factory, and ``call`` which bounds and translates every API call.

Order: an explicit kubeconfig, the in-cluster service account (a workbench pod), ``$KUBECONFIG``,
``~/.kube/config``. Each connection has its own ``Configuration``/``ApiClient`` (never the global
default client), so several can live in one process (one per user in the server extension).
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import urllib3
from kubernetes import client as k8s
from kubernetes.client.rest import ApiException
from kubernetes.config.config_exception import ConfigException

from jupyter_optiserve.errors import (
    ClusterUnreachableError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    OptiServeError,
    PermissionDeniedError,
)
from jupyter_optiserve.kube.access import Rule, grant_hint
from jupyter_optiserve.userpath import expand

SA_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")  # tests point this elsewhere
DEFAULT_KUBECONFIG = "~/.kube/config"
_UNREACHABLE_HINT = (
    "check the VPN/network and that the API server is up, log in again (`oc login`), "
    "raise --timeout, or work without the cluster: --offline (render, preflight, export), "
    "--accelerator A --gpus N or --no-detect (recommend), --no-cluster (hardware)"
)


class NoCluster(ClusterUnreachableError):
    """No cluster is configured at all: no service account, no kubeconfig. Callers go local-only."""

    def __init__(
        self,
        message: str = "no Kubernetes cluster configured (no service account, no kubeconfig)",
        hint: str = "run `oc login`, pass --kubeconfig, or run inside an OpenShift AI workbench",
    ):
        super().__init__(message, hint)


@dataclass(frozen=True)
class Identity:
    """Who the API sees: ``serviceaccount`` (with namespace) or ``user``; name None when unknown."""

    kind: str
    name: str | None
    namespace: str | None = None

    @property
    def subject(self) -> str:
        if self.kind == "serviceaccount":
            return f"system:serviceaccount:{self.namespace}:{self.name}"
        return self.name or "<your-user>"

    @classmethod
    def from_username(cls, username: str) -> Identity:
        m = re.fullmatch(r"system:serviceaccount:([^:]+):([^:]+)", username or "")
        return cls("serviceaccount", m.group(2), m.group(1)) if m else cls("user", username or None)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "namespace": self.namespace, "subject": self.subject}


@dataclass
class KubeConnection:
    api_client: k8s.ApiClient
    namespace: str
    namespace_source: str  # serviceaccount | kubeconfig | configured | workbench | default
    server: str
    timeout: float
    source: str  # serviceaccount | kubeconfig
    context: str | None = None
    identity: Identity | None = None
    kubeconfig: str | None = field(default=None, repr=False)

    @cached_property
    def core(self) -> k8s.CoreV1Api:
        return k8s.CoreV1Api(self.api_client)

    @cached_property
    def custom(self) -> k8s.CustomObjectsApi:
        return k8s.CustomObjectsApi(self.api_client)

    @cached_property
    def authz(self) -> k8s.AuthorizationV1Api:
        return k8s.AuthorizationV1Api(self.api_client)

    def call(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        return call(fn, *args, **kw)

    def get_json(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """Like ``call`` but returns the raw JSON body: no strict model parsing, camelCase keys."""
        return call(fn, *args, _raw=True, **kw)

    def describe(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "context": self.context,
            "namespace": self.namespace,
            "namespace_source": self.namespace_source,
            "source": self.source,
            "identity": self.identity.to_dict() if self.identity else None,
        }

    def close(self) -> None:
        self.api_client.close()


# -- connecting ---------------------------------------------------------------------------------------
def connect(
    kubeconfig: str | None = None, context: str | None = None, namespace: str | None = None, timeout: float = 5.0
) -> KubeConnection:
    """A connection from the first source that exists; ``NoCluster`` when there is none.

    Nothing is sent to the server here: reachability shows on the first ``call``.
    """
    if kubeconfig:
        path = expand(kubeconfig)
        if not path.is_file():
            raise InvalidInputError(f"--kubeconfig {kubeconfig}: no such file", hint="pass an existing kubeconfig file")
        return _from_kubeconfig(str(path), context, namespace, timeout)
    if not context and _in_cluster():
        return _from_service_account(namespace, timeout)
    env = [p for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
    files = [str(expand(p)) for p in env if expand(p).is_file()]
    if not files and Path(DEFAULT_KUBECONFIG).expanduser().is_file():
        files = [str(Path(DEFAULT_KUBECONFIG).expanduser())]
    if not files:
        raise NoCluster()
    return _from_kubeconfig(os.pathsep.join(files), context, namespace, timeout)


def _configuration() -> k8s.Configuration:
    cfg = k8s.Configuration()
    # No urllib3 retries: a dead server must fail after one timeout, not four.
    cfg.retries = False
    return cfg


def _in_cluster() -> bool:
    return bool(
        os.environ.get("KUBERNETES_SERVICE_HOST")
        and os.environ.get("KUBERNETES_SERVICE_PORT")
        and (SA_DIR / "token").is_file()
    )


def _from_service_account(namespace: str | None, timeout: float) -> KubeConnection:
    from kubernetes.config.incluster_config import InClusterConfigLoader

    cfg = _configuration()
    try:
        InClusterConfigLoader(
            token_filename=str(SA_DIR / "token"), cert_filename=str(SA_DIR / "ca.crt"), environ=os.environ
        ).load_and_set(cfg)
    except ConfigException as exc:
        raise ClusterUnreachableError(
            f"in-cluster service account is incomplete: {exc}",
            hint="pass --kubeconfig, or check the pod's service account mount",
        ) from None
    ns_file = SA_DIR / "namespace"
    sa_ns = ns_file.read_text().strip() if ns_file.is_file() else None
    ns, ns_source = _pick_namespace(namespace, sa_ns, "serviceaccount")
    identity = _identity_from_token(cfg) or (Identity("serviceaccount", None, sa_ns) if sa_ns else None)
    return _connection(cfg, ns, ns_source, timeout, "serviceaccount", None, identity, None)


def _from_kubeconfig(path: str, context: str | None, namespace: str | None, timeout: float) -> KubeConnection:
    from kubernetes.config.kube_config import list_kube_config_contexts, new_client_from_config

    cfg = _configuration()
    try:
        contexts, active = list_kube_config_contexts(config_file=path)
        chosen = next((c for c in contexts if c["name"] == context), None) if context else active
        if context and chosen is None:
            names = ", ".join(c["name"] for c in contexts)
            raise InvalidInputError(f"--context {context}: not in {path}", hint=f"contexts: {names}")
        new_client_from_config(config_file=path, context=context, persist_config=False, client_configuration=cfg)
    except (ConfigException, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidInputError(
            f"kubeconfig {path} is unusable: {exc}", hint="fix the file, pick a context with --context, or log in again"
        ) from None
    ctx = (chosen or {}).get("context") or {}
    ns, ns_source = _pick_namespace(namespace, ctx.get("namespace"), "kubeconfig")
    identity = _identity_from_token(cfg) or Identity("user", None)
    return _connection(cfg, ns, ns_source, timeout, "kubeconfig", (chosen or {}).get("name"), identity, path)


def _connection(
    cfg: k8s.Configuration,
    ns: str,
    ns_source: str,
    timeout: float,
    source: str,
    context: str | None,
    identity: Identity | None,
    path: str | None,
) -> KubeConnection:
    api = k8s.ApiClient(configuration=cfg)
    api._optiserve_timeout = float(timeout)  # type: ignore[attr-defined]  # our own field, read by ``call``
    return KubeConnection(api, ns, ns_source, cfg.host, float(timeout), source, context, identity, path)


def _pick_namespace(explicit: str | None, found: str | None, found_source: str) -> tuple[str, str]:
    if explicit:
        return explicit, "configured"
    if found:
        return found, found_source
    m = re.match(r"/notebook/([^/]+)/", os.environ.get("NB_PREFIX", ""))  # ODH/RHOAI workbench
    if m:
        return m.group(1), "workbench"
    return "default", "default"


def _identity_from_token(cfg: k8s.Configuration) -> Identity | None:
    """The subject of a service-account JWT (unverified: only used to name the grantee)."""
    keys = cfg.api_key or {}
    token = keys.get("authorization") or keys.get("BearerToken") or ""  # kubeconfig / in-cluster loaders
    token = token.split(" ", 1)[-1]
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    sub = payload.get("sub") if isinstance(payload, dict) else None
    return Identity.from_username(sub) if isinstance(sub, str) else None


# -- calling -----------------------------------------------------------------------------------------
_FORBIDDEN = re.compile(
    r'(?:User|user) "(?P<user>[^"]*)" cannot (?P<verb>\S+) resource "(?P<resource>[^"]+)"'
    r'(?: in API group "(?P<group>[^"]*)")?(?: in the namespace "(?P<ns>[^"]+)")?'
)


def call(fn: Callable[..., Any], *args: Any, _raw: bool = False, **kw: Any) -> Any:
    """Run one generated-client method with a bounded timeout; map failures to OptiServe errors.

    ``_raw=True`` returns the decoded JSON body instead of client models.
    """
    api_client = getattr(getattr(fn, "__self__", None), "api_client", None)
    timeout = getattr(api_client, "_optiserve_timeout", 5.0)
    server = getattr(getattr(api_client, "configuration", None), "host", None) or "the cluster"
    kw.setdefault("_request_timeout", timeout)
    if _raw:
        kw["_preload_content"] = False
    try:
        result = fn(*args, **kw)
        if _raw:
            body = result.data  # read inside the try: the body can time out too
            return json.loads(body) if body else {}
        return result
    except ApiException as exc:
        raise api_error(exc, server) from exc
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise unreachable_error(exc, server, timeout) from exc
    except ValueError as exc:  # a proxy or login page answered instead of the API server
        raise ClusterUnreachableError(
            f"cluster at {server} answered with something that is not the Kubernetes API",
            hint="check the server URL in the kubeconfig",
            server=server,
        ) from exc


def unreachable_error(exc: BaseException, server: str, timeout: float) -> ClusterUnreachableError:
    if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason is not None:
        exc = exc.reason
    secs = f"{timeout:g}"
    if isinstance(exc, urllib3.exceptions.NameResolutionError):
        msg = f"cluster at {server}: the host name does not resolve"
    elif isinstance(exc, urllib3.exceptions.NewConnectionError):
        msg = f"cluster at {server} refused the connection"
    elif isinstance(exc, (urllib3.exceptions.TimeoutError, TimeoutError)):
        msg = f"cluster at {server} did not answer within {secs} s"
    else:
        msg = f"cluster at {server} could not be reached ({type(exc).__name__})"
    return ClusterUnreachableError(msg, hint=_UNREACHABLE_HINT, server=server)


def api_error(exc: ApiException, server: str) -> OptiServeError:
    status = exc.status or 0
    try:
        body = json.loads(exc.body) if exc.body else {}
    except (ValueError, TypeError):
        body = {}
    message = (body.get("message") if isinstance(body, dict) else None) or exc.reason or "error"
    if status == 0:  # TLS failure, wrapped by the client
        return ClusterUnreachableError(
            f"cluster at {server}: {str(exc.reason).splitlines()[0]}",
            hint="check the cluster's CA (certificate-authority in the kubeconfig)",
            server=server,
        )
    if status == 401:
        return PermissionDeniedError(
            f"the cluster at {server} rejected the credentials (401 Unauthorized)",
            hint="the token has probably expired: log in again (`oc login`)",
        )
    if status == 403:
        return forbidden_error(message)
    if status == 404:
        return NotFoundError(message, hint="check the name and namespace")
    if status == 409:
        return ConflictError(message, hint="another object with this name exists or it changed meanwhile")
    if status in (400, 422):
        causes = ((body.get("details") or {}).get("causes") if isinstance(body, dict) else None) or None
        return InvalidInputError(message, hint="the API server rejected the object", causes=causes)
    return ClusterUnreachableError(
        f"cluster at {server} answered {status}: {message}",
        hint="retry in a moment; if it persists ask the cluster admin",
        server=server,
    )


def forbidden_error(message: str) -> PermissionDeniedError:
    """403 with the exact grant, parsed from the API server's standard Forbidden message."""
    m = _FORBIDDEN.search(message or "")
    if not m:
        return PermissionDeniedError(message, hint="ask a cluster admin for access")
    resource, _, sub = m.group("resource").partition("/")
    rule = Rule(
        m.group("verb"), resource, m.group("group") or "", subresource=sub or None, cluster_wide=m.group("ns") is None
    )
    ident = Identity.from_username(m.group("user"))
    ns = m.group("ns") or ident.namespace or "<namespace>"
    return PermissionDeniedError(message, hint=grant_hint(ident, ns, [rule]), identity=ident.subject)
