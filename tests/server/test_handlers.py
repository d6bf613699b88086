"""Every endpoint through a live in-process Jupyter Server (jp_fetch), against the fake cluster."""

import asyncio
import io
import json
import re
import socket
import zipfile

import pytest
import tornado.web
import yaml

from jupyter_optiserve import service
from jupyter_optiserve.server import handlers as H
from jupyter_optiserve.service.schema import openapi
from tests.deploy.openai_stub import OpenAIStub

GRANITE = {"model": "granite-3.1-8b-instruct", "kpi": "latency", "accelerator": "a100-sxm-80gb", "gpus": 1}
VERBS = ("get", "post", "put", "patch", "delete")


def optiserve_routes(app: tornado.web.Application) -> list[tuple[str, type]]:
    """(regex, handler class) of every route the extension registered, from tornado's routers."""
    out, stack = [], [app.default_router, app.wildcard_router]
    while stack:
        router = stack.pop()
        for rule in getattr(router, "rules", []):
            target = rule.target
            if hasattr(target, "rules"):
                stack.append(target)
            elif isinstance(target, type) and target.__module__.startswith("jupyter_optiserve."):
                out.append((rule.matcher.regex.pattern, target))
    return out


def concrete(pattern: str, name: str = "granite") -> str:
    return re.sub(r"\(\?P<\w+>[^)]*\)", name, pattern).rstrip("$")


def parse_sse(text: str) -> list[dict]:
    events = []
    for block in text.split("\n\n"):
        ev = {}
        for line in block.splitlines():
            if line.startswith(":"):
                continue
            key, _, value = line.partition(": ")
            if key in ("id", "event", "data"):
                ev[key] = value
        if "event" in ev:
            events.append({"id": int(ev["id"]), "type": ev["event"], "data": json.loads(ev["data"])})
    return events


# -- authentication -----------------------------------------------------------------------------------
async def test_every_route_and_verb_needs_authentication(jp_serverapp, jp_fetch):
    """Enumerate the routes tornado actually serves; each verb a handler implements answers 403
    without a token (allow_unauthenticated_access=False and @tornado.web.authenticated)."""
    routes = optiserve_routes(jp_serverapp.web_app)
    assert len(routes) == len(H.routes()) == 24
    checked = 0
    for pattern, handler in routes:
        for verb in VERBS:
            if getattr(handler, verb) is getattr(tornado.web.RequestHandler, verb):
                continue  # not implemented: tornado answers 405
            path = concrete(pattern)
            parts = path[path.index("/optiserve/") + 1 :].split("/")
            kw = {"body": b"{}"} if verb in ("post", "put", "patch") else {}
            with pytest.raises(tornado.httpclient.HTTPClientError) as err:
                await jp_fetch(*parts, method=verb.upper(), headers={"Authorization": ""}, **kw)
            assert err.value.code == 403, f"{verb.upper()} {path} answered {err.value.code} without a token"
            body = json.loads(err.value.response.body)
            assert body["error"] == "Forbidden" and body["hint"]
            checked += 1
    assert checked == 27


def test_every_handler_verb_is_decorated_with_tornado_authenticated():
    """In the source: every verb method of every handler class carries @tornado.web.authenticated."""
    import ast
    import inspect

    from jupyter_optiserve.server import benchmark_handlers, sse

    found = 0
    for mod in (H, sse, benchmark_handlers):
        for cls in ast.walk(ast.parse(inspect.getsource(mod))):
            if not isinstance(cls, ast.ClassDef):
                continue
            for fn in cls.body:
                if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and fn.name in VERBS:
                    decos = [ast.unparse(d) for d in fn.decorator_list]
                    assert "tornado.web.authenticated" in decos, f"{cls.name}.{fn.name}: {decos}"
                    found += 1
    assert found >= 23


