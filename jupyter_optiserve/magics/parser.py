"""``%optiserve`` argument parsing: argparse whose errors are ``UsageError`` carrying the help text.

Flag names follow the CLI (``--kpi``, ``--accelerator``, ``--gpus``, ``--ttft-ms``, ...); MODEL is
positional (``--model`` works too). The per-call cluster timeout is ``--request-timeout`` everywhere
because ``deploy --timeout`` bounds the whole follow, as in ``optiserve deploy``.
"""

from __future__ import annotations

import argparse
import shlex

from IPython.core.error import UsageError

from jupyter_optiserve.commands.common import add_deployment_kind, add_option
from jupyter_optiserve.commands.deploy import add_deploy_flags
from jupyter_optiserve.commands.recommend import add_recommend_flags

PROG = "%optiserve"


class HelpShown(Exception):
    """``-h``/``--help`` printed the help: nothing else to do."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message}\n\n{self.format_help()}")

    def parse_intermixed_args(self, args=None, namespace=None):
        # argparse formats a preset usage with ``%``: the ``%`` of "%optiserve" must be escaped
        self.usage = self.format_usage()[len("usage: ") :].replace("%", "%%")
        try:
            return super().parse_intermixed_args(args, namespace)
        finally:
            self.usage = None

    def exit(self, status=0, message=None):
        if status:
            raise UsageError(f"{self.prog}: {message or 'error'}\n\n{self.format_help()}")
        raise HelpShown()


def _cluster(p, context_flag: str = "--context") -> None:
    add_option(p, "kubeconfig")
    add_option(p, "kube_context", context_flag)
    add_option(p, "namespace", "--namespace", "-n")
    add_option(p, "request_timeout", default=None)  # unset: %config OptiServeMagics.request_timeout


def _model(p) -> None:
    p.add_argument("model", nargs="?", help="catalog id, Hugging Face id, variant id or config.json folder")
    p.add_argument("--model", dest="model_flag", metavar="MODEL", help=argparse.SUPPRESS)


def _plan(p) -> None:
    _model(p)
    add_option(p, "kpi", required=True)
    add_option(p, "accelerator", help="accelerator id (default: the cluster's inventory)")
    add_option(p, "gpus", maximum=64)
    for name in ("gpus_per_node", "allow_precision", "gpu_margin", "name", "storage_uri", "hf_token_secret"):
        add_option(p, name)
    for name in ("connection", "pull_secret"):
        add_option(p, name)
    add_deployment_kind(p)
    for name in ("external", "auth", "trust_remote_code", "display_name"):
        add_option(p, name)
    _cluster(p)


def build() -> Parser:
    top = Parser(
        prog=PROG,
        description="OptiServe: size and deploy a model on OpenShift AI from a notebook.",
        epilog="Run '%optiserve COMMAND -h' for a command's flags.",
    )
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True

    p = sub.add_parser("hardware", help="local GPUs and the cluster's accelerator pools")
    p.add_argument("--refresh", action="store_true", help="detect again (the inventory is cached for 5 minutes)")
    p.add_argument("--no-cluster", action="store_true", help="do not contact any cluster")
    _cluster(p)

    p = sub.add_parser("models", help="the model catalog")
    p.add_argument("query", nargs="?", help="filter by id, family or Hugging Face id")

    p = sub.add_parser("recommend", help="rank serving profiles for a model and a KPI")
    _model(p)
    add_recommend_flags(p)
    _cluster(p, context_flag="--kube-context")

    p = sub.add_parser("deploy", help="plan, confirm, create and follow a deployment to a working endpoint")
    _plan(p)
    add_deploy_flags(p)

    p = sub.add_parser("status", help="a deployment's timeline, or all deployments without NAME")
    p.add_argument("name", nargs="?", help="InferenceService name")
    _cluster(p)

    p = sub.add_parser("delete", help="delete a deployment OptiServe created (never anyone else's)")
    p.add_argument("name", help="InferenceService name")
    _cluster(p)

    p = sub.add_parser("stop", help="stop a deployment (pods go, objects stay); --start resumes")
    p.add_argument("name", help="InferenceService name")
    p.add_argument("--start", action="store_true", help="start it again")
    _cluster(p)

    p = sub.add_parser("benchmark", help="measure a deployment (or --url) beside the prediction; a chart and records")
    from jupyter_optiserve.commands.benchmark import add_benchmark_flags

    add_benchmark_flags(p)
    _cluster(p)

    p = sub.add_parser("export", help="write manifests, a kustomization and a README into DIR")
    _plan(p)
    p.add_argument("output", nargs="?", metavar="DIR", help="folder to write (created if missing)")
    p.add_argument("--output", "-o", dest="output_flag", metavar="DIR", help=argparse.SUPPRESS)
    p.add_argument("--offline", action="store_true", help="do not contact a cluster")
    p.add_argument("--force", action="store_true", help="overwrite files DIR already holds")
    return top


def parse(line: str) -> argparse.Namespace:
    """Parse a magic line; ``UsageError`` (with the help) on bad input, ``HelpShown`` after -h."""
    parser = build()
    try:
        argv = shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"{PROG}: {exc}\n\n{parser.format_help()}") from None
    if not argv:
        raise UsageError(f"{PROG}: a command is required\n\n{parser.format_help()}")
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    if argv[0] not in subs:
        parser.parse_args(argv)  # -h, or the "invalid choice" error with the list of commands
    sub = subs[argv[0]]
    args = sub.parse_intermixed_args(argv[1:])  # MODEL ... DIR with flags between them
    args.command = argv[0]
    if hasattr(args, "model_flag"):
        args.model = args.model or args.model_flag
        if not args.model:
            sub.error("MODEL is required (e.g. granite-3.1-8b-instruct; list them with %optiserve models)")
    if hasattr(args, "output_flag"):
        args.output = args.output or args.output_flag
        if not args.output:
            sub.error("DIR is required: the folder to write")
    return args
