"""Imports run engine -> service -> shells, never back up (parsed with ``ast`` from the sources)."""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "jupyter_optiserve"
SHELLS = ("cli", "commands", "server", "magics")
# the engine: every module that is neither the service layer, a shell, nor test tooling
NOT_ENGINE = {"service", "testing", "__init__", "__main__", *SHELLS}
JUPYTER = ("jupyter_server", "IPython", "ipywidgets", "tornado", "traitlets", "notebook", "jupyterlab")


def _modules(top: str | None = None):
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG)
        if top is None or rel.parts[0].removesuffix(".py") == top:
            yield rel, path


def _imports(path: Path, rel: Path | None = None) -> list[str]:
    """Every module an import statement names (function-level imports included), absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = ["jupyter_optiserve", *(rel or path.relative_to(PKG)).parts[:-1]]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1])
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            out.append(mod)
            out += [f"{mod}.{a.name}" for a in node.names]  # "from jupyter_optiserve import service"
    return out


def _layer(rel: Path) -> str:
    top = rel.parts[0].removesuffix(".py")
    if top in SHELLS:
        return "shell"
    if top == "service":
        return "service"
    if top in NOT_ENGINE:
        return "other"
    return "engine"


def _hits(mods: list[str], names) -> list[str]:
    return sorted({m for m in mods for n in names if m == n or m.startswith(n + ".")})


ENGINE = [(rel, p) for rel, p in _modules() if _layer(rel) == "engine"]
SERVICE = list(_modules("service"))


def test_the_layers_are_not_empty():
    tops = {rel.parts[0].removesuffix(".py") for rel, _ in ENGINE}
    assert {"estimate", "recommend", "catalog", "hardware", "deploy", "kube", "benchmark", "calibration"} <= tops
    assert {"errors", "events"} <= tops
    assert len(SERVICE) > 5


@pytest.mark.parametrize("rel,path", ENGINE, ids=[str(r) for r, _ in ENGINE])
def test_engine_imports_neither_service_nor_a_shell(rel, path):
    up = ["jupyter_optiserve.service", *(f"jupyter_optiserve.{s}" for s in SHELLS)]
    assert _hits(_imports(path), up) == [], f"{rel} imports a layer above the engine"


@pytest.mark.parametrize("rel,path", SERVICE, ids=[str(r) for r, _ in SERVICE])
def test_service_imports_no_shell(rel, path):
    assert _hits(_imports(path), [f"jupyter_optiserve.{s}" for s in SHELLS]) == [], f"{rel} imports a shell"


def test_only_the_server_and_the_magic_import_jupyter():
    offenders = {
        str(rel): _hits(_imports(path), JUPYTER)
        for rel, path in _modules()
        if rel.parts[0] not in ("server", "magics", "testing")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_checker_sees_an_upward_import(tmp_path):
    """Relative and function-level imports are resolved (else the tests above could not fail)."""
    f = tmp_path / "probe.py"
    f.write_text("def f():\n    from ..service import engine\n    from jupyter_optiserve.commands import common\n")
    mods = _imports(f, Path("estimate") / "probe.py")
    assert _hits(mods, ["jupyter_optiserve.service"]) == [
        "jupyter_optiserve.service",
        "jupyter_optiserve.service.engine",
    ]
    assert _hits(mods, ["jupyter_optiserve.commands"])
