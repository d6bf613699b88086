"""Moved to :mod:`jupyter_optiserve.commands.planflags` (importing this package pulls in the
Kubernetes client, which the CLI should not pay for at start-up); kept for existing imports."""

from jupyter_optiserve.commands.planflags import (  # noqa: F401
    KPIS,
    add_cluster_flags,
    add_plan_flags,
    connect_from_args,
    plan_from_args,
    print_notes,
)