async def test_cookie_post_without_xsrf_is_refused(jp_fetch, jp_base_url):
    with pytest.raises(tornado.httpclient.HTTPClientError) as err:
        await jp_fetch(
            "optiserve",
            "recommend",
            method="POST",
            body=json.dumps(GRANITE),
            headers={"Authorization": "", "Cookie": "username-localhost=nobody"},
        )
    assert err.value.code == 403


# -- catalogs and hardware ----------------------------------------------------------------------------
async def test_catalogs_match_the_cli_functions(api, settings):
    code, models = await api("GET", "models", params={"q": "granite"})
    assert code == 200 and models == service.models("granite", settings) and models
    assert all("granite" in m["id"] or "granite" in m["hf_id"].lower() for m in models)
    code, accs = await api("GET", "accelerators")
    assert code == 200 and {"h100-sxm-80gb", "l40s"} <= {a["id"] for a in accs}
    code, rts = await api("GET", "runtimes")
    assert code == 200 and "vllm-cuda" in {r["id"] for r in rts}
    code, profs = await api("GET", "profiles", params={"model": "granite-3.1-8b-instruct"})
    assert code == 200 and profs and {p["model"] for p in profs} == {"granite-3.1-8b-instruct"}


async def test_unknown_names_are_404_with_closest_matches(api):
    code, err = await api("GET", "profiles", params={"model": "granite-3.1-8b-instrct"})
    assert code == 404 and err["error"] == "NotFoundError" and err["hint"]
    assert "granite-3.1-8b-instruct" in json.dumps(err)
    code, err = await api("POST", "recommend", body={"model": "llama-3.1-8b", "kpi": "latency", "accelerator": "h100"})
    assert code == 404 and "llama-3.1-8b-instruct" in json.dumps(err)
    code, err = await api("POST", "estimate", body={"model": "llama-3.1-8b-instruct", "accelerator": "rtx9090"})
    assert code == 404 and err["error"] == "NotFoundError"
    code, err = await api("GET", "deployments", "nothing-here")
    assert code == 404 and err["error"] == "NotFoundError"


async def test_hardware_is_cached_until_refresh(api, kube):
    code, first = await api("GET", "hardware")
    assert code == 200 and first["pools"] == [] and first["cluster"]["reachable"] is True
    kube.preset("full")
    code, cached = await api("GET", "hardware")
    assert cached["pools"] == []
    code, fresh = await api("GET", "hardware", params={"refresh": "1"})
    assert code == 200 and {p["accelerator"] for p in fresh["pools"]} >= {"a100-sxm-80gb", "h100-sxm-80gb"}


# -- bad input ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path,body,field,needle",
    [
        ("recommend", {"kpi": "latency"}, "model", "required"),
        ("recommend", {"model": "qwen3-8b", "gpus": 0, "accelerator": "l4"}, "gpus", "minimum"),
        ("recommend", {"model": "qwen3-8b", "gpus": "two", "accelerator": "l4"}, "gpus", "integer"),
        ("recommend", {"model": "qwen3-8b", "kpi": "fast"}, "kpi", "is not one of"),
        ("recommend", {"model": "qwen3-8b", "gpu": 2}, "gpu", "not a known field"),
        ("recommend", {"model": "qwen3-8b", "gpus": 2}, "gpus", "--accelerator"),
        ("recommend", "{not json", "body", "not valid JSON"),
        ("recommend", "[1, 2]", None, "JSON object"),
        ("recommend", "", "body", "needs a JSON body"),
        ("recommend", {"model": "qwen3-8b", "accelerator": "l4", "gpus_per_node": 0}, "gpus_per_node", "minimum"),
        (
            "recommend",
            {"model": "qwen3-8b", "accelerator": "l4", "gpus": 1, "allow_precision": "int3"},
            "allow_precision",
            "--allow-precision",
        ),
        ("recommend", {"model": "qwen3-8b", "gpu_margin": -1}, "gpu_margin", "minimum"),
        ("estimate", {"model": "llama-3.1-8b-instruct"}, "accelerator", "required"),
        ("estimate", {"model": "llama-3.1-8b-instruct", "accelerator": "h100", "tp": -2}, "tp", "minimum"),
        (
            "render",
            {"model": "granite-3.1-8b-instruct", "kpi": "latency", "name": "Bad_Name"},
            "name",
            "does not match",
        ),
        ("render", {"model": "granite-3.1-8b-instruct"}, "kpi", "required"),
        ("deployments", {"model": "granite-3.1-8b-instruct", "kpi": "latency", "timeout": 0}, "timeout", "minimum"),
    ],
)
async def test_bad_bodies_are_400_naming_the_field(api, path, body, field, needle):
    code, err = await api("POST", path, body=body)
    assert code == 400, err
    assert set(err) >= {"error", "detail", "hint"} and err["error"] == "InvalidInputError"
    assert needle in err["detail"] + err["hint"], err
    if field:
        assert err.get("field") == field, err


