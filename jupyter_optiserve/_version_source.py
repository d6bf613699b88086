"""The package version: package.json holds it (one source for the wheel and the lab extension).

A build (wheel or editable install) writes it into ``_version.py``; a source checkout that was never
built reads package.json beside the package; an installed copy without either asks its metadata.
"""

from __future__ import annotations

import importlib
import json
from importlib import metadata
from pathlib import Path


def read_version() -> str:
    try:  # generated, so absent from a fresh checkout: imported by name
        return str(importlib.import_module("jupyter_optiserve._version").__version__)
    except ImportError:
        pass
    package_json = Path(__file__).resolve().parent.parent / "package.json"
    try:
        meta = json.loads(package_json.read_text(encoding="utf-8"))
        if meta.get("name") == "jupyter-optiserve":  # not some other project's package.json
            return str(meta["version"])
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    try:
        return metadata.version("jupyter_optiserve")
    except metadata.PackageNotFoundError:
        return "0+unknown"  # neither built nor installed: nothing says which version this is
