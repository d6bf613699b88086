"""The magic's bridge to ``jupyter_optiserve.service``, the layer the CLI and the REST API share.

Bodies use the CLI's names and the service answers the CLI's JSON, so ``%optiserve recommend``
returns exactly what ``optiserve recommend --json`` prints. One ``Settings`` per configuration is
kept for the kernel's lifetime: it caches the hardware inventory (``hardware --refresh`` renews it)
and tracks the deploy tasks started from this notebook.
"""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path

from jupyter_optiserve import service
from jupyter_optiserve.service import Settings
from jupyter_optiserve.userpath import expand

_settings: dict = {}
_lock = threading.Lock()


def settings_for(
    kubeconfig: str | None = None,
    context: str | None = None,
    namespace: str | None = None,
    request_timeout: float = 10.0,
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
    """What a deploy would create: ``{"plan", "preflight", "manifests" (YAML), "objects" (kind/name)}``."""
    settings.connect(req.get("namespace"), required=True).close()  # deploying needs a cluster: say so first
    plan_req = {k: v for k, v in req.items() if k not in ("dry_run", "no_follow", "no_smoke", "timeout")}
    rendered = service.render(plan_req, settings)
    checked = service.preflight(plan_req, settings)
    return {
        "plan": checked["plan"],
        "preflight": checked["preflight"],
        "manifests": rendered["yaml"],
        "objects": [f"{o['kind']}/{o['metadata']['name']}" for o in rendered["manifests"]],
    }


def task(task_dict: dict, settings: Settings):
    """The live ``Task`` behind a ``start_deploy`` answer (to subscribe to its events)."""
    return settings.tasks.get(task_dict["id"])


def export(req: dict, out_dir: str, settings: Settings, force: bool = False) -> list[str]:
    """``optiserve export``'s folder, from the same bundle ``GET /optiserve/export`` serves."""
    from jupyter_optiserve.deploy.export import refuse_overwrite

    data = service.export_zip(req, settings)
    out = expand(out_dir)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        refuse_overwrite(out, [e.split("/", 1)[-1] for e in zf.namelist()], force)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for entry in zf.namelist():
            rel = Path(entry.split("/", 1)[-1])
            if rel.is_absolute() or ".." in rel.parts or not rel.name:
                continue
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(entry))
            written.append(str(target))
    return written
