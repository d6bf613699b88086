"""Create, update, stop and delete what OptiServe deploys, without ever touching anything else.

- Order: ServingRuntime, InferenceService, then the auth objects; the ISVC then owns the rest
  (ownerReferences), so deleting it garbage-collects what OptiServe made.
- Idempotent: an ``optiserve.io/applied-hash`` annotation records what was applied; the same
  input changes nothing, a changed profile replaces the object in place.
- Ownership: every object carries ``app.kubernetes.io/managed-by: optiserve``; an existing object
  without it is a ConflictError, checked for all objects before anything is written.
- A failure midway deletes what this run created (only that), puts back what it updated, and
  re-raises; what could not be undone is named, with the command that removes it.
- ``delete NAME`` also removes OptiServe's leftovers of NAME when its InferenceService is gone.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from jupyter_optiserve.deploy.manifests import MANAGED_BY, MANAGER
from jupyter_optiserve.deploy.resources import ISVC, KINDS, SR, Kind, Resources, kind_of
from jupyter_optiserve.errors import ConflictError, NotFoundError, OptiServeError

HASH = "optiserve.io/applied-hash"
STOP = "serving.kserve.io/stop"
_CREATE_ONLY = ("ServiceAccount", "Secret")  # the token controller fills these; never rewrite them


def applied_hash(obj: dict) -> str:
    body = copy.deepcopy(obj)
    body["metadata"].get("annotations", {}).pop(HASH, None)
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def is_ours(obj: dict[str, Any] | None) -> bool:
    return obj is not None and bool(obj) and (obj["metadata"].get("labels") or {}).get(MANAGED_BY) == MANAGER


@dataclass
class ApplyResult:
    actions: list = field(default_factory=list)  # (kind, name, created|updated|unchanged)
    dry_run: bool = False
    rolled_back: list = field(default_factory=list)
    left_behind: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # what could not be done alongside (the project label)

    @property
    def changed(self) -> bool:
        return any(a != "unchanged" for _, _, a in self.actions)

    def to_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "changed": self.changed,
            "rolled_back": self.rolled_back,
            "objects": [{"kind": k, "name": n, "action": a} for k, n, a in self.actions],
            **({"notes": self.notes} if self.notes else {}),
        }


def _conflict(obj: dict, existing: dict) -> ConflictError:
    kind, name = obj["kind"], obj["metadata"]["name"]
    by = (existing["metadata"].get("labels") or {}).get(MANAGED_BY) or "someone else (e.g. the dashboard)"
    return ConflictError(
        f"{kind} '{name}' already exists in {obj['metadata']['namespace']} and was not created by "
        f"OptiServe (managed by: {by}); OptiServe never changes objects it did not create",
        hint="pick another --name, or delete that deployment yourself first",
        kind=kind,
        name=name,
    )


class Deployer:
    def __init__(self, conn):
        self.conn = conn
        self.res = Resources(conn)

    # -- apply -------------------------------------------------------------------------------------
    def collisions(self, objs: list[dict]) -> list[str]:
        """Objects that exist and are not OptiServe's (the preflight check)."""
        out = []
        for obj in objs:
            existing = self.res.get(kind_of(obj), obj["metadata"]["namespace"], obj["metadata"]["name"])
            if existing is not None and not is_ours(existing):
                out.append(str(_conflict(obj, existing).message))
        return out

    def apply(self, objs: list[dict], dry_run: bool = False) -> ApplyResult:
        result = ApplyResult(dry_run=dry_run)
        existing = {}
        for obj in objs:  # check everything before writing anything
            cur = self.res.get(kind_of(obj), obj["metadata"]["namespace"], obj["metadata"]["name"])
            if cur is not None and not is_ours(cur):
                raise _conflict(obj, cur)
            existing[_key(obj)] = cur
        created: list[dict] = []
        updated: list[dict] = []  # the live objects before this run replaced them
        owner = None
        try:
            for obj in objs:
                body = copy.deepcopy(obj)
                if owner and body["kind"] not in (ISVC.kind, "LLMInferenceService"):
                    body["metadata"]["ownerReferences"] = [owner]
                body["metadata"].setdefault("annotations", {})[HASH] = applied_hash(obj)
                cur = existing[_key(obj)]
                if cur is None:
                    out = self.res.create(body, dry_run=dry_run)
                    action = "created"
                    if not dry_run:
                        created.append(obj)
                elif (cur["metadata"].get("annotations") or {}).get(HASH) == body["metadata"]["annotations"][
                    HASH
                ] or obj["kind"] in _CREATE_ONLY:
                    out, action = cur, "unchanged"
                else:
                    out = self.res.replace(_for_replace(body, cur), dry_run=dry_run)
                    action = "updated"
                    if not dry_run:
                        updated.append(cur)
                result.actions.append((obj["kind"], obj["metadata"]["name"], action))
                if obj["kind"] in (ISVC.kind, "LLMInferenceService") and not dry_run:
                    owner = _owner_ref(out)
            if owner and not dry_run:
                self._adopt(objs, owner)
                if any(o["kind"] == ISVC.kind for o in objs):  # first KServe deploy: as the dashboard does
                    from jupyter_optiserve.deploy.project import mark_single_model

                    note = mark_single_model(self.conn, objs[0]["metadata"]["namespace"])
                    if note:
                        result.notes.append(note)
        except OptiServeError as exc:
            result.rolled_back, result.left_behind = self._rollback(created, updated)
            notes = []
            if result.rolled_back:
                notes.append("undid what this run changed: " + ", ".join(result.rolled_back))
                exc.detail["rolled_back"] = result.rolled_back
            if result.left_behind:
                name, ns = objs[0]["metadata"]["name"], objs[0]["metadata"]["namespace"]
                refs = " ".join(r.split(" ")[0].lower() for r in result.left_behind)
                notes.append(
                    "could NOT undo: "
                    + ", ".join(result.left_behind)
                    + f"; remove it with `optiserve delete {name} -n {ns}` (or `oc delete {refs} -n {ns}`)"
                )
                exc.detail["left_behind"] = result.left_behind
                exc.message += " (left behind: " + ", ".join(result.left_behind) + ")"
                exc.args = (exc.message,)
            if notes:
                exc.hint = "; ".join([*([exc.hint] if exc.hint else []), *notes])
            raise
        return result

    def _adopt(self, objs: list[dict], owner: dict) -> None:
        """Objects created before the ISVC (the ServingRuntime) get their ownerReference now."""
        for obj in objs:
            if obj["kind"] in (ISVC.kind, "LLMInferenceService"):
                continue
            kind, meta = kind_of(obj), obj["metadata"]
            cur = self.res.get(kind, meta["namespace"], meta["name"]) or {"metadata": {}}
            refs = cur["metadata"].get("ownerReferences") or []
            if not any(r.get("uid") == owner["uid"] for r in refs):
                keep = [r for r in refs if not (r.get("kind") == owner["kind"] and r.get("name") == owner["name"])]
                self.res.patch(kind, meta["namespace"], meta["name"], {"metadata": {"ownerReferences": keep + [owner]}})

    def _rollback(self, created: list[dict], updated: list[dict]) -> tuple[list[str], list[str]]:
        """Delete what this run created and put back what it replaced: (undone, left behind)."""
        done, left = [], []
        for obj in reversed(created):
            ref = f"{obj['kind']}/{obj['metadata']['name']}"
            try:
                self.res.delete(kind_of(obj), obj["metadata"]["namespace"], obj["metadata"]["name"])
                done.append(ref)
            except OptiServeError:  # the original error stays what the user sees; this one is named
                left.append(ref)
        for prev in reversed(updated):
            ref = f"{prev['kind']}/{prev['metadata']['name']}"
            try:
                self._restore(prev)
                done.append(ref + " (previous version restored)")
            except OptiServeError:
                left.append(ref + " (changed by this run)")
        return done, left

    def _restore(self, prev: dict) -> None:
        """Replace the live object with ``prev`` (its spec, labels and annotations) at the live version."""
        kind, meta = kind_of(prev), prev["metadata"]
        live = self.res.get(kind, meta["namespace"], meta["name"])
        if live is None:
            return
        body = {k: copy.deepcopy(v) for k, v in prev.items() if k != "status"}
        body["metadata"] = {
            k: copy.deepcopy(v)
            for k, v in meta.items()
            if k in ("name", "namespace", "labels", "annotations", "ownerReferences")
        }
        body["metadata"]["resourceVersion"] = live["metadata"].get("resourceVersion")
        self.res.replace(body)

    # -- lifecycle ---------------------------------------------------------------------------------
    def get_isvc(self, namespace: str, name: str, kind=ISVC) -> dict:
        obj = self.res.get(kind, namespace, name)
        if obj is None:
            raise NotFoundError(f"no {kind.kind} '{name}' in {namespace}", hint="`optiserve list` shows what exists")
        return obj

    def _owned(self, namespace: str, name: str) -> tuple[dict[str, Any], Kind]:
        for kind in (ISVC, KINDS["LLMInferenceService"]):
            try:
                obj = self.res.get(kind, namespace, name)
            except NotFoundError:
                obj = None
            except OptiServeError:
                if kind is ISVC:
                    raise
                obj = None  # the llmisvc CRD may simply not exist
            if obj is not None:
                if not is_ours(obj):
                    raise ConflictError(
                        f"{kind.kind} '{name}' was not created by OptiServe; leaving it alone",
                        hint="manage it from the dashboard or with oc",
                    )
                return obj, kind
        raise NotFoundError(f"no deployment '{name}' in {namespace}", hint="`optiserve list` shows what exists")

    def stop(self, namespace: str, name: str, stopped: bool = True) -> dict:
        """KServe's stop annotation: pods go away, the objects (and the URL) stay."""
        _, kind = self._owned(namespace, name)
        return self.res.patch(
            kind, namespace, name, {"metadata": {"annotations": {STOP: "true" if stopped else "false"}}}
        )

    def leftovers(self, namespace: str, name: str) -> list[tuple]:
        """OptiServe's objects for deployment ``name`` (the names ``render`` gives them) while its
        InferenceService is gone, e.g. after a rollback that failed: [(Kind, object name)]."""
        out = []
        for kind, obj_name in (
            (SR, name),
            (KINDS["ServiceAccount"], f"{name}-sa"),
            (KINDS["Role"], f"{name}-view-role"),
            (KINDS["RoleBinding"], f"{name}-view"),
            (KINDS["Secret"], f"default-{name}-sa"),
        ):
            try:
                obj = self.res.get(kind, namespace, obj_name)
            except OptiServeError:
                continue  # e.g. may not read secrets
            if is_ours(obj):
                out.append((kind, obj_name))
        return out

    def delete(self, namespace: str, name: str) -> list[str]:
        """Delete the ISVC; owned objects follow by garbage collection, and are also deleted
        here when they are ours and owned by it (clusters or fakes without GC). Without an ISVC,
        OptiServe's leftovers of ``name`` are deleted instead (NotFoundError when there are none)."""
        try:
            obj, kind = self._owned(namespace, name)
        except NotFoundError:
            orphans = self.leftovers(namespace, name)
            if not orphans:
                raise
            return [f"{k.kind}/{n}" for k, n in orphans if self.res.delete(k, namespace, n)]
        uid = obj["metadata"].get("uid")
        gone = [f"{kind.kind}/{name}"] if self.res.delete(kind, namespace, name) else []
        for k in (SR, KINDS["ServiceAccount"], KINDS["Role"], KINDS["RoleBinding"], KINDS["Secret"]):
            try:
                items = self.res.list(k, namespace, label_selector=f"{MANAGED_BY}={MANAGER}")
            except OptiServeError:
                continue  # e.g. may not list secrets: the garbage collector still removes them
            for it in items:
                if any(r.get("uid") == uid for r in it["metadata"].get("ownerReferences") or []):
                    if self.res.delete(k, namespace, it["metadata"]["name"]):
                        gone.append(f"{k.kind}/{it['metadata']['name']}")
        return gone

    def list(self, namespace: str) -> dict:
        items = self.res.list(ISVC, namespace)
        try:
            items += self.res.list(KINDS["LLMInferenceService"], namespace)
        except OptiServeError:
            pass
        ours = [i for i in items if is_ours(i)]
        names = {i["metadata"]["name"] for i in items}
        try:  # a ServingRuntime of ours without its InferenceService: a leftover `delete NAME` removes
            orphans = [
                s
                for s in self.res.list(SR, namespace, label_selector=f"{MANAGED_BY}={MANAGER}")
                if s["metadata"]["name"] not in names
            ]
        except OptiServeError:
            orphans = []
        return {"optiserve": ours, "other": [i for i in items if not is_ours(i)], "orphans": orphans}


def _key(obj: dict) -> tuple:
    return obj["kind"], obj["metadata"]["name"]


def _owner_ref(obj: dict) -> dict:
    return {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "name": obj["metadata"]["name"],
        "uid": obj["metadata"]["uid"],
        "blockOwnerDeletion": False,
    }


def _for_replace(body: dict, cur: dict) -> dict:
    """Our spec and keys over the live object: keep its resourceVersion (optimistic concurrency),
    ownerReferences, and labels/annotations others added (webhooks, the dashboard)."""
    out = copy.deepcopy(body)
    meta, cmeta = out["metadata"], cur["metadata"]
    meta["resourceVersion"] = cmeta.get("resourceVersion")
    meta["labels"] = {**(cmeta.get("labels") or {}), **(meta.get("labels") or {})}
    meta["annotations"] = {**(cmeta.get("annotations") or {}), **(meta.get("annotations") or {})}
    if cmeta.get("ownerReferences") and not meta.get("ownerReferences"):
        meta["ownerReferences"] = cmeta["ownerReferences"]
    return out
