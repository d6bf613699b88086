"""Argument types and output helpers shared by the CLI sub-commands."""

from __future__ import annotations

import argparse
import math
import sys

from jupyter_optiserve.tables import table  # noqa: F401 - the sub-commands print tables


class DeprecatedAlias(argparse.Action):
    """An old flag spelling: stores into the new flag's dest and says so on stderr (kept one release)."""

    def __init__(self, option_strings, dest, new_flag: str = "", **kw):
        self.new_flag = new_flag
        super().__init__(option_strings, dest, **kw)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"optiserve: warning: {option_string} is deprecated; use {self.new_flag}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def add_deployment_kind(p) -> None:
    """``--deployment-kind kserve|llmisvc`` and its deprecated spelling ``--target``."""
    kinds = ("kserve", "llmisvc")
    p.add_argument(
        "--deployment-kind",
        choices=kinds,
        default="kserve",
        help="kserve: ServingRuntime + InferenceService (default); llmisvc: LLMInferenceService (llm-d)",
    )
    p.add_argument(
        "--target",
        dest="deployment_kind",
        choices=kinds,
        action=DeprecatedAlias,
        new_flag="--deployment-kind",
        help=argparse.SUPPRESS,
    )


def positive_int(flag: str, maximum: int | None = None, minimum: int = 1):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} must be a whole number, got '{text}'") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{flag} must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{flag} must be at most {maximum}, got {value}")
        return value

    return parse


def positive_float(flag: str, maximum: float | None = None):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{flag} must be a number, got '{text}'") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{flag} must be a finite number, got '{text}'")
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{flag} must be greater than 0, got {text}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{flag} must be at most {maximum}, got {text}")
        return value

    return parse


def print_json(obj) -> None:
    from jupyter_optiserve.service.jsonsafe import dumps

    sys.stdout.write(dumps(obj, indent=2, default=str))
    sys.stdout.write("\n")


def add_cluster_flags(
    p: argparse.ArgumentParser, context_flag: str = "--context", timeout_flag: str = "--timeout"
) -> None:
    """Cluster connection flags, one set for every command. Commands whose ``--context`` means a context
    *length* (recommend) pass ``context_flag="--kube-context"``; ``deploy``, whose ``--timeout`` bounds
    the whole follow, passes ``timeout_flag="--request-timeout"``. The per-call timeout's default is the
    service's (``Settings.request_timeout``)."""
    from jupyter_optiserve.service.settings import REQUEST_TIMEOUT

    p.add_argument("--kubeconfig", help="kubeconfig file (default: in-cluster, $KUBECONFIG, ~/.kube/config)")
    p.add_argument(context_flag, dest="kube_context", help="kubeconfig context")
    p.add_argument("--namespace", "-n", help="namespace (default: the workbench's or the context's)")
    p.add_argument(
        timeout_flag,
        dest="request_timeout",
        type=positive_float(timeout_flag, 300),
        default=REQUEST_TIMEOUT,
        help=f"seconds per cluster call (default {REQUEST_TIMEOUT:g})",
    )


def session(args, offline: bool = False):
    """The Session for a command's cluster flags (those it has)."""
    from jupyter_optiserve.service.session import Session
    from jupyter_optiserve.service.settings import REQUEST_TIMEOUT

    return Session(
        kubeconfig=getattr(args, "kubeconfig", None),
        context=getattr(args, "kube_context", None),
        namespace=getattr(args, "namespace", None),
        request_timeout=getattr(args, "request_timeout", REQUEST_TIMEOUT),
        offline=offline,
    )


def body(args, fields) -> dict:
    """A request body from parsed flags: unset (None) and off (False) flags left out, as the schemas want."""
    return {k: getattr(args, k) for k in fields if getattr(args, k, None) not in (None, False)}
