"""An IPython shell with ``%optiserve`` loaded, never touching a real cluster."""

import pytest


@pytest.fixture(autouse=True)
def _isolated(no_ambient_cluster):
    """Never the developer's kubeconfig, service account or token (the plugin's fixture)."""


@pytest.fixture(scope="session")
def ip():
    from IPython.testing.globalipapp import get_ipython

    shell = get_ipython()
    shell.run_line_magic("load_ext", "jupyter_optiserve")
    return shell


@pytest.fixture
def magic(ip):
    """``magic("recommend ...")`` runs ``%optiserve recommend ...`` and returns its value."""
    return lambda line: ip.run_line_magic("optiserve", line)


@pytest.fixture
def cluster(ip, kube):
    """Point the magic at the fake API server through its traitlets config (as a user would)."""
    from jupyter_optiserve.magics.backend import forget_settings

    forget_settings()  # the fake cluster is reset per test: no inventory cached from the last one
    ip.run_line_magic("config", f"OptiServeMagics.kubeconfig = {str(kube.kubeconfig)!r}")
    yield kube
    ip.run_line_magic("config", "OptiServeMagics.kubeconfig = None")
    forget_settings()
