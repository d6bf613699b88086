"""A deny-list authorizer: everything is allowed except the listed (verb, group, resource[, namespace]).

Real RBAC is allow-only; a deny-list is simply the cheaper way for tests to describe "the
workbench ServiceAccount may not create inferenceservices". Matching follows RBAC rules:
"*" matches anything, a rule for "pods" does not cover "pods/log" (use "pods/log" or "pods/*").

Rules are dicts or tuples: {"verb": "create", "group": "serving.kserve.io",
"resource": "inferenceservices", "namespace": "demo"}; `verb` may be a list, `namespace`
and `name` are optional (absent = every namespace / every name).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import ApiError

DENY_ENV = "FAKEKUBE_DENY"


@dataclass(frozen=True)
class Rule:
    verbs: tuple[str, ...]
    group: str
    resource: str
    namespace: str | None = None
    name: str | None = None

    @classmethod
    def parse(cls, raw: Any) -> Rule:
        if isinstance(raw, Rule):
            return raw
        if isinstance(raw, (list, tuple)):
            raw = dict(zip(("verb", "group", "resource", "namespace", "name"), raw, strict=False))
        if not isinstance(raw, dict) or "resource" not in raw:
            raise ValueError(f"deny rule needs at least verb and resource: {raw!r}")
        verbs = raw.get("verb", raw.get("verbs", "*"))
        verbs = (verbs,) if isinstance(verbs, str) else tuple(verbs)
        group = raw.get("group", raw.get("apiGroup", ""))
        return cls(verbs, "" if group is None else group, raw["resource"], raw.get("namespace"), raw.get("name"))

    def matches(self, verb: str, group: str, resource: str, namespace: str | None, name: str | None) -> bool:
        res_ok = self.resource in ("*", resource) or (
            self.resource.endswith("/*") and resource.startswith(self.resource[:-1])
        )
        return (
            (("*" in self.verbs) or verb in self.verbs)
            and self.group in ("*", group)
            and res_ok
            and (self.namespace is None or self.namespace == namespace)
            and (self.name is None or self.name == name)
        )

    def to_dict(self) -> dict:
        d = {"verb": list(self.verbs), "group": self.group, "resource": self.resource}
        if self.namespace is not None:
            d["namespace"] = self.namespace
        if self.name is not None:
            d["name"] = self.name
        return d


class Authorizer:
    def __init__(self, user: str, rules: Iterable[Any] | None = None):
        self.user = user
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self.set(rules if rules is not None else self.from_env())

    @staticmethod
    def from_env() -> list[Any]:
        raw = os.environ.get(DENY_ENV, "").strip()
        return json.loads(raw) if raw else []

    def set(self, rules: Iterable[Any]) -> None:
        parsed = [Rule.parse(r) for r in rules]
        with self._lock:
            self._rules = parsed

    def add(self, rules: Iterable[Any]) -> None:
        parsed = [Rule.parse(r) for r in rules]
        with self._lock:
            self._rules = [*self._rules, *parsed]

    @property
    def rules(self) -> list[Rule]:
        with self._lock:
            return list(self._rules)

    def denied_by(self, verb, group, resource, namespace=None, name=None) -> Rule | None:
        return next((r for r in self.rules if r.matches(verb, group, resource, namespace, name)), None)

    def allowed(self, verb, group, resource, namespace=None, name=None) -> bool:
        return self.denied_by(verb, group, resource, namespace, name) is None

    def check(
        self,
        verb: str,
        group: str,
        resource: str,
        namespace: str | None,
        name: str | None,
        subresource: str | None = None,
    ) -> None:
        full = f"{resource}/{subresource}" if subresource else resource
        if self.allowed(verb, group, full, namespace, name):
            return
        gr = f"{resource}.{group}" if group else resource
        subject = f'{gr} "{name}"' if name else gr
        where = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
        msg = (
            f'{subject} is forbidden: User "{self.user}" cannot {verb} resource "{full}" in API group "{group}" {where}'
        )
        details = {"group": group, "kind": resource}
        if name:
            details["name"] = name
        raise ApiError(403, msg, details=details)

    # ---- authorization.k8s.io ----

    def access_review(self, spec: dict) -> dict:
        attrs = spec.get("resourceAttributes")
        if not attrs:  # nonResourceAttributes (/healthz, /version, ...) are open to authenticated users
            return {"allowed": True, "reason": ""}
        resource = attrs.get("resource", "")
        if attrs.get("subresource"):
            resource = f"{resource}/{attrs['subresource']}"
        rule = self.denied_by(
            attrs.get("verb", ""),
            attrs.get("group", ""),
            resource,
            attrs.get("namespace") or None,
            attrs.get("name") or None,
        )
        if rule is None:
            return {"allowed": True, "reason": f'RBAC: allowed by fakekube (no deny rule for user "{self.user}")'}
        # Real RBAC has no opinion on a denial (allowed=false, denied unset); the reason helps debugging.
        return {
            "allowed": False,
            "reason": f"fakekube deny-list: {','.join(rule.verbs)} {rule.resource} in group {rule.group!r}",
        }

    def rules_review(self, namespace: str, resources) -> dict:
        """Approximation: one allow-all rule when nothing applies; otherwise one rule per known
        resource with the verbs left after the deny-list (wildcards cannot express "all but")."""
        verbs_all = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
        rules = [r for r in self.rules if r.namespace in (None, namespace) and r.name is None]
        if not rules:
            out = [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]
        else:
            out = []
            for res in resources:
                for full in (res.plural, *[f"{res.plural}/{s}" for s in res.subresources]):
                    verbs = [
                        v for v in verbs_all if not any(r.matches(v, res.group, full, namespace, None) for r in rules)
                    ]
                    if verbs:
                        out.append({"verbs": verbs, "apiGroups": [res.group], "resources": [full]})
        return {
            "resourceRules": out,
            "nonResourceRules": [
                {"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/version", "/version/"]}
            ],
            "incomplete": False,
        }
