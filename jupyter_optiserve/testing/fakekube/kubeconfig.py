"""Write a kubeconfig that points the official clients (and kubectl) at a fake server."""

from __future__ import annotations

import os
from pathlib import Path

import yaml


def kubeconfig_dict(
    server_url: str,
    namespace: str = "default",
    context: str = "fakekube",
    token: str = "fakekube-token",
    user: str = "fakekube-user",
) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": context, "cluster": {"server": server_url}}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": context, "context": {"cluster": context, "user": user, "namespace": namespace}}],
        "current-context": context,
    }


def write_kubeconfig(
    path: str | os.PathLike,
    server_url: str,
    namespace: str = "default",
    context: str = "fakekube",
    token: str = "fakekube-token",
    user: str = "fakekube-user",
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(kubeconfig_dict(server_url, namespace, context, token, user), sort_keys=False))
    os.chmod(path, 0o600)  # kubectl warns about group/world-readable kubeconfigs
    return path
