"""A deployment plan: every decision behind the manifests, made once and shown to the user.

``plan_from_profile`` takes a chosen profile (Python API, UI); ``build_plan`` first asks
``recommend`` for one (CLI: ``--model M --kpi K``). Rendering, preflight, deploy and export all
read the same Plan, so what preflight checked is exactly what gets created.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from jupyter_optiserve.deploy import conventions as conv_mod
from jupyter_optiserve.deploy import hwprofile, naming, overrides, sizing
from jupyter_optiserve.deploy.args import EngineArgs, build_args
from jupyter_optiserve.deploy.storage import Storage, resolve_storage
from jupyter_optiserve.deploy.template import RuntimeBody, resolve_runtime_body
from jupyter_optiserve.errors import InvalidInputError, NotFoundError

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Accelerator, Model, Profile, Runtime

TARGETS = ("kserve", "llmisvc")


@dataclass
class Plan:
    name: str
    namespace: str
    profile: Profile
    model: Model
    accelerator: Accelerator
    runtime: Runtime
    body: RuntimeBody
    storage: Storage
    engine: EngineArgs
    resources: sizing.PodResources
    startup: sizing.Startup
    weights_gib: float
    variant: object = None
    pool: object = None
    estimate: object = None
    target: str = "kserve"
    multinode: bool = False
    external: bool = False
    auth: bool = False
    display_name: str = ""
    notes: list = field(default_factory=list)
    inventory: object = None  # what build_plan detected (quota, pools); None for plan_from_profile
    conventions: conv_mod.Conventions = conv_mod.OFFLINE  # RHOAI 2.x or 3.x manifests
    hardware_profile: hwprofile.ProfileChoice | None = None
    replicas: int | None = None  # the user's count; None: the profile's
    runtime_args: list = field(default_factory=list)  # appended to the profile's vLLM flags
    env: list = field(default_factory=list)  # [{"name", "value"}] on the model container
    ranked_profile_id: str = ""  # the ranked profile before a max_model_len override (what a redeploy asks for)

    @property
    def replica_count(self) -> int:
        return self.replicas or self.profile.replicas

    def settings(self) -> dict:
        """What a redeploy of this deployment must ask for again (stored on the InferenceService; env
        values stay in the spec only)."""
        out = {
            "model": self.model.id,
            "kpi": self.profile.kpi or "balanced",
            "accelerator": self.accelerator.id,
            "gpus": self.profile.gpus,
            "profile": self.ranked_profile_id or self.profile.id,
            "name": self.name,
            "replicas": self.replica_count,
            "external": self.external,
            "auth": self.auth,
            "runtime_args": list(self.runtime_args),
            "env": [e["name"] for e in self.env],
        }
        if self.ranked_profile_id and self.ranked_profile_id != self.profile.id:
            out["max_model_len"] = self.profile.max_model_len
        if self.storage.uri and self.storage.kind in ("pvc", "s3", "uri"):
            out["storage_uri"] = self.storage.uri
        if self.storage.key:
            out["connection"] = self.storage.key
        return out

    @property
    def gpus_per_pod(self) -> int:
        return self.resources.gpus

    @property
    def engine_version(self) -> str | None:
        return self.body.version or self.profile.engine_version

    def summary(self) -> dict:
        est = self.estimate.to_dict() if hasattr(self.estimate, "to_dict") else self.estimate
        return {
            "name": self.name,
            "namespace": self.namespace,
            "target": self.target,
            "profile": self.profile.to_dict(),
            "model": self.model.id,
            "accelerator": self.accelerator.id,
            "runtime": self.body.to_dict(),
            "storage": self.storage.to_dict(),
            "args": self.engine.args + list(self.runtime_args),
            "replicas": self.replica_count,
            "runtime_args": list(self.runtime_args),
            "env": [e["name"] for e in self.env],  # names only: values may be sensitive
            "resources": self.resources.to_k8s(),
            "startup": self.startup.to_dict(),
            "multinode": self.multinode,
            "external": self.external,
            "auth": self.auth,
            "estimate": est,
            "notes": self.notes + self.engine.notes + self.body.notes,
            "conventions": self.conventions.to_dict(),
            "hardware_profile": self.hardware_profile.to_dict() if self.hardware_profile else None,
        }


def plan_from_profile(
    profile,
    *,
    name: str | None = None,
    namespace: str,
    catalog=None,
    pool=None,
    estimate=None,
    conn=None,
    storage_uri: str | None = None,
    hf_token_secret: str | None = None,
    connection: str | None = None,
    pull_secret: str | None = None,
    target: str = "kserve",
    external: bool = False,
    auth: bool = False,
    trust_remote_code: bool = False,
    display_name: str | None = None,
    model=None,
    rhoai: int | str | None = None,
    replicas: int | None = None,
    runtime_args: list | None = None,
    env: list | None = None,
    max_model_len: int | None = None,
) -> Plan:
    from jupyter_optiserve.catalog import load_catalog

    if target not in TARGETS:
        raise InvalidInputError(f"--deployment-kind '{target}' is not known", hint="use kserve or llmisvc")
    catalog = catalog or load_catalog()
    naming.validate_namespace(namespace)
    if model is None:
        model, _ = catalog.resolve_model(profile.model)
    variant = catalog.find_variant(profile.variant) if profile.variant else None
    acc = catalog.accelerators.get(profile.accelerator)
    runtime = catalog.get_runtime(profile.runtime)
    name = naming.validate_name(name) if name else naming.derive_name(model.id)
    replicas = overrides.validate_replicas(replicas)
    ranked_id = profile.id
    if max_model_len is not None and max_model_len != profile.max_model_len:
        # a diagnosis's fix ("lower --max-model-len"): the same profile with a shorter context
        if isinstance(max_model_len, bool) or not isinstance(max_model_len, int) or max_model_len < 256:
            raise InvalidInputError(
                "max_model_len must be a whole number of at least 256 tokens",
                hint="use the value the diagnosis suggests",
                field="max_model_len",
            )
        profile = dataclasses.replace(profile, max_model_len=max_model_len)
    per_node = getattr(pool, "gpus_per_node", None)
    # Pipeline parallelism spans nodes unless one node holds every GPU of the replica.
    multinode = profile.pp > 1 and not (per_node and per_node >= profile.tp * profile.pp)
    resource = getattr(pool, "resource_name", None) or acc.resource_name
    body = resolve_runtime_body(runtime, conn, resource, multinode)
    notes = []
    version = body.version or profile.engine_version
    if body.version and profile.engine_version and body.version.lstrip("v") != str(profile.engine_version).lstrip("v"):
        notes.append(
            f"the cluster's runtime is vLLM {body.version}; the profile was sized for {profile.engine_version}: "
            "re-estimated for the cluster's version"
        )
    # Our own estimate of exactly this profile on this engine version; the caller's as fallback.
    estimate = _estimate(profile, model, acc, version) or estimate
    storage = resolve_storage(
        model,
        variant,
        storage_uri=storage_uri,
        hf_token_secret=hf_token_secret,
        connection=connection,
        pull_secret=pull_secret,
        catalog=catalog,
        precision=profile.precision,
    )
    engine = build_args(
        profile,
        model,
        acc,
        runtime,
        variant,
        engine_version=version,
        multinode=multinode,
        trust_remote_code=trust_remote_code,
    )
    gpus_pod = profile.tp if multinode else profile.tp * profile.pp
    total = sizing.weights_gib(model, profile, variant, estimate)
    pod_w = total * gpus_pod / (profile.tp * profile.pp)
    res = sizing.pod_resources(pod_w, gpus_pod, resource, cpu_only=acc.vendor == "cpu")
    start = sizing.startup(total, pod_w, storage.kind, profile.tp)
    if storage.note:
        notes.append(storage.note)
    extra_args = overrides.validate_runtime_args(runtime_args, engine.args, body_args(body))
    from jupyter_optiserve.deploy.manifests import CACHE_ENV

    reserved = list(CACHE_ENV) + [e.get("name") for e in storage.env]
    extra_env = overrides.validate_env(env, reserved)
    conv = conv_mod.for_generation(rhoai, "--rhoai") if rhoai else conv_mod.detect(conn)
    choice, hw_note = hwprofile.choose(
        pool, acc, resource if acc.vendor != "cpu" else None, gpus_pod, conn=conn, namespace=namespace, catalog=catalog
    )
    if hw_note:
        notes.append(hw_note)
    if choice and choice.queue and not choice.queue_label:
        notes.append(
            f"hardware profile {choice.name} schedules through Kueue queue '{choice.queue}', which "
            f"{'does not exist' if choice.queue_present is False else 'could not be checked'} in {namespace}: "
            "no queue label written"
        )
    return Plan(
        name,
        namespace,
        profile,
        model,
        acc,
        runtime,
        body,
        storage,
        engine,
        res,
        start,
        round(total, 2),
        variant,
        pool,
        estimate,
        target,
        multinode,
        external,
        auth,
        display_name or model.hf_id,
        notes,
        conventions=conv,
        hardware_profile=choice,
        replicas=replicas,
        runtime_args=extra_args,
        env=extra_env,
        ranked_profile_id=ranked_id,
    )


def body_args(body) -> list[str]:
    """The flags the runtime's own container passes (--port, --model, ...): extra args must not repeat them."""
    containers = (getattr(body, "spec", None) or {}).get("containers") or [{}]
    return [a for a in (containers[0].get("args") or []) if isinstance(a, str) and a.startswith("-")]


