"""Preflight: each known failure is caught before anything is created, with numbers and a fix."""

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from jupyter_optiserve.deploy import render, run_preflight
from jupyter_optiserve.deploy.resources import ISVC, SR
from tests.deploy.test_manifests import _pool


def _checks(report):
    return {c.id: c for c in report.checks}


def _pre(plan, conn=None, **kw):
    return run_preflight(plan, render(plan), conn, **kw)


def test_clean_plan_passes_in_failure_mode_order(make_plan, conn):
    report = _pre(make_plan(tp=2, pool=_pool()), conn)
    assert report.ok, report.text()
    ids = [c.id for c in report.checks]
    order = [
        "permissions",
        "runtime-template",
        "precision",
        "tensor-parallel",
        "memory-fit",
        "free-gpus",
        "shm",
        "storage",
        "startup-time",
        "name",
        "server-dry-run",
    ]
    assert [i for i in ids if i in order] == order
    c = _checks(report)
    assert c["server-dry-run"].status == "pass" and "dryRun=All" in c["server-dry-run"].message
    assert c["shm"].status == "pass" and "4 GiB" in c["shm"].message
    assert 7 in c["startup-time"].rows and "startupProbe allows" in c["startup-time"].message


def test_offline_skips_cluster_checks(make_plan):
    report = _pre(make_plan())
    assert report.ok and _checks(report)["cluster"].status == "skip"


@pytest.mark.parametrize(
    "kw,check,words,row",
    [
        (
            {"model": "llama-3.1-8b-instruct", "accelerator": "t4", "precision": "int4"},
            "precision",
            "compute capability",
            10,
        ),
        ({"model": "qwen2.5-7b-instruct", "tp": 8}, "tensor-parallel", "28 attention heads", 4),
        ({"model": "llama-3.1-70b-instruct", "accelerator": "l4"}, "memory-fit", "GiB", 2),
        (
            {"model": "llama-3.1-8b-instruct", "accelerator": "l4", "precision": "fp8", "max_model_len": 131072},
            "memory-fit",
            "max-model-len",
            1,
        ),
    ],
)
def test_plan_failures(make_plan, kw, check, words, row):
    report = _pre(make_plan(**kw))
    c = _checks(report)[check]
    assert not report.ok and c.status == "fail" and words in c.message and c.fix and row in c.rows, report.text()


def test_context_failure_names_the_largest_context_that_fits(make_plan):
    plan = make_plan(model="llama-3.1-8b-instruct", accelerator="l4", precision="fp8", max_model_len=131072)
    fix = _checks(_pre(plan))["memory-fit"].fix
    assert f"--max-model-len <= {plan.estimate.memory.max_model_len_fit}" in fix


def test_bf16_on_t4_is_a_warning_with_the_fallback(make_plan):
    c = _checks(_pre(make_plan(model="llama-3.2-1b-instruct", accelerator="t4")))["precision"]
    assert c.status == "warn" and "--dtype half" in c.message


def test_no_node_with_enough_free_gpus_and_quota(make_plan):
    plan = make_plan(model="llama-3.1-70b-instruct", tp=4, pool=_pool(max_free_gpus_per_node=2, free_gpus=3))
    quota = SimpleNamespace(remaining=lambda r: 2.0)
    c = _checks(_pre(plan, inventory=SimpleNamespace(quota=quota)))
    assert c["free-gpus"].status == "fail" and "best: 2 free" in c["free-gpus"].message
    assert c["gpu-quota"].status == "fail" and "leaves 2" in c["gpu-quota"].message


def test_mig_slices_cannot_do_tensor_parallel(make_plan):
    c = _checks(_pre(make_plan(tp=2, pool=_pool(mig={"profile": "3g.40gb", "strategy": "mixed"}))))
    assert c["gpu-sharing"].status == "fail" and 13 in c["gpu-sharing"].rows


def test_permission_denied_gives_the_exact_grant_and_skips_the_dry_run(make_plan, conn, kube):
    kube.deny(
        [
            {"verb": "create", "group": "serving.kserve.io", "resource": "inferenceservices"},
            {"verb": ["list", "watch"], "group": "", "resource": "pods"},
        ]
    )
    report = _pre(make_plan(), conn)
    c = _checks(report)
    assert c["permissions"].status == "fail"
    assert "create inferenceservices.serving.kserve.io" in c["permissions"].message
    assert (
        "oc create role optiserve-deployer --verb=create --resource=inferenceservices.serving.kserve.io -n demo"
        in c["permissions"].fix
    )
    assert c["follow-permissions"].status == "warn" and "pods" in c["follow-permissions"].message
    assert c["server-dry-run"].status == "skip"


