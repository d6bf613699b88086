"""No cluster? Write the manifests, a kustomization.yaml and a short README into a folder (GitOps)."""

from __future__ import annotations

from pathlib import Path

import yaml

from jupyter_optiserve.errors import InvalidInputError
from jupyter_optiserve.userpath import expand


def refuse_overwrite(out: Path, names: list[str], force: bool) -> None:
    """Files of a bundle may already be there (someone's README, an edited kustomization): keep them
    unless ``force``."""
    if out.exists() and not out.is_dir():
        raise InvalidInputError(f"--output {out} exists and is not a folder", hint="pass a folder path")
    taken = [n for n in names if (out / n).exists()]
    if taken and not force:
        raise InvalidInputError(
            f"--output {out} already holds {', '.join(taken)}; not overwriting",
            hint="pass --force to overwrite them, or choose another --output folder",
        )


def bundle_names(objs: list[dict]) -> list[str]:
    return [f"{i + 1:02d}-{o['kind'].lower()}-{o['metadata']['name']}.yaml" for i, o in enumerate(objs)] + [
        "kustomization.yaml",
        "README.md",
    ]


def export(objs: list[dict], out_dir: str | Path, plan=None, preflight=None, force: bool = False) -> list[Path]:
    out = expand(out_dir)
    refuse_overwrite(out, bundle_names(objs), force)
    out.mkdir(parents=True, exist_ok=True)
    written, resources = [], []
    for fname, obj in zip(bundle_names(objs)[: len(objs)], objs, strict=True):
        (out / fname).write_text(yaml.safe_dump(obj, sort_keys=False), encoding="utf-8")
        resources.append(fname)
        written.append(out / fname)
    ns = objs[0]["metadata"].get("namespace") if objs else None
    kust = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": resources}
    if ns:
        kust["namespace"] = ns
    (out / "kustomization.yaml").write_text(yaml.safe_dump(kust, sort_keys=False), encoding="utf-8")
    (out / "README.md").write_text(_readme(objs, plan, preflight, ns), encoding="utf-8")
    return written + [out / "kustomization.yaml", out / "README.md"]


def _readme(objs, plan, preflight, ns) -> str:
    name = objs[0]["metadata"]["name"] if objs else "?"
    lines = [f"# {name}: OptiServe deployment", ""]
    if plan is not None:
        p = plan.profile
        lines += [
            f"- Model: `{plan.model.hf_id}`; weights from `{plan.storage.uri or f's3 connection {plan.storage.key}/{plan.storage.path}'}`",
            f"- Profile: `{p.name}` ({p.gpus} x {plan.accelerator.name}, TP={p.tp}, PP={p.pp}, "
            f"max context {p.max_model_len}, {p.precision})",
            f"- Runtime: {plan.body.template_name} ({plan.body.source}, vLLM {plan.engine_version or '?'})",
            f"- Estimated start-up: {plan.startup.total_s // 60} min; engine flags: `{' '.join(plan.engine.args)}`",
            "",
        ]
        for note in plan.summary()["notes"]:
            lines.append(f"> note: {note}")
        lines.append("")
    lines += [
        "## Apply",
        "",
        "```sh",
        f"oc apply -k . {'-n ' + ns if ns else ''}".rstrip(),
        f"oc get inferenceservice {name} -w",
        "```",
        "",
        "Or point an Argo CD / OpenShift GitOps Application at this folder (it is a kustomization).",
        "",
        "The ServingRuntime is created before the InferenceService; with `oc apply -k` both go in one step and "
        "KServe reconciles once both exist. Objects are labelled `app.kubernetes.io/managed-by: optiserve`.",
        "",
    ]
    if preflight is not None:
        lines += ["## Preflight (offline)", "", "```", preflight.text(), "```", ""]
    lines += [
        "Checks that need the cluster (permissions, free GPUs, storage, server dry run) run with "
        "`optiserve preflight` once it is reachable.",
        "",
    ]
    return "\n".join(lines)
