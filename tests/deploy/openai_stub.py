"""The tests' OpenAI-compatible endpoint: the simulated engine (``jupyter_optiserve.testing.simengine``)
with the first-response check's fixed answer.

``/v1/completions`` streams "Hello! I am here." in four chunks after ``delay`` seconds; ``token``
makes it demand a bearer token; ``fail`` makes it answer with that (status, body) instead.
"""

from __future__ import annotations

from jupyter_optiserve.testing.simengine import SimEngine, Timing

ANSWER = ("Hello", "!", " I am", " here.")


class OpenAIStub(SimEngine):
    def __init__(
        self, model: str = "granite", token: str | None = None, delay: float = 0.05, fail: tuple[int, str] | None = None
    ):
        super().__init__(
            model,
            Timing(ttft_base_ms=delay * 1000, ttft_per_prompt_token_ms=0, itl_base_ms=0, itl_per_stream_ms=0),
            token=token,
            fail=fail,
            pieces=ANSWER,
        )
        self.delay = delay
