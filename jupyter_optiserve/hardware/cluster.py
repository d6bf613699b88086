"""What the cluster can schedule: ask what is allowed (SSAR), read what is, explain what is missing.

Order (docs/hardware.md, "Detection order"): Nodes (+ Pods for free GPUs) -> HardwareProfiles -> legacy
AcceleratorProfiles -> runtime Templates' recommended accelerators. Profiles are read even when
nodes are, because their tolerations are what the dashboard applies. Every gap becomes a note,
and every missing permission goes into one grant an admin can run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.errors import NotFoundError, OptiServeError, PermissionDeniedError
from jupyter_optiserve.hardware.inventory import Pool, Quota
from jupyter_optiserve.hardware.nodes import capacity_key, has_accelerators, pools_from_nodes
from jupyter_optiserve.hardware.quota import quota_from_objects
from jupyter_optiserve.hardware.rhoai import (
    APP_NAMESPACES,
    PRODUCT_LABELS,
    pools_from_profile,
    read_profiles,
    read_template_accelerators,
    template_pools,
)
from jupyter_optiserve.kube.access import Rule, check_access, grant_hint, whoami
from jupyter_optiserve.kube.client import Identity

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Catalog
    from jupyter_optiserve.kube.client import KubeConnection

GRANT_NAME = "optiserve-hardware-reader"


@dataclass
class ClusterFacts:
    pools: list[Pool]
    quota: Quota
    notes: list[str] = field(default_factory=list)
    access: dict[str, Any] = field(default_factory=dict)
    missing: list[Rule] = field(default_factory=list)
    grant: str | None = None
    identity: Identity | None = None  # learnt from a 403 message, when the connection did not know it


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    return body.get("items") or []


def detect_cluster(conn: KubeConnection, catalog: Catalog) -> ClusterFacts:
    """Raises ClusterUnreachableError (at the first call) when the cluster does not answer."""
    ns = conn.namespace
    want = {
        "nodes": Rule("list", "nodes", cluster_wide=True),
        "pods": Rule("list", "pods", cluster_wide=True),
        "profiles": Rule("list", "hardwareprofiles", "infrastructure.opendatahub.io", namespace=APP_NAMESPACES[0]),
        "quota": Rule("list", "resourcequotas", namespace=ns),
    }
    allowed = check_access(conn, list(want.values()))
    ok = {k: allowed[r] for k, r in want.items()}
    facts = ClusterFacts(
        pools=[], quota=Quota(namespace=ns, readable=None), access={r.describe(ns): allowed[r] for r in want.values()}
    )

    def read(key: str, fn: Callable[..., Any], *args: Any, **kw: Any) -> list[dict[str, Any]] | None:
        if ok[key] is False:
            facts.missing.append(want[key])
            return None
        try:
            return _items(conn.get_json(fn, *args, **kw))
        except PermissionDeniedError as exc:  # SSAR was unsure or wrong
            if exc.detail.get("identity"):
                facts.identity = Identity.from_username(exc.detail["identity"])
            ok[key] = False
            facts.missing.append(want[key])
            return None
        except NotFoundError:  # an aggregated API or a restricted proxy may not serve it: degrade, like a 403
            facts.notes.append(
                f"{key}: the API server does not serve {want[key].resource} here (404); inventory without it"
            )
            return None

    nodes = read("nodes", conn.core.list_node)
    pods = None
    node_pools: list[Pool] = []
    if nodes is not None:
        # Finished pods hold nothing; the server filters them out (the parser checks again).
        pods = (
            read(
                "pods",
                conn.core.list_pod_for_all_namespaces,
                field_selector="status.phase!=Succeeded,status.phase!=Failed",
            )
            if any(map(has_accelerators, nodes))
            else []
        )
        node_pools = pools_from_nodes(nodes, pods, catalog)

    namespaces = list(dict.fromkeys([*APP_NAMESPACES, ns]))
    profiles, profile_notes, denied = read_profiles(conn, namespaces)
    facts.notes += profile_notes
    profile_pools = sorted(
        (p for obj, src in profiles for p in pools_from_profile(obj, catalog, src)), key=capacity_key
    )

    if node_pools:
        facts.pools = node_pools
        _attach_profiles(node_pools, profile_pools, facts.notes)
    elif profile_pools:
        facts.pools = profile_pools
    else:
        recs = read_template_accelerators(conn, APP_NAMESPACES)
        facts.pools = template_pools(recs)

    quotas = read("quota", conn.core.list_namespaced_resource_quota, ns)
    if quotas is not None:
        facts.quota = quota_from_objects(ns, quotas)
    else:
        facts.quota = Quota(
            namespace=ns, readable=False, notes=[f"ResourceQuotas in {ns} are not readable: GPU quota unknown"]
        )

    _explain(conn, facts, nodes, pods, ok, denied, bool(node_pools), bool(profile_pools))
    _apply_quota(facts.pools, facts.quota)
    return facts


def _attach_profiles(node_pools: list[Pool], profile_pools: list[Pool], notes: list[str]) -> None:
    """Tie each profile to the node pools it selects; its tolerations are what deployments get."""
    for pp in profile_pools:
        hits = [np for np in node_pools if np.resource_name == pp.resource_name and _selects(pp, np)]
        for np in hits:
            np.profile = np.profile or pp.profile
            np.counts = np.counts or pp.counts
            np.tolerations += [t for t in pp.tolerations if t not in np.tolerations]
            np.notes.append(f"hardware profile {pp.profile} targets this pool: its tolerations are included")
        if not hits:
            notes.append(
                f"{pp.source} {pp.profile} ({pp.product}) matches no GPU node right now "
                f"(absent, or nodes autoscaled to zero)"
            )


def _selects(profile: Pool, pool: Pool) -> bool:
    """A profile's product label must equal the pool's (so an "L4" profile does not claim the
    "L4-SHARED" nodes); without one, the accelerator decides, and a generic profile fits all."""
    keys = [k for k in PRODUCT_LABELS if k in profile.node_selector]
    if keys:
        return all(pool.node_selector.get(k) == profile.node_selector[k] for k in keys)
    return profile.accelerator is None or profile.accelerator == pool.accelerator


def _explain(
    conn: KubeConnection,
    facts: ClusterFacts,
    nodes: list[dict[str, Any]] | None,
    pods: list[dict[str, Any]] | None,
    ok: dict[str, Any],
    denied: list[Rule],
    have_nodes: bool,
    have_profiles: bool,
) -> None:
    ident = conn.identity
    if facts.missing and (ident is None or not ident.name):
        ident = facts.identity or whoami(conn) or _identity_from_denial(conn, facts.missing) or ident
    facts.identity = ident
    who = ident.subject if ident else "this identity"
    facts.missing += [r for r in denied if r not in facts.missing]
    if facts.missing:
        facts.grant = grant_hint(ident, conn.namespace, facts.missing, name=GRANT_NAME)
    src = facts.pools[0].source if facts.pools else None
    if nodes is None:
        if src:
            facts.notes.append(
                f"nodes: {who} may not list nodes, so GPU pools come from {src} objects (GPU model "
                f"from the profile; node count and free GPUs unknown); see `grant`"
            )
            for p in facts.pools:
                p.grant = facts.grant
        else:
            facts.notes.append(
                f"nodes: {who} may not list nodes and no hardware profile, accelerator profile "
                f"or runtime template names an accelerator; see `grant`, or pass --accelerator"
            )
    elif not have_nodes:
        facts.notes.append(
            "nodes: no node offers nvidia.com/gpu, amd.com/gpu, habana.ai/gaudi or a MIG slice"
            + (f"; pools below come from {src} objects (nodes may be autoscaled from zero)" if have_profiles else "")
        )
        if not facts.pools:
            facts.notes.append(
                "cluster: no accelerator in nodes, hardware profiles, accelerator profiles or "
                "runtime templates: CPU serving only, or pass --accelerator"
            )
    elif pods is None:
        facts.notes.append(
            f"pods: {who} may not list pods in all namespaces, so free GPUs are unknown "
            f"(allocatable shown); see `grant`"
        )
    if ok["quota"] is False:
        facts.notes.append(f"quota: {who} may not list ResourceQuotas in {conn.namespace}; see `grant`")
    if any(r.resource == "hardwareprofiles" for r in denied):
        facts.notes.append(
            "hardware profiles: not readable in "
            + ", ".join(sorted({r.namespace for r in denied if r.namespace}))
            + "; see `grant`"
        )
    if facts.pools and facts.pools[0].source == "runtime-template":
        facts.notes.append("accelerator model unknown: only the runtimes' recommended accelerator resources were found")


def _identity_from_denial(conn: KubeConnection, rules: list[Rule]) -> Identity | None:
    """Who we are, from the API server's own 403 message ("User \"x\" cannot list ..."): one small
    read of something SSAR already said is denied. Used when SelfSubjectReview is unavailable."""
    probes: dict[str, tuple[Callable[..., Any], tuple[Any, ...]]] = {
        "nodes": (conn.core.list_node, ()),
        "pods": (conn.core.list_pod_for_all_namespaces, ()),
        "resourcequotas": (conn.core.list_namespaced_resource_quota, (conn.namespace,)),
    }
    for r in rules:
        if r.group == "" and r.resource in probes:
            fn, args = probes[r.resource]
            try:
                conn.get_json(fn, *args, limit=1)
            except PermissionDeniedError as exc:
                who = exc.detail.get("identity")
                return Identity.from_username(who) if who else None
            except OptiServeError:
                return None
    return None


def _apply_quota(pools: list[Pool], quota: Quota) -> None:
    for p in pools:
        rem = quota.remaining(p.resource_name) if p.resource_name else None
        if rem is not None and (p.gpus_per_node or 1) > rem:
            p.notes.append(
                f"quota in {quota.namespace} leaves {rem:g} {p.resource_name}: a deployment needing "
                f"more will not be admitted"
            )
