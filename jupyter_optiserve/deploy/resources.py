"""Uniform get/create/replace/patch/delete for the kinds OptiServe writes, as plain JSON dicts."""

from __future__ import annotations

from dataclasses import dataclass

from kubernetes import client as k8s

from jupyter_optiserve.errors import NotFoundError


@dataclass(frozen=True)
class Kind:
    group: str
    version: str
    plural: str
    kind: str

    @property
    def custom(self) -> bool:
        return self.group not in ("", "rbac.authorization.k8s.io")


KINDS = {
    k.kind: k
    for k in (
        Kind("serving.kserve.io", "v1alpha1", "servingruntimes", "ServingRuntime"),
        Kind("serving.kserve.io", "v1beta1", "inferenceservices", "InferenceService"),
        Kind("serving.kserve.io", "v1alpha1", "llminferenceservices", "LLMInferenceService"),
        Kind("", "v1", "serviceaccounts", "ServiceAccount"),
        Kind("", "v1", "secrets", "Secret"),
        Kind("rbac.authorization.k8s.io", "v1", "roles", "Role"),
        Kind("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding"),
    )
}
ISVC = KINDS["InferenceService"]
SR = KINDS["ServingRuntime"]
MERGE = "application/merge-patch+json"
_TYPED = {"ServiceAccount": "service_account", "Secret": "secret", "Role": "role", "RoleBinding": "role_binding"}


def kind_of(obj: dict) -> Kind:
    """The object's own version (an LLMInferenceService is v1alpha1 or v1alpha2 by RHOAI generation)."""
    kind = KINDS[obj["kind"]]
    group, _, version = str(obj.get("apiVersion", "")).rpartition("/")
    if group == kind.group and version and version != kind.version:
        return Kind(kind.group, version, kind.plural, kind.kind)
    return kind


class Resources:
    """One connection's view of the kinds above; every call goes through ``conn.get_json``."""

    def __init__(self, conn):
        self.conn = conn
        self.rbac = k8s.RbacAuthorizationV1Api(conn.api_client)

    def _typed(self, kind: Kind, op: str):
        api = self.rbac if kind.group else self.conn.core
        return getattr(api, f"{op}_namespaced_{_TYPED[kind.kind]}")

    def get(self, kind: Kind, ns: str, name: str) -> dict | None:
        try:
            if kind.custom:
                return self.conn.get_json(
                    self.conn.custom.get_namespaced_custom_object, kind.group, kind.version, ns, kind.plural, name
                )
            return self.conn.get_json(self._typed(kind, "read"), name, ns)
        except NotFoundError:
            return None

    def list(self, kind: Kind, ns: str, label_selector: str | None = None) -> list[dict]:
        kw = {"label_selector": label_selector} if label_selector else {}
        if kind.custom:
            body = self.conn.get_json(
                self.conn.custom.list_namespaced_custom_object, kind.group, kind.version, ns, kind.plural, **kw
            )
        else:
            body = self.conn.get_json(self._typed(kind, "list"), ns, **kw)
        return body.get("items") or []

    def create(self, obj: dict, dry_run: bool = False) -> dict:
        kind, ns = kind_of(obj), obj["metadata"]["namespace"]
        kw = {"dry_run": "All"} if dry_run else {}
        if kind.custom:
            return self.conn.get_json(
                self.conn.custom.create_namespaced_custom_object, kind.group, kind.version, ns, kind.plural, obj, **kw
            )
        return self.conn.get_json(self._typed(kind, "create"), ns, obj, **kw)

    def replace(self, obj: dict, dry_run: bool = False) -> dict:
        kind, meta = kind_of(obj), obj["metadata"]
        kw = {"dry_run": "All"} if dry_run else {}
        if kind.custom:
            return self.conn.get_json(
                self.conn.custom.replace_namespaced_custom_object,
                kind.group,
                kind.version,
                meta["namespace"],
                kind.plural,
                meta["name"],
                obj,
                **kw,
            )
        return self.conn.get_json(self._typed(kind, "replace"), meta["name"], meta["namespace"], obj, **kw)

    def patch(self, kind: Kind, ns: str, name: str, patch: dict) -> dict:
        """A JSON merge patch (the client sends merge-patch for dict bodies on custom objects)."""
        if kind.custom:
            return self.conn.get_json(
                self.conn.custom.patch_namespaced_custom_object,
                kind.group,
                kind.version,
                ns,
                kind.plural,
                name,
                patch,
                _content_type=MERGE,
            )
        return self.conn.get_json(self._typed(kind, "patch"), name, ns, patch, _content_type=MERGE)

    def delete(self, kind: Kind, ns: str, name: str) -> bool:
        """True when deleted, False when already gone."""
        try:
            if kind.custom:
                self.conn.get_json(
                    self.conn.custom.delete_namespaced_custom_object, kind.group, kind.version, ns, kind.plural, name
                )
            else:
                self.conn.get_json(self._typed(kind, "delete"), name, ns)
            return True
        except NotFoundError:
            return False
