"""After Ready: one real completion, streamed, timing the first token (failure modes #16, #17).

"Serving" means this request succeeded, not that /health answered. The token (auth on) is sent
but never printed: the snippets use ``$TOKEN``.
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.parse
from dataclasses import dataclass

PROMPT = "Say hello in one short sentence."


@dataclass
class SmokeResult:
    ok: bool
    url: str
    status: int | None = None
    ttft_s: float | None = None
    total_s: float | None = None
    text: str = ""
    error: str = ""
    cause: str = ""
    fix: str = ""

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "url": self.url,
            "status": self.status,
            "ttft_s": self.ttft_s,
            "total_s": self.total_s,
            "text": self.text,
            "error": self.error,
            "cause": self.cause,
            "fix": self.fix,
        }


def _explain(status: int | None, body: str) -> tuple[str, str]:
    low = body.lower()
    if status == 401 or status == 403:
        return (
            "the endpoint wants a token (auth is on)",
            "send `Authorization: Bearer $TOKEN` (the <name>-sa token Secret)",
        )
    if status == 400 and "chat template" in low:
        return "the model has no chat template", "use /v1/completions or pass --chat-template"
    if status == 400 and ("maximum context length" in low or "max_tokens" in low):
        return "the request is longer than --max-model-len", "send fewer tokens or lower max_tokens"
    if status == 404 and "model" in low:
        return "the served model name differs", "use the InferenceService name as the model"
    if status in (502, 503, 504):
        return (
            "the route or server timed out",
            "the route timeout (haproxy.router.openshift.io/timeout) or a still-loading engine",
        )
    return "the first request failed", "see the error"


def token_refusal(url: str) -> str | None:
    """Why a bearer token must not go to ``url`` (None when it may): only over https, to loopback, or
    over plain http to an in-cluster Service when ``OPTISERVE_ALLOW_HTTP_TOKEN=1`` says the network is trusted."""
    u = urllib.parse.urlsplit(url)
    host = (u.hostname or "").lower()
    if u.scheme == "https" or host in ("127.0.0.1", "::1", "localhost"):
        return None
    if (
        u.scheme == "http"
        and host.endswith((".svc", ".svc.cluster.local"))
        and os.environ.get("OPTISERVE_ALLOW_HTTP_TOKEN") == "1"
    ):
        return None
    return f"the endpoint {u.scheme}://{host} is not https"


def smoke_test(
    url: str,
    model: str,
    token: str | None = None,
    *,
    timeout: float = 60.0,
    max_tokens: int = 16,
    prompt: str = PROMPT,
    deadline: float | None = None,
) -> SmokeResult:
    """POST ``/v1/completions`` with ``stream=true``; TTFT = time to the first non-empty text chunk.

    ``timeout`` bounds the whole request (connect, headers and every streamed line), not one socket
    read: an endpoint that trickles keep-alive comments cannot hold it longer. ``deadline`` (a
    ``time.monotonic()`` value) ends it earlier, e.g. when the request waited for a free worker."""
    start = time.monotonic()
    deadline = min(deadline or float("inf"), start + timeout)
    res = SmokeResult(False, url)
    u = urllib.parse.urlsplit(url.rstrip("/"))
    if token and token_refusal(url):
        res.error = f"not sending the token: {token_refusal(url)}"
        res.cause = "a bearer token would cross the network in clear text"
        res.fix = (
            "expose the endpoint over https (--external gives a TLS route), or, inside a trusted cluster "
            "network, set OPTISERVE_ALLOW_HTTP_TOKEN=1"
        )
        return res
    if deadline - start <= 0:
        res.error, res.cause = "no time left for the request", "the request waited too long for a free worker"
        res.fix = "too many prompts at once: try again in a moment"
        return res
    conn_cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
    body = json.dumps({"model": model, "prompt": prompt, "max_tokens": max_tokens, "stream": True, "temperature": 0})
    headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = None

    def left() -> float:
        rest = deadline - time.monotonic()
        if rest <= 0:
            raise TimeoutError(f"no complete answer within {deadline - start:.0f} s")
        return rest

    try:
        conn = conn_cls(u.netloc, timeout=left())
        conn.request("POST", f"{u.path}/v1/completions", body=body, headers=headers)
        conn.sock.settimeout(left())
        resp = conn.getresponse()
        res.status = resp.status
        if resp.status != 200:
            text = resp.read(2000).decode("utf-8", "replace")
            res.error = f"HTTP {resp.status}: {text[:300]}"
            res.cause, res.fix = _explain(resp.status, text)
            return res
        parts = []
        while True:
            if conn.sock is not None:
                conn.sock.settimeout(left())
            line = resp.readline(65536)
            left()
            if not line:
                break
            text = line.decode("utf-8", "replace").strip()
            if not text.startswith("data:"):
                continue
            data = text[5:].strip()
            if data == "[DONE]":
                break
            chunk = json.loads(data)
            choices = chunk.get("choices") if isinstance(chunk, dict) else None
            piece = "".join(str(c.get("text") or "") for c in choices or [] if isinstance(c, dict))
            if piece and res.ttft_s is None:
                res.ttft_s = round(time.monotonic() - start, 3)
            parts.append(piece)
        res.text = "".join(parts)
        res.total_s = round(time.monotonic() - start, 3)
        res.ok = res.ttft_s is not None
        if not res.ok:
            res.error, res.cause, res.fix = (
                "the stream ended without text",
                "the engine returned nothing",
                "check the logs",
            )
    except (OSError, http.client.HTTPException, ValueError) as exc:
        res.error = f"{type(exc).__name__}: {exc}"
        if res.status is not None and isinstance(exc, (TimeoutError, OSError)):
            # it answered, then went quiet: reachable, but slow or stuck
            res.cause = f"the endpoint answered HTTP {res.status}, then sent no complete answer in time"
            res.fix = "the engine may be overloaded or stuck: check its logs, or ask for fewer max_tokens"
        elif isinstance(exc, TimeoutError):
            res.cause = "the endpoint did not answer in time"
            res.fix = (
                "check that the engine is up (its logs); an internal *.svc.cluster.local URL works only "
                "inside the cluster: run from the workbench, or deploy with --external"
            )
        elif isinstance(exc, OSError):
            res.cause = "the endpoint is not reachable from here"
            res.fix = (
                "an internal *.svc.cluster.local URL works only inside the cluster: run from the workbench, "
                "or deploy with --external"
            )
        else:
            res.cause, res.fix = (
                "bad response",
                "the endpoint does not speak the OpenAI streaming API: check the runtime",
            )
    finally:
        if conn is not None:
            conn.close()
    return res


def snippets(url: str, model: str, auth: bool) -> dict:
    """Copyable curl and Python for the endpoint; ``$TOKEN`` stands for the token, never the value."""
    hdr = ' -H "Authorization: Bearer $TOKEN"' if auth else ""
    curl = (
        f"curl -s {url.rstrip('/')}/v1/completions -H 'Content-Type: application/json'{hdr} \\\n"
        f'  -d \'{{"model": "{model}", "prompt": "Hello", "max_tokens": 32}}\''
    )
    key = 'os.environ["TOKEN"]' if auth else '"none"'
    python = (
        "import os\nfrom openai import OpenAI\n\n"
        f'client = OpenAI(base_url="{url.rstrip("/")}/v1", api_key={key})\n'
        f'print(client.completions.create(model="{model}", prompt="Hello", max_tokens=32).choices[0].text)'
    )
    return {"curl": curl, "python": python}


def read_token(conn, name: str, namespace: str) -> str | None:
    """The deployment's ServiceAccount token (token auth on), or $OPTISERVE_TOKEN; None if unreadable.
    Used for one request and never stored or shown (snippets say ``$TOKEN``)."""
    import base64
    import os

    from jupyter_optiserve.errors import OptiServeError

    token = os.environ.get("OPTISERVE_TOKEN")
    if token:
        return token
    try:
        sec = conn.get_json(conn.core.read_namespaced_secret, f"default-{name}-sa", namespace)
        return base64.b64decode((sec.get("data") or {}).get("token", "")).decode() or None
    except (OptiServeError, ValueError):
        return None


def record_smoke(conn, plan, tl, timeout: float) -> None:
    """After Ready: one streamed completion through the endpoint, recorded on the timeline
    (``tl.smoke`` and the first-response phase). Shared by the CLI and the server's deploy tasks."""
    token = read_token(conn, plan.name, plan.namespace) if plan.auth else None
    url = tl.url or tl.internal_url
    res = smoke_test(url, plan.name, token, timeout=timeout)
    tl.smoke = {**res.to_dict(), "snippets": snippets(url, plan.name, plan.auth)}
    if res.ok:
        tl.complete("first-response", f"first token in {res.ttft_s:.2f} s")
    else:
        tl.phases["first-response"].state = "failed"
        tl.phases["first-response"].detail = f"{res.error} ({res.cause}; {res.fix})"
        tl.note(f"first request failed: {res.error}")
