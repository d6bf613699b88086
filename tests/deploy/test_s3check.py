"""The S3 connection check through boto3: pages, session tokens, custom CA bundles, no boto3."""

import base64
import subprocess
import sys

import pytest

from jupyter_optiserve.deploy import render, run_preflight, s3check
from jupyter_optiserve.testing.fakes3 import FakeS3

pytest.importorskip("boto3")

MODEL = {"models/granite/config.json": 700, "models/granite/model.safetensors": 16 * 2**30}


def _enc(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def _storage(plan, conn):
    report = run_preflight(plan, render(plan), conn)
    return next(c for c in report.checks if c.id == "storage"), report


def _connection(kube, endpoint: str, **extra: str) -> None:
    data = {
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalr",
        "AWS_S3_ENDPOINT": endpoint,
        "AWS_S3_BUCKET": "bucket",
        **extra,
    }
    kube.seed(
        [
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "conn", "namespace": "demo"},
                "data": {k: _enc(v) for k, v in data.items()},
            }
        ]
    )


def test_every_page_is_listed():
    keys = {f"models/granite/model-{i:05d}.safetensors": 2**30 for i in range(25)}
    with FakeS3({"bucket": {**keys, "models/granite/config.json": 700}}, page_size=4) as s3:
        p = s3check.probe(s3.url, "bucket", "models/granite", "AKIDEXAMPLE", "wJalr")
        assert s3.requests == 7  # 26 keys, 4 a page
    assert p.status == "pass" and "25 safetensors" in p.message and "25.0 GiB" in p.message


def test_session_token_is_sent_and_a_wrong_one_fails():
    with FakeS3({"bucket": MODEL}, session_token="tok-1") as s3:
        ok = s3check.probe(s3.url, "bucket", "models/granite", "AKIDEXAMPLE", "wJalr", session_token="tok-1")
        bad = s3check.probe(s3.url, "bucket", "models/granite", "AKIDEXAMPLE", "wJalr", session_token="other")
    assert ok.status == "pass"
    assert bad.status == "fail" and "InvalidToken" in bad.message and "tok-1" not in bad.message + bad.fix


def test_wrong_key_and_wrong_bucket_name_the_problem():
    with FakeS3({"bucket": MODEL}) as s3:
        key = s3check.probe(s3.url, "bucket", "models/granite", "OTHER", "wJalr")
        bucket = s3check.probe(s3.url, "nope", "models/granite", "AKIDEXAMPLE", "wJalr")
    assert key.status == "fail" and "InvalidAccessKeyId" in key.message and "access key" in key.fix
    assert bucket.status == "fail" and "NoSuchBucket" in bucket.message and "bucket name" in bucket.fix


def test_unreachable_endpoint_is_a_warning():
    p = s3check.probe("http://127.0.0.1:9", "bucket", "m", "AKIDEXAMPLE", "wJalr", timeout=1)
    assert p.status == "warn" and "not reachable" in p.message


def test_without_boto3_the_check_is_skipped_with_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "boto3", None)
    p = s3check.probe("http://127.0.0.1:9", "bucket", "models/granite", "AKIDEXAMPLE", "wJalr")
    assert p.status == "warn" and "boto3 is not installed" in p.message and "not checked" in p.message
    assert "pip install boto3" in p.fix


def test_verify_settings_from_the_connection():
    assert s3check.tls_from({"S3_VERIFY_SSL": "0"}, ["-----BEGIN CERTIFICATE-----x"]).verify is False
    pem = "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----"
    assert s3check.tls_from({"AWS_CA_BUNDLE": pem}, []).ca_pem.startswith(pem)
    assert s3check.tls_from({}, ["", pem]).ca_pem.strip() == pem
    assert s3check.tls_from({}, ["not a cert"]) == s3check.Tls()


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=minio.local"]
            + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        pytest.skip("openssl is needed to make a self-signed certificate")
    return cert, key


def test_self_signed_endpoint_is_trusted_through_the_namespace_ca_bundle(make_plan, conn, kube, self_signed):
    cert, key = self_signed
    plan = make_plan(storage_uri="s3://bucket/models/granite", connection="conn")
    with FakeS3({"bucket": MODEL}, certfile=str(cert), keyfile=str(key)) as s3:
        _connection(kube, s3.url)
        untrusted, _ = _storage(plan, conn)
        assert untrusted.status == "warn" and "certificate" in untrusted.message
        assert "odh-kserve-custom-ca-bundle" in untrusted.fix
        kube.seed(
            [
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": "odh-kserve-custom-ca-bundle", "namespace": "demo"},
                    "data": {"cabundle.crt": cert.read_text()},
                }
            ]
        )
        trusted, report = _storage(plan, conn)
    assert trusted.status == "pass" and "16.0 GiB" in trusted.message
    assert "wJalr" not in repr([c.to_dict() for c in report.checks])


def test_connection_can_turn_verification_off_and_carry_a_session_token(make_plan, conn, kube, self_signed):
    cert, key = self_signed
    plan = make_plan(storage_uri="s3://bucket/models/granite", connection="conn")
    with FakeS3({"bucket": MODEL}, session_token="sess", certfile=str(cert), keyfile=str(key)) as s3:
        _connection(kube, s3.url, S3_VERIFY_SSL="0", AWS_SESSION_TOKEN="sess")
        check, report = _storage(plan, conn)
    assert check.status == "pass", check.message
    assert "sess" not in repr([c.to_dict() for c in report.checks])
