"""Accelerators as OpenShift AI offers them when nodes are not readable (docs/hardware.md, "Detection order", steps 4-5).

HardwareProfiles (``infrastructure.opendatahub.io`` v1, then v1alpha1; the 2.x
``dashboard.opendatahub.io/v1alpha1`` kind), legacy AcceleratorProfiles
(``dashboard.opendatahub.io/v1``) and, last, the runtime Templates' recommended accelerators.
Parsing is pure (dicts in, pools out); ``read_*`` do the bounded, permission-aware reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.errors import NotFoundError, PermissionDeniedError
from jupyter_optiserve.hardware.inventory import Pool
from jupyter_optiserve.hardware.nodes import VENDOR_RESOURCES, quantity
from jupyter_optiserve.kube.access import Rule

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Accelerator, Catalog
    from jupyter_optiserve.kube.client import KubeConnection

APP_NAMESPACES = ("redhat-ods-applications", "opendatahub")
# (group, version, plural, provenance), in the order tried; a served infrastructure version ends the search.
PROFILE_APIS = (
    ("infrastructure.opendatahub.io", "v1", "hardwareprofiles", "hardware-profile"),
    ("infrastructure.opendatahub.io", "v1alpha1", "hardwareprofiles", "hardware-profile"),
    ("dashboard.opendatahub.io", "v1alpha1", "hardwareprofiles", "hardware-profile"),
    ("dashboard.opendatahub.io", "v1", "acceleratorprofiles", "accelerator-profile"),
)
PRODUCT_LABELS = ("nvidia.com/gpu.product", "amd.com/gpu.product-name", "beta.amd.com/gpu.product-name")
_TRUE = ("true", "1", "yes")


def profile_usable(obj: dict[str, Any]) -> tuple[bool, str | None]:
    """(usable for model serving, why not): skip disabled ones and ones hidden from model serving."""
    meta = obj.get("metadata") or {}
    ann = meta.get("annotations") or {}
    spec = obj.get("spec") or {}
    if str(ann.get("opendatahub.io/disabled", "")).lower() in _TRUE or spec.get("enabled") is False:
        return False, "disabled"
    vis = ann.get("opendatahub.io/dashboard-feature-visibility")
    if vis:
        try:
            areas = json.loads(vis)
        except ValueError:
            areas = []
        if isinstance(areas, list) and areas and "model-serving" not in areas:
            return False, "hidden from model serving"
    return True, None


def _scheduling(spec: dict[str, Any]) -> tuple[dict[str, Any], list[Any], str | None]:
    """(nodeSelector, tolerations, kueue queue) across the v1 ``scheduling`` block and older flat fields."""
    sched = spec.get("scheduling") or {}
    node = sched.get("node") or {}
    selector = dict(node.get("nodeSelector") or spec.get("nodeSelector") or {})
    for item in spec.get("nodeSelectors") or []:  # dashboard v1alpha1 wrote [{key, value}]
        if isinstance(item, dict) and item.get("key"):
            selector[item["key"]] = item.get("value", "")
    tolerations = list(node.get("tolerations") or spec.get("tolerations") or [])
    queue = (sched.get("kueue") or {}).get("localQueueName") if sched.get("type") == "Queue" else None
    return selector, tolerations, queue


def _count(value: object) -> int | None:
    return None if value is None else int(quantity(value))


def _is_accelerator(ident: dict[str, Any]) -> bool:
    rid = ident.get("identifier") or ""
    if ident.get("resourceType"):
        return bool(ident["resourceType"] == "Accelerator")
    return rid not in ("cpu", "memory") and "/" in rid


def _match(catalog: Catalog, selector: dict[str, Any], *names: str | None) -> tuple[Accelerator | None, str | None]:
    for key in PRODUCT_LABELS:
        if selector.get(key):
            return catalog.accelerators.find(selector[key]), selector[key]
    for n in names:  # no product label: a display name may still name the card ("NVIDIA L40S")
        acc = catalog.accelerators.find(n) if n else None
        if acc:
            return acc, None
    return None, None


def pools_from_profile(obj: dict[str, Any], catalog: Catalog, source: str = "hardware-profile") -> list[Pool]:
    """One pool per accelerator identifier of a HardwareProfile or AcceleratorProfile."""
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    ann = meta.get("annotations") or {}
    ref = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
    display = ann.get("opendatahub.io/display-name") or spec.get("displayName") or meta.get("name")
    selector, tolerations, queue = _scheduling(spec)
    if source == "accelerator-profile":
        rid = spec.get("identifier")
        idents = [{"identifier": rid, "resourceType": "Accelerator"}] if rid else []
    else:
        idents = [i for i in spec.get("identifiers") or [] if isinstance(i, dict) and _is_accelerator(i)]
    pools = []
    for ident in idents:
        rid = ident["identifier"]
        acc, product = _match(catalog, selector, display, meta.get("name"))
        counts = {
            "min": _count(ident.get("minCount")),
            "max": _count(ident.get("maxCount")),
            "default": _count(ident.get("defaultCount")),
        }
        notes = [f"from {source} {ref} ('{display}'): node count and free GPUs unknown"]
        if acc is None:
            notes.append(
                "the profile does not say which GPU model it targets (no product node selector): "
                "pass --accelerator to choose one"
            )
        if queue:
            notes.append(f"scheduled through Kueue queue '{queue}'")
        mig = rid.startswith("nvidia.com/mig-")
        pools.append(
            Pool(
                accelerator=acc.id if acc else None,
                product=product or display,
                vendor=VENDOR_RESOURCES.get(rid) or ("nvidia" if mig else (acc.vendor if acc else None)),
                memory_gib=acc.usable_memory_gib if acc and not mig else None,
                gpus_per_node=counts["max"] or counts["default"],
                nodes=None,
                free_gpus=None,
                tolerations=tolerations,
                node_selector=selector,
                source=source,
                resource_name=rid,
                compute_capability=acc.compute_capability if acc else None,
                mig={"profile": rid.removeprefix("nvidia.com/mig-"), "strategy": "mixed"} if mig else None,
                max_tensor_parallel=1 if mig else None,
                counts=counts,
                profile=ref,
                notes=notes,
                accelerator_obj=acc,
            )
        )
    return pools


def recommended_accelerators(templates: list[dict[str, Any]]) -> list[str]:
    """Accelerator resources the cluster's serving runtimes declare, in first-seen order."""
    out = []
    for t in templates:
        # The annotation sits on the ServingRuntime inside (objects[0]); some copies carry it on top.
        for obj in (t, *(o for o in t.get("objects") or [] if isinstance(o, dict))):
            ann = (obj.get("metadata") or {}).get("annotations") or {}
            try:
                recs = json.loads(ann.get("opendatahub.io/recommended-accelerators") or "[]")
            except ValueError:
                continue
            out += [r for r in recs if isinstance(r, str) and r not in out]
    return out


