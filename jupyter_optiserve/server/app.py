"""``OptiServeApp``: the Jupyter Server extension (REST API under ``{base_url}/optiserve/``).

Configure it in ``jupyter_server_config.py`` (see docs/server.md)::

    c.OptiServeApp.namespace = "my-project"
    c.OptiServeApp.allowed_accelerators = ["h100", "l40s"]
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Float, Int, List, Unicode

from jupyter_optiserve import __version__
from jupyter_optiserve.service.session import Session
from jupyter_optiserve.service.settings import REQUEST_TIMEOUT, Settings


class OptiServeApp(ExtensionApp):
    name = "jupyter_optiserve"
    description = "OptiServe: size and deploy LLM model servers on OpenShift AI from JupyterLab."
    version = __version__
    load_other_extensions = True

    namespace = Unicode(
        None,
        allow_none=True,
        config=True,
        help="Namespace (Data Science Project) to deploy into; default: the workbench's, "
        "else the kubeconfig context's.",
    )
    kubeconfig = Unicode(
        None,
        allow_none=True,
        config=True,
        help="kubeconfig file; default: the in-cluster service account, $KUBECONFIG, ~/.kube/config.",
    )
    context = Unicode(None, allow_none=True, config=True, help="kubeconfig context.")
    profile_dirs = List(
        Unicode(), config=True, help="Extra catalog folders (same layout as profiles/), like OPTISERVE_PROFILE_DIRS."
    )
    default_kpi = Unicode(
        None,
        allow_none=True,
        config=True,
        help="KPI for recommend requests that name none (latency, throughput, balanced, cost).",
    )
    allowed_runtimes = List(Unicode(), config=True, help="Runtime ids users may deploy (empty: all).")
    allowed_accelerators = List(
        Unicode(), config=True, help="Accelerator ids or aliases users may size and deploy for (empty: all)."
    )
    offline = Bool(False, config=True, help="Never contact a cluster (catalog and estimates only).")
    request_timeout = Float(REQUEST_TIMEOUT, config=True, help="Seconds per Kubernetes API call.")
    deploy_timeout = Float(1800.0, config=True, help="Default seconds a deploy task follows the start-up.")
    prompt_timeout = Float(120.0, config=True, help="Seconds for one prompt to a deployment.")
    hardware_ttl = Float(300.0, config=True, help="Seconds the hardware inventory stays cached.")
    max_tasks = Int(50, config=True, help="Finished deploy tasks kept in memory.")
    sse_heartbeat = Float(15.0, config=True, help="Seconds between heartbeat comments on the progress stream.")
    workers = Int(8, config=True, help="Threads for blocking Kubernetes/NVML/file calls (engine work uses one more).")
    endpoint_workers = Int(4, config=True, help="Threads for requests to model endpoints (prompts); more wait.")
    max_body_bytes = Int(1_000_000, config=True, help="Largest request body OptiServe's endpoints read (413 above).")

    def make_settings(self) -> Settings:
        return Settings(
            namespace=self.namespace or None,
            kubeconfig=self.kubeconfig or None,
            context=self.context or None,
            profile_dirs=list(self.profile_dirs),
            default_kpi=self.default_kpi or None,
            allowed_runtimes=list(self.allowed_runtimes),
            allowed_accelerators=list(self.allowed_accelerators),
            offline=self.offline,
            request_timeout=self.request_timeout,
            deploy_timeout=self.deploy_timeout,
            prompt_timeout=self.prompt_timeout,
            hardware_ttl=self.hardware_ttl,
            max_tasks=self.max_tasks,
        )

    def initialize_settings(self) -> None:
        settings = self.make_settings()
        if settings.default_kpi:
            from jupyter_optiserve.recommend.kpi import parse_kpi

            parse_kpi(settings.default_kpi, False)  # a typo in the config fails at start-up, not per request
        self.executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="optiserve")
        self.cpu_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="optiserve-cpu")
        self.endpoint_executor = ThreadPoolExecutor(
            max_workers=max(1, self.endpoint_workers), thread_name_prefix="optiserve-endpoint"
        )
        self.settings.update(
            {
                "optiserve": settings,
                "optiserve_session": Session(settings),
                "optiserve_executor": self.executor,
                "optiserve_cpu_executor": self.cpu_executor,
                "optiserve_endpoint_executor": self.endpoint_executor,
                "optiserve_max_body": max(1024, self.max_body_bytes),
                "optiserve_sse_heartbeat": self.sse_heartbeat,
            }
        )
        self.executor.submit(_warm, settings)  # the first request should not pay for imports and schemas
        self.log.info(
            "OptiServe %s: namespace=%s, offline=%s", __version__, settings.namespace or "(default)", settings.offline
        )

    def initialize_handlers(self) -> None:
        from jupyter_optiserve.server.handlers import routes

        self.handlers.extend(routes())

    async def stop_extension(self) -> None:
        settings = self.settings.get("optiserve")
        if settings is not None and settings._tasks is not None:
            settings.tasks.cancel_all()
        if settings is not None and settings._benchmark_tasks is not None:
            settings._benchmark_tasks.cancel_all()
        for executor in (
            getattr(self, "executor", None),
            getattr(self, "cpu_executor", None),
            getattr(self, "endpoint_executor", None),
        ):
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)


def _warm(settings: Settings) -> None:
    """Load the catalog, compile the request validators and import the deploy path in the background at
    start-up, so neither the first request nor the first deploy holds the GIL for long imports."""
    import importlib

    for mod in (
        "jupyter_optiserve.deploy",
        "jupyter_optiserve.deploy.follow",
        "jupyter_optiserve.deploy.preflight",
        "jupyter_optiserve.deploy.state",
        "jupyter_optiserve.service.session",
        "jupyter_optiserve.hardware",
        "kubernetes.client",
    ):
        try:
            importlib.import_module(mod)
        except Exception:
            pass
    try:
        import kubernetes.client as k8s

        for name in (
            "CoreV1Api",
            "CustomObjectsApi",
            "AuthorizationV1Api",
            "VersionApi",
            "V1PodList",
            "V1EventList",
            "V1Secret",
            "V1APIResourceList",
            "V1NodeList",
            "V1ResourceQuotaList",
            "V1SelfSubjectAccessReview",
            "V1SelfSubjectRulesReview",
        ):
            getattr(k8s, name, None)  # the client imports its APIs (core_v1_api is huge) and models lazily
    except Exception:
        pass
    try:
        from jupyter_optiserve.service.schema import validate

        settings.catalog()
        for name in ("RecommendRequest", "EstimateRequest", "PlanRequest", "DeployRequest"):
            try:
                validate(name, {})
            except Exception:
                pass
    except Exception:
        pass
    try:
        # Parsing the 2 MB InferenceService CRD holds the GIL for ~0.5 s: do it now, not in the
        # first deploy, where it would stall the event loop while the user watches.
        from jupyter_optiserve.kube.crdschema import validator

        validator("serving.kserve.io", "ServingRuntime", "v1alpha1")
        validator("serving.kserve.io", "InferenceService", "v1beta1")
    except Exception:
        pass


main = launch_new_instance = OptiServeApp.launch_instance