async def test_bad_path_and_query_parameters_are_400(api):
    code, err = await api("GET", "deployments", "Bad_Name")
    assert code == 400 and err["field"] == "name"
    code, err = await api("GET", "hardware", params={"refresh": "maybe"})
    assert code == 400 and err["field"] == "refresh"


# -- engine -------------------------------------------------------------------------------------------
async def test_estimate_matches_the_service(api, settings):
    body = {
        "model": "llama-3.1-8b-instruct",
        "accelerator": "h100",
        "gpus": 1,
        "precision": "bf16",
        "input_len": 1000,
        "output_len": 100,
        "concurrency": 4,
    }
    code, est = await api("POST", "estimate", body=body)
    assert code == 200 and est == service.estimate(body, settings)
    assert est["fits"] is True and est["memory"]["kv_capacity_tokens"] > 400_000


async def test_render_preflight_and_export(api, kube):
    body = {**GRANITE, "name": "granite"}
    code, out = await api("POST", "render", body=body)
    assert code == 200, out
    assert [m["kind"] for m in out["manifests"]] == ["ServingRuntime", "InferenceService"]
    assert list(yaml.safe_load_all(out["yaml"])) == out["manifests"]
    assert out["plan"]["name"] == "granite" and out["plan"]["namespace"] == kube.namespace
    assert out["notes"] == out["plan"]["notes"]
    code, pf = await api("POST", "preflight", body=body)
    assert code == 200 and pf["preflight"]["ok"] is True and pf["plan"]["name"] == "granite"
    assert {c["status"] for c in pf["preflight"]["checks"]} <= {"pass", "warn", "skip"}
    resp = await api("POST", "export", body={**body, "offline": True, "namespace": "team-a"}, raw=True)
    assert resp.code == 200 and resp.headers["Content-Type"] == "application/zip"
    assert 'filename="granite.zip"' in resp.headers["Content-Disposition"]
    zf = zipfile.ZipFile(io.BytesIO(resp.body))
    names = zf.namelist()
    assert "granite/kustomization.yaml" in names and "granite/README.md" in names
    kust = yaml.safe_load(zf.read("granite/kustomization.yaml"))
    assert kust["namespace"] == "team-a" and all(f"granite/{r}" in names for r in kust["resources"])


async def test_preview_renders_and_checks_one_plan_with_the_chosen_profile(api, kube, monkeypatch):
    from jupyter_optiserve.deploy import plan as plan_module

    code, rec = await api("POST", "recommend", body={**GRANITE, "gpus": 2})
    assert code == 200 and len(rec["recommendations"]) > 1, rec
    second = rec["recommendations"][1]["profile"]["name"]
    body = {**GRANITE, "gpus": 2, "name": "granite", "profile": second}
    calls = []
    real = plan_module.build_plan
    monkeypatch.setattr(plan_module, "build_plan", lambda *a, **k: calls.append(1) or real(*a, **k))
    code, out = await api("POST", "preview", body=body)
    assert code == 200, out
    assert len(calls) == 1  # one plan (one ranking) for both answers
    assert set(out) == {"render", "preflight"}
    assert out["render"]["plan"]["profile"]["name"] == second == out["preflight"]["plan"]["profile"]["name"]
    code, rendered = await api("POST", "render", body=body)
    assert code == 200 and rendered["yaml"] == out["render"]["yaml"]
    code, checked = await api("POST", "preflight", body=body)
    assert code == 200 and checked["preflight"]["ok"] == out["preflight"]["preflight"]["ok"]
    code, err = await api("POST", "preview", body={**body, "profile": "no-such-profile"})
    assert code in (400, 404) and "no-such-profile" in err["detail"]


