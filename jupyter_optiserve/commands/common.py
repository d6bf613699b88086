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


_UNSET = object()


def add_option(p: argparse.ArgumentParser, name: str, *flags: str, default=_UNSET, **overrides) -> None:
    """One flag from the option table (``service/options.py``): its type, bounds, choices, default and
    help come from there. ``flags`` renames it (``--kube-context``); ``default`` and ``overrides``
    (``required``, ``help``, ``maximum``) are the command's own."""
    from jupyter_optiserve.service.options import OPTIONS

    o = OPTIONS[name]
    flag = flags[0] if flags else o.flag
    maximum = overrides.pop("maximum", o.maximum)
    kw: dict = {"dest": name, "help": overrides.pop("help", o.help)}
    value = o.default if default is _UNSET else default
    if o.kind == "bool":
        kw["action"] = "store_true"
    else:
        kw["default"] = value
        if value is not None and "(default" not in kw["help"]:
            kw["help"] += f" (default {value:g})" if isinstance(value, float) else f" (default {value})"
        if o.kind == "int":
            kw["type"] = positive_int(flag, None if maximum is None else int(maximum), int(o.minimum or 0))
        elif o.kind == "float":
            kw["type"] = float if o.minimum is None else positive_float(flag, maximum)
        elif o.kind == "choice":
            kw["choices"] = o.choices
        elif o.kind == "precision_list":
            kw.update(nargs="?", const=True)
        elif o.kind == "list":
            kw["action"] = "append"
    if o.metavar:
        kw["metavar"] = o.metavar
    kw.update(overrides)
    p.add_argument(flag, *flags[1:], **kw)


def add_cluster_flags(
    p: argparse.ArgumentParser, context_flag: str = "--context", timeout_flag: str = "--timeout"
) -> None:
    """Cluster connection flags, one set for every command. Commands whose ``--context`` means a context
    *length* (recommend) pass ``context_flag="--kube-context"``; ``deploy``, whose ``--timeout`` bounds
    the whole follow, passes ``timeout_flag="--request-timeout"``."""
    add_option(p, "kubeconfig")
    add_option(p, "kube_context", context_flag)
    add_option(p, "namespace", "--namespace", "-n")
    add_option(p, "request_timeout", timeout_flag)


def add_deployment_kind(p) -> None:
    """``--deployment-kind kserve|llmisvc`` and its deprecated spelling ``--target``."""
    from jupyter_optiserve.service.options import OPTIONS

    add_option(p, "deployment_kind")
    p.add_argument(
        "--target",
        dest="deployment_kind",
        choices=OPTIONS["deployment_kind"].choices,
        action=DeprecatedAlias,
        new_flag="--deployment-kind",
        help=argparse.SUPPRESS,
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
