"""The Kubernetes REST verbs on top of Store: routing, authorization, admission, watch streams.

Framework-free: `KubeAPI.handle(Request) -> Response`; server.py does the HTTP framing.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import yaml

from . import discovery, errors, patch
from .rbac import Authorizer
from .resources import META_FIELDS, Registry, Resource
from .schema import SchemaSet
from .selectors import field_matcher, label_matcher
from .store import Store
from .validation import meta_causes

WATCH_MAX_SECONDS = 1800


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""


@dataclass
class Response:
    code: int
    body: Any = None  # dict -> JSON; str -> text/plain
    headers: list[tuple[str, str]] = field(default_factory=list)
    stream: Iterator[bytes] | None = None  # watch: newline-delimited JSON events


@dataclass
class Route:
    group: str
    version: str
    res: Resource
    namespace: str | None
    name: str | None
    sub: str | None
    watch: bool


def _flag(q: dict[str, str], key: str) -> bool:
    return q.get(key, "").lower() in ("true", "1")


class KubeAPI:
    def __init__(self, registry: Registry, store: Store, schemas: SchemaSet, authz: Authorizer):
        self.registry = registry
        self.store = store
        self.schemas = schemas
        self.authz = authz
        self.stopping = False

    # ---- entry point ----

    def handle(self, req: Request) -> Response:
        try:
            self._check_media(req)
            doc = discovery.document(self.registry, req.path, req.headers.get("host", ""))
            if doc is not None:
                return Response(200, doc)
            route = self._route(req)
            verb = self._verb(req, route)
            if verb not in route.res.verbs and not (route.sub and verb in ("get", "update", "patch")):
                raise errors.method_not_allowed(route.res, verb)
            self.authz.check(verb, route.group, route.res.plural, route.namespace, route.name, route.sub)
            return getattr(self, "_do_" + verb)(req, route)
        except errors.ApiError as e:
            return Response(e.code, e.status(), list(e.headers.items()))

    @staticmethod
    def _check_media(req: Request) -> None:
        ctype = req.headers.get("content-type", "")
        if "protobuf" in ctype or "cbor" in ctype:
            raise errors.ApiError(
                415,
                "the body of the request was in an unknown format - accepted media "
                "types include: application/json, application/yaml",
            )
        accept = req.headers.get("accept", "")
        if accept and all(("protobuf" in a or "cbor" in a) for a in accept.split(",")):
            raise errors.ApiError(
                406, "only the following media types are accepted: application/json, application/yaml"
            )

    def _route(self, req: Request) -> Route:
        # a real API server decodes each segment: "abc%0A" names the object "abc\n" (which no create admits)
        parts = [unquote(p) for p in req.path.split("/") if p]
        for seg in parts:
            if seg in (".", "..") or "/" in seg or "%" in seg:
                raise errors.ApiError(
                    400,
                    f"invalid path segment {seg!r}: may not be '.' or '..' or contain '/' or '%'",
                    reason="BadRequest",
                )
        if parts[:2] == ["api", "v1"]:
            group, version, rest = "", "v1", parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            raise errors.unknown_resource()
        watch = _flag(req.query, "watch")
        if rest[:1] == ["watch"]:  # legacy /watch/ prefix
            watch, rest = True, rest[1:]
        ns = None
        if (
            rest[:1] == ["namespaces"]
            and len(rest) >= 3
            and not (group == "" and len(rest) == 3 and rest[2] in ("status", "finalize"))
        ):
            ns, rest = rest[1], rest[2:]
        if not rest or len(rest) > 3:
            raise errors.unknown_resource()
        res = self.registry.find(group, version, rest[0])
        if res is None or (ns is not None and not res.namespaced):
            raise errors.unknown_resource()
        name = rest[1] if len(rest) > 1 else None
        sub = rest[2] if len(rest) > 2 else None
        if sub and sub not in res.subresources:
            raise errors.unknown_resource()
        if res.namespaced and ns is None and req.method != "GET":
            raise errors.ApiError(405, "the server does not allow this method on the requested resource")
        return Route(group, version, res, ns, name, sub, watch)

    @staticmethod
    def _verb(req: Request, r: Route) -> str:
        m = req.method
        if m == "GET":
            return "get" if r.name else ("watch" if r.watch else "list")
        if m == "POST" and not r.name:
            return "create"
        if m == "PUT" and r.name:
            return "update"
        if m == "PATCH" and r.name:
            return "patch"
        if m == "DELETE":
            return "delete" if r.name else "deletecollection"
        raise errors.ApiError(405, "the server does not allow this method on the requested resource")

    # ---- helpers ----

    def _out(self, r: Route, obj: dict) -> dict:
        obj["apiVersion"] = r.res.api_version(r.version)  # one stored copy, served in every version
        obj["kind"] = r.res.kind
        return obj

    @staticmethod
    def _decode(req: Request, yaml_ok: bool = False) -> Any:
        if not req.body:
            raise errors.bad_request("the body of the request was empty")
        try:
            if yaml_ok or "yaml" in req.headers.get("content-type", ""):
                return yaml.safe_load(req.body)
            return json.loads(req.body)
        except (ValueError, yaml.YAMLError) as e:
            raise errors.bad_request(f"error decoding request body: {e}") from None

    def _check_body(self, r: Route, obj: Any, name: str | None = None) -> dict:
        if not isinstance(obj, dict):
            raise errors.bad_request("the body must be a JSON object")
        want = r.res.api_version(r.version)
        if r.res.custom and not obj.get("kind"):
            raise errors.bad_request(f"Object 'Kind' is missing in '{json.dumps(obj)[:200]}'")
        if obj.get("apiVersion") and obj["apiVersion"] != want:
            raise errors.bad_request(
                f"the API version in the data ({obj['apiVersion']}) does not match the expected API version ({want})"
            )
        if obj.get("kind") and obj["kind"] != r.res.kind:
            raise errors.bad_request(
                f"the kind in the data ({obj['kind']}) does not match the expected kind ({r.res.kind})"
            )
        meta = obj.get("metadata") or {}
        if not isinstance(meta, dict):
            raise errors.bad_request("metadata must be an object")
        if r.namespace and meta.get("namespace") and meta["namespace"] != r.namespace:
            raise errors.bad_request(
                "the namespace of the provided object does not match the namespace sent on the request"
            )
        if name and meta.get("name") and meta["name"] != name:
            raise errors.bad_request(
                f"the name of the object ({meta['name']}) does not match the name on the URL ({name})"
            )
        obj["apiVersion"] = r.res.api_version()  # stored in the storage (first) version
        obj["kind"] = r.res.kind
        return obj

    def _admitter(self, req: Request, r: Route, warnings: list[str]):
        mode = req.query.get("fieldValidation", "Warn")
        if mode not in ("Ignore", "Warn", "Strict"):
            raise errors.bad_request(f'fieldValidation must be one of "Ignore", "Warn", or "Strict", got {mode}')

        def admit(obj: dict, old: dict | None) -> dict:
            causes = meta_causes(obj, r.res.name_rule)
            if causes:
                raise errors.invalid(r.res, (obj.get("metadata") or {}).get("name", ""), causes)
            obj, warns = self.schemas.admit(r.res, r.version, obj, strict=mode == "Strict")
            if mode == "Warn":
                warnings.extend(warns)
            return obj

        return admit

    @staticmethod
    def _warning_headers(warnings: list[str]) -> list[tuple[str, str]]:
        return [("Warning", '299 - "' + w.replace("\\", "\\\\").replace('"', '\\"') + '"') for w in warnings]

    @staticmethod
    def _dry_run(req: Request) -> bool:
        dr = req.query.get("dryRun")
        if dr and dr != "All":
            raise errors.bad_request(f'dryRun: Unsupported value: "{dr}": supported values: "All"')
        return dr == "All"

    def _matcher(self, req: Request, r: Route):
        lm = label_matcher(req.query.get("labelSelector"))
        fm = field_matcher(req.query.get("fieldSelector"), META_FIELDS + r.res.field_selectors)
        return lambda o: lm(o) and fm(o)

    # ---- verbs ----

    def _do_get(self, req: Request, r: Route) -> Response:
        if r.sub == "log":
            return self._pod_log(req, r)
        return Response(200, self._out(r, self.store.get(r.res, r.namespace, r.name)))

    def _do_list(self, req: Request, r: Route) -> Response:
        items, rv = self.store.list(r.res, r.namespace, self._matcher(req, r))
        meta: dict[str, Any] = {"resourceVersion": str(rv)}
        start = req.query.get("continue")
        if start:
            try:
                tok = json.loads(base64.urlsafe_b64decode(start.encode()))
                after = (tok["ns"], tok["name"])
            except (ValueError, KeyError, TypeError):
                raise errors.bad_request("continue key is not valid: incorrect encoded start resourceVersion") from None
            items = [o for o in items if (o["metadata"].get("namespace", ""), o["metadata"]["name"]) > after]
        limit = int(req.query.get("limit") or 0)
        if limit and len(items) > limit:
            last = items[limit - 1]["metadata"]
            token = json.dumps({"ns": last.get("namespace", ""), "name": last["name"], "rv": rv})
            meta["continue"] = base64.urlsafe_b64encode(token.encode()).decode()
            meta["remainingItemCount"] = len(items) - limit
            items = items[:limit]
        return Response(
            200,
            {
                "apiVersion": r.res.api_version(r.version),
                "kind": r.res.list_kind,
                "metadata": meta,
                "items": [self._out(r, o) for o in items],
            },
        )

    def _do_create(self, req: Request, r: Route) -> Response:
        body = self._decode(req)
        if r.res.key == ("authorization.k8s.io", "selfsubjectaccessreviews"):
            return self._review(r, body, self.authz.access_review(body.get("spec") or {}))
        if r.res.key == ("authorization.k8s.io", "selfsubjectrulesreviews"):
            ns = (body.get("spec") or {}).get("namespace") or ""
            if not ns:
                raise errors.invalid(
                    r.res,
                    "",
                    [{"reason": "FieldValueRequired", "message": "Required value", "field": "spec.namespace"}],
                )
            return self._review(r, body, self.authz.rules_review(ns, self.registry.resources))
        obj = self._check_body(r, body)
        warnings: list[str] = []
        created = self.store.create(
            r.res, r.namespace, obj, admit=self._admitter(req, r, warnings), dry_run=self._dry_run(req)
        )
        return Response(201, self._out(r, created), self._warning_headers(warnings))

    def _review(self, r: Route, body: dict, status: dict) -> Response:
        body = dict(body)
        body["metadata"] = {**(body.get("metadata") or {}), "creationTimestamp": None}
        body["status"] = status
        return Response(201, self._out(r, body))

    def _do_update(self, req: Request, r: Route) -> Response:
        obj = self._check_body(r, self._decode(req), r.name)
        warnings: list[str] = []
        updated = self.store.update(
            r.res,
            r.namespace,
            r.name,
            obj,
            subresource=r.sub,
            admit=self._admitter(req, r, warnings),
            dry_run=self._dry_run(req),
            unconditional=not r.res.custom,
        )
        return Response(200, self._out(r, updated), self._warning_headers(warnings))

    def _do_patch(self, req: Request, r: Route) -> Response:
        ctype = req.headers.get("content-type", "").split(";")[0].strip()
        if ctype not in patch.PATCH_TYPES or (ctype == patch.STRATEGIC and r.res.custom):
            raise errors.ApiError(
                415,
                f"the body of the request was in an unknown format - accepted media "
                f"types include: {', '.join(patch.PATCH_TYPES)}",
            )
        warnings: list[str] = []
        admit = self._admitter(req, r, warnings)
        dry = self._dry_run(req)
        if ctype == patch.APPLY_YAML:
            return self._apply(req, r, admit, dry, warnings)
        body = self._decode(req)
        if ctype == patch.JSON_PATCH:
            fn = lambda cur: patch.json_patch(cur, body)  # noqa: E731
        else:
            if not isinstance(body, dict):
                raise errors.bad_request("the body of a merge patch must be a JSON object")
            fn = lambda cur: patch.merge_patch(cur, body)  # noqa: E731
        out = self.store.mutate(r.res, r.namespace, r.name, fn, subresource=r.sub, admit=admit, dry_run=dry)
        return Response(200, self._out(r, out), self._warning_headers(warnings))

    def _apply(self, req: Request, r: Route, admit, dry: bool, warnings: list[str]) -> Response:
        if not req.query.get("fieldManager"):
            raise errors.bad_request("PATCH requests with apply-patch+yaml require fieldManager to be set")
        obj = self._decode(req, yaml_ok=True)
        if isinstance(obj, dict) and not obj.get("apiVersion"):
            raise errors.bad_request("apiVersion must be set in an apply request")
        obj = self._check_body(r, obj, r.name)
        obj.setdefault("metadata", {})["name"] = r.name
        with self.store.cond:
            if not self.store.exists(r.res, r.namespace, r.name):
                if r.sub:
                    raise errors.not_found(r.res, r.name)
                created = self.store.create(r.res, r.namespace, obj, admit=admit, dry_run=dry)
                return Response(201, self._out(r, created), self._warning_headers(warnings))
            obj["metadata"].pop("resourceVersion", None)
            out = self.store.mutate(
                r.res,
                r.namespace,
                r.name,
                lambda cur: patch.apply_merge(cur, obj),
                subresource=r.sub,
                admit=admit,
                dry_run=dry,
            )
        return Response(200, self._out(r, out), self._warning_headers(warnings))

    def _delete_options(self, req: Request) -> dict:
        opts = {}
        if req.body:
            try:
                opts = json.loads(req.body) or {}
            except ValueError as e:
                raise errors.bad_request(f"error decoding DeleteOptions: {e}") from None
        for k in ("propagationPolicy", "dryRun", "orphanDependents"):
            if k in req.query:
                opts.setdefault(k, req.query[k] if k != "dryRun" else [req.query[k]])
        return opts

    def _do_delete(self, req: Request, r: Route) -> Response:
        opts = self._delete_options(req)
        orphan = opts.get("propagationPolicy") == "Orphan" or opts.get("orphanDependents") in (True, "true")
        obj, gone = self.store.delete(
            r.res,
            r.namespace,
            r.name,
            preconditions=opts.get("preconditions"),
            orphan=orphan,
            dry_run="All" in (opts.get("dryRun") or []),
        )
        code = 202 if (not gone and opts.get("orphanDependents") in (False, "false")) else 200
        if r.res.delete_returns_object or not gone:
            return Response(code, self._out(r, obj))
        return Response(
            code,
            {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Success",
                "details": {"name": r.name, "group": r.group, "kind": r.res.plural, "uid": obj["metadata"]["uid"]},
            },
        )

    def _do_deletecollection(self, req: Request, r: Route) -> Response:
        opts = self._delete_options(req)
        items, _ = self.store.list(r.res, r.namespace, self._matcher(req, r))
        for o in items:
            try:
                self.store.delete(
                    r.res,
                    o["metadata"].get("namespace"),
                    o["metadata"]["name"],
                    orphan=opts.get("propagationPolicy") == "Orphan",
                    dry_run="All" in (opts.get("dryRun") or []),
                )
            except errors.ApiError as e:
                if e.code != 404:
                    raise
        return Response(200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"})

    # ---- pods/log ----

    def _pod_log(self, req: Request, r: Route) -> Response:
        pod = self.store.get(r.res, r.namespace, r.name)
        spec = pod.get("spec") or {}
        names = [c["name"] for c in spec.get("containers") or []]
        inits = [c["name"] for c in spec.get("initContainers") or []]
        container = req.query.get("container")
        if not container:
            if len(names) != 1:
                raise errors.bad_request(
                    f"a container name must be specified for pod {r.name}, choose one of: "
                    f"[{' '.join(names)}] or one of the init containers: [{' '.join(inits)}]"
                )
            container = names[0]
        if container not in names + inits:
            raise errors.bad_request(f"container {container} is not valid for pod {r.name}")
        previous = _flag(req.query, "previous")
        text = self.store.get_log(r.namespace, r.name, container, previous)
        statuses = (pod.get("status") or {}).get("containerStatuses", []) + (pod.get("status") or {}).get(
            "initContainerStatuses", []
        )
        st = next((s for s in statuses if s.get("name") == container), {})
        if previous and not text:
            raise errors.bad_request(f'previous terminated container "{container}" in pod "{r.name}" not found')
        if not text and "waiting" in (st.get("state") or {}) and not st.get("restartCount"):
            reason = st["state"]["waiting"].get("reason", "ContainerCreating")
            raise errors.bad_request(f'container "{container}" in pod "{r.name}" is waiting to start: {reason}')
        if req.query.get("tailLines"):
            n = int(req.query["tailLines"])
            text = "".join(text.splitlines(keepends=True)[-n:]) if n > 0 else ""
        return Response(200, text)

    # ---- watch ----

    def _do_watch(self, req: Request, r: Route) -> Response:
        match = self._matcher(req, r)
        rv_param = req.query.get("resourceVersion", "")
        timeout = int(req.query.get("timeoutSeconds") or WATCH_MAX_SECONDS)
        if rv_param not in ("", "0") and not rv_param.isdigit():
            raise errors.bad_request(f'invalid resource version "{rv_param}"')
        return Response(200, stream=self._watch_stream(r, match, rv_param, time.monotonic() + timeout))

    def _event_line(self, r: Route, kind: str, obj: dict) -> bytes:
        return (json.dumps({"type": kind, "object": self._out(r, obj)}) + "\n").encode()

    def _watch_stream(self, r: Route, match, rv_param: str, deadline: float) -> Iterator[bytes]:
        def visible(o: dict | None) -> bool:
            return o is not None and (r.namespace is None or o["metadata"].get("namespace") == r.namespace) and match(o)

        store = self.store
        with store.cond:
            epoch = store.epoch
            if rv_param in ("", "0"):  # "from now", starting with synthetic ADDED for current state
                initial, cursor = store.list(r.res, r.namespace, match)
            else:
                initial, cursor = [], int(rv_param)
        for o in initial:
            yield self._event_line(r, "ADDED", o)
        while not self.stopping:
            with store.cond:
                try:
                    events = store.events_after(r.res.key, cursor)
                except errors.ApiError as e:
                    yield (json.dumps({"type": "ERROR", "object": e.status()}) + "\n").encode()
                    return
                if not events:
                    if store.epoch != epoch or time.monotonic() >= deadline:
                        return
                    store.cond.wait(min(0.5, max(0.01, deadline - time.monotonic())))
                    continue
            for e in events:
                cursor = e.rv
                new_ok = visible(e.obj)
                old_ok = e.type == "MODIFIED" and visible(e.old)
                if e.type == "MODIFIED" and new_ok != old_ok:  # moved into/out of the selection
                    kind = "ADDED" if new_ok else "DELETED"
                elif new_ok:
                    kind = e.type
                else:
                    continue
                yield self._event_line(r, kind, e.obj)