async def test_target_is_the_deprecated_spelling_of_deployment_kind(api, kube):
    body = {**GRANITE, "name": "granite", "rhoai": "3"}
    resp = await api("POST", "render", body={**body, "target": "llmisvc"}, raw=True)
    assert resp.code == 200 and resp.headers.get("Deprecation") == "true"
    old = json.loads(resp.body)
    code, new = await api("POST", "render", body={**body, "deployment_kind": "llmisvc"})
    assert code == 200 and [m["kind"] for m in new["manifests"]] == ["LLMInferenceService"]
    assert new["yaml"] == old["yaml"]
    code, err = await api("POST", "render", body={**body, "deployment_kind": "kserve", "target": "llmisvc"})
    assert code == 400 and "deployment_kind" in err["detail"]


# -- cluster errors -----------------------------------------------------------------------------------
def _dead_kubeconfig(tmp_path) -> str:
    from jupyter_optiserve.testing.fakekube.kubeconfig import write_kubeconfig

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return str(write_kubeconfig(tmp_path / "dead-kubeconfig", f"http://127.0.0.1:{port}", namespace="demo"))


async def test_cluster_unreachable_is_502(api, settings, tmp_path):
    settings.kubeconfig = _dead_kubeconfig(tmp_path)
    settings.request_timeout = 1.0
    for path in (("deployments",), ("deployments", "granite")):
        code, err = await api("GET", *path)
        assert code == 502 and err["error"] == "ClusterUnreachableError" and err["hint"], err
    code, err = await api("POST", "deployments", body=GRANITE)
    assert code == 502, err
    code, inv = await api("GET", "hardware", params={"refresh": "1"})  # degrades to local facts, says why
    assert code == 200 and any("cluster" in n for n in inv["notes"])


async def test_forbidden_is_403_with_the_grant(api, kube):
    kube.deny([{"verb": "list", "group": "serving.kserve.io", "resource": "inferenceservices"}])
    code, err = await api("GET", "deployments")
    assert code == 403 and err["error"] == "PermissionDeniedError", err
    assert "inferenceservices" in err["hint"] and "list" in err["hint"]


async def test_offline_server_refuses_cluster_work_but_renders(api, settings):
    settings.offline = True
    code, err = await api("GET", "deployments")
    assert code == 400 and "offline" in err["detail"] and "c.OptiServeApp.offline" in err["hint"]
    code, out = await api("POST", "render", body={**GRANITE, "namespace": "demo"})
    assert code == 200 and out["manifests"]


async def test_allowed_accelerators_policy(api, settings):
    settings.allowed_accelerators = ["l40s"]
    code, accs = await api("GET", "accelerators")
    assert [a["id"] for a in accs] == ["l40s"]
    code, err = await api("POST", "recommend", body={"model": "granite-3.1-8b-instruct", "accelerator": "h100"})
    assert code == 403 and "l40s" in err["hint"] and "allowed_accelerators" in err["hint"]
    code, ok = await api("POST", "recommend", body={"model": "granite-3.1-8b-instruct", "accelerator": "l40s"})
    assert code == 200 and ok["recommendations"]


