"""REST: the dialog's settings (replicas, runtime args, env) render, deploy, and come back for Edit."""

import asyncio

GRANITE = {"model": "granite-3.1-8b-instruct", "kpi": "latency", "accelerator": "a100-sxm-80gb", "gpus": 1}
SETTINGS = {
    "replicas": 2,
    "external": True,
    "auth": True,
    "runtime_args": ["--enable-auto-tool-choice"],
    "env": [{"name": "VLLM_LOGGING_LEVEL", "value": "DEBUG"}],
}


async def test_render_with_settings(api):
    code, out = await api("POST", "render", body={**GRANITE, "name": "granite", **SETTINGS}, request_timeout=120)
    assert code == 200, out
    pred = out["manifests"][1]["spec"]["predictor"]
    assert pred["minReplicas"] == pred["maxReplicas"] == 2
    assert pred["model"]["args"][-1] == "--enable-auto-tool-choice"
    assert {"name": "VLLM_LOGGING_LEVEL", "value": "DEBUG"} in pred["model"]["env"]
    assert out["plan"]["replicas"] == 2 and out["plan"]["env"] == ["VLLM_LOGGING_LEVEL"]


async def test_bad_settings_are_400_naming_the_field(api):
    code, err = await api(
        "POST", "render", body={**GRANITE, "runtime_args": ["--max-model-len=1024"]}, request_timeout=120
    )
    assert code == 400 and "--max-model-len would override" in err["detail"] and err["hint"], err
    code, err = await api("POST", "preflight", body={**GRANITE, "env": [{"name": "API_TOKEN", "value": "hunter2"}]})
    assert code == 400 and "API_TOKEN" in err["detail"] and "hunter2" not in str(err), err
    code, err = await api("POST", "render", body={**GRANITE, "replicas": 0}, request_timeout=120)
    assert code == 400, err


async def test_deploy_then_edit_loads_the_settings_and_redeploy_updates_in_place(api, kube, settings):
    settings.request_timeout = 60.0  # a busy test machine must not turn into a failed preflight
    kube.scenario("success", step_seconds=0.05)
    body = {**GRANITE, "name": "edited", **SETTINGS, "no_follow": True}
    code, task = await api("POST", "deployments", body=body, request_timeout=120)
    assert code == 202, task
    for _ in range(100):
        code, dep = await api("GET", "deployments", "edited")
        if dep.get("task", {}).get("terminal"):
            break
        await asyncio.sleep(0.2)
    assert dep["task"]["state"] == "applied", (dep["task"]["error"], dep["task"].get("preflight"))
    saved = dep["settings"]
    assert saved["replicas"] == 2 and saved["external"] and saved["auth"]
    assert saved["runtime_args"] == ["--enable-auto-tool-choice"]
    assert saved["env"] == [{"name": "VLLM_LOGGING_LEVEL", "value": "DEBUG"}]
    assert saved["model"] == GRANITE["model"] and saved["accelerator"] == GRANITE["accelerator"]

    # Redeploy what Edit loaded, with one change: the same objects, updated
    again = {**saved, "replicas": 1, "env": [], "no_follow": True}
    code, task = await api("POST", "deployments", body=again, request_timeout=120)
    assert code == 202, task
    for _ in range(100):
        code, dep = await api("GET", "deployments", "edited")
        if dep["task"]["terminal"]:
            break
        await asyncio.sleep(0.2)
    assert dep["task"]["state"] == "applied", (dep["task"]["error"], dep["task"].get("preflight"))
    assert {"kind": "InferenceService", "name": "edited", "action": "updated"} in dep["task"]["apply"]["objects"]
    from kubernetes import client

    isvc = client.CustomObjectsApi(kube.api_client()).get_namespaced_custom_object(
        "serving.kserve.io", "v1beta1", kube.namespace, "inferenceservices", "edited"
    )
    assert isvc["spec"]["predictor"]["minReplicas"] == 1 and "env" not in isvc["spec"]["predictor"]["model"]
    assert dep["settings"]["replicas"] == 1 and dep["settings"]["env"] == []
