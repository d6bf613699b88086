"""Load and validate catalog YAML: a broken file is an error naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml

from jupyter_optiserve.errors import CatalogError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path):
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise CatalogError(f"{path}: not valid YAML{where}", hint="fix the syntax of this catalog file") from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot be read ({exc.strerror})", hint="check the path and permissions") from None


def validate(path: Path, data, schema: dict) -> None:
    """Validate ``data`` and report the first error as ``file: field.path: problem``."""
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


def _entry_name(data, path) -> str:
    parts = list(path)
    if parts and isinstance(parts[0], int) and isinstance(data, list) and parts[0] < len(data):
        item = data[parts[0]]
        if isinstance(item, dict) and ("id" in item or "name" in item):
            return f" (entry '{item.get('id') or item.get('name')}')"
    return ""
