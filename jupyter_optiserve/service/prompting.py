"""One prompt to a Ready deployment (the UI's test box), in two steps that run on different pools:

- ``prompt_target`` reads the InferenceService and its token: Kubernetes calls (the I/O pool);
- ``send_prompt`` talks to the model endpoint (its own small pool, with a total deadline), so a slow
  or silent endpoint never holds a thread that a Kubernetes call is waiting for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from jupyter_optiserve.errors import ConflictError
from jupyter_optiserve.service.settings import Settings


@dataclass
class PromptTarget:
    name: str
    url: str
    token: str | None = field(default=None, repr=False)  # used for one request, never shown


def prompt_target(name: str, settings: Settings, namespace: str | None = None, foreign: bool = False) -> PromptTarget:
    """The endpoint of a Ready deployment. One OptiServe did not create answers 409 unless ``foreign``."""
    from jupyter_optiserve.deploy import Deployer
    from jupyter_optiserve.deploy.deployer import is_ours
    from jupyter_optiserve.deploy.naming import validate_name
    from jupyter_optiserve.deploy.smoke import read_token
    from jupyter_optiserve.deploy.state import DeploymentState
    from jupyter_optiserve.service.deployments import _namespace

    validate_name(name)
    conn = settings.connect(namespace)
    try:
        ns = _namespace(settings, conn, namespace)
        isvc = Deployer(conn).get_isvc(ns, name)
        if not is_ours(isvc) and not foreign:
            raise ConflictError(
                f"'{name}' was not created by OptiServe; its endpoint and token are not OptiServe's to use",
                hint='check the name; to prompt it anyway, send "foreign": true',
                name=name,
            )
        state = DeploymentState.of(isvc)
        state.ensure_serving(" yet", hint="wait for the deploy to reach ready, then try again")
        token = read_token(conn, name, ns) if state.auth else None
    finally:
        conn.close()
    return PromptTarget(name, state.url or "", token)  # ensure_serving: a serving deployment has an address


def send_prompt(
    target: PromptTarget,
    text: str,
    max_tokens: int = 64,
    settings: Settings | None = None,
    deadline: float | None = None,
) -> dict:
    """One streamed completion, bounded in total by ``settings.prompt_timeout`` and ``deadline``."""
    from jupyter_optiserve.deploy import smoke_test

    settings = settings or Settings()
    res = smoke_test(
        target.url,
        target.name,
        target.token,
        timeout=settings.prompt_timeout,
        max_tokens=max_tokens,
        prompt=text,
        deadline=deadline,
    )
    return res.to_dict()


def prompt(
    name: str,
    text: str,
    max_tokens: int = 64,
    settings: Settings | None = None,
    namespace: str | None = None,
    foreign: bool = False,
) -> dict:
    """Both steps in one call (the CLI, the magic and Python)."""
    settings = settings or Settings()
    deadline = time.monotonic() + settings.prompt_timeout
    return send_prompt(prompt_target(name, settings, namespace, foreign), text, max_tokens, settings, deadline)
