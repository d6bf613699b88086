"""A schemathesis campaign against a real ``jupyter server`` with OptiServe, on loopback only.

All phases (examples, coverage, fuzzing, stateful) and all checks, against the served OpenAPI document,
with the fake Kubernetes API server (its simulated KServe controller finishes the deploys the
campaign starts). It counts every request and every 5xx from schemathesis' HAR report, and the
tracebacks the server wrote to its log. Exit 0 only with at least ``--min-requests`` requests, no
5xx and no traceback.

Run from the repository root:  .venv/bin/python bench/schemathesis_campaign.py [--max-examples 60]
(opt-in as a test: OPTISERVE_CAMPAIGN=1 pytest tests/server/test_campaign.py)
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from bench_server import Server  # noqa: E402


def run_campaign(max_examples: int, workers: int, seed: int, max_time: int, report_dir: Path | None = None) -> dict:
    sys.path.insert(0, str(ROOT))
    from jupyter_optiserve.testing.fakekube import FakeKubeServer

    with tempfile.TemporaryDirectory(prefix="optiserve-campaign-") as tmp:
        tmp = Path(tmp)
        out = report_dir or tmp
        out.mkdir(parents=True, exist_ok=True)
        fk = FakeKubeServer(namespace="demo", service_account="workbench").start()
        fk.set_scenario("success", step_seconds=0.05)  # deploys the campaign starts end quickly
        server = Server(
            str(fk.write_kubeconfig(tmp / "kubeconfig")),
            "demo",
            tmp,
            {"request_timeout": 5.0, "prompt_timeout": 5.0, "max_tasks": 20},
        )
        har = out / "campaign.har"
        cmd = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"http://127.0.0.1:{server.port}/optiserve/openapi.json",
            "--url",
            f"http://127.0.0.1:{server.port}",
            "-H",
            f"Authorization: token {server.token}",
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--checks",
            "all",
            "-n",
            str(max_examples),
            "--seed",
            str(seed),
            "--workers",
            str(workers),
            "--request-timeout",
            "30",
            "--max-time",
            str(max_time),
            "--continue-on-failure",
            "--no-shrink",
            "--report",
            "har",
            "--report-har-path",
            str(har),
            "--suppress-health-check",
            "all",
            "--warnings",
            "off",
        ]
        t0 = time.monotonic()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=max_time + 300, cwd=tmp)
        finally:
            server.stop()
            fk.stop()
        wall = time.monotonic() - t0
        log = (tmp / "server.log").read_text(errors="replace")
        entries = json.loads(har.read_text())["log"]["entries"] if har.exists() else []
    statuses = collections.Counter(e["response"]["status"] for e in entries)
    fivexx = [
        f"{e['request']['method']} {e['request']['url']} -> {e['response']['status']}"
        for e in entries
        if e["response"]["status"] >= 500
    ]
    tail = proc.stdout[-4000:]
    return {
        "requests": len(entries),
        "statuses": dict(sorted(statuses.items())),
        "5xx": len(fivexx),
        "5xx_examples": fivexx[:10],
        "tracebacks": log.count("Traceback"),
        "seconds": round(wall, 1),
        "schemathesis_exit": proc.returncode,
        "schemathesis_summary": tail,
        "server_log_tail": _tracebacks(log),
    }


def _tracebacks(log: str, keep: int = 3) -> str:
    """The first ``keep`` tracebacks of the server log, each with the line before it (the request)."""
    out, lines = [], log.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Traceback") and len(out) < keep:
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("[")), len(lines))
            out.append("\n".join(lines[max(0, i - 1) : end]))
    return "\n\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-examples", type=int, default=60, help="examples per operation and phase")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--max-time", type=int, default=1500, help="seconds for the whole run")
    ap.add_argument("--min-requests", type=int, default=5000)
    ap.add_argument("--report-dir", type=Path)
    args = ap.parse_args(argv)
    res = run_campaign(args.max_examples, args.workers, args.seed, args.max_time, args.report_dir)
    print(res["schemathesis_summary"])
    if res["server_log_tail"]:
        print("server log:\n" + res["server_log_tail"])
    print(
        f"schemathesis campaign: {res['requests']} requests in {res['seconds']} s, statuses {res['statuses']}, "
        f"5xx: {res['5xx']}, tracebacks in the server log: {res['tracebacks']}"
    )
    for line in res["5xx_examples"]:
        print("  5xx:", line)
    ok = res["requests"] >= args.min_requests and res["5xx"] == 0 and res["tracebacks"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
