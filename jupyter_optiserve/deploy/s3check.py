"""Is the model where the S3 data connection says? ListObjectsV2 with the connection's own keys.

Stdlib only (SigV4, path-style URLs as MinIO/ODF/Ceph need). The keys never leave this function:
not logged, not in messages.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass

_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


@dataclass
class Probe:
    status: str  # pass | warn | fail
    message: str
    fix: str = ""
    total_bytes: int = 0


def _sign(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signed_request(
    endpoint: str,
    bucket: str,
    query: dict,
    access_key: str,
    secret_key: str,
    region: str,
    now: _dt.datetime | None = None,
) -> urllib.request.Request:
    """A SigV4-signed GET of ``/<bucket>?<query>`` (path style)."""
    if "://" not in endpoint:
        endpoint = "https://" + endpoint
    u = urllib.parse.urlsplit(endpoint)
    now = now or _dt.datetime.now(_dt.UTC)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    path = f"{u.path.rstrip('/')}/{urllib.parse.quote(bucket)}"
    qs = "&".join(
        f"{urllib.parse.quote(k, safe='')}={urllib.parse.quote(str(v), safe='')}" for k, v in sorted(query.items())
    )
    payload = hashlib.sha256(b"").hexdigest()
    headers = {"host": u.netloc, "x-amz-content-sha256": payload, "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(["GET", path, qs, "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)), signed, payload])
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _sign(_sign(_sign(_sign(("AWS4" + secret_key).encode(), day), region), "s3"), "aws4_request")
    sig = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={sig}"
    )
    return urllib.request.Request(f"{u.scheme}://{u.netloc}{path}?{qs}", headers=headers)


def probe(
    endpoint: str,
    bucket: str,
    prefix: str,
    access_key: str,
    secret_key: str,
    region: str = "us-east-1",
    timeout: float = 5.0,
) -> Probe:
    prefix = prefix.strip("/") + "/"
    where = f"s3://{bucket}/{prefix}"
    req = signed_request(
        endpoint, bucket, {"list-type": "2", "prefix": prefix, "max-keys": "1000"}, access_key, secret_key, region
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            root = ET.fromstring(r.read())
    except urllib.error.HTTPError as exc:
        code = exc.code
        fix = {
            403: "check the connection's access key and secret (AccessDenied)",
            404: "check the bucket name (NoSuchBucket)",
        }.get(code, "check the connection")
        return Probe("fail", f"{where}: S3 answered {code}", fix)
    except (urllib.error.URLError, OSError, ET.ParseError) as exc:
        return Probe(
            "warn",
            f"{where}: endpoint {endpoint} not reachable from here ({type(exc).__name__})",
            "check AWS_S3_ENDPOINT; the cluster may still reach it",
        )
    keys = {(c.findtext(f"{_NS}Key") or ""): int(c.findtext(f"{_NS}Size") or 0) for c in root.iter(f"{_NS}Contents")}
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