def test_name_collision_with_a_foreign_deployment(make_plan, conn, kube):
    kube.seed(
        [
            {
                "apiVersion": "serving.kserve.io/v1beta1",
                "kind": "InferenceService",
                "metadata": {"name": "granite", "namespace": "demo"},
                "spec": {"predictor": {"model": {"modelFormat": {"name": "vLLM"}}}},
            }
        ]
    )
    c = _checks(_pre(make_plan(), conn))
    assert c["name"].status == "fail" and "not created by OptiServe" in c["name"].message


def test_server_dry_run_reports_schema_errors(make_plan, conn, kube_crds):
    plan = make_plan()
    objs = render(plan)
    objs[1]["spec"]["predictor"]["minReplicas"] = "two"
    c = _checks(run_preflight(plan, objs, conn))
    assert c["server-dry-run"].status == "fail" and "minReplicas" in c["server-dry-run"].message
    from jupyter_optiserve.deploy import Deployer

    assert (
        Deployer(conn).res.get(SR, "demo", "granite") is None
        and Deployer(conn).res.get(ISVC, "demo", "granite") is None
    )


def test_llmisvc_without_the_crd_falls_back(make_plan, conn):
    c = _checks(_pre(make_plan(target="llmisvc"), conn))
    assert c["llm-d"].status == "fail" and "--deployment-kind kserve" in c["llm-d"].fix and 18 in c["llm-d"].rows


def test_pvc_checks(make_plan, conn, kube):
    c = _checks(_pre(make_plan(storage_uri="pvc://models/granite"), conn))
    assert c["storage"].status == "fail" and "does not exist" in c["storage"].message
    kube.seed(
        [
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": "models", "namespace": "demo"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "100Gi"}}},
            }
        ]
    )
    c = _checks(_pre(make_plan(storage_uri="pvc://models/granite", replicas=2), conn))
    assert c["storage"].status == "warn" and "Multi-Attach" in c["storage"].message


class _S3(BaseHTTPRequestHandler):
    keys = {"models/granite/config.json": 700, "models/granite/model.safetensors": 16 * 2**30}

    def log_message(self, *a):
        pass

    def do_GET(self):
        assert self.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        from urllib.parse import parse_qs, urlsplit

        prefix = parse_qs(urlsplit(self.path).query)["prefix"][0]
        items = "".join(
            f"<Contents><Key>{k}</Key><Size>{v}</Size></Contents>" for k, v in self.keys.items() if k.startswith(prefix)
        )
        body = f'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{items}</ListBucketResult>'.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_s3_connection_is_listed_with_its_own_keys(make_plan, conn, kube):
    pytest.importorskip("boto3")  # the check lists through boto3 when installed (tests/deploy/test_s3check.py)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _S3)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        enc = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
        kube.seed(
            [
                {
                    "apiVersion": "v1",
                    "kind": "Secret",
                    "metadata": {"name": "conn", "namespace": "demo"},
                    "data": {
                        "AWS_ACCESS_KEY_ID": enc("AKIDEXAMPLE"),
                        "AWS_SECRET_ACCESS_KEY": enc("wJalr"),
                        "AWS_S3_ENDPOINT": enc(f"http://127.0.0.1:{srv.server_address[1]}"),
                        "AWS_S3_BUCKET": enc("bucket"),
                    },
                }
            ]
        )
        ok = _checks(_pre(make_plan(storage_uri="s3://bucket/models/granite", connection="conn"), conn))["storage"]
        assert ok.status == "pass" and "config.json" in ok.message and "16.0 GiB" in ok.message
        bad_report = _pre(make_plan(storage_uri="s3://bucket/models", connection="conn"), conn)
        bad = _checks(bad_report)["storage"]
        assert bad.status == "fail" and "did you mean s3://bucket/models/granite/" in bad.fix
        wrong = _checks(_pre(make_plan(storage_uri="s3://other/models/granite", connection="conn"), conn))["storage"]
        assert wrong.status == "fail" and "'bucket'" in wrong.message
        assert "wJalr" not in repr([c.to_dict() for c in bad_report.checks])  # the secret never shows
    finally:
        srv.shutdown()
        srv.server_close()
