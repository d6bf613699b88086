"""The first request and prompts are bounded in total, not per socket read, and a token never goes out in clear."""

import time

from jupyter_optiserve.deploy import smoke_test
from jupyter_optiserve.deploy.smoke import token_refusal
from tests.deploy.openai_stub import OpenAIStub
from tests.deploy.slow_endpoint import SlowEndpoint


def test_an_endpoint_that_never_answers_is_bounded_by_the_timeout():
    with SlowEndpoint("hang") as ep:
        t0 = time.monotonic()
        res = smoke_test(ep.url, "granite", timeout=1.0)
        took = time.monotonic() - t0
    assert not res.ok and took < 1.8, took
    assert "did not answer in time" in res.cause and res.status is None


def test_keep_alive_comments_cannot_stretch_the_request():
    with SlowEndpoint("trickle", every=0.2) as ep:  # each read succeeds; only a total deadline ends it
        t0 = time.monotonic()
        res = smoke_test(ep.url, "granite", timeout=1.0)
        took = time.monotonic() - t0
    assert not res.ok and took < 1.8, took
    # it answered 200: reachable, but silent - not "not reachable"
    assert res.status == 200 and "answered HTTP 200" in res.cause and "not reachable" not in res.cause


def test_a_deadline_already_past_sends_nothing():
    with OpenAIStub() as stub:
        res = smoke_test(stub.url, "granite", deadline=time.monotonic() - 1)
    assert not res.ok and stub.requests == [] and "free worker" in res.cause


def test_a_token_never_goes_over_plain_http(monkeypatch):
    monkeypatch.delenv("OPTISERVE_ALLOW_HTTP_TOKEN", raising=False)
    res = smoke_test("http://granite.evil.example.com", "granite", token="s3cret", timeout=1)
    assert not res.ok and "https" in res.error and "s3cret" not in repr(res.to_dict())
    res = smoke_test("http://granite-predictor.ns.svc.cluster.local", "granite", token="s3cret", timeout=0.5)
    assert not res.ok and "not https" in res.error and "OPTISERVE_ALLOW_HTTP_TOKEN" in res.fix
    monkeypatch.setenv("OPTISERVE_ALLOW_HTTP_TOKEN", "1")  # trusted in-cluster network: allowed (no DNS here)
    assert token_refusal("http://granite-predictor.ns.svc.cluster.local") is None
    assert token_refusal("http://granite.evil.example.com") is not None  # only in-cluster Services
    monkeypatch.delenv("OPTISERVE_ALLOW_HTTP_TOKEN")
    with OpenAIStub(token="s3cret") as stub:  # loopback never leaves the machine
        assert smoke_test(stub.url, "granite", token="s3cret").ok
