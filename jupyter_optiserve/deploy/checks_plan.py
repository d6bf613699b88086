"""Preflight checks that need only the plan (no cluster): model, compatibility, memory, placement,
time. Each calls ``add(id, status, message, fix, rows=(failure-mode rows))``."""

from __future__ import annotations

from jupyter_optiserve.versions import version_tuple

GPU_RESOURCES = ("nvidia.com/gpu", "amd.com/gpu", "habana.ai/gaudi", "intel.com/gpu")


def model_metadata(add, plan) -> None:
    m = plan.model
    if m.trust_remote_code:
        if "--trust-remote-code" in plan.engine.args:
            add(
                "remote-code",
                "warn",
                f"{m.hf_id} runs code from its repository (--trust-remote-code is set)",
                "have the repository code reviewed before production",
                rows=(9,),
            )
        else:
            add(
                "remote-code",
                "fail",
                f"{m.hf_id} ships its own model code (auto_map); vLLM refuses it without --trust-remote-code",
                "pass --trust-remote-code after a security review, or pick another model",
                rows=(9,),
            )
    if m.has_chat_template is False:
        add(
            "chat-template",
            "warn",
            f"{m.hf_id} has no chat template: /v1/chat/completions will answer 400",
            "call /v1/completions, or add --chat-template to the runtime args",
            rows=(16,),
        )
    if plan.storage.kind == "hf" and not plan.storage.secret:
        add(
            "hf-token",
            "warn",
            f"no Hugging Face token Secret for hf://{m.hf_id}: gated or private models fail "
            "with 401 in the storage initializer",
            "create a Secret with key HF_TOKEN and pass --hf-token-secret NAME "
            "(accept the model licence on huggingface.co first)",
            rows=(9,),
        )


def compatibility(add, plan) -> None:
    from jupyter_optiserve.estimate.parallelism import tp_problems
    from jupyter_optiserve.estimate.precision import support

    p, acc = plan.profile, plan.accelerator
    cc = f" (compute capability {acc.compute_capability})" if acc.compute_capability else ""
    sup = support(acc, p.precision, moe=bool(plan.model.moe))
    if not sup.ok:
        add(
            "precision",
            "fail",
            f"{p.precision} on {acc.name}{cc}: {sup.note}",
            "pick a variant this GPU supports (`optiserve recommend` offers only compatible ones) or another GPU",
            rows=(10, 11),
        )
    elif sup.mode == "fp16-fallback":
        ok = plan.engine.dtype == "half"
        add(
            "precision",
            "warn" if ok else "fail",
            sup.note + ("" if ok else "; --dtype half is missing"),
            "or choose a GPU with compute capability 8.0+ (A10, L4, A100...)",
            rows=(10,),
        )
    elif sup.mode == "weight-only" or sup.note:
        add(
            "precision",
            "warn",
            f"{p.precision} on {acc.name}{cc}: {sup.note}",
            "a native variant or GPU is faster",
            rows=(11,),
        )
    else:
        add("precision", "pass", f"{p.precision} runs natively on {acc.name}{cc}", rows=(10, 11))
    _engine_version(add, plan)
    problems = tp_problems(plan.model, p.tp, p.precision)
    per_node = getattr(plan.pool, "gpus_per_node", None)
    if problems:
        add(
            "tensor-parallel",
            "fail",
            f"TP={p.tp} is invalid for {plan.model.id}: " + "; ".join(problems),
            "use a TP size that divides the heads (`optiserve recommend` lists valid ones)",
            rows=(4,),
        )
    elif per_node and p.tp > per_node:
        add(
            "tensor-parallel",
            "fail",
            f"TP={p.tp} needs {p.tp} GPUs on one node; nodes in this pool have {per_node}",
            f"use TP<={per_node} with pipeline parallelism across nodes",
            rows=(4,),
        )
    else:
        add(
            "tensor-parallel",
            "pass",
            f"TP={p.tp} divides {plan.model.heads} heads / {plan.model.kv_heads} KV heads",
            rows=(4,),
        )
    _sharing(add, plan)
    _node_size(add, plan)


def _node_size(add, plan) -> None:
    from jupyter_optiserve.deploy.nodefit import node_gpus, oversized

    problem = oversized(plan)
    if problem:
        add("node-size", "fail", problem[0], problem[1], rows=(6,))
    elif plan.accelerator.is_gpu:
        have, where = node_gpus(plan)
        add("node-size", "pass", f"one pod asks for {plan.gpus_per_pod} GPU(s); {where} hold {have}", rows=(6,))


