"""Measured ("benchmarked") performance from the cluster's RHOAI model catalog, beside our estimates.

RHOAI runs the model-registry catalog server as the Service ``model-catalog`` (label
``component=model-catalog``, port named ``https-api`` or ``http-api``) in the model-registries
namespace; the dashboard finds it the same way. Its REST API (``/api/model_catalog/v1alpha1``) lists
models across sources, and each validated model has ``metrics-artifact`` artifacts with
``metricsType: performance-metrics`` whose ``customProperties`` carry the hardware (``hardware_type``,
``hardware_count``, ``hardware_configuration``), the workload (``use_case``, mean token counts),
``ttft_``/``itl_``/``e2e_``/``tps_`` mean and p90/p95/p99 (ms, tokens/s) and ``requests_per_second``
per replica. Replicas for a target rate are ``ceil(target / requests_per_second)``, as the catalog does.

No catalog (or no access, or a slow one) changes nothing: one short timeout, remembered per process.
"""

from __future__ import annotations

import json
import math
import os
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from jupyter_optiserve.catalog import Catalog
    from jupyter_optiserve.catalog.accelerators import AcceleratorCatalog
    from jupyter_optiserve.kube.client import KubeConnection

API_PATH = "/api/model_catalog/v1alpha1"
SERVICE = "model-catalog"
COMPONENT = "model-catalog"  # the Service's ``component`` label
NAMESPACES = ("rhoai-model-registries", "odh-model-registries")  # RHOAI, ODH defaults
ENV_URL = "OPTISERVE_MODEL_CATALOG_URL"  # a configured catalog (base URL, with or without the API path)
ENV_NAMESPACE = "OPTISERVE_MODEL_CATALOG_NAMESPACE"  # a non-default model-registries namespace
SERVICE_CA = "/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt"
TIMEOUT = 2.0
TTL = 300.0
_METRICS = ("ttft", "itl", "e2e", "tps")
_STATS = ("mean", "p90", "p95", "p99")

Json = dict[str, Any]  # a decoded JSON object (catalog answers, benchmarked points)
_T = TypeVar("_T")


class CatalogSettings(Protocol):
    """What a lookup reads of one configured instance (the service layer's Settings)."""

    offline: bool
    kubeconfig: str | None
    context: str | None
    namespace: str | None

    def connect(self, namespace: str | None = None, required: bool = True) -> KubeConnection | None: ...

    def catalog(self) -> Catalog: ...


@dataclass(frozen=True)
class Endpoint:
    base: str  # ends with the API path
    token: str = ""  # the caller's own bearer token (the catalog sits behind kube-rbac-proxy)
    ca_file: str = ""
    where: str = ""  # for messages: "Service rhoai-model-registries/model-catalog" or the env variable

    def get(self, path: str, params: dict[str, Any] | None = None, timeout: float = TIMEOUT) -> Json:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        ctx = None
        if url.startswith("https://"):
            ctx = ssl.create_default_context()
            if self.ca_file and os.path.isfile(self.ca_file):
                ctx.load_verify_locations(self.ca_file)
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout, context=ctx) as r:
            answer: Json = json.loads(r.read())  # the catalog's REST API answers JSON objects
        return answer


# -- discovery ----------------------------------------------------------------------------------------------
def discover(conn: KubeConnection | None) -> Endpoint | None:
    """The configured URL, else the ``model-catalog`` Service of the model-registries namespace."""
    token, kube_ca = _credentials(conn)
    url = os.environ.get(ENV_URL, "").strip().rstrip("/")
    if url:
        base = url if url.endswith(API_PATH) else url + API_PATH
        return Endpoint(base, token, _ca(kube_ca), ENV_URL)
    if conn is None:
        return None
    from jupyter_optiserve.errors import OptiServeError

    extra = os.environ.get(ENV_NAMESPACE, "").strip()
    for ns in ([extra] if extra else []) + list(NAMESPACES):
        try:
            svc = conn.get_json(conn.core.read_namespaced_service, SERVICE, ns)
        except OptiServeError:  # absent, forbidden or unreachable: not here
            continue
        ep = _from_service(svc, token, kube_ca)
        if ep:
            return ep
    return None


def _from_service(svc: Json, token: str, kube_ca: str) -> Endpoint | None:
    meta, spec = svc.get("metadata") or {}, svc.get("spec") or {}
    if (meta.get("labels") or {}).get("component") != COMPONENT:
        return None
    port = next((p for p in spec.get("ports") or [] if p.get("name") in ("https-api", "http-api")), None)
    if not port:
        return None
    scheme = "https" if port["name"] == "https-api" else "http"
    where = f"Service {meta.get('namespace')}/{meta.get('name')}"
    external = next((v for k, v in (meta.get("annotations") or {}).items() if k.endswith("/external-address-rest")), "")
    in_cluster = bool(os.environ.get("KUBERNETES_SERVICE_HOST"))
    if external and not in_cluster:  # outside the cluster only the route is reachable
        return Endpoint(f"{scheme}://{external}{API_PATH}", token, _ca(kube_ca), where)
    host = spec.get("clusterIP")
    if not host or host == "None":
        host = f"{meta.get('name')}.{meta.get('namespace')}.svc"
    return Endpoint(f"{scheme}://{host}:{port['port']}{API_PATH}", token, _ca(kube_ca), where)


