"""What a benchmark measures: a plain URL, or an OptiServe deployment (URL, served name, token,
and the profile its prediction comes from)."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field

from jupyter_optiserve.errors import InvalidInputError


@dataclass
class Target:
    url: str
    model: str  # the served model name
    token: str | None = field(default=None, repr=False)  # never stored, printed or returned
    context: dict = field(default_factory=dict)  # cluster, namespace, deployment, accelerator, gpus, ...
    profile: dict | None = None  # the annotation's profile spec, for predictions
    catalog_model: str | None = None
    internal_url: str | None = None
    auth_secret: str | None = None  # where the token lives (Secret name), for a Job's secretKeyRef
    tokenizer: str | None = None  # Hugging Face id GuideLLM sizes prompts with

    def public(self) -> dict:
        return {"url": self.url, "model": self.model, **{k: v for k, v in self.context.items() if v is not None}}


def cluster_id(conn, override: str | None = None) -> str:
    """The API server's host names the cluster. In a pod every cluster is kubernetes.default.svc, so
    there the kube-system namespace's UID does (``cluster-<uid>``) when readable; --cluster overrides."""
    if override:
        return override
    host = urllib.parse.urlsplit(conn.server).netloc or conn.server
    if host.split(":")[0].startswith("kubernetes.default"):
        from jupyter_optiserve.errors import OptiServeError

        try:
            uid = conn.get_json(conn.core.read_namespace, "kube-system")["metadata"]["uid"]
            return f"cluster-{uid[:13]}"
        except (OptiServeError, KeyError, TypeError):
            pass
    return host


def from_deployment(conn, name: str, namespace: str, cluster: str | None = None, read_token: bool = True) -> Target:
    from jupyter_optiserve.deploy import Deployer
    from jupyter_optiserve.deploy.manifests import PROFILE_ID, PROFILE_SPEC
    from jupyter_optiserve.deploy.naming import validate_name
    from jupyter_optiserve.deploy.state import DeploymentState

    validate_name(name)
    isvc = Deployer(conn).get_isvc(namespace, name)
    ann = isvc["metadata"].get("annotations") or {}
    state = DeploymentState.of(isvc)
    state.ensure_serving(
        ", so there is nothing to measure yet", hint=f"wait for `optiserve status {name}` to say ready, then benchmark"
    )
    url = state.url or ""  # ensure_serving: a serving deployment has an address
    try:
        profile = json.loads(ann[PROFILE_SPEC]) if ann.get(PROFILE_SPEC) else None
    except ValueError:
        profile = None
    auth = state.auth
    token = None
    if auth and read_token:
        from jupyter_optiserve.deploy.smoke import read_token as _read

        token = _read(conn, name, namespace)
    model = (isvc["spec"].get("predictor") or {}).get("model") or {}
    ctx = {
        "cluster": cluster_id(conn, cluster),
        "namespace": namespace,
        "deployment": name,
        "accelerator": (profile or {}).get("accelerator"),
        "gpus": (profile or {}).get("gpus"),
        "profile_id": ann.get(PROFILE_ID),
        "engine_version": (profile or {}).get("engine_version"),
        "runtime_args": list(model.get("args") or []),
    }
    return Target(
        url,
        name,
        token,
        ctx,
        profile,
        ann.get("optiserve.io/model"),
        state.internal_url,
        f"default-{name}-sa" if auth else None,
        _hf_id(ann.get("optiserve.io/model")),
    )


def _hf_id(model_id: str | None) -> str | None:
    if not model_id:
        return None
    from jupyter_optiserve.catalog import load_catalog

    m = load_catalog().find_model(model_id)
    return m.hf_id if m else None


def from_url(url: str, model: str | None, cluster: str | None = None) -> Target:
    if not model:
        raise InvalidInputError("--model is required with --url", hint="the served model name, e.g. --model granite")
    return Target(url, model, context={"cluster": cluster})
