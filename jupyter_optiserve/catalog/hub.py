"""Read a model's ``config.json`` from the Hugging Face Hub (or a mirror set in ``HF_ENDPOINT``).

Only used for ids that are neither in the catalog nor a local path. Bounded by a short timeout;
no network (or a gated/unknown repo) is a clear error, never a hang or a traceback.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from jupyter_optiserve.errors import InvalidInputError, NotFoundError

DEFAULT_ENDPOINT = "https://huggingface.co"


def fetch_config(repo_id: str, timeout: float = 5.0, revision: str = "main") -> dict:
    endpoint = os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")
    url = f"{endpoint}/{repo_id}/resolve/{revision}/config.json"
    req = urllib.request.Request(url, headers={"User-Agent": "optiserve"})
    token = os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - fixed https endpoint
            return json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise InvalidInputError(f"Hugging Face refused access to '{repo_id}' (HTTP {exc.code}): the model is gated or private",
                                    hint="accept its licence on Hugging Face and set HF_TOKEN, or pass a local folder with config.json") from None
        raise NotFoundError(f"'{repo_id}' is not a catalog model and Hugging Face has no config.json for it (HTTP {exc.code})",
                            hint="check the id, or run `optiserve models` to list catalog models") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InvalidInputError(f"'{repo_id}' is not in the catalog and the Hugging Face Hub is unreachable ({reason})",
                                hint="pass a local folder or config.json path with --model, or pick a catalog model (`optiserve models`)") from None
    except json.JSONDecodeError:
        raise InvalidInputError(f"the config.json served for '{repo_id}' is not valid JSON", hint="pass a local config.json") from None
