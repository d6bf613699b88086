"""Run the fake API server in the foreground (Playwright global setup, manual poking with kubectl).

    python -m jupyter_optiserve.testing.fakekube --port 0 --kubeconfig /tmp/fake.kubeconfig \
        --namespace demo --simulate-kserve --preset full --seed extra.yaml

The first stdout line is the port; the server runs until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

import yaml

from .controller import SCENARIOS
from .seeds import PRESETS
from .server import FakeKubeServer


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m jupyter_optiserve.testing.fakekube",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--kubeconfig", help="write a kubeconfig for the server here")
    p.add_argument("--namespace", default="default", help="current namespace in the kubeconfig")
    p.add_argument("--service-account", default="default", help="identity shown in 403 messages")
    p.add_argument("--crds", help="folder with the KServe CRDs (default: $OPTISERVE_KSERVE_CRDS or ../shared)")
    p.add_argument("--simulate-kserve", action="store_true", help="drive InferenceService status and pods")
    p.add_argument("--scenario", default="success", choices=SCENARIOS)
    p.add_argument("--step-seconds", type=float, help="simulation step (default $FAKEKUBE_STEP_SECONDS or 0.2)")
    p.add_argument("--endpoint-url", help="status.url for simulated InferenceServices")
    p.add_argument("--llmisvc", action="store_true", help="serve the llm-d LLMInferenceService CRDs")
    p.add_argument("--preset", choices=PRESETS, help="seed a preset cluster (see seeds.seed_cluster)")
    p.add_argument("--seed", action="append", default=[], metavar="FILE.yaml", help="multi-document YAML")
    p.add_argument("--deny", help="JSON list of deny rules (default $FAKEKUBE_DENY)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    server = FakeKubeServer(
        host=args.host,
        port=args.port,
        namespace=args.namespace,
        service_account=args.service_account,
        crds_dir=args.crds,
        llmisvc=args.llmisvc,
        simulate_kserve=args.simulate_kserve,
        scenario=args.scenario,
        step_seconds=args.step_seconds,
        endpoint_url=args.endpoint_url,
        deny=json.loads(args.deny) if args.deny else None,
    )
    if args.preset:
        server.load_preset(args.preset)
    for path in args.seed:
        with open(path) as f:
            server.seed([d for d in yaml.safe_load_all(f) if d])
    server.start()
    if args.kubeconfig:
        server.write_kubeconfig(args.kubeconfig)
    print(server.port, flush=True)
    print(
        f"fakekube serving {server.url} (CRD validation: {'on' if server.has_crds else 'off'})",
        file=sys.stderr,
        flush=True,
    )
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
