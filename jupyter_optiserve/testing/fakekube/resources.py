"""Registry of the API resources the fake server knows about.

Discovery documents, URL routing, RBAC messages and the CustomResourceDefinition
list are all derived from this one table, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
READ_VERBS = ("get", "list", "watch")

# Field selectors every resource supports (apiserver DefaultClusterScopedAttr / DefaultNamespaceScopedAttr).
META_FIELDS = ("metadata.name", "metadata.namespace")


@dataclass(frozen=True)
class Resource:
    group: str  # "" for the core group
    versions: tuple[str, ...]  # served versions; the first is preferred and the storage version
    plural: str
    singular: str
    kind: str
    namespaced: bool = True
    short_names: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS
    status_subresource: bool = False
    extra_subresources: tuple[str, ...] = ()  # e.g. ("log",) for pods
    crd_file: str | None = None  # file in the CRD folder holding the schema
    custom: bool = False  # a custom resource (CRD-backed) rather than a built-in type
    field_selectors: tuple[str, ...] = ()  # on top of META_FIELDS
    delete_returns_object: bool = True  # False: DELETE answers with a Success Status
    name_rule: str = "subdomain"  # "subdomain" | "label" (RFC 1123) | "label1035"
    categories: tuple[str, ...] = ()

    @property
    def list_kind(self) -> str:
        return self.kind + "List"

    @property
    def group_resource(self) -> str:
        """`plural.group` as used in apiserver messages (`inferenceservices.serving.kserve.io`)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def key(self) -> tuple[str, str]:
        """Storage key: one object set per group+plural, shared by every served version."""
        return (self.group, self.plural)

    @property
    def has_generation(self) -> bool:
        # Built-in core types used here (pods, secrets, ...) have no metadata.generation.
        return self.custom

    @property
    def subresources(self) -> tuple[str, ...]:
        return (("status",) if self.status_subresource else ()) + self.extra_subresources

    def api_version(self, version: str | None = None) -> str:
        v = version or self.versions[0]
        return f"{self.group}/{v}" if self.group else v


def _core(plural, singular, kind, **kw) -> Resource:
    return Resource("", ("v1",), plural, singular, kind, **kw)


_EVENT_FIELDS = tuple(
    "involvedObject." + f for f in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")
) + ("reason", "reportingComponent", "source", "type")

CORE = (
    _core(
        "namespaces",
        "namespace",
        "Namespace",
        namespaced=False,
        short_names=("ns",),
        status_subresource=True,
        name_rule="label",
        field_selectors=("status.phase",),
        verbs=("create", "delete", "get", "list", "patch", "update", "watch"),
    ),
    _core(
        "nodes",
        "node",
        "Node",
        namespaced=False,
        short_names=("no",),
        status_subresource=True,
        field_selectors=("spec.unschedulable",),
    ),
    _core(
        "pods",
        "pod",
        "Pod",
        short_names=("po",),
        status_subresource=True,
        extra_subresources=("log",),
        categories=("all",),
        field_selectors=(
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ),
    ),
    _core("secrets", "secret", "Secret", field_selectors=("type",), delete_returns_object=False),
    _core("configmaps", "configmap", "ConfigMap", short_names=("cm",), delete_returns_object=False),
    _core("events", "event", "Event", short_names=("ev",), field_selectors=_EVENT_FIELDS, delete_returns_object=False),
    _core("resourcequotas", "resourcequota", "ResourceQuota", short_names=("quota",), status_subresource=True),
    _core(
        "services",
        "service",
        "Service",
        short_names=("svc",),
        status_subresource=True,
        name_rule="label1035",
        categories=("all",),
    ),
    _core("serviceaccounts", "serviceaccount", "ServiceAccount", short_names=("sa",), delete_returns_object=False),
    _core(
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        "PersistentVolumeClaim",
        short_names=("pvc",),
        status_subresource=True,
    ),
)

BATCH = (
    Resource(
        "batch",
        ("v1",),
        "jobs",
        "job",
        "Job",
        status_subresource=True,
        categories=("all",),
        field_selectors=("status.successful",),
    ),
)

AUTHZ = (
    Resource(
        "authorization.k8s.io",
        ("v1",),
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        "SelfSubjectAccessReview",
        namespaced=False,
        verbs=("create",),
    ),
    Resource(
        "authorization.k8s.io",
        ("v1",),
        "selfsubjectrulesreviews",
        "selfsubjectrulesreview",
        "SelfSubjectRulesReview",
        namespaced=False,
        verbs=("create",),
    ),
    Resource("rbac.authorization.k8s.io", ("v1",), "roles", "role", "Role", delete_returns_object=False),
    Resource(
        "rbac.authorization.k8s.io", ("v1",), "rolebindings", "rolebinding", "RoleBinding", delete_returns_object=False
    ),
)


def _cr(group, versions, plural, singular, kind, **kw) -> Resource:
    return Resource(group, tuple(versions), plural, singular, kind, custom=True, **kw)


