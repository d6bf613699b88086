"""Hardware tests use the fake API server's fixtures (``kube``) and never a real ~/.kube/config."""

import pytest

# Imported rather than listed in pytest_plugins (only the root conftest may do that); if the root
# conftest registers the plugin too, these names simply shadow the same fixtures.
from jupyter_optiserve.testing.pytest_plugin import fake_kube, kube  # noqa: F401


@pytest.fixture(autouse=True)
def _isolated(no_ambient_cluster):
    """Never the developer's kubeconfig, service account or token (the plugin's fixture)."""
