"""pytest fixtures for the fake Kubernetes API server.

Enable with `pytest_plugins = ["jupyter_optiserve.testing.pytest_plugin"]` in the root conftest.py.

- `fake_kube` (session): one FakeKubeServer for the whole run, namespace "demo",
  identity system:serviceaccount:demo:workbench.
- `kube` (function): resets store, deny-list and scenario, and yields a `KubeHandle`.
- `kube_crds` (function): like `kube`, but skips the test when the KServe CRDs are absent.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from .fakekube import FakeKubeServer
from .fakekube.schema import CRDS_ENV

NAMESPACE = "demo"


class KubeHandle:
    """What a test needs: the URL, a kubeconfig, seeding and the test hooks."""

    def __init__(self, server: FakeKubeServer, kubeconfig: Path):
        self.server = server
        self.kubeconfig = kubeconfig
        self.namespace = server.namespace
        self._clients: list[Any] = []

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def has_crds(self) -> bool:
        return self.server.has_crds

    @property
    def requests(self) -> list[dict]:
        return self.server.requests

    def env(self) -> dict[str, str]:
        return {"KUBECONFIG": str(self.kubeconfig)}

    def seed(self, objects: Iterable[dict]) -> list[dict]:
        return self.server.seed(objects)

    def preset(self, kind: str) -> None:
        self.server.load_preset(kind)

    def deny(self, rules: Iterable[Any], replace: bool = True) -> None:
        self.server.deny(rules, replace=replace)

    def scenario(self, name: str = "success", **kw: Any) -> None:
        """Turn on the KServe simulation with this default scenario (kw: step_seconds, endpoint_url)."""
        self.server.set_scenario(name, **kw)

    def fault(self, **kw: Any):
        return self.server.add_fault(**kw)

    def api_client(self):
        """A kubernetes.client.ApiClient from this kubeconfig (never the global config)."""
        from kubernetes import config

        client = config.new_client_from_config(config_file=str(self.kubeconfig))
        self._clients.append(client)
        return client

    def close(self) -> None:
        for c in self._clients:
            try:
                c.close()
            except Exception:
                pass
        self._clients.clear()


@pytest.fixture(scope="session")
def fake_kube(tmp_path_factory) -> Iterable[KubeHandle]:
    server = FakeKubeServer(namespace=NAMESPACE, service_account="workbench").start()
    handle = KubeHandle(server, server.write_kubeconfig(tmp_path_factory.mktemp("fakekube") / "kubeconfig"))
    yield handle
    handle.close()
    server.stop()


@pytest.fixture
def kube(fake_kube: KubeHandle) -> Iterable[KubeHandle]:
    fake_kube.server.reset()
    yield fake_kube
    fake_kube.close()
    fake_kube.server.simulator.disable()


@pytest.fixture
def kube_crds(kube: KubeHandle) -> KubeHandle:
    if not kube.has_crds:
        pytest.skip(
            f"KServe CRDs not found (set ${CRDS_ENV} or check out ../shared/reference/kserve-crds); "
            "schema validation tests need them"
        )
    return kube


@pytest.fixture
def no_ambient_cluster(monkeypatch, tmp_path):
    """No test may pick up the developer's kubeconfig, a workbench's service account or token:
    request it from an autouse fixture in a test folder's conftest."""
    from jupyter_optiserve.kube import client

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "NB_PREFIX", "OPTISERVE_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(client, "SA_DIR", tmp_path / "no-serviceaccount")
