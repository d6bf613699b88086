"""The HardwareProfile a deployment runs under, as the dashboard records it (docs/deploy.md, "RHOAI 2.x and 3.x": hardware profile).

The dashboard writes ``opendatahub.io/hardware-profile-name``/``-namespace``/``-resource-version``
on the InferenceService; on 3.x the model controller's webhook then injects the profile's
tolerations, nodeSelector and, for ``Queue`` scheduling, the ``kueue.x-k8s.io/queue-name`` label.
A 2.x AcceleratorProfile is "legacy": ``legacy-hardware-profile-name`` + ``accelerator-name``.
``choose`` picks the profile that matches the chosen pool; None (with a note) when none does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jupyter_optiserve.errors import ClusterUnreachableError, NotFoundError, OptiServeError
from jupyter_optiserve.kube.probe import probe

PROFILE_NAME = "opendatahub.io/hardware-profile-name"
PROFILE_NS = "opendatahub.io/hardware-profile-namespace"
PROFILE_RV = "opendatahub.io/hardware-profile-resource-version"
LEGACY_NAME = "opendatahub.io/legacy-hardware-profile-name"
ACCELERATOR_NAME = "opendatahub.io/accelerator-name"
ACCELERATOR_NS = "opendatahub.io/accelerator-profile-namespace"
QUEUE_LABEL = "kueue.x-k8s.io/queue-name"
# Where a profile "<ns>/<name>" may be read, newest API first.
_READS = (
    ("infrastructure.opendatahub.io", "v1", "hardwareprofiles", False),
    ("infrastructure.opendatahub.io", "v1alpha1", "hardwareprofiles", False),
    ("dashboard.opendatahub.io", "v1alpha1", "hardwareprofiles", False),
    ("dashboard.opendatahub.io", "v1", "acceleratorprofiles", True),
)


@dataclass
class ProfileChoice:
    name: str
    namespace: str
    legacy: bool = False  # a 2.x AcceleratorProfile (the dashboard's "legacy" profile)
    resource_version: str | None = None
    tolerations: list = field(default_factory=list)
    node_selector: dict = field(default_factory=dict)
    queue: str | None = None  # Kueue LocalQueue of a Queue-scheduled profile
    queue_present: bool | None = None  # the LocalQueue exists in the project (None: not checked)
    gpu_range: dict = field(default_factory=dict)  # accelerator identifier -> (min, max or None)

    def isvc_annotations(self) -> dict:
        if self.legacy:
            return {LEGACY_NAME: self.name, PROFILE_NS: self.namespace, ACCELERATOR_NAME: self.name}
        out = {PROFILE_NAME: self.name, PROFILE_NS: self.namespace}
        if self.resource_version:
            out[PROFILE_RV] = self.resource_version
        return out

    def sr_annotations(self) -> dict:
        """2.x wrote the accelerator profile on the ServingRuntime as well."""
        return {ACCELERATOR_NAME: self.name, ACCELERATOR_NS: self.namespace} if self.legacy else {}

    @property
    def queue_label(self) -> dict:
        """Only a queue that exists: a label naming a missing LocalQueue leaves the pod suspended."""
        return {QUEUE_LABEL: self.queue} if self.queue and self.queue_present else {}

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "namespace": self.namespace,
            "legacy": self.legacy,
            "resource_version": self.resource_version,
            "queue": self.queue,
        }


def _from_object(obj: dict, legacy: bool) -> ProfileChoice:
    from jupyter_optiserve.hardware.rhoai import _count, _is_accelerator, _scheduling

    meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
    selector, tolerations, queue = _scheduling(spec)
    ranges = {
        i["identifier"]: (_count(i.get("minCount")) or 0, _count(i.get("maxCount")))
        for i in spec.get("identifiers") or []
        if isinstance(i, dict) and _is_accelerator(i)
    }
    return ProfileChoice(
        meta.get("name", ""),
        meta.get("namespace", ""),
        legacy,
        meta.get("resourceVersion"),
        tolerations,
        selector,
        queue,
        gpu_range=ranges,
    )


def read(conn, ref: str) -> ProfileChoice | None:
    """The profile ``<namespace>/<name>`` from the first API that has it."""
    ns, _, name = ref.partition("/")
    for group, version, plural, legacy in _READS:
        try:
            obj = conn.get_json(conn.custom.get_namespaced_custom_object, group, version, ns, plural, name)
        except ClusterUnreachableError:
            raise
        except (NotFoundError, OptiServeError):
            continue
        return _from_object(obj, legacy)
    return None


def _fits(pool, resource: str | None, product: str | None, gpus: int) -> bool:
    if resource and pool.resource_name != resource:
        return False
    if product and pool.product and pool.node_selector and pool.product.lower() != product.lower():
        return False
    counts = pool.counts or {}
    return (counts.get("min") or 0) <= gpus <= (counts.get("max") or gpus)


def choose(
    pool, accelerator, resource: str | None, gpus: int, conn=None, namespace: str | None = None, catalog=None
) -> tuple[ProfileChoice | None, str]:
    """(the matching profile or None, a note saying what was picked or why none)."""
    if accelerator is None or getattr(accelerator, "vendor", None) == "cpu":
        return None, ""
    ref = getattr(pool, "profile", None)
    choice = None
    if ref and conn is not None:
        choice = read(conn, ref)
    if choice is None and ref:  # offline, or unreadable now: what the inventory saw
        ns, _, name = ref.partition("/")
        choice = ProfileChoice(
            name,
            ns,
            getattr(pool, "source", "") == "accelerator-profile",
            tolerations=list(getattr(pool, "tolerations", None) or []),
            node_selector=dict(getattr(pool, "node_selector", None) or {}),
        )
    if choice is None and conn is not None and catalog is not None:
        choice = _search(conn, namespace, pool, accelerator, resource, gpus, catalog)
    product = getattr(pool, "product", None) or getattr(accelerator, "gfd_product", None) or accelerator.name
    low, high = (choice.gpu_range.get(resource) or (0, None)) if choice and resource else (0, None)
    if choice is not None and not (low <= gpus <= (high or gpus)):
        return None, (
            f"hardware profile {choice.namespace}/{choice.name} allows {low}-{high} {resource} per pod, this "
            f"profile needs {gpus}: no profile recorded; tolerations and node selector are written from the pool"
        )
    if choice is None and conn is None:
        return None, ""  # offline: which profiles exist is unknown; the placement is the pool's
    if choice is None:
        return None, (
            f"no HardwareProfile matches the {product} pool ({gpus} x {resource}): the deployment will not "
            "show a hardware profile in the dashboard; tolerations and node selector are written from the pool"
        )
    if choice.queue and conn is not None and namespace:
        choice.queue_present = _localqueue_exists(conn, namespace, choice.queue)
    return choice, f"hardware profile {choice.namespace}/{choice.name}" + (
        " (legacy AcceleratorProfile)" if choice.legacy else ""
    )


def _search(conn, namespace, pool, accelerator, resource, gpus, catalog) -> ProfileChoice | None:
    from jupyter_optiserve.hardware.rhoai import APP_NAMESPACES, pools_from_profile, read_profiles

    namespaces = [n for n in (namespace, *APP_NAMESPACES) if n]
    try:
        found, _, _ = read_profiles(conn, namespaces)
    except ClusterUnreachableError:
        raise
    except OptiServeError:
        return None
    product = (getattr(pool, "node_selector", None) or {}).get("nvidia.com/gpu.product") or getattr(
        accelerator, "gfd_product", None
    )
    for obj, source in found:
        for p in pools_from_profile(obj, catalog, source):
            if p.accelerator not in (None, accelerator.id) or not _fits(p, resource, product, gpus):
                continue
            return _from_object(obj, source == "accelerator-profile")
    return None


def _localqueue_exists(conn, namespace: str, queue: str) -> bool | None:
    return probe(
        conn, conn.custom.get_namespaced_custom_object, "kueue.x-k8s.io", "v1beta1", namespace, "localqueues", queue
    )
