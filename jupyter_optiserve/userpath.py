"""``~`` expansion that never raises: ``Path("~6").expanduser()`` raises RuntimeError when no user
"6" exists, and a model id or folder typed by a user (or a fuzzer) may well start with "~"."""

from __future__ import annotations

from pathlib import Path


def expand(text) -> Path:
    """``Path(text).expanduser()``, or the path as given when its ``~user`` is unknown."""
    p = Path(text)
    try:
        return p.expanduser()
    except RuntimeError:
        return p
