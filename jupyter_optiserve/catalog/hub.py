"""Read a model's ``config.json`` from the Hugging Face Hub (or a mirror set in ``HF_ENDPOINT``).

Only used for ids that are neither in the catalog nor a local path. Goes through ``huggingface_hub``:
its session drops ``Authorization`` on a redirect to another host (a Hub redirect never carries the
token away), it reads the token from ``HF_TOKEN`` or ``hf auth login``'s token file, and it honours
``HF_HUB_OFFLINE``. Bounded by a total timeout and a size cap; no network, a gated or unknown repo
or an oversized file is a clear error, never a hang, a traceback or a 200 MB read.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from jupyter_optiserve.errors import InvalidInputError, NotFoundError

DEFAULT_ENDPOINT = "https://huggingface.co"
MAX_CONFIG_BYTES = 5_000_000  # real config.json files are a few KB

_LOCAL_HINT = "pass a local folder or config.json path with --model, or pick a catalog model (`optiserve models`)"


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _unreachable(repo_id: str, reason: str) -> InvalidInputError:
    return InvalidInputError(
        f"'{repo_id}' is not in the catalog and the Hugging Face Hub is unreachable ({reason})", hint=_LOCAL_HINT
    )


def fetch_config(repo_id: str, timeout: float = 5.0, revision: str = "main") -> dict[str, Any]:
    if _offline():
        raise InvalidInputError(
            f"'{repo_id}' is not in the catalog and HF_HUB_OFFLINE is set: the Hub is not asked", hint=_LOCAL_HINT
        )
    from huggingface_hub import get_session, hf_hub_url
    from huggingface_hub.utils import build_hf_headers

    from jupyter_optiserve import __version__

    endpoint = os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")  # read now: tests and users change it
    token = os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN") or None
    try:
        url = hf_hub_url(repo_id, "config.json", revision=revision, endpoint=endpoint)
        headers = build_hf_headers(token=token, library_name="optiserve", library_version=__version__)
    except ValueError as exc:  # an id the Hub would reject
        raise NotFoundError(
            f"'{repo_id}' is not a valid Hugging Face id ({exc})",
            hint="check the id, or run `optiserve models` to list catalog models",
        ) from None
    deadline = time.monotonic() + timeout
    try:
        with get_session().stream("GET", url, headers=headers, timeout=timeout) as resp:
            _raise_for_status(repo_id, resp.status_code)
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > MAX_CONFIG_BYTES:
                raise _too_big(repo_id)
            data = bytearray()
            for chunk in resp.iter_bytes():
                data += chunk
                if len(data) > MAX_CONFIG_BYTES:
                    raise _too_big(repo_id)
                if time.monotonic() > deadline:
                    raise _unreachable(repo_id, f"no complete answer within {timeout:g} s")
    except (InvalidInputError, NotFoundError):
        raise
    except Exception as exc:
        raise _unreachable(repo_id, type(exc).__name__ + (f": {str(exc)[:200]}" if str(exc) else "")) from None
    try:
        cfg: dict[str, Any] = json.loads(bytes(data).decode("utf-8"))
    except (ValueError, RecursionError):
        raise InvalidInputError(
            f"the config.json served for '{repo_id}' is not valid JSON", hint="pass a local config.json"
        ) from None
    return cfg


def _too_big(repo_id: str) -> InvalidInputError:
    return InvalidInputError(
        f"the config.json served for '{repo_id}' is larger than {MAX_CONFIG_BYTES // 1_000_000} MB: not a model config",
        hint="check the id, or pass a local config.json",
    )


def _raise_for_status(repo_id: str, status: int) -> None:
    if status < 400:
        return
    if status in (401, 403):
        raise InvalidInputError(
            f"Hugging Face refused access to '{repo_id}' (HTTP {status}): the model is gated or private",
            hint="accept its licence on Hugging Face and set HF_TOKEN (or `hf auth login`), or pass "
            "a local folder with config.json",
        )
    raise NotFoundError(
        f"'{repo_id}' is not a catalog model and Hugging Face has no config.json for it (HTTP {status})",
        hint="check the id, or run `optiserve models` to list catalog models",
    )
