"""The application layer under the CLI, the REST API (``jupyter_optiserve.server``), the magic and
the sidebar: ``Session`` (``session.py``) and its verbs.

Each verb takes a plain dict with the CLI's names (``model``, ``kpi``, ``accelerator``, ``gpus``,
``ttft_ms``, ``itl_ms``, ``concurrency``, ``context``, ``input_len``, ``output_len``, ``name``,
``namespace``, ``storage_uri``, ...) and returns exactly the JSON the CLI prints with ``--json``, so the
interfaces cannot drift apart. Bodies are checked once, at the edge, against the OpenAPI schemas
(``server/openapi.yaml``); errors are the project's ``OptiServeError`` subclasses (400 bad input, 403
forbidden with the grant, 404 unknown name with the closest matches, 409 conflict, 502 cluster
unreachable). Nothing here imports a shell (cli, commands, server, magics) or Jupyter.

The module-level functions below are the implementations the Session's verbs call, kept importable
for Python callers and tests.
"""

from jupyter_optiserve.service.deployments import (
    cancel_task,
    delete_deployment,
    get_deployment,
    list_deployments,
    start_deploy,
    stop_deployment,
)
from jupyter_optiserve.service.engine import (
    accelerators,
    estimate,
    hardware,
    models,
    profiles,
    recommend,
    recommend_json,
    recommend_json_cached,
    runtimes,
)
from jupyter_optiserve.service.plans import export_zip, preflight, preview, render
from jupyter_optiserve.service.prompting import prompt, prompt_target, send_prompt
from jupyter_optiserve.service.session import Session
from jupyter_optiserve.service.settings import Settings

__all__ = [
    "Session",
    "Settings",
    "recommend",
    "recommend_json",
    "recommend_json_cached",
    "estimate",
    "hardware",
    "models",
    "accelerators",
    "runtimes",
    "profiles",
    "render",
    "preflight",
    "preview",
    "export_zip",
    "start_deploy",
    "list_deployments",
    "get_deployment",
    "delete_deployment",
    "stop_deployment",
    "cancel_task",
    "prompt",
    "prompt_target",
    "send_prompt",
]