def _credentials(conn: KubeConnection | None) -> tuple[str, str]:
    if conn is None:
        return "", ""
    cfg = conn.api_client.configuration
    auth = cfg.get_api_key_with_prefix("authorization") or cfg.get_api_key_with_prefix("BearerToken") or ""
    token = auth.split(" ", 1)[1] if auth.lower().startswith("bearer ") else auth
    return token, cfg.ssl_ca_cert or ""


def _ca(kube_ca: str) -> str:
    """The OpenShift service CA signs the catalog's in-cluster certificate; else the cluster's CA file."""
    return SERVICE_CA if os.path.isfile(SERVICE_CA) else kube_ca


# -- reading ------------------------------------------------------------------------------------------------
def find_model(ep: Endpoint, names: list[str]) -> tuple[str, str] | None:
    """(source_id, catalog name) of the first catalog model whose name matches one of ``names``
    (a Hugging Face id like ``RedHatAI/granite-3.1-8b-instruct`` or its last segment)."""
    wanted = [n.lower() for n in names if n]
    tails = {n.rsplit("/", 1)[-1] for n in wanted}
    for q in dict.fromkeys(tails):
        items = ep.get("/models", {"q": q, "pageSize": 100}).get("items") or []
        exact = [m for m in items if str(m.get("name", "")).lower() in wanted]
        tail = [m for m in items if str(m.get("name", "")).lower().rsplit("/", 1)[-1] in tails]
        for m in exact + tail:
            if m.get("source_id"):
                return m["source_id"], m["name"]
    return None


def performance(ep: Endpoint, source_id: str, name: str, max_pages: int = 10) -> list[Json]:
    """Every performance artifact of one model (followed across pages)."""
    path = f"/sources/{urllib.parse.quote(source_id, safe='')}/models/{urllib.parse.quote(name, safe='/')}"
    out: list[Json] = []
    token = ""
    for _ in range(max_pages):
        params = {"pageSize": 100, **({"nextPageToken": token} if token else {})}
        page = ep.get(path + "/artifacts/performance", params)
        out += [
            a for a in page.get("items") or [] if a.get("metricsType", "performance-metrics") == "performance-metrics"
        ]
        token = page.get("nextPageToken") or ""
        if not token:
            break
    return out


def _value(prop: Any) -> Any:
    """A MetadataValue's plain value (int_value is a string in the API)."""
    if not isinstance(prop, dict):
        return None
    for key in ("double_value", "int_value", "string_value", "bool_value"):
        if key in prop:
            v = prop[key]
            if key == "int_value":
                try:
                    return int(v)
                except (TypeError, ValueError):
                    return None
            return v
    return None


def parse(artifact: Json, accelerators: AcceleratorCatalog | None = None) -> Json | None:
    """One benchmarked point in our own shape; None when it lacks the hardware or the rate."""
    props = {k: _value(v) for k, v in (artifact.get("customProperties") or {}).items()}
    hw, count, rps = props.get("hardware_type"), props.get("hardware_count"), props.get("requests_per_second")
    if not hw or not isinstance(count, int) or not isinstance(rps, (int, float)) or rps <= 0:
        return None
    acc = accelerators.find(str(hw)) if accelerators is not None else None
    point: Json = {
        "hardware": str(hw),
        "gpus": count,
        "accelerator": acc.id if acc else None,
        "hardware_configuration": props.get("hardware_configuration") or f"{count} x {hw}",
        "use_case": props.get("use_case"),
        "requests_per_second": float(rps),
        "input_tokens": props.get("mean_input_tokens"),
        "output_tokens": props.get("mean_output_tokens"),
        "engine_version": props.get("framework_version"),
        "config_id": props.get("config_id"),
    }
    for metric in _METRICS:
        stats = {s: props.get(f"{metric}_{s}") for s in _STATS if isinstance(props.get(f"{metric}_{s}"), (int, float))}
        point[f"{metric}_ms" if metric != "tps" else "tokens_per_s"] = stats or None
    return point


def replicas_for(point: Json, target_rps: float) -> Json:
    """``{"replicas", "total_requests_per_second"}`` for a target rate, as the catalog computes them."""
    replicas = max(1, math.ceil(target_rps / point["requests_per_second"]))
    return {"replicas": replicas, "total_requests_per_second": round(replicas * point["requests_per_second"], 3)}


