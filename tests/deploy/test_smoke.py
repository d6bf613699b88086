"""First-response check against a local OpenAI-compatible stub (streaming SSE)."""

from jupyter_optiserve.deploy import Deployer, follow, render, smoke_test, snippets
from tests.deploy.openai_stub import OpenAIStub


def test_streams_and_times_the_first_token():
    with OpenAIStub(delay=0.2) as stub:
        res = smoke_test(stub.url, "granite")
    assert res.ok and res.status == 200 and res.text == "Hello! I am here."
    assert 0.2 <= res.ttft_s <= res.total_s < 5
    assert stub.requests[0]["body"]["stream"] is True and stub.requests[0]["body"]["max_tokens"] <= 16


def test_token_is_sent_when_auth_is_on_and_401_explained():
    with OpenAIStub(token="s3cret") as stub:
        assert smoke_test(stub.url, "granite", token="s3cret").ok
        bad = smoke_test(stub.url, "granite")
    assert not bad.ok and bad.status == 401 and "token" in bad.cause
    assert "s3cret" not in repr(bad.to_dict())


def test_known_first_request_failures_are_explained():
    with OpenAIStub(fail=(400, '{"message": "This model\'s maximum context length is 8192 tokens"}')) as stub:
        res = smoke_test(stub.url, "granite")
    assert not res.ok and "max-model-len" in res.cause
    unreachable = smoke_test("http://127.0.0.1:9", "granite", timeout=2)
    assert not unreachable.ok and "--external" in unreachable.fix


def test_snippets_never_contain_the_token():
    s = snippets("https://granite.apps.example.com", "granite", auth=True)
    assert "$TOKEN" in s["curl"] and 'os.environ["TOKEN"]' in s["python"]
    assert "granite.apps.example.com/v1/completions" in s["curl"]


def test_ready_on_the_fake_cluster_then_first_response(make_plan, conn, kube):
    with OpenAIStub() as stub:
        kube.scenario("success", step_seconds=0.2, endpoint_url=stub.url)
        Deployer(conn).apply(render(make_plan()))
        tl = follow(conn, "granite", timeout=10)
        assert tl.outcome == "ready" and tl.url == stub.url
        res = smoke_test(tl.url, "granite")
    assert res.ok and res.ttft_s is not None