def _estimate(profile, model, acc, engine_version):
    """The estimator's view of exactly this profile (None if the model lacks the dimensions)."""
    try:
        from jupyter_optiserve.errors import OptiServeError
        from jupyter_optiserve.estimate import estimate
    except ImportError:  # pragma: no cover - estimator not installed
        return None
    try:
        return estimate(
            model,
            acc,
            gpus=profile.gpus,
            tp=profile.tp,
            pp=profile.pp,
            precision=profile.precision,
            max_model_len=profile.max_model_len,
            engine_version=engine_version,
            kv_cache_dtype=profile.kv_cache_dtype,
            max_num_seqs=profile.max_num_seqs,
            gpu_memory_utilization=profile.gpu_memory_utilization,
            check_tp=True,
        )
    except (OptiServeError, ValueError, KeyError, TypeError, ZeroDivisionError):
        return None


def build_plan(
    model_name: str,
    kpi: str,
    *,
    namespace: str,
    accelerator: str | None = None,
    gpus: int | None = None,
    inventory=None,
    conn=None,
    catalog=None,
    profile: str | None = None,
    gpus_per_node: int | None = None,
    allow_precision=None,
    gpu_margin: float | None = None,
    **kw,
) -> Plan:
    """Recommend a profile for ``model_name`` and ``kpi`` (on ``accelerator`` or the cluster's
    inventory), then plan its deployment: the winner, or the ranked ``profile`` (id, id prefix or
    name) the user picked, so a preview never deploys something other than what was chosen."""
    from jupyter_optiserve.catalog import load_catalog
    from jupyter_optiserve.recommend import recommend

    catalog = catalog or load_catalog()
    model, _ = catalog.resolve_model(model_name)
    if inventory is None and conn is not None:
        from jupyter_optiserve.hardware import detect

        inventory = detect(connection=conn, catalog=catalog, namespace=namespace)
    result = recommend(
        model_name,
        kpi,
        accelerator=accelerator,
        gpus=gpus,
        inventory=inventory,
        catalog=catalog,
        gpus_per_node=gpus_per_node,
        allow_precision=allow_precision,
        gpu_margin=gpu_margin,
    )
    recs = getattr(result, "recommendations", None) or []
    if not recs:
        whys = list(dict.fromkeys(r["why"] for r in getattr(result, "rejected", [])))[:3]
        why = "; ".join(whys) or "no configuration fits"
        raise InvalidInputError(
            f"nothing to deploy for {model_name} ({kpi}): {why}",
            hint="try another --accelerator, more --gpus, or a quantized variant",
        )
    best = recs[0]
    if profile:
        best = next(
            (r for r in recs if r.profile.name == profile or (len(profile) >= 8 and r.profile.id.startswith(profile))),
            None,
        )
        if best is None:
            raise NotFoundError(
                f"profile '{profile}' is not among the {len(recs)} ranked for {model_name} ({kpi}) on this hardware",
                hint="pick an id or name from `optiserve recommend` with the same model, KPI and hardware",
            )
    pool = getattr(best, "pool", None)
    if (pool is None or getattr(pool, "source", None) == "manual") and inventory is not None:
        # --accelerator given: still use the cluster's facts (tolerations, free GPUs) for that GPU
        pool = next(
            (p for p in inventory.pools if p.accelerator == best.profile.accelerator and p.source != "manual"), pool
        )
    plan = plan_from_profile(
        best.profile, namespace=namespace, catalog=catalog, pool=pool, conn=conn, model=model, **kw
    )
    plan.inventory = inventory
    return plan
