"""A small, stateful, honest fake Kubernetes API server for tests (see docs/fakekube.md)."""

from .controller import SCENARIO_ANNOTATION, SCENARIOS, STOP_ANNOTATION
from .kubeconfig import write_kubeconfig
from .server import FakeKubeServer

__all__ = ["FakeKubeServer", "SCENARIOS", "SCENARIO_ANNOTATION", "STOP_ANNOTATION", "write_kubeconfig"]
