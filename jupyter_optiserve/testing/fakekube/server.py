"""HTTP layer: a stdlib ThreadingHTTPServer on 127.0.0.1 that the official clients reach via a kubeconfig.

Besides the Kubernetes API it serves test-only admin endpoints under /_fake/ (no real client
uses that prefix): reset, deny, seed, scenario, requests, faults, compact, drop-watches.
"""

from __future__ import annotations

import copy
import json
import os
import re
import threading
import time
from collections import deque
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import errors
from .api import KubeAPI, Request, Response
from .controller import SCENARIOS, KServeSimulator
from .discovery import crd_object
from .kubeconfig import write_kubeconfig
from .rbac import Authorizer
from .resources import Registry
from .schema import SchemaSet
from .store import Store
from .validation import meta_causes

ADMIN_PREFIX = "/_fake/"


class Fault:
    """Make the next `count` requests whose path matches `path` fail (status) or stall (hang), after
    letting the first `after` of them through (e.g. a preflight's dry run before the real create)."""

    def __init__(
        self,
        path: str = ".*",
        count: int = 1,
        status: int | None = None,
        retry_after: int | None = None,
        hang: float = 0.0,
        method: str | None = None,
        after: int = 0,
    ):
        self.after = after
        self.regex = re.compile(path)
        if status is None and not hang:
            status = 500  # a hang alone delays the real answer; otherwise default to a 500
        self.count, self.status, self.retry_after, self.hang = count, status, retry_after, hang
        self.method = method.upper() if method else None

    def matches(self, method: str, path: str) -> bool:
        return self.count > 0 and (self.method in (None, method)) and bool(self.regex.search(path))


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up (a watch closed under a read) is routine for an API server, not a traceback."""

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class FakeKubeServer:
    """In-process fake Kubernetes API server.

    Typical use: `with FakeKubeServer(namespace="demo") as srv: srv.write_kubeconfig(path)`.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        namespace: str = "default",
        service_account: str = "default",
        crds_dir: str | os.PathLike | None = None,
        llmisvc: bool = False,
        simulate_kserve: bool = False,
        scenario: str = "success",
        step_seconds: float | None = None,
        endpoint_url: str | None = None,
        deny: Iterable[Any] | None = None,
        validate: bool = True,
        preload_schemas: bool = False,
    ):
        self.host, self._port = host, port
        self.namespace = namespace
        self.user = f"system:serviceaccount:{namespace}:{service_account}"
        self.registry = Registry(llmisvc=llmisvc)
        self.store = Store(self.registry)
        self.schemas = SchemaSet(crds_dir, enabled=validate)
        self.authz = Authorizer(self.user, deny)
        self.api = KubeAPI(self.registry, self.store, self.schemas, self.authz)
        isvc = self.registry.find("serving.kserve.io", "v1beta1", "inferenceservices")
        self.simulator = KServeSimulator(
            self.store,
            self.registry,
            scenario=scenario,
            step_seconds=step_seconds,
            endpoint_url=endpoint_url,
            admit_isvc=lambda obj, old: self.schemas.admit(isvc, "v1beta1", obj, strict=False)[0],
        )
        from .jobsim import JobSimulator

        self.jobs = JobSimulator(self.store, self.registry, step_seconds=self.simulator.step_seconds)
        self.jobs.enabled = simulate_kserve
        self._defaults = dict(
            deny=list(self.authz.rules),
            simulate=simulate_kserve,
            scenario=scenario,
            step_seconds=self.simulator.step_seconds,
            endpoint_url=endpoint_url,
        )
        self.request_log: deque[dict] = deque(maxlen=2000)
        self.faults: list[Fault] = []
        self._faults_lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        if preload_schemas:
            self.schemas.preload(self.registry.custom_resources())
        self._populate()
        if simulate_kserve:
            self.simulator.enable()

    # ---- lifecycle ----

    def start(self) -> FakeKubeServer:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = _QuietServer((self.host, self._port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fakekube-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.api.stopping = True
        self.simulator.stop()
        self.store.drop_watches()
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeKubeServer:
        return self.start() if self._httpd is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def has_crds(self) -> bool:
        return self.schemas.has_crds

    def write_kubeconfig(self, path: str | os.PathLike, namespace: str | None = None) -> Path:
        return write_kubeconfig(path, self.url, namespace=namespace or self.namespace)

    # ---- state ----

    def _populate(self) -> None:
        """What a fresh cluster has: system namespaces, the user's namespace, CRDs of served kinds."""
        ns_res = self.registry.find("", "v1", "namespaces")
        for ns in dict.fromkeys(("default", "kube-system", "kube-public", self.namespace)):
            self.store.create(ns_res, None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        crd_res = self.registry.find("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        for res in self.registry.custom_resources():
            self.store.create(crd_res, None, crd_object(res))

    def reset(self) -> None:
        """Back to the constructor's state: empty store, default deny-list, scenario and simulation."""
        d = self._defaults
        self.simulator.disable()
        self.store.reset()
        self.authz.set(d["deny"])
        self.simulator.scenario = d["scenario"]
        self.simulator.step_seconds = d["step_seconds"]
        self.simulator.endpoint_url = d["endpoint_url"]
        self.clear_faults()
        self.request_log.clear()
        self.jobs.reset(d["simulate"], d["step_seconds"])
        self._populate()
        if d["simulate"]:
            self.simulator.enable()

    def deny(self, rules: Iterable[Any], replace: bool = True) -> None:
        (self.authz.set if replace else self.authz.add)(rules)

    def set_scenario(
        self,
        default: str | None = None,
        *,
        simulate: bool = True,
        step_seconds: float | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        if default and default not in SCENARIOS:
            raise ValueError(f"unknown scenario {default!r}; known: {', '.join(SCENARIOS)}")
        if step_seconds is not None:
            self.simulator.step_seconds = step_seconds
        if endpoint_url is not None:
            self.simulator.endpoint_url = endpoint_url
        self.jobs.enabled, self.jobs.step_seconds = simulate, self.simulator.step_seconds
        if simulate:
            self.simulator.enable(default)
        else:
            self.simulator.disable()
            if default:
                self.simulator.scenario = default

    def seed(self, objects: Iterable[dict]) -> list[dict]:
        """Create or replace objects as the cluster admin (no RBAC); missing namespaces are created.
        A `status` is written through the status subresource, the way a controller would."""
        out = []
        ns_res = self.registry.find("", "v1", "namespaces")
        for raw in objects:
            obj = copy.deepcopy(raw)
            res = self.registry.by_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
            if res is None:
                raise errors.bad_request(f"fakekube: no resource serves {obj.get('apiVersion')}/{obj.get('kind')}")
            version = obj["apiVersion"].rpartition("/")[2]
            obj["apiVersion"] = res.api_version()
            meta = obj.setdefault("metadata", {})
            ns = (meta.get("namespace") or self.namespace) if res.namespaced else None
            if ns and not self.store.exists(ns_res, None, ns):
                self.store.create(ns_res, None, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
            admit = self._seed_admit(res, version)
            status = obj.get("status")
            if self.store.exists(res, ns, meta.get("name", "")):
                stored = self.store.update(res, ns, meta["name"], obj, admit=admit)
            else:
                stored = self.store.create(res, ns, obj, admit=admit)
            if status is not None and res.status_subresource and stored.get("status") != status:
                stored = self.store.update(
                    res, ns, stored["metadata"]["name"], {**stored, "status": status}, subresource="status", admit=admit
                )
            out.append(stored)
        return out

    def _seed_admit(self, res, version):
        def admit(obj: dict, old: dict | None) -> dict:
            causes = meta_causes(obj, res.name_rule)
            if causes:
                raise errors.invalid(res, obj["metadata"].get("name", ""), causes)
            return self.schemas.admit(res, version, obj, strict=False)[0]

        return admit

    def load_preset(self, kind: str) -> None:
        from .seeds import seed_cluster

        preset = seed_cluster(kind, namespace=self.namespace)
        self.seed(preset.objects)
        if preset.deny:
            self.authz.add(preset.deny)

    def add_fault(
        self,
        path: str = ".*",
        count: int = 1,
        status: int | None = None,
        retry_after: int | None = None,
        hang: float = 0.0,
        method: str | None = None,
        after: int = 0,
    ) -> Fault:
        fault = Fault(path, count, status, retry_after, hang, method, after)
        with self._faults_lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._faults_lock:
            self.faults.clear()

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self._faults_lock:
            for f in self.faults:
                if f.matches(method, path):
                    if f.after > 0:
                        f.after -= 1
                        continue
                    f.count -= 1
                    return f
        return None

    @property
    def requests(self) -> list[dict]:
        return list(self.request_log)

    # ---- admin HTTP endpoints ----

    def admin(self, method: str, path: str, body: Any) -> Response:
        action = path[len(ADMIN_PREFIX) :].strip("/")
        try:
            if method == "GET" and action == "requests":
                return Response(200, {"requests": self.requests})
            if method == "GET" and action == "deny":
                return Response(200, {"rules": [r.to_dict() for r in self.authz.rules]})
            if method == "GET" and action == "state":
                return Response(
                    200,
                    {
                        "revision": self.store.revision,
                        "hasCRDs": self.has_crds,
                        "scenario": self.simulator.scenario,
                        "simulate": self.simulator.enabled,
                    },
                )
            if method == "DELETE" and action == "faults":
                self.clear_faults()
                return Response(200, {"ok": True})
            if method != "POST":
                raise errors.ApiError(405, f"{method} not supported on {path}")
            if action == "reset":
                self.reset()
            elif action == "deny":
                rules = body.get("rules", []) if isinstance(body, dict) else (body or [])
                self.deny(rules, replace=not (isinstance(body, dict) and body.get("append")))
            elif action == "seed":
                items = body.get("items", []) if isinstance(body, dict) else (body or [])
                return Response(200, {"items": self.seed(items)})
            elif action == "preset":
                self.load_preset(body["kind"])
            elif action == "scenario":
                body = body or {}
                self.set_scenario(
                    body.get("default"),
                    simulate=body.get("simulate", True),
                    step_seconds=body.get("step_seconds"),
                    endpoint_url=body.get("endpoint_url"),
                )
            elif action == "faults":
                for spec in body if isinstance(body, list) else [body]:
                    self.add_fault(**spec)
            elif action == "compact":
                return Response(200, {"floor": self.store.compact()})
            elif action == "drop-watches":
                self.store.drop_watches()
            else:
                raise errors.ApiError(404, f"unknown admin endpoint {path}")
            return Response(200, {"ok": True})
        except errors.ApiError as e:
            return Response(e.code, e.status())
        except (ValueError, KeyError, TypeError) as e:
            return Response(400, errors.bad_request(str(e)).status())


class _Handler(BaseHTTPRequestHandler):
    fake: FakeKubeServer
    protocol_version = "HTTP/1.1"  # keep-alive; bodies carry Content-Length, watches are chunked

    def log_message(self, fmt: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _serve(self) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        entry = {"method": self.command, "path": url.path, "query": query, "status": 0, "time": time.time()}
        fake = self.fake
        if url.path.startswith(ADMIN_PREFIX):
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = None
            return self._send(fake.admin(self.command, url.path, parsed))
        fake.request_log.append(entry)
        fault = fake.take_fault(self.command, url.path)
        if fault is not None:
            if fault.hang:
                time.sleep(fault.hang)
            if fault.status:
                err = (
                    errors.too_many_requests(fault.retry_after or 1)
                    if fault.status == 429
                    else errors.ApiError(fault.status, "fakekube injected fault")
                )
                if fault.retry_after:
                    err.headers["Retry-After"] = str(fault.retry_after)
                entry["status"] = err.code
                return self._send(Response(err.code, err.status(), list(err.headers.items())))
        headers = {k.lower(): v for k, v in self.headers.items()}
        resp = fake.api.handle(Request(self.command, url.path, query, headers, body))
        entry["status"] = resp.code
        self._send(resp)

    def _send(self, resp: Response) -> None:
        try:
            if resp.stream is not None:
                return self._send_stream(resp)
            if isinstance(resp.body, str):
                data, ctype = resp.body.encode(), "text/plain"
            else:
                data, ctype = json.dumps(resp.body).encode(), "application/json"
            self.send_response(resp.code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in resp.headers:
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send_stream(self, resp: Response) -> None:
        self.send_response(resp.code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for chunk in resp.stream:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            close = getattr(resp.stream, "close", None)
            if close:
                close()
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve
