"""The in-process streaming client: OpenAI-compatible ``/v1/completions`` or ``/v1/chat/completions``.

It stays out of the measurement's way: one event loop, one bounded connection pool of its own
(never shared with Kubernetes calls), timestamps taken as chunks arrive, and JSON decoded only for
the chunk that carries ``usage``. A token is sent only over https unless the caller allows plain
http explicitly (a loopback simulator, a port-forward).
"""

from __future__ import annotations

import json
import time
import urllib.parse

import aiohttp

from jupyter_optiserve.benchmark.errors import EndpointAuthError, EndpointUnreachableError, UnknownServedModelError
from jupyter_optiserve.benchmark.stats import RequestRecord
from jupyter_optiserve.benchmark.workload import Request
from jupyter_optiserve.errors import InvalidInputError, closest

PATHS = {"completions": "/v1/completions", "chat": "/v1/chat/completions"}


def check_url(url: str, token: str | None, allow_insecure_token: bool) -> str:
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "https") or not u.netloc:
        raise InvalidInputError(f"--url must be an http(s) base URL like https://host, got {url!r}", hint="fix --url")
    if token and u.scheme != "https" and not allow_insecure_token:
        raise InvalidInputError(
            f"refusing to send the endpoint token over plain http to {u.netloc}",
            hint="use the https URL (a Route, or the external URL), or pass --insecure-token for a trusted "
            "loopback or port-forward",
        )
    base = url.rstrip("/")
    return base[:-3] if base.endswith("/v1") else base


class StreamingClient:
    """``async with StreamingClient(url, model, max_streams=256) as c: rec = await c.send(request)``"""

    def __init__(
        self,
        url: str,
        model: str,
        *,
        api: str = "completions",
        token: str | None = None,
        max_streams: int = 256,
        request_timeout: float = 300.0,
        allow_insecure_token: bool = False,
        ignore_eos: bool = True,
    ):
        self.base = check_url(url, token, allow_insecure_token)
        self.model, self.api, self.ignore_eos = model, api, ignore_eos
        self.max_streams, self.request_timeout = max_streams, request_timeout
        self._headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> StreamingClient:
        conn = aiohttp.TCPConnector(limit=self.max_streams, limit_per_host=self.max_streams, force_close=False)
        self._session = aiohttp.ClientSession(
            connector=conn, headers=self._headers, timeout=aiohttp.ClientTimeout(total=self.request_timeout, connect=10)
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    def _http(self) -> aiohttp.ClientSession:
        """The open session (``async with`` opens it)."""
        if self._session is None:
            raise RuntimeError("use the client inside `async with`")
        return self._session

    def body(self, req: Request) -> dict:
        body = {
            "model": self.model,
            "max_tokens": req.output_len,
            "stream": True,
            "temperature": 0,
            "stream_options": {"include_usage": True},
        }
        if self.ignore_eos:  # vLLM: generate exactly max_tokens, as the workload asks
            body.update(ignore_eos=True, min_tokens=req.output_len)
        if self.api == "chat":
            body["messages"] = [{"role": "user", "content": req.prompt}]
        else:
            body["prompt"] = req.prompt
        return body

    async def probe(self) -> None:
        """Fail fast, with the cause, before a sweep: unreachable (4), 401/403 (5), unknown model (2)."""
        try:
            async with self._http().get(self.base + "/v1/models", timeout=aiohttp.ClientTimeout(total=30)) as r:
                if r.status in (401, 403):
                    raise EndpointAuthError(
                        f"{self.base} answered {r.status}: the endpoint wants a valid token",
                        hint="pass --token-env VAR naming a variable that holds the token "
                        "(for an OptiServe deployment with --auth: its <name>-sa Secret)",
                    )
                if r.status == 200:
                    names = [m.get("id") for m in (await r.json(content_type=None)).get("data") or []]
                    if names and self.model not in names:
                        raise UnknownServedModelError(
                            f"{self.base} does not serve a model named '{self.model}'; it serves {', '.join(names)}",
                            hint=f"use --model {names[0]}",
                            matches=closest(self.model, names) or names[:5],
                        )
        except aiohttp.ClientConnectionError as exc:
            raise EndpointUnreachableError(
                f"cannot reach {self.base}: {exc}",
                hint="check the URL; an internal *.svc URL works only inside the cluster "
                "(run from the workbench, or benchmark in-cluster)",
            ) from None
        except TimeoutError:
            raise EndpointUnreachableError(
                f"{self.base} did not answer within 30 s", hint="check the URL and that the model is Ready"
            ) from None

    async def send(self, req: Request) -> RequestRecord:
        rec = RequestRecord(start=time.monotonic(), input_tokens=req.input_len)
        chunks = 0
        try:
            async with self._http().post(self.base + PATHS[self.api], json=self.body(req)) as resp:
                if resp.status != 200:
                    text = (await resp.content.read(500)).decode("utf-8", "replace")
                    rec.error = f"HTTP {resp.status}: {text[:200]}"
                    return rec
                usage = None
                async for line in resp.content:
                    now = time.monotonic()
                    if not line.startswith(b"data:"):
                        continue
                    data = line[5:].strip()
                    if data == b"[DONE]":
                        break
                    if b'"completion_tokens"' in data:  # the usage chunk (decoded only then)
                        usage = json.loads(data).get("usage") or usage
                    if _has_text(data):
                        chunks += 1
                        if rec.first_token is None:
                            rec.first_token = now
                        rec.last_token = now
                rec.output_tokens = int((usage or {}).get("completion_tokens") or chunks)
                if usage and usage.get("prompt_tokens"):
                    rec.input_tokens = int(usage["prompt_tokens"])
                if rec.first_token is None:
                    rec.error = "the stream ended without a token"
        except (aiohttp.ClientError, TimeoutError) as exc:
            rec.error = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            rec.end = time.monotonic()
        return rec


def _has_text(data: bytes) -> bool:
    """Cheap check for a non-empty text/content piece without decoding the JSON."""
    for key in (b'"text":"', b'"text": "', b'"content":"', b'"content": "'):
        i = data.find(key)
        if i >= 0:
            return data[i + len(key) : i + len(key) + 1] != b'"'
    return False
