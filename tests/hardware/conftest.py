"""Hardware tests use the fake API server's fixtures (``kube``) and never a real ~/.kube/config."""

import pytest

# Imported rather than listed in pytest_plugins (only the root conftest may do that); if the root
# conftest registers the plugin too, these names simply shadow the same fixtures.
from jupyter_optiserve.testing.pytest_plugin import fake_kube, kube  # noqa: F401


@pytest.fixture(autouse=True)
def no_ambient_cluster(monkeypatch, tmp_path):
    """No test may pick up the developer's kubeconfig, a workbench's service account or a real GPU."""
    from jupyter_optiserve.kube import client

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "NB_PREFIX"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(client, "SA_DIR", tmp_path / "no-serviceaccount")
