"""What the user adds on top of a profile, as the RHOAI "Deploy model" dialog allows: replicas, extra
runtime arguments and environment variables. Checked here so that nothing the user adds silently
overrides what the profile was sized for; errors name the argument or variable, never a value."""

from __future__ import annotations

import re

from jupyter_optiserve.errors import InvalidInputError

MAX_REPLICAS = 64
# A C identifier: what shells, vLLM and Python's os.environ agree on (the dashboard's rule too).
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# A plain env value is readable by anyone who can read the InferenceService: credentials go in Secrets.
_CREDENTIAL = re.compile(r"(TOKEN|PASSWORD|PASSWD|SECRET|API_KEY|ACCESS_KEY|PRIVATE_KEY)", re.IGNORECASE)
_FLAG = re.compile(r"--?[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
# Set by the runtime Template's container command itself; a second copy would break the server.
RUNTIME_OWNED = ("--port", "--model", "--served-model-name", "--download-dir")


def flag_name(arg: str) -> str:
    """``--max_model_len=8`` and ``--max-model-len 8`` both name ``--max-model-len`` (vLLM accepts both spellings)."""
    head = arg.strip().split("=", 1)[0].split(None, 1)[0] if arg.strip() else ""
    return head[:2] + head[2:].replace("_", "-") if head.startswith("--") else head


def validate_replicas(replicas) -> int | None:
    if replicas is None:
        return None
    if isinstance(replicas, bool) or not isinstance(replicas, int) or not 1 <= replicas <= MAX_REPLICAS:
        raise InvalidInputError(
            f"replicas must be a whole number from 1 to {MAX_REPLICAS}",
            hint="pass --replicas N (each replica gets the profile's GPUs)",
            field="replicas",
        )
    return replicas


def validate_runtime_args(extra, profile_args: list[str], runtime_args=()) -> list[str]:
    """The extra vLLM arguments, one per entry (``--flag`` or ``--flag=value``), checked against the
    flags OptiServe writes from the profile (``profile_args``) and those the runtime sets."""
    out: list[str] = []
    owned = {flag_name(a): a for a in profile_args}
    runtime = set(RUNTIME_OWNED) | {flag_name(a) for a in runtime_args}
    seen: set[str] = set()
    for raw in extra or ():
        if not isinstance(raw, str) or not raw.strip():
            raise InvalidInputError(
                "a runtime argument is empty", hint="give each argument as --flag or --flag=value", field="runtime_args"
            )
        arg = raw.strip()
        name = flag_name(arg)
        if not _FLAG.match(name) or (" " in arg.split("=", 1)[0]):
            raise InvalidInputError(
                f"runtime argument '{name[:60]}' is not a flag",
                hint="give each argument as --flag or --flag=value (one per entry, no spaces before '=')",
                field="runtime_args",
            )
        if name in owned:
            raise InvalidInputError(
                f"runtime argument {name} would override {owned[name]}, which OptiServe sets from the profile",
                hint="pick a profile with the value you need (or use its fix) instead of overriding it",
                field="runtime_args",
            )
        if name in runtime:
            raise InvalidInputError(
                f"runtime argument {name} is set by the serving runtime itself",
                hint="drop it: the runtime Template passes it to vLLM",
                field="runtime_args",
            )
        if name in seen:
            raise InvalidInputError(
                f"runtime argument {name} is given twice", hint="keep one of them", field="runtime_args"
            )
        seen.add(name)
        out.append(arg)
    return out


def validate_env(env, reserved: list[str]) -> list[dict]:
    """``[{"name", "value"}]`` with valid, unique names that do not replace a variable OptiServe sets
    (``reserved``: the writable caches, the token Secret reference)."""
    out: list[dict] = []
    seen: set[str] = set()
    for item in env or ():
        name = item.get("name") if isinstance(item, dict) else None
        value = item.get("value", "") if isinstance(item, dict) else None
        if not isinstance(name, str) or not _ENV_NAME.match(name):
            shown = name[:60] if isinstance(name, str) else "?"
            raise InvalidInputError(
                f"environment variable name '{shown}' is not valid",
                hint="use letters, digits and underscores, not starting with a digit (e.g. VLLM_LOGGING_LEVEL)",
                field="env",
            )
        if not isinstance(value, str):
            raise InvalidInputError(
                f"environment variable {name} needs a text value", hint="quote numbers and booleans", field="env"
            )
        if name in reserved:
            raise InvalidInputError(
                f"environment variable {name} is set by OptiServe (writable caches or the token Secret)",
                hint="drop it; to change where caches live, see the deployment notes",
                field="env",
            )
        if _CREDENTIAL.search(name):
            raise InvalidInputError(
                f"environment variable {name} looks like a credential; a plain value would be readable by anyone "
                "who can read the InferenceService",
                hint="keep credentials in a Secret (e.g. --hf-token-secret NAME for the Hugging Face token)",
                field="env",
            )
        if name in seen:
            raise InvalidInputError(f"environment variable {name} is given twice", hint="keep one", field="env")
        seen.add(name)
        out.append({"name": name, "value": value})
    return out


def parse_env_flags(items) -> list[dict]:
    """``--env NAME=VALUE`` (repeatable) as ``[{"name", "value"}]``."""
    out = []
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep:
            raise InvalidInputError(
                f"--env {name[:60]} has no value", hint="write --env NAME=VALUE (an empty value: NAME=)", field="env"
            )
        out.append({"name": name, "value": value})
    return out
