"""In-memory object storage with the apiserver's registry semantics.

One global resourceVersion counter (like etcd's revision), uid/generation/creationTimestamp,
optimistic concurrency, finalizers + deletionTimestamp, ownerReference garbage collection,
and a bounded event history that watches replay from (older revisions answer 410 Expired).
Callers (the HTTP API layer) do authorization and content decoding; `admit` callbacks run
validation inside the write so a rejected object never reaches storage.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import copy
import random
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from . import errors
from .resources import Registry, Resource

Admit = Callable[[dict, "dict | None"], dict]
_SYSTEM_META = (
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "managedFields",
    "selfLink",
)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _suffix(n: int = 5) -> str:
    # The apiserver's generateName alphabet avoids vowels and look-alikes (utilrand.String).
    return "".join(random.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(n))


@dataclass
class Event:
    rv: int
    key: tuple[str, str]
    type: str  # ADDED | MODIFIED | DELETED
    obj: dict
    old: dict | None


class Store:
    def __init__(self, registry: Registry, history_limit: int = 5000):
        self.registry = registry
        self.cond = threading.Condition(threading.RLock())
        self.history_limit = history_limit
        self.listeners: list[Callable[[Resource, str, dict, dict | None], None]] = []
        self._rv = 1000
        self.epoch = 0  # bumped to end open watches (reset, injected watch drops)
        self.reset()

    # ---- bookkeeping ----

    def reset(self) -> None:
        """Forget every object; the revision keeps growing, so old resourceVersions become 410."""
        with self.cond:
            self._objects: dict[tuple[str, str], dict[tuple[str, str], dict]] = defaultdict(dict)
            self._history: list[Event] = []
            self._history_rvs: list[int] = []
            self.floor = self._rv
            self.logs: dict[tuple[str, str, str], str] = {}
            self.epoch += 1
            self.cond.notify_all()

    def compact(self) -> int:
        """Drop the event history (etcd compaction): watches from older revisions get 410."""
        with self.cond:
            self._history, self._history_rvs = [], []
            self.floor = self._rv
            return self.floor

    def drop_watches(self) -> None:
        with self.cond:
            self.epoch += 1
            self.cond.notify_all()

    @property
    def revision(self) -> int:
        with self.cond:
            return self._rv

    def _commit(self, res: Resource, kind: str, obj: dict, old: dict | None) -> dict:
        self._rv += 1
        obj["metadata"]["resourceVersion"] = str(self._rv)
        meta = obj["metadata"]
        k = (meta.get("namespace", ""), meta["name"])
        if kind == "DELETED":
            self._objects[res.key].pop(k, None)
        else:
            self._objects[res.key][k] = obj
        ev = Event(self._rv, res.key, kind, copy.deepcopy(obj), copy.deepcopy(old) if old else None)
        self._history.append(ev)
        self._history_rvs.append(ev.rv)
        if len(self._history) > self.history_limit:
            cut = len(self._history) // 2
            self.floor = self._history_rvs[cut - 1]
            del self._history[:cut], self._history_rvs[:cut]
        self.cond.notify_all()
        for listener in list(self.listeners):
            listener(res, kind, ev.obj, ev.old)
        return copy.deepcopy(obj)

    def events_after(self, key: tuple[str, str], rv: int) -> list[Event]:
        """Caller holds self.cond. Raises 410 when rv predates the retained history."""
        if rv < self.floor:
            raise errors.gone(f"too old resource version: {rv} ({self.floor})")
        i = bisect.bisect_right(self._history_rvs, rv)
        return [e for e in self._history[i:] if e.key == key]

    # ---- reads ----

    def _find(self, res: Resource, ns: str | None, name: str) -> dict:
        obj = self._objects[res.key].get((ns or "", name))
        if obj is None:
            raise errors.not_found(res, name)
        return obj

    def get(self, res: Resource, ns: str | None, name: str) -> dict:
        with self.cond:
            return copy.deepcopy(self._find(res, ns, name))

    def exists(self, res: Resource, ns: str | None, name: str) -> bool:
        with self.cond:
            return (ns or "", name) in self._objects[res.key]

    def list(
        self, res: Resource, ns: str | None = None, match: Callable[[dict], bool] | None = None
    ) -> tuple[list[dict], int]:
        with self.cond:
            items = [
                copy.deepcopy(o)
                for (o_ns, _), o in sorted(self._objects[res.key].items())
                if (ns is None or o_ns == ns) and (match is None or match(o))
            ]
            return items, self._rv

    def all_objects(self) -> list[tuple[Resource, dict]]:
        with self.cond:
            out = []
            for key, objs in self._objects.items():
                res = self.registry.by_key(key)
                out.extend((res, copy.deepcopy(o)) for o in objs.values())
            return out

    # ---- writes ----

    def _check_namespace(self, res: Resource, ns: str | None) -> None:
        if not res.namespaced:
            return
        ns_res = self.registry.find("", "v1", "namespaces")
        nso = self._objects[ns_res.key].get(("", ns or ""))
        if nso is None:
            raise errors.namespace_not_found(ns or "")
        if (nso.get("metadata") or {}).get("deletionTimestamp"):
            raise errors.ApiError(
                403,
                f"unable to create new content in namespace {ns} because it is being terminated",
                details={"name": ns, "kind": "namespaces"},
            )

    def create(
        self, res: Resource, ns: str | None, obj: dict, *, admit: Admit | None = None, dry_run: bool = False
    ) -> dict:
        obj = copy.deepcopy(obj)
        with self.cond:
            self._check_namespace(res, ns)
            meta = obj.setdefault("metadata", {})
            if res.namespaced:
                meta["namespace"] = ns
            else:
                meta.pop("namespace", None)
            if not meta.get("name") and meta.get("generateName"):
                meta["name"] = meta["generateName"] + _suffix()
            if meta.get("resourceVersion"):
                raise errors.internal("resourceVersion should not be set on objects to be created")
            for k in _SYSTEM_META:
                meta.pop(k, None)
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = now()
            if res.has_generation:
                meta["generation"] = 1
            _prepare(res, obj, None)
            if admit:
                obj = admit(obj, None)
            if (ns or "", meta["name"]) in self._objects[res.key]:
                raise errors.already_exists(res, meta["name"])
            if dry_run:
                return obj
            return self._commit(res, "ADDED", obj, None)

    def update(
        self,
        res: Resource,
        ns: str | None,
        name: str,
        new: dict,
        *,
        subresource: str | None = None,
        admit: Admit | None = None,
        dry_run: bool = False,
        unconditional: bool = True,
    ) -> dict:
        new = copy.deepcopy(new)
        with self.cond:
            old = self._find(res, ns, name)
            meta = new.setdefault("metadata", {})
            rv = meta.get("resourceVersion")
            if rv and rv != old["metadata"]["resourceVersion"]:
                raise errors.conflict(res, name)
            if not rv and not unconditional:
                raise errors.invalid(
                    res,
                    name,
                    [
                        {
                            "reason": "FieldValueInvalid",
                            "field": "metadata.resourceVersion",
                            "message": "Invalid value: 0x0: must be specified for an update",
                        }
                    ],
                )
            if subresource == "status":
                # /status writes change only .status; everything else keeps its stored value.
                merged = copy.deepcopy(old)
                merged.pop("status", None)
                if "status" in new:
                    merged["status"] = new["status"]
                new = merged
            else:
                if res.status_subresource:
                    new.pop("status", None)
                    if "status" in old:
                        new["status"] = copy.deepcopy(old["status"])
                for k in (*_SYSTEM_META, "namespace", "name"):
                    if k in old["metadata"]:
                        new["metadata"][k] = copy.deepcopy(old["metadata"][k])
                    else:
                        new["metadata"].pop(k, None)
            new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
            _prepare(res, new, old)
            if res.has_generation and _spec_part(res, new) != _spec_part(res, old):
                new["metadata"]["generation"] = old["metadata"].get("generation", 1) + 1
            if admit:
                new = admit(new, old)
            if new == old:
                return copy.deepcopy(old)  # a no-op write keeps the resourceVersion and emits no event
            if dry_run:
                return new
            if new["metadata"].get("deletionTimestamp") and not new["metadata"].get("finalizers"):
                return self._remove(res, new, orphan=False)
            return self._commit(res, "MODIFIED", new, old)

    def mutate(self, res: Resource, ns: str | None, name: str, fn: Callable[[dict], dict], **kw) -> dict:
        """Read-modify-write under the lock (patches, controllers): no lost updates."""
        with self.cond:
            current = self.get(res, ns, name)
            return self.update(res, ns, name, fn(current), **kw)

    def delete(
        self,
        res: Resource,
        ns: str | None,
        name: str,
        *,
        preconditions: dict | None = None,
        orphan: bool = False,
        dry_run: bool = False,
    ) -> tuple[dict, bool]:
        """Returns (object, gone): gone is False while finalizers hold the object."""
        with self.cond:
            old = self._find(res, ns, name)
            pre = preconditions or {}
            if pre.get("uid") and pre["uid"] != old["metadata"]["uid"]:
                raise errors.conflict(
                    res,
                    name,
                    f"Precondition failed: UID in precondition: {pre['uid']}, "
                    f"UID in object meta: {old['metadata']['uid']}",
                )
            if pre.get("resourceVersion") and pre["resourceVersion"] != old["metadata"]["resourceVersion"]:
                raise errors.conflict(
                    res,
                    name,
                    "Precondition failed: ResourceVersion in precondition: "
                    f"{pre['resourceVersion']}, ResourceVersion in meta: "
                    f"{old['metadata']['resourceVersion']}",
                )
            if dry_run:
                return copy.deepcopy(old), not old["metadata"].get("finalizers")
            if old["metadata"].get("finalizers"):
                if old["metadata"].get("deletionTimestamp"):
                    return copy.deepcopy(old), False
                new = copy.deepcopy(old)
                new["metadata"]["deletionTimestamp"] = now()
                new["metadata"]["deletionGracePeriodSeconds"] = 0
                if res.has_generation:
                    new["metadata"]["generation"] = old["metadata"].get("generation", 1) + 1
                return self._commit(res, "MODIFIED", new, old), False
            return self._remove(res, copy.deepcopy(old), orphan=orphan), True

    def _remove(self, res: Resource, obj: dict, orphan: bool) -> dict:
        old = copy.deepcopy(self._objects[res.key][(obj["metadata"].get("namespace", ""), obj["metadata"]["name"])])
        out = self._commit(res, "DELETED", obj, old)
        if res.key == ("", "namespaces"):
            self._purge_namespace(obj["metadata"]["name"])
        if not orphan:
            self._collect_garbage(obj["metadata"]["uid"])
        return out

    def _purge_namespace(self, ns: str) -> None:
        # The namespace controller's job, done synchronously: finalizers inside are not waited for.
        for key in list(self._objects):
            res = self.registry.by_key(key)
            for (o_ns, _), o in list(self._objects[key].items()):
                if o_ns == ns:
                    self._remove(res, copy.deepcopy(o), orphan=False)

    def _collect_garbage(self, owner_uid: str) -> None:
        """Background-propagation GC: dependents whose owners are all gone are deleted."""
        live = {o["metadata"]["uid"] for objs in self._objects.values() for o in objs.values()}
        for key in list(self._objects):
            res = self.registry.by_key(key)
            for (o_ns, o_name), o in list(self._objects[key].items()):
                refs = o["metadata"].get("ownerReferences") or []
                if not any(r.get("uid") == owner_uid for r in refs):
                    continue
                if not self.exists(res, o_ns, o_name):
                    continue  # already collected through another path
                remaining = [r for r in refs if r.get("uid") != owner_uid and r.get("uid") in live]
                if remaining:
                    new = copy.deepcopy(o)
                    new["metadata"]["ownerReferences"] = remaining
                    self._commit(res, "MODIFIED", new, o)
                else:
                    self.delete(res, o_ns or None, o_name)

    # ---- pod logs (written by the simulated kubelet or by tests) ----

    def set_log(self, ns: str, pod: str, container: str, text: str, previous: bool = False) -> None:
        with self.cond:
            self.logs[(ns, pod, container + ("#previous" if previous else ""))] = text

    def get_log(self, ns: str, pod: str, container: str, previous: bool = False) -> str:
        with self.cond:
            return self.logs.get((ns, pod, container + ("#previous" if previous else "")), "")


def _spec_part(res: Resource, obj: dict) -> dict:
    """What counts as "spec" for metadata.generation: all but metadata (and status with the subresource)."""
    skip = {"metadata", "apiVersion", "kind"} | ({"status"} if res.status_subresource else set())
    return {k: v for k, v in obj.items() if k not in skip}


def _prepare(res: Resource, obj: dict, old: dict | None) -> None:
    """Per-kind registry strategy (PrepareForCreate/Update)."""
    if res.key == ("", "secrets"):
        _secret_data(obj)
    if old is not None:
        return
    if res.key == ("", "pods"):
        obj["status"] = {"phase": "Pending", "qosClass": _qos_class(obj)}
    elif res.key == ("", "namespaces"):
        obj["status"] = {"phase": "Active"}
    elif res.status_subresource and res.key != ("", "nodes"):
        obj.pop("status", None)  # status is ignored on create; nodes are the documented exception


def _secret_data(obj: dict) -> None:
    data = obj.get("data") or {}
    for k, v in data.items():
        try:
            base64.b64decode(v or "", validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise errors.bad_request(
                f'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0 (key {k!r})'
            ) from None
    for k, v in (obj.pop("stringData", None) or {}).items():
        data[k] = base64.b64encode(str(v).encode()).decode()
    if data:
        obj["data"] = data
    obj.setdefault("type", "Opaque")


def _qos_class(pod: dict) -> str:
    containers = (pod.get("spec") or {}).get("containers") or []
    res = [c.get("resources") or {} for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in res):
        return "BestEffort"
    guaranteed = all(
        (r.get("limits") or {}).get(k) and (r.get("requests") or r.get("limits")).get(k) == r["limits"][k]
        for r in res
        for k in ("cpu", "memory")
    )
    return "Guaranteed" if guaranteed else "Burstable"
