"""Load and validate catalog YAML: a broken file is an error naming the file and the field."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from jupyter_optiserve.errors import CatalogError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise CatalogError(f"{path}: not valid YAML{where}", hint="fix the syntax of this catalog file") from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot be read ({exc.strerror})", hint="check the path and permissions") from None


def _marker(path: Path, data: Any, schema: dict[str, Any]) -> Path:
    """A per-user cache entry saying this exact content already passed this exact schema.
    Importing jsonschema costs ~1 s with some optional format plugins installed, which a CLI
    run should not pay for unchanged catalog files."""
    root = os.environ.get("OPTISERVE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "optiserve"
    )
    blob = json.dumps([data, schema], sort_keys=True, default=str).encode()
    return Path(root) / "validated" / hashlib.sha256(blob).hexdigest()


def validate(path: Path, data: Any, schema: dict[str, Any]) -> None:
    """Validate ``data`` and report the first error as ``file: field.path: problem``."""
    marker = _marker(path, data, schema)
    if marker.exists():
        return
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        err = errors[0]
        field = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        name = _entry_name(data, err.absolute_path)
        raise CatalogError(
            f"{path}: field '{field}'{name}: {err.message}",
            hint="fix this entry; every catalog file is validated when OptiServe starts",
            file=str(path),
            field=field,
        )
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass  # read-only home: validate every time


def _entry_name(data: Any, path: Iterable[str | int]) -> str:
    parts = list(path)
    if parts and isinstance(parts[0], int) and isinstance(data, list) and parts[0] < len(data):
        item = data[parts[0]]
        if isinstance(item, dict) and ("id" in item or "name" in item):
            return f" (entry '{item.get('id') or item.get('name')}')"
    return ""
