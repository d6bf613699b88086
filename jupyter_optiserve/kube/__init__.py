"""Kubernetes access for OptiServe: one connection factory, bounded calls, permission checks."""

from jupyter_optiserve.kube.access import Rule, can_i, check_access, grant_commands, grant_hint, whoami
from jupyter_optiserve.kube.client import Identity, KubeConnection, NoCluster, call, connect

__all__ = [
    "connect",
    "call",
    "KubeConnection",
    "Identity",
    "NoCluster",
    "Rule",
    "can_i",
    "check_access",
    "grant_hint",
    "grant_commands",
    "whoami",
]
