"""Deploy: RHOAI-compatible KServe manifests, preflight, idempotent apply, live timeline, export.

Python API (the CLI, REST handlers and the UI use the same functions):

- ``plan_from_profile(profile, namespace=..., ...)`` / ``build_plan(model, kpi, namespace=...)`` -> Plan
- ``render(plan)`` -> list of manifest dicts; ``to_yaml(objs)``; ``ensure_valid(objs)``
- ``run_preflight(plan, objs, conn=None, inventory=None)`` -> Report (pass/warn/fail/skip checks)
- ``Deployer(conn).apply(objs, dry_run=False)`` / ``.stop`` / ``.delete`` / ``.list``
- ``follow(conn, name)`` -> Timeline; ``smoke_test(url, model, token)`` -> SmokeResult
- ``export(objs, out_dir, plan)`` -> written paths
"""

from jupyter_optiserve.deploy.deployer import ApplyResult, Deployer
from jupyter_optiserve.deploy.export import export
from jupyter_optiserve.deploy.follow import follow
from jupyter_optiserve.deploy.manifests import render, to_yaml
from jupyter_optiserve.deploy.plan import Plan, build_plan, plan_from_profile
from jupyter_optiserve.deploy.preflight import Report, run_preflight
from jupyter_optiserve.deploy.smoke import smoke_test, snippets
from jupyter_optiserve.deploy.validate import ensure_valid

__all__ = [
    "Plan",
    "build_plan",
    "plan_from_profile",
    "render",
    "to_yaml",
    "ensure_valid",
    "run_preflight",
    "Report",
    "Deployer",
    "ApplyResult",
    "follow",
    "smoke_test",
    "snippets",
    "export",
]