async def test_config_has_settings_and_no_secret(api, kube):
    code, cfg = await api("GET", "config")
    assert code == 200 and cfg["namespace"] == kube.namespace and cfg["kubeconfig"] == str(kube.kubeconfig)
    assert "fakekube-token" not in json.dumps(cfg)


# -- deployments: tasks and the progress stream -------------------------------------------------------
async def test_deploy_streams_progress_to_ready_then_lifecycle(api, kube, settings, jp_fetch):
    with OpenAIStub() as stub:
        kube.scenario("success", step_seconds=0.1, endpoint_url=stub.url)
        code, task = await api("POST", "deployments", body={**GRANITE, "name": "granite", "timeout": 60})
        assert code == 202, task
        assert task["name"] == "granite" and task["state"] in ("queued", "preflight") and not task["terminal"]
        assert task["request"]["model"] == GRANITE["model"]

        code, again = await api("POST", "deployments", body={**GRANITE, "name": "granite"})
        assert code == 409 and again["error"] == "ConflictError"

        resp = await api("GET", "deployments", "granite", "events", raw=True, request_timeout=60)
        assert resp.code == 200 and resp.headers["Content-Type"].startswith("text/event-stream")
        events = parse_sse(resp.body.decode())
        types = [e["type"] for e in events]
        states = [e["data"]["state"] for e in events if e["type"] == "state"]
        assert states[:4] == ["queued", "preflight", "applying", "following"] and states[-1] == "ready", states
        assert "smoke" in states and types[-1] == "end" and "preflight" in types and "apply" in types
        assert [e["id"] for e in events] == sorted(e["id"] for e in events)
        entries = [e["data"]["text"] for e in events if e["type"] == "entry"]
        assert any(t.startswith("submitted") for t in entries) and any(
            "first token" in t or "ready" in t for t in entries
        )
        end = events[-1]["data"]
        assert end["state"] == "ready" and end["timeline"]["outcome"] == "ready"
        assert end["timeline"]["smoke"]["ok"] is True and "$TOKEN" not in end["timeline"]["smoke"]["snippets"]["curl"]
        phases = {p["phase"]: p["state"] for p in end["timeline"]["phases"]}
        assert phases["first-response"] == "done", phases
        last_tl = [e["data"] for e in events if e["type"] == "timeline"][-1]
        assert {p["phase"]: p["state"] for p in last_tl["phases"]}["first-response"] == "done"

        # a page reload: the task is listed with the cluster's deployments
        code, listed = await api("GET", "deployments")
        row = next(r for r in listed["deployments"] if r["name"] == "granite")
        assert row["optiserve"] and row["state"] == "Ready" and row["task"] == "ready"
        assert [t["name"] for t in listed["tasks"]] == ["granite"]

        # reconnecting with Last-Event-ID replays only what came after
        last = events[-3]["id"]
        resp = await jp_fetch("optiserve", "deployments", "granite", "events", headers={"Last-Event-ID": str(last)})
        assert [e["id"] for e in parse_sse(resp.body.decode())] == [e["id"] for e in events[-2:]]

        code, dep = await api("GET", "deployments", "granite")
        assert code == 200 and dep["exists"] and dep["timeline"]["outcome"] == "ready"
        assert dep["task"]["state"] == "ready" and dep["profile"]

        code, answer = await api("POST", "deployments", "granite", "prompt", body={"text": "Hi", "max_tokens": 8})
        assert code == 200 and answer["ok"] and answer["text"] == "Hello! I am here."
        assert stub.requests[-1]["body"]["prompt"] == "Hi" and stub.requests[-1]["body"]["max_tokens"] == 8

    # after a server restart the task list is empty; the cluster still knows the deployment
    settings._tasks = None
    code, listed = await api("GET", "deployments")
    assert listed["tasks"] == [] and any(r["name"] == "granite" and r["task"] is None for r in listed["deployments"])
    resp = await api("GET", "deployments", "granite", "events", raw=True)
    snap = parse_sse(resp.body.decode())
    assert [e["type"] for e in snap] == ["snapshot", "end"] and snap[0]["data"]["timeline"]["outcome"] == "ready"

    code, stopped = await api("POST", "deployments", "granite", "stop")
    assert code == 200 and stopped == {"name": "granite", "namespace": kube.namespace, "stopped": True}
    code, err = await api("POST", "deployments", "granite", "prompt", body={"text": "Hi"})
    assert code == 409 and err["error"] == "ConflictError"
    code, started = await api("POST", "deployments", "granite", "stop", body={"start": True})
    assert code == 200 and started["stopped"] is False

    code, gone = await api("DELETE", "deployments", "granite")
    assert code == 200 and any("InferenceService/granite" in d for d in gone["deleted"])
    code, err = await api("GET", "deployments", "granite")
    assert code == 404


