"""Where the bundled ``profiles/`` data lives.

In a wheel it is force-included as ``jupyter_optiserve/profiles``; in an editable install or a
source checkout the package resolves to the source tree, so fall back to the repository folder.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from jupyter_optiserve.userpath import expand


def bundled_profiles_dir() -> Path:
    packaged = Path(str(resources.files("jupyter_optiserve"))) / "profiles"
    if (packaged / "accelerators.yaml").is_file():
        return packaged
    repo = Path(__file__).resolve().parents[2] / "profiles"
    if (repo / "accelerators.yaml").is_file():
        return repo
    raise FileNotFoundError("OptiServe's profiles/ data folder is missing from this installation")


def extra_profile_dirs() -> list[Path]:
    """Folders named in ``OPTISERVE_PROFILE_DIRS`` (os.pathsep separated), added to the curated set."""
    raw = os.environ.get("OPTISERVE_PROFILE_DIRS", "")
    return [expand(p) for p in raw.split(os.pathsep) if p.strip()]
