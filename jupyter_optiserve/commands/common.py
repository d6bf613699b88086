"""Argument types and output helpers shared by the CLI sub-commands."""

from __future__ import annotations

import argparse
import math
import sys


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


def table(rows: list[list], headers: list[str]) -> str:
    cols = [headers, *[[("" if c is None else str(c)) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cols) for i in range(len(headers))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cols[1:])])


def add_cluster_flags(p: argparse.ArgumentParser, context_flag: str = "--context") -> None:
    """Cluster connection flags. Commands whose ``--context`` means a context *length* (recommend)
    pass ``context_flag="--kube-context"`` (then the value is ``args.kube_context``)."""
    p.add_argument("--kubeconfig", help="kubeconfig file (default: in-cluster, $KUBECONFIG, ~/.kube/config)")
    p.add_argument(
        context_flag, dest="context" if context_flag == "--context" else "kube_context", help="kubeconfig context"
    )
    p.add_argument("--namespace", "-n", help="namespace (default: the workbench's or the context's)")
    p.add_argument(
        "--timeout", type=positive_float("--timeout", 300), default=5.0, help="seconds per cluster call (default 5)"
    )