def template_pools(resources: list[str]) -> list[Pool]:
    return [
        Pool(
            accelerator=None,
            product=None,
            vendor=VENDOR_RESOURCES.get(r),
            memory_gib=None,
            gpus_per_node=None,
            nodes=None,
            free_gpus=None,
            tolerations=[],
            node_selector={},
            source="runtime-template",
            resource_name=r,
            notes=[f"the cluster's serving runtimes support {r}, but which GPU model is unknown: pass --accelerator"],
        )
        for r in resources
    ]


# -- reads --------------------------------------------------------------------------------------------
def read_profiles(
    conn: KubeConnection, namespaces: Iterable[str]
) -> tuple[list[tuple[dict[str, Any], str]], list[str], list[Rule]]:
    """([(object, provenance)], notes, denied rules) from every served profile API and namespace.

    A group/version the server does not serve answers 404: skip it. Legacy kinds are read only
    when no current HardwareProfile exists. A 403 is only worth a grant when it hid something:
    not for the other application namespace once one answered (RBAC answers 403 even for a
    namespace that does not exist), not for the user's namespace once profiles were found.
    """
    found: list[tuple[dict[str, Any], str]] = []
    notes: list[str] = []
    denied: list[Rule] = []
    infra_served = False
    for group, version, plural, source in PROFILE_APIS:
        infra = group == "infrastructure.opendatahub.io"
        if (infra and infra_served) or (not infra and found):
            continue  # v1 and v1alpha1 serve the same objects; legacy kinds only as a fallback
        served, answered_app, api_denied = True, False, []
        for ns in namespaces:
            try:
                body = conn.get_json(conn.custom.list_namespaced_custom_object, group, version, ns, plural)
            except NotFoundError:
                served = False
                break
            except PermissionDeniedError:
                api_denied.append(Rule("list", plural, group, namespace=ns))
                continue
            answered_app = answered_app or ns in APP_NAMESPACES
            for obj in body.get("items") or []:
                ok, why = profile_usable(obj)
                meta = obj.get("metadata") or {}
                if ok:
                    found.append((obj, source))
                else:
                    notes.append(f"{source} {meta.get('namespace')}/{meta.get('name')} skipped: {why}")
        if served and not (not infra and infra_served):
            denied += [r for r in api_denied if not (answered_app and r.namespace in APP_NAMESPACES)]
        infra_served = infra_served or (infra and served)
    if found:
        for r in [r for r in denied if r.namespace not in APP_NAMESPACES]:
            denied.remove(r)
            notes.append(f"{r.resource} in {r.namespace} (project-scoped profiles) are not readable")
    return found, notes, denied


def read_template_accelerators(conn: KubeConnection, namespaces: Iterable[str]) -> list[str]:
    for ns in namespaces:
        try:
            body = conn.get_json(
                conn.custom.list_namespaced_custom_object,
                "template.openshift.io",
                "v1",
                ns,
                "templates",
                label_selector="opendatahub.io/dashboard=true",
            )
        except (NotFoundError, PermissionDeniedError):
            continue
        recs = recommended_accelerators(body.get("items") or [])
        if recs:
            return recs
    return []