def _engine_version(add, plan) -> None:
    """Red Hat's "validated on vLLM X" for this model, against the runtime's version (#15)."""
    import re

    from jupyter_optiserve.catalog import load_catalog

    have = version_tuple(plan.engine_version)
    variants = [plan.variant] if plan.variant is not None else load_catalog().variants_for(plan.model)
    seen: list[tuple[tuple[int, ...], str]] = []
    for v in variants:
        m = re.search(r"vLLM\s*v?(\d+\.\d+(?:\.\d+)?)", getattr(v, "validated_on", "") or "")
        validated = version_tuple(m.group(1)) if m else None
        if m and validated:
            seen.append((validated, m.group(1)))
    if not have or not seen:
        add(
            "engine-version",
            "skip",
            f"no validated vLLM version known for {plan.model.id}; the architecture "
            f"{plan.model.architecture or '?'} is assumed supported by vLLM {plan.engine_version}",
            rows=(15,),
        )
        return
    need, text = min(seen)
    if have < need:
        add(
            "engine-version",
            "warn",
            f"Red Hat validated {plan.model.id} on vLLM {text}; this runtime is "
            f"{plan.engine_version}: the architecture may be unsupported",
            "use a newer runtime Template",
            rows=(15,),
        )
    else:
        add(
            "engine-version",
            "pass",
            f"runtime vLLM {plan.engine_version} >= {text} (validated for this model)",
            rows=(15,),
        )


def _sharing(add, plan) -> None:
    pool = plan.pool
    mig, sharing = getattr(pool, "mig", None), getattr(pool, "sharing", None)
    if mig and plan.profile.tp > 1:
        add(
            "gpu-sharing",
            "fail",
            f"MIG slice {mig.get('profile')}: vLLM cannot use tensor parallelism across slices",
            "use TP=1 on one slice, or full GPUs",
            rows=(13,),
        )
    elif sharing:
        add(
            "gpu-sharing",
            "warn",
            f"GPUs are shared ({sharing.get('strategy')}, {sharing.get('replicas')} replicas): "
            "their memory is shared too, so vLLM may find less free than estimated",
            "lower --gpu-memory-utilization or use dedicated GPUs",
            rows=(2, 13),
        )
    elif mig:
        add("gpu-sharing", "warn", f"MIG slice {mig.get('profile')}: sized against the slice's memory", rows=(13,))


def memory_fit(add, plan) -> None:
    est = plan.estimate
    if est is None:
        add(
            "memory-fit",
            "skip",
            "no estimate for this model (missing architecture facts)",
            "describe the model with a config.json (--model PATH)",
            rows=(1, 2, 3),
        )
        return
    mem, p = est.memory, plan.profile
    numbers = (
        f"weights {mem.weights_gib_per_gpu:.1f} GiB/GPU, KV cache {mem.kv_cache_gib_per_gpu:.1f} GiB/GPU "
        f"({mem.kv_capacity_tokens} tokens), util {mem.utilization} x {mem.usable_gib:.1f} GiB"
    )
    if not est.fits:
        fix = (
            f"set --max-model-len <= {mem.max_model_len_fit}, use fp8 KV cache, more GPUs (TP) or a larger GPU"
            if mem.max_model_len_fit > 0
            else "use more GPUs (TP), a quantized variant or a larger GPU"
        )
        add(
            "memory-fit",
            "fail",
            "; ".join(est.reasons) + f" [{numbers}]",
            fix,
            rows=(1,) if mem.max_model_len_fit > 0 else (2,),
        )
        return
    add(
        "memory-fit",
        "pass",
        f"--max-model-len {p.max_model_len} fits (at most {mem.max_model_len_fit}); {numbers}",
        rows=(1, 2),
    )
    low = [w for w in est.warnings if "graph" in w or "headroom" in w or "outside" in w]
    if low:
        add("graph-headroom", "warn", "; ".join(low), "lower --max-num-seqs or use --enforce-eager", rows=(3,))
    else:
        add("graph-headroom", "pass", f"{mem.headroom_gib:.1f} GiB/GPU left for CUDA graphs", rows=(3,))


