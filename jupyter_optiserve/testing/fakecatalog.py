"""A tiny local RHOAI model-catalog server for tests: the model search and the performance artifacts of
``/api/model_catalog/v1alpha1``, in the catalog's wire shape (MetadataValue custom properties, pages).

``performance_artifact(...)`` builds one artifact the way the catalog stores them; ``service(...)``
the ``model-catalog`` Service that points the fake Kubernetes API at this server.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

API = "/api/model_catalog/v1alpha1"


def _prop(v) -> dict:
    if isinstance(v, bool):
        return {"metadataType": "MetadataBoolValue", "bool_value": v}
    if isinstance(v, int):
        return {"metadataType": "MetadataIntValue", "int_value": str(v)}
    if isinstance(v, float):
        return {"metadataType": "MetadataDoubleValue", "double_value": v}
    return {"metadataType": "MetadataStringValue", "string_value": str(v)}


def performance_artifact(hardware: str, count: int, rps: float, use_case: str = "chatbot", **metrics) -> dict:
    """``metrics``: e.g. ttft_p90=102.5, itl_mean=26.8 (ms), tps_mean=1105.4, mean_input_tokens=512.0."""
    props = {"hardware_type": hardware, "hardware_count": count, "requests_per_second": float(rps)}
    props |= {"use_case": use_case, "framework_type": "vllm", **metrics}
    return {
        "artifactType": "metrics-artifact",
        "metricsType": "performance-metrics",
        "customProperties": {k: _prop(v) for k, v in props.items()},
    }


def service(port: int, namespace: str = "rhoai-model-registries", https: bool = False) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "model-catalog", "namespace": namespace, "labels": {"component": "model-catalog"}},
        "spec": {
            "clusterIP": "127.0.0.1",
            "ports": [{"name": "https-api" if https else "http-api", "port": port, "protocol": "TCP"}],
        },
    }


class FakeCatalog:
    """``with FakeCatalog({("source", "org/model"): [artifact, ...]}) as cat: cat.port``."""

    def __init__(self, models: dict[tuple[str, str], list[dict]], token: str = "", page_size: int = 100):
        self.models, self.token, self.page_size = models, token, page_size
        self.requests: list[str] = []
        self._srv = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))

    @property
    def port(self) -> int:
        return self._srv.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeCatalog:
        threading.Thread(target=self._srv.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._srv.shutdown()
        self._srv.server_close()

    def answer(self, path: str, query: dict, auth: str) -> tuple[int, dict]:
        self.requests.append(path)
        if self.token and auth != f"Bearer {self.token}":
            return 401, {"code": "401", "message": "Unauthorized"}
        if not path.startswith(API):
            return 404, {"code": "404", "message": "not found"}
        rest = path[len(API) :]
        if rest == "/models":
            q = (query.get("q") or "").lower()
            items = [{"name": name, "source_id": src} for (src, name) in self.models if q in name.lower() or not q]
            return 200, {"items": items, "size": len(items), "pageSize": len(items), "nextPageToken": ""}
        if rest.startswith("/sources/") and rest.endswith("/artifacts/performance"):
            src, _, name = rest[len("/sources/") : -len("/artifacts/performance")].partition("/models/")
            arts = self.models.get((unquote(src), unquote(name)))
            if arts is None:
                return 404, {"code": "404", "message": f"no model {name} in {src}"}
            start = int(query.get("nextPageToken") or 0)
            size = min(self.page_size, int(query.get("pageSize") or 100))
            page = arts[start : start + size]
            nxt = str(start + size) if start + size < len(arts) else ""
            return 200, {"items": page, "size": len(page), "pageSize": size, "nextPageToken": nxt}
        return 404, {"code": "404", "message": "not found"}


def _handler(fake: FakeCatalog):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            u = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(u.query).items()}
            status, body = fake.answer(u.path, query, self.headers.get("Authorization") or "")
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
