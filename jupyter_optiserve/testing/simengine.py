"""A simulated OpenAI-compatible engine with known timing, for tests and ``bench/``.

Truth model (all in ms): a request's first token arrives ``ttft_base + ttft_per_prompt_token x
prompt_tokens`` after it is received; each later token ``itl_base + itl_per_stream x (active - 1)``
after the previous one, where ``active`` is the number of streams generating at that moment. A
prompt token is a whitespace-separated word (the synthetic prompts are words). Tokens are scheduled
at absolute deadlines: relative sleeps overshoot by ~1 ms each in asyncio and the error accumulates.

Serves ``GET /health``, ``GET /v1/models``, ``POST /v1/completions`` and ``POST /v1/chat/completions`` (streaming
with ``stream_options.include_usage``, or not), a bearer ``token`` (401 otherwise) and vLLM's 404
for an unknown model. Runs on its own event loop in a thread, or as a process:
``python -m jupyter_optiserve.testing.simengine --port 8000``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass

from aiohttp import web


@dataclass
class Timing:
    ttft_base_ms: float = 20.0
    ttft_per_prompt_token_ms: float = 0.05
    itl_base_ms: float = 10.0
    itl_per_stream_ms: float = 0.25

    def ttft_ms(self, prompt_tokens: int) -> float:
        return self.ttft_base_ms + self.ttft_per_prompt_token_ms * prompt_tokens

    def itl_ms(self, active: int) -> float:
        return self.itl_base_ms + self.itl_per_stream_ms * max(0, active - 1)


def _prompt_tokens(body: dict, chat: bool) -> int:
    if chat:
        return sum(len(str(m.get("content") or "").split()) for m in body.get("messages") or [])
    prompt = body.get("prompt") or ""
    return len(prompt.split()) if isinstance(prompt, str) else len(prompt)


class SimEngine:
    """``with SimEngine(model="granite", timing=Timing(...)) as sim: sim.url``"""

    def __init__(
        self,
        model: str = "granite",
        timing: Timing | None = None,
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        default_max_tokens: int = 16,
        fail: tuple[int, str] | None = None,
        pieces: tuple[str, ...] | None = None,
    ):
        """``fail`` answers every generation with that (status, JSON body); ``pieces`` streams this
        fixed text (one piece per token) instead of ``max_tokens`` generated words."""
        self.model, self.timing, self.token = model, timing or Timing(), token
        self.fail, self.pieces = fail, pieces
        self.host, self.port = host, port
        self.default_max_tokens = default_max_tokens
        self.requests: list[dict] = []
        self.active = 0
        self.max_active = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    # ---- app ----
    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/models", self._models)
        app.router.add_get("/health", self._health)
        app.router.add_post("/v1/completions", self._completions)
        app.router.add_post("/v1/chat/completions", self._chat)
        return app

    async def _health(self, request: web.Request) -> web.Response:
        return web.Response(text="")

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        return await self._generate(request, chat=False)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        return await self._generate(request, chat=True)

    def _authorized(self, request: web.Request) -> bool:
        return not self.token or request.headers.get("Authorization") == f"Bearer {self.token}"

    async def _models(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"error": "Unauthorized"}, status=401)
        return web.json_response({"object": "list", "data": [{"id": self.model, "object": "model"}]})

    async def _generate(self, request: web.Request, chat: bool) -> web.StreamResponse:
        received = time.monotonic()
        body = await request.json()
        self.requests.append({"path": request.path, "body": body, "auth": request.headers.get("Authorization")})
        if self.fail:
            return web.Response(status=self.fail[0], text=self.fail[1], content_type="application/json")
        if not self._authorized(request):
            return web.json_response({"error": "Unauthorized"}, status=401)
        if body.get("model") != self.model:
            return web.json_response(
                {
                    "object": "error",
                    "message": f"The model `{body.get('model')}` does not exist.",
                    "type": "NotFoundError",
                    "code": 404,
                },
                status=404,
            )
        n_in = _prompt_tokens(body, chat)
        words = self.pieces or [
            f" w{i}"
            for i in range(int(body.get("max_tokens") or body.get("max_completion_tokens") or self.default_max_tokens))
        ]
        n_out = len(words)
        usage = {"prompt_tokens": n_in, "completion_tokens": n_out, "total_tokens": n_in + n_out}
        loop = asyncio.get_running_loop()
        # monotonic and the loop's clock are the same clock on Linux (asyncio uses time.monotonic)
        deadline = loop.time() + (received - time.monotonic()) + self.timing.ttft_ms(n_in) / 1000
        stream = bool(body.get("stream"))
        resp = None
        if stream:
            resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
            await resp.prepare(request)
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            for i in range(n_out):
                await asyncio.sleep(max(0.0, deadline - loop.time()))
                if stream:
                    await resp.write(self._chunk(chat, words[i]))
                deadline += self.timing.itl_ms(self.active) / 1000
        finally:
            self.active -= 1
        text = "".join(words)
        if not stream:
            choice = (
                {"index": 0, "message": {"role": "assistant", "content": text}} if chat else {"index": 0, "text": text}
            )
            return web.json_response(
                {
                    "id": "sim",
                    "object": "chat.completion" if chat else "text_completion",
                    "model": self.model,
                    "choices": [{**choice, "finish_reason": "length"}],
                    "usage": usage,
                }
            )
        if (body.get("stream_options") or {}).get("include_usage"):
            await resp.write(
                f"data: {json.dumps({'id': 'sim', 'model': self.model, 'choices': [], 'usage': usage})}\n\n".encode()
            )
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp

    def _chunk(self, chat: bool, piece: str) -> bytes:
        if chat:
            choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
        else:
            choice = {"index": 0, "text": piece, "finish_reason": None}
        return f"data: {json.dumps({'id': 'sim', 'model': self.model, 'choices': [choice]})}\n\n".encode()

    # ---- lifecycle (a thread with its own loop) ----
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _serve(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(self.app(), access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, self.host, self.port, backlog=1024)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def __enter__(self) -> SimEngine:
        self._thread = threading.Thread(target=self._serve, name="simengine", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        if self._loop:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(10)


def main(argv: list[str] | None = None) -> None:
    import argparse

    p = argparse.ArgumentParser(description="simulated OpenAI-compatible engine with known timing")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--model", default="granite")
    p.add_argument("--token", help="demand this bearer token (401 otherwise)")
    for f in ("ttft_base_ms", "ttft_per_prompt_token_ms", "itl_base_ms", "itl_per_stream_ms"):
        p.add_argument("--" + f.replace("_", "-"), type=float, default=getattr(Timing, f))
    a = p.parse_args(argv)
    sim = SimEngine(
        a.model, Timing(a.ttft_base_ms, a.ttft_per_prompt_token_ms, a.itl_base_ms, a.itl_per_stream_ms), token=a.token
    )
    web.run_app(sim.app(), host=a.host, port=a.port, access_log=None, print=lambda *x: print(*x, flush=True))


if __name__ == "__main__":
    main()
