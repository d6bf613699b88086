"""Hardening of the REST API: slow model endpoints, non-finite numbers, foreign deployments."""

import asyncio
import time

from tests.deploy.openai_stub import OpenAIStub
from tests.deploy.slow_endpoint import SlowEndpoint
from tests.server.ready_isvc import ready_isvc

GRANITE = {"model": "granite-3.1-8b-instruct", "kpi": "latency", "accelerator": "a100-sxm-80gb", "gpus": 1}


async def test_hung_prompts_never_delay_kubernetes_calls(api, kube, settings):
    settings.prompt_timeout = 2.0
    kube.scenario(simulate=False)
    with SlowEndpoint("hang") as ep:
        kube.seed([ready_isvc("granite", kube.namespace, ep.url)])
        t0 = time.monotonic()
        prompts = [
            asyncio.ensure_future(
                api("POST", "deployments", "granite", "prompt", body={"text": "Hi"}, request_timeout=30)
            )
            for _ in range(8)
        ]
        await asyncio.sleep(0.5)  # every prompt is in flight (and the pool full) now
        lat = []
        for _ in range(5):
            s = time.monotonic()
            code, listed = await api("GET", "deployments")
            lat.append(time.monotonic() - s)
            assert code == 200 and any(r["name"] == "granite" for r in listed["deployments"])
        answers = await asyncio.gather(*prompts)
        took = time.monotonic() - t0
    assert max(lat) < 1.0, lat
    # a total deadline per prompt, queue wait included: 8 prompts end within about one prompt_timeout
    assert took < 2.0 * 2.5, took
    assert all(code == 200 and not a["ok"] for code, a in answers), answers


async def test_nan_and_infinity_are_rejected_everywhere(api, kube):
    for raw in (
        '{"model": "granite-3.1-8b-instruct", "name": "x", "timeout": NaN}',
        '{"model": "granite-3.1-8b-instruct", "name": "x", "timeout": Infinity}',
        '{"model": "granite-3.1-8b-instruct", "name": "x", "timeout": 1e999}',
    ):
        code, err = await api("POST", "deployments", body=raw)
        assert code == 400 and err["error"] == "InvalidInputError" and "finite" in err["detail"], (raw, err)
    code, err = await api("POST", "recommend", body='{"model": "granite-3.1-8b-instruct", "ttft_ms": -Infinity}')
    assert code == 400 and "finite" in err["detail"]
    code, listed = await api("GET", "deployments")
    assert code == 200 and listed["tasks"] == []


def test_service_rejects_nan_from_python_dicts():
    import pytest

    from jupyter_optiserve.errors import InvalidInputError
    from jupyter_optiserve.service.schema import validate

    with pytest.raises(InvalidInputError) as exc:
        validate("DeployRequest", {"model": "m", "timeout": float("nan")})
    assert exc.value.detail.get("field") == "timeout" or "timeout" in exc.value.message


def test_answers_never_contain_nan():
    import json

    from jupyter_optiserve.service.jsonsafe import dumps

    text = dumps({"a": float("nan"), "b": [float("inf"), 1.5]})
    assert json.loads(text) == {"a": None, "b": [None, 1.5]} and "NaN" not in text


async def test_deep_json_and_float_integers_are_400(api):
    deep = '{"model": ' + "[" * 5000 + "]" * 5000 + "}"
    code, err = await api("POST", "recommend", body=deep)
    assert code == 400 and err["field"] == "body"
    code, err = await api("POST", "recommend", body={**GRANITE, "limit": 3.0})
    assert code == 400 and err["field"] == "limit", err
    code, err = await api("POST", "recommend", body='{"model": "granite-3.1-8b-instruct", "gpus": ' + "9" * 5000 + "}")
    assert code == 400


async def test_prompt_refuses_foreign_deployments_unless_confirmed(api, kube):
    kube.scenario(simulate=False)
    with OpenAIStub(model="theirs") as stub:
        kube.seed([ready_isvc("theirs", kube.namespace, stub.url, ours=False)])
        code, err = await api("POST", "deployments", "theirs", "prompt", body={"text": "Hi"})
        assert code == 409 and err["error"] == "ConflictError" and "foreign" in err["hint"]
        assert stub.requests == []
        code, answer = await api("POST", "deployments", "theirs", "prompt", body={"text": "Hi", "foreign": True})
        assert code == 200 and answer["ok"], answer


async def test_names_ending_in_a_newline_are_400_everywhere(api, kube):
    for path in ("render", "export", "preflight", "deployments"):
        code, err = await api(
            "POST",
            path,
            body={**GRANITE, "name": "abc\n", "offline": path != "deployments"}
            if path != "deployments"
            else {**GRANITE, "name": "abc\n"},
        )
        assert code == 400 and err["field"] == "name", (path, code, err)
    code, err = await api("GET", "deployments", "abc%0A")
    assert code == 400 and err["field"] == "name"
    assert not any(r["method"] == "POST" for r in kube.requests)  # nothing reached the cluster


async def test_the_hardware_cache_is_dropped_after_deploy_stop_and_delete(api, kube, settings):
    kube.scenario("success", step_seconds=0.05)
    code, _ = await api("GET", "hardware")
    assert code == 200 and settings._inventory is not None
    code, task = await api("POST", "deployments", body={**GRANITE, "name": "granite", "no_follow": True})
    assert code == 202
    for _ in range(100):
        code, dep = await api("GET", "deployments", "granite")
        if dep.get("task", {}).get("terminal"):
            break
        await asyncio.sleep(0.05)
    assert settings._inventory is None  # the deploy took GPUs
    await api("GET", "hardware")
    code, _ = await api("POST", "deployments", "granite", "stop")
    assert code == 200 and settings._inventory is None
    await api("GET", "hardware")
    code, _ = await api("DELETE", "deployments", "granite")
    assert code == 200 and settings._inventory is None  # preflight sees the freed GPUs at once


async def test_big_bodies_are_413_before_they_are_read(api):
    big = b'{"model": "' + b"x" * 2_000_000 + b'"}'
    code, err = await api("POST", "recommend", body=big)
    assert code == 413 and err["error"] == "RequestEntityTooLarge" and "max_body_bytes" in err["hint"]
    code, err = await api("POST", "recommend", body=b'{"model": "' + b"x" * 200_000 + b'", "kpi": "latency"}')
    assert code in (400, 404)  # parsed (off the loop) and answered, under the limit


async def test_405_names_the_allowed_methods(api, jp_fetch):
    resp = await api("PUT", "deployments", body=b"{}", raw=True)
    assert resp.code == 405 and resp.headers["Allow"] == "GET, POST"
    resp = await api("TRACE", "config", raw=True, allow_nonstandard_methods=True)
    assert resp.code == 405 and resp.headers["Allow"] == "GET"


async def test_a_pasted_token_is_never_echoed(api, caplog):
    token = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123"
    for value in (token, "My_Secret_Token_Value"):
        code, err = await api(
            "POST", "render", body={**GRANITE, "name": "g", "offline": True, "hf_token_secret": value}
        )
        assert code == 400, err
        assert value not in str(err) and value not in caplog.text
    assert "looks like a token" in str(err) or "not a valid Kubernetes name" in str(err)
