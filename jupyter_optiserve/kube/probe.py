"""Does the cluster have it? True, False on 404, None when we may not tell (forbidden, odd answer).

An unreachable cluster is not "absent": it raises, so the caller reports the real problem.
"""

from __future__ import annotations

from jupyter_optiserve.errors import ClusterUnreachableError, NotFoundError, OptiServeError


def probe(conn, fn, *args, **kw) -> bool | None:
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


def serves(conn, group: str, version: str, plural: str, namespace: str | None = None) -> bool | None:
    """Whether the API serves this custom resource (in ``namespace``, or cluster-wide)."""
    if namespace:
        return probe(conn, conn.custom.list_namespaced_custom_object, group, version, namespace, plural, limit=1)
    return probe(conn, conn.custom.list_cluster_custom_object, group, version, plural, limit=1)