def placement(add, plan, objs, inventory) -> None:
    res = plan.resources
    need = res.gpus
    pool = plan.pool
    if res.gpu_resource:
        if pool is None:
            add(
                "free-gpus",
                "skip",
                f"no inventory: cannot tell whether one node has {need} free {res.gpu_resource}",
                "run with a cluster connection (or `optiserve hardware`)",
                rows=(6,),
            )
        elif pool.max_free_gpus_per_node is None:
            add(
                "free-gpus",
                "warn",
                f"pool {pool.product or pool.accelerator}: {pool.gpus_per_node} GPUs per node, "
                "but free GPUs are unknown (pods not readable)",
                pool.grant or "ask for list pods cluster-wide",
                rows=(6,),
            )
        elif (
            plan.multinode
            and len(pool.free_gpus_by_node or [])
            and sum(1 for f in pool.free_gpus_by_node if f >= need) < plan.profile.pp
        ):
            fit = sum(1 for f in pool.free_gpus_by_node if f >= need)
            add(
                "free-gpus",
                "fail",
                f"{plan.profile.pp} nodes need {need} free {res.gpu_resource} each (head + workers); "
                f"{fit} node(s) have that many (free per node: {pool.free_gpus_by_node}; the pool's sum, "
                f"{pool.free_gpus}, does not help: a pod cannot span nodes)",
                "free GPUs on more nodes, wait, or use fewer GPUs per node (lower TP)",
                rows=(6,),
            )
        elif pool.max_free_gpus_per_node < need:
            add(
                "free-gpus",
                "fail",
                f"no node has {need} free {res.gpu_resource} (best: {pool.max_free_gpus_per_node} "
                f"free on one node, {pool.free_gpus} in the pool)",
                "use fewer GPUs (a quantized variant or fp8 KV cache), free GPUs, or wait",
                rows=(6,),
            )
        elif plan.multinode and pool.free_gpus_by_node:
            add(
                "free-gpus",
                "pass",
                f"{plan.profile.pp} nodes with {need} free {res.gpu_resource} each "
                f"(free per node: {pool.free_gpus_by_node})",
                rows=(6,),
            )
        else:
            add(
                "free-gpus",
                "pass",
                f"a node has {pool.max_free_gpus_per_node} free {res.gpu_resource} (need {need})",
                rows=(6,),
            )
        quota = getattr(inventory, "quota", None)
        left = quota.remaining(res.gpu_resource) if quota is not None else None
        total = need * plan.profile.replicas * (plan.profile.pp if plan.multinode else 1)
        if left is not None and left < total:
            add(
                "gpu-quota",
                "fail",
                f"the namespace quota leaves {left:g} {res.gpu_resource}; this deployment needs {total}",
                "ask the admin to raise the ResourceQuota, or use fewer GPUs",
                rows=(6,),
            )
        elif left is not None:
            add("gpu-quota", "pass", f"quota leaves {left:g} {res.gpu_resource} (need {total})", rows=(6,))
        spec = _predictor(objs)
        tol = spec.get("tolerations") or (spec.get("template") or {}).get("tolerations") or []
        hw = plan.hardware_profile
        if not tol and hw is not None and plan.conventions.v3 and not hw.legacy:
            add(
                "tolerations",
                "pass",
                f"from hardware profile {hw.namespace}/{hw.name}: the model controller's webhook "
                "injects its tolerations and node selector" + (f" (Kueue queue {hw.queue})" if hw.queue else ""),
                rows=(6,),
            )
        else:
            add(
                "tolerations",
                "pass",
                "tolerating "
                + (", ".join(f"{t.get('key')}:{t.get('effect', '*')}" for t in tol) or "no taints")
                + ("" if pool else " (default for the GPU resource)"),
                rows=(6,),
            )
        asked = {k for o in objs for k in _resource_keys(o) if k in GPU_RESOURCES or k.startswith("nvidia.com/mig-")}
        if len(asked) > 1:
            add(
                "one-accelerator",
                "fail",
                f"requests several accelerator resources: {sorted(asked)}",
                "request exactly one accelerator type",
                rows=(6,),
            )
    if need > 1:
        shm = any(m.get("mountPath") == "/dev/shm" for o in objs for m in _mounts(o))
        add(
            "shm",
            "pass" if shm else "fail",
            f"TP={plan.profile.tp}: memory-backed /dev/shm of {res.shm_gib} GiB " + ("added" if shm else "missing"),
            "" if shm else "add an emptyDir{medium: Memory} at /dev/shm",
            rows=(5,),
        )
    add(
        "cache-dirs",
        "pass",
        "HOME, HF_HOME, VLLM_CACHE_ROOT, XDG_CACHE_HOME, TRITON_CACHE_DIR point at a writable "
        "emptyDir (OpenShift runs the pod with a random UID)",
        rows=(12,),
    )


def storage_offline(add, plan) -> None:
    if plan.multinode and plan.storage.kind != "pvc":
        add(
            "storage",
            "fail",
            "multi-node serving needs the model on a ReadWriteMany PVC (KServe requirement)",
            "copy the model to an RWX PVC and pass --storage-uri pvc://<claim>/<path>",
            rows=(8,),
        )
    else:
        add("storage", "skip", f"{plan.storage.kind} storage not checked without a cluster", rows=(8,))


def time_budget(add, plan) -> None:
    s = plan.startup
    mins = lambda x: f"{x / 60:.0f} min" if x >= 90 else f"{x} s"  # noqa: E731
    msg = (
        f"estimated start-up {mins(s.total_s)} (image {mins(s.image_pull_s)}, download {mins(s.download_s)}, "
        f"load {mins(s.load_s)}, compile/graphs {mins(s.compile_s)}); the startupProbe allows "
        f"{mins(s.probe_budget_s)}; RawDeployment has no Knative progress deadline"
    )
    add("startup-time", "pass" if s.probe_budget_s >= s.download_s + s.load_s + s.compile_s else "warn", msg, rows=(7,))


def _predictor(objs) -> dict:
    for o in objs:
        if o["kind"] == "InferenceService":
            return o["spec"]["predictor"]
        if o["kind"] == "LLMInferenceService":
            return o["spec"]
    return {}


def _walk(node, key):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _walk(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, key)


def _resource_keys(obj):
    for res in _walk(obj, "resources"):
        if isinstance(res, dict):
            for part in ("requests", "limits"):
                yield from (res.get(part) or {}).keys()


def _mounts(obj):
    for mounts in _walk(obj, "volumeMounts"):
        yield from mounts or []
