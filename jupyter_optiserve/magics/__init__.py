"""``%optiserve``: pick a model and a KPI, get a correctly sized deployment, from a notebook.

``%load_ext jupyter_optiserve`` registers it (or list ``jupyter_optiserve`` in
``c.InteractiveShellApp.extensions``). Cluster defaults are configurable:
``%config OptiServeMagics.namespace = "my-project"`` (also ``kubeconfig``, ``context``,
``request_timeout``). Each command returns an object (``objects.py``) a notebook can script.
"""

from __future__ import annotations

from IPython.core.magic import Magics, line_magic, magics_class
from traitlets import Float, Unicode

from jupyter_optiserve.errors import OptiServeError
from jupyter_optiserve.service.settings import REQUEST_TIMEOUT

__all__ = ["OptiServeMagics", "OptiServeMagicError", "load_ipython_extension", "unload_ipython_extension"]


class OptiServeMagicError(OptiServeError):
    """An engine error shown as its message and hint: IPython prints ``_render_traceback_``, no traceback."""

    def __init__(self, err: OptiServeError):
        super().__init__(err.message, err.hint, **err.detail)
        self.status, self.exit_code, self.kind = err.status, err.exit_code, type(err).__name__

    def to_dict(self) -> dict:
        return {**super().to_dict(), "error": self.kind}

    def _render_traceback_(self) -> list[str]:
        from jupyter_optiserve.magics.display import error_lines

        return error_lines(self.to_dict())


@magics_class
class OptiServeMagics(Magics):
    kubeconfig = Unicode(None, allow_none=True, help="kubeconfig file (default: in-cluster, $KUBECONFIG)").tag(
        config=True
    )
    context = Unicode(None, allow_none=True, help="kubeconfig context").tag(config=True)
    namespace = Unicode(None, allow_none=True, help="default namespace (else the workbench's)").tag(config=True)
    request_timeout = Float(REQUEST_TIMEOUT, help="seconds per Kubernetes call").tag(config=True)

    @line_magic
    def optiserve(self, line: str = ""):
        """Size and deploy models on OpenShift AI. Commands:

        %optiserve hardware
        %optiserve models [QUERY]
        %optiserve recommend MODEL --kpi K [--accelerator A --gpus N] [--ttft-ms T --itl-ms I ...]
        %optiserve deploy MODEL --kpi K [--name N] [-n NS] [--accelerator A --gpus N] [--dry-run] [--yes]
        %optiserve status [NAME]
        %optiserve stop NAME [--start]
        %optiserve delete NAME
        %optiserve export MODEL DIR --kpi K [...]
        %optiserve benchmark NAME --concurrency 1,8,32 [--input-len N --output-len M] (or --url URL --model M)

        Run ``%optiserve COMMAND -h`` for a command's flags.
        """
        from jupyter_optiserve.magics import commands
        from jupyter_optiserve.magics.parser import HelpShown, parse

        try:
            args = parse(line)
        except HelpShown:
            return None
        try:
            return getattr(commands, args.command.replace("-", "_"))(args, self.settings(args))
        except OptiServeError as exc:
            raise OptiServeMagicError(exc) from None

    def settings(self, args=None):
        """The service ``Settings`` for this configuration and the call's cluster flags (kept per kernel)."""
        from jupyter_optiserve.magics.backend import settings_for

        pick = lambda flag, conf: getattr(args, flag, None) or conf  # noqa: E731
        return settings_for(
            pick("kubeconfig", self.kubeconfig),
            pick("kube_context", self.context),
            pick("namespace", self.namespace),
            pick("request_timeout", self.request_timeout),
            offline=bool(getattr(args, "no_cluster", False) or getattr(args, "offline", False)),
        )


def load_ipython_extension(ipython) -> None:
    ipython.register_magics(OptiServeMagics)


def unload_ipython_extension(ipython) -> None:
    line = ipython.magics_manager.magics["line"]
    line.pop("optiserve", None)
    ipython.magics_manager.registry.pop("OptiServeMagics", None)