async def test_deploy_task_survives_the_client_and_can_be_cancelled(api, kube, settings):
    kube.scenario("unschedulable", step_seconds=0.1)
    code, task = await api("POST", "deployments", body={**GRANITE, "name": "stuck", "timeout": 120})
    assert code == 202
    t = settings.tasks.get(task["id"])
    for _ in range(100):  # nobody is streaming: the task keeps going on its own
        if t.state == "following" and t._tl is not None:
            break
        await asyncio.sleep(0.05)
    assert t.state == "following"
    code, cancelled = await api("POST", "deployments", "stuck", "cancel")
    assert code == 200 and cancelled["state"] == "cancelled" and cancelled["terminal"]
    code, err = await api("POST", "deployments", "nobody", "cancel")
    assert code == 404
    code, gone = await api("DELETE", "deployments", "stuck")  # the created objects are removed on request
    assert code == 200 and gone["deleted"]


async def test_failed_preflight_ends_the_task_with_the_cause(api, kube):
    kube.deny([{"verb": "create", "group": "serving.kserve.io", "resource": "inferenceservices"}])
    code, task = await api("POST", "deployments", body={**GRANITE, "name": "denied"})
    assert code == 202
    resp = await api("GET", "deployments", "denied", "events", raw=True, request_timeout=30)
    events = parse_sse(resp.body.decode())
    end = events[-1]["data"]
    assert events[-1]["type"] == "end" and end["state"] == "failed"
    assert end["error"]["error"] == "PreflightFailed" and end["error"]["hint"]
    assert end["apply"] is None and not end["preflight"]["ok"]


async def test_recommend_quality_floor_and_opt_in_over_rest(api):
    body = {"model": "llama-3.3-70b-instruct", "kpi": "latency", "accelerator": "h100", "gpus": 8}
    code, floored = await api("POST", "recommend", body=body)
    assert code == 200 and all(r["quality"]["weight_bits"] >= 8 for r in floored["recommendations"])
    assert floored["settings"]["quality_floor_bits"] == 8 and floored["deploy_command"].endswith(
        floored["recommendations"][0]["profile"]["name"]
    )
    code, opted = await api("POST", "recommend", body={**body, "allow_precision": True, "limit": 50})
    assert code == 200 and any(r["quality"]["weights"] == "int4" for r in opted["recommendations"])


async def test_openapi_document_is_served(api):
    code, doc = await api("GET", "openapi.json")
    assert code == 200 and doc == openapi()


async def test_repeated_recommend_is_served_from_the_memo_unchanged(api, settings):
    body = {"model": "qwen3-8b", "kpi": "cost", "accelerator": "l4", "gpus": 2}
    assert service.recommend_json_cached(body, settings) is None  # not computed yet
    code, first = await api("POST", "recommend", body=body)
    assert code == 200 and service.recommend_json_cached(body, settings) is not None
    code, again = await api("POST", "recommend", body=body)
    assert code == 200 and again == first == service.recommend(body, settings)
    code, bad = await api("POST", "recommend", body={**body, "gpus": 0})  # validated before the memo
    assert code == 400
