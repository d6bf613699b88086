"""Does the cluster have it? True, False on 404, None when we may not tell (forbidden, odd answer).

An unreachable cluster is not "absent": it raises, so the caller reports the real problem.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jupyter_optiserve.errors import ClusterUnreachableError, NotFoundError, OptiServeError

if TYPE_CHECKING:
    from jupyter_optiserve.kube.client import KubeConnection


def probe(conn: KubeConnection, fn: Callable[..., Any], *args: Any, **kw: Any) -> bool | None:
    """Whether ``conn.get_json(fn, *args, **kw)`` answers."""
    try:
        conn.get_json(fn, *args, **kw)
        return True
    except NotFoundError:
        return False
    except ClusterUnreachableError:
        raise
    except OptiServeError:
        return None


def serves(conn: KubeConnection, group: str, version: str, plural: str, namespace: str | None = None) -> bool | None:
    """Whether the API serves this custom resource (in ``namespace``, or cluster-wide)."""
    if namespace:
        return probe(conn, conn.custom.list_namespaced_custom_object, group, version, namespace, plural, limit=1)
    return probe(conn, conn.custom.list_cluster_custom_object, group, version, plural, limit=1)
