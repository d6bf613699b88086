"""REST for benchmarks (``service/benchmarks.py``) and their progress stream.

``GET /optiserve/benchmarks/{id}/events`` is the deploy stream's format (``server/sse.py``): the
task's events so far (after ``Last-Event-ID``), live ones, heartbeats, and ``end``.
"""

from __future__ import annotations

import asyncio

import tornado.web
from tornado.iostream import StreamClosedError

from jupyter_optiserve.errors import NotFoundError
from jupyter_optiserve.server.handlers import OptiServeHandler
from jupyter_optiserve.service import benchmarks as svc


class BenchmarksHandler(OptiServeHandler):
    api_path = "/optiserve/benchmarks"

    @tornado.web.authenticated
    async def get(self):
        limit = int(self.params("get").get("limit") or 50)
        self.reply(await self.blocking(svc.list_benchmarks, self.optiserve, limit))

    @tornado.web.authenticated
    async def post(self):
        body = await self.body("post")
        task = await self.blocking(svc.start_benchmark, body, self.optiserve)
        self.set_header("Location", f"{self.base_url.rstrip('/')}/optiserve/benchmarks/{task['id']}")
        self.reply(task, 202)


class BenchmarkHandler(OptiServeHandler):
    api_path = "/optiserve/benchmarks/{id}"

    @tornado.web.authenticated
    async def get(self, id):  # noqa: A002 - the path parameter's name
        self.params("get")
        self.reply(await self.blocking(svc.get_benchmark, id, self.optiserve))


class BenchmarkCancelHandler(OptiServeHandler):
    api_path = "/optiserve/benchmarks/{id}/cancel"

    @tornado.web.authenticated
    async def post(self, id):  # noqa: A002
        self.params("post")
        self.reply(await self.blocking(svc.cancel_benchmark, id, self.optiserve))


class CalibrateHandler(OptiServeHandler):
    api_path = "/optiserve/calibrate"

    @tornado.web.authenticated
    async def post(self):
        self.reply(await self.blocking(svc.calibrate, await self.body("post")))


class BenchmarkEventsHandler(OptiServeHandler):
    api_path = "/optiserve/benchmarks/{id}/events"
    _track_activity = False

    @tornado.web.authenticated
    async def get(self, id):  # noqa: A002
        from jupyter_optiserve.server.sse import format_event

        self.params("get")
        task = svc.tasks(self.optiserve).get(id)
        if task is None:
            raise NotFoundError(f"no benchmark task '{id}' in this server",
                                hint="tasks live in the server's memory; a stored run is at GET /optiserve/benchmarks/{id}")
        try:
            after = int(self.request.headers.get("Last-Event-ID") or 0)
        except ValueError:
            after = 0
        loop, queue = asyncio.get_running_loop(), asyncio.Queue()

        def push(ev):  # on the benchmark thread
            try:
                loop.call_soon_threadsafe(queue.put_nowait, ev)
            except RuntimeError:
                pass

        replay, unsubscribe = task.subscribe(push, after=after)
        heartbeat = float(self.settings.get("optiserve_sse_heartbeat", 15.0))
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Accel-Buffering", "no")
        try:
            self.write(f"retry: 3000\n: benchmark {task.id}\n\n")
            await self.flush()
            for ev in replay:
                self.write(format_event(ev))
                if ev["type"] == "end":
                    return
            await self.flush()
            while True:
                try:
                    ev = await asyncio.wait_for(queue.get(), timeout=heartbeat)
                except asyncio.TimeoutError:
                    self.write(": heartbeat\n\n")
                    await self.flush()
                    continue
                self.write(format_event(ev))
                await self.flush()
                if ev["type"] == "end":
                    return
        except StreamClosedError:
            pass
        finally:
            unsubscribe()
            if not self._finished:
                try:
                    self.finish(set_content_type="text/event-stream; charset=utf-8")
                except StreamClosedError:
                    pass


def routes() -> list[tuple[str, type]]:
    bid = r"(?P<id>[A-Za-z0-9-]+)"
    return [("/optiserve/benchmarks", BenchmarksHandler),
            (f"/optiserve/benchmarks/{bid}", BenchmarkHandler),
            (f"/optiserve/benchmarks/{bid}/cancel", BenchmarkCancelHandler),
            (f"/optiserve/benchmarks/{bid}/events", BenchmarkEventsHandler),
            ("/optiserve/calibrate", CalibrateHandler)]