KSERVE = (
    _cr(
        "serving.kserve.io",
        ["v1beta1"],
        "inferenceservices",
        "inferenceservice",
        "InferenceService",
        short_names=("isvc",),
        status_subresource=True,
        crd_file="serving.kserve.io_inferenceservices.yaml",
        categories=("all",),
    ),
    # The saved ServingRuntime CRDs declare `subresources: {}`: status is part of the main object.
    _cr(
        "serving.kserve.io",
        ["v1alpha1"],
        "servingruntimes",
        "servingruntime",
        "ServingRuntime",
        crd_file="serving.kserve.io_servingruntimes.yaml",
    ),
    _cr(
        "serving.kserve.io",
        ["v1alpha1"],
        "clusterservingruntimes",
        "clusterservingruntime",
        "ClusterServingRuntime",
        namespaced=False,
        crd_file="serving.kserve.io_clusterservingruntimes.yaml",
    ),
)

# Only registered when the llm-d stack is "installed" (FakeKubeServer(llmisvc=True)).
LLMD = (
    _cr(
        "serving.kserve.io",
        ["v1alpha2", "v1alpha1"],
        "llminferenceservices",
        "llminferenceservice",
        "LLMInferenceService",
        short_names=("llmisvc",),
        status_subresource=True,
        crd_file="serving.kserve.io_llminferenceservices.yaml",
    ),
    _cr(
        "serving.kserve.io",
        ["v1alpha2", "v1alpha1"],
        "llminferenceserviceconfigs",
        "llminferenceserviceconfig",
        "LLMInferenceServiceConfig",
        status_subresource=True,
        crd_file="serving.kserve.io_llminferenceserviceconfigs.yaml",
    ),
    _cr(
        "inference.networking.k8s.io",
        ["v1"],
        "inferencepools",
        "inferencepool",
        "InferencePool",
        status_subresource=True,
    ),
    _cr(
        "gateway.networking.k8s.io",
        ["v1"],
        "gateways",
        "gateway",
        "Gateway",
        short_names=("gtw",),
        status_subresource=True,
    ),
    _cr("gateway.networking.k8s.io", ["v1"], "httproutes", "httproute", "HTTPRoute", status_subresource=True),
)

OPENSHIFT_ODH = (
    # Built into OpenShift (not CRDs), so no status subresource games and no generation.
    Resource("template.openshift.io", ("v1",), "templates", "template", "Template"),
    Resource("route.openshift.io", ("v1",), "routes", "route", "Route", status_subresource=True),
    _cr(
        "infrastructure.opendatahub.io",
        ["v1", "v1alpha1"],
        "hardwareprofiles",
        "hardwareprofile",
        "HardwareProfile",
        status_subresource=True,
    ),
    _cr("dashboard.opendatahub.io", ["v1"], "acceleratorprofiles", "acceleratorprofile", "AcceleratorProfile"),
    _cr("opendatahub.io", ["v1alpha"], "odhdashboardconfigs", "odhdashboardconfig", "OdhDashboardConfig"),
    _cr(
        "datasciencecluster.opendatahub.io",
        ["v2", "v1"],
        "datascienceclusters",
        "datasciencecluster",
        "DataScienceCluster",
        namespaced=False,
        status_subresource=True,
    ),
    _cr("kueue.x-k8s.io", ["v1beta1"], "localqueues", "localqueue", "LocalQueue", status_subresource=True),
    _cr(
        "kueue.x-k8s.io",
        ["v1beta1"],
        "clusterqueues",
        "clusterqueue",
        "ClusterQueue",
        namespaced=False,
        status_subresource=True,
    ),
)

CRD_RESOURCE = Resource(
    "apiextensions.k8s.io",
    ("v1",),
    "customresourcedefinitions",
    "customresourcedefinition",
    "CustomResourceDefinition",
    namespaced=False,
    short_names=("crd", "crds"),
    verbs=READ_VERBS,
)


@dataclass
class Registry:
    """The resources one server instance serves."""

    llmisvc: bool = False
    resources: list[Resource] = field(default_factory=list)

    def __post_init__(self):
        if not self.resources:
            self.resources = [
                *CORE,
                *BATCH,
                *AUTHZ,
                *KSERVE,
                *(LLMD if self.llmisvc else ()),
                *OPENSHIFT_ODH,
                CRD_RESOURCE,
            ]

    def find(self, group: str, version: str, plural: str) -> Resource | None:
        for r in self.resources:
            if r.group == group and r.plural == plural and version in r.versions:
                return r
        return None

    def by_key(self, key: tuple[str, str]) -> Resource | None:
        return next((r for r in self.resources if r.key == key), None)

    def by_kind(self, api_version: str, kind: str) -> Resource | None:
        group, _, version = api_version.rpartition("/")
        return next((r for r in self.resources if r.group == group and r.kind == kind and version in r.versions), None)

    def group_versions(self) -> dict[str, list[str]]:
        """{group: [versions, preferred first]} for named groups (not the core group)."""
        out: dict[str, list[str]] = {}
        for r in self.resources:
            if r.group:
                vs = out.setdefault(r.group, [])
                vs.extend(v for v in r.versions if v not in vs)
        return out

    def in_group_version(self, group: str, version: str) -> list[Resource]:
        return [r for r in self.resources if r.group == group and version in r.versions]

    def custom_resources(self) -> list[Resource]:
        return [r for r in self.resources if r.custom]
