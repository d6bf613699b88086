"""Where the model weights come from, as the InferenceService's ``storageUri`` or ``storage`` fields.

Supported: ``oci://`` modelcars (the variant's exact image string from model-variants.csv),
``hf://`` (the token only as a Secret reference, never inline), S3 data connections
(``storage.key`` = the connection Secret, ``storage.path`` = the folder), ``pvc://<claim>/<path>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jupyter_optiserve.errors import InvalidInputError

SCHEMES = ("oci", "hf", "s3", "pvc", "https", "http", "gs")
_SECRETISH = re.compile(r"(hf_[A-Za-z0-9]{20,}|[?&](token|access_token|X-Amz-Signature|sig)=|AKIA[0-9A-Z]{16})")


@dataclass
class Storage:
    kind: str  # oci | hf | s3 | pvc | uri
    uri: str | None  # storageUri (None for an S3 data connection)
    key: str | None = None  # S3 data connection Secret -> storage.key
    path: str | None = None  # folder inside the connection's bucket -> storage.path
    bucket: str | None = None  # bucket named in s3://bucket/... (checked against the connection)
    secret: str | None = None  # HF token Secret, S3 connection or OCI pull secret
    secret_key: str | None = None
    env: list = field(default_factory=list)
    image_pull_secrets: list = field(default_factory=list)
    note: str = ""

    def model_fields(self) -> dict:
        """The ``predictor.model`` fields that point at the weights."""
        if self.key:
            return {"storage": {"key": self.key, "path": self.path or ""}}
        return {"storageUri": self.uri}

    @property
    def pvc(self) -> str | None:
        return self.uri.split("/")[2] if self.kind == "pvc" and self.uri else None

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "uri": self.uri,
            "connection": self.key,
            "path": self.path,
            "secret": self.secret,
            "note": self.note,
        }


def parse_secret_ref(ref: str | None, default_key: str) -> tuple[str | None, str]:
    """``name`` or ``name:key`` -> (name, key)."""
    if not ref:
        return None, default_key
    name, _, key = ref.partition(":")
    if _SECRETISH.search(ref) or not re.fullmatch(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", name) or len(name) > 253:
        # never echo the value: a pasted token would land in the answer and the server log
        what = "looks like a token itself" if _SECRETISH.search(ref) else "is not a valid Kubernetes name"
        raise InvalidInputError(
            f"the secret reference ({len(ref)} characters, not shown) {what}",
            hint="pass the Secret's name (not its value), optionally NAME:KEY; put the token "
            "in a Secret with `oc create secret generic NAME --from-literal=HF_TOKEN=...`",
        )
    return name, key or default_key


def resolve_storage(
    model,
    variant=None,
    *,
    storage_uri: str | None = None,
    hf_token_secret: str | None = None,
    connection: str | None = None,
    pull_secret: str | None = None,
    catalog=None,
    precision: str | None = None,
) -> Storage:
    """Pick and check the model source; never accepts a credential inline."""
    for ref in (hf_token_secret, pull_secret, connection):
        parse_secret_ref(ref, "")  # a pasted token fails here, whatever the storage scheme
    if (
        storage_uri
        and _SECRETISH.search(storage_uri)
        or (storage_uri and re.match(r"^\w[\w+]*://[^/@]+:[^/@]+@", storage_uri))
    ):
        raise InvalidInputError(
            "--storage-uri seems to contain a credential; OptiServe never writes secrets into manifests",
            hint="put the token in a Secret and pass --hf-token-secret NAME or --connection NAME",
        )
    if connection:
        return _s3_connection(connection, storage_uri)
    uri = storage_uri or _default_uri(model, variant, catalog, precision)
    scheme = uri.split("://", 1)[0].split("+", 1)[0] if "://" in uri else ""
    if scheme not in SCHEMES:
        raise InvalidInputError(
            f"--storage-uri '{uri}' has no supported scheme",
            hint="use oci://, hf://, s3://, pvc://<claim>/<path> or https://",
        )
    if scheme == "hf":
        name, key = parse_secret_ref(hf_token_secret, "HF_TOKEN")
        if not re.fullmatch(r"hf://[\w.\-]+/[\w.\-]+(@[\w.\-]+)?", uri):
            raise InvalidInputError(
                f"--storage-uri '{uri}' is not hf://<org>/<repo>", hint="e.g. hf://ibm-granite/granite-3.1-8b-instruct"
            )
        env = [{"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": name, "key": key}}}] if name else []
        note = "" if name else "no --hf-token-secret: gated or private models will fail to download (401)"
        return Storage("hf", uri, secret=name, secret_key=key if name else None, env=env, note=note)
    if scheme == "pvc":
        m = re.fullmatch(r"pvc://([a-z0-9]([-a-z0-9.]*[a-z0-9])?)(/.*)?", uri)
        if not m:
            raise InvalidInputError(
                f"--storage-uri '{uri}' is not pvc://<claim>/<path>", hint="e.g. pvc://models/granite-8b"
            )
        return Storage("pvc", uri)
    if scheme == "oci":
        pull, _ = parse_secret_ref(pull_secret, "")
        return Storage("oci", uri, secret=pull, image_pull_secrets=[{"name": pull}] if pull else [])
    if scheme == "s3":
        return Storage("s3", uri, note="no --connection: KServe uses the namespace's storage-config secret")
    return Storage("uri", uri)


def _s3_connection(connection: str, storage_uri: str | None) -> Storage:
    name, _ = parse_secret_ref(connection, "")
    bucket, path = None, ""
    if storage_uri:
        m = re.fullmatch(r"s3://([^/]+)/?(.*)", storage_uri)
        if not m:
            raise InvalidInputError(
                f"with --connection, --storage-uri must be s3://<bucket>/<folder>, got '{storage_uri}'",
                hint="or give only the folder with s3:///<folder>",
            )
        bucket, path = m.group(1) or None, m.group(2).strip("/")
    if not path:
        raise InvalidInputError(
            "an S3 data connection needs the model folder",
            hint="pass --storage-uri s3://<bucket>/<folder> together with --connection",
        )
    return Storage("s3", None, key=name, path=path, bucket=bucket, secret=name)


def _default_uri(model, variant, catalog, precision) -> str:
    """A Red Hat modelcar when the catalog has one for exactly these weights, else Hugging Face."""
    if variant is not None:
        return f"oci://{variant.oci_image}" if variant.oci_image else f"hf://{variant.id}"
    if getattr(model, "origin", "catalog") == "config.json":
        raise InvalidInputError(
            f"model '{model.id}' comes from a local config.json: OptiServe cannot tell where its weights are",
            hint="pass --storage-uri (pvc://, s3:// with --connection, oci:// or hf://)",
        )
    if catalog is not None:  # no variant: the base weights (also for on-the-fly fp8)
        for v in catalog.variants_for(model):
            if v.scheme == "none" and v.oci_image:  # a mirror of the same 16-bit weights
                return f"oci://{v.oci_image}"
    return f"hf://{model.hf_id}"
