"""Is the model where the S3 data connection says? ListObjectsV2 with the connection's own keys, via boto3.

boto3 (optional: workbench images ship it; not a declared extra, see pyproject.toml) signs, follows pages, honours session tokens
and verifies TLS against a custom CA bundle, as self-signed MinIO/ODF endpoints need. Without it the
check says so and is skipped. The keys never leave this module: not logged, not in messages.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from dataclasses import dataclass

INSTALL_HINT = "pip install boto3 (workbench images ship it) to list the bucket before deploying"


@dataclass
class Probe:
    status: str  # pass | warn | fail
    message: str
    fix: str = ""
    total_bytes: int = 0


@dataclass(frozen=True)
class Tls:
    """How to verify the endpoint's certificate: a PEM bundle (text), a bundle file, or not at all."""

    verify: bool = True
    ca_pem: str = ""
    ca_file: str = ""

    def boto_verify(self, stack) -> bool | str | None:
        """boto3's ``verify``: False, a file path, or None (boto3's default, which reads AWS_CA_BUNDLE)."""
        if not self.verify:
            return False
        if self.ca_pem:  # the custom CAs on top of the default roots, so public endpoints still verify
            from botocore.httpsession import get_cert_path

            f = stack.enter_context(tempfile.NamedTemporaryFile("w", suffix=".pem", delete=True))
            default = get_cert_path(True)
            if isinstance(default, str) and os.path.isfile(default):
                with open(default, encoding="utf-8") as roots:
                    f.write(roots.read() + "\n")
            f.write(self.ca_pem)
            f.flush()
            return f.name
        return self.ca_file or None


def _client(endpoint, access_key, secret_key, session_token, region, verify, timeout):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint if "://" in endpoint else "https://" + endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=session_token or None,
        region_name=region,
        verify=verify,
        config=Config(
            s3={"addressing_style": "path"},  # MinIO, ODF and Ceph serve buckets by path
            connect_timeout=timeout,
            read_timeout=timeout,
            retries={"max_attempts": 1, "mode": "standard"},
        ),
    )


def _list(client, bucket: str, prefix: str, max_keys: int) -> dict[str, int]:
    keys: dict[str, int] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents") or []:
            keys[obj["Key"]] = int(obj.get("Size") or 0)
        if len(keys) >= max_keys:  # a model folder has tens of files; stop on a bucket-wide prefix
            break
    return keys


def probe(
    endpoint: str,
    bucket: str,
    prefix: str,
    access_key: str,
    secret_key: str,
    region: str = "us-east-1",
    timeout: float = 5.0,
    *,
    session_token: str = "",
    tls: Tls | None = None,
    max_keys: int = 10_000,
) -> Probe:
    prefix = prefix.strip("/") + "/"
    where = f"s3://{bucket}/{prefix}"
    try:
        import boto3  # noqa: F401
        from botocore.exceptions import BotoCoreError, ClientError, SSLError
    except ImportError:
        return Probe(
            "warn", f"{where}: boto3 is not installed, so the bucket's contents were not checked", INSTALL_HINT
        )
    from contextlib import ExitStack

    tls = tls or Tls()
    try:
        with ExitStack() as stack:
            if not tls.verify:  # the connection asked for it: no warning per request on stderr
                stack.enter_context(warnings.catch_warnings())
                warnings.simplefilter("ignore")
            client = _client(endpoint, access_key, secret_key, session_token, region, tls.boto_verify(stack), timeout)
            keys = _list(client, bucket, prefix, max_keys)
    except SSLError:
        return Probe(
            "warn",
            f"{where}: endpoint {endpoint} presented a certificate this machine does not trust",
            "add the CA to the odh-kserve-custom-ca-bundle ConfigMap (cabundle.crt), set AWS_CA_BUNDLE, "
            "or set S3_VERIFY_SSL=0 in the connection",
        )
    except ClientError as exc:
        err = exc.response.get("Error") or {}
        code = str(err.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or "?")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        fix = {
            "AccessDenied": "check the connection's access key and secret",
            "InvalidAccessKeyId": "check the connection's access key",
            "SignatureDoesNotMatch": "check the connection's secret key",
            "ExpiredToken": "renew the connection's AWS_SESSION_TOKEN",
            "NoSuchBucket": "check the bucket name",
        }.get(code, "check the connection")
        return Probe("fail", f"{where}: S3 answered {status or ''} {code}".replace("  ", " "), fix)
    except (BotoCoreError, OSError, ValueError) as exc:
        return Probe(
            "warn",
            f"{where}: endpoint {endpoint} not reachable from here ({type(exc).__name__})",
            "check AWS_S3_ENDPOINT; the cluster may still reach it",
        )
    return _verdict(where, prefix, keys)


def _verdict(where: str, prefix: str, keys: dict[str, int]) -> Probe:
    names = {k[len(prefix) :] for k in keys}
    total = sum(keys.values())
    if "config.json" not in names:
        subdirs = sorted({n.split("/")[0] for n in names if "/" in n and n.endswith("/config.json")})
        hint = (
            f"did you mean {where}{subdirs[0]}/?"
            if subdirs
            else "point --storage-uri at the folder holding config.json"
        )
        return Probe("fail", f"bucket reachable, but config.json not found under {where}", hint, total)
    if not any(n.endswith(".safetensors") for n in names):
        return Probe("warn", f"{where} has config.json but no *.safetensors", "upload the weights", total)
    return Probe(
        "pass",
        f"{where}: config.json and {sum(n.endswith('.safetensors') for n in names)} safetensors "
        f"file(s), {total / 2**30:.1f} GiB",
        total_bytes=total,
    )


def tls_from(secret_data: dict[str, str], ca_bundles: list[str]) -> Tls:
    """TLS settings from the connection Secret and the namespace's CA ConfigMaps (PEM texts, first wins).

    The Secret may carry ``S3_VERIFY_SSL`` ("0"/"false" turns verification off, as the KServe storage
    initializer reads it) and ``AWS_CA_BUNDLE`` (PEM text or a file path). Otherwise the namespace's
    bundles, then the ``AWS_CA_BUNDLE`` environment variable (boto3 reads it itself).
    """
    if (secret_data.get("S3_VERIFY_SSL") or "").strip().lower() in ("0", "false", "no"):
        return Tls(verify=False)
    ca = (secret_data.get("AWS_CA_BUNDLE") or "").strip()
    if ca.startswith("-----BEGIN"):
        return Tls(ca_pem=ca + "\n")
    if ca and os.path.isfile(ca):
        return Tls(ca_file=ca)
    pem = "\n".join(b.strip() for b in ca_bundles if b and "-----BEGIN" in b)
    return Tls(ca_pem=pem + "\n") if pem else Tls()
