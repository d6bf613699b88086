"""A sweep: levels of concurrency (closed loop: C clients start together) or request rates (Poisson).

One event loop runs the whole sweep under a total deadline; a level cut short by the deadline is
kept and marked ``truncated``. ``on_progress(event)`` sees ``level`` / ``request`` / ``level_done``
events for a progress bar.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from jupyter_optiserve.benchmark.client import StreamingClient
from jupyter_optiserve.benchmark.errors import NothingMeasuredError
from jupyter_optiserve.benchmark.stats import RequestRecord, level_summary
from jupyter_optiserve.benchmark.workload import Workload
from jupyter_optiserve.errors import InvalidInputError


@dataclass
class Sweep:
    concurrency: list[int] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    requests_per_level: int | None = None  # default: max(3 x C, 10); for rates: max(3 x rate x 10, 10)
    max_streams: int = 256
    deadline_s: float = 600.0

    def __post_init__(self):
        if bool(self.concurrency) == bool(self.rates):
            raise InvalidInputError(
                "give either --concurrency or --rate levels (not both, not neither)",
                hint="e.g. --concurrency 1,8,32 or --rate 1,2,4",
            )
        if any(c < 1 for c in self.concurrency) or any(not r > 0 for r in self.rates):
            raise InvalidInputError("levels must be positive", hint="e.g. --concurrency 1,8,32")
        if max(self.concurrency or [1]) > self.max_streams:
            raise InvalidInputError(
                f"concurrency {max(self.concurrency)} is above --max-streams {self.max_streams}",
                hint=f"raise --max-streams to {max(self.concurrency)}",
            )

    def count(self, level: float, closed: bool) -> int:
        if self.requests_per_level:
            return self.requests_per_level
        return max(int(3 * level), 10) if closed else max(int(30 * level), 10)


def run_sweep(
    client_kw: dict, workload: Workload, sweep: Sweep, on_progress: Callable[[dict], None] | None = None, cancel=None
) -> list[dict]:
    """Blocking: runs the sweep on a fresh event loop (call it from a thread in a server)."""
    return asyncio.run(_sweep(client_kw, workload, sweep, on_progress or (lambda e: None), cancel))


async def _sweep(client_kw, workload, sweep, progress, cancel) -> list[dict]:
    levels: list[dict] = []
    end_by = time.monotonic() + sweep.deadline_s
    closed = bool(sweep.concurrency)
    values = sweep.concurrency or sweep.rates
    async with StreamingClient(**client_kw, api=workload.api, max_streams=sweep.max_streams) as client:
        await client.probe()
        for i, level in enumerate(values):
            n = sweep.count(level, closed)
            progress(
                {
                    "event": "level",
                    "index": i,
                    "levels": len(values),
                    "concurrency" if closed else "rate": level,
                    "requests": n,
                }
            )
            reqs = workload.requests(n, offset=i * 1000)
            records: list[RequestRecord] = []

            def done(rec, i=i, n=n, records=records):
                records.append(rec)
                progress({"event": "request", "index": i, "done": len(records), "requests": n, "ok": rec.ok})

            work = (
                _closed_loop(client, reqs, int(level), done)
                if closed
                else _poisson(client, reqs, level, done, workload.seed + i)
            )
            truncated = not await _until(work, end_by, cancel)
            if records:
                row = level_summary(records, concurrency=int(level) if closed else None, rate=None if closed else level)
                row["truncated"] = truncated
                levels.append(row)
                progress({"event": "level_done", "index": i, "level": row})
            if truncated:
                break
    if not any(lv["requests"] for lv in levels):
        raise _nothing_measured(next((s for lv in levels for s in lv.get("error_samples", [])), "no request finished"))
    return levels


def _nothing_measured(sample: str):
    """Every request failed: the cause as its own error (401/403 exit 5, unknown model exit 2), else exit 4."""
    from jupyter_optiserve.benchmark.errors import EndpointAuthError, UnknownServedModelError

    msg = f"the benchmark measured nothing: every request failed ({sample}); nothing was stored"
    if sample.startswith(("HTTP 401", "HTTP 403")):
        return EndpointAuthError(msg, hint="pass --token-env VAR naming a variable that holds a valid token")
    if sample.startswith("HTTP 404") and "model" in sample.lower():
        return UnknownServedModelError(msg, hint="check --model against the endpoint's /v1/models")
    return NothingMeasuredError(msg, hint="check the endpoint, the model name and the token")


async def _until(coro, end_by: float, cancel) -> bool:
    """Run ``coro`` until done (True), or the deadline / a cancel (False, its tasks cancelled)."""
    task = asyncio.ensure_future(coro)
    while not task.done():
        left = end_by - time.monotonic()
        if left <= 0 or (cancel is not None and cancel.is_set()):
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
            return False
        await asyncio.wait([task], timeout=min(left, 0.25))
    task.result()
    return True


async def _closed_loop(client, reqs, c: int, done) -> None:
    queue = iter(reqs)
    go = asyncio.Event()

    async def worker():
        await go.wait()  # all C clients start together
        for req in queue:
            done(await client.send(req))

    workers = [asyncio.create_task(worker()) for _ in range(min(c, len(reqs)))]
    await asyncio.sleep(0)
    go.set()
    try:
        await asyncio.gather(*workers)
    finally:
        for w in workers:
            w.cancel()


async def _poisson(client, reqs, rate: float, done, seed: int) -> None:
    rng = random.Random(seed)
    tasks, t = [], time.monotonic()
    sem = asyncio.Semaphore(client.max_streams)

    async def one(req):
        async with sem:
            done(await client.send(req))

    try:
        for req in reqs:
            t += rng.expovariate(rate)  # absolute schedule: no drift from sleep overshoot
            await asyncio.sleep(max(0.0, t - time.monotonic()))
            tasks.append(asyncio.create_task(one(req)))
        await asyncio.gather(*tasks)
    finally:
        for x in tasks:
            x.cancel()
