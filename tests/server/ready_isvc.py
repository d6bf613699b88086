"""A Ready InferenceService seeded straight into the fake cluster (no deploy needed)."""

from jupyter_optiserve.deploy.manifests import MANAGED_BY, MANAGER


def ready_isvc(name: str, namespace: str, url: str, ours: bool = True, auth: bool = False) -> dict:
    labels = {MANAGED_BY: MANAGER} if ours else {"opendatahub.io/dashboard": "true"}
    ann = {"security.opendatahub.io/enable-auth": "true"} if auth else {}
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": name, "namespace": namespace, "labels": labels, "annotations": ann},
        "spec": {"predictor": {"model": {"modelFormat": {"name": "vLLM"}, "runtime": name}}},
        "status": {"url": url, "conditions": [{"type": "Ready", "status": "True"}]},
    }