def matching(points: list[Json], accelerator: str | None, gpus: int | None) -> list[Json]:
    """The points measured on this accelerator with this many GPUs per replica."""
    return [p for p in points if p["accelerator"] == accelerator and p["gpus"] == gpus]


# -- cached lookups -----------------------------------------------------------------------------------------
_cache: dict[tuple[Any, ...], tuple[float, Any]] = {}
_lock = threading.Lock()


_generation = 0  # bumped when a lookup finds something new: answers memoised before it are stale


def _cached(key: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    global _generation
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < TTL:
            cached: _T = hit[1]
            return cached
    value = compute()
    with _lock:
        before = _cache.get(key)
        if ((before[1] if before else None) or None) != (
            value or None
        ):  # only news (a catalog found, gone or changed) counts
            _generation += 1
        _cache[key] = (time.monotonic(), value)
    return value


def memo_token() -> tuple[int, int]:
    """Part of a memoised recommend answer's key: it changes when a lookup found news and once per TTL,
    so a memoised answer never outlives the catalog data it shows (or its absence)."""
    return (int(time.monotonic() // TTL), _generation)


def clear_cache() -> None:
    global _generation
    with _lock:
        _cache.clear()
        _generation += 1


def endpoint_for(settings: CatalogSettings) -> Endpoint | None:
    """The catalog endpoint for one configured instance (a server session, a CLI run), looked up once per TTL."""
    key: tuple[Any, ...] = ("endpoint", id(settings), settings.kubeconfig, settings.context, settings.namespace)
    key += (os.environ.get(ENV_URL), os.environ.get(ENV_NAMESPACE))

    def lookup() -> Endpoint | None:
        try:
            conn = settings.connect(required=False)
        except Exception:  # an unusable kubeconfig is reported by the calls that need the cluster
            conn = None
        try:
            return discover(conn)
        finally:
            if conn is not None:
                conn.close()

    return _cached(key, lookup)


def points_for(ep: Endpoint, names: list[str], accelerators: AcceleratorCatalog | None = None) -> list[Json]:
    """The model's benchmarked points ([] when the catalog lacks the model or does not answer in time)."""

    def fetch() -> list[Json]:
        try:
            found = find_model(ep, names)
            if not found:
                return []
            return [p for p in (parse(a, accelerators) for a in performance(ep, *found)) if p]
        except (urllib.error.URLError, OSError, ValueError, TimeoutError):
            return []

    return _cached(("points", ep.base, tuple(names)), fetch)


def attach(out: Json, settings: CatalogSettings, target_rps: float | None = None) -> None:
    """Add ``benchmarked`` to a recommend answer: every point for the model (response) and the points
    matching each profile's accelerator and GPU count (per recommendation). Offline, without a catalog
    or without the model in it, the answer is left exactly as it was."""
    if settings.offline:
        return
    ep = endpoint_for(settings)
    if ep is None:
        return
    model = out.get("model") or {}
    points = points_for(ep, [model.get("hf_id") or "", model.get("id") or ""], settings.catalog().accelerators)
    if not points:
        return
    if target_rps:
        points = [{**p, **replicas_for(p, target_rps)} for p in points]
    out["benchmarked"] = {"source": ep.where, "target_rps": target_rps, "points": points}
    for rec in out.get("recommendations") or []:
        prof = rec.get("profile") or {}
        rec["benchmarked"] = matching(points, prof.get("accelerator"), prof.get("gpus"))


def table_rows(
    points: list[Json], recommendations: list[Json], target_rps: float | None
) -> tuple[list[list[Any]], list[str]]:
    """(rows, headers) for a text table: each measured point, and which recommendation (#) it matches."""

    def stat(d: dict[str, float] | None, key: str) -> float | None:
        v = (d or {}).get(key)
        return None if v is None else round(v, 1)

    ranks: dict[tuple[Any, Any], int] = {}
    for i, rec in enumerate(recommendations):
        prof = rec.get("profile") or {}
        ranks.setdefault((prof.get("accelerator"), prof.get("gpus")), i + 1)
    cols = ["hardware", "use case", "req/s per replica", "TTFT p90 ms", "ITL p90 ms", "E2E p90 ms", "matches #"]
    if target_rps:
        cols[3:3] = [f"replicas for {target_rps:g} req/s"]
    rows: list[list[Any]] = []
    for p in points:
        row = [
            p["hardware_configuration"],
            p.get("use_case") or "",
            f"{p['requests_per_second']:g}",
            stat(p.get("ttft_ms"), "p90"),
            stat(p.get("itl_ms"), "p90"),
            stat(p.get("e2e_ms"), "p90"),
            ranks.get((p.get("accelerator"), p["gpus"]), ""),
        ]
        if target_rps:
            row[3:3] = [p.get("replicas") or replicas_for(p, target_rps)["replicas"]]
        rows.append(row)
    return rows, cols
