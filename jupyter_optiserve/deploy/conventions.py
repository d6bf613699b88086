"""Which RHOAI/ODH generation the manifests follow: 2.x or 3.x (docs/deploy.md, "RHOAI 2.x and 3.x").

The two differ in what the dashboard writes: 2.x writes tolerations/nodeSelector itself, the
``accelerator-name`` annotation, ``storage`` fields and v1alpha1 LLMInferenceServices; 3.x writes
only the hardware-profile and connection annotations (the model controller's webhooks fill in the
rest) and v1alpha2. Detection, in order: ``$OPTISERVE_RHOAI`` (``2``/``3``), the release in the
DataScienceCluster status, then the APIs served. Offline the default is 3.x.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from jupyter_optiserve.errors import ClusterUnreachableError, InvalidInputError, OptiServeError
from jupyter_optiserve.kube.probe import serves

ENV = "OPTISERVE_RHOAI"
DSC_APIS = (("datasciencecluster.opendatahub.io", "v2"), ("datasciencecluster.opendatahub.io", "v1"))


@dataclass(frozen=True)
class Conventions:
    generation: int  # 2 or 3
    source: str  # where the generation came from, shown in the plan
    llmisvc_version: str = "v1alpha2"

    @property
    def v3(self) -> bool:
        return self.generation >= 3

    def to_dict(self) -> dict:
        return {"rhoai": f"{self.generation}.x", "source": self.source, "llmisvc_version": self.llmisvc_version}


def for_generation(generation: int | str, source: str) -> Conventions:
    gen = _parse(generation)
    # 3.x dashboards before 3.5 wrote v1alpha1; both are served there, and v1alpha2 is the storage version.
    return Conventions(gen, source, "v1alpha2" if gen >= 3 else "v1alpha1")


def _parse(value) -> int:
    m = re.match(r"\s*v?(\d+)", str(value))
    if not m or int(m.group(1)) not in (2, 3):
        raise InvalidInputError(
            f"RHOAI generation '{value}' is not known",
            hint=f"set {ENV}=2 (RHOAI 2.x) or {ENV}=3 (RHOAI 3.x), or leave it unset",
        )
    return int(m.group(1))


OFFLINE = for_generation(3, "default (no cluster)")


def detect(conn=None) -> Conventions:
    """The cluster's generation; 3.x when nothing tells (offline, or nothing readable)."""
    if os.environ.get(ENV):
        return for_generation(os.environ[ENV], f"${ENV}")
    if conn is None:
        return OFFLINE
    try:
        release = _dsc_release(conn)
        if release:
            conv = for_generation(release, f"DataScienceCluster release {release}")
        else:
            conv = _from_apis(conn)
        if conv.v3 and serves(conn, "serving.kserve.io", "v1alpha2", "llminferenceservices", conn.namespace) is False:
            conv = Conventions(conv.generation, conv.source, "v1alpha1")
        return conv
    except ClusterUnreachableError:
        return for_generation(3, "default (cluster unreachable)")


def _dsc_release(conn) -> str | None:
    for group, version in DSC_APIS:
        try:
            body = conn.get_json(conn.custom.list_cluster_custom_object, group, version, "datascienceclusters")
        except OptiServeError as exc:
            if isinstance(exc, ClusterUnreachableError):
                raise
            continue  # 404 (not served) or 403 (a workbench may not read it)
        for item in body.get("items") or []:
            version_str = ((item.get("status") or {}).get("release") or {}).get("version")
            if version_str:
                return str(version_str)
    return None


def _from_apis(conn) -> Conventions:
    """3.x serves HardwareProfiles as infrastructure.opendatahub.io/v1 and dropped AcceleratorProfiles."""
    ns = conn.namespace
    infra_v1 = serves(conn, "infrastructure.opendatahub.io", "v1", "hardwareprofiles", ns)
    if infra_v1:
        return for_generation(3, "served API hardwareprofiles.infrastructure.opendatahub.io/v1")
    legacy = serves(conn, "dashboard.opendatahub.io", "v1", "acceleratorprofiles", ns)
    if infra_v1 is False and legacy:
        return for_generation(2, "served API acceleratorprofiles.dashboard.opendatahub.io (no HardwareProfile v1)")
    return for_generation(3, "default (the cluster's APIs do not tell)")
