"""Ask before acting: SelfSubjectAccessReview checks, and the exact grant to ask an admin for.

Any authenticated identity may create a SelfSubjectAccessReview, so this works even for a
workbench service account that may read nothing else (docs/hardware.md, "Grants").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kubernetes import client as k8s

from jupyter_optiserve.errors import ClusterUnreachableError, OptiServeError

if TYPE_CHECKING:
    from jupyter_optiserve.kube.client import Identity, KubeConnection


@dataclass(frozen=True)
class Rule:
    """One permission: ``verb`` on ``group``/``resource`` in a namespace, or cluster-wide.

    ``cluster_wide`` covers cluster-scoped resources (nodes) and "in all namespaces" (pods).
    ``namespace`` None means the connection's namespace.
    """

    verb: str
    resource: str
    group: str = ""
    subresource: str | None = None
    namespace: str | None = None
    cluster_wide: bool = False

    @property
    def resource_ref(self) -> str:
        """``resource[.group][/subresource]`` as ``oc create role --resource`` takes it."""
        ref = f"{self.resource}.{self.group}" if self.group else self.resource
        return f"{ref}/{self.subresource}" if self.subresource else ref

    def describe(self, namespace: str | None = None) -> str:
        where = "cluster-wide" if self.cluster_wide else f"in {self.namespace or namespace or 'the namespace'}"
        return f"{self.verb} {self.resource_ref} {where}"


def _rule(item: Rule | tuple[str, ...]) -> Rule:
    if isinstance(item, Rule):
        return item
    verb, group, resource = item[:3]
    return Rule(verb, resource, group)


def check_access(
    conn: KubeConnection, checks: Iterable[Rule | tuple[str, ...]], namespace: str | None = None
) -> dict[Any, bool | None]:
    """{check: True/False/None} for ``Rule``s or ``(verb, group, resource)`` tuples, one SSAR each.

    None means the server could not say (SSAR refused or not served): try the call itself.
    An unreachable cluster raises ClusterUnreachableError at the first check.
    """
    out: dict[Any, bool | None] = {}
    for item in checks:
        r = _rule(item)
        ns = "" if r.cluster_wide else (r.namespace or namespace or conn.namespace)
        body = k8s.V1SelfSubjectAccessReview(
            spec=k8s.V1SelfSubjectAccessReviewSpec(
                resource_attributes=k8s.V1ResourceAttributes(
                    verb=r.verb, group=r.group, resource=r.resource, subresource=r.subresource, namespace=ns
                )
            )
        )
        try:
            res = conn.get_json(conn.authz.create_self_subject_access_review, body)
        except ClusterUnreachableError:
            raise
        except OptiServeError:
            out[item] = None
            continue
        out[item] = bool((res.get("status") or {}).get("allowed"))
    return out


def can_i(
    conn: KubeConnection,
    verb: str,
    resource: str,
    group: str = "",
    namespace: str | None = None,
    subresource: str | None = None,
) -> bool:
    """Whether the connection's identity may do this. Optimistic when the server cannot say:
    the real call will then report a 403 with the grant."""
    rule = Rule(verb, resource, group, subresource, namespace, cluster_wide=namespace == "")
    return check_access(conn, [rule])[rule] is not False


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")[:200] or "user"


def grant_commands(
    identity: Identity | None, namespace: str, rules: Iterable[Rule], name: str = "optiserve"
) -> list[str]:
    """The ``oc`` commands granting exactly ``rules`` to ``identity``: a Role + RoleBinding per
    namespace, a ClusterRole + ClusterRoleBinding for cluster-wide rules."""
    if identity is not None and identity.kind == "serviceaccount" and identity.name:
        subject = f"--serviceaccount={identity.namespace or namespace}:{identity.name}"
        who = f"{identity.namespace or namespace}-{identity.name}"
    else:
        user = getattr(identity, "name", None) or "<your-user>"
        subject, who = f"--user={user}", user
    scopes: dict[str | None, dict[str, set[str]]] = {}  # None: cluster-wide
    for r in map(_rule, rules):
        scope = None if r.cluster_wide else (r.namespace or namespace)
        scopes.setdefault(scope, {}).setdefault(r.resource_ref, set()).add(r.verb)
    cmds: list[str] = []
    for scope, resources in scopes.items():
        by_verbs: dict[tuple[str, ...], list[str]] = {}
        for ref, verbs in resources.items():
            by_verbs.setdefault(tuple(sorted(verbs)), []).append(ref)
        for i, (verb_list, refs) in enumerate(by_verbs.items()):
            role = name if i == 0 else f"{name}-{i + 1}"
            spec = f"--verb={','.join(verb_list)} --resource={','.join(refs)}"
            if scope is None:
                cmds.append(f"oc create clusterrole {role} {spec}")
                cmds.append(f"oc create clusterrolebinding {_slug(f'{role}-{who}')} --clusterrole={role} {subject}")
            else:
                cmds.append(f"oc create role {role} {spec} -n {scope}")
                cmds.append(f"oc create rolebinding {role} --role={role} {subject} -n {scope}")
    return cmds


def grant_hint(identity: Identity | None, namespace: str, rules: Iterable[Rule], name: str = "optiserve") -> str:
    """A hint naming the missing permissions and the commands an admin runs to grant them."""
    rules = [_rule(r) for r in rules]
    who = identity.subject if identity is not None else "<your-user>"
    lines = [
        f"ask a cluster admin to let {who} "
        + "; ".join(r.describe(namespace) for r in rules)
        + " (kubectl create takes the same arguments):"
    ]
    lines += [f"  {c}" for c in grant_commands(identity, namespace, rules, name)]
    return "\n".join(lines)


def whoami(conn: KubeConnection) -> Identity | None:
    """The identity as the API server sees it (SelfSubjectReview, Kubernetes 1.28+), or None."""
    from jupyter_optiserve.kube.client import Identity

    try:
        res = conn.get_json(
            k8s.AuthenticationV1Api(conn.api_client).create_self_subject_review, k8s.V1SelfSubjectReview()
        )
    except OptiServeError:
        return None
    name = ((res.get("status") or {}).get("userInfo") or {}).get("username")
    return Identity.from_username(name) if name else None
