"""The ``optiserve`` command line: a thin shell over the engine.

Each sub-command lives in ``jupyter_optiserve/commands/<name>.py`` with ``register(subparsers)``
(which sets ``func``); this module only parses, dispatches and turns errors into messages and
exit codes (2 bad input / unknown names, 3 broken catalog, 4 cluster unreachable, 5 forbidden,
6 conflict; commands return their own: preflight 1 on a failed check, recommend 7 when nothing
fits). Never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from jupyter_optiserve import __version__
from jupyter_optiserve.errors import OptiServeError

COMMANDS = [
    "models",
    "accelerators",
    "profiles",
    "estimate",
    "recommend",
    "accuracy",
    "hardware",
    "render",
    "preflight",
    "deploy",
    "status",
    "list",
    "delete",
    "stop",
    "export",
    "benchmark",
    "benchmarks",
    "calibrate",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own errors: usage + message, exit 2, no traceback
        self.print_usage(sys.stderr)
        self.exit(2, f"optiserve: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="optiserve", description="Size, preview and deploy LLM model servers for a KPI.")
    parser.add_argument("--version", action="version", version=f"optiserve {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"jupyter_optiserve.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"jupyter_optiserve.commands.{name}":
                continue  # command not built yet
            raise
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except OptiServeError as exc:
        if getattr(args, "json", False):
            print(json.dumps(exc.to_dict(), indent=2), file=sys.stderr)
        print(f"optiserve: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("optiserve: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
