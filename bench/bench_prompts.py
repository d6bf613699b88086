"""Hung model endpoints must never slow Kubernetes calls: a real ``jupyter server`` process, 16 prompts
to an endpoint that accepts and never answers, and meanwhile ``GET /optiserve/deployments`` timed
sequentially (target p95 < 200 ms). Prompts run on their own bounded pool with a total deadline.

Run from the repository root:  .venv/bin/python bench/bench_prompts.py [--prompts 16] [--requests 100]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from bench_server import Server  # noqa: E402


class HungEndpoint:
    """Accepts connections, reads the request, never answers (until stopped)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.conns.append(conn)  # held open, never answered
            except OSError:
                continue

    def close(self) -> None:
        self.stop.set()
        for c in self.conns:
            c.close()
        self.sock.close()


def ready_isvc(name: str, url: str) -> dict:
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {"name": name, "namespace": "demo", "labels": {"app.kubernetes.io/managed-by": "optiserve"}},
        "spec": {"predictor": {"model": {"modelFormat": {"name": "vLLM"}, "runtime": name}}},
        "status": {"url": url, "conditions": [{"type": "Ready", "status": "True"}]},
    }


def time_list(server: Server, n: int) -> list[float]:
    lat = []
    for _ in range(n):
        t = time.perf_counter()
        server.get("/optiserve/deployments")
        lat.append((time.perf_counter() - t) * 1000)
    return lat


def summary(lat: list[float]) -> dict:
    q = statistics.quantiles(sorted(lat), n=100)
    return {"requests": len(lat), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "max_ms": round(max(lat), 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompts", type=int, default=16, help="hung prompts in flight")
    ap.add_argument("--requests", type=int, default=100, help="GET /optiserve/deployments timed meanwhile")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from jupyter_optiserve.testing.fakekube import FakeKubeServer

    hung = HungEndpoint()
    with tempfile.TemporaryDirectory(prefix="optiserve-bench-prompts-") as tmp:
        tmp = Path(tmp)
        fk = FakeKubeServer(namespace="demo", service_account="workbench").start()
        fk.seed([ready_isvc("hung", hung.url)])
        server = Server(str(fk.write_kubeconfig(tmp / "kubeconfig")), "demo", tmp, {"prompt_timeout": 60.0})
        answers: list = []
        try:
            time_list(server, 5)  # warm-up
            base = summary(time_list(server, args.requests))

            def prompt():
                try:
                    answers.append(server.post("/optiserve/deployments/hung/prompt", {"text": "Hi", "max_tokens": 8}))
                except (OSError, urllib.error.URLError) as exc:
                    answers.append(("error", str(exc)))

            threads = [threading.Thread(target=prompt, daemon=True) for _ in range(args.prompts)]
            for t in threads:
                t.start()
            time.sleep(1.0)  # all prompts in flight: the endpoint pool is full, the rest queue
            in_flight = len(hung.conns)
            loaded = summary(time_list(server, args.requests))
            still_hung = sum(t.is_alive() for t in threads)
        finally:
            server.stop()
            fk.stop()
            hung.close()
    ok = loaded["p95_ms"] < 200
    print(
        f"GET /optiserve/deployments with {args.prompts} prompts hung on a silent endpoint "
        f"({in_flight} connections open, {still_hung} prompts still waiting at the end): {loaded['requests']} "
        f"requests, p50 {loaded['p50_ms']} ms, p95 {loaded['p95_ms']} ms, max {loaded['max_ms']} ms "
        f"[target p95 < 200 ms: {'met' if ok else 'MISSED'}]; without prompts: p50 {base['p50_ms']} ms, "
        f"p95 {base['p95_ms']} ms"
    )
    print(
        json.dumps(
            {
                "with_hung_prompts": loaded,
                "baseline": base,
                "prompts": args.prompts,
                "endpoint_connections": in_flight,
                "prompts_still_waiting": still_hung,
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
