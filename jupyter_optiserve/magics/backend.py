"""The magic's bridge to ``jupyter_optiserve.service``, the layer the CLI and the REST API share.

Bodies use the CLI's names and the service answers the CLI's JSON, so ``%optiserve recommend``
returns exactly what ``optiserve recommend --json`` prints. One ``Settings`` per configuration is
kept for the kernel's lifetime: it caches the hardware inventory (``hardware --refresh`` renews it)
and tracks the deploy tasks started from this notebook.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from jupyter_optiserve.service import Session, Settings
from jupyter_optiserve.service.settings import REQUEST_TIMEOUT
from jupyter_optiserve.userpath import expand

if TYPE_CHECKING:
    from jupyter_optiserve.service.tasks import Task

_settings: dict = {}
_lock = threading.Lock()


def settings_for(
    kubeconfig: str | None = None,
    context: str | None = None,
    namespace: str | None = None,
    request_timeout: float = REQUEST_TIMEOUT,
    offline: bool = False,
) -> Settings:
    key = (kubeconfig, context, namespace, float(request_timeout), bool(offline))
    with _lock:
        if key not in _settings:
            _settings[key] = Settings(
                kubeconfig=kubeconfig,
                context=context,
                namespace=namespace,
                request_timeout=float(request_timeout),
                offline=bool(offline),
            )
        return _settings[key]


def forget_settings() -> None:
    """Drop cached inventories and finished tasks (tests; ``%reload_ext``)."""
    with _lock:
        _settings.clear()


def body(**fields) -> dict:
    """A request body: unset (None) fields left out, as the schemas want."""
    return {k: v for k, v in fields.items() if v is not None}


def preview(req: dict, settings: Settings) -> dict:
    """What a deploy would create: ``{"plan", "preflight", "manifests" (YAML), "objects" (kind/name)}``,
    rendered and checked from one plan."""
    settings.connect(req.get("namespace"), required=True).close()  # deploying needs a cluster: say so first
    plan_req = {k: v for k, v in req.items() if k not in ("dry_run", "no_follow", "no_smoke", "timeout")}
    out = Session(settings).preview(plan_req, check=False)
    rendered, checked = out["render"], out["preflight"]
    return {
        "plan": checked["plan"],
        "preflight": checked["preflight"],
        "manifests": rendered["yaml"],
        "objects": [f"{o['kind']}/{o['metadata']['name']}" for o in rendered["manifests"]],
    }


def task(task_dict: dict, settings: Settings) -> Task:
    """The live ``Task`` behind a ``start_deploy`` answer (to subscribe to its events)."""
    return settings.tasks.get(task_dict["id"])


def export(req: dict, out_dir: str, settings: Settings, force: bool = False) -> list[str]:
    """``optiserve export``'s folder (the same the CLI writes and ``POST /optiserve/export`` zips)."""
    return [str(p) for p in Session(settings).export(req, expand(out_dir), force=force, check=False)]
